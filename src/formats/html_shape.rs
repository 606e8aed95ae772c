//! A web page's shape, read in one pass before it is parsed. Parsing and the main-text search
//! cost more than the page's size with its nesting and with a tag's attributes (a page of
//! 5,000 nested elements overflowed a reading thread's stack, one of 8,000 took 11 s, one tag
//! with 200,000 attributes 90 s), so a page past these bounds is skipped with the reason.

use memchr::memmem;

/// Deepest nesting of elements read (real pages stay under a hundred).
pub const MAX_DEPTH: usize = 400;
/// Most elements in a page read.
pub const MAX_ELEMENTS: usize = 200_000;
/// Most attributes on one tag.
pub const MAX_ATTRIBUTES: usize = 1_000;

/// Elements that never hold others.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];
/// Elements whose end tag may be left out (a new one closes the last): not counted as nesting.
const OPTIONAL_END: &[&str] = &[
    "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody", "tfoot",
    "colgroup", "rt", "rp", "caption",
];
/// Elements whose content is text up to their end tag.
const RAW: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
];
/// How far down the open elements an end tag looks for its start (a stray end tag costs no
/// more than this).
const MATCH_DEPTH: usize = 64;

/// Why the page is skipped, if it is past a bound.
pub fn check(html: &str) -> Result<(), String> {
    let b = html.as_bytes();
    let mut open: Vec<&[u8]> = Vec::new();
    let mut elements = 0usize;
    let mut i = 0;
    while let Some(p) = memchr::memchr(b'<', &b[i..]) {
        i += p + 1;
        match b.get(i) {
            Some(b'!') if b[i..].starts_with(b"!--") => {
                i = memmem::find(&b[i..], b"-->").map_or(b.len(), |e| i + e + 3);
            }
            Some(b'!' | b'?') => i = past(b, i, b'>'),
            Some(b'/') => {
                let name = name_at(b, i + 1);
                let from = open.len().saturating_sub(MATCH_DEPTH);
                if let Some(k) = open[from..]
                    .iter()
                    .rposition(|o| o.eq_ignore_ascii_case(name))
                {
                    open.truncate(from + k);
                }
                i = past(b, i, b'>');
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let name = name_at(b, i);
                elements += 1;
                if elements > MAX_ELEMENTS {
                    return Err(format!("the page has more than {MAX_ELEMENTS} elements"));
                }
                let (end, attributes, closed) = tag_end(b, i + name.len());
                if attributes > MAX_ATTRIBUTES {
                    return Err(format!(
                        "a tag in the page has more than {MAX_ATTRIBUTES} attributes"
                    ));
                }
                i = end;
                let is =
                    |list: &[&str]| list.iter().any(|n| n.as_bytes().eq_ignore_ascii_case(name));
                if is(RAW) && !closed {
                    i = raw_end(b, i, name);
                } else if !closed && !is(VOID) && !is(OPTIONAL_END) {
                    open.push(name);
                    if open.len() > MAX_DEPTH {
                        return Err(format!(
                            "the page nests elements more than {MAX_DEPTH} deep"
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The tag name starting at `i`.
fn name_at(b: &[u8], i: usize) -> &[u8] {
    let end = b[i.min(b.len())..]
        .iter()
        .position(|c| c.is_ascii_whitespace() || matches!(c, b'>' | b'/'))
        .map_or(b.len(), |n| i + n);
    &b[i.min(end)..end]
}

/// Just past the next `c` from `i` (the end of the text when there is none).
fn past(b: &[u8], i: usize, c: u8) -> usize {
    memchr::memchr(c, &b[i.min(b.len())..]).map_or(b.len(), |n| i + n + 1)
}

/// Reads a start tag's attributes from `i`: where the tag ends, how many attributes it has,
/// and whether it closes itself (`/>`).
fn tag_end(b: &[u8], mut i: usize) -> (usize, usize, bool) {
    let mut attributes = 0;
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        match b.get(i) {
            None => return (b.len(), attributes, false),
            Some(b'>') => return (i + 1, attributes, false),
            Some(b'/') if b.get(i + 1) == Some(&b'>') => return (i + 2, attributes, true),
            Some(b'/') => i += 1,
            Some(_) => {
                attributes += 1;
                while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>') {
                    i += 1;
                }
                while i < b.len() && b[i].is_ascii_whitespace() {
                    i += 1;
                }
                if b.get(i) == Some(&b'=') {
                    i += 1;
                    while i < b.len() && b[i].is_ascii_whitespace() {
                        i += 1;
                    }
                    i = match b.get(i) {
                        Some(&q @ (b'"' | b'\'')) => past(b, i + 1, q),
                        _ => b[i.min(b.len())..]
                            .iter()
                            .position(|c| c.is_ascii_whitespace() || *c == b'>')
                            .map_or(b.len(), |n| i + n),
                    };
                }
            }
        }
    }
}

/// Just past the end tag of the raw-text element `name`, its content read from `i`.
fn raw_end(b: &[u8], i: usize, name: &[u8]) -> usize {
    let mut at = i;
    while let Some(p) = memmem::find(&b[at..], b"</") {
        let start = at + p + 2;
        let end = start + name.len();
        if end <= b.len() && b[start..end].eq_ignore_ascii_case(name) {
            return past(b, end, b'>');
        }
        at = start;
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_of_every_day_pass() {
        let page = "<!DOCTYPE html><html lang=en><head><title>a < b</title>\
                    <script>if (a<b) { x = '</div>'; }</script><!-- <div><div> -->\
                    <meta charset=utf-8></head><body><div class=\"a b\" data-x='>'>\
                    <p>one<p>two<ul><li>x<li>y</ul><br><img src=x.png/></div></body></html>";
        assert_eq!(check(page), Ok(()));
        // Unclosed paragraphs and list items close each other: no nesting.
        assert_eq!(check(&"<p>text ".repeat(5_000)), Ok(()));
        // Stray end tags cost nothing and close nothing.
        assert_eq!(check(&"</div>".repeat(10_000)), Ok(()));
    }

    #[test]
    fn deep_wide_and_crowded_pages_are_refused() {
        let deep = format!("<html><body>{}x</body></html>", "<b>".repeat(MAX_DEPTH + 1));
        assert!(
            check(&deep).unwrap_err().contains("deep"),
            "{:?}",
            check(&deep)
        );
        let nested = format!(
            "{}{}",
            "<div>".repeat(MAX_DEPTH),
            "</div>".repeat(MAX_DEPTH)
        );
        assert_eq!(check(&nested), Ok(()));
        let unclosed = "<div><span><a>".repeat(200);
        assert!(check(&unclosed).is_err());
        let attributes: String = (0..=MAX_ATTRIBUTES)
            .map(|i| format!(" a{i}=\"v\""))
            .collect();
        let crowded = format!("<p{attributes}>x</p>");
        assert!(check(&crowded).unwrap_err().contains("attributes"));
        let wide = "<br>".repeat(MAX_ELEMENTS + 1);
        assert!(check(&wide).unwrap_err().contains("elements"));
    }
}
