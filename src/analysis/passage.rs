//! The indexer's analysis of a passage, in one pass: the `text` field's tokens, the bigrams of
//! the same folded Han runs, and the jieba words the pinyin field reads, where three analyzers
//! each found the runs, folded them and (the text and pinyin) cut them again.

use rustc_hash::FxHashSet;
use tantivy::tokenizer::{TextAnalyzer, Token};

use super::tokens::push;
use super::{bigrams, has_han, is_han, MixedTokenizer, MAX_WORD_BYTES};

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
    /// The text analyzer, for a passage without Han characters.
    pub(super) whole: TextAnalyzer,
    /// The text analyzer's filters over one token (a Latin word, a number, a unit).
    pub(super) filters: TextAnalyzer,
}

impl PassageAnalyzer {
    /// Analyses `text`, calling `han_word` with every jieba word and sub-word of its folded
    /// Han runs (in the order of the runs).
    pub fn analyse(&mut self, text: &str, mut han_word: impl FnMut(&str)) -> Analysed {
        let mut out = String::with_capacity(text.len() * 2);
        if !has_han(text) {
            self.whole
                .token_stream(text)
                .process(&mut |t: &Token| push(&mut out, t.position, &t.text));
            return Analysed {
                text: out,
                grams: String::new(),
            };
        }
        // Bigrams as pairs of characters: distinct, in the order first met.
        let mut pairs = Vec::new();
        let mut seen = FxHashSet::default();
        let tokens = self.mixed.tokens(text, |folded, words| {
            for &(from, to) in words {
                han_word(&folded[from..to]);
            }
            for (_, _, gram) in bigrams(folded) {
                let pair = two(gram).expect("a bigram is two characters");
                if seen.insert(pair) {
                    pairs.push(pair);
                }
            }
        });
        let words: FxHashSet<(char, char)> = tokens.iter().filter_map(|t| two(&t.text)).collect();
        let mut grams = String::with_capacity(pairs.len() * 8);
        let mut gram = String::with_capacity(8);
        for &(a, b) in pairs.iter().filter(|p| !words.contains(p)) {
            gram.clear();
            gram.push(a);
            gram.push(b);
            push(&mut grams, 0, &gram);
        }
        for t in &tokens {
            if t.text.len() <= MAX_WORD_BYTES && t.text.chars().all(is_han) {
                // Lowercasing, folding and stemming leave a Han word as it is.
                push(&mut out, t.position, &t.text);
            } else {
                let position = t.position;
                self.filters
                    .token_stream(&t.text)
                    .process(&mut |f: &Token| push(&mut out, position, &f.text));
            }
        }
        Analysed { text: out, grams }
    }
}

/// The two characters of a two-character text.
fn two(text: &str) -> Option<(char, char)> {
    let mut chars = text.chars();
    match (chars.next(), chars.next(), chars.next()) {
        (Some(a), Some(b), None) => Some((a, b)),
        _ => None,
    }
}
