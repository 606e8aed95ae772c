//! The library's error type: every failure a caller can act on, without printing.

use std::path::{Path, PathBuf};

use crate::analysis::without_user_words;

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No index has been built at this path yet.
    #[error("no index at {0}: run `archive index` first")]
    NoIndex(PathBuf),
    /// The index was built by a different analyzer (another version, dictionary or word list).
    #[error("the index at {path} was built by another analyzer ({found}); run `archive index` to rebuild it")]
    AnalyzerMismatch {
        /// Index folder.
        path: PathBuf,
        /// Short description of what differs.
        found: String,
    },
    /// The index was built by this analyzer with another word list: the archive's `words.txt`
    /// was added, changed or removed since.
    #[error("{}", words_changed(path, words, *missing))]
    WordsChanged {
        /// Index folder.
        path: PathBuf,
        /// The archive's `words.txt`.
        words: PathBuf,
        /// True when that file is missing.
        missing: bool,
    },
    /// The index was made by another analyzer than this program's (word lists aside, which
    /// searching does not need) and cannot be rebuilt here: the archive folder is missing.
    #[error("the index at {path} was made by another version of archive ({differs}), and the archive folder {archive} to rebuild it from is missing; put the archive back and run `archive index`, or search with the program that made the index")]
    NoArchiveToRebuild {
        /// Index folder.
        path: PathBuf,
        /// The missing archive folder.
        archive: PathBuf,
        /// The parts of the index's analyzer that differ from this program's.
        differs: String,
    },
    /// The archive folder does not exist or is not a folder.
    #[error("no archive found: {0} is not a folder of stories (see --root)")]
    NoArchive(PathBuf),
    /// A path given as a folder (the archive, the index, the root) is a file.
    #[error("{0} is a file, not a folder")]
    NotAFolder(PathBuf),
    /// The query could not be parsed.
    #[error("bad query: {message} at character {position}")]
    QuerySyntax {
        /// What is wrong.
        message: String,
        /// 1-based character position in the query.
        position: usize,
    },
    /// A command-line value that the library validates (a date, a language).
    #[error("{0}")]
    Invalid(String),
    /// Another `archive index` holds the index's write lock.
    #[error("another `archive index` is writing {0}; wait for it to finish")]
    Busy(PathBuf),
    /// A read-only index was asked to change.
    #[error("the index at {0} cannot be written (read-only storage, or a folder this user may not write to) and cannot be updated")]
    ReadOnly(PathBuf),
    /// The self-test after indexing found words that do not find their passage.
    #[error("self-test failed: {0}")]
    SelfTest(String),
    /// A file-system error, with the path it concerns.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder concerned.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The index cannot be read as it is on disk (truncated, garbled or missing files). The
    /// archive folder is the source of truth: `archive index` rebuilds it.
    #[error("the index at {path} is damaged ({detail}); run `archive index` to rebuild it")]
    Damaged {
        /// Index folder.
        path: PathBuf,
        /// What was found wrong, in a few words.
        detail: String,
    },
    /// The disk ran out of space while indexing; what the run wrote was removed and the last
    /// commit (if any) is intact.
    #[error("the disk is full at {path}: this run needed about {} and found room for {}; what it wrote was removed and the index is as it was; free some space and run `archive index` again", mib(*.needed), mib(*.written))]
    DiskFull {
        /// Index folder.
        path: PathBuf,
        /// Estimated bytes the run needed.
        needed: u64,
        /// Bytes it wrote before the disk was full.
        written: u64,
    },
    /// The stick (or disk) filled up while a bundle was written; what the run created was
    /// removed.
    #[error("the disk is full at {path}: the bundle needs about {} (its stories, the program and the index); what this run wrote was removed; free some space and run `archive bundle` again", mib(*.needed))]
    BundleDiskFull {
        /// The bundle's folder.
        path: PathBuf,
        /// Estimated bytes the whole bundle needs.
        needed: u64,
    },
    /// Indexing was interrupted (Ctrl-C or a termination signal) and rolled back.
    #[error("interrupted: nothing of this run was kept; the index is as it was before")]
    Interrupted,
    /// No thread could be started: the system's limit on processes (or memory) is reached.
    #[error("could not start a thread ({0}): the system's limit on processes is reached; close some programs and try again")]
    NoThreads(String),
    /// Another run committed while the index was read, and removed files the read needed:
    /// the same read of the new commit answers.
    #[error("the index at {0} was updated while it was read; run the command again")]
    Moved(PathBuf),
    /// A lock file of the index that cannot be opened (left by another user): the index is as
    /// it was.
    #[error("cannot take the index's lock: {0}")]
    LockFile(String),
    /// An error inside tantivy.
    #[error("index error: {0}")]
    Tantivy(tantivy::TantivyError),
}

impl From<tantivy::TantivyError> for Error {
    fn from(e: tantivy::TantivyError) -> Self {
        use tantivy::directory::error::LockError;
        match e {
            tantivy::TantivyError::LockFailure(LockError::IoError(io), _) => {
                Error::LockFile(io.to_string())
            }
            e => Error::Tantivy(e),
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A damaged-index error with a one-line, bounded description of what was found.
    pub fn damaged(path: impl Into<PathBuf>, detail: impl std::fmt::Display) -> Self {
        let detail = detail.to_string().replace('\n', " ");
        Error::Damaged {
            path: path.into(),
            detail: crate::error::bounded(&detail, 160),
        }
    }

    /// True when the root cause is a full disk (ENOSPC), wherever in the chain it is.
    pub fn is_disk_full(&self) -> bool {
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(self);
        while let Some(e) = cause {
            if let Some(io) = e.downcast_ref::<std::io::Error>() {
                if io.kind() == std::io::ErrorKind::StorageFull || io.raw_os_error() == Some(28) {
                    return true;
                }
            }
            cause = e.source();
        }
        // tantivy flattens some I/O errors into text.
        self.to_string().contains("os error 28")
    }

    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// `text` cut to at most `max` characters, with `…` where cut: diagnostics stay small whatever
/// the input.
pub fn bounded(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

fn words_changed(path: &std::path::Path, words: &std::path::Path, missing: bool) -> String {
    let (path, words) = (path.display(), words.display());
    if missing {
        format!("{words} is missing, and the index at {path} was built with one (its words decide how Chinese text is cut); put it back, or run `archive index` to rebuild the index without it")
    } else {
        format!("{words} is not the words.txt the index at {path} was built with (its words decide how Chinese text is cut); run `archive index` to rebuild the index")
    }
}

impl Error {
    /// This error, or the [`Error::NoArchiveToRebuild`] it is when it says the index does not
    /// fit this program's analyzer (`expected`) and the archive folder it would be rebuilt
    /// from is missing.
    pub fn or_no_archive(self, expected: &str, archive: &Path) -> Error {
        let Error::AnalyzerMismatch { path, found } = self else {
            return self;
        };
        if archive.is_dir() {
            return Error::AnalyzerMismatch { path, found };
        }
        let (theirs, ours) = (without_user_words(&found), without_user_words(expected));
        let only = |a: &[&str], b: &[&str]| {
            a.iter()
                .filter(|p| !b.contains(p))
                .copied()
                .collect::<Vec<_>>()
                .join("; ")
        };
        Error::NoArchiveToRebuild {
            path,
            archive: archive.to_path_buf(),
            differs: format!(
                "its analyzer: {}; this program's: {}",
                only(&theirs, &ours),
                only(&ours, &theirs)
            ),
        }
    }

    /// This error, or the [`Error::WordsChanged`] it is when it is an
    /// [`Error::AnalyzerMismatch`] whose fingerprint differs from `expected` (this analyzer's,
    /// with the archive's words) only in the user words; `words` is the archive's list.
    pub fn or_words_changed(self, expected: &str, words: &std::path::Path) -> Error {
        let Error::AnalyzerMismatch { path, found } = self else {
            return self;
        };
        if found != expected && without_user_words(&found) == without_user_words(expected) {
            Error::WordsChanged {
                path,
                words: words.to_path_buf(),
                missing: !words.is_file(),
            }
        } else {
            Error::AnalyzerMismatch { path, found }
        }
    }
}

/// Bytes as MiB with one decimal.
fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// Whose fault an error is, which decides how a front end reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The caller's: a bad query, date, language or limit (HTTP 400).
    Input,
    /// Another process holds the index; trying again later may work (HTTP 503).
    Busy,
    /// Reading or writing files failed: missing, unreadable or read-only storage (HTTP 500).
    Storage,
    /// The index cannot be used as it is: rebuild it with `archive index` (HTTP 500).
    Damaged,
}

impl Error {
    /// Whose fault this error is.
    pub fn fault(&self) -> Fault {
        match self {
            Error::QuerySyntax { .. } | Error::Invalid(_) | Error::NotAFolder(_) => Fault::Input,
            Error::Busy(_) | Error::NoThreads(_) | Error::Moved(_) => Fault::Busy,
            Error::NoIndex(_)
            | Error::NoArchive(_)
            | Error::NoArchiveToRebuild { .. }
            | Error::ReadOnly(_)
            | Error::LockFile(_)
            | Error::Io { .. } => Fault::Storage,
            Error::DiskFull { .. } | Error::BundleDiskFull { .. } => Fault::Storage,
            // The user stopped it.
            Error::Interrupted => Fault::Input,
            Error::AnalyzerMismatch { .. }
            | Error::WordsChanged { .. }
            | Error::SelfTest(_)
            | Error::Damaged { .. } => Fault::Damaged,
            Error::Tantivy(e) => match e {
                tantivy::TantivyError::IoError(_)
                | tantivy::TantivyError::LockFailure(..)
                | tantivy::TantivyError::OpenDirectoryError(_)
                | tantivy::TantivyError::OpenWriteError(_) => Fault::Storage,
                _ => Fault::Damaged,
            },
        }
    }
}
