//! Cross-language search: a query word also searched as its translations, through CC-CEDICT.
//!
//! `data/cedict.tsv` (derived from CC-CEDICT by `data/cedict.py`, CC BY-SA 4.0) is compiled
//! into the program and consulted only by queries, never at index time, so a translation list
//! never changes the index. Chinese words map to their first short English senses; English
//! words (compared as the index stems them) map to the Chinese words that have them as an early
//! sense, the more frequent words first.
//!
//! The list is never parsed whole (stemming all its senses costs tens of milliseconds, more
//! than a whole search). The build files its words in order, and stems the early senses of
//! every entry and files them by their stems (`build.rs`), so a lookup either way is a binary
//! search; a test checks every sense is filed under the stems the index's analyzer gives it.

use std::cmp::Ordering;

use crate::analysis::fold_han;

/// The derived word list: `中文<TAB>sense|sense|sense`, most frequent words first.
const LIST: &str = include_str!("../data/cedict.tsv");
/// Most translations searched for one word.
const MAX_TRANSLATIONS: usize = 3;
// `KEYS` and `FILED`: the list's first six senses of each entry (later ones are too far
// from the word's meaning to translate English into Chinese), by stems.
include!(concat!(env!("OUT_DIR"), "/senses.rs"));

/// Both directions of the word list.
pub struct Dictionary {
    list: &'static str,
}

/// The dictionary (nothing is read until a word is looked up).
pub fn dictionary() -> &'static Dictionary {
    static DICTIONARY: Dictionary = Dictionary { list: LIST };
    &DICTIONARY
}

impl Dictionary {
    /// English senses of a (simplified) Chinese word, most common first.
    pub fn english_of(&self, word: &str) -> Vec<&'static str> {
        let at = BY_WORD.partition_point(|&line| self.word_at(line as usize) < word);
        let Some(&line) = BY_WORD.get(at) else {
            return Vec::new();
        };
        let line = &self.list[line as usize..];
        let Some(senses) = line.strip_prefix(word).and_then(|l| l.strip_prefix('\t')) else {
            return Vec::new();
        };
        let senses = &senses[..senses.find('\n').unwrap_or(senses.len())];
        senses.split('|').take(MAX_TRANSLATIONS).collect()
    }

    /// Chinese words for English words given as the index stems them (`packag`, or
    /// `unit nation` for a phrase), best first: those with it as an early sense (earlier senses
    /// first, then more frequent words), then those with it as the last word of a two-word
    /// sense (`software package`, 软件包, is a package). A single character counts only by its
    /// first sense.
    pub fn chinese_of(&self, stems: &[String]) -> Vec<&'static str> {
        if stems.is_empty() {
            return Vec::new();
        }
        let key = stems.join(" ");
        let from = FILED.partition_point(|&(k, _)| key_cmp(k, &key) == Ordering::Less);
        FILED[from..]
            .iter()
            .take_while(|&&(k, _)| key_cmp(k, &key) == Ordering::Equal)
            .map(|&(_, line)| self.word_at(line as usize))
            .collect()
    }

    /// The best few of [`Dictionary::chinese_of`] that the index holds (`frequency`, its
    /// documents holding a word, is above 0), folded as the index folds Han text, never a single
    /// character, those the archive uses most first: a word the index lacks would take the place
    /// of one it holds (`format` is first `队形`, formation, then `格式`).
    pub fn chinese_in(&self, stems: &[String], frequency: impl Fn(&str) -> u64) -> Vec<String> {
        // Each folded word with its frequency, held or not: a word may be filed more than once
        // under one key (as a sense, and as the last word of a two-word sense), and is asked
        // about once.
        let mut out: Vec<(u64, String)> = Vec::new();
        // The index is asked last: a lookup costs more than the other checks together.
        for word in self.chinese_of(stems) {
            if word.chars().nth(1).is_none() {
                continue;
            }
            let word = fold_han(word).into_owned();
            if out.iter().any(|(_, w)| *w == word) {
                continue;
            }
            out.push((frequency(&word), word));
        }
        out.retain(|&(n, _)| n > 0);
        out.sort_by_key(|(n, _)| std::cmp::Reverse(*n));
        out.into_iter()
            .take(MAX_TRANSLATIONS)
            .map(|(_, w)| w)
            .collect()
    }

    /// The word of the line starting at byte `line` of the list.
    fn word_at(&self, line: usize) -> &'static str {
        let rest = &self.list[line..];
        &rest[..rest.find('\t').unwrap_or(0)]
    }
}

/// The key at byte `at` of [`KEYS`] compared with `key`, read only as far as they differ: a
/// lookup compares a dozen keys, and finding each one's end first cost more than comparing.
fn key_cmp(at: u32, key: &str) -> Ordering {
    let mut filed = KEYS.as_bytes()[at as usize..]
        .iter()
        .take_while(|&&b| b != b'\n');
    let mut key = key.bytes();
    loop {
        match (filed.next(), key.next()) {
            (Some(&a), Some(b)) if a == b => {}
            (Some(&a), Some(b)) => return a.cmp(&b),
            (Some(_), None) => return Ordering::Greater,
            (None, Some(_)) => return Ordering::Less,
            (None, None) => return Ordering::Equal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{collect, latin_stemmer, latin_terms};

    /// The key at byte `at` of [`KEYS`].
    fn key_at(at: u32) -> &'static str {
        let rest = &KEYS[at as usize..];
        &rest[..rest.find('\n').unwrap_or(rest.len())]
    }

    #[test]
    fn keys_compare_as_strings() {
        for &(at, _) in FILED.iter().step_by(7) {
            let key = key_at(at);
            let shorter = &key[..key.char_indices().last().map_or(0, |(i, _)| i)];
            for probe in [
                key,
                shorter,
                &format!("{key}a"),
                &format!("{key} "),
                "",
                "~",
            ] {
                assert_eq!(key_cmp(at, probe), key.cmp(probe), "{key:?} {probe:?}");
            }
        }
    }

    #[test]
    fn words_translate_both_ways() {
        let d = dictionary();
        assert_eq!(d.english_of("联合国"), ["united nations"]);
        assert!(d
            .english_of("建交")
            .contains(&"establish diplomatic relations"));
        assert!(d.chinese_of(&latin_terms("install")).contains(&"安装"));
        assert!(d
            .chinese_of(&latin_terms("United Nations"))
            .contains(&"联合国"));
        assert!(d.chinese_of(&latin_terms("xyzzy")).is_empty());
    }

    #[test]
    fn a_late_sense_of_a_single_character_is_not_a_translation() {
        // 和 lists "Japanese (food, clothes etc)" among its senses; it is not the Chinese for it.
        let d = dictionary();
        assert!(!d.chinese_of(&latin_terms("japanese")).contains(&"和"));
    }

    /// The senses of an entry `build.rs` files.
    const SENSES_FILED: usize = 6;

    #[test]
    fn every_word_is_found_at_its_first_line() {
        let d = dictionary();
        let mut seen = std::collections::HashSet::new();
        for line in LIST.lines().filter(|l| !l.starts_with('#')) {
            let (word, senses) = line.split_once('\t').expect("a tab");
            if seen.insert(word) {
                let first: Vec<&str> = senses.split('|').take(MAX_TRANSLATIONS).collect();
                assert_eq!(d.english_of(word), first, "{word}");
            }
        }
        assert!(d.english_of("不是一个词").is_empty());
    }

    #[test]
    fn every_early_sense_is_filed_under_its_stems() {
        // The build stems the senses itself; each must be filed under the key the index's
        // analyzer gives it, best first, or chinese_of would miss or misorder it.
        let mut stemmer = latin_stemmer();
        let mut expected: Vec<(String, usize, usize)> = Vec::new();
        let mut offset = 0;
        for line in LIST.split_inclusive('\n') {
            if let Some((word, senses)) = line.split_once('\t').filter(|_| !line.starts_with('#')) {
                for (i, sense) in senses.trim_end().split('|').take(SENSES_FILED).enumerate() {
                    let stems = collect(&mut stemmer, sense);
                    if !stems.is_empty() && (i == 0 || word.chars().count() > 1) {
                        expected.push((stems.join(" "), i, offset));
                        if stems.len() == 2 {
                            expected.push((stems[1].clone(), SENSES_FILED + i, offset));
                        }
                    }
                }
            }
            offset += line.len();
        }
        expected.sort();
        let filed: Vec<(&str, usize)> = FILED
            .iter()
            .map(|&(key, line)| (key_at(key), line as usize))
            .collect();
        let expected: Vec<(&str, usize)> = expected
            .iter()
            .map(|(key, _, line)| (key.as_str(), *line))
            .collect();
        assert_eq!(filed.len(), expected.len());
        for (f, e) in filed.iter().zip(&expected) {
            assert_eq!(f, e);
        }
    }
}
