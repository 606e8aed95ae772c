//! A run of Han characters as a substring of passages. The index holds each bigram of a
//! passage once, without positions, and only where it is not a word of the passage (`grams`;
//! a word is in `text` already): a passage holds the run when it holds each of its bigrams in
//! either field. The score is a phrase's BM25 with the phrase found once (the bigrams'
//! summed idf; the passage's length in words).

use tantivy::query::{
    AllScorer, BooleanQuery, ConstScorer, EmptyQuery, EmptyScorer, EnableScoring, Explanation,
    Occur, Query, Scorer, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term};

use crate::analysis::bigrams;
use crate::schema::Fields;

use super::union::{Combine, Union};

/// BM25's term saturation and length normalisation, as tantivy's.
const K1: Score = 1.2;
const B: Score = 0.75;

/// Passages holding `han` (folded Han text) as a substring, scored like a phrase.
pub fn query(han: &str, f: &Fields) -> Box<dyn Query> {
    let pairs: Vec<&str> = bigrams(han).into_iter().map(|(_, _, g)| g).collect();
    if pairs.is_empty() {
        return Box::new(EmptyQuery);
    }
    Box::new(Substring {
        bigrams: pairs
            .into_iter()
            .map(|g| {
                let term = |field| Term::from_field_text(field, g);
                (term(f.grams), term(f.text))
            })
            .collect(),
        text: f.text,
    })
}

/// Passages holding `han` as a substring but not as a word, scoring aside: a passage holding
/// it as a word has it in `text`, and its story's whole text too, so a story holding it
/// there is found by its story document alone. A run of two characters is one bigram, which
/// `grams` holds exactly where it is not a word.
pub fn not_as_word(han: &str, f: &Fields) -> Box<dyn Query> {
    let term = |field| Term::from_field_text(field, han);
    match bigrams(han).as_slice() {
        [] => Box::new(EmptyQuery),
        [_] => basic(&term(f.grams)),
        _ => Box::new(BooleanQuery::new(vec![
            (Occur::Must, query(han, f)),
            (Occur::MustNot, basic(&term(f.text))),
        ])),
    }
}

/// Documents holding `t`, scoring nothing (only asked where scores are not).
fn basic(t: &Term) -> Box<dyn Query> {
    Box::new(Holding(t.clone()))
}

/// The documents holding a term, as tantivy's term query without scores finds them, but
/// without its weight's table of 256 BM25 factors, which it fills scoring or not: a substring
/// asks for two terms a bigram, in every stage.
#[derive(Clone, Debug)]
struct Holding(Term);

impl Query for Holding {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl Weight for Holding {
    fn scorer(&self, reader: &SegmentReader, _: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let inverted = reader.inverted_index(self.0.field())?;
        let Some(info) = inverted.get_term_info(&self.0)? else {
            return Ok(Box::new(EmptyScorer));
        };
        // As tantivy's: a term in every document matches them all.
        if info.doc_freq == reader.max_doc() {
            return Ok(Box::new(AllScorer::new(reader.max_doc())));
        }
        let postings = inverted.read_postings_from_terminfo(&info, IndexRecordOption::Basic)?;
        Ok(Box::new(ConstScorer::new(postings, 1.0)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        if self.scorer(reader, 1.0)?.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not hold {:?}",
                self.0
            )));
        }
        Ok(Explanation::new("holding the term", 1.0))
    }
}

/// See [`query`].
#[derive(Clone, Debug)]
struct Substring {
    /// Each bigram in order (a repeated one repeated), as a term of `grams` and of `text`.
    bigrams: Vec<(Term, Term)>,
    /// The field whose lengths normalise the score.
    text: Field,
}

impl Query for Substring {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let mut each: Vec<&(Term, Term)> = self.bigrams.iter().collect();
        each.dedup();
        let holding = BooleanQuery::new(
            each.into_iter()
                .map(|(gram, word)| {
                    let either = Union::new(vec![basic(gram), basic(word)], Combine::Sum);
                    (Occur::Must, Box::new(either) as Box<dyn Query>)
                })
                .collect(),
        );
        let docs = holding.weight(EnableScoring::disabled_from_schema(scoring.schema()))?;
        let bm25 = match scoring {
            EnableScoring::Enabled {
                statistics_provider: stats,
                ..
            } => {
                let docs = stats.total_num_docs()?.max(1);
                let mut idf = 0.0;
                for (gram, word) in &self.bigrams {
                    let held = (stats.doc_freq(gram)? + stats.doc_freq(word)?).min(docs);
                    let x = ((docs - held) as Score + 0.5) / (held as Score + 0.5);
                    idf += (1.0 + x).ln();
                }
                let average = stats.total_num_tokens(self.text)? as Score / docs as Score;
                Some((idf, average.max(1.0)))
            }
            EnableScoring::Disabled { .. } => None,
        };
        Ok(Box::new(SubstringWeight {
            docs,
            bm25,
            text: self.text,
        }))
    }
}

struct SubstringWeight {
    /// The passages holding every bigram.
    docs: Box<dyn Weight>,
    /// The bigrams' summed idf and the average length of `text`, when scoring.
    bm25: Option<(Score, Score)>,
    text: Field,
}

impl Weight for SubstringWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let docs = self.docs.scorer(reader, 1.0)?;
        let lengths = match self.bm25 {
            Some(_) => reader.fieldnorms_readers().get_field(self.text)?,
            None => None,
        };
        Ok(Box::new(SubstringScorer {
            docs,
            lengths,
            bm25: self.bm25,
            boost,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not hold the substring"
            )));
        }
        Ok(Explanation::new("substring (bigrams)", scorer.score()))
    }
}

struct SubstringScorer {
    docs: Box<dyn Scorer>,
    lengths: Option<tantivy::fieldnorm::FieldNormReader>,
    bm25: Option<(Score, Score)>,
    boost: Score,
}

impl DocSet for SubstringScorer {
    fn advance(&mut self) -> DocId {
        self.docs.advance()
    }
    fn seek(&mut self, target: DocId) -> DocId {
        self.docs.seek(target)
    }
    fn doc(&self) -> DocId {
        self.docs.doc()
    }
    fn size_hint(&self) -> u32 {
        self.docs.size_hint()
    }
}

impl Scorer for SubstringScorer {
    fn score(&mut self) -> Score {
        let (Some((idf, average)), Some(lengths)) = (self.bm25, &self.lengths) else {
            return 0.0;
        };
        let length = lengths.fieldnorm(self.docs.doc()) as Score;
        let norm = K1 * (1.0 - B + B * length / average);
        self.boost * idf * (K1 + 1.0) / (1.0 + norm)
    }
}
