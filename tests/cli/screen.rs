//! The terminal's width is used whenever it is known: its column count even when it reports no
//! rows, else `COLUMNS`; `list`, `show` and stderr's notes fit it too.

use crate::env::Env;
use crate::terminal::on_terminal;

fn widest(shown: &str) -> usize {
    shown
        .lines()
        .map(console::measure_text_width)
        .max()
        .unwrap_or(0)
}

#[test]
fn the_column_count_is_used_without_a_row_count_and_columns_without_either() {
    let env = Env::bundled();
    env.run(&["index"]);
    let no_colour = ("NO_COLOR", "1");
    let (code, shown) = on_terminal(&env, (50, 0), &[no_colour], &["search", "Tokayev"]);
    assert_eq!(code, 0, "{shown}");
    assert_eq!(widest(&shown), 50, "{shown}");
    let columns = [no_colour, ("COLUMNS", "44")];
    let (code, shown) = on_terminal(&env, (0, 0), &columns, &["search", "Tokayev"]);
    assert_eq!(code, 0, "{shown}");
    assert!(widest(&shown) <= 44 && widest(&shown) > 30, "{shown}");
}

#[test]
fn list_show_and_notes_fit_the_terminal() {
    let env = Env::bundled();
    env.write("archive/s1.md", "Short\n\nThe zebracorn came back.\n");
    env.run(&["index"]);
    let no_colour = [("NO_COLOR", "1")];
    let (code, shown) = on_terminal(&env, (60, 0), &no_colour, &["list"]);
    assert_eq!(code, 0, "{shown}");
    assert!(widest(&shown) <= 60, "{shown}");
    assert!(shown.contains('…'), "{shown}");
    // The id column is as wide as the longest id.
    let column = "2022-09-12-china-kazakhstan  ".len();
    for line in shown.lines() {
        assert!(!line[column..].starts_with(' '), "{shown}");
    }
    let show = ["show", "2022-09-12-china-kazakhstan", "--passage", "1"];
    let (code, shown) = on_terminal(&env, (40, 0), &no_colour, &show);
    assert_eq!(code, 0, "{shown}");
    assert!(shown.lines().count() > 3 && widest(&shown) <= 40, "{shown}");
    // stderr's `also searched` line too.
    let search = ["search", "--limit", "1", "Kazakhstan"];
    let (code, shown) = on_terminal(&env, (30, 0), &no_colour, &search);
    assert_eq!(code, 0, "{shown}");
    assert!(shown.contains("also searched"), "{shown}");
    assert!(widest(&shown) <= 30, "{shown}");
}
