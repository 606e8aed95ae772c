//! Every Tantivy field in one place. One Tantivy document is one passage.

use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, STORED,
    STRING,
};

use crate::analysis::{GRAMS_ANALYZER, PINYIN_ANALYZER, TEXT_ANALYZER, WORDS_ANALYZER};

/// The fields of a passage document.
#[derive(Clone, Copy, Debug)]
pub struct Fields {
    /// The passage text: stored, analysed with positions.
    pub text: Field,
    /// Han bigrams of the text, with positions (substring search).
    pub grams: Field,
    /// Unstemmed Latin words of the text (spelling tolerance), frequencies only.
    pub words: Field,
    /// `reading\x1fword` for every Han word (search without a Chinese keyboard), no frequencies.
    pub pinyin: Field,
    /// Story id.
    pub story: Field,
    /// Language code.
    pub lang: Field,
    /// Story title.
    pub title: Field,
    /// Date `YYYY-MM-DD`, or empty.
    pub date: Field,
    /// Date as a number `YYYYMMDD` (0 when unknown), for range filters.
    pub day: Field,
    /// Source file relative to the archive folder.
    pub path: Field,
    /// Passage number, from 1.
    pub passage: Field,
    /// `story \x1f lang \x1f passage`: the key that finds a counterpart.
    pub loc: Field,
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
        let fields = Fields {
            text: b.add_text_field(
                "text",
                indexed(TEXT_ANALYZER, IndexRecordOption::WithFreqsAndPositions) | STORED,
            ),
            grams: b.add_text_field(
                "grams",
                indexed(GRAMS_ANALYZER, IndexRecordOption::WithFreqsAndPositions),
            ),
            words: b.add_text_field("words", indexed(WORDS_ANALYZER, IndexRecordOption::Basic)),
            pinyin: b.add_text_field("pinyin", indexed(PINYIN_ANALYZER, IndexRecordOption::Basic)),
            story: b.add_text_field("story", STRING | STORED),
            lang: b.add_text_field("lang", STRING | STORED),
            title: b.add_text_field("title", STORED),
            date: b.add_text_field("date", STORED),
            day: b.add_u64_field("day", NumericOptions::default().set_indexed()),
            path: b.add_text_field("path", STRING | STORED),
            passage: b.add_u64_field("passage", STORED),
            loc: b.add_text_field("loc", STRING),
        };
        (b.build(), fields)
    }

    /// Field handles of an existing index's schema.
    pub fn of(schema: &Schema) -> tantivy::Result<Fields> {
        let f = |name: &str| schema.get_field(name);
        Ok(Fields {
            text: f("text")?,
            grams: f("grams")?,
            words: f("words")?,
            pinyin: f("pinyin")?,
            story: f("story")?,
            lang: f("lang")?,
            title: f("title")?,
            date: f("date")?,
            day: f("day")?,
            path: f("path")?,
            passage: f("passage")?,
            loc: f("loc")?,
        })
    }
}

/// The counterpart key of a passage.
pub fn loc(story: &str, lang: &str, passage: u64) -> String {
    format!("{story}\x1f{lang}\x1f{passage}")
}

/// `YYYY-MM-DD` as the number `YYYYMMDD`.
pub fn day_number(date: &str) -> u64 {
    date.replace('-', "").parse().unwrap_or(0)
}
