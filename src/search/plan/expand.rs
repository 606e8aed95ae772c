//! The plan's other forms of a typed word, beyond spellings and variants: a hyphenated word's
//! parts, pinyin read as the Han words it spells, and translations into the other language
//! (CC-CEDICT). Each is a typed [`Role`], weighted below what was typed by compiling.

use crate::analysis::numbers;
use crate::analysis::pinyin;
use crate::analysis::{has_han, is_han, latin_terms};
use crate::query::Item;

use super::syllables::may_be_reading;
use super::{
    all_of, any_of, is_function_word, Clause, ExpansionKind, Node, Planner, Role, Vocabulary,
};

/// Most Han words one reading searches (`shi` reads as hundreds).
const MAX_READINGS: usize = 4;

/// A hyphenated lone word (`Khorgos-Eastern`, `visa-free`) becomes its parts, each a lone word
/// of its own (so each part is required, expanded and dropped in the fallback like any word);
/// returns the new groups and each split word, to be searched as a phrase too.
pub(super) fn split_hyphens(groups: &[Vec<Item>]) -> (Vec<Vec<Item>>, Vec<String>) {
    let mut out = Vec::with_capacity(groups.len());
    let mut joined = Vec::new();
    for group in groups {
        let parts: Vec<&str> = match group.as_slice() {
            [Item::Word(w)] if w.contains('-') => w.split('-').filter(|p| !p.is_empty()).collect(),
            _ => Vec::new(),
        };
        if parts.len() < 2 {
            out.push(group.clone());
            continue;
        }
        out.extend(parts.iter().map(|p| vec![Item::Word(p.to_string())]));
        joined.push(group[0].text().to_string());
    }
    (out, joined)
}

impl<V: Vocabulary> Planner<'_, V> {
    /// Runs of lone Latin words that together stand for other words: the pinyin of indexed
    /// Han words (`huo er guo si`, `xi jinping`, `Huo'erguosi`), or an English phrase with a
    /// Chinese translation (`operating system`). Each such run's clauses become one clause:
    /// either the words as typed, or the other words. A single word is read as pinyin only
    /// when the index does not hold it as typed; function words are never part of a run.
    pub(super) fn joined(&mut self, groups: &[Vec<Item>], clauses: &mut [Vec<Clause>]) {
        if self.exact {
            return;
        }
        let words: Vec<Option<&str>> = groups
            .iter()
            .map(|g| match g.as_slice() {
                [Item::Word(w)] if !has_han(w) => {
                    let stems = self.latin_terms(w);
                    (!stems.is_empty() && !stems.iter().any(|s| is_function_word(s)))
                        .then_some(w.as_str())
                }
                _ => None,
            })
            .collect();
        let mut i = 0;
        while i < words.len() {
            let run = words[i..].iter().take_while(|w| w.is_some()).count();
            if run == 0 {
                i += 1;
                continue;
            }
            let typed: Vec<&str> = words[i..i + run].iter().flatten().copied().collect();
            for (from, to, kind, found) in self.runs_of(&typed) {
                let (from, to) = (i + from, i + to);
                let typed_clauses: Vec<Clause> = clauses[from..to]
                    .iter_mut()
                    .flat_map(std::mem::take)
                    .collect();
                let mut alternatives = vec![all_of(typed_clauses)];
                let role = match kind {
                    ExpansionKind::Pinyin => Role::Pinyin,
                    _ => Role::Translation,
                };
                for word in &found {
                    let clause = if role == Role::Translation {
                        self.translation(word)
                    } else if word.chars().all(is_han) {
                        self.han(word)
                    } else {
                        Clause::typed(word.clone(), Node::Term(word.clone()))
                    };
                    alternatives.push(Clause { role, ..clause });
                }
                self.expanded(typed[from - i..to - i].join(" "), found, kind);
                clauses[from] = vec![any_of(alternatives)];
            }
            i += run;
        }
    }

    /// The runs of `typed` words that stand for Han words, as `(from, to, kind, words)`.
    fn runs_of(&self, typed: &[&str]) -> Vec<(usize, usize, ExpansionKind, Vec<String>)> {
        let keys: Vec<String> = typed.iter().filter_map(|w| pinyin::key(w)).collect();
        let mut out = Vec::new();
        let mut covered = vec![false; typed.len()];
        if keys.len() == typed.len() {
            let known = |k: &str| may_be_reading(k) && !self.vocabulary.pinyin(k).is_empty();
            for (from, to, reading) in pinyin::join_known(&keys, known) {
                let single_known = to - from == 1
                    && self
                        .latin_terms(typed[from])
                        .iter()
                        .all(|s| self.vocabulary.knows(s));
                if single_known {
                    continue;
                }
                let mut words = self.vocabulary.pinyin(&reading);
                // One typed word read as one character is too often an English word (`man`).
                if to - from == 1 {
                    words.retain(|w| w.chars().count() > 1);
                }
                words.truncate(MAX_READINGS);
                if words.is_empty() {
                    continue;
                }
                covered[from..to].iter_mut().for_each(|c| *c = true);
                out.push((from, to, ExpansionKind::Pinyin, words));
            }
        }
        // A month and a day (`September 12`) also search the date as Chinese text writes it.
        for from in 0..typed.len().saturating_sub(1) {
            let pair = typed[from..from + 2].join(" ");
            let date = numbers::units_of(&pair).into_iter().next();
            if let Some(date) = date.filter(|d| d.start == 0 && d.end == pair.len()) {
                covered[from..from + 2].iter_mut().for_each(|c| *c = true);
                out.push((from, from + 2, ExpansionKind::Translation, vec![date.term]));
            }
        }
        // English phrases of two or three words with a Chinese translation.
        let mut from = 0;
        while from < typed.len() {
            let phrase = (2..=3usize).rev().find_map(|n| {
                let to = from + n;
                if to > typed.len() || covered[from..to].iter().any(|c| *c) {
                    return None;
                }
                // The words' terms in order, as the joined words' would be: a space ends every
                // word and number the analyzer reads.
                let stems: Vec<String> = (typed[from..to].iter())
                    .flat_map(|w| self.latin_terms(w))
                    .collect();
                let words = self
                    .vocabulary
                    .dictionary()?
                    .chinese_in(&stems, |w| self.vocabulary.frequency(w));
                (!words.is_empty()).then_some((to, words))
            });
            match phrase {
                Some((to, words)) => {
                    out.push((from, to, ExpansionKind::Translation, words));
                    from = to;
                }
                None => from += 1,
            }
        }
        out.sort_by_key(|r| r.0);
        out
    }

    /// A word holding a number with its unit or a date (`252.5亿`, `9月12日`): the unit is one
    /// clause, matching its term (indexed whole even where jieba cuts the text around it
    /// otherwise: the dateline's `日电`) or its parts (`1700多公里` for `1700公里`); the text
    /// around it is planned as usual.
    pub(super) fn units(&mut self, word: &str) -> Option<Vec<Clause>> {
        let unit = numbers::units_of(word).into_iter().next()?;
        let mut clauses = self.word(&word[..unit.start]);
        self.marks.han.insert(unit.term.clone());
        let whole = Clause::typed(unit.term.clone(), Node::Term(unit.term));
        let parts = self.runs(&word[unit.start..unit.end]);
        clauses.push(any_of(vec![whole, all_of(parts)]));
        clauses.extend(self.word(&word[unit.end..]));
        Some(clauses)
    }

    /// A hyphenated word as a phrase: a bonus for passages that write it so.
    pub(super) fn hyphenated(&mut self, word: &str) -> Clause {
        let stems = latin_terms(word);
        Clause {
            role: Role::Joined,
            label: format!("\"{}\"", stems.join(" ")),
            node: Node::Phrase(stems),
        }
    }

    /// Whether Han query text may be cut at `word`: a word of the index, or a question word
    /// (`什么时候`), which must stay whole to be known as one.
    pub(super) fn knows_han(&self, word: &str) -> bool {
        self.vocabulary.knows(word) || is_function_word(word)
    }

    /// A typed Latin word also searched as its Chinese translations.
    pub(super) fn translated_latin(&mut self, clause: Clause, stem: &str, typed: &str) -> Clause {
        if self.exact || is_function_word(stem) {
            return clause;
        }
        let Some(dictionary) = self.vocabulary.dictionary() else {
            return clause;
        };
        let words = dictionary.chinese_in(&[stem.to_string()], |w| self.vocabulary.frequency(w));
        if words.is_empty() {
            return clause;
        }
        let mut alternatives = vec![clause];
        alternatives.extend(words.iter().map(|w| self.translation(w)));
        self.expanded(typed.to_string(), words, ExpansionKind::Translation);
        any_of(alternatives)
    }

    /// A translation into Chinese: the whole word only, as the dictionary writes it (as a
    /// substring too, it would weigh as much as the typed word it stands for).
    fn translation(&mut self, word: &str) -> Clause {
        if has_han(word) {
            self.marks.han.insert(word.to_string());
        }
        Clause {
            role: Role::Translation,
            label: word.to_string(),
            node: Node::Term(word.to_string()),
        }
    }

    /// A typed Han word also searched as its English translations.
    pub(super) fn translated_han(&mut self, clause: Clause, word: &str) -> Clause {
        if self.exact
            || is_function_word(word)
            || word.chars().count() < 2
            || !word.chars().all(is_han)
        {
            return clause;
        }
        let Some(dictionary) = self.vocabulary.dictionary() else {
            return clause;
        };
        let senses = dictionary.english_of(word);
        if senses.is_empty() {
            return clause;
        }
        let mut alternatives = vec![clause];
        for sense in &senses {
            // Every content word of the sense, in any order (`establish diplomatic relations`
            // finds `the establishment of diplomatic relations`).
            let stems: Vec<String> = latin_terms(sense)
                .into_iter()
                .filter(|s| !is_function_word(s))
                .collect();
            if stems.is_empty() {
                continue;
            }
            self.marks.stems.extend(stems.iter().cloned());
            let words = stems
                .iter()
                .map(|s| Clause::typed(s.clone(), Node::Term(s.clone())))
                .collect();
            alternatives.push(Clause {
                role: Role::Translation,
                label: stems.join(" "),
                node: Node::All(words),
            });
        }
        let to = senses.iter().map(|s| s.to_string()).collect();
        self.expanded(word.to_string(), to, ExpansionKind::Translation);
        any_of(alternatives)
    }
}
