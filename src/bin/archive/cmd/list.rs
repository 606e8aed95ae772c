//! `archive list`: the indexed stories, newest first, one per line (or JSON Lines).

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use archive::catalog;

use crate::output::human::printable;
use crate::paths::Resolved;

pub fn run(paths: &Resolved, json: bool) -> Result<ExitCode> {
    let searcher = super::search::open_fresh(paths, false)?;
    let stories = catalog::stories(&searcher.manifest());
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for s in &stories {
        if json {
            serde_json::to_writer(&mut out, s)?;
            writeln!(out)?;
        } else {
            let passages: Vec<String> = s.passages.values().map(u64::to_string).collect();
            writeln!(
                out,
                "{}  {:<10}  {:<5}  {:>7}  {}",
                printable(&s.id),
                if s.date.is_empty() { "-" } else { &s.date },
                s.langs.join(","),
                passages.join("/"),
                printable(&s.title)
            )?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
