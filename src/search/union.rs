//! A union of a few clauses, scored as tantivy's union of `Should` clauses scores it (the same
//! sums in the same order, the same window of documents read ahead, so the same costs reported
//! to an intersection choosing its leader), but keeping only the documents that matched.
//!
//! tantivy's `BufferedUnionScorer` allocates a window of 4,096 scores and copies it in for every
//! union of every segment, and clears it whenever it is sought far: a query's alternatives
//! (a word and its translations, its spellings) are small unions sought far, around a few
//! stories, and those copies were a tenth of a search's instructions.

use tantivy::query::{
    BooleanQuery, EmptyScorer, EnableScoring, Explanation, Occur, Query, Scorer, Weight,
};
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, TERMINATED};

/// How many documents ahead the union reads each clause: tantivy's horizon.
const HORIZON: DocId = 4096;

/// How the clauses' scores at one document make the union's.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Combine {
    /// Their sum, in the clauses' order (a boolean query of `Should` clauses).
    Sum,
    /// The best of them (a disjunction-max query, no tie breaker).
    Max,
}

/// A boolean query of `subs`, its `Should` clauses (two or more) as one [`Union`] where tantivy
/// would make them a union: the same documents and scores.
pub fn boolean(subs: Vec<(Occur, Box<dyn Query>)>) -> Box<dyn Query> {
    let (should, mut others): (Vec<_>, Vec<_>) = subs
        .into_iter()
        .partition(|(occur, _)| *occur == Occur::Should);
    if should.len() < 2 {
        others.extend(should);
        return Box::new(BooleanQuery::new(others));
    }
    let any = Box::new(Union::new(
        should.into_iter().map(|(_, q)| q).collect(),
        Combine::Sum,
    ));
    if others.is_empty() {
        return any;
    }
    others.push((Occur::Should, any));
    Box::new(BooleanQuery::new(others))
}

/// Documents matching any of the clauses.
#[derive(Debug)]
pub struct Union {
    clauses: Vec<Box<dyn Query>>,
    combine: Combine,
}

impl Union {
    /// The union of `clauses`, their scores combined by `combine`.
    pub fn new(clauses: Vec<Box<dyn Query>>, combine: Combine) -> Union {
        Union { clauses, combine }
    }
}

impl Clone for Union {
    fn clone(&self) -> Self {
        Union {
            clauses: self.clauses.iter().map(|q| q.box_clone()).collect(),
            combine: self.combine,
        }
    }
}

impl Query for Union {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = self
            .clauses
            .iter()
            .map(|q| q.weight(scoring))
            .collect::<tantivy::Result<_>>()?;
        Ok(Box::new(UnionWeight {
            weights,
            combine: scoring.is_scoring_enabled().then_some(self.combine),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a tantivy::Term, bool)) {
        for q in &self.clauses {
            q.query_terms(visitor);
        }
    }
}

/// [`Union`] ready to score: no combination when scores are not asked for.
struct UnionWeight {
    weights: Vec<Box<dyn Weight>>,
    combine: Option<Combine>,
}

impl Weight for UnionWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut scorers = self
            .weights
            .iter()
            .map(|w| w.scorer(reader, boost))
            .collect::<tantivy::Result<Vec<_>>>()?;
        // As tantivy: one clause is its own scorer; clauses matching nothing at all are left out.
        if scorers.len() > 1 {
            scorers.retain(|s| !s.is::<EmptyScorer>());
        }
        Ok(match scorers.len() {
            0 => Box::new(EmptyScorer),
            1 => scorers.pop().expect("one scorer"),
            _ => Box::new(UnionScorer::new(scorers, self.combine, reader.num_docs())),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        let mut explanation = Explanation::new("any of", scorer.score());
        for w in &self.weights {
            if let Ok(e) = w.explain(reader, doc) {
                explanation.add_detail(e);
            }
        }
        Ok(explanation)
    }
}

/// The union of two or more scorers, reading each up to [`HORIZON`] documents past the first
/// document any of them is on, as tantivy's union does.
struct UnionScorer {
    /// The clauses not exhausted, in order.
    scorers: Vec<Box<dyn Scorer>>,
    combine: Option<Combine>,
    /// The documents of the window read, in order, with their scores.
    window: Vec<(DocId, Score)>,
    /// Where in `window` the union is.
    at: usize,
    /// The window's first document.
    start: DocId,
    num_docs: u32,
    /// Each clause's matches in the window being read: document, clause, score.
    found: Vec<(DocId, usize, Score)>,
}

impl UnionScorer {
    fn new(scorers: Vec<Box<dyn Scorer>>, combine: Option<Combine>, num_docs: u32) -> Self {
        let mut union = UnionScorer {
            scorers: scorers
                .into_iter()
                .filter(|s| s.doc() != TERMINATED)
                .collect(),
            combine,
            window: Vec::new(),
            at: 0,
            start: 0,
            num_docs,
            found: Vec::new(),
        };
        union.refill();
        union
    }

    /// Reads the next window; false when every clause is exhausted.
    fn refill(&mut self) -> bool {
        self.window.clear();
        self.at = 0;
        let Some(start) = self.scorers.iter().map(|s| s.doc()).min() else {
            return false;
        };
        self.start = start;
        let horizon = start.saturating_add(HORIZON);
        self.found.clear();
        for (i, scorer) in self.scorers.iter_mut().enumerate() {
            let mut doc = scorer.doc();
            while doc < horizon {
                let score = if self.combine.is_some() {
                    scorer.score()
                } else {
                    1.0
                };
                self.found.push((doc, i, score));
                doc = scorer.advance();
            }
        }
        self.scorers.retain(|s| s.doc() != TERMINATED);
        // By document, then clause: each document's scores combined in the clauses' order.
        self.found.sort_unstable_by_key(|&(doc, i, _)| (doc, i));
        let mut from = 0;
        while from < self.found.len() {
            let doc = self.found[from].0;
            let to = from + self.found[from..].partition_point(|f| f.0 == doc);
            let scores = self.found[from..to].iter().map(|f| f.2);
            self.window.push((doc, combined(self.combine, scores)));
            from = to;
        }
        true
    }
}

/// The scores of one document combined as tantivy's score combiners do.
fn combined(combine: Option<Combine>, scores: impl Iterator<Item = Score>) -> Score {
    match combine {
        None => 1.0,
        Some(Combine::Sum) => scores.fold(0.0, |sum, s| sum + s),
        Some(Combine::Max) => {
            let (mut max, mut sum): (Score, Score) = (0.0, 0.0);
            for s in scores {
                max = Score::max(s, max);
                sum += s;
            }
            // tantivy's disjunction-max with a tie breaker of 0.
            max + (sum - max) * 0.0
        }
    }
}

impl DocSet for UnionScorer {
    fn advance(&mut self) -> DocId {
        if self.at < self.window.len() {
            self.at += 1;
        }
        while self.at >= self.window.len() {
            if !self.refill() {
                self.at = self.window.len();
                return TERMINATED;
            }
        }
        self.doc()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc() >= target {
            return self.doc();
        }
        if target - self.start < HORIZON {
            self.at += self.window[self.at..].partition_point(|w| w.0 < target);
            if self.at < self.window.len() {
                return self.doc();
            }
            // Every clause is past the window, so past the target.
            return self.advance();
        }
        for scorer in &mut self.scorers {
            if scorer.doc() < target {
                scorer.seek(target);
            }
        }
        self.scorers.retain(|s| s.doc() != TERMINATED);
        if !self.refill() {
            return TERMINATED;
        }
        self.doc()
    }

    fn doc(&self) -> DocId {
        self.window.get(self.at).map_or(TERMINATED, |w| w.0)
    }

    fn size_hint(&self) -> u32 {
        // tantivy's estimate for a union, over the clauses not exhausted.
        let mut none = 1.0f64;
        for s in &self.scorers {
            none *= 1.0 - (s.size_hint() as f64 / self.num_docs as f64) * 0.8;
        }
        let estimate = (self.num_docs as f64 * (1.0 - none)).round();
        estimate.min(self.num_docs as f64) as u32
    }

    fn cost(&self) -> u64 {
        self.scorers.iter().map(|s| s.cost()).sum()
    }
}

impl Scorer for UnionScorer {
    fn score(&mut self) -> Score {
        self.window.get(self.at).map_or(0.0, |w| w.1)
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::{Collector, SegmentCollector};
    use tantivy::query::{BoostQuery, DisjunctionMaxQuery, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{doc, Index, SegmentOrdinal, Term};

    use super::*;

    /// Every matching document with its score, in order.
    struct All;

    impl Collector for All {
        type Fruit = Vec<(DocId, u32)>;
        type Child = AllSegment;

        fn for_segment(&self, _: SegmentOrdinal, _: &SegmentReader) -> tantivy::Result<AllSegment> {
            Ok(AllSegment(Vec::new()))
        }

        fn requires_scoring(&self) -> bool {
            true
        }

        fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
            Ok(fruits.concat())
        }
    }

    struct AllSegment(Vec<(DocId, u32)>);

    impl SegmentCollector for AllSegment {
        type Fruit = Vec<(DocId, u32)>;

        fn collect(&mut self, doc: DocId, score: Score) {
            // Scores compared bit for bit.
            self.0.push((doc, score.to_bits()));
        }

        fn harvest(self) -> Self::Fruit {
            self.0
        }
    }

    #[test]
    fn scores_and_documents_are_tantivys_union_and_disjunction_max() {
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 20_000_000).unwrap();
        // Over two windows of documents, words sparse and dense, repeated unevenly.
        for i in 0u32..10_000 {
            let mut words = Vec::new();
            for (word, every) in [("a", 3), ("b", 7), ("c", 1500), ("d", 4999), ("e", 2)] {
                if i % every == 0 {
                    words.extend(std::iter::repeat_n(word, 1 + (i % 3) as usize));
                }
            }
            writer.add_document(doc!(text => words.join(" "))).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let term = |w: &str, boost: f32| -> Box<dyn Query> {
            let t = TermQuery::new(Term::from_field_text(text, w), IndexRecordOption::WithFreqs);
            Box::new(BoostQuery::new(Box::new(t), boost))
        };
        let clauses = || {
            vec![
                term("a", 1.0),
                term("c", 0.7),
                term("d", 0.3),
                term("x", 2.0),
            ]
        };
        let should = |qs: Vec<Box<dyn Query>>| -> Box<dyn Query> {
            Box::new(BooleanQuery::new(
                qs.into_iter().map(|q| (Occur::Should, q)).collect(),
            ))
        };
        let mixed = || {
            vec![
                (Occur::Should, term("a", 1.0)),
                (Occur::Must, term("e", 1.0)),
                (Occur::Should, term("c", 0.7)),
                (Occur::MustNot, term("d", 1.0)),
                (Occur::Should, term("b", 0.2)),
            ]
        };
        // Sought far and near inside an intersection, as a clause around a few stories is.
        let around = |q: Box<dyn Query>, w: &str| -> Box<dyn Query> {
            Box::new(BooleanQuery::new(vec![
                (Occur::Must, q),
                (Occur::Must, term(w, 0.5)),
            ]))
        };
        let pairs: Vec<(Box<dyn Query>, Box<dyn Query>)> = vec![
            (
                should(clauses()),
                Box::new(Union::new(clauses(), Combine::Sum)),
            ),
            (
                Box::new(DisjunctionMaxQuery::new(clauses())),
                Box::new(Union::new(clauses(), Combine::Max)),
            ),
            (
                around(should(clauses()), "d"),
                around(Box::new(Union::new(clauses(), Combine::Sum)), "d"),
            ),
            (
                around(should(clauses()), "e"),
                around(Box::new(Union::new(clauses(), Combine::Sum)), "e"),
            ),
            (Box::new(BooleanQuery::new(mixed())), boolean(mixed())),
            (
                should(vec![term("x", 1.0), term("c", 1.0)]),
                Box::new(Union::new(
                    vec![term("x", 1.0), term("c", 1.0)],
                    Combine::Sum,
                )),
            ),
        ];
        for (tantivys, ours) in pairs {
            let expected = searcher.search(&*tantivys, &All).unwrap();
            assert!(!expected.is_empty());
            assert_eq!(searcher.search(&*ours, &All).unwrap(), expected);
        }
    }
}
