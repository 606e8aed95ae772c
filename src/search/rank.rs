//! Stage 4, ranking: stories first (BM25 of their whole text and title), then the passages of
//! those stories (BM25 and proximity), best few per story; a story's score adds a part of its
//! best passage's, so a story holding every word across its paragraphs is found, and shown by
//! its best passages. Excluded passages are left out.

use std::collections::{HashMap, HashSet};

use tantivy::collector::{Collector, DocSetCollector, SegmentCollector, TopDocs};
use tantivy::query::{Bm25StatisticsProvider, Query};
use tantivy::{
    DocAddress, DocId, Score, Searcher, Searcher as TantivySearcher, SegmentOrdinal, SegmentReader,
};

use crate::error::Result;
use crate::schema::Fields;

use super::plan::Plan;
use super::stored::{UnitColumn, UnitCursor};
use super::stories;
use super::units::Within;

/// Weight of a story's best passage in its score, relative to the story's own BM25: the
/// story's whole text decides most, its best passage (and proximity there) breaks ties.
pub const PASSAGE_WEIGHT: f32 = 0.25;

/// Every passage any of `excluded` matches. Exclusions filter the ranked passages rather than
/// joining the query as MustNot: tantivy 0.27's exclusion of a phrase mis-seeks (a debug
/// assertion fails).
pub fn excluded(
    searcher: &TantivySearcher,
    excluded: &[Box<dyn Query>],
) -> Result<HashSet<DocAddress>> {
    let mut without = HashSet::new();
    for q in excluded {
        without.extend(searcher.search(&**q, &DocSetCollector)?);
    }
    Ok(without)
}

/// Each required clause of `plan` on story documents: its words in the story's whole text or
/// title (`words`: [`stories::on_story`] of each, made once a search: they keep the postings
/// they read), or, with `members`, one of the story's passages holding it (a Han substring or
/// a phrase, or a typed Han run containing the word; `units`: each segment's `story_unit`
/// column).
pub fn on_stories(
    searcher: &Searcher,
    units: &[UnitColumn],
    plan: &Plan,
    words: &[Box<dyn Query>],
    f: &Fields,
    members: bool,
) -> Result<Vec<Box<dyn Query>>> {
    // A typed run's stories count for the words in it; a word with a substring part of its
    // own finds them by that part already (a passage holding the run holds the word).
    let needed = |run: &String| {
        plan.required.iter().any(|c| {
            stories::han_word(c).is_some_and(|w| run.contains(w)) && !stories::substring(c)
        })
    };
    let mut runs = Vec::new();
    for run in plan.han_runs.iter().filter(|run| members && needed(run)) {
        let holding = searcher.search(&*stories::han_run(run, f, None), &StoryDocuments(units))?;
        runs.push((run.as_str(), holding));
    }
    let mut on_stories = Vec::with_capacity(plan.required.len());
    for (c, words) in plan.required.iter().zip(words) {
        let mut holding = Vec::new();
        if let Some(on_passages) = stories::passage_part(c, f).filter(|_| members) {
            holding = searcher.search(&*on_passages, &StoryDocuments(units))?;
        }
        if let Some(word) = stories::han_word(c) {
            let with_word = runs.iter().filter(|(run, _)| run.contains(word));
            holding.extend(with_word.flat_map(|(_, found)| found.iter().copied()));
        }
        let mut q = words.box_clone();
        if !holding.is_empty() {
            q = stories::any(vec![q, Box::new(Within::documents(searcher, holding))]);
        }
        on_stories.push(q);
    }
    Ok(on_stories)
}

/// One story in one language, ranked.
#[derive(Debug, Clone)]
pub struct RankedStory {
    /// Its [`crate::schema::unit`].
    pub unit: u64,
    /// Its story document.
    pub document: DocAddress,
    /// BM25 of its whole text and title.
    pub story_score: f32,
    /// Score of its best passage.
    pub passage_score: f32,
    /// True when it holds only some of the words.
    pub partial: bool,
    /// Its best passages, best first.
    pub passages: Vec<(f32, DocAddress)>,
    /// Every passage of it that matched (excluded ones left out), to say how many were not
    /// shown.
    pub matched: Vec<DocAddress>,
}

impl RankedStory {
    /// The score it is ranked by.
    pub fn score(&self) -> f32 {
        self.story_score + PASSAGE_WEIGHT * self.passage_score
    }
}

/// The best `limit` story documents for `query`, each with its unit (`units`: each segment's
/// `story_unit` column; `statistics`: the search's BM25 statistics).
pub fn stories(
    searcher: &Searcher,
    statistics: &dyn Bm25StatisticsProvider,
    units: &[UnitColumn],
    query: &dyn Query,
    limit: usize,
    partial: bool,
) -> Result<Vec<RankedStory>> {
    let top = TopDocs::with_limit(limit.max(1)).order_by_score();
    let top = searcher.search_with_statistics_provider(query, &top, statistics)?;
    let mut out = Vec::with_capacity(top.len());
    for (score, address) in top {
        let Some(unit) = units[address.segment_ord as usize].of(address.doc_id) else {
            continue;
        };
        out.push(RankedStory {
            unit,
            document: address,
            story_score: score,
            passage_score: 0.0,
            partial,
            passages: Vec::new(),
            matched: Vec::new(),
        });
    }
    Ok(out)
}

/// Fills each story's best `keep` passages for `query` (which must only match passages of
/// these stories), leaving out those in `without` (`units`: each segment's `story_unit` column;
/// `statistics`: the search's BM25 statistics).
pub fn passages(
    searcher: &Searcher,
    statistics: &dyn Bm25StatisticsProvider,
    units: &[UnitColumn],
    query: &dyn Query,
    keep: usize,
    without: &HashSet<DocAddress>,
    stories: &mut [RankedStory],
) -> Result<()> {
    let collector = BestPerUnit {
        units,
        keep,
        without,
    };
    let mut best = searcher.search_with_statistics_provider(query, &collector, statistics)?;
    for story in stories.iter_mut() {
        if let Some(found) = best.remove(&story.unit) {
            story.passage_score = found.best.first().map_or(0.0, |p| p.0);
            story.passages = found.best;
            story.matched = found.all;
        }
    }
    Ok(())
}

/// Drops stories without a passage to show and sorts the rest: stories holding every word
/// first, then by score.
pub fn order(stories: &mut Vec<RankedStory>) {
    stories.retain(|s| !s.passages.is_empty());
    stories.sort_by(|a, b| {
        a.partial
            .cmp(&b.partial)
            .then(b.score().total_cmp(&a.score()))
    });
}

/// Collects the story documents of the matching documents (each segment's `story_unit`
/// column), in order of their addresses, each once.
pub struct StoryDocuments<'a>(pub &'a [UnitColumn]);

impl Collector for StoryDocuments<'_> {
    type Fruit = Vec<DocAddress>;
    type Child = StoryDocumentsSegment;

    fn for_segment(
        &self,
        ord: SegmentOrdinal,
        _: &SegmentReader,
    ) -> tantivy::Result<StoryDocumentsSegment> {
        Ok(StoryDocumentsSegment {
            ord,
            units: self.0[ord as usize].cursor(),
            found: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<DocAddress>>) -> tantivy::Result<Vec<DocAddress>> {
        Ok(fruits.concat())
    }
}

/// [`StoryDocuments`] on one segment: documents come in increasing order, and a story's
/// passages are right before its story document, so each story document is found once, in order.
pub struct StoryDocumentsSegment {
    ord: SegmentOrdinal,
    units: UnitCursor,
    found: Vec<DocAddress>,
}

impl SegmentCollector for StoryDocumentsSegment {
    type Fruit = Vec<DocAddress>;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(story) = self.units.story_document(doc) {
            let story = DocAddress::new(self.ord, story);
            if self.found.last() != Some(&story) {
                self.found.push(story);
            }
        }
    }

    fn harvest(self) -> Vec<DocAddress> {
        self.found
    }
}

/// Collects each unit's best `keep` passages, and every one that matched, leaving out those
/// in `without`.
struct BestPerUnit<'a> {
    units: &'a [UnitColumn],
    keep: usize,
    without: &'a HashSet<DocAddress>,
}

/// One unit's passages.
#[derive(Default)]
struct Found {
    /// The best, best first.
    best: Vec<(f32, DocAddress)>,
    /// All of them.
    all: Vec<DocAddress>,
}

type Best = HashMap<u64, Found>;

fn trim(found: &mut Vec<(f32, DocAddress)>, keep: usize) {
    found.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    found.truncate(keep);
}

impl Collector for BestPerUnit<'_> {
    type Fruit = Best;
    type Child = BestPerUnitSegment;

    fn for_segment(&self, ord: SegmentOrdinal, _: &SegmentReader) -> tantivy::Result<Self::Child> {
        Ok(BestPerUnitSegment {
            ord,
            keep: self.keep,
            without: self
                .without
                .iter()
                .filter(|a| a.segment_ord == ord)
                .map(|a| a.doc_id)
                .collect(),
            units: self.units[ord as usize].cursor(),
            best: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Best>) -> tantivy::Result<Best> {
        let mut merged = Best::new();
        for fruit in fruits {
            for (unit, found) in fruit {
                let into = merged.entry(unit).or_default();
                into.best.extend(found.best);
                into.all.extend(found.all);
            }
        }
        for found in merged.values_mut() {
            trim(&mut found.best, self.keep);
        }
        Ok(merged)
    }
}

struct BestPerUnitSegment {
    ord: SegmentOrdinal,
    keep: usize,
    without: HashSet<DocId>,
    units: UnitCursor,
    best: Best,
}

impl SegmentCollector for BestPerUnitSegment {
    type Fruit = Best;

    fn collect(&mut self, doc: DocId, score: Score) {
        let Some(unit) = self.units.of(doc).filter(|_| !self.without.contains(&doc)) else {
            return;
        };
        let found = self.best.entry(unit).or_default();
        let address = DocAddress::new(self.ord, doc);
        found.best.push((score, address));
        found.all.push(address);
        // Bounded memory however many passages a story has (`all` holds 8 bytes a passage).
        if found.best.len() >= self.keep.saturating_mul(4) {
            trim(&mut found.best, self.keep);
        }
    }

    fn harvest(mut self) -> Best {
        for found in self.best.values_mut() {
            trim(&mut found.best, self.keep);
        }
        self.best
    }
}
