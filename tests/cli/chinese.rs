//! Chinese search a reporter can trust: traditional script, words inside words, user words,
//! the analyzer's identity.

use crate::env::Env;

const TRADITIONAL: &str = "---\ntitle: 霍爾果斯見聞\ndate: 2022-10-01\nlang: zh-TW\n---\n\n努爾蘇丹是哈薩克斯坦的首都。\n\n霍爾果斯口岸的貨物越來越多。\n";

#[test]
fn traditional_and_simplified_find_each_other() {
    let env = Env::bundled();
    env.write("archive/tw-notes/zh.md", TRADITIONAL);
    // A simplified query finds the traditional story, shown in its own script.
    let hits = env.json(&["search", "--json", "--story", "tw-notes", "霍尔果斯口岸"]);
    assert_eq!(hits[0].text, "霍爾果斯口岸的貨物越來越多。");
    let [a, b] = hits[0].highlights[0];
    assert_eq!(&hits[0].text[a..b], "霍爾果斯口岸");
    // A traditional query finds the simplified bundled story.
    let hits = env.json(&[
        "search",
        "--json",
        "--exact",
        "--story",
        "2022-09-12-china-kazakhstan",
        "努爾蘇丹",
    ]);
    assert!(hits[0].text.contains("努尔苏丹"), "{}", hits[0].text);
    // And both ways for the same name across the two stories.
    let both = env.json(&[
        "search",
        "--json",
        "--exact",
        "--lang",
        "zh",
        "--limit",
        "50",
        "努尔苏丹",
    ]);
    assert!(both.iter().any(|h| h.story == "tw-notes"));
    assert!(both
        .iter()
        .any(|h| h.story == "2022-09-12-china-kazakhstan"));
}

#[test]
fn a_word_finds_the_longer_words_it_is_part_of() {
    let env = Env::bundled();
    // The bundled Chinese text has 哈萨克 only inside 哈萨克斯坦.
    let hits = env.json(&["search", "--json", "--exact", "--lang", "zh", "哈萨克"]);
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| h.text.contains("哈萨克斯坦")));
}

#[test]
fn any_run_of_han_characters_finds_its_passage() {
    let env = Env::bundled();
    // Inside the name 沙伊梅尔格诺夫, which the segmenter keeps whole.
    let hits = env.json(&["search", "--json", "--exact", "梅尔格诺"]);
    assert!(hits[0].text.contains("沙伊梅尔格诺夫"), "{}", hits[0].text);
    assert_eq!(hits[0].lang, "zh");
}

#[test]
fn whole_word_matches_rank_above_substring_matches() {
    let env = Env::empty();
    // jieba: 铁路/口岸/… and 他/在/出口/岸边/…: 口岸 is a word only in the first.
    env.write("archive/a.txt", "码头\n\n他在出口岸边卸货。\n");
    env.write("archive/b.txt", "铁路\n\n铁路口岸今天开放。\n");
    let hits = env.json(&["search", "--json", "口岸"]);
    let docs: Vec<&str> = hits.iter().map(|h| h.story.as_str()).collect();
    assert_eq!(docs, vec!["b", "a"]);
    assert!(
        hits[0].score > hits[1].score * 2.0,
        "{} vs {}",
        hits[0].score,
        hits[1].score
    );
}

#[test]
fn user_words_keep_names_whole_in_index_and_query() {
    let env = Env::bundled();
    let explain = env.run(&["search", "--explain", "--exact", "托卡耶夫"]);
    assert!(
        explain.stdout.starts_with("query terms: 托卡耶夫\n"),
        "{}",
        explain.stdout
    );
    // Without the user word, jieba splits the name, and so does the query.
    let words = std::fs::read_to_string(env.root().join("archive/words.txt")).unwrap();
    env.write("archive/words.txt", words.replace("托卡耶夫\n", ""));
    assert!(env.run(&["index"]).stderr.contains("(full build)"));
    let explain = env.run(&["search", "--explain", "--exact", "托卡耶夫"]);
    let terms = explain.stdout.lines().next().unwrap();
    assert_ne!(terms, "query terms: 托卡耶夫", "{}", explain.stdout);
    // Found all the same, through the split words and the bigram field.
    assert!(explain.stdout.contains("[托卡耶夫]"), "{}", explain.stdout);
}

#[test]
fn an_index_from_another_analyzer_is_refused_by_search_and_rebuilt_by_index() {
    let env = Env::bundled();
    assert_eq!(env.run(&["index"]).code, 0);
    std::fs::OpenOptions::new()
        .append(true)
        .open(env.root().join("archive/words.txt"))
        .and_then(|mut f| std::io::Write::write_all(&mut f, "新词语\n".as_bytes()))
        .unwrap();
    // Only the word list differs: the error says so.
    let out = env.run(&["search", "Khorgos"]);
    assert_eq!(out.code, 2);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("words.txt is not the words.txt the index"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("run `archive index`"), "{}", out.stderr);
    let words = env.root().join("archive/words.txt");
    let list = std::fs::read(&words).unwrap();
    std::fs::remove_file(&words).unwrap();
    let out = env.run(&["search", "Khorgos"]);
    assert_eq!(out.code, 2);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("words.txt is missing"),
        "{}",
        out.stderr
    );
    std::fs::write(&words, list).unwrap();
    let rebuilt = env.run(&["index"]);
    assert!(
        rebuilt.stderr.contains("(full build)"),
        "{}",
        rebuilt.stderr
    );
    assert_eq!(env.run(&["search", "Khorgos"]).code, 0);
}

#[test]
fn a_word_inside_a_longer_word_counts_as_held_by_its_story() {
    let env = Env::empty();
    // jieba: 口岸 is a word in b only (他/在/出口/岸边 in a).
    env.write(
        "archive/a.txt",
        "码头\n\n他在出口岸边卸货。\n\n货物很多。\n",
    );
    env.write(
        "archive/b.txt",
        "铁路\n\n铁路口岸今天开放。\n\n货物很多。\n",
    );
    env.write("archive/c.txt", "仓库\n\n货物很多。\n");
    let hits = env.json(&["search", "--json", "口岸 货物"]);
    let whole: Vec<&str> = hits
        .iter()
        .filter(|h| !h.partial)
        .map(|h| h.story.as_str())
        .collect();
    assert!(whole.contains(&"a") && whole.contains(&"b"), "{whole:?}");
    assert!(!whole.contains(&"c"), "{whole:?}");
    assert_eq!(hits[0].story, "b");
}
