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

/// How long a batch waits for room before it is sent anyway.
const PATIENCE: Duration = Duration::from_secs(1);

/// Documents sent to the writer and not yet filed.
#[derive(Default)]
pub struct Queue {
    state: Mutex<State>,
    filed: Condvar,
}

#[derive(Default)]
struct State {
    /// Documents sent and not yet filed.
    queued: usize,
    /// The sizes of the batches waiting for room. The writer wakes them only once one fits:
    /// std's `notify_all` is a system call even with no one waiting, and one per document
    /// filed was most of a build's system calls (200,000 a build of the Chinese set).
    waiting: Vec<usize>,
}

impl Queue {
    /// `documents` counted in the queue, once it has room for them (a batch larger than the
    /// whole queue waits until it is empty), or after waiting [`PATIENCE`]: the writer failed
    /// (sending then says so) or it is writing a segment out.
    pub fn enter(self: &Arc<Self>, documents: Vec<TantivyDocument>) -> Vec<Queued> {
        let n = documents.len();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        while state.queued > 0 && state.queued + n > MOST_QUEUED {
            state.waiting.push(n);
            let (mut guard, waited) = self
                .filed
                .wait_timeout(state, PATIENCE)
                .unwrap_or_else(|e| e.into_inner());
            let me = guard.waiting.iter().position(|&w| w == n);
            guard
                .waiting
                .swap_remove(me.expect("a waiting batch is listed"));
            state = guard;
            if waited.timed_out() {
                break;
            }
        }
        state.queued += n;
        drop(state);
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
        let mut state = self.queue.state.lock().unwrap_or_else(|e| e.into_inner());
        state.queued -= 1;
        let fits = |n: usize| state.queued == 0 || state.queued + n <= MOST_QUEUED;
        if state.waiting.iter().any(|&n| fits(n)) {
            self.queue.filed.notify_all();
        }
    }
}

impl Document for Queued {
    type Value<'a> = CompactDocValue<'a>;
    type FieldsValuesIter<'a> = Box<dyn Iterator<Item = (Field, CompactDocValue<'a>)> + 'a>;

    fn iter_fields_and_values(&self) -> Self::FieldsValuesIter<'_> {
        Box::new(self.doc.iter_fields_and_values())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    fn documents(n: usize) -> Vec<TantivyDocument> {
        (0..n).map(|_| TantivyDocument::default()).collect()
    }

    /// A batch waiting for room enters as soon as the writer has filed enough, not after
    /// [`PATIENCE`]: the writer wakes it only when it fits, so a wake-up it missed would cost
    /// a second a batch.
    #[test]
    fn a_waiting_batch_enters_once_it_fits() {
        let queue = Arc::new(Queue::default());
        for wanted in [1, MOST_QUEUED / 2, MOST_QUEUED + 5] {
            let mut full = queue.enter(documents(MOST_QUEUED));
            let started = Instant::now();
            let entered = std::thread::scope(|scope| {
                let waiter = scope.spawn(|| queue.enter(documents(wanted)));
                while queue.state.lock().unwrap().waiting.is_empty() {
                    assert!(!waiter.is_finished(), "{wanted} entered a full queue");
                    std::thread::yield_now();
                }
                // Filed one at a time, as the writer files them, until the batch fits (a batch
                // larger than the queue waits until it is empty).
                while !waiter.is_finished() {
                    if full.pop().is_none() {
                        std::thread::yield_now();
                    }
                }
                waiter.join().expect("the waiting thread ends")
            });
            assert!(
                started.elapsed() < PATIENCE,
                "{wanted} waited for the timeout"
            );
            assert!(queue.state.lock().unwrap().waiting.is_empty());
            drop((full, entered));
        }
    }
}
