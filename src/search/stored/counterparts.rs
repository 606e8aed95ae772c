//! Arranging's questions about stories, answered from the index: each version of a story (its
//! documents and their align numbers) read once per arrangement, though every hit's
//! counterpart and every pair of versions asks for it.

use std::cell::RefCell;
use std::rc::Rc;

use rustc_hash::FxHashMap;
use tantivy::DocAddress;

use crate::error::Result;

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
}

impl<'a> Arranging<'a> {
    /// Arranging hits from `stored`.
    pub fn new(stored: Stored<'a>) -> Self {
        Arranging {
            stored,
            versions: RefCell::default(),
        }
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
    fn other_language(&self, story: &str, lang: &str) -> Result<Option<String>> {
        let mut langs = self.stored.story_langs(story)?;
        langs.remove(lang);
        let preferred = if lang == "zh" { "en" } else { "zh" };
        Ok(if langs.contains(preferred) {
            Some(preferred.to_string())
        } else {
            langs.into_iter().next()
        })
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
            let p = self.stored.number_and_text(address)?;
            if first.as_ref().is_none_or(|f| p.0 < f.0) {
                first = Some(p);
            }
        }
        Ok(first)
    }
}
