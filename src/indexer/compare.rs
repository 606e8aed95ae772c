//! How the archive compares with the index: the check before a search (quick, by folder
//! times, else file by file) and the run of `archive index` that finds nothing changed.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use super::plan::plan;
use super::Report;
use crate::analysis::Analyzers;
use crate::corpus;
use crate::error::{Error, Result};
use crate::fresh::{Held, Snapshot};
use crate::manifest::{Manifest, Payload};
use crate::store;

/// How the archive's files compare with what the index recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Same files, same times: nothing to do.
    Current,
    /// Same content, but some files' times moved: worth recording when the index is writable,
    /// so later checks need not read them.
    Retimed,
    /// Files were added, changed or removed.
    Changed,
}

/// True when the index at `index_dir` matches the archive's files (by size, time, or content).
/// A missing index is not fresh.
pub fn is_fresh(archive: &Path, index_dir: &Path, analyzers: &Analyzers) -> Result<bool> {
    match store::open_read(index_dir, analyzers, store::Fit::Exact) {
        Ok(opened) => Ok(freshness(archive, index_dir, &opened.payload)? != Freshness::Changed),
        Err(Error::NoIndex(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// How the files of `archive` compare with those the commit `payload` of the index at
/// `index_dir` recorded. The quick check ([`Snapshot::unchanged`]) answers most calls; when it
/// is unsure, every file is compared (by size, time, or content) and, when none changed, the
/// snapshot is renewed (if the index is writable) so that the next check is quick again.
pub fn freshness(archive: &Path, index_dir: &Path, payload: &Payload) -> Result<Freshness> {
    let last = Snapshot::load(index_dir, payload.stamp);
    if last.as_ref().is_some_and(|s| s.unchanged(archive)) {
        return Ok(Freshness::Current);
    }
    // A file's status changed since the last scan (chmod) may have become readable.
    let changed = |ctime: u64| last.as_ref().is_none_or(|s| s.changed_since(ctime));
    let none = Held::default();
    let last_held = last.as_ref().map_or(&none, |s| &s.held);
    // A missing or damaged list: the update that follows rebuilds, and says why.
    let manifest = &Manifest::load(index_dir, payload).unwrap_or_default();
    if manifest.analyzer != payload.analyzer {
        return Ok(Freshness::Changed);
    }
    let scan = corpus::scan(archive)?;
    let plan = plan(&scan.files, manifest, &scan.unseen);
    // A file that could not be read is not a reason to re-index on every search.
    let unreadable: BTreeSet<&str> = scan.skipped.iter().map(|(p, _)| p.as_str()).collect();
    // Files the last full comparison found unreadable: (size, time, why) by path.
    let reasons: HashMap<&str, &str> = last_held
        .unreadable
        .iter()
        .map(|(p, why)| (p.as_str(), why.as_str()))
        .collect();
    let known: HashMap<&str, (u64, u64, &str)> = last_held
        .unreadable_at
        .iter()
        .filter_map(|(p, size, t)| Some((p.as_str(), (*size, *t, *reasons.get(p.as_str())?))))
        .collect();
    let mut failed = Vec::new();
    let mut failed_at = Vec::new();
    let same = plan.remove.iter().all(|p| unreadable.contains(p.as_str()))
        && plan.load.iter().all(|f| {
            if manifest.files.contains_key(&f.rel) {
                return false;
            }
            // A file found unreadable before, of the same size and times, is not read again.
            let at = (f.rel.clone(), f.size, f.mtime as u64);
            let why = match known.get(f.rel.as_str()) {
                Some(&(size, t, why)) if (size, t) == (at.1, at.2) && !changed(f.ctime) => {
                    why.to_string()
                }
                _ => match corpus::load(f) {
                    Err(why) => why,
                    Ok(_) => return false,
                },
            };
            failed.push((f.rel.clone(), why));
            failed_at.push(at);
            true
        });
    Ok(match (same, plan.touched.is_empty()) {
        (false, _) => Freshness::Changed,
        (true, false) => Freshness::Retimed,
        (true, true) => {
            let mut snapshot = Snapshot::of(&scan);
            snapshot.held = held(manifest, failed, failed_at);
            // Best effort: on read-only storage every search compares every file.
            let _ = snapshot.save(index_dir, payload.stamp);
            Freshness::Current
        }
    })
}

/// What the index holds, from its file list and the story files that could not be read.
pub(super) fn held(
    manifest: &Manifest,
    unreadable: Vec<(String, String)>,
    unreadable_at: Vec<(String, u64, u64)>,
) -> Held {
    let (stories, passages, languages) = manifest.totals();
    Held {
        stories,
        passages,
        languages,
        unreadable,
        unreadable_at,
    }
}

/// The run that finds every story file as the last one left it (by the snapshot's digest of
/// their paths, sizes and times): the file list is not read, and the snapshot is renewed only
/// when folder times moved (a file saved unchanged, a temporary file come and gone).
pub(super) fn unchanged(
    scan: corpus::Scan,
    last: Snapshot,
    mut now: Snapshot,
    index_dir: &Path,
    stamp: u64,
) -> Result<Report> {
    if last.outdated_by(&now) {
        now.held = last.held.clone();
        now.save(index_dir, stamp)?;
    }
    let Held {
        stories,
        passages,
        languages,
        unreadable,
        ..
    } = last.held;
    let mut skipped = scan.skipped;
    let unchanged = scan.files.len().saturating_sub(unreadable.len());
    skipped.extend(unreadable);
    Ok(Report {
        stories,
        passages,
        languages,
        unchanged,
        skipped,
        ..Default::default()
    })
}
