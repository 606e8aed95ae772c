//! The jieba segmenter, shared by the text and pinyin fields: built on first use, with the
//! archive's own words.

use std::sync::OnceLock;

use jieba_rs::Jieba;

/// The jieba segmenter with the archive's own words, built on first use only: an English-only
/// workload never pays for the dictionary.
pub struct Segmenter {
    jieba: OnceLock<Jieba>,
    user_words: Vec<String>,
}

impl Segmenter {
    /// A segmenter that will add `user_words` to jieba's dictionary when first used.
    pub fn new(user_words: Vec<String>) -> Self {
        Segmenter {
            jieba: OnceLock::new(),
            user_words,
        }
    }

    /// True once jieba's dictionary is built (segmenting no longer waits for it).
    pub fn is_built(&self) -> bool {
        self.jieba.get().is_some()
    }

    /// Builds jieba's dictionary now, if it is not built yet.
    pub fn build(&self) {
        self.jieba();
    }

    fn jieba(&self) -> &Jieba {
        self.jieba.get_or_init(|| {
            let mut jieba = Jieba::new();
            for word in &self.user_words {
                // A frequency high enough that the user's word wins over jieba's own cut.
                let freq = jieba.suggest_freq(word).max(1000);
                jieba.add_word(word, Some(freq), None);
            }
            jieba
        })
    }

    /// Segments a (folded) Han run into words; calls `emit(start, end, is_subword)` with byte
    /// offsets into `run`: each word, then its dictionary sub-words of two and three characters
    /// in order of their start, so offsets never go backwards.
    pub fn segment(&self, run: &str, mut emit: impl FnMut(usize, usize, bool)) {
        let jieba = self.jieba();
        for word in jieba.cut(run, true) {
            emit(word.byte_start, word.byte_end, false);
            // Only a word of three or more characters has sub-words.
            if word.word.chars().nth(2).is_none() {
                continue;
            }
            let chars: Vec<usize> = word
                .word
                .char_indices()
                .map(|(i, _)| i)
                .chain(std::iter::once(word.word.len()))
                .collect();
            let n = chars.len() - 1;
            for i in 0..n {
                for len in [2, 3] {
                    if n > len && i + len <= n {
                        let gram = &word.word[chars[i]..chars[i + len]];
                        if jieba.has_word(gram) {
                            emit(
                                word.byte_start + chars[i],
                                word.byte_start + chars[i + len],
                                true,
                            );
                        }
                    }
                }
            }
        }
    }

    /// The user words, as loaded.
    pub fn user_words(&self) -> &[String] {
        &self.user_words
    }
}
