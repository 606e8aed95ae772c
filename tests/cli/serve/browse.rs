//! The reading side of the API: what the archive holds, page by page (`/api/stories`), and a
//! story with every matched word marked (`/api/story?…&q=`).

use serde_json::Value;

use super::{indexed, STORY};
use crate::env::{encode, Env, JsonStory};

/// The bundled archive plus five dated one-language stories (one undated) and a two-language
/// story whose versions do not line up, indexed.
fn indexed_with_more_stories() -> Env {
    let env = Env::bundled();
    for (n, date) in ["2021-03-01", "2023-05-06", "2019-12-31", "2024-01-02", ""]
        .iter()
        .enumerate()
    {
        let front = match date {
            &"" => String::new(),
            d => format!("---\ndate: {d}\n---\n\n"),
        };
        env.write(
            &format!("archive/extra{n}.md"),
            format!("{front}Extra story {n}\n\nA passage about camel milk.\n"),
        );
    }
    env.write(
        "archive/uneven/en.md",
        "---\ntitle: Uneven\ndate: 2020-06-01\n---\n\nOne.\n\nTwo.\n\nThree.\n",
    );
    env.write(
        "archive/uneven/zh.md",
        "---\ntitle: 不齐\ndate: 2020-06-01\nlang: zh\n---\n\n一。\n\n二。\n",
    );
    let out = env.run(&["index"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    env
}

#[test]
fn serve_stories_lists_what_the_archive_holds_newest_first_page_by_page() {
    let env = indexed_with_more_stories();
    let served = env.serve(&[]);
    // The same stories, in the same order, as `archive list --json`.
    let listed: Vec<Value> = env
        .run(&["list", "--json"])
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(listed.len(), 7);
    let mut seen = Vec::new();
    for page in 1..=3 {
        let r = served.get(&format!("/api/stories?page={page}&per_page=3"));
        assert_eq!(r.status, 200, "{}", r.text());
        let body: Value = r.json();
        assert_eq!(body["total"]["stories"], 7, "{body:#}");
        assert_eq!(body["total"]["langs"], serde_json::json!(["en", "zh"]));
        // 48 + 48 bundled, 2 × 5 extra, 3 + 2 uneven.
        assert_eq!(
            body["total"]["passages"],
            48 * 2 + 2 * 5 + 3 + 2,
            "{body:#}"
        );
        assert_eq!(
            (body["page"].clone(), body["pages"].clone()),
            (page.into(), 3.into())
        );
        for story in body["stories"].as_array().unwrap() {
            let mut story = story.clone();
            let aligned = story.as_object_mut().unwrap().remove("aligned").unwrap();
            assert_eq!(aligned, story["id"] != "uneven", "{story:#}");
            seen.push(story);
        }
    }
    assert_eq!(seen, listed);
    let dates: Vec<&str> = seen.iter().map(|s| s["date"].as_str().unwrap()).collect();
    assert_eq!(
        dates,
        [
            "2024-01-02",
            "2023-05-06",
            "2022-09-12",
            "2021-03-01",
            "2020-06-01",
            "2019-12-31",
            ""
        ]
    );
    // The default page holds them all; the first page is the default.
    let first: Value = served.get("/api/stories").json();
    assert_eq!(
        (first["page"].clone(), first["per_page"].clone()),
        (1.into(), 50.into())
    );
    assert_eq!(first["stories"].as_array().unwrap().len(), 7);
    for (target, status, why) in [
        ("/api/stories?page=4&per_page=3", 404, "page must be 1 to 3"),
        ("/api/stories?page=0", 404, "page must be 1 to 1"),
        ("/api/stories?per_page=0", 400, "per_page must be 1 to 500"),
        (
            "/api/stories?per_page=501",
            400,
            "per_page must be 1 to 500",
        ),
        ("/api/stories?page=x", 400, "page must be a number"),
        ("/api/stories?sort=old", 400, "unknown parameter"),
    ] {
        let r = served.get(target);
        assert_eq!(r.status, status, "{target}: {}", r.text());
        let body: Value = r.json();
        assert!(
            body["error"].as_str().unwrap().contains(why),
            "{target}: {body}"
        );
    }
}

#[test]
fn serve_stories_of_an_empty_archive_is_one_empty_page() {
    let env = Env::bundled();
    std::fs::remove_dir_all(env.root().join("archive/2022-09-12-china-kazakhstan")).unwrap();
    assert_eq!(env.run(&["index"]).code, 0);
    let served = env.serve(&[]);
    let body: Value = served.get("/api/stories").json();
    assert_eq!(body["total"]["stories"], 0, "{body:#}");
    assert_eq!(
        (body["page"].clone(), body["pages"].clone()),
        (1.into(), 1.into())
    );
    assert_eq!(body["stories"], serde_json::json!([]));
}

#[test]
fn serve_story_with_a_query_marks_every_matched_word_in_every_passage() {
    let env = indexed();
    let served = env.serve(&[]);
    // An English query marks the Chinese version through its translations, in every passage
    // that holds them, not only the best hit's.
    let r = served.get(&format!(
        "/api/story?story={STORY}&lang=zh&q={}",
        encode("Kazakhstan Khorgos")
    ));
    assert_eq!(r.status, 200, "{}", r.text());
    let zh: JsonStory = r.json();
    assert!(zh.aligned);
    let holding: Vec<u64> = zh
        .passages
        .iter()
        .filter(|p| p.text.contains("哈萨克斯坦"))
        .map(|p| p.passage)
        .collect();
    assert!(holding.len() >= 20, "{holding:?}");
    for p in &zh.passages {
        let marked: Vec<&str> = p
            .highlights
            .as_ref()
            .expect("highlights with a query")
            .iter()
            .map(|[a, b]| &p.text[*a..*b])
            .collect();
        assert_eq!(
            marked.iter().any(|m| m.contains("哈萨克斯坦")),
            holding.contains(&p.passage),
            "¶{}: {marked:?}",
            p.passage
        );
    }
    // Every query word is marked, not only the first.
    let en: JsonStory = served
        .get(&format!(
            "/api/story?story={STORY}&lang=en&q={}",
            encode("Khorgos dry port")
        ))
        .json();
    let marked: Vec<String> = en
        .passages
        .iter()
        .flat_map(|p| {
            let h = p.highlights.clone().unwrap();
            h.into_iter().map(|[a, b]| p.text[a..b].to_lowercase())
        })
        .collect();
    for word in ["khorgos", "dry", "port"] {
        assert!(marked.iter().any(|m| m == word), "{word}: {marked:?}");
    }
    // Without a query, no highlights at all; a bad query is the search's own refusal.
    let plain: JsonStory = served
        .get(&format!("/api/story?story={STORY}&lang=en"))
        .json();
    assert!(plain.passages.iter().all(|p| p.highlights.is_none()));
    let bad = served.get(&format!("/api/story?story={STORY}&lang=en&q=OR"));
    assert_eq!(bad.status, 400);
    let bad = served.get(&format!("/api/story?story={STORY}&lang=en&exact=1"));
    assert_eq!(bad.status, 400);
}

/// The bundled archive plus a story whose Chinese version leaves the second paragraph out and
/// says so with alignment markers.
pub(super) fn indexed_with_a_marked_story() -> Env {
    let env = Env::bundled();
    env.write(
        "archive/marked/en.md",
        "---\ntitle: Camel milk\ndate: 2024-07-01\n---\n\nThe herd grazes.\n\nUntranslated.\n\nCamel milk for sale.\n",
    );
    env.write(
        "archive/marked/zh.md",
        "---\ntitle: 驼奶\ndate: 2024-07-01\nlang: zh\n---\n\n<!-- ¶ 1 -->\n驼群在吃草。\n\n<!-- ¶ 3 -->\n驼奶出售。\n",
    );
    let out = env.run(&["index"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    env
}

#[test]
fn serve_a_story_whose_versions_differ_lines_up_by_its_alignment_markers() {
    let env = indexed_with_a_marked_story();
    let served = env.serve(&[]);
    let list: Value = served.get("/api/stories").json();
    let marked = &list["stories"][0];
    assert_eq!(
        (marked["id"].as_str(), marked["aligned"].as_bool()),
        (Some("marked"), Some(true)),
        "{list:#}"
    );
    let zh: JsonStory = served.get("/api/story?story=marked&lang=zh").json();
    assert!(zh.aligned);
    let align: Vec<u64> = zh.passages.iter().map(|p| p.align).collect();
    assert_eq!(align, [1, 3]);
}

#[test]
fn serve_search_in_an_unknown_story_is_404_like_reading_it() {
    let env = indexed();
    let served = env.serve(&[]);
    let search = served.get("/api/search?q=Khorgos&story=nosuch");
    let read = served.get("/api/story?story=nosuch&lang=en");
    assert_eq!(
        (search.status, read.status),
        (404, 404),
        "{}",
        search.text()
    );
    assert!(search.text().contains("nosuch"), "{}", search.text());
    // A language the index does not hold is a bad request, as README's table says.
    let french = served.get(&format!("/api/story?story={STORY}&lang=fr"));
    assert_eq!(french.status, 400, "{}", french.text());
    // A path as results show it names its story, and its language.
    let path = served.get(&format!("/api/search?q=Khorgos&story={STORY}/zh.md"));
    assert_eq!(path.status, 200, "{}", path.text());
    let hits: Value = path.json();
    let langs: Vec<&Value> = hits
        .as_array()
        .unwrap()
        .iter()
        .map(|h| &h["lang"])
        .collect();
    assert!(
        !langs.is_empty() && langs.iter().all(|l| *l == "zh"),
        "{langs:?}"
    );
}
