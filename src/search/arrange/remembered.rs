//! A story's other language and whether its versions line up, asked once per arrangement.

use std::cell::RefCell;

use rustc_hash::FxHashMap;

use crate::error::Result;

use super::Counterparts;

/// What was asked of one story: each language's other language, and which pairs of its
/// versions line up (a story has few languages, so a list).
#[derive(Default)]
struct Asked {
    other: Vec<(String, Option<String>)>,
    lined: Vec<(String, String, bool)>,
}

/// `C`, each story's other language and whether its versions line up asked once: every
/// hit, its counterpart, its group and every matched passage counted ask again. Looked up by
/// borrowed names: nothing is allocated for an answer already known.
pub(super) struct Remembered<'a, C> {
    stories: &'a C,
    asked: RefCell<FxHashMap<String, Asked>>,
}

impl<'a, C: Counterparts> Remembered<'a, C> {
    pub(super) fn new(stories: &'a C) -> Self {
        Remembered {
            stories,
            asked: RefCell::default(),
        }
    }

    fn remember(&self, story: &str, note: impl FnOnce(&mut Asked)) {
        let mut asked = self.asked.borrow_mut();
        if !asked.contains_key(story) {
            asked.insert(story.to_string(), Asked::default());
        }
        note(asked.get_mut(story).expect("just inserted"));
    }
}

impl<C: Counterparts> Counterparts for Remembered<'_, C> {
    fn other_language(&self, story: &str, lang: &str) -> Result<Option<String>> {
        let known = self.asked.borrow().get(story).and_then(|a| {
            let found = a.other.iter().find(|(l, _)| l == lang);
            found.map(|(_, other)| other.clone())
        });
        if let Some(other) = known {
            return Ok(other);
        }
        let other = self.stories.other_language(story, lang)?;
        let entry = (lang.to_string(), other.clone());
        self.remember(story, |a| a.other.push(entry));
        Ok(other)
    }

    fn lines_up(&self, story: &str, a: &str, b: &str) -> Result<bool> {
        let known = self.asked.borrow().get(story).and_then(|asked| {
            let found = asked.lined.iter().find(|(x, y, _)| x == a && y == b);
            found.map(|&(_, _, lined)| lined)
        });
        if let Some(lined) = known {
            return Ok(lined);
        }
        let lined = self.stories.lines_up(story, a, b)?;
        let entry = (a.to_string(), b.to_string(), lined);
        self.remember(story, |asked| asked.lined.push(entry));
        Ok(lined)
    }

    fn aligned(&self, story: &str, lang: &str, align: u64) -> Result<Option<(u64, String)>> {
        self.stories.aligned(story, lang, align)
    }
}
