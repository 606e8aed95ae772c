//! Where the archive and the index are: finding the archive folder, and what is said when a
//! path is not what it should be.

use std::process::Command;

use crate::env::{Env, BIN};

fn run_in(dir: &std::path::Path, program: &std::path::Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(program)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the binary runs");
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

    let env = Env::bundled();
    env.write("plain", "not an index");
    for args in [
        &["--index", "plain", "index"][..],
        &["--index", "plain", "search", "Khorgos"],
    ] {
        let out = env.run(args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.ends_with("plain is not a folder\n"),
            "{args:?}: {}",
            out.stderr
        );
    }
    assert_eq!(
        std::fs::read_to_string(env.root().join("plain")).unwrap(),
        "not an index"
    );
}
