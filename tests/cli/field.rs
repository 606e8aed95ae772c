//! Field-ready: read-only media, the stick bundle, incremental and crash-safe indexing, two
//! indexers at once, hostile files.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::env::{copy_dir, kill_points, Env, BIN};

/// A read-only view of a folder: a read-only bind mount, unmounted on drop.
struct ReadOnlyMount {
    point: PathBuf,
    _dir: tempfile::TempDir,
}

impl ReadOnlyMount {
    fn of(source: &Path) -> ReadOnlyMount {
        let dir = tempfile::tempdir().unwrap();
        let point = dir.path().join("ro");
        std::fs::create_dir(&point).unwrap();
        let mount = |args: &[&str]| {
            let ok = Command::new("mount")
                .args(args)
                .status()
                .is_ok_and(|s| s.success());
            assert!(
                ok,
                "mount {args:?} failed: these tests need root (CI runs as root)"
            );
        };
        mount(&["--bind", source.to_str().unwrap(), point.to_str().unwrap()]);
        mount(&["-o", "remount,bind,ro", point.to_str().unwrap()]);
        assert!(
            std::fs::write(point.join("probe"), "x").is_err(),
            "mount is not read-only"
        );
        ReadOnlyMount { point, _dir: dir }
    }
}

impl Drop for ReadOnlyMount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.point).status();
    }
}

/// Every file under `dir` with its bytes, to prove nothing was changed.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let t = std::fs::symlink_metadata(e.path()).unwrap().file_type();
            if t.is_dir() {
                stack.push(e.path());
            } else if t.is_file() {
                out.push((e.path(), std::fs::read(e.path()).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn search_works_on_a_read_only_mount_and_writes_nothing() {
    let env = Env::bundled();
    assert_eq!(env.run(&["index"]).code, 0);
    let before = snapshot(env.root());
    let ro = ReadOnlyMount::of(env.root());
    let root = ro.point.to_str().unwrap();
    let out = Command::new(BIN)
        .args(["--root", root, "search", "--json", "霍尔果斯"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Khorgos"));
    // Indexing a read-only index is one clear line.
    let out = Command::new(BIN)
        .args(["--root", root, "index"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("read-only"));
    drop(ro);
    assert!(
        snapshot(env.root()) == before,
        "the read-only run changed files"
    );
}

#[test]
fn a_changed_archive_on_read_only_media_is_searched_as_indexed_with_a_warning() {
    let env = Env::bundled();
    env.run(&["index"]);
    env.write("archive/new/en.md", "Khorgos again.\n");
    let ro = ReadOnlyMount::of(env.root());
    let out = Command::new(BIN)
        .args(["--root", ro.point.to_str().unwrap(), "search", "Khorgos"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("may be out of date"));
}

#[test]
fn index_files_are_readable_by_everyone() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::bundled();
    env.run(&["index"]);
    for e in std::fs::read_dir(env.root().join("index"))
        .unwrap()
        .flatten()
    {
        let mode = e.metadata().unwrap().permissions().mode();
        assert_eq!(mode & 0o444, 0o444, "{:?} is {mode:o}", e.path());
    }
}

#[test]
fn the_bundle_is_static_self_contained_and_runs_read_only_from_anywhere() {
    let env = Env::bundled();
    let dest = env.root().join("stick");
    let out = env.run(&["bundle", dest.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("bundled 1 stories, 96 passages"),
        "{}",
        out.stderr
    );
    for f in [
        "archive",
        "README.txt",
        "data/archive/2022-09-12-china-kazakhstan/zh.md",
        "data/index/meta.json",
    ] {
        assert!(dest.join(f).exists(), "{f} missing");
    }
    let ldd = Command::new("ldd")
        .arg(dest.join("archive"))
        .output()
        .unwrap();
    let ldd = String::from_utf8_lossy(&ldd.stdout) + String::from_utf8_lossy(&ldd.stderr);
    assert!(
        ldd.contains("statically linked") || ldd.contains("not a dynamic executable"),
        "{ldd}"
    );
    // One segment: one .store file.
    let stores = std::fs::read_dir(dest.join("data/index"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "store"))
        .count();
    assert_eq!(stores, 1);
    // From a read-only mount, from another working directory, with no flags and a clean
    // environment.
    let ro = ReadOnlyMount::of(&dest);
    let elsewhere = tempfile::tempdir().unwrap();
    let out = Command::new(ro.point.join("archive"))
        .args(["search", "--json", "Khorgos"])
        .current_dir(elsewhere.path())
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Khorgos-Dongdamen"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("warning") && !stderr.contains("index"),
        "{stderr}"
    );
}

#[test]
fn an_existing_bundle_is_updated_and_never_clobbered() {
    let env = Env::bundled();
    let dest = env.root().join("stick");
    let dest_s = dest.to_str().unwrap();
    // Not a bundle, not empty: refused, untouched.
    env.write("stick/mine.txt", "my notes");
    let out = env.run(&["bundle", dest_s]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("not an archive bundle"),
        "{}",
        out.stderr
    );
    assert_eq!(
        std::fs::read_to_string(dest.join("mine.txt")).unwrap(),
        "my notes"
    );
    std::fs::remove_file(dest.join("mine.txt")).unwrap();
    assert_eq!(env.run(&["bundle", dest_s]).code, 0);
    // A story edited on the stick is kept; a story added at home arrives; one added on the
    // stick stays and is indexed.
    let on_stick = dest.join("data/archive/2022-09-12-china-kazakhstan/en.md");
    let edited =
        std::fs::read_to_string(&on_stick).unwrap() + "\nA reporter's note on the stick.\n";
    std::fs::write(&on_stick, &edited).unwrap();
    env.write(
        "stick/data/archive/field/en.md",
        "Notes taken in Zharkent.\n",
    );
    env.write("archive/home/en.md", "Filed from Almaty.\n");
    let out = env.run(&["bundle", dest_s]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("kept 2022-09-12-china-kazakhstan/en.md"),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read_to_string(&on_stick).unwrap(), edited);
    let stick = |q: &str| {
        Command::new(dest.join("archive"))
            .args(["search", q])
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(stick("Almaty"), Some(0));
    assert_eq!(stick("Zharkent"), Some(0));
    assert_eq!(stick("reporter's note"), Some(0));
}

/// An archive big enough that indexing takes a while: the bundled story under many names,
/// plus a changing part.
fn big_archive(env: &Env, copies: usize) {
    let src = crate::env::project().join("archive/2022-09-12-china-kazakhstan");
    for i in 0..copies {
        copy_dir(&src, &env.root().join(format!("archive/copy-{i:03}")));
    }
}

#[test]
fn kill_9_at_any_moment_leaves_the_last_index_searchable_and_the_next_run_completes() {
    let env = Env::bundled();
    big_archive(&env, 40);
    assert_eq!(env.run(&["index"]).code, 0);
    let before = env.hits_in_last_commit("Khorgos", 1000);
    assert!(before > 40);
    // A second batch of stories, whose indexing is killed again and again.
    for i in 0..40 {
        env.write(
            &format!("archive/extra-{i:03}/en.md"),
            format!("Zharkent report {i}\n\nKhorgos again.\n"),
        );
    }
    let started = Instant::now();
    assert_eq!(env.run(&["index"]).code, 0);
    let full = started.elapsed();
    for i in 0..40 {
        env.write(
            &format!("archive/extra-{i:03}/en.md"),
            format!("Zharkent report {i} revised\n\nKhorgos again.\n"),
        );
    }
    // Deterministic pseudo-random kill points over the whole run.
    for (round, delay) in kill_points(full, 1.2).take(12).enumerate() {
        env.index_killed_after(delay);
        // Either the last commit or the new one, whole: never a mix, never a loss.
        let zharkent = env.hits_in_last_commit("Zharkent", 1000);
        let revised = env.hits_in_last_commit("revised", 1000);
        assert_eq!(
            zharkent, 40,
            "round {round}: killed after {delay:?}: {zharkent} stories"
        );
        assert!(
            revised == 0 || revised == 40,
            "round {round}: killed after {delay:?}: {revised} revised"
        );
    }
    let out = env.run(&["index"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(env.hits_in_last_commit("revised", 1000), 40);
    assert_eq!(env.hits_in_last_commit("Zharkent", 1000), 40);
}

#[test]
fn a_second_indexer_says_so_and_a_search_during_indexing_sees_the_last_commit() {
    let env = Env::bundled();
    assert_eq!(env.run(&["index"]).code, 0);
    let before = env.hits_in_last_commit("Khorgos", 1000);
    big_archive(&env, 60);
    let mut first = env
        .command(&["index"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let second = env.run(&["index"]);
    let during = env.hits_in_last_commit("Khorgos", 1000);
    let first_ok = first.wait().unwrap().success();
    assert!(first_ok);
    assert_eq!(second.code, 2, "{}", second.stderr);
    assert!(
        second.stderr.contains("another `archive index` is writing"),
        "{}",
        second.stderr
    );
    // The search saw the one-story index committed before.
    assert_eq!(during, before);
    assert!(env.hits_in_last_commit("Khorgos", 1000) > 60 * before);
}

#[test]
fn hostile_and_odd_files_are_decoded_or_skipped_with_warnings_never_changed() {
    let env = Env::empty();
    let gbk = encoding_rs::GB18030
        .encode("霍尔果斯口岸的货物越来越多，来这里工作的人也越来越多。\n")
        .0;
    env.write("archive/gbk.txt", &gbk);
    let big5 = encoding_rs::BIG5
        .encode("霍爾果斯口岸的貨物越來越多，來這裡工作的人也越來越多。\n")
        .0;
    env.write("archive/big5.txt", &big5);
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(
        "Zharkent in UTF-16\n"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes()),
    );
    env.write("archive/utf16.txt", &utf16);
    env.write("archive/bom.md", "\u{feff}Almaty with a BOM\n");
    env.write(
        "archive/binary.txt",
        [0x7f, b'E', b'L', b'F', 0, 0, 1, 2, 3, 0, 0, 0, 0],
    );
    env.write("archive/huge.txt", vec![b'a'; 9 * 1024 * 1024]);
    env.write("archive/empty.md", "");
    env.write("archive/broken.md", "---\ntitle: Broken\nno colon\n");
    std::os::unix::fs::symlink(
        "/nonexistent/file.txt",
        env.root().join("archive/dangling.txt"),
    )
    .unwrap();
    std::os::unix::fs::symlink("..", env.root().join("archive/loop")).unwrap();
    let before = snapshot(&env.root().join("archive"));
    let out = env.run(&["index"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let err = &out.stderr;
    for (file, why) in [
        ("binary.txt", "binary"),
        ("huge.txt", "larger than 8 MiB"),
        ("dangling.txt", "skipped"),
        ("loop", "loop"),
        ("empty.md", "no text"),
        ("broken.md", "not `key: value`"),
        ("gbk.txt", "decoded from"),
        ("big5.txt", "decoded from Big5"),
    ] {
        let line = err
            .lines()
            .find(|l| l.contains(file))
            .unwrap_or_else(|| panic!("no line for {file}: {err}"));
        assert!(line.contains(why), "{file}: {line}");
    }
    assert!(err.contains("4 skipped"), "{err}");
    assert_eq!(snapshot(&env.root().join("archive")), before);
    let both = env.json(&["search", "--json", "霍尔果斯口岸"]);
    let mut docs: Vec<&str> = both.iter().map(|h| h.story.as_str()).collect();
    docs.sort();
    assert_eq!(docs, vec!["big5", "gbk"]);
    assert_eq!(env.run(&["search", "Zharkent"]).code, 0);
    assert_eq!(env.run(&["search", "Almaty"]).code, 0);
}

#[test]
fn nothing_changed_means_nothing_done_and_changes_apply_by_content() {
    let env = Env::bundled();
    assert_eq!(env.run(&["index"]).code, 0);
    let again = env.run(&["index"]);
    assert!(
        again.stderr.contains("index is up to date"),
        "{}",
        again.stderr
    );
    // Touching a file without changing it is not a change.
    let zh = env.root().join("archive/2022-09-12-china-kazakhstan/zh.md");
    let text = std::fs::read(&zh).unwrap();
    std::fs::write(&zh, &text).unwrap();
    assert!(env.run(&["index"]).stderr.contains("index is up to date"));
    env.write("archive/new.txt", "Zharkent\n");
    let added = env.run(&["index"]);
    assert!(
        added
            .stderr
            .contains("1 added, 0 changed, 0 removed, 2 unchanged"),
        "{}",
        added.stderr
    );
    env.write("archive/new.txt", "Almaty\n");
    assert!(env
        .run(&["index"])
        .stderr
        .contains("0 added, 1 changed, 0 removed"));
    assert_eq!(env.run(&["search", "--no-update", "Zharkent"]).code, 1);
    std::fs::remove_file(env.root().join("archive/new.txt")).unwrap();
    assert!(env
        .run(&["index"])
        .stderr
        .contains("0 added, 0 changed, 1 removed"));
    assert_eq!(env.run(&["search", "--no-update", "Almaty"]).code, 1);
}
