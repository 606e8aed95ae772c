//! The BM25 statistics of one search, each read from the index once. The plan asks how many
//! documents hold each word and translation it considers, and every term query of every stage
//! asks again for its weight: each ask is a term dictionary lookup per segment.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;

use rustc_hash::FxHashMap;
use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::Field;
use tantivy::{InvertedIndexReader, Searcher, Term};

/// A field's inverted index in every segment.
type Indexes = Rc<[Arc<InvertedIndexReader>]>;

/// [`Bm25StatisticsProvider`] of a searcher, remembering what it was asked (the same values:
/// scores do not change).
pub struct Statistics<'a> {
    searcher: &'a Searcher,
    doc_freqs: RefCell<FxHashMap<Term, u64>>,
    /// Each asked field's inverted index in every segment: tantivy's `Searcher::doc_freq`
    /// takes a lock and a map lookup per segment for each term, a fifth of a lookup's cost.
    indexes: RefCell<Vec<(Field, Indexes)>>,
    tokens: RefCell<FxHashMap<Field, u64>>,
    docs: Cell<Option<u64>>,
}

impl<'a> Statistics<'a> {
    /// Nothing read yet.
    pub fn new(searcher: &'a Searcher) -> Self {
        Statistics {
            searcher,
            doc_freqs: RefCell::default(),
            indexes: RefCell::default(),
            tokens: RefCell::default(),
            docs: Cell::new(None),
        }
    }

    /// The inverted index of `field` in every segment, opened once (a search asks of a few
    /// fields).
    fn indexes(&self, field: Field) -> tantivy::Result<Indexes> {
        if let Some((_, held)) = self.indexes.borrow().iter().find(|(f, _)| *f == field) {
            return Ok(held.clone());
        }
        let opened: Indexes = (self.searcher.segment_readers().iter())
            .map(|segment| segment.inverted_index(field))
            .collect::<tantivy::Result<_>>()?;
        self.indexes.borrow_mut().push((field, opened.clone()));
        Ok(opened)
    }
}

impl Bm25StatisticsProvider for Statistics<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        if let Some(&n) = self.tokens.borrow().get(&field) {
            return Ok(n);
        }
        let n = self.searcher.total_num_tokens(field)?;
        self.tokens.borrow_mut().insert(field, n);
        Ok(n)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        if let Some(n) = self.docs.get() {
            return Ok(n);
        }
        let n = self.searcher.total_num_docs()?;
        self.docs.set(Some(n));
        Ok(n)
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        if let Some(&n) = self.doc_freqs.borrow().get(term) {
            return Ok(n);
        }
        // As tantivy's `Searcher::doc_freq` counts.
        let mut n = 0;
        for index in self.indexes(term.field())?.iter() {
            n += u64::from(index.doc_freq(term)?);
        }
        // Only held terms are asked again: cutting Han text asks for many that are not.
        if n > 0 {
            self.doc_freqs.borrow_mut().insert(term.clone(), n);
        }
        Ok(n)
    }
}
