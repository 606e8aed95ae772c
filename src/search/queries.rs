//! The two queries a search runs, from its compiled plan: stage 1's on story documents
//! (every word, else some) and stage 2's on the chosen stories' passages (BM25 plus
//! proximity; a quoted phrase within one passage).

use tantivy::query::{BooleanQuery, Occur, Query};

use crate::schema::Fields;

use super::clause::{Clause, Role};
use super::compile::{self, Compiled};
use super::plan::Plan;
use super::units::Within;
use super::{stories, union};

/// A plan with its compiled parts, from which each stage's query is built.
pub struct Queries<'a> {
    /// The plan.
    pub plan: &'a Plan,
    /// Its compiled exclusions and the request's filters.
    pub compiled: &'a Compiled,
    /// The index's fields.
    pub fields: &'a Fields,
}

impl Queries<'_> {
    /// Function words (`的`, `吗`, `what`) are never required, unless they are all there is.
    fn weighed(&self, c: &Clause) -> bool {
        c.role == Role::FunctionWord && !self.plan.only_function_words()
    }

    /// `subs` with the request's filters, nested, so that a filter alone never makes a hit.
    fn with_filters(&self, mut subs: Vec<(Occur, Box<dyn Query>)>) -> Box<dyn Query> {
        subs.extend(
            self.compiled
                .filters
                .iter()
                .map(|q| (Occur::Must, q.box_clone())),
        );
        Box::new(BooleanQuery::new(subs))
    }

    /// Stage 1's query: the required clauses on story documents (`on_stories`, one per
    /// clause), each `occur` (`Must`: every word; `Should`: some).
    pub fn stories(&self, on_stories: &[Box<dyn Query>], occur: Occur) -> Box<dyn Query> {
        let plan = self.plan;
        // Story terms are only on story documents (as are the stories `on_stories` adds
        // for their passages): no filter is needed to find them, and a lone word's query
        // stands alone, so that a disjunction of terms lets tantivy skip blocks that cannot
        // make the pool (block-max WAND) instead of scoring every story holding the word.
        if let ([c], [q]) = (plan.required.as_slice(), on_stories) {
            if self.compiled.filters.is_empty() && !self.weighed(c) && c.role != Role::Joined {
                return q.box_clone();
            }
        }
        let words = plan.required.iter().zip(on_stories);
        let words = words
            .map(|(c, q)| match (self.weighed(c), c.role == Role::Joined) {
                (true, _) => (Occur::Should, light(&**q)),
                // A hyphenated word's phrase only adds to its parts.
                (false, true) => (Occur::Should, q.box_clone()),
                (false, false) => (occur, q.box_clone()),
            })
            .collect();
        let words = union::boolean(words);
        self.with_filters(vec![(Occur::Must, words)])
    }

    /// Stage 2's query: the passages of the stories `within`, by BM25 and proximity; a
    /// phrase must be in one passage, unless the stories are `partial` matches. Every term is
    /// looked for within those stories only.
    pub fn passages(&self, partial: bool, within: &Within) -> Box<dyn Query> {
        let (plan, f) = (self.plan, self.fields);
        let mut subs: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut words: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for c in &plan.required {
            let q = compile::query_within(c, f, Some(within));
            if self.weighed(c) {
                subs.push((Occur::Should, light(&*q)));
            } else if c.role == Role::Joined {
                subs.push((Occur::Should, q));
            } else if stories::in_one_passage(c) && !partial {
                subs.push((Occur::Must, q));
            } else {
                words.push((Occur::Should, q));
            }
        }
        if !words.is_empty() {
            subs.push((Occur::Must, union::boolean(words)));
        }
        let near = stories::proximity(&plan.required, &plan.han_runs, f, Some(within));
        subs.extend(near.into_iter().map(|q| (Occur::Should, q)));
        // Each term is within the stories already: a required one keeps the query there,
        // and the stories' documents, driving it, would seek every word's union at each.
        if subs.iter().any(|(occur, _)| *occur == Occur::Must) {
            subs.push((Occur::MustNot, stories::story_documents(f)));
        } else {
            subs.push((Occur::Must, stories::passages_of(within, f)));
        }
        // No filter: the stories passed them (passages hold no story, language or day).
        union::boolean(subs)
    }
}

/// A function word's query, weighed as one.
fn light(q: &dyn Query) -> Box<dyn Query> {
    compile::weighted(Role::FunctionWord, q.box_clone())
}
