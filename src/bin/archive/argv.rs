//! The command line before clap reads it: `archive search Tokayev -June` must take `-June` as
//! a query word (an exclusion), not as the options `-J -u -n -e`, while real options still
//! parse wherever they are.

use std::ffi::OsString;

/// Marks a query word that starts with `-` (`-June`), so that clap takes it as a word and not
/// as the options `-J -u -n -e`. Arguments cannot hold a NUL, so the mark is unambiguous.
pub const WORD_MARK: char = '\0';

/// The arguments, with each of `archive search`'s query words that starts with `-` marked.
/// Options (known by clap's own description, so this list cannot drift), the value after an
/// option that takes one, everything after `--` and every other command are left alone; an
/// unknown `--long` option is left for clap to refuse.
pub fn mark_excluded_words(
    args: impl Iterator<Item = OsString>,
    top: &clap::Command,
) -> Vec<OsString> {
    let mut args: Vec<OsString> = args.collect();
    let mut options = top;
    let mut in_search = false;
    let mut i = 1;
    while i < args.len() {
        let Some(arg) = args[i].to_str() else {
            i += 1;
            continue;
        };
        if arg == "--" {
            break;
        }
        let takes_value = |a: &clap::Arg| a.get_action().takes_values();
        if let Some(long) = arg.strip_prefix("--") {
            let known = options.get_arguments().find(|a| a.get_long() == Some(long));
            // `--limit 5` (not `--limit=5`): the next argument is the value.
            if known.is_some_and(takes_value) {
                i += 1;
            }
        } else if let Some(shorts) = arg.strip_prefix('-').filter(|s| !s.is_empty()) {
            match short_options(options, shorts) {
                Some(value_follows) => i += usize::from(value_follows),
                None if in_search => args[i] = format!("{WORD_MARK}{arg}").into(),
                None => {}
            }
        } else if !in_search {
            if arg != "search" {
                // Another command, or a mistake clap will explain.
                break;
            }
            options = top.find_subcommand("search").expect("search is a command");
            in_search = true;
        }
        i += 1;
    }
    args
}

/// For `-abc` (`shorts` is `abc`): `Some(true)` when it is options of `command` ending with
/// one whose value is the next argument, `Some(false)` when it is options, `None` when it is
/// not (an unknown letter, or letters after an option that takes a number: `-nato`).
fn short_options(command: &clap::Command, shorts: &str) -> Option<bool> {
    for (at, c) in shorts.char_indices() {
        let option = command.get_arguments().find(|a| a.get_short() == Some(c))?;
        if option.get_action().takes_values() {
            let rest = &shorts[at + c.len_utf8()..];
            let rest = rest.strip_prefix('=').unwrap_or(rest);
            return match rest {
                "" => Some(true),
                r if r.chars().all(|c| c.is_ascii_digit()) => Some(false),
                _ => None,
            };
        }
    }
    Some(false)
}

/// A marked word as typed.
pub fn unmark(word: &mut String) {
    if let Some(rest) = word.strip_prefix(WORD_MARK) {
        *word = rest.to_string();
    }
}
