//! Taiwan and mainland vocabulary find each other (`檔案` / `文件`, `程式` / `程序`), and
//! highlights stay on the characters the story has.

use crate::env::Env;

// The NAME lines of cp(1) in Debian's manpages-zh, zh_TW and zh_CN.
const TAIWAN: &str = "---\ntitle: cp\nlang: zh-TW\n---\n\n複製檔案和目錄\n";
const MAINLAND: &str = "---\ntitle: cp\nlang: zh-CN\n---\n\n复制文件和目录\n";

fn highlighted(hit: &crate::env::JsonHit) -> Vec<&str> {
    hit.highlights
        .iter()
        .map(|[a, b]| &hit.text[*a..*b])
        .collect()
}

#[test]
fn taiwan_and_mainland_words_find_each_other_highlighted_as_written() {
    let env = Env::empty();
    env.write("archive/tw.md", TAIWAN);
    env.write("archive/cn.md", MAINLAND);
    for (query, doc, shown) in [
        ("文件", "tw", "檔案"),
        ("檔案", "cn", "文件"),
        ("档案", "cn", "文件"),
    ] {
        let hits = env.json(&["search", "--json", "--exact", query]);
        let hit = hits
            .iter()
            .find(|h| h.doc == doc)
            .unwrap_or_else(|| panic!("{query} does not find {doc}: {hits:?}"));
        assert!(
            highlighted(hit).contains(&shown),
            "{query} in {doc}: {hit:?}"
        );
    }
}

#[test]
fn a_word_that_means_something_else_in_taiwan_is_not_folded() {
    // Taiwan's 文件 is a document (the mainland's 文档): it must not find 文档.
    let env = Env::empty();
    env.write(
        "archive/doc.md",
        "---\ntitle: d\nlang: zh-CN\n---\n\n编写文档的规范\n",
    );
    let out = env.run(&["search", "--json", "--exact", "文件"]);
    assert_eq!((out.code, out.stdout.as_str()), (1, ""), "{}", out.stderr);
    assert_eq!(env.json(&["search", "--json", "--exact", "文档"]).len(), 1);
}
