//! BM25 as tantivy scores a term (`tantivy::query::Bm25Weight`), for the queries of our own:
//! the same operations in the same order, so the same scores bit for bit, with the table of
//! length factors shared. tantivy computes that table (256 divisions and a 1 KiB allocation)
//! for every weight it makes, and a search weighs each of its story words, in two fields, in
//! every stage.

use std::sync::{Arc, Mutex};

use tantivy::fieldnorm::FieldNormReader;
use tantivy::query::{Bm25Weight, Explanation};
use tantivy::Score;

// tantivy's BM25 parameters (private in `tantivy::query::bm25`).
const K1: Score = 1.2;
const B: Score = 0.75;

/// BM25 of a word in one field, as tantivy's `Bm25Weight` scores it.
#[derive(Clone)]
pub struct Bm25 {
    /// idf × (1 + k1), times the boost.
    weight: Score,
    norms: Arc<[Score; 256]>,
    /// The statistics, for tantivy's explanation.
    doc_freq: u64,
    docs: u64,
    average: Score,
}

impl Bm25 {
    /// The weight of a word `doc_freq` of `docs` documents hold, in a field `average` long.
    pub fn new(doc_freq: u64, docs: u64, average: Score) -> Bm25 {
        let x = (docs.saturating_sub(doc_freq) as Score + 0.5) / (doc_freq as Score + 0.5);
        let idf = (1.0 + x).ln();
        Bm25 {
            weight: idf * (1.0 + K1),
            norms: norms(average),
            doc_freq,
            docs,
            average,
        }
    }

    /// The weight times `boost`.
    pub fn boost_by(&self, boost: Score) -> Bm25 {
        Bm25 {
            weight: self.weight * boost,
            ..self.clone()
        }
    }

    /// The score of `freq` occurrences in a field of length code `norm`.
    pub fn score(&self, norm: u8, freq: u32) -> Score {
        let freq = freq as Score;
        self.weight * (freq / (freq + self.norms[norm as usize]))
    }

    /// tantivy's explanation of [`Bm25::score`] (of an unboosted weight).
    pub fn explain(&self, norm: u8, freq: u32) -> Explanation {
        Bm25Weight::for_one_term(self.doc_freq, self.docs, self.average).explain(norm, freq)
    }
}

/// The length factors of a field whose average length is `average`, for each of tantivy's 256
/// length codes: the same for every word of the field while the index is the same, so the
/// last few are kept.
fn norms(average: Score) -> Arc<[Score; 256]> {
    static TABLES: Mutex<Vec<(u32, Arc<[Score; 256]>)>> = Mutex::new(Vec::new());
    let mut tables = TABLES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, table)) = tables.iter().find(|(a, _)| *a == average.to_bits()) {
        return table.clone();
    }
    let mut table = [0.0; 256];
    for (id, norm) in table.iter_mut().enumerate() {
        let fieldnorm = FieldNormReader::id_to_fieldnorm(id as u8);
        *norm = K1 * (1.0 - B + B * fieldnorm as Score / average);
    }
    let table = Arc::new(table);
    if tables.len() == 8 {
        tables.remove(0);
    }
    tables.push((average.to_bits(), table.clone()));
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bm25_scores_as_tantivys_bit_for_bit() {
        for (doc_freq, docs, average) in [(1, 1, 1.0), (3, 2_595, 417.3), (900, 1_000, 12.06)] {
            let ours = Bm25::new(doc_freq, docs, average);
            let theirs = Bm25Weight::for_one_term(doc_freq, docs, average);
            for boost in [1.0, 0.3, 0.75, 2.0] {
                let (ours, theirs) = (ours.boost_by(boost), theirs.boost_by(boost));
                for norm in 0..=255u8 {
                    for freq in [1, 2, 7, 1_000] {
                        let (a, b) = (ours.score(norm, freq), theirs.score(norm, freq));
                        assert_eq!(
                            a.to_bits(),
                            b.to_bits(),
                            "{doc_freq} {docs} {average} {norm}"
                        );
                    }
                }
            }
        }
    }
}
