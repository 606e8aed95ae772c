//! Printing results: a human printer (colour only on a terminal, NO_COLOR respected) and a
//! JSON Lines printer; and the shape of error lines.

use std::io::{self, IsTerminal, Write};

use archive::search::{mark, Answer, Expansion, Hit};
use serde::Serialize;

/// Colour when stdout is a terminal and NO_COLOR is unset or empty.
pub fn use_colour() -> bool {
    io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// One hit as JSON: the hit, plus what the whole query expanded to. README's `--json` table
/// is its contract; `search --json` prints one per line and `serve` answers an array of them,
/// so the two cannot drift apart.
#[derive(Serialize)]
pub struct Record<'a> {
    #[serde(flatten)]
    hit: &'a Hit,
    expanded: &'a [Expansion],
}

/// The answer's hits as JSON records, in rank order.
pub fn records(answer: &Answer) -> Vec<Record<'_>> {
    answer
        .hits
        .iter()
        .map(|hit| Record {
            hit,
            expanded: &answer.expansions,
        })
        .collect()
}

/// JSON Lines: one record per line.
pub fn json(out: &mut impl Write, answer: &Answer) -> io::Result<()> {
    for record in records(answer) {
        serde_json::to_writer(&mut *out, &record)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

const COUNTERPART_CHARS: usize = 160;

pub fn human(out: &mut impl Write, answer: &Answer, explain: bool, colour: bool) -> io::Result<()> {
    let (open, close, dim, bold, reset) = if colour {
        ("\x1b[1;31m", "\x1b[0m", "\x1b[2m", "\x1b[1m", "\x1b[0m")
    } else {
        ("[", "]", "", "", "")
    };
    if explain {
        writeln!(out, "query terms: {}", answer.terms.join("  +  "))?;
        for e in &answer.expansions {
            writeln!(
                out,
                "{} expansion: {} → {}",
                e.kind,
                e.from,
                e.to.join(", ")
            )?;
        }
        if answer.partial {
            writeln!(out, "no story holds every term: partial matches")?;
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
            format!(" · {}", hit.date)
        };
        // Marked when stories holding some words follow those holding all.
        let partial = if hit.partial && !answer.partial {
            " · some words"
        } else {
            ""
        };
        writeln!(
            out,
            "{}. {bold}{}{reset} {dim}[{}{date} · {} ¶{}{partial}]{reset}",
            hit.rank, hit.title, hit.lang, hit.path, hit.passage
        )?;
        let range = (hit.snippet_range[0], hit.snippet_range[1]);
        writeln!(
            out,
            "   {}",
            mark(&hit.text, range, &hit.highlights, open, close)
        )?;
        if let Some(c) = &hit.counterpart {
            let end = c
                .text
                .char_indices()
                .nth(COUNTERPART_CHARS)
                .map_or(c.text.len(), |(i, _)| i);
            let text = mark(&c.text, (0, end), &c.highlights, open, close);
            let tag = if c.matched {
                "also matched"
            } else {
                "counterpart"
            };
            writeln!(
                out,
                "   {dim}↳ {} ¶{} ({tag}):{reset} {text}",
                c.lang, c.passage
            )?;
        }
        if explain {
            let parts = |level: &str| {
                let parts: Vec<String> = hit
                    .explain
                    .iter()
                    .filter(|t| t.level == level)
                    .map(|t| format!("{} {:.2} ({:.0}%)", t.term, t.score, t.share * 100.0))
                    .collect();
                parts.join(" + ")
            };
            writeln!(
                out,
                "   {dim}score {:.2} = story {:.2} ({}) + best passage{reset}",
                hit.score,
                hit.story_score,
                parts("story"),
            )?;
            writeln!(
                out,
                "   {dim}this passage {:.2} = {}{reset}",
                hit.passage_score,
                parts("passage")
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// True when the error is a closed stdout (`archive search x | head`): not a failure.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// The error and its causes on one line.
pub fn one_line(e: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in e.chain() {
        let s = cause.to_string().replace('\n', " ");
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
    }
    parts.join(": ")
}
