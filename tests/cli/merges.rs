//! Merging after a run (issue 14): segments of like sizes become one, a small update's segment
//! stays apart from a large one, and a run killed at any point, its merges included, leaves
//! the last commit or the new one, whole, and the next run completes the merge.

use std::time::Instant;

use crate::env::{kill_points, Env};

/// Stories per batch: 180 stories of 61 documents (60 passages and the story) are more
/// passages than the merge of small segments takes (10,000), so merging two batches is a
/// merge of large segments.
const STORIES: usize = 180;

/// `STORIES` stories of 60 passages under `folder-NNN/en.md`, each holding `word` once.
fn long_stories(env: &Env, folder: &str, word: &str) {
    for i in 0..STORIES {
        let mut text = format!("Report {i} says {word} at the border.\n\n");
        for p in 1..60 {
            text.push_str(&format!(
                "Paragraph {p}: the dry port at Khorgos moved {} containers.\n\n",
                i * 61 + p
            ));
        }
        env.write(&format!("archive/{folder}-{i:03}/en.md"), text);
    }
}

/// The index's segments (one `.idx` file each).
fn segments(env: &Env) -> usize {
    std::fs::read_dir(env.root().join("index"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".idx"))
        .count()
}

#[test]
fn like_segments_merge_a_small_update_stays_apart_and_a_killed_merge_completes_later() {
    let env = Env::empty();
    long_stories(&env, "first", "Khorgos");
    assert_eq!(env.run(&["index"]).code, 0);
    long_stories(&env, "second", "Zharkent");
    let started = Instant::now();
    let out = env.run(&["index"]);
    let full = started.elapsed();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(segments(&env), 1, "two segments of like sizes merge");
    for round in 0..2 {
        env.write(
            "archive/second-000/en.md",
            format!("Zharkent edit {round}\n"),
        );
        assert_eq!(env.run(&["index"]).code, 0);
        assert_eq!(
            segments(&env),
            2,
            "round {round}: an edit's segment stays apart"
        );
    }
    // The second batch revised, its run killed at pseudo-random points, merges included.
    for (round, delay) in kill_points(full, 1.3).take(8).enumerate() {
        let word = format!("Revised{round}x");
        long_stories(&env, "second", &format!("Zharkent {word}"));
        env.index_killed_after(delay);
        let at = format!("round {round}: killed after {delay:?}");
        let revised = env.hits_in_last_commit(&word, 1);
        assert!(
            revised == 0 || revised == STORIES,
            "{at}: {revised} revised"
        );
        assert_eq!(env.hits_in_last_commit("Zharkent", 1), STORIES, "{at}");
        let out = env.run(&["index"]);
        assert_eq!(out.code, 0, "{at}: {}", out.stderr);
        assert_eq!(env.hits_in_last_commit(&word, 1), STORIES, "{at}");
        assert_eq!(segments(&env), 1, "{at}: the merge is completed");
    }
}
