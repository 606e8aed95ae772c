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
    docs: Arc<FxHashMap<SegmentId, Arc<[Span]>>>,
}

/// Documents `start..end` of a segment.
type Span = (DocId, DocId);

impl Within {
    /// The documents of the stories whose story documents are at `stories` (`units`: each
    /// segment's `story_unit` column): a story's passages are the documents right before its
    /// story document.
    pub fn stories(searcher: &Searcher, units: &[UnitColumn], stories: &[DocAddress]) -> Within {
        let spans = stories.iter().filter_map(|s| {
            let first = units[s.segment_ord as usize].first_of_story(s.doc_id)?;
            Some((s.segment_ord, (first, s.doc_id + 1)))
        });
        Within::of_spans(searcher, spans)
    }

    /// The documents at `addresses`.
    pub fn documents(searcher: &Searcher, addresses: Vec<DocAddress>) -> Within {
        let spans = addresses
            .into_iter()
            .map(|a| (a.segment_ord, (a.doc_id, a.doc_id + 1)));
        Within::of_spans(searcher, spans)
    }

    fn of_spans(
        searcher: &Searcher,
        spans: impl Iterator<Item = (SegmentOrdinal, Span)>,
    ) -> Within {
        let mut by_segment: FxHashMap<SegmentOrdinal, Vec<Span>> = FxHashMap::default();
        for (ord, span) in spans {
            by_segment.entry(ord).or_default().push(span);
        }
        let docs = by_segment
            .into_iter()
            .map(|(ord, spans)| (searcher.segment_reader(ord).segment_id(), joined(spans)))
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

    fn of(&self, reader: &SegmentReader) -> Arc<[Span]> {
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
        Ok(Box::new(ConstScorer::new(Docs::new(self.of(reader)), 0.0)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let spans = self.of(reader);
        let at = spans.partition_point(|s| s.1 <= doc);
        if spans.get(at).is_none_or(|s| s.0 > doc) {
            return Err(TantivyError::InvalidArgument(format!(
                "document {doc} is not in the stories"
            )));
        }
        Ok(Explanation::new("within the stories", 0.0))
    }
}

/// `spans` sorted, those that overlap or touch joined.
fn joined(mut spans: Vec<Span>) -> Arc<[Span]> {
    spans.sort_unstable();
    let mut joined: Vec<Span> = Vec::with_capacity(spans.len());
    for (start, end) in spans {
        match joined.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => joined.push((start, end)),
        }
    }
    joined.into()
}

/// The documents of sorted, disjoint spans, in order.
struct Docs {
    spans: Arc<[Span]>,
    /// The span holding `doc`.
    at: usize,
    doc: DocId,
}

impl Docs {
    fn new(spans: Arc<[Span]>) -> Docs {
        let doc = spans.first().map_or(TERMINATED, |s| s.0);
        Docs { spans, at: 0, doc }
    }

    /// Moves to the first document at or after `target` from span `at` on.
    fn settle(&mut self, target: DocId) -> DocId {
        self.at += self.spans[self.at..].partition_point(|s| s.1 <= target);
        self.doc = self
            .spans
            .get(self.at)
            .map_or(TERMINATED, |s| s.0.max(target));
        self.doc
    }
}

impl DocSet for Docs {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        self.settle(self.doc + 1)
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        self.settle(target)
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        let rest = self.spans.get(self.at..).unwrap_or_default();
        rest.iter().map(|s| s.1 - s.0).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn spans_give_their_documents_in_order(
            spans in proptest::collection::vec((0u32..200, 1u32..20), 0..12),
            seeks in proptest::collection::vec(0u32..260, 0..12),
        ) {
            let spans: Vec<Span> = spans.iter().map(|&(s, n)| (s, s + n)).collect();
            let mut all: Vec<DocId> = spans.iter().flat_map(|&(s, e)| s..e).collect();
            all.sort_unstable();
            all.dedup();
            let mut docs = Docs::new(joined(spans));
            prop_assert_eq!(docs.size_hint() as usize, all.len());
            let mut seen = Vec::new();
            while docs.doc() != TERMINATED {
                seen.push(docs.doc());
                docs.advance();
            }
            prop_assert_eq!(&seen, &all);
            let mut seeks = seeks;
            seeks.sort_unstable();
            let mut docs = Docs::new(docs.spans.clone());
            for target in seeks {
                let from = target.max(docs.doc());
                let expected = all.iter().copied().find(|&d| d >= from);
                prop_assert_eq!(docs.seek(target), expected.unwrap_or(TERMINATED));
            }
        }
    }
}
