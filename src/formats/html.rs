//! Web pages saved from a browser: the article's main text (found by dom_smoothie, a port of
//! Mozilla's Readability), not its menus, footers and scripts; the title, date and language
//! from the page's metadata (og:title, <title>, article:published_time, JSON-LD
//! datePublished, <time datetime>, <html lang>).

use dom_query::Document;
use dom_smoothie::{Config, Readability, ReadabilityError, TextMode};

use crate::article::Metadata;
use crate::formats::markdown;

/// Pages with more elements than this are read without the main-text search, whose cost grows
/// faster than the page.
const MAX_ELEMENTS: usize = 100_000;

/// What is never an article's text, when the main-text search gives up.
const BOILERPLATE: &str = "script, style, noscript, template, nav, header, footer, aside, form, \
                           button, select, svg, iframe, [role=navigation], [role=banner], \
                           [role=contentinfo], [role=complementary]";

/// The page's metadata and passages.
pub fn extract(html: &str) -> (Metadata, Vec<String>) {
    let doc = Document::from(html);
    let time_tag = doc
        .select("time[datetime]")
        .first()
        .attr("datetime")
        .map(|t| t.to_string());
    let config = Config {
        text_mode: TextMode::Markdown,
        max_elements_to_parse: MAX_ELEMENTS,
        ..Config::default()
    };
    let fallback = Document::from(html);
    let parsed = Readability::with_document(doc, None, Some(config)).and_then(|mut r| r.parse());
    let (meta, text) = match parsed {
        Ok(a) => (
            Metadata {
                title: nonempty(a.title.to_string()),
                date: a.published_time.or(time_tag).and_then(|d| day_of(&d)),
                lang: a.lang.and_then(nonempty),
                source: a.site_name.and_then(nonempty),
            },
            a.text_content.to_string(),
        ),
        Err(ReadabilityError::GrabFailed | ReadabilityError::TooManyElements(..))
        | Err(ReadabilityError::BadDocumentURL) => (
            Metadata {
                title: nonempty(fallback.select("title").text().to_string()),
                date: time_tag.and_then(|d| day_of(&d)),
                lang: fallback.select("html").attr("lang").map(|l| l.to_string()),
                source: None,
            },
            whole_page_text(&fallback),
        ),
    };
    (meta, markdown::passages(&text).0)
}

/// The body's text as Markdown, without what is never an article's text.
fn whole_page_text(doc: &Document) -> String {
    doc.select(BOILERPLATE).remove();
    let body = doc.select("body");
    body.nodes()
        .first()
        .map(|b| b.md(None).to_string())
        .unwrap_or_default()
}

/// `YYYY-MM-DD` from the start of an ISO 8601 date or date-time.
fn day_of(date: &str) -> Option<String> {
    let day = date.trim().get(..10)?;
    crate::article::valid_date(day).then(|| day.to_string())
}

fn nonempty(s: String) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// True when text is clearly a web page (a saved page renamed to `.txt`).
pub fn looks_like_html(text: &str) -> bool {
    let text = text.trim_start_matches('\u{feff}').trim_start();
    // Every form below starts with a tag: a story that does not is not copied and lowercased.
    if !text.starts_with('<') {
        return false;
    }
    let head: String = text
        .chars()
        .take(1024)
        .collect::<String>()
        .to_ascii_lowercase();
    head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || (head.starts_with('<') && (head.contains("<head") || head.contains("<body")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_come_from_iso_dates_and_date_times() {
        assert_eq!(
            day_of("2022-09-12T08:00:00+08:00").as_deref(),
            Some("2022-09-12")
        );
        assert_eq!(day_of("Sep 12, 2022"), None);
    }

    #[test]
    fn pages_are_told_by_their_first_tag() {
        assert!(looks_like_html("\n<!DOCTYPE html><html><p>x"));
        assert!(looks_like_html("<?xml version=\"1.0\"?><html><head>"));
        assert!(!looks_like_html("A story about <b> tags"));
    }
}
