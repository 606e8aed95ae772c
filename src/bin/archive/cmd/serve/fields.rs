//! The header fields a request head is answered by (Host, framing, Connection), read once and
//! checked as RFC 9112 asks: a second Host, a Host that is no `host[:port]`, or an HTTP/1.1
//! request without one is a 400 (§3.2), and so is a length given twice or not as a number
//! (§6.3) or beside a transfer coding (§6.1), which a proxy in front could frame otherwise.

/// What the answer depends on.
pub struct Fields {
    /// The Host field, if sent (HTTP/1.0 may leave it out).
    pub host: Option<String>,
    /// A body follows (never read: the connection ends after the answer).
    pub has_body: bool,
    /// The client asked to close the connection.
    pub wants_close: bool,
}

/// Reads the fields of a request of HTTP/1.`minor`; the error is the 400's reason.
pub fn read(headers: &[httparse::Header], minor: u8) -> Result<Fields, &'static str> {
    let all = |name: &'static str| values(headers, name);
    let one = |name: &'static str| -> Result<Option<String>, ()> {
        let mut values = all(name);
        let first = values.next();
        match values.next() {
            Some(_) => Err(()),
            None => Ok(first),
        }
    };
    let host = one("Host").map_err(|()| "more than one Host header")?;
    match &host {
        None if minor >= 1 => return Err("an HTTP/1.1 request needs a Host header"),
        Some(h) if !valid_host(h) => return Err("the Host header is not a host[:port]"),
        _ => {}
    }
    let length = one("Content-Length").map_err(|()| "more than one Content-Length header")?;
    if length
        .as_deref()
        .is_some_and(|n| n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err("the Content-Length header is not a number");
    }
    let coded = all("Transfer-Encoding").next().is_some();
    if coded && length.is_some() {
        return Err("both Content-Length and Transfer-Encoding");
    }
    Ok(Fields {
        host,
        has_body: coded || length.is_some_and(|n| n.bytes().any(|b| b != b'0')),
        wants_close: all("Connection")
            .any(|c| c.split(',').any(|t| t.trim().eq_ignore_ascii_case("close"))),
    })
}

/// The values of every field line named `name`, trimmed.
fn values<'a>(
    headers: &'a [httparse::Header<'a>],
    name: &'a str,
) -> impl Iterator<Item = String> + 'a {
    headers
        .iter()
        .filter(move |h| h.name.eq_ignore_ascii_case(name))
        .map(|h| String::from_utf8_lossy(h.value).trim().to_string())
}

/// `uri-host [":" port]` (RFC 3986): a name of unreserved characters, sub-delimiters and
/// percent signs, or an IP literal in brackets; no space, slash, `@` or second colon.
fn valid_host(value: &str) -> bool {
    let (name, port) = match value.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((ip, port)) => {
                let ok = !ip.is_empty()
                    && ip
                        .bytes()
                        .all(|b| b.is_ascii_hexdigit() || matches!(b, b':' | b'.'));
                (if ok { "ip" } else { "" }, port)
            }
            None => return false,
        },
        None => value.split_at(value.find(':').unwrap_or(value.len())),
    };
    let port_ok = port.is_empty()
        || port
            .strip_prefix(':')
            .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()));
    let name_ok = !name.is_empty()
        && name.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'-' | b'.'
                        | b'_'
                        | b'~'
                        | b'%'
                        | b'!'
                        | b'$'
                        | b'&'
                        | b'\''
                        | b'('
                        | b')'
                        | b'*'
                        | b'+'
                        | b','
                        | b';'
                        | b'='
                )
        });
    port_ok && name_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_is_a_name_or_bracketed_address_and_a_port() {
        for ok in [
            "localhost",
            "127.0.0.1:8080",
            "[::1]:8080",
            "[::1]",
            "a-b.example:",
        ] {
            assert!(valid_host(ok), "{ok}");
        }
        for bad in [
            "",
            "local host",
            "x/y",
            "a@b",
            "a:b:c",
            "[::1",
            "[::1]x",
            "h:8x",
            ":80",
        ] {
            assert!(!valid_host(bad), "{bad}");
        }
    }
}
