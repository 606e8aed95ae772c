//! Reading the open index for the stages: its term dictionaries (the plan's [`Vocabulary`]),
//! its stored passages, and its stories' languages (arranging's [`Counterparts`]).

use std::collections::BTreeSet;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{FuzzyTermQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{DocAddress, Searcher as TantivySearcher, TantivyDocument, TantivyError, Term};

use crate::analysis::pinyin;
use crate::error::Result;
use crate::schema::{loc, Fields};

use super::answer::Passage;
use super::arrange::Counterparts;
use super::clause::Vocabulary;

/// Most words one reading is looked up for (a one-syllable reading has hundreds).
const MAX_READINGS_LOOKED_UP: usize = 64;

/// A searcher on the index's last commit and its fields.
#[derive(Clone, Copy)]
pub struct Stored<'a> {
    /// The tantivy searcher.
    pub searcher: &'a TantivySearcher,
    /// The index's fields.
    pub fields: &'a Fields,
    /// The languages the index holds stories in ([`languages`]).
    pub languages: &'a BTreeSet<String>,
}

/// The languages the index holds stories in, from its `lang` terms (not its file list, which
/// can be large): each is counted, so a language whose passages were all deleted is left out.
pub fn languages(searcher: &TantivySearcher, fields: &Fields) -> Result<BTreeSet<String>> {
    let mut all = BTreeSet::new();
    for segment in searcher.segment_readers() {
        let index = segment.inverted_index(fields.lang)?;
        let mut terms = index.terms().stream().map_err(TantivyError::from)?;
        while terms.advance() {
            all.insert(String::from_utf8_lossy(terms.key()).into_owned());
        }
    }
    let mut held = BTreeSet::new();
    for lang in all {
        let term = Term::from_field_text(fields.lang, &lang);
        if searcher.search(&TermQuery::new(term, IndexRecordOption::Basic), &Count)? > 0 {
            held.insert(lang);
        }
    }
    Ok(held)
}

impl Stored<'_> {
    /// The languages the index holds story `story` in: those with its passage 1 (each file's
    /// passages are numbered from 1), found by `loc` term, one lookup per index language.
    pub fn story_langs(&self, story: &str) -> Result<BTreeSet<String>> {
        let mut langs = BTreeSet::new();
        for lang in self.languages {
            let term = Term::from_field_text(self.fields.loc, &loc(story, lang, 1));
            let query = TermQuery::new(term, IndexRecordOption::Basic);
            if self.searcher.search(&query, &Count)? > 0 {
                langs.insert(lang.clone());
            }
        }
        Ok(langs)
    }

    /// The passage at `address`.
    pub fn passage(&self, address: DocAddress) -> Result<Passage> {
        let doc: TantivyDocument = self.searcher.doc(address)?;
        let f = self.fields;
        let text = |field: Field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string()
        };
        Ok(Passage {
            story: text(f.story),
            lang: text(f.lang),
            passage: doc
                .get_first(f.passage)
                .and_then(|v| v.as_u64())
                .unwrap_or(0),
            text: text(f.text),
            title: text(f.title),
            date: text(f.date),
            path: text(f.path),
        })
    }
}

impl Vocabulary for Stored<'_> {
    fn knows(&self, term: &str) -> bool {
        self.frequency(term) > 0
    }

    fn frequency(&self, term: &str) -> u64 {
        let term = Term::from_field_text(self.fields.text, term);
        self.searcher.doc_freq(&term).unwrap_or(0)
    }

    fn pinyin(&self, reading: &str) -> Vec<String> {
        // Terms are `reading\x1fword`: the words are the terms between the reading with its
        // separator and the reading with the next byte.
        let from = pinyin::term(reading, "");
        let to = format!("{reading}{}", char::from(pinyin::SEPARATOR as u8 + 1));
        let mut found = BTreeSet::new();
        for segment in self.searcher.segment_readers() {
            let Ok(inverted) = segment.inverted_index(self.fields.pinyin) else {
                continue;
            };
            let Ok(mut stream) = inverted.terms().range().ge(&from).lt(&to).into_stream() else {
                continue;
            };
            while stream.advance() && found.len() < MAX_READINGS_LOOKED_UP {
                if let Some(word) = std::str::from_utf8(stream.key())
                    .ok()
                    .and_then(|k| k.strip_prefix(&from))
                {
                    found.insert(word.to_string());
                }
            }
        }
        // The most common words first.
        let mut words: Vec<(u64, String)> = found
            .into_iter()
            .map(|w| {
                let term = Term::from_field_text(self.fields.text, &w);
                (self.searcher.doc_freq(&term).unwrap_or(0), w)
            })
            .collect();
        words.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        words.into_iter().map(|(_, w)| w).collect()
    }

    fn near(&self, word: &str, distance: u8) -> Vec<String> {
        let term = Term::from_field_text(self.fields.words, word);
        let Ok(automaton) = FuzzyTermQuery::new(term, distance, true).automaton() else {
            return Vec::new();
        };
        let mut found = BTreeSet::new();
        for segment in self.searcher.segment_readers() {
            let Ok(inverted) = segment.inverted_index(self.fields.words) else {
                continue;
            };
            let Ok(mut stream) = inverted.terms().search(&automaton).into_stream() else {
                continue;
            };
            while stream.advance() {
                if let Ok(s) = std::str::from_utf8(stream.key()) {
                    if s != word {
                        found.insert(s.to_string());
                    }
                }
            }
        }
        found.into_iter().collect()
    }
}

impl Counterparts for Stored<'_> {
    /// `zh` for `en`, `en` for `zh`, else any other language the story is in.
    fn other_language(&self, story: &str, lang: &str) -> Result<Option<String>> {
        let mut langs = self.story_langs(story)?;
        langs.remove(lang);
        let preferred = if lang == "zh" { "en" } else { "zh" };
        Ok(if langs.contains(preferred) {
            Some(preferred.to_string())
        } else {
            langs.into_iter().next()
        })
    }

    fn text(&self, story: &str, lang: &str, passage: u64) -> Result<Option<String>> {
        let term = Term::from_field_text(self.fields.loc, &loc(story, lang, passage));
        let top = self.searcher.search(
            &TermQuery::new(term, IndexRecordOption::Basic),
            &TopDocs::with_limit(1).order_by_score(),
        )?;
        match top.first() {
            Some((_, address)) => Ok(Some(self.passage(*address)?.text)),
            None => Ok(None),
        }
    }
}
