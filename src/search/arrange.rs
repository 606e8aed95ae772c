//! Stage 5, arranging: ranked passages become hits. Distinct passages per story are capped (a
//! passage and its counterpart count once), each hit gets its counterpart (the same passage
//! in the story's other language), and hits that are each other's counterparts are paired.

use std::collections::{BTreeSet, HashMap};

use crate::error::Result;
use crate::schema::loc;

use super::answer::{Counterpart, Hit, Passage};
use super::clause::Marks;
use super::highlight::{counterpart_range, highlight, snippet_range};

/// What arranging needs to know about stories beyond the ranked passages.
pub trait Counterparts {
    /// The language to pair a passage of `story` in `lang` with, if the story has another.
    fn other_language(&self, story: &str, lang: &str) -> Result<Option<String>>;
    /// The text of passage `passage` of `story` in `lang`, if there is one.
    fn text(&self, story: &str, lang: &str, passage: u64) -> Result<Option<String>>;
}

/// At most `limit` hits from `ranked` (best first), at most `per_story` distinct passages
/// per story.
pub fn arrange(
    ranked: &[(f32, Passage)],
    limit: usize,
    per_story: usize,
    marks: &Marks,
    stories: &impl Counterparts,
) -> Result<Vec<Hit>> {
    let position: HashMap<String, usize> = ranked
        .iter()
        .enumerate()
        .map(|(i, (_, p))| (loc(&p.story, &p.lang, p.passage), i))
        .collect();
    let mut passages: HashMap<&str, BTreeSet<u64>> = HashMap::new();
    let mut hits: Vec<Hit> = Vec::new();
    for (score, p) in ranked {
        if hits.len() >= limit {
            break;
        }
        let seen = passages.entry(&p.story).or_default();
        if !seen.contains(&p.passage) {
            if seen.len() >= per_story.max(1) {
                continue;
            }
            seen.insert(p.passage);
        }
        let other = stories.other_language(&p.story, &p.lang)?;
        let counterpart = match other {
            None => None,
            Some(lang) => match position.get(&loc(&p.story, &lang, p.passage)) {
                Some(&j) => {
                    let text = ranked[j].1.text.clone();
                    let highlights = highlight(&text, marks);
                    Some(Counterpart {
                        lang,
                        passage: p.passage,
                        excerpt_range: counterpart_range(&text, &highlights),
                        highlights,
                        text,
                        matched: true,
                    })
                }
                None => stories
                    .text(&p.story, &lang, p.passage)?
                    .map(|text| Counterpart {
                        lang,
                        passage: p.passage,
                        highlights: Vec::new(),
                        excerpt_range: counterpart_range(&text, &[]),
                        text,
                        matched: false,
                    }),
            },
        };
        let highlights = highlight(&p.text, marks);
        hits.push(Hit {
            rank: hits.len() + 1,
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
            paired_with: None,
            explain: Vec::new(),
            story_score: 0.0,
            passage_score: 0.0,
            partial: false,
        });
    }
    let ranks: HashMap<String, usize> = hits
        .iter()
        .map(|h| (loc(&h.story, &h.lang, h.passage), h.rank))
        .collect();
    for hit in &mut hits {
        if let Some(c) = hit.counterpart.as_ref().filter(|c| c.matched) {
            hit.paired_with = ranks.get(&loc(&hit.story, &c.lang, c.passage)).copied();
        }
    }
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stories `a` and `b` are in en and zh; `c` only in en.
    struct Two;

    impl Counterparts for Two {
        fn other_language(&self, story: &str, lang: &str) -> Result<Option<String>> {
            Ok(match (story, lang) {
                ("c", _) => None,
                (_, "en") => Some("zh".into()),
                _ => Some("en".into()),
            })
        }

        fn text(&self, story: &str, lang: &str, passage: u64) -> Result<Option<String>> {
            Ok(Some(format!("{story} {lang} {passage}")))
        }
    }

    fn ranked(list: &[(&str, &str, u64)]) -> Vec<(f32, Passage)> {
        list.iter()
            .enumerate()
            .map(|(i, &(story, lang, passage))| {
                let p = Passage {
                    story: story.into(),
                    lang: lang.into(),
                    passage,
                    text: format!("{story} {lang} {passage} train"),
                    ..Passage::default()
                };
                (10.0 - i as f32, p)
            })
            .collect()
    }

    fn marks() -> Marks {
        Marks {
            stems: ["train".to_string()].into(),
            ..Marks::default()
        }
    }

    fn brief(hits: &[Hit]) -> Vec<String> {
        hits.iter()
            .map(|h| {
                let c = h.counterpart.as_ref().map_or("-".to_string(), |c| {
                    format!("{}{}", c.lang, if c.matched { "*" } else { "" })
                });
                let pair = h.paired_with.map_or(String::new(), |r| format!(" ={r}"));
                format!("{} {}/{} {}{pair} {c}", h.rank, h.story, h.lang, h.passage)
            })
            .collect()
    }

    #[test]
    fn counterparts_pair_and_count_once_per_story() {
        let r = ranked(&[
            ("a", "en", 1),
            ("a", "zh", 1),
            ("a", "en", 2),
            ("c", "en", 1),
        ]);
        let hits = arrange(&r, 10, 2, &marks(), &Two).unwrap();
        assert_eq!(
            brief(&hits),
            [
                "1 a/en 1 =2 zh*",
                "2 a/zh 1 =1 en*",
                "3 a/en 2 zh",
                "4 c/en 1 -"
            ]
        );
        let matched = hits[0].counterpart.as_ref().unwrap();
        assert_eq!(matched.highlights, [[7, 12]]);
        let unmatched = hits[2].counterpart.as_ref().unwrap();
        assert_eq!(
            (unmatched.text.as_str(), unmatched.highlights.len()),
            ("a zh 2", 0)
        );
        assert_eq!(hits[3].highlights, [[7, 12]]);
    }

    #[test]
    fn per_story_cap_and_limit() {
        let r = ranked(&[
            ("a", "en", 1),
            ("a", "en", 2),
            ("a", "en", 3),
            ("b", "en", 1),
            ("c", "en", 1),
        ]);
        let hits = arrange(&r, 10, 2, &marks(), &Two).unwrap();
        assert_eq!(
            brief(&hits),
            ["1 a/en 1 zh", "2 a/en 2 zh", "3 b/en 1 zh", "4 c/en 1 -"]
        );
        assert_eq!(arrange(&r, 2, 2, &marks(), &Two).unwrap().len(), 2);
        assert_eq!(arrange(&r, 10, 1, &marks(), &Two).unwrap().len(), 3);
    }
}
