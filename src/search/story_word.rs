//! A word's BM25 over a story's whole text, read off its passages' `text` postings: the word's
//! frequency in a story is the sum of its passages', the story's length is the
//! `story_length` column of its story document, and the statistics are the `text` field's.
//! The index used to keep a copy of every passage's terms on the story documents for this (a
//! `body` field): a third of all the terms indexing filed, one at a time, on tantivy's one
//! writing thread.
//!
//! The scores are exactly those of a term query on that copy: tantivy's BM25 over the same
//! frequencies, the same lengths quantized alike, and the same statistics (a story counts
//! towards the word's document frequency when one of its passages holds it, deleted ones too,
//! as tantivy counts; every document counts in the number of documents and in the average
//! length, as it did for the copy).

use std::sync::{Arc, Mutex};

use rustc_hash::FxHashMap;
use tantivy::error::DataCorruption;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::index::SegmentId;
use tantivy::query::{Bm25Weight, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, TantivyError, Term, TERMINATED};

use crate::schema::Fields;

use super::stored::UnitColumn;

/// Each segment's story documents, in order ([`UnitColumn::story_documents`]).
pub type SegmentStories = Arc<FxHashMap<SegmentId, Arc<[DocId]>>>;

/// The story documents of every segment of `searcher` (`units`: each segment's column).
pub fn segment_stories(searcher: &Searcher, units: &[UnitColumn]) -> SegmentStories {
    let segments = searcher.segment_readers().iter().zip(units);
    Arc::new(
        segments
            .map(|(reader, unit)| (reader.segment_id(), unit.story_documents()))
            .collect(),
    )
}

/// A story holding the word: its story document, the word's frequency in its passages, and
/// its length as a tantivy fieldnorm id.
type Tally = (DocId, u32, u8);

/// A `text` word matching story documents, scored by BM25 over each story's whole text.
#[derive(Clone, Debug)]
pub struct StoryWord {
    /// The word, as a `text` term.
    term: Term,
    /// [`Fields::story_length`].
    length: Field,
    /// Each segment's story documents.
    stories: SegmentStories,
    /// Each segment's tallies once read: a search makes a query's weight more than once.
    read: Arc<Mutex<FxHashMap<SegmentId, Arc<[Tally]>>>>,
}

impl StoryWord {
    /// The `text` word `word` on story documents.
    pub fn new(word: &str, f: &Fields, stories: &SegmentStories) -> StoryWord {
        StoryWord::of(Term::from_field_text(f.text, word), f.story_length, stories)
    }

    /// The passages' `term` on story documents, whose lengths are in `length`.
    fn of(term: Term, length: Field, stories: &SegmentStories) -> StoryWord {
        StoryWord {
            term,
            length,
            stories: stories.clone(),
            read: Arc::default(),
        }
    }

    /// The stories of `reader`'s segment holding the word, in the order of their documents.
    fn tallies(&self, reader: &SegmentReader) -> tantivy::Result<Arc<[Tally]>> {
        let id = reader.segment_id();
        if let Some(tallies) = self.read.lock().unwrap_or_else(|e| e.into_inner()).get(&id) {
            return Ok(tallies.clone());
        }
        let stories = self
            .stories
            .get(&id)
            .cloned()
            .unwrap_or_else(|| Arc::from([]));
        let tallies = tally(reader, &self.term, self.length, &stories)?;
        let mut read = self.read.lock().unwrap_or_else(|e| e.into_inner());
        read.insert(id, tallies.clone());
        Ok(tallies)
    }
}

/// Reads the word's postings in one segment and sums them by story: a story's passages are the
/// documents right before its story document ([`Fields::story_unit`]).
fn tally(
    reader: &SegmentReader,
    term: &Term,
    length: Field,
    stories: &[DocId],
) -> tantivy::Result<Arc<[Tally]>> {
    let inverted = reader.inverted_index(term.field())?;
    let Some(mut postings) = inverted.read_block_postings(term, IndexRecordOption::WithFreqs)?
    else {
        return Ok(Arc::from([]));
    };
    // Each story holding the word: its row in the story columns, and the word's frequency.
    let mut sums: Vec<(usize, u32)> = Vec::new();
    // The story document of the passage at hand: the first at or after it.
    let mut at = 0;
    'blocks: while !postings.docs().is_empty() {
        for (&doc, &freq) in postings.docs().iter().zip(postings.freqs()) {
            if stories[at..].first().is_some_and(|&s| s < doc) {
                at += stories[at..].partition_point(|&s| s < doc);
            }
            if at == stories.len() {
                break 'blocks;
            }
            match sums.last_mut() {
                Some(last) if last.0 == at => last.1 += freq,
                _ => sums.push((at, freq)),
            }
        }
        postings.advance();
    }
    // Only story documents hold a length, as only they hold a unit: their rows are the same.
    let name = reader.schema().get_field_name(length);
    let lengths = reader.fast_fields().u64(name)?.values;
    if lengths.num_vals() as usize != stories.len() {
        return Err(TantivyError::DataCorruption(DataCorruption::comment_only(
            format!(
                "{} story lengths for {} stories",
                lengths.num_vals(),
                stories.len()
            ),
        )));
    }
    Ok(sums
        .into_iter()
        .map(|(row, freq)| {
            let tokens = u32::try_from(lengths.get_val(row as u32)).unwrap_or(u32::MAX);
            (stories[row], freq, FieldNormReader::fieldnorm_to_id(tokens))
        })
        .collect())
}

impl Query for StoryWord {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let bm25 = match scoring {
            EnableScoring::Enabled {
                searcher,
                statistics_provider: statistics,
            } => {
                let mut stories = 0;
                for reader in searcher.segment_readers() {
                    stories += self.tallies(reader)?.len() as u64;
                }
                let documents = statistics.total_num_docs()?;
                let tokens = statistics.total_num_tokens(self.term.field())?;
                let average = tokens as Score / documents as Score;
                Some(Bm25Weight::for_one_term(stories, documents, average))
            }
            EnableScoring::Disabled { .. } => None,
        };
        Ok(Box::new(StoryWordWeight {
            word: self.clone(),
            bm25,
        }))
    }
}

/// [`StoryWord`] ready to score: `None` when scores are not asked for.
struct StoryWordWeight {
    word: StoryWord,
    bm25: Option<Bm25Weight>,
}

impl Weight for StoryWordWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(StoryScorer {
            tallies: self.word.tallies(reader)?,
            at: 0,
            bm25: self.bm25.as_ref().map(|w| w.boost_by(boost)),
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let tallies = self.word.tallies(reader)?;
        let found = tallies.binary_search_by_key(&doc, |t| t.0);
        match (found.map(|at| tallies[at]), &self.bm25) {
            (Ok((_, freq, norm)), Some(bm25)) => {
                let mut explanation = bm25.explain(norm, freq);
                explanation.add_context(format!("story word {:?}", self.word.term));
                Ok(explanation)
            }
            (Ok(_), None) => Ok(Explanation::new("story word, not scored", 1.0)),
            (Err(_), _) => Err(TantivyError::InvalidArgument(format!(
                "document {doc} is not a story holding {:?}",
                self.word.term
            ))),
        }
    }
}

/// The stories of one segment holding the word, as a scorer.
struct StoryScorer {
    tallies: Arc<[Tally]>,
    at: usize,
    bm25: Option<Bm25Weight>,
}

impl DocSet for StoryScorer {
    fn advance(&mut self) -> DocId {
        self.at = (self.at + 1).min(self.tallies.len());
        self.doc()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.at += self.tallies[self.at..].partition_point(|t| t.0 < target);
        self.doc()
    }

    fn doc(&self) -> DocId {
        self.tallies.get(self.at).map_or(TERMINATED, |t| t.0)
    }

    fn size_hint(&self) -> u32 {
        (self.tallies.len() - self.at) as u32
    }
}

impl Scorer for StoryScorer {
    fn score(&mut self) -> Score {
        match (self.tallies.get(self.at), &self.bm25) {
            (Some(&(_, freq, norm)), Some(bm25)) => bm25.score(norm, freq),
            _ => 1.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::collection::vec;
    use proptest::prelude::*;
    use tantivy::collector::TopDocs;
    use tantivy::query::TermQuery;
    use tantivy::schema::{Schema, FAST, TEXT};
    use tantivy::{doc, Index};

    const WORDS: [&str; 5] = ["ant", "bee", "cat", "dog", "elk"];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// A story word scores each story as a term query did on a copy of the story's text
        /// (the `body` field it replaces), over two segments.
        #[test]
        fn stories_score_as_on_a_copy_of_their_text(
            stories in vec(vec(vec(0..WORDS.len(), 0..9), 1..5), 1..9),
            word in 0..WORDS.len(),
        ) {
            let mut schema = Schema::builder();
            let text = schema.add_text_field("text", TEXT);
            let body = schema.add_text_field("body", TEXT);
            let unit = schema.add_u64_field("story_unit", FAST);
            let length = schema.add_u64_field("story_length", FAST);
            let index = Index::create_in_ram(schema.build());
            let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
            for (n, story) in stories.iter().enumerate() {
                let passages: Vec<String> = story
                    .iter()
                    .map(|p| p.iter().map(|&w| WORDS[w]).collect::<Vec<_>>().join(" "))
                    .collect();
                for passage in &passages {
                    writer.add_document(doc!(text => passage.as_str())).unwrap();
                }
                let tokens = story.iter().map(Vec::len).sum::<usize>() as u64;
                writer
                    .add_document(doc!(body => passages.join(" "), unit => n as u64, length => tokens))
                    .unwrap();
                if n == stories.len() / 2 {
                    writer.commit().unwrap();
                }
            }
            writer.commit().unwrap();
            let searcher = index.reader().unwrap().searcher();
            let units: Vec<UnitColumn> =
                searcher.segment_readers().iter().map(|r| UnitColumn::open(r).unwrap()).collect();
            let stories = segment_stories(&searcher, &units);
            let top = TopDocs::with_limit(100).order_by_score();
            let ours = StoryWord::of(Term::from_field_text(text, WORDS[word]), length, &stories);
            let copy = TermQuery::new(
                Term::from_field_text(body, WORDS[word]),
                IndexRecordOption::WithFreqs,
            );
            prop_assert_eq!(searcher.search(&ours, &top).unwrap(), searcher.search(&copy, &top).unwrap());
        }
    }
}
