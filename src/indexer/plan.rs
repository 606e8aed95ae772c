//! Which files an indexing run must read, remove or only re-time, from the archive's files and
//! the last commit's manifest.

use std::collections::BTreeSet;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::corpus::{self, SourceFile};
use crate::manifest::{FileEntry, Manifest};
use crate::schema;

/// The files that differ between the archive and the index's manifest.
pub(super) struct Plan {
    /// Files to (re)index: read and parsed, or skipped.
    pub(super) load: Vec<SourceFile>,
    /// Paths whose documents must go.
    pub(super) remove: Vec<String>,
    /// Files whose content is unchanged but whose size or time changed: their manifest entry.
    pub(super) touched: Vec<(String, FileEntry)>,
    pub(super) unchanged: usize,
    /// Unchanged files in `load` (and counted in `unchanged`): a file's documents are removed
    /// by their [`schema::unit`], which another file of the same story and language (or,
    /// rarely, of another whose unit is the same) shares, so its documents go too and are
    /// added again.
    pub(super) reread: BTreeSet<String>,
}

/// What differs between the archive's `files` and `manifest`; the files the manifest lists
/// at or under a path of `unseen` ([`corpus::Scan::unseen`]) are kept as they are.
pub(super) fn plan(files: &[SourceFile], manifest: &Manifest, unseen: &[String]) -> Plan {
    let mut plan = Plan {
        load: Vec::new(),
        remove: Vec::new(),
        touched: Vec::new(),
        unchanged: 0,
        reread: BTreeSet::new(),
    };
    // Hash tables of the paths both ways: the manifest's B-tree, looked up once per file in
    // each pass, compared whole paths about seventeen times a lookup.
    let present: FxHashSet<&str> = files.iter().map(|f| f.rel.as_str()).collect();
    let indexed: FxHashMap<&str, &FileEntry> = (manifest.files.iter())
        .map(|(rel, e)| (rel.as_str(), e))
        .collect();
    plan.remove = manifest
        .files
        .keys()
        .filter(|k| !present.contains(k.as_str()) && !within_any(k, unseen))
        .cloned()
        .collect();
    for file in files {
        match indexed.get(file.rel.as_str()) {
            Some(e) if e.size == file.size && u128::from(e.mtime) == file.mtime => {
                plan.unchanged += 1
            }
            Some(e) if e.size == file.size && whole_hours_apart(e.mtime, file.mtime) => {
                plan.unchanged += 1;
                plan.touched.push((file.rel.clone(), retimed(e, file)));
            }
            Some(e) => match corpus::read_regular(&file.abs, corpus::MAX_FILE_BYTES) {
                Ok(bytes) if corpus::hash_bytes(&bytes) == e.hash => {
                    plan.unchanged += 1;
                    plan.touched.push((file.rel.clone(), retimed(e, file)));
                }
                _ => plan.load.push(file.clone()),
            },
            None => plan.load.push(file.clone()),
        }
    }
    reread_sharing_units(&mut plan, files, &indexed);
    plan
}

/// True when `rel` is one of `paths` or under one of them (`""` is the archive folder).
fn within_any(rel: &str, paths: &[String]) -> bool {
    paths.iter().any(|p| {
        p.is_empty()
            || rel
                .strip_prefix(p.as_str())
                .is_some_and(|r| r.is_empty() || r.starts_with('/'))
    })
}

/// Adds to `plan.load` the unchanged files that share a unit with a removed or changed one.
fn reread_sharing_units(
    plan: &mut Plan,
    files: &[SourceFile],
    indexed: &FxHashMap<&str, &FileEntry>,
) {
    let unit = |e: &FileEntry| schema::unit(&e.story, &e.lang);
    let going = plan.load.iter().map(|f| &f.rel).chain(&plan.remove);
    let units: FxHashSet<u64> = going
        .filter_map(|rel| indexed.get(rel.as_str()))
        .map(|e| unit(e))
        .collect();
    if units.is_empty() {
        return;
    }
    let loaded: BTreeSet<String> = plan.load.iter().map(|f| f.rel.clone()).collect();
    for file in files.iter().filter(|f| !loaded.contains(&f.rel)) {
        if indexed
            .get(file.rel.as_str())
            .is_some_and(|e| units.contains(&unit(e)))
        {
            plan.load.push(file.clone());
            plan.reread.insert(file.rel.clone());
        }
    }
    plan.touched.retain(|(rel, _)| !plan.reread.contains(rel));
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

#[cfg(test)]
mod tests {
    use super::within_any;

    #[test]
    fn a_path_is_within_itself_and_its_folders_only() {
        let unseen = ["closed".to_string()];
        assert!(within_any("closed", &unseen));
        assert!(within_any("closed/deeper/en.md", &unseen));
        assert!(!within_any("closed2/en.md", &unseen));
        assert!(!within_any("open/closed/en.md", &unseen));
        assert!(within_any("any/file.md", &[String::new()]));
        assert!(!within_any("any/file.md", &[]));
    }
}
