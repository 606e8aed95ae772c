//! The parts of an expanded query: clauses with a typed role, expansions, highlight marks,
//! and what planning needs to know about the index's words.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use rustc_hash::FxHashSet;

use serde::Serialize;

use crate::translate::{dictionary, Dictionary};

/// Words that never decide whether a passage matches: Chinese particles, pronouns and question
/// words as the index segments them, and English function words as stemmed. A question like
/// `什么是无水港？` or `what is a dry port` then needs only its content words.
const FUNCTION_WORDS: &str = "的 了 吗 呢 吧 啊 是 什么 如何 怎么 怎样 怎么样 哪些 哪个 哪 为什么 \
    我 你 我们 它 有 在 和 与 或 及 中 这 那 这些 那些 一个 可以 能 会 应该 要 想 该 得 地 把 被 \
    让 对 从 到 就 都 也 还 又 么 a an and are as at be but by for if in into is it no not of on \
    or such that the their then there these they this to wa will with what how whi which who \
    when where can should would do doe i my me you your about from ha have get so some ani s \
    什么时候 时候 何时 几时 哪里 哪儿 在哪 多少 几 为何 是否 是不是 谁 请问 呢";

/// True for a word that never decides whether a passage matches.
pub(super) fn is_function_word(term: &str) -> bool {
    // Asked for every word and translation a query plans: a set, built once.
    static SET: LazyLock<FxHashSet<&str>> =
        LazyLock::new(|| FUNCTION_WORDS.split_whitespace().collect());
    SET.contains(term)
}

/// What the plan needs to know about the index's words.
pub trait Vocabulary {
    /// True when `term` is a term of the text field.
    fn knows(&self, term: &str) -> bool;
    /// How many documents hold `term` (a term of the text field).
    fn frequency(&self, term: &str) -> u64 {
        u64::from(self.knows(term))
    }
    /// Indexed (unstemmed) words within `distance` edits of `word`, other than `word`.
    fn near(&self, word: &str, distance: u8) -> Vec<String>;
    /// Indexed Han words whose toneless pinyin, syllables joined, is `reading`.
    fn pinyin(&self, reading: &str) -> Vec<String>;
    /// The bilingual word list translations come from, if any.
    fn dictionary(&self) -> Option<&'static Dictionary> {
        Some(dictionary())
    }
}

/// Why a clause is in the query; decides its weight, and whether it may be required.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A word, phrase or group as typed.
    Typed,
    /// A function word as typed (`的`, `the`): weighted, never required unless alone.
    FunctionWord,
    /// Another name for a typed name, from the variant list.
    Variant,
    /// A near spelling of a typed word that the index does not hold.
    Spelling,
    /// A Han word matched as a substring of longer words (through the bigram field).
    Substring,
    /// A hyphenated word as a phrase (`Khorgos-Dongdamen`), its parts being required words:
    /// weighs, never required.
    Joined,
    /// Han words whose pinyin was typed.
    Pinyin,
    /// A translation of a typed word into the other language.
    Translation,
}

/// What a clause matches.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// One term of the text field (a stemmed Latin word or a folded Han word).
    Term(String),
    /// Terms of the text field in order (none matches nothing; one is a [`Node::Term`]).
    Phrase(Vec<String>),
    /// Folded Han text as a substring, through the bigram field (at least two characters).
    Grams(String),
    /// Any of the clauses.
    Any(Vec<Clause>),
    /// All of the clauses.
    All(Vec<Clause>),
}

/// One part of the expanded query.
#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    /// Why it is there.
    pub role: Role,
    /// How `--explain` names it: its terms after segmentation, folding and stemming.
    pub label: String,
    /// What it matches.
    pub node: Node,
}

impl Clause {
    /// A clause as typed.
    pub fn typed(label: impl Into<String>, node: Node) -> Clause {
        Clause {
            role: Role::Typed,
            label: label.into(),
            node,
        }
    }

    /// A single word, a function word when it is one.
    pub fn word(term: &str, node: Node) -> Clause {
        Clause {
            role: if is_function_word(term) {
                Role::FunctionWord
            } else {
                Role::Typed
            },
            label: term.to_string(),
            node,
        }
    }
}

/// A query word that also searched other forms.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Expansion {
    /// The word as typed.
    pub from: String,
    /// What it also searched.
    pub to: Vec<String>,
    /// Where the other forms come from.
    pub kind: ExpansionKind,
}

/// Where an expansion's other forms come from.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ExpansionKind {
    /// Near spellings in the index.
    Spelling,
    /// The variant list.
    Variant,
    /// Indexed Han words whose pinyin was typed.
    Pinyin,
    /// CC-CEDICT translations.
    Translation,
}

impl ExpansionKind {
    /// `spelling` or `variant`.
    pub fn as_str(self) -> &'static str {
        match self {
            ExpansionKind::Spelling => "spelling",
            ExpansionKind::Variant => "variant",
            ExpansionKind::Pinyin => "pinyin",
            ExpansionKind::Translation => "translation",
        }
    }
}

/// The words a hit's text is highlighted by.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Marks {
    /// Latin terms (stemmed).
    pub stems: BTreeSet<String>,
    /// Han strings (folded).
    pub han: BTreeSet<String>,
}
