//! Faults and hostile sticks (issue 11): interrupted runs, a full disk, searching while an
//! update runs, a damaged index, links out of the archive, huge titles and words, interrupted
//! bundles, shifted file times. Each test reproduces a case that once broke.

use std::collections::BTreeSet;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::env::{copy_dir, Env};

/// An archive of `stories` short stories (two in three with a Chinese version).
fn many_stories(env: &Env, stories: usize) {
    for i in 0..stories {
        let mut en = format!("---\ntitle: Report {i}\nlang: en\n---\n");
        for p in 0..3 {
            en.push_str(&format!(
                "Paragraph {p} of report {i}: the dry port at Khorgos moved {} containers of grain \
                 and cotton toward Almaty while the trains waited at the border.\n\n",
                i * 7 + p
            ));
        }
        env.write(&format!("archive/story-{i:03}/en.md"), en);
        if i % 3 != 0 {
            env.write(
                &format!("archive/story-{i:03}/zh.md"),
                format!(
                    "---\nlang: zh\n---\n霍尔果斯无水港第{i}次报道。\n\n火车开往阿拉木图，货物越来越多。\n"
                ),
            );
        }
    }
}

/// `stories` stories of about 20 KB of pseudo-random words each: text that compresses poorly,
/// so the index takes room.
fn bulky_stories(env: &Env, stories: usize) {
    let mut rng = Lcg(stories as u64);
    for i in 0..stories {
        let mut text = format!("Bulky report {i} from Khorgos.\n\n");
        while text.len() < 20_000 {
            for _ in 0..40 {
                let len = 3 + (rng.next() * 7.0) as usize;
                text.extend((0..len).map(|_| (b'a' + (rng.next() * 26.0) as u8) as char));
                text.push(' ');
            }
            text.push_str("\n\n");
        }
        env.write(&format!("archive/bulky-{i:03}.txt"), text);
    }
}

/// Hits of `query` (exit 0 or 1 required), with room for every passage.
fn count(env: &Env, args: &[&str], query: &str) -> usize {
    let mut all = vec!["search", "--json", "--limit", "1000", "--per-story", "1000"];
    all.extend_from_slice(args);
    all.push(query);
    let out = env.run(&all);
    assert!(
        out.code == 0 || out.code == 1,
        "search {query} failed: {}",
        out.stderr
    );
    out.stdout.lines().count()
}

/// Files in the index folder that its last commit does not reference (tantivy's own
/// bookkeeping and lock files, and the record of checked files, aside).
fn stray_files(index: &Path) -> Vec<String> {
    let Ok(meta) = std::fs::read_to_string(index.join("meta.json")) else {
        return Vec::new();
    };
    let meta: serde_json::Value = serde_json::from_str(&meta).unwrap();
    let mut living = BTreeSet::new();
    for seg in meta["segments"].as_array().unwrap() {
        let id = seg["segment_id"].as_str().unwrap().replace('-', "");
        for ext in ["idx", "pos", "term", "store", "fast", "fieldnorm"] {
            living.insert(format!("{id}.{ext}"));
        }
        if let Some(stamp) = seg["deletes"]["opstamp"].as_u64() {
            living.insert(format!("{id}.{stamp}.del"));
        }
    }
    // The commit's folder snapshot, named by the stamp in its payload, and its file list: the
    // whole list of that commit, or that of its base and the journal of changes since.
    if let Some(payload) = meta["payload"].as_str() {
        let payload: serde_json::Value = serde_json::from_str(payload).unwrap();
        let stamp = payload["stamp"].as_u64().unwrap();
        living.insert(format!("archive-folders-{stamp}.bin"));
        match payload["base"].as_u64() {
            Some(base) => {
                living.insert(format!("archive-files-{base}.bin"));
                living.insert(format!("archive-journal-{stamp}.bin"));
            }
            None => {
                living.insert(format!("archive-files-{stamp}.bin"));
            }
        }
    }
    let mut stray = Vec::new();
    for e in std::fs::read_dir(index).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        // archive-checked.bin: which index files last passed their checksums (a cache).
        let own = ["meta.json", ".managed.json", "archive-checked.bin"].contains(&name.as_str())
            || name.starts_with(".tantivy-");
        if !own && !living.contains(&name) {
            stray.push(name);
        }
    }
    stray
}

fn signal(pid: u32, name: &str) {
    let ok = Command::new("kill")
        .args([&format!("-{name}"), &pid.to_string()])
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok || name == "KILL", "kill -{name} failed");
}

/// Deterministic pseudo-random numbers in [0, 1).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[test]
fn files_of_a_run_killed_before_its_commit_are_cleaned_and_never_block_the_next_run() {
    // The state a `kill -9` just before the commit leaves: the last commit, plus the files the
    // killed run wrote (new segments, deletion files) that no commit names.
    let env = Env::bundled();
    many_stories(&env, 30);
    assert_eq!(env.run(&["index"]).code, 0);
    let index = env.root().join("index");
    let committed = env.root().join("committed");
    copy_dir(&index, &committed);
    for i in 0..10 {
        env.write(
            &format!("archive/story-{i:03}/en.md"),
            format!("Zharkent {i}\n"),
        );
    }
    assert_eq!(env.run(&["index"]).code, 0);
    for e in std::fs::read_dir(&index).unwrap().flatten() {
        let name = e.file_name();
        if !committed.join(&name).exists() {
            std::fs::copy(e.path(), committed.join(&name)).unwrap();
        }
    }
    std::fs::remove_dir_all(&index).unwrap();
    std::fs::rename(&committed, &index).unwrap();
    assert!(!stray_files(&index).is_empty());
    // A search sees the last commit and brings the index up to date.
    assert_eq!(count(&env, &["--no-update"], "Zharkent"), 0);
    let out = env.run(&["search", "Zharkent"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(count(&env, &[], "Zharkent"), 10);
    assert_eq!(stray_files(&index), Vec::<String>::new());
    let out = env.run(&["index"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn files_of_ours_left_by_a_killed_run_are_removed_by_the_next_run() {
    // A `kill -9` between writing one of our files and renaming it leaves its temporary file,
    // and one after the renames but before the commit leaves a file list and snapshot named by
    // a stamp that no commit has; a later run that commits nothing (interrupted, or nothing to
    // do) must not keep them.
    let env = Env::bundled();
    assert_eq!(env.run(&["index"]).code, 0);
    let index = env.root().join("index");
    for name in [
        "archive-checked.bin.999.tmp",
        "archive-files-7.999.tmp",
        "archive-folders-7.999.tmp",
        "archive-files-7.bin",
        "archive-folders-7.bin",
        "archive-journal-7.999.tmp",
        "archive-journal-7.bin",
    ] {
        std::fs::write(index.join(name), "cut off").unwrap();
    }
    let out = env.run(&["index"]);
    assert!(out.stderr.contains("up to date"), "{}", out.stderr);
    assert_eq!(stray_files(&index), Vec::<String>::new());
}

#[test]
fn kill_int_and_term_at_30_points_of_a_rebuild_never_leave_the_index_stuck() {
    let env = Env::empty();
    many_stories(&env, 200);
    let started = Instant::now();
    let out = env.run(&["index"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let full = started.elapsed();
    let revise = |round: usize| {
        for i in 0..60 {
            env.write(
                &format!("archive/story-{i:03}/en.md"),
                format!("Zharkent{round}x story {i}\n\nKhorgos again.\n"),
            );
        }
    };
    revise(100);
    let started = Instant::now();
    assert_eq!(env.run(&["index"]).code, 0);
    let update = started.elapsed();
    let index = env.root().join("index");
    // Left by `kill -9` (an OS lock, released then, but the file stays).
    let lock = index.join(".tantivy-writer.lock");
    let mut rng = Lcg(0x5eed);
    for round in 0..30 {
        // Three rounds in four revise 60 stories (deletions and additions); the fourth changes
        // words.txt, which rebuilds everything.
        let rebuild = round % 4 == 3;
        if !rebuild {
            revise(round);
        } else {
            env.write("archive/words.txt", format!("霍尔果斯{round}\n"));
        }
        let how = ["KILL", "INT", "TERM"][round % 3];
        let span = if rebuild { full } else { update };
        let delay = span.mul_f64(rng.next() * 1.2);
        // Kill points are counted from when the run holds the writer lock: a process still
        // starting up (slow on a loaded machine) has nothing to roll back.
        let _ = std::fs::remove_file(&lock);
        let mut child = env
            .command(&["index"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let waiting = Instant::now();
        let running = |child: &mut std::process::Child| child.try_wait().unwrap().is_none();
        while !lock.exists() && running(&mut child) && waiting.elapsed() < Duration::from_secs(20) {
            std::thread::sleep(Duration::from_millis(2));
        }
        std::thread::sleep(delay);
        if running(&mut child) {
            signal(child.id(), how);
        }
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let at = format!("round {round}: {how} after {delay:?}: {stderr}");
        if how != "KILL" {
            // Ctrl-C and TERM: the run either finished or rolled back, and said so, or (on a
            // loaded machine) the signal came before the program took it over, when nothing
            // had been written yet.
            let code = out.status.code();
            let before_start = out.status.signal().is_some() && stderr.is_empty();
            assert!(
                code == Some(0)
                    || before_start
                    || (code == Some(130) && stderr.contains("interrupted")),
                "{at} status {:?}",
                out.status
            );
            assert_eq!(stray_files(&index), Vec::<String>::new(), "{at}");
        }
        if !rebuild {
            let zharkent = count(&env, &["--no-update"], &format!("Zharkent{round}x"));
            assert!(zharkent == 0 || zharkent == 60, "{at}: {zharkent} revised");
        }
        // After a killed rebuild the last commit is of the old analyzer, which a search
        // reports (README); the update rounds' search brings the index up to date itself.
        if rebuild {
            let out = env.run(&["index"]);
            assert_eq!(out.code, 0, "{at}: index: {}", out.stderr);
        }
        let out = env.run(&["search", "Khorgos"]);
        assert_eq!(out.code, 0, "{at}: search: {}", out.stderr);
        let out = env.run(&["index"]);
        assert_eq!(out.code, 0, "{at}: index: {}", out.stderr);
        if !rebuild {
            assert_eq!(count(&env, &[], &format!("Zharkent{round}x")), 60, "{at}");
        }
    }
}

/// A tmpfs of `size` mounted on a fresh folder, unmounted on drop.
pub struct SmallDisk {
    pub point: PathBuf,
    _dir: tempfile::TempDir,
}

impl SmallDisk {
    fn of(size: &str) -> SmallDisk {
        SmallDisk::mounted(size).expect("these tests need root (CI runs as root)")
    }

    /// The disk, or `None` with the reason printed where mounting is not allowed (not root).
    pub fn mounted(size: &str) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().unwrap();
        let point = dir.path().join("disk");
        std::fs::create_dir(&point).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&point)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("skipped: mount -t tmpfs failed (it needs root)");
            return None;
        }
        Some(SmallDisk { point, _dir: dir })
    }

    fn used(&self) -> u64 {
        let out = Command::new("df")
            .args(["--output=used", "-B1"])
            .arg(&self.point)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .nth(1)
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.point).status();
    }
}

#[test]
fn a_full_disk_fails_in_one_line_removes_what_it_wrote_and_keeps_the_last_commit() {
    let disk = SmallDisk::of("2m");
    let env = Env::bundled();
    let index = disk.point.join("index");
    let on_disk = |args: &[&str]| {
        let mut all = vec!["--index", index.to_str().unwrap()];
        all.extend_from_slice(args);
        env.run(&all)
    };
    let out = on_disk(&["index"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let used = disk.used();
    let files: Vec<_> = std::fs::read_dir(&index)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    bulky_stories(&env, 100);
    for round in 0..2 {
        let out = on_disk(&["index"]);
        assert_eq!(out.code, 2, "round {round}: {}", out.stderr);
        let line = out.stderr.lines().last().unwrap();
        assert!(
            line.contains("disk is full") && line.contains("MiB"),
            "{}",
            out.stderr
        );
        assert_eq!(
            out.stderr.lines().filter(|l| l.contains("full")).count(),
            1,
            "{}",
            out.stderr
        );
        // What the run wrote is gone; the last commit answers.
        assert_eq!(disk.used(), used, "round {round}");
        let mut now: Vec<_> = std::fs::read_dir(&index)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        now.sort();
        let mut was = files.clone();
        was.sort();
        assert_eq!(now, was);
        let out = on_disk(&["search", "--no-update", "Khorgos"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    // A search whose update finds the disk full warns and answers from the last commit, as
    // on read-only storage.
    let out = on_disk(&["search", "Khorgos"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("Khorgos"), "{}", out.stdout);
    let warnings: Vec<_> = out.stderr.lines().filter(|l| l.contains("full")).collect();
    assert_eq!(warnings.len(), 1, "{}", out.stderr);
    assert!(warnings[0].contains("out of date"), "{}", out.stderr);
    assert_eq!(disk.used(), used);
    // The archive shrinks back: everything works again.
    for i in 0..100 {
        std::fs::remove_file(env.root().join(format!("archive/bulky-{i:03}.txt"))).unwrap();
    }
    let out = on_disk(&["index"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = on_disk(&["search", "Khorgos"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn a_first_build_on_a_full_disk_leaves_no_index_not_one_of_another_analyzer() {
    let disk = SmallDisk::of("256k");
    let env = Env::bundled();
    bulky_stories(&env, 30);
    let index = disk.point.join("index");
    let on_disk = |args: &[&str]| {
        let mut all = vec!["--index", index.to_str().unwrap()];
        all.extend_from_slice(args);
        env.run(&all)
    };
    let out = on_disk(&["index"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("disk is full"), "{}", out.stderr);
    assert_eq!(disk.used(), 0);
    let out = on_disk(&["search", "--no-update", "Khorgos"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no index at"), "{}", out.stderr);
    assert!(!out.stderr.contains("another analyzer"), "{}", out.stderr);
}

#[test]
fn search_during_indexing_is_never_refused_and_says_an_update_is_in_progress() {
    let env = Env::bundled();
    assert_eq!(env.run(&["index"]).code, 0);
    let before = count(&env, &[], "Khorgos");
    many_stories(&env, 400);
    let mut writer = env
        .command(&["index"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let mut during = Vec::new();
    for _ in 0..4 {
        let started = Instant::now();
        let out = env.run(&["search", "--json", "--limit", "1000", "Khorgos"]);
        during.push((out, started.elapsed()));
    }
    let writer_ok = writer.wait().unwrap().success();
    assert!(writer_ok);
    let mut seen_update = false;
    for (out, _) in &during {
        assert_eq!(out.code, 0, "{}", out.stderr);
        if out.stderr.contains("an update is in progress") {
            seen_update = true;
            // The last commit: the one story indexed before.
            assert_eq!(out.stdout.lines().count(), before, "{}", out.stderr);
        }
    }
    assert!(seen_update, "no search ran during the update");
}

/// Ways to damage an index file.
#[derive(Clone, Copy, Debug)]
enum Damage {
    Truncate,
    Garble,
    Delete,
}

/// Garbles `path` as [`Damage::Garble`] does, keeping its modification time: damage no run
/// looks for, since only files whose size or time moved have their checksums read.
fn garble_keeping_time(path: &Path) {
    let time = std::fs::metadata(path).unwrap().modified().unwrap();
    damage(path, Damage::Garble);
    set_mtime(path, time);
}

/// The index file of `index` (a folder) with extension `ext` (one segment's).
fn index_file(index: &Path, ext: &str) -> PathBuf {
    std::fs::read_dir(index)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == ext))
        .unwrap_or_else(|| panic!("no .{ext} file"))
}

fn damage(path: &Path, how: Damage) {
    let mut bytes = std::fs::read(path).unwrap();
    match how {
        Damage::Truncate => bytes.truncate(bytes.len() / 2),
        Damage::Garble => {
            let from = bytes.len() / 4;
            let to = (from + 4096).min(bytes.len() * 3 / 4).max(from + 1);
            for (i, b) in bytes[from..to].iter_mut().enumerate() {
                *b ^= 0x5a ^ (i as u8);
            }
        }
        Damage::Delete => return std::fs::remove_file(path).unwrap(),
    }
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn a_damaged_index_is_said_in_one_line_by_search_and_rebuilt_by_index() {
    let env = Env::bundled();
    many_stories(&env, 40);
    assert_eq!(env.run(&["index"]).code, 0);
    let almaty = count(&env, &["--no-update"], "Almaty");
    let dry_port = count(&env, &["--no-update"], "\"dry port\"");
    assert!(almaty >= 40 * 3 && dry_port > 40);
    let index = env.root().join("index");
    let pristine = env.root().join("pristine");
    copy_dir(&index, &pristine);
    let queries = [
        "Khorgos",
        "\"dry port\"",
        "\"霍尔果斯 无水港\"",
        "货物",
        "Khorgoss",
        "trains -cotton",
    ];
    for ext in ["store", "idx", "term", "fast", "pos", "fieldnorm"] {
        for how in [Damage::Truncate, Damage::Garble, Damage::Delete] {
            let at = format!("{how:?} .{ext}");
            std::fs::remove_dir_all(&index).unwrap();
            copy_dir(&pristine, &index);
            let file = index_file(&index, ext);
            damage(&file, how);
            // Search: answers, or says in one line that the index is damaged and what to run;
            // never an internal error (Env::run checks) and never tantivy's raw text.
            for q in queries {
                let out = env.run(&["search", "--no-update", q]);
                if out.code == 2 {
                    assert_eq!(out.stderr.lines().count(), 1, "{at} {q}: {}", out.stderr);
                    assert!(
                        out.stderr.contains("damaged") && out.stderr.contains("archive index"),
                        "{at} {q}: {}",
                        out.stderr
                    );
                }
            }
            // Index: rebuilds what it cannot read, says so, and the result is whole again.
            let out = env.run(&["index"]);
            assert_eq!(out.code, 0, "{at}: {}", out.stderr);
            assert!(out.stderr.contains("damaged"), "{at}: {}", out.stderr);
            assert_eq!(count(&env, &["--no-update"], "Almaty"), almaty, "{at}");
            assert_eq!(
                count(&env, &["--no-update"], "\"dry port\""),
                dry_port,
                "{at}"
            );
        }
    }
}

#[test]
fn damage_that_keeps_a_files_size_and_time_is_rebuilt_once_a_search_has_met_it() {
    // `archive index` re-reads checksums only of index files whose size or time moved; damage
    // that keeps both is found by the search that reads it, which drops the record, so the
    // `archive index` its message asks for reads every file and rebuilds.
    let env = Env::bundled();
    many_stories(&env, 40);
    assert_eq!(env.run(&["index"]).code, 0);
    let almaty = count(&env, &["--no-update"], "Almaty");
    let index = env.root().join("index");
    let pristine = env.root().join("pristine");
    copy_dir(&index, &pristine);
    let mut met = 0;
    for ext in ["store", "idx", "term", "fast", "pos", "fieldnorm"] {
        std::fs::remove_dir_all(&index).unwrap();
        copy_dir(&pristine, &index);
        assert!(env.run(&["index"]).stderr.contains("up to date"), "{ext}");
        let file = index_file(&index, ext);
        garble_keeping_time(&file);
        // The run finds nothing to index; it may meet the damage where it still looks (opening
        // the index: then it rebuilds at once; or opening it to search: then it says so), else
        // a search meets it.
        let out = env.run(&["index"]);
        if out.code == 0 && out.stderr.contains("damaged") {
            assert_eq!(count(&env, &["--no-update"], "Almaty"), almaty, "{ext}");
            met += 1;
            continue;
        }
        let said = if out.code == 2 {
            assert!(out.stderr.contains("damaged"), "{ext}: {}", out.stderr);
            true
        } else {
            assert!(out.stderr.contains("up to date"), "{ext}: {}", out.stderr);
            ["Almaty", "\"dry port\"", "货物", "Khorgoss"]
                .iter()
                .any(|q| {
                    let out = env.run(&["search", "--no-update", q]);
                    out.code == 2 && out.stderr.contains("damaged")
                })
        };
        if said {
            met += 1;
            let out = env.run(&["index"]);
            assert!(out.stderr.contains("damaged"), "{ext}: {}", out.stderr);
            assert_eq!(count(&env, &["--no-update"], "Almaty"), almaty, "{ext}");
        }
    }
    assert!(met > 0, "nothing met the damage");
}

#[test]
fn links_that_leave_the_archive_are_skipped_with_a_warning_and_never_bundled() {
    let env = Env::bundled();
    env.write(
        "outside/secret.txt",
        "Secretword from outside the archive\n",
    );
    env.write("archive/notes/n.txt", "Zharkent note\n");
    let link = |target: &Path, name: &str| {
        std::os::unix::fs::symlink(target, env.root().join("archive").join(name)).unwrap()
    };
    link(&env.root().join("outside/secret.txt"), "x.txt");
    link(&env.root().join("outside"), "elsewhere");
    link(Path::new("/etc/passwd"), "passwd.txt");
    link(Path::new("../outside/secret.txt"), "relative.md");
    // A link that stays inside the archive is followed as before.
    link(Path::new("notes/n.txt"), "alias.txt");
    let out = env.run(&["index"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for name in ["x.txt", "elsewhere", "passwd.txt", "relative.md"] {
        let line = out
            .stderr
            .lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("no warning for {name}: {}", out.stderr));
        assert!(line.contains("outside the archive"), "{line}");
    }
    assert_eq!(env.run(&["search", "Secretword"]).code, 1);
    assert_eq!(env.run(&["search", "nologin"]).code, 1);
    let docs: BTreeSet<String> = env
        .json(&["search", "--json", "Zharkent"])
        .into_iter()
        .map(|h| h.doc)
        .collect();
    assert_eq!(
        docs,
        BTreeSet::from(["alias".to_string(), "notes/n".to_string()])
    );
    let stick = env.root().join("stick");
    let out = env.run(&["bundle", stick.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let stories = stick.join("data/archive");
    for name in ["x.txt", "elsewhere", "passwd.txt", "relative.md"] {
        assert!(!stories.join(name).exists(), "{name} was bundled");
    }
    assert!(stories.join("alias.txt").is_file());
    let grep = Command::new("grep")
        .args(["-rlE", "Secretword|nologin"])
        .arg(&stick)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&grep.stdout), "");
}

#[test]
fn a_megabyte_title_is_capped_at_200_characters() {
    let env = Env::empty();
    let mut rng = Lcg(7);
    let mut title = String::new();
    while title.len() < 1 << 20 {
        let len = 3 + (rng.next() * 8.0) as usize;
        title.extend((0..len).map(|_| (b'a' + (rng.next() * 26.0) as u8) as char));
        title.push(' ');
    }
    // A megabyte date and a megabyte bad line too: each warning quotes only a little.
    let mut story = format!("---\ntitle: {title}\ndate: {title}\n{title}\nlang: en\n---\n");
    for p in 0..100 {
        story.push_str(&format!("Paragraph {p} about Zharkent.\n\n"));
    }
    env.write("archive/long-title.md", story);
    let out = env.run(&["index"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.len() < 2000,
        "{} bytes on stderr",
        out.stderr.len()
    );
    let hits = env.json(&[
        "search",
        "--json",
        "--per-story",
        "100",
        "--limit",
        "100",
        "Zharkent",
    ]);
    assert_eq!(hits.len(), 100);
    for h in &hits {
        assert!(h.title.chars().count() <= 200, "{}", h.title.len());
        assert!(title.starts_with(&h.title));
    }
    let size: u64 = std::fs::read_dir(env.root().join("index"))
        .unwrap()
        .flatten()
        .map(|e| e.metadata().unwrap().len())
        .sum();
    assert!(size < 2 << 20, "index is {size} bytes");
}

#[test]
fn a_word_over_the_term_limit_is_dropped_alike_at_index_and_query_time_and_never_dumped() {
    let env = Env::empty();
    let word: String = "Zq"
        .chars()
        .chain(std::iter::repeat_n('x', 100_000))
        .collect();
    env.write(
        "archive/long-word.md",
        format!("Zharkent border post.\n\n{word} near Almaty.\n"),
    );
    let out = env.run(&["index"]);
    assert_eq!(out.code, 0, "{}", &out.stderr[..out.stderr.len().min(2000)]);
    assert!(
        out.stderr.len() < 4000,
        "{} bytes on stderr",
        out.stderr.len()
    );
    let again = env.run(&["index"]);
    assert_eq!(again.code, 0);
    assert!(again.stderr.contains("up to date"), "{}", again.stderr);
    assert_eq!(env.run(&["search", "Zharkent"]).code, 0);
    assert_eq!(env.run(&["search", "Almaty"]).code, 0);
    for args in [vec!["search", &word], vec!["search", "--exact", &word]] {
        let out = env.run(&args);
        assert!(out.code <= 2, "{}", out.stderr.len());
        assert!(
            out.stdout.len() + out.stderr.len() < 4000,
            "{} bytes",
            out.stdout.len()
        );
    }
}

#[test]
fn an_interrupted_bundle_can_be_retried() {
    let env = Env::bundled();
    many_stories(&env, 50);
    let started = Instant::now();
    let first = env.root().join("first");
    let out = env.run(&["bundle", first.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let full = started.elapsed();
    let stick = env.root().join("stick");
    let mut rng = Lcg(12);
    for round in 0..6 {
        let delay = full.mul_f64(rng.next() * 0.9);
        let mut child = env
            .command(&["bundle", stick.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        signal(child.id(), if round % 2 == 0 { "KILL" } else { "INT" });
        let _ = child.wait();
    }
    let out = env.run(&["bundle", stick.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stderr.contains("archive: kept"), "{}", out.stderr);
    let leftovers = Command::new("find")
        .arg(&stick)
        .args(["-name", "*archive-tmp*"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&leftovers.stdout), "");
    let search = Command::new(stick.join("archive"))
        .args([
            "search",
            "--json",
            "--limit",
            "1000",
            "--per-story",
            "1000",
            "Almaty",
        ])
        .env_clear()
        .current_dir("/")
        .output()
        .unwrap();
    assert_eq!(search.status.code(), Some(0));
    let lines = String::from_utf8_lossy(&search.stdout).lines().count();
    assert_eq!(lines, count(&env, &[], "Almaty").min(1000));
}

fn set_mtime(path: &Path, time: std::time::SystemTime) {
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(time)
        .unwrap();
}

#[test]
fn new_file_times_are_recorded_and_whole_hour_shifts_are_taken_as_unchanged() {
    let env = Env::bundled();
    assert_eq!(env.run(&["index"]).code, 0);
    let en = env.root().join("archive/2022-09-12-china-kazakhstan/en.md");
    let original = std::fs::read_to_string(&en).unwrap();
    let indexed = std::fs::metadata(&en).unwrap().modified().unwrap();
    // Touched 90 minutes later, content the same: a search (the index is writable) records
    // the new time, so the next check needs no reading. The proof: a same-size change with
    // that recorded time is not seen.
    let later = indexed + Duration::from_secs(90 * 60);
    set_mtime(&en, later);
    let out = env.run(&["search", "Khorgos"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let changed = original.replace("Khorgos", "Khorgoz");
    assert_eq!(changed.len(), original.len());
    std::fs::write(&en, &changed).unwrap();
    set_mtime(&en, later);
    assert_eq!(env.run(&["search", "--exact", "Khorgoz"]).code, 1);
    // A whole-hour shift (a FAT stick in another time zone) with the same size is unchanged
    // without reading the file (documented: such a change is seen by the next real edit).
    set_mtime(&en, later + Duration::from_secs(3 * 3600));
    let out = env.run(&["index"]);
    assert!(out.stderr.contains("up to date"), "{}", out.stderr);
    assert_eq!(env.run(&["search", "--exact", "Khorgoz"]).code, 1);
    // Any other shift is read and hashed: the change is found.
    set_mtime(&en, later + Duration::from_secs(3 * 3600 + 1));
    assert_eq!(env.run(&["search", "--exact", "Khorgoz"]).code, 0);
}

/// An update of a few files writes the changes since the last whole file list (a journal),
/// not the list: the index then lists and finds what a fresh build of the same archive does,
/// and a commit whose journal is lost is rebuilt from the archive.
#[test]
fn updates_kept_in_a_journal_read_as_a_fresh_build_does() {
    let env = Env::bundled();
    many_stories(&env, 30);
    assert_eq!(env.run(&["index"]).code, 0);
    let index = env.root().join("index");
    for round in 0..3 {
        // A story changed, one added, one removed, and a file touched without a change.
        env.write(
            &format!("archive/story-{round:03}/en.md"),
            format!("Zharkent round {round}\n"),
        );
        env.write(
            &format!("archive/extra-{round}.txt"),
            format!("Yining extra {round}\n"),
        );
        let gone = env.root().join(format!("archive/story-{:03}", 10 + round));
        std::fs::remove_dir_all(gone).unwrap();
        let touched = env.root().join("archive/story-020/en.md");
        std::fs::write(&touched, std::fs::read(&touched).unwrap()).unwrap();
        let out = env.run(&["index"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(
            out.stderr.contains("1 added, 1 changed, "),
            "{}",
            out.stderr
        );
    }
    let journal = std::fs::read_dir(&index)
        .unwrap()
        .flatten()
        .find(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("archive-journal-")
        })
        .expect("a journal")
        .path();
    assert_eq!(stray_files(&index), Vec::<String>::new());
    // The stories listed, and the passages each search finds (their scores differ: an updated
    // index's statistics still count removed documents until they are merged away).
    let answers = || {
        let mut all = vec![env.run(&["list", "--json"]).stdout];
        for query in [
            "Zharkent",
            "Yining",
            "Report 12",
            "霍尔果斯",
            "report 21 Almaty",
        ] {
            let out = env.run(&["search", "--no-update", "--json", "--limit", "100", query]);
            let mut found: Vec<String> = (out.stdout.lines())
                .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
                .map(|hit| format!("{} {}", hit["path"], hit["passage"]))
                .collect();
            found.sort();
            all.push(found.join("\n"));
        }
        all
    };
    let updated = answers();
    assert_eq!(updated[1].lines().count(), 3);
    assert_eq!(updated[2].lines().count(), 3);
    // A journal whose bytes changed is found out (its checksum), and one lost too: the
    // commit's file list is not read, and the index is built afresh, saying why.
    let mut bytes = std::fs::read(&journal).unwrap();
    bytes[12] ^= 1;
    std::fs::write(&journal, &bytes).unwrap();
    // Where the index is not updated, a story cannot be looked up: one line says why.
    let out = env.run(&["search", "--no-update", "--story", "story-000", "Zharkent"]);
    let named = journal.file_name().unwrap().to_string_lossy().to_string();
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains(&format!("{named} is missing or damaged")),
        "{}",
        out.stderr
    );
    std::fs::remove_file(journal).unwrap();
    let out = env.run(&["index"]);
    assert!(out.stderr.contains("(full build)"), "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!(
            "the index was damaged ({named} is missing or damaged); rebuilt it"
        )),
        "{}",
        out.stderr
    );
    assert_eq!(answers(), updated);
    assert_eq!(stray_files(&index), Vec::<String>::new());
}

#[test]
fn a_run_that_cannot_start_its_threads_leaves_the_index_as_it_was() {
    // It took the writer's failure to start its threads for damage, and emptied the index.
    let env = Env::bundled();
    assert_eq!(env.run(&["index"]).code, 0);
    let before = env.run(&["search", "--no-update", "--json", "Khorgos"]);
    // Times that moved alone (a copy, `touch`) leave the index current: no warning.
    let story = env.root().join("archive/2022-09-12-china-kazakhstan/en.md");
    std::fs::File::options()
        .append(true)
        .open(&story)
        .unwrap()
        .set_modified(std::time::SystemTime::now())
        .unwrap();
    let search = env.run_without_threads(&["search", "--json", "Khorgos"]);
    assert_eq!((search.code, &search.stdout), (0, &before.stdout));
    assert!(!search.stderr.contains("warning"), "{}", search.stderr);
    env.write("archive/s2/en.md", "Zorblax\n");
    let run = env.run_without_threads(&["index"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("could not start a thread") && !run.stderr.contains("damaged"),
        "{}",
        run.stderr
    );
    let after = env.run(&["search", "--no-update", "--json", "Khorgos"]);
    assert_eq!((after.code, &after.stdout), (0, &before.stdout));
    // A search says so and answers from the last commit.
    let search = env.run_without_threads(&["search", "--json", "Khorgos"]);
    assert_eq!((search.code, &search.stdout), (0, &before.stdout));
    assert!(
        search.stderr.contains("could not be updated"),
        "{}",
        search.stderr
    );
    // With threads again, the change is indexed.
    assert_eq!(env.run(&["search", "Zorblax"]).code, 0);
}

#[test]
fn a_lock_file_that_cannot_be_opened_is_said_and_the_index_kept() {
    // Lock files left by another user (root's `archive index`, then the user's): the writer's
    // was reported as another run writing and taken for damage; the meta lock (which opening
    // the index takes) as a debug dump, and a search whose archive changed failed.
    use std::os::unix::fs::PermissionsExt;
    for name in [".tantivy-writer.lock", ".tantivy-meta.lock"] {
        let env = Env::bundled();
        assert_eq!(env.run(&["index"]).code, 0);
        let before = env.run(&["search", "--no-update", "--json", "Khorgos"]);
        let lock = env.root().join("index").join(name);
        std::fs::write(&lock, "").unwrap();
        std::fs::set_permissions(&lock, std::fs::Permissions::from_mode(0o444)).unwrap();
        env.write("archive/s2/en.md", "Zorblax\n");
        let run = env.run_as_user(&["index"]);
        assert_eq!(run.code, 2, "{name}: {}", run.stderr);
        assert!(
            run.stderr.contains(name)
                && run.stderr.contains("Permission denied")
                && !run.stderr.contains("another")
                && !run.stderr.contains("damaged"),
            "{}",
            run.stderr
        );
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        let after = env.run(&["search", "--no-update", "--json", "Khorgos"]);
        assert_eq!((after.code, &after.stdout), (0, &before.stdout), "{name}");
        // A search says so and answers from the last commit.
        let search = env.run_as_user(&["search", "--json", "Khorgos"]);
        assert_eq!((search.code, &search.stdout), (0, &before.stdout), "{name}");
        assert!(
            search.stderr.contains("could not be updated") && search.stderr.contains(name),
            "{}",
            search.stderr
        );
        std::fs::set_permissions(&lock, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(env.run(&["search", "Zorblax"]).code, 0, "{name}");
    }
}

#[test]
fn damage_met_while_merging_an_update_is_said_and_rebuilt_never_an_internal_error() {
    // Damage that keeps a file's size and time is not looked for by an update; merging the
    // update's segment with the damaged one read it, panicked in tantivy's merge thread, and
    // the process ended in "internal error (…merger.rs…)".
    let env = Env::bundled();
    many_stories(&env, 40);
    assert_eq!(env.run(&["index"]).code, 0);
    let almaty = count(&env, &["--no-update"], "Almaty");
    let index = env.root().join("index");
    let pristine = env.root().join("pristine");
    copy_dir(&index, &pristine);
    for ext in ["idx", "pos", "term", "store", "fast", "fieldnorm"] {
        std::fs::remove_dir_all(&index).unwrap();
        copy_dir(&pristine, &index);
        std::fs::remove_file(env.root().join("archive/new/en.md")).ok();
        assert!(env.run(&["index"]).stderr.contains("up to date"), "{ext}");
        let file = index_file(&index, ext);
        garble_keeping_time(&file);
        env.write("archive/new/en.md", "New\n\nZorblax passage.\n");
        // `Env::run` fails the test on "internal error" or a panic.
        let out = env.run(&["search", "Zorblax"]);
        assert!(
            out.code == 0 || out.stderr.contains("damaged"),
            "{ext}: {}",
            out.stderr
        );
        let out = env.run(&["index"]);
        assert_eq!(out.code, 0, "{ext}: {}", out.stderr);
        assert_eq!(count(&env, &["--no-update"], "Almaty"), almaty, "{ext}");
        assert_eq!(count(&env, &["--no-update"], "Zorblax"), 1, "{ext}");
    }
}

#[test]
fn a_fifo_in_place_of_the_index_files_list_never_blocks() {
    // Reading a named pipe waits for a writer that never comes: `index` and `search` hung.
    let env = Env::bundled();
    assert_eq!(env.run(&["index"]).code, 0);
    env.write("archive/s2/en.md", "Zorblax\n");
    assert_eq!(env.run(&["index"]).code, 0);
    let index = env.root().join("index");
    let lists: Vec<_> = std::fs::read_dir(&index)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().contains("archive-"))
        .collect();
    assert!(!lists.is_empty());
    for list in &lists {
        std::fs::remove_file(list).unwrap();
        let name = std::ffi::CString::new(list.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o644) }, 0);
    }
    env.write("archive/s3/en.md", "Quuxolotl\n");
    for args in [&["search", "Quuxolotl"][..], &["list"], &["index"]] {
        let mut child = env
            .command(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while child.try_wait().unwrap().is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        let finished = child.try_wait().unwrap().is_some();
        let _ = child.kill();
        let _ = child.wait();
        assert!(finished, "{args:?} still waiting after 20 s");
    }
    assert_eq!(env.run(&["search", "--no-update", "Zorblax"]).code, 0);
    assert_eq!(env.run(&["search", "--no-update", "Quuxolotl"]).code, 0);
    // A story file: skipped, said.
    let story = env.root().join("archive/s3/en.md");
    std::fs::remove_file(&story).unwrap();
    let name = std::ffi::CString::new(story.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o644) }, 0);
    let out = env.run(&["index"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("skipped s3/en.md: not a regular file"),
        "{}",
        out.stderr
    );
    std::fs::remove_file(&story).unwrap();
    // The archive's word lists, which every search reads: one line, no wait.
    for list in ["words.txt", "variants.txt"] {
        let path = env.root().join("archive").join(list);
        let kept = std::fs::read(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        let name = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o644) }, 0);
        let out = env.run(&["search", "Khorgos"]);
        assert_eq!(out.code, 2, "{list}: {}", out.stderr);
        assert!(out.stderr.contains("not a regular file"), "{}", out.stderr);
        assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
        std::fs::remove_file(&path).unwrap();
        std::fs::write(&path, kept).unwrap();
    }
}

#[test]
fn damage_met_while_opening_the_index_to_update_it_is_rebuilt_never_an_internal_error() {
    // Garbled column metadata near the end of a `.fast` file (size and time kept, so its
    // checksum is not read) panicked deep in tantivy as `archive index` opened the index.
    let env = Env::bundled();
    many_stories(&env, 40);
    let index = env.root().join("index");
    let mut rebuilt = 0;
    for back in (40..400).step_by(24) {
        // Built afresh each time: a copy would move the files' times, and their checksums
        // would be read.
        std::fs::remove_dir_all(&index).ok();
        assert_eq!(env.run(&["index"]).code, 0);
        let almaty = count(&env, &["--no-update"], "Almaty");
        let file = index_file(&index, "fast");
        let time = std::fs::metadata(&file).unwrap().modified().unwrap();
        let mut bytes = std::fs::read(&file).unwrap();
        let at = bytes.len().saturating_sub(back);
        for (i, b) in bytes[at..at + 8].iter_mut().enumerate() {
            *b ^= 0x5a ^ (i as u8).wrapping_mul(37);
        }
        std::fs::write(&file, bytes).unwrap();
        set_mtime(&file, time);
        // `Env::run` fails the test on "internal error" or a panic.
        let out = env.run(&["index"]);
        assert_eq!(out.code, 0, "{back}: {}", out.stderr);
        if out.stderr.contains("damaged") {
            rebuilt += 1;
            assert_eq!(count(&env, &["--no-update"], "Almaty"), almaty, "{back}");
        }
    }
    assert!(rebuilt > 0, "no damage was met");
}

/// Garbles 8 bytes of `path`'s body at `fraction` of it and rewrites tantivy's footer (JSON,
/// its length, a magic number) with the new checksum, keeping the file's size and time: damage
/// no checksum finds (what a merge of a damaged segment used to write).
fn garble_keeping_checksum(path: &Path, fraction: f64) {
    let time = std::fs::metadata(path).unwrap().modified().unwrap();
    let bytes = std::fs::read(path).unwrap();
    let n = bytes.len();
    let json_len = u32::from_le_bytes(bytes[n - 8..n - 4].try_into().unwrap()) as usize;
    let body_len = n - 8 - json_len;
    let mut footer: serde_json::Value = serde_json::from_slice(&bytes[body_len..n - 8]).unwrap();
    let at = (body_len as f64 * fraction) as usize;
    for salt in 0u8.. {
        let mut body = bytes[..body_len].to_vec();
        for (i, b) in body[at..at + 8].iter_mut().enumerate() {
            *b ^= 0x5a ^ salt.wrapping_add(i as u8);
        }
        footer["crc"] = crc32fast::hash(&body).into();
        let json = serde_json::to_vec(&footer).unwrap();
        if json.len() == json_len {
            body.extend_from_slice(&json);
            body.extend_from_slice(&bytes[n - 8..]);
            std::fs::write(path, body).unwrap();
            set_mtime(path, time);
            return;
        }
    }
}

#[test]
fn damage_a_search_met_is_rebuilt_by_the_next_index_even_when_every_checksum_holds() {
    // A search met damage and said "run `archive index`", which found every checksum whole
    // and said "index is up to date", for ever.
    let env = Env::bundled();
    many_stories(&env, 40);
    assert_eq!(env.run(&["index"]).code, 0);
    let almaty = count(&env, &["--no-update"], "Almaty");
    let store = index_file(&env.root().join("index"), "store");
    garble_keeping_checksum(&store, 0.3);
    let met = ["Almaty", "grain", "cotton", "Khorgos"].iter().any(|q| {
        let out = env.run(&["search", "--no-update", "--limit", "1000", q]);
        out.code == 2 && out.stderr.contains("damaged")
    });
    assert!(met, "no search met the damage");
    let out = env.run(&["index"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("damaged"), "{}", out.stderr);
    assert_eq!(count(&env, &["--no-update"], "Almaty"), almaty);
    assert!(env.run(&["index"]).stderr.contains("up to date"));
}

#[test]
fn an_index_file_the_user_cannot_read_is_said_and_never_taken_for_damage() {
    // Taken for damage, it was noted, and the next `archive index` rebuilt the whole index
    // once the permissions were mended.
    use std::os::unix::fs::PermissionsExt;
    let env = Env::bundled();
    assert_eq!(env.run(&["index"]).code, 0);
    let store = index_file(&env.root().join("index"), "store");
    std::fs::set_permissions(&store, std::fs::Permissions::from_mode(0o000)).unwrap();
    let out = env.run_as_user(&["search", "Khorgos"]);
    std::fs::set_permissions(&store, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("Permission denied") && !out.stderr.contains("damaged"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(env.run(&["index"]).stderr.contains("up to date"));
}
