//! `archive serve` over real HTTP: the API, its refusals, the page's headers, and what it never
//! serves. The browser and load tests are in the submodules.

mod browse;
mod browser;
mod chromium;
mod faults;
mod load;

use serde_json::Value;

use crate::env::{encode, Env, JsonHit, JsonStory};

const STORY: &str = "2022-09-12-china-kazakhstan";

/// The bundled archive, indexed.
fn indexed() -> Env {
    let env = Env::bundled();
    let out = env.run(&["index"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    env
}

/// The bundled archive plus a story that tries to run script, indexed.
fn indexed_with_hostile_story() -> Env {
    let env = Env::bundled();
    env.write(
        "archive/xss/en.md",
        "---\ntitle: <script>alert(1)</script> probe\ndate: 2023-01-02\n---\n\n\
         The xssprobe passage <script>alert(1)</script> and <img src=x onerror=\"window.pwned=1\"> end.\n\n\
         A second passage, harmless & plain.\n",
    );
    let out = env.run(&["index"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    env
}

#[test]
fn serve_prints_only_its_url_and_the_api_finds_khorgos_with_its_english_counterpart() {
    let env = indexed();
    let served = env.serve(&[]);
    assert!(
        served.url.starts_with("http://127.0.0.1:") && served.url.ends_with('/'),
        "{}",
        served.url
    );
    let r = served.get(&format!("/api/search?q={}", encode("霍尔果斯")));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.header("Content-Type"),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(r.header("X-Content-Type-Options"), Some("nosniff"));
    // The same objects as `search --json`, field for field (JsonHit denies unknown fields).
    let hits: Vec<JsonHit> = r.json();
    let khorgos = hits
        .iter()
        .find(|h| {
            h.counterpart
                .as_ref()
                .is_some_and(|c| c.lang == "en" && c.text.contains("Khorgos-Dongdamen"))
        })
        .unwrap_or_else(|| panic!("no hit with the Khorgos passage as counterpart: {hits:#?}"));
    assert_eq!((khorgos.lang.as_str(), khorgos.passage), ("zh", 31));
    assert!(khorgos
        .highlights
        .iter()
        .all(|[a, b]| &khorgos.text[*a..*b] == "霍尔果斯"));
    // Exactly what the command line prints, as one array instead of lines.
    let cli = env.run(&["search", "--json", "霍尔果斯"]);
    let cli: Vec<Value> = cli
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let api: Vec<Value> = r.json();
    assert_eq!(api, cli);
    assert_eq!(served.more_stdout(), "");
    assert!(
        served.log().contains("GET /api/search?q=%E9%9C%8D"),
        "{}",
        served.log()
    );
}

#[test]
fn serve_api_takes_the_search_flags_as_parameters() {
    let env = indexed();
    let served = env.serve(&[]);
    let hits: Vec<JsonHit> = served
        .get("/api/search?q=SINOOIL&lang=zh&limit=2&exact=true&per_story=5")
        .json();
    assert_eq!(hits.len(), 2);
    assert!(hits.iter().all(|h| h.lang == "zh"));
    let dated: Vec<JsonHit> = served
        .get("/api/search?q=Khorgos&since=2022-09-01&until=2022-09-30&story=2022-09-12-china-kazakhstan")
        .json();
    assert!(!dated.is_empty());
    let later: Vec<JsonHit> = served.get("/api/search?q=Khorgos&since=2023-01-01").json();
    assert!(later.is_empty());
    // An empty value is no value, as a form sends it.
    let any: Vec<JsonHit> = served
        .get("/api/search?q=Khorgos&lang=&since=&until=")
        .json();
    assert!(!any.is_empty());
    let none: Vec<JsonHit> = served.get("/api/search?q=xyzzyplugh").json();
    assert!(none.is_empty());
}

#[test]
fn serve_refuses_bad_requests_with_a_one_line_reason() {
    let env = indexed();
    let served = env.serve(&[]);
    let long = encode(&"霍".repeat(501));
    let cases = [
        ("/api/search?q=%22", "unclosed quote"),
        ("/api/search", "missing parameter q"),
        ("/api/search?limit=3", "missing parameter q"),
        (&format!("/api/search?q={long}")[..], "501 characters"),
        ("/api/search?q=Khorgos&since=2022-13-01", "not YYYY-MM-DD"),
        ("/api/search?q=Khorgos&until=yesterday", "not YYYY-MM-DD"),
        ("/api/search?q=Khorgos&limit=0", "limit"),
        ("/api/search?q=Khorgos&limit=100000", "limit"),
        ("/api/search?q=Khorgos&lang=fr1", "unknown language"),
        ("/api/search?q=Khorgos&colour=red", "unknown parameter"),
        ("/api/search?q=Khorgos&q=Atyrau", "twice"),
        ("/api/search?q=%E9%9C", "not UTF-8"),
        ("/api/search?q=%zz", "percent-encoding"),
        ("/api/search?q=Khorgos&exact=maybe", "exact"),
        (
            "/api/story?doc=2022-09-12-china-kazakhstan",
            "story and lang",
        ),
    ];
    for (target, why) in cases {
        let r = served.get(target);
        assert_eq!(r.status, 400, "{target}: {}", r.text());
        assert_eq!(
            r.header("Content-Type"),
            Some("application/json; charset=utf-8")
        );
        let body: Value = r.json();
        let error = body["error"].as_str().expect("an error string");
        assert!(error.contains(why), "{target}: {error}");
        assert!(!r.text().contains('\n'), "{target}: more than one line");
    }
    let r = served.get(&format!("/api/search?q={}", encode(&"霍".repeat(500))));
    assert_eq!(r.status, 200, "500 characters are allowed: {}", r.text());
    // Only GET and HEAD.
    for method in ["POST", "PUT", "DELETE", "OPTIONS"] {
        let r = served.request(method, "/api/search?q=Khorgos");
        assert_eq!(r.status, 405, "{method}");
        assert_eq!(r.header("Allow"), Some("GET, HEAD"));
    }
}

#[test]
fn serve_has_no_path_to_any_file() {
    let env = indexed();
    let served = env.serve(&[]);
    let attempts = [
        "/../../etc/passwd",
        "/../../../../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/..%2f..%2f..%2fetc%2fpasswd",
        "/%252e%252e%252fetc%252fpasswd",
        "/..%5c..%5cetc%5cpasswd",
        "/page.js/../../etc/passwd",
        "/api/../../../etc/passwd",
        "/api/search/../../etc/passwd",
        "//etc/passwd",
        "/etc/passwd",
        "/%00/etc/passwd",
        "/archive/2022-09-12-china-kazakhstan/en.md",
        "/2022-09-12-china-kazakhstan/en.md",
        "/index/meta.json",
        "/meta.json",
        "/page.html",
        "/index.html",
        "/api/story/../../etc/passwd",
        "/api/nothing",
        "http://127.0.0.1/../../etc/passwd",
    ];
    for target in attempts {
        let r = served.get(target);
        assert_eq!(r.status, 404, "{target}: {}", r.text());
        assert!(!r.text().contains("root:"), "{target}");
        assert!(!r.text().contains("Khorgos"), "{target}");
    }
}

#[test]
fn serve_page_is_embedded_with_a_strict_content_security_policy() {
    let env = indexed();
    let served = env.serve(&[]);
    let page = served.get("/");
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(page.header("X-Content-Type-Options"), Some("nosniff"));
    let csp = page.header("Content-Security-Policy").expect("a CSP");
    for part in [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(part), "{csp}");
    }
    assert!(!csp.contains("unsafe"), "{csp}");
    let html = page.text();
    assert!(
        html.contains("<script type=\"module\" src=\"/page.js\""),
        "{html}"
    );
    // Nothing from the network: no absolute URL anywhere in the page, its style or script.
    let script = served.get("/page.js");
    let modules = ["/reader.js", "/common.js"].map(|m| served.get(m));
    for module in &modules {
        assert_eq!(module.status, 200);
        assert_eq!(
            module.header("Content-Type"),
            Some("text/javascript; charset=utf-8")
        );
    }
    let style = served.get("/page.css");
    assert_eq!(
        script.header("Content-Type"),
        Some("text/javascript; charset=utf-8")
    );
    assert_eq!(
        style.header("Content-Type"),
        Some("text/css; charset=utf-8")
    );
    for (name, text) in [
        ("page", html),
        ("script", script.text()),
        ("reader", modules[0].text()),
        ("common", modules[1].text()),
        ("style", style.text()),
    ] {
        assert!(
            !text.contains("http://") && !text.contains("https://") && !text.contains("//cdn"),
            "{name} refers to the network"
        );
    }
    // No inline script or style for the CSP to allow.
    let html = page.text();
    assert!(!html.contains("<script>") && !html.contains("<style") && !html.contains(" on"));
    // `/?paths=1` is the same page (it reads the parameter itself).
    assert_eq!(served.get("/?paths=1").body, page.body);
    // HEAD: the same headers, no body.
    let head = served.request("HEAD", "/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(
        head.header("Content-Length"),
        Some(page.body.len().to_string().as_str())
    );
}

#[test]
fn serve_returns_hostile_story_text_escaped_never_as_markup() {
    let env = indexed_with_hostile_story();
    let served = env.serve(&[]);
    for target in ["/api/search?q=xssprobe", "/api/story?doc=xss&lang=en"] {
        let r = served.get(target);
        assert_eq!(r.status, 200, "{target}: {}", r.text());
        assert_eq!(
            r.header("Content-Type"),
            Some("application/json; charset=utf-8")
        );
        assert_eq!(r.header("X-Content-Type-Options"), Some("nosniff"));
        let raw = r.text();
        // Not one byte that could start a tag, even if something took this for HTML.
        assert!(!raw.contains('<') && !raw.contains('>'), "{target}: {raw}");
        assert!(raw.contains(r"\u003cscript\u003ealert(1)\u003c/script\u003e"));
        // The values themselves are untouched.
        let value: Value = r.json();
        assert!(value.to_string().contains("<script>alert(1)</script>"));
    }
    let hits: Vec<JsonHit> = served.get("/api/search?q=xssprobe").json();
    assert_eq!(hits[0].title, "<script>alert(1)</script> probe");
    let story: JsonStory = served.get("/api/story?doc=xss&lang=en").json();
    assert!(story.passages[1].text.contains("harmless & plain"));
}

#[test]
fn serve_story_returns_every_passage_in_order() {
    let env = indexed();
    let served = env.serve(&[]);
    let r = served.get(&format!("/api/story?doc={STORY}&lang=en"));
    assert_eq!(r.status, 200, "{}", r.text());
    let story: JsonStory = r.json();
    assert_eq!(
        (
            story.story.as_str(),
            story.doc.as_str(),
            story.lang.as_str()
        ),
        (STORY, STORY, "en")
    );
    assert_eq!(story.date, "2022-09-12");
    assert_eq!(story.path, format!("{STORY}/en.md"));
    assert_eq!(story.langs, vec!["en", "zh"]);
    assert_eq!(story.passages.len(), 48);
    assert!(story
        .passages
        .iter()
        .enumerate()
        .all(|(i, p)| p.passage == i as u64 + 1));
    assert!(story.passages[30].text.contains("Khorgos-Dongdamen"));
    let zh: JsonStory = served
        .get(&format!("/api/story?doc={STORY}&lang=zh-CN"))
        .json();
    assert!(zh.passages[30].text.contains("霍尔果斯"));
    assert!(zh.title.contains("元首外交"));
    let missing = served.get("/api/story?doc=no-such-story&lang=en");
    assert_eq!(missing.status, 404);
    let missing: Value = missing.json();
    assert!(missing["error"].as_str().unwrap().contains("no story"));
    assert_eq!(
        served
            .get(&format!("/api/story?doc={STORY}&lang=fr"))
            .status,
        400
    );
}

#[test]
fn serve_answers_only_to_this_machine_by_name() {
    let env = indexed();
    let served = env.serve(&[]);
    let port = served.addr.rsplit_once(':').unwrap().1;
    let ask = |host: &str| {
        served
            .raw(&format!(
                "GET /api/search?q=Khorgos HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
            ))
            .status
    };
    assert_eq!(ask(&format!("localhost:{port}")), 200);
    assert_eq!(ask(&format!("127.0.0.1:{port}")), 200);
    // A page elsewhere that pointed its own name at 127.0.0.1 (DNS rebinding).
    assert_eq!(ask(&format!("attacker.example:{port}")), 403);
    assert_eq!(ask("127.0.0.1:1"), 403);
}

#[test]
fn serve_without_an_index_is_one_line_and_builds_nothing() {
    let env = Env::bundled();
    let out = env.run(&["serve", "--port", "0"]);
    assert_eq!(out.code, 2);
    assert_eq!(out.stdout, "");
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(out.stderr.contains("run `archive index`"), "{}", out.stderr);
    assert!(!env.root().join("index").exists());
}

#[test]
fn serve_says_when_the_archive_changed_since_indexing_and_does_not_reindex() {
    let env = indexed();
    env.write(
        "archive/notes/new.txt",
        "A new note about Khorgos\n\nNewword here.\n",
    );
    let served = env.serve(&[]);
    let hits: Vec<JsonHit> = served.get("/api/search?q=Newword&exact=1").json();
    assert!(hits.is_empty(), "serve must not index: {hits:?}");
    assert!(
        served
            .log()
            .contains("the archive changed since it was indexed"),
        "{}",
        served.log()
    );
}
