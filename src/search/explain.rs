//! `--explain`: each required clause's part of a hit's score, on the story's whole text and
//! title (level `story`) and on the hit's passage (level `passage`, proximity as `near`).

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query};
use tantivy::Searcher as TantivySearcher;

use crate::error::Result;
use crate::schema::Fields;

use super::answer::{Hit, TermScore};

/// What a hit's score is made of.
pub struct Levels<'a> {
    /// Each required clause on story documents, with its label.
    pub story: &'a [(String, Box<dyn Query>)],
    /// Each required clause on passages, with its label.
    pub passage: &'a [(String, Box<dyn Query>)],
    /// The proximity queries on passages.
    pub near: &'a [Box<dyn Query>],
}

/// Each clause's part of `hit`'s score, by scoring the clause alone on the story document and
/// on the passage (tantivy's own `explain` can panic on nested boolean queries).
pub fn explain(
    searcher: &TantivySearcher,
    fields: &Fields,
    levels: &Levels,
    hit: &Hit,
) -> Result<Vec<TermScore>> {
    let story = levels.story.iter().map(|(l, q)| (l.as_str(), &**q));
    let passage = levels.passage.iter().map(|(l, q)| (l.as_str(), &**q));
    let near = levels.near.iter().map(|q| ("near", &**q));
    let mut parts = level(searcher, fields, "story", 0, story.collect(), hit)?;
    let on_passage = passage.chain(near).collect();
    parts.extend(level(
        searcher,
        fields,
        "passage",
        hit.passage,
        on_passage,
        hit,
    )?);
    Ok(parts)
}

fn level(
    searcher: &TantivySearcher,
    fields: &Fields,
    level: &'static str,
    passage: u64,
    queries: Vec<(&str, &dyn Query)>,
    hit: &Hit,
) -> Result<Vec<TermScore>> {
    let this = fields.passage_of(&hit.story, &hit.lang, passage);
    let mut parts = Vec::new();
    for (label, query) in queries {
        let only_this: Box<dyn Query> = Box::new(ConstScoreQuery::new(Box::new(this.clone()), 0.0));
        let q = BooleanQuery::new(vec![
            (Occur::Must, query.box_clone()),
            (Occur::Must, only_this),
        ]);
        let top = searcher.search(&q, &TopDocs::with_limit(1).order_by_score())?;
        let score = top.first().map_or(0.0, |t| t.0);
        // Proximity that did not count is left out.
        if label == "near" && score == 0.0 {
            continue;
        }
        parts.push(TermScore {
            level,
            term: label.to_string(),
            score,
            share: 0.0,
        });
    }
    let total: f32 = parts.iter().map(|p| p.score).sum();
    if total > 0.0 {
        for p in &mut parts {
            p.share = p.score / total;
        }
    }
    Ok(parts)
}
