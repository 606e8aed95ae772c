//! The non-Han words of a text with their byte ranges, as the index has them: what marking a
//! hit's words reads for every passage it shows, so it allocates nothing for a word it skips.

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, RemoveLongFilter, TextAnalyzer, Token,
};

use super::numbers;
use super::{is_han, RunKind, MAX_WORD_BYTES};

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
///
/// The text is read a byte at a time (a character is decoded only past ASCII), and numbers are
/// joined only where a run of digits is followed by `,` or `.` and more digits: marking reads
/// every passage it shows, and this is most of a search's marking.
pub fn each_word(text: &str, each: impl FnMut(usize, usize, &str)) {
    each_word_starting(text, |_| true, each)
}

/// [`each_word`] of only the words whose first byte, lowercased, `first` keeps (a word
/// beginning past ASCII is always given): a word left out is neither copied nor lowercased.
pub fn each_word_starting(
    text: &str,
    first: impl Fn(u8) -> bool,
    mut each: impl FnMut(usize, usize, &str),
) {
    let mut filters: Option<TextAnalyzer> = None;
    let mut word = String::new();
    let mut piece = |start: usize, end: usize, piece: &str| {
        if piece.is_ascii() {
            // The analyzer's filters on ASCII: too long is dropped, lowercasing is ASCII's,
            // folding changes nothing.
            if piece.len() <= MAX_WORD_BYTES {
                word.clear();
                word.push_str(piece);
                word.make_ascii_lowercase();
                each(start, end, &word);
            }
            return;
        }
        let filters = filters.get_or_insert_with(|| {
            TextAnalyzer::builder(RawTokenizer::default())
                .filter(RemoveLongFilter::limit(MAX_WORD_BYTES + 1))
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter)
                .build()
        });
        filters
            .token_stream(piece)
            .process(&mut |t: &Token| each(start, end, &t.text));
    };
    let bytes = text.as_bytes();
    let digits = |s: usize, e: usize| bytes[s..e].iter().all(u8::is_ascii_digit);
    let mut words = WordRuns { text, at: 0 };
    let kept = |b: u8| !b.is_ascii() || first(b.to_ascii_lowercase());
    while let Some((start, end)) = words.next() {
        if !digits(start, end) {
            if kept(bytes[start]) {
                piece(start, end, &text[start..end]);
            }
            continue;
        }
        // A run of digits and the runs of digits after it, each after one `,` or `.`: all
        // that `numbers::join_numbers` may join it with.
        let mut chain = vec![(RunKind::Word, start, &text[start..end])];
        let mut last = end;
        while matches!(bytes.get(last), Some(b',' | b'.'))
            && bytes.get(last + 1).is_some_and(u8::is_ascii_digit)
        {
            let Some((s, e)) = (WordRuns { text, at: last + 1 }).next() else {
                break;
            };
            if !digits(s, e) {
                break;
            }
            chain.push((RunKind::Word, s, &text[s..e]));
            last = e;
        }
        words.at = last;
        for p in numbers::join_numbers(text, &chain) {
            if kept(bytes[p.start]) {
                piece(p.start, p.end, &p.text);
            }
        }
    }
}

/// The runs of letters and digits of `text` that are not Han ([`super::runs`]' `Word` runs) as
/// byte ranges, from byte `at` on.
struct WordRuns<'a> {
    text: &'a str,
    at: usize,
}

impl Iterator for WordRuns<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        let bytes = self.text.as_bytes();
        let mut start = None;
        while let Some(&b) = bytes.get(self.at) {
            let (word, len) = if b.is_ascii() {
                (b.is_ascii_alphanumeric(), 1)
            } else if (0xE5..=0xE9).contains(&b) {
                // U+5000 to U+9FFF, Han ideographs all: most of a Chinese text, told by its
                // first byte.
                (false, 3)
            } else {
                let c = self.text[self.at..].chars().next().expect("a character");
                // Han first: most of a Chinese text, told by its range (`is_alphanumeric`
                // searches Unicode's tables).
                (!is_han(c) && c.is_alphanumeric(), c.len_utf8())
            };
            match (word, start) {
                (true, None) => start = Some(self.at),
                (false, Some(s)) => return Some((s, self.at)),
                _ => {}
            }
            self.at += len;
        }
        start.map(|s| (s, self.at))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Words with their byte ranges.
    type Words = Vec<(usize, usize, String)>;

    /// [`each_word`]'s words and ranges, and the analyzer's.
    fn both(text: &str) -> (Words, Words) {
        let mut found = Vec::new();
        each_word(text, |from, to, w| found.push((from, to, w.to_string())));
        let mut expected = Vec::new();
        super::super::latin_unstemmed()
            .token_stream(text)
            .process(&mut |t: &Token| expected.push((t.offset_from, t.offset_to, t.text.clone())));
        (found, expected)
    }

    #[test]
    fn numbers_are_joined_as_the_analyzer_joins_them() {
        let text = "2.6.32 1,2,3 3.14, 12,345.67 v2.6 中1,700文 1,7000 .5 5. ,1,000 1,000,000x \
                    9,999.5.1 7,000,0 Ü1,5 1.5Ü 1,\u{2}5 2,3.4 1.2,345";
        let (found, expected) = both(text);
        assert_eq!(found, expected);
        assert!(found.iter().any(|(_, _, w)| w == "12345.67"));
    }

    proptest! {
        #[test]
        fn words_of_any_mix_are_the_analyzers(picks in proptest::collection::vec(0usize..64, 0..40)) {
            // Letters, digits, the separators numbers join at, Han, folded and other scripts.
            let pool: Vec<char> = "aZ19,.. ,,1209中文Üñß’'-Хх２〇ʼ\t".chars().collect();
            let text: String = picks.iter().map(|&i| pool[i % pool.len()]).collect();
            let (found, expected) = both(&text);
            prop_assert_eq!(found, expected);
        }
    }

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
