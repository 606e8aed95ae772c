//! `archive bundle DEST`: a self-contained folder for a USB stick: the (static) program, the
//! stories, an index compacted into one segment, and a plain-text guide.
//!
//! Layout: `DEST/archive` (the program), `DEST/data/archive/` (stories), `DEST/data/index/`,
//! `DEST/README.txt`. An existing bundle is updated: a story file that was changed on the
//! stick since the last bundle is kept, never overwritten, and files found only on the stick
//! stay. The marker is written first, so a bundle killed halfway is resumed by running it
//! again; a run that fails removes what it created. Every file lands through a flushed
//! temporary file and a rename. Links that lead out of the archive folder are never followed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use walkdir::WalkDir;

use crate::analysis::Analyzers;
use crate::corpus::{self, hash_bytes};
use crate::error::{Error, Result};
use crate::indexer::{self, Progress, Report};
use crate::store;
use crate::update;

/// The file that marks a folder as a bundle and remembers what it was given.
pub const MARKER: &str = ".archive-bundle.json";
/// FAT32 cannot hold a file this large.
pub const MAX_FILE: u64 = 4 * 1024 * 1024 * 1024 - 1;

const GUIDE: &str = include_str!("bundle_guide.txt");
/// For reporters who never open a terminal: a script that serves the page and opens the
/// browser, and a desktop entry that runs it.
const LAUNCHERS: [(&str, &str); 2] = [
    ("start-archive.sh", include_str!("bundle_launcher.sh")),
    ("Archive.desktop", include_str!("bundle_launcher.desktop")),
];

#[derive(Debug, Default, Serialize, Deserialize)]
struct Marker {
    /// Hash of each story file as last written into the bundle.
    files: BTreeMap<String, String>,
}

/// What bundling did.
#[derive(Debug, Default)]
pub struct BundleReport {
    /// Story files written (new or updated).
    pub copied: usize,
    /// Story files already up to date.
    pub unchanged: usize,
    /// Files left as they were on the stick, with the reason.
    pub kept: Vec<(String, String)>,
    /// Files of the archive not bundled, with the reason.
    pub skipped: Vec<(String, String)>,
    /// The bundle's indexing.
    pub index: Report,
}

/// The stories' folder inside a bundle.
pub fn data_dir(dest: &Path) -> PathBuf {
    dest.join("data")
}

/// Writes or updates the bundle at `dest` from the program at `exe` and the stories at
/// `archive`. A `dest` inside the archive or the user's `index` folder is refused before
/// anything is written: the bundle would copy itself into the stories on every run.
pub fn bundle(
    exe: &Path,
    archive: &Path,
    index: &Path,
    dest: &Path,
    progress: &dyn Progress,
) -> Result<BundleReport> {
    if !archive.is_dir() {
        return Err(Error::NoArchive(archive.to_path_buf()));
    }
    for (what, dir) in [("archive", archive), ("index", index)] {
        if corpus::resolved(dest).starts_with(corpus::resolved(dir)) {
            return Err(Error::Invalid(format!(
                "cannot bundle into {}: it is inside the {what} folder {}; choose a folder outside it",
                dest.display(),
                dir.display()
            )));
        }
    }
    let mut made = Made::default();
    let result = fill(exe, archive, dest, progress, &mut made);
    let Err(e) = result else {
        return result;
    };
    made.undo();
    if !matches!(e, Error::DiskFull { .. }) && !e.is_disk_full() {
        return Err(e);
    }
    // Everything was removed: the room a retry needs is the whole bundle's, not what the
    // index's own message would count.
    let stories: u64 = WalkDir::new(archive)
        .follow_links(true)
        .into_iter()
        .flatten()
        .filter_map(|entry| entry.metadata().ok().filter(|m| m.is_file()))
        .map(|m| m.len())
        .sum();
    let index = match e {
        Error::DiskFull { needed, .. } => needed,
        _ => stories * indexer::INDEX_BYTES_PER_TEXT_BYTE,
    };
    let program = std::fs::metadata(exe).map_or(0, |m| m.len());
    Err(Error::BundleDiskFull {
        path: dest.to_path_buf(),
        needed: stories + program + index,
    })
}

/// [`bundle`] past its checks, recording in `made` what it creates.
fn fill(
    exe: &Path,
    archive: &Path,
    dest: &Path,
    progress: &dyn Progress,
    made: &mut Made,
) -> Result<BundleReport> {
    let marker_path = dest.join(MARKER);
    let mut marker: Marker = if marker_path.is_file() {
        let text = std::fs::read_to_string(&marker_path).map_err(|e| Error::io(&marker_path, e))?;
        serde_json::from_str(&text).unwrap_or_default()
    } else if dest.read_dir().is_ok_and(|mut d| d.next().is_some()) {
        return Err(Error::Invalid(format!(
            "{} is not empty and is not an archive bundle; choose a new or empty folder",
            dest.display()
        )));
    } else {
        made.mkdir(dest)?;
        // Marked before anything else is written: a run killed halfway can be resumed.
        made.write(&marker_path, b"{}")?;
        Marker::default()
    };
    remove_temporaries(dest)?;
    let stories = data_dir(dest).join("archive");
    made.mkdir(&stories)?;
    if same_dir(archive, &stories) {
        return Err(Error::Invalid(
            "the bundle cannot be made from its own stories".into(),
        ));
    }
    let mut report = BundleReport::default();
    let mut seen = BTreeMap::new();
    let real_archive = archive.canonicalize().map_err(|e| Error::io(archive, e))?;
    let outside = std::cell::RefCell::new(Vec::new());
    for entry in corpus::walk(archive)
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| {
            let shown = e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.');
            if shown && corpus::leads_outside(&real_archive, e.path()) {
                let rel = e.path().strip_prefix(archive).unwrap_or(e.path());
                outside.borrow_mut().push((
                    rel.to_string_lossy().into_owned(),
                    corpus::OUTSIDE.to_string(),
                ));
                return false;
            }
            shown
        })
    {
        if progress.cancelled() {
            return Err(Error::Interrupted);
        }
        // What cannot be read is said and left out, as `archive index` does.
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let rel = e.path().map(|p| p.strip_prefix(archive).unwrap_or(p));
                let name = rel.map_or("a folder it could not open".into(), |r| {
                    r.to_string_lossy().into_owned()
                });
                let why = e
                    .io_error()
                    .map_or_else(|| e.to_string(), |io| io.to_string());
                report.skipped.push((name, why));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(archive).unwrap_or(entry.path());
        let key = rel.to_string_lossy().replace('\\', "/");
        let bytes = match std::fs::read(entry.path()) {
            Ok(bytes) => bytes,
            Err(e) => {
                report.skipped.push((key, e.to_string()));
                continue;
            }
        };
        let hash = hash_bytes(&bytes);
        seen.insert(key.clone(), ());
        let target = stories.join(rel);
        match std::fs::read(&target) {
            Ok(existing) if hash_bytes(&existing) == hash => {
                report.unchanged += 1;
                marker.files.insert(key, hash);
                continue;
            }
            Ok(existing) if marker.files.get(&key) != Some(&hash_bytes(&existing)) => {
                report.kept.push((
                    key,
                    "changed on the stick since the last bundle; not overwritten".into(),
                ));
                continue;
            }
            _ => {}
        }
        if let Some(parent) = target.parent() {
            made.mkdir(parent)?;
        }
        made.write(&target, &bytes)?;
        marker.files.insert(key, hash);
        report.copied += 1;
    }
    report.skipped.extend(outside.into_inner());
    for entry in WalkDir::new(&stories).into_iter().flatten() {
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(&stories).unwrap_or(entry.path());
            let key = rel.to_string_lossy().replace('\\', "/");
            if !seen.contains_key(&key) {
                report.kept.push((key, "only on the stick".into()));
            }
        }
    }
    let program = std::fs::read(exe).map_err(|e| Error::io(exe, e))?;
    made.write(&dest.join("archive"), &program)?;
    set_mode(&dest.join("archive"), 0o755)?;
    made.write(&dest.join("README.txt"), GUIDE.as_bytes())?;
    for (name, text) in LAUNCHERS {
        made.write(&dest.join(name), text.as_bytes())?;
        set_mode(&dest.join(name), 0o755)?;
    }

    let index = data_dir(dest).join("index");
    let analyzers = Analyzers::new(store::user_words(&stories)?);
    report.index = update::update(&stories, &index, &analyzers, progress)?.report;
    indexer::compact(&index, &analyzers)?;
    store::make_readable(&index)?;
    check_sizes(dest)?;
    let json = serde_json::to_string_pretty(&marker).expect("marker serializes");
    made.write(&marker_path, json.as_bytes())?;
    Ok(report)
}

fn same_dir(a: &Path, b: &Path) -> bool {
    matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}

/// What a run created (files, and the first folder of each path it made), so that a run that
/// fails (full disk, Ctrl-C, any error) removes it all and nothing else: files it replaced in
/// an existing bundle stay, as does what the indexer rolls back itself.
#[derive(Default)]
struct Made(Vec<PathBuf>);

impl Made {
    fn mkdir(&mut self, dir: &Path) -> Result<()> {
        let first_new = dir
            .ancestors()
            .take_while(|p| p.symlink_metadata().is_err())
            .last()
            .map(Path::to_path_buf);
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        self.0.extend(first_new);
        Ok(())
    }

    /// Writes through a hidden temporary file, flushed to the medium, and a rename, so a
    /// pulled stick never holds half a file under the real name (and a running program can
    /// be replaced). The temporary file is removed when writing fails.
    fn write(&mut self, path: &Path, bytes: &[u8]) -> Result<()> {
        use std::io::Write;
        let new = path.symlink_metadata().is_err();
        let tmp = path.with_file_name(TEMPORARY);
        let written = std::fs::File::create(&tmp)
            .and_then(|mut file| file.write_all(bytes).and_then(|()| file.sync_all()))
            .and_then(|()| std::fs::rename(&tmp, path))
            .map_err(|e| Error::io(path, e));
        match written {
            Ok(()) if new => self.0.push(path.to_path_buf()),
            Ok(()) => {}
            Err(_) => {
                let _ = std::fs::remove_file(&tmp);
            }
        }
        written
    }

    /// Removes what the run created, newest first; the run's error is what gets reported.
    fn undo(self) {
        for path in self.0.iter().rev() {
            let _ = if path.symlink_metadata().is_ok_and(|m| m.is_dir()) {
                std::fs::remove_dir_all(path)
            } else {
                std::fs::remove_file(path)
            };
        }
    }
}

/// The temporary file a copy goes through, one at a time: a fixed short name, since a name
/// derived from the file's could exceed the 255-byte limit. Earlier versions added this as a
/// suffix, which is what [`remove_temporaries`] looks for.
const TEMPORARY: &str = ".archive-tmp";

/// Removes the temporary files an interrupted run left.
fn remove_temporaries(dest: &Path) -> Result<()> {
    for entry in WalkDir::new(dest).into_iter().flatten() {
        if entry.file_type().is_file() && entry.file_name().to_string_lossy().ends_with(TEMPORARY) {
            std::fs::remove_file(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
        }
    }
    Ok(())
}

fn set_mode(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(|e| Error::io(path, e))
}

fn check_sizes(dest: &Path) -> Result<()> {
    for entry in WalkDir::new(dest).into_iter().flatten() {
        if entry.metadata().is_ok_and(|m| m.len() > MAX_FILE) {
            return Err(Error::Invalid(format!(
                "{} is over 4 GiB, which FAT32 and some exFAT sticks cannot hold",
                entry.path().display()
            )));
        }
    }
    Ok(())
}
