//! A commit's journal: the entries changed since its base's whole list, with the stamps of the
//! commit and of its base and a checksum of all of it, so that a damaged journal, or another
//! commit's put in its place, is found out instead of read as this commit's.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::FileEntry;

/// The journal as written.
#[derive(Serialize)]
struct Written<'a> {
    stamp: u64,
    base: u64,
    changes: &'a BTreeMap<String, Option<FileEntry>>,
}

/// The journal as read (bincode writes a map as its pairs).
#[derive(Deserialize)]
struct Read {
    stamp: u64,
    base: u64,
    changes: Vec<(String, Option<FileEntry>)>,
}

/// The journal of the commit stamped `stamp` over the whole list of `base`, followed by the
/// BLAKE3 hash of what precedes it.
pub(super) fn pack(
    stamp: u64,
    base: u64,
    changes: &BTreeMap<String, Option<FileEntry>>,
) -> Vec<u8> {
    let written = Written {
        stamp,
        base,
        changes,
    };
    let mut bytes = bincode::serialize(&written).expect("journal serializes");
    let sum = blake3::hash(&bytes);
    bytes.extend_from_slice(sum.as_bytes());
    bytes
}

/// The changes `bytes` holds when they are whole and the journal of the commit stamped
/// `stamp` over the list of `base`; `None` otherwise.
pub(super) fn unpack(
    bytes: &[u8],
    stamp: u64,
    base: u64,
) -> Option<Vec<(String, Option<FileEntry>)>> {
    let (body, sum) = bytes.split_at(bytes.len().checked_sub(blake3::OUT_LEN)?);
    if blake3::hash(body).as_bytes()[..] != sum[..] {
        return None;
    }
    let read: Read = bincode::deserialize(body).ok()?;
    (read.stamp == stamp && read.base == base).then_some(read.changes)
}
