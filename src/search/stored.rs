//! Reading the open index for the stages: its term dictionaries (the plan's [`Vocabulary`]),
//! its stored passages, and its stories' languages (arranging's [`Counterparts`]).

use std::collections::BTreeSet;

use tantivy::collector::TopDocs;
use tantivy::query::{FuzzyTermQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{DocAddress, Searcher as TantivySearcher, TantivyDocument, Term};

use crate::analysis::pinyin;
use crate::error::Result;
use crate::schema::{loc, Fields};
use crate::store::Manifest;

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
    /// What the index records about its files.
    pub manifest: &'a Manifest,
}

impl Stored<'_> {
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
        let term = Term::from_field_text(self.fields.text, term);
        self.searcher.doc_freq(&term).is_ok_and(|n| n > 0)
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
    fn other_language(&self, story: &str, lang: &str) -> Option<String> {
        let langs: BTreeSet<&str> = self
            .manifest
            .files
            .values()
            .filter(|f| f.story == story && f.lang != lang)
            .map(|f| f.lang.as_str())
            .collect();
        let preferred = if lang == "zh" { "en" } else { "zh" };
        if langs.contains(preferred) {
            Some(preferred.to_string())
        } else {
            langs.into_iter().next().map(String::from)
        }
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
