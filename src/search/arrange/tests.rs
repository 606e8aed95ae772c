//! The arranging of hits, on stories made up to show each rule.

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
