//! Every Tantivy field in one place. One Tantivy document is one passage, plus one per story
//! and language (passage number 0) that holds what ranks and names the story as a whole: its
//! title, its length, its id, file and date.

use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, STORED,
};
use tantivy::Term;

use crate::analysis::tokens::TOKENS_ANALYZER;

/// The fields of a passage document.
#[derive(Clone, Copy, Debug)]
pub struct Fields {
    /// The passage's terms (the text analyzer's), with positions.
    pub text: Field,
    /// The passage as written (stored only).
    pub written: Field,
    /// The passage's distinct Han bigrams that are not among its `text` terms, each once,
    /// without positions or length (substring search: [`crate::search::substring`]).
    pub grams: Field,
    /// Unstemmed Latin words (spelling tolerance): on story documents only, each once; only
    /// its term dictionary is read.
    pub words: Field,
    /// A story document's title, analysed like the text (a boosted field when ranking).
    pub head: Field,
    /// The number of `text` tokens in a story's passages, on its story document: its whole
    /// text's length, which ranks stories with the passages' postings
    /// ([`crate::search::story_word`]).
    pub story_length: Field,
    /// `reading\x1fword` for every Han word (search without a Chinese keyboard): on story
    /// documents only, each once; only its term dictionary is read.
    pub pinyin: Field,
    /// Story id, on the story document only (filters: a passage passes through its story's;
    /// indexed only: [`Fields::stored_story`] is shown).
    pub story: Field,
    /// Language code, on the story document only (filters; indexed only:
    /// [`Fields::stored_lang`] is shown).
    pub lang: Field,
    /// Story title, stored on the story document only.
    pub title: Field,
    /// Date `YYYY-MM-DD`, or empty, stored on the story document only.
    pub date: Field,
    /// Date as a number `YYYYMMDD` (0 when unknown), on the story document only, for range
    /// filters.
    pub day: Field,
    /// The story id as stored, on the story document only: a passage's story, language,
    /// title, date and file are read from its story document ([`Fields::story_unit`]), which
    /// saves repeating them on each of its passages in the stored text.
    pub stored_story: Field,
    /// The language code as stored, on the story document only.
    pub stored_lang: Field,
    /// The source file relative to the archive folder, stored on the story document only.
    pub stored_path: Field,
    /// Passage number, from 1; 0 for a story document.
    pub passage: Field,
    /// [`unit`] of the story and language: which story document a passage belongs to
    /// (indexed only: the documents of chosen stories are looked up by it, and a file's
    /// documents are removed by it).
    pub unit: Field,
    /// [`unit`] as a fast field on story documents only. A story's passages are the
    /// documents right before its story document in every segment (a file's documents are
    /// added as one batch, and merges keep the order), so a passage's unit is that of the
    /// first story document at or after it: a column of 2,595 values instead of one per
    /// passage (`search::stored::UnitColumn`).
    pub story_unit: Field,
    /// The number that pairs a passage with its counterparts in the story's other languages:
    /// its alignment marker's, else (in a file without markers) its own passage number;
    /// [`UNPAIRED`] plus its number for a passage without a marker in a file with markers. On
    /// a story document: 0 when its file has markers, else nothing. A passage holds it only
    /// when it is not the passage's own number (`search::stored::Stored::align`): opening a
    /// column decodes its block index, which grew with every passage of the archive.
    pub align: Field,
}

impl Fields {
    /// Builds the schema and its field handles.
    pub fn schema() -> (Schema, Fields) {
        let mut b = Schema::builder();
        let indexed = |analyzer: &str, record: IndexRecordOption| {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(analyzer)
                    .set_index_option(record),
            )
        };
        // Fields never scored (filters, lookups, term lists) keep no length per document.
        let unscored = |analyzer: &str| {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(analyzer)
                    .set_index_option(IndexRecordOption::Basic)
                    .set_fieldnorms(false),
            )
        };
        let fields = Fields {
            text: b.add_text_field(
                "text",
                indexed(TOKENS_ANALYZER, IndexRecordOption::WithFreqsAndPositions),
            ),
            written: b.add_text_field("written", STORED),
            grams: b.add_text_field("grams", unscored(TOKENS_ANALYZER)),
            words: b.add_text_field("words", unscored(TOKENS_ANALYZER)),
            head: b.add_text_field(
                "head",
                indexed(TOKENS_ANALYZER, IndexRecordOption::WithFreqs),
            ),
            story_length: b.add_u64_field("story_length", NumericOptions::default().set_fast()),
            pinyin: b.add_text_field("pinyin", unscored(TOKENS_ANALYZER)),
            story: b.add_text_field("story", unscored("raw")),
            lang: b.add_text_field("lang", unscored("raw")),
            title: b.add_text_field("title", STORED),
            date: b.add_text_field("date", STORED),
            day: b.add_u64_field("day", NumericOptions::default().set_indexed()),
            stored_story: b.add_text_field("stored_story", STORED),
            stored_lang: b.add_text_field("stored_lang", STORED),
            stored_path: b.add_text_field("stored_path", STORED),
            passage: b.add_u64_field("passage", NumericOptions::default().set_indexed() | STORED),
            unit: b.add_u64_field("unit", NumericOptions::default().set_indexed()),
            story_unit: b.add_u64_field("story_unit", NumericOptions::default().set_fast()),
            align: b.add_u64_field("align", NumericOptions::default().set_indexed().set_fast()),
        };
        (b.build(), fields)
    }

    /// Field handles of an existing index's schema.
    pub fn of(schema: &Schema) -> tantivy::Result<Fields> {
        let f = |name: &str| schema.get_field(name);
        Ok(Fields {
            text: f("text")?,
            written: f("written")?,
            grams: f("grams")?,
            words: f("words")?,
            head: f("head")?,
            story_length: f("story_length")?,
            pinyin: f("pinyin")?,
            story: f("story")?,
            lang: f("lang")?,
            title: f("title")?,
            date: f("date")?,
            day: f("day")?,
            stored_story: f("stored_story")?,
            stored_lang: f("stored_lang")?,
            stored_path: f("stored_path")?,
            passage: f("passage")?,
            unit: f("unit")?,
            story_unit: f("story_unit")?,
            align: f("align")?,
        })
    }

    /// The documents of `story` in `lang` (its passages and its story document), those
    /// holding the term `also` when given (a passage number, an align number).
    pub fn of_unit(&self, story: &str, lang: &str, also: Option<Term>) -> BooleanQuery {
        let unit = Term::from_field_u64(self.unit, unit(story, lang));
        let term = |t: Term| -> (Occur, Box<dyn Query>) {
            (
                Occur::Must,
                Box::new(TermQuery::new(t, IndexRecordOption::Basic)),
            )
        };
        BooleanQuery::new(std::iter::once(unit).chain(also).map(term).collect())
    }

    /// Passage `n` of `story` in `lang` (0: its story document).
    pub fn passage_of(&self, story: &str, lang: &str, n: u64) -> BooleanQuery {
        self.of_unit(story, lang, Some(Term::from_field_u64(self.passage, n)))
    }
}

/// A term no text yields (control characters; more of them than any spelling correction's
/// distance), filed in `words`, `pinyin` and `grams` on each vocabulary document: a segment
/// with no term in a field gets tantivy's empty term dictionary, which tantivy builds once per
/// process the first time it is asked for (an FST builder's table: a million instructions and
/// a megabyte of fresh memory, a tenth of a search's time), and an update of English files
/// alone makes a segment without `grams` and `pinyin`.
pub const RESERVED_TERM: &str = "\u{1}\u{1}\u{1}\u{1}\u{1}\u{1}";

/// Added to the passage number of a passage without a marker in a file with markers: above
/// every marker's number (at most 9 digits), so it pairs with nothing.
pub const UNPAIRED: u64 = 1_000_000_000;

/// The key naming one passage (`0`: the story document) in maps of passages.
pub fn loc(story: &str, lang: &str, passage: u64) -> String {
    format!("{story}\x1f{lang}\x1f{passage}")
}

/// A number naming one story in one language, shared by its story document and its passages:
/// 48 bits of a hash (every document keeps it in a column, at 6 bytes instead of 8; two of
/// 100,000 stories share one with odds of 1 in 50,000).
pub fn unit(story: &str, lang: &str) -> u64 {
    // The bytes of `loc(story, lang, 0)`, hashed without formatting them: an update compares
    // every file's unit with the changed files'.
    let hash = blake3::Hasher::new()
        .update(story.as_bytes())
        .update(b"\x1f")
        .update(lang.as_bytes())
        .update(b"\x1f0")
        .finalize();
    let mut bytes = [0; 8];
    bytes[..6].copy_from_slice(&hash.as_bytes()[..6]);
    u64::from_le_bytes(bytes)
}

/// `YYYY-MM-DD` as the number `YYYYMMDD`.
pub fn day_number(date: &str) -> u64 {
    date.replace('-', "").parse().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_unit_is_the_hash_of_its_story_documents_key() {
        // Indexes store units: the number must stay what it was for the same story.
        for (story, lang) in [("khorgos", "en"), ("新闻/霍尔果斯", "zh"), ("", "")] {
            let hash = blake3::hash(super::loc(story, lang, 0).as_bytes());
            let mut bytes = [0; 8];
            bytes[..6].copy_from_slice(&hash.as_bytes()[..6]);
            assert_eq!(super::unit(story, lang), u64::from_le_bytes(bytes));
        }
    }
}
