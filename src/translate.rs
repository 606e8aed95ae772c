//! Cross-language search: a query word also searched as its translations, through CC-CEDICT.
//!
//! `data/cedict.tsv` (derived from CC-CEDICT by `data/cedict.py`, CC BY-SA 4.0) is compiled
//! into the program and consulted only by queries, never at index time, so a translation list
//! never changes the index. Chinese words map to their first short English senses; English
//! words (compared as the index stems them) map to the Chinese words that have them as an early
//! sense, the more frequent words first.
//!
//! The list is never parsed whole (stemming all its senses costs tens of milliseconds, more
//! than a whole search). A Chinese word is found by a byte search for its line. For English
//! words, the first lookup sorts the senses by the first two letters of their first word, which
//! their stems keep (the English stemmer keeps a word's first two letters but for three words of
//! its exception list; a test checks every sense), and each lookup stems only the senses that
//! share the first stem's two letters.

use std::collections::HashMap;
use std::sync::OnceLock;

use memchr::memmem;

use crate::analysis::{collect, latin_stemmer};

/// The derived word list: `中文<TAB>sense|sense|sense`, most frequent words first.
const LIST: &str = include_str!("../data/cedict.tsv");
/// Most translations searched for one word.
const MAX_TRANSLATIONS: usize = 3;
/// Senses past this one never translate English into Chinese (too far from the word's meaning).
const MAX_SENSE: usize = 1;

/// The first two letters of a word, lowercased (`\0` past a shorter word's end).
type Lead = [char; 2];

/// One English sense a Chinese word may translate: its rank (the sense's place among the
/// word's senses, then the word's row in the list), the word and the sense.
type Sense = ((usize, usize), &'static str, &'static str);

/// Both directions of the word list.
pub struct Dictionary {
    list: &'static str,
    /// The senses that may translate an English word, by their [`Lead`]; built on first use.
    by_lead: OnceLock<HashMap<Lead, Vec<Sense>>>,
}

/// The dictionary (nothing is read until a word is looked up).
pub fn dictionary() -> &'static Dictionary {
    static DICTIONARY: Dictionary = Dictionary {
        list: LIST,
        by_lead: OnceLock::new(),
    };
    &DICTIONARY
}

impl Dictionary {
    /// The word list's entries: (Chinese word, its senses), most frequent first.
    fn entries(&self) -> impl Iterator<Item = (&'static str, &'static str)> {
        self.list
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once('\t'))
    }

    /// Every sense an English word may be searched as, ranked.
    fn senses(&self) -> impl Iterator<Item = Sense> + '_ {
        self.entries()
            .enumerate()
            .flat_map(|(row, (word, senses))| {
                // A single character is too ambiguous to stand for anything but its first sense.
                let take = if word.chars().count() < 2 {
                    1
                } else {
                    MAX_SENSE + 1
                };
                senses
                    .split('|')
                    .take(take)
                    .enumerate()
                    .map(move |(i, sense)| ((i, row), word, sense))
            })
    }

    /// English senses of a (simplified) Chinese word, most common first.
    pub fn english_of(&self, word: &str) -> Vec<&'static str> {
        let list = self.list;
        let line = format!("\n{word}\t");
        let Some(at) = memmem::find(list.as_bytes(), line.as_bytes()) else {
            return Vec::new();
        };
        let senses = &list[at + line.len()..];
        let senses = &senses[..senses.find('\n').unwrap_or(senses.len())];
        senses.split('|').take(MAX_TRANSLATIONS).collect()
    }

    /// Chinese words for English words given as the index stems them (`packag`, or
    /// `unit nation` for a phrase), best first.
    pub fn chinese_of(&self, stems: &[String]) -> Vec<&'static str> {
        let Some(first) = stems.first() else {
            return Vec::new();
        };
        let by_lead = self.by_lead.get_or_init(|| {
            let mut by_lead: HashMap<Lead, Vec<Sense>> = HashMap::new();
            for sense in self.senses() {
                by_lead.entry(sense_lead(sense.2)).or_default().push(sense);
            }
            by_lead
        });
        let key = stems.join(" ");
        let mut stemmer = latin_stemmer();
        let mut found: Vec<&Sense> = by_lead
            .get(&lead(first))
            .into_iter()
            .flatten()
            .filter(|(_, _, sense)| collect(&mut stemmer, sense).join(" ") == key)
            .collect();
        found.sort();
        found
            .into_iter()
            .map(|(_, word, _)| *word)
            .take(MAX_TRANSLATIONS)
            .collect()
    }
}

/// The [`Lead`] of a lowercase word.
fn lead(word: &str) -> Lead {
    let mut chars = word.chars();
    [chars.next().unwrap_or('\0'), chars.next().unwrap_or('\0')]
}

/// The [`Lead`] of a sense's first word, lowercased: what its stem starts with.
fn sense_lead(sense: &str) -> Lead {
    let first = sense
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())
        .unwrap_or_default();
    // The Snowball English stemmer's exceptions that change a second letter.
    let first = [("dying", "die"), ("lying", "lie"), ("tying", "tie")]
        .iter()
        .find(|(word, _)| word.eq_ignore_ascii_case(first))
        .map_or(first, |(_, stem)| stem);
    let mut chars = first.chars().flat_map(char::to_lowercase);
    [chars.next().unwrap_or('\0'), chars.next().unwrap_or('\0')]
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
    fn a_late_sense_of_a_single_character_is_not_a_translation() {
        // 和 lists "Japanese (food, clothes etc)" among its senses; it is not the Chinese for it.
        let d = dictionary();
        assert!(!d.chinese_of(&latin_terms("japanese")).contains(&"和"));
    }

    #[test]
    fn every_sense_stems_to_a_term_with_its_first_words_lead() {
        // chinese_of looks a sense up by its lead; one that stemmed otherwise would be lost.
        let mut stemmer = latin_stemmer();
        let lost: Vec<&str> = dictionary()
            .senses()
            .map(|(_, _, sense)| sense)
            .filter(|sense| {
                let terms = collect(&mut stemmer, sense);
                terms.first().is_some_and(|t| lead(t) != sense_lead(sense))
            })
            .collect();
        assert!(
            lost.is_empty(),
            "{} senses: {:?}",
            lost.len(),
            &lost[..lost.len().min(20)]
        );
    }
}
