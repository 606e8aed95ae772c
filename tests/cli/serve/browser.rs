//! End to end in headless Chromium: type a query into the page, read what it shows, open the
//! story with the keyboard, and leave screenshots in target/ for a person to look at.
//!
//! Chromium (Debian's, installed by tests/run.sh) is driven over the DevTools protocol on a
//! WebSocket, so no browser-download tool is needed.

use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tungstenite::{Message, WebSocket};

use super::indexed_with_hostile_story;
use crate::env::{http_raw, target_dir};

/// Headless Chromium with a fresh profile; killed when dropped.
struct Browser {
    child: Child,
    profile: tempfile::TempDir,
    port: u16,
}

impl Browser {
    fn start() -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let log = std::fs::File::create(profile.path().join("chromium-stderr.log")).unwrap();
        let child = Command::new("chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--hide-scrollbars",
                "--remote-debugging-port=0",
                "--window-size=1280,800",
                "--lang=en-US",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start chromium ({e}): `bash tests/run.sh` installs it")
            });
        let mut browser = Browser {
            child,
            profile,
            port: 0,
        };
        // With port 0, Chromium writes the port it chose into the profile.
        let active = browser.profile.path().join("DevToolsActivePort");
        let deadline = Instant::now() + Duration::from_secs(60);
        while browser.port == 0 {
            if let Some(port) = std::fs::read_to_string(&active)
                .ok()
                .and_then(|s| s.lines().next().and_then(|l| l.parse().ok()))
            {
                browser.port = port;
            } else if Instant::now() > deadline {
                panic!("chromium did not start: {}", browser.log());
            } else {
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        browser
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.profile.path().join("chromium-stderr.log")).unwrap_or_default()
    }

    /// A DevTools session on the browser's first page.
    fn page(&self) -> Cdp {
        let addr = format!("127.0.0.1:{}", self.port);
        let list = http_raw(
            &addr,
            &format!("GET /json/list HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
        );
        let targets: Vec<Value> = list.json();
        let url = targets
            .iter()
            .find(|t| t["type"] == "page")
            .and_then(|t| t["webSocketDebuggerUrl"].as_str())
            .unwrap_or_else(|| panic!("no page target: {targets:?}"))
            .to_string();
        let stream = TcpStream::connect(&addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let (ws, _) = tungstenite::client(url.as_str(), stream).expect("a DevTools WebSocket");
        Cdp {
            ws,
            next: 0,
            events: Vec::new(),
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A tiny DevTools protocol client: one call at a time; events are kept for later checks.
struct Cdp {
    ws: WebSocket<TcpStream>,
    next: u64,
    events: Vec<Value>,
}

impl Cdp {
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        let message = json!({"id": id, "method": method, "params": params});
        self.ws
            .send(Message::text(message.to_string()))
            .unwrap_or_else(|e| panic!("{method}: {e}"));
        loop {
            let message = self.ws.read().unwrap_or_else(|e| panic!("{method}: {e}"));
            let Message::Text(text) = message else {
                continue;
            };
            let value: Value = serde_json::from_str(text.as_str()).unwrap();
            if value["id"] == id {
                if let Some(error) = value.get("error") {
                    panic!("{method}: {error}");
                }
                return value["result"].clone();
            }
            if value.get("method").is_some() {
                self.events.push(value);
            }
        }
    }

    /// Evaluates `expression` in the page (awaiting a promise) and returns its value.
    fn eval(&mut self, expression: &str) -> Value {
        let result = self.call(
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true, "awaitPromise": true}),
        );
        if let Some(e) = result.get("exceptionDetails") {
            panic!("{expression}: {e}");
        }
        result["result"]["value"].clone()
    }

    /// Evaluates `expression` until it gives something other than null or false.
    fn wait_for(&mut self, what: &str, expression: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let v = self.eval(expression);
            if !v.is_null() && v != Value::Bool(false) {
                return v;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn key(&mut self, key: &str, code: u32) {
        for kind in ["keyDown", "keyUp"] {
            let mut event = json!({
                "type": kind, "key": key, "code": key, "windowsVirtualKeyCode": code,
            });
            if key == "Enter" && kind == "keyDown" {
                event["text"] = json!("\r");
            }
            self.call("Input.dispatchKeyEvent", event);
        }
    }

    fn viewport(&mut self, width: u32, height: u32) {
        self.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}),
        );
    }

    fn screenshot(&mut self, path: &Path) {
        let shot = self.call("Page.captureScreenshot", json!({"format": "png"}));
        let png = base64(shot["data"].as_str().expect("screenshot data"));
        assert!(png.starts_with(b"\x89PNG"), "not a PNG");
        std::fs::write(path, png).unwrap();
    }

    /// Script errors, refused loads (a CSP violation among them) and dialogs seen so far.
    fn problems(&self) -> Vec<String> {
        self.events
            .iter()
            .filter(|e| match e["method"].as_str() {
                Some("Runtime.exceptionThrown") | Some("Page.javascriptDialogOpening") => true,
                Some("Log.entryAdded") => e["params"]["entry"]["level"] == "error",
                _ => false,
            })
            .map(|e| e.to_string())
            .collect()
    }
}

fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let digits: Vec<u8> = text.bytes().filter(|&c| c != b'=').map(value).collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &d)| n | (d as u32) << (18 - 6 * i));
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

/// The first result card as the page shows it.
const FIRST_HIT: &str = r#"(() => {
  const hit = document.querySelector('#results .hit');
  if (!hit) return null;
  const parts = [...hit.querySelectorAll('.passage')].map(p => {
    const r = p.getBoundingClientRect();
    return {
      lang: p.getAttribute('lang'),
      text: p.querySelector('p').textContent,
      marks: [...p.querySelectorAll('mark')].map(m => m.textContent),
      top: r.top, left: r.left, bottom: r.bottom,
    };
  });
  return { passage: hit.dataset.passage, parts, status: document.getElementById('status').textContent };
})()"#;

#[test]
fn browser_typing_a_chinese_query_shows_the_khorgos_passage_beside_its_english_counterpart() {
    let env = indexed_with_hostile_story();
    let served = env.serve(&[]);
    let browser = Browser::start();
    let mut page = browser.page();
    for domain in ["Page.enable", "Runtime.enable", "Log.enable"] {
        page.call(domain, json!({}));
    }
    page.viewport(1280, 800);
    page.call("Page.navigate", json!({"url": served.url}));
    page.wait_for(
        "the page to load",
        "document.readyState === 'complete' && !!document.getElementById('q')",
    );
    // The search box has the focus from the start: a reporter can type at once.
    page.wait_for(
        "the box to have the focus",
        "document.activeElement && document.activeElement.id === 'q'",
    );
    page.call("Input.insertText", json!({"text": "霍尔果斯"}));
    let hit = page.wait_for("results", FIRST_HIT);
    let parts = hit["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 2, "{hit:#}");
    let (zh, en) = (&parts[0], &parts[1]);
    assert_eq!(zh["lang"], "zh", "{hit:#}");
    assert!(
        zh["marks"].as_array().unwrap().contains(&json!("霍尔果斯")),
        "{hit:#}"
    );
    assert_eq!(en["lang"], "en", "{hit:#}");
    assert!(en["text"].as_str().unwrap().contains("Khorgos"), "{hit:#}");
    assert_eq!(hit["passage"], "31", "{hit:#}");
    // Side by side on a wide window.
    assert_eq!(zh["top"], en["top"], "{hit:#}");
    assert!(en["left"].as_f64() > zh["left"].as_f64(), "{hit:#}");
    let hash = page.eval("location.hash");
    assert!(hash.as_str().unwrap().starts_with("#q=%E9%9C%8D"), "{hash}");
    let shots = target_dir();
    page.screenshot(&shots.join("serve-e2e.png"));

    // Keyboard alone: Tab from the box through the filters reaches the first hit's button,
    // with a visible focus ring.
    let mut tabs = 0;
    while page.eval("document.activeElement.classList.contains('read')") != json!(true) {
        tabs += 1;
        assert!(tabs <= 20, "Tab never reached a result's button");
        page.key("Tab", 9);
    }
    let ring = page.eval("getComputedStyle(document.activeElement).outlineStyle");
    assert_ne!(
        ring,
        json!("none"),
        "the focused button shows no focus ring"
    );
    page.key("Enter", 13);
    let current = page.wait_for(
        "the story to open on the hit's passage",
        r#"(() => {
          const d = document.getElementById('reader');
          const p = document.querySelector('#reader-text .story-passage.current');
          if (!d.open || !p || document.activeElement !== p) return null;
          const r = p.getBoundingClientRect();
          return { id: p.id, marks: [...p.querySelectorAll('mark')].map(m => m.textContent),
                   visible: r.top >= 0 && r.bottom <= innerHeight,
                   passages: document.querySelectorAll('#reader-text .story-passage').length };
        })()"#,
    );
    assert_eq!(current["id"], "p31", "{current:#}");
    assert!(current["marks"]
        .as_array()
        .unwrap()
        .contains(&json!("霍尔果斯")));
    assert_eq!(current["visible"], true, "{current:#}");
    assert_eq!(current["passages"], 48, "{current:#}");
    page.screenshot(&shots.join("serve-e2e-story.png"));
    page.key("Escape", 27);
    page.wait_for(
        "the story to close and the focus to come back",
        "!document.getElementById('reader').open && document.activeElement.classList.contains('read')",
    );

    // A small laptop window: the pair stacks.
    page.viewport(800, 600);
    let small = page.wait_for("the narrow layout", FIRST_HIT);
    let parts = small["parts"].as_array().unwrap();
    assert!(
        parts[1]["top"].as_f64() >= parts[0]["bottom"].as_f64(),
        "not stacked: {small:#}"
    );
    page.screenshot(&shots.join("serve-e2e-small.png"));

    // A story holding markup shows it as text and runs none of it.
    page.viewport(1280, 800);
    page.eval("document.getElementById('q').focus()");
    page.key("Escape", 27);
    page.call("Input.insertText", json!({"text": "xssprobe"}));
    let shown = page.wait_for(
        "the hostile story's hit",
        r#"(() => {
          const hit = document.querySelector('#results .hit');
          if (!hit || !hit.textContent.includes('xssprobe')) return null;
          return { text: hit.textContent,
                   elements: hit.querySelectorAll('script, img, iframe, object').length,
                   pwned: window.pwned === 1 };
        })()"#,
    );
    assert!(
        shown["text"]
            .as_str()
            .unwrap()
            .contains("<script>alert(1)</script>"),
        "{shown:#}"
    );
    assert_eq!(shown["elements"], 0, "{shown:#}");
    assert_eq!(shown["pwned"], false, "{shown:#}");
    let problems = page.problems();
    assert!(
        problems.is_empty(),
        "the page had errors: {problems:#?}\n{}",
        served.log()
    );

    // A query the server refuses: its one-line reason shows, and no stale results. (After the
    // check above: Chromium logs every 400 as an error.)
    page.eval("document.getElementById('q').focus()");
    page.key("Escape", 27);
    page.call("Input.insertText", json!({"text": "\"霍尔果斯"}));
    let refused = page.wait_for(
        "the refusal to show",
        r#"(() => {
          const s = document.getElementById('status');
          return s.classList.contains('error') && !document.querySelector('#results .hit')
            && s.textContent;
        })()"#,
    );
    assert_eq!(refused, "bad query: unclosed quote at character 1");
}
