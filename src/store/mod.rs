//! The index on disk: opening it for reading without writing a byte (damage reported as
//! such), and opening it for writing (`write`). What each commit records about the archive is
//! in [`crate::manifest`].

use std::io;
use std::path::{Path, PathBuf};

use tantivy::directory::MmapDirectory;
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::{Index, IndexReader, IndexSettings, ReloadPolicy, TantivyError};

use crate::analysis::{without_user_words, Analyzers};
use crate::corpus::WORDS_FILE;
use crate::error::{Error, Result};
use crate::manifest::Payload;
use crate::schema::Fields;

mod paged;
mod queue;
mod readonly;
mod write;

pub use queue::{Queue, Queued, Writer};
use readonly::ReadOnlyDirectory;
pub use write::{
    check_place, failing_checksum, file_names, note_whole, open_write, Before, Writing,
};

/// Reads the archive's user words (`words.txt`), if any.
pub fn user_words(archive: &Path) -> Result<Vec<String>> {
    // An index is searched without its archive (a file named `archive` is not one).
    if !archive.is_dir() {
        return Ok(Vec::new());
    }
    let path = archive.join(WORDS_FILE);
    match crate::corpus::read_regular(&path, crate::corpus::MAX_FILE_BYTES) {
        Ok(bytes) => {
            let (text, _) = crate::corpus::decode(&bytes)
                .map_err(|why| Error::Invalid(format!("{}: {why}", path.display())))?;
            Ok(crate::analysis::parse_words(&text))
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// An index opened for searching.
pub struct Opened {
    /// The index.
    pub index: Index,
    /// A reader on its last commit.
    pub reader: IndexReader,
    /// Its fields.
    pub fields: Fields,
    /// Its last commit's payload (the manifest's files are read only when needed).
    pub payload: Payload,
    /// Its folder.
    pub dir: PathBuf,
    /// Its `meta.json` as read before it was opened ([`commit_id`]).
    pub commit: Option<blake3::Hash>,
}

/// What identifies the index's last commit, and the merges since: its `meta.json`, which each
/// replaces whole (a merge keeps the commit's payload, and its stamp, but not its segments).
pub fn commit_id(dir: &Path) -> Option<blake3::Hash> {
    let bytes = crate::corpus::read_regular(&dir.join("meta.json"), u64::MAX).ok()?;
    Some(blake3::hash(&bytes))
}

/// How an index opened for reading must match the program's analyzer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// Made by exactly this analyzer, the archive's word list included: what indexing needs,
    /// and a search beside its archive (a changed `words.txt` is then a reason to rebuild).
    Exact,
    /// Made by this analyzer with any word list: a search whose archive folder is missing,
    /// which cannot read `words.txt` and does not need it (a query is cut into the index's own
    /// words).
    AnyWords,
}

/// Opens the index at `dir` for reading, writing nothing (no lock files): safe on read-only
/// media. Fails if the index is missing, damaged, or was built by another analyzer than
/// `analyzers` (as `fit` says).
pub fn open_read(dir: &Path, analyzers: &Analyzers, fit: Fit) -> Result<Opened> {
    if !dir.join("meta.json").is_file() {
        return Err(Error::NoIndex(dir.to_path_buf()));
    }
    let commit = commit_id(dir);
    let mmap = MmapDirectory::open(dir).map_err(TantivyError::from)?;
    let index = Index::open(ReadOnlyDirectory { inner: mmap }).map_err(|e| match e {
        // An index this version cannot open (older format) needs rebuilding.
        TantivyError::IncompatibleIndex(_) => Error::AnalyzerMismatch {
            path: dir.to_path_buf(),
            found: format!("an index this version cannot read: {e}"),
        },
        e => os_error(&e).unwrap_or_else(|| damaged(dir, e)),
    })?;
    // A first build that never committed leaves no index, not one of an unknown analyzer.
    let Some(payload) = Payload::of(&index)? else {
        return Err(Error::NoIndex(dir.to_path_buf()));
    };
    let expected = analyzers.fingerprint();
    let fits = match fit {
        Fit::Exact => payload.analyzer == expected,
        Fit::AnyWords => without_user_words(&payload.analyzer) == without_user_words(&expected),
    };
    if !fits {
        return Err(Error::AnalyzerMismatch {
            path: dir.to_path_buf(),
            found: if payload.analyzer.is_empty() {
                "unknown".into()
            } else {
                payload.analyzer.clone()
            },
        });
    }
    analyzers.register(&index);
    let fields = Fields::of(&index.schema()).map_err(|e| Error::AnalyzerMismatch {
        path: dir.to_path_buf(),
        found: format!("an index this version cannot read: {e}"),
    })?;
    // Opening each segment decodes its files' layout: a panic there is damage too.
    let reader = guarded(dir, commit, || {
        index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(Error::Tantivy)
    })?;
    Ok(Opened {
        index,
        reader,
        fields,
        payload,
        dir: dir.to_path_buf(),
        commit,
    })
}

thread_local! {
    static GUARDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// True when a panic on this thread is caught and reported as an error, so the binary's panic
/// hook stays quiet: in a [`guarded`] read of the index (a damaged index), or on tantivy's
/// merge threads, whose panics (damage met while merging) come back from the merge as
/// `Merge thread panicked` errors.
pub fn panic_is_caught() -> bool {
    GUARDED.with(|g| g.get())
        || std::thread::current()
            .name()
            .is_some_and(|n| n.starts_with("merge_thread_"))
}

/// Runs `read`, a panic in it (deep in a decoder of damaged data) coming back as its message.
fn caught<T>(read: impl FnOnce() -> T) -> std::result::Result<T, String> {
    let was = GUARDED.with(|g| g.replace(true));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(read));
    GUARDED.with(|g| g.set(was));
    outcome.map_err(|panic| {
        panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default()
    })
}

/// Runs a read of the index at `dir` as it was when `commit` ([`commit_id`]) was its last,
/// turning what damaged data causes (tantivy's data errors, or a panic deep in a decoder) into
/// [`Error::Damaged`]. Operating-system I/O errors stay (a pulled stick, a file this user may
/// not read). What another run's commit or merge meanwhile causes (it removed files the read
/// needed) is [`Error::Moved`], not damage: `commit` is no longer the last.
pub fn guarded<T>(
    dir: &Path,
    commit: Option<blake3::Hash>,
    read: impl FnOnce() -> Result<T>,
) -> Result<T> {
    let found = match caught(read) {
        Ok(Err(Error::Tantivy(e))) => match os_error(&e) {
            Some(io) => return Err(io),
            None if is_damage(&e) => e.to_string(),
            None => return Err(Error::Tantivy(e)),
        },
        Ok(other) => return other,
        Err(what) => format!("inconsistent data: {what}"),
    };
    if commit.is_none() || commit_id(dir) != commit {
        return Err(Error::Moved(dir.to_path_buf()));
    }
    Err(damaged(dir, found))
}

/// Errors of the data read (tantivy also reports undecodable data, a bad zstd frame, as I/O
/// errors without an operating-system code).
fn is_damage(e: &TantivyError) -> bool {
    matches!(
        e,
        TantivyError::IoError(_)
            | TantivyError::DataCorruption(_)
            | TantivyError::OpenReadError(_)
            | TantivyError::DeserializeError(_)
            | TantivyError::InternalError(_)
    )
}

/// The operating system's error behind `e`, if any: reading an index file failed, rather than
/// what it holds.
fn os_error(e: &TantivyError) -> Option<Error> {
    use tantivy::directory::error::OpenReadError;
    let (path, io) = match e {
        TantivyError::IoError(io) => (PathBuf::new(), io.as_ref()),
        TantivyError::OpenReadError(OpenReadError::IoError { io_error, filepath }) => {
            (filepath.clone(), io_error.as_ref())
        }
        _ => return None,
    };
    let code = io.raw_os_error()?;
    let source = io::Error::from_raw_os_error(code);
    Some(if path.as_os_str().is_empty() {
        Error::Tantivy(TantivyError::IoError(std::sync::Arc::new(source)))
    } else {
        Error::io(path, source)
    })
}

/// The error for damage found in the index at `dir`. What was found is noted for the
/// `archive index` the message asks for, which rebuilds the index even when every file passes
/// its checksum; the record of which files passed them is dropped. Best effort: on read-only
/// storage nothing is written.
fn damaged(dir: &Path, detail: impl std::fmt::Display) -> Error {
    let e = Error::damaged(dir, detail);
    // Never into a folder of the user's given as the index by mistake.
    if let (Error::Damaged { detail, .. }, true) = (&e, write::is_index_folder(dir)) {
        let _ = crate::manifest::write(dir, crate::manifest::DAMAGED, detail);
        let _ = std::fs::remove_file(dir.join(crate::manifest::CHECKED));
    }
    e
}

/// Forgets the damage a search noted in the index at `dir`, once a run rebuilt it.
pub fn forget_damage(dir: &Path) {
    let _ = std::fs::remove_file(dir.join(crate::manifest::DAMAGED));
}

/// Makes every file of the index readable by every user (tantivy creates some as 0600), so
/// an index built as one user can be searched as another.
pub fn make_readable(dir: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let meta = entry.metadata().map_err(|e| Error::io(entry.path(), e))?;
        let mode = meta.permissions().mode();
        if meta.is_file() && mode & 0o444 != 0o444 {
            std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(mode | 0o444))
                .map_err(|e| Error::io(entry.path(), e))?;
        }
    }
    Ok(())
}

/// Stored passages are compressed with zstd (Chinese text compresses poorly with lz4) in
/// blocks of 4 KiB: a search decompresses the whole block of every passage it shows, which with
/// 32 KiB blocks was a third of a Chinese query's instructions (`软件包`: 7.2 million in all with
/// 32 KiB, 5.4 with 16, 4.9 with 8), for a store 18% larger (the Chinese set's: 5.3 MB, 6.2 with
/// 8 KiB). 4 KiB took 4–13% off the compare.sh sets' English searches and 2–10% off the
/// Chinese (`"garbage collection"` 4.19 → 3.64 million) for a store 9% larger (6.5 → 7.1 MB:
/// the Chinese index 1.38 → 1.43× its text). Level 1: with blocks this small, zstd spends much
/// of its time setting up each block, and the store thread (beside the writing) took 8% of an
/// indexing run's instructions at level 3 (6% at 1) for a store 3% smaller; level 6's was 2%
/// smaller again (benches/README.md, "Index design, seventh pass", "Indexing speed, eighth
/// pass", "Per-process costs, fifteenth pass"). An index made with 8 KiB blocks keeps them: it
/// is not rebuilt for this (the blocks are read either way).
fn settings() -> IndexSettings {
    IndexSettings {
        docstore_compression: Compressor::Zstd(ZstdCompressor {
            compression_level: Some(1),
        }),
        docstore_blocksize: 4 * 1024,
        ..Default::default()
    }
}

/// Checks that `dir`, or the nearest part of it that exists, is a folder: an index (or an
/// archive) given as an ordinary file is the user's mistake, not read-only storage or a
/// missing folder.
pub fn check_folder(dir: &Path) -> Result<()> {
    // `f/`, `f/.` and `f//` name the file `f` too, but `f/` does not exist (not a folder) and
    // its parent is `f`'s: its components drop the trailing parts.
    let dir: PathBuf = dir.components().collect();
    match dir.ancestors().find(|d| d.exists()) {
        Some(d) if !d.is_dir() => Err(Error::NotAFolder(d.to_path_buf())),
        _ => Ok(()),
    }
}

/// True when `dir` (or, if missing, its nearest existing parent) cannot be written.
pub fn is_read_only(dir: &Path) -> bool {
    let mut probe: PathBuf = dir.to_path_buf();
    while !probe.exists() {
        match probe.parent() {
            Some(p) => probe = p.to_path_buf(),
            None => return true,
        }
    }
    let test = probe.join(format!(".archive-write-test-{}", std::process::id()));
    match std::fs::File::create(&test) {
        Ok(_) => {
            let _ = std::fs::remove_file(&test);
            false
        }
        Err(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An index folder whose last commit is stamped `stamp` (only `meta.json`).
    fn committed(stamp: u64) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let payload = format!(r#"{{"analyzer":"a","stamp":{stamp}}}"#);
        let meta = serde_json::json!({ "segments": [], "payload": payload });
        std::fs::write(dir.path().join("meta.json"), meta.to_string()).unwrap();
        dir
    }

    fn corrupt() -> Result<()> {
        let why = tantivy::error::DataCorruption::comment_only("garbled");
        Err(Error::Tantivy(TantivyError::DataCorruption(why)))
    }

    #[test]
    fn damage_met_in_the_last_commit_is_noted_and_in_an_older_one_is_not() {
        // A search beside another run's commit read files that commit removed: it called the
        // index damaged and noted it, and the next run rebuilt a whole index for nothing.
        let dir = committed(7);
        let read = commit_id(dir.path());
        // Another run's commit (or merge) replaced `meta.json` since it was read.
        let newer = committed(8);
        std::fs::copy(newer.path().join("meta.json"), dir.path().join("meta.json")).unwrap();
        let older = guarded(dir.path(), read, corrupt);
        assert!(matches!(older, Err(Error::Moved(_))), "{older:?}");
        assert!(!dir.path().join(crate::manifest::DAMAGED).exists());
        let last = guarded(dir.path(), commit_id(dir.path()), corrupt);
        assert!(matches!(last, Err(Error::Damaged { .. })), "{last:?}");
        assert!(dir.path().join(crate::manifest::DAMAGED).exists());
    }

    #[test]
    fn an_index_file_that_cannot_be_opened_is_no_damage() {
        let dir = committed(7);
        let denied = || -> Result<()> {
            let io = io::Error::from_raw_os_error(libc::EACCES);
            Err(Error::Tantivy(TantivyError::OpenReadError(
                tantivy::directory::error::OpenReadError::wrap_io_error(io, "x.store".into()),
            )))
        };
        let e = guarded(dir.path(), commit_id(dir.path()), denied).unwrap_err();
        assert!(matches!(e, Error::Io { .. }), "{e:?}");
        assert!(e.to_string().contains("x.store"), "{e}");
        assert!(!dir.path().join(crate::manifest::DAMAGED).exists());
    }
}
