//! Stage 2, the plan: a parsed query expanded into the clauses to search for — variant names,
//! near spellings, Han words segmented against the index, function words marked — and the
//! words to highlight. This is what `--explain` shows; nothing here knows tantivy's queries.

use std::cell::RefCell;
use std::collections::BTreeSet;

use crate::analysis::{bigrams, fold_han, latin_terms, latin_words, runs, RunKind};
use crate::query::{Item, Parsed};
use crate::variants::{key, Variants};

use super::clause::{
    is_function_word, Clause, Expansion, ExpansionKind, Marks, Node, Role, Vocabulary,
};
use super::segment::segment;

mod expand;
mod syllables;

/// Shortest word (in letters) that near spellings are looked up for.
const MIN_SPELLING_LETTERS: usize = 5;
/// Longest word (in letters) that near spellings are looked up for: the lookup's cost grows
/// with the word, and no real word is longer.
pub const MAX_SPELLING_LETTERS: usize = 32;
/// Most words joined into one variant-list name (`Xi Jinping`).
const LONGEST_NAME: usize = 5;

/// The expanded query.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Clauses a passage must match (function words only weigh).
    pub required: Vec<Clause>,
    /// Clauses a passage must not match.
    pub excluded: Vec<Clause>,
    /// Spelling and variant expansions searched, each once.
    pub expansions: Vec<Expansion>,
    /// What to highlight.
    pub marks: Marks,
    /// What the exclusions would highlight: a hit whose counterpart shows one is left out.
    pub excluded_marks: Marks,
    /// Han runs typed without spaces and cut into several words (`测试基于套接字`, folded): as
    /// one substring of a passage, they are evidence the words alone cannot give (the query's
    /// cut need not be the text's).
    pub han_runs: Vec<String>,
}

impl Plan {
    /// Expands a parsed query; `exact` turns off spelling tolerance and variants.
    /// Exclusions take a word's other names (the variant list) but no spelling, translation or
    /// pinyin: `-Tokayev` leaves out 托卡耶夫 too, `-Khorgoss` only that word.
    pub fn new(
        parsed: &Parsed,
        vocabulary: &impl Vocabulary,
        variants: &Variants,
        exact: bool,
    ) -> Plan {
        let mut planner = Planner {
            vocabulary,
            variants,
            exact,
            names: !exact,
            expansions: Vec::new(),
            marks: Marks::default(),
            han_runs: Vec::new(),
            terms: RefCell::default(),
        };
        let (groups, hyphenated) = expand::split_hyphens(&parsed.groups);
        let groups = if exact {
            groups
        } else {
            join_variant_names(&groups, variants)
        };
        let mut per_group: Vec<Vec<Clause>> = groups
            .iter()
            .map(|group| {
                let mut alternatives: Vec<Vec<Clause>> =
                    group.iter().map(|item| planner.item(item)).collect();
                // A lone item's words are each required; items joined by OR are alternatives.
                if alternatives.len() == 1 {
                    alternatives.pop().expect("one item")
                } else {
                    vec![any_of(alternatives.into_iter().map(all_of).collect())]
                }
            })
            .collect();
        planner.joined(&groups, &mut per_group);
        let mut required: Vec<Clause> = per_group.into_iter().flatten().collect();
        required.extend(hyphenated.iter().map(|word| planner.hyphenated(word)));
        // Exclusions are neither highlighted nor reported; their marks find them in the
        // counterpart a hit would be shown with.
        let mut literal = Planner {
            vocabulary,
            variants,
            exact: true,
            names: !exact,
            expansions: Vec::new(),
            marks: Marks::default(),
            han_runs: Vec::new(),
            terms: RefCell::default(),
        };
        let excluded = parsed
            .excluded
            .iter()
            .flat_map(|i| literal.item(i))
            .collect();
        Plan {
            required,
            excluded,
            expansions: planner.expansions,
            marks: planner.marks,
            excluded_marks: literal.marks,
            han_runs: planner.han_runs,
        }
    }

    /// Each required clause's label, in order.
    pub fn terms(&self) -> Vec<String> {
        self.required.iter().map(|c| c.label.clone()).collect()
    }

    /// True when every required clause is a function word (then they are all required).
    pub fn only_function_words(&self) -> bool {
        self.required.iter().all(|c| c.role == Role::FunctionWord)
    }
}

/// Consecutive words that together name a variant-list entry (`Xi Jinping`) become one
/// phrase, so the name is expanded as a whole.
fn join_variant_names(groups: &[Vec<Item>], variants: &Variants) -> Vec<Vec<Item>> {
    if variants.is_empty() {
        return groups.to_vec();
    }
    let lone_word = |g: &Vec<Item>| g.len() == 1 && matches!(g[0], Item::Word(_));
    let mut out = Vec::with_capacity(groups.len());
    let mut i = 0;
    while i < groups.len() {
        let joined = (2..=LONGEST_NAME.min(groups.len() - i))
            .rev()
            .find_map(|n| {
                let window = &groups[i..i + n];
                if !window.iter().all(lone_word) {
                    return None;
                }
                let text = window
                    .iter()
                    .map(|g| g[0].text())
                    .collect::<Vec<_>>()
                    .join(" ");
                (!variants.others(&key(&text)).is_empty()).then_some((n, text))
            });
        match joined {
            Some((n, text)) => {
                out.push(vec![Item::Phrase(text)]);
                i += n;
            }
            None => {
                out.push(groups[i].clone());
                i += 1;
            }
        }
    }
    out
}

/// One clause matching if any of `clauses` does.
fn any_of(clauses: Vec<Clause>) -> Clause {
    combine(clauses, Node::Any, " | ")
}

/// One clause matching if all of `clauses` do.
fn all_of(clauses: Vec<Clause>) -> Clause {
    combine(clauses, Node::All, " + ")
}

fn combine(mut clauses: Vec<Clause>, node: fn(Vec<Clause>) -> Node, separator: &str) -> Clause {
    if clauses.len() == 1 {
        return clauses.pop().expect("one clause");
    }
    let label = clauses
        .iter()
        .map(|c| c.label.as_str())
        .collect::<Vec<_>>()
        .join(separator);
    Clause::typed(label, node(clauses))
}

/// Expands items, keeping what to highlight and which expansions were searched.
struct Planner<'a, V> {
    vocabulary: &'a V,
    variants: &'a Variants,
    exact: bool,
    /// Whether a word on the variant list also searches its other names.
    names: bool,
    expansions: Vec<Expansion>,
    marks: Marks,
    han_runs: Vec<String>,
    /// Texts' [`latin_terms`], each stemmed once: a typed word is asked about by its clause,
    /// by the runs read as pinyin or translated, and by each English phrase it may begin or end.
    terms: RefCell<Vec<(String, Vec<String>)>>,
}

impl<V: Vocabulary> Planner<'_, V> {
    /// [`latin_terms`] of `text`, remembered.
    fn latin_terms(&self, text: &str) -> Vec<String> {
        if let Some((_, terms)) = self.terms.borrow().iter().find(|(t, _)| t == text) {
            return terms.clone();
        }
        let terms = latin_terms(text);
        self.terms
            .borrow_mut()
            .push((text.to_string(), terms.clone()));
        terms
    }

    fn expanded(&mut self, from: String, to: Vec<String>, kind: ExpansionKind) {
        let e = Expansion { from, to, kind };
        if !self.expansions.contains(&e) {
            self.expansions.push(e);
        }
    }

    /// The clauses one query item stands for: one per word, or one for a phrase; a name on
    /// the variant list becomes one clause searching every variant.
    fn item(&mut self, item: &Item) -> Vec<Clause> {
        let text = item.text();
        let variants = if !self.names || self.variants.is_empty() {
            Vec::new()
        } else {
            self.variants.others(&key(text))
        };
        let clauses = match item {
            Item::Phrase(p) => vec![self.phrase(p)],
            Item::Word(w) => self.word(w),
        };
        if variants.is_empty() {
            return clauses;
        }
        let mut alternatives = vec![all_of(clauses)];
        for v in &variants {
            alternatives.push(Clause {
                role: Role::Variant,
                ..self.phrase(v)
            });
        }
        self.expanded(text.to_string(), variants, ExpansionKind::Variant);
        vec![any_of(alternatives)]
    }

    /// A bare word: each Han word and each Latin word (or punctuation-joined compound, which
    /// is a phrase: `Nur-Sultan`) is its own clause.
    fn word(&mut self, word: &str) -> Vec<Clause> {
        self.units(word).unwrap_or_else(|| self.runs(word))
    }

    /// A bare word's runs of Han and other text, each Han word and each Latin word or
    /// compound its own clause.
    fn runs(&mut self, word: &str) -> Vec<Clause> {
        let mut clauses = Vec::new();
        let mut latin = String::new();
        let mut last_end = 0;
        for (kind, start, run) in runs(word) {
            match kind {
                RunKind::Word => {
                    // `Nur-Sultan` and `node.js` are compounds; `GNU/Linux` and
                    // `stable，testing` are two words.
                    let separator = &word[last_end.min(start)..start];
                    if separator.chars().any(|c| c == '/' || !c.is_ascii()) {
                        clauses.extend(self.latin(&std::mem::take(&mut latin)));
                    }
                    latin.push_str(separator);
                    latin.push_str(run);
                }
                RunKind::Han => {
                    clauses.extend(self.latin(&std::mem::take(&mut latin)));
                    let folded = fold_han(run);
                    let pieces = segment(&folded, |w| self.knows_han(w));
                    if pieces.len() > 1 && !self.han_runs.iter().any(|r| *r == folded) {
                        self.han_runs.push(folded.to_string());
                    }
                    for piece in pieces {
                        let clause = self.han(&piece);
                        clauses.push(self.translated_han(clause, &piece));
                    }
                }
            }
            last_end = start + run.len();
        }
        clauses.extend(self.latin(&latin));
        clauses
    }

    /// Latin text from a bare word: one word, or a compound searched as a phrase.
    fn latin(&mut self, text: &str) -> Option<Clause> {
        let stems = self.latin_terms(text);
        match stems.len() {
            0 => None,
            1 => {
                let clause = self.latin_word(&stems[0], &latin_words(text)[0], text);
                Some(self.translated_latin(clause, &stems[0], text))
            }
            _ => {
                self.marks.stems.extend(stems.iter().cloned());
                let label = format!("\"{}\"", stems.join(" "));
                Some(Clause::typed(label, Node::Phrase(stems)))
            }
        }
    }

    /// One Latin word; when the index does not hold it, its near spellings too.
    fn latin_word(&mut self, stem: &str, raw: &str, typed: &str) -> Clause {
        self.marks.stems.insert(stem.to_string());
        let exact = Clause::word(stem, Node::Term(stem.to_string()));
        let letters = raw.chars().count();
        if self.exact
            || is_function_word(stem)
            || !(MIN_SPELLING_LETTERS..=MAX_SPELLING_LETTERS).contains(&letters)
            || !raw.chars().all(char::is_alphabetic)
            || self.vocabulary.knows(stem)
        {
            return exact;
        }
        let near = self.vocabulary.near(raw, if letters <= 8 { 1 } else { 2 });
        if near.is_empty() {
            return exact;
        }
        let near_stems: BTreeSet<String> = near
            .iter()
            .filter_map(|w| latin_terms(w).into_iter().next())
            .collect();
        let from = typed.trim_matches(|c: char| !c.is_alphanumeric());
        self.expanded(from.to_string(), near, ExpansionKind::Spelling);
        let label = format!(
            "{stem} ~ {}",
            near_stems.iter().cloned().collect::<Vec<_>>().join(" | ")
        );
        let mut alternatives = vec![Clause::typed(stem, Node::Term(stem.to_string()))];
        for s in near_stems {
            self.marks.stems.insert(s.clone());
            alternatives.push(Clause {
                role: Role::Spelling,
                label: s.clone(),
                node: Node::Term(s),
            });
        }
        Clause::typed(label, Node::Any(alternatives))
    }

    /// A Han word: the whole word as indexed, or (weighing less) the same characters as a
    /// substring through the bigram field.
    fn han(&mut self, word: &str) -> Clause {
        self.marks.han.insert(word.to_string());
        let whole = Node::Term(word.to_string());
        if bigrams(word).is_empty() {
            return Clause::word(word, whole);
        }
        let substring = Clause {
            role: Role::Substring,
            label: word.to_string(),
            node: Node::Grams(word.to_string()),
        };
        Clause::word(word, Node::Any(vec![Clause::typed(word, whole), substring]))
    }

    /// A quoted phrase (or a variant): its words in order. A phrase of Han characters only
    /// matches as an exact substring too.
    fn phrase(&mut self, phrase: &str) -> Clause {
        let mut terms: Vec<String> = Vec::new();
        let mut han_only = String::new();
        let mut has_latin = false;
        for (kind, _, run) in runs(phrase) {
            match kind {
                RunKind::Word => {
                    has_latin = true;
                    let stems = latin_terms(run);
                    self.marks.stems.extend(stems.iter().cloned());
                    terms.extend(stems);
                }
                RunKind::Han => {
                    let folded = fold_han(run).into_owned();
                    self.marks.han.insert(folded.clone());
                    terms.extend(segment(&folded, |w| self.knows_han(w)));
                    han_only.push_str(&folded);
                }
            }
        }
        let label = format!("\"{}\"", terms.join(" "));
        if has_latin || han_only.is_empty() {
            return Clause::typed(label, Node::Phrase(terms));
        }
        let substring = self.han(&han_only);
        if terms.len() <= 1 {
            return substring;
        }
        let words = Clause::typed(label.clone(), Node::Phrase(terms));
        Clause::typed(label, Node::Any(vec![substring, words]))
    }
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
