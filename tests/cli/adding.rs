//! `archive add` in every language it accepts: the id it reports is the id the indexer gives
//! the story it wrote (regression: a `--lang fr` file became another story than the one named).

use crate::env::Env;

#[test]
fn add_in_a_language_other_than_en_or_zh_reports_the_id_the_index_uses() {
    let env = Env::bundled();
    let cases = [
        ("fr", "Les trains partent de Zharkent chaque matin.\n", "fr"),
        ("ja", "Zharkent station, Japanese edition.\n", "ja"),
        ("zh-TW", "Zharkent 札爾肯特車站每天都有火車。\n", "zh"),
    ];
    for (i, (lang, text, stored)) in cases.iter().enumerate() {
        let file = env.root().join(format!("note{i}.txt"));
        std::fs::write(&file, text).unwrap();
        let title = format!("Zharkent note {i}");
        let out = env.run(&[
            "add",
            "--lang",
            lang,
            "--title",
            &title,
            file.to_str().unwrap(),
        ]);
        assert_eq!(out.code, 0, "{lang}: {}", out.stderr);
        let id = out.stdout.trim();
        assert_eq!(id, format!("zharkent-note-{i}"), "{lang}");
        // The story is found, listed and shown under the id `add` printed.
        let shown = env.run(&["show", id]);
        assert_eq!(shown.code, 0, "{lang}: show {id}: {}", shown.stderr);
        assert!(shown.stdout.contains(&title), "{lang}: {}", shown.stdout);
        let hits = env.json(&["search", "--json", "--story", id, "Zharkent"]);
        assert!(!hits.is_empty(), "{lang}: no hit in story {id}");
        assert!(
            hits.iter().all(|h| h.story == id && h.lang == *stored),
            "{lang}: {:?}",
            hits.iter().map(|h| (&h.story, &h.lang)).collect::<Vec<_>>()
        );
    }
}

#[test]
fn add_puts_another_language_beside_a_story_and_refuses_what_the_index_would_misname() {
    let env = Env::bundled();
    let file = env.root().join("note.txt");
    std::fs::write(&file, "Les trains partent de Zharkent chaque matin.\n").unwrap();
    let story = "2022-09-12-china-kazakhstan";
    let out = env.run(&[
        "add",
        "--story",
        story,
        "--lang",
        "fr",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.trim(), story);
    let hits = env.json(&[
        "search", "--json", "--story", story, "--lang", "fr", "Zharkent",
    ]);
    assert!(!hits.is_empty() && hits.iter().all(|h| h.story == story && h.lang == "fr"));
    // Refused in one line, nothing written: a second such language where the first went, an
    // id the index would read as another story's version, a language that is no code at all.
    let before = crate::field::snapshot(env.root());
    for args in [
        vec!["--story", story, "--lang", "ja"],
        vec!["--story", "notes/en", "--lang", "fr"],
        vec!["--lang", "français"],
    ] {
        let out = env.run(&[&["add"], args.as_slice(), &[file.to_str().unwrap()]].concat());
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert_eq!(out.stderr.lines().count(), 1, "{args:?}: {}", out.stderr);
        assert_eq!(out.stdout, "");
        assert!(
            crate::field::snapshot(env.root()) == before,
            "{args:?}: files were written"
        );
    }
}

/// A story holds one file of its own (its version in a language other than en and zh): a
/// second is refused the same way in one call or two, whatever their extensions; and an
/// English file for a story whose own file is English is refused like a second English
/// version (it was written, and the index then mixed the two; the hostile tester).
#[test]
fn add_refuses_a_second_file_of_a_story_s_own_and_a_second_version_in_its_language() {
    let env = Env::bundled();
    let write = |name: &str, text: &str| {
        let path = env.root().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    };
    let fr = write(
        "fr.md",
        "---\nlang: fr\n---\n\nLes trains partent de Zharkent chaque matin.\n",
    );
    let de = write(
        "de.txt",
        "---\nlang: de\n---\n\nDie Züge fahren jeden Morgen ab Zharkent.\n",
    );
    let add = |story: &str, files: &[&str]| {
        let mut args = vec!["add", "--story", story];
        args.extend(files);
        env.run(&args)
    };
    let both = add("trains", &[&fr, &de]);
    assert_eq!(both.code, 2, "{}", both.stderr);
    assert_eq!(both.stderr.lines().count(), 1, "{}", both.stderr);
    assert!(both.stderr.contains("file of its own"), "{}", both.stderr);
    assert_eq!(add("trains", &[&fr]).code, 0);
    let second = add("trains", &[&de]);
    assert_eq!(second.code, 2, "{}", second.stderr);
    assert!(
        second.stderr.contains("file of its own"),
        "{}",
        second.stderr
    );

    env.write(
        "archive/own.md",
        "---\ntitle: Own\nlang: en\n---\n\nkoala one\n",
    );
    let en = write("en.md", "---\nlang: en\n---\n\nkoala two\n");
    let again = add("own", &[&en]);
    assert_eq!(again.code, 2, "{}", again.stderr);
    assert!(
        again.stderr.contains("already has a version in en ("),
        "{}",
        again.stderr
    );
    assert!(!env.root().join("archive/own").exists());
}
