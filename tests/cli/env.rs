//! The test harness: a temporary root holding a copy of the bundled archive (or nothing), and
//! the real binary run against it with a cleaned environment.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

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
    pub hit: usize,
    pub score: f32,
    pub story: String,
    /// The documented alias of `story`.
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
    pub more_in_story: usize,
    pub explain: Vec<JsonTermScore>,
    pub story_score: f32,
    pub passage_score: f32,
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
    pub excerpt_range: [usize; 2],
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonTermScore {
    pub level: String,
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

/// What `/api/story` returns, as documented in README.md; unknown fields are an error.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonStory {
    pub story: String,
    /// The documented alias of `story`.
    pub doc: String,
    pub lang: String,
    pub title: String,
    pub date: String,
    pub path: String,
    pub langs: Vec<String>,
    pub passages: Vec<JsonPassage>,
    /// True when the story's language versions line up passage by passage.
    pub aligned: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonPassage {
    pub passage: u64,
    pub align: u64,
    pub text: String,
    /// Only when the story was asked for with a query (`q`).
    pub highlights: Option<Vec<[usize; 2]>>,
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

    /// Lines `search --json` prints for `query` from the last commit (`--no-update`), up to
    /// 1,000, with at most `per_story` passages of each story (1: the stories holding it).
    pub fn hits_in_last_commit(&self, query: &str, per_story: usize) -> usize {
        let per_story = per_story.to_string();
        let out = self.run(&[
            "search",
            "--no-update",
            "--json",
            "--limit",
            "1000",
            "--per-story",
            &per_story,
            query,
        ]);
        assert!(
            out.code == 0 || out.code == 1,
            "search failed: {}",
            out.stderr
        );
        out.stdout.lines().count()
    }

    /// Starts `archive index` and kills it (`kill -9`) after `delay`.
    pub fn index_killed_after(&self, delay: Duration) {
        let mut child = self
            .command(&["index"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();
    }

    pub fn run(&self, args: &[&str]) -> Output {
        Self::output_of(self.command(args))
    }

    /// [`Env::run`] without the capabilities that let root read and search any file (the
    /// tests may run as root): a file's permissions then apply as they do to a user.
    pub fn run_as_user(&self, args: &[&str]) -> Output {
        use std::os::unix::process::CommandExt;
        let mut cmd = self.command(args);
        // SAFETY: the closure only calls prctl, which is async-signal-safe.
        unsafe {
            cmd.pre_exec(|| {
                if libc::geteuid() != 0 {
                    return Ok(());
                }
                // CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (linux/capability.h): dropped from
                // the bounding set, they are not in the program's after exec.
                for cap in [1, 2] {
                    if libc::prctl(libc::PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                }
                Ok(())
            });
        }
        Self::output_of(cmd)
    }

    /// [`Env::run`] with no thread to spare ([`Env::without_threads`]).
    pub fn run_without_threads(&self, args: &[&str]) -> Output {
        Self::output_of(self.without_threads(self.command(args)))
    }

    /// `cmd` with no thread to spare: the limit on the user's processes is 1, which the
    /// program itself uses up. Root ignores that limit, so as root it runs as `nobody`, with
    /// the test's folder opened to every user first.
    fn without_threads(&self, mut cmd: Command) -> Command {
        use std::os::unix::process::CommandExt;
        if unsafe { libc::geteuid() } == 0 {
            let status = Command::new("chmod")
                .args(["-R", "a+rwX"])
                .arg(self.root())
                .status()
                .unwrap();
            assert!(status.success());
        }
        // SAFETY: the closure only calls setrlimit, setgid and setuid, which are
        // async-signal-safe.
        unsafe {
            cmd.pre_exec(|| {
                let one = libc::rlimit {
                    rlim_cur: 1,
                    rlim_max: 1,
                };
                let nobody = 65534;
                if libc::setrlimit(libc::RLIMIT_NPROC, &one) != 0
                    || (libc::geteuid() == 0
                        && (libc::setgid(nobody) != 0 || libc::setuid(nobody) != 0))
                {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        cmd
    }

    fn output_of(mut cmd: Command) -> Output {
        let out = cmd.output().expect("the binary runs");
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

/// The build's target folder (screenshots and measurements are left there).
pub fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target/tmp has a parent")
        .to_path_buf()
}

/// A running `archive serve --port 0`; stopped when dropped.
pub struct Served {
    child: Child,
    /// The URL it printed, e.g. `http://127.0.0.1:41234/`.
    pub url: String,
    /// `host:port` of that URL.
    pub addr: String,
    log: PathBuf,
    more_stdout: Arc<Mutex<String>>,
}

impl Env {
    /// Starts `archive serve --port 0` (plus `args`) and waits for the URL it prints.
    pub fn serve(&self, args: &[&str]) -> Served {
        let mut all = vec!["serve", "--port", "0"];
        all.extend_from_slice(args);
        self.spawn_served(self.command(&all))
    }

    /// `archive serve --port 0` allowed at most `limit` open file descriptors (via `prlimit`).
    pub fn serve_with_fd_limit(&self, limit: u32) -> Served {
        let plain = self.command(&["serve", "--port", "0"]);
        let mut limited = Command::new("prlimit");
        limited
            .arg(format!("--nofile={limit}:{limit}"))
            .arg("--")
            .arg(plain.get_program())
            .args(plain.get_args())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .current_dir(self.root())
            .stdin(Stdio::null());
        self.spawn_served(limited)
    }

    /// `archive serve --port 0` with no thread to spare ([`Env::without_threads`]).
    pub fn serve_without_threads(&self) -> Served {
        self.spawn_served(self.without_threads(self.command(&["serve", "--port", "0"])))
    }

    fn spawn_served(&self, mut command: Command) -> Served {
        let log = self.root().join("serve-stderr.log");
        // stderr goes to a file: a pipe nobody reads would fill up and stall the server.
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("the binary starts");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        let more = Arc::new(Mutex::new(String::new()));
        let more_stdout = more.clone();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let _ = tx.send(lines.next());
            // Kept to check that the URL is all stdout ever gets.
            for line in lines.map_while(Result::ok) {
                more_stdout.lock().unwrap().push_str(&line);
            }
        });
        let first = rx.recv_timeout(Duration::from_secs(60));
        let url = match first {
            Ok(Some(Ok(line))) => line,
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "archive serve printed no URL; stderr: {}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                );
            }
        };
        let addr = url
            .strip_prefix("http://")
            .and_then(|r| r.strip_suffix('/'))
            .unwrap_or_else(|| panic!("not a URL: {url:?}"))
            .to_string();
        Served {
            child,
            url,
            addr,
            log,
            more_stdout: more,
        }
    }
}

impl Served {
    /// GET `target` (path and query, already percent-encoded).
    pub fn get(&self, target: &str) -> HttpResponse {
        self.request("GET", target)
    }

    pub fn request(&self, method: &str, target: &str) -> HttpResponse {
        let host = self.addr.clone();
        self.raw(&format!(
            "{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        ))
    }

    /// Sends `request` as it is and reads the whole answer.
    pub fn raw(&self, request: &str) -> HttpResponse {
        http_raw(&self.addr, request)
    }

    /// What the server printed on stdout after its URL (nothing, by contract).
    pub fn more_stdout(&self) -> String {
        self.more_stdout.lock().unwrap().clone()
    }

    /// What the server has logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// True while the server process has not exited.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP answer.
#[derive(Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// A header's value (names compared without case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("the body is UTF-8")
    }

    pub fn json<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }
}

/// A minimal HTTP/1.1 client: sends `request` to `addr`, reads the answer, and undoes chunked
/// transfer encoding.
pub fn http_raw(addr: &str, request: &str) -> HttpResponse {
    let mut stream = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect {addr}: {e}"));
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    // Read the head, then the body: to its Content-Length when there is one (a peer may keep
    // the connection open whatever it was asked), else to the end.
    let mut raw = Vec::new();
    let mut buf = [0u8; 16384];
    let split = loop {
        if let Some(at) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let n = stream.read(&mut buf).unwrap();
        assert!(
            n > 0,
            "no header end in {:?}",
            String::from_utf8_lossy(&raw)
        );
        raw.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8(raw[..split].to_vec()).expect("ASCII headers");
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .map(|(_, v)| v.parse::<usize>().expect("a number"));
    let no_body = request.starts_with("HEAD ");
    match length {
        _ if no_body => {}
        Some(length) => {
            while raw.len() < split + 4 + length {
                let n = stream.read(&mut buf).unwrap();
                assert!(n > 0, "the body ended early");
                raw.extend_from_slice(&buf[..n]);
            }
        }
        None => {
            stream.read_to_end(&mut raw).unwrap();
        }
    }
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    HttpResponse {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let eol = data
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("chunk size line");
        let size_text = std::str::from_utf8(&data[..eol]).unwrap();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16)
            .expect("hex chunk size");
        data = &data[eol + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

/// Percent-encodes everything but unreserved characters (as a query value).
pub fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Deterministic pseudo-random points in time over a run that takes `full`, up to `spread`
/// times it (where to kill a run).
pub fn kill_points(full: Duration, spread: f64) -> impl Iterator<Item = Duration> {
    let mut seed: u64 = 0x5eed;
    std::iter::repeat_with(move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        full.mul_f64((seed >> 11) as f64 / (1u64 << 53) as f64 * spread)
    })
}
