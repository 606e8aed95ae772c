//! The human printer. Hits come by story: the story's title, a line with its id and date,
//! then its hits numbered 1, 2, … (a hit and its matched counterpart are one), each
//! `N. lang ¶P  excerpt` with its counterpart under it (`↳ lang ¶P  excerpt`), then, when the
//! per-story cap or the limit left some of its matched passages out, how many and the command
//! that shows them; at the end, when the limit left stories out, the command that shows more. On a terminal: colour (unless NO_COLOR) and lines wrapped to the window
//! with a hanging indent; elsewhere one line each (README documents the layout). Text from the
//! stories never reaches the terminal with control characters in it: they are shown escaped
//! (`\u{1b}`, `\n`).

use std::borrow::Cow;
use std::io::{self, Write};

use archive::search::{Answer, Hit};

use super::mark_with;
use super::wrap::wrap;

/// `text` with control characters (which could drive the terminal or break the layout) and
/// bidirectional controls written as escapes; tabs stay.
pub fn printable(text: &str) -> Cow<'_, str> {
    // Control characters, and the bidirectional embeddings, overrides and isolates, which make
    // a terminal show text in another order than it is (a story's text could pass for another).
    let unsafe_char = |c: char| {
        (c.is_control() && c != '\t')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// How the hits are laid out.
pub struct Layout {
    /// Colour instead of `[` `]` marks.
    pub colour: bool,
    /// The terminal's width to wrap to; `None` (not a terminal): one line each.
    pub width: Option<usize>,
}

/// The escape sequences of a layout: marks, dim, bold, reset.
struct Codes {
    open: &'static str,
    close: &'static str,
    dim: &'static str,
    bold: &'static str,
    reset: &'static str,
}

impl Layout {
    fn codes(&self) -> Codes {
        if self.colour {
            Codes {
                open: "\x1b[1;31m",
                close: "\x1b[0m",
                dim: "\x1b[2m",
                bold: "\x1b[1m",
                reset: "\x1b[0m",
            }
        } else {
            Codes {
                open: "[",
                close: "]",
                dim: "",
                bold: "",
                reset: "",
            }
        }
    }
}

/// What a command shows more of.
pub enum More<'a> {
    /// `hits` hits of this hit's story: all it has.
    Story(&'a Hit, usize),
    /// Further stories.
    Stories,
}

/// Prints the answer; `explain` adds the query's terms and each hit's score by term.
/// `more` gives the command that shows what was left out.
pub fn print(
    out: &mut impl Write,
    answer: &Answer,
    explain: bool,
    layout: &Layout,
    more: impl Fn(More) -> String,
) -> io::Result<()> {
    let c = layout.codes();
    let line = |out: &mut dyn Write, text: &str, indent: usize| -> io::Result<()> {
        writeln!(out, "{}", wrap(text, layout.width, indent))
    };
    if explain {
        let terms = printable(&answer.terms.join("  +  ")).into_owned();
        line(out, &format!("query terms: {terms}"), 2)?;
        for e in &answer.expansions {
            let (from, to) = (printable(&e.from), printable(&e.to.join(", ")).into_owned());
            line(
                out,
                &format!("{} expansion: {from} → {to}", e.kind.as_str()),
                2,
            )?;
        }
        if answer.partial {
            line(out, "no story holds every term: partial matches", 2)?;
        }
        writeln!(out)?;
    }
    // The second of a pair is shown with the first.
    let shown: Vec<&Hit> = answer
        .hits
        .iter()
        .filter(|h| h.paired_with.is_none_or(|r| r > h.rank))
        .collect();
    for (i, hit) in shown.iter().enumerate() {
        if i == 0 || shown[i - 1].story != hit.story {
            if i > 0 {
                writeln!(out)?;
            }
            let title = printable(&hit.title);
            line(out, &format!("{}{title}{}", c.bold, c.reset), 2)?;
            let date = if hit.date.is_empty() {
                String::new()
            } else {
                format!(" · {}", printable(&hit.date))
            };
            // Marked when stories holding some words follow those holding all.
            let partial = if hit.partial && !answer.partial {
                " · some words"
            } else {
                ""
            };
            let id = printable(&hit.story);
            line(out, &format!("{}{id}{date}{partial}{}", c.dim, c.reset), 2)?;
        }
        // A passage as shown: its place (language and ¶) and its marked excerpt.
        let as_shown = |lang: &str, passage: u64, text: &str, range, highlights: &[_]| {
            let place = format!("{}{} ¶{passage}{}", c.dim, printable(lang), c.reset);
            let excerpt = mark_with(text, range, highlights, c.open, c.close, printable);
            (place, excerpt)
        };
        let number = format!("{}. ", hit.hit);
        let (place, excerpt) = as_shown(
            &hit.lang,
            hit.passage,
            &hit.text,
            hit.snippet_range,
            &hit.highlights,
        );
        line(out, &format!("{number}{place}  {excerpt}"), number.len())?;
        if let Some(cp) = &hit.counterpart {
            let (place, text) = as_shown(
                &cp.lang,
                cp.passage,
                &cp.text,
                cp.excerpt_range,
                &cp.highlights,
            );
            line(out, &format!("   ↳ {place}  {text}"), 5)?;
        }
        if explain {
            let parts = |level: &str| {
                let parts: Vec<String> = hit
                    .explain
                    .iter()
                    .filter(|t| t.level == level)
                    .map(|t| {
                        let term = printable(&t.term);
                        format!("{term} {:.2} ({:.0}%)", t.score, t.share * 100.0)
                    })
                    .collect();
                parts.join(" + ")
            };
            let story = format!(
                "   {}score {:.2} = story {:.2} ({}) + best passage{}",
                c.dim,
                hit.score,
                hit.story_score,
                parts("story"),
                c.reset
            );
            line(out, &story, 5)?;
            let passage = format!(
                "   {}this passage {:.2} = {}{}",
                c.dim,
                hit.passage_score,
                parts("passage"),
                c.reset
            );
            line(out, &passage, 5)?;
        }
        let last_of_story = shown.get(i + 1).is_none_or(|next| next.story != hit.story);
        if last_of_story && hit.more_in_story > 0 {
            let n = hit.more_in_story;
            let passages = if n == 1 { "passage" } else { "passages" };
            let total = shown.iter().filter(|h| h.story == hit.story).count() + n;
            let command = more(More::Story(hit, total));
            let text = format!(
                "   {}{n} more {passages} in this story: {command}{}",
                c.dim, c.reset
            );
            line(out, &text, 5)?;
        }
    }
    if answer.more_stories && !shown.is_empty() {
        let command = more(More::Stories);
        writeln!(out)?;
        line(
            out,
            &format!("{}more stories matched: {command}{}", c.dim, c.reset),
            2,
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(printable("plain\ttext 字"), "plain\ttext 字");
        assert_eq!(printable("a\x1b[31mb\nc\u{9b}"), "a\\u{1b}[31mb\\nc\\u{9b}");
        assert_eq!(
            printable("ab\u{202E}dc\u{2066}x"),
            "ab\\u{202e}dc\\u{2066}x"
        );
    }
}
