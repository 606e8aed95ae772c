//! Stage 3, compiling: a plan and a request's filters become tantivy queries. Weights follow
//! each clause's [`Role`]; filters are nested so that a filter alone never makes a hit.

use std::ops::Bound;

use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery, Query, RangeQuery,
    TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

use crate::schema::{day_number, Fields};

use super::clause::{Clause, Node, Role};
use super::plan::Plan;
use super::request::Request;
use super::substring;
use super::union::{Combine, Union};
use super::units::Within;

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
    /// Passages matching any of these are dropped.
    pub excluded: Vec<Box<dyn Query>>,
    /// The request's filters, scoring nothing. They match story documents only (only those
    /// hold a story's id, language and day): a passage passes through its story.
    pub filters: Vec<Box<dyn Query>>,
}

/// Compiles `plan` with the filters of `request`.
pub fn compile(plan: &Plan, request: &Request, fields: &Fields) -> Compiled {
    Compiled {
        excluded: plan.excluded.iter().map(|c| query(c, fields)).collect(),
        filters: filters(request, fields),
    }
}

/// `q` weighted by the role of the clause it stands for.
pub fn weighted(role: Role, q: Box<dyn Query>) -> Box<dyn Query> {
    let weight = match role {
        Role::Typed => return q,
        Role::FunctionWord => FUNCTION_WORD_WEIGHT,
        Role::Variant => VARIANT_WEIGHT,
        Role::Spelling => SPELLING_WEIGHT,
        Role::Substring => GRAM_WEIGHT,
        Role::Joined => JOINED_WEIGHT,
        Role::Pinyin => PINYIN_WEIGHT,
        Role::Translation => TRANSLATION_WEIGHT,
    };
    Box::new(BoostQuery::new(q, weight))
}

/// One clause's query on passages, weighted by its role (a function word's weight is applied
/// where it joins the query, since alone it is required).
pub fn query(clause: &Clause, fields: &Fields) -> Box<dyn Query> {
    query_within(clause, fields, None)
}

/// [`query`], each of its terms and phrases looked for only `within` some stories' documents
/// when given (see [`Within`]).
pub fn query_within(clause: &Clause, fields: &Fields, within: Option<&Within>) -> Box<dyn Query> {
    let q = node(&clause.node, fields, within);
    match clause.role {
        Role::FunctionWord => q,
        role => weighted(role, q),
    }
}

fn node(node: &Node, fields: &Fields, within: Option<&Within>) -> Box<dyn Query> {
    let sequence = |field, terms| sequence(field, terms, within);
    match node {
        Node::Term(t) => sequence(fields.text, vec![t.as_str()]),
        Node::Phrase(terms) => sequence(fields.text, terms.iter().map(String::as_str).collect()),
        Node::Grams(han) => within_if(substring::query(han, fields), within),
        Node::Any(cs) => alternatives(
            cs.iter()
                .map(|c| (c.role, query_within(c, fields, within)))
                .collect(),
        ),
        Node::All(cs) => Box::new(BooleanQuery::new(
            cs.iter()
                .map(|c| (Occur::Must, query_within(c, fields, within)))
                .collect(),
        )),
    }
}

/// Any of `queries`, each standing for a clause of the given role: their scores add up, but
/// a word's several translations count as the best of them, so that together they never
/// weigh more than one (`refinery` is both 炼油 and 炼油厂).
pub fn alternatives(queries: Vec<(Role, Box<dyn Query>)>) -> Box<dyn Query> {
    let (translations, others): (Vec<_>, Vec<_>) = queries
        .into_iter()
        .partition(|(role, _)| *role == Role::Translation);
    let mut any: Vec<Box<dyn Query>> = others.into_iter().map(|(_, q)| q).collect();
    if !translations.is_empty() {
        let best = translations.into_iter().map(|(_, q)| q).collect();
        any.push(Box::new(Union::new(best, Combine::Max)));
    }
    Box::new(Union::new(any, Combine::Sum))
}

/// Terms of `field` in order (nothing, one term, or a phrase), `within` some stories if given.
fn sequence(field: Field, terms: Vec<&str>, within: Option<&Within>) -> Box<dyn Query> {
    let mut terms: Vec<Term> = terms
        .into_iter()
        .map(|t| Term::from_field_text(field, t))
        .collect();
    let q: Box<dyn Query> = match terms.len() {
        0 => return Box::new(EmptyQuery),
        1 => Box::new(TermQuery::new(
            terms.pop().expect("one term"),
            IndexRecordOption::WithFreqs,
        )),
        _ => Box::new(PhraseQuery::new(terms)),
    };
    within_if(q, within)
}

/// `q` only `within` some stories' documents, when given.
fn within_if(q: Box<dyn Query>, within: Option<&Within>) -> Box<dyn Query> {
    match within {
        Some(w) => w.around(q),
        None => q,
    }
}

/// The request's language, story and date filters on story documents, scoring nothing.
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
