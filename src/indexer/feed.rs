//! Reading, analysing and adding a run's files on several threads: decoding, parsing and
//! jieba are most of a run's work, and tantivy's own threads only file the tokens. The caller
//! gets each file's outcome in the order of the files.

use std::collections::VecDeque;
use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tantivy::indexer::UserOperation;

use super::documents::{Maker, Vocabulary};
use super::Progress;
use crate::analysis::{has_han, Analyzers, Segmenter};
use crate::corpus::{self, Document, SourceFile};
use crate::error::{Error, Result};
use crate::formats::Format;
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
    let vocabulary = &Mutex::new(Vocabulary::default());
    let stop = &AtomicBool::new(false);
    let queue = &Arc::new(Queue::default());
    let reading = &Reading::new(files, &analyzers.segmenter);
    let (sender, receiver) = mpsc::channel::<(usize, Result<Outcome>)>();
    let mut outcomes: Vec<Option<Outcome>> = files.iter().map(|_| None).collect();
    let mut failure = None;
    let mut started = 0;
    std::thread::scope(|scope| {
        for _ in 0..THREADS.min(files.len()) {
            let sender = sender.clone();
            let read = move || {
                let mut maker = Maker::new(fields, analyzers, vocabulary);
                while !stop.load(Ordering::Relaxed) {
                    let Some((i, doc)) = reading.next() else {
                        break;
                    };
                    let outcome = match doc {
                        Ok(doc) => add_document(writer, queue, &mut maker, &files[i], doc),
                        Err(why) => Ok(Err(why)),
                    };
                    if sender.send((i, outcome)).is_err() {
                        break;
                    }
                }
            };
            // Fewer threads when no more can start (a limit on processes); none is an error.
            if let Err(e) = std::thread::Builder::new().spawn_scoped(scope, read) {
                if started == 0 {
                    failure = Some(Error::NoThreads(e.to_string()));
                }
                break;
            }
            started += 1;
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

/// Most bytes of text read ahead while jieba's dictionary is built.
const EARLY_BYTES: u64 = 16 * 1024 * 1024;

/// The files of a run, handed to the threads one at a time. Files read while a thread builds
/// jieba's dictionary (about 0.15 s, before which no Chinese text can be analysed) are held:
/// reading them meanwhile keeps the second core busy. They are analysed first, in order, once
/// it is built (neighbouring files stay neighbours in the index, which compresses better).
struct Reading<'a> {
    files: &'a [SourceFile],
    segmenter: &'a Segmenter,
    /// The next file to read.
    next: AtomicUsize,
    /// The files held, and their bytes of text.
    held: Mutex<(VecDeque<(usize, Document)>, u64)>,
    /// True once a thread builds the dictionary.
    building: AtomicBool,
}

impl<'a> Reading<'a> {
    fn new(files: &'a [SourceFile], segmenter: &'a Segmenter) -> Self {
        Reading {
            files,
            segmenter,
            next: AtomicUsize::new(0),
            held: Mutex::default(),
            building: AtomicBool::new(false),
        }
    }

    /// The next file to analyse, read (or why it cannot be); `None` when none is left.
    fn next(&self) -> Option<(usize, std::result::Result<Document, String>)> {
        loop {
            if let Some((i, doc)) = self.take(false) {
                return Some((i, Ok(doc)));
            }
            let i = self.next.fetch_add(1, Ordering::Relaxed);
            if i >= self.files.len() {
                return self.take(true).map(|(i, doc)| (i, Ok(doc)));
            }
            match corpus::load(&self.files[i]) {
                Err(why) => return Some((i, Err(why))),
                Ok(doc) => {
                    if let Some(doc) = self.hold(i, doc) {
                        return Some((i, Ok(doc)));
                    }
                }
            }
        }
    }

    /// `doc` (file `i`) back when it can be analysed now; `None` when it is held until the
    /// dictionary is built. The first thread to meet Chinese text builds the dictionary here.
    fn hold(&self, i: usize, doc: Document) -> Option<Document> {
        if self.segmenter.is_built() || !needs_jieba(&doc) {
            return Some(doc);
        }
        if !self.building.swap(true, Ordering::Relaxed) {
            self.segmenter.build();
            return Some(doc);
        }
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        if held.1 >= EARLY_BYTES {
            // Enough read ahead: analysing waits for the dictionary.
            return Some(doc);
        }
        held.1 += doc
            .article
            .passages
            .iter()
            .map(|p| p.len() as u64)
            .sum::<u64>();
        held.0.push_back((i, doc));
        None
    }

    /// The first file held, once the dictionary is built (`wait`: waiting for it).
    fn take(&self, wait: bool) -> Option<(usize, Document)> {
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        if held.0.is_empty() {
            return None;
        }
        if !self.segmenter.is_built() {
            if !wait {
                return None;
            }
            drop(held);
            self.segmenter.build();
            held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        }
        held.0.pop_front()
    }
}

/// Story files looked at by [`prepare`], and the most bytes read of each.
const SNIFF_FILES: usize = 8;
const SNIFF_BYTES: u64 = 16 * 1024;
/// Most entries of the archive [`prepare`] walks past looking for them.
const SNIFF_ENTRIES: usize = 1000;

/// Starts building jieba's dictionary on a thread of its own when the run builds a new index
/// (`index_dir` holds none) and one of the archive's first story files holds Han text: it is
/// then built while the archive is walked, where the first reading thread to meet Han text
/// built it (about 0.15 s) after the walk. A run that updates an index, or whose first files
/// are not Chinese, builds it when it first needs it, as before.
pub(super) fn prepare(archive: &Path, index_dir: &Path, segmenter: &Arc<Segmenter>) {
    if index_dir.join("meta.json").exists() {
        return;
    }
    let archive = archive.to_path_buf();
    let segmenter = segmenter.clone();
    // Without a thread to spare, the first reading thread to meet Han text builds it.
    let _ = std::thread::Builder::new().spawn(move || {
        if begins_chinese(&archive) {
            segmenter.build();
        }
    });
}

/// True when one of the first story files (in the walk's order) holds Han text near its start.
fn begins_chinese(archive: &Path) -> bool {
    crate::corpus::walk(archive)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().as_encoded_bytes().starts_with(b"."))
        .take(SNIFF_ENTRIES)
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            let name = e.file_name().to_string_lossy();
            Format::of(&name).is_ok_and(|f| f != Format::Docx)
        })
        .take(SNIFF_FILES)
        .any(|e| {
            let mut start = Vec::new();
            let read = std::fs::File::open(e.path())
                .and_then(|f| f.take(SNIFF_BYTES).read_to_end(&mut start));
            read.is_ok() && has_han(&String::from_utf8_lossy(&start))
        })
}

/// True when some of `doc`'s text is Han (jieba cuts it).
fn needs_jieba(doc: &Document) -> bool {
    let a = &doc.article;
    std::iter::once(&a.title)
        .chain(&a.passages)
        .any(|text| has_han(text))
}

/// Adds the documents of `doc`, read from `file`; an index that cannot take documents is an
/// error.
fn add_document(
    writer: &Writer,
    queue: &Arc<Queue>,
    maker: &mut Maker,
    file: &SourceFile,
    doc: Document,
) -> Result<Outcome> {
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
