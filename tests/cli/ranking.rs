//! Ranking (issue 12): stories are ranked by their whole text, then shown by their best
//! passages; words near each other and the query's exact phrase rank higher.

use crate::env::Env;

/// Regression: a story holding every word across its paragraphs was hidden behind a short
/// passage holding one word, because all words had to be in one passage.
#[test]
fn a_story_holding_every_word_across_passages_comes_first_and_partial_stories_follow() {
    let env = Env::empty();
    env.write(
        "archive/orchard.txt",
        "Orchard notes\n\nThe apple trees were planted in spring.\n\nBy autumn the banana shed was full.\n",
    );
    env.write("archive/apples.txt", "Apples\n\napple apple\n");
    env.write("archive/cherries.txt", "Cherries\n\ncherry jam\n");
    let hits = env.json(&["search", "--json", "apple banana"]);
    let mut stories: Vec<(&str, bool)> = hits.iter().map(|h| (h.doc.as_str(), h.partial)).collect();
    stories.dedup();
    assert_eq!(
        stories,
        vec![("orchard", false), ("apples", true)],
        "{hits:#?}"
    );
    // The story's passages holding the words are its hits, under the story's score, best first.
    assert_eq!(
        (hits[0].score, hits[1].doc.as_str()),
        (hits[1].score, "orchard")
    );
    assert!(hits[0].passage_score >= hits[1].passage_score);
    // With a limit that the full stories fill, no partial story is shown.
    let one = env.json(&["search", "--json", "--limit", "1", "apple banana"]);
    assert_eq!((one.len(), one[0].doc.as_str()), (1, "orchard"));
}

#[test]
fn neighbouring_words_and_the_exact_phrase_rank_higher_in_both_scripts() {
    let env = Env::empty();
    // The same words in each script; only their distance differs.
    env.write(
        "archive/far.txt",
        "Far\n\nThe port opened a new terminal for trucks, and the flat land stayed dry all year.\n",
    );
    env.write(
        "archive/near.txt",
        "Near\n\nThe dry port opened a new terminal for trucks, and the land stayed flat all year.\n",
    );
    env.write(
        "archive/远.md",
        "远\n\n无水港今年开通了新的码头和许多卡车，当地的物流发展很快。\n",
    );
    env.write(
        "archive/近.md",
        "近\n\n物流今年开通了新的码头和许多卡车，当地的无水港发展很快。\n",
    );
    let en = env.json(&["search", "--json", "dry port"]);
    assert_eq!(en[0].doc, "near", "{en:#?}");
    let zh = env.json(&["search", "--json", "无水港发展"]);
    assert_eq!(zh[0].doc, "近", "{zh:#?}");
}

#[test]
fn explain_has_a_story_part_and_a_passage_part() {
    let env = Env::bundled();
    let hits = env.json(&["search", "--json", "--explain", "dry port Khorgos"]);
    let levels = |level: &str| hits[0].explain.iter().filter(|t| t.level == level).count();
    assert_eq!(
        (levels("story"), levels("passage") >= 3),
        (3, true),
        "{:?}",
        hits[0].explain
    );
    assert!(hits[0].story_score > 0.0 && hits[0].passage_score > 0.0);
    let out = env.run(&["search", "--explain", "dry port Khorgos"]);
    assert!(out.stdout.contains("= story "), "{}", out.stdout);
    assert!(out.stdout.contains("this passage "), "{}", out.stdout);
}

/// Regression (manpages-zh, man.name): a page whose one-line description is the query, as
/// typed, ranked below a longer page holding the same words scattered, because the query's cut
/// of the run (`套` `接字`) is not the text's and the run itself counted for nothing.
#[test]
fn a_han_run_typed_without_spaces_found_whole_in_a_passage_ranks_first() {
    let env = Env::empty();
    env.write(
        "archive/activate.txt",
        "socket-activate\n\nsystemd-socket-activate - 测试基于套接字启动的守护进程\n\n选项 OPTIONS\n",
    );
    env.write(
        "archive/daemon.txt",
        "daemon\n\n编写守护进程。基于套接字的启动可以让守护进程更快启动。\n\n\
         测试守护进程时，进程的启动方式很重要。每个字都要写清楚，守护进程基于套接字启动。\n\n\
         基于套接字启动守护进程，测试进程。\n",
    );
    let hits = env.json(&["search", "--json", "测试基于套接字启动的守护进程"]);
    assert_eq!(
        (hits[0].doc.as_str(), hits[0].passage),
        ("activate", 2),
        "{hits:#?}"
    );
}
