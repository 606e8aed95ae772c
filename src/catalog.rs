//! What the archive holds, story by story, read from the index's manifest (no stored passage
//! is read): for `archive list`, and for naming a story by its id or by a path shown in
//! results.

use std::collections::BTreeMap;

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
            });
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

/// The story a user names: its id, or the path of one of its files as results show it
/// (`story/en.md`, also with a trailing ` ¶N`). `None` when the index has no such story.
pub fn resolve(manifest: &Manifest, name: &str) -> Option<String> {
    let name = name.trim().trim_end_matches('/');
    let name = name.split(" ¶").next().unwrap_or(name);
    if manifest.files.values().any(|f| f.story == name) {
        return Some(name.to_string());
    }
    manifest.files.get(name).map(|f| f.story.clone())
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
        assert_eq!(resolve(&m, "old/zh.md ¶2").as_deref(), Some("old"));
        assert_eq!(resolve(&m, "new").as_deref(), Some("new"));
        assert_eq!(resolve(&m, "missing"), None);
    }
}
