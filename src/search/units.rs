//! Documents of chosen stories, as a query: the documents of the stories ranked, or the story
//! documents of the stories holding a word in one of their passages. tantivy's `TermSetQuery`
//! builds an automaton of the terms and walks the field's whole term dictionary with it in
//! every segment, which for thousands of stories cost most of a query; here the few ranked
//! stories are looked up term by term, and the story documents of the many holding a word are
//! known by address already (both [`Within`]). Checking each story document of the archive
//! against a set of stories (on the `story_unit` column) cost a seventh of a Chinese query.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use tantivy::index::SegmentId;
use tantivy::query::{
    BooleanQuery, ConstScorer, EnableScoring, Explanation, Occur, Query, Scorer, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{
    DocAddress, DocId, DocSet, Score, Searcher, SegmentReader, TantivyError, Term, TERMINATED,
};

use crate::error::Result;

/// Chosen documents, as a query matching them and scoring nothing: the documents (story
/// documents and passages) of a few stories (the ranked ones), looked up once per segment by
/// their `unit` terms ([`Within::new`]), or documents known by address ([`Within::documents`]).
///
/// Put beside each term of a query ([`Within::around`]), it makes each term's postings be
/// read only where these stories are, skipping the rest by the postings' skip lists: beside
/// a union of common terms instead, the union reads every posting of each of them in a window
/// of thousands of documents around every story it is asked about (and checks each phrase
/// there), which was a third of a Chinese query's time.
#[derive(Clone, Debug)]
pub struct Within {
    docs: Arc<FxHashMap<SegmentId, Arc<[DocId]>>>,
}

impl Within {
    /// The documents of the stories `units` (`field`: the `unit` field).
    pub fn new(searcher: &Searcher, units: &[u64], field: Field) -> Result<Within> {
        let mut units = units.to_vec();
        units.sort_unstable();
        units.dedup();
        let mut docs = FxHashMap::default();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(field)?;
            let mut found = Vec::new();
            for &unit in &units {
                let term = Term::from_field_u64(field, unit);
                let Some(info) = inverted.get_term_info(&term).map_err(TantivyError::from)? else {
                    continue;
                };
                let mut postings = inverted
                    .read_postings_from_terminfo(&info, IndexRecordOption::Basic)
                    .map_err(TantivyError::from)?;
                while postings.doc() != TERMINATED {
                    found.push(postings.doc());
                    postings.advance();
                }
            }
            found.sort_unstable();
            found.dedup();
            docs.insert(segment.segment_id(), found.into());
        }
        Ok(Within {
            docs: Arc::new(docs),
        })
    }

    /// The documents at `addresses` (sorted and distinct within each segment, as
    /// [`super::rank::StoryDocuments`] gives them).
    pub fn documents(searcher: &Searcher, addresses: Vec<DocAddress>) -> Within {
        let mut by_segment: FxHashMap<u32, Vec<DocId>> = FxHashMap::default();
        for a in addresses {
            by_segment.entry(a.segment_ord).or_default().push(a.doc_id);
        }
        let docs = by_segment
            .into_iter()
            .map(|(ord, mut found)| {
                found.sort_unstable();
                found.dedup();
                (searcher.segment_reader(ord).segment_id(), found.into())
            })
            .collect();
        Within {
            docs: Arc::new(docs),
        }
    }

    /// `query` on these documents only (its scores unchanged).
    pub fn around(&self, query: Box<dyn Query>) -> Box<dyn Query> {
        Box::new(BooleanQuery::new(vec![
            (Occur::Must, query),
            (Occur::Must, Box::new(self.clone())),
        ]))
    }

    fn of(&self, reader: &SegmentReader) -> Arc<[DocId]> {
        self.docs
            .get(&reader.segment_id())
            .cloned()
            .unwrap_or_else(|| Arc::from(Vec::new()))
    }
}

impl Query for Within {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl Weight for Within {
    fn scorer(&self, reader: &SegmentReader, _: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let docs = Docs {
            docs: self.of(reader),
            at: 0,
        };
        Ok(Box::new(ConstScorer::new(docs, 0.0)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        if self.of(reader).binary_search(&doc).is_err() {
            return Err(TantivyError::InvalidArgument(format!(
                "document {doc} is not in the stories"
            )));
        }
        Ok(Explanation::new("within the stories", 0.0))
    }
}

/// Documents found by looking their stories up, sorted and distinct.
struct Docs {
    docs: Arc<[DocId]>,
    at: usize,
}

impl DocSet for Docs {
    fn advance(&mut self) -> DocId {
        self.at = (self.at + 1).min(self.docs.len());
        self.doc()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.at += self.docs[self.at..].partition_point(|&d| d < target);
        self.doc()
    }

    fn doc(&self) -> DocId {
        self.docs.get(self.at).copied().unwrap_or(TERMINATED)
    }

    fn size_hint(&self) -> u32 {
        (self.docs.len() - self.at) as u32
    }
}
