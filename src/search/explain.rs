//! `--explain`: each required clause's part of a hit's score.

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher as TantivySearcher, Term};

use crate::error::Result;
use crate::schema::{loc, Fields};

use super::answer::{Hit, TermScore};

/// Each clause's part of `hit`'s score, by scoring the clause alone on that passage
/// (tantivy's own `explain` can panic on nested boolean queries).
pub fn explain(
    searcher: &TantivySearcher,
    fields: &Fields,
    clauses: &[(String, Box<dyn Query>)],
    hit: &Hit,
) -> Result<Vec<TermScore>> {
    let this = Term::from_field_text(fields.loc, &loc(&hit.story, &hit.lang, hit.passage));
    let mut parts = Vec::new();
    for (label, query) in clauses {
        let only_this: Box<dyn Query> = Box::new(ConstScoreQuery::new(
            Box::new(TermQuery::new(this.clone(), IndexRecordOption::Basic)),
            0.0,
        ));
        let q = BooleanQuery::new(vec![
            (Occur::Must, query.box_clone()),
            (Occur::Must, only_this),
        ]);
        let top = searcher.search(&q, &TopDocs::with_limit(1).order_by_score())?;
        parts.push(TermScore {
            term: label.clone(),
            score: top.first().map_or(0.0, |t| t.0),
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
