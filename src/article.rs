//! One story file: optional front matter, language, and its passages (paragraphs).

use crate::analysis::{is_common_punctuation, is_han};
use crate::error::bounded;

/// Longest title kept, in characters (from the front matter or the first line).
pub const MAX_TITLE_CHARS: usize = 200;
/// Most passages a file makes (the largest file of the shared corpora has 4,606): each passage
/// is a document the writer holds until the file's last one, so a file of millions of tiny
/// paragraphs took gigabytes. Beyond this, runs of consecutive paragraphs are joined.
pub const MAX_PASSAGES: usize = 20_000;

/// Longest piece of a story quoted in a warning, in characters.
const QUOTED_CHARS: usize = 80;

/// A parsed story file in one language.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    /// Title: from front matter, else the first line.
    pub title: String,
    /// Publication date as `YYYY-MM-DD`, when known.
    pub date: Option<String>,
    /// Language code: `en`, `zh`, or whatever the front matter says.
    pub lang: String,
    /// Where the story comes from (agency, paper), when known.
    pub source: Option<String>,
    /// Paragraphs in order; passage N is `passages[N - 1]`.
    pub passages: Vec<String>,
    /// For each passage, the number its alignment marker (`<!-- ¶ 3 -->`) gives it in the
    /// story's other versions; empty when the file has no marker.
    pub markers: Vec<Option<u64>>,
    /// Problems found while parsing (malformed front matter, bad date); never fatal.
    pub warnings: Vec<String>,
}

/// Normalises a language tag: every Chinese variant is `zh`, every English one `en`.
pub fn normalize_lang(tag: &str) -> Option<String> {
    let tag = tag.trim().to_ascii_lowercase().replace('_', "-");
    let primary = tag.split('-').next().unwrap_or("");
    match primary {
        "" => None,
        "zh" | "cn" | "chinese" => Some("zh".into()),
        "en" | "english" => Some("en".into()),
        p if p.len() <= 3 && p.chars().all(|c| c.is_ascii_alphabetic()) => Some(p.into()),
        _ => None,
    }
}

/// Guesses `zh` or `en` from the script of the text.
pub fn detect_lang(text: &str) -> String {
    let (mut han, mut latin) = (0usize, 0usize);
    for c in text.chars() {
        if is_han(c) {
            han += 1;
        } else if !is_common_punctuation(c) && c.is_alphabetic() {
            latin += 1;
        }
    }
    // A Han character carries about as much as a whole Latin word of ~5 letters.
    if han * 5 >= latin && han > 0 {
        "zh".into()
    } else {
        "en".into()
    }
}

/// True for a `YYYY-MM-DD` date that exists on the calendar (roughly: month 1–12, day 1–31).
pub fn valid_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().ok();
    matches!((num(0..4), num(5..7), num(8..10)), (Some(_), Some(m), Some(d)) if (1..=12).contains(&m) && (1..=31).contains(&d))
}

/// What a file says about itself: its front matter, or a page's or document's metadata.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    /// The title, when given.
    pub title: Option<String>,
    /// The date, when given (checked to be `YYYY-MM-DD`).
    pub date: Option<String>,
    /// The language tag, when given (normalised).
    pub lang: Option<String>,
    /// Where the story comes from, when given.
    pub source: Option<String>,
}

/// How the body of a text story file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// Paragraphs separated by blank lines.
    Plain,
    /// Markdown, rendered to text.
    Markdown,
}

/// Parses a text story file. `name_lang` is the language its file name implies (`zh.md`).
pub fn parse(text: &str, name_lang: Option<&str>, body_kind: Body) -> Article {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut warnings = Vec::new();
    let (fields, body) = split_front_matter(text, &mut warnings);
    let field = |key: &str| {
        fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty())
    };
    let meta = Metadata {
        title: field("title"),
        date: field("date"),
        lang: field("lang"),
        source: field("source"),
    };
    let (passages, mut markers) = match body_kind {
        Body::Plain => passages(body),
        Body::Markdown => crate::formats::markdown_passages(body),
    };
    let joined = passages.len() > MAX_PASSAGES;
    let mut article = assemble(meta, passages, name_lang, warnings);
    if joined && markers.iter().any(Option::is_some) {
        article
            .warnings
            .push("alignment markers ignored: paragraphs were joined".into());
    } else if markers.iter().any(Option::is_some) {
        // A marker on more than one passage pairs the first; the others pair with none.
        let mut seen = std::collections::BTreeSet::new();
        let mut twice = None;
        for marker in &mut markers {
            if let Some(n) = *marker {
                if !seen.insert(n) {
                    twice.get_or_insert(n);
                    *marker = None;
                }
            }
        }
        if let Some(n) = twice {
            article.warnings.push(format!(
                "alignment marker ¶ {n} is on more than one passage; the first pairs"
            ));
        }
        article.markers = markers;
    }
    article
}

/// The passage number an alignment marker gives: `<!-- ¶ 3 -->` (or `<!-- p 3 -->`), a
/// Markdown comment, so it shows nowhere when the file is rendered.
pub fn marker(text: &str) -> Option<u64> {
    let inner = text
        .trim()
        .strip_prefix("<!--")?
        .strip_suffix("-->")?
        .trim();
    let number = inner
        .strip_prefix('¶')
        .or_else(|| inner.strip_prefix(['p', 'P']))?
        .trim_start();
    if number.is_empty() || number.len() > 9 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    number.parse().ok().filter(|&n| n > 0)
}

/// An article from its metadata and passages: the language from the metadata, else the file
/// name, else the text's script; the title from the metadata, else the first passage.
pub fn assemble(
    meta: Metadata,
    mut passages: Vec<String>,
    name_lang: Option<&str>,
    mut warnings: Vec<String>,
) -> Article {
    if passages.len() > MAX_PASSAGES {
        let run = passages.len().div_ceil(MAX_PASSAGES);
        let n = passages.len();
        passages = passages.chunks(run).map(|c| c.join("\n")).collect();
        warnings.push(format!(
            "{n} paragraphs joined into {} passages (a file makes at most {MAX_PASSAGES})",
            passages.len()
        ));
    }
    let lang = meta
        .lang
        .and_then(|l| {
            let n = normalize_lang(&l);
            if n.is_none() {
                warnings.push(format!("unknown language {:?}", bounded(&l, QUOTED_CHARS)));
            }
            n
        })
        .or_else(|| name_lang.and_then(normalize_lang))
        .unwrap_or_else(|| detect_lang(&passages.join("\n")));
    let date = meta.date.and_then(|d| {
        if valid_date(&d) {
            Some(d)
        } else {
            warnings.push(format!(
                "date {:?} is not YYYY-MM-DD; ignored",
                bounded(&d, QUOTED_CHARS)
            ));
            None
        }
    });
    // A title is shown with every hit and stored with every passage: its length is capped.
    let title: String = meta
        .title
        .as_deref()
        .or_else(|| passages.first().map(String::as_str))
        .unwrap_or_default()
        .chars()
        .take(MAX_TITLE_CHARS)
        .collect();
    if passages.is_empty() {
        warnings.push("no text".into());
    }
    Article {
        title,
        date,
        lang,
        source: meta.source,
        passages,
        markers: Vec::new(),
        warnings,
    }
}

/// A text story file's body: what follows its front matter, if any.
pub fn body_of(text: &str) -> &str {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    split_front_matter(text, &mut Vec::new()).1
}

/// Splits `---` front matter (simple `key: value` lines) from the body.
fn split_front_matter<'a>(
    text: &'a str,
    warnings: &mut Vec<String>,
) -> (Vec<(String, String)>, &'a str) {
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return (Vec::new(), text);
    };
    let mut fields = Vec::new();
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        offset += line.len();
        let line = line.trim_end_matches(['\n', '\r']);
        if line.trim() == "---" {
            return (fields, &rest[offset..]);
        }
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        match line.split_once(':') {
            Some((k, v)) => fields.push((
                k.trim().to_ascii_lowercase(),
                v.trim().trim_matches('"').to_string(),
            )),
            None => warnings.push(format!(
                "front matter: line {:?} is not `key: value`",
                bounded(line, QUOTED_CHARS)
            )),
        }
    }
    warnings.push("front matter: no closing `---`; read as text".into());
    (Vec::new(), text)
}

/// Paragraphs: blocks separated by blank lines, their lines joined (with a space, except
/// between two Han characters, where a line break is not a word break); and the number an
/// alignment marker line gives each (the marker belongs to its block, or to the next one when
/// it stands alone).
fn passages(body: &str) -> (Vec<String>, Vec<Option<u64>>) {
    let mut out = Vec::new();
    let mut markers = Vec::new();
    let mut marked = None;
    let mut current = String::new();
    for line in body.lines() {
        let line = line.trim();
        if let Some(n) = marker(line) {
            marked = Some(n);
            continue;
        }
        if line.is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
                markers.push(marked.take());
            }
            continue;
        }
        if let (Some(a), Some(b)) = (current.chars().last(), line.chars().next()) {
            if !(is_han(a) && is_han(b)) {
                current.push(' ');
            }
        }
        current.push_str(line);
    }
    if !current.is_empty() {
        out.push(current);
        markers.push(marked.take());
    }
    (out, markers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_of_very_many_paragraphs_joins_them_into_fewer_passages() {
        let body: String = (0..MAX_PASSAGES * 2 + 1)
            .map(|i| format!("w{i}\n\n"))
            .collect();
        let a = parse(&format!("<!-- ¶ 1 -->\n\n{body}"), Some("en"), Body::Plain);
        assert!(a.passages.len() <= MAX_PASSAGES, "{}", a.passages.len());
        assert_eq!(a.passages[0], "w0\nw1\nw2");
        assert!(a
            .passages
            .last()
            .unwrap()
            .ends_with(&format!("w{}", MAX_PASSAGES * 2)));
        assert!(a.markers.is_empty());
        assert_eq!(
            a.warnings,
            [
                format!("40001 paragraphs joined into 13334 passages (a file makes at most {MAX_PASSAGES})"),
                "alignment markers ignored: paragraphs were joined".to_string()
            ]
        );
    }

    #[test]
    fn front_matter_gives_metadata_and_body_gives_passages() {
        let a = parse(
            "---\ntitle: T\ndate: 2022-09-12\nlang: zh-CN\nsource: 新华社\n---\n\n第一段\n第二行\n\n第二段\n",
            None,
            Body::Plain,
        );
        assert_eq!(a.title, "T");
        assert_eq!(a.date.as_deref(), Some("2022-09-12"));
        assert_eq!(a.lang, "zh");
        assert_eq!(a.passages, vec!["第一段第二行", "第二段"]);
        assert!(a.warnings.is_empty());
    }

    #[test]
    fn plain_text_takes_title_from_first_line_and_detects_language() {
        let a = parse(
            "Khorgos dry port\n\nTrains come and go.\nEvery day.",
            None,
            Body::Plain,
        );
        assert_eq!(a.title, "Khorgos dry port");
        assert_eq!(a.lang, "en");
        assert_eq!(a.passages[1], "Trains come and go. Every day.");
        assert_eq!(
            parse("霍尔果斯口岸，SINOOIL加油站", None, Body::Plain).lang,
            "zh"
        );
    }

    #[test]
    fn alignment_markers_number_passages() {
        let a = parse(
            "T\n\n<!-- ¶ 3 -->\n\n第三段\n\nno marker\n\n<!-- p 5 -->\nfifth\n\n<!--p7-->\n",
            None,
            Body::Plain,
        );
        assert_eq!(a.passages, ["T", "第三段", "no marker", "fifth"]);
        assert_eq!(a.markers, [None, Some(3), None, Some(5)]);
        assert!(a.warnings.is_empty());
        assert!(parse("a\n\nb", None, Body::Plain).markers.is_empty());
        let twice = parse("<!-- ¶ 2 -->\na\n\n<!-- ¶ 2 -->\nb", None, Body::Plain);
        assert_eq!(
            twice.warnings,
            ["alignment marker ¶ 2 is on more than one passage; the first pairs"]
        );
        assert_eq!(twice.markers, [Some(2), None]);
        let md = parse(
            "# T\n\n<!-- ¶ 2 -->\nSecond, *marked*.\n",
            None,
            Body::Markdown,
        );
        assert_eq!(md.passages, ["T", "Second, marked."]);
        assert_eq!(md.markers, [None, Some(2)]);
        for not in [
            "<!-- ¶ -->",
            "<!-- ¶ 0 -->",
            "<!-- page 3 -->",
            "<!-- ¶ 3",
            "¶ 3",
        ] {
            assert_eq!(marker(not), None, "{not}");
        }
    }

    #[test]
    fn malformed_front_matter_warns_but_keeps_the_text() {
        let a = parse("---\ntitle: x\nno colon here\n", None, Body::Plain);
        assert!(a.warnings.iter().any(|w| w.contains("not `key: value`")));
        assert!(a.warnings.iter().any(|w| w.contains("no closing")));
        assert!(!a.passages.is_empty());
        let b = parse("---\ndate: 12/09/2022\n---\ntext", None, Body::Plain);
        assert_eq!(b.date, None);
        assert_eq!(b.warnings.len(), 1);
    }
}
