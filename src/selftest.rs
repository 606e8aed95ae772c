//! The self-test run after every indexing: words and phrases taken from a sample of the
//! passages that run indexed, in the form the text has them, must find their passage through
//! the real query path. It catches an analyzer whose index side and query side disagree.
//! Only what the run wrote is sampled (the rest was tested when it was written, by the same
//! analyzer: the fingerprint says so), so its cost follows the change, not the archive.

use tantivy::tokenizer::Token;

use crate::analysis::{fold_han, has_han, is_han, Analyzers, MAX_WORD_BYTES};
use crate::error::Result;
use crate::search::{Passage, Request, Searcher};

/// Passages sampled per run, at most.
pub const SAMPLE: usize = 40;

/// A query that did not find the passage it was taken from.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// The query.
    pub query: String,
    /// Where it was taken from.
    pub passage: Passage,
}

/// What the self-test checked.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Queries run.
    pub checked: usize,
    /// Queries that missed their passage.
    pub failures: Vec<Failure>,
}

/// Queries taken from one passage: its longest Latin word, its longest Han word, and a phrase
/// of two adjacent Han words, each as written in the passage (original script and case).
/// Words are the analyzer's own tokens, so a word is never cut out of a longer term (`20191110`
/// out of the number `5.20191110`); words the analyzer drops (over its length cap) are not taken.
pub fn queries_for(text: &str, analyzers: &Analyzers) -> Vec<String> {
    let mut latin: Vec<(usize, usize)> = Vec::new();
    let mut han: Vec<(usize, usize, usize)> = Vec::new();
    analyzers
        .text()
        .token_stream(text)
        .process(&mut |t: &Token| {
            let written = &text[t.offset_from..t.offset_to];
            if written.chars().all(is_han) {
                // A sub-word of a regionally folded word (务器 of 服务器, written 服器 in
                // 伺服器) is not what a query for the written text searches.
                if fold_han(written) == t.text {
                    han.push((t.offset_from, t.offset_to, t.position));
                }
            } else if !has_han(written) {
                latin.push((t.offset_from, t.offset_to));
            }
        });
    let chars = |a: usize, b: usize| text[a..b].chars().count();
    let mut out = Vec::new();
    if let Some(&(a, b)) = latin
        .iter()
        .filter(|&&(a, b)| chars(a, b) >= 4 && b - a <= MAX_WORD_BYTES)
        .max_by_key(|&&(a, b)| chars(a, b))
    {
        out.push(text[a..b].to_string());
    }
    if let Some(w) = han
        .iter()
        .filter(|w| chars(w.0, w.1) >= 2)
        .max_by_key(|w| chars(w.0, w.1))
    {
        out.push(text[w.0..w.1].to_string());
    }
    if let Some(pair) = han.windows(2).find(|p| {
        p[1].2 == p[0].2 + 1
            && p[1].0 == p[0].1
            && chars(p[0].0, p[0].1) + chars(p[1].0, p[1].1) >= 3
    }) {
        out.push(format!("\"{}\"", &text[pair[0].0..pair[1].1]));
    }
    out
}

/// Up to [`SAMPLE`] passages of the story versions `indexed` (story, language), spread
/// evenly over them and over each one's passages.
fn sample(searcher: &Searcher, indexed: &[(String, String)]) -> Result<Vec<Passage>> {
    let chosen: Vec<_> = indexed
        .iter()
        .step_by(indexed.len().div_ceil(SAMPLE).max(1))
        .collect();
    let per_story = (SAMPLE / chosen.len().max(1)).max(1);
    let mut out = Vec::new();
    for (story, lang) in chosen {
        let Some(s) = searcher.story(story, lang)? else {
            continue;
        };
        let step = s.passages.len().div_ceil(per_story).max(1);
        for p in s.passages.into_iter().step_by(step) {
            out.push(Passage {
                story: s.story.clone(),
                lang: s.lang.clone(),
                passage: p.passage,
                align: p.align,
                text: p.text,
                title: s.title.clone(),
                date: s.date.clone(),
                path: s.path.clone(),
            });
        }
    }
    Ok(out)
}

/// Runs the self-test on the story versions `indexed` (story, language) of an index.
pub fn run(
    searcher: &Searcher,
    analyzers: &Analyzers,
    indexed: &[(String, String)],
) -> Result<Outcome> {
    let mut outcome = Outcome::default();
    for passage in sample(searcher, indexed)? {
        for query in queries_for(&passage.text, analyzers) {
            let request = Request {
                limit: usize::MAX / 8,
                per_story: usize::MAX / 8,
                story: Some(passage.story.clone()),
                lang: Some(passage.lang.clone()),
                exact: true,
                ..Request::new(query.clone())
            };
            outcome.checked += 1;
            let found = searcher
                .search(&request)?
                .hits
                .iter()
                .any(|h| h.passage == passage.passage);
            if !found {
                outcome.failures.push(Failure {
                    query,
                    passage: passage.clone(),
                });
            }
        }
    }
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indexer::{build, NoProgress};

    fn archive_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join("archive").join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    const STORY: &[(&str, &str)] = &[
        (
            "s/en.md",
            "---\nlang: en\n---\nTrains were running to Khorgos.\n\nThe dry port is growing.\n",
        ),
        (
            "s/zh.md",
            "---\nlang: zh\n---\n火车开往霍尔果斯。\n\n無水港的貨物越來越多。\n",
        ),
    ];

    #[test]
    fn takes_words_as_written() {
        let q = queries_for("無水港的貨物越來越多 Containers", &Analyzers::new(vec![]));
        assert_eq!(q[0], "Containers");
        assert!(q[1].chars().all(is_han) && q[1].chars().count() >= 2);
        assert!(q.iter().any(|q| q.starts_with('"')));
    }

    #[test]
    fn never_cuts_a_word_out_of_a_longer_term() {
        let q = queries_for("Version 5.20191110 of it", &Analyzers::new(vec![]));
        assert_eq!(q, vec!["5.20191110"]);
    }

    #[test]
    fn a_taiwan_word_folded_at_index_time_passes() {
        // 伺服器 is indexed as 服务器, whose sub-word 务器 stands at 服器 in the text: a
        // fragment no query folds the same way, so it is not a query to test with.
        let dir = archive_with(&[(
            "s/zh.md",
            "---\nlang: zh\n---\nab - Apache HTTP 伺服器效能測試工具\n\n注意設定此選項可對伺服器效能產生負面影響,因為samba必須做一些額外的系統呼叫以檢查那些連結.\n",
        )]);
        let (archive, index) = (dir.path().join("archive"), dir.path().join("index"));
        let analyzers = Analyzers::new(vec![]);
        let report = build(&archive, &index, &analyzers, &NoProgress).unwrap();
        let searcher = Searcher::open(&archive, &index).unwrap();
        let outcome = run(&searcher, &analyzers, &report.indexed).unwrap();
        assert!(outcome.checked > 0);
        assert_eq!(outcome.failures, vec![]);
    }

    #[test]
    fn a_sound_analyzer_passes() {
        let dir = archive_with(STORY);
        let (archive, index) = (dir.path().join("archive"), dir.path().join("index"));
        let analyzers = Analyzers::new(vec![]);
        let report = build(&archive, &index, &analyzers, &NoProgress).unwrap();
        let searcher = Searcher::open(&archive, &index).unwrap();
        let outcome = run(&searcher, &analyzers, &report.indexed).unwrap();
        assert_eq!(outcome.checked, 6, "{outcome:?}");
        assert_eq!(outcome.failures, vec![]);
    }

    #[test]
    fn a_broken_analyzer_fails_loudly_with_the_word_and_passage() {
        let dir = archive_with(STORY);
        let (archive, index) = (dir.path().join("archive"), dir.path().join("index"));
        let broken = Analyzers::broken();
        let report = build(&archive, &index, &broken, &NoProgress).unwrap();
        let searcher = Searcher::open(&archive, &index).unwrap();
        let outcome = run(&searcher, &broken, &report.indexed).unwrap();
        let mut missed: Vec<&str> = outcome.failures.iter().map(|f| f.query.as_str()).collect();
        missed.sort();
        assert_eq!(missed, vec!["Khorgos", "growing"]);
        assert!(outcome.failures.iter().all(|f| f.passage.lang == "en"));
    }

    #[test]
    fn only_the_files_a_run_indexed_are_sampled() {
        // The broken analyzer misses English words: once only the Chinese version changed,
        // the English passages (tested when they were written) are not sampled again.
        let dir = archive_with(STORY);
        let (archive, index) = (dir.path().join("archive"), dir.path().join("index"));
        let broken = Analyzers::broken();
        build(&archive, &index, &broken, &NoProgress).unwrap();
        std::fs::write(
            archive.join("s/zh.md"),
            "---\nlang: zh\n---\n火车开往霍尔果斯。\n\n无水港的货物越来越多。\n",
        )
        .unwrap();
        let report = build(&archive, &index, &broken, &NoProgress).unwrap();
        assert_eq!(report.indexed, vec![("s".to_string(), "zh".to_string())]);
        let searcher = Searcher::open(&archive, &index).unwrap();
        let outcome = run(&searcher, &broken, &report.indexed).unwrap();
        assert!(outcome.checked > 0);
        assert_eq!(outcome.failures, vec![]);
    }
}
