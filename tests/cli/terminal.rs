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
