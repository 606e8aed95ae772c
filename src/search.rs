//! Answering a query: from parsed items to tantivy queries, ranking, counterparts, pairing,
//! highlights and snippets, returned as [`Hit`] values.
//!
//! The query path never builds jieba's dictionary: Han text in a query is segmented against the
//! index's own term dictionary (every term there is a jieba word or sub-word of the indexed
//! text), and every Han word also matches as an exact substring through the bigram field.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::ops::Bound;
use std::path::Path;

use serde::Serialize;
use tantivy::collector::{Count, DocSetCollector, TopDocs};
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, FuzzyTermQuery, Occur, PhraseQuery,
    Query, RangeQuery, TermQuery,
};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, Searcher as TantivySearcher, TantivyDocument, TantivyError, Term};

use crate::analysis::{
    bigrams, fold_han, latin_spans, latin_terms, latin_words, runs, Analyzers, RunKind,
};
use crate::error::{Error, Result};
use crate::manifest::Payload;
use crate::query::{parse, Item};
use crate::schema::{day_number, loc, Fields};
use crate::store::{self, Opened};
use crate::variants::{key, Variants};

/// Weight of a substring (bigram) match relative to a whole-word match.
const GRAM_WEIGHT: f32 = 0.3;
/// Weight of a near-spelling match relative to an exact one.
const FUZZY_WEIGHT: f32 = 0.5;
/// Weight of a variant-list expansion relative to the word as typed.
const VARIANT_WEIGHT: f32 = 0.5;
/// Longest Han word (in characters) looked up when segmenting a query.
const MAX_WORD_CHARS: usize = 8;
/// Snippet length in characters.
const SNIPPET_CHARS: usize = 200;
/// Weight of a function word relative to other words.
const FUNCTION_WORD_WEIGHT: f32 = 0.3;
/// Words that never decide whether a passage matches: Chinese particles, pronouns and question
/// words as the index segments them, and English function words as stemmed. A question like
/// `什么是无水港？` or `what is a dry port` then needs only its content words.
const FUNCTION_WORDS: &str = "的 了 吗 呢 吧 啊 是 什么 如何 怎么 怎样 怎么样 哪些 哪个 哪 为什么 \
    我 你 我们 它 有 在 和 与 或 及 中 这 那 这些 那些 一个 可以 能 会 应该 要 想 该 得 地 把 被 \
    让 对 从 到 就 都 也 还 又 么 a an and are as at be but by for if in into is it no not of on \
    or such that the their then there these they this to wa will with what how whi which who \
    when where can should would do doe i my me you your about from ha have get so some ani s";

fn is_function_word(label: &str) -> bool {
    FUNCTION_WORDS.split_whitespace().any(|w| w == label)
}

/// What to search for and how.
#[derive(Debug, Clone)]
pub struct Request {
    /// The query text.
    pub query: String,
    /// Most hits to return.
    pub limit: usize,
    /// Only passages in this language.
    pub lang: Option<String>,
    /// No spelling tolerance and no variant expansion.
    pub exact: bool,
    /// Most passages per story.
    pub per_story: usize,
    /// Only this story.
    pub story: Option<String>,
    /// Only stories dated on or after (`YYYY-MM-DD`).
    pub since: Option<String>,
    /// Only stories dated on or before (`YYYY-MM-DD`).
    pub until: Option<String>,
    /// Fill each hit's per-term score.
    pub explain: bool,
}

impl Request {
    /// A request with the defaults: 10 hits, 3 per story, no filters.
    pub fn new(query: impl Into<String>) -> Self {
        Request {
            query: query.into(),
            limit: 10,
            lang: None,
            exact: false,
            per_story: 3,
            story: None,
            since: None,
            until: None,
            explain: false,
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
    /// `spelling` (near spellings in the index) or `variant` (the variant list).
    pub kind: &'static str,
}

/// One term's part of a hit's score.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TermScore {
    /// The query term (after segmentation, folding and stemming).
    pub term: String,
    /// Its part of the score.
    pub score: f32,
    /// Its share of the score, 0 to 1.
    pub share: f32,
}

/// The same passage in the story's other language.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Counterpart {
    /// Its language.
    pub lang: String,
    /// Its passage number.
    pub passage: u64,
    /// Its text.
    pub text: String,
    /// True when it matched the query too (the two are shown as one pair).
    pub matched: bool,
    /// Byte ranges of matched words in `text`.
    pub highlights: Vec<[usize; 2]>,
}

/// One ranked passage.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Hit {
    /// 1-based rank.
    pub rank: usize,
    /// BM25 score.
    pub score: f32,
    /// Story id.
    pub doc: String,
    /// Language.
    pub lang: String,
    /// Story title.
    pub title: String,
    /// Story date, or empty.
    pub date: String,
    /// Source file, relative to the archive folder.
    pub path: String,
    /// Passage number, from 1.
    pub passage: u64,
    /// The whole passage.
    pub text: String,
    /// An excerpt around the matches, matched words in `[` `]`.
    pub snippet: String,
    /// Byte range of the excerpt in `text`.
    pub snippet_range: [usize; 2],
    /// Byte ranges of matched words in `text`.
    pub highlights: Vec<[usize; 2]>,
    /// The same passage in the other language, if the story has one.
    pub counterpart: Option<Counterpart>,
    /// The rank of the hit that is this one's counterpart, when both are hits (a pair).
    pub paired_with: Option<usize>,
    /// Each query term's part of the score (filled for `--explain`).
    pub explain: Vec<TermScore>,
}

/// The answer to a request.
#[derive(Debug, Clone, Default)]
pub struct Answer {
    /// Hits, best first.
    pub hits: Vec<Hit>,
    /// True when no passage matched every word and these are partial matches.
    pub partial: bool,
    /// Spelling and variant expansions that were searched.
    pub expansions: Vec<Expansion>,
    /// The query's terms after segmentation, folding and stemming, one entry per clause.
    pub terms: Vec<String>,
}

/// A stored passage.
#[derive(Debug, Clone, PartialEq)]
pub struct Passage {
    /// Story id.
    pub doc: String,
    /// Language.
    pub lang: String,
    /// Passage number.
    pub passage: u64,
    /// Text.
    pub text: String,
}

/// One story in one language, passage by passage: what a reader opens from a hit.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Story {
    /// Story id.
    pub doc: String,
    /// This version's language.
    pub lang: String,
    /// Its title.
    pub title: String,
    /// Its date, or empty.
    pub date: String,
    /// Its source file, relative to the archive folder.
    pub path: String,
    /// Every language the story is in (this one included), sorted.
    pub langs: Vec<String>,
    /// Its passages in order.
    pub passages: Vec<StoryPassage>,
}

/// One passage of a [`Story`].
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StoryPassage {
    /// Passage number, from 1.
    pub passage: u64,
    /// Its text.
    pub text: String,
}

/// One required part of a query, compiled.
struct Clause {
    label: String,
    query: Box<dyn Query>,
}

/// What a hit's words are highlighted by.
#[derive(Default)]
struct Marks {
    /// Latin terms (stemmed).
    stems: BTreeSet<String>,
    /// Han strings (folded).
    han: BTreeSet<String>,
}

/// An open index, ready to answer queries.
pub struct Searcher {
    opened: Opened,
    searcher: TantivySearcher,
    variants: Variants,
}

impl Searcher {
    /// Opens the index at `index_dir` for the archive at `archive` (for its word and variant
    /// lists). Writes nothing.
    pub fn open(archive: &Path, index_dir: &Path) -> Result<Searcher> {
        let analyzers = Analyzers::new(store::user_words(archive)?);
        let opened = store::open_read(index_dir, &analyzers)?;
        let searcher = opened.reader.searcher();
        Ok(Searcher {
            opened,
            searcher,
            variants: Variants::load(archive)?,
        })
    }

    /// Up to `n` passages spread evenly over the index.
    pub fn sample(&self, n: usize) -> Result<Vec<Passage>> {
        let f = *self.fields();
        let total = self.searcher.num_docs() as usize;
        let step = total.div_ceil(n.max(1)).max(1);
        let mut out = Vec::new();
        let mut k = 0usize;
        for (ord, segment) in self.searcher.segment_readers().iter().enumerate() {
            for doc in segment.doc_ids_alive() {
                if k.is_multiple_of(step) {
                    let stored: TantivyDocument =
                        self.searcher.doc(DocAddress::new(ord as u32, doc))?;
                    out.push(Passage {
                        doc: first_str(&stored, f.story),
                        lang: first_str(&stored, f.lang),
                        passage: stored
                            .get_first(f.passage)
                            .and_then(|v| v.as_u64())
                            .unwrap_or(0),
                        text: first_str(&stored, f.text),
                    });
                }
                k += 1;
            }
        }
        Ok(out)
    }

    /// The index's last commit, as recorded in its payload.
    pub fn payload(&self) -> &Payload {
        &self.opened.payload
    }

    /// The languages the index holds story `story` in (each file's passages start at 1).
    fn story_langs(&self, story: &str) -> Result<BTreeSet<String>> {
        let f = self.fields();
        let mut all = BTreeSet::new();
        for segment in self.searcher.segment_readers() {
            let index = segment.inverted_index(f.lang)?;
            let mut terms = index.terms().stream().map_err(TantivyError::from)?;
            while terms.advance() {
                all.insert(String::from_utf8_lossy(terms.key()).into_owned());
            }
        }
        let mut langs = BTreeSet::new();
        for lang in all {
            let term = Term::from_field_text(f.loc, &loc(story, &lang, 1));
            let query = TermQuery::new(term, IndexRecordOption::Basic);
            if self.searcher.search(&query, &Count)? > 0 {
                langs.insert(lang);
            }
        }
        Ok(langs)
    }

    fn fields(&self) -> &Fields {
        &self.opened.fields
    }

    fn has_term(&self, term: &Term) -> bool {
        self.searcher.doc_freq(term).map(|n| n > 0).unwrap_or(false)
    }

    fn text_term(&self, s: &str) -> Term {
        Term::from_field_text(self.fields().text, s)
    }

    /// Answers a request. What damaged index data causes, an error or a panic deep in a
    /// decoder, comes back as [`crate::Error::Damaged`].
    pub fn search(&self, req: &Request) -> Result<Answer> {
        store::guarded(&self.opened.dir, || self.answer(req))
    }

    fn answer(&self, req: &Request) -> Result<Answer> {
        let mut parsed = parse(&req.query)?;
        if !req.exact {
            parsed.groups = self.join_variant_names(parsed.groups);
        }
        let mut answer = Answer::default();
        let mut marks = Marks::default();
        let mut required = Vec::new();
        for group in &parsed.groups {
            let mut alternatives: Vec<Vec<Clause>> = group
                .iter()
                .map(|item| self.item_clauses(item, req.exact, &mut answer, &mut marks))
                .collect();
            // A lone item's words are each required; items joined by OR are alternatives.
            if alternatives.len() == 1 {
                required.extend(alternatives.pop().expect("one item"));
            } else {
                required.push(any_of(alternatives.into_iter().map(all_of).collect()));
            }
        }
        let mut ignored = Marks::default();
        let mut quiet = Answer::default();
        let excluded: Vec<Clause> = parsed
            .excluded
            .iter()
            .flat_map(|item| self.item_clauses(item, true, &mut quiet, &mut ignored))
            .collect();
        if required.is_empty() {
            return Err(Error::QuerySyntax {
                message: "nothing to search for".into(),
                position: 1,
            });
        }
        answer.terms = required.iter().map(|c| c.label.clone()).collect();
        let filters = self.filters(req)?;
        // Function words (`的`, `吗`, `what`) are never required, unless they are all there is.
        let only_function_words = required.iter().all(|c| is_function_word(&c.label));
        let build = |occur: Occur| -> Box<dyn Query> {
            let mut words: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for c in &required {
                if is_function_word(&c.label) && !only_function_words {
                    let q = BoostQuery::new(c.query.box_clone(), FUNCTION_WORD_WEIGHT);
                    words.push((Occur::Should, Box::new(q)));
                } else {
                    words.push((occur, c.query.box_clone()));
                }
            }
            // Nested, so that a filter alone never makes a hit.
            let mut subs: Vec<(Occur, Box<dyn Query>)> =
                vec![(Occur::Must, Box::new(BooleanQuery::new(words)))];
            for f in &filters {
                subs.push((Occur::Must, f.box_clone()));
            }
            Box::new(BooleanQuery::new(subs))
        };
        // Exclusions filter the ranked documents rather than joining the query as MustNot:
        // tantivy 0.27's exclusion of a phrase mis-seeks (a debug assertion fails).
        let mut without = HashSet::new();
        for c in &excluded {
            without.extend(self.searcher.search(&*c.query, &DocSetCollector)?);
        }
        let full = build(Occur::Must);
        let mut hits = self.collect(&*full, req, &marks, &without)?;
        if hits.is_empty() && required.len() > 1 {
            hits = self.collect(&*build(Occur::Should), req, &marks, &without)?;
            answer.partial = !hits.is_empty();
        }
        if req.explain {
            for hit in &mut hits {
                hit.explain = self.explain(&required, hit)?;
            }
        }
        answer.hits = hits;
        Ok(answer)
    }

    /// The story `doc` in language `lang`, every passage in order; `None` when the index has
    /// no such story in that language.
    pub fn story(&self, doc: &str, lang: &str) -> Result<Option<Story>> {
        store::guarded(&self.opened.dir, || self.read_story(doc, lang))
    }

    fn read_story(&self, doc: &str, lang: &str) -> Result<Option<Story>> {
        let f = *self.fields();
        let term = |field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            ))
        };
        let query = BooleanQuery::new(vec![
            (Occur::Must, term(f.story, doc)),
            (Occur::Must, term(f.lang, lang)),
        ]);
        let addresses = self.searcher.search(&query, &DocSetCollector)?;
        let mut docs = Vec::with_capacity(addresses.len());
        for address in addresses {
            docs.push(self.searcher.doc::<TantivyDocument>(address)?);
        }
        let passage = |d: &TantivyDocument| d.get_first(f.passage).and_then(|v| v.as_u64());
        docs.sort_by_key(|d| passage(d).unwrap_or(0));
        let Some(first) = docs.first() else {
            return Ok(None);
        };
        let langs = self.story_langs(doc)?;
        Ok(Some(Story {
            doc: doc.to_string(),
            lang: lang.to_string(),
            title: first_str(first, f.title),
            date: first_str(first, f.date),
            path: first_str(first, f.path),
            langs: langs.into_iter().collect(),
            passages: docs
                .iter()
                .map(|d| StoryPassage {
                    passage: passage(d).unwrap_or(0),
                    text: first_str(d, f.text),
                })
                .collect(),
        }))
    }

    /// Consecutive words that together name a variant-list entry (`Xi Jinping`) become one
    /// phrase, so the name is expanded as a whole.
    fn join_variant_names(&self, groups: Vec<Vec<Item>>) -> Vec<Vec<Item>> {
        const LONGEST: usize = 5;
        if self.variants.is_empty() {
            return groups;
        }
        let mut out = Vec::with_capacity(groups.len());
        let mut i = 0;
        while i < groups.len() {
            let lone_word = |g: &Vec<Item>| g.len() == 1 && matches!(g[0], Item::Word(_));
            let mut joined = None;
            for n in (2..=LONGEST.min(groups.len() - i)).rev() {
                let window = &groups[i..i + n];
                if !window.iter().all(lone_word) {
                    continue;
                }
                let text = window
                    .iter()
                    .map(|g| g[0].text())
                    .collect::<Vec<_>>()
                    .join(" ");
                if !self.variants.others(&key(&text)).is_empty() {
                    joined = Some((n, text));
                    break;
                }
            }
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

    fn filters(&self, req: &Request) -> Result<Vec<Box<dyn Query>>> {
        let f = self.fields();
        let mut out: Vec<Box<dyn Query>> = Vec::new();
        let exact = |field, value: &str| -> Box<dyn Query> {
            Box::new(ConstScoreQuery::new(
                Box::new(TermQuery::new(
                    Term::from_field_text(field, value),
                    IndexRecordOption::Basic,
                )),
                0.0,
            ))
        };
        if let Some(lang) = &req.lang {
            out.push(exact(f.lang, lang));
        }
        if let Some(story) = &req.story {
            out.push(exact(f.story, story));
        }
        if req.since.is_some() || req.until.is_some() {
            let bound = |d: &Option<String>| -> Result<Bound<Term>> {
                match d {
                    None => Ok(Bound::Unbounded),
                    Some(d) if crate::article::valid_date(d) => {
                        Ok(Bound::Included(Term::from_field_u64(f.day, day_number(d))))
                    }
                    Some(d) => Err(Error::Invalid(format!("date {d:?} is not YYYY-MM-DD"))),
                }
            };
            let lower = match bound(&req.since)? {
                // Undated stories (day 0) never pass a date filter.
                Bound::Unbounded => Bound::Included(Term::from_field_u64(f.day, 1)),
                b => b,
            };
            out.push(Box::new(ConstScoreQuery::new(
                Box::new(RangeQuery::new(lower, bound(&req.until)?)),
                0.0,
            )));
        }
        Ok(out)
    }

    /// The clauses one query item stands for: one per word, or one for a phrase; a run of words
    /// that names a variant-list entry becomes one clause searching every variant.
    fn item_clauses(
        &self,
        item: &Item,
        exact: bool,
        answer: &mut Answer,
        marks: &mut Marks,
    ) -> Vec<Clause> {
        let text = item.text();
        let variants = if exact || self.variants.is_empty() {
            Vec::new()
        } else {
            self.variants.others(&key(text))
        };
        let mut clauses = match item {
            Item::Phrase(p) => vec![self.phrase_clause(p, marks)],
            Item::Word(w) => self.word_clauses(w, exact, answer, marks),
        };
        if !variants.is_empty() {
            answer.expansions.push(Expansion {
                from: text.to_string(),
                to: variants.clone(),
                kind: "variant",
            });
            let typed = all_of(std::mem::take(&mut clauses));
            let mut alternatives = vec![typed];
            for v in &variants {
                let c = self.phrase_clause(v, marks);
                alternatives.push(Clause {
                    label: c.label,
                    query: Box::new(BoostQuery::new(c.query, VARIANT_WEIGHT)),
                });
            }
            clauses = vec![any_of(alternatives)];
        }
        clauses
    }

    /// A bare word: each Han word and each Latin word (or punctuation-joined compound, which is
    /// a phrase: `Nur-Sultan`) is its own required clause.
    fn word_clauses(
        &self,
        word: &str,
        exact: bool,
        answer: &mut Answer,
        marks: &mut Marks,
    ) -> Vec<Clause> {
        let mut clauses = Vec::new();
        let mut latin = String::new();
        let flush = |latin: &mut String,
                     clauses: &mut Vec<Clause>,
                     answer: &mut Answer,
                     marks: &mut Marks| {
            if latin.is_empty() {
                return;
            }
            let stems = latin_terms(latin);
            let raws = latin_words(latin);
            match stems.len() {
                0 => {}
                1 => clauses
                    .push(self.latin_clause(&stems[0], &raws[0], latin, exact, answer, marks)),
                _ => clauses.push(self.latin_phrase(&stems, marks)),
            }
            latin.clear();
        };
        let mut last_end = 0;
        for (kind, start, run) in runs(word) {
            match kind {
                RunKind::Word => {
                    // `Nur-Sultan` and `node.js` are compounds; `GNU/Linux` and
                    // `stable，testing` are two words.
                    let separator = &word[last_end.min(start)..start];
                    if separator.chars().any(|c| c == '/' || !c.is_ascii()) {
                        flush(&mut latin, &mut clauses, answer, marks);
                    }
                    latin.push_str(&word[last_end.min(start)..start]);
                    latin.push_str(run);
                }
                RunKind::Han => {
                    flush(&mut latin, &mut clauses, answer, marks);
                    for piece in self.segment(&fold_han(run)) {
                        clauses.push(self.han_clause(&piece, marks));
                    }
                }
            }
            last_end = start + run.len();
        }
        flush(&mut latin, &mut clauses, answer, marks);
        clauses
    }

    fn latin_clause(
        &self,
        stem: &str,
        raw: &str,
        typed: &str,
        exact: bool,
        answer: &mut Answer,
        marks: &mut Marks,
    ) -> Clause {
        marks.stems.insert(stem.to_string());
        let exact_query: Box<dyn Query> = Box::new(TermQuery::new(
            self.text_term(stem),
            IndexRecordOption::WithFreqs,
        ));
        let letters = raw.chars().count();
        if exact
            || letters < 5
            || !raw.chars().all(char::is_alphabetic)
            || self.has_term(&self.text_term(stem))
        {
            return Clause {
                label: stem.to_string(),
                query: exact_query,
            };
        }
        let near = self.near_spellings(raw, if letters <= 8 { 1 } else { 2 });
        if near.is_empty() {
            return Clause {
                label: stem.to_string(),
                query: exact_query,
            };
        }
        answer.expansions.push(Expansion {
            from: typed
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_string(),
            to: near.clone(),
            kind: "spelling",
        });
        let mut alternatives = vec![exact_query];
        let mut near_stems = BTreeSet::new();
        for w in &near {
            if let Some(s) = latin_terms(w).into_iter().next() {
                near_stems.insert(s);
            }
        }
        for s in &near_stems {
            marks.stems.insert(s.clone());
            alternatives.push(Box::new(BoostQuery::new(
                Box::new(TermQuery::new(
                    self.text_term(s),
                    IndexRecordOption::WithFreqs,
                )),
                FUZZY_WEIGHT,
            )));
        }
        Clause {
            label: format!(
                "{stem} ~ {}",
                near_stems.into_iter().collect::<Vec<_>>().join(" | ")
            ),
            query: Box::new(BooleanQuery::new(
                alternatives
                    .into_iter()
                    .map(|q| (Occur::Should, q))
                    .collect(),
            )),
        }
    }

    /// Indexed words within `distance` edits of `word` (a transposition is one edit).
    fn near_spellings(&self, word: &str, distance: u8) -> Vec<String> {
        let term = Term::from_field_text(self.fields().words, word);
        let Ok(automaton) = FuzzyTermQuery::new(term, distance, true).automaton() else {
            return Vec::new();
        };
        let mut found = BTreeSet::new();
        for segment in self.searcher.segment_readers() {
            let Ok(inverted) = segment.inverted_index(self.fields().words) else {
                continue;
            };
            let Ok(mut stream) = inverted.terms().search(&automaton).into_stream() else {
                continue;
            };
            while stream.advance() {
                if let Ok(s) = std::str::from_utf8(stream.key()) {
                    if s != word {
                        found.insert(s.to_string());
                    }
                }
            }
        }
        found.into_iter().collect()
    }

    fn latin_phrase(&self, stems: &[String], marks: &mut Marks) -> Clause {
        marks.stems.extend(stems.iter().cloned());
        let terms = stems.iter().map(|s| self.text_term(s)).collect();
        Clause {
            label: format!("\"{}\"", stems.join(" ")),
            query: Box::new(PhraseQuery::new(terms)),
        }
    }

    /// A Han word: the whole word as indexed, or (with less weight) the same characters as a
    /// substring through the bigram field.
    fn han_clause(&self, word: &str, marks: &mut Marks) -> Clause {
        marks.han.insert(word.to_string());
        let whole: Box<dyn Query> = Box::new(TermQuery::new(
            self.text_term(word),
            IndexRecordOption::WithFreqs,
        ));
        let query = match self.gram_query(word) {
            Some(grams) => Box::new(BooleanQuery::new(vec![
                (Occur::Should, whole),
                (Occur::Should, Box::new(BoostQuery::new(grams, GRAM_WEIGHT))),
            ])),
            None => whole,
        };
        Clause {
            label: word.to_string(),
            query,
        }
    }

    fn gram_query(&self, han: &str) -> Option<Box<dyn Query>> {
        let grams: Vec<Term> = bigrams(han)
            .into_iter()
            .map(|(_, _, g)| Term::from_field_text(self.fields().grams, g))
            .collect();
        match grams.len() {
            0 => None,
            1 => Some(Box::new(TermQuery::new(
                grams.into_iter().next().expect("one gram"),
                IndexRecordOption::WithFreqs,
            ))),
            _ => Some(Box::new(PhraseQuery::new(grams))),
        }
    }

    /// A quoted phrase (or a variant): its words in order. A phrase of Han characters only
    /// matches as an exact substring too.
    fn phrase_clause(&self, phrase: &str, marks: &mut Marks) -> Clause {
        let mut terms: Vec<String> = Vec::new();
        let mut han_only = String::new();
        let mut has_latin = false;
        for (kind, _, run) in runs(phrase) {
            match kind {
                RunKind::Word => {
                    has_latin = true;
                    let stems = latin_terms(run);
                    marks.stems.extend(stems.iter().cloned());
                    terms.extend(stems);
                }
                RunKind::Han => {
                    let folded = fold_han(run).into_owned();
                    marks.han.insert(folded.clone());
                    terms.extend(self.segment(&folded));
                    han_only.push_str(&folded);
                }
            }
        }
        if !has_latin && !han_only.is_empty() {
            let mut clause = self.han_clause(&han_only, marks);
            if terms.len() > 1 {
                let words = PhraseQuery::new(terms.iter().map(|t| self.text_term(t)).collect());
                clause.query = Box::new(BooleanQuery::new(vec![
                    (Occur::Should, clause.query),
                    (Occur::Should, Box::new(words)),
                ]));
                clause.label = format!("\"{}\"", terms.join(" "));
            }
            return clause;
        }
        let label = format!("\"{}\"", terms.join(" "));
        let query: Box<dyn Query> = match terms.len() {
            0 => Box::new(EmptyQuery),
            1 => Box::new(TermQuery::new(
                self.text_term(&terms[0]),
                IndexRecordOption::WithFreqs,
            )),
            _ => Box::new(PhraseQuery::new(
                terms.iter().map(|t| self.text_term(t)).collect(),
            )),
        };
        Clause { label, query }
    }

    /// Segments a folded Han run into the fewest words the index knows (longest first on
    /// ties); characters the index does not know as words stay together.
    fn segment(&self, run: &str) -> Vec<String> {
        let bounds: Vec<usize> = run
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(run.len()))
            .collect();
        let n = bounds.len() - 1;
        // best[i] = (pieces, -sum of squared lengths, start of last piece, known word?)
        let mut best: Vec<(usize, i64, usize, bool)> = vec![(0, 0, 0, true); n + 1];
        for i in 1..=n {
            let mut choice: Option<(usize, i64, usize, bool)> = None;
            for len in 1..=i.min(MAX_WORD_CHARS) {
                let j = i - len;
                let piece = &run[bounds[j]..bounds[i]];
                let known = self.has_term(&self.text_term(piece));
                if !known && len > 1 {
                    continue;
                }
                let cand = (best[j].0 + 1, best[j].1 - (len * len) as i64, j, known);
                if choice.is_none_or(|c| (cand.0, cand.1) < (c.0, c.1)) {
                    choice = Some(cand);
                }
            }
            best[i] = choice.expect("a single character is always a choice");
        }
        let mut pieces = Vec::new();
        let mut i = n;
        while i > 0 {
            let (_, _, j, known) = best[i];
            pieces.push((bounds[j], bounds[i], known));
            i = j;
        }
        pieces.reverse();
        // Merge runs of single characters the index does not know as words.
        let mut out: Vec<(usize, usize, bool)> = Vec::new();
        for (s, e, known) in pieces {
            match out.last_mut() {
                Some(last) if !known && !last.2 => last.1 = e,
                _ => out.push((s, e, known)),
            }
        }
        out.into_iter()
            .map(|(s, e, _)| run[s..e].to_string())
            .collect()
    }

    fn collect(
        &self,
        query: &dyn Query,
        req: &Request,
        marks: &Marks,
        without: &HashSet<DocAddress>,
    ) -> Result<Vec<Hit>> {
        let total = (self.searcher.num_docs() as usize).max(1);
        let mut fetch = req.limit.saturating_mul(4).clamp(40, total.max(40));
        loop {
            let mut top = self
                .searcher
                .search(query, &TopDocs::with_limit(fetch).order_by_score())?;
            let exhausted = top.len() < fetch || fetch >= total;
            top.retain(|(_, address)| !without.contains(address));
            let hits = self.arrange(&top, req, marks)?;
            if hits.len() >= req.limit || exhausted {
                return Ok(hits);
            }
            fetch = fetch.saturating_mul(4).min(total);
        }
    }

    /// Turns ranked documents into hits, capping distinct passages per story (a passage and
    /// its counterpart count once) and linking hits that are each other's counterparts.
    fn arrange(&self, top: &[(f32, DocAddress)], req: &Request, marks: &Marks) -> Result<Vec<Hit>> {
        let f = *self.fields();
        let mut docs = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = self.searcher.doc(*address)?;
            docs.push((*score, doc));
        }
        let position: HashMap<String, usize> = docs
            .iter()
            .enumerate()
            .map(|(i, (_, d))| (doc_loc(d, &f), i))
            .collect();
        let mut passages: HashMap<String, BTreeSet<u64>> = HashMap::new();
        let mut hits: Vec<Hit> = Vec::new();
        for (score, doc) in &docs {
            if hits.len() >= req.limit {
                break;
            }
            let mut hit = self.hit(doc, *score, marks);
            let seen = passages.entry(hit.doc.clone()).or_default();
            if !seen.contains(&hit.passage) {
                if seen.len() >= req.per_story.max(1) {
                    continue;
                }
                seen.insert(hit.passage);
            }
            let other = self.other_language(&hit.doc, &hit.lang)?;
            let partner = other
                .as_deref()
                .and_then(|l| position.get(&loc(&hit.doc, l, hit.passage)));
            hit.counterpart = match (partner, other) {
                (Some(&j), Some(lang)) => {
                    let text = first_str(&docs[j].1, f.text);
                    Some(Counterpart {
                        lang,
                        passage: hit.passage,
                        highlights: highlight(&text, marks),
                        text,
                        matched: true,
                    })
                }
                (_, other) => self.counterpart(&hit, other.as_deref())?,
            };
            hit.rank = hits.len() + 1;
            hits.push(hit);
        }
        let ranks: HashMap<String, usize> = hits
            .iter()
            .map(|h| (loc(&h.doc, &h.lang, h.passage), h.rank))
            .collect();
        for hit in &mut hits {
            if let Some(c) = hit.counterpart.as_ref().filter(|c| c.matched) {
                hit.paired_with = ranks.get(&loc(&hit.doc, &c.lang, c.passage)).copied();
            }
        }
        Ok(hits)
    }

    /// The story's other language: `zh` for `en`, `en` for `zh`, else any other.
    fn other_language(&self, story: &str, lang: &str) -> Result<Option<String>> {
        let mut langs = self.story_langs(story)?;
        langs.remove(lang);
        let preferred = if lang == "zh" { "en" } else { "zh" };
        Ok(if langs.contains(preferred) {
            Some(preferred.to_string())
        } else {
            langs.into_iter().next()
        })
    }

    fn counterpart(&self, hit: &Hit, other: Option<&str>) -> Result<Option<Counterpart>> {
        let Some(other) = other else { return Ok(None) };
        let term = Term::from_field_text(self.fields().loc, &loc(&hit.doc, other, hit.passage));
        let top = self.searcher.search(
            &TermQuery::new(term, IndexRecordOption::Basic),
            &TopDocs::with_limit(1).order_by_score(),
        )?;
        let Some((_, address)) = top.first() else {
            return Ok(None);
        };
        let doc: TantivyDocument = self.searcher.doc(*address)?;
        Ok(Some(Counterpart {
            lang: other.to_string(),
            passage: hit.passage,
            text: first_str(&doc, self.fields().text),
            matched: false,
            highlights: Vec::new(),
        }))
    }

    fn hit(&self, doc: &TantivyDocument, score: f32, marks: &Marks) -> Hit {
        let f = self.fields();
        let text = first_str(doc, f.text);
        let highlights = highlight(&text, marks);
        let range = snippet_range(&text, &highlights);
        Hit {
            rank: 0,
            score,
            doc: first_str(doc, f.story),
            lang: first_str(doc, f.lang),
            title: first_str(doc, f.title),
            date: first_str(doc, f.date),
            path: first_str(doc, f.path),
            passage: doc
                .get_first(f.passage)
                .and_then(|v| v.as_u64())
                .unwrap_or(0),
            snippet: mark(&text, range, &highlights, "[", "]"),
            snippet_range: [range.0, range.1],
            highlights,
            text,
            counterpart: None,
            paired_with: None,
            explain: Vec::new(),
        }
    }

    /// Each clause's part of a hit's score, by scoring the clause alone on that passage
    /// (tantivy's own `explain` can panic on nested boolean queries).
    fn explain(&self, clauses: &[Clause], hit: &Hit) -> Result<Vec<TermScore>> {
        let this = Term::from_field_text(self.fields().loc, &loc(&hit.doc, &hit.lang, hit.passage));
        let mut parts = Vec::new();
        for c in clauses {
            let only_this: Box<dyn Query> = Box::new(ConstScoreQuery::new(
                Box::new(TermQuery::new(this.clone(), IndexRecordOption::Basic)),
                0.0,
            ));
            let q = BooleanQuery::new(vec![
                (Occur::Must, c.query.box_clone()),
                (Occur::Must, only_this),
            ]);
            let top = self
                .searcher
                .search(&q, &TopDocs::with_limit(1).order_by_score())?;
            parts.push(TermScore {
                term: c.label.clone(),
                score: top.first().map_or(0.0, |t| t.0),
                share: 0.0,
            });
        }
        let total: f32 = parts.iter().map(|p| p.score).sum();
        if total > 0.0 {
            for p in &mut parts {
                p.share = p.score / total;
            }
        }
        Ok(parts)
    }
}

fn doc_loc(doc: &TantivyDocument, f: &Fields) -> String {
    let passage = doc
        .get_first(f.passage)
        .and_then(|v| v.as_u64())
        .unwrap_or(0);
    loc(&first_str(doc, f.story), &first_str(doc, f.lang), passage)
}

fn first_str(doc: &TantivyDocument, field: tantivy::schema::Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or("")
        .to_string()
}

/// One clause matching if any of `clauses` does.
fn any_of(clauses: Vec<Clause>) -> Clause {
    combine(clauses, Occur::Should, " | ")
}

/// One clause matching if all of `clauses` do.
fn all_of(clauses: Vec<Clause>) -> Clause {
    combine(clauses, Occur::Must, " + ")
}

fn combine(mut clauses: Vec<Clause>, occur: Occur, separator: &str) -> Clause {
    if clauses.len() == 1 {
        return clauses.pop().expect("one clause");
    }
    let labels: Vec<&str> = clauses.iter().map(|c| c.label.as_str()).collect();
    Clause {
        label: labels.join(separator),
        query: Box::new(BooleanQuery::new(
            clauses.into_iter().map(|c| (occur, c.query)).collect(),
        )),
    }
}

/// Byte ranges of the words in `text` that the query matched: Latin words whose stem is a
/// query term, and every occurrence of a query's Han word (compared after folding).
fn highlight(text: &str, marks: &Marks) -> Vec<[usize; 2]> {
    let mut ranges: Vec<[usize; 2]> = latin_spans(text)
        .into_iter()
        .filter(|(_, _, stem)| marks.stems.contains(stem))
        .map(|(from, to, _)| [from, to])
        .collect();
    // Folding keeps byte lengths, so a match in the folded text is a range in the original.
    let mut folded = String::with_capacity(text.len());
    let mut last = 0;
    for (kind, start, run) in runs(text) {
        if kind == RunKind::Han {
            folded.push_str(&text[last..start]);
            folded.push_str(&fold_han(run));
            last = start + run.len();
        }
    }
    folded.push_str(&text[last..]);
    for han in &marks.han {
        ranges.extend(
            folded
                .match_indices(han.as_str())
                .map(|(i, m)| [i, i + m.len()]),
        );
    }
    ranges.sort();
    let mut merged: Vec<[usize; 2]> = Vec::new();
    for r in ranges {
        match merged.last_mut() {
            Some(m) if r[0] <= m[1] => m[1] = m[1].max(r[1]),
            _ => merged.push(r),
        }
    }
    merged
}

/// The excerpt of `text` to show: up to [`SNIPPET_CHARS`] characters, starting a little
/// before the first highlight.
fn snippet_range(text: &str, highlights: &[[usize; 2]]) -> (usize, usize) {
    let bounds: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .collect();
    let chars = bounds.len() - 1;
    if chars <= SNIPPET_CHARS {
        return (0, text.len());
    }
    let first = highlights.first().map_or(0, |h| h[0]);
    let first_char = bounds.partition_point(|&b| b < first);
    let start = first_char
        .saturating_sub(SNIPPET_CHARS / 4)
        .min(chars - SNIPPET_CHARS);
    (bounds[start], bounds[start + SNIPPET_CHARS])
}

/// The excerpt `range` of `text` with each highlight wrapped in `open` … `close`, and `…`
/// where the excerpt cuts the text.
pub fn mark(
    text: &str,
    range: (usize, usize),
    highlights: &[[usize; 2]],
    open: &str,
    close: &str,
) -> String {
    let (start, end) = range;
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let mut at = start;
    for h in highlights {
        let (a, b) = (h[0].max(start), h[1].min(end));
        if a >= b || a < at {
            continue;
        }
        out.push_str(&text[at..a]);
        out.push_str(open);
        out.push_str(&text[a..b]);
        out.push_str(close);
        at = b;
    }
    out.push_str(&text[at..end]);
    if end < text.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_searcher_can_be_shared_between_threads() {
        // `archive serve` answers requests on several threads from one `Arc<Searcher>`.
        fn shared<T: Send + Sync>() {}
        shared::<Searcher>();
    }

    #[test]
    fn highlights_follow_stems_and_folded_han() {
        let marks = Marks {
            stems: ["train".to_string()].into(),
            han: ["努尔苏丹".to_string()].into(),
        };
        let text = "Trains leave 努爾蘇丹 daily; the train is full.";
        let h = highlight(text, &marks);
        let words: Vec<&str> = h.iter().map(|r| &text[r[0]..r[1]]).collect();
        assert_eq!(words, vec!["Trains", "努爾蘇丹", "train"]);
        assert_eq!(
            mark(text, (0, text.len()), &h, "[", "]"),
            "[Trains] leave [努爾蘇丹] daily; the [train] is full."
        );
    }

    #[test]
    fn snippets_cut_long_text_near_the_first_match() {
        let text = "word ".repeat(100) + "Khorgos" + &" tail".repeat(100);
        let at = text.find("Khorgos").unwrap();
        let h = vec![[at, at + 7]];
        let r = snippet_range(&text, &h);
        assert!(r.0 < at && r.1 > at + 7);
        let s = mark(&text, r, &h, "[", "]");
        assert!(s.starts_with('…') && s.ends_with('…') && s.contains("[Khorgos]"));
    }
}
