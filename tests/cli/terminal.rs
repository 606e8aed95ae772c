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
    let story: serde_json::Value = served.get("/api/story?story=s&lang=zh").json();
    assert_eq!(story["aligned"], false, "{story}");
    drop(served);
    // Markers say which passages correspond.
    uneven(&env, true);
    let out = env.run(&["index"]);
    assert!(!out.stderr.contains("line up"), "{}", out.stderr);
    assert_eq!(pairs(&env, "zebracorn"), ["en ¶1 → zh ¶1", "en ¶3 → zh ¶2"]);
    assert_eq!(pairs(&env, "caravan"), ["en ¶2 → -"]);
    let served = env.serve(&[]);
    let story: serde_json::Value = served.get("/api/story?story=s&lang=zh").json();
    assert_eq!(story["aligned"], true, "{story}");
    drop(served);
    let hits = env.json(&["search", "--json", "出售"]);
    let c = hits[0].counterpart.as_ref().unwrap();
    assert_eq!((hits[0].passage, c.passage), (2, 3));
    assert_eq!(c.text, "The zebracorn milk is sold.");
    // The marker is not text; the story API gives each passage's align number.
    let shown = env.run(&["show", "s", "--lang", "zh"]);
    assert!(!shown.stdout.contains("<!--"), "{}", shown.stdout);
    let story: serde_json::Value =
        serde_json::from_str(&env.run(&["show", "s", "--lang", "zh", "--json"]).stdout).unwrap();
    let aligns: Vec<(u64, u64)> = story["passages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["passage"].as_u64().unwrap(), p["align"].as_u64().unwrap()))
        .collect();
    assert_eq!(aligns, [(1, 1), (2, 3)]);
    // A marker on two passages: said at index time; the first pairs.
    env.write(
        "archive/s/zh.md",
        "<!-- ¶ 1 -->\n斑马独角兽群在吃草。\n\n<!-- ¶ 1 -->\n斑马独角兽奶出售。\n",
    );
    let out = env.run(&["index"]);
    assert!(
        out.stderr
            .contains("s/zh.md: alignment marker ¶ 1 is on more than one passage"),
        "{}",
        out.stderr
    );
    assert_eq!(pairs(&env, "herd"), ["en ¶1 → zh ¶1"]);
    // Versions of equal length pair by number.
    env.write(
        "archive/s/zh.md",
        "斑马独角兽群在吃草。\n\n商队经过。\n\n斑马独角兽奶出售。\n",
    );
    // (caravan also finds 商队: a pair.)
    assert_eq!(pairs(&env, "caravan"), ["en ¶2 → zh ¶2", "zh ¶2 → en ¶2"]);
}

/// Runs `archive ARGS` on the bundled index in a pseudo-terminal of `cols` × `rows` (util-linux
/// `script`), with `vars` set; returns its exit status and what the terminal showed.
pub(crate) fn on_terminal(
    env: &Env,
    (cols, rows): (u16, u16),
    vars: &[(&str, &str)],
    args: &[&str],
) -> (i32, String) {
    let mut words = vec![crate::env::BIN.to_string(), "--root".into()];
    words.push(env.root().to_str().unwrap().into());
    words.extend(args.iter().map(|a| a.to_string()));
    let quoted = shlex::try_join(words.iter().map(String::as_str)).unwrap();
    let script = format!("stty cols {cols} rows {rows}; exec {quoted}");
    let out = std::process::Command::new("script")
        .args(["-qec", &script, "/dev/null"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TERM", "xterm")
        .envs(vars.iter().copied())
        .stdin(std::process::Stdio::null())
        .output()
        .expect("util-linux script runs");
    let shown = String::from_utf8(out.stdout).unwrap().replace("\r\n", "\n");
    assert!(!shown.contains("panicked"), "{shown}");
    (out.status.code().unwrap_or(-1), shown)
}

/// Whitespace-separated words of `text` that are plain ASCII (Han text may break anywhere).
fn ascii_words(text: &str) -> Vec<&str> {
    text.split_whitespace().filter(|w| w.is_ascii()).collect()
}

#[test]
fn a_terminal_gets_lines_wrapped_to_its_width_between_words() {
    let env = Env::bundled();
    env.run(&["index"]);
    let piped = env.run(&["search", "Tokayev"]).stdout;
    assert!(piped.lines().any(|l| console::measure_text_width(l) > 100));
    let (code, shown) = on_terminal(&env, (50, 40), &[("NO_COLOR", "1")], &["search", "Tokayev"]);
    assert_eq!(code, 0, "{shown}");
    // stderr's `also searched` notes (wrapped too) come first.
    let shown: String = shown
        .lines()
        .skip_while(|l| l.starts_with("also searched") || l.starts_with("  "))
        .map(|l| format!("{l}\n"))
        .collect();
    for line in shown.lines() {
        assert!(console::measure_text_width(line) <= 50, "{line:?}\n{shown}");
    }
    // Nothing lost or changed: the same text, and no Latin word cut in two.
    let bare = |s: &str| s.split_whitespace().collect::<String>();
    assert_eq!(bare(&shown), bare(&piped));
    let words = ascii_words(&piped);
    for word in ascii_words(&shown) {
        assert!(words.contains(&word), "{word:?} is not a word of\n{piped}");
    }
    // A hanging indent: a hit's lines after its first are indented under its text.
    let lines: Vec<&str> = shown.lines().collect();
    let hit = lines.iter().position(|l| l.starts_with("1. en ¶")).unwrap();
    assert!(lines[hit + 1].starts_with("   ") && !lines[hit + 1].starts_with("   ↳"));
    let counterpart = lines
        .iter()
        .position(|l| l.starts_with("   ↳ zh ¶"))
        .unwrap();
    assert!(lines[counterpart + 1].starts_with("     "), "{shown}");
    assert!(shown.contains("3 more passages in this story"), "{shown}");
}

#[test]
fn colour_survives_wrapping() {
    let env = Env::bundled();
    env.run(&["index"]);
    let (code, shown) = on_terminal(&env, (50, 40), &[], &["search", "Tokayev"]);
    assert_eq!(code, 0, "{shown}");
    let red = "\x1b[1;31m";
    assert!(shown.contains(&format!("{red}Tokayev\x1b[0m")), "{shown:?}");
    // Every line closes what it opens, so a mark broken over two lines is marked on both.
    for line in shown.lines().filter(|l| l.contains('\x1b')) {
        let last_open = line
            .rfind(red)
            .or(line.rfind("\x1b[2m"))
            .or(line.rfind("\x1b[1m"));
        assert!(
            last_open.is_none_or(|at| line[at..].contains("\x1b[0m")),
            "{line:?}"
        );
    }
    // At this width 托卡耶夫 in zh ¶18 is broken over two lines: both parts are marked.
    let broken = shown
        .lines()
        .zip(shown.lines().skip(1))
        .find(|(a, _)| a.ends_with(&format!("{red}托卡耶\x1b[0m")));
    let (_, next) = broken.expect("a mark broken over two lines");
    assert!(
        next.starts_with(&format!("     {red}夫\x1b[0m")),
        "{next:?}"
    );
}

#[test]
fn no_match_is_said_on_a_terminal_and_nowhere_else() {
    let env = Env::bundled();
    env.run(&["index"]);
    let (code, shown) = on_terminal(&env, (80, 24), &[], &["search", "railway"]);
    assert_eq!(code, 1, "{shown}");
    assert!(
        shown.contains("no passage matched \"railway\"; try another spelling"),
        "{shown}"
    );
    let (code, shown) = on_terminal(
        &env,
        (80, 24),
        &[],
        &["search", "--exact", "zebracorns", "unicorns"],
    );
    assert_eq!(code, 1, "{shown}");
    assert!(
        shown.contains(
            "no passage matched \"zebracorns unicorns\"; try fewer words, without --exact, or another spelling or language"
        ),
        "{shown}"
    );
    // A script gets grep's silence and status.
    let out = env.run(&["search", "railway"]);
    assert_eq!((out.code, out.stdout.as_str()), (1, ""));
    assert!(!out.stderr.contains("no passage matched"), "{}", out.stderr);
}

#[test]
fn a_long_story_is_paged_on_a_small_terminal() {
    let env = Env::bundled();
    env.run(&["index"]);
    let pager = [("PAGER", "sed s/^/paged:/")];
    let id = "2022-09-12-china-kazakhstan";
    let (code, shown) = on_terminal(&env, (80, 20), &pager, &["show", id]);
    assert_eq!(code, 0, "{shown}");
    assert!(shown.lines().all(|l| l.starts_with("paged:")), "{shown}");
    let (_, shown) = on_terminal(&env, (80, 20), &pager, &["show", id, "--passage", "3"]);
    assert!(
        !shown.contains("paged:") && shown.starts_with("¶3 "),
        "{shown}"
    );
}

#[test]
fn a_pager_that_fails_leaves_the_story_printed() {
    let env = Env::bundled();
    env.run(&["index"]);
    let id = "2022-09-12-china-kazakhstan";
    let (code, shown) = on_terminal(&env, (80, 20), &[("PAGER", "false")], &["show", id]);
    assert_eq!(code, 0, "{shown}");
    assert!(shown.contains("¶48 "), "{shown}");
}

#[test]
fn what_the_per_story_cap_hides_is_counted_and_shown_by_the_command_it_names() {
    let env = Env::bundled();
    let hits = env.json(&[
        "search",
        "--json",
        "--lang",
        "en",
        "--per-story",
        "1",
        "Tokayev",
    ]);
    assert_eq!(hits.len(), 1);
    assert_eq!((hits[0].hit, hits[0].more_in_story), (1, 5));
    let out = env.run(&["search", "--lang", "en", "--per-story", "1", "Tokayev"]);
    let line = out.stdout.lines().last().unwrap();
    let command = line
        .strip_prefix("   5 more passages in this story: archive ")
        .unwrap_or_else(|| panic!("{line}"));
    let args: Vec<&str> = command.split(' ').collect();
    let all = env.json(&[&args[..1], &["--json"], &args[1..]].concat());
    assert_eq!(all.len(), 6);
    assert!(all.iter().all(|h| h.more_in_story == 0));
    let numbers: Vec<usize> = all.iter().map(|h| h.hit).collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5, 6]);
    // Pairs share their number; every passage matched in either language is shown.
    let both = env.json(&["search", "--json", "--story", &all[0].story, "Tokayev"]);
    assert_eq!(both.iter().map(|h| h.hit).max(), Some(6));
    assert!(both.iter().all(|h| h.paired_with.is_some()), "{both:?}");
    assert!(both.iter().all(|h| h.more_in_story == 0));
}

#[test]
fn stories_left_out_by_the_limit_are_said_with_the_command_that_shows_them() {
    let env = Env::empty();
    for n in 1..=3 {
        env.write(
            &format!("archive/s{n}.md"),
            format!("Story {n}\n\nThe zebracorn came back {n} times.\n"),
        );
    }
    let out = env.run(&["search", "-n", "2", "zebracorn"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout.matches("zebracorn]").count(),
        2,
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .ends_with("\n\nmore stories matched: archive search --limit 4 zebracorn\n"),
        "{}",
        out.stdout
    );
    let all = env.run(&["search", "--limit", "4", "zebracorn"]);
    assert_eq!(
        all.stdout.matches("zebracorn]").count(),
        3,
        "{}",
        all.stdout
    );
    assert!(!all.stdout.contains("more stories"), "{}", all.stdout);
}
