//! Documents of chosen stories, as a query: the passages of the stories ranked, or the story
//! documents of the stories holding a word in one of their passages. tantivy's `TermSetQuery`
//! builds an automaton of the terms and walks the field's whole term dictionary with it in
//! every segment, which for thousands of stories cost most of a query; here the few ranked
//! stories are looked up term by term, and the many holding a word are checked on the `unit`
//! fast field of each story document the rest of the query proposes.

use std::sync::Arc;

use rustc_hash::FxHashSet;

use tantivy::columnar::Column;
use tantivy::query::doc_predicate_query::{
    ConstOrVariableSegmentPredicate, DocPredicate, DocPredicateQuery, SegmentDocPredicate,
};
use tantivy::query::{AllScorer, Query};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, SegmentReader, Term, TERMINATED};

/// The documents (story documents and passages) of the stories `units`, found by looking
/// each story up by its `unit` term: for a few stories (the ranked ones), however many
/// documents the rest of the query matches.
pub fn looked_up(units: Vec<u64>, field: Field) -> Box<dyn Query> {
    in_units(units, field, true)
}

/// The documents of the stories `units` among those the rest of the query proposes, checked on
/// the `unit` fast field: for many stories (a lookup each would cost more), when the rest of
/// the query proposes few documents (story documents).
pub fn checked(units: Vec<u64>, field: Field) -> Box<dyn Query> {
    in_units(units, field, false)
}

fn in_units(mut units: Vec<u64>, field: Field, lookup: bool) -> Box<dyn Query> {
    units.sort_unstable();
    units.dedup();
    let set = units.iter().copied().collect();
    Box::new(DocPredicateQuery::from(InUnits {
        units,
        set: Arc::new(set),
        field,
        lookup,
    }))
}

#[derive(Debug)]
struct InUnits {
    /// Sorted.
    units: Vec<u64>,
    set: Arc<FxHashSet<u64>>,
    field: Field,
    lookup: bool,
}

impl DocPredicate for InUnits {
    type SegmentDocPredicate = Predicate;

    fn doc_predicate(
        &self,
        reader: &SegmentReader,
    ) -> tantivy::Result<ConstOrVariableSegmentPredicate<Predicate>> {
        if self.lookup {
            let inverted = reader.inverted_index(self.field)?;
            let mut docs = Vec::new();
            for &unit in &self.units {
                let term = Term::from_field_u64(self.field, unit);
                let Some(info) = inverted.get_term_info(&term)? else {
                    continue;
                };
                let mut postings =
                    inverted.read_postings_from_terminfo(&info, IndexRecordOption::Basic)?;
                while postings.doc() != TERMINATED {
                    docs.push(postings.doc());
                    postings.advance();
                }
            }
            docs.sort_unstable();
            docs.dedup();
            return Ok(ConstOrVariableSegmentPredicate::Variable {
                predicate: Predicate::Any,
                necessary_condition: Box::new(Docs { docs, at: 0 }),
            });
        }
        Ok(ConstOrVariableSegmentPredicate::Variable {
            predicate: Predicate::Column {
                column: reader
                    .fast_fields()
                    .u64(reader.schema().get_field_name(self.field))?,
                set: self.set.clone(),
            },
            necessary_condition: Box::new(AllScorer::new(reader.max_doc())),
        })
    }
}

enum Predicate {
    /// Every document of the necessary condition (found by looking the stories up).
    Any,
    /// A document whose unit is in the set.
    Column {
        column: Column<u64>,
        set: Arc<FxHashSet<u64>>,
    },
}

impl SegmentDocPredicate for Predicate {
    fn eval(&mut self, doc: DocId) -> bool {
        match self {
            Predicate::Any => true,
            Predicate::Column { column, set } => {
                column.first(doc).is_some_and(|u| set.contains(&u))
            }
        }
    }

    fn cost(&self) -> u64 {
        match self {
            Predicate::Any => 1,
            Predicate::Column { .. } => 10,
        }
    }
}

/// Documents found by looking their stories up, sorted and distinct.
struct Docs {
    docs: Vec<DocId>,
    at: usize,
}

impl DocSet for Docs {
    fn advance(&mut self) -> DocId {
        self.at = (self.at + 1).min(self.docs.len());
        self.doc()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.at += self.docs[self.at..].partition_point(|&d| d < target);
        self.doc()
    }

    fn doc(&self) -> DocId {
        self.docs.get(self.at).copied().unwrap_or(TERMINATED)
    }

    fn size_hint(&self) -> u32 {
        (self.docs.len() - self.at) as u32
    }
}
