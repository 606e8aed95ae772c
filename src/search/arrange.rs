//! Stage 5, arranging: ranked passages become hits. A story's hits come together, in the order
//! its best one ranked. Each hit gets its counterpart (the passage of the story's other
//! language that pairs with it, when the two versions line up); a hit and its counterpart that
//! both matched are a pair, numbered once and counted once against `--limit` and
//! `--per-story`. Each hit says how many of its story's matched passages are not shown.

use std::collections::{HashMap, HashSet};

use rustc_hash::{FxHashMap, FxHashSet};

use crate::error::Result;
use crate::schema::loc;

use super::answer::{Counterpart, Hit, Passage};
use super::clause::Marks;
use super::highlight::{counterpart_range, snippet_range, Marker};

mod remembered;

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
    let position: HashSet<String> = ranked
        .iter()
        .map(|(_, p)| loc(&p.story, &p.lang, p.passage))
        .collect();
    let every_match: HashSet<&Matched> = matched.iter().collect();
    let mut groups = Groups::new(stories);
    let mut shown: HashMap<&str, usize> = HashMap::new();
    // A matched counterpart's place, and the rank of the hit it is paired with.
    let mut pairs: HashMap<String, usize> = HashMap::new();
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
    for (score, p) in ranked {
        let first = pairs.remove(&loc(&p.story, &p.lang, p.passage));
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
            pairs.insert(loc(&p.story, &c.lang, c.passage), rank);
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
    (ranked, every_match): (&HashSet<String>, &HashSet<&Matched>),
    stories: &impl Counterparts,
) -> Result<Option<Counterpart>> {
    let Some(lang) = stories.other_language(&p.story, &p.lang)? else {
        return Ok(None);
    };
    if !stories.lines_up(&p.story, &p.lang, &lang)? {
        return Ok(None);
    }
    let Some((passage, text)) = stories.aligned(&p.story, &lang, p.align)? else {
        return Ok(None);
    };
    let matched = ranked.contains(&loc(&p.story, &lang, passage))
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

/// Passages grouped as they are shown: a passage with its counterparts (same story, versions
/// that line up, same align number), else alone.
struct Groups<'a, 'p, C> {
    stories: &'a C,
    shown: FxHashSet<Group<'p>>,
}

#[derive(Debug, PartialEq, Eq, Hash)]
enum Group<'p> {
    Paired(&'p str, u64),
    Alone(&'p str, &'p str, u64),
}

impl<'a, 'p, C: Counterparts> Groups<'a, 'p, C> {
    fn new(stories: &'a C) -> Self {
        Groups {
            stories,
            shown: FxHashSet::default(),
        }
    }

    /// True when the passages of `story` in `lang` pair with its other language's.
    fn lined(&self, story: &str, lang: &str) -> Result<bool> {
        Ok(match self.stories.other_language(story, lang)? {
            Some(other) => self.stories.lines_up(story, lang, &other)?,
            None => false,
        })
    }

    fn group(story: &'p str, lang: &'p str, align: u64, lined: bool) -> Group<'p> {
        if lined {
            Group::Paired(story, align)
        } else {
            Group::Alone(story, lang, align)
        }
    }

    fn show(&mut self, p: &'p Passage) -> Result<()> {
        let lined = self.lined(&p.story, &p.lang)?;
        self.shown
            .insert(Self::group(&p.story, &p.lang, p.align, lined));
        Ok(())
    }

    /// For each story, how many groups of `matched` passages were not shown.
    fn not_shown(self, matched: &'p [Matched]) -> Result<HashMap<String, usize>> {
        // Asked once per story and language: a story may have thousands of matched passages.
        let mut lined: FxHashMap<(&str, &str), bool> = FxHashMap::default();
        let mut hidden: FxHashSet<Group> = FxHashSet::default();
        for m in matched {
            let key = (m.story.as_str(), m.lang.as_str());
            let is_lined = match lined.get(&key) {
                Some(&l) => l,
                None => *lined.entry(key).or_insert(self.lined(key.0, key.1)?),
            };
            let group = Self::group(&m.story, &m.lang, m.align, is_lined);
            if !self.shown.contains(&group) {
                hidden.insert(group);
            }
        }
        let mut more: HashMap<String, usize> = HashMap::new();
        for group in hidden {
            let (Group::Paired(story, _) | Group::Alone(story, _, _)) = group;
            *more.entry(story.to_string()).or_default() += 1;
        }
        Ok(more)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stories `a` and `b` are in en and zh; `c` only in en; `b`'s versions do not line up.
    struct Two;

    impl Counterparts for Two {
        fn other_language(&self, story: &str, lang: &str) -> Result<Option<String>> {
            Ok(match (story, lang) {
                ("c", _) => None,
                (_, "en") => Some("zh".into()),
                _ => Some("en".into()),
            })
        }

        fn lines_up(&self, story: &str, _: &str, _: &str) -> Result<bool> {
            Ok(story != "b")
        }

        fn aligned(&self, story: &str, lang: &str, align: u64) -> Result<Option<(u64, String)>> {
            Ok(Some((align, format!("{story} {lang} {align} train"))))
        }
    }

    fn passage(story: &str, lang: &str, passage: u64) -> Passage {
        Passage {
            story: story.into(),
            lang: lang.into(),
            passage,
            align: passage,
            text: format!("{story} {lang} {passage} train"),
            ..Passage::default()
        }
    }

    fn ranked(list: &[(&str, &str, u64)]) -> Vec<(f32, Passage)> {
        list.iter()
            .enumerate()
            .map(|(i, &(story, lang, n))| (10.0 - i as f32, passage(story, lang, n)))
            .collect()
    }

    fn matched(list: &[(&str, &str, u64)]) -> Vec<Matched> {
        list.iter()
            .map(|&(story, lang, align)| Matched {
                story: story.into(),
                lang: lang.into(),
                align,
            })
            .collect()
    }

    fn marks() -> Marks {
        Marks {
            stems: ["train".to_string()].into(),
            ..Marks::default()
        }
    }

    /// `list` ranked in order, `matched` also matched, under the caps, with no exclusions.
    fn arranged(
        list: &[(&str, &str, u64)],
        matched_too: &[Matched],
        limit: usize,
        per_story: usize,
    ) -> Vec<Hit> {
        arrange(
            &ranked(list),
            matched_too,
            limit,
            per_story,
            &marks(),
            &Marks::default(),
            &Two,
        )
        .unwrap()
    }

    fn brief(hits: &[Hit]) -> Vec<String> {
        hits.iter()
            .map(|h| {
                let c = h.counterpart.as_ref().map_or("-".to_string(), |c| {
                    format!("{}{}", c.lang, if c.matched { "*" } else { "" })
                });
                let pair = h.paired_with.map_or(String::new(), |r| format!(" ={r}"));
                format!(
                    "{}:{} {}/{} {}{pair} {c} +{}",
                    h.rank, h.hit, h.story, h.lang, h.passage, h.more_in_story
                )
            })
            .collect()
    }

    #[test]
    fn counterparts_pair_and_count_once() {
        let list = [
            ("a", "en", 1),
            ("c", "en", 1),
            ("a", "zh", 1),
            ("a", "en", 2),
            ("b", "en", 1),
        ];
        let hits = arranged(&list, &matched(&list), 10, 2);
        assert_eq!(
            brief(&hits),
            [
                "1:1 a/en 1 =2 zh* +0",
                "2:1 a/zh 1 =1 en* +0",
                "3:2 a/en 2 zh +0",
                "4:3 c/en 1 - +0",
                "5:4 b/en 1 - +0",
            ]
        );
        let paired = hits[0].counterpart.as_ref().unwrap();
        assert_eq!(paired.highlights, [[7, 12]]);
        let unmatched = hits[2].counterpart.as_ref().unwrap();
        assert_eq!(
            (unmatched.text.as_str(), unmatched.highlights.len()),
            ("a zh 2 train", 0)
        );
        // A pair is one hit against the limit.
        assert_eq!(
            brief(&arranged(&list, &[], 1, 2)),
            ["1:1 a/en 1 =2 zh* +0", "2:1 a/zh 1 =1 en* +0"]
        );
    }

    #[test]
    fn what_the_caps_hide_is_counted() {
        let list = [
            ("a", "en", 1),
            ("a", "en", 2),
            ("a", "en", 3),
            ("b", "en", 1),
            ("c", "en", 1),
        ];
        // Also matched, below the best: a's zh 3 (a pair with en 3), 4; b's zh 1 (b's
        // versions do not line up, so not b's en 1's pair).
        let mut all = list.to_vec();
        all.extend([("a", "zh", 3), ("a", "zh", 4), ("b", "zh", 1)]);
        let hits = arranged(&list, &matched(&all), 10, 2);
        assert_eq!(
            brief(&hits),
            [
                "1:1 a/en 1 zh +2",
                "2:2 a/en 2 zh +2",
                "3:3 b/en 1 - +1",
                "4:4 c/en 1 - +0"
            ]
        );
        assert_eq!(arranged(&list, &[], 2, 2).len(), 2);
    }

    #[test]
    fn the_second_of_a_pair_has_the_firsts_number() {
        let list = [("a", "en", 1), ("a", "en", 2), ("a", "zh", 1)];
        let hits = arranged(&list, &[], 10, 3);
        assert_eq!(
            brief(&hits),
            [
                "1:1 a/en 1 =3 zh* +0",
                "2:2 a/en 2 zh +0",
                "3:1 a/zh 1 =1 en* +0"
            ]
        );
    }

    #[test]
    fn a_storys_hits_come_together() {
        let list = [("a", "en", 1), ("b", "en", 1), ("a", "zh", 2)];
        let hits = arranged(&list, &[], 10, 3);
        assert_eq!(
            brief(&hits),
            ["1:1 a/en 1 zh +0", "2:2 a/zh 2 en +0", "3:3 b/en 1 - +0"]
        );
    }
}
