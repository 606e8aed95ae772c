//! Where a passage matched: byte ranges of matched words, and the excerpt to show. Ranges
//! only; the printers decide how to mark them.

use crate::analysis::{fold_han, is_han, latin_spans, runs, RunKind};

use super::clause::Marks;

/// Most characters in a hit's excerpt.
pub const SNIPPET_CHARS: usize = 200;
/// Most characters in a counterpart's excerpt.
pub const COUNTERPART_CHARS: usize = 160;

/// Byte ranges of the words in `text` that the query matched, sorted and merged: Latin words
/// whose stem is a query term, and every occurrence of a query's Han word (after folding).
pub fn highlight(text: &str, marks: &Marks) -> Vec<[usize; 2]> {
    let mut ranges: Vec<[usize; 2]> = latin_spans(text)
        .into_iter()
        .filter(|(_, _, stem)| marks.stems.contains(stem))
        .map(|(from, to, _)| [from, to])
        .collect();
    // Folding keeps byte lengths, so a match in the folded text is a range in the original.
    let mut folded = String::with_capacity(text.len());
    let mut last = 0;
    for (kind, start, run) in runs(text) {
        if kind == RunKind::Han {
            folded.push_str(&text[last..start]);
            folded.push_str(&fold_han(run));
            last = start + run.len();
        }
    }
    folded.push_str(&text[last..]);
    for han in &marks.han {
        ranges.extend(
            folded
                .match_indices(han.as_str())
                .map(|(i, m)| [i, i + m.len()]),
        );
    }
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
    let bounds: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .collect();
    let total = bounds.len() - 1;
    if total <= chars {
        return [0, text.len()];
    }
    let first = highlights.first().map_or(0, |h| h[0]);
    let first_char = bounds.partition_point(|&b| b < first);
    let mut start = first_char.saturating_sub(chars / 4).min(total - chars);
    let mut end = start + chars;
    // A letter of a word (Latin, Cyrillic, …); Han text may be cut between any characters.
    let letter = |i: usize| {
        text[bounds[i]..]
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() && !is_han(c))
    };
    let space = |i: usize| text[bounds[i]..].starts_with(' ');
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
    [bounds[start], bounds[end]]
}

#[cfg(test)]
mod tests {
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
