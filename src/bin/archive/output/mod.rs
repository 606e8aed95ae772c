//! The printer layer: the library's hits carry byte ranges; here they become `[ ]` marks,
//! colour (only on a terminal, NO_COLOR respected) or JSON. Also the shape of error lines.

pub mod human;
pub mod json;
mod wrap;

use std::borrow::Cow;
use std::io::{self, IsTerminal};
use std::os::fd::AsFd;

use archive::error::Fault;

/// The layout for stdout: on a terminal, wrapped to its width, in colour unless NO_COLOR is
/// set (and not empty); elsewhere one line each, with `[` `]` marks.
pub fn layout() -> human::Layout {
    let stdout = io::stdout();
    human::Layout {
        colour: stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        width: width_of(stdout),
    }
}

/// The width to wrap `stream` to when it is a terminal: its column count whenever it reports
/// one (a terminal may report no rows, as `script` does), else `COLUMNS` when set; `None`
/// elsewhere (one line each).
pub fn width_of(stream: impl IsTerminal + AsFd) -> Option<usize> {
    if !stream.is_terminal() {
        return None;
    }
    let cols = rustix::termios::tcgetwinsize(stream).map_or(0, |size| size.ws_col);
    if cols > 0 {
        return Some(usize::from(cols));
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0)
}

/// `line` wrapped to `width` with a hanging indent of `indent` columns (as it is without one).
pub fn wrapped(line: &str, width: Option<usize>, indent: usize) -> String {
    wrap::wrap(line, width, indent)
}

/// The excerpt `range` of `text` with each highlight wrapped in `open` … `close`, and `…`
/// where the excerpt cuts the text.
pub fn mark(
    text: &str,
    range: [usize; 2],
    highlights: &[[usize; 2]],
    open: &str,
    close: &str,
) -> String {
    mark_with(text, range, highlights, open, close, Cow::Borrowed)
}

/// [`mark`], passing the text (never the marks) through `clean`.
pub fn mark_with<'t>(
    text: &'t str,
    range: [usize; 2],
    highlights: &[[usize; 2]],
    open: &str,
    close: &str,
    clean: impl Fn(&'t str) -> Cow<'t, str>,
) -> String {
    let [start, end] = range;
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let mut at = start;
    for h in highlights {
        let (a, b) = (h[0].max(start), h[1].min(end));
        if a >= b || a < at {
            continue;
        }
        out.push_str(&clean(&text[at..a]));
        out.push_str(open);
        out.push_str(&clean(&text[a..b]));
        out.push_str(close);
        at = b;
    }
    out.push_str(&clean(&text[at..end]));
    if end < text.len() {
        out.push('…');
    }
    out
}

/// `1 passage`, `2 passages`.
pub fn count(n: usize, noun: &str) -> String {
    match n {
        1 => format!("1 {noun}"),
        n => format!("{n} {noun}s"),
    }
}

/// True when the error is a closed stdout (`archive search x | head`): not a failure.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// The error and its causes on one line; for a damaged index, what to do about it.
pub fn one_line(e: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in e.chain() {
        let s = human::printable(&cause.to_string().replace('\n', " ")).into_owned();
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
    }
    let line = parts.join(": ");
    let damaged = e
        .chain()
        .filter_map(|c| c.downcast_ref::<archive::Error>())
        .any(|l| l.fault() == Fault::Damaged && !matches!(l, archive::Error::SelfTest(_)));
    if damaged && !line.contains("archive index") {
        format!("{line}; the index is damaged: run `archive index` to rebuild it")
    } else {
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_wrap_highlights_and_ellipsis_shows_cuts() {
        let text = "Trains leave 努爾蘇丹 daily; the train is full.";
        let h = [[0, 6], [13, 25], [37, 42]];
        assert_eq!(
            mark(text, [0, text.len()], &h, "[", "]"),
            "[Trains] leave [努爾蘇丹] daily; the [train] is full."
        );
        assert_eq!(
            mark(text, [7, 36], &h, "<", ">"),
            "…leave <努爾蘇丹> daily; the…"
        );
    }
}
