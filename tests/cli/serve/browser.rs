//! End to end in headless Chromium: the page opens on what the archive holds; typing a query
//! shows its hits (and no error while the query is still being typed); the story reader opens
//! with the keyboard, marks every matched word and shows both languages side by side; file
//! paths show only when asked for. Screenshots are left in target/ for a person to look at.

use std::time::Duration;

use serde_json::json;

use super::chromium::{Browser, Cdp};
use super::indexed_with_hostile_story;
use crate::env::target_dir;

/// The first result card as the page shows it.
const FIRST_HIT: &str = r#"(() => {
  const hit = document.querySelector('#results .hit');
  if (!hit) return null;
  const parts = [...hit.querySelectorAll('.passage')].map(p => {
    const r = p.getBoundingClientRect();
    return {
      lang: p.getAttribute('lang'),
      text: p.querySelector('p').textContent,
      marks: [...p.querySelectorAll('mark')].map(m => m.textContent),
      top: r.top, left: r.left, bottom: r.bottom,
    };
  });
  return { passage: hit.dataset.passage, parts, status: document.getElementById('status').textContent };
})()"#;

/// What the start view shows: the totals line, the stories listed, the pager, and whether any
/// file path shows anywhere in the results.
const START_VIEW: &str = r#"(() => {
  const items = [...document.querySelectorAll('#results .story')];
  if (!items.length) return null;
  const pager = document.querySelector('#results .pager span');
  return { totals: document.querySelector('#results .totals').textContent,
           ids: items.map(s => s.dataset.story),
           meta: items.map(s => s.querySelector('.meta').textContent),
           pager: pager && pager.textContent,
           paths: /\.(md|txt)\b/.test(document.getElementById('results').textContent) };
})()"#;

#[test]
fn browser_typing_a_chinese_query_shows_the_khorgos_passage_beside_its_english_counterpart() {
    let env = indexed_with_hostile_story();
    let served = env.serve(&[]);
    let browser = Browser::start();
    let mut page = browser.page();
    page.open(&served.url);
    // Before anything is typed: what the archive holds, newest first, with counts; no paths.
    let start = page.wait_for("the archive's stories", START_VIEW);
    assert_eq!(
        start["totals"],
        "The archive holds 2 stories in English and 中文, 98 passages. Newest first:",
        "{start:#}"
    );
    assert_eq!(start["ids"], json!(["xss", "2022-09-12-china-kazakhstan"]));
    assert_eq!(
        start["meta"][1],
        "2022-09-12 · 2022-09-12-china-kazakhstan · English 48 ¶ · 中文 48 ¶"
    );
    assert_eq!(start["paths"], false, "{start:#}");
    page.screenshot(&target_dir().join("serve-e2e-start.png"));
    // The search box has the focus from the start: a reporter can type at once.
    page.wait_for(
        "the box to have the focus",
        "document.activeElement && document.activeElement.id === 'q'",
    );
    page.call("Input.insertText", json!({"text": "霍尔果斯"}));
    let hit = page.wait_for("results", FIRST_HIT);
    let parts = hit["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 2, "{hit:#}");
    let (zh, en) = (&parts[0], &parts[1]);
    assert_eq!(zh["lang"], "zh", "{hit:#}");
    assert!(
        zh["marks"].as_array().unwrap().contains(&json!("霍尔果斯")),
        "{hit:#}"
    );
    assert_eq!(en["lang"], "en", "{hit:#}");
    assert!(en["text"].as_str().unwrap().contains("Khorgos"), "{hit:#}");
    assert_eq!(hit["passage"], "31", "{hit:#}");
    // Side by side on a wide window.
    assert_eq!(zh["top"], en["top"], "{hit:#}");
    assert!(en["left"].as_f64() > zh["left"].as_f64(), "{hit:#}");
    let hash = page.eval("location.hash");
    assert!(hash.as_str().unwrap().starts_with("#q=%E9%9C%8D"), "{hash}");
    // Where the hit is: the story's id and passage, its file only when asked for.
    let meta = "document.querySelector('#results .hit .meta').textContent";
    assert_eq!(
        page.eval(meta),
        "2022-09-12 · 2022-09-12-china-kazakhstan · ¶31"
    );
    page.eval("document.getElementById('paths').click()");
    assert_eq!(
        page.eval(meta),
        "2022-09-12 · 2022-09-12-china-kazakhstan · ¶31 · 2022-09-12-china-kazakhstan/zh.md"
    );
    assert!(page
        .eval("location.hash")
        .as_str()
        .unwrap()
        .ends_with("&paths=1"));
    page.eval("document.getElementById('paths').click()");
    page.eval("document.getElementById('q').focus()");
    let shots = target_dir();
    page.screenshot(&shots.join("serve-e2e.png"));

    // Keyboard alone: Tab from the box through the filters reaches the first hit's button,
    // with a visible focus ring.
    let mut tabs = 0;
    while page.eval("document.activeElement.classList.contains('read')") != json!(true) {
        tabs += 1;
        assert!(tabs <= 20, "Tab never reached a result's button");
        page.key("Tab", 9);
    }
    let ring = page.eval("getComputedStyle(document.activeElement).outlineStyle");
    assert_ne!(
        ring,
        json!("none"),
        "the focused button shows no focus ring"
    );
    page.key("Enter", 13);
    let current = page.wait_for(
        "the story to open on the hit's passage",
        r#"(() => {
          const d = document.getElementById('reader');
          const p = document.querySelector('#reader-text .story-passage.current');
          if (!d.open || !p || document.activeElement !== p) return null;
          const r = p.getBoundingClientRect();
          return { id: p.id, marks: [...p.querySelectorAll('mark')].map(m => m.textContent),
                   visible: r.top >= 0 && r.bottom <= innerHeight,
                   passages: document.querySelectorAll('#reader-text .story-passage').length };
        })()"#,
    );
    assert_eq!(current["id"], "p31", "{current:#}");
    assert!(current["marks"]
        .as_array()
        .unwrap()
        .contains(&json!("霍尔果斯")));
    assert_eq!(current["visible"], true, "{current:#}");
    assert_eq!(current["passages"], 48, "{current:#}");
    page.screenshot(&shots.join("serve-e2e-story.png"));
    // Both languages: passage beside passage, the hit's language first, the query's words
    // marked in each (Khorgos through its variant).
    page.eval("document.getElementById('both').click()");
    let row = page.wait_for(
        "both languages side by side",
        r#"(() => {
          const row = document.querySelector('#reader-text.columns #p31');
          if (!row) return null;
          const cells = [...row.querySelectorAll('p')].map(p => {
            const r = p.getBoundingClientRect();
            return { lang: p.lang, left: r.left, top: r.top,
                     marks: [...p.querySelectorAll('mark')].map(m => m.textContent) };
          });
          return { cells, rows: document.querySelectorAll('#reader-text .story-passage:not(.heads)').length,
                   focused: document.activeElement === row };
        })()"#,
    );
    let cells = row["cells"].as_array().unwrap();
    assert_eq!(
        (cells.len(), row["rows"].clone()),
        (2, json!(48)),
        "{row:#}"
    );
    assert_eq!(
        (cells[0]["lang"].clone(), cells[1]["lang"].clone()),
        (json!("zh"), json!("en"))
    );
    assert_eq!(cells[0]["top"], cells[1]["top"], "{row:#}");
    assert!(
        cells[1]["left"].as_f64() > cells[0]["left"].as_f64(),
        "{row:#}"
    );
    assert!(
        cells[1]["marks"]
            .as_array()
            .unwrap()
            .contains(&json!("Khorgos")),
        "{row:#}"
    );
    assert_eq!(row["focused"], true, "{row:#}");
    page.screenshot(&shots.join("serve-e2e-both.png"));
    page.eval("document.getElementById('both').click()");
    page.wait_for(
        "one language again",
        "!document.querySelector('#reader-text.columns') && !!document.querySelector('#reader-text #p31.current')",
    );
    page.key("Escape", 27);
    page.wait_for(
        "the story to close and the focus to come back",
        "!document.getElementById('reader').open && document.activeElement.classList.contains('read')",
    );

    // A small laptop window: the pair stacks.
    page.viewport(800, 600);
    let small = page.wait_for("the narrow layout", FIRST_HIT);
    let parts = small["parts"].as_array().unwrap();
    assert!(
        parts[1]["top"].as_f64() >= parts[0]["bottom"].as_f64(),
        "not stacked: {small:#}"
    );
    page.screenshot(&shots.join("serve-e2e-small.png"));

    // A story holding markup shows it as text and runs none of it.
    page.viewport(1280, 800);
    page.eval("document.getElementById('q').focus()");
    page.key("Escape", 27);
    page.call("Input.insertText", json!({"text": "xssprobe"}));
    let shown = page.wait_for(
        "the hostile story's hit",
        r#"(() => {
          const hit = document.querySelector('#results .hit');
          if (!hit || !hit.textContent.includes('xssprobe')) return null;
          return { text: hit.textContent,
                   elements: hit.querySelectorAll('script, img, iframe, object').length,
                   pwned: window.pwned === 1 };
        })()"#,
    );
    assert!(
        shown["text"]
            .as_str()
            .unwrap()
            .contains("<script>alert(1)</script>"),
        "{shown:#}"
    );
    assert_eq!(shown["elements"], 0, "{shown:#}");
    assert_eq!(shown["pwned"], false, "{shown:#}");
    let problems = page.problems();
    assert!(
        problems.is_empty(),
        "the page had errors: {problems:#?}\n{}",
        served.log()
    );
}

/// Statuses the page has shown as errors, with when (`performance.now()`), from now on.
const WATCH_ERRORS: &str = r#"(() => {
  window.seenErrors = [];
  const s = document.getElementById('status');
  new MutationObserver(() => {
    if (s.classList.contains('error')) window.seenErrors.push({ text: s.textContent, at: performance.now() });
  }).observe(s, { attributes: true, childList: true, characterData: true, subtree: true });
  return true;
})()"#;

/// Empties the box (Escape) and waits for the start view.
fn clear(page: &mut Cdp) {
    page.eval("document.getElementById('q').focus()");
    page.key("Escape", 27);
    page.wait_for(
        "the start view",
        "!!document.querySelector('#results .story')",
    );
}

#[test]
fn browser_shows_no_error_while_typing_pages_the_stories_and_marks_every_match_in_the_reader() {
    let env = indexed_with_hostile_story();
    // 60 more stories, so the list has two pages, and one whose versions do not line up.
    for n in 0..60 {
        env.write(
            &format!("archive/filler/f{n:02}.md"),
            format!(
                "---\ndate: 2001-01-{:02}\n---\n\nFiller {n}\n\nA passage.\n",
                n % 28 + 1
            ),
        );
    }
    env.write(
        "archive/uneven/en.md",
        "---\ntitle: Uneven\ndate: 2024-06-01\n---\n\nOne camel.\n\nTwo.\n\nThree.\n",
    );
    env.write(
        "archive/uneven/zh.md",
        "---\ntitle: 不齐\ndate: 2024-06-01\nlang: zh\n---\n\n一。\n\n二。\n",
    );
    env.write(
        "archive/marked/en.md",
        "---\ntitle: Camel milk\ndate: 2024-07-01\n---\n\nThe herd grazes.\n\nUntranslated.\n\nCamel milk for sale.\n",
    );
    env.write(
        "archive/marked/zh.md",
        "---\ntitle: 驼奶\ndate: 2024-07-01\nlang: zh\n---\n\n<!-- ¶ 1 -->\n驼群在吃草。\n\n<!-- ¶ 3 -->\n驼奶出售。\n",
    );
    assert_eq!(env.run(&["index"]).code, 0);
    let served = env.serve(&[]);
    let browser = Browser::start();
    let mut page = browser.page();
    page.open(&served.url);
    let start = page.wait_for("the archive's stories", START_VIEW);
    assert_eq!(start["pager"], "page 1 of 2", "{start:#}");
    assert_eq!(start["ids"].as_array().unwrap().len(), 50);
    assert_eq!(
        (start["ids"][0].as_str(), start["ids"][1].as_str()),
        (Some("marked"), Some("uneven"))
    );
    page.eval("document.querySelectorAll('#results .pager button')[1].click()");
    let second = page.wait_for(
        "the second page",
        &format!(
            "(() => {{ const v = {START_VIEW}; return v && v.pager === 'page 2 of 2' && v; }})()"
        ),
    );
    assert_eq!(second["ids"].as_array().unwrap().len(), 14, "{second:#}");
    assert_eq!(page.eval("location.hash"), "#page=2");

    // Typing `"camel milk` with a pause after the quote: the open quote runs to the end, so
    // every keystroke is a query; no error shows at any point.
    page.eval(WATCH_ERRORS);
    page.eval("document.getElementById('q').focus()");
    page.type_slowly("\"", Duration::from_millis(400));
    page.type_slowly("camel milk", Duration::from_millis(40));
    page.wait_for(
        "the phrase's hit",
        "[...document.querySelectorAll('#results .hit mark')].map(m => m.textContent).join(' ').includes('camel milk')",
    );
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(page.eval("window.seenErrors"), json!([]));

    // A query still incomplete when the typing stops shows its refusal only after a pause;
    // Enter shows it at once.
    clear(&mut page);
    page.type_slowly("Khorgos OR", Duration::from_millis(30));
    let typed_at = page.eval("performance.now()").as_f64().unwrap();
    // Meanwhile the last results stay, dimmed.
    page.wait_for(
        "the last results dimmed, no error yet",
        "document.getElementById('results').classList.contains('stale') && !window.seenErrors.length",
    );
    let late = page.wait_for("the refusal after a pause", "window.seenErrors[0]");
    assert_eq!(
        late["text"],
        "bad query: OR needs a word or phrase on each side at character 9"
    );
    assert!(
        late["at"].as_f64().unwrap() - typed_at > 700.0,
        "{late} {typed_at}"
    );
    assert_eq!(
        page.eval("document.querySelectorAll('#results .hit').length"),
        0
    );
    clear(&mut page);
    page.eval(WATCH_ERRORS);
    page.call("Input.insertText", json!({"text": "Atyrau OR"}));
    let typed_at = page.eval("performance.now()").as_f64().unwrap();
    page.key("Enter", 13);
    let now = page.wait_for("the refusal at Enter", "window.seenErrors[0]");
    // Sooner than the pause (the page's ERROR_PAUSE_MS, 1000) would have shown it; a bound
    // tighter than that failed on a loaded machine (887 ms).
    assert!(
        now["at"].as_f64().unwrap() - typed_at < 1000.0,
        "{now} {typed_at}"
    );

    // The reader marks the query's words in every passage of the story, not only the hit's.
    clear(&mut page);
    page.call("Input.insertText", json!({"text": "Kazakhstan"}));
    page.wait_for("hits", "!!document.querySelector('#results .hit .read')");
    page.eval("document.querySelector('#results .hit .read').click()");
    let marked = page.wait_for(
        "the story with its marks",
        r#"(() => {
          const rows = [...document.querySelectorAll('#reader-text .story-passage')];
          if (!document.getElementById('reader').open || !rows.length) return null;
          return { rows: rows.length, marked: rows.filter(r => r.querySelector('mark')).length,
                   current: document.querySelector('#reader-text .current').id };
        })()"#,
    );
    assert_eq!(marked["rows"], 48, "{marked:#}");
    assert!(marked["marked"].as_u64().unwrap() >= 20, "{marked:#}");
    page.key("Escape", 27);

    // A story whose versions do not line up: both languages, one after the other.
    clear(&mut page);
    page.eval("document.querySelector('#results .pager button').click()");
    page.wait_for(
        "the first page",
        "!!document.querySelector('#results .story[data-story=uneven]')",
    );
    page.eval("document.querySelector('#results .story[data-story=uneven] .open').click()");
    page.wait_for("the uneven story", "document.getElementById('reader').open");
    page.eval("document.getElementById('both').click()");
    let uneven = page.wait_for(
        "the versions one after the other",
        r#"(() => {
          const v = [...document.querySelectorAll('#reader-text .version')];
          if (v.length !== 2) return null;
          return { langs: v.map(s => s.lang), passages: v.map(s => s.querySelectorAll('.story-passage').length),
                   note: document.querySelector('#reader-text .note').textContent,
                   columns: !!document.querySelector('#reader-text.columns') };
        })()"#,
    );
    assert_eq!(uneven["langs"], json!(["en", "zh"]), "{uneven:#}");
    assert_eq!(uneven["passages"], json!([3, 2]), "{uneven:#}");
    assert_eq!(uneven["columns"], false);
    assert!(
        uneven["note"]
            .as_str()
            .unwrap()
            .contains("English 3, 中文 2"),
        "{uneven:#}"
    );
    page.screenshot(&target_dir().join("serve-e2e-uneven.png"));

    // Versions that differ but carry alignment markers: side by side, paired by the markers,
    // the untranslated paragraph beside nothing.
    page.key("Escape", 27);
    page.eval("document.querySelector('#results .story[data-story=marked] .open').click()");
    let rows = page.wait_for(
        "the marked story paired by its markers",
        r#"(() => {
          const rows = [...document.querySelectorAll('#reader-text.columns .story-passage:not(.heads)')];
          if (!rows.length) return null;
          return rows.map(r => [...r.querySelectorAll('p')].map(p => p.textContent));
        })()"#,
    );
    assert_eq!(
        rows,
        json!([
            ["The herd grazes.", "驼群在吃草。"],
            ["Untranslated.", ""],
            ["Camel milk for sale.", "驼奶出售。"]
        ])
    );
}
