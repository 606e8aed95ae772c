//! The directory the index is written through: tantivy's `MmapDirectory`, except that files
//! are read through mappings of its own whose pages it hands back after every few MiB it
//! writes. A merge reads every page of the segments it merges; left mapped, they all count in
//! the process's resident memory until the merge ends (781 MB merging the 12 segments of a
//! 527 MB archive, of which 70 MB allocated); handed back, only what was read since the last
//! few MiB were written does. The bytes stay in the kernel's page cache: reading them again
//! maps them again.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

use memmap2::{Mmap, UncheckedAdvice};
use stable_deref_trait::StableDeref;
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    AntiCallToken, Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, OwnedBytes,
    TerminatingWrite, WatchCallback, WatchHandle, WritePtr,
};

/// Bytes written between two hand-backs: a merge reads about as much as it writes (with
/// 8 MiB, 10 to 50 MB of pages were mapped at a time while the 527 MB archive merged).
const RELEASE_EVERY: u64 = 2 << 20;
/// Time between two hand-backs while reading without writing (a checksum pass reads about
/// 1 GB/s of pages already cached).
const RELEASE_PERIOD: Duration = Duration::from_millis(10);

/// `MmapDirectory` with reads through mappings whose pages are handed back as it writes.
#[derive(Debug, Clone)]
pub(super) struct PagedDirectory {
    inner: MmapDirectory,
    root: PathBuf,
    maps: Arc<Mappings>,
}

/// The live mappings of a directory's files, and the bytes written through it.
#[derive(Debug, Default)]
struct Mappings {
    live: Mutex<Vec<Weak<Mmap>>>,
    written: AtomicU64,
}

impl Mappings {
    fn add(&self, map: &Arc<Mmap>) {
        let mut live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
        live.retain(|m| m.strong_count() > 0);
        live.push(Arc::downgrade(map));
    }

    /// Counts `bytes` written; hands back every mapped page each [`RELEASE_EVERY`] bytes.
    fn wrote(&self, bytes: usize) {
        let before = self.written.fetch_add(bytes as u64, Ordering::Relaxed);
        if before / RELEASE_EVERY != (before + bytes as u64) / RELEASE_EVERY {
            self.release();
        }
    }

    fn release(&self) {
        let live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
        for map in live.iter().filter_map(Weak::upgrade) {
            // SAFETY: the mapping is a shared, read-only mapping of a file that is written
            // once and never changed (tantivy's files; the same assumption as its own
            // directory's). Dropping its pages from this process changes no byte a slice of
            // it shows: the next read maps the same bytes again from the page cache or the
            // file. Best effort: a page kept mapped is only memory counted.
            let _ = unsafe { map.unchecked_advise(UncheckedAdvice::DontNeed) };
        }
    }
}

/// A mapping shared by the bytes tantivy reads and the list of mappings to hand back.
struct Shared(Arc<Mmap>);

impl Deref for Shared {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

// SAFETY: the bytes are the mapping's, which stays at one address while the `Arc` lives.
unsafe impl StableDeref for Shared {}

impl PagedDirectory {
    pub(super) fn open(dir: &Path) -> tantivy::Result<PagedDirectory> {
        Ok(PagedDirectory {
            inner: MmapDirectory::open(dir)?,
            root: dir.to_path_buf(),
            maps: Arc::default(),
        })
    }
}

impl PagedDirectory {
    /// Runs `work`, which reads without writing (a checksum pass over every file), handing
    /// mapped pages back every [`RELEASE_PERIOD`] meanwhile.
    pub(super) fn releasing<T>(&self, work: impl FnOnce() -> T) -> T {
        let done = AtomicBool::new(false);
        std::thread::scope(|scope| {
            // Without a thread to spare, the pages stay mapped until the work ends.
            let _ = std::thread::Builder::new().spawn_scoped(scope, || {
                while !done.load(Ordering::Relaxed) {
                    self.maps.release();
                    std::thread::sleep(RELEASE_PERIOD);
                }
            });
            // Set however `work` ends (a panic on damaged data included), or the scope waits
            // forever for the thread.
            let _stop = Stop(&done);
            work()
        })
    }
}

/// Sets its flag when dropped.
struct Stop<'a>(&'a AtomicBool);

impl Drop for Stop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

impl Directory for PagedDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        let full = self.root.join(path);
        let file = File::open(&full).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => OpenReadError::FileDoesNotExist(full.clone()),
            _ => OpenReadError::wrap_io_error(e, full.clone()),
        })?;
        let len = file
            .metadata()
            .map_err(|e| OpenReadError::wrap_io_error(e, full.clone()))?
            .len();
        if len == 0 {
            return Ok(Arc::new(OwnedBytes::empty()));
        }
        // SAFETY: as in tantivy's own directory: an index file is written once, before it is
        // read, and never changed in place.
        let map = unsafe { Mmap::map(&file) }.map_err(|e| OpenReadError::wrap_io_error(e, full))?;
        let map = Arc::new(map);
        self.maps.add(&map);
        Ok(Arc::new(OwnedBytes::new(Shared(map))))
    }
    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }
    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }
    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        let file = self
            .inner
            .open_write(path)?
            .into_inner()
            .map_err(|e| OpenWriteError::wrap_io_error(e.into_error(), path.to_path_buf()))?;
        Ok(BufWriter::new(Box::new(Counted {
            file,
            maps: self.maps.clone(),
        })))
    }
    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }
    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.inner.atomic_write(path, data)
    }
    fn sync_directory(&self) -> io::Result<()> {
        self.inner.sync_directory()
    }
    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        // The error names the lock file (one left by another user cannot be opened).
        self.inner.acquire_lock(lock).map_err(|e| match e {
            LockError::IoError(io) => {
                let path = self.root.join(&lock.filepath);
                let named = format!("{}: {io}", path.display());
                LockError::IoError(Arc::new(io::Error::new(io.kind(), named)))
            }
            busy => busy,
        })
    }
    fn watch(&self, callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(callback)
    }
}

/// A file being written, counting its bytes into its directory's.
struct Counted {
    file: Box<dyn TerminatingWrite + Send + Sync>,
    maps: Arc<Mappings>,
}

impl Write for Counted {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.file.write(buf)?;
        self.maps.wrote(n);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl TerminatingWrite for Counted {
    fn terminate_ref(&mut self, token: AntiCallToken) -> io::Result<()> {
        self.file.terminate_ref(token)
    }
}
