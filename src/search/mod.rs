//! Answering a query, one stage per module, each stage's output a named type:
//! [`request`] (a validated [`Request`]) → [`plan`] (the expanded query: a [`Plan`] of typed
//! [`clause`]s, Han text cut by [`segment`]) → [`compile`] (tantivy queries) → [`rank`] (best
//! passages) → [`arrange`] (hits with counterparts, pairs and per-story caps; byte ranges from
//! [`highlight`]) → [`explain`] (scores by term). [`stored`] reads the open index for them.

pub mod answer;
pub mod arrange;
pub mod clause;
pub mod compile;
pub mod explain;
pub mod highlight;
pub mod plan;
pub mod rank;
pub mod request;
pub mod segment;
pub mod stored;

use std::collections::BTreeSet;
use std::path::Path;

use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Searcher as TantivySearcher, Term};

use crate::analysis::Analyzers;
use crate::error::{Error, Result};
use crate::manifest::{Manifest, Payload};
use crate::query::parse;
use crate::store::{self, Opened};
use crate::variants::Variants;

pub use answer::{Answer, Counterpart, Hit, Passage, Story, StoryPassage, TermScore};
pub use clause::{Expansion, ExpansionKind};
pub use plan::Plan;
pub use request::{Request, RequestBuilder};

use stored::Stored;

/// An open index, ready to answer queries.
pub struct Searcher {
    opened: Opened,
    searcher: TantivySearcher,
    variants: Variants,
    languages: BTreeSet<String>,
}

impl Searcher {
    /// Opens the index at `index_dir` for the archive at `archive` (for its word and variant
    /// lists). Writes nothing.
    pub fn open(archive: &Path, index_dir: &Path) -> Result<Searcher> {
        let analyzers = Analyzers::new(store::user_words(archive)?);
        let opened = store::open_read(index_dir, &analyzers)?;
        let searcher = opened.reader.searcher();
        let languages = stored::languages(&searcher, &opened.fields)?;
        Ok(Searcher {
            opened,
            searcher,
            variants: Variants::load(archive)?,
            languages,
        })
    }

    /// The index's last commit, as recorded in its payload.
    pub fn payload(&self) -> &Payload {
        &self.opened.payload
    }

    /// Every indexed file, read from disk on each call: searching does not need it.
    pub fn manifest(&self) -> Manifest {
        Manifest::load(&self.opened.dir, &self.opened.payload)
    }

    /// The languages the index holds stories in.
    pub fn languages(&self) -> &BTreeSet<String> {
        &self.languages
    }

    /// Checks a request against this index (its languages) and the limits.
    pub fn request(&self, builder: RequestBuilder) -> Result<Request> {
        builder.build(&self.languages)
    }

    fn stored(&self) -> Stored<'_> {
        Stored {
            searcher: &self.searcher,
            fields: &self.opened.fields,
            languages: &self.languages,
        }
    }

    /// The expanded query for a request: what `--explain` shows.
    pub fn plan(&self, request: &Request) -> Result<Plan> {
        let parsed = parse(request.query())?;
        let plan = Plan::new(&parsed, &self.stored(), &self.variants, request.exact());
        if plan.required.is_empty() {
            return Err(Error::QuerySyntax {
                message: "nothing to search for".into(),
                position: 1,
            });
        }
        Ok(plan)
    }

    /// Answers a request. What damaged index data causes, an error or a panic deep in a
    /// decoder, comes back as [`crate::Error::Damaged`].
    pub fn search(&self, request: &Request) -> Result<Answer> {
        store::guarded(&self.opened.dir, || self.answer(request))
    }

    fn answer(&self, request: &Request) -> Result<Answer> {
        let plan = self.plan(request)?;
        let compiled = compile::compile(&plan, request, &self.opened.fields);
        let without = rank::excluded(&self.searcher, &compiled.excluded)?;
        let mut hits = self.collect(&*compiled.full, request, &plan, &without)?;
        let mut partial = false;
        if let (true, Some(any)) = (hits.is_empty(), &compiled.partial) {
            hits = self.collect(&**any, request, &plan, &without)?;
            partial = !hits.is_empty();
        }
        if request.explain() {
            for hit in &mut hits {
                hit.explain =
                    explain::explain(&self.searcher, &self.opened.fields, &compiled.clauses, hit)?;
            }
        }
        Ok(Answer {
            hits,
            partial,
            terms: plan.terms(),
            expansions: plan.expansions,
        })
    }

    /// Ranks and arranges, fetching more ranked passages until there are enough hits (the
    /// per-story cap drops some) or no more.
    fn collect(
        &self,
        query: &dyn Query,
        request: &Request,
        plan: &Plan,
        without: &std::collections::HashSet<DocAddress>,
    ) -> Result<Vec<Hit>> {
        let stored = self.stored();
        let total = (self.searcher.num_docs() as usize).max(1);
        let mut fetch = request.limit().saturating_mul(4).clamp(40, total.max(40));
        loop {
            let ranked = rank::rank(&self.searcher, query, fetch, without)?;
            let mut passages = Vec::with_capacity(ranked.top.len());
            for (score, address) in &ranked.top {
                passages.push((*score, stored.passage(*address)?));
            }
            let hits = arrange::arrange(
                &passages,
                request.limit(),
                request.per_story(),
                &plan.marks,
                &stored,
            )?;
            if hits.len() >= request.limit() || ranked.exhausted {
                return Ok(hits);
            }
            fetch = fetch.saturating_mul(4).min(total);
        }
    }

    /// Up to `n` passages spread evenly over the index.
    pub fn sample(&self, n: usize) -> Result<Vec<Passage>> {
        let total = self.searcher.num_docs() as usize;
        let step = total.div_ceil(n.max(1)).max(1);
        let stored = self.stored();
        let mut out = Vec::new();
        let mut k = 0usize;
        for (ord, segment) in self.searcher.segment_readers().iter().enumerate() {
            for doc in segment.doc_ids_alive() {
                if k.is_multiple_of(step) {
                    out.push(stored.passage(DocAddress::new(ord as u32, doc))?);
                }
                k += 1;
            }
        }
        Ok(out)
    }

    /// The story `story` in language `lang`, every passage in order; `None` when the index
    /// has no such story in that language.
    pub fn story(&self, story: &str, lang: &str) -> Result<Option<Story>> {
        store::guarded(&self.opened.dir, || self.read_story(story, lang))
    }

    fn read_story(&self, story: &str, lang: &str) -> Result<Option<Story>> {
        let f = &self.opened.fields;
        let term = |field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            ))
        };
        let query = BooleanQuery::new(vec![
            (Occur::Must, term(f.story, story)),
            (Occur::Must, term(f.lang, lang)),
        ]);
        let stored = self.stored();
        let mut passages = Vec::new();
        for address in self.searcher.search(&query, &DocSetCollector)? {
            passages.push(stored.passage(address)?);
        }
        passages.sort_by_key(|p| p.passage);
        let Some(first) = passages.first() else {
            return Ok(None);
        };
        let langs = stored.story_langs(story)?;
        Ok(Some(Story {
            story: story.to_string(),
            lang: lang.to_string(),
            title: first.title.clone(),
            date: first.date.clone(),
            path: first.path.clone(),
            langs: langs.into_iter().collect(),
            passages: passages
                .into_iter()
                .map(|p| StoryPassage {
                    passage: p.passage,
                    text: p.text,
                })
                .collect(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_searcher_can_be_shared_between_threads() {
        // `archive serve` answers requests on several threads from one `Arc<Searcher>`.
        fn shared<T: Send + Sync>() {}
        shared::<Searcher>();
    }
}
