//! Pinyin: Chinese passages found from a keyboard without a Chinese input method.
//!
//! At index time every jieba word (and sub-word) of a Han run is also indexed, in its own
//! field of the story document, as its toneless pinyin with the syllables joined, followed by
//! the word itself (`huoerguosi\x1f霍尔果斯`, see [`term`]): the field is a reading → word table
//! of the words the index holds. At query time the typed Latin words are reduced to [`key`]s, consecutive keys
//! are joined into the longest runs that are readings ([`join_known`]), and the words with that
//! reading are searched as Han words, so `huoerguosi`, `Huo'erguosi` and `huo er guo si` all
//! find `霍尔果斯` (and say so).

use pinyin::ToPinyin;

/// The crate and version whose readings the index holds (part of the analyzer fingerprint).
pub const PINYIN_SOURCE: &str = "pinyin 0.11.0 plain";
/// Longest run of typed words joined into one pinyin word.
const MAX_JOINED: usize = 8;
/// Separates a reading from its word in the field's terms.
pub const SEPARATOR: char = '\x1f';

/// The field's term for `word` read as `reading`.
pub fn term(reading: &str, word: &str) -> String {
    format!("{reading}{SEPARATOR}{word}")
}

/// Toneless pinyin of a Han word, syllables joined; `None` when a character has no reading.
pub fn of_word(word: &str) -> Option<String> {
    let mut out = String::with_capacity(word.len() * 2);
    for reading in word.to_pinyin() {
        out.push_str(reading?.plain());
    }
    Some(out)
}

/// A typed word as the pinyin field compares it: ASCII letters lowercased, apostrophes
/// (syllable separators, `Huo'erguosi`) dropped; `None` for anything else.
pub fn key(word: &str) -> Option<String> {
    let key: String = word
        .chars()
        .filter(|c| !matches!(c, '\'' | '’'))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (!key.is_empty() && key.bytes().all(|b| b.is_ascii_lowercase())).then_some(key)
}

/// Joins consecutive `keys` into the longest runs that `known` accepts, left to right:
/// `[xi, jin, ping]` → `(0, 3, "xijinping")`. Keys that join nothing are skipped.
pub fn join_known(keys: &[String], known: impl Fn(&str) -> bool) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < keys.len() {
        let longest = (i + 1..=keys.len().min(i + MAX_JOINED))
            .rev()
            .map(|j| (j, keys[i..j].concat()))
            .find(|(_, joined)| known(joined));
        match longest {
            Some((j, joined)) => {
                out.push((i, j, joined));
                i = j;
            }
            None => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_read_as_joined_toneless_syllables() {
        assert_eq!(of_word("霍尔果斯").as_deref(), Some("huoerguosi"));
        assert_eq!(of_word("习近平").as_deref(), Some("xijinping"));
        assert_eq!(key("Huo'erguosi").as_deref(), Some("huoerguosi"));
        assert_eq!(key("2022"), None);
    }

    #[test]
    fn separate_syllables_join_into_known_words() {
        let keys: Vec<String> = ["huo", "er", "guo", "si", "and", "xi", "jinping"]
            .map(String::from)
            .to_vec();
        let known = |s: &str| ["huoerguosi", "xijinping", "guo"].contains(&s);
        assert_eq!(
            join_known(&keys, known),
            vec![(0, 4, "huoerguosi".into()), (5, 7, "xijinping".into())]
        );
    }
}
