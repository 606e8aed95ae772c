//! What a reporter at a terminal sees: query words typed as the stick's guide prints them,
//! hits numbered with nothing hidden silently, counterparts only where versions line up, and
//! text wrapped to the window (through a pseudo-terminal where the terminal matters).

use crate::env::Env;

#[test]
fn an_excluded_word_needs_no_quotes() {
    let env = Env::bundled();
    // As README.txt on the stick prints it.
    let guide = include_str!("../../src/bundle_guide.txt");
    assert!(guide.contains("./archive search Tokayev -June "), "{guide}");
    let all = env.json(&[
        "search",
        "--json",
        "--lang",
        "en",
        "--per-story",
        "20",
        "Tokayev",
    ]);
    let without = env.json(&[
        "search",
        "--json",
        "--lang",
        "en",
        "--per-story",
        "20",
        "Tokayev",
        "-June",
    ]);
    assert!(all.iter().any(|h| h.text.contains("June")));
    assert!(!without.is_empty());
    assert!(without.iter().all(|h| !h.text.contains("June")));
    assert_eq!(
        without.len(),
        all.iter().filter(|h| !h.text.contains("June")).count()
    );
    // The exclusion first, options anywhere, `--` before words that look like options.
    let first = env.json(&[
        "search",
        "-June",
        "--json",
        "--lang",
        "en",
        "-n",
        "20",
        "--per-story",
        "20",
        "Tokayev",
    ]);
    assert_eq!(first.len(), without.len());
    let escaped = env.json(&[
        "search",
        "--json",
        "--lang",
        "en",
        "--per-story",
        "20",
        "--",
        "-June",
        "Tokayev",
    ]);
    assert_eq!(escaped.len(), without.len());
    // An unknown long option is still one clear error.
    let out = env.run(&["search", "Tokayev", "-June", "--jsn"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            2,
            "archive: unexpected argument '--jsn' found; see `archive --help`\n"
        )
    );
}

/// A story whose English has three paragraphs and whose Chinese has two (the second
/// paragraph left untranslated).
fn uneven(env: &Env, zh_markers: bool) {
    env.write(
        "archive/s/en.md",
        "---\ntitle: Camel milk\n---\n\nThe zebracorn herd grazes.\n\nA caravan crossed.\n\n\
         The zebracorn milk is sold.\n",
    );
    let zh = if zh_markers {
        "---\ntitle: 驼奶\n---\n\n<!-- ¶ 1 -->\n斑马独角兽群在吃草。\n\n<!-- ¶ 3 -->\n斑马独角兽奶出售。\n"
    } else {
        "---\ntitle: 驼奶\n---\n\n斑马独角兽群在吃草。\n\n斑马独角兽奶出售。\n"
    };
    env.write("archive/s/zh.md", zh);
}

/// Each hit's `lang ¶N`, with its counterpart's, from `--json`.
fn pairs(env: &Env, query: &str) -> Vec<String> {
    let hits = env.json(&["search", "--json", "--per-story", "10", query]);
    hits.iter()
        .map(|h| {
            let c = h.counterpart.as_ref();
            let c = c.map_or("-".into(), |c| format!("{} ¶{}", c.lang, c.passage));
            format!("{} ¶{} → {c}", h.lang, h.passage)
        })
        .collect()
}

#[test]
fn counterparts_only_where_versions_line_up() {
    let env = Env::empty();
    uneven(&env, false);
    // Paired by number, zh ¶2 would be the English ¶2's counterpart: it is not.
    assert_eq!(pairs(&env, "zebracorn"), ["en ¶1 → -", "en ¶3 → -"]);
    let out = env.run(&["search", "zebracorn"]);
    assert!(!out.stdout.contains("zh"), "{}", out.stdout);
    let served = env.serve(&[]);
    let api: Vec<serde_json::Value> = served.get("/api/search?q=zebracorn").json();
    assert!(api.iter().all(|h| h["counterpart"].is_null()), "{api:?}");
    drop(served);
    // Markers say which passages correspond.
    uneven(&env, true);
    let out = env.run(&["index"]);
    assert!(!out.stderr.contains("line up"), "{}", out.stderr);
    assert_eq!(pairs(&env, "zebracorn"), ["en ¶1 → zh ¶1", "en ¶3 → zh ¶2"]);
    assert_eq!(pairs(&env, "caravan"), ["en ¶2 → -"]);
    let hits = env.json(&["search", "--json", "出售"]);
    let c = hits[0].counterpart.as_ref().unwrap();
    assert_eq!((hits[0].passage, c.passage), (2, 3));
    assert_eq!(c.text, "The zebracorn milk is sold.");
    // The marker is not text.
    let shown = env.run(&["show", "s", "--lang", "zh"]);
    assert!(!shown.stdout.contains("<!--"), "{}", shown.stdout);
    // Versions of equal length pair by number.
    env.write(
        "archive/s/zh.md",
        "斑马独角兽群在吃草。\n\n商队经过。\n\n斑马独角兽奶出售。\n",
    );
    // (caravan also finds 商队: a pair.)
    assert_eq!(pairs(&env, "caravan"), ["en ¶2 → zh ¶2", "zh ¶2 → en ¶2"]);
}
