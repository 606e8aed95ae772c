//! Indexing as one operation, the same for `archive index`, the automatic update before a
//! search and `archive bundle`: build or update the index, then run the self-test on the new
//! commit through the searcher that the caller goes on to use (a process opens the index once).

use std::path::Path;

use crate::analysis::Analyzers;
use crate::error::{bounded, Error, Result};
use crate::indexer::{self, Progress, Report};
use crate::search::Searcher;
use crate::selftest;

/// An index brought up to date and checked.
pub struct Updated {
    /// What the run did.
    pub report: Report,
    /// A searcher on the new commit.
    pub searcher: Searcher,
}

/// Builds or updates the index at `index_dir` from `archive`, then, when anything was indexed,
/// self-tests it: words from a sample of the passages it indexed must find them again. A miss fails with [`Error::SelfTest`] naming the
/// first ones (each cut short: a passage may be megabytes long).
pub fn update(
    archive: &Path,
    index_dir: &Path,
    analyzers: &Analyzers,
    progress: &dyn Progress,
) -> Result<Updated> {
    let report = indexer::build(archive, index_dir, analyzers, progress)?;
    let searcher = Searcher::open(archive, index_dir)?;
    // Nothing was indexed (at most new file times were recorded): the commit was tested when
    // it was written.
    if report.nothing_to_do() {
        return Ok(Updated { report, searcher });
    }
    let outcome = selftest::run(&searcher, analyzers, &report.indexed)?;
    if let Some(first) = outcome.failures.first() {
        return Err(Error::SelfTest(format!(
            "{} of {} sample queries did not find their passage; the index is inconsistent; \
             first: {:?} did not find {} [{}] passage {}: {}",
            outcome.failures.len(),
            outcome.checked,
            bounded(&first.query, 60),
            bounded(&first.passage.story, 60),
            first.passage.lang,
            first.passage.passage,
            bounded(&first.passage.text, 120),
        )));
    }
    Ok(Updated { report, searcher })
}
