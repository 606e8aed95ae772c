//! The quick freshness check: what `archive search` sees without `archive index` (README,
//! "What `archive search` notices by itself").

use std::time::{Duration, SystemTime};

use crate::env::Env;

/// Sets a file's or folder's modification time to an hour ago, so it is settled (older than
/// the 2 s the check treats as too close to the last update).
fn age(path: &std::path::Path) {
    let hour_ago = SystemTime::now() - Duration::from_secs(3600);
    std::fs::File::open(path)
        .unwrap()
        .set_modified(hour_ago)
        .unwrap();
}

/// How many times `path` is opened while `run` runs (seen through inotify: reading a file's
/// access time would need setting it first, which changes its status change time).
fn opens_of(path: &std::path::Path, run: impl FnOnce()) -> usize {
    use std::os::unix::ffi::OsStrExt;
    let name = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: plain system calls on a descriptor this function owns and closes.
    unsafe {
        let fd = libc::inotify_init1(libc::IN_NONBLOCK | libc::IN_CLOEXEC);
        assert!(fd >= 0, "inotify: {}", std::io::Error::last_os_error());
        assert!(libc::inotify_add_watch(fd, name.as_ptr(), libc::IN_OPEN) >= 0);
        run();
        let mut buf = [0u8; 4096];
        let mut opened = 0;
        loop {
            let n = libc::read(fd, buf.as_mut_ptr().cast(), buf.len());
            if n <= 0 {
                break;
            }
            // A watched file's events carry no name: each is the bare event structure.
            opened += n as usize / std::mem::size_of::<libc::inotify_event>();
        }
        libc::close(fd);
        opened
    }
}

fn found(env: &Env, word: &str) -> bool {
    env.run(&["search", word]).code == 0
}

#[test]
fn search_sees_stories_added_replaced_edited_and_removed() {
    let env = Env::bundled();
    assert_eq!(env.run(&["index"]).code, 0);
    std::thread::sleep(Duration::from_millis(2100));
    assert!(found(&env, "Khorgos"));
    env.write("archive/s2/en.md", "Zorblax\n");
    assert!(found(&env, "Zorblax"));
    // An editor's save: a new file renamed over the old one.
    env.write("archive/s2/en.md.tmp", "Frobnitz\n");
    let story = env.root().join("archive/s2");
    std::fs::rename(story.join("en.md.tmp"), story.join("en.md")).unwrap();
    assert!(found(&env, "Frobnitz"));
    std::thread::sleep(Duration::from_millis(2100));
    // Rewritten in place: the folder's time does not move, the file is among the newest.
    env.write("archive/s2/en.md", "Quuxington\n");
    assert!(found(&env, "Quuxington"));
    std::fs::remove_dir_all(&story).unwrap();
    assert!(!found(&env, "Quuxington"));
    // Only the last commit's file list (a whole one, and the journal of changes since) and
    // snapshot remain.
    let mut lists: Vec<String> = std::fs::read_dir(env.root().join("index"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|name| {
            Some(
                name.strip_prefix("archive-")?
                    .split('-')
                    .next()?
                    .to_string(),
            )
        })
        .filter(|kind| kind != "checked.bin")
        .collect();
    lists.sort();
    assert_eq!(lists, ["files", "folders", "journal"]);
}

#[test]
fn a_search_run_beside_the_check_is_redone_when_the_check_finds_a_change() {
    // The search runs while the freshness check does; what it found (here: no story `s2`,
    // and no passage with the word) must give way to the updated index's answer.
    let env = Env::bundled();
    assert_eq!(env.run(&["index"]).code, 0);
    env.write("archive/s2/en.md", "Zorblax\n");
    let run = env.run(&["search", "--story", "s2", "--json", "Zorblax"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("\"story\":\"s2\""), "{}", run.stdout);
    assert!(run.stderr.contains("updating the index"), "{}", run.stderr);
}

#[test]
fn an_old_story_rewritten_in_place_waits_for_archive_index() {
    let env = Env::empty();
    for i in 0..600 {
        env.write(
            &format!("archive/notes/n{i:03}.txt"),
            format!("note number {i}\n"),
        );
    }
    // n000 is the oldest file, outside the 128 newest the check looks at.
    for i in 0..600 {
        let path = env.root().join(format!("archive/notes/n{i:03}.txt"));
        let when = SystemTime::now() - Duration::from_secs(7200 - i);
        std::fs::File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(when)
            .unwrap();
    }
    age(&env.root().join("archive/notes"));
    age(&env.root().join("archive"));
    assert_eq!(env.run(&["index"]).code, 0);
    assert!(found(&env, "note"));
    let oldest = env.root().join("archive/notes/n000.txt");
    let folder_time = std::fs::metadata(oldest.parent().unwrap())
        .unwrap()
        .modified()
        .unwrap();
    std::fs::write(&oldest, "Zebulon\n").unwrap();
    assert_eq!(
        std::fs::metadata(oldest.parent().unwrap())
            .unwrap()
            .modified()
            .unwrap(),
        folder_time
    );
    assert!(!found(&env, "Zebulon"));
    assert_eq!(env.run(&["index"]).code, 0);
    assert!(found(&env, "Zebulon"));
    // One of the newest files rewritten in place is seen at once.
    std::fs::write(env.root().join("archive/notes/n599.txt"), "Yarrowby\n").unwrap();
    assert!(found(&env, "Yarrowby"));
}

/// The totals of `archive index`'s summary line: "N stories, M passages (languages)".
fn totals(stderr: &str) -> String {
    let line = stderr
        .lines()
        .find(|l| l.starts_with("indexed ") || l.starts_with("index is up to date: "))
        .unwrap_or_else(|| panic!("no summary in {stderr}"));
    let from = line.find(|c: char| c.is_ascii_digit()).unwrap();
    let to = line.find(')').unwrap();
    line[from..=to].to_string()
}

#[test]
fn an_unchanged_index_run_reports_what_the_index_holds_without_its_file_list() {
    let env = Env::bundled();
    env.write("archive/broken.docx", "not a zip at all");
    let first = env.run(&["index"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        first.stderr.contains("skipped broken.docx"),
        "{}",
        first.stderr
    );
    // Nothing changed: the same totals, and the unreadable file is still named.
    let again = env.run(&["index"]);
    assert!(
        again.stderr.contains("nothing to do, 1 skipped"),
        "{}",
        again.stderr
    );
    assert!(
        again.stderr.contains("skipped broken.docx"),
        "{}",
        again.stderr
    );
    assert_eq!(totals(&again.stderr), totals(&first.stderr));
    // A folder's time moves (a temporary file come and gone): a search compares every file,
    // finds none changed and renews the snapshot, which keeps what the index holds.
    std::thread::sleep(Duration::from_millis(2100));
    env.write("archive/s2/scratch.tmp", "x");
    std::fs::remove_file(env.root().join("archive/s2/scratch.tmp")).unwrap();
    assert!(found(&env, "Khorgos"));
    let after = env.run(&["index"]);
    assert!(
        after.stderr.contains("nothing to do, 1 skipped"),
        "{}",
        after.stderr
    );
    assert_eq!(totals(&after.stderr), totals(&first.stderr));
    // With the file list gone the quick path is not taken: the index is rebuilt from the
    // archive (the list is what `archive list` reads).
    for e in std::fs::read_dir(env.root().join("index"))
        .unwrap()
        .flatten()
    {
        if e.file_name()
            .to_string_lossy()
            .starts_with("archive-files-")
        {
            std::fs::remove_file(e.path()).unwrap();
        }
    }
    let rebuilt = env.run(&["index"]);
    assert!(
        rebuilt.stderr.contains("(full build)"),
        "{}",
        rebuilt.stderr
    );
    assert_eq!(totals(&rebuilt.stderr), totals(&first.stderr));
}

/// A file's documents are removed by their story and language, which another file can share
/// (`s/en.md` and `s/en.txt`): that file's passages are read again, and stay found.
#[test]
fn two_files_of_one_story_and_language_are_changed_and_removed_apart() {
    let env = Env::empty();
    env.write("archive/s/en.md", "Zorblax stands here.\n");
    env.write("archive/s/en.txt", "Frobnitz stands here.\n");
    assert_eq!(env.run(&["index"]).code, 0);
    assert!(found(&env, "Zorblax") && found(&env, "Frobnitz"));
    env.write("archive/s/en.md", "Quuxington stands here.\n");
    let out = env.run(&["index"]);
    assert!(out.stderr.contains("1 changed"), "{}", out.stderr);
    assert!(found(&env, "Quuxington") && !found(&env, "Zorblax"));
    let filtered = ["search", "--story", "s", "--lang", "en", "Frobnitz"];
    assert_eq!(env.run(&filtered).code, 0);
    std::fs::remove_file(env.root().join("archive/s/en.md")).unwrap();
    assert_eq!(env.run(&["index"]).code, 0);
    assert!(!found(&env, "Quuxington"));
    assert_eq!(env.run(&filtered).code, 0);
    let shown = env.run(&["show", "s"]);
    assert!(shown.stdout.contains("Frobnitz"), "{}", shown.stdout);
}

#[test]
fn a_skipped_file_of_the_same_size_and_time_is_not_read_again_when_the_check_is_unsure() {
    // A binary `.txt` is skipped; it was read again by every full comparison.
    let env = Env::bundled();
    env.write("archive/blobs/b.txt", [0u8, 1, 2, 255].repeat(4096));
    // A file whose status changed within 50 ms of a scan may have been made readable after
    // it (the kernel's ctime clock lags): the next unsure check reads it once more.
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(env.run(&["index"]).code, 0);
    let blob = env.root().join("archive/blobs/b.txt");
    // The archive folder's time moved: the quick check is unsure and every file is compared.
    let unsure = |secs| {
        let time = SystemTime::now() - Duration::from_secs(secs);
        let folder = std::fs::File::open(env.root().join("archive")).unwrap();
        folder.set_modified(time).unwrap();
    };
    // `index` noted its size and time: not even the first check after it reads it.
    unsure(3600);
    let opened = opens_of(&blob, || assert!(found(&env, "Khorgos")));
    assert_eq!(
        opened, 0,
        "the first check after `index` read the skipped file"
    );
    unsure(7200);
    let opened = opens_of(&blob, || assert!(found(&env, "Khorgos")));
    assert_eq!(opened, 0, "the skipped file was read again");
    // Once it changes, it is read, and now found.
    env.write("archive/blobs/b.txt", "Zorblux\n");
    unsure(10800);
    assert!(found(&env, "Zorblux"));
}

/// Two files of one story and language both have a passage 1: each is marked by its own
/// text (marks found once per passage were reused for the other file's, cutting `总` in two:
/// an internal error, and a request that stopped `archive serve`; the hostile tester).
#[test]
fn two_files_of_one_story_and_language_are_marked_each_by_its_own_text() {
    let env = Env::empty();
    env.write("archive/s/en.md", "zz wombat wombat wombat\n");
    env.write("archive/s/en.txt", "wombat\n");
    env.write("archive/q/zh.md", "a总统总统总统\n");
    env.write("archive/q/zh.txt", "总统好\n");
    assert_eq!(env.run(&["index"]).code, 0);
    for (query, word) in [("wombat", "wombat"), ("总统", "总统")] {
        let hits = env.json(&["search", "--json", "--per-story", "5", query]);
        assert_eq!(hits.len(), 2, "{query}");
        for h in &hits {
            assert!(!h.highlights.is_empty(), "{query}: {}", h.text);
            // Neighbouring marks are one range (`总统总统`).
            for &[a, b] in &h.highlights {
                let marked = h.text.get(a..b).unwrap_or_default();
                let words = marked.matches(word).count();
                assert!(
                    words > 0 && marked.len() == words * word.len(),
                    "{query}: {}",
                    h.text
                );
            }
        }
    }
}

#[test]
fn a_story_file_or_folder_made_readable_with_chmod_is_indexed_without_touching_it() {
    // chmod changes neither a file's size nor its modification time (only its ctime): a file
    // found unreadable stayed skipped, by searches and by `archive index`, until touched (and
    // a folder, by searches).
    use std::os::unix::fs::PermissionsExt;
    let env = Env::bundled();
    let mode = |rel: &str, mode: u32| {
        let path = env.root().join(rel);
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    env.write("archive/locked.txt", "Locked\n\nZebrafinch passage.\n");
    env.write("archive/later.txt", "Later\n\nQuokkaville passage.\n");
    env.write("archive/closed/en.md", "Closed\n\nNarwhalton passage.\n");
    // Settled times: the searches' quick check trusts them.
    age(&env.root().join("archive"));
    age(&env.root().join("archive/closed"));
    mode("archive/locked.txt", 0o000);
    mode("archive/later.txt", 0o000);
    mode("archive/closed", 0o000);
    std::thread::sleep(Duration::from_millis(2100));
    let first = env.run_as_user(&["index"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        first
            .stderr
            .contains("skipped locked.txt: Permission denied"),
        "{}",
        first.stderr
    );
    assert_eq!(env.run_as_user(&["search", "Zebrafinch"]).code, 1);
    // A search sees the file made readable.
    mode("archive/locked.txt", 0o644);
    let out = env.run_as_user(&["search", "Zebrafinch"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // And a folder made readable.
    assert_eq!(env.run_as_user(&["search", "Narwhalton"]).code, 1);
    mode("archive/closed", 0o755);
    let out = env.run_as_user(&["search", "Narwhalton"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // So does `archive index`, which otherwise reads nothing when no file's size or time moved.
    mode("archive/later.txt", 0o644);
    let out = env.run_as_user(&["index"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("1 added"), "{}", out.stderr);
    assert_eq!(env.run_as_user(&["search", "Quokkaville"]).code, 0);
    let again = env.run_as_user(&["index"]);
    assert!(
        again.stderr.contains("index is up to date"),
        "{}",
        again.stderr
    );
}

#[test]
fn stories_in_a_folder_that_cannot_be_read_stay_in_the_index() {
    // A folder whose listing fails (permissions changed, a failing stick) says nothing about
    // its stories: they were removed as if deleted, so one `chmod` emptied the index of them.
    use std::os::unix::fs::PermissionsExt;
    let env = Env::bundled();
    env.write("archive/closed/en.md", "Closed\n\nNarwhalton passage.\n");
    env.write(
        "archive/closed/deeper/en.md",
        "Deeper\n\nQuokkaville passage.\n",
    );
    assert_eq!(env.run(&["index"]).code, 0);
    let mode = |rel: &str, mode: u32| {
        let path = env.root().join(rel);
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    // Not listable; listable but not searchable (its entries cannot be looked at); neither.
    for closed in [0o311, 0o644, 0o000] {
        mode("archive/closed", closed);
        let out = env.run_as_user(&["index"]);
        // A search that checks the archive first finds them too, and updates nothing.
        let searched = env.run_as_user(&["search", "Narwhalton"]);
        mode("archive/closed", 0o755);
        assert_eq!(searched.code, 0, "{closed:o}: {}", searched.stderr);
        assert!(!searched.stderr.contains("indexed"), "{}", searched.stderr);
        assert_eq!(out.code, 0, "{closed:o}: {}", out.stderr);
        assert!(out.stderr.contains("Permission denied"), "{}", out.stderr);
        assert!(
            !out.stderr.contains("removed"),
            "{closed:o}: {}",
            out.stderr
        );
        for word in ["Narwhalton", "Quokkaville"] {
            let found = env.run(&["search", "--no-update", word]);
            assert_eq!(found.code, 0, "{closed:o}: {word} lost: {}", out.stderr);
        }
    }
    // The whole archive folder unreadable: nothing is removed either.
    mode("archive", 0o311);
    let out = env.run_as_user(&["index"]);
    mode("archive", 0o755);
    assert!(!out.stderr.contains("removed"), "{}", out.stderr);
    assert_eq!(env.run(&["search", "--no-update", "Khorgos"]).code, 0);
    // Deleted for real, its stories go.
    std::fs::remove_dir_all(env.root().join("archive/closed")).unwrap();
    let out = env.run(&["index"]);
    assert!(out.stderr.contains("2 removed"), "{}", out.stderr);
}

#[test]
fn a_link_that_cannot_be_followed_holds_back_no_removal_elsewhere() {
    // A link to a folder that cannot be opened gives the walk an error without a path; it was
    // taken for the archive folder, and from then on no story anywhere was ever removed.
    use std::os::unix::fs::PermissionsExt;
    let env = Env::bundled();
    env.write("archive/private/p1/en.md", "Private\n\nHushword passage.\n");
    env.write("archive/gone/en.md", "Gone\n\nDinglebat passage.\n");
    env.write("archive/looped/en.md", "Looped\n\nWobblecorn passage.\n");
    std::os::unix::fs::symlink("private", env.root().join("archive/link")).unwrap();
    assert_eq!(env.run(&["index"]).code, 0);
    let private = env.root().join("archive/private");
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::remove_dir_all(env.root().join("archive/gone")).unwrap();
    // A story folder replaced by a link to itself leads nowhere: its story goes.
    std::fs::remove_dir_all(env.root().join("archive/looped")).unwrap();
    std::os::unix::fs::symlink("looped", env.root().join("archive/looped")).unwrap();
    let out = env.run_as_user(&["index"]);
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stderr.contains("skipped :"), "{}", out.stderr);
    assert_eq!(
        env.run(&["search", "--no-update", "Dinglebat"]).code,
        1,
        "{}",
        out.stderr
    );
    assert_eq!(
        env.run(&["search", "--no-update", "Wobblecorn"]).code,
        1,
        "{}",
        out.stderr
    );
    // The folder itself, unreadable, kept its story.
    assert_eq!(
        env.run(&["search", "--no-update", "Hushword"]).code,
        0,
        "{}",
        out.stderr
    );
}
