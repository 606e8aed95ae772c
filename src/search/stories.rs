//! Stage 3b, compiling for story ranking: each clause on story documents (a story's whole
//! text and, as a field of its own, its title), and the query on the chosen stories' passages
//! with proximity evidence (neighbouring query words near each other, the query as a phrase).

use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::Term;

use crate::analysis::is_han;
use crate::schema::Fields;

use super::clause::{Clause, Node, Role};
use super::compile::{self, weighted};
use super::story_word::{SegmentStories, StoryWord};
use super::substring;
use super::union::{Combine, Union};
use super::units::Within;

/// Most words between two neighbouring query words that still count as near.
const NEAR_SLOP: u32 = 3;
/// Weight of two neighbouring query words found near each other.
const NEAR_WEIGHT: f32 = 0.2;
/// Weight of the whole query found as an exact phrase.
const PHRASE_WEIGHT: f32 = 0.2;
/// Weight of a Han run typed without spaces found as one substring of a passage.
const RUN_WEIGHT: f32 = 1.0;

/// A clause on story documents (`stories`: each segment's story documents). A Han substring
/// matches nothing here: see [`passage_part`].
pub fn on_story(clause: &Clause, f: &Fields, stories: &SegmentStories) -> Box<dyn Query> {
    let q = match &clause.node {
        Node::Term(t) => story_word(t, f, stories),
        Node::Phrase(terms) if terms.is_empty() => Box::new(EmptyQuery),
        Node::Phrase(terms) => all(terms.iter().map(|t| story_word(t, f, stories)).collect()),
        Node::Grams(_) => Box::new(EmptyQuery),
        Node::Any(cs) => compile::alternatives(
            cs.iter()
                .map(|c| (c.role, on_story(c, f, stories)))
                .collect(),
        ),
        Node::All(cs) => all(cs.iter().map(|c| on_story(c, f, stories)).collect()),
    };
    match clause.role {
        Role::FunctionWord => q,
        role => weighted(role, q),
    }
}

/// The parts of a clause that a story's whole text cannot tell at all (a Han substring), on
/// passages, scoring aside: a story holding another alternative of the clause (a word) is
/// found by [`on_story`] already, as is one holding a phrase (its whole text holds all the
/// phrase's words), so only these need a look at every passage of the archive. `None` when
/// there is no such part.
pub fn passage_part(clause: &Clause, f: &Fields) -> Option<Box<dyn Query>> {
    match &clause.node {
        Node::Any(cs) => {
            let word = |han: &str| {
                cs.iter()
                    .any(|c| matches!(&c.node, Node::Term(t) if t == han))
            };
            let parts: Vec<Box<dyn Query>> = cs
                .iter()
                .filter_map(|c| match &c.node {
                    // A story holding the word itself is found by its whole text.
                    Node::Grams(han) if word(han) => Some(substring::not_as_word(han, f)),
                    _ => passage_part(c, f),
                })
                .collect();
            (!parts.is_empty()).then(|| any(parts))
        }
        _ => substring(clause).then(|| compile::query(clause, f)),
    }
}

/// True when the clause holds a Han substring, which matches nothing on story documents.
pub fn substring(clause: &Clause) -> bool {
    match &clause.node {
        Node::Term(_) | Node::Phrase(_) => false,
        Node::Grams(_) => true,
        Node::Any(cs) | Node::All(cs) => cs.iter().any(substring),
    }
}

/// True when the clause is a phrase as typed: in a story holding every word, it must be
/// within one passage.
pub fn in_one_passage(clause: &Clause) -> bool {
    let phrase = |c: &Clause| matches!(&c.node, Node::Phrase(t) if t.len() > 1);
    match &clause.node {
        Node::Any(cs) => {
            clause.role == Role::Typed && cs.iter().any(|c| c.role == Role::Typed && phrase(c))
        }
        _ => phrase(clause),
    }
}

/// Passages of the stories `within`, scoring nothing.
pub fn passages_of(within: &Within, f: &Fields) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(vec![
        (Occur::Must, Box::new(within.clone())),
        (Occur::MustNot, story_documents(f)),
    ]))
}

/// Every story document (passage number 0), scoring nothing.
pub fn story_documents(f: &Fields) -> Box<dyn Query> {
    let story = Term::from_field_u64(f.passage, 0);
    Box::new(ConstScoreQuery::new(
        Box::new(TermQuery::new(story, IndexRecordOption::Basic)),
        0.0,
    ))
}

/// A Han run typed without spaces as one substring of a passage (through the bigram field),
/// `within` some stories if given.
pub fn han_run(run: &str, f: &Fields, within: Option<&Within>) -> Box<dyn Query> {
    let clause = Clause::typed(run, Node::Grams(run.to_string()));
    compile::query_within(&clause, f, within)
}

/// The Han word a clause stands for, as typed (its substring and translation alternatives
/// aside), if it is one.
pub fn han_word(clause: &Clause) -> Option<&str> {
    match words(clause).as_slice() {
        [w] if w.chars().all(is_han) => Some(w),
        _ => None,
    }
}

/// Proximity evidence on passages: each two neighbouring content words of the query near each
/// other, the query's words as one exact phrase, and each of `han_runs` as one substring;
/// looked for `within` some stories if given.
pub fn proximity(
    required: &[Clause],
    han_runs: &[String],
    f: &Fields,
    within: Option<&Within>,
) -> Vec<Box<dyn Query>> {
    let text = |t: &str| Term::from_field_text(f.text, t);
    let boosted = |phrase: PhraseQuery, weight| -> Box<dyn Query> {
        let q: Box<dyn Query> = match within {
            Some(w) => w.around(Box::new(phrase)),
            None => Box::new(phrase),
        };
        Box::new(BoostQuery::new(q, weight))
    };
    let mut out: Vec<Box<dyn Query>> = Vec::new();
    let content: Vec<&Clause> = required
        .iter()
        .filter(|c| c.role != Role::FunctionWord)
        .collect();
    for pair in content.windows(2) {
        let (Some(&a), Some(&b)) = (words(pair[0]).last(), words(pair[1]).first()) else {
            continue;
        };
        if a != b {
            let mut near = PhraseQuery::new(vec![text(a), text(b)]);
            near.set_slop(NEAR_SLOP);
            out.push(boosted(near, NEAR_WEIGHT));
        }
    }
    let each: Vec<Vec<&str>> = required.iter().map(words).collect();
    if each.iter().all(|w| !w.is_empty()) {
        let terms: Vec<Term> = each.into_iter().flatten().map(text).collect();
        if terms.len() > 2 {
            let phrase = PhraseQuery::new(terms);
            out.push(boosted(phrase, PHRASE_WEIGHT));
        }
    }
    for run in han_runs {
        out.push(Box::new(BoostQuery::new(
            han_run(run, f, within),
            RUN_WEIGHT,
        )));
    }
    out
}

/// The clause's words in order, for proximity: a word, a phrase, or a word with its
/// substring, spelling, pinyin or translation alternatives (the words as typed count);
/// nothing for other groups.
fn words(clause: &Clause) -> Vec<&str> {
    match &clause.node {
        Node::Term(t) => vec![t.as_str()],
        Node::Phrase(terms) => terms.iter().map(String::as_str).collect(),
        Node::Any(cs)
            if cs.iter().skip(1).all(|c| {
                matches!(
                    c.role,
                    Role::Substring | Role::Spelling | Role::Pinyin | Role::Translation
                )
            }) =>
        {
            cs.first().map(words).unwrap_or_default()
        }
        _ => Vec::new(),
    }
}

/// A text term on story documents: in the whole text, or in the title.
fn story_word(term: &str, f: &Fields, stories: &SegmentStories) -> Box<dyn Query> {
    Box::new(StoryWord::new(term, f, stories))
}

/// A query matching when any of `queries` does.
pub fn any(queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    Box::new(Union::new(queries, Combine::Sum))
}

fn all(queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(
        queries.into_iter().map(|q| (Occur::Must, q)).collect(),
    ))
}
