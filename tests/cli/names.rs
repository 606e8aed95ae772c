//! Names, spellings and two languages: typo tolerance, the variant list, aligned results,
//! filters and --explain.

use crate::env::Env;

#[test]
fn a_misspelt_name_finds_the_name_and_says_so() {
    let env = Env::bundled();
    let out = env.run(&["search", "--json", "Khorgoss"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("also searched: Khorgoss → khorgos"),
        "{}",
        out.stderr
    );
    let hit: crate::env::JsonHit =
        serde_json::from_str(out.stdout.lines().next().unwrap()).unwrap();
    assert!(hit.text.contains("Khorgos") || hit.text.contains("霍尔果斯"));
    assert!(hit
        .expanded
        .iter()
        .any(|e| e.kind == "spelling" && e.to == ["khorgos"]));
    // --exact turns it off.
    assert_eq!(env.run(&["search", "--exact", "Khorgoss"]).code, 1);
    // Short words are never fuzzy: one edit in four letters is another word.
    assert_eq!(env.run(&["search", "--exact", "Kzakh"]).code, 1);
}

#[test]
fn near_matches_rank_below_exact_ones_and_weigh_by_rarity() {
    let env = Env::bundled();
    let top = |q: &str| env.json(&["search", "--json", "--lang", "en", q]).remove(0);
    let exact = top("Osipova");
    let near = top("Osipovva");
    assert_eq!((near.passage, near.lang.as_str()), (exact.passage, "en"));
    // Passage scores: `score` is the story's, and the bundled archive has one story.
    assert!(
        near.passage_score < exact.passage_score,
        "{} vs {}",
        near.passage_score,
        exact.passage_score
    );
    // A near match on a rare name weighs more than one on a word in every other passage.
    let common = top("Kazakhztan");
    assert!(common.text.contains("Kazakhstan"));
    assert!(
        near.passage_score > common.passage_score * 2.0,
        "{} vs {}",
        near.passage_score,
        common.passage_score
    );
}

#[test]
fn han_text_is_never_fuzzy() {
    let env = Env::bundled();
    // One character off 霍尔果斯: found only as far as its exact bigrams go, never as a spelling.
    let out = env.run(&["search", "--json", "--lang", "zh", "霍尔果期"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("\"lang\":\"zh\""), "{}", out.stdout);
    // It may be translated (霍尔 → hall), never respelled as 霍尔果斯.
    assert!(!out.stderr.contains("霍尔果斯"), "{}", out.stderr);
    assert!(!out.stdout.contains("\"kind\":\"spelling\""));
}

#[test]
fn the_variant_list_crosses_scripts_both_ways() {
    let env = Env::bundled();
    let out = env.run(&["search", "--json", "--limit", "20", "Khorgos"]);
    assert!(
        out.stderr
            .contains("also searched: Khorgos → Khorgas, Horgos, 霍尔果斯"),
        "{}",
        out.stderr
    );
    let hits: Vec<crate::env::JsonHit> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(hits
        .iter()
        .any(|h| h.lang == "en" && h.text.contains("Khorgos")));
    assert!(hits
        .iter()
        .any(|h| h.lang == "zh" && h.text.contains("霍尔果斯")));
    assert!(hits[0]
        .expanded
        .iter()
        .any(|e| e.kind == "variant" && e.from == "Khorgos"));
    // The passage as typed leads.
    assert_eq!(hits[0].lang, "en");
    let zh = env.json(&["search", "--json", "--limit", "20", "霍尔果斯"]);
    assert_eq!(zh[0].lang, "zh");
    assert!(zh
        .iter()
        .any(|h| h.lang == "en" && h.text.contains("Khorgos")));
    // --exact: only what was typed.
    let exact = env.json(&["search", "--json", "--exact", "--limit", "20", "Khorgos"]);
    assert!(exact
        .iter()
        .all(|h| h.lang == "en" && h.expanded.is_empty()));
}

#[test]
fn a_name_spelt_three_ways_in_one_article_is_one_name() {
    let env = Env::bundled();
    // The English text spells him Shaymergenov (¶25), Shaimelgunov (¶26), Shaymergnov (¶27).
    for spelling in ["Shaymergenov", "Shaimelgunov", "Shaymergnov"] {
        let hits = env.json(&[
            "search", "--json", "--lang", "en", "--limit", "10", spelling,
        ]);
        let mut passages: Vec<u64> = hits.iter().map(|h| h.passage).collect();
        passages.sort();
        assert_eq!(passages, vec![25, 26, 27], "{spelling}");
    }
    let zh = env.json(&["search", "--json", "--lang", "zh", "Shaimelgunov"]);
    assert!(zh.iter().all(|h| h.text.contains("沙伊梅尔格诺夫")) && zh.len() == 3);
}

#[test]
fn multi_word_names_expand_as_a_whole() {
    let env = Env::bundled();
    let out = env.run(&["search", "--json", "--lang", "zh", "Xi Jinping"]);
    assert!(
        out.stderr.contains("also searched: Xi Jinping → 习近平"),
        "{}",
        out.stderr
    );
    assert_eq!(out.code, 0);
}

#[test]
fn per_story_caps_distinct_passages_and_filters_narrow_by_story_and_date() {
    let env = Env::bundled();
    env.write(
        "archive/later/en.md",
        "---\ntitle: Later\ndate: 2023-03-01\nlang: en\n---\n\nKazakhstan and trains.\n\nMore about Kazakhstan.\n",
    );
    let capped = env.json(&[
        "search",
        "--json",
        "--limit",
        "50",
        "--per-story",
        "2",
        "Kazakhstan",
    ]);
    for story in ["2022-09-12-china-kazakhstan", "later"] {
        let mut passages: Vec<u64> = capped
            .iter()
            .filter(|h| h.story == story)
            .map(|h| h.passage)
            .collect();
        passages.sort();
        passages.dedup();
        assert_eq!(passages.len(), 2, "{story}");
    }
    let only = env.json(&[
        "search",
        "--json",
        "--limit",
        "50",
        "--story",
        "later",
        "Kazakhstan",
    ]);
    assert!(only.iter().all(|h| h.story == "later") && only.len() == 2);
    let since = env.json(&[
        "search",
        "--json",
        "--limit",
        "50",
        "--since",
        "2023-01-01",
        "Kazakhstan",
    ]);
    assert!(since.iter().all(|h| h.date == "2023-03-01") && !since.is_empty());
    let until = env.json(&[
        "search",
        "--json",
        "--limit",
        "50",
        "--until",
        "2022-12-31",
        "Kazakhstan",
    ]);
    assert!(until.iter().all(|h| h.date == "2022-09-12") && !until.is_empty());
    let bad = env.run(&["search", "--since", "2022-13-01", "Kazakhstan"]);
    assert_eq!(bad.code, 2);
    assert_eq!(
        bad.stderr.trim(),
        "archive: date \"2022-13-01\" is not YYYY-MM-DD (a real calendar day)"
    );
}

#[test]
fn explain_shows_terms_expansions_and_score_shares() {
    let env = Env::bundled();
    let out = env.run(&["search", "--explain", "--lang", "en", "Khorgoss", "crane"]);
    let mut lines = out.stdout.lines();
    assert_eq!(
        lines.next(),
        // No translation: the article never says 起重机 (its crane is a 龙门吊).
        Some("query terms: khorgoss ~ khorgo  +  crane")
    );
    assert!(
        out.stdout
            .contains("spelling expansion: Khorgoss → khorgos"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("%) + crane"), "{}", out.stdout);
    let hits = env.json(&[
        "search",
        "--json",
        "--explain",
        "--lang",
        "en",
        "Khorgoss",
        "crane",
    ]);
    // Shares add up within each level: the story's whole text, and this passage.
    for level in ["story", "passage"] {
        let parts: Vec<_> = hits[0]
            .explain
            .iter()
            .filter(|t| t.level == level)
            .collect();
        let shares: f32 = parts.iter().map(|t| t.share).sum();
        assert!((shares - 1.0).abs() < 1e-3, "{level}: {shares}");
        assert!(parts.len() >= 2, "{level}: {parts:?}");
    }
}
