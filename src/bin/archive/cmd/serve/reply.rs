//! What the server sends back: a status, a type and a body, and the headers every answer
//! carries, written out as an HTTP/1.1 response.

use serde::Serialize;

/// The page's own script, style and API only: nothing inline, nothing from elsewhere, no
/// forms, no framing. Sent with every response, so an API answer opened as a page is inert too.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
                   connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; \
                   frame-ancestors 'none'";

pub const HTML: &str = "text/html; charset=utf-8";
pub const CSS: &str = "text/css; charset=utf-8";
pub const JS: &str = "text/javascript; charset=utf-8";
pub const SVG: &str = "image/svg+xml; charset=utf-8";
pub const JSON: &str = "application/json; charset=utf-8";
const TEXT: &str = "text/plain; charset=utf-8";

/// What to send back.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    content_type: &'static str,
    body: Vec<u8>,
}

impl Reply {
    pub fn ok(content_type: &'static str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status: 200,
            content_type,
            body: body.into(),
        }
    }

    pub fn json(status: u16, value: &impl Serialize) -> Reply {
        Reply {
            status,
            content_type: JSON,
            body: json_bytes(value),
        }
    }

    /// An API error: `{"error": "one line"}`.
    pub fn api_error(status: u16, why: impl Into<String>) -> Reply {
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

    pub fn text(status: u16, why: &str) -> Reply {
        Reply {
            status,
            content_type: TEXT,
            body: format!("{why}\n").into_bytes(),
        }
    }

    /// The whole response as bytes: status line, headers and (unless `head_only`) the body.
    /// `close` says that the connection ends after it.
    pub fn to_http(&self, head_only: bool, close: bool) -> Vec<u8> {
        let mut out = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n\
             X-Content-Type-Options: nosniff\r\nContent-Security-Policy: {CSP}\r\n\
             X-Frame-Options: DENY\r\nReferrer-Policy: no-referrer\r\n\
             Cache-Control: no-store\r\nServer: archive\r\n",
            self.status,
            reason(self.status),
            self.content_type,
            self.body.len()
        );
        if self.status == 405 {
            out.push_str("Allow: GET, HEAD\r\n");
        }
        if close {
            out.push_str("Connection: close\r\n");
        }
        out.push_str("\r\n");
        let mut out = out.into_bytes();
        if !head_only {
            out.extend_from_slice(&self.body);
        }
        out
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Internal Server Error",
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

/// A request target as it may appear in a log line: no control characters (they could drive
/// the terminal), at most 200 characters.
pub fn printable(url: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn head_answers_carry_the_length_but_no_body() {
        let reply = Reply::text(405, "only GET and HEAD");
        let full = String::from_utf8(reply.to_http(false, true)).unwrap();
        assert!(
            full.starts_with("HTTP/1.1 405 Method Not Allowed\r\n"),
            "{full}"
        );
        assert!(full.contains("\r\nAllow: GET, HEAD\r\n"), "{full}");
        assert!(full.contains("\r\nConnection: close\r\n"), "{full}");
        assert!(full.ends_with("\r\n\r\nonly GET and HEAD\n"), "{full}");
        let head = String::from_utf8(reply.to_http(true, false)).unwrap();
        assert!(head.contains("\r\nContent-Length: 18\r\n") && head.ends_with("\r\n\r\n"));
        assert!(!head.contains("Connection"));
    }
}
