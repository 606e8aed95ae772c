//! The jieba segmenter, shared by the text and pinyin fields: built on first use, with the
//! archive's own words, and keeping a thread's recent cuts.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use jieba_rs::Jieba;

/// The jieba segmenter with the archive's own words, built on first use only: an English-only
/// workload never pays for the dictionary.
pub struct Segmenter {
    jieba: OnceLock<Jieba>,
    user_words: Vec<String>,
    /// Tells this segmenter's cached cuts from another's.
    id: u64,
}

/// Cuts of one passage's Han runs, by segmenter: the text field cuts a passage and the pinyin
/// field reads the same words right after, so jieba runs once per run instead of twice.
type Cuts = Vec<(usize, usize, bool)>;
thread_local! {
    static RECENT_CUTS: std::cell::RefCell<rustc_hash::FxHashMap<(u64, String), Cuts>> =
        std::cell::RefCell::new(rustc_hash::FxHashMap::default());
}
/// Runs whose cuts are kept per thread (about one long passage's worth).
const RECENT_CUTS_KEPT: usize = 256;

impl Segmenter {
    /// A segmenter that will add `user_words` to jieba's dictionary when first used.
    pub fn new(user_words: Vec<String>) -> Self {
        static NEXT_ID: AtomicU64 = AtomicU64::new(0);
        Segmenter {
            jieba: OnceLock::new(),
            user_words,
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        }
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
        let key = (self.id, run.to_string());
        let cached = RECENT_CUTS.with(|c| c.borrow().get(&key).cloned());
        let cuts = cached.unwrap_or_else(|| {
            let mut cuts = Vec::new();
            self.cut(run, |from, to, subword| cuts.push((from, to, subword)));
            RECENT_CUTS.with(|c| {
                let mut c = c.borrow_mut();
                if c.len() >= RECENT_CUTS_KEPT {
                    c.clear();
                }
                c.insert(key, cuts.clone());
            });
            cuts
        });
        for (from, to, subword) in cuts {
            emit(from, to, subword);
        }
    }

    fn cut(&self, run: &str, mut emit: impl FnMut(usize, usize, bool)) {
        let jieba = self.jieba();
        for word in jieba.cut(run, true) {
            let chars: Vec<usize> = word
                .word
                .char_indices()
                .map(|(i, _)| i)
                .chain(std::iter::once(word.word.len()))
                .collect();
            let n = chars.len() - 1;
            emit(word.byte_start, word.byte_end, false);
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
