//! Documents of chosen stories, as a query: the documents of the stories ranked, or the story
//! documents of the stories holding a word in one of their passages. Both are known by address
//! ([`Within`]): a ranked story's documents are the range ending at its story document, and
//! stage 1 collects story documents. tantivy's `TermSetQuery` of the stories' `unit` terms
//! walks the field's whole term dictionary in every segment, a lookup of each term cost 5,000
//! instructions a story, and checking each story document of the archive against a set of
//! stories (on the `story_unit` column) a seventh of a Chinese query.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use tantivy::index::SegmentId;
use tantivy::query::{
    BooleanQuery, ConstScorer, EnableScoring, Explanation, Occur, Query, Scorer, Weight,
};
use tantivy::{
    DocAddress, DocId, DocSet, Score, Searcher, SegmentOrdinal, SegmentReader, TantivyError,
    TERMINATED,
};

use super::stored::UnitColumn;

/// Chosen documents, as a query matching them and scoring nothing: the documents (story
/// documents and passages) of a few stories (the ranked ones, [`Within::stories`]), or
/// documents known by address ([`Within::documents`]).
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
    /// The documents of the stories whose story documents are at `stories` (`units`: each
    /// segment's `story_unit` column): a story's passages are the documents right before its
    /// story document.
    pub fn stories(searcher: &Searcher, units: &[UnitColumn], stories: &[DocAddress]) -> Within {
        let mut by_segment: FxHashMap<SegmentOrdinal, Vec<DocId>> = FxHashMap::default();
        for s in stories {
            if let Some(first) = units[s.segment_ord as usize].first_of_story(s.doc_id) {
                let docs = by_segment.entry(s.segment_ord).or_default();
                docs.extend(first..=s.doc_id);
            }
        }
        Within::in_segments(searcher, by_segment)
    }

    /// The documents at `addresses`.
    pub fn documents(searcher: &Searcher, addresses: Vec<DocAddress>) -> Within {
        let mut by_segment: FxHashMap<SegmentOrdinal, Vec<DocId>> = FxHashMap::default();
        for a in addresses {
            by_segment.entry(a.segment_ord).or_default().push(a.doc_id);
        }
        Within::in_segments(searcher, by_segment)
    }

    fn in_segments(
        searcher: &Searcher,
        by_segment: FxHashMap<SegmentOrdinal, Vec<DocId>>,
    ) -> Within {
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
