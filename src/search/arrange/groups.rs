//! Passages grouped as they are shown, to count what a story's hits leave out: a passage
//! with its counterparts (same story, versions that line up, same align number), else alone.

use std::collections::HashMap;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::error::Result;
use crate::schema::UNPAIRED;
use crate::search::answer::Passage;

use super::{Counterparts, Matched};

/// Passages grouped as they are shown: a passage with its counterparts (same story, versions
/// that line up, same align number), else alone.
pub(super) struct Groups<'a, 'p, C> {
    stories: &'a C,
    shown: FxHashSet<Group<'p>>,
}

#[derive(Debug, PartialEq, Eq, Hash)]
enum Group<'p> {
    Paired(&'p str, u64),
    Alone(&'p str, &'p str, u64),
}

impl<'a, 'p, C: Counterparts> Groups<'a, 'p, C> {
    pub(super) fn new(stories: &'a C) -> Self {
        Groups {
            stories,
            shown: FxHashSet::default(),
        }
    }

    /// True when the passages of `story` in `lang` pair with its other language's.
    fn lined(&self, story: &str, lang: &str) -> Result<bool> {
        Ok(match self.stories.other_language(story, lang)? {
            Some(other) => self.stories.lines_up(story, lang, &other)?,
            None => false,
        })
    }

    fn group(story: &'p str, lang: &'p str, align: u64, lined: bool) -> Group<'p> {
        if lined && align < UNPAIRED {
            Group::Paired(story, align)
        } else {
            Group::Alone(story, lang, align)
        }
    }

    pub(super) fn show(&mut self, p: &'p Passage) -> Result<()> {
        let lined = self.lined(&p.story, &p.lang)?;
        self.shown
            .insert(Self::group(&p.story, &p.lang, p.align, lined));
        Ok(())
    }

    /// For each story, how many groups of `matched` passages were not shown.
    pub(super) fn not_shown(self, matched: &'p [Matched]) -> Result<HashMap<String, usize>> {
        // Asked once per story and language: a story may have thousands of matched passages.
        let mut lined: FxHashMap<(&str, &str), bool> = FxHashMap::default();
        let mut hidden: FxHashSet<Group> = FxHashSet::default();
        for m in matched {
            let key = (m.story.as_str(), m.lang.as_str());
            let is_lined = match lined.get(&key) {
                Some(&l) => l,
                None => *lined.entry(key).or_insert(self.lined(key.0, key.1)?),
            };
            let group = Self::group(&m.story, &m.lang, m.align, is_lined);
            if !self.shown.contains(&group) {
                hidden.insert(group);
            }
        }
        let mut more: HashMap<String, usize> = HashMap::new();
        for group in hidden {
            let (Group::Paired(story, _) | Group::Alone(story, _, _)) = group;
            *more.entry(story.to_string()).or_default() += 1;
        }
        Ok(more)
    }
}
