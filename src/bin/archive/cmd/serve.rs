//! `archive serve`: the archive as a web page and a small JSON API on this machine, read-only.
//!
//! Six fixed routes and nothing else: the page (`/`, `/page.css`, `/page.js`, `/icon.svg`,
//! compiled into the binary), `/api/search` and `/api/story`. No URL is ever mapped to a file, so no URL can
//! read one. tiny_http reads and queues requests; a few worker threads answer them from one
//! shared `Searcher`.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;
use std::sync::{mpsc, Arc};
use std::time::Instant;

use anyhow::{anyhow, Context, Result};
use archive::analysis::Analyzers;
use archive::error::Fault;
use archive::{indexer, store, Error, RequestBuilder, Searcher};
use serde::Serialize;
use tiny_http::{Header, Method, Response, Server};

use crate::cli::ServeArgs;
use crate::output;
use crate::paths::Resolved;

const PAGE: &str = include_str!("../serve/page.html");
const STYLE: &str = include_str!("../serve/page.css");
const SCRIPT: &str = include_str!("../serve/page.js");
const ICON: &str = include_str!("../serve/icon.svg");

/// Longest request target, in bytes (a maximal query, percent-encoded, fits).
const MAX_URL_BYTES: usize = 8192;
/// Threads answering requests. Searches are short and CPU-bound; a couple more threads than
/// cores keep one slow query from holding up the page's next keystroke.
const WORKERS: usize = 4;

/// The page's own script, style and API only: nothing inline, nothing from elsewhere, no
/// forms, no framing. Sent with every response, so an API answer opened as a page is inert too.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
                   connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; \
                   frame-ancestors 'none'";

const HTML: &str = "text/html; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";
const SVG: &str = "image/svg+xml; charset=utf-8";
const JSON: &str = "application/json; charset=utf-8";
const TEXT: &str = "text/plain; charset=utf-8";

pub fn run(paths: &Resolved, args: ServeArgs) -> Result<ExitCode> {
    // Opening is read-only; a missing index is the usual one-line error. Serving never builds
    // or updates the index: the archive may be on a stick that must not be written.
    let searcher = Searcher::open(&paths.archive, &paths.index)?;
    warn_if_stale(paths);
    let wanted = SocketAddr::new(args.listen, args.port);
    let server = Server::http(wanted).map_err(|e| anyhow!("cannot listen on {wanted}: {e}"))?;
    let addr = server
        .server_addr()
        .to_ip()
        .context("the server has no IP address")?;
    if !addr.ip().is_loopback() {
        eprintln!(
            "archive: warning: listening on {addr}: anyone who can reach this machine can read the archive"
        );
    }
    let site = Arc::new(Site {
        searcher,
        port: addr.port(),
        loopback: addr.ip().is_loopback(),
    });
    // The URL is the only line on stdout, so a script (or a test) can read it. (An IPv6
    // address prints in brackets, as a URL wants it.)
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "http://{addr}/")?;
    stdout.flush()?;
    drop(stdout);
    eprintln!("serving {} read-only; Ctrl-C stops", paths.index.display());

    let server = Arc::new(server);
    let (failed, failure) = mpsc::channel();
    for _ in 0..WORKERS {
        let (server, site, failed) = (server.clone(), site.clone(), failed.clone());
        std::thread::spawn(move || loop {
            match server.recv() {
                Ok(request) => respond(&site, request),
                // tiny_http stops accepting after an error on the listening socket.
                Err(e) => {
                    let _ = failed.send(e);
                    return;
                }
            }
        });
    }
    let e = failure.recv().context("every worker stopped")?;
    Err(anyhow!(e).context("the server stopped"))
}

/// An open index and what requests are checked against.
struct Site {
    searcher: Searcher,
    port: u16,
    /// Listening on loopback only: then the Host header must name this machine.
    loopback: bool,
}

/// What to send back.
#[derive(Debug)]
struct Reply {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
}

impl Reply {
    fn ok(content_type: &'static str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status: 200,
            content_type,
            body: body.into(),
        }
    }

    fn json(status: u16, value: &impl Serialize) -> Reply {
        Reply {
            status,
            content_type: JSON,
            body: json_bytes(value),
        }
    }

    /// An API error: `{"error": "one line"}`.
    fn api_error(status: u16, why: impl Into<String>) -> Reply {
        #[derive(Serialize)]
        struct Failure {
            error: String,
        }
        Reply::json(
            status,
            &Failure {
                error: why.into().replace('\n', " "),
            },
        )
    }

    fn text(status: u16, why: &str) -> Reply {
        Reply {
            status,
            content_type: TEXT,
            body: format!("{why}\n").into_bytes(),
        }
    }
}

/// JSON with `<`, `>` and `&` written as `\u003c`, `\u003e`, `\u0026`: the same values, but no
/// bytes a browser could take for markup, whatever it is told the type is. (These characters
/// only ever occur inside JSON strings, where the escapes mean the same.)
fn json_bytes(value: &impl Serialize) -> Vec<u8> {
    let raw = serde_json::to_vec(value).expect("plain data always serializes");
    let mut out = Vec::with_capacity(raw.len() + raw.len() / 16);
    for b in raw {
        match b {
            b'<' => out.extend_from_slice(br"\u003c"),
            b'>' => out.extend_from_slice(br"\u003e"),
            b'&' => out.extend_from_slice(br"\u0026"),
            b => out.push(b),
        }
    }
    out
}

fn respond(site: &Site, request: tiny_http::Request) {
    let started = Instant::now();
    let host = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_string());
    let reply = answer(site, request.method(), request.url(), host.as_deref());
    let mut response = Response::from_data(reply.body)
        .with_status_code(reply.status)
        .with_header(header("Content-Type", reply.content_type))
        .with_header(header("X-Content-Type-Options", "nosniff"))
        .with_header(header("Content-Security-Policy", CSP))
        .with_header(header("X-Frame-Options", "DENY"))
        .with_header(header("Referrer-Policy", "no-referrer"))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("Server", "archive"));
    if reply.status == 405 {
        response = response.with_header(header("Allow", "GET, HEAD"));
    }
    eprintln!(
        "{} {} {} {:.1} ms",
        request.method(),
        printable(request.url()),
        reply.status,
        started.elapsed().as_secs_f64() * 1000.0
    );
    // A client that went away is not the server's problem.
    let _ = request.respond(response);
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name, value).expect("headers are ASCII")
}

/// A request target as it may appear in a log line: no control characters (they could drive
/// the terminal), at most 200 characters.
fn printable(url: &str) -> String {
    let mut out: String = url
        .chars()
        .take(200)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if url.chars().count() > 200 {
        out.push('…');
    }
    out
}

/// The reply to one request. Pure (no I/O but the index), so routing is tested directly.
fn answer(site: &Site, method: &Method, url: &str, host: Option<&str>) -> Reply {
    if !matches!(method, Method::Get | Method::Head) {
        return Reply::text(405, "only GET and HEAD");
    }
    if url.len() > MAX_URL_BYTES {
        return Reply::text(414, "the address is too long");
    }
    // A web page elsewhere can point its own name at 127.0.0.1 (DNS rebinding) and read the
    // answers as same-origin; its requests still carry its own name as Host.
    if site.loopback && host.is_some_and(|h| !is_local_host(h, site.port)) {
        return Reply::text(403, "this server answers only to localhost and 127.0.0.1");
    }
    // The path is compared as sent, never decoded or normalised: `/%2e%2e/` is not `/../`,
    // and neither is a route.
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    match path {
        "/" => Reply::ok(HTML, PAGE),
        "/page.css" => Reply::ok(CSS, STYLE),
        "/page.js" => Reply::ok(JS, SCRIPT),
        // The tab's icon; without one a browser asks for /favicon.ico and logs a 404.
        "/icon.svg" => Reply::ok(SVG, ICON),
        "/api/search" => search(site, query),
        "/api/story" => story(site, query),
        p if p.starts_with("/api/") => Reply::api_error(404, "no such API; see README"),
        _ => Reply::text(404, "not found"),
    }
}

/// True for a Host header naming this machine's loopback on this port.
fn is_local_host(host: &str, port: u16) -> bool {
    let (name, given_port) = match host.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((name, after)) => (name, after.strip_prefix(':')),
            None => return false,
        },
        None => match host.rsplit_once(':') {
            Some((name, p)) => (name, Some(p)),
            None => (host, None),
        },
    };
    let port_ok = match given_port {
        Some(p) => p.parse::<u16>() == Ok(port),
        None => port == 80,
    };
    let name_ok = name.eq_ignore_ascii_case("localhost")
        || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
    port_ok && name_ok
}

fn search(site: &Site, query: &str) -> Reply {
    let request = match params(query, SEARCH_PARAMS).and_then(|p| search_request(&p)) {
        Ok(r) => r,
        Err(why) => return Reply::api_error(400, why),
    };
    match site
        .searcher
        .request(request)
        .and_then(|r| site.searcher.search(&r))
    {
        Ok(answer) => Reply::json(200, &output::json::records(&answer)),
        Err(e) => library_error(e),
    }
}

fn story(site: &Site, query: &str) -> Reply {
    let p = match params(query, STORY_PARAMS) {
        Ok(p) => p,
        Err(why) => return Reply::api_error(400, why),
    };
    // `doc` is the older name of `story`, kept as an alias.
    let (Some(story), Some(lang)) = (p.get("story").or(p.get("doc")), p.get("lang")) else {
        return Reply::api_error(400, "story and lang are both needed");
    };
    let Some(lang) = archive::article::normalize_lang(lang) else {
        return Reply::api_error(400, format!("unknown language {lang:?}"));
    };
    match site.searcher.story(story, &lang) {
        Ok(Some(story)) => Reply::json(200, &output::json::story(&story)),
        Ok(None) => Reply::api_error(404, format!("no story {story:?} in {lang:?}")),
        Err(e) => library_error(e),
    }
}

/// The caller's mistakes are 400s; the server's are logged, 503 when trying again may help,
/// else 500.
fn library_error(e: Error) -> Reply {
    let status = match e.fault() {
        Fault::Input => return Reply::api_error(400, e.to_string()),
        Fault::Busy => 503,
        Fault::Storage | Fault::Damaged => 500,
    };
    eprintln!("archive: {e}");
    Reply::api_error(status, e.to_string())
}

const SEARCH_PARAMS: &[&str] = &[
    "q",
    "limit",
    "lang",
    "since",
    "until",
    "exact",
    "per_story",
    "story",
    "explain",
];
const STORY_PARAMS: &[&str] = &["story", "doc", "lang"];

/// The query string's parameters, decoded. Unknown or repeated names are refused rather than
/// ignored, so a typo is an error and not a silently unfiltered search. An empty value is the
/// same as no value (a form sends `lang=` for "any").
fn params(query: &str, known: &[&str]) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (name, value) = (decode(name)?, decode(value)?);
        if !known.contains(&name.as_str()) {
            return Err(format!(
                "unknown parameter {name:?}; known: {}",
                known.join(", ")
            ));
        }
        if out.contains_key(&name) {
            return Err(format!("parameter {name:?} given twice"));
        }
        out.insert(name, value);
    }
    out.retain(|_, v| !v.is_empty());
    Ok(out)
}

/// Percent-decoding (`+` is a space), strictly: a stray `%` or bytes that are not UTF-8 are
/// an error, never a guess.
fn decode(s: &str) -> Result<String, String> {
    fn nibble(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = bytes.get(i + 1).copied().and_then(nibble);
                let lo = bytes.get(i + 2).copied().and_then(nibble);
                let (Some(hi), Some(lo)) = (hi, lo) else {
                    return Err(format!("bad percent-encoding at byte {} of {s:?}", i + 1));
                };
                out.push(hi << 4 | lo);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| format!("{s:?} is not UTF-8 once decoded"))
}

/// The request the parameters ask for; the library checks the values.
fn search_request(p: &BTreeMap<String, String>) -> Result<RequestBuilder, String> {
    let q = p.get("q").ok_or("missing parameter q (the query)")?;
    let mut b = RequestBuilder::new(q.as_str());
    if let Some(v) = p.get("limit") {
        b = b.limit(count("limit", v)?);
    }
    if let Some(v) = p.get("per_story") {
        b = b.per_story(count("per_story", v)?);
    }
    if let Some(v) = p.get("lang") {
        b = b.lang(v);
    }
    if let Some(v) = p.get("exact") {
        b = b.exact(flag("exact", v)?);
    }
    if let Some(v) = p.get("explain") {
        b = b.explain(flag("explain", v)?);
    }
    if let Some(v) = p.get("since") {
        b = b.since(v);
    }
    if let Some(v) = p.get("until") {
        b = b.until(v);
    }
    if let Some(v) = p.get("story") {
        b = b.story(v);
    }
    Ok(b)
}

fn count(name: &str, value: &str) -> Result<usize, String> {
    value
        .parse::<usize>()
        .map_err(|_| format!("{name} must be a number, not {value:?}"))
}

fn flag(name: &str, value: &str) -> Result<bool, String> {
    match value {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(format!("{name} must be true or false, not {value:?}")),
    }
}

/// Says on stderr when the archive changed since it was indexed: serving never re-indexes.
fn warn_if_stale(paths: &Resolved) {
    if !paths.archive.is_dir() {
        return;
    }
    let Ok(words) = store::user_words(&paths.archive) else {
        return;
    };
    if let Ok(false) = indexer::is_fresh(&paths.archive, &paths.index, &Analyzers::new(words)) {
        eprintln!(
            "archive: warning: the archive changed since it was indexed; run `archive index` and restart `archive serve` to search the changes"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_is_strict() {
        assert_eq!(decode("a+b%20c").unwrap(), "a b c");
        assert_eq!(
            decode("%E9%9C%8D%E5%B0%94%E6%9E%9C%E6%96%AF").unwrap(),
            "霍尔果斯"
        );
        assert!(decode("%").is_err());
        assert!(decode("%g0").is_err());
        assert!(decode("%+1").is_err());
        assert!(decode("%ff").is_err());
    }

    #[test]
    fn parameters_are_checked() {
        let held = ["en".to_string(), "zh".to_string()].into();
        let bad = |q: &str| {
            params(q, SEARCH_PARAMS)
                .and_then(|p| search_request(&p))
                .and_then(|b| b.build(&held).map_err(|e| e.to_string()))
        };
        let r = bad("q=Khorgos&limit=5&lang=zh-CN&exact=1&since=").unwrap();
        assert_eq!(
            (r.query(), r.limit(), r.lang(), r.exact(), r.since()),
            ("Khorgos", 5, Some("zh"), true, None)
        );
        assert!(bad("limit=5").unwrap_err().contains("missing parameter q"));
        assert!(bad("q=a&limit=0").is_err());
        assert!(bad("q=a&limit=1001").is_err());
        assert!(bad("q=a&limit=x").is_err());
        assert!(bad("q=a&q=b").unwrap_err().contains("twice"));
        assert!(bad("q=a&colour=red").unwrap_err().contains("unknown"));
        assert!(bad("q=a&exact=maybe").is_err());
        assert!(bad("q=a&lang=fr1").is_err());
        assert!(bad("q=a&since=2022-02-31").is_err());
        assert!(bad(&format!("q={}", "字".repeat(501)))
            .unwrap_err()
            .contains("501 characters"));
        assert!(bad(&format!("q={}", "字".repeat(500))).is_ok());
    }

    #[test]
    fn only_this_machine_may_be_the_host() {
        assert!(is_local_host("127.0.0.1:8080", 8080));
        assert!(is_local_host("localhost:8080", 8080));
        assert!(is_local_host("LOCALHOST:8080", 8080));
        assert!(is_local_host("[::1]:8080", 8080));
        assert!(is_local_host("localhost", 80));
        assert!(!is_local_host("localhost", 8080));
        assert!(!is_local_host("127.0.0.1:8081", 8080));
        assert!(!is_local_host("evil.example:8080", 8080));
        assert!(!is_local_host("[::1:8080", 8080));
    }

    #[test]
    fn json_never_holds_markup() {
        let body = json_bytes(&"<script>alert(1)</script> & \\<");
        let text = String::from_utf8(body).unwrap();
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'));
        let back: String = serde_json::from_str(&text).unwrap();
        assert_eq!(back, "<script>alert(1)</script> & \\<");
    }

    #[test]
    fn log_lines_carry_no_control_characters() {
        assert_eq!(printable("/a\x1b[31mb"), "/a?[31mb");
        assert!(printable(&"x".repeat(300)).ends_with('…'));
    }
}
