//! Opening the index for writing: tantivy's writer lock, the clean-up of what a killed run
//! left, starting afresh when what is on disk cannot be read, and undoing a failed run.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use tantivy::directory::error::LockError;
use tantivy::directory::{Directory, Lock, INDEX_WRITER_LOCK};
use tantivy::index::SegmentId;
use tantivy::indexer::NoMergePolicy;
use tantivy::{Index, IndexReader, ReloadPolicy, SegmentMeta, TantivyError};

use super::paged::PagedDirectory;
use super::queue::Writer;
use super::settings;
use crate::analysis::Analyzers;
use crate::error::{bounded, Error, Result};
use crate::manifest::{self, Payload, CHECKED};
use crate::schema::Fields;

/// An index opened for writing, holding tantivy's writer lock.
pub struct Writing {
    /// The index.
    pub index: Index,
    /// Its writer (the lock holder).
    pub writer: Writer,
    /// Why the index was started afresh, when what was there could not be read.
    pub damaged: Option<String>,
}

/// Opens (creating if needed) the index at `dir` for writing, with a writer of `threads`
/// threads and `memory` bytes. Files that the last commit does not reference (left by a run
/// that was killed) are removed first. An index that cannot be read is started afresh under
/// the lock (the archive is the source of truth), and `damaged` says why.
pub fn open_write(
    dir: &Path,
    analyzers: &Analyzers,
    threads: usize,
    memory: usize,
) -> Result<Writing> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let paged = PagedDirectory::open(dir)?;
    let (schema, _) = Fields::schema();
    let writer_of = |index: &Index| {
        let writer = index
            .writer_with_num_threads(threads, memory)
            .map_err(|e| match e {
                TantivyError::LockFailure(e, _) => lock_error(dir, e),
                // Threads it could not start (a limit on processes): not damage.
                TantivyError::SystemError(why) => Error::NoThreads(why),
                TantivyError::IoError(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    Error::NoThreads(e.to_string())
                }
                e => e.into(),
            })?;
        // Merges run after the commit, one at a time (`indexer::merge_stepwise`), never beside
        // the writer: their memory and the writer's would add up.
        writer.set_merge_policy(Box::new(NoMergePolicy));
        Ok::<Writer, Error>(writer)
    };
    let mut damaged = None;
    if Index::exists(&paged).unwrap_or(false) {
        match Index::open(paged.clone()) {
            Ok(index)
                if index.schema() == schema
                    && index.settings().docstore_compression == settings().docstore_compression =>
            {
                match writer_of(&index) {
                    Ok(mut writer) => {
                        remove_leftovers(&index, dir, &mut writer)?;
                        let damaged = damage(&index, dir, &paged)?.or_else(|| {
                            // Damage a search met, which may pass every checksum.
                            manifest::read::<String>(dir, manifest::DAMAGED).map(|d| {
                                if d.is_empty() {
                                    "a search found it so".into()
                                } else {
                                    d
                                }
                            })
                        });
                        if damaged.is_some() {
                            // Dropping every segment unreferences the damaged files; the
                            // commit's garbage collection removes them.
                            writer.delete_all_documents()?;
                        }
                        analyzers.register(&index);
                        return Ok(Writing {
                            index,
                            writer,
                            damaged,
                        });
                    }
                    Err(e @ (Error::Busy(_) | Error::NoThreads(_) | Error::LockFile(_))) => {
                        return Err(e)
                    }
                    Err(e) => damaged = Some(bounded(&e.to_string(), 160)),
                }
            }
            // An index of an older schema or format is rebuilt from scratch.
            Ok(_) | Err(TantivyError::IncompatibleIndex(_)) => {}
            Err(e) => damaged = Some(bounded(&e.to_string(), 160)),
        }
        let lock = paged
            .acquire_lock(&Lock {
                filepath: INDEX_WRITER_LOCK.filepath.clone(),
                is_blocking: false,
            })
            .map_err(|e| lock_error(dir, e))?;
        remove_index_files(dir)?;
        drop(lock);
    }
    let index = Index::create(paged, schema, settings())?;
    let writer = writer_of(&index)?;
    analyzers.register(&index);
    Ok(Writing {
        index,
        writer,
        damaged,
    })
}

/// Why the writer lock of the index at `dir` could not be taken: another run holds it, or its
/// file cannot be opened (left by another user), which is no damage.
fn lock_error(dir: &Path, e: LockError) -> Error {
    match e {
        LockError::LockBusy => Error::Busy(dir.to_path_buf()),
        // Named by the directory ([`PagedDirectory`]).
        LockError::IoError(io) => Error::LockFile(io.to_string()),
    }
}

/// What is wrong with an index whose last commit opens: a file that is missing, fails its
/// checksum, or cannot be opened. Reading every file for its checksum costs a pass over the
/// whole index, so it is skipped while every file has the size and time it had when its
/// checksum last held (or when this program wrote it): damage written through the file system
/// (a cut-off copy, a stray write, a deleted file) changes those.
fn damage(index: &Index, dir: &Path, paged: &PagedDirectory) -> Result<Option<String>> {
    let segments = match index.searchable_segment_metas() {
        Ok(s) => s,
        Err(e) => return Ok(Some(bounded(&e.to_string(), 160))),
    };
    let files = segment_files(&segments);
    for file in &files {
        if !index.directory().exists(file).unwrap_or(false) {
            return Ok(Some(format!("{} is missing", file.display())));
        }
    }
    let seen = stats(dir, &files);
    if seen.is_none() || manifest::read::<Vec<FileStat>>(dir, CHECKED) != seen {
        // Every page of the index is read once: they are handed back as it goes.
        match paged.releasing(|| index.validate_checksum()) {
            Err(e) => return Ok(Some(bounded(&e.to_string(), 160))),
            Ok(bad) => {
                if let Some(file) = bad.iter().next() {
                    return Ok(Some(format!("{} fails its checksum", file.display())));
                }
            }
        }
        // Best effort: without the record, the next run reads every file again.
        if let Some(seen) = seen {
            let _ = manifest::write(dir, CHECKED, &seen);
        }
    }
    // Opening reads every segment's metadata, where damage that kept a file's size and time
    // (its checksum not read) panicked deep in tantivy.
    let opened = super::caught(|| {
        index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map(|_: IndexReader| ())
    });
    match opened {
        Ok(Ok(())) => Ok(None),
        // Opening takes the meta lock: one that cannot be opened is no damage.
        Ok(Err(e @ TantivyError::LockFailure(..))) => Err(e.into()),
        Ok(Err(e)) => Ok(Some(bounded(&e.to_string(), 160))),
        Err(what) => Ok(Some(bounded(&format!("inconsistent data: {what}"), 160))),
    }
}

/// The first file of the `segments` of `index` that fails its checksum or cannot be read, in a
/// few words: merged, the damage would go on in a new file with a checksum of its own.
pub fn failing_checksum(index: &Index, segments: &[SegmentId]) -> Result<Option<String>> {
    let metas = index.searchable_segment_metas()?;
    let chosen: Vec<SegmentMeta> = (metas.into_iter())
        .filter(|m| segments.contains(&m.id()))
        .collect();
    for file in segment_files(&chosen) {
        match index.directory().validate_checksum(&file) {
            Ok(true) => {}
            Ok(false) => return Ok(Some(format!("{} fails its checksum", file.display()))),
            Err(e) => return Ok(Some(bounded(&e.to_string(), 160))),
        }
    }
    Ok(None)
}

/// An index file's name, size and modification time (ns since the epoch).
type FileStat = (String, u64, u64);

/// The size and time of each of `files` in `dir`; `None` when one cannot be read.
fn stats(dir: &Path, files: &[PathBuf]) -> Option<Vec<FileStat>> {
    files
        .iter()
        .map(|f| {
            let meta = std::fs::metadata(dir.join(f)).ok()?;
            let time = crate::corpus::nanos(meta.modified().ok()) as u64;
            Some((f.to_string_lossy().into_owned(), meta.len(), time))
        })
        .collect()
}

/// Records the files of the index's last commit as whole, after this program wrote them
/// (the next run need not read them for their checksums).
pub fn note_whole(index: &Index, dir: &Path) -> Result<()> {
    let files = segment_files(&index.searchable_segment_metas()?);
    match stats(dir, &files) {
        Some(seen) => manifest::write(dir, CHECKED, &seen),
        None => Ok(()),
    }
}

/// The files of the given segments.
fn segment_files(segments: &[SegmentMeta]) -> Vec<PathBuf> {
    use tantivy::index::SegmentComponent as C;
    let mut files = Vec::new();
    for segment in segments {
        let mut components = vec![C::Postings, C::Positions, C::Terms, C::Store, C::FastFields];
        components.push(C::FieldNorms);
        if segment.has_deletes() {
            components.push(C::Delete);
        }
        files.extend(components.into_iter().map(|c| segment.relative_path(c)));
    }
    files
}

/// Removes what a killed run left: segment files the last commit does not reference (whether
/// or not tantivy's list of its files got to name them), tantivy's temporary files and ours
/// (a file list, snapshot or checked record cut off before its rename, or a file list and
/// snapshot saved for a commit that never came). Runs under the writer lock; readers only
/// ever open the files of a commit.
fn remove_leftovers(index: &Index, dir: &Path, writer: &mut Writer) -> Result<()> {
    writer.garbage_collect_files().wait()?;
    let living: BTreeSet<OsString> = segment_files(&index.searchable_segment_metas()?)
        .into_iter()
        .map(PathBuf::into_os_string)
        .collect();
    for name in file_names(dir) {
        let lossy = name.to_string_lossy();
        let stray = is_segment_file(&lossy) && !living.contains(&name);
        if stray || lossy.starts_with(".tmp") {
            let path = dir.join(&name);
            std::fs::remove_file(&path).map_err(|e| Error::io(path, e))?;
        }
    }
    // A damaged payload is not read here: the run then starts afresh, and its commit removes
    // them.
    let committed = Payload::of(index).ok().flatten();
    manifest::remove_others(dir, committed.as_ref());
    Ok(())
}

/// Checks that the index can be written at `dir` without touching anything of the user's: not
/// in the archive folder (a story file named like an index file would be taken for one), and
/// holding nothing but an index's files, hidden files, and the folder notes other systems
/// leave (`Thumbs.db`, `desktop.ini`). A run removes index files a commit does not name, so a
/// folder of the user's given by mistake would lose the files so named.
pub fn check_place(dir: &Path, archive: &Path) -> Result<()> {
    let archive = crate::corpus::resolved(archive);
    if crate::corpus::resolved(dir).starts_with(&archive) {
        return Err(Error::Invalid(format!(
            "the index folder {} is in the archive folder {}; keep the index beside the archive",
            dir.display(),
            archive.display()
        )));
    }
    match foreign_file(dir) {
        Some(name) => Err(Error::Invalid(format!(
            "{} is not an index folder (it holds {}, which archive did not write); give a new \
             or empty folder with --index",
            dir.display(),
            name.to_string_lossy()
        ))),
        None => Ok(()),
    }
}

/// The first file in `dir` that is none of an index's (nor hidden, nor a folder note).
fn foreign_file(dir: &Path) -> Option<OsString> {
    file_names(dir).into_iter().find(|name| {
        let name = name.to_string_lossy();
        let clutter = ["thumbs.db", "desktop.ini"].contains(&name.to_ascii_lowercase().as_str());
        !is_index_file(&name) && !name.starts_with('.') && !clutter
    })
}

/// True when `dir` holds an index and nothing of the user's: what this program may write there
/// besides a run (a note of damage a search met).
pub(super) fn is_index_folder(dir: &Path) -> bool {
    dir.join("meta.json").is_file() && foreign_file(dir).is_none()
}

/// True for `<32 hex digits>.<extension>`: a segment's file.
fn is_segment_file(name: &str) -> bool {
    name.len() > 33
        && name.as_bytes()[32] == b'.'
        && name[..32].bytes().all(|b| b.is_ascii_hexdigit())
}

/// True for the names of files tantivy writes into an index folder.
fn is_index_file(name: &str) -> bool {
    is_segment_file(name)
        || matches!(name, "meta.json" | ".managed.json")
        || name.starts_with(".tmp")
        || manifest::is_manifest_file(name)
        || (name.starts_with(".tantivy-") && name.ends_with(".lock"))
}

/// Removes tantivy's files from `dir` (whatever else is there stays).
fn remove_index_files(dir: &Path) -> Result<()> {
    for name in file_names(dir) {
        let lossy = name.to_string_lossy();
        if is_index_file(&lossy) && lossy != INDEX_WRITER_LOCK.filepath.to_string_lossy() {
            let path = dir.join(&name);
            std::fs::remove_file(&path).map_err(|e| Error::io(path, e))?;
        }
    }
    Ok(())
}

/// The names of the files in `dir` (none when it cannot be read).
pub fn file_names(dir: &Path) -> BTreeSet<OsString> {
    std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default()
}

/// The files of an index folder before a run: what a failed run removes is everything else.
pub struct Before {
    dir: PathBuf,
    existed: bool,
    names: BTreeSet<OsString>,
}

impl Before {
    /// Notes what `dir` holds now.
    pub fn note(dir: &Path) -> Before {
        Before {
            dir: dir.to_path_buf(),
            existed: dir.exists(),
            names: file_names(dir),
        }
    }

    /// Removes every file the failed run added (after its writer is gone), and the folder if
    /// the run created it; returns the bytes they held.
    pub fn restore(&self) -> u64 {
        let mut bytes = 0;
        for name in file_names(&self.dir) {
            if !self.names.contains(&name) {
                let path = self.dir.join(&name);
                bytes += std::fs::metadata(&path).map_or(0, |m| m.len());
                let _ = std::fs::remove_file(&path);
            }
        }
        if !self.existed {
            let _ = std::fs::remove_dir(&self.dir);
        }
        bytes
    }
}
