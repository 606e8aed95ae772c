//! The indexer's analysis of a passage, in one pass: the `text` field's tokens, the bigrams of
//! the same folded Han runs, and the jieba words the pinyin field reads, where three analyzers
//! each found the runs, folded them and (the text and pinyin) cut them again.

use rustc_hash::{FxHashMap, FxHashSet};
use tantivy::tokenizer::{TextAnalyzer, Token};

use super::tokens::push;
use super::{each_bigram, is_han, MixedTokenizer, MAX_WORD_BYTES};

/// A passage's tokens, carried in strings ([`super::tokens`]).
pub struct Analysed {
    /// What [`super::Analyzers::text`] makes of the passage.
    pub text: String,
    /// The distinct bigrams [`super::BigramTokenizer`] makes of it that are not among its
    /// `text` terms (a word of two characters is found there), each once, at position 0.
    pub grams: String,
}

/// One thread's passage analyzer ([`super::Analyzers::passages`]).
pub struct PassageAnalyzer {
    pub(super) mixed: MixedTokenizer,
    /// The text analyzer's filters over one token (a number with its unit, a date).
    pub(super) filters: TextAnalyzer,
    /// Those filters but the stemmer, over a word that is not ASCII.
    pub(super) folding: TextAnalyzer,
    /// The filters' stemmer, over a word already lowercased and folded (none: the filters
    /// have no stemmer, and run on the word as written).
    pub(super) stemmer: Option<frostem::Stemmer>,
    /// The stems of the words met: most words come again and again, and the stemmer was most
    /// of a Latin word's cost (at most [`STEMS`], then forgotten).
    pub(super) stems: FxHashMap<String, String>,
}

/// Most stems a [`PassageAnalyzer`] keeps.
const STEMS: usize = 50_000;

impl PassageAnalyzer {
    /// Analyses `text`, calling `han_word` with every jieba word and sub-word of its folded
    /// Han runs (in the order of the runs) and `latin_word` with every other word as
    /// [`super::latin_words`] gives it (lowercased and folded, not stemmed), in order.
    pub fn analyse(
        &mut self,
        text: &str,
        mut han_word: impl FnMut(&str),
        mut latin_word: impl FnMut(&str),
    ) -> Analysed {
        let mut out = String::with_capacity(text.len() * 2);
        // Bigrams as pairs of characters: distinct, in the order first met.
        let mut pairs = Vec::new();
        // Sized for a passage's bigrams at once: growing it was a twentieth of the analysis.
        let mut seen = FxHashSet::with_capacity_and_hasher(text.len() / 3, Default::default());
        let tokens = self.mixed.tokens(text, |folded, words| {
            for &(from, to) in words {
                han_word(&folded[from..to]);
            }
            for (_, _, gram) in each_bigram(folded) {
                let pair = two(gram).expect("a bigram is two characters");
                if seen.insert(pair) {
                    pairs.push(pair);
                }
            }
        });
        let mut word = String::new();
        for t in &tokens {
            let position = t.position;
            if t.text.len() <= MAX_WORD_BYTES && t.text.chars().all(is_han) {
                // Lowercasing, folding and stemming leave a Han word as it is.
                push(&mut out, position, &t.text);
            } else if !t.text.chars().any(is_han) {
                // A word of a run that is not Han: the filters in two steps, the first giving
                // the word as the run's word list has it.
                if !self.fold(&t.text, &mut word) {
                    continue;
                }
                latin_word(&word);
                match &self.stemmer {
                    Some(stemmer) => match self.stems.get(&word) {
                        Some(stem) => push(&mut out, position, stem),
                        None => {
                            let stem = stemmer.stem(&word).into_owned();
                            push(&mut out, position, &stem);
                            if self.stems.len() >= STEMS {
                                self.stems.clear();
                            }
                            self.stems.insert(word.clone(), stem);
                        }
                    },
                    None => self
                        .filters
                        .token_stream(&t.text)
                        .process(&mut |f: &Token| push(&mut out, position, &f.text)),
                }
            } else {
                self.filters
                    .token_stream(&t.text)
                    .process(&mut |f: &Token| push(&mut out, position, &f.text));
            }
        }
        if pairs.is_empty() {
            return Analysed {
                text: out,
                grams: String::new(),
            };
        }
        let mut words = FxHashSet::with_capacity_and_hasher(tokens.len(), Default::default());
        words.extend(tokens.iter().filter_map(|t| two(&t.text)));
        let mut grams = String::with_capacity(pairs.len() * 8);
        let mut gram = String::with_capacity(8);
        for &(a, b) in pairs.iter().filter(|p| !words.contains(p)) {
            gram.clear();
            gram.push(a);
            gram.push(b);
            push(&mut grams, 0, &gram);
        }
        Analysed { text: out, grams }
    }

    /// `word` lowercased and folded into `out` as the filters before the stemmer make it;
    /// false when they drop it (too long). An ASCII word is lowercased in place of the
    /// analyzer's allocations (folding changes nothing in ASCII).
    fn fold(&mut self, word: &str, out: &mut String) -> bool {
        out.clear();
        if word.is_ascii() {
            if word.len() > MAX_WORD_BYTES {
                return false;
            }
            out.push_str(word);
            out.make_ascii_lowercase();
            return true;
        }
        let mut kept = false;
        self.folding.token_stream(word).process(&mut |f: &Token| {
            out.push_str(&f.text);
            kept = true;
        });
        kept
    }
}

/// The two characters of a two-character text.
fn two(text: &str) -> Option<(char, char)> {
    // Two characters take 2 to 8 bytes: most tokens are told apart by their length alone.
    if !(2..=8).contains(&text.len()) {
        return None;
    }
    let mut chars = text.chars();
    match (chars.next(), chars.next(), chars.next()) {
        (Some(a), Some(b), None) => Some((a, b)),
        _ => None,
    }
}
