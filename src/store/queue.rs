//! The writer's queue, bounded in documents. A file's documents are sent to tantivy's writer as
//! one batch (so they stay neighbours in one segment: [`crate::schema::Fields::story_unit`]),
//! and tantivy bounds its queue in batches, not documents: with whole files in it, the reading
//! threads, faster than the writer, would queue thousands of files. Each document here counts
//! in its [`Queue`] until the writer has filed it (and dropped it).

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use tantivy::schema::document::CompactDocValue;
use tantivy::schema::{Document, Field, TantivyDocument};
use tantivy::IndexWriter;

/// The index writer, taking documents counted in a [`Queue`].
pub type Writer = IndexWriter<Queued>;

/// Most documents sent to the writer and not yet filed; a batch waits until it fits, or until
/// the queue is empty. What is still queued when the reading threads finish is filed by the
/// writer alone (the other core idle) before it writes the segment: on the Chinese set the
/// writer worked alone 0.5–0.7 s with 10,000 (as many as tantivy's queue held when each
/// document was sent alone), 0.4–0.5 s with 2,000, no less with 500 (benches/README.md,
/// "Indexing speed, sixth pass").
const MOST_QUEUED: usize = 2_000;

/// How long a batch waits for the writer to file a document before it is sent anyway.
const PATIENCE: Duration = Duration::from_secs(1);

/// Documents sent to the writer and not yet filed.
#[derive(Default)]
pub struct Queue {
    queued: Mutex<usize>,
    filed: Condvar,
}

impl Queue {
    /// `documents` counted in the queue, once it has room for them (a batch larger than the
    /// whole queue waits until it is empty), or once the writer has filed nothing for
    /// [`PATIENCE`]: it failed (sending then says so) or it is writing a segment out.
    pub fn enter(self: &Arc<Self>, documents: Vec<TantivyDocument>) -> Vec<Queued> {
        let n = documents.len();
        let mut queued = self.queued.lock().unwrap_or_else(|e| e.into_inner());
        while *queued > 0 && *queued + n > MOST_QUEUED {
            let (guard, waited) = self
                .filed
                .wait_timeout(queued, PATIENCE)
                .unwrap_or_else(|e| e.into_inner());
            queued = guard;
            if waited.timed_out() {
                break;
            }
        }
        *queued += n;
        drop(queued);
        documents
            .into_iter()
            .map(|doc| Queued {
                doc,
                queue: self.clone(),
            })
            .collect()
    }
}

/// A document on its way to the writer, counted in its [`Queue`] until dropped.
pub struct Queued {
    doc: TantivyDocument,
    queue: Arc<Queue>,
}

impl Drop for Queued {
    fn drop(&mut self) {
        let mut queued = self.queue.queued.lock().unwrap_or_else(|e| e.into_inner());
        *queued -= 1;
        self.queue.filed.notify_all();
    }
}

impl Document for Queued {
    type Value<'a> = CompactDocValue<'a>;
    type FieldsValuesIter<'a> = Box<dyn Iterator<Item = (Field, CompactDocValue<'a>)> + 'a>;

    fn iter_fields_and_values(&self) -> Self::FieldsValuesIter<'_> {
        Box::new(self.doc.iter_fields_and_values())
    }
}
