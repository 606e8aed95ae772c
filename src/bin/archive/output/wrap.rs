//! Lines wrapped to the terminal's width with a hanging indent: breaks between words, and
//! between Han characters (Unicode line breaking), inside a word only when it is longer than
//! the line. A colour open where a line breaks is closed there and opened again after the next
//! line's indent, so marks survive wrapping (and pagers that reset colour at each line).

use textwrap::{Options, WordSeparator};

/// Resets every colour and attribute.
const RESET: &str = "\x1b[0m";

/// `line` as lines of at most `width` columns, every line after the first indented by
/// `indent` spaces; `line` itself when there is no width (not a terminal).
pub fn wrap(line: &str, width: Option<usize>, indent: usize) -> String {
    let Some(width) = width else {
        return line.to_string();
    };
    // A window too narrow for the indent still gets some text on each line.
    let indent = indent.min(width / 3);
    let pad = " ".repeat(indent);
    let options = Options::new(width.max(1))
        .subsequent_indent(&pad)
        .word_separator(WordSeparator::UnicodeBreakProperties);
    let mut out = String::with_capacity(line.len() + 16);
    let mut open: Option<String> = None;
    for (i, piece) in textwrap::wrap(line, options).iter().enumerate() {
        let body = if i == 0 {
            piece.as_ref()
        } else {
            out.push('\n');
            out.push_str(&pad);
            piece.strip_prefix(pad.as_str()).unwrap_or(piece)
        };
        if let Some(code) = &open {
            out.push_str(code);
        }
        out.push_str(body);
        open = still_open(body, open);
        if open.is_some() {
            out.push_str(RESET);
        }
    }
    out
}

/// The colour code in force after `text`, given the one in force before it: the last escape
/// sequence, unless it was a reset.
fn still_open(text: &str, mut open: Option<String>) -> Option<String> {
    let mut rest = text;
    while let Some(at) = rest.find("\x1b[") {
        let after = &rest[at + 2..];
        let Some(end) = after.find('m') else { break };
        let code = &rest[at..at + 2 + end + 1];
        open = (code != RESET && code != "\x1b[m").then(|| code.to_string());
        rest = &after[end + 1..];
    }
    open
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_between_words_with_a_hanging_indent() {
        let line = "1. en ¶3  the gantry crane driver moves giant containers";
        assert_eq!(
            wrap(line, Some(24), 3),
            "1. en ¶3  the gantry\n   crane driver moves\n   giant containers"
        );
        assert_eq!(wrap(line, None, 3), line);
    }

    #[test]
    fn han_text_breaks_between_characters() {
        let out = wrap("1. 加林娜是一名龙门吊司机。", Some(12), 3);
        assert_eq!(out, "1. 加林娜是\n   一名龙门\n   吊司机。");
    }

    #[test]
    fn colour_is_reopened_after_a_break() {
        let red = "\x1b[1;31m";
        let line = format!("x {red}alpha beta{RESET} gamma");
        assert_eq!(
            wrap(&line, Some(8), 2),
            format!("x {red}alpha{RESET}\n  {red}beta{RESET}\n  gamma")
        );
    }
}
