//! `archive index`: build or update the index, then print a one-line summary on stderr.

use anyhow::Result;
use archive::analysis::Analyzers;
use archive::corpus::VARIANTS_FILE;
use archive::variants::{Variants, MAX_MEMBERS};
use archive::{store, Report, Updated};

use crate::output::human::printable;
use crate::paths::Resolved;
use crate::progress::Bar;

pub fn run(paths: &Resolved) -> Result<u8> {
    let updated = update(paths)?;
    print_summary(&updated.report);
    Ok(0)
}

/// Builds or updates the index and self-tests it (one library operation), printing what
/// happened to single files, and a rebuild of a damaged index, on stderr.
pub fn update(paths: &Resolved) -> Result<Updated> {
    crate::pages::allow_huge();
    // The bar takes over Ctrl-C first, before anything can be written.
    let bar = Bar::new();
    let analyzers = Analyzers::new(store::user_words(&paths.archive)?);
    let updated = archive::update(&paths.archive, &paths.index, &analyzers, &bar)?;
    let report = &updated.report;
    if let Some(why) = &report.damaged {
        eprintln!(
            "archive: the index was damaged ({}); rebuilt it from the archive",
            printable(why)
        );
    }
    for (path, why) in &report.warnings {
        eprintln!("archive: warning: {}: {}", printable(path), printable(why));
    }
    for (path, why) in &report.skipped {
        eprintln!("archive: skipped {}: {}", printable(path), printable(why));
    }
    // An unreadable list is reported by the search that needs it.
    if let Ok(variants) = Variants::load(&paths.archive) {
        for line in variants.cut_lines() {
            eprintln!("archive: warning: {VARIANTS_FILE} line {line}: more than {MAX_MEMBERS} names in one group; only the first {MAX_MEMBERS} are used");
        }
    }
    Ok(updated)
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
