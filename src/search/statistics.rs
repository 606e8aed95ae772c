//! The BM25 statistics of one search, each read from the index once. The plan asks how many
//! documents hold each word and translation it considers, and every term query of every stage
//! asks again for its weight: each ask is a term dictionary lookup per segment.

use std::cell::{Cell, RefCell};

use rustc_hash::FxHashMap;
use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

/// [`Bm25StatisticsProvider`] of a searcher, remembering what it was asked (the same values:
/// scores do not change).
pub struct Statistics<'a> {
    searcher: &'a Searcher,
    doc_freqs: RefCell<FxHashMap<Term, u64>>,
    tokens: RefCell<FxHashMap<Field, u64>>,
    docs: Cell<Option<u64>>,
}

impl<'a> Statistics<'a> {
    /// Nothing read yet.
    pub fn new(searcher: &'a Searcher) -> Self {
        Statistics {
            searcher,
            doc_freqs: RefCell::default(),
            tokens: RefCell::default(),
            docs: Cell::new(None),
        }
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
        let n = self.searcher.doc_freq(term)?;
        // Only held terms are asked again: cutting Han text asks for many that are not.
        if n > 0 {
            self.doc_freqs.borrow_mut().insert(term.clone(), n);
        }
        Ok(n)
    }
}
