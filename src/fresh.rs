//! The quick freshness check: has the archive changed since it was indexed? Its cost follows
//! the archive's folders, not its files: adding, removing or renaming a file (which is how most
//! editors save) changes its folder's modification time, so one `stat` per folder sees it. An
//! edit in place (the folder's time unchanged) is seen when the file is among the
//! [`RECENT`] most recently modified story files, which are checked too; other edits in place
//! wait for `archive index`. When the check is unsure, the caller compares every file.

use std::collections::HashMap;
use std::path::Path;

use rustix::fd::OwnedFd;
use rustix::fs::{AtFlags, Mode};
use serde::{Deserialize, Serialize};

use crate::corpus::{stat_times, Scan, SourceFile, FOLDER};
use crate::error::Result;
use crate::manifest::{self, FOLDERS};

/// How many of the most recently modified story files each check looks at: each is a `stat`
/// in every search, and current work is a few files (512 took 0.35 ms more of every search on
/// the English corpora of benches/compare.sh, a tenth of its process).
pub const RECENT: usize = 128;

/// A time this close to the scan (or after it began) cannot tell an unseen change apart: file
/// systems keep times in coarse ticks (FAT in steps of 2 s), and a folder can change while it
/// is being read. Such a folder or file is always looked at.
const UNSETTLED_NS: u64 = 2_000_000_000;
/// How far a status change time may lag the clock a scan reads (a kernel tick is 1–10 ms).
const CTIME_LAG_NS: u64 = 50_000_000;

/// The archive as the last full scan saw it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Snapshot {
    /// When that scan began, ns since the epoch.
    pub scanned: u64,
    /// Every folder walked, relative to the archive (`""` for the archive itself), with its
    /// modification time in ns since the epoch.
    pub folders: Vec<(String, u64)>,
    /// The most recently modified story files: path, size, modification time.
    pub recent: Vec<(String, u64, u64)>,
    /// A digest of every story file's path, size and times (modification and status change),
    /// in walk order: while a walk gives the same, no file was added, removed, changed or made
    /// readable, and `archive index` need not read the file list (the comparison it would make
    /// by size and time says the same, and it would read again the files it found unreadable).
    pub files: [u8; 32],
    /// What the index held after that scan.
    pub held: Held,
}

/// What the index holds: the report of a run that finds nothing to do.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Held {
    /// Stories.
    pub stories: usize,
    /// Passages.
    pub passages: u64,
    /// Languages.
    pub languages: Vec<String>,
    /// Story files that could not be read or parsed, with the reason (each run says so).
    pub unreadable: Vec<(String, String)>,
    /// Of those, with the size and modification time (ns since the epoch) each had: while a
    /// file keeps both, and its status did not change since the scan, a search's full
    /// comparison does not read it again.
    pub unreadable_at: Vec<(String, u64, u64)>,
}

/// The digest of the story files' paths, sizes and times (see [`Snapshot::files`]).
pub fn digest(files: &[SourceFile]) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    // Hashed a buffer at a time: an `update` per field was a fifth of an unchanged
    // `archive index` of 71,000 files (the digest is the same either way).
    let mut buffer = Vec::with_capacity(DIGEST_BUFFER + 1024);
    for f in files {
        buffer.extend_from_slice(&(f.rel.len() as u64).to_le_bytes());
        buffer.extend_from_slice(f.rel.as_bytes());
        buffer.extend_from_slice(&f.size.to_le_bytes());
        buffer.extend_from_slice(&f.mtime.to_le_bytes());
        buffer.extend_from_slice(&f.ctime.to_le_bytes());
        if buffer.len() >= DIGEST_BUFFER {
            hasher.update(&buffer);
            buffer.clear();
        }
    }
    hasher.update(&buffer);
    hasher.finalize().into()
}

/// Bytes [`digest`] gathers before hashing them.
const DIGEST_BUFFER: usize = 64 * 1024;

impl Snapshot {
    /// The snapshot of a scan (what the index holds is filled in by the caller).
    pub fn of(scan: &Scan) -> Snapshot {
        // The newest files first, the scan's order among equal times: only the first
        // `RECENT` are kept, so only they are sorted.
        let mut newest: Vec<_> = (scan.files.iter().enumerate())
            .map(|(i, f)| (std::cmp::Reverse(f.mtime), i))
            .collect();
        if newest.len() > RECENT {
            newest.select_nth_unstable(RECENT);
            newest.truncate(RECENT);
        }
        newest.sort_unstable();
        Snapshot {
            scanned: scan.started as u64,
            folders: scan
                .folders
                .iter()
                .map(|(rel, t)| (rel.clone(), *t as u64))
                .collect(),
            recent: newest
                .into_iter()
                .map(|(_, i)| &scan.files[i])
                .map(|f| (f.rel.clone(), f.size, f.mtime as u64))
                .collect(),
            files: digest(&scan.files),
            held: Held::default(),
        }
    }

    /// The snapshot of the commit stamped `stamp` in the index folder `dir`, if readable.
    pub fn load(dir: &Path, stamp: u64) -> Option<Snapshot> {
        manifest::read(dir, &manifest::stamped(FOLDERS, stamp))
    }

    /// Stores the snapshot for the commit stamped `stamp` (before that commit, or after a full
    /// comparison found the archive unchanged).
    pub fn save(&self, dir: &Path, stamp: u64) -> Result<()> {
        manifest::write(dir, &manifest::stamped(FOLDERS, stamp), self)
    }

    /// True when a later scan, `now`, should replace this snapshot: its folders or files
    /// differ, or some time here was too close to this scan to be trusted.
    pub fn outdated_by(&self, now: &Snapshot) -> bool {
        let settled = |t: u64| t.saturating_add(UNSETTLED_NS) < self.scanned;
        (&self.folders, &self.recent, &self.files) != (&now.folders, &now.recent, &now.files)
            || !self.folders.iter().all(|(_, t)| settled(*t))
            || !self.recent.iter().all(|(_, _, t)| settled(*t))
    }

    /// True when a file's or folder's status change time `ctime` (ns since the epoch) is not
    /// well before the scan began: one found unreadable then may be readable now (chmod moves
    /// no other time). Nobody can set a ctime, but Linux stamps it from a clock that lags the
    /// one the scan read by up to a tick (5 ms measured here): a chmod just after the scan's
    /// read could look older than the scan, and the file would stay unseen. Within the margin
    /// the check is unsure and compares every file.
    pub fn changed_since(&self, ctime: u64) -> bool {
        ctime.saturating_add(CTIME_LAG_NS) >= self.scanned
    }

    /// True when nothing the snapshot covers changed: every folder and recent file has its
    /// recorded time (and size), each settled well before the scan, and no folder nor story
    /// file found unreadable (the first [`RECENT`] of them) had its status changed since the
    /// scan (chmod changes no other time). False means "unsure".
    pub fn unchanged(&self, archive: &Path) -> bool {
        let Some(mut files) = OpenFolders::new(archive) else {
            return false;
        };
        let settled = |t: u64| t.saturating_add(UNSETTLED_NS) < self.scanned;
        let recent = |(size, t, _)| (size, t);
        self.folders.iter().all(|(rel, t)| {
            settled(*t)
                && files
                    .folder_times(rel)
                    .is_some_and(|(m, c)| m == *t && !self.changed_since(c))
        }) && self
            .recent
            .iter()
            .all(|(rel, size, t)| settled(*t) && files.stat(rel).map(recent) == Some((*size, *t)))
            && self.held.unreadable.iter().take(RECENT).all(|(rel, _)| {
                files
                    .stat(rel)
                    .is_some_and(|(_, _, changed)| !self.changed_since(changed))
            })
    }
}

/// Folders' times and story files' sizes and times, each path looked up from the archive
/// folder, opened once (not walked again from `/` for every folder), and each file by its
/// name in its folder, opened once: a path is walked once per folder instead of once per file
/// (about 40% of the time of the recent files' `stat`s on the corpora of benches/compare.sh).
struct OpenFolders<'a> {
    archive: OwnedFd,
    open: HashMap<&'a str, Option<OwnedFd>>,
}

impl<'a> OpenFolders<'a> {
    fn new(archive: &Path) -> Option<OpenFolders<'a>> {
        Some(OpenFolders {
            archive: rustix::fs::open(archive, FOLDER, Mode::empty()).ok()?,
            open: HashMap::new(),
        })
    }

    /// The modification and status change times of the folder `rel` (relative to the
    /// archive, `""` for itself).
    fn folder_times(&self, rel: &str) -> Option<(u64, u64)> {
        let rel = if rel.is_empty() { "." } else { rel };
        let stat = rustix::fs::statat(&self.archive, rel, AtFlags::empty()).ok()?;
        let (_, mtime, ctime) = stat_times(&stat);
        Some((mtime, ctime))
    }

    /// The size, modification and status change times (ns since the epoch) of the file `rel`
    /// (a path relative to the archive), following links as `std::fs::metadata` does; `None`
    /// when it cannot be looked up.
    fn stat(&mut self, rel: &'a str) -> Option<(u64, u64, u64)> {
        let (folder, name) = rel.rsplit_once('/').unwrap_or(("", rel));
        let archive = &self.archive;
        let open = self.open.entry(folder).or_insert_with(|| match folder {
            "" => rustix::fs::openat(archive, ".", FOLDER, Mode::empty()).ok(),
            _ => rustix::fs::openat(archive, folder, FOLDER, Mode::empty()).ok(),
        });
        let stat = rustix::fs::statat(open.as_ref()?, name, AtFlags::empty()).ok()?;
        Some(stat_times(&stat))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(n: usize) -> Vec<SourceFile> {
        (0..n)
            .map(|i| SourceFile {
                rel: format!("copy-{}/story-{i}.txt", i % 7),
                abs: std::path::PathBuf::new(),
                size: i as u64 * 31,
                // Many files share a time, as files copied together do.
                mtime: 1_700_000_000_000_000_000 + (i as u128 % 50) * 1_000_000,
                ctime: 1_700_000_000_000_000_000 + (i as u64 % 70) * 1_000_000,
            })
            .collect()
    }

    #[test]
    fn a_status_change_stamped_just_before_the_scan_counts_as_after_it() {
        // The kernel's ctime clock lags: a chmod made after the scan read its clock can carry
        // a time a few milliseconds before it.
        let snapshot = Snapshot {
            scanned: 1_700_000_000_000_000_000,
            ..Snapshot::of(&Scan::default())
        };
        assert!(snapshot.changed_since(snapshot.scanned));
        assert!(snapshot.changed_since(snapshot.scanned - 5_000_000));
        assert!(!snapshot.changed_since(snapshot.scanned - 1_000_000_000));
    }

    #[test]
    fn the_digest_is_the_fields_hashed_in_order() {
        // Over several of the digest's buffers, it must be the fields hashed one by one.
        let files = files(5000);
        let mut hasher = blake3::Hasher::new();
        for f in &files {
            hasher.update(&(f.rel.len() as u64).to_le_bytes());
            hasher.update(f.rel.as_bytes());
            hasher.update(&f.size.to_le_bytes());
            hasher.update(&f.mtime.to_le_bytes());
            hasher.update(&f.ctime.to_le_bytes());
        }
        assert_eq!(digest(&files), <[u8; 32]>::from(hasher.finalize()));
    }

    #[test]
    fn recent_files_are_the_newest_in_the_scans_order_among_equal_times() {
        let scan = Scan {
            files: files(1000),
            ..Scan::default()
        };
        let mut sorted: Vec<_> = scan.files.iter().collect();
        sorted.sort_by_key(|f| std::cmp::Reverse(f.mtime));
        let expected: Vec<_> = sorted
            .into_iter()
            .take(RECENT)
            .map(|f| (f.rel.clone(), f.size, f.mtime as u64))
            .collect();
        assert_eq!(Snapshot::of(&scan).recent, expected);
    }
}
