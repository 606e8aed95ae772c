//! Which files an indexing run must read, remove or only re-time, from the archive's files and
//! the last commit's manifest.

use std::collections::BTreeSet;

use crate::corpus::{self, SourceFile};
use crate::manifest::{FileEntry, Manifest};

/// The files that differ between the archive and the index's manifest.
pub(super) struct Plan {
    /// Files to (re)index: read and parsed, or skipped.
    pub(super) load: Vec<SourceFile>,
    /// Paths whose documents must go.
    pub(super) remove: Vec<String>,
    /// Files whose content is unchanged but whose size or time changed: their manifest entry.
    pub(super) touched: Vec<(String, FileEntry)>,
    pub(super) unchanged: usize,
}

pub(super) fn plan(files: &[SourceFile], manifest: &Manifest) -> Plan {
    let mut plan = Plan {
        load: Vec::new(),
        remove: Vec::new(),
        touched: Vec::new(),
        unchanged: 0,
    };
    let present: BTreeSet<&str> = files.iter().map(|f| f.rel.as_str()).collect();
    plan.remove = manifest
        .files
        .keys()
        .filter(|k| !present.contains(k.as_str()))
        .cloned()
        .collect();
    for file in files {
        match manifest.files.get(&file.rel) {
            Some(e) if e.size == file.size && u128::from(e.mtime) == file.mtime => {
                plan.unchanged += 1
            }
            Some(e) if e.size == file.size && whole_hours_apart(e.mtime, file.mtime) => {
                plan.unchanged += 1;
                plan.touched.push((file.rel.clone(), retimed(e, file)));
            }
            Some(e) => match std::fs::read(&file.abs) {
                Ok(bytes) if corpus::hash_bytes(&bytes) == e.hash => {
                    plan.unchanged += 1;
                    plan.touched.push((file.rel.clone(), retimed(e, file)));
                }
                _ => plan.load.push(file.clone()),
            },
            None => plan.load.push(file.clone()),
        }
    }
    plan
}

/// A FAT file system stores local time, so a stick read in another time zone (or after a
/// daylight-saving change) shows every file moved by whole hours. Such a shift, up to a day,
/// with the same size, is taken as no change without reading the file.
fn whole_hours_apart(indexed: u64, now: u128) -> bool {
    const HOUR: u128 = 3_600_000_000_000;
    let diff = u128::from(indexed).abs_diff(now);
    diff != 0 && diff.is_multiple_of(HOUR) && diff <= 24 * HOUR
}

fn retimed(entry: &FileEntry, file: &SourceFile) -> FileEntry {
    FileEntry {
        size: file.size,
        mtime: file.mtime as u64,
        ..entry.clone()
    }
}
