//! Property tests ("fuzzing") over the analyzer and the whole query path: any text, any query,
//! no panic; offsets always on character boundaries, in order, inside the text.
//! More cases: `PROPTEST_CASES=100000 cargo test --lib fuzz`.

use std::path::PathBuf;
use std::sync::OnceLock;

use proptest::prelude::*;
use tantivy::tokenizer::{TextAnalyzer, Token};

use crate::analysis::{Analyzers, BigramTokenizer};
use crate::indexer::{build, NoProgress};
use crate::search::{Request, Searcher};

/// Text mixing the scripts, punctuation and operators a query or story may hold.
fn mixed() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,60}",
        "[a-zA-Z0-9 霍尔果斯口岸努爾蘇丹哈萨克斯坦的了“”\"'()\\-–—。，、：;!?*~^…\u{3000}\u{feff}\u{200b}\u{301}]{0,60}",
        "(OR |AND |-|\"|[A-Za-z]{1,12} |[霍尔果斯努尔苏丹口岸]{1,6}){0,10}",
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
