//! The quick freshness check: has the archive changed since it was indexed? Its cost follows
//! the archive's folders, not its files: adding, removing or renaming a file (which is how most
//! editors save) changes its folder's modification time, so one `stat` per folder sees it. An
//! edit in place (the folder's time unchanged) is seen when the file is among the
//! [`RECENT`] most recently modified story files, which are checked too; other edits in place
//! wait for `archive index`. When the check is unsure, the caller compares every file.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::corpus::{self, Scan};
use crate::error::Result;
use crate::manifest::{self, FOLDERS};

/// How many of the most recently modified story files each check looks at.
pub const RECENT: usize = 512;

/// A time this close to the scan (or after it began) cannot tell an unseen change apart: file
/// systems keep times in coarse ticks (FAT in steps of 2 s), and a folder can change while it
/// is being read. Such a folder or file is always looked at.
const UNSETTLED_NS: u64 = 2_000_000_000;

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
}

impl Snapshot {
    /// The snapshot of a scan.
    pub fn of(scan: &Scan) -> Snapshot {
        let mut files: Vec<_> = scan.files.iter().collect();
        files.sort_by_key(|f| std::cmp::Reverse(f.mtime));
        Snapshot {
            scanned: scan.started as u64,
            folders: scan
                .folders
                .iter()
                .map(|(rel, t)| (rel.clone(), *t as u64))
                .collect(),
            recent: files
                .into_iter()
                .take(RECENT)
                .map(|f| (f.rel.clone(), f.size, f.mtime as u64))
                .collect(),
        }
    }

    /// The snapshot of the commit stamped `stamp` in the index folder `dir`, if readable.
    pub fn load(dir: &Path, stamp: u64) -> Option<Snapshot> {
        manifest::read(dir, FOLDERS, stamp)
    }

    /// Stores the snapshot for the commit stamped `stamp` (before that commit, or after a full
    /// comparison found the archive unchanged).
    pub fn save(&self, dir: &Path, stamp: u64) -> Result<()> {
        manifest::write(dir, FOLDERS, stamp, self)
    }

    /// True when nothing the snapshot covers changed: every folder and recent file has its
    /// recorded time (and size), each settled well before the scan. False means "unsure".
    pub fn unchanged(&self, archive: &Path) -> bool {
        let settled = |t: u64| t.saturating_add(UNSETTLED_NS) < self.scanned;
        let stat = |rel: &str| {
            let meta = std::fs::metadata(archive.join(rel)).ok()?;
            Some((meta.len(), corpus::nanos(meta.modified().ok()) as u64))
        };
        self.folders
            .iter()
            .all(|(rel, t)| settled(*t) && stat(rel).is_some_and(|(_, now)| now == *t))
            && self
                .recent
                .iter()
                .all(|(rel, size, t)| settled(*t) && stat(rel) == Some((*size, *t)))
    }
}
