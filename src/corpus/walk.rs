//! Walking an archive folder: its story files with their sizes and times, in a stable order,
//! and its folders' times for the freshness check.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use rustix::fd::OwnedFd;
use rustix::fs::{AtFlags, Mode, OFlags};
use walkdir::WalkDir;

use super::{Scan, SourceFile, MAX_FILE_BYTES, VARIANTS_FILE, WORDS_FILE};
use crate::error::{Error, Result};
use crate::formats::Format;

/// Lists the story files under `root` (following symbolic links that stay inside it, skipping
/// loops, links that lead out, hidden entries and the archive's own word lists).
pub fn scan(root: &Path) -> Result<Scan> {
    if !root.is_dir() {
        return Err(Error::NoArchive(root.to_path_buf()));
    }
    let mut scan = Scan {
        started: nanos(Some(std::time::SystemTime::now())),
        ..Scan::default()
    };
    let real_root = root.canonicalize().map_err(|e| Error::io(root, e))?;
    let outside = std::cell::RefCell::new(Vec::new());
    let walker = walk(root).follow_links(true).into_iter().filter_entry(|e| {
        let shown = e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.');
        // Only a link can lead out (the walk knows which entries are links: no `lstat`).
        if shown && e.path_is_symlink() && leads_outside(&real_root, e.path()) {
            outside
                .borrow_mut()
                .push((rel_path(root, e.path()), OUTSIDE.to_string()));
            return false;
        }
        shown
    });
    // Story files found, with their entries, waiting for their metadata.
    let mut files = Vec::new();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                // Without a path (a linked folder that cannot be opened: the walk's loop check
                // does not keep it), the stories under it are not held: which they are is
                // unknown, and holding its parent would keep every removal beside it.
                let path = e.path().map(|p| rel_path(root, p));
                let why = if e.loop_ancestor().is_some() {
                    "symbolic link loop".to_string()
                } else {
                    e.io_error()
                        .map(|io| io.to_string())
                        .unwrap_or_else(|| e.to_string())
                };
                if let Some(path) = path.as_ref().filter(|_| e.io_error().is_some_and(unseen)) {
                    scan.unseen.push(path.clone());
                }
                let shown = match path {
                    Some(p) if p.is_empty() => "the archive folder".to_string(),
                    Some(p) => p,
                    None => "a folder it could not open".to_string(),
                };
                scan.skipped.push((shown, why));
                continue;
            }
        };
        if entry.file_type().is_dir() {
            if let Ok(meta) = entry.metadata() {
                let rel = rel_path(root, entry.path());
                scan.folders.push((rel, nanos(meta.modified().ok())));
            }
            continue;
        }
        if !entry.file_type().is_file() {
            // A named pipe, socket or device named like a story: never read (a pipe would
            // wait for a writer), said.
            let rel = rel_path(root, entry.path());
            if Format::of(&rel).is_ok() {
                scan.skipped.push((rel, "not a regular file".into()));
            }
            continue;
        }
        let (rel, valid) = rel_name(root, entry.path());
        if rel == WORDS_FILE || rel == VARIANTS_FILE {
            continue;
        }
        // Shown with a replacement character, two such names would be one file.
        if !valid {
            scan.skipped.push((
                rel,
                "the file name is not valid UTF-8; rename the file".into(),
            ));
            continue;
        }
        if let Err(why) = Format::of(&rel) {
            scan.skipped.push((rel, why));
            continue;
        }
        files.push((rel, entry));
    }
    let metadata = metadata_of(&files);
    for ((rel, entry), meta) in files.into_iter().zip(metadata) {
        let (size, mtime, ctime) = match meta {
            Ok(m) => m,
            Err(e) => {
                if unseen(&e) {
                    scan.unseen.push(rel.clone());
                }
                scan.skipped.push((rel, e.to_string()));
                continue;
            }
        };
        if size > MAX_FILE_BYTES {
            scan.skipped.push((
                rel,
                format!("larger than {} MiB", MAX_FILE_BYTES / 1024 / 1024),
            ));
            continue;
        }
        scan.files.push(SourceFile {
            rel,
            abs: entry.into_path(),
            size,
            mtime: u128::from(mtime),
            ctime,
        });
    }
    scan.skipped.extend(outside.into_inner());
    Ok(scan)
}

/// True for an error that hides what a path holds (permissions, a failing medium, no file
/// descriptor left) rather than saying it leads nowhere (gone, a symbolic link to itself, a
/// file where a folder was).
fn unseen(e: &std::io::Error) -> bool {
    let nowhere = [libc::ELOOP, libc::ENOTDIR, libc::ENAMETOOLONG];
    e.kind() != std::io::ErrorKind::NotFound
        && !e.raw_os_error().is_some_and(|n| nowhere.contains(&n))
}

/// The size and times of each entry ([`stat_times`]), in order. On a large archive the `stat`
/// calls are most of a walk's time, all of it in the kernel, which serves several threads at
/// once.
fn metadata_of(files: &[(String, walkdir::DirEntry)]) -> Vec<std::io::Result<(u64, u64, u64)>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let chunk = files.len().div_ceil(threads).max(STAT_CHUNK);
    let stat_part = |part: &[(String, walkdir::DirEntry)]| {
        let mut folder = None;
        (part.iter())
            .map(|(_, e)| stat_in_folder(&mut folder, e.path()))
            .collect::<Vec<_>>()
    };
    std::thread::scope(|scope| {
        let parts: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                // Without a thread to spare (a process limit reached), this one does the part.
                std::thread::Builder::new()
                    .spawn_scoped(scope, move || stat_part(part))
                    .map_err(|_| part)
            })
            .collect();
        parts
            .into_iter()
            .flat_map(|part| match part {
                Ok(running) => running
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e)),
                Err(part) => stat_part(part),
            })
            .collect()
    })
}

/// The size and times of the file at `path` (following links, as `std::fs::metadata` does),
/// looked up by its name in its folder, which `folder` keeps open while the files are its: a
/// whole path looked up for every file was a tenth of the CPU time of an update of 71,000
/// files, all in the kernel.
fn stat_in_folder<'a>(
    folder: &mut Option<(&'a [u8], OwnedFd)>,
    path: &'a Path,
) -> std::io::Result<(u64, u64, u64)> {
    // Cut at the last `/` as bytes: the walk joins plain names to the root (`Path::parent`
    // parses components, as many instructions as the `stat` itself).
    let bytes = path.as_os_str().as_encoded_bytes();
    let cut = memchr::memrchr(b'/', bytes).filter(|&cut| cut > 0);
    let Some((parent, name)) = cut.map(|cut| (&bytes[..cut], &bytes[cut + 1..])) else {
        return Ok(stat_times(&rustix::fs::stat(path)?));
    };
    let fd = match folder.take() {
        Some((open, fd)) if open == parent => fd,
        _ => rustix::fs::open(parent, FOLDER, Mode::empty())?,
    };
    let stat = rustix::fs::statat(&fd, name, AtFlags::empty());
    *folder = Some((parent, fd));
    Ok(stat_times(&stat?))
}

/// How a folder is opened only to look names up in it.
pub(crate) const FOLDER: OFlags = OFlags::PATH.union(OFlags::DIRECTORY).union(OFlags::CLOEXEC);

/// A file's size, modification time and status change time (ns since the epoch; a time
/// before the epoch counts as 0) from its `stat`.
pub fn stat_times(stat: &rustix::fs::Stat) -> (u64, u64, u64) {
    let mtime = u64::try_from(stat.st_mtime).map_or(0, |secs| {
        secs.saturating_mul(1_000_000_000)
            .saturating_add(stat.st_mtime_nsec)
    });
    let ctime = status_changed(stat.st_ctime, stat.st_ctime_nsec);
    (stat.st_size as u64, mtime, ctime)
}

/// Fewest files a thread of [`metadata_of`] is started for.
const STAT_CHUNK: usize = 2048;

/// A time in ns since the epoch (0 when unknown).
pub fn nanos(time: Option<std::time::SystemTime>) -> u128 {
    time.and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}

/// A status change time (seconds and nanoseconds, as `stat` gives it) in ns since the epoch;
/// a time before the epoch counts as 0.
pub fn status_changed(secs: i64, nsecs: u64) -> u64 {
    u64::try_from(secs).map_or(0, |secs| {
        secs.saturating_mul(1_000_000_000).saturating_add(nsecs)
    })
}

/// Why a link out of the archive is skipped.
pub const OUTSIDE: &str = "a symbolic link leading outside the archive folder; not followed";

/// True when `path` is a symbolic link that resolves outside `real_root` (a canonical path):
/// such links are never followed, so `ln -s /etc/passwd` or a link to `/proc` reads nothing.
pub fn leads_outside(real_root: &Path, path: &Path) -> bool {
    path.is_symlink()
        && path
            .canonicalize()
            .is_ok_and(|real| !real.starts_with(real_root))
}

/// `path` with links and `..` resolved, though its last parts may not exist yet: the
/// nearest existing ancestor is canonicalized and the rest is applied to it.
pub fn resolved(path: &Path) -> PathBuf {
    use std::path::Component;
    let Some((base, real)) = path
        .ancestors()
        .find_map(|a| Some((a, a.canonicalize().ok()?)))
    else {
        return path.to_path_buf();
    };
    let mut out = real;
    for part in path
        .strip_prefix(base)
        .unwrap_or(Path::new(""))
        .components()
    {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(name) => out.push(name),
            _ => {}
        }
    }
    out
}

/// A walk of `root` that lists each folder's entries in the byte order of their names.
pub fn walk(root: &Path) -> WalkDir {
    // The entries sorted are one folder's, so their paths differ only in their names: comparing
    // whole paths as bytes orders them by name, where `sort_by_file_name` parsed both paths'
    // components at every comparison (half of an unchanged `archive index` of 71,000 files).
    WalkDir::new(root).sort_by(|a, b| {
        a.path()
            .as_os_str()
            .as_encoded_bytes()
            .cmp(b.path().as_os_str().as_encoded_bytes())
    })
}

fn rel_path(root: &Path, path: &Path) -> String {
    rel_name(root, path).0
}

/// `path` relative to `root` as `a/b/c`, and whether it was valid UTF-8 (else it holds
/// replacement characters).
fn rel_name(root: &Path, path: &Path) -> (String, bool) {
    // The walk joins plain names to the root, so on Unix the rest is already `a/b/c`, after
    // the root's bytes (compared as bytes: `strip_prefix` parses both paths' components).
    if cfg!(unix) {
        let rest = path
            .as_os_str()
            .as_encoded_bytes()
            .strip_prefix(root.as_os_str().as_encoded_bytes())
            .map(|rest| rest.strip_prefix(b"/").unwrap_or(rest));
        if let Some(rest) = rest {
            return match std::str::from_utf8(rest) {
                Ok(name) => (name.to_string(), true),
                Err(_) => (String::from_utf8_lossy(rest).into_owned(), false),
            };
        }
    }
    let rel = path.strip_prefix(root).unwrap_or(path);
    let name = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    (name, rel.to_str().is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_walk_lists_files_as_a_walk_sorted_by_names_does() {
        // `a-b` sorts before `a/` as whole paths but after `a` as names; enough files that
        // their metadata is read by more than one thread.
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for folder in ["a", "a-b", "a.b", "b/c", "b/c d", "日本"] {
            std::fs::create_dir_all(root.join(folder)).unwrap();
            for i in 0..1100 {
                std::fs::write(root.join(folder).join(format!("{i}.txt")), "x".repeat(i)).unwrap();
            }
        }
        std::fs::write(root.join("a.txt"), "top").unwrap();
        let expected: Vec<(String, u64)> = WalkDir::new(root)
            .sort_by_file_name()
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(root).unwrap().to_str().unwrap();
                (rel.to_string(), e.metadata().unwrap().len())
            })
            .collect();
        let scan = scan(root).unwrap();
        let found: Vec<(String, u64)> =
            scan.files.iter().map(|f| (f.rel.clone(), f.size)).collect();
        assert_eq!(found.len(), 6 * 1100 + 1);
        assert_eq!(found, expected);
        assert!(scan.files.iter().all(|f| f.abs == root.join(&f.rel)));
    }
}
