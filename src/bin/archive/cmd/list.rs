//! `archive list`: the indexed stories, newest first, one per line (or JSON Lines).

use std::io::Write;

use anyhow::Result;
use archive::catalog;

use console::{measure_text_width, truncate_str};

use crate::output::{self, human::printable};
use crate::paths::Resolved;

pub fn run(paths: &Resolved, json: bool) -> Result<u8> {
    let searcher = super::search::open_fresh(paths, false)?;
    let stories = catalog::stories(&super::manifest_of(paths, &searcher)?.1);
    let stdout = std::io::stdout();
    // On a terminal: the ids in a column as wide as the longest, each line cut to the width
    // (the title ends in `…`). Elsewhere one line each, as it is.
    let width = output::width_of(std::io::stdout());
    let ids: Vec<String> = stories
        .iter()
        .map(|s| printable(&s.id).into_owned())
        .collect();
    let id_width = match width {
        Some(_) => ids
            .iter()
            .map(|id| measure_text_width(id))
            .max()
            .unwrap_or(0),
        None => 0,
    };
    let mut out = std::io::BufWriter::new(stdout.lock());
    for (s, id) in stories.iter().zip(&ids) {
        if json {
            serde_json::to_writer(&mut out, s)?;
            writeln!(out)?;
            continue;
        }
        let passages: Vec<String> = s.passages.values().map(u64::to_string).collect();
        let pad = " ".repeat(id_width.saturating_sub(measure_text_width(id)));
        let head = format!(
            "{id}{pad}  {:<10}  {:<5}  {:>7}  ",
            if s.date.is_empty() { "-" } else { &s.date },
            s.langs.join(","),
            passages.join("/"),
        );
        let title = printable(&s.title);
        let title = match width {
            Some(w) => truncate_str(&title, w.saturating_sub(measure_text_width(&head)), "…"),
            None => title,
        };
        writeln!(out, "{head}{title}")?;
    }
    out.flush()?;
    Ok(0)
}
