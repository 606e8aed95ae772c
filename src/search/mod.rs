//! Answering a query, one stage per module, each stage's output a named type:
//! [`request`] (a validated [`Request`]) → [`plan`] (the expanded query: a [`Plan`] of typed
//! [`clause`]s, Han text cut by [`segment`]) → [`compile`] (tantivy queries, put together as
//! each stage's query by [`queries`]) → [`rank`] (stories, then their best passages) →
//! [`arrange`] (hits with counterparts, pairs and per-story caps; byte ranges from
//! [`highlight`]) → [`explain`] (scores by term). [`stored`] reads the open index for them.

pub mod answer;
pub mod arrange;
mod bm25;
pub mod clause;
pub mod compile;
pub mod explain;
pub mod highlight;
pub mod plan;
pub mod queries;
pub mod rank;
pub mod request;
pub mod segment;
pub mod show;
pub mod statistics;
pub mod stored;
pub mod stories;
pub mod story_word;
pub mod substring;
pub mod union;
pub mod units;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use tantivy::query::{Occur, Query};
use tantivy::{DocAddress, Searcher as TantivySearcher};

use crate::analysis::Analyzers;
use crate::error::{Error, Result};
use crate::manifest::{Manifest, Payload};
use crate::query::parse;
use crate::schema::unit;
use crate::store::{self, Opened};
use crate::variants::Variants;

pub use answer::{Answer, Counterpart, Hit, Passage, Story, StoryPassage, TermScore};
pub use clause::{Expansion, ExpansionKind};
pub use plan::Plan;
pub use request::{Request, RequestBuilder};

use queries::Queries;
use rank::RankedStory;
use statistics::Statistics;
use stored::{Columns, Stored};
use story_word::SegmentStories;
use units::Within;

/// Each required clause's query on story documents, in the plan's order.
type OnStories = Vec<Box<dyn Query>>;

/// Stories whose passages are ranked, at least (more when more hits are asked for).
const STORY_POOL: usize = 50;

/// An open index, ready to answer queries.
pub struct Searcher {
    opened: Opened,
    searcher: TantivySearcher,
    variants: Variants,
    languages: BTreeSet<String>,
    columns: OnceLock<Columns>,
    /// Each segment's stories, read on first use (by a search, as the columns).
    stories: OnceLock<SegmentStories>,
}

impl Searcher {
    /// Opens the index at `index_dir` for the archive at `archive` (for its word and variant
    /// lists). Writes nothing.
    pub fn open(archive: &Path, index_dir: &Path) -> Result<Searcher> {
        // Without its archive folder, an index made with any word list is searched.
        let fit = if archive.is_dir() {
            store::Fit::Exact
        } else {
            store::Fit::AnyWords
        };
        let analyzers = Analyzers::new(store::user_words(archive)?);
        let opened = store::open_read(index_dir, &analyzers, fit)?;
        let searcher = opened.reader.searcher();
        // Damaged data met while opening is reported as such, as in a search.
        let languages = store::guarded(&opened.dir, opened.commit, || {
            stored::languages(&searcher, &opened.fields)
        })?;
        Ok(Searcher {
            opened,
            searcher,
            variants: Variants::load(archive)?,
            languages,
            columns: OnceLock::new(),
            stories: OnceLock::new(),
        })
    }

    /// The index's last commit, as recorded in its payload.
    pub fn payload(&self) -> &Payload {
        &self.opened.payload
    }

    /// Every indexed file, read from disk on each call: searching does not need it.
    pub fn manifest(&self) -> Result<Manifest> {
        Manifest::load(&self.opened.dir, &self.opened.payload)
            .map_err(|why| Error::damaged(&self.opened.dir, why))
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
            columns: &self.columns,
            statistics: &self.searcher,
        }
    }

    /// Each segment's stories: the same for every search on this index.
    fn segment_stories(&self) -> Result<&SegmentStories> {
        if let Some(stories) = self.stories.get() {
            return Ok(stories);
        }
        let read = story_word::segment_stories(&self.searcher, &self.opened.fields)?;
        Ok(self.stories.get_or_init(|| read))
    }

    /// The expanded query for a request: what `--explain` shows.
    pub fn plan(&self, request: &Request) -> Result<Plan> {
        self.plan_on(request, &self.stored())
    }

    /// [`Searcher::plan`], the index read through `stored`.
    fn plan_on(&self, request: &Request, stored: &Stored) -> Result<Plan> {
        let parsed = parse(request.query())?;
        let plan = Plan::new(&parsed, stored, &self.variants, request.exact());
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
        store::guarded(&self.opened.dir, self.opened.commit, || {
            self.answer(request)
        })
    }

    fn answer(&self, request: &Request) -> Result<Answer> {
        let statistics = Statistics::new(&self.searcher);
        let stored = Stored {
            statistics: &statistics,
            ..self.stored()
        };
        let plan = self.plan_on(request, &stored)?;
        let f = &self.opened.fields;
        let compiled = compile::compile(&plan, request, f);
        let without = rank::excluded(&self.searcher, &compiled.excluded)?;
        let queries = Queries {
            plan: &plan,
            compiled: &compiled,
            fields: f,
        };
        let (mut ranked, on_stories) = self.rank_stories(request, &queries, &statistics)?;
        self.rank_passages(request, &queries, &statistics, &without, &mut ranked)?;
        rank::order(&mut ranked);
        let mut hits = self.arrange(&ranked, request, &plan)?;
        // A story's hits come together (each unit is a hash to compute).
        let mut stories: Vec<&str> = hits.iter().map(|h| h.story.as_str()).collect();
        stories.dedup();
        let shown: HashSet<u64> = (stories.iter())
            .flat_map(|story| self.languages.iter().map(|lang| unit(story, lang)))
            .collect();
        let more_stories = ranked.iter().any(|s| !shown.contains(&s.unit));
        if request.explain() {
            self.explain(&mut hits, &queries, on_stories)?;
        }
        Ok(Answer {
            partial: !hits.is_empty() && hits.iter().all(|h| h.partial),
            more_stories,
            hits,
            terms: plan.terms(),
            expansions: plan.expansions,
        })
    }

    /// Stage 1: stories, by their whole text and title; every word, else some. Returns the
    /// ranked stories and each required clause's query on story documents.
    fn rank_stories(
        &self,
        request: &Request,
        queries: &Queries,
        statistics: &Statistics,
    ) -> Result<(Vec<RankedStory>, OnStories)> {
        let (plan, f) = (queries.plan, queries.fields);
        // A story holding the one word of a query only in a passage scores nothing by it:
        // when the pool fills with stories holding it in their text, no passage is read to
        // find more.
        let one = plan.required.len() == 1;
        let units_of = &self.stored().columns()?.unit;
        let segment_stories = self.segment_stories()?;
        let words: Vec<Box<dyn Query>> = (plan.required.iter())
            .map(|c| stories::on_story(c, f, segment_stories))
            .collect();
        let on = |members| rank::on_stories(&self.searcher, units_of, plan, &words, f, members);
        let mut on_stories = on(!one)?;
        // Bounded by the documents there are (a request may ask for any number).
        let units = (self.searcher.num_docs() as usize).max(1);
        let pool = request.limit().max(STORY_POOL).min(units);
        let all = |on_stories: &[Box<dyn Query>]| {
            let query = queries.stories(on_stories, Occur::Must);
            rank::stories(&self.searcher, statistics, units_of, &*query, pool, false)
        };
        let mut ranked = all(&on_stories)?;
        let by_passages = !plan.han_runs.is_empty() || plan.required.iter().any(stories::substring);
        if one && by_passages && ranked.len() < pool {
            on_stories = on(true)?;
            ranked = all(&on_stories)?;
        }
        if ranked.len() < request.limit() && plan.required.len() > 1 {
            let seen: HashSet<u64> = ranked.iter().map(|s| s.unit).collect();
            let query = queries.stories(&on_stories, Occur::Should);
            let some = rank::stories(&self.searcher, statistics, units_of, &*query, pool, true)?;
            ranked.extend(some.into_iter().filter(|s| !seen.contains(&s.unit)));
        }
        Ok((ranked, on_stories))
    }

    /// Stage 2: the passages of the `ranked` stories, by BM25 and proximity (the best
    /// `--per-story` of each), leaving out those `without` holds.
    fn rank_passages(
        &self,
        request: &Request,
        queries: &Queries,
        statistics: &Statistics,
        without: &HashSet<DocAddress>,
        ranked: &mut [RankedStory],
    ) -> Result<()> {
        let units_of = &self.stored().columns()?.unit;
        let keep = request.per_story().max(1);
        // Partial stories' passages are found as the others' but for phrases, which need not
        // be within one passage there: without such a phrase, one query finds both.
        let apart = queries.plan.required.iter().any(stories::in_one_passage);
        let runs: &[Option<bool>] = if apart {
            &[Some(false), Some(true)]
        } else {
            &[None]
        };
        for &partial in runs {
            let ranked_documents: Vec<DocAddress> = ranked
                .iter()
                .filter(|s| partial.is_none_or(|p| s.partial == p))
                .map(|s| s.document)
                .collect();
            if !ranked_documents.is_empty() {
                let within = Within::stories(&self.searcher, units_of, &ranked_documents);
                let query = queries.passages(partial.unwrap_or(false), &within);
                let searcher = &self.searcher;
                rank::passages(
                    searcher, statistics, units_of, &*query, keep, without, ranked,
                )?;
            }
        }
        Ok(())
    }

    /// `--explain`: each clause's scores on each hit, on story documents (`on_stories`, one
    /// per required clause), on passages, and as proximity.
    fn explain(&self, hits: &mut [Hit], queries: &Queries, on_stories: OnStories) -> Result<()> {
        let (plan, f) = (queries.plan, queries.fields);
        let on_stories: Vec<(String, Box<dyn Query>)> = plan
            .required
            .iter()
            .map(|c| c.label.clone())
            .zip(on_stories)
            .collect();
        // Each required clause alone on passages, with its label.
        let passage: Vec<(String, Box<dyn Query>)> = (plan.required.iter())
            .map(|c| (c.label.clone(), compile::query(c, f)))
            .collect();
        let near = stories::proximity(&plan.required, &plan.han_runs, f, None);
        let levels = explain::Levels {
            story: &on_stories,
            passage: &passage,
            near: &near,
        };
        for hit in hits {
            hit.explain = explain::explain(&self.searcher, f, &levels, hit)?;
        }
        Ok(())
    }

    /// Hits from ranked stories, their best passages in order (see [`arrange::arrange`]).
    fn arrange(&self, ranked: &[RankedStory], request: &Request, plan: &Plan) -> Result<Vec<Hit>> {
        let stored = self.stored();
        let mut passages: Vec<(f32, Passage)> = Vec::new();
        // Each passage's address, for counterparts among them.
        let mut addresses = Vec::new();
        let mut matched = Vec::new();
        // Each passage read: its story, and its score.
        let mut parts = Vec::new();
        // A story's passages, a story's counterpart and the per-story cap bound what is read:
        // each passage read is at least one hit, or half of one when its story's other
        // language also ranked (a pair counts once); every story read is a stored block to
        // decompress.
        let units: HashMap<u64, &RankedStory> = ranked.iter().map(|s| (s.unit, s)).collect();
        let enough = request
            .limit()
            .saturating_mul(2)
            .saturating_add(request.per_story());
        let mut halves = 0usize;
        let mut last = stored::LastStory::default();
        for story in ranked {
            if halves >= enough {
                break;
            }
            for (score, address) in &story.passages {
                let p = stored.passage(*address, &mut last)?;
                let pairs = self
                    .languages
                    .iter()
                    .any(|lang| *lang != p.lang && units.contains_key(&unit(&p.story, lang)));
                halves += if pairs { 1 } else { 2 };
                parts.push((story, *score));
                addresses.push(*address);
                passages.push((story.score(), p));
            }
        }
        let read = addresses
            .into_iter()
            .zip(&passages)
            .map(|(a, (_, p))| (a, p));
        let arranging = stored::Arranging::new(stored, read.collect());
        // Every matched passage of the stories that may be shown, in every language (a
        // story's version ranked too low to be read above still counts).
        let stories: BTreeSet<&str> = passages.iter().map(|(_, p)| p.story.as_str()).collect();
        for story in stories {
            for lang in &self.languages {
                let Some(version) = units.get(&unit(story, lang)) else {
                    continue;
                };
                for align in arranging.aligns(story, lang, &version.matched)? {
                    let (story, lang) = (story.to_string(), lang.clone());
                    matched.push(arrange::Matched { story, lang, align });
                }
            }
        }
        let (limit, per_story) = (request.limit(), request.per_story());
        let marks = &plan.marks;
        let excluded = &plan.excluded_marks;
        let mut hits = arrange::arrange(
            &passages, &matched, limit, per_story, marks, excluded, &arranging,
        )?;
        // By place (the last read of a place, as two files of a story and language may both
        // have a passage 1).
        let read: FxHashMap<(&str, &str, u64), (&RankedStory, f32)> = (passages.iter())
            .zip(parts)
            .map(|((_, p), part)| ((p.story.as_str(), p.lang.as_str(), p.passage), part))
            .collect();
        for hit in &mut hits {
            if let Some((story, score)) =
                read.get(&(hit.story.as_str(), hit.lang.as_str(), hit.passage))
            {
                hit.story_score = story.story_score;
                hit.passage_score = *score;
                hit.partial = story.partial;
            }
        }
        Ok(hits)
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
