//! The routes and the API's parameters: a request's method, target and Host header in, a
//! `Reply` out. No I/O but the index, so routing is tested directly. The reading side of the
//! API (the stories, one story) is in `browse`.

use std::collections::BTreeMap;
use std::net::IpAddr;

use archive::catalog::{self, Catalog};
use archive::error::Fault;
use archive::{Error, RequestBuilder, Searcher};

use super::browse;
use super::gate::Gate;
use super::reply::{Reply, CSS, HTML, JS, SVG};
use crate::output;

const PAGE: &str = include_str!("../../serve/page.html");
const STYLE: &str = include_str!("../../serve/page.css");
const SCRIPT: &str = include_str!("../../serve/page.js");
const READER: &str = include_str!("../../serve/reader.js");
const COMMON: &str = include_str!("../../serve/common.js");
const ICON: &str = include_str!("../../serve/icon.svg");

/// Longest request target, in bytes (a maximal query, percent-encoded, fits).
pub const MAX_URL_BYTES: usize = 8192;

/// An open index and what requests are checked against.
pub struct Site {
    searcher: Searcher,
    /// The index's stories, listed once: serving never changes the index.
    pub catalog: Catalog,
    /// Searches (and story reads) run at once: one per core; more wait their turn.
    searches: Gate,
    port: u16,
    /// Listening on loopback only: then the Host header must name this machine.
    loopback: bool,
}

impl Site {
    pub fn new(searcher: Searcher, catalog: Catalog, port: u16, loopback: bool) -> Site {
        Site {
            searcher,
            catalog,
            searches: Gate::new(std::thread::available_parallelism().map_or(2, |n| n.get())),
            port,
            loopback,
        }
    }

    /// Runs `work` on the searcher in its turn (first come, first served).
    pub fn with_searcher<T>(&self, work: impl FnOnce(&Searcher) -> T) -> T {
        let _turn = self.searches.enter();
        work(&self.searcher)
    }
}

/// The reply to one request. Pure (no I/O but the index), so routing is tested directly.
pub fn answer(site: &Site, method: &str, url: &str, host: Option<&str>) -> Reply {
    if !matches!(method, "GET" | "HEAD") {
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
        "/reader.js" => Reply::ok(JS, READER),
        "/common.js" => Reply::ok(JS, COMMON),
        // The tab's icon; without one a browser asks for /favicon.ico and logs a 404.
        "/icon.svg" => Reply::ok(SVG, ICON),
        "/api/search" => search(site, query),
        "/api/stories" => browse::stories(site, query),
        "/api/story" => browse::story(site, query),
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
    let (p, request) = match params(query, SEARCH_PARAMS)
        .and_then(|p| search_request(&p).map(|request| (p, request)))
    {
        Ok(pr) => pr,
        Err(why) => return Reply::api_error(400, why),
    };
    let found = site.with_searcher(|s| {
        // As on the command line: a story by id or by path, whose language restricts the
        // search unless `lang` is given; an unknown story is a 404, as in `/api/story`.
        let request = match p.get("story") {
            Some(name) => match catalog::resolve(&s.manifest()?, name) {
                None => return Ok(None),
                Some(named) => match named.lang.filter(|_| !p.contains_key("lang")) {
                    Some(lang) => request.story(named.story).lang(lang),
                    None => request.story(named.story),
                },
            },
            None => request,
        };
        s.request(request).and_then(|r| s.search(&r)).map(Some)
    });
    match found {
        Ok(Some(answer)) => Reply::json(200, &output::json::records(&answer)),
        Ok(None) => Reply::api_error(404, format!("no story {:?}", p["story"])),
        Err(e) => library_error(e),
    }
}

/// The caller's mistakes are 400s; the server's are logged, 503 when trying again may help,
/// else 500.
pub fn library_error(e: Error) -> Reply {
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

/// The query string's parameters, decoded. Unknown or repeated names are refused rather than
/// ignored, so a typo is an error and not a silently unfiltered search. An empty value is the
/// same as no value (a form sends `lang=` for "any").
pub fn params(query: &str, known: &[&str]) -> Result<BTreeMap<String, String>, String> {
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
pub fn search_request(p: &BTreeMap<String, String>) -> Result<RequestBuilder, String> {
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

pub fn count(name: &str, value: &str) -> Result<usize, String> {
    value
        .parse::<usize>()
        .map_err(|_| format!("{name} must be a number, not {value:?}"))
}

pub fn flag(name: &str, value: &str) -> Result<bool, String> {
    match value {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(format!("{name} must be true or false, not {value:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn library_errors_map_to_whose_fault_they_are() {
        let status = |e| library_error(e).status;
        assert_eq!(status(Error::Invalid("bad".into())), 400);
        assert_eq!(status(Error::Busy("/i".into())), 503);
        assert_eq!(status(Error::damaged("/i", "garbled")), 500);
        let io = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        assert_eq!(status(Error::io("/i", io)), 500);
    }

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
        assert!(bad("q=a&lang=fr")
            .unwrap_err()
            .contains("no stories in fr; the index holds en, zh"));
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
}
