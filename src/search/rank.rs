//! Stage 4, ranking: the compiled query's best passages by BM25, without excluded ones.

use std::collections::HashSet;

use tantivy::collector::{DocSetCollector, TopDocs};
use tantivy::query::Query;
use tantivy::{DocAddress, Searcher as TantivySearcher};

use crate::error::Result;

/// Passages, best first.
pub struct Ranked {
    /// Scores and addresses, best first, excluded passages left out.
    pub top: Vec<(f32, DocAddress)>,
    /// True when there are no more matching passages than these.
    pub exhausted: bool,
}

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

/// The best `fetch` passages for `query`, less those in `without`.
pub fn rank(
    searcher: &TantivySearcher,
    query: &dyn Query,
    fetch: usize,
    without: &HashSet<DocAddress>,
) -> Result<Ranked> {
    let mut top = searcher.search(query, &TopDocs::with_limit(fetch).order_by_score())?;
    let exhausted = top.len() < fetch || fetch as u64 >= searcher.num_docs();
    top.retain(|(_, address)| !without.contains(address));
    Ok(Ranked { top, exhausted })
}
