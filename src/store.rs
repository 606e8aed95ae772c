//! The index on disk: opening it for reading without writing a byte, and opening it for
//! writing. What each commit records about the archive is in [`crate::manifest`].

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr,
};
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::{Index, IndexReader, IndexSettings, ReloadPolicy};

use crate::analysis::Analyzers;
use crate::corpus::WORDS_FILE;
use crate::error::{Error, Result};
use crate::manifest::Payload;
use crate::schema::Fields;

/// Reads the archive's user words (`words.txt`), if any.
pub fn user_words(archive: &Path) -> Result<Vec<String>> {
    let path = archive.join(WORDS_FILE);
    match std::fs::read(&path) {
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
}

/// Opens the index at `dir` for reading, writing nothing (no lock files): safe on read-only
/// media. Fails if the index is missing or was built by another analyzer than `analyzers`.
pub fn open_read(dir: &Path, analyzers: &Analyzers) -> Result<Opened> {
    if !dir.join("meta.json").is_file() {
        return Err(Error::NoIndex(dir.to_path_buf()));
    }
    let mmap = MmapDirectory::open(dir).map_err(|e| Error::Invalid(format!("{e}")))?;
    // An index this version cannot open (older format or settings) needs rebuilding.
    let index =
        Index::open(ReadOnlyDirectory { inner: mmap }).map_err(|e| Error::AnalyzerMismatch {
            path: dir.to_path_buf(),
            found: format!("an index this version cannot read: {e}"),
        })?;
    let payload = Payload::of(&index)?;
    let expected = analyzers.fingerprint();
    if payload.analyzer != expected {
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
    let fields = Fields::of(&index.schema())?;
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    Ok(Opened {
        index,
        reader,
        fields,
        payload,
    })
}

/// Opens (creating if needed) the index at `dir` for writing.
pub fn open_write(dir: &Path, analyzers: &Analyzers) -> Result<Index> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mmap = MmapDirectory::open(dir).map_err(|e| Error::Invalid(format!("{e}")))?;
    let (schema, _) = Fields::schema();
    let index = if Index::exists(&mmap).unwrap_or(false) {
        match Index::open(mmap) {
            Ok(index)
                if index.schema() == schema
                    && index.settings().docstore_compression == settings().docstore_compression =>
            {
                index
            }
            // An index of an older schema or format is rebuilt from scratch.
            _ => Index::create(
                MmapDirectory::open(dir).map_err(|e| Error::Invalid(format!("{e}")))?,
                schema,
                settings(),
            )?,
        }
    } else {
        Index::create(mmap, schema, settings())?
    };
    analyzers.register(&index);
    Ok(index)
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

/// Stored passages are compressed with zstd (Chinese text compresses poorly with lz4); level 3
/// keeps indexing fast, and a hit's block still decompresses in microseconds.
fn settings() -> IndexSettings {
    IndexSettings {
        docstore_compression: Compressor::Zstd(ZstdCompressor {
            compression_level: Some(3),
        }),
        ..Default::default()
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

/// A directory that reads through `MmapDirectory` and refuses every write. Its lock is a
/// no-op: a reader on it never creates tantivy's lock file.
#[derive(Debug, Clone)]
struct ReadOnlyDirectory {
    inner: MmapDirectory,
}

fn read_only_error() -> io::Error {
    io::Error::new(
        io::ErrorKind::PermissionDenied,
        "the index is opened read-only",
    )
}

impl Directory for ReadOnlyDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }
    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        Err(DeleteError::IoError {
            io_error: Arc::new(read_only_error()),
            filepath: path.to_path_buf(),
        })
    }
    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }
    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        Err(OpenWriteError::IoError {
            io_error: Arc::new(read_only_error()),
            filepath: path.to_path_buf(),
        })
    }
    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }
    fn atomic_write(&self, _path: &Path, _data: &[u8]) -> io::Result<()> {
        Err(read_only_error())
    }
    fn sync_directory(&self) -> io::Result<()> {
        Ok(())
    }
    fn acquire_lock(&self, _lock: &Lock) -> Result<DirectoryLock, LockError> {
        Ok(DirectoryLock::from(Box::new(())))
    }
    fn watch(&self, _callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        Ok(WatchHandle::empty())
    }
}
