//! A story file's tantivy documents: one per passage, and the story document. Each passage is
//! analysed here, once, for its `text` and the run's word lists, and cut into bigrams; tantivy
//! gets the tokens ([`crate::analysis::tokens`]) and only files them.
//!
//! The word lists (`words`, `pinyin`) are read as term dictionaries only, so each term is
//! filed once per run, on a vocabulary document that belongs to no story (no `unit` or
//! `passage`: no query and no removal reaches it). A word whose stories are all removed
//! stays listed; a lookup keeps only words the `text` field still holds.

use std::sync::Mutex;

use rustc_hash::FxHashSet;
use tantivy::schema::TantivyDocument;
use tantivy::tokenizer::{TextAnalyzer, Token};

use crate::analysis::tokens::push;
use crate::analysis::{pinyin, Analyzers, PassageAnalyzer};
use crate::corpus::Document;
use crate::schema::{self, day_number, Fields};

/// Most terms a vocabulary document gathers before it is filed (bounded memory).
const VOCABULARY_TERMS: usize = 200_000;

/// The distinct words of a run's files, for its vocabulary document, which also holds
/// [`schema::RESERVED_TERM`] in each field it fills and in `grams`. Hash sets: the order of
/// a field's terms within one document changes nothing in the index, and hashing was cheaper
/// than a tree's comparisons.
#[derive(Default)]
pub(super) struct Vocabulary {
    /// Latin words as written (lowercased, folded, not stemmed), for `words`.
    latin: FxHashSet<String>,
    /// `reading\x1fword` of Han words, for `pinyin`.
    readings: FxHashSet<String>,
}

impl Vocabulary {
    /// Adds a story's words; the vocabulary document to file when that makes enough.
    fn add(
        &mut self,
        fields: &Fields,
        latin: Vec<String>,
        readings: Vec<String>,
    ) -> Option<TantivyDocument> {
        self.latin.extend(latin);
        self.readings.extend(readings);
        (self.latin.len() + self.readings.len() >= VOCABULARY_TERMS)
            .then(|| self.document(fields))
            .flatten()
    }

    /// The vocabulary document of the words gathered since the last one, if any.
    pub(super) fn document(&mut self, fields: &Fields) -> Option<TantivyDocument> {
        if self.latin.is_empty() && self.readings.is_empty() {
            return None;
        }
        let mut d = TantivyDocument::default();
        let reserved = || std::iter::once(schema::RESERVED_TERM.to_string());
        d.add_text(fields.words, listed(self.latin.drain().chain(reserved())));
        d.add_text(
            fields.pinyin,
            listed(self.readings.drain().chain(reserved())),
        );
        d.add_text(fields.grams, listed(reserved()));
        Some(d)
    }
}

/// One thread's analyzers, making the documents of one file at a time.
pub(super) struct Maker<'a> {
    fields: &'a Fields,
    passages: PassageAnalyzer,
    text: TextAnalyzer,
    /// The run's words, shared by its threads.
    vocabulary: &'a Mutex<Vocabulary>,
    /// The words this thread gave the run's vocabulary: a story's words are mostly ones the
    /// run has, looked up here without the lock, and a Han word's reading is made once.
    known: Known,
}

/// Words a thread gave the run's vocabulary (at most [`VOCABULARY_TERMS`], then forgotten).
#[derive(Default)]
struct Known {
    latin: FxHashSet<String>,
    han: FxHashSet<String>,
}

impl Known {
    /// Adds `word` to `set`, and to `new` when it was not there.
    fn note(set: &mut FxHashSet<String>, new: &mut Vec<String>, word: &str) {
        if !set.contains(word) {
            set.insert(word.to_string());
            new.push(word.to_string());
        }
    }
}

impl<'a> Maker<'a> {
    pub(super) fn new(
        fields: &'a Fields,
        analyzers: &Analyzers,
        vocabulary: &'a Mutex<Vocabulary>,
    ) -> Self {
        Maker {
            fields,
            passages: analyzers.passages(),
            text: analyzers.text(),
            vocabulary,
            known: Known::default(),
        }
    }

    /// The documents of `doc`: its passages, then its story document (passage 0: the title in
    /// `head`, the number of its passages' tokens in `story_length`), then the run's vocabulary
    /// document when its words make enough ([`Vocabulary`]).
    pub(super) fn documents(&mut self, doc: &Document) -> Vec<TantivyDocument> {
        let fields = self.fields;
        let a = &doc.article;
        let mut out = Vec::with_capacity(a.passages.len() + 2);
        let unit = schema::unit(&doc.story, &a.lang);
        let mut story = located(fields, doc, unit, 0);
        // A story's words new to this thread, added to the run's at once (one lock per story).
        if self.known.latin.len() + self.known.han.len() >= VOCABULARY_TERMS {
            self.known = Known::default();
        }
        let (mut words, mut han) = (Vec::new(), Vec::new());
        // The number of `text` tokens of all its passages ([`Fields::story_length`]).
        let mut length = 0;
        for (i, text) in a.passages.iter().enumerate() {
            let n = i as u64 + 1;
            let mut d = located(fields, doc, unit, n);
            // Without markers, a passage pairs by its number; with them, by its marker's.
            let align = match a.markers.get(i) {
                None => n,
                Some(marker) => marker.unwrap_or(schema::UNPAIRED + n),
            };
            // Only a number other than its own is kept: a search opens the column, at a
            // cost that grows with its values (a passage's own is read off its place).
            if align != n {
                d.add_u64(fields.align, align);
            }
            let analysed = self.passages.analyse(
                text,
                |word| Known::note(&mut self.known.han, &mut han, word),
                |word| Known::note(&mut self.known.latin, &mut words, word),
            );
            length += crate::analysis::tokens::count(&analysed.text) as u64;
            d.add_text(fields.text, analysed.text);
            d.add_text(fields.written, text);
            d.add_text(fields.grams, analysed.grams);
            out.push(d);
        }
        story.add_text(fields.head, tokens(&mut self.text, &a.title));
        story.add_u64(fields.story_length, length);
        if !a.markers.is_empty() {
            story.add_u64(fields.align, 0);
        }
        out.push(story);
        // Read before the lock is taken: the other thread waits while it is held.
        let readings = han
            .iter()
            .filter_map(|w| pinyin::of_word(w).map(|r| pinyin::term(&r, w)))
            .collect();
        let mut vocabulary = self.vocabulary.lock().unwrap_or_else(|e| e.into_inner());
        out.extend(vocabulary.add(fields, words, readings));
        out
    }
}

/// The tokens `analyzer` makes of `text`, carried in a string.
fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> String {
    let mut out = String::new();
    analyzer
        .token_stream(text)
        .process(&mut |t: &Token| push(&mut out, t.position, &t.text));
    out
}

/// Terms of a field without positions, carried in a string.
fn listed(terms: impl Iterator<Item = String>) -> String {
    let mut out = String::new();
    for term in terms {
        push(&mut out, 0, &term);
    }
    out
}

/// A document naming passage `n` of `doc` (0: the story document) in the index: its place
/// (`unit`, [`schema::unit`] of its story and language, made once a file, by which the file's
/// documents are removed, and `passage`). Only the story document
/// holds its story, language and day as terms (filters), stores them with the title, date and
/// file, and holds the `story_unit` column's value: a passage is found through its story
/// document ([`Fields::story_unit`]), which saves the writer filing four terms per passage.
fn located(fields: &Fields, doc: &Document, unit: u64, n: u64) -> TantivyDocument {
    let a = &doc.article;
    let date = a.date.as_deref().unwrap_or_default();
    let mut d = TantivyDocument::default();
    d.add_u64(fields.passage, n);
    d.add_u64(fields.unit, unit);
    if n == 0 {
        d.add_text(fields.story, &doc.story);
        d.add_text(fields.lang, &a.lang);
        d.add_u64(fields.day, day_number(date));
        d.add_text(fields.stored_story, &doc.story);
        d.add_text(fields.stored_lang, &a.lang);
        d.add_text(fields.title, &a.title);
        d.add_text(fields.date, date);
        d.add_text(fields.stored_path, &doc.rel);
        d.add_u64(fields.story_unit, unit);
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::tokens::TokensTokenizer;
    use tantivy::schema::Value;
    use tantivy::tokenizer::{TokenStream, Tokenizer};

    /// The terms `field` of `doc` carries.
    fn terms(doc: &TantivyDocument, field: tantivy::schema::Field) -> Vec<String> {
        let carried = doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("");
        let mut out = Vec::new();
        let mut tokenizer = TokensTokenizer;
        let mut stream = tokenizer.token_stream(carried);
        stream.process(&mut |t: &Token| out.push(t.text.clone()));
        out
    }

    #[test]
    fn a_vocabulary_document_holds_the_reserved_term_in_each_looked_up_field() {
        let (_, fields) = Fields::schema();
        // English words only: no reading and no bigram, which an update of English files
        // alone gives its segment.
        let mut vocabulary = Vocabulary::default();
        let doc = vocabulary.add(&fields, vec!["ostrich".into()], Vec::new());
        assert!(doc.is_none(), "filed before the end of the run");
        let doc = vocabulary.document(&fields).expect("a vocabulary document");
        assert_eq!(
            terms(&doc, fields.words),
            ["ostrich", schema::RESERVED_TERM]
        );
        assert_eq!(terms(&doc, fields.pinyin), [schema::RESERVED_TERM]);
        assert_eq!(terms(&doc, fields.grams), [schema::RESERVED_TERM]);
        assert!(
            vocabulary.document(&fields).is_none(),
            "nothing left to file"
        );
    }
}
