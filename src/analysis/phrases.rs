//! Finding the phrases of a small table (the regional vocabulary's few hundred words) in text:
//! leftmost first, the longest at each start, never overlapping, as Aho-Corasick's
//! leftmost-longest search finds them. A hash lookup per position whose character starts some
//! phrase; it builds in microseconds, where an automaton took over a millisecond, paid by every
//! search that sees Han text.

use std::borrow::Cow;

// Fx hashing: a lookup per character of every Han run indexed, where SipHash was 8% of an
// indexing run's CPU.
use rustc_hash::FxHashMap;

/// Longest phrase, in characters, a table may hold.
const MAX_CHARS: usize = 64;

/// A table of phrases, each found by its index in the list it was built from.
pub struct Phrases<'a> {
    index: FxHashMap<&'a str, usize>,
    firsts: Firsts,
    pairs: Pairs,
}

/// The first two characters of the phrases of two or more, as bits of a hash: most places
/// where a phrase's first character stands are ruled out by one look (looking each up in the
/// table was a thirtieth of an indexing run). A bit set by another pair only costs the lookup.
struct Pairs {
    bits: Box<[u64; 1024]>,
}

impl Pairs {
    fn bit(a: char, b: char) -> usize {
        let mixed = (a as u32).wrapping_mul(0x9E37_79B1) ^ (b as u32);
        (mixed.wrapping_mul(0x85EB_CA6B) >> 16) as usize
    }

    fn insert(&mut self, a: char, b: char) {
        let n = Pairs::bit(a, b);
        self.bits[n / 64] |= 1 << (n % 64);
    }

    fn may_start(&self, a: char, b: char) -> bool {
        let n = Pairs::bit(a, b);
        (self.bits[n / 64] >> (n % 64)) & 1 == 1
    }
}

/// The characters phrases start with: a bit each below U+10000 (a look per character of the
/// text), a set for the others; and for each, the lengths of its phrases (bit `k`: some phrase
/// of `k + 1` characters), so a start is looked up only at the lengths some phrase has, where
/// a lookup at every length up to the table's longest was 5% of an indexing run.
struct Firsts {
    bits: Box<[u64; 1024]>,
    lengths: FxHashMap<char, u64>,
}

impl Firsts {
    fn insert(&mut self, c: char, chars: usize) {
        let n = c as usize;
        if n < 0x10000 {
            self.bits[n / 64] |= 1 << (n % 64);
        }
        *self.lengths.entry(c).or_default() |= 1 << (chars - 1);
    }

    /// The lengths of the phrases starting with `c` (none: 0).
    fn lengths(&self, c: char) -> u64 {
        let n = c as usize;
        if n < 0x10000 && (self.bits[n / 64] >> (n % 64)) & 1 == 0 {
            return 0;
        }
        self.lengths.get(&c).copied().unwrap_or(0)
    }
}

/// One phrase found: its byte range in the text and its index in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    /// Byte offset of its first character.
    pub start: usize,
    /// Byte offset just past its last character.
    pub end: usize,
    /// Its index in the table (the first, where a phrase is listed twice).
    pub phrase: usize,
}

impl<'a> Phrases<'a> {
    /// The table of `phrases`; empty phrases are never found.
    pub fn new(phrases: &[&'a str]) -> Phrases<'a> {
        let mut index = FxHashMap::with_capacity_and_hasher(phrases.len(), Default::default());
        let mut firsts = Firsts {
            bits: Box::new([0; 1024]),
            lengths: FxHashMap::default(),
        };
        let mut pairs = Pairs {
            bits: Box::new([0; 1024]),
        };
        for (i, p) in phrases.iter().enumerate() {
            let mut chars = p.chars();
            let Some(first) = chars.next() else {
                continue;
            };
            if let Some(second) = chars.next() {
                pairs.insert(first, second);
            }
            let chars = p.chars().count();
            assert!(chars <= MAX_CHARS, "a phrase of {chars} characters");
            index.entry(*p).or_insert(i);
            firsts.insert(first, chars);
        }
        Phrases {
            index,
            firsts,
            pairs,
        }
    }

    /// The phrases in `text`, leftmost first, the longest at each start, never overlapping.
    pub fn find_iter<'t>(&'t self, text: &'t str) -> impl Iterator<Item = Found> + 't {
        let mut at = 0;
        std::iter::from_fn(move || {
            while let Some(c) = text[at..].chars().next() {
                let lengths = self.firsts.lengths(c);
                if lengths != 0 && self.may_start(text, at + c.len_utf8(), c, lengths) {
                    if let Some(found) = self.longest_at(text, at, lengths) {
                        at = found.end;
                        return Some(found);
                    }
                }
                at += c.len_utf8();
            }
            None
        })
    }

    /// False when no phrase of `lengths` can start with `c` followed by the text from `next`.
    fn may_start(&self, text: &str, next: usize, c: char, lengths: u64) -> bool {
        // Bit 0: a phrase of one character, which `c` may be.
        lengths & 1 == 1
            || text[next..]
                .chars()
                .next()
                .is_some_and(|d| self.pairs.may_start(c, d))
    }

    /// The longest phrase starting at byte `at` of `text`, of one of `lengths` (in characters,
    /// bit `k` for `k + 1`).
    fn longest_at(&self, text: &str, at: usize, lengths: u64) -> Option<Found> {
        let longest = (u64::BITS - lengths.leading_zeros()) as usize;
        // ends[k]: the byte just past the first k + 1 characters.
        let mut ends = [0usize; MAX_CHARS];
        let mut n = 0;
        for (i, c) in text[at..].char_indices().take(longest) {
            ends[n] = at + i + c.len_utf8();
            n += 1;
        }
        (0..n).rev().find_map(|k| {
            if (lengths >> k) & 1 == 0 {
                return None;
            }
            let end = ends[k];
            let phrase = *self.index.get(&text[at..end])?;
            Some(Found {
                start: at,
                end,
                phrase,
            })
        })
    }

    /// `text` with every phrase found replaced by its entry in `with` (borrowed when it holds
    /// none).
    pub fn replace_all<'t>(&self, text: &'t str, with: &[&str]) -> Cow<'t, str> {
        let mut found = self.find_iter(text).peekable();
        if found.peek().is_none() {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for found in found {
            out.push_str(&text[last..found.start]);
            out.push_str(with[found.phrase]);
            last = found.end;
        }
        out.push_str(&text[last..]);
        Cow::Owned(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::{AhoCorasick, MatchKind};
    use proptest::prelude::*;

    const TABLE: [&str; 7] = ["网路", "网路由", "路由器", "由", "程式", "程式设计", "式设"];

    #[test]
    fn the_longest_phrase_at_the_leftmost_start_wins() {
        let p = Phrases::new(&TABLE);
        let found: Vec<(usize, usize, usize)> = p
            .find_iter("以太网路由器和程式设计")
            .map(|f| (f.start, f.end, f.phrase))
            .collect();
        assert_eq!(found, [(6, 15, 1), (21, 33, 5)]);
    }

    proptest! {
        #[test]
        fn finds_what_aho_corasick_leftmost_longest_finds(
            picks in proptest::collection::vec(0usize..10, 0..40)
        ) {
            // Text made of the table's phrases, their halves and other characters.
            let pieces = ["网", "路", "由", "器", "程", "式", "设", "计", "a", "以"];
            let text: String = picks.iter().map(|&i| pieces[i]).collect();
            let ours: Vec<(usize, usize, usize)> = Phrases::new(&TABLE)
                .find_iter(&text)
                .map(|f| (f.start, f.end, f.phrase))
                .collect();
            let theirs: Vec<(usize, usize, usize)> = AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(TABLE)
                .unwrap()
                .find_iter(&text)
                .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
                .collect();
            prop_assert_eq!(ours, theirs);
        }
    }
}
