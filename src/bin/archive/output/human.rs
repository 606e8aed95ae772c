//! The human printer: a numbered hit per block, its excerpt with matched words in `[` `]` (or
//! red on a terminal), its counterpart below. Text from the stories never reaches the
//! terminal with control characters in it: they are shown escaped (`\u{1b}`, `\n`).

use std::borrow::Cow;
use std::io::{self, Write};

use archive::search::Answer;

use super::mark_with;

/// `text` with control characters (which could drive the terminal or break the layout)
/// written as escapes; tabs stay.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\t') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() && c != '\t' {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Prints the answer; `explain` adds the query's terms and each hit's score by term.
pub fn print(out: &mut impl Write, answer: &Answer, explain: bool, colour: bool) -> io::Result<()> {
    let (open, close, dim, bold, reset) = if colour {
        ("\x1b[1;31m", "\x1b[0m", "\x1b[2m", "\x1b[1m", "\x1b[0m")
    } else {
        ("[", "]", "", "", "")
    };
    if explain {
        writeln!(
            out,
            "query terms: {}",
            printable(&answer.terms.join("  +  "))
        )?;
        for e in &answer.expansions {
            writeln!(
                out,
                "{} expansion: {} → {}",
                e.kind.as_str(),
                printable(&e.from),
                printable(&e.to.join(", "))
            )?;
        }
        if answer.partial {
            writeln!(out, "no passage matched every term: partial matches")?;
        }
        writeln!(out)?;
    }
    for hit in &answer.hits {
        // The second of a pair was shown with the first.
        if hit.paired_with.is_some_and(|r| r < hit.rank) {
            continue;
        }
        let date = if hit.date.is_empty() {
            String::new()
        } else {
            format!(" · {}", printable(&hit.date))
        };
        writeln!(
            out,
            "{}. {bold}{}{reset} {dim}[{}{date} · {} ¶{}]{reset}",
            hit.rank,
            printable(&hit.title),
            printable(&hit.lang),
            printable(&hit.path),
            hit.passage
        )?;
        let excerpt = mark_with(
            &hit.text,
            hit.snippet_range,
            &hit.highlights,
            open,
            close,
            printable,
        );
        writeln!(out, "   {excerpt}")?;
        if let Some(c) = &hit.counterpart {
            let text = mark_with(
                &c.text,
                c.excerpt_range,
                &c.highlights,
                open,
                close,
                printable,
            );
            let tag = if c.matched {
                "also matched"
            } else {
                "counterpart"
            };
            writeln!(
                out,
                "   {dim}↳ {} ¶{} ({tag}):{reset} {text}",
                printable(&c.lang),
                c.passage
            )?;
        }
        if explain {
            let parts: Vec<String> = hit
                .explain
                .iter()
                .map(|t| {
                    format!(
                        "{} {:.2} ({:.0}%)",
                        printable(&t.term),
                        t.score,
                        t.share * 100.0
                    )
                })
                .collect();
            writeln!(
                out,
                "   {dim}score {:.2} = {}{reset}",
                hit.score,
                parts.join(" + ")
            )?;
        }
        writeln!(out)?;
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
    }
}
