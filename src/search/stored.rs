//! Reading the open index for the stages: its term dictionaries (the plan's [`Vocabulary`]),
//! its stored passages, and its stories' languages and versions (arranging's
//! [`super::arrange::Counterparts`], [`Arranging`]).

use std::collections::BTreeSet;
use std::sync::OnceLock;

use tantivy::columnar::column_index::Set;
use tantivy::columnar::{Column, ColumnIndex, RowId};
use tantivy::postings::SegmentPostings;
use tantivy::query::{Bm25StatisticsProvider, FuzzyTermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{
    DocAddress, DocId, DocSet, Searcher as TantivySearcher, SegmentOrdinal, SegmentReader,
    TantivyError, Term, TERMINATED,
};

use crate::analysis::{latin_terms, pinyin};
use crate::error::Result;
use crate::schema::{unit, Fields};

use super::clause::Vocabulary;

mod counterparts;
mod passages;

pub use counterparts::Arranging;
pub use passages::LastStory;

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
    /// Its fast fields, opened on first use (by a search, so that damage there is reported
    /// as a search meets it).
    pub columns: &'a OnceLock<Columns>,
    /// How many documents hold a term: the searcher's, or a search's
    /// [`super::statistics::Statistics`], which its stages ask again.
    pub statistics: &'a dyn Bm25StatisticsProvider,
}

/// The `story_unit` and `align` fast fields of each segment (by ordinal), opened once:
/// opening one decodes its block index, which grows with the segment.
pub struct Columns {
    /// [`crate::schema::Fields::story_unit`].
    pub unit: Vec<UnitColumn>,
    /// [`crate::schema::Fields::align`], where any document of the segment holds one.
    pub align: Vec<Option<Column<u64>>>,
}

impl Columns {
    /// Opens the columns of every segment of `searcher`.
    pub fn open(searcher: &TantivySearcher) -> Result<Columns> {
        let segments = || searcher.segment_readers().iter();
        Ok(Columns {
            unit: segments()
                .map(|s| Ok(UnitColumn(s.fast_fields().u64("story_unit")?)))
                .collect::<tantivy::Result<_>>()?,
            align: segments()
                .map(|s| s.fast_fields().column_opt("align"))
                .collect::<tantivy::Result<_>>()?,
        })
    }
}

/// A segment's `story_unit` column, which only story documents hold, read for any document
/// of a story: its story document is the first document at or after it holding a value
/// ([`crate::schema::Fields::story_unit`]).
#[derive(Clone)]
pub struct UnitColumn(Column<u64>);

impl UnitColumn {
    /// The column's row of the story document of `doc`.
    fn row(&self, doc: DocId) -> Option<RowId> {
        let row = match &self.0.index {
            ColumnIndex::Full => doc,
            ColumnIndex::Optional(index) => index.rank(doc),
            _ => return None,
        };
        (row < self.0.values.num_vals()).then_some(row)
    }

    /// The unit of the story `doc` belongs to.
    pub fn of(&self, doc: DocId) -> Option<u64> {
        self.row(doc).map(|row| self.0.values.get_val(row))
    }

    /// The first document (passage) of the story whose story document is `story`.
    pub fn first_of_story(&self, story: DocId) -> Option<DocId> {
        match self.row(story)? {
            0 => Some(0),
            row => Some(self.document(row - 1) + 1),
        }
    }

    /// The story document of the story `doc` belongs to.
    pub fn story_document(&self, doc: DocId) -> Option<DocId> {
        self.row(doc).map(|row| self.document(row))
    }

    /// The story document at the column's `row`.
    fn document(&self, row: RowId) -> DocId {
        match &self.0.index {
            ColumnIndex::Optional(index) => index.select(row),
            _ => row,
        }
    }

    /// A reader of this column for documents asked in increasing order (a collector's).
    pub fn cursor(&self) -> UnitCursor {
        UnitCursor {
            column: self.clone(),
            from: 1,
            to: 0,
            unit: None,
        }
    }
}

/// [`UnitColumn::of`] for documents asked in increasing order: the documents from the one
/// asked last up to its story document share its unit, and need no look in the column.
pub struct UnitCursor {
    column: UnitColumn,
    from: DocId,
    to: DocId,
    unit: Option<u64>,
}

impl UnitCursor {
    /// The unit of the story `doc` belongs to.
    pub fn of(&mut self, doc: DocId) -> Option<u64> {
        if !(self.from..=self.to).contains(&doc) {
            let row = self.column.row(doc);
            self.from = doc;
            // After the last story document, no document has a unit.
            self.to = row.map_or(DocId::MAX, |row| self.column.document(row));
            self.unit = row.map(|row| self.column.0.values.get_val(row));
        }
        self.unit
    }

    /// The story document of the story `doc` belongs to.
    pub fn story_document(&mut self, doc: DocId) -> Option<DocId> {
        self.of(doc).map(|_| self.to)
    }
}

/// The languages the index holds stories in, from its `lang` terms (not its file list, which
/// can be large), which story documents hold: a language counts when a live one holds it, so
/// one whose stories were all deleted is left out. Read from the postings, stopping at the
/// first live document (every search process asks this when it opens the index).
pub fn languages(searcher: &TantivySearcher, fields: &Fields) -> Result<BTreeSet<String>> {
    let mut held = BTreeSet::new();
    for segment in searcher.segment_readers() {
        let index = segment.inverted_index(fields.lang)?;
        let mut terms = index.terms().stream().map_err(TantivyError::from)?;
        while terms.advance() {
            let lang = String::from_utf8_lossy(terms.key());
            if held.contains(lang.as_ref()) {
                continue;
            }
            let mut postings = index
                .read_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)
                .map_err(TantivyError::from)?;
            if !live_docs(&mut postings, segment, |_| false) {
                held.insert(lang.into_owned());
            }
        }
    }
    Ok(held)
}

/// Calls `each` with every live document of `postings` until it returns false; true when
/// every one was seen (false: `each` stopped it).
fn live_docs(
    postings: &mut SegmentPostings,
    segment: &SegmentReader,
    mut each: impl FnMut(DocId) -> bool,
) -> bool {
    let mut doc = postings.doc();
    while doc != TERMINATED {
        if !segment.is_deleted(doc) && !each(doc) {
            return false;
        }
        doc = postings.advance();
    }
    true
}

impl<'a> Stored<'a> {
    /// The fast fields of every segment.
    pub fn columns(&self) -> Result<&'a Columns> {
        if let Some(columns) = self.columns.get() {
            return Ok(columns);
        }
        let opened = Columns::open(self.searcher)?;
        Ok(self.columns.get_or_init(|| opened))
    }

    /// The languages the index holds story `story` in: those where it has a passage (a
    /// document with an align number; its story document has none, or 0).
    pub fn story_langs(&self, story: &str) -> Result<BTreeSet<String>> {
        let mut langs = BTreeSet::new();
        for lang in self.languages {
            let mut has_passage = false;
            self.each_document(story, lang, |_, align| {
                has_passage = align.is_some_and(|a| a > 0);
                !has_passage
            })?;
            if has_passage {
                langs.insert(lang.clone());
            }
        }
        Ok(langs)
    }

    /// Every live document of `story` in `lang` (its story document and its passages) with
    /// its align number.
    fn version(&self, story: &str, lang: &str) -> Result<Vec<(DocAddress, Option<u64>)>> {
        let mut docs = Vec::new();
        self.each_document(story, lang, |address, align| {
            docs.push((address, align));
            true
        })?;
        Ok(docs)
    }

    /// Calls `each` with every live document of `story` in `lang` and its align number until
    /// it returns false. Read from the postings of the story's `unit`
    /// term: arranging asks this of every story it shows, and a search (a weight and a scorer
    /// per term and segment, a collector) costs several times the reading.
    fn each_document(
        &self,
        story: &str,
        lang: &str,
        mut each: impl FnMut(DocAddress, Option<u64>) -> bool,
    ) -> Result<()> {
        let term = Term::from_field_u64(self.fields.unit, unit(story, lang));
        let columns = self.columns()?;
        for (ord, segment) in self.searcher.segment_readers().iter().enumerate() {
            let inverted = segment.inverted_index(self.fields.unit)?;
            let postings = inverted.read_postings(&term, IndexRecordOption::Basic);
            let Some(mut postings) = postings.map_err(TantivyError::from)? else {
                continue;
            };
            let (align, unit) = (&columns.align[ord], &columns.unit[ord]);
            // A file's documents are one batch: its passages in order, then its story
            // document. A batch's first live document is its first passage (or its story
            // document, when it has none), and its passages are numbered from it; two files
            // of one story and language make two batches.
            let mut batch = None;
            let finished = live_docs(&mut postings, segment, |doc| {
                let &mut (first, story) =
                    batch.get_or_insert_with(|| (doc, unit.story_document(doc)));
                let held = align.as_ref().and_then(|a| a.first(doc));
                let align = if story == Some(doc) {
                    batch = None;
                    held
                } else {
                    held.or(Some(u64::from(doc - first) + 1))
                };
                each(DocAddress::new(ord as SegmentOrdinal, doc), align)
            });
            if !finished {
                return Ok(());
            }
        }
        Ok(())
    }
}

impl Vocabulary for Stored<'_> {
    fn knows(&self, term: &str) -> bool {
        self.frequency(term) > 0
    }

    fn frequency(&self, term: &str) -> u64 {
        let term = Term::from_field_text(self.fields.text, term);
        self.statistics.doc_freq(&term).unwrap_or(0)
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
        // The most common words first; none whose stories are all gone (the list keeps them).
        let mut words: Vec<(u64, String)> = found
            .into_iter()
            .map(|w| (self.frequency(&w), w))
            .filter(|(n, _)| *n > 0)
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
        // None whose stories are all gone (the list keeps them): the text holds its stem.
        let held = |w: &String| latin_terms(w).iter().all(|t| self.knows(t));
        found.into_iter().filter(held).collect()
    }
}
