//! A word on story documents: its BM25 over the story's whole text plus its BM25 in the
//! story's title (`head`), in one scorer.
//!
//! The whole text's part is read off the passages' `text` postings: the word's frequency in a
//! story is the sum of its passages', the story's length is the `story_length` column of its
//! story document, and the statistics are the `text` field's. The index used to keep a copy
//! of every passage's terms on the story documents for this (a `body` field): a third of all
//! the terms indexing filed, one at a time, on tantivy's one writing thread.
//!
//! The scores are exactly those of a union of a term query on that copy and one on the title:
//! tantivy's BM25 over the same frequencies, the same lengths quantized alike, and the same
//! statistics (a story counts towards the word's document frequency when one of its passages
//! holds it, deleted ones too, as tantivy counts; every document counts in the number of
//! documents and in the average length, as it did for the copy), summed in the same order. One
//! scorer instead of the union: a union clears a buffer of 4,096 scores whenever it is sought
//! far, which was a tenth of some queries' instructions.

use std::fmt;
use std::sync::{Arc, Mutex};

use rustc_hash::FxHashMap;
use tantivy::columnar::ColumnValues;
use tantivy::error::DataCorruption;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::index::SegmentId;
use tantivy::postings::Postings;
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, TantivyError, Term, TERMINATED};

use crate::schema::Fields;

use super::bm25::Bm25;

/// Each segment's stories ([`Stories`]).
pub type SegmentStories = Arc<FxHashMap<SegmentId, Stories>>;

/// One segment's stories: their story documents, in order (a story's passages are the
/// documents before its story document and after the one before, [`Fields::story_unit`]), and
/// their lengths ([`Fields::story_length`]), by the same row: only story documents hold one.
pub struct Stories {
    documents: Vec<DocId>,
    lengths: Arc<dyn ColumnValues<u64>>,
}

impl fmt::Debug for Stories {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} stories", self.documents.len())
    }
}

/// The stories of every segment of `searcher`: the documents of passage number 0.
pub fn segment_stories(searcher: &Searcher, f: &Fields) -> tantivy::Result<SegmentStories> {
    marked(
        searcher,
        &Term::from_field_u64(f.passage, 0),
        f.story_length,
    )
}

/// The documents holding `marker` in every segment of `searcher`, read off its postings (the
/// `story_unit` column's index gave them at ten times the cost), with their `length` column.
fn marked(searcher: &Searcher, marker: &Term, length: Field) -> tantivy::Result<SegmentStories> {
    let mut out = FxHashMap::default();
    for reader in searcher.segment_readers() {
        let inverted = reader.inverted_index(marker.field())?;
        let mut docs = Vec::new();
        if let Some(info) = inverted.get_term_info(marker)? {
            // Sized at once: growing a list of 71,000 copies it into fresh pages, each a
            // page fault, several times.
            docs.reserve_exact(info.doc_freq as usize);
            let mut postings =
                inverted.read_block_postings_from_terminfo(&info, IndexRecordOption::Basic)?;
            while !postings.docs().is_empty() {
                docs.extend_from_slice(postings.docs());
                postings.advance();
            }
        }
        let name = reader.schema().get_field_name(length);
        let lengths = reader.fast_fields().u64(name)?.values;
        if lengths.num_vals() as usize != docs.len() {
            return Err(TantivyError::DataCorruption(DataCorruption::comment_only(
                format!(
                    "{} story lengths for {} stories",
                    lengths.num_vals(),
                    docs.len()
                ),
            )));
        }
        out.insert(
            reader.segment_id(),
            Stories {
                documents: docs,
                lengths,
            },
        );
    }
    Ok(Arc::new(out))
}

/// Weight of a title match relative to a match in a story's text (the title is a field of
/// its own, so a title word counts in both).
const TITLE_WEIGHT: f32 = 1.0;

/// A story holding the word in its text or title: its story document, and the word's
/// frequency in each (0: not there) with that field's length (a tantivy fieldnorm id). Kept
/// small: a common word is held by tens of thousands of stories.
#[derive(Clone, Copy, Debug)]
struct Tally {
    story: DocId,
    text_freq: u32,
    title_freq: u32,
    text_norm: u8,
    title_norm: u8,
}

/// A word matching story documents, scored by BM25 over each story's whole text and title.
#[derive(Clone, Debug)]
pub struct StoryWord {
    /// The word, as a `text` term.
    text: Term,
    /// The word, as a `head` term.
    title: Term,
    /// Each segment's story documents.
    stories: SegmentStories,
    /// Each segment's tallies once read: a search makes a query's weight more than once.
    read: Arc<Mutex<FxHashMap<SegmentId, Arc<Vec<Tally>>>>>,
}

impl StoryWord {
    /// The word `word` on story documents.
    pub fn new(word: &str, f: &Fields, stories: &SegmentStories) -> StoryWord {
        let text = Term::from_field_text(f.text, word);
        StoryWord::of(text, Term::from_field_text(f.head, word), stories)
    }

    /// The passages' `text` term and the titles' `title` term on story documents.
    fn of(text: Term, title: Term, stories: &SegmentStories) -> StoryWord {
        StoryWord {
            text,
            title,
            stories: stories.clone(),
            read: Arc::default(),
        }
    }

    /// The stories of `reader`'s segment holding the word, in the order of their documents.
    fn tallies(&self, reader: &SegmentReader) -> tantivy::Result<Arc<Vec<Tally>>> {
        let id = reader.segment_id();
        if let Some(tallies) = self.read.lock().unwrap_or_else(|e| e.into_inner()).get(&id) {
            return Ok(tallies.clone());
        }
        let mut tallies = match self.stories.get(&id) {
            Some(stories) => in_text(reader, &self.text, stories)?,
            None => Vec::new(),
        };
        add_titles(&mut tallies, reader, &self.title)?;
        let tallies = Arc::new(tallies);
        let mut read = self.read.lock().unwrap_or_else(|e| e.into_inner());
        read.insert(id, tallies.clone());
        Ok(tallies)
    }
}

/// Reads the word's postings in one segment and sums them by story: a story's passages are the
/// documents right before its story document ([`Fields::story_unit`]).
fn in_text(reader: &SegmentReader, term: &Term, stories: &Stories) -> tantivy::Result<Vec<Tally>> {
    let inverted = reader.inverted_index(term.field())?;
    let Some(info) = inverted.get_term_info(term)? else {
        return Ok(Vec::new());
    };
    let mut postings =
        inverted.read_block_postings_from_terminfo(&info, IndexRecordOption::WithFreqs)?;
    let documents = &stories.documents[..];
    // At most one story a posting: sized at once, never copied as it grows (the pages not
    // reached are never touched).
    let mut out = Vec::with_capacity(documents.len().min(info.doc_freq as usize));
    // The row of the story document of the passages at hand (a passage is never one): the
    // first at or after them; and the word's frequency in its passages so far.
    let mut at: Option<usize> = None;
    let mut freq = 0;
    let done = |row: usize, freq: u32, out: &mut Vec<Tally>| {
        let tokens = u32::try_from(stories.lengths.get_val(row as u32)).unwrap_or(u32::MAX);
        out.push(Tally {
            story: documents[row],
            text_freq: freq,
            title_freq: 0,
            text_norm: FieldNormReader::fieldnorm_to_id(tokens),
            title_norm: 0,
        });
    };
    'blocks: while !postings.docs().is_empty() {
        for (&doc, &posted) in postings.docs().iter().zip(postings.freqs()) {
            let row = match at {
                Some(row) if doc < documents[row] => row,
                _ => {
                    if let Some(row) = at {
                        done(row, freq, &mut out);
                    }
                    freq = 0;
                    let row = next_story(documents, at.map_or(0, |r| r + 1), doc);
                    if row >= documents.len() {
                        at = None;
                        break 'blocks;
                    }
                    row
                }
            };
            at = Some(row);
            freq += posted;
        }
        postings.advance();
    }
    if let Some(row) = at {
        done(row, freq, &mut out);
    }
    Ok(out)
}

/// The first of `documents` from `at` on that is `doc` or after it, galloping: the next story
/// holding a word is most often near.
fn next_story(documents: &[DocId], at: usize, doc: DocId) -> usize {
    let (mut from, mut step) = (at, 1);
    while from + step < documents.len() && documents[from + step] < doc {
        from += step;
        step *= 2;
    }
    let to = (from + step + 1).min(documents.len());
    from + documents[from..to].partition_point(|&s| s < doc)
}

/// Adds the word's frequency in the titles of `tallies`' stories and the stories whose title
/// holds it and whose text does not, keeping them in the order of their documents.
fn add_titles(
    tallies: &mut Vec<Tally>,
    reader: &SegmentReader,
    term: &Term,
) -> tantivy::Result<()> {
    let inverted = reader.inverted_index(term.field())?;
    let Some(mut postings) = inverted.read_postings(term, IndexRecordOption::WithFreqs)? else {
        return Ok(());
    };
    let norms = reader.get_fieldnorms_reader(term.field())?;
    let texts = tallies.len();
    // Titles are few beside the texts: each is found in the texts' list by halving, from
    // where the one before was.
    let mut at = 0;
    let mut doc = postings.doc();
    while doc != TERMINATED {
        let (freq, norm) = (postings.term_freq(), norms.fieldnorm_id(doc));
        at += tallies[at..texts].partition_point(|t| t.story < doc);
        match tallies.get_mut(at).filter(|t| at < texts && t.story == doc) {
            Some(tally) => (tally.title_freq, tally.title_norm) = (freq, norm),
            None => tallies.push(Tally {
                story: doc,
                text_freq: 0,
                title_freq: freq,
                text_norm: 0,
                title_norm: norm,
            }),
        }
        doc = postings.advance();
    }
    if tallies.len() > texts {
        tallies.sort_unstable_by_key(|t| t.story);
    }
    Ok(())
}

/// The BM25 weights of the word in stories' text and in their titles.
struct Weights {
    text: Bm25,
    title: Bm25,
}

impl Query for StoryWord {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = match scoring {
            EnableScoring::Enabled {
                searcher,
                statistics_provider: statistics,
            } => {
                let mut stories = 0;
                for reader in searcher.segment_readers() {
                    let tallies = self.tallies(reader)?;
                    stories += tallies.iter().filter(|t| t.text_freq > 0).count() as u64;
                }
                let documents = statistics.total_num_docs()?;
                let average = |field| -> tantivy::Result<Score> {
                    Ok(statistics.total_num_tokens(field)? as Score / documents as Score)
                };
                let titles = statistics.doc_freq(&self.title)?;
                Some(Weights {
                    text: Bm25::new(stories, documents, average(self.text.field())?),
                    title: Bm25::new(titles, documents, average(self.title.field())?),
                })
            }
            EnableScoring::Disabled { .. } => None,
        };
        Ok(Box::new(StoryWordWeight {
            word: self.clone(),
            weights,
        }))
    }
}

/// [`StoryWord`] ready to score: `None` when scores are not asked for.
struct StoryWordWeight {
    word: StoryWord,
    weights: Option<Weights>,
}

impl Weight for StoryWordWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(StoryScorer {
            tallies: self.word.tallies(reader)?,
            at: 0,
            weights: self.weights.as_ref().map(|w| Weights {
                text: w.text.boost_by(boost),
                title: w.title.boost_by(boost * TITLE_WEIGHT),
            }),
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let tallies = self.word.tallies(reader)?;
        let Ok(at) = tallies.binary_search_by_key(&doc, |t| t.story) else {
            return Err(TantivyError::InvalidArgument(format!(
                "document {doc} is not a story holding {:?}",
                self.word.text
            )));
        };
        let Some(weights) = &self.weights else {
            return Ok(Explanation::new("story word, not scored", 1.0));
        };
        let tally = tallies[at];
        let mut explanation = Explanation::new("story word", score(&tally, weights));
        if tally.text_freq > 0 {
            explanation.add_detail(weights.text.explain(tally.text_norm, tally.text_freq));
        }
        if tally.title_freq > 0 {
            explanation.add_detail(weights.title.explain(tally.title_norm, tally.title_freq));
        }
        Ok(explanation)
    }
}

/// A story's score: its text's part, then its title's, added as a union of the two term
/// queries adds them.
fn score(tally: &Tally, weights: &Weights) -> Score {
    let mut score = 0.0;
    if tally.text_freq > 0 {
        score += weights.text.score(tally.text_norm, tally.text_freq);
    }
    if tally.title_freq > 0 {
        score += weights.title.score(tally.title_norm, tally.title_freq);
    }
    score
}

/// The stories of one segment holding the word, as a scorer.
struct StoryScorer {
    tallies: Arc<Vec<Tally>>,
    at: usize,
    weights: Option<Weights>,
}

impl DocSet for StoryScorer {
    fn advance(&mut self) -> DocId {
        self.at = (self.at + 1).min(self.tallies.len());
        self.doc()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.at += self.tallies[self.at..].partition_point(|t| t.story < target);
        self.doc()
    }

    fn doc(&self) -> DocId {
        self.tallies.get(self.at).map_or(TERMINATED, |t| t.story)
    }

    fn size_hint(&self) -> u32 {
        (self.tallies.len() - self.at) as u32
    }
}

impl Scorer for StoryScorer {
    fn score(&mut self) -> Score {
        match (self.tallies.get(self.at), &self.weights) {
            (Some(tally), Some(weights)) => score(tally, weights),
            _ => 1.0,
        }
    }
}

#[cfg(test)]
#[path = "story_word_tests.rs"]
mod tests;
