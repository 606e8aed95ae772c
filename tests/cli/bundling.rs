//! `archive bundle` where it must not go, and names it must carry.

use crate::env::Env;
use crate::faults::SmallDisk;
use crate::field::snapshot;

#[test]
fn a_bundle_inside_the_archive_or_the_index_is_refused_and_writes_nothing() {
    let env = Env::bundled();
    assert_eq!(env.run(&["index"]).code, 0);
    let before = snapshot(env.root());
    for dest in [
        "archive/sub",
        "archive",
        "archive/2022-09-12-china-kazakhstan/deeper/still",
        "index",
        "index/stick",
        "archive/../index/x",
    ] {
        let out = env.run(&["bundle", &env.root().join(dest).to_string_lossy()]);
        assert_eq!(out.code, 2, "{dest}: {}", out.stderr);
        assert_eq!(out.stderr.lines().count(), 1, "{dest}: {}", out.stderr);
        assert!(out.stderr.contains("inside"), "{dest}: {}", out.stderr);
        assert!(snapshot(env.root()) == before, "{dest}: files were written");
        assert!(!env.root().join("archive/sub").exists());
    }
    // A relative DEST is resolved against the current folder (the root here).
    let out = env.run(&["bundle", "archive/sub"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(!env.root().join("archive/sub").exists());
}

#[test]
fn a_story_with_a_name_of_250_bytes_is_bundled() {
    let env = Env::bundled();
    let name = format!("{}.md", "l".repeat(247));
    env.write(&format!("archive/{name}"), "Notes on Zharkent.\n");
    let dest = env.root().join("stick");
    let out = env.run(&["bundle", &dest.to_string_lossy()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        std::fs::read_to_string(dest.join("data/archive").join(&name)).unwrap(),
        "Notes on Zharkent.\n"
    );
    let found = std::process::Command::new(dest.join("archive"))
        .args(["search", "Zharkent"])
        .output()
        .unwrap();
    assert_eq!(found.status.code(), Some(0));
}

#[test]
fn a_bundle_onto_a_full_disk_fails_in_one_line_and_leaves_nothing_it_made() {
    let env = Env::bundled();
    let Some(disk) = SmallDisk::mounted("2m") else {
        return;
    };
    let stick = disk.point.clone();
    std::fs::write(stick.join("mine.txt"), "the reporter's own file").unwrap();
    std::fs::create_dir(stick.join("empty")).unwrap();
    let before = snapshot(&stick);
    for dest in ["new", "empty", "new/deeper"] {
        let out = env.run(&["bundle", &stick.join(dest).to_string_lossy()]);
        assert_ne!(out.code, 0, "{dest}: {}", out.stderr);
        assert_eq!(out.stderr.lines().count(), 1, "{dest}: {}", out.stderr);
        // Nothing was kept: the retry is the bundle's, and needs room for all of it.
        assert!(
            out.stderr.contains("the bundle needs about")
                && out.stderr.contains("run `archive bundle` again"),
            "{dest}: {}",
            out.stderr
        );
        let mut left: Vec<String> = std::fs::read_dir(&stick)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["empty", "mine.txt"], "{dest}");
        assert_eq!(
            std::fs::read_dir(stick.join("empty")).unwrap().count(),
            0,
            "{dest}"
        );
        assert!(snapshot(&stick) == before, "{dest}: files left behind");
    }
}

#[test]
fn a_bundle_says_what_it_could_not_read_and_copies_the_rest() {
    // A folder that could not be read was left out of a new bundle without a word; a file that
    // could not be read failed the whole bundle.
    use std::os::unix::fs::PermissionsExt;
    let env = Env::bundled();
    env.write("archive/closed/en.md", "Closed\n\nNarwhalton passage.\n");
    env.write("archive/locked/en.md", "Locked\n\nQuokkaville passage.\n");
    env.write("archive/open/en.md", "Open\n\nZebrafinch passage.\n");
    let mode = |rel: &str, mode: u32| {
        let path = env.root().join(rel);
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    mode("archive/closed", 0o000);
    mode("archive/locked/en.md", 0o000);
    let stick = env.root().join("stick");
    let out = env.run_as_user(&["bundle", stick.to_str().unwrap()]);
    mode("archive/closed", 0o755);
    mode("archive/locked/en.md", 0o644);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for skipped in [
        "skipped closed: Permission denied",
        "skipped locked/en.md: Permission denied",
    ] {
        assert!(out.stderr.contains(skipped), "{}", out.stderr);
    }
    let found = std::process::Command::new(stick.join("archive"))
        .args(["search", "Zebrafinch"])
        .output()
        .unwrap();
    assert!(
        found.status.success(),
        "{}",
        String::from_utf8_lossy(&found.stderr)
    );
}
