//! Where the archive and the index are: finding the archive folder, and what is said when a
//! path is not what it should be.

use std::process::Command;

use crate::env::{Env, BIN};

fn run_in(dir: &std::path::Path, program: &std::path::Path, args: &[&str]) -> (i32, String) {
    let run = || {
        Command::new(program)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .args(args)
            .current_dir(dir)
            .output()
    };
    // A copy of the binary made moments ago can still be open for writing in a child that
    // another test thread forked meanwhile (until that child execs): Linux then refuses to run
    // it ("text file busy") for a moment.
    let mut out = run();
    for _ in 0..50 {
        match &out {
            Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy => {
                std::thread::sleep(std::time::Duration::from_millis(20));
                out = run();
            }
            _ => break,
        }
    }
    let out = out.expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_file_named_archive_is_not_an_archive_folder() {
    let env = Env::empty();
    let copy = env.root().join("archive");
    std::fs::copy(BIN, &copy).unwrap();
    let (code, stderr) = run_in(env.root(), &copy, &["list"]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("no archive found"), "{stderr}");
}

#[test]
fn no_archive_is_said_as_such_and_a_file_is_not_an_index_folder() {
    let env = Env::empty();
    let (code, stderr) = run_in(
        env.root(),
        BIN.as_ref(),
        &["--root", "/nonexistent", "list"],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("no archive found"), "{stderr}");
    assert!(!stderr.contains("no index"), "{stderr}");
}

#[test]
fn a_file_given_as_a_folder_is_said_to_be_a_file_by_every_command() {
    // `--archive FILE` was reported as a missing archive, and `serve --index FILE` as a
    // missing index.
    let env = Env::bundled();
    env.write("plain", "not a folder");
    env.write("new.txt", "New\n\nA new story.\n");
    let commands: [&[&str]; 7] = [
        &["index"],
        &["search", "Khorgos"],
        &["list"],
        &["show", "x"],
        &["serve"],
        &["add", "new.txt"],
        &["bundle", "stick"],
    ];
    let before = crate::field::snapshot(env.root());
    for flag in ["--archive", "--index", "--root"] {
        // A trailing `/`, `/.` or `//` names the file too (the hostile tester).
        for path in ["plain", "plain/sub", "plain/", "plain/.", "plain//"] {
            for command in commands {
                let args = [&[flag, path][..], command].concat();
                let (code, stderr) = run_in(env.root(), BIN.as_ref(), &args);
                assert_eq!(code, 2, "{args:?}: {stderr}");
                assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
                assert!(
                    stderr.ends_with("plain is a file, not a folder\n"),
                    "{args:?}: {stderr}"
                );
            }
        }
    }
    assert!(
        crate::field::snapshot(env.root()) == before,
        "files changed"
    );
}

#[test]
fn a_folder_of_the_users_or_the_archive_folder_is_never_taken_for_an_index() {
    // Given by mistake, a folder of the user's lost its files named like an index's (a run
    // removes index files no commit names), and the archive folder its story files so named.
    let env = Env::bundled();
    let mine = [
        "meta.json",
        "notes.txt",
        "0123456789abcdef0123456789abcdef.idx",
    ];
    for name in mine {
        env.write(&format!("mine/{name}"), "user data");
    }
    env.write(
        "archive/abcdef0123456789abcdef0123456789.store",
        "a story\n",
    );
    for args in [
        &["--index", "mine", "index"][..],
        &["--index", "mine", "search", "Khorgos"],
        &["--index", "archive", "index"],
        &["--index", "archive/sub", "index"],
    ] {
        let out = env.run(args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert_eq!(out.stderr.lines().count(), 1, "{args:?}: {}", out.stderr);
        let why = if args[1] == "mine" {
            "is not an index folder (it holds "
        } else {
            "is in the archive folder"
        };
        assert!(out.stderr.contains(why), "{args:?}: {}", out.stderr);
    }
    for name in mine {
        let kept = std::fs::read_to_string(env.root().join("mine").join(name)).unwrap();
        assert_eq!(kept, "user data", "{name}");
    }
    assert_eq!(
        std::fs::read_dir(env.root().join("mine")).unwrap().count(),
        3
    );
    assert!(!env.root().join("archive/sub").exists());
    assert!(!env.root().join("archive/meta.json").exists());
    // An index folder holding hidden files and other systems' folder notes is an index's.
    env.write("index/.DS_Store", "finder");
    env.write("index/Thumbs.db", "explorer");
    assert_eq!(env.run(&["index"]).code, 0);
    assert_eq!(env.run(&["search", "Khorgos"]).code, 0);
}

#[test]
fn files_whose_names_are_not_utf8_are_skipped_and_never_collide() {
    // Shown with a replacement character, `a\xff.txt` and `a\xfe.txt` were one file: one of
    // them was lost, and every search updated the index again.
    use std::os::unix::ffi::OsStrExt;
    let env = Env::bundled();
    for (byte, word) in [(0xff, "zebraff"), (0xfe, "zebrafe")] {
        let name = [b'a', byte, b'.', b't', b'x', b't'];
        let path = env
            .root()
            .join("archive")
            .join(std::ffi::OsStr::from_bytes(&name));
        std::fs::write(path, format!("a {word}\n")).unwrap();
    }
    let out = env.run(&["index"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr
            .matches("the file name is not valid UTF-8; rename the file")
            .count(),
        2,
        "{}",
        out.stderr
    );
    let out = env.run(&["search", "Khorgos"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stderr.contains("updating"), "{}", out.stderr);
    assert_eq!(env.run(&["search", "zebraff"]).code, 1);
}

#[test]
fn files_that_are_the_same_story_and_language_are_named_in_a_warning() {
    // `report.txt` beside `report/en.md` is story `report` in English too: its passages were
    // mixed into the other's without a word.
    let env = Env::empty();
    env.write(
        "archive/report/en.md",
        "Report\n\nfirst zebracol\n\nsecond\n",
    );
    env.write("archive/report/zh.md", "报告\n\n第一段\n\n第二段\n");
    env.write("archive/report.txt", "my private note zebranote\n");
    env.write("archive/x.md", "X\n\none\n");
    let out = env.run(&["index"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "report.txt, report/en.md are all story \"report\" in en: their passages are mixed"
        ),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("x.md"), "{}", out.stderr);
    env.write("archive/x.txt", "X again\n\ntwo\n");
    let out = env.run(&["index"]);
    assert!(
        out.stderr.contains("x.md, x.txt are all story \"x\" in en"),
        "{}",
        out.stderr
    );
}

/// Makes the index's commit name another analyzer version than this program's.
fn from_another_analyzer(index: &std::path::Path) {
    let meta = index.join("meta.json");
    let text = std::fs::read_to_string(&meta).unwrap();
    let mark = r#"analyzer\":\"analyzer "#;
    assert!(text.contains(mark), "{text}");
    std::fs::write(&meta, text.replacen(mark, &format!("{mark}0"), 1)).unwrap();
}

#[test]
fn an_index_made_with_user_words_is_searched_without_its_archive() {
    // A stick that lost its archive/: the index was made with the archive's words.txt, which
    // only indexing needs (a query is cut into the index's own words). It was refused, saying
    // words.txt was needed.
    let env = Env::bundled();
    assert!(env.root().join("archive/words.txt").is_file());
    assert_eq!(env.run(&["index"]).code, 0);
    std::fs::rename(env.root().join("archive"), env.root().join("moved")).unwrap();
    let before = crate::field::snapshot(env.root());
    // The user word is still one word: the query is cut into the index's words.
    let out = env.run(&["search", "--explain", "--exact", "托卡耶夫"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with("query terms: 托卡耶夫\n"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("[托卡耶夫]"), "{}", out.stdout);
    assert_eq!(out.stderr, "");
    let list = env.run(&["list"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    assert!(
        list.stdout.contains("2022-09-12-china-kazakhstan"),
        "{}",
        list.stdout
    );
    let show = env.run(&["show", "2022-09-12-china-kazakhstan"]);
    assert_eq!(show.code, 0, "{}", show.stderr);
    // Indexing still needs the archive, and says so.
    let index = env.run(&["index"]);
    assert_eq!(index.code, 2);
    assert!(
        index.stderr.contains("no archive found"),
        "{}",
        index.stderr
    );
    assert!(
        crate::field::snapshot(env.root()) == before,
        "files changed"
    );
}

#[test]
fn an_index_this_program_cannot_read_without_its_archive_says_what_to_do_in_one_line() {
    // Only the index is left, made by another version: `archive index` cannot rebuild
    // anything, so the message must name both ways out.
    let env = Env::bundled();
    assert_eq!(env.run(&["index"]).code, 0);
    from_another_analyzer(&env.root().join("index"));
    let archive = env.root().join("archive");
    std::fs::rename(&archive, env.root().join("moved")).unwrap();
    let before = crate::field::snapshot(env.root());
    for args in [
        &["search", "Khorgos"][..],
        &["list"],
        &["show", "x"],
        &["serve"],
    ] {
        let out = env.run(args);
        let what = format!("{args:?}: {}", out.stderr);
        assert_eq!(out.code, 2, "{what}");
        assert_eq!(out.stderr.lines().count(), 1, "{what}");
        assert!(out.stderr.contains(&*archive.to_string_lossy()), "{what}");
        assert!(out.stderr.contains("is missing"), "{what}");
        assert!(out.stderr.len() < 400, "{what}");
        assert!(out.stderr.contains("program that made the index"), "{what}");
    }
    assert!(
        crate::field::snapshot(env.root()) == before,
        "files changed"
    );
}
