//! Reading, analysing and adding a run's files on several threads: decoding, parsing and
//! jieba are most of a run's work, and tantivy's own threads only file the tokens. The caller
//! gets each file's outcome in the order of the files.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tantivy::indexer::UserOperation;

use super::documents::{Maker, Vocabulary};
use super::Progress;
use crate::analysis::Analyzers;
use crate::corpus::{self, SourceFile};
use crate::error::{Error, Result};
use crate::manifest::FileEntry;
use crate::schema::Fields;
use crate::store::{Queue, Writer};

/// Threads reading and analysing files (the machine this is built for has two cores; the
/// writer's threads mostly wait for them).
const THREADS: usize = 2;

/// How often a run waiting for its threads looks whether the user asked to stop.
const POLL: Duration = Duration::from_millis(50);

/// A file read and added: its manifest entry and what the reading warned about.
pub(super) struct Added {
    pub(super) entry: FileEntry,
    pub(super) warnings: Vec<String>,
}

/// A file's outcome: added, or skipped with the reason.
pub(super) type Outcome = std::result::Result<Added, String>;

/// Reads, analyses and adds `files` to `writer`, reporting each file to `progress` as it is
/// done, then the vocabulary document of their words. Fails with the first error of the
/// index (or [`Error::Interrupted`]) after every thread has stopped.
pub(super) fn add_files(
    writer: &Writer,
    fields: &Fields,
    analyzers: &Analyzers,
    files: &[SourceFile],
    progress: &dyn Progress,
) -> Result<Vec<Outcome>> {
    let next = &AtomicUsize::new(0);
    let vocabulary = &Mutex::new(Vocabulary::default());
    let stop = &AtomicBool::new(false);
    let queue = &Arc::new(Queue::default());
    let (sender, receiver) = mpsc::channel::<(usize, Result<Outcome>)>();
    let mut outcomes: Vec<Option<Outcome>> = files.iter().map(|_| None).collect();
    let mut failure = None;
    std::thread::scope(|scope| {
        for _ in 0..THREADS.min(files.len()) {
            let sender = sender.clone();
            scope.spawn(move || {
                let mut maker = Maker::new(fields, analyzers, vocabulary);
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= files.len() || stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let outcome = add_file(writer, queue, &mut maker, &files[i]);
                    if sender.send((i, outcome)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        loop {
            match receiver.recv_timeout(POLL) {
                Ok((i, Ok(outcome))) => {
                    outcomes[i] = Some(outcome);
                    progress.advance(&files[i].rel);
                }
                Ok((_, Err(e))) => {
                    stop.store(true, Ordering::Relaxed);
                    failure.get_or_insert(e);
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => break,
            }
            if progress.cancelled() {
                stop.store(true, Ordering::Relaxed);
                failure.get_or_insert(Error::Interrupted);
            }
        }
    });
    if let Some(e) = failure {
        return Err(e);
    }
    // The run's words, filed once ([`Vocabulary`]).
    let words = vocabulary
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .document(fields);
    if let Some(d) = words {
        writer.run(queue.enter(vec![d]).into_iter().map(UserOperation::Add))?;
    }
    Ok(outcomes
        .into_iter()
        .map(|o| o.expect("every file has an outcome when no thread stopped"))
        .collect())
}

/// Reads `file` and adds its documents; a file that cannot be read is an outcome, an index
/// that cannot take documents an error.
fn add_file(
    writer: &Writer,
    queue: &Arc<Queue>,
    maker: &mut Maker,
    file: &SourceFile,
) -> Result<Outcome> {
    let doc = match corpus::load(file) {
        Ok(doc) => doc,
        Err(why) => return Ok(Err(why)),
    };
    // One batch: a file's documents stay neighbours in the segment
    // ([`crate::schema::Fields::story_unit`]).
    let documents = queue.enter(maker.documents(&doc)).into_iter();
    writer.run(documents.map(UserOperation::Add))?;
    let a = doc.article;
    let mut warnings = a.warnings;
    if let Some(enc) = doc.encoding {
        warnings.push(format!("decoded from {enc}"));
    }
    Ok(Ok(Added {
        entry: FileEntry {
            hash: doc.hash,
            size: file.size,
            mtime: file.mtime as u64,
            story: doc.story,
            lang: a.lang,
            passages: a.passages.len() as u64,
            marked: !a.markers.is_empty(),
            title: a.title,
            date: a.date.unwrap_or_default(),
        },
        warnings,
    }))
}
