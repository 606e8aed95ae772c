//! The mixed-script analyzer: how text in English, Chinese or both becomes index terms.
//!
//! Text is cut into runs. Runs of Han characters are folded from traditional to simplified
//! (character by character, keeping byte lengths, so offsets still point into the original) and
//! segmented by jieba; dictionary sub-words of long words are indexed at their word's position.
//! Other letter and digit runs are words, lowercased, ASCII-folded and English-stemmed by
//! tantivy's own filters. Positions are word ordinals, so phrases work in both scripts.
//!
//! A second analyzer emits overlapping Han bigrams, so any run of two or more Han characters in
//! a passage can be found even where jieba cuts it differently.

pub mod numbers;
mod passage;
mod phrases;
pub mod pinyin;
mod regional;
mod segmenter;
mod spans;
mod t2s;
pub mod tokens;

pub use self::passage::{Analysed, PassageAnalyzer};
pub use self::segmenter::Segmenter;
pub use self::spans::{each_word, each_word_starting, latin_spans_where};
use self::t2s::fold_chars;

use std::borrow::Cow;
use std::sync::Arc;

use self::pinyin::PINYIN_SOURCE;
use self::tokens::{TokensTokenizer, TOKENS_ANALYZER};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, Stemmer,
    TextAnalyzer, Token, TokenStream, Tokenizer,
};

/// Bumped whenever the analyzer's output or the index layout changes, so old indexes are
/// rebuilt (3: `words` and `pinyin` only on story documents, 48-bit units, the text indexed
/// from [`tokens`] and stored in a field of its own; 4: no `loc` field, the bigrams carried in
/// [`tokens`] too, the file list compressed; 5: `grams` holds a passage's bigrams once each,
/// without positions, and only those that are not among its `text` terms; `words` and
/// `pinyin` on one vocabulary document per run; 6: a story's story id, language, title, date
/// and file stored on its story document only, the `unit` column (`story_unit`) too; 7: no
/// `body` field: stories are ranked from their passages' postings and a `story_length` column;
/// 8: the `story`, `lang` and `day` terms on story documents only, no `path` field: a file's
/// documents are removed by their `unit`; 9: `align` on a passage only when it is not its
/// number, [`crate::schema::RESERVED_TERM`] on vocabulary documents).
pub const ANALYZER_VERSION: u32 = 9;
/// Longest word the analyzers keep, in bytes. Longer tokens (a base64 blob, a 100,000-letter
/// "word") are dropped alike at index and at query time; tantivy could not index a term over
/// 65,531 bytes anyway.
pub const MAX_WORD_BYTES: usize = 255;

/// True for Han ideographs (CJK unified, extensions and compatibility blocks).
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F | 0x3007)
}

/// True when `text` holds a Han ideograph.
pub fn has_han(text: &str) -> bool {
    text.chars().any(is_han)
}

/// Which kind of run a character belongs to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RunKind {
    /// Han ideographs.
    Han,
    /// Letters and digits of any other script.
    Word,
}

fn kind_of(c: char) -> Option<RunKind> {
    if c.is_ascii() {
        c.is_ascii_alphanumeric().then_some(RunKind::Word)
    } else if is_han(c) {
        Some(RunKind::Han)
    } else if is_common_punctuation(c) {
        None
    } else if c.is_alphanumeric() {
        Some(RunKind::Word)
    } else {
        None
    }
}

/// Punctuation of Chinese and English text, none of it a letter or digit, told without
/// Unicode's tables (a lookup for every comma and full stop of Chinese text was a twentieth of
/// its analysis).
pub fn is_common_punctuation(c: char) -> bool {
    matches!(c as u32,
        0x2000..=0x206F | 0x3000..=0x3004 | 0x3008..=0x3020 | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20
        | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65)
}

/// Splits text into maximal runs of one kind, as `(kind, byte_start, run)`; separators are dropped.
pub fn runs(text: &str) -> impl Iterator<Item = (RunKind, usize, &str)> {
    let mut rest = text.char_indices().peekable();
    std::iter::from_fn(move || loop {
        let (start, c) = rest.next()?;
        let Some(kind) = kind_of(c) else { continue };
        let mut end = start + c.len_utf8();
        while let Some(&(i, d)) = rest.peek() {
            if kind_of(d) != Some(kind) {
                break;
            }
            end = i + d.len_utf8();
            rest.next();
        }
        return Some((kind, start, &text[start..end]));
    })
}

/// Folds traditional characters to simplified, then Taiwan vocabulary to mainland
/// ([`regional`]). The result always has the same byte length as the input (a conversion that
/// would change it is not applied), so offsets carry over.
pub fn fold_han(run: &str) -> Cow<'_, str> {
    let chars = fold_chars(run);
    match regional::fold(&chars) {
        Cow::Owned(words) => Cow::Owned(words),
        Cow::Borrowed(_) => chars,
    }
}

/// A token stream over tokens computed up front.
pub struct VecTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl VecTokenStream {
    /// A stream over `tokens`, in order.
    pub fn new(tokens: Vec<Token>) -> Self {
        VecTokenStream { tokens, next: 0 }
    }
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }
    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

fn token(text: &str, from: usize, to: usize, position: usize) -> Token {
    Token {
        offset_from: from,
        offset_to: to,
        position,
        text: text.to_string(),
        position_length: 1,
    }
}

/// Cuts mixed text into word tokens: jieba words (and sub-words) for Han runs, whole runs
/// otherwise. With no segmenter, Han runs are skipped (the Latin-only analyzer).
#[derive(Clone)]
pub struct MixedTokenizer {
    segmenter: Option<Arc<Segmenter>>,
}

impl MixedTokenizer {
    /// The tokens of `text`, calling `each_han_run(folded, words)` with each folded Han run
    /// and the byte ranges in it of its jieba words and sub-words.
    fn tokens(
        &self,
        text: &str,
        mut each_han_run: impl FnMut(&str, &[(usize, usize)]),
    ) -> Vec<Token> {
        // About a token for every four bytes, in either script.
        let mut tokens = Vec::with_capacity(text.len() / 4);
        let mut words = Vec::new();
        // Sub-words and units take the position of the (first) word they are part of.
        let mut next = 0;
        let runs: Vec<_> = runs(text).collect();
        let pieces = numbers::join_numbers(text, &runs);
        let units = match self.segmenter {
            Some(_) => numbers::units(text, &pieces),
            None => Vec::new(),
        };
        let mut units = units.iter().peekable();
        for (i, piece) in pieces.iter().enumerate() {
            let start = piece.start;
            match (piece.kind, &self.segmenter) {
                (RunKind::Word, _) => {
                    tokens.push(token(&piece.text, start, piece.end, next));
                    next += 1;
                }
                (RunKind::Han, Some(segmenter)) => {
                    let chars = fold_chars(&piece.text);
                    let folded = regional::fold(&chars);
                    let first = tokens.len();
                    words.clear();
                    segmenter.segment(&folded, |from, to, subword| {
                        if !subword {
                            next += 1;
                        }
                        words.push((from, to));
                        tokens.push(token(&folded[from..to], start + from, start + to, next - 1));
                    });
                    each_han_run(&folded, &words);
                    regional::add_variants(segmenter, &chars, &folded, start, &mut tokens, first);
                }
                (RunKind::Han, None) => {}
            }
            while let Some(unit) = units.next_if(|u| u.piece == i) {
                tokens.push(token(&unit.term, unit.start, unit.end, next - 1));
            }
        }
        tokens
    }
}

impl Tokenizer for MixedTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream::new(self.tokens(text, |_, _| {}))
    }
}

/// Emits overlapping bigrams of each folded Han run; runs are kept apart by a position gap so a
/// phrase never spans two runs.
#[derive(Clone, Default)]
pub struct BigramTokenizer;

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let mut tokens = Vec::new();
        let mut position = 0;
        for (kind, start, run) in runs(text) {
            if kind != RunKind::Han {
                continue;
            }
            let folded = fold_han(run);
            for (from, to, gram) in each_bigram(&folded) {
                tokens.push(token(gram, start + from, start + to, position));
                position += 1;
            }
            position += 1;
        }
        VecTokenStream::new(tokens)
    }
}

/// Overlapping two-character windows of `run`, with their byte offsets.
pub fn bigrams(run: &str) -> Vec<(usize, usize, &str)> {
    each_bigram(run).collect()
}

/// [`bigrams`] one at a time: the indexer takes the bigrams of every Han run, where making a
/// list of its characters' offsets and one of its bigrams was a twentieth of the analysis.
pub fn each_bigram(run: &str) -> impl Iterator<Item = (usize, usize, &str)> {
    let mut previous = None;
    run.char_indices().filter_map(move |(i, c)| {
        let end = i + c.len_utf8();
        previous.replace(i).map(|from| (from, end, &run[from..end]))
    })
}

/// The analyzers the index registers, sharing one segmenter.
pub struct Analyzers {
    /// The segmenter (jieba plus the archive's words).
    pub segmenter: Arc<Segmenter>,
    /// Off only in tests that need an analyzer at odds with the query path.
    stemming: bool,
}

impl Analyzers {
    /// Analyzers that segment with `user_words` added to jieba's dictionary.
    pub fn new(user_words: Vec<String>) -> Self {
        Analyzers {
            segmenter: Arc::new(Segmenter::new(user_words)),
            stemming: true,
        }
    }

    /// A deliberately broken analyzer (no stemming, same fingerprint) for self-test tests.
    #[cfg(test)]
    pub(crate) fn broken() -> Self {
        Analyzers {
            stemming: false,
            ..Analyzers::new(Vec::new())
        }
    }

    /// The main analyzer: mixed words, lowercased, folded, stemmed.
    pub fn text(&self) -> TextAnalyzer {
        self.filtered(self.mixed())
    }

    /// The indexer's analyzer: [`Self::text`] and the bigrams in one pass.
    pub fn passages(&self) -> PassageAnalyzer {
        PassageAnalyzer {
            mixed: self.mixed(),
            filters: self.filtered(RawTokenizer::default()),
            folding: unstemmed(RawTokenizer::default()),
            stemmer: self
                .stemming
                .then(|| frostem::Stemmer::new(frostem::Algorithm::English)),
            stems: Default::default(),
        }
    }

    fn mixed(&self) -> MixedTokenizer {
        MixedTokenizer {
            segmenter: Some(self.segmenter.clone()),
        }
    }

    /// The main analyzer's filters after `tokenizer`.
    fn filtered<T: Tokenizer>(&self, tokenizer: T) -> TextAnalyzer {
        if self.stemming {
            stemmed(tokenizer)
        } else {
            TextAnalyzer::builder(tokenizer).filter(LowerCaser).build()
        }
    }

    /// Registers the fields' analyzer with an index: every field is indexed from tokens the
    /// indexer made ([`tokens`]).
    pub fn register(&self, index: &tantivy::Index) {
        let tokenizers = index.tokenizers();
        tokenizers.register(TOKENS_ANALYZER, TextAnalyzer::from(TokensTokenizer));
    }

    /// The identity of this analyzer: anything that changes which terms a text yields.
    pub fn fingerprint(&self) -> String {
        let words = blake3::hash(self.segmenter.user_words().join("\n").as_bytes());
        format!(
            "analyzer {ANALYZER_VERSION}; tantivy 0.27.0; jieba-rs 0.11.0 default dict; \
             fast2s 0.3.1 t2s; {}; {PINYIN_SOURCE}; words up to {MAX_WORD_BYTES} bytes; \
             {USER_WORDS}{}; {}",
            regional::fingerprint(),
            &words.to_hex()[..16],
            crate::formats::EXTRACTION
        )
    }
}

/// The start of the fingerprint's part naming the archive's word list.
const USER_WORDS: &str = "user words ";

/// The parts of `fingerprint` (`; `-separated) but the one naming the archive's word list:
/// what searching needs an index's to match, as a query is cut into the index's own words and
/// never with the word list.
pub fn without_user_words(fingerprint: &str) -> Vec<&str> {
    fingerprint
        .split("; ")
        .filter(|part| !part.is_empty() && !part.starts_with(USER_WORDS))
        .collect()
}

fn stemmed<T: Tokenizer>(tokenizer: T) -> TextAnalyzer {
    TextAnalyzer::builder(tokenizer)
        .filter(RemoveLongFilter::limit(MAX_WORD_BYTES + 1))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// The analyzer behind [`latin_words`], to reuse over many texts.
pub fn latin_unstemmed() -> TextAnalyzer {
    unstemmed(MixedTokenizer { segmenter: None })
}

/// [`stemmed`]'s filters but the stemmer, after `tokenizer`.
fn unstemmed<T: Tokenizer>(tokenizer: T) -> TextAnalyzer {
    TextAnalyzer::builder(tokenizer)
        .filter(RemoveLongFilter::limit(MAX_WORD_BYTES + 1))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Terms of the non-Han words in `text`, as the index has them (lowercased, folded, stemmed).
/// Never builds the jieba dictionary.
pub fn latin_terms(text: &str) -> Vec<String> {
    latin_spans(text)
        .into_iter()
        .map(|(_, _, term)| term)
        .collect()
}

/// Like [`latin_terms`], with each term's byte range in `text`.
pub fn latin_spans(text: &str) -> Vec<(usize, usize, String)> {
    latin_spans_where(text, |_| true)
}

/// Non-Han words of `text` lowercased and folded but not stemmed.
pub fn latin_words(text: &str) -> Vec<String> {
    collect(&mut latin_unstemmed(), text)
}

/// The analyzer behind [`latin_terms`], to reuse over many texts.
pub fn latin_stemmer() -> TextAnalyzer {
    stemmed(MixedTokenizer { segmenter: None })
}

/// The terms `analyzer` makes of `text`.
pub fn collect(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    analyzer
        .token_stream(text)
        .process(&mut |t: &Token| out.push(t.text.clone()));
    out
}

/// Reads a list of user words: one per line, `#` starts a comment, blank lines ignored.
pub fn parse_words(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(|l| fold_han(l).into_owned())
        .collect()
}

#[cfg(test)]
mod tests;
