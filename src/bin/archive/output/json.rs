//! The JSON printer: one record per hit. README's `--json` table is its contract; `search
//! --json` prints one per line and `serve` answers an array of them, so the two cannot drift
//! apart.

use std::io::{self, Write};

use archive::search::{Answer, Expansion, Hit, Story};
use serde::Serialize;

use super::mark;

/// One hit as JSON: the hit, its excerpt marked with `[` `]`, and what the whole query
/// expanded to.
#[derive(Serialize)]
pub struct Record<'a> {
    #[serde(flatten)]
    hit: &'a Hit,
    /// The story id again, under its older name (README documents the alias).
    doc: &'a str,
    snippet: String,
    expanded: &'a [Expansion],
    partial: bool,
}

/// The answer's hits as JSON records, in rank order.
pub fn records(answer: &Answer) -> Vec<Record<'_>> {
    answer
        .hits
        .iter()
        .map(|hit| Record {
            hit,
            doc: &hit.story,
            snippet: mark(&hit.text, hit.snippet_range, &hit.highlights, "[", "]"),
            expanded: &answer.expansions,
            partial: answer.partial,
        })
        .collect()
}

/// A story as JSON, with the story id also under its older name `doc`.
#[derive(Serialize)]
pub struct StoryRecord<'a> {
    #[serde(flatten)]
    story: &'a Story,
    doc: &'a str,
}

/// The story as its JSON record.
pub fn story(story: &Story) -> StoryRecord<'_> {
    StoryRecord {
        story,
        doc: &story.story,
    }
}

/// JSON Lines: one record per line.
pub fn lines(out: &mut impl Write, answer: &Answer) -> io::Result<()> {
    for record in records(answer) {
        serde_json::to_writer(&mut *out, &record)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
