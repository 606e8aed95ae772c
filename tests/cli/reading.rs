//! Naming a story: `archive show` and `search --story` take its id or a path as results show
//! it (with or without its `¶N`); a story the index does not hold is an error.

use crate::env::Env;

const STORY: &str = "2022-09-12-china-kazakhstan";

#[test]
fn show_reads_the_language_and_passage_a_path_names() {
    let env = Env::bundled();
    let zh = env.run(&["show", &format!("{STORY}/zh.md")]);
    assert_eq!(zh.code, 0, "{}", zh.stderr);
    let header = zh.stdout.lines().nth(1).unwrap_or_default();
    assert!(header.contains(" · zh · "), "{header}");

    let one = env.run(&["show", &format!("{STORY}/zh.md ¶18")]);
    assert_eq!(one.code, 0, "{}", one.stderr);
    assert!(one.stdout.starts_with("¶18 2019年6月"), "{}", one.stdout);
    assert_eq!(one.stdout.matches('¶').count(), 1, "{}", one.stdout);

    // An explicit --lang or --passage wins over what the path says.
    let en = env.run(&["show", &format!("{STORY}/zh.md ¶18"), "--lang", "en"]);
    assert!(en.stdout.starts_with("¶18 In June 2019"), "{}", en.stdout);
    let two = env.run(&["show", &format!("{STORY}/zh.md ¶18"), "--passage", "2"]);
    assert!(two.stdout.starts_with("¶2 "), "{}", two.stdout);
}

#[test]
fn a_path_given_to_search_story_restricts_its_language() {
    let env = Env::bundled();
    let zh = env.json(&[
        "search",
        "--json",
        "--story",
        &format!("{STORY}/zh.md"),
        "Kazakhstan",
    ]);
    assert!(!zh.is_empty());
    let langs: Vec<&str> = zh.iter().map(|h| h.lang.as_str()).collect();
    assert!(langs.iter().all(|l| *l == "zh"), "{langs:?}");
    let en = env.json(&[
        "search",
        "--json",
        "--lang",
        "en",
        "--story",
        &format!("{STORY}/zh.md ¶3"),
        "Kazakhstan",
    ]);
    assert!(!en.is_empty());
    let langs: Vec<&str> = en.iter().map(|h| h.lang.as_str()).collect();
    assert!(langs.iter().all(|l| *l == "en"), "{langs:?}");
}

#[test]
fn an_unknown_story_is_an_error_naming_it() {
    let env = Env::bundled();
    assert_eq!(env.run(&["index"]).code, 0);
    for args in [
        &["search", "--story", "nosuch", "ostrich"][..],
        &["show", "nosuch"],
    ] {
        let out = env.run(args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
        assert!(out.stderr.contains("\"nosuch\""), "{}", out.stderr);
    }
}

#[test]
fn only_the_first_passage_with_a_repeated_marker_pairs() {
    let env = Env::bundled();
    env.write(
        "archive/uneq/en.md",
        "---\ntitle: Uneq\n---\n\n<!-- ¶ 1 -->\nThe ostrich ran.\n\n<!-- ¶ 1 -->\nThe ostrich \
         slept.\n\nThe ostrich ate.\n",
    );
    env.write(
        "archive/uneq/zh.md",
        "鸵鸟跑了。\n\n鸵鸟睡了。\n\n鸵鸟吃了。\n",
    );
    let out = env.run(&["show", "--json", "uneq"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let story: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let aligns: Vec<u64> = story["passages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["align"].as_u64().unwrap())
        .collect();
    assert_eq!(aligns, [1, 0, 0]);
    let hits = env.json(&["search", "--json", "--lang", "en", "slept"]);
    let hit = hits.iter().find(|h| h.story == "uneq").expect("a hit");
    assert_eq!(hit.passage, 2);
    assert!(hit.counterpart.is_none(), "{:?}", hit.counterpart);
}

/// The `align` numbers `show --json` gives `story`'s passages in `lang`.
fn shown_aligns(env: &Env, story: &str, lang: &str) -> Vec<u64> {
    let out = env.run(&["show", "--json", story, "--lang", lang]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let story: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let passages = story["passages"].as_array().unwrap().iter();
    passages.map(|p| p["align"].as_u64().unwrap()).collect()
}

#[test]
fn passages_without_markers_pair_by_their_numbers_after_edits() {
    // The index keeps a passage's align number only when a marker gives it another: the
    // others are read off their places, which edits (old documents deleted, new ones added
    // after them) must not shift.
    let env = Env::bundled();
    let en = "Ostrich one.\n\nOstrich two.\n\nThe ostrich slept.\n";
    env.write("archive/plain/en.md", en);
    env.write(
        "archive/plain/zh.md",
        "鸵鸟一。\n\n鸵鸟二。\n\n鸵鸟睡了。\n",
    );
    for round in 0..2 {
        assert_eq!(
            shown_aligns(&env, "plain", "en"),
            [1, 2, 3],
            "round {round}"
        );
        assert_eq!(
            shown_aligns(&env, "plain", "zh"),
            [1, 2, 3],
            "round {round}"
        );
        let hits = env.json(&["search", "--json", "--lang", "en", "slept"]);
        let hit = hits.iter().find(|h| h.story == "plain").expect("a hit");
        let counterpart = hit.counterpart.as_ref().expect("a counterpart");
        assert_eq!((hit.passage, counterpart.passage), (3, 3), "round {round}");
        assert_eq!(counterpart.text, "鸵鸟睡了。");
        // Edited in place: the same passages, other words.
        env.write("archive/plain/en.md", en.replace("one", "uno"));
        env.write(
            "archive/plain/zh.md",
            "鸵鸟甲。\n\n鸵鸟乙。\n\n鸵鸟睡了。\n",
        );
    }
}

#[test]
fn two_files_of_one_story_and_language_keep_their_own_passage_numbers_for_pairing() {
    // `report.txt` beside `report/en.md` is one story in en, passages mixed (README): each
    // file's passages are numbered from 1, and pair by those numbers.
    let env = Env::empty();
    env.write(
        "archive/report/en.md",
        "zebra report one\n\nzebra report two\n",
    );
    env.write("archive/report.txt", "zebra notes one\n\nzebra notes two\n");
    env.write(
        "archive/report/zh.md",
        "<!-- ¶ 1 -->\n斑马一\n\n<!-- ¶ 2 -->\n斑马二\n\n<!-- ¶ 4 -->\n斑马四\n",
    );
    // No English passage is numbered 4.
    let hits = env.json(&["search", "--json", "--exact", "斑马四"]);
    let hit = hits.iter().find(|h| h.passage == 3).expect("zh ¶3");
    assert!(hit.counterpart.is_none(), "{:?}", hit.counterpart);
    let hits = env.json(&["search", "--json", "--exact", "\"notes one\""]);
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0].more_in_story, 0);
    let counterpart = hits[0].counterpart.as_ref().expect("a counterpart");
    assert_eq!((hits[0].passage, counterpart.passage), (1, 1));
    assert_eq!(counterpart.text, "斑马一");
}

#[test]
fn passages_a_marked_file_leaves_unpaired_pair_with_nothing() {
    // An unmarked passage and a repeated marker's later passage, at the same places in both
    // versions: neither pairs.
    let env = Env::empty();
    env.write(
        "archive/s/en.md",
        "<!-- ¶ 1 -->\nzebra one\n\nzebra two\n\n<!-- ¶ 1 -->\nzebra three\n",
    );
    env.write(
        "archive/s/zh.md",
        "<!-- ¶ 1 -->\n斑马一\n\n斑马二\n\n<!-- ¶ 1 -->\n斑马三\n",
    );
    let hits = env.json(&["search", "--json", "--lang", "en", "zebra"]);
    let pairs: Vec<(u64, Option<u64>)> = hits
        .iter()
        .map(|h| (h.passage, h.counterpart.as_ref().map(|c| c.passage)))
        .collect();
    assert_eq!(pairs, [(1, Some(1)), (2, None), (3, None)]);
}

#[test]
fn one_passage_is_singular() {
    let env = Env::bundled();
    let file = env.root().join("note.md");
    std::fs::write(&file, "Zharkent station opened.\n").unwrap();
    let added = env.run(&["add", "--title", "Zharkent", file.to_str().unwrap()]);
    assert!(added.stderr.contains("(en, 1 passage)"), "{}", added.stderr);
    let shown = env.run(&["show", added.stdout.trim()]);
    assert!(shown.stdout.contains(" · 1 passage ("), "{}", shown.stdout);
}
