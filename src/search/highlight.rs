//! Where a passage matched: byte ranges of matched words, and the excerpt to show. Ranges
//! only; the printers decide how to mark them.

use rustc_hash::FxHashMap;

use crate::analysis::{each_word_starting, fold_han, has_han, is_han};

use super::clause::Marks;

/// Most characters in a hit's excerpt.
pub const SNIPPET_CHARS: usize = 200;
/// Most characters in a counterpart's excerpt.
pub const COUNTERPART_CHARS: usize = 160;

/// Byte ranges of the words in `text` that the query matched, sorted and merged: Latin words
/// whose stem is a query term, and every occurrence of a query's Han word (after folding).
pub fn highlight(text: &str, marks: &Marks) -> Vec<[usize; 2]> {
    Marker::new(marks).highlight(text)
}

/// [`highlight`] for the passages of one search, remembering whether each word it stemmed is
/// marked: the passages shown share many words, and stemming them was most of marking.
pub struct Marker<'m> {
    marks: &'m Marks,
    /// Each stem, and the start every word stemmed to it begins with ([`stem_start`]).
    stems: Vec<(&'m str, &'m str)>,
    /// The first bytes of the stems (bit `b` for byte `b` under 128).
    firsts: u128,
    /// Words stemmed, and whether their stem is marked.
    stemmed: FxHashMap<String, bool>,
}

impl<'m> Marker<'m> {
    /// A marker of `marks`, nothing stemmed yet.
    pub fn new(marks: &'m Marks) -> Self {
        Marker {
            marks,
            stems: (marks.stems.iter())
                .map(|s| (s.as_str(), stem_start(s)))
                .collect(),
            firsts: (marks.stems.iter())
                .filter_map(|s| s.bytes().next().filter(u8::is_ascii))
                .fold(0, |bits, b| bits | 1 << b),
            stemmed: FxHashMap::default(),
        }
    }

    /// The ranges of [`highlight`].
    pub fn highlight(&mut self, text: &str) -> Vec<[usize; 2]> {
        let mut ranges: Vec<[usize; 2]> = Vec::new();
        let (marks, stems, stemmed) = (self.marks, &self.stems, &mut self.stemmed);
        if !stems.is_empty() {
            // An English stem is never longer than its word (Snowball shortens or rewrites
            // endings) and begins with its first letter and with `stem_start`.
            let first = |b: u8| self.firsts & 1 << b != 0;
            each_word_starting(text, first, |from, to, word| {
                let unquoted = word.trim_start_matches('\'');
                // A word beginning with a stem's start begins with its first letter too.
                let may_match = stems.iter().any(|(s, start)| {
                    s.len() <= word.len()
                        && unquoted.starts_with(start)
                        && (!start.is_empty() || s.starts_with(first_char(word)))
                });
                if !may_match {
                    return;
                }
                let marked = match stemmed.get(word) {
                    Some(&marked) => marked,
                    None => {
                        let marked = marks.stems.contains(&*stem(word));
                        stemmed.insert(word.to_string(), marked);
                        marked
                    }
                };
                if marked {
                    ranges.push([from, to]);
                }
            });
        }
        // A Han word is only found where there is Han text (an English passage has none).
        if marks.han.is_empty() || text.is_ascii() || !has_han(text) {
            return merged(ranges);
        }
        // Folding keeps byte lengths, so a match in the folded text is a range in the original.
        let mut folded = String::with_capacity(text.len());
        let mut last = 0;
        for (start, run) in han_runs(text) {
            folded.push_str(&text[last..start]);
            folded.push_str(&fold_han(run));
            last = start + run.len();
        }
        folded.push_str(&text[last..]);
        for han in &marks.han {
            ranges.extend(
                folded
                    .match_indices(han.as_str())
                    .map(|(i, m)| [i, i + m.len()]),
            );
        }
        merged(ranges)
    }
}

/// The runs of Han ideographs of `text` (`analysis::runs`' Han runs) as `(start, run)`, told
/// without asking what the other characters are (that was most of marking a Chinese passage).
fn han_runs(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut at = 0;
    std::iter::from_fn(move || {
        let mut start = None;
        while let Some(&b) = text.as_bytes().get(at) {
            let (han, len) = match b {
                0..=0x7F => (false, 1),
                // U+5000 to U+9FFF, Han ideographs all.
                0xE5..=0xE9 => (true, 3),
                _ => {
                    let c = text[at..].chars().next()?;
                    (is_han(c), c.len_utf8())
                }
            };
            match (han, start) {
                (true, None) => start = Some(at),
                (false, Some(s)) => return Some((s, &text[s..at])),
                _ => {}
            }
            at += len;
        }
        start.map(|s| (s, &text[s..at]))
    })
}

/// A word as the index stems it: the analyzer's Snowball stemmer, as
/// `analysis::latin_spans_where` applies it (a test below checks every mark against those).
fn stem(word: &str) -> std::borrow::Cow<'_, str> {
    frostem::Stemmer::new(frostem::Algorithm::English).stem(word)
}

/// A word's first character (after a leading apostrophe), which its English stem always
/// begins with: the Snowball stemmer changes endings (and `dying` to `die`), never the start.
fn first_char(word: &str) -> &str {
    let word = word.trim_start_matches('\'');
    &word[..word.chars().next().map_or(0, char::len_utf8)]
}

/// The start of every word the English Snowball stemmer stems to `stem`: the stem without
/// the letters an ending it rewrites may add. Its steps remove endings, or replace them with
/// endings whose last letters are new at most as `e` (`hoping` → `hope`, `ation` → `ate`,
/// `anci` → `ance`), `i` (`y` → `i`), `l` or `le` (`biliti` → `ble`, then `bl`: `possibility`
/// → `possibl`), `ie` (`dying` → `die`) or `y` (`skies` → `sky`).
fn stem_start(stem: &str) -> &str {
    if let Some(start) = stem.strip_suffix("ie").or_else(|| stem.strip_suffix("le")) {
        return start;
    }
    stem.strip_suffix(['e', 'i', 'l', 'y']).unwrap_or(stem)
}

/// `ranges` sorted, overlapping ones merged.
fn merged(mut ranges: Vec<[usize; 2]>) -> Vec<[usize; 2]> {
    ranges.sort();
    let mut merged: Vec<[usize; 2]> = Vec::new();
    for r in ranges {
        match merged.last_mut() {
            Some(m) if r[0] <= m[1] => m[1] = m[1].max(r[1]),
            _ => merged.push(r),
        }
    }
    merged
}

/// The excerpt of a hit: about [`SNIPPET_CHARS`] characters around its first highlight.
pub fn snippet_range(text: &str, highlights: &[[usize; 2]]) -> [usize; 2] {
    excerpt(text, highlights, SNIPPET_CHARS)
}

/// The excerpt of a counterpart: about [`COUNTERPART_CHARS`] characters around its first
/// highlight (its beginning when it has none).
pub fn counterpart_range(text: &str, highlights: &[[usize; 2]]) -> [usize; 2] {
    excerpt(text, highlights, COUNTERPART_CHARS)
}

/// Most characters an excerpt's end moves to avoid cutting a word.
const TIDY_CHARS: usize = 20;

/// Up to `chars` characters of `text`, starting a quarter of that before the first
/// highlight, with cut points moved off the middle of a word (by fewer than
/// [`TIDY_CHARS`] characters, never past the first highlight; Han text may be cut anywhere).
fn excerpt(text: &str, highlights: &[[usize; 2]], chars: usize) -> [usize; 2] {
    let ascii = text.is_ascii();
    let total = if ascii {
        text.len()
    } else {
        text.chars().count()
    };
    if total <= chars {
        return [0, text.len()];
    }
    let first = highlights.first().map_or(0, |h| h[0]);
    let first_char = if ascii {
        first
    } else {
        text[..first].chars().count()
    };
    let mut start = first_char.saturating_sub(chars / 4).min(total - chars);
    let mut end = start + chars;
    // Where character `i` starts: found from the cut, start or end, it is near (a cut moves
    // by fewer than `TIDY_CHARS`); an ASCII text's are its bytes.
    let at = |from: usize, n: usize| {
        text[from..]
            .char_indices()
            .nth(n)
            .map_or(text.len(), |c| from + c.0)
    };
    let anchors = if ascii {
        [(0, 0); 2]
    } else {
        let start_byte = at(0, start);
        [(start, start_byte), (end, at(start_byte, chars))]
    };
    let bound = |i: usize| {
        if ascii {
            return i;
        }
        let nearer = i.abs_diff(anchors[0].0) > i.abs_diff(anchors[1].0);
        let (mut c, mut b) = anchors[usize::from(nearer)];
        while c < i {
            b += text[b..].chars().next().map_or(1, char::len_utf8);
            c += 1;
        }
        while c > i {
            b -= 1;
            while !text.is_char_boundary(b) {
                b -= 1;
            }
            c -= 1;
        }
        b
    };
    // A letter of a word (Latin, Cyrillic, …); Han text may be cut between any characters.
    let letter = |i: usize| {
        text[bound(i)..]
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() && !is_han(c))
    };
    let space = |i: usize| text[bound(i)..].starts_with(' ');
    let first_mark = if highlights.is_empty() {
        end
    } else {
        first_char
    };
    if start > 0 && letter(start - 1) && letter(start) {
        if let Some(s) = (start..total.min(start + TIDY_CHARS)).find(|&i| space(i)) {
            if s < first_mark {
                start = s + 1;
            }
        }
    }
    if end < total && letter(end - 1) && letter(end) {
        if let Some(s) = (start + 1..=end).rev().take(TIDY_CHARS).find(|&i| space(i)) {
            end = s;
        }
    }
    // No space just inside a cut.
    while start > 0 && start < end && space(start) {
        start += 1;
    }
    while end < total && end > start && space(end - 1) {
        end -= 1;
    }
    [bound(start), bound(end)]
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn highlights_follow_stems_and_folded_han() {
        let marks = Marks {
            stems: ["train".to_string()].into(),
            han: ["努尔苏丹".to_string()].into(),
        };
        let text = "Trains leave 努爾蘇丹 daily; the train is full.";
        let words: Vec<&str> = highlight(text, &marks)
            .iter()
            .map(|r| &text[r[0]..r[1]])
            .collect();
        assert_eq!(words, vec!["Trains", "努爾蘇丹", "train"]);
    }

    #[test]
    fn stemming_only_words_sharing_a_marks_start_marks_every_word_stemming_all_would() {
        let article = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/archive/2022-09-12-china-kazakhstan"
        );
        let mut text = std::fs::read_to_string(format!("{article}/en.md")).unwrap();
        // The stemmer's exceptions, a leading apostrophe, a `y` it turns into `i`, endings it
        // rewrites (an `e` put back, `ies`, `eed`), a date.
        text.push_str(concat!(
            " skies dying lying ugly early only gently news 'tis Yelling cry on September 12",
            " hoping agreed feed generalizations happily ties dies cries proceed exceeded",
            " ability possibility responsibly agreeably valency sensitivity relational",
            " hopefulness tying idly skis singly electrical formative",
        ));
        let every = crate::analysis::latin_spans(&text);
        let stems: BTreeSet<&str> = every.iter().map(|(_, _, s)| s.as_str()).collect();
        assert!(stems.len() > 300, "{} stems", stems.len());
        for stem in stems {
            let marks = Marks {
                stems: [stem.to_string()].into(),
                ..Marks::default()
            };
            let all: Vec<[usize; 2]> = every
                .iter()
                .filter(|(_, _, s)| s == stem)
                .map(|&(from, to, _)| [from, to])
                .collect();
            assert_eq!(highlight(&text, &marks), merged(all), "{stem}");
        }
    }

    #[test]
    fn a_marker_used_for_many_passages_marks_each_as_alone() {
        let article = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/archive/2022-09-12-china-kazakhstan"
        );
        let text = std::fs::read_to_string(format!("{article}/en.md")).unwrap();
        let marks = Marks {
            stems: ["dri", "port", "khorgo", "train", "kazakhstan"]
                .map(String::from)
                .into(),
            ..Marks::default()
        };
        let mut marker = Marker::new(&marks);
        let mut marked = 0;
        for passage in text.split("\n\n") {
            let ranges = marker.highlight(passage);
            assert_eq!(ranges, highlight(passage, &marks), "{passage}");
            marked += usize::from(!ranges.is_empty());
        }
        assert!(marked > 10, "{marked} passages marked");
    }

    #[test]
    fn han_runs_are_the_analyzers() {
        use crate::analysis::{runs, RunKind};
        let text = "Khorgos 霍尔果斯（霍爾果斯）、〇一二 㐀 龥豈 𠀀x，。Ürümqi 々中文 end丶";
        let expected: Vec<(usize, &str)> = (runs(text))
            .filter(|r| r.0 == RunKind::Han)
            .map(|(_, start, run)| (start, run))
            .collect();
        assert_eq!(han_runs(text).collect::<Vec<_>>(), expected);
        assert_eq!(expected.len(), 8);
    }

    #[test]
    fn a_number_is_marked_whole_or_not_at_all() {
        // `1,700` is one word, `1700`: the `700` in it is no word of its own, whichever
        // first bytes the marks keep.
        let marks = Marks {
            stems: ["700".to_string()].into(),
            ..Marks::default()
        };
        let text = "1,700 km, then 700 more";
        assert_eq!(highlight(text, &marks), vec![[15, 18]]);
    }

    #[test]
    fn excerpts_start_before_the_first_match_and_cut_between_words() {
        let text = "word ".repeat(100) + "Khorgos" + &" tail".repeat(100);
        let at = text.find("Khorgos").unwrap();
        let [start, end] = snippet_range(&text, &[[at, at + 7]]);
        assert!(start > 0 && start < at && end > at + 7 && end < text.len());
        assert!(text[start..end].chars().count() <= SNIPPET_CHARS);
        assert!(text[..start].ends_with(' ') && text[end..].starts_with(' '));
        assert_eq!(snippet_range("short", &[]), [0, 5]);
        // Not only Latin words.
        let text = "слово ".repeat(100) + "Хоргос" + &" конец".repeat(100);
        let at = text.find("Хоргос").unwrap();
        let [start, end] = snippet_range(&text, &[[at, at + "Хоргос".len()]]);
        assert!(text[..start].ends_with(' ') && text[end..].starts_with(' '));
    }

    #[test]
    fn han_text_is_cut_anywhere_and_counterparts_without_matches_show_their_start() {
        let text = "字".repeat(300);
        assert_eq!(counterpart_range(&text, &[]), [0, 3 * COUNTERPART_CHARS]);
        assert_eq!(counterpart_range("short", &[]), [0, 5]);
    }
}
