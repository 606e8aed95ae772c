//! Story formats (saved web pages, Markdown, Word documents) and the commands that bring
//! stories in and show them: `add`, `list`, `show`.

use std::io::Write;

use crate::env::Env;

/// A page as a browser saves it: menus, a footer, scripts, and one article.
const PAGE: &str = r#"<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Camel milk in Almaty - The Steppe Herald</title>
<meta property="og:title" content="Camel milk powder reaches Almaty">
<meta property="article:published_time" content="2023-04-05T09:30:00+06:00">
<script>var trackingPixel = "zzscriptword";</script>
<style>.nav { color: red }</style>
</head><body>
<header><nav class="menu"><a href="/">Home</a> <a href="/world">Zzmenuword World</a>
<a href="/sport">Sport</a></nav></header>
<main><article>
<h1>Camel milk powder reaches Almaty</h1>
<p>A dairy in Shymkent has begun drying camel milk into powder, and the first lorries
reached Almaty on Tuesday, its director said in an interview at the plant.</p>
<p>The powder keeps for a year without refrigeration, which lets herders in the south
sell their milk to cities far away, the director added, standing beside the new dryer.</p>
<p>Exports to China through the Khorgos dry port are planned for next spring, once the
certificates for the new line have been issued by the authorities in Astana.</p>
</article></main>
<aside class="sidebar"><h3>Most read</h3><ul><li><a href="/a">Zzasideword one</a></li></ul></aside>
<footer><p>© 2023 The Steppe Herald. Zzfooterword. All rights reserved.</p></footer>
<script>document.write("zzscriptword2")</script>
</body></html>
"#;

/// A `.docx` with two paragraphs and a title, built the way Word lays one out.
fn docx(title: &str, paragraphs: &[&str]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let body: String = paragraphs
        .iter()
        .map(|p| {
            let (a, b) = p.split_at(p.len() / 2);
            format!(r#"<w:p><w:r><w:t>{a}</w:t></w:r><w:r><w:t xml:space="preserve">{b}</w:t></w:r></w:p>"#)
        })
        .collect();
    zip.start_file("word/document.xml", opts).unwrap();
    write!(
        zip,
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}<w:p/></w:body></w:document>"#
    )
    .unwrap();
    zip.start_file("docProps/core.xml", opts).unwrap();
    write!(
        zip,
        r#"<?xml version="1.0"?><cp:coreProperties xmlns:cp="x" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{title}</dc:title></cp:coreProperties>"#
    )
    .unwrap();
    zip.finish().unwrap().into_inner()
}

#[test]
fn a_saved_web_page_is_indexed_by_its_article_and_metadata_not_its_menus() {
    let env = Env::empty();
    env.write("archive/camel.html", PAGE);
    let hits = env.json(&["search", "--json", "dryer"]);
    assert_eq!(hits.len(), 1);
    let h = &hits[0];
    assert_eq!(h.title, "Camel milk powder reaches Almaty");
    assert_eq!((h.date.as_str(), h.lang.as_str()), ("2023-04-05", "en"));
    assert_eq!(h.doc, "camel");
    for boilerplate in [
        "zzmenuword",
        "zzfooterword",
        "zzasideword",
        "zzscriptword",
        "trackingPixel",
    ] {
        assert_eq!(
            env.run(&["search", "--exact", boilerplate]).code,
            1,
            "{boilerplate} was indexed"
        );
    }
    // The same page renamed to .txt is still a page, not markup.
    env.write("archive/renamed.txt", PAGE);
    let hits = env.json(&["search", "--json", "--story", "renamed", "Shymkent"]);
    assert_eq!(hits[0].title, "Camel milk powder reaches Almaty");
    assert!(!hits[0].text.contains('<'), "{}", hits[0].text);
}

#[test]
fn a_page_nested_thousands_deep_is_skipped_and_the_rest_is_indexed() {
    // 5,000 nested elements overflowed a reading thread's stack: the whole run aborted, and
    // every search after it (which updates the index first).
    let env = Env::empty();
    env.write("archive/camel.html", PAGE);
    let deep = format!(
        "<html><body><p>x {}Zharkent{}</p></body></html>",
        "<b>".repeat(5000),
        "</b>".repeat(5000)
    );
    env.write("archive/deep.html", &deep);
    env.write("archive/deep.txt", &deep);
    let attributes: String = (0..2000).map(|i| format!(" a{i}=1")).collect();
    env.write(
        "archive/crowded.html",
        format!("<html><body><p{attributes}>Zharkent</p></body></html>"),
    );
    let out = env.run(&["index"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("skipped deep.html: the page nests elements more than 400 deep"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("skipped deep.txt"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("skipped crowded.html: a tag in the page has more than 1000 attributes"),
        "{}",
        out.stderr
    );
    assert_eq!(env.json(&["search", "--json", "dryer"]).len(), 1);
    assert_eq!(env.run(&["search", "Zharkent"]).code, 1);
}

#[test]
fn a_file_of_100000_tiny_paragraphs_is_indexed_in_at_most_20000_passages() {
    // Each passage is a document held until the file's last: 2.7 million of them took 3.6 GB.
    let env = Env::empty();
    let body: String = (0..100_000).map(|i| format!("w{i}\n\n")).collect();
    env.write("archive/tiny.txt", format!("Tiny\n\n{body}"));
    let out = env.run(&["index"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("100001 paragraphs joined into 16667 passages (a file makes at most 20000)"),
        "{}",
        out.stderr
    );
    let hits = env.json(&["search", "--json", "w99999"]);
    assert_eq!(hits.len(), 1);
    assert!(hits[0].text.ends_with("w99998\nw99999"), "{}", hits[0].text);
}

#[test]
fn markdown_is_indexed_as_text_with_headings_and_items_as_passages() {
    let env = Env::empty();
    env.write(
        "archive/notes.md",
        "# Trip to Zharkent\n\nThe **border** post at [Khorgos](https://example.com/k) was \
         quiet.\n\n- first checkpoint\n- second checkpoint\n",
    );
    let hits = env.json(&["search", "--json", "border"]);
    assert_eq!(hits[0].text, "The border post at Khorgos was quiet.");
    assert_eq!(hits[0].title, "Trip to Zharkent");
    assert_eq!(hits[0].passage, 2);
    let items = env.json(&["search", "--json", "checkpoint"]);
    let mut passages: Vec<u64> = items.iter().map(|h| h.passage).collect();
    passages.sort();
    assert_eq!(passages, [3, 4]);
}

#[test]
fn a_word_document_is_indexed_by_its_paragraphs() {
    let env = Env::empty();
    env.write(
        "archive/memo.docx",
        docx(
            "Memo on Atyrau",
            &[
                "The refinery at Atyrau doubled its output.",
                "阿特劳炼油厂的产量翻了一番。",
            ],
        ),
    );
    let hits = env.json(&["search", "--json", "refinery"]);
    assert_eq!(hits[0].title, "Memo on Atyrau");
    assert_eq!(hits[0].text, "The refinery at Atyrau doubled its output.");
    assert_eq!(env.json(&["search", "--json", "炼油厂"])[0].passage, 2);
}

#[test]
fn every_file_not_indexed_is_named_and_counted() {
    let env = Env::empty();
    env.write("archive/story.txt", "Tokayev spoke in Astana.\n");
    env.write("archive/scan.pdf", b"%PDF-1.4\n%binary\n");
    env.write("archive/photo.jpg", [0xff, 0xd8, 0xff, 0xe0]);
    env.write("archive/broken.docx", "not a zip at all");
    let out = env.run(&["index"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for (file, why) in [
        ("scan.pdf", "PDF is not indexed"),
        ("photo.jpg", "not a story file"),
        ("broken.docx", "not a .docx file"),
    ] {
        let line = out
            .stderr
            .lines()
            .find(|l| l.contains(file))
            .unwrap_or_else(|| panic!("no line for {file}: {}", out.stderr));
        assert!(line.contains(why), "{line}");
    }
    assert!(out.stderr.contains("3 skipped"), "{}", out.stderr);
}

#[test]
fn add_refuses_an_impossible_date_and_an_empty_title() {
    let env = Env::bundled();
    let file = env.root().join("note.md");
    std::fs::write(&file, "Zharkent station opened.\n").unwrap();
    let before = env.run(&["list"]).stdout;
    for (flag, value) in [("--date", "2022-02-31"), ("--title", ""), ("--title", "  ")] {
        let out = env.run(&["add", flag, value, file.to_str().unwrap()]);
        assert_eq!(out.code, 2, "{flag} {value:?}: {}", out.stderr);
        assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
        assert!(out.stderr.contains(flag), "{}", out.stderr);
        assert_eq!(out.stdout, "");
    }
    assert_eq!(env.run(&["list"]).stdout, before);
}

#[test]
fn add_echoes_a_page_title_with_its_control_characters_escaped() {
    let env = Env::bundled();
    let page = env.root().join("evil.html");
    std::fs::write(
        &page,
        "<html><head><title>Evil&#27;[2J&#27;]0;pwned&#7;title</title></head><body><article>\
         <p>some text here for the article body.</p></article></body></html>",
    )
    .unwrap();
    let file = env.root().join("note.md");
    std::fs::write(&file, "Zharkent station opened.\n").unwrap();
    for args in [
        vec![page.to_str().unwrap()],
        vec!["--title", "Bell\u{7}\u{1b}[2J", file.to_str().unwrap()],
    ] {
        let out = env.run(&[&["add"], args.as_slice()].concat());
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(
            !out.stderr.contains(['\u{1b}', '\u{7}']),
            "{:?}",
            out.stderr
        );
        assert!(out.stderr.contains("\\u{1b}"), "{:?}", out.stderr);
    }
}

#[test]
fn add_makes_stories_that_the_next_search_finds_and_never_overwrites() {
    let env = Env::bundled();
    let page = env.root().join("page.html");
    std::fs::write(&page, PAGE).unwrap();
    let out = env.run(&["add", page.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let id = "2023-04-05-camel-milk-powder-reaches-almaty";
    assert_eq!(out.stdout.trim(), id);
    let written = env.root().join(format!("archive/{id}/en.txt"));
    let text = std::fs::read_to_string(&written).unwrap();
    assert!(
        text.starts_with(
            "---\ntitle: Camel milk powder reaches Almaty\ndate: 2023-04-05\nlang: en\n"
        ),
        "{text}"
    );
    let hits = env.json(&["search", "--json", "dryer"]);
    assert_eq!(hits[0].doc, id);
    // Again: one line, status 2, the file untouched.
    let again = env.run(&["add", page.to_str().unwrap()]);
    assert_eq!(again.code, 2);
    assert_eq!(again.stderr.lines().count(), 1, "{}", again.stderr);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    assert_eq!(std::fs::read_to_string(&written).unwrap(), text);

    // Two languages of one story, titles and dates given.
    let en = env.root().join("en.md");
    let zh = env.root().join("zh.txt");
    std::fs::write(&en, "Zharkent station opened.\n\nTrains run daily.\n").unwrap();
    std::fs::write(&zh, "扎尔肯特车站开通了。\n\n火车每天运行。\n").unwrap();
    let out = env.run(&[
        "add",
        "--story",
        "zharkent",
        "--date",
        "2024-01-02",
        en.to_str().unwrap(),
        zh.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let hits = env.json(&["search", "--json", "Zharkent"]);
    let cp = hits[0].counterpart.as_ref().expect("a counterpart");
    assert_eq!((hits[0].doc.as_str(), cp.lang.as_str()), ("zharkent", "zh"));
    // A third version in a language it has is refused.
    let out = env.run(&["add", "--story", "zharkent", en.to_str().unwrap()]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("already has a version in en ("),
        "{}",
        out.stderr
    );
}

#[test]
fn list_shows_stories_newest_first_and_show_prints_one() {
    let env = Env::bundled();
    env.write(
        "archive/later.txt",
        "---\ndate: 2024-03-01\n---\nAtyrau news.\n",
    );
    env.write("archive/undated.txt", "Undated note.\n");
    let out = env.run(&["list"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let ids: Vec<&str> = out
        .stdout
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(ids, ["later", "2022-09-12-china-kazakhstan", "undated"]);
    let line = out.stdout.lines().nth(1).unwrap();
    assert!(line.contains("en,zh") && line.contains("48/48"), "{line}");
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Listed {
        id: String,
        date: String,
        title: String,
        langs: Vec<String>,
        passages: std::collections::BTreeMap<String, u64>,
        paths: std::collections::BTreeMap<String, String>,
    }
    let json = env.run(&["list", "--json"]);
    let listed: Vec<Listed> = json
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(listed[1].passages["zh"], 48);

    let show = env.run(&["show", "2022-09-12-china-kazakhstan", "--lang", "zh"]);
    assert_eq!(show.code, 0, "{}", show.stderr);
    assert!(show.stdout.starts_with("元首外交"), "{}", show.stdout);
    assert!(show.stdout.contains("¶48 "));
    // By the path results show, one passage.
    let one = env.run(&[
        "show",
        "2022-09-12-china-kazakhstan/en.md",
        "--passage",
        "31",
    ]);
    assert_eq!(one.code, 0, "{}", one.stderr);
    assert!(one.stdout.starts_with("¶31 ") && one.stdout.contains("Khorgos"));
    assert_eq!(one.stdout.lines().count(), 1);
    let missing = env.run(&["show", "nope"]);
    assert_eq!((missing.code, missing.stderr.lines().count()), (2, 1));
}

#[test]
fn archive_alone_off_a_terminal_is_one_error_line() {
    let env = Env::empty();
    let out = env.run(&[]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("archive --help"), "{}", out.stderr);
}

#[test]
fn the_bundle_launcher_serves_the_page_and_opens_the_browser() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let env = Env::bundled();
    let dest = env.root().join("stick");
    assert_eq!(env.run(&["bundle", dest.to_str().unwrap()]).code, 0);
    let desktop = std::fs::read_to_string(dest.join("Archive.desktop")).unwrap();
    assert!(desktop.contains("start-archive.sh") && desktop.contains("Terminal=true"));
    assert!(std::fs::read_to_string(dest.join("README.txt"))
        .unwrap()
        .contains("Archive.desktop"));
    let script = dest.join("start-archive.sh");
    assert!(std::fs::metadata(&script).unwrap().permissions().mode() & 0o111 != 0);
    // A stand-in browser that writes down the address it is given.
    let bin = env.root().join("bin");
    let opened = env.root().join("opened");
    env.write(
        "bin/xdg-open",
        format!("#!/bin/sh\necho \"$1\" > {}\n", opened.display()),
    );
    std::fs::set_permissions(bin.join("xdg-open"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let mut child = std::process::Command::new(&script)
        .env_clear()
        .env("PATH", path)
        .current_dir("/")
        .process_group(0)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let url = loop {
        if let Ok(url) = std::fs::read_to_string(&opened) {
            if url.ends_with('\n') {
                break url.trim().to_string();
            }
        }
        assert!(
            started.elapsed().as_secs() < 60,
            "the browser was never opened"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let page = crate::env::http_raw(
        &addr,
        &format!("GET /api/search?q=Khorgos HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    );
    // The whole group: the script and the server it started.
    let _ = std::process::Command::new("kill")
        .arg("--")
        .arg(format!("-{}", child.id()))
        .status();
    let _ = child.wait();
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Khorgos"));
}

#[test]
fn translations_that_do_not_line_up_are_warned_about_at_index_time() {
    let env = Env::empty();
    env.write("archive/s/en.md", "One.\n\nTwo.\n\nThree.\n");
    env.write("archive/s/zh.md", "一。\n\n二。\n");
    let out = env.run(&["index"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("s: language versions do not line up (passages: s/en.md 3, s/zh.md 2)"),
        "{}",
        out.stderr
    );
    env.write("archive/s/zh.md", "一。\n\n二。\n\n三。\n");
    let out = env.run(&["index"]);
    assert!(!out.stderr.contains("line up"), "{}", out.stderr);
}
