//! The human output as a contract (exact text, without a terminal and with NO_COLOR), and the
//! small promises around it: one-line argument errors, each expansion said once, nothing from
//! a story able to drive the terminal.

use crate::env::Env;

/// `archive search` without a terminal, and with NO_COLOR set: the same plain text.
fn plain(env: &Env, args: &[&str]) -> String {
    let out = env.run(args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mut with_no_colour = env.command(args);
    with_no_colour.env("NO_COLOR", "1");
    let again = with_no_colour.output().unwrap();
    assert_eq!(String::from_utf8(again.stdout).unwrap(), out.stdout);
    out.stdout
}

#[test]
fn human_output_is_exact() {
    let env = Env::bundled();
    env.run(&["index"]);
    let out = plain(&env, &["search", "--limit", "3", "Khorgos"]);
    assert_eq!(out, EXPECTED_PAIR, "got:\n{out}");
    let out = plain(&env, &["search", "--limit", "2", "--lang", "zh", "无水港"]);
    assert_eq!(out, EXPECTED_HAN, "got:\n{out}");
    let out = plain(
        &env,
        &[
            "search",
            "--explain",
            "--lang",
            "en",
            "--limit",
            "1",
            "Khorgoss",
            "crane",
        ],
    );
    assert_eq!(out, EXPECTED_EXPLAIN, "got:\n{out}");
    let out = plain(
        &env,
        &["search", "--per-story", "1", "--lang", "en", "Tokayev"],
    );
    assert_eq!(out, EXPECTED_MORE, "got:\n{out}");
}

/// The story's title, its id and date, then its hits: one whose counterpart matched too,
/// shown once, as a pair.
const EXPECTED_PAIR: &str = r#"Heads of State Diplomacy | Jointly Create Another Golden Thirty Years for the Development of China-Kazakhstan Relations
2022-09-12-china-kazakhstan · 2022-09-12
1. en ¶31  …is a gantry crane driver at the dry port of the “[Khorgos]-Dongdamen” Special Economic Zone in Kazakhstan. Under her skillful operation, the giant containers were steadily transferred from the standard…
   ↳ zh ¶31  加林娜·奥西波娃是哈萨克斯坦[霍尔果斯]—东大门经济特区无水港的一名龙门吊司机。在她的娴熟操作下，巨大的集装箱被从标准轨列车稳稳地转运到宽轨列车上。
"#;

/// Han excerpts, with unmatched counterparts; the title once.
const EXPECTED_HAN: &str = r#"元首外交｜共创中哈关系发展又一个“黄金三十年”
2022-09-12-china-kazakhstan · 2022-09-12
1. zh ¶32  “近年来，[无水港]的货物流量越来越大，来这里工作的人也越来越多。”奥西波娃为自己在[无水港]的工作感到自豪，收入也相当令人满意：“工资刚涨了一些，以后还会再涨。今年我们还分到了住房。”
   ↳ en ¶32  “In recent years, the flow of goods in the dry port has become larger and larger, and more and more people come to work here.” Osipova is proud of her work at…
2. zh ¶31  加林娜·奥西波娃是哈萨克斯坦霍尔果斯—东大门经济特区[无水港]的一名龙门吊司机。在她的娴熟操作下，巨大的集装箱被从标准轨列车稳稳地转运到宽轨列车上。
   ↳ en ¶31  Galina Osipova is a gantry crane driver at the dry port of the “Khorgos-Dongdamen” Special Economic Zone in Kazakhstan. Under her skillful operation, the giant…
"#;

/// The expanded query first, then each hit with its score by term: the story's part (its
/// whole text and title), then this passage's.
const EXPECTED_EXPLAIN: &str = r#"query terms: khorgoss ~ khorgo  +  crane
spelling expansion: Khorgoss → khorgos

Heads of State Diplomacy | Jointly Create Another Golden Thirty Years for the Development of China-Kazakhstan Relations
2022-09-12-china-kazakhstan · 2022-09-12
1. en ¶31  Galina Osipova is a gantry [crane] driver at the dry port of the “[Khorgos]-Dongdamen” Special Economic Zone in Kazakhstan. Under her skillful operation, the giant containers were steadily transferred…
   ↳ zh ¶31  加林娜·奥西波娃是哈萨克斯坦霍尔果斯—东大门经济特区无水港的一名龙门吊司机。在她的娴熟操作下，巨大的集装箱被从标准轨列车稳稳地转运到宽轨列车上。
   score 1.92 = story 0.31 (khorgoss ~ khorgo 0.10 (33%) + crane 0.20 (67%)) + best passage
   this passage 6.45 = khorgoss ~ khorgo 2.15 (33%) + crane 4.30 (67%)
"#;

/// Hits cut by the per-story cap end with how many, and the command that shows them.
const EXPECTED_MORE: &str = r#"Heads of State Diplomacy | Jointly Create Another Golden Thirty Years for the Development of China-Kazakhstan Relations
2022-09-12-china-kazakhstan · 2022-09-12
1. en ¶18  In June 2019, [Tokayev] was elected President of Kazakhstan, and President Xi Jinping sent a congratulatory message. Three months later, [Tokayev] paid a state visit to China. Before leaving, the…
   ↳ zh ¶18  2019年6月，托卡耶夫当选哈萨克斯坦总统，习近平主席致电祝贺。3个月后，托卡耶夫对中国进行国事访问。临行前，这位“汉学家总统”用流利的中文接受了中国媒体采访。
   5 more passages in this story: archive search --story 2022-09-12-china-kazakhstan --lang en Tokayev
"#;

#[test]
fn argument_errors_are_one_line() {
    let env = Env::bundled();
    let out = env.run(&["search", "--foo", "Khorgos"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "archive: unexpected argument '--foo' found; see `archive --help`\n"
    );
    for (command, needs) in [
        ("search", "<QUERY>..."),
        ("show", "<ID>"),
        ("add", "<FILE>..."),
    ] {
        let out = env.run(&[command]);
        assert_eq!(out.code, 2);
        assert_eq!(
            out.stderr,
            format!("archive: {command} needs {needs}; see `archive {command} --help`\n")
        );
    }
    let help = env.run(&["search", "--help"]);
    assert_eq!(help.code, 0);
    assert!(help.stdout.contains("Usage:"), "{}", help.stdout);
}

#[test]
fn a_repeated_expansion_is_said_once() {
    let env = Env::bundled();
    for query in [["Astana", "Astana"], ["Khorgoss", "Khorgoss"]] {
        let out = env.run(&["search", query[0], query[1]]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert_eq!(
            out.stderr.matches("also searched").count(),
            1,
            "{}",
            out.stderr
        );
    }
}

#[test]
fn stories_cannot_drive_the_terminal() {
    let env = Env::bundled();
    env.write(
        "archive/evil\x1b[31m\nname.md",
        "---\ntitle: Trap \x1b]0;owned\x07 title\n---\n\nA zebracorn \x1b[2J crossed \u{9b}the border \
         between the two countries on a cold and windy morning, as it did every week.\n",
    );
    let out = env.run(&["search", "zebracorn"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        !out.stderr.contains(|c: char| c.is_control() && c != '\n'),
        "{:?}",
        out.stderr
    );
    assert!(
        !out.stdout.contains(|c: char| c.is_control() && c != '\n'),
        "{:?}",
        out.stdout
    );
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "Trap \\u{1b}]0;owned\\u{7} title",
            "evil\\u{1b}[31m\\nname",
            "1. en ¶1  A [zebracorn] \\u{1b}[2J crossed \\u{9b}the border between the two \
             countries on a cold and windy morning, as it did every week."
        ],
        "{:?}",
        out.stdout
    );
}

#[test]
fn requests_are_checked_against_the_index_and_the_limits() {
    let env = Env::bundled();
    // Refused before the index is built: nothing to wait for, nothing written.
    let zero = env.run(&["search", "--limit", "0", "Khorgos"]);
    assert_eq!(
        (zero.code, zero.stderr.as_str()),
        (2, "archive: limit must be from 1 to 1000, not 0\n")
    );
    assert!(!env.root().join("index").exists());
    env.run(&["index"]);
    let fr = env.run(&["search", "--lang", "fr", "Khorgos"]);
    assert_eq!(
        (fr.code, fr.stderr.as_str()),
        (2, "archive: no stories in fr; the index holds en, zh\n")
    );
    let day = env.run(&["search", "--since", "2022-02-31", "Khorgos"]);
    assert_eq!(
        (day.code, day.stderr.as_str()),
        (
            2,
            "archive: date \"2022-02-31\" is not YYYY-MM-DD (a real calendar day)\n"
        )
    );
    let many = env.run(&["search", "--limit", "1001", "Khorgos"]);
    assert_eq!(
        (many.code, many.stderr.as_str()),
        (2, "archive: limit must be from 1 to 1000, not 1001\n")
    );
    // A 100,000-letter word (9 s and 6 GB in the spelling lookup before) is refused at once; a
    // 40-letter word is searched as typed, without a spelling lookup.
    let huge = "k".repeat(100_000);
    let out = env.run(&["search", &huge]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            2,
            "archive: the query is 100000 characters long; at most 500\n"
        )
    );
    let long = "khorgosx".repeat(5);
    let out = env.run(&["search", &long]);
    assert_eq!((out.code, out.stderr.as_str()), (1, ""));
}

#[test]
fn list_and_show_escape_control_characters() {
    let env = Env::bundled();
    env.write(
        "archive/trap.md",
        "---\ntitle: Trap \x1b]0;owned\x07 title\n---\n\nA zebracorn \x1b[31m crossed the border.\n",
    );
    for args in [
        &["list"][..],
        &["show", "trap"],
        &["show", "trap", "--passage", "1"],
    ] {
        let out = env.run(args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        assert!(
            !out.stdout.contains(|c: char| c.is_control() && c != '\n'),
            "{args:?}: {:?}",
            out.stdout
        );
        assert!(out.stdout.contains("\\u{1b}"), "{args:?}: {:?}", out.stdout);
    }
}

#[test]
fn the_more_passages_hint_never_suggests_a_limit_above_the_maximum() {
    let env = Env::bundled();
    let text: String = (0..1500)
        .map(|i| format!("Line {i} of the zebralim log.\n\n"))
        .collect();
    env.write("archive/log/en.txt", text);
    let out = env.run(&["search", "zebralim"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let hint = out
        .stdout
        .lines()
        .find_map(|l| l.split_once("more passages in this story: archive "))
        .unwrap_or_else(|| panic!("{}", out.stdout))
        .1;
    assert!(hint.contains("--limit 1000 zebralim"), "{hint}");
    assert!(hint.contains("1000 of"), "{hint}");
    // The command it suggests runs.
    let command: Vec<&str> = hint.split(" (").next().unwrap().split(' ').collect();
    let out = env.run(&command);
    assert_eq!(out.code, 0, "{hint}: {}", out.stderr);
}
