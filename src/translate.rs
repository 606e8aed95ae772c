//! Cross-language search: a query word also searched as its translations, through CC-CEDICT.
//!
//! `data/cedict.tsv` (derived from CC-CEDICT by `data/cedict.py`, CC BY-SA 4.0) is compiled
//! into the program and consulted only by queries, never at index time, so a translation list
//! never changes the index. Chinese words map to their first short English senses; English
//! words (compared as the index stems them) map to the Chinese words that have them as an early
//! sense, the more frequent words first.
//!
//! The list is never parsed whole (stemming all its senses costs tens of milliseconds, more
//! than a whole search). A Chinese word is found by a byte search for its line. An English
//! word's translations are among the senses whose first word starts with the two letters its
//! stem starts with (the English stemmer keeps a word's first two letters, but for three words
//! of its exception list); the build files the senses by those letters (`build.rs`), and a
//! lookup stems only the senses filed under its stem's. A test checks every sense is filed
//! where its stem starts.

use memchr::memmem;

use crate::analysis::{collect, fold_han, latin_stemmer};

/// The derived word list: `中文<TAB>sense|sense|sense`, most frequent words first.
const LIST: &str = include_str!("../data/cedict.tsv");
/// Most translations searched for one word.
const MAX_TRANSLATIONS: usize = 3;
/// Senses past this one never translate English into Chinese (too far from the word's meaning).
const MAX_SENSE: usize = 5;

// `LEADS` and `SENSES`: the list's first `MAX_SENSE + 1` senses of each entry, by lead.
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
        let lead: String = first.chars().take(2).collect();
        let Ok(at) = LEADS.binary_search_by(|(l, _, _)| (*l).cmp(lead.as_str())) else {
            return Vec::new();
        };
        let (_, from, to) = LEADS[at];
        let key = stems.join(" ");
        let mut stemmer = latin_stemmer();
        // (sense index, offset, word): earlier senses first, then more frequent words.
        let mut found: Vec<(usize, u32, &'static str)> = Vec::new();
        for &start in &SENSES[from..to] {
            let (word, i, sense) = self.sense_at(start as usize);
            // A single character is too ambiguous to stand for anything but its first sense.
            if i > MAX_SENSE || (i > 0 && word.chars().count() < 2) {
                continue;
            }
            let stems = collect(&mut stemmer, sense);
            if stems.join(" ") == key {
                found.push((i, start, word));
            } else if stems.len() == 2 && stems[1] == key {
                // A two-word sense translates its last word, after every whole sense:
                // `software package` (软件包) is a package.
                found.push((MAX_SENSE + 1 + i, start, word));
            }
        }
        found.sort();
        found.into_iter().map(|(_, _, word)| word).collect()
    }

    /// The best few of [`Dictionary::chinese_of`] that the index holds (`frequency`, its
    /// documents holding a word, is above 0), folded as the index folds Han text, never a single
    /// character, those the archive uses most first: a word the index lacks would take the place
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
        out.sort_by_key(|(n, _)| std::cmp::Reverse(*n));
        out.into_iter()
            .take(MAX_TRANSLATIONS)
            .map(|(_, w)| w)
            .collect()
    }

    /// The sense starting at byte `start` of the list: its entry's word, its index among the
    /// entry's senses, and the sense.
    fn sense_at(&self, start: usize) -> (&'static str, usize, &'static str) {
        let list = self.list;
        let line = list[..start].rfind('\n').map_or(0, |n| n + 1);
        let tab = line + list[line..start].find('\t').unwrap_or(0);
        let rest = &list[start..];
        let sense = &rest[..rest.find(['|', '\n']).unwrap_or(rest.len())];
        let index = list[tab..start].matches('|').count();
        (&list[line..tab], index, sense)
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
    fn a_late_sense_of_a_single_character_is_not_a_translation() {
        // 和 lists "Japanese (food, clothes etc)" among its senses; it is not the Chinese for it.
        let d = dictionary();
        assert!(!d.chinese_of(&latin_terms("japanese")).contains(&"和"));
    }

    #[test]
    fn every_early_sense_is_filed_where_its_stem_starts() {
        // chinese_of looks senses up by their stem's lead; one filed elsewhere would be lost.
        let mut stemmer = latin_stemmer();
        let mut filed = 0;
        for (lead, from, to) in LEADS {
            for &start in &SENSES[*from..*to] {
                let (_, i, sense) = dictionary().sense_at(start as usize);
                let stems = collect(&mut stemmer, sense);
                let lead_of = |s: &String| s.chars().take(2).collect::<String>();
                let stem_lead = stems.first().map(lead_of).unwrap_or_default();
                assert!(i <= MAX_SENSE, "{sense}: sense {i} filed");
                if &stem_lead == lead {
                    filed += 1;
                } else {
                    // A two-word sense is filed under its last word's lead too.
                    let last = (stems.len() == 2).then(|| lead_of(&stems[1]));
                    assert_eq!(last.as_deref(), Some(*lead), "{sense}: stems to {stems:?}");
                }
            }
        }
        let early: usize = LIST
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once('\t'))
            .map(|(_, senses)| senses.split('|').count().min(MAX_SENSE + 1))
            .sum();
        assert_eq!(filed, early);
    }
}
