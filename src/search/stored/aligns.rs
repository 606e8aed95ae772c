//! A passage's align number: the one it holds ([`crate::schema::Fields::align`]), else its
//! number, its place in its file's batch of documents.

use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, TantivyError, Term};

use crate::error::Result;

use super::{live_docs, Stored, UnitColumn};

impl Stored<'_> {
    /// The align number `address` holds, if any ([`crate::schema::Fields::align`]: a
    /// passage holds one only when it is not its number).
    pub(super) fn held_align(&self, address: DocAddress) -> Result<Option<u64>> {
        let column = &self.columns()?.align[address.segment_ord as usize];
        Ok(column.as_ref().and_then(|c| c.first(address.doc_id)))
    }

    /// The align numbers of the passages at `addresses`, in order: the one each holds, else
    /// its number, its place from the first live document of its file's batch (see
    /// [`Stored::batch_start`]).
    pub fn aligns(&self, addresses: &[DocAddress]) -> Result<Vec<u64>> {
        let columns = self.columns()?;
        // The first live document of the last story asked about, by its story document.
        let mut first: Option<(DocAddress, DocId)> = None;
        let mut out = Vec::with_capacity(addresses.len());
        for &address in addresses {
            if let Some(align) = self.held_align(address)? {
                out.push(align);
                continue;
            }
            let (ord, doc) = (address.segment_ord, address.doc_id);
            let unit = &columns.unit[ord as usize];
            let Some(story) = unit.story_document(doc).filter(|&s| s != doc) else {
                out.push(0);
                continue;
            };
            let story = DocAddress::new(ord, story);
            let start = match first {
                Some((s, start)) if s == story => start,
                _ => {
                    let start = self.batch_start(story, unit)?.unwrap_or(doc);
                    first = Some((story, start));
                    start
                }
            };
            out.push(u64::from(doc.saturating_sub(start)) + 1);
        }
        Ok(out)
    }

    /// The first live document of the batch that ends at the story document `story`: a
    /// file's documents are one batch (its passages, then its story document), and two files
    /// of one story and language make two batches of one `unit` term, whose first ends at its
    /// own story document.
    fn batch_start(&self, story: DocAddress, units: &UnitColumn) -> Result<Option<DocId>> {
        let Some(value) = units.of(story.doc_id) else {
            return Ok(None);
        };
        let segment = self.searcher.segment_reader(story.segment_ord);
        let term = Term::from_field_u64(self.fields.unit, value);
        let inverted = segment.inverted_index(self.fields.unit)?;
        let postings = inverted.read_postings(&term, IndexRecordOption::Basic);
        let Some(mut postings) = postings.map_err(TantivyError::from)? else {
            return Ok(None);
        };
        let mut first = None;
        live_docs(&mut postings, segment, |doc| {
            if doc > story.doc_id {
                return false;
            }
            first.get_or_insert(doc);
            if doc != story.doc_id && units.story_document(doc) == Some(doc) {
                first = None;
            }
            doc != story.doc_id
        });
        Ok(first)
    }
}
