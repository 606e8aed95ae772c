//! `archive index`: build or update the index, then print a one-line summary on stderr.

use std::process::ExitCode;

use anyhow::Result;
use archive::analysis::Analyzers;
use archive::{selftest, store, Report};

use crate::output::human::printable;
use crate::paths::Resolved;
use crate::progress::Bar;

pub fn run(paths: &Resolved) -> Result<ExitCode> {
    let report = update(paths)?;
    print_summary(&report);
    Ok(ExitCode::SUCCESS)
}

/// Builds or updates the index, printing warnings about single files on stderr.
pub fn update(paths: &Resolved) -> Result<Report> {
    let analyzers = Analyzers::new(store::user_words(&paths.archive)?);
    let report = archive::build(&paths.archive, &paths.index, &analyzers, &Bar::new())?;
    for (path, why) in &report.warnings {
        eprintln!("archive: warning: {}: {}", printable(path), printable(why));
    }
    for (path, why) in &report.skipped {
        eprintln!("archive: skipped {}: {}", printable(path), printable(why));
    }
    self_test(paths, &analyzers)?;
    Ok(report)
}

/// Words from a sample of passages must find them again; a miss is loud and fails the run.
fn self_test(paths: &Resolved, analyzers: &Analyzers) -> Result<()> {
    let searcher = archive::Searcher::open(&paths.archive, &paths.index)?;
    let outcome = selftest::run(&searcher, analyzers)?;
    for f in &outcome.failures {
        eprintln!(
            "archive: SELF-TEST FAILED: {:?} did not find {} [{}] passage {}: {}",
            f.query, f.passage.story, f.passage.lang, f.passage.passage, f.passage.text
        );
    }
    if !outcome.failures.is_empty() {
        return Err(archive::Error::SelfTest(format!(
            "{} of {} sample queries did not find their passage; the index is inconsistent",
            outcome.failures.len(),
            outcome.checked
        ))
        .into());
    }
    Ok(())
}

pub fn print_summary(r: &Report) {
    let totals = format!(
        "{} {}, {} passages ({})",
        r.stories,
        if r.stories == 1 { "story" } else { "stories" },
        r.passages,
        r.languages.join(", ")
    );
    let skipped = if r.skipped.is_empty() {
        String::new()
    } else {
        format!(", {} skipped", r.skipped.len())
    };
    if r.nothing_to_do() {
        eprintln!("index is up to date: {totals}; nothing to do{skipped}");
    } else {
        eprintln!(
            "indexed {totals} in {:.2} s: {} added, {} changed, {} removed, {} unchanged{skipped}{}",
            r.seconds,
            r.added,
            r.changed,
            r.removed,
            r.unchanged,
            if r.rebuilt { " (full build)" } else { "" }
        );
    }
}
