//! Markdown rendered to text: emphasis and links become their words, images and raw HTML
//! disappear, and each paragraph, heading, list item, quote, table row and code block becomes
//! a passage. An alignment marker (`<!-- ¶ 3 -->`) numbers the passage it is in, or the next.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::analysis::is_han;
use crate::article::marker;

/// The passages of a Markdown body, in order, and the number each one's alignment marker
/// gives it.
pub fn passages(body: &str) -> (Vec<String>, Vec<Option<u64>>) {
    let mut out = Passages::default();
    let mut in_image = 0usize;
    for event in Parser::new_ext(body, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Start(Tag::Image { .. }) => in_image += 1,
            Event::End(TagEnd::Image) => in_image = in_image.saturating_sub(1),
            Event::Start(tag) if is_block(&tag) => out.flush(),
            Event::End(tag) if is_block_end(&tag) => out.flush(),
            Event::Text(t) | Event::Code(t) if in_image == 0 => out.push(&t),
            Event::SoftBreak | Event::HardBreak => out.line_break(),
            Event::End(TagEnd::TableCell) => out.push(" "),
            Event::Html(t) | Event::InlineHtml(t) => {
                if let Some(n) = marker(&t) {
                    out.marked = Some(n);
                }
            }
            _ => {}
        }
    }
    out.flush();
    (out.done, out.markers)
}

fn is_block(tag: &Tag) -> bool {
    matches!(
        tag,
        Tag::Paragraph
            | Tag::Heading { .. }
            | Tag::Item
            | Tag::BlockQuote(_)
            | Tag::CodeBlock(_)
            | Tag::TableHead
            | Tag::TableRow
            | Tag::FootnoteDefinition(_)
    )
}

fn is_block_end(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::Item
            | TagEnd::BlockQuote(_)
            | TagEnd::CodeBlock
            | TagEnd::TableHead
            | TagEnd::TableRow
            | TagEnd::FootnoteDefinition
    )
}

/// Collects text into passages, joining lines as plain text does: with a space, except
/// between two Han characters, where a line break is not a word break.
#[derive(Default)]
struct Passages {
    done: Vec<String>,
    markers: Vec<Option<u64>>,
    marked: Option<u64>,
    current: String,
    pending_break: bool,
}

impl Passages {
    fn push(&mut self, text: &str) {
        for c in text.chars() {
            if c.is_whitespace() {
                self.pending_break = true;
                continue;
            }
            if std::mem::take(&mut self.pending_break) {
                self.separate(c);
            }
            self.current.push(c);
        }
    }

    fn line_break(&mut self) {
        self.pending_break = true;
    }

    fn separate(&mut self, next: char) {
        if let Some(last) = self.current.chars().last() {
            if !(is_han(last) && is_han(next)) {
                self.current.push(' ');
            }
        }
    }

    fn flush(&mut self) {
        self.pending_break = false;
        if !self.current.is_empty() {
            self.done.push(std::mem::take(&mut self.current));
            self.markers.push(self.marked.take());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_becomes_text_and_blocks_become_passages() {
        let md = "# The port\n\nA **gantry** crane at [Khorgos](https://x.example/k) \
                  ![a crane](c.png)moves\ncontainers.\n\n- first item\n- second *item*\n\n\
                  > quoted\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";
        assert_eq!(
            passages(md).0,
            vec![
                "The port",
                "A gantry crane at Khorgos moves containers.",
                "first item",
                "second item",
                "quoted",
                "a b",
                "1 2"
            ]
        );
    }

    #[test]
    fn han_lines_join_without_a_space() {
        assert_eq!(
            passages("第一段\n第二行\n\n第二段").0,
            vec!["第一段第二行", "第二段"]
        );
    }
}
