//! Building and updating the index. Files are compared by size and modification time, then by
//! content hash; only added, changed and removed files are applied, in one atomic commit, so
//! an interrupted run leaves the previous index intact. An analyzer change rebuilds everything.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Instant;

use tantivy::index::SegmentId;
use tantivy::Term;

use crate::analysis::Analyzers;
use crate::corpus::{self, SourceFile};
use crate::error::{Error, Result};
use crate::fresh::Snapshot;
use crate::manifest::{self, FileEntry, Manifest, Payload};
use crate::schema::{self, Fields};
use crate::store::{self, Writer};

mod compare;
mod documents;
mod feed;
mod merge;
mod plan;

pub use self::compare::{freshness, is_fresh, Freshness};
use self::compare::{held, unchanged};
pub use self::merge::compact;
use self::merge::{damage_met, merge_stepwise, next_merge};
use self::plan::plan;

/// Memory the index writer may use before flushing a segment, across all its threads. A full
/// build's memory peaks as the writer fills and flushes a segment, documents queued for it
/// meanwhile: the 527 MB archive's build peaked at 301 MB with 96 MiB, 263 to 288 MB with
/// 64 MiB (three runs), 258 MB with 48 MiB (the segments are merged after the commit, whatever
/// their number; the Chinese and English corpora index as fast).
const WRITER_MEMORY: usize = 48 * 1024 * 1024;
/// The index writer's threads: one, so that a run writes one segment (until its memory is
/// full): each segment has term dictionaries of its own, and two made the Chinese set's index
/// 8% larger. The writer only files tokens (the reading threads of [`feed`] analyse).
const WRITER_THREADS: usize = 1;

/// Receives progress while files are indexed (the binary draws a bar with it).
pub trait Progress {
    /// `total` files are about to be read.
    fn start(&self, total: u64);
    /// One more file was read.
    fn advance(&self, path: &str);
    /// Reading is done; committing follows.
    fn finish(&self);
    /// True once the user asked to stop (Ctrl-C): the run rolls back at the next file.
    fn cancelled(&self) -> bool {
        false
    }
}

/// A progress sink that ignores everything.
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _: u64) {}
    fn advance(&self, _: &str) {}
    fn finish(&self) {}
}

/// What an indexing run did.
#[derive(Debug, Default)]
pub struct Report {
    /// Stories in the index afterwards.
    pub stories: usize,
    /// Passages in the index afterwards.
    pub passages: u64,
    /// Languages in the index afterwards.
    pub languages: Vec<String>,
    /// Files added, changed, removed, unchanged in this run.
    pub added: usize,
    /// See `added`.
    pub changed: usize,
    /// See `added`.
    pub removed: usize,
    /// See `added`.
    pub unchanged: usize,
    /// True when the index was rebuilt from scratch (new, or a new analyzer).
    pub rebuilt: bool,
    /// Why the index on disk could not be read, when it was rebuilt for that.
    pub damaged: Option<String>,
    /// Files skipped, with the reason.
    pub skipped: Vec<(String, String)>,
    /// The story and language of each file this run indexed (what the self-test samples).
    pub indexed: Vec<(String, String)>,
    /// Warnings about files that were indexed.
    pub warnings: Vec<(String, String)>,
    /// Wall time.
    pub seconds: f64,
}

impl Report {
    /// True when the run changed nothing in the index.
    pub fn nothing_to_do(&self) -> bool {
        !self.rebuilt && self.added + self.changed + self.removed == 0
    }
}

/// Builds or updates the index at `index_dir` from the archive at `archive`. A run that fails
/// (a full disk, an interruption, any error) removes every file it wrote and leaves the last
/// commit as it was.
pub fn build(
    archive: &Path,
    index_dir: &Path,
    analyzers: &Analyzers,
    progress: &dyn Progress,
) -> Result<Report> {
    let started = Instant::now();
    feed::prepare(archive, index_dir, &analyzers.segmenter);
    let mut report = match build_once(archive, index_dir, analyzers, progress, None)? {
        Built::Done(report) => report,
        // Damage the update did not look for (a file's size and time kept) met by a merge,
        // after the commit: the index is rebuilt from the archive, once.
        Built::Damaged(why) => {
            match build_once(archive, index_dir, analyzers, progress, Some(why))? {
                Built::Done(report) => report,
                Built::Damaged(why) => return Err(Error::damaged(index_dir, why)),
            }
        }
    };
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// How one pass of [`build`] ended.
enum Built {
    Done(Report),
    /// Committed, then a merge met damage in the index (the panic's message).
    Damaged(String),
}

/// One pass of [`build`]; with `damaged` (why), the index is rebuilt from the archive.
fn build_once(
    archive: &Path,
    index_dir: &Path,
    analyzers: &Analyzers,
    progress: &dyn Progress,
    damaged: Option<String>,
) -> Result<Built> {
    let scan = corpus::scan(archive)?;
    store::check_folder(index_dir)?;
    store::check_place(index_dir, archive)?;
    if store::is_read_only(index_dir) {
        return Err(Error::ReadOnly(index_dir.to_path_buf()));
    }
    let before = store::Before::note(index_dir);
    let mut needed = 0;
    let result = write(scan, index_dir, analyzers, progress, &mut needed, damaged);
    match result {
        // Committed (or only merging what a killed run left): from here on the new files are
        // the index; nothing may be undone.
        Ok((report, Some((mut writer, before)))) => {
            let index = writer.index().clone();
            let merged = merge_stepwise(&index, &mut writer, &before);
            // Best effort: unmerged, the index is as good, a search a little slower; what a
            // failed merge wrote (on a full disk) goes at once.
            if merged.is_err() {
                let _ = writer.garbage_collect_files().wait();
            }
            writer.wait_merging_threads()?;
            store::make_readable(index_dir)?;
            if let Some(why) = merged.as_ref().err().and_then(damage_met) {
                return Ok(Built::Damaged(why));
            }
            // Best effort: without the record, the next run reads every file again.
            let _ = store::note_whole(&index, index_dir);
            if report.damaged.is_some() {
                store::forget_damage(index_dir);
            }
            Ok(Built::Done(report))
        }
        Ok((report, None)) => Ok(Built::Done(report)),
        Err(e @ Error::Busy(_)) => Err(e),
        Err(e) => {
            let written = before.restore();
            if !e.is_disk_full() {
                return Err(e);
            }
            Err(Error::DiskFull {
                path: index_dir.to_path_buf(),
                needed: needed.max(written + written / 4),
                written,
            })
        }
    }
}

/// A committed run's writer, with the segments there were before the run (see
/// [`merge_stepwise`]).
type Unmerged = (Writer, Vec<SegmentId>);

/// An index takes about this many times the bytes of the text it holds (positions, Han
/// bigrams, stored text): a rough guide to the room a run needs.
pub(crate) const INDEX_BYTES_PER_TEXT_BYTE: u64 = 3;

/// The writing part of [`build`], up to and including the commit; sets `needed` to the room it
/// expects to need. Returns the writer when it committed or there are segments to merge, with
/// the segments there were before the run.
fn write(
    scan: corpus::Scan,
    index_dir: &Path,
    analyzers: &Analyzers,
    progress: &dyn Progress,
    needed: &mut u64,
    found: Option<String>,
) -> Result<(Report, Option<Unmerged>)> {
    let store::Writing {
        index,
        mut writer,
        damaged,
    } = store::open_write(index_dir, analyzers, WRITER_THREADS, WRITER_MEMORY)?;
    // Damage found before, by a merge: the index is rebuilt whatever its checksums say.
    let damaged = damaged.or(found);
    let payload = Payload::of(&index)?.unwrap_or_default();
    let before = index.searchable_segment_ids()?;
    let mut snapshot = Snapshot::of(&scan);
    if damaged.is_none() && payload.analyzer == analyzers.fingerprint() {
        if let Some(last) = Snapshot::load(index_dir, payload.stamp) {
            if last.files == snapshot.files && Manifest::exists(index_dir, &payload) {
                let report = unchanged(scan, last, snapshot, index_dir, payload.stamp)?;
                // A run killed while merging left segments to merge: this one merges them.
                let unmerged = next_merge(&index)?.len() > 1;
                return Ok((report, unmerged.then_some((writer, before))));
            }
        }
    }
    let fingerprint = analyzers.fingerprint();
    let mut damaged = damaged;
    // Another analyzer's index is rebuilt whatever its list; this one's must read whole.
    let old = if damaged.is_some() || payload.analyzer != fingerprint {
        Manifest::default()
    } else {
        Manifest::load(index_dir, &payload).unwrap_or_else(|why| {
            damaged = Some(why);
            Manifest::default()
        })
    };
    let rebuilt = old.analyzer != fingerprint;
    let mut manifest = if rebuilt {
        writer.delete_all_documents()?;
        Manifest::new(fingerprint)
    } else {
        old
    };
    let plan = plan(&scan.files, &manifest, &scan.unseen);
    *needed = plan.load.iter().map(|f| f.size).sum::<u64>() * INDEX_BYTES_PER_TEXT_BYTE;
    let mut report = Report {
        rebuilt,
        damaged,
        unchanged: plan.unchanged,
        skipped: scan.skipped,
        ..Default::default()
    };
    let fields = Fields::of(&index.schema())?;
    // A file's documents, its passages and story document, all hold its unit.
    let remove = |writer: &Writer, e: &FileEntry| {
        writer.delete_term(Term::from_field_u64(
            fields.unit,
            schema::unit(&e.story, &e.lang),
        ));
    };
    for rel in &plan.remove {
        if let Some(e) = manifest.remove(rel) {
            remove(&writer, &e);
        }
        report.removed += 1;
    }
    let mut failed = Vec::new();
    let mut failed_at = Vec::new();
    progress.start(plan.load.len() as u64);
    // A changed file's old documents go first: its new ones come after the deletion.
    let existed: Vec<bool> = plan
        .load
        .iter()
        .map(|file| {
            let old = manifest.remove(&file.rel);
            if let Some(e) = &old {
                remove(&writer, e);
            }
            old.is_some()
        })
        .collect();
    let outcomes = feed::add_files(&writer, &fields, analyzers, &plan.load, progress)
        .map_err(|e| thread_error(&mut writer, e))?;
    for ((file, outcome), existed) in plan.load.iter().zip(outcomes).zip(existed) {
        match outcome {
            Ok(added) => {
                for w in added.warnings {
                    report.warnings.push((file.rel.clone(), w));
                }
                report
                    .indexed
                    .push((added.entry.story.clone(), added.entry.lang.clone()));
                manifest.insert(file.rel.clone(), added.entry);
                // A file read again only for its unit was counted unchanged.
                if !existed {
                    report.added += 1;
                } else if !plan.reread.contains(&file.rel) {
                    report.changed += 1;
                }
            }
            Err(why) => {
                if existed {
                    report.removed += 1;
                }
                failed.push((file.rel.clone(), why));
                failed_at.push((file.rel.clone(), file.size, file.mtime as u64));
            }
        }
    }
    progress.finish();
    if progress.cancelled() {
        return Err(Error::Interrupted);
    }
    let committed = !report.nothing_to_do() || !plan.touched.is_empty();
    for (rel, entry) in plan.touched {
        manifest.insert(rel, entry);
    }
    report.warnings.extend(misaligned(&manifest, &plan.load));
    report.warnings.extend(clashing(&manifest, &plan.load));
    report.skipped.extend(failed.iter().cloned());
    // The searches' full comparison need not read these again while they keep size and time.
    snapshot.held = held(&manifest, failed, failed_at);
    if committed {
        let mut commit = writer.prepare_commit()?;
        let stamp = commit.opstamp();
        let payload = Payload {
            analyzer: manifest.analyzer.clone(),
            stamp,
            base: manifest.save(index_dir, stamp)?,
        };
        snapshot.save(index_dir, stamp)?;
        commit.set_payload(&payload.to_json());
        commit.commit()?;
        manifest::remove_others(index_dir, Some(&payload));
    } else if Snapshot::load(index_dir, payload.stamp).is_none_or(|s| s.outdated_by(&snapshot)) {
        // Nothing to index, but folder times moved (a file saved unchanged, a temporary file
        // come and gone): renewing the snapshot keeps the searches' check quick.
        snapshot.save(index_dir, payload.stamp)?;
    }
    report.stories = snapshot.held.stories;
    report.passages = snapshot.held.passages;
    report.languages = snapshot.held.languages;
    let unmerged = committed || next_merge(&index)?.len() > 1;
    Ok((report, unmerged.then_some((writer, before))))
}

/// A writer whose thread failed (on a full disk) refuses documents saying only that it was
/// killed; the thread's own error comes out when its threads are joined.
fn thread_error(writer: &mut Writer, e: Error) -> Error {
    match e {
        Error::Tantivy(_) => writer.prepare_commit().err().map_or(e, Error::from),
        e => e,
    }
}

/// Files of this run that are the same story in the same language as another file (`x.md`
/// beside `x.txt`, `report.txt` beside `report/en.md`): their passages are numbered as one
/// story's, and each file's first passage is ¶1.
fn clashing(manifest: &Manifest, loaded: &[SourceFile]) -> Vec<(String, String)> {
    let loaded: BTreeSet<&str> = loaded.iter().map(|f| f.rel.as_str()).collect();
    let keys: BTreeSet<(&str, &str)> = loaded
        .iter()
        .filter_map(|rel| manifest.files.get(*rel))
        .map(|e| (e.story.as_str(), e.lang.as_str()))
        .collect();
    let mut files: BTreeMap<(&str, &str), Vec<&str>> = BTreeMap::new();
    for (rel, e) in &manifest.files {
        let key = (e.story.as_str(), e.lang.as_str());
        if keys.contains(&key) {
            files.entry(key).or_default().push(rel);
        }
    }
    files
        .into_iter()
        .filter(|(_, rels)| rels.len() > 1)
        .filter_map(|((story, lang), rels)| {
            let first = *rels.iter().find(|r| loaded.contains(*r))?;
            let why = format!(
                "{} are all story {story:?} in {lang}: their passages are mixed as one story's; \
                 rename all but one",
                rels.join(", ")
            );
            Some((first.to_string(), why))
        })
        .collect()
}

/// Stories changed in this run whose language versions differ in passage count and have no
/// alignment markers: no counterpart can be shown (it would be another paragraph).
fn misaligned(manifest: &Manifest, loaded: &[SourceFile]) -> Vec<(String, String)> {
    let changed: BTreeSet<&str> = loaded
        .iter()
        .filter_map(|f| manifest.files.get(&f.rel))
        .map(|e| e.story.as_str())
        .collect();
    let mut versions: BTreeMap<&str, Vec<(&String, &FileEntry)>> = BTreeMap::new();
    for (path, e) in &manifest.files {
        if changed.contains(e.story.as_str()) {
            versions
                .entry(e.story.as_str())
                .or_default()
                .push((path, e));
        }
    }
    versions
        .into_iter()
        .filter(|(_, v)| v.iter().any(|(_, e)| e.passages != v[0].1.passages))
        .filter(|(_, v)| v.iter().all(|(_, e)| !e.marked))
        .map(|(story, v)| {
            let counts: Vec<String> = v
                .iter()
                .map(|(p, e)| format!("{p} {}", e.passages))
                .collect();
            (
                story.to_string(),
                format!(
                    "language versions do not line up (passages: {}); no counterparts are shown \
                     unless alignment markers (<!-- ¶ N -->) pair them",
                    counts.join(", ")
                ),
            )
        })
        .collect()
}
