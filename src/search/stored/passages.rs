//! Stored passages: a passage's number and text, and with them its story's stored fields.

use tantivy::schema::{Field, Value};
use tantivy::{DocAddress, TantivyDocument};

use crate::error::Result;

use super::super::answer::Passage;
use super::Stored;

/// The stored fields of the story of the passage [`Stored::passage`] read last, and its story
/// document: a story's passages are read one after another (arranging's ranked passages,
/// `show`'s story), and its story document would otherwise be read again for each.
#[derive(Default)]
pub struct LastStory(Option<(DocAddress, About)>);

/// A story's stored fields, as a passage holds them.
#[derive(Clone)]
struct About {
    story: String,
    lang: String,
    title: String,
    date: String,
    path: String,
}

impl Stored<'_> {
    /// The align number `address` holds, if any ([`crate::schema::Fields::align`]: a
    /// passage holds one only when it is not its number).
    fn held_align(&self, address: DocAddress) -> Result<Option<u64>> {
        let column = &self.columns()?.align[address.segment_ord as usize];
        Ok(column.as_ref().and_then(|c| c.first(address.doc_id)))
    }

    /// The number and text of the passage at `address` (its story's fields not read).
    pub(super) fn number_and_text(&self, address: DocAddress) -> Result<(u64, String)> {
        let doc: TantivyDocument = self.searcher.doc(address)?;
        let f = self.fields;
        let number = doc.get_first(f.passage).and_then(|v| v.as_u64());
        let text = doc.get_first(f.written).and_then(|v| v.as_str());
        Ok((number.unwrap_or(0), text.unwrap_or("").to_string()))
    }

    /// The passage at `address`, with its story's stored fields from its story document
    /// (usually in the same block of stored text, or the next, which tantivy keeps
    /// decompressed), or from `last` when it read them.
    pub fn passage(&self, address: DocAddress, last: &mut LastStory) -> Result<Passage> {
        let doc: TantivyDocument = self.searcher.doc(address)?;
        let column = &self.columns()?.unit[address.segment_ord as usize];
        let story = (column.story_document(address.doc_id))
            .filter(|&d| d != address.doc_id)
            .map(|d| DocAddress::new(address.segment_ord, d));
        let f = self.fields;
        let about = match (story, &last.0) {
            (Some(story), Some((read, about))) if story == *read => about.clone(),
            _ => {
                let read: Option<TantivyDocument> =
                    story.map(|d| self.searcher.doc(d)).transpose()?;
                let doc = read.as_ref().unwrap_or(&doc);
                let about = About {
                    story: text(doc, f.stored_story),
                    lang: text(doc, f.stored_lang),
                    title: text(doc, f.title),
                    date: text(doc, f.date),
                    path: text(doc, f.stored_path),
                };
                if let Some(story) = story {
                    last.0 = Some((story, about.clone()));
                }
                about
            }
        };
        let number = (doc.get_first(f.passage))
            .and_then(|v| v.as_u64())
            .unwrap_or(0);
        Ok(Passage {
            story: about.story,
            lang: about.lang,
            passage: number,
            // A passage's own number unless it holds another.
            align: self.held_align(address)?.unwrap_or(number),
            text: text(&doc, f.written),
            title: about.title,
            date: about.date,
            path: about.path,
        })
    }
}

/// The first text of `field` in `doc`, or nothing.
fn text(doc: &TantivyDocument, field: Field) -> String {
    (doc.get_first(field))
        .and_then(|v| v.as_str())
        .unwrap_or("")
        .to_string()
}
