//! Stage 3, compiling: a plan and a request's filters become tantivy queries. Weights follow
//! each clause's [`Role`]; filters are nested so that a filter alone never makes a hit.

use std::ops::Bound;

use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery, Query, RangeQuery,
    TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

use crate::analysis::bigrams;
use crate::schema::{day_number, Fields};

use super::clause::{Clause, Node, Role};
use super::plan::Plan;
use super::request::Request;

/// Weight of a substring (bigram) match relative to a whole-word match.
const GRAM_WEIGHT: f32 = 0.3;
/// Weight of a near-spelling match relative to an exact one.
const SPELLING_WEIGHT: f32 = 0.5;
/// Weight of a variant-list expansion relative to the word as typed.
const VARIANT_WEIGHT: f32 = 0.5;
/// Weight of a function word relative to other words.
const FUNCTION_WORD_WEIGHT: f32 = 0.3;
/// Weight of a hyphenated word's phrase, a bonus over its parts.
const JOINED_WEIGHT: f32 = 0.5;
/// Weight of Han words found by their pinyin relative to the words as typed.
const PINYIN_WEIGHT: f32 = 0.5;
/// Weight of a translation relative to the word as typed.
const TRANSLATION_WEIGHT: f32 = 0.6;

/// The tantivy queries for one request.
pub struct Compiled {
    /// Every required clause must match.
    pub full: Box<dyn Query>,
    /// Any required clause may match: the fallback when nothing matches in full (only when
    /// there are several clauses).
    pub partial: Option<Box<dyn Query>>,
    /// Passages matching any of these are dropped.
    pub excluded: Vec<Box<dyn Query>>,
    /// Each required clause alone, with its label (for `--explain`).
    pub clauses: Vec<(String, Box<dyn Query>)>,
}

/// Compiles `plan` with the filters of `request`.
pub fn compile(plan: &Plan, request: &Request, fields: &Fields) -> Compiled {
    let clauses: Vec<(String, Box<dyn Query>)> = plan
        .required
        .iter()
        .map(|c| (c.label.clone(), query(c, fields)))
        .collect();
    let filters = filters(request, fields);
    // Function words (`的`, `吗`, `what`) are never required, unless they are all there is.
    let weigh_function_words = !plan.only_function_words();
    let build = |occur: Occur| -> Box<dyn Query> {
        let words = plan
            .required
            .iter()
            .zip(&clauses)
            .map(|(c, (_, q))| {
                // A hyphenated word's phrase only adds to its parts.
                if c.role == Role::Joined {
                    (Occur::Should, q.box_clone())
                } else if c.role == Role::FunctionWord && weigh_function_words {
                    let q: Box<dyn Query> =
                        Box::new(BoostQuery::new(q.box_clone(), FUNCTION_WORD_WEIGHT));
                    (Occur::Should, q)
                } else {
                    (occur, q.box_clone())
                }
            })
            .collect();
        let mut subs: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Must, Box::new(BooleanQuery::new(words)))];
        subs.extend(filters.iter().map(|f| (Occur::Must, f.box_clone())));
        Box::new(BooleanQuery::new(subs))
    };
    Compiled {
        full: build(Occur::Must),
        partial: (plan.required.len() > 1).then(|| build(Occur::Should)),
        excluded: plan.excluded.iter().map(|c| query(c, fields)).collect(),
        clauses,
    }
}

/// One clause's query, weighted by its role.
fn query(clause: &Clause, fields: &Fields) -> Box<dyn Query> {
    let q = node(&clause.node, fields);
    let weight = match clause.role {
        Role::Typed | Role::FunctionWord => return q,
        Role::Variant => VARIANT_WEIGHT,
        Role::Spelling => SPELLING_WEIGHT,
        Role::Substring => GRAM_WEIGHT,
        Role::Joined => JOINED_WEIGHT,
        Role::Pinyin => PINYIN_WEIGHT,
        Role::Translation => TRANSLATION_WEIGHT,
    };
    Box::new(BoostQuery::new(q, weight))
}

fn node(node: &Node, fields: &Fields) -> Box<dyn Query> {
    match node {
        Node::Term(t) => sequence(fields.text, vec![t.as_str()]),
        Node::Phrase(terms) => sequence(fields.text, terms.iter().map(String::as_str).collect()),
        Node::Grams(han) => sequence(
            fields.grams,
            bigrams(han).into_iter().map(|(_, _, g)| g).collect(),
        ),
        Node::Any(cs) => combine(cs, Occur::Should, fields),
        Node::All(cs) => combine(cs, Occur::Must, fields),
    }
}

fn combine(clauses: &[Clause], occur: Occur, fields: &Fields) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(
        clauses.iter().map(|c| (occur, query(c, fields))).collect(),
    ))
}

/// Terms of `field` in order: nothing, one term, or a phrase.
fn sequence(field: Field, terms: Vec<&str>) -> Box<dyn Query> {
    let mut terms: Vec<Term> = terms
        .into_iter()
        .map(|t| Term::from_field_text(field, t))
        .collect();
    match terms.len() {
        0 => Box::new(EmptyQuery),
        1 => Box::new(TermQuery::new(
            terms.pop().expect("one term"),
            IndexRecordOption::WithFreqs,
        )),
        _ => Box::new(PhraseQuery::new(terms)),
    }
}

/// The request's language, story and date filters, scoring nothing.
fn filters(request: &Request, f: &Fields) -> Vec<Box<dyn Query>> {
    let mut out: Vec<Box<dyn Query>> = Vec::new();
    let exact = |field, value: &str| -> Box<dyn Query> {
        Box::new(ConstScoreQuery::new(
            Box::new(TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            )),
            0.0,
        ))
    };
    if let Some(lang) = request.lang() {
        out.push(exact(f.lang, lang));
    }
    if let Some(story) = request.story() {
        out.push(exact(f.story, story));
    }
    if request.since().is_some() || request.until().is_some() {
        let day = |d: time::Date| Term::from_field_u64(f.day, day_number(&d.to_string()));
        // Undated stories (day 0) never pass a date filter.
        let lower = Bound::Included(request.since().map_or(Term::from_field_u64(f.day, 1), day));
        let upper = request
            .until()
            .map_or(Bound::Unbounded, |d| Bound::Included(day(d)));
        out.push(Box::new(ConstScoreQuery::new(
            Box::new(RangeQuery::new(lower, upper)),
            0.0,
        )));
    }
    out
}
