//! The non-Han words of a text with their byte ranges, as the index has them: what marking a
//! hit's words reads for every passage it shows, so it allocates nothing for a word it skips.

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, RemoveLongFilter, TextAnalyzer, Token,
};

use super::{numbers, runs, RunKind, MAX_WORD_BYTES};

/// [`super::latin_spans`] of only the words `may_match` keeps (given lowercased and folded,
/// before stemming, which is most of the cost of a long text). The same stemmer as
/// [`super::stemmed`]'s, so the terms are the index's.
pub fn latin_spans_where(
    text: &str,
    may_match: impl Fn(&str) -> bool,
) -> Vec<(usize, usize, String)> {
    let stemmer = frostem::Stemmer::new(frostem::Algorithm::English);
    let mut out = Vec::new();
    each_word(text, |from, to, word| {
        if may_match(word) {
            out.push((from, to, stemmer.stem(word).into_owned()));
        }
    });
    out
}

/// Calls `each` with every non-Han word of `text` (numbers joined) lowercased and folded, as
/// [`super::latin_words`] gives them, and its byte range. An ASCII word is lowercased in one
/// buffer; any other goes through the analyzer's own filters.
pub fn each_word(text: &str, mut each: impl FnMut(usize, usize, &str)) {
    let runs: Vec<_> = runs(text).collect();
    let mut filters: Option<TextAnalyzer> = None;
    let mut word = String::new();
    for piece in numbers::join_numbers(text, &runs) {
        if piece.kind != RunKind::Word {
            continue;
        }
        if piece.text.is_ascii() {
            // The analyzer's filters on ASCII: too long is dropped, lowercasing is ASCII's,
            // folding changes nothing.
            if piece.text.len() <= MAX_WORD_BYTES {
                word.clear();
                word.push_str(&piece.text);
                word.make_ascii_lowercase();
                each(piece.start, piece.end, &word);
            }
            continue;
        }
        let filters = filters.get_or_insert_with(|| {
            TextAnalyzer::builder(RawTokenizer::default())
                .filter(RemoveLongFilter::limit(MAX_WORD_BYTES + 1))
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter)
                .build()
        });
        filters
            .token_stream(&piece.text)
            .process(&mut |t: &Token| each(piece.start, piece.end, &t.text));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_the_analyzers_with_their_ranges() {
        let long = "x".repeat(MAX_WORD_BYTES + 1);
        let edge = "y".repeat(MAX_WORD_BYTES);
        let text = format!(
            "Khorgos’ DRY-port 1,700,000 tonnes, 252.5亿 Ürümqi İstanbul straße Хоргос \
             Ｋｈｏｒｇｏｓ naïve {long} {edge} 霍尔果斯 A1b2 don't"
        );
        let mut found = Vec::new();
        each_word(&text, |from, to, w| found.push((from, to, w.to_string())));
        let mut expected = Vec::new();
        super::super::latin_unstemmed()
            .token_stream(&text)
            .process(&mut |t: &Token| expected.push((t.offset_from, t.offset_to, t.text.clone())));
        assert_eq!(found, expected);
        assert!(found.iter().any(|(_, _, w)| w == "khorgos"));
        assert!(found.iter().any(|(_, _, w)| w == "1700000"));
        assert!(found.iter().any(|(_, _, w)| *w == edge));
        assert!(!found.iter().any(|(_, _, w)| *w == long));
    }
}
