//! What the archive holds, story by story, read from the index's manifest (no stored passage
//! is read): for `archive list`, for `archive serve`'s start page (a [`Catalog`] read page by
//! page), and for naming a story by its id or by a path shown in results.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::manifest::Manifest;

/// One story of the index, in every language it has.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StoryInfo {
    /// Story id.
    pub id: String,
    /// Its date `YYYY-MM-DD`, or empty.
    pub date: String,
    /// Its title: the English version's when there is one, else the first language's.
    pub title: String,
    /// Its languages, sorted.
    pub langs: Vec<String>,
    /// Passages per language.
    pub passages: BTreeMap<String, u64>,
    /// Source file per language, relative to the archive folder.
    pub paths: BTreeMap<String, String>,
    /// True when a language version has alignment markers.
    #[serde(skip)]
    pub marked: bool,
}

impl StoryInfo {
    /// True when its language versions' passages pair (the rule search follows for
    /// counterparts and `archive index` warns about): by alignment markers when a version has
    /// them, else by number when every version has the same number of passages.
    pub fn lines_up(&self) -> bool {
        let mut counts = self.passages.values();
        let first = counts.next();
        self.marked || counts.all(|n| Some(n) == first)
    }
}

/// The stories of one index with its totals, built once so that any page of it costs the
/// same however many stories there are.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    stories: Vec<StoryInfo>,
    /// Each story's place in `stories`, by id.
    places: HashMap<String, usize>,
    passages: u64,
    langs: Vec<String>,
}

impl Catalog {
    /// The catalog of the index whose file list is `manifest`.
    pub fn new(manifest: &Manifest) -> Catalog {
        let (_, passages, langs) = manifest.totals();
        let stories = stories(manifest);
        let places = stories
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), i))
            .collect();
        Catalog {
            stories,
            places,
            passages,
            langs,
        }
    }

    /// The story `id`, if the index holds it.
    pub fn get(&self, id: &str) -> Option<&StoryInfo> {
        self.places.get(id).map(|&i| &self.stories[i])
    }

    /// Number of stories.
    pub fn len(&self) -> usize {
        self.stories.len()
    }

    /// True when the index holds no story.
    pub fn is_empty(&self) -> bool {
        self.stories.is_empty()
    }

    /// Passages in every language together.
    pub fn passages(&self) -> u64 {
        self.passages
    }

    /// The languages stories are in, sorted.
    pub fn langs(&self) -> &[String] {
        &self.langs
    }

    /// Number of pages of `per_page` stories (at least one, empty when there is no story).
    pub fn pages(&self, per_page: usize) -> usize {
        self.stories.len().div_ceil(per_page.max(1)).max(1)
    }

    /// Page `page` (from 1) of `per_page` stories, newest first; empty past the last page.
    pub fn page(&self, page: usize, per_page: usize) -> &[StoryInfo] {
        let start = page
            .saturating_sub(1)
            .saturating_mul(per_page)
            .min(self.stories.len());
        let end = start.saturating_add(per_page).min(self.stories.len());
        &self.stories[start..end]
    }
}

/// Every story in the index, newest first; undated stories last; then by id.
pub fn stories(manifest: &Manifest) -> Vec<StoryInfo> {
    let mut by_id: BTreeMap<&str, StoryInfo> = BTreeMap::new();
    for (path, file) in &manifest.files {
        let info = by_id
            .entry(file.story.as_str())
            .or_insert_with(|| StoryInfo {
                id: file.story.clone(),
                date: String::new(),
                title: String::new(),
                langs: Vec::new(),
                passages: BTreeMap::new(),
                paths: BTreeMap::new(),
                marked: false,
            });
        info.marked |= file.marked;
        if info.date.is_empty() {
            info.date = file.date.clone();
        }
        if info.title.is_empty() || file.lang == "en" {
            info.title = file.title.clone();
        }
        info.passages.insert(file.lang.clone(), file.passages);
        info.paths.insert(file.lang.clone(), path.clone());
    }
    let mut out: Vec<StoryInfo> = by_id
        .into_values()
        .map(|mut s| {
            s.langs = s.passages.keys().cloned().collect();
            s
        })
        .collect();
    out.sort_by(|a, b| {
        (a.date.is_empty(), std::cmp::Reverse(&a.date), &a.id).cmp(&(
            b.date.is_empty(),
            std::cmp::Reverse(&b.date),
            &b.id,
        ))
    });
    out
}

/// A story as a user names it, and the version and passage the name points at.
#[derive(Debug, Clone, PartialEq)]
pub struct Named {
    /// Story id.
    pub story: String,
    /// The language of the file a path names; `None` for an id.
    pub lang: Option<String>,
    /// The passage a trailing ` ¶N` names.
    pub passage: Option<u64>,
}

/// The story a user names: its id, or the path of one of its files as results show it
/// (`story/en.md`, also with a trailing ` ¶N`). `None` when the index has no such story.
pub fn resolve(manifest: &Manifest, name: &str) -> Option<Named> {
    let name = name.trim().trim_end_matches('/');
    let (name, passage) = match name.rsplit_once(" ¶") {
        Some((path, n)) => (path.trim_end(), Some(n.trim().parse::<u64>().ok()?)),
        None => (name, None),
    };
    if manifest.files.values().any(|f| f.story == name) {
        return Some(Named {
            story: name.to_string(),
            lang: None,
            passage,
        });
    }
    manifest.files.get(name).map(|f| Named {
        story: f.story.clone(),
        lang: Some(f.lang.clone()),
        passage,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::FileEntry;

    fn entry(story: &str, lang: &str, date: &str, title: &str) -> FileEntry {
        FileEntry {
            hash: String::new(),
            size: 0,
            mtime: 0,
            story: story.into(),
            lang: lang.into(),
            passages: 3,
            marked: false,
            title: title.into(),
            date: date.into(),
        }
    }

    #[test]
    fn newest_first_undated_last_and_paths_name_stories() {
        let mut m = Manifest::default();
        m.files
            .insert("old/zh.md".into(), entry("old", "zh", "2020-01-01", "旧"));
        m.files
            .insert("old/en.md".into(), entry("old", "en", "2020-01-01", "Old"));
        m.files
            .insert("new.md".into(), entry("new", "en", "2024-05-01", "New"));
        m.files
            .insert("none.txt".into(), entry("none", "en", "", "None"));
        let list = stories(&m);
        let ids: Vec<&str> = list.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["new", "old", "none"]);
        assert_eq!((list[1].title.as_str(), list[1].langs.len()), ("Old", 2));
        let named = |story: &str, lang: Option<&str>, passage| Named {
            story: story.into(),
            lang: lang.map(String::from),
            passage,
        };
        assert_eq!(
            resolve(&m, "old/zh.md ¶2"),
            Some(named("old", Some("zh"), Some(2)))
        );
        assert_eq!(resolve(&m, "new"), Some(named("new", None, None)));
        assert_eq!(resolve(&m, "missing"), None);
        assert!(list[1].lines_up());
    }

    #[test]
    fn a_catalog_is_read_page_by_page_with_its_totals() {
        let mut m = Manifest::default();
        for n in 0..7 {
            let date = format!("2020-01-{:02}", n + 1);
            m.files.insert(
                format!("s{n}.md"),
                entry(&format!("s{n}"), "en", &date, "T"),
            );
        }
        m.files
            .insert("s0/zh.md".into(), entry("s0", "zh", "2020-01-01", "T"));
        let c = Catalog::new(&m);
        assert_eq!(
            (c.len(), c.passages(), c.langs()),
            (7, 24, &["en".to_string(), "zh".to_string()][..])
        );
        assert_eq!(c.pages(3), 3);
        let ids = |p: &[StoryInfo]| p.iter().map(|s| s.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(c.page(1, 3)), ["s6", "s5", "s4"]);
        assert_eq!(ids(c.page(3, 3)), ["s0"]);
        assert_eq!(c.get("s0").map(|s| s.langs.len()), Some(2));
        assert!(c.get("s9").is_none());
        assert!(c.page(4, 3).is_empty() && c.page(usize::MAX, usize::MAX).is_empty());
        assert_eq!(Catalog::default().pages(50), 1);
        let mut uneven = c.page(3, 3)[0].clone();
        assert!(uneven.lines_up());
        uneven.passages.insert("zh".into(), 2);
        assert!(!uneven.lines_up());
        uneven.marked = true;
        assert!(uneven.lines_up());
    }
}
