//! Arranging's questions about stories, answered from the index: each version of a story (its
//! documents and their align numbers) read once per arrangement, though every hit's
//! counterpart, every pair of versions and the story's languages ask for it; a counterpart
//! among the passages already read is not read again.

use std::cell::RefCell;
use std::rc::Rc;

use rustc_hash::FxHashMap;
use tantivy::DocAddress;

use crate::error::Result;

use super::super::answer::Passage;
use super::super::arrange::Counterparts;
use super::Stored;

/// Most passages with the same alignment marker read to find the first.
const MAX_SAME_MARKER: usize = 32;

/// A story's documents in one language, each with its align number.
type Version = Rc<[(DocAddress, Option<u64>)]>;

/// [`Stored`] for one arrangement, remembering the versions it read.
pub struct Arranging<'a> {
    stored: Stored<'a>,
    versions: RefCell<FxHashMap<(String, String), Version>>,
    /// The passages read already, by address.
    read: FxHashMap<DocAddress, &'a Passage>,
}

impl<'a> Arranging<'a> {
    /// Arranging hits from `stored`, `read` being the passages read already and their addresses.
    pub fn new(stored: Stored<'a>, read: FxHashMap<DocAddress, &'a Passage>) -> Self {
        Arranging {
            stored,
            versions: RefCell::default(),
            read,
        }
    }

    /// The align numbers of the passages of `story` in `lang` at `addresses`, in order (0 for
    /// a document the version lacks), from the version read once: a passage's number in its
    /// file's batch when it holds none.
    pub fn aligns(&self, story: &str, lang: &str, addresses: &[DocAddress]) -> Result<Vec<u64>> {
        // A version's documents are in order: by segment, then by document.
        let version = self.version(story, lang)?;
        let align = |a: &DocAddress| version.binary_search_by_key(a, |d| d.0).ok();
        Ok((addresses.iter())
            .map(|a| align(a).and_then(|i| version[i].1).unwrap_or(0))
            .collect())
    }

    /// True when the story has a passage in `lang`: a document with an align number (its
    /// story document has none, or 0), as [`Stored::story_langs`] decides.
    fn has_passage(&self, story: &str, lang: &str) -> Result<bool> {
        let version = self.version(story, lang)?;
        Ok(version.iter().any(|d| d.1.is_some_and(|a| a > 0)))
    }

    /// [`Stored::version`], read once.
    fn version(&self, story: &str, lang: &str) -> Result<Version> {
        let key = (story.to_string(), lang.to_string());
        if let Some(version) = self.versions.borrow().get(&key) {
            return Ok(version.clone());
        }
        let version: Version = self.stored.version(story, lang)?.into();
        self.versions.borrow_mut().insert(key, version.clone());
        Ok(version)
    }
}

impl Counterparts for Arranging<'_> {
    /// `zh` for `en`, `en` for `zh`, else any other language the story is in.
    /// Read from the versions (which [`Counterparts::lines_up`] reads next), the preferred
    /// one first.
    fn other_language(&self, story: &str, lang: &str) -> Result<Option<String>> {
        let preferred = if lang == "zh" { "en" } else { "zh" };
        let languages = self.stored.languages;
        if languages.contains(preferred) && self.has_passage(story, preferred)? {
            return Ok(Some(preferred.to_string()));
        }
        for other in languages.iter().filter(|&l| l != lang && l != preferred) {
            if self.has_passage(story, other)? {
                return Ok(Some(other.clone()));
            }
        }
        Ok(None)
    }

    fn lines_up(&self, story: &str, a: &str, b: &str) -> Result<bool> {
        let (a, b) = (self.version(story, a)?, self.version(story, b)?);
        // A story document with align 0: a version with markers.
        let marked = |docs: &[(DocAddress, Option<u64>)]| docs.iter().any(|d| d.1 == Some(0));
        Ok(marked(&a) || marked(&b) || a.len() == b.len())
    }

    fn aligned(&self, story: &str, lang: &str, align: u64) -> Result<Option<(u64, String)>> {
        if align == 0 {
            return Ok(None);
        }
        // The first passage, when a marker is on more than one (indexing warned about it; a
        // marker on thousands of passages costs no more than on a few dozen).
        let mut first: Option<(u64, String)> = None;
        let version = self.version(story, lang)?;
        let found = version.iter().filter(|&&(_, a)| a == Some(align));
        for &(address, _) in found.take(MAX_SAME_MARKER) {
            let p = match self.read.get(&address) {
                Some(p) => (p.passage, p.text.clone()),
                None => self.stored.number_and_text(address)?,
            };
            if first.as_ref().is_none_or(|f| p.0 < f.0) {
                first = Some(p);
            }
        }
        Ok(first)
    }
}
