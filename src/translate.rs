//! Cross-language search: a query word also searched as its translations, through CC-CEDICT.
//!
//! `data/cedict.tsv` (derived from CC-CEDICT by `data/cedict.py`, CC BY-SA 4.0) is compiled
//! into the program and read on the first query that needs it, never at index time, so a
//! translation list never changes the index. Chinese words map to their first short English
//! senses; English words (compared as the index stems them) map to the Chinese words that have
//! them as an early sense, the more frequent words first.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::analysis::{collect, fold_han, latin_stemmer};

/// The derived word list: `中文<TAB>sense|sense|sense`, most frequent words first.
const LIST: &str = include_str!("../data/cedict.tsv");
/// Most translations searched for one word.
const MAX_TRANSLATIONS: usize = 3;
/// Senses past this one never translate English into Chinese (too far from the word's meaning).
const MAX_SENSE: usize = 2;

/// Both directions of the word list.
pub struct Dictionary {
    english: HashMap<&'static str, Vec<&'static str>>,
    chinese: HashMap<String, Vec<&'static str>>,
}

/// The dictionary, built on first use.
pub fn dictionary() -> &'static Dictionary {
    static DICTIONARY: OnceLock<Dictionary> = OnceLock::new();
    DICTIONARY.get_or_init(|| Dictionary::parse(LIST))
}

impl Dictionary {
    fn parse(list: &'static str) -> Dictionary {
        let mut english = HashMap::new();
        let mut stemmer = latin_stemmer();
        // stem key → (sense index, row, word)
        let mut ranked: HashMap<String, Vec<(usize, usize, &'static str)>> = HashMap::new();
        let rows = list.lines().filter(|l| !l.starts_with('#'));
        for (row, line) in rows.enumerate() {
            let Some((word, senses)) = line.split_once('\t') else {
                continue;
            };
            let senses: Vec<&'static str> = senses.split('|').collect();
            for (i, sense) in senses.iter().enumerate().take(MAX_SENSE + 1) {
                // A single character is too ambiguous to stand for anything but its first sense.
                if i > 0 && word.chars().count() < 2 {
                    continue;
                }
                let stems = collect(&mut stemmer, sense);
                // A two-word sense also translates its last word, after every whole sense:
                // `software package` (软件包) is a package.
                if let [_, head] = stems.as_slice() {
                    let later = (MAX_SENSE + 1 + i, row, word);
                    ranked.entry(head.clone()).or_default().push(later);
                }
                ranked
                    .entry(stems.join(" "))
                    .or_default()
                    .push((i, row, word));
            }
            english.insert(word, senses);
        }
        let chinese = ranked
            .into_iter()
            .map(|(key, mut words)| {
                words.sort();
                (key, words.into_iter().map(|(_, _, w)| w).collect())
            })
            .collect();
        Dictionary { english, chinese }
    }

    /// English senses of a (simplified) Chinese word, most common first.
    pub fn english_of(&self, word: &str) -> &[&'static str] {
        self.english
            .get(word)
            .map(|s| &s[..s.len().min(MAX_TRANSLATIONS)])
            .unwrap_or(&[])
    }

    /// Chinese words for English words given as the index stems them (`packag`, or
    /// `unit nation` for a phrase), best first: an earlier sense first, then the more frequent.
    pub fn chinese_of(&self, stems: &[String]) -> &[&'static str] {
        self.chinese
            .get(&stems.join(" "))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The best few of [`Dictionary::chinese_of`] that `known` holds, folded as the index
    /// folds Han text, never a single character: a word the index lacks would take the place
    /// of one it holds (`format` is first `队形`, formation, then `格式`).
    pub fn chinese_in(&self, stems: &[String], frequency: impl Fn(&str) -> u64) -> Vec<String> {
        let mut out: Vec<(u64, String)> = Vec::new();
        for word in self.chinese_of(stems) {
            let word = fold_han(word).into_owned();
            let n = frequency(&word);
            if word.chars().count() > 1 && n > 0 && !out.iter().any(|(_, w)| *w == word) {
                out.push((n, word));
            }
        }
        // The words this archive uses most for the sense come first.
        out.sort_by_key(|(n, _)| std::cmp::Reverse(*n));
        out.into_iter()
            .take(MAX_TRANSLATIONS)
            .map(|(_, w)| w)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::latin_terms;

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
    fn translations_are_the_words_the_index_holds() {
        let d = dictionary();
        let format = latin_terms("format");
        assert_eq!(d.chinese_of(&format).first(), Some(&"队形"));
        assert_eq!(d.chinese_in(&format, |w| (w == "格式") as u64), ["格式"]);
        assert!(d.chinese_in(&format, |_| 0).is_empty());
    }

    #[test]
    fn a_late_sense_of_a_single_character_is_not_a_translation() {
        // 和 lists "Japanese (food, clothes etc)" among its senses; it is not the Chinese for it.
        let d = dictionary();
        assert!(!d.chinese_of(&latin_terms("japanese")).contains(&"和"));
    }
}
