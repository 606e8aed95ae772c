//! What a search returns: ranked hits with byte ranges, and stored stories. Values only; the
//! binary's printers turn the ranges into marks, colour or JSON.

use serde::Serialize;

use super::clause::Expansion;

/// One term's part of a hit's score.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TermScore {
    /// `story` (on the story's whole text and title) or `passage` (on the hit's passage).
    pub level: &'static str,
    /// The query term (after segmentation, folding and stemming).
    pub term: String,
    /// Its part of the score.
    pub score: f32,
    /// Its share of its level's score, 0 to 1.
    pub share: f32,
}

/// The passage of the story's other language that pairs with a hit (the same passage number
/// when the versions have as many passages, else by alignment markers).
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
    /// Byte range of the excerpt to show beside the hit.
    pub excerpt_range: [usize; 2],
}

/// One ranked passage.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Hit {
    /// 1-based rank.
    pub rank: usize,
    /// The number the terminal shows: 1, 2, … by story; a pair shares one.
    pub hit: usize,
    /// The story's score: `story_score` plus a quarter of its best passage's score.
    pub score: f32,
    /// Story id.
    pub story: String,
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
    /// Byte range of the excerpt to show in `text`.
    pub snippet_range: [usize; 2],
    /// Byte ranges of matched words in `text`.
    pub highlights: Vec<[usize; 2]>,
    /// The same passage in the other language, if the story has one and its versions line up.
    pub counterpart: Option<Counterpart>,
    /// The rank of the hit that is this one's counterpart, when both are hits (a pair).
    pub paired_with: Option<usize>,
    /// How many passages of this story matched but are not shown (a passage and its
    /// counterpart count once): the per-story cap or the limit left them out.
    pub more_in_story: usize,
    /// Each query term's part of the score (filled for `--explain`).
    pub explain: Vec<TermScore>,
    /// The story's own part of `score`: BM25 of its whole text and title.
    pub story_score: f32,
    /// This passage's score: BM25 and proximity (the story's best passage counts in `score`).
    pub passage_score: f32,
    /// True when the story holds only some of the query's words.
    pub partial: bool,
}

/// The answer to a request.
#[derive(Debug, Clone, Default)]
pub struct Answer {
    /// Hits, best first.
    pub hits: Vec<Hit>,
    /// True when no passage matched every word and these are partial matches.
    pub partial: bool,
    /// True when stories that matched are not shown at all (the limit left them out).
    pub more_stories: bool,
    /// Spelling and variant expansions that were searched, each once.
    pub expansions: Vec<Expansion>,
    /// The query's terms after segmentation, folding and stemming, one entry per clause.
    pub terms: Vec<String>,
}

/// A stored passage with what the index stores about its story.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Passage {
    /// Story id.
    pub story: String,
    /// Language.
    pub lang: String,
    /// Passage number, from 1.
    pub passage: u64,
    /// The number that pairs it with its counterparts ([`crate::schema::Fields::align`]).
    pub align: u64,
    /// Text.
    pub text: String,
    /// Story title.
    pub title: String,
    /// Story date, or empty.
    pub date: String,
    /// Source file, relative to the archive folder.
    pub path: String,
}

/// One story in one language, passage by passage: what a reader opens from a hit.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Story {
    /// Story id.
    pub story: String,
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
    /// The number that pairs it with passages of the story's other versions (its alignment
    /// marker's, else its own number); 0 when it pairs with none (a passage without a marker
    /// in a file with markers).
    pub align: u64,
    /// Its text.
    pub text: String,
    /// Byte ranges of the words a query matched in `text`, when the story was read for one
    /// ([`super::Searcher::marked_story`]); left out of the JSON otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub highlights: Option<Vec<[usize; 2]>>,
}
