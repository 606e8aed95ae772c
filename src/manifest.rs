//! What the index records about the archive beside tantivy's own files. The commit payload in
//! `meta.json` stays a few bytes (the analyzer's fingerprint, a stamp, and the stamp of a base);
//! the stamps name files written just before that commit: `archive-files-<stamp>.bin`, every
//! indexed file, read only to update the index or when the quick freshness check is unsure;
//! and `archive-folders-<stamp>.bin`, the [`crate::fresh::Snapshot`] every search reads. A
//! commit that changed few files writes no whole file list: its `archive-journal-<stamp>.bin`
//! holds the entries changed since the list of the commit its payload names as base (every
//! change since then, so a commit needs only those two), and a list is written whole again
//! once the journal grows past [`Manifest::save`]'s bound. A crash before the commit leaves
//! the previous commit and its files intact; files no commit names are removed after each
//! commit. One more file, `archive-checked.bin`, is a cache for `archive index`: the index
//! files whose checksums held, with their size and time then.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Serialize};
use tantivy::directory::Directory;
use tantivy::error::DataCorruption;
use tantivy::{Index, TantivyError};

use crate::error::{Error, Result};

mod journal;
mod list;

/// File-name prefixes of the files a commit's stamp names.
const FILES: &str = "archive-files-";
const JOURNAL: &str = "archive-journal-";
pub(crate) const FOLDERS: &str = "archive-folders-";
/// A journal holds at most this many entries, and one more for every 32 files listed, before
/// the list is written whole again.
const JOURNAL_ENTRIES: usize = 64;
/// The index files last found whole (see [`crate::store`]).
pub(crate) const CHECKED: &str = "archive-checked.bin";
/// What a search found damaged, until a run rebuilds the index (damage every checksum
/// passes is found by reading it only).
pub(crate) const DAMAGED: &str = "archive-damaged.bin";

/// The payload of each commit.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Payload {
    /// The analyzer's fingerprint at build time.
    pub analyzer: String,
    /// Names this commit's files (the commit's opstamp).
    pub stamp: u64,
    /// The commit whose whole file list this commit's journal updates; `None` when this
    /// commit's file list is whole (the payload then reads as before journals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<u64>,
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
    /// Every indexed file, by path relative to the archive folder. An update changes it
    /// through [`Manifest::insert`] and [`Manifest::remove`], which note the change for the
    /// journal.
    pub files: BTreeMap<String, FileEntry>,
    /// The stamp of the whole list `files` was read from (none for a new manifest), and the
    /// entries changed since (`None`: removed).
    base: Option<u64>,
    changes: BTreeMap<String, Option<FileEntry>>,
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
    /// A manifest of no file yet, for the analyzer of fingerprint `analyzer`.
    pub fn new(analyzer: String) -> Manifest {
        Manifest {
            analyzer,
            ..Default::default()
        }
    }

    /// The manifest of the commit `payload` describes, in the index folder `dir`; which file
    /// is missing or damaged (whose checksum or stamps do not hold) when it cannot be read.
    pub fn load(dir: &Path, payload: &Payload) -> std::result::Result<Manifest, String> {
        let base = payload.base.unwrap_or(payload.stamp);
        let damaged = |name: String| format!("{name} is missing or damaged");
        let journal = match payload.base {
            Some(base) => {
                let name = stamped(JOURNAL, payload.stamp);
                let bytes = read_index_file(&dir.join(&name)).ok();
                let read = bytes.and_then(|b| journal::unpack(&b, payload.stamp, base));
                read.ok_or_else(|| damaged(name))?
            }
            None => Vec::new(),
        };
        let name = stamped(FILES, base);
        let packed = read_index_file(&dir.join(&name)).ok();
        let list = packed.and_then(|packed| list::unpack(&packed));
        let (files, sized) = list.ok_or_else(|| damaged(name))?;
        let mut manifest = Manifest {
            analyzer: payload.analyzer.clone(),
            files,
            // A list that does not state its size is written whole again, once.
            base: sized.then_some(base),
            changes: BTreeMap::new(),
        };
        for (rel, entry) in journal {
            match entry {
                Some(entry) => manifest.insert(rel, entry),
                None => {
                    manifest.remove(&rel);
                }
            }
        }
        Ok(manifest)
    }

    /// True when the files of the commit `payload` describes are there (without reading them).
    pub fn exists(dir: &Path, payload: &Payload) -> bool {
        let base = payload.base.unwrap_or(payload.stamp);
        dir.join(stamped(FILES, base)).is_file()
            && (payload.base.is_none() || dir.join(stamped(JOURNAL, payload.stamp)).is_file())
    }

    /// Adds or replaces the entry of the file `rel`.
    pub fn insert(&mut self, rel: String, entry: FileEntry) {
        self.changes.insert(rel.clone(), Some(entry.clone()));
        self.files.insert(rel, entry);
    }

    /// Removes the entry of the file `rel`, returning it.
    pub fn remove(&mut self, rel: &str) -> Option<FileEntry> {
        let old = self.files.remove(rel)?;
        self.changes.insert(rel.to_string(), None);
        Some(old)
    }

    /// Writes the files for the commit stamped `stamp` (before that commit) and returns the
    /// payload's base: the journal of the changes since the last whole list, while they are
    /// few (its cost follows them: one file changed in 71,000 wrote 1.4 MB compressed, a
    /// fifth of an update's instructions); else the whole list, compressed.
    pub fn save(&self, dir: &Path, stamp: u64) -> Result<Option<u64>> {
        match self.base {
            Some(base) if self.changes.len() <= JOURNAL_ENTRIES + self.files.len() / 32 => {
                let journal = journal::pack(stamp, base, &self.changes);
                write_bytes(dir, &stamped(JOURNAL, stamp), &journal)?;
                Ok(Some(base))
            }
            _ => {
                write_bytes(dir, &stamped(FILES, stamp), &list::pack(&self.files))?;
                Ok(None)
            }
        }
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

/// The bytes of an index file of ours: a regular file, of any size (the file list of a large
/// archive is megabytes), never a read that blocks.
fn read_index_file(path: &Path) -> std::io::Result<Vec<u8>> {
    crate::corpus::read_regular(path, u64::MAX)
}

/// Reads the file `name` of the index folder `dir`; `None` when it is missing or damaged.
pub(crate) fn read<T: DeserializeOwned>(dir: &Path, name: &str) -> Option<T> {
    let bytes = read_index_file(&dir.join(name)).ok()?;
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
    [FILES, JOURNAL, FOLDERS, CHECKED, DAMAGED]
        .iter()
        .any(|prefix| name.starts_with(prefix))
}

/// Removes the files no commit but `payload`'s names (all of them for none), and temporary
/// files left by a crash. Best effort: a search renewing the snapshot may be renaming its
/// temporary file right now.
pub fn remove_others(dir: &Path, payload: Option<&Payload>) {
    let mut keep = vec![CHECKED.to_string(), DAMAGED.to_string()];
    if let Some(p) = payload {
        keep.push(stamped(FILES, p.base.unwrap_or(p.stamp)));
        keep.push(stamped(FOLDERS, p.stamp));
        keep.extend(p.base.map(|_| stamped(JOURNAL, p.stamp)));
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(story: &str) -> FileEntry {
        FileEntry {
            hash: format!("{story:0>64}"),
            size: story.len() as u64,
            mtime: 7,
            story: story.into(),
            lang: "zh".into(),
            passages: 3,
            marked: false,
            title: format!("标题 {story}"),
            date: "2022-09-12".into(),
        }
    }

    fn listing(rels: &[&str]) -> Manifest {
        let mut manifest = Manifest::new("a".into());
        for rel in rels {
            manifest.insert(rel.to_string(), entry(rel));
        }
        manifest
    }

    fn payload(stamp: u64, base: Option<u64>) -> Payload {
        Payload {
            analyzer: "a".into(),
            stamp,
            base,
        }
    }

    #[test]
    fn a_file_list_reads_back_as_it_was_written() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = listing(&["b/zh.md", "a.txt", "a/en.md", "霍尔果斯.md"]);
        assert_eq!(manifest.save(dir.path(), 9).unwrap(), None);
        assert_eq!(
            Manifest::load(dir.path(), &payload(9, None)).unwrap().files,
            manifest.files
        );
        // A list that does not state its size (written as a stream, before lists were written
        // in one call) reads back too.
        let bytes = bincode::serialize(&manifest.files).unwrap();
        let mut encoder = zstd::Encoder::new(Vec::new(), 3).unwrap();
        encoder.include_contentsize(false).unwrap();
        encoder.write_all(&bytes).unwrap();
        let packed = encoder.finish().unwrap();
        write_bytes(dir.path(), &stamped(FILES, 10), &packed).unwrap();
        let mut streamed = Manifest::load(dir.path(), &payload(10, None)).unwrap();
        assert_eq!(streamed.files, manifest.files);
        // The next update writes it whole, stating its size, instead of a journal.
        streamed.remove("a.txt");
        assert_eq!(streamed.save(dir.path(), 11).unwrap(), None);
        assert_eq!(
            Manifest::load(dir.path(), &payload(11, None))
                .unwrap()
                .files,
            streamed.files
        );
    }

    #[test]
    fn a_journal_applies_every_change_since_its_base_and_grows_into_a_whole_list() {
        let dir = tempfile::tempdir().unwrap();
        let rels: Vec<String> = (0..200).map(|i| format!("s{i:03}.txt")).collect();
        let rels: Vec<&str> = rels.iter().map(String::as_str).collect();
        listing(&rels).save(dir.path(), 9).unwrap();
        let mut manifest = Manifest::load(dir.path(), &payload(9, None)).unwrap();
        // Changed, removed, added, and added then removed again.
        manifest.insert("s001.txt".into(), entry("changed"));
        manifest.remove("s002.txt");
        manifest.insert("new.txt".into(), entry("new"));
        manifest.insert("gone.txt".into(), entry("gone"));
        assert_eq!(manifest.save(dir.path(), 12).unwrap(), Some(9));
        let mut read = Manifest::load(dir.path(), &payload(12, Some(9))).unwrap();
        assert_eq!(read.files, manifest.files);
        // The next journal holds this run's changes and the last one's.
        read.remove("gone.txt");
        read.insert("s003.txt".into(), entry("again"));
        assert_eq!(read.save(dir.path(), 15).unwrap(), Some(9));
        let again = Manifest::load(dir.path(), &payload(15, Some(9))).unwrap();
        assert_eq!(again.files, read.files);
        assert_eq!(again.files["s001.txt"], entry("changed"));
        assert!(!again.files.contains_key("s002.txt") && !again.files.contains_key("gone.txt"));
        // Without its journal, or its base, a commit's list is not read (the update rebuilds).
        remove_others(dir.path(), Some(&payload(15, Some(9))));
        assert!(Manifest::exists(dir.path(), &payload(15, Some(9))));
        assert!(!Manifest::exists(dir.path(), &payload(12, Some(9))));
        assert_eq!(
            Manifest::load(dir.path(), &payload(12, Some(9))).err(),
            Some("archive-journal-12.bin is missing or damaged".to_string())
        );
        // Nor is one whose bytes changed, or another commit's journal in its place.
        let journal = dir.path().join(stamped(JOURNAL, 15));
        let mut bytes = std::fs::read(&journal).unwrap();
        std::fs::write(dir.path().join(stamped(JOURNAL, 16)), &bytes).unwrap();
        assert!(Manifest::load(dir.path(), &payload(16, Some(9))).is_err());
        bytes[20] ^= 1;
        std::fs::write(&journal, &bytes).unwrap();
        assert!(Manifest::load(dir.path(), &payload(15, Some(9))).is_err());
        bytes[20] ^= 1;
        std::fs::write(&journal, &bytes).unwrap();
        assert!(Manifest::load(dir.path(), &payload(15, Some(9))).is_ok());
        // Nor a whole list whose bytes changed (its checksum).
        let list = dir.path().join(stamped(FILES, 9));
        let mut bytes = std::fs::read(&list).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x10;
        std::fs::write(&list, &bytes).unwrap();
        assert!(Manifest::load(dir.path(), &payload(15, Some(9))).is_err());
        bytes[middle] ^= 0x10;
        std::fs::write(&list, &bytes).unwrap();
        // Past its bound, the list is written whole and the journal starts again.
        let mut many = again;
        for i in 0..JOURNAL_ENTRIES + 10 {
            many.insert(format!("more{i}.txt"), entry("more"));
        }
        assert_eq!(many.save(dir.path(), 20).unwrap(), None);
        let whole = Manifest::load(dir.path(), &payload(20, None)).unwrap();
        assert_eq!(whole.files, many.files);
        remove_others(dir.path(), Some(&payload(20, None)));
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["archive-files-20.bin"]);
    }
}
