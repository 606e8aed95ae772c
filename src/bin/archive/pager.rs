//! Long text on a terminal goes through a pager ($PAGER, else `less -R`); anything else, and
//! text that fits on the screen, is printed as it is.

use std::io::{IsTerminal, Write};
use std::process::{Command, Stdio};

use anyhow::Result;

/// Prints `text` (plus a final newline), paged when stdout is a terminal it would overflow.
pub fn page(text: &str) -> Result<()> {
    if let Some(mut pager) = pager_for(text) {
        if let Some(mut stdin) = pager.stdin.take() {
            // The reader may quit the pager before reading everything: not an error.
            let _ = writeln!(stdin, "{text}");
        }
        let status = pager.wait()?;
        // A pager that failed (`PAGER=false`, a bad option) showed nothing: print instead. One
        // stopped by a signal was stopped by the reader.
        if status.code().is_none_or(|c| c == 0) {
            return Ok(());
        }
        eprintln!("archive: warning: the pager ($PAGER) failed ({status}); printing instead");
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")?;
    out.flush()?;
    Ok(())
}

/// A started pager, when one is wanted and can be started.
fn pager_for(text: &str) -> Option<std::process::Child> {
    if !std::io::stdout().is_terminal() {
        return None;
    }
    let (rows, cols) = console::Term::stdout().size_checked()?;
    let cols = usize::from(cols.max(1));
    let lines: usize = text
        .lines()
        .map(|l| console::measure_text_width(l).div_ceil(cols).max(1))
        .sum();
    if lines < usize::from(rows) {
        return None;
    }
    let pager = std::env::var("PAGER")
        .ok()
        .filter(|p| !p.trim().is_empty())
        .unwrap_or_else(|| "less -R".into());
    let mut words = pager.split_whitespace();
    let program = words.next()?;
    Command::new(program)
        .args(words)
        .stdin(Stdio::piped())
        .spawn()
        .ok()
}
