//! Property tests ("fuzzing") over the analyzer and the whole query path: any text, any query,
//! no panic; offsets always on character boundaries, in order, inside the text.
//! More cases: `PROPTEST_CASES=100000 cargo test --lib fuzz`.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::OnceLock;

use proptest::prelude::*;
use tantivy::tokenizer::{TextAnalyzer, Token};

use crate::analysis::tokens::push;
use crate::analysis::{collect, fold_han, runs, Analyzers, BigramTokenizer, RunKind};
use crate::indexer::{build, NoProgress};
use crate::search::{Request, Searcher};

/// Text mixing the scripts, punctuation and operators a query or story may hold.
fn mixed() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,60}",
        "[a-zA-Z0-9 霍尔果斯口岸努爾蘇丹哈萨克斯坦的了“”\"'()\\-–—。，、：;!?*~^…\u{3000}\u{feff}\u{200b}\u{301}]{0,60}",
        "(OR |AND |-|\"|[A-Za-z]{1,12} |[霍尔果斯努尔苏丹口岸]{1,6}){0,10}",
        // Numbers and units, traditional characters, Taiwan words (档案, 程式), Latin words.
        "([0-9]{1,4}[.,]?|[亿万年月日档案程式資料庫軟體檔網路伺服器]{1,4}|[A-Za-zÀÉé]{1,9}| ){0,16}",
    ]
}

fn check_offsets(analyzer: &mut TextAnalyzer, text: &str) {
    let mut last = 0;
    analyzer.token_stream(text).process(&mut |t: &Token| {
        assert!(t.offset_from <= t.offset_to && t.offset_to <= text.len());
        assert!(text.is_char_boundary(t.offset_from) && text.is_char_boundary(t.offset_to));
        assert!(t.offset_from >= last, "offsets went backwards in {text:?}");
        assert!(!t.text.is_empty());
        last = t.offset_from;
    });
}

/// The tokens `analyzer` makes of `text`, carried as the indexer carries them.
fn carried(analyzer: &mut TextAnalyzer, text: &str) -> String {
    let mut out = String::new();
    analyzer
        .token_stream(text)
        .process(&mut |t: &Token| push(&mut out, t.position, &t.text));
    out
}

/// What the `grams` field holds: the distinct bigrams, first met first, that are not among
/// the text's terms.
fn residual_bigrams(analyzers: &Analyzers, text: &str) -> String {
    let words: HashSet<String> = collect(&mut analyzers.text(), text).into_iter().collect();
    let mut seen = HashSet::new();
    let mut out = String::new();
    for gram in collect(&mut TextAnalyzer::from(BigramTokenizer), text) {
        if !words.contains(&gram) && seen.insert(gram.clone()) {
            push(&mut out, 0, &gram);
        }
    }
    out
}

/// The words the pinyin field reads: every jieba word and sub-word of each folded Han run.
fn han_words(analyzers: &Analyzers, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (_, _, run) in runs(text).filter(|r| r.0 == RunKind::Han) {
        let folded = fold_han(run);
        analyzers.segmenter.segment(&folded, |from, to, _| {
            out.push(folded[from..to].to_string())
        });
    }
    out
}

fn bundled() -> &'static (tempfile::TempDir, PathBuf) {
    static INDEX: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    INDEX.get_or_init(|| {
        let archive = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("archive");
        let dir = tempfile::tempdir().unwrap();
        let words = crate::store::user_words(&archive).unwrap();
        build(&archive, dir.path(), &Analyzers::new(words), &NoProgress).unwrap();
        (dir, archive)
    })
}

fn searcher() -> &'static Searcher {
    static SEARCHER: OnceLock<Searcher> = OnceLock::new();
    SEARCHER.get_or_init(|| {
        let (dir, archive) = bundled();
        Searcher::open(archive, dir.path()).unwrap()
    })
}

proptest! {
    #[test]
    fn analyzers_keep_offsets_sound(text in mixed()) {
        static ANALYZERS: OnceLock<Analyzers> = OnceLock::new();
        let analyzers = ANALYZERS.get_or_init(|| Analyzers::new(vec!["努尔苏丹".into()]));
        check_offsets(&mut analyzers.text(), &text);
        check_offsets(&mut TextAnalyzer::from(BigramTokenizer), &text);
    }

    #[test]
    fn the_indexers_one_pass_makes_what_the_analyzers_make(text in mixed()) {
        static ANALYZERS: OnceLock<Analyzers> = OnceLock::new();
        let analyzers = ANALYZERS.get_or_init(|| Analyzers::new(vec!["努尔苏丹".into()]));
        let (mut words, mut latin) = (Vec::new(), Vec::new());
        let analysed = analyzers.passages().analyse(
            &text,
            |w| words.push(w.to_string()),
            |w| latin.push(w.to_string()),
        );
        prop_assert_eq!(analysed.text, carried(&mut analyzers.text(), &text));
        prop_assert_eq!(analysed.grams, residual_bigrams(analyzers, &text));
        prop_assert_eq!(words, han_words(analyzers, &text));
        prop_assert_eq!(latin, crate::analysis::latin_words(&text));
    }

    #[test]
    fn any_query_answers_or_errs_without_panicking(query in mixed(), exact in any::<bool>()) {
        let request = Request { exact, explain: true, limit: 5, ..Request::new(query) };
        if let Ok(answer) = searcher().search(&request) {
            for hit in answer.hits {
                for [a, b] in hit.highlights {
                    prop_assert!(hit.text.is_char_boundary(a) && hit.text.is_char_boundary(b));
                }
            }
        }
    }
}
