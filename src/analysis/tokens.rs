//! Tokens made once by the indexer, carried to tantivy in a string that the fields' tokenizer
//! reads back: a passage is analysed once for its text, its story's whole text and the
//! story's word lists, and tantivy's threads only file the terms. (tantivy's own pre-tokenized
//! values are copied token by token three times on their way in; this string is not.)

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Name of the tokenizer reading tokens back, in tantivy's registry.
pub const TOKENS_ANALYZER: &str = "archive_tokens";
/// Ends a token's position (terms hold neither this nor [`END`]: they are letters, digits and
/// the pinyin field's separator).
const AT: char = '\x1e';
/// Ends a token.
const END: char = '\0';

/// Appends the token `term` at `position` to `out`.
pub fn push(out: &mut String, position: usize, term: &str) {
    out.push_str(itoa::Buffer::new().format(position));
    out.push(AT);
    out.push_str(term);
    out.push(END);
}

/// The number of tokens [`push`] wrote into `carried`.
pub fn count(carried: &str) -> usize {
    memchr::memchr_iter(END as u8, carried.as_bytes()).count()
}

/// Reads back the tokens [`push`] wrote; anything else yields no token.
#[derive(Clone, Default)]
pub struct TokensTokenizer;

/// The tokens of one string, one at a time, in one reused token.
pub struct TokensStream<'a> {
    rest: &'a str,
    token: Token,
}

impl Tokenizer for TokensTokenizer {
    type TokenStream<'a> = TokensStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> TokensStream<'a> {
        TokensStream {
            rest: text,
            token: Token::default(),
        }
    }
}

impl TokenStream for TokensStream<'_> {
    fn advance(&mut self) -> bool {
        // One pass over the bytes, the position read on the way: this runs on tantivy's one
        // writing thread, for every token indexed, where two byte searches and a parse per
        // token were a sixth of that thread's instructions.
        while !self.rest.is_empty() {
            let text = self.rest;
            let bytes = text.as_bytes();
            let mut position = Some(0usize);
            let mut i = 0;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                let digit = usize::from(bytes[i] - b'0');
                position = position.and_then(|p| p.checked_mul(10)?.checked_add(digit));
                i += 1;
            }
            let at = i;
            while i < bytes.len() && bytes[i] != END as u8 {
                i += 1;
            }
            self.rest = &text[(i + 1).min(text.len())..];
            // `position AT term END`; anything else is skipped.
            let whole = at > 0 && at < i && bytes[at] == AT as u8 && i < bytes.len();
            if let Some(position) = position.filter(|_| whole) {
                self.token.position = position;
                self.token.text.clear();
                self.token.text.push_str(&text[at + 1..i]);
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_come_back_with_their_positions() {
        let mut carried = String::new();
        push(&mut carried, 0, "霍尔果斯");
        push(&mut carried, 0, "果斯");
        push(&mut carried, 1, "port");
        push(&mut carried, 2, "huoerguosi\x1f霍尔果斯");
        let mut back = Vec::new();
        TokensTokenizer
            .token_stream(&carried)
            .process(&mut |t: &Token| back.push((t.position, t.text.clone())));
        let expected = [
            (0, "霍尔果斯"),
            (0, "果斯"),
            (1, "port"),
            (2, "huoerguosi\x1f霍尔果斯"),
        ];
        assert_eq!(back, expected.map(|(p, t)| (p, t.to_string())));
        assert_eq!(count(&carried), 4);
        let mut tokenizer = TokensTokenizer;
        assert!(!tokenizer.token_stream("not tokens\0x\x1ey\0").advance());
        // Each malformed entry is skipped, and the tokens after it still come back.
        let malformed = "\x1eno position\x0012x\x1ebad\0\
                         99999999999999999999999\x1etoo far\x007\x1e七\x008\x1ecut off";
        let mut back = Vec::new();
        tokenizer
            .token_stream(malformed)
            .process(&mut |t: &Token| back.push((t.position, t.text.clone())));
        assert_eq!(back, [(7, "七".to_string())]);
    }
}
