//! The whole file list: bincode, compressed with zstd in one frame that states its size and
//! holds a checksum of its content.

use std::collections::BTreeMap;

use bincode::Options;
use serde::de::{DeserializeSeed, Deserializer, SeqAccess, Visitor};

use super::FileEntry;

/// The zstd level (the list is read only by `archive index`; level 3 is about as small as 9,
/// level 1 more than twice as large).
const LEVEL: i32 = 3;
/// How many times its compressed size a list's stated size may be (a damaged frame would
/// otherwise ask for any amount of memory); lists shrink 4 to 13 times.
const MAX_RATIO: u64 = 64;

/// The list `files`, compressed: its paths, titles and hashes in hex shrink to a quarter or
/// less.
pub(super) fn pack(files: &BTreeMap<String, FileEntry>) -> Vec<u8> {
    let bytes = bincode::serialize(files).expect("manifest serializes");
    // With its checksum, which decompressing checks: a damaged list is found out.
    let mut compressor = zstd::bulk::Compressor::new(LEVEL).expect("a zstd context");
    compressor.include_checksum(true).expect("a zstd parameter");
    compressor.compress(&bytes).expect("compressing in memory")
}

/// The whole file list `packed` holds, and whether it states its size; `None` when it is
/// damaged.
pub(super) fn unpack(packed: &[u8]) -> Option<(BTreeMap<String, FileEntry>, bool)> {
    // Decompressed in one call into a buffer of the size the frame states: read as a stream,
    // the 19 MB of 71,000 files grew a buffer by doubling, every new page zeroed by the
    // kernel. Lists written before they stated it are read as a stream.
    let (bytes, sized) = match zstd::zstd_safe::get_frame_content_size(packed) {
        Ok(Some(size)) if size <= MAX_RATIO * packed.len() as u64 => {
            (zstd::bulk::decompress(packed, size as usize).ok()?, true)
        }
        _ => (zstd::decode_all(packed).ok()?, false),
    };
    // bincode writes a map as its pairs, so they are read as a list, in the map's order,
    // and the map built from it at once (inserting 71,000 files one by one was a tenth of an
    // update).
    let pairs = bincode::DefaultOptions::new()
        .with_fixint_encoding()
        .allow_trailing_bytes()
        .deserialize_seed(Pairs(bytes.len()), &bytes)
        .ok()?;
    Some((pairs.into_iter().collect(), sized))
}

/// Reads a file list's pairs (as `bincode::deserialize` does) into a vector of the length the
/// list states, at most one pair per [`MIN_PAIR_BYTES`] of the `.0` bytes it is read from:
/// serde grows a vector it is not sure of by doubling, the kernel zeroing each new page.
struct Pairs(usize);

/// The fewest bytes bincode writes for a path and its [`FileEntry`] (the path's length and
/// eight string and number fields of eight bytes at least, and a boolean).
const MIN_PAIR_BYTES: usize = 9 * 8 + 1;

impl<'de> DeserializeSeed<'de> for Pairs {
    type Value = Vec<(String, FileEntry)>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Pairs {
    type Value = Vec<(String, FileEntry)>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a file list")
    }

    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let bound = self.0 / MIN_PAIR_BYTES;
        let mut pairs = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(bound));
        while let Some(pair) = seq.next_element()? {
            pairs.push(pair);
        }
        Ok(pairs)
    }
}
