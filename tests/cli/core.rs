//! The core: index, search, the query language, JSON, exit codes.

use crate::env::{Env, JsonHit};

#[test]
fn search_builds_the_index_on_first_use_and_finds_khorgos_first_with_its_counterpart() {
    let env = Env::bundled();
    let out = env.run(&["search", "Khorgos"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("no index yet"), "{}", out.stderr);
    assert!(env.root().join("index/meta.json").exists());
    let hits = env.json(&["search", "--json", "Khorgos"]);
    assert_eq!(hits[0].lang, "en");
    assert!(
        hits[0].text.contains("Khorgos-Dongdamen"),
        "{:?}",
        hits[0].text
    );
    let cp = hits[0].counterpart.as_ref().expect("counterpart");
    assert_eq!((cp.lang.as_str(), cp.passage), ("zh", hits[0].passage));
    assert!(cp.text.contains("霍尔果斯"));
    // The human form shows the passage and, under it, its counterpart.
    let first = out.stdout.lines().take(4).collect::<Vec<_>>().join("\n");
    assert!(
        first.contains("[Khorgos]-Dongdamen") && first.contains("↳ zh ¶31"),
        "{first}"
    );
}

#[test]
fn index_prints_a_summary_on_stderr_and_nothing_on_stdout() {
    let env = Env::bundled();
    let out = env.run(&["index"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.contains("1 story, 96 passages (en, zh)"),
        "{}",
        out.stderr
    );
    let again = env.run(&["index"]);
    assert!(again.stderr.contains("up to date"), "{}", again.stderr);
}

#[test]
fn an_index_is_one_segment_after_a_full_build_and_as_it_grows() {
    // Each segment has term dictionaries of its own (a build split over the writer's threads
    // made the index 8% larger), and a search pays for every one.
    let env = Env::empty();
    for i in 0..200 {
        env.write(
            &format!("archive/s{i}.md"),
            format!("# 第{i}篇\n\n霍尔果斯口岸的火车又晚点了。\n\nKhorgos dry port {i}.\n"),
        );
    }
    let stores = || {
        std::fs::read_dir(env.root().join("index"))
            .unwrap()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "store"))
            .count()
    };
    for (n, story) in ["first", "second", "third"].iter().enumerate() {
        if n > 0 {
            env.write(
                &format!("archive/{story}.md"),
                format!("# The {story} story\n\nKhorgos again.\n"),
            );
        }
        let out = env.run(&["index"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert_eq!(stores(), 1, "after the {story} run");
    }
    let hits = env.json(&["search", "--json", "Khorgos again"]);
    let mut best: Vec<&str> = hits.iter().take(2).map(|h| h.story.as_str()).collect();
    best.sort();
    assert_eq!(best, ["second", "third"]);
}

/// A word found only in story `i`: letters (one word to the analyzer), each pair three times,
/// so that no other story's is a near spelling of it.
fn own_word(i: usize) -> String {
    let letter = |n: usize| char::from(b'a' + (n % 26) as u8);
    format!("zorb{}{}", letter(i / 26), letter(i)).repeat(3)
}

/// Each hit of story `i`'s own word names that story, with its title, date and file.
fn hits_name_their_story(env: &Env, i: usize, title: &str) {
    let word = own_word(i);
    let hits = env.json(&["search", "--json", "--per-story", "10", &word]);
    assert_eq!(hits.len(), 4, "{word}: every passage of story {i}");
    for h in hits {
        let story = format!("s{i:03}");
        assert_eq!(
            (
                h.story,
                h.title.as_str(),
                h.date.as_str(),
                h.path,
                h.lang.as_str()
            ),
            (
                story.clone(),
                title,
                "2020-01-02",
                format!("{story}/en.md"),
                "en"
            ),
            "{word}, passage {}",
            h.passage
        );
    }
}

#[test]
fn every_passage_names_its_own_story_after_edits_and_merges() {
    // Only a story document stores its story's id, title, date and file; a passage reads them
    // from the story document after it, so a file's documents must stay neighbours though two
    // threads read files at once, and through the merges that follow edits.
    let env = Env::empty();
    let story = |i: usize, title: &str| {
        let word = own_word(i);
        let mut text = format!("---\ntitle: {title}\ndate: 2020-01-02\nlang: en\n---\n");
        for p in 0..4 {
            text.push_str(&format!("\nParagraph {p} of the report holds {word}.\n"));
        }
        // Long enough for the two reading threads' files to be filed at the same time.
        for p in 4..300 {
            text.push_str(&format!("\nParagraph {p} of the report.\n"));
        }
        env.write(&format!("archive/s{i:03}/en.md"), text);
    };
    for i in 0..120 {
        story(i, &format!("Report {i}"));
    }
    let out = env.run(&["index"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for round in 0..3 {
        for i in (round..120).step_by(17) {
            story(i, &format!("Report {i}, edit {round}"));
        }
        let out = env.run(&["index"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    for i in 0..120 {
        let last_edit = (0..3).rev().find(|r| i >= *r && (i - r) % 17 == 0);
        let title = match last_edit {
            Some(r) => format!("Report {i}, edit {r}"),
            None => format!("Report {i}"),
        };
        hits_name_their_story(&env, i, &title);
    }
}

#[test]
fn json_lines_follow_the_documented_contract() {
    let env = Env::bundled();
    let out = env.run(&["search", "--json", "--limit", "4", "SINOOIL"]);
    assert_eq!(out.code, 0);
    let hits: Vec<JsonHit> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(hits.len(), 4);
    for (i, h) in hits.iter().enumerate() {
        assert_eq!(h.rank, i + 1);
        assert!(h.score > 0.0);
        assert_eq!(
            (h.story.as_str(), h.doc.as_str()),
            ("2022-09-12-china-kazakhstan", "2022-09-12-china-kazakhstan")
        );
        assert_eq!(h.path, format!("2022-09-12-china-kazakhstan/{}.md", h.lang));
        for [a, b] in &h.highlights {
            assert_eq!(&h.text[*a..*b], "SINOOIL");
        }
        assert!(h.snippet.contains("[SINOOIL]"));
        // Each SINOOIL passage's counterpart holds SINOOIL too: they are pairs.
        let cp = h.counterpart.as_ref().unwrap();
        assert!(cp.matched);
        let partner = &hits[h.paired_with.expect("paired") - 1];
        assert_eq!(
            (partner.lang.as_str(), partner.passage),
            (cp.lang.as_str(), cp.passage)
        );
    }
    assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
}

#[test]
fn pairs_are_shown_once_in_the_human_form() {
    let env = Env::bundled();
    let out = env.run(&["search", "SINOOIL"]);
    let numbered: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| {
            l.split_once(". ")
                .is_some_and(|(n, _)| n.parse::<u32>().is_ok())
        })
        .collect();
    assert!(
        numbered[0].starts_with("1. en ¶11  ") && numbered[1].starts_with("2. en ¶10  "),
        "{}",
        out.stdout
    );
    assert_eq!(
        out.stdout.matches("↳ zh ¶11  ").count(),
        1,
        "{}",
        out.stdout
    );
    assert!(
        !numbered.iter().any(|l| l.contains("zh ¶11")),
        "{}",
        out.stdout
    );
}

#[test]
fn exit_codes_are_those_of_grep() {
    let env = Env::bundled();
    assert_eq!(env.run(&["search", "Khorgos"]).code, 0);
    let none = env.run(&["search", "xyzzyplugh"]);
    assert_eq!((none.code, none.stdout.as_str()), (1, ""));
    let bad = env.run(&["search", "Khorgos", "OR"]);
    assert_eq!(bad.code, 2);
    assert_eq!(
        bad.stderr.trim(),
        "archive: bad query: OR needs a word or phrase on each side at character 9"
    );
    assert_eq!(env.run(&["search", "--limit", "x", "y"]).code, 2);
    let zero = env.run(&["search", "--limit", "0", "Khorgos"]);
    assert_eq!(zero.code, 2);
    assert_eq!(
        zero.stderr.trim(),
        "archive: limit must be from 1 to 1000, not 0"
    );
}

#[test]
fn a_missing_index_and_archive_is_one_clear_line() {
    let env = Env::empty();
    let out = env.run(&["search", "Khorgos"]);
    assert_eq!(out.code, 2);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(out.stderr.contains("no archive found"), "{}", out.stderr);
    let out = env.run(&["index"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no archive found"), "{}", out.stderr);
}

#[test]
fn chinese_typed_without_spaces_needs_every_word_not_the_phrase() {
    let env = Env::bundled();
    // 霍尔果斯 and 无水港 are in passage 31, but never side by side.
    let hits = env.json(&["search", "--json", "霍尔果斯无水港"]);
    assert_eq!((hits[0].lang.as_str(), hits[0].passage), ("zh", 31));
    assert!(!hits[0].text.contains("霍尔果斯无水港"));
    // Each word must be in the story, not in one passage (issue 12): 乌鲁木齐 and 无水港 are
    // never in one passage, but the zh story holds both, so it is a full match.
    let out = env.run(&["search", "--json", "乌鲁木齐无水港"]);
    assert!(!out.stderr.contains("hold some"), "{}", out.stderr);
    let first: JsonHit = serde_json::from_str(out.stdout.lines().next().unwrap()).unwrap();
    assert_eq!((first.lang.as_str(), first.partial), ("zh", false));
    // A word no story holds makes every story partial, and stderr says so.
    let out = env.run(&["search", "--json", "乌鲁木齐无水港zzzq"]);
    assert!(
        out.stderr.contains("showing stories that hold some"),
        "{}",
        out.stderr
    );
}

#[test]
fn phrases_or_exclusion_and_language_filter() {
    let env = Env::bundled();
    let phrase = env.json(&["search", "--json", "\"camel milk powder\""]);
    assert!(phrase[0].text.contains("camel milk powder"));
    // A quote left open runs to the end: the same search, as the page gets while typing.
    let open = env.run(&["search", "--json", "\"camel milk powder"]);
    assert_eq!(open.code, 0, "{}", open.stderr);
    let closed = env.run(&["search", "--json", "\"camel milk powder\""]);
    assert_eq!(open.stdout, closed.stdout);
    let scattered = env.run(&["search", "--json", "\"powder milk camel\""]);
    assert_eq!(scattered.code, 1, "{}", scattered.stdout);
    let zh_phrase = env.json(&["search", "--json", "--exact", "\"一带一路\""]);
    assert!(zh_phrase.iter().all(|h| h.text.contains("一带一路")));
    let or = env.json(&["search", "--json", "--limit", "50", "Atyrau OR Urumqi"]);
    assert!(or.iter().any(|h| h.text.contains("Atyrau")));
    assert!(or.iter().any(|h| h.text.contains("Urumqi")));
    let not = env.json(&["search", "--json", "--limit", "50", "Tokayev -June"]);
    assert!(!not.is_empty() && not.iter().all(|h| !h.text.contains("June")));
    let zh = env.json(&["search", "--json", "--lang", "zh", "SINOOIL"]);
    assert!(zh.iter().all(|h| h.lang == "zh") && !zh.is_empty());
    assert_eq!(env.run(&["search", "--lang", "fr1", "x"]).code, 2);
}

#[test]
fn a_language_whose_stories_are_all_removed_is_no_longer_held() {
    let env = Env::bundled();
    assert!(!env
        .json(&["search", "--json", "--lang", "zh", "霍尔果斯"])
        .is_empty());
    let story = env.root().join("archive/2022-09-12-china-kazakhstan");
    std::fs::remove_file(story.join("zh.md")).unwrap();
    // The search updates the index first: the Chinese passages are deleted, not yet merged away.
    let out = env.run(&["search", "--lang", "zh", "霍尔果斯"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("no stories in zh; the index holds en"),
        "{}",
        out.stderr
    );
    assert!(!env.json(&["search", "--json", "Khorgos"]).is_empty());
}

#[test]
fn a_question_with_no_full_match_returns_partial_matches() {
    let env = Env::bundled();
    // No passage names Almaty: the crane driver's passage holds the most of the rest.
    let out = env.run(&[
        "search",
        "--json",
        "who drives the gantry crane near Almaty",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let first: JsonHit = serde_json::from_str(out.stdout.lines().next().unwrap()).unwrap();
    assert!(first.partial);
    assert!(first.text.contains("gantry crane driver"));
    // Function words are never required: this question matches fully.
    let full = env.json(&["search", "--json", "who drives the gantry crane at Khorgos"]);
    assert!(!full[0].partial && full[0].text.contains("gantry crane driver"));
    let zh = env.json(&["search", "--json", "什么是无水港"]);
    assert!(!zh[0].partial && zh[0].text.contains("无水港"));
}

/// Regression: with a filter, a query matching nothing returned every filtered passage.
#[test]
fn a_filter_alone_never_makes_a_hit() {
    let env = Env::bundled();
    let out = env.run(&["search", "--lang", "en", "zzzzqqq", "xxxyyyww"]);
    assert_eq!((out.code, out.stdout.as_str()), (1, ""));
}

#[test]
fn a_plain_folder_of_text_files_is_searchable() {
    let env = Env::empty();
    env.write(
        "archive/notes/khorgos.txt",
        "Khorgos dry port visit\n\nThe trains were late again.\n",
    );
    env.write("archive/笔记.md", "霍尔果斯口岸\n\n今天的火车又晚点了。\n");
    let hits = env.json(&["search", "--json", "trains"]);
    assert_eq!(hits[0].title, "Khorgos dry port visit");
    assert_eq!(
        (hits[0].story.as_str(), hits[0].lang.as_str()),
        ("notes/khorgos", "en")
    );
    assert_eq!(hits[0].date, "");
    assert!(hits[0].counterpart.is_none());
    let zh = env.json(&["search", "--json", "火车"]);
    assert_eq!(
        (zh[0].lang.as_str(), zh[0].title.as_str()),
        ("zh", "霍尔果斯口岸")
    );
}

#[test]
fn stdout_closed_early_is_not_an_error() {
    let env = Env::bundled();
    // Far more output than a pipe holds, so the write fails after `head` exits.
    let story = crate::env::project().join("archive/2022-09-12-china-kazakhstan");
    for i in 0..40 {
        crate::env::copy_dir(&story, &env.root().join(format!("archive/copy-{i:02}")));
    }
    env.run(&["index"]);
    let args = [
        "search",
        "--limit",
        "1000",
        "--per-story",
        "1000",
        "Kazakhstan",
    ];
    assert!(env.run(&args).stdout.len() > 256 * 1024);
    let out = env.run_piped_to_head(&args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // The first story's title, in either language.
    let title = out.stdout.trim_end();
    assert!(
        title.starts_with("Heads of State") || title.starts_with("元首外交"),
        "{}",
        out.stdout
    );
    assert!(
        !out.stderr.contains("Broken pipe") && !out.stderr.contains("panicked"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_public_quality_checks_pass() {
    let env = Env::bundled();
    env.run(&["index"]);
    for table in ["article.tsv", "article-more.tsv"] {
        let out = env.check_queries(table);
        assert!(out.ends_with(" 0 failed"), "{table}: {out}");
    }
}

/// Regression (found by the property tests): excluding a phrase made tantivy's phrase scorer
/// seek backwards, an internal error in debug builds.
#[test]
fn excluding_a_phrase_is_not_an_internal_error() {
    let env = Env::bundled();
    env.run(&["index"]);
    let hits = env.json(&[
        "search",
        "--json",
        "--exact",
        "--limit",
        "50",
        "--per-story",
        "50",
        "Kazakhstan -\"Nur Sultan\"",
    ]);
    assert!(!hits.is_empty() && hits.iter().all(|h| !h.text.contains("Nur-Sultan")));
    let out = env.run(&["search", "0\"?\"-1~M尔“;\"“M\""]);
    assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
}

#[test]
fn a_counterpart_that_matched_is_marked_even_when_ranked_below_the_cap() {
    // `Tokayev -June` matches six passage pairs; the per-story cap shows three. Each shown English
    // passage's counterpart names 托卡耶夫 (a variant of the query), so it is marked as matched
    // even when the Chinese passage itself ranked below the window of passages read.
    let env = Env::bundled();
    let hits = env.json(&["search", "--json", "Tokayev", "-June"]);
    assert!(
        hits.iter().filter(|h| h.lang == "en").count() >= 3,
        "{hits:?}"
    );
    for h in hits.iter().filter(|h| h.lang == "en") {
        let cp = h.counterpart.as_ref().expect("counterpart");
        assert!(cp.text.contains("托卡耶夫"), "{cp:?}");
        assert!(cp.matched, "zh ¶{} not marked matched", cp.passage);
        assert!(
            cp.highlights
                .iter()
                .all(|[a, b]| &cp.text[*a..*b] == "托卡耶夫")
                && !cp.highlights.is_empty(),
            "zh ¶{}: {:?}",
            cp.passage,
            cp.highlights
        );
    }
}

#[test]
fn an_exclusion_covers_the_words_other_names_and_the_pair_it_would_be_shown_with() {
    let env = Env::bundled();
    // `-Tokayev` also leaves out his name in Chinese (the variant list pairs them).
    let hits = env.json(&[
        "search",
        "--json",
        "--limit",
        "50",
        "--per-story",
        "50",
        "Kazakhstan",
        "-Tokayev",
    ]);
    assert!(!hits.is_empty());
    for h in &hits {
        assert!(
            !h.text.contains("Tokayev") && !h.text.contains("托卡耶夫"),
            "{h:?}"
        );
    }
    // A hit is shown with its counterpart: a pair is left out when either side holds the
    // excluded word (zh ¶18 says 6月; its English counterpart says June).
    let hits = env.json(&["search", "--json", "--per-story", "50", "Tokayev", "-June"]);
    assert!(!hits.is_empty());
    for h in &hits {
        let cp = h.counterpart.as_ref().map_or("", |c| c.text.as_str());
        assert!(!h.text.contains("June") && !cp.contains("June"), "{h:?}");
    }
}
