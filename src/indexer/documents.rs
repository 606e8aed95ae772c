//! A story file's tantivy documents: one per passage, and the story document. Every indexed
//! value is analysed here, once, and handed to tantivy as tokens: a passage is cut by jieba
//! once for its `text`, its story's `body` and the story's pinyin readings, instead of once per
//! field.

use std::collections::BTreeSet;
use std::sync::Arc;

use tantivy::schema::TantivyDocument;
use tantivy::tokenizer::{PreTokenizedString, TextAnalyzer, Token, TokenStream};

use crate::analysis::{pinyin, Analyzers, Segmenter};
use crate::corpus::Document;
use crate::schema::{self, day_number, loc, Fields};

/// One thread's analyzers, making the documents of one file at a time.
pub(super) struct Maker<'a> {
    fields: &'a Fields,
    text: TextAnalyzer,
    grams: TextAnalyzer,
    words: TextAnalyzer,
    segmenter: Arc<Segmenter>,
}

impl<'a> Maker<'a> {
    pub(super) fn new(fields: &'a Fields, analyzers: &Analyzers) -> Self {
        Maker {
            fields,
            text: analyzers.text(),
            grams: analyzers.grams(),
            words: analyzers.words(),
            segmenter: analyzers.segmenter.clone(),
        }
    }

    /// The documents of `doc`: its passages, then its story document (passage 0: the whole
    /// text in `body`, frequencies only, the title in `head`, and the story's distinct Latin
    /// words and Han words' readings, which are looked up in the term dictionary only).
    pub(super) fn documents(&mut self, doc: &Document) -> Vec<TantivyDocument> {
        let fields = self.fields;
        let a = &doc.article;
        let mut out = Vec::with_capacity(a.passages.len() + 1);
        let mut story = located(fields, doc, 0);
        let mut words = BTreeSet::new();
        let mut han = BTreeSet::new();
        for (i, text) in a.passages.iter().enumerate() {
            let n = i as u64 + 1;
            let mut d = located(fields, doc, n);
            // Without markers, a passage pairs by its number; with them, by its marker's.
            let align = match a.markers.get(i) {
                None => n,
                Some(marker) => marker.unwrap_or(schema::UNPAIRED + n),
            };
            d.add_u64(fields.align, align);
            let terms = tokens(&mut self.text, text);
            story.add_pre_tokenized_text(fields.body, untexted(terms.clone()));
            d.add_pre_tokenized_text(
                fields.text,
                PreTokenizedString {
                    text: text.clone(),
                    tokens: terms,
                },
            );
            d.add_pre_tokenized_text(fields.grams, untexted(tokens(&mut self.grams, text)));
            words.extend(tokens(&mut self.words, text).into_iter().map(|t| t.text));
            // Right after the text's cut: jieba's cuts of this passage are still at hand.
            pinyin::read_words(&self.segmenter, text, |_, _, word| {
                if !han.contains(word) {
                    han.insert(word.to_string());
                }
            });
            out.push(d);
        }
        let readings = han
            .iter()
            .filter_map(|w| pinyin::of_word(w).map(|r| pinyin::term(&r, w)));
        story.add_pre_tokenized_text(fields.pinyin, listed(readings));
        story.add_pre_tokenized_text(fields.words, listed(words.into_iter()));
        story.add_pre_tokenized_text(fields.head, untexted(tokens(&mut self.text, &a.title)));
        if !a.markers.is_empty() {
            story.add_u64(fields.align, 0);
        }
        out.push(story);
        out
    }
}

/// The tokens `analyzer` makes of `text`.
fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(std::mem::take(stream.token_mut()));
    }
    out
}

/// Tokens for a field that is not stored (tantivy reads only the tokens).
fn untexted(tokens: Vec<Token>) -> PreTokenizedString {
    PreTokenizedString {
        text: String::new(),
        tokens,
    }
}

/// Terms as tokens of a field without positions.
fn listed(terms: impl Iterator<Item = String>) -> PreTokenizedString {
    untexted(
        terms
            .enumerate()
            .map(|(position, text)| Token {
                position,
                text,
                ..Token::default()
            })
            .collect(),
    )
}

/// A document naming passage `n` of `doc` (0: the story document): its story, language,
/// title, date, file and place.
fn located(fields: &Fields, doc: &Document, n: u64) -> TantivyDocument {
    let a = &doc.article;
    let date = a.date.clone().unwrap_or_default();
    let mut d = TantivyDocument::default();
    d.add_text(fields.story, &doc.story);
    d.add_text(fields.lang, &a.lang);
    d.add_text(fields.title, &a.title);
    d.add_text(fields.date, &date);
    d.add_u64(fields.day, day_number(&date));
    d.add_text(fields.path, &doc.rel);
    d.add_u64(fields.passage, n);
    d.add_text(fields.loc, loc(&doc.story, &a.lang, n));
    d.add_u64(fields.unit, schema::unit(&doc.story, &a.lang));
    d
}
