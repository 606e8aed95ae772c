//! Stage 5, arranging: ranked passages become hits. A story's hits come together, in the order
//! its best one ranked. Each hit gets its counterpart (the passage of the story's other
//! language that pairs with it, when the two versions line up); a hit and its counterpart that
//! both matched are a pair, numbered once and counted once against `--limit` and
//! `--per-story`. Each hit says how many of its story's matched passages are not shown.

use std::collections::{HashMap, HashSet};

use rustc_hash::FxHashMap;

use crate::error::Result;
use crate::schema::UNPAIRED;

use super::answer::{Counterpart, Hit, Passage};
use super::clause::Marks;
use super::highlight::{counterpart_range, snippet_range, Marker};

mod groups;
mod remembered;
#[cfg(test)]
mod tests;

use groups::Groups;
use remembered::Remembered;

/// What arranging needs to know about stories beyond the ranked passages.
pub trait Counterparts {
    /// The language to pair a passage of `story` in `lang` with, if the story has another.
    fn other_language(&self, story: &str, lang: &str) -> Result<Option<String>>;
    /// True when the passages of `story` in `a` and in `b` pair by their align numbers: both
    /// versions have as many passages, or either has alignment markers.
    fn lines_up(&self, story: &str, a: &str, b: &str) -> Result<bool>;
    /// The passage of `story` in `lang` whose align number is `align`: its number and text.
    fn aligned(&self, story: &str, lang: &str, align: u64) -> Result<Option<(u64, String)>>;
}

/// A matched passage, as far as counting goes: its story, language and align number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Matched {
    /// Story id.
    pub story: String,
    /// Language.
    pub lang: String,
    /// Align number ([`crate::schema::Fields::align`]).
    pub align: u64,
}

/// At most `limit` hits from `ranked` (best first; a pair counts once), at most `per_story`
/// per story; `matched` is every passage that matched, of the stories in `ranked`; a passage
/// whose counterpart holds any of `excluded` is left out.
pub fn arrange(
    ranked: &[(f32, Passage)],
    matched: &[Matched],
    limit: usize,
    per_story: usize,
    marks: &Marks,
    excluded: &Marks,
    stories: &impl Counterparts,
) -> Result<Vec<Hit>> {
    let stories = &Remembered::new(stories);
    let ranked = by_story(ranked);
    // Each ranked passage's place, and where it is in `ranked`.
    let position: FxHashMap<Place, usize> = (ranked.iter().enumerate())
        .map(|(i, (_, p))| ((p.story.as_str(), p.lang.as_str(), p.passage), i))
        .collect();
    let every_match: HashSet<&Matched> = matched.iter().collect();
    let mut groups = Groups::new(stories);
    let mut shown: HashMap<&str, usize> = HashMap::new();
    // A ranked counterpart's place, and the rank of the hit it is paired with.
    let mut pairs: FxHashMap<Place, usize> = FxHashMap::default();
    let mut hits: Vec<Hit> = Vec::new();
    let mut number = 0;
    // Each passage's marks, found once: a pair shows each of its passages twice, as a hit and
    // as the other's counterpart. Known by the text marked, which is all they depend on (two
    // files of one story and language both have a passage 1). A few dozen at most.
    let mut marked: Vec<(String, Vec<[usize; 2]>)> = Vec::new();
    let mut marker = Marker::new(marks);
    let mut excluding = Marker::new(excluded);
    let mut mark = |text: &str| {
        if let Some((_, ranges)) = marked.iter().find(|(t, _)| t == text) {
            return ranges.clone();
        }
        let ranges = marker.highlight(text);
        marked.push((text.to_string(), ranges.clone()));
        ranges
    };
    for &(score, ref p) in &ranked {
        let first = pairs.remove(&(p.story.as_str(), p.lang.as_str(), p.passage));
        // Past the caps nothing is read (a counterpart is a stored document).
        if first.is_none()
            && (number >= limit
                || shown.get(p.story.as_str()).copied().unwrap_or(0) >= per_story.max(1))
        {
            continue;
        }
        let counterpart = counterpart(p, &mut mark, (&position, &every_match), stories)?;
        // A pair is one hit: an excluded word on its other side leaves it out too.
        if counterpart
            .as_ref()
            .is_some_and(|c| !excluding.highlight(&c.text).is_empty())
        {
            continue;
        }
        if first.is_none() {
            *shown.entry(&p.story).or_default() += 1;
            number += 1;
        }
        let rank = hits.len() + 1;
        if let (Some(c), None) = (counterpart.as_ref().filter(|c| c.matched), first) {
            // Only a ranked passage comes up to be paired.
            if let Some(&i) = position.get(&(p.story.as_str(), c.lang.as_str(), c.passage)) {
                let other = &ranked[i].1;
                pairs.insert((&other.story, &other.lang, other.passage), rank);
            }
        }
        if let Some(first) = first {
            hits[first - 1].paired_with = Some(rank);
        }
        groups.show(p)?;
        let highlights = mark(&p.text);
        hits.push(Hit {
            rank,
            // The second of a pair has the first's number.
            hit: first.map_or(number, |f| hits[f - 1].hit),
            score: *score,
            story: p.story.clone(),
            lang: p.lang.clone(),
            title: p.title.clone(),
            date: p.date.clone(),
            path: p.path.clone(),
            passage: p.passage,
            snippet_range: snippet_range(&p.text, &highlights),
            highlights,
            text: p.text.clone(),
            counterpart,
            paired_with: first,
            more_in_story: 0,
            explain: Vec::new(),
            story_score: 0.0,
            passage_score: 0.0,
            partial: false,
        });
    }
    let more = groups.not_shown(matched)?;
    for hit in &mut hits {
        hit.more_in_story = more.get(&hit.story).copied().unwrap_or(0);
    }
    Ok(hits)
}

/// A passage's story, language and number.
type Place<'p> = (&'p str, &'p str, u64);

/// The ranked passages with each story's together, stories in the order of their best.
fn by_story(ranked: &[(f32, Passage)]) -> Vec<&(f32, Passage)> {
    let mut order: HashMap<&str, usize> = HashMap::new();
    for (_, p) in ranked {
        let next = order.len();
        order.entry(&p.story).or_insert(next);
    }
    let mut out: Vec<&(f32, Passage)> = ranked.iter().collect();
    out.sort_by_key(|(_, p)| order[p.story.as_str()]);
    out
}

/// The passage of the other language that pairs with `p`, if the versions line up;
/// `matched` when it is among the ranked passages or the story's other matched passages (a
/// counterpart ranked below the window read still matched), then marked by `mark`.
fn counterpart(
    p: &Passage,
    mark: &mut impl FnMut(&str) -> Vec<[usize; 2]>,
    (ranked, every_match): (&FxHashMap<Place, usize>, &HashSet<&Matched>),
    stories: &impl Counterparts,
) -> Result<Option<Counterpart>> {
    // A passage without a marker in a file with markers, or with a marker used before,
    // pairs with nothing (its align number is above every marker's).
    if p.align >= UNPAIRED {
        return Ok(None);
    }
    let Some(lang) = stories.other_language(&p.story, &p.lang)? else {
        return Ok(None);
    };
    if !stories.lines_up(&p.story, &p.lang, &lang)? {
        return Ok(None);
    }
    let Some((passage, text)) = stories.aligned(&p.story, &lang, p.align)? else {
        return Ok(None);
    };
    let matched = ranked.contains_key(&(p.story.as_str(), lang.as_str(), passage))
        || every_match.contains(&Matched {
            story: p.story.clone(),
            lang: lang.clone(),
            align: p.align,
        });
    let highlights = if matched { mark(&text) } else { Vec::new() };
    Ok(Some(Counterpart {
        lang,
        passage,
        excerpt_range: counterpart_range(&text, &highlights),
        highlights,
        text,
        matched,
    }))
}
