//! A short, bounded load on loopback: concurrent searches all answered, none failed.

use std::time::{Duration, Instant};

use super::indexed;
use crate::env::{encode, http_raw, target_dir};

const THREADS: usize = 8;
const REQUESTS_PER_THREAD: usize = 50;
/// The whole run must end well within this, or the test fails (and stops sending).
const TIME_CAP: Duration = Duration::from_secs(120);

const QUERIES: &[&str] = &[
    "q=Khorgos",
    "q=霍尔果斯",
    "q=SINOOIL&lang=zh",
    "q=\"一带一路\"",
    "q=Kazakhstan trade&limit=20",
    "q=\"camel milk powder\"",
    "q=Tokayev -June",
    "q=霍尔果斯无水港",
    "q=Atyrau OR Urumqi&per_story=10",
    "q=who drives the gantry crane at Khorgos",
    "q=Khorgos&since=2022-01-01&until=2022-12-31",
    "q=Kazakstan",
];

/// `q=a b&x=y` with each value percent-encoded.
fn target(query: &str) -> String {
    let params: Vec<String> = query
        .split('&')
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap();
            format!("{k}={}", encode(v))
        })
        .collect();
    format!("/api/search?{}", params.join("&"))
}

#[test]
fn serve_answers_concurrent_searches_without_errors() {
    let env = indexed();
    let served = env.serve(&[]);
    let addr = served.addr.clone();
    let started = Instant::now();
    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let mut results = Vec::with_capacity(REQUESTS_PER_THREAD);
                for i in 0..REQUESTS_PER_THREAD {
                    if started.elapsed() > TIME_CAP {
                        break;
                    }
                    let target = target(QUERIES[(t + i) % QUERIES.len()]);
                    let sent = Instant::now();
                    let r = http_raw(
                        &addr,
                        &format!(
                            "GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
                        ),
                    );
                    let ok = r.status == 200
                        && serde_json::from_slice::<Vec<serde_json::Value>>(&r.body).is_ok();
                    results.push((ok, r.status, sent.elapsed()));
                }
                results
            })
        })
        .collect();
    let mut results = Vec::new();
    for w in workers {
        results.extend(w.join().expect("a client thread"));
    }
    let wall = started.elapsed();
    let errors: Vec<u16> = results.iter().filter(|r| !r.0).map(|r| r.1).collect();
    let mut latencies: Vec<Duration> = results.iter().map(|r| r.2).collect();
    latencies.sort();
    let pct = |p: usize| latencies[(latencies.len() * p / 100).min(latencies.len() - 1)];
    let summary = format!(
        "serve load: {} requests ({THREADS} threads x {REQUESTS_PER_THREAD}), {} errors, \
         {:.2} s wall, {:.0} requests/s, latency p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms\n",
        results.len(),
        errors.len(),
        wall.as_secs_f64(),
        results.len() as f64 / wall.as_secs_f64(),
        pct(50).as_secs_f64() * 1000.0,
        pct(95).as_secs_f64() * 1000.0,
        latencies.last().unwrap().as_secs_f64() * 1000.0,
    );
    eprint!("{summary}");
    std::fs::write(target_dir().join("serve-load.txt"), &summary).unwrap();
    assert!(wall < TIME_CAP, "{summary}");
    assert_eq!(results.len(), THREADS * REQUESTS_PER_THREAD, "{summary}");
    assert!(
        errors.is_empty(),
        "statuses of failures: {errors:?}; {summary}"
    );
}
