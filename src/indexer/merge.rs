//! Merging segments after a run: a search pays for every segment, so they are merged a few at
//! a time, each merge waited for, with memory bounded by the documents merged (the pages
//! merges read are handed back as they write: `store::paged`).

use std::path::{Path, PathBuf};

use tantivy::index::SegmentId;
use tantivy::TantivyError;

use super::WRITER_MEMORY;
use crate::analysis::Analyzers;
use crate::error::{Error, Result};
use crate::store::{self, Writer};

/// Merges the index into one segment (fewer files, faster opening; for bundles).
pub fn compact(index_dir: &Path, analyzers: &Analyzers) -> Result<()> {
    let store::Writing {
        index, mut writer, ..
    } = store::open_write(index_dir, analyzers, 1, WRITER_MEMORY / 2)?;
    let segments = index.searchable_segment_ids()?;
    merge(&mut writer, &segments, &segments).map_err(|e| match damage_met(&e) {
        Some(why) => Error::damaged(index_dir, why),
        None => e,
    })?;
    writer.wait_merging_threads()?;
    Ok(())
}

/// Segments of at most this many documents (passages) together are always merged at the end of
/// a run: cheap, so a small archive's index stays one segment however it grew.
const SMALL_DOCS: u64 = 10_000;
/// A segment joins a merge while it holds at most this many times the documents of the others
/// merged with it: merging a large segment for a small update would rewrite the archive each
/// time, while segments of like sizes (the writer's, in a full build) merge into one.
const JOIN_FACTOR: u64 = 4;
/// Most documents one merge writes: its memory grows with them (tantivy's maps from old to new
/// document numbers: merging the 3.65 million passages of a 527 MB archive took 45 MB), so a
/// larger archive keeps one segment per this many.
const MERGED_DOCS_AT_MOST: u64 = 8_000_000;

/// Merges segments after a commit, a few at a time, each merge waited for: a search pays for
/// every segment. First the segments the run wrote (`before`: those there before it) merge
/// together, whatever their sizes, so a full build ends as one segment (up to
/// [`MERGED_DOCS_AT_MOST`] documents) even when the writer's last flush was small; then small
/// segments merge with small ones and like sizes together (see [`JOIN_FACTOR`]), so the small
/// segment an update adds does not rewrite the archive. Each merge's memory is bounded by its
/// documents (the pages it reads are handed back as it writes: `store::paged`).
pub(super) fn merge_stepwise(
    index: &tantivy::Index,
    writer: &mut Writer,
    before: &[SegmentId],
) -> Result<()> {
    let written: Vec<(u64, SegmentId)> = sizes(index)?
        .into_iter()
        .filter(|(_, id)| !before.contains(id))
        .collect();
    merge(writer, &bounded(&written), before)?;
    loop {
        let group = next_merge(index)?;
        if group.len() < 2 {
            writer.garbage_collect_files().wait()?;
            return Ok(());
        }
        merge(writer, &group, before)?;
    }
}

/// The damage a failed merge met in the index, in a few words: a segment failing its
/// checksum, or inconsistent data that made tantivy's merge thread panic.
pub(super) fn damage_met(e: &Error) -> Option<String> {
    match e {
        Error::Damaged { detail, .. } => Some(detail.clone()),
        Error::Tantivy(TantivyError::SystemError(why)) => why
            .strip_prefix("Merge thread panicked: ")
            .map(|what| format!("inconsistent data: {what}")),
        _ => None,
    }
}

/// The segments of `index` with their documents, fewest first.
fn sizes(index: &tantivy::Index) -> Result<Vec<(u64, SegmentId)>> {
    let mut segments: Vec<(u64, SegmentId)> = index
        .searchable_segment_metas()?
        .iter()
        .map(|m| (u64::from(m.num_docs()), m.id()))
        .collect();
    segments.sort();
    Ok(segments)
}

/// The smallest of `segments` (sorted by documents) that one merge may write together: at
/// most [`MERGED_DOCS_AT_MOST`] documents.
fn bounded(segments: &[(u64, SegmentId)]) -> Vec<SegmentId> {
    let mut total = 0;
    let within = segments.iter().take_while(|&&(docs, _)| {
        total += docs;
        total <= MERGED_DOCS_AT_MOST
    });
    within.map(|&(_, id)| id).collect()
}

/// The segments of `index` to merge next (none or one: nothing to merge).
pub(super) fn next_merge(index: &tantivy::Index) -> Result<Vec<SegmentId>> {
    Ok(mergeable(&sizes(index)?))
}

/// The longest run of the smallest `segments` (sorted by documents) worth merging: at most
/// [`MERGED_DOCS_AT_MOST`] documents, and either all small or none holding more than
/// [`JOIN_FACTOR`] times the others' documents.
fn mergeable(segments: &[(u64, SegmentId)]) -> Vec<SegmentId> {
    let mut total = 0;
    let mut longest = 0;
    for (n, &(docs, _)) in segments.iter().enumerate() {
        if total + docs > MERGED_DOCS_AT_MOST {
            break;
        }
        // Sorted: the segment just added is the largest of the run.
        let balanced = docs <= JOIN_FACTOR * total;
        total += docs;
        if n > 0 && (total <= SMALL_DOCS || balanced) {
            longest = n + 1;
        }
    }
    segments[..longest].iter().map(|&(_, id)| id).collect()
}

/// Merges `segments` into one and removes the files they leave, before returning: tantivy's
/// own merging runs on its threads, which the process may outlive. The checksums of those
/// among `unchecked` (segments this run did not write) are read first: the merge reads them
/// whole anyway, and would carry damage that kept a file's size and time (which a run does
/// not look for) into a new file with a checksum of its own.
fn merge(writer: &mut Writer, segments: &[SegmentId], unchecked: &[SegmentId]) -> Result<()> {
    if segments.len() > 1 {
        let old: Vec<SegmentId> = (segments.iter())
            .filter(|s| unchecked.contains(s))
            .copied()
            .collect();
        if let Some(why) = store::failing_checksum(writer.index(), &old)? {
            return Err(Error::damaged(PathBuf::new(), why));
        }
        writer.merge(segments).wait()?;
    }
    writer.garbage_collect_files().wait()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How many of the segments of `docs` documents (sorted) the next merge takes.
    fn taken(docs: &[u64]) -> usize {
        let segments: Vec<(u64, SegmentId)> = docs
            .iter()
            .map(|&d| (d, SegmentId::generate_random()))
            .collect();
        mergeable(&segments).len()
    }

    #[test]
    fn a_full_build_merges_whole_and_a_small_update_stays_apart() {
        // The writer's segments of the 527 MB archive: all merged, its last, smaller one too.
        let build: Vec<u64> = [99_240].into_iter().chain([330_000; 11]).collect();
        assert_eq!(taken(&build), 12);
        assert_eq!(taken(&[5_000, 330_000, 330_000]), 3);
        assert_eq!(taken(&[40, 3_650_000]), 0);
        assert_eq!(taken(&[40, 60, 3_650_000]), 2);
        // Small segments merge whatever their sizes; a larger one joins like sizes only.
        assert_eq!(taken(&[1, 9_000, 200_000]), 2);
        assert_eq!(taken(&[11_000, 12_000, 3_650_000]), 2);
    }

    #[test]
    fn a_runs_own_segments_merge_whatever_their_sizes_within_the_bound() {
        let ids = |docs: &[u64]| -> Vec<(u64, SegmentId)> {
            docs.iter()
                .map(|&d| (d, SegmentId::generate_random()))
                .collect()
        };
        // The English corpora's build: the writer's last flush a tenth of its first.
        assert_eq!(taken(&[26_413, 290_728]), 0);
        assert_eq!(bounded(&ids(&[26_413, 290_728])).len(), 2);
        let half = MERGED_DOCS_AT_MOST / 2;
        assert_eq!(bounded(&ids(&[half, half, half])).len(), 2);
        assert_eq!(bounded(&ids(&[MERGED_DOCS_AT_MOST + 1])).len(), 0);
    }

    #[test]
    fn no_merge_writes_more_than_its_bound() {
        let many = [500_000; 30];
        let n = taken(&many);
        assert_eq!(n as u64, MERGED_DOCS_AT_MOST / 500_000);
        // What is left after the bound's merges: the rest merge together, not into the full ones.
        assert_eq!(taken(&[500_000, 500_000, MERGED_DOCS_AT_MOST]), 2);
    }
}
