//! A story's other language and whether its versions line up, asked once per arrangement.

use std::cell::RefCell;
use std::collections::HashMap;

use crate::error::Result;

use super::Counterparts;

/// `C`, each story's other language and whether its versions line up asked once: every
/// hit, its counterpart and its group ask again.
pub(super) struct Remembered<'a, C> {
    stories: &'a C,
    other: RefCell<HashMap<(String, String), Option<String>>>,
    lined: RefCell<HashMap<(String, String, String), bool>>,
}

impl<'a, C: Counterparts> Remembered<'a, C> {
    pub(super) fn new(stories: &'a C) -> Self {
        Remembered {
            stories,
            other: RefCell::default(),
            lined: RefCell::default(),
        }
    }
}

impl<C: Counterparts> Counterparts for Remembered<'_, C> {
    fn other_language(&self, story: &str, lang: &str) -> Result<Option<String>> {
        let key = (story.to_string(), lang.to_string());
        if let Some(other) = self.other.borrow().get(&key) {
            return Ok(other.clone());
        }
        let other = self.stories.other_language(story, lang)?;
        self.other.borrow_mut().insert(key, other.clone());
        Ok(other)
    }

    fn lines_up(&self, story: &str, a: &str, b: &str) -> Result<bool> {
        let key = (story.to_string(), a.to_string(), b.to_string());
        if let Some(&lined) = self.lined.borrow().get(&key) {
            return Ok(lined);
        }
        let lined = self.stories.lines_up(story, a, b)?;
        self.lined.borrow_mut().insert(key, lined);
        Ok(lined)
    }

    fn aligned(&self, story: &str, lang: &str, align: u64) -> Result<Option<(u64, String)>> {
        self.stories.aligned(story, lang, align)
    }
}
