//! What the index records about the archive beside tantivy's own files. The commit payload in
//! `meta.json` stays a few bytes (the analyzer's fingerprint and a stamp); the stamp names two
//! files written just before that commit: `archive-files-<stamp>.bin`, every indexed file, read
//! only to update the index or when the quick freshness check is unsure; and
//! `archive-folders-<stamp>.bin`, the [`crate::fresh::Snapshot`] every search reads. A crash
//! before the commit leaves the previous commit and its files intact; files of older commits
//! are removed after each commit. One more file, `archive-checked.bin`, is a cache for
//! `archive index`: the index files whose checksums held, with their size and time then.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Serialize};
use tantivy::directory::Directory;
use tantivy::error::DataCorruption;
use tantivy::{Index, TantivyError};

use crate::error::{Error, Result};

/// File-name prefixes of the files a commit's stamp names.
const FILES: &str = "archive-files-";
pub(crate) const FOLDERS: &str = "archive-folders-";
/// The file list's zstd level (read only by `archive index`; level 3 is about as small as 9).
const FILES_LEVEL: i32 = 3;
/// The index files last found whole (see [`crate::store`]).
pub(crate) const CHECKED: &str = "archive-checked.bin";

/// The payload of each commit.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Payload {
    /// The analyzer's fingerprint at build time.
    pub analyzer: String,
    /// Names this commit's files (the commit's opstamp).
    pub stamp: u64,
}

/// The parts of `meta.json` read here: tantivy parses the whole of it (the schema too) when it
/// opens an index, and again for each reader, so reading these with the rest skipped saves a
/// third parse in every search.
#[derive(Deserialize)]
struct Commit {
    segments: Vec<IgnoredAny>,
    payload: Option<String>,
}

impl Payload {
    /// The payload of the index's last commit: the default (no analyzer, so a rebuild) when it
    /// has none or one of an older format; `None` when nothing was ever committed (no segment,
    /// no payload).
    pub fn of(index: &Index) -> Result<Option<Payload>> {
        let meta = Path::new("meta.json");
        let bytes = index
            .directory()
            .atomic_read(meta)
            .map_err(TantivyError::from)?;
        let commit: Commit = serde_json::from_slice(&bytes).map_err(|e| {
            TantivyError::from(DataCorruption::new(meta.to_path_buf(), e.to_string()))
        })?;
        if commit.payload.is_none() && commit.segments.is_empty() {
            return Ok(None);
        }
        Ok(Some(
            commit
                .payload
                .as_deref()
                .and_then(|p| serde_json::from_str(p).ok())
                .unwrap_or_default(),
        ))
    }

    /// The payload as stored in `meta.json`.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("payload serializes")
    }
}

/// What the index holds: the analyzer that built it and every indexed file.
#[derive(Debug, Clone, Default)]
pub struct Manifest {
    /// The analyzer's fingerprint at build time.
    pub analyzer: String,
    /// Every indexed file, by path relative to the archive folder.
    pub files: BTreeMap<String, FileEntry>,
}

/// One indexed file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FileEntry {
    /// Content hash.
    pub hash: String,
    /// Size in bytes when indexed.
    pub size: u64,
    /// Modification time (ns since epoch) when indexed.
    pub mtime: u64,
    /// Story id.
    pub story: String,
    /// Language.
    pub lang: String,
    /// Number of passages.
    pub passages: u64,
    /// True when it has alignment markers (its passages need not match its other versions'
    /// in number).
    pub marked: bool,
    /// Its title (for `archive list` without reading the stored passages).
    pub title: String,
    /// Its date `YYYY-MM-DD`, or empty.
    pub date: String,
}

impl Manifest {
    /// The manifest of the commit `payload` describes, in the index folder `dir`. A missing or
    /// damaged file list gives an empty manifest with no analyzer: the next update rebuilds.
    pub fn load(dir: &Path, payload: &Payload) -> Manifest {
        let packed = std::fs::read(dir.join(stamped(FILES, payload.stamp))).ok();
        let bytes = packed.and_then(|p| zstd::decode_all(&p[..]).ok());
        match bytes.and_then(|b| bincode::deserialize(&b).ok()) {
            Some(files) => Manifest {
                analyzer: payload.analyzer.clone(),
                files,
            },
            None => Manifest::default(),
        }
    }

    /// True when the file list of the commit `payload` describes is there (without reading it).
    pub fn exists(dir: &Path, payload: &Payload) -> bool {
        dir.join(stamped(FILES, payload.stamp)).is_file()
    }

    /// Writes the file list for the commit stamped `stamp` (before that commit), compressed:
    /// its paths, titles and hashes in hex shrink to a quarter.
    pub fn save(&self, dir: &Path, stamp: u64) -> Result<()> {
        let bytes = bincode::serialize(&self.files).expect("manifest serializes");
        let packed = zstd::encode_all(&bytes[..], FILES_LEVEL).expect("compressing in memory");
        write_bytes(dir, &stamped(FILES, stamp), &packed)
    }

    /// Counts of stories, passages and languages in the index.
    pub fn totals(&self) -> (usize, u64, Vec<String>) {
        // Stories are only counted: a hash set (a B-tree of 71,000 ids compared whole was
        // a tenth of an update's instructions).
        let mut stories = rustc_hash::FxHashSet::default();
        let mut langs = std::collections::BTreeSet::new();
        let mut passages = 0;
        for f in self.files.values() {
            stories.insert(f.story.as_str());
            langs.insert(f.lang.as_str());
            passages += f.passages;
        }
        (
            stories.len(),
            passages,
            langs.into_iter().map(String::from).collect(),
        )
    }
}

/// The name of the file `prefix` names for the commit stamped `stamp`.
pub(crate) fn stamped(prefix: &str, stamp: u64) -> String {
    format!("{prefix}{stamp}.bin")
}

/// Reads the file `name` of the index folder `dir`; `None` when it is missing or damaged.
pub(crate) fn read<T: DeserializeOwned>(dir: &Path, name: &str) -> Option<T> {
    let bytes = std::fs::read(dir.join(name)).ok()?;
    bincode::deserialize(&bytes).ok()
}

/// Writes the file `name` of the index folder `dir` whole or not at all (a temporary file
/// renamed over it).
pub(crate) fn write<T: Serialize>(dir: &Path, name: &str, value: &T) -> Result<()> {
    write_bytes(
        dir,
        name,
        &bincode::serialize(value).expect("manifest serializes"),
    )
}

/// Writes `bytes` to the file `name` of the index folder `dir` whole or not at all.
fn write_bytes(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    let path = dir.join(name);
    let tmp = dir.join(format!("{name}.{}.tmp", std::process::id()));
    let written = std::fs::File::create(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    if let Err(e) = written.and_then(|()| std::fs::rename(&tmp, &path)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(path, e));
    }
    Ok(())
}

/// True for the name of a file a commit's stamp names (or its temporary file).
pub fn is_manifest_file(name: &str) -> bool {
    name.starts_with(FILES) || name.starts_with(FOLDERS) || name.starts_with(CHECKED)
}

/// Removes the files of every commit but `stamp`'s (all of them for none), and temporary files
/// left by a crash. Best effort: a search renewing the snapshot may be renaming its temporary
/// file right now.
pub fn remove_others(dir: &Path, stamp: Option<u64>) {
    let mut keep = vec![CHECKED.to_string()];
    keep.extend(stamp.map(|s| stamped(FILES, s)));
    keep.extend(stamp.map(|s| stamped(FOLDERS, s)));
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_manifest_file(&name) && !keep.contains(&name) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}
