//! The test harness: a temporary root holding a copy of the bundled archive (or nothing), and
//! the real binary run against it with a cleaned environment.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::Deserialize;

pub const BIN: &str = env!("CARGO_BIN_EXE_archive");

/// A temporary archive root.
pub struct Env {
    dir: tempfile::TempDir,
}

/// What one run printed.
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// One `--json` line, as documented in README.md; unknown fields are an error.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonHit {
    pub rank: usize,
    pub score: f32,
    pub doc: String,
    pub lang: String,
    pub title: String,
    pub date: String,
    pub path: String,
    pub passage: u64,
    pub text: String,
    pub snippet: String,
    pub snippet_range: [usize; 2],
    pub highlights: Vec<[usize; 2]>,
    pub counterpart: Option<JsonCounterpart>,
    pub paired_with: Option<usize>,
    pub explain: Vec<JsonTermScore>,
    pub expanded: Vec<JsonExpansion>,
    pub partial: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonCounterpart {
    pub lang: String,
    pub passage: u64,
    pub text: String,
    pub matched: bool,
    pub highlights: Vec<[usize; 2]>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonTermScore {
    pub term: String,
    pub score: f32,
    pub share: f32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonExpansion {
    pub from: String,
    pub to: Vec<String>,
    pub kind: String,
}

/// The project's own folder.
pub fn project() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

impl Env {
    /// A root with nothing in it.
    pub fn empty() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// A root holding a copy of the bundled archive and no index.
    pub fn bundled() -> Env {
        let env = Env::empty();
        copy_dir(&project().join("archive"), &env.root().join("archive"));
        env
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .arg("--root")
            .arg(self.root())
            .args(args)
            .current_dir(self.root())
            .stdin(Stdio::null());
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        let out = self.command(args).output().expect("the binary runs");
        let result = Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        };
        assert!(
            !result.stderr.contains("panicked") && !result.stderr.contains("internal error"),
            "{}",
            result.stderr
        );
        result
    }

    /// Hits of a `--json` search that must succeed.
    pub fn json(&self, args: &[&str]) -> Vec<JsonHit> {
        let out = self.run(args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        out.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }

    /// Runs with stdout piped into `head -n 1`, which closes it early.
    pub fn run_piped_to_head(&self, args: &[&str]) -> Output {
        let mut child = self
            .command(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let head = Command::new("head")
            .arg("-n")
            .arg("1")
            .stdin(stdout)
            .output()
            .unwrap();
        let out = child.wait_with_output().unwrap();
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&head.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs the shared quality checks on this root; returns the last line printed.
    pub fn check_queries(&self, table: &str) -> String {
        let eval = project().join("../shared/eval");
        assert!(
            eval.join(table).exists(),
            "{} is missing",
            eval.join(table).display()
        );
        let out = Command::new("python3")
            .arg(eval.join("check_queries.py"))
            .arg(eval.join(table))
            .arg("--")
            .arg(BIN)
            .arg("--root")
            .arg(self.root())
            .output()
            .expect("python3 runs");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        stdout.trim_end().to_string()
    }
}
