//! `archive search`: bring the index up to date if it can, search, print hits.

use std::io::{IsTerminal, Write};
use std::thread::JoinHandle;

use anyhow::Result;
use archive::indexer::{self, Freshness};
use archive::search::request::MAX_LIMIT;
use archive::{store, Answer, Error, RequestBuilder, Searcher};

use crate::cli::{SearchArgs, DEFAULT_LIMIT, DEFAULT_PER_STORY};
use crate::output;
use crate::output::human::More;
use crate::paths::Resolved;

pub fn run(paths: &Resolved, args: SearchArgs) -> Result<u8> {
    // A request that is wrong whatever the index holds is refused before the index is
    // opened (or built).
    let request = request(args.query.join(" "), &args);
    request.check()?;
    // Searched beside the freshness check (on the other core): the check's time hides behind
    // the search's, and the answer stands when the index it came from does.
    let opened = open_checking(paths, args.no_update)?;
    let (searcher, early) = ready(paths, opened, |searcher| {
        answer(paths, searcher, request.clone(), &args)
    })?;
    let answer = match early {
        Some(answer) => answer,
        None => answer(paths, &searcher, request, &args),
    };
    // Never dropped: the process ends with this search, and unmapping the index file by file
    // costs more than leaving it to the kernel at exit.
    let _searcher = std::mem::ManuallyDrop::new(searcher);
    let answer = answer?;
    let note_width = output::width_of(std::io::stderr());
    for e in &answer.expansions {
        let (from, to) = (&e.from, e.to.join(", "));
        let line = format!(
            "also searched: {} → {}",
            output::human::printable(from),
            output::human::printable(&to)
        );
        eprintln!("{}", output::wrapped(&line, note_width, 2));
    }
    if answer.partial {
        eprintln!("no story holds every word; showing stories that hold some");
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        output::json::lines(&mut out, &answer)?;
    } else {
        let layout = output::layout();
        let more = |more: More| more_command(&args, more);
        output::human::print(&mut out, &answer, args.explain, &layout, more)?;
    }
    out.flush()?;
    if !answer.hits.is_empty() {
        return Ok(0);
    }
    // Silence is grep's way, and a script's; a person at a terminal is told.
    if std::io::stderr().is_terminal() {
        let query = output::human::printable(&args.query.join(" ")).into_owned();
        eprintln!("no passage matched \"{query}\"; {}", hint(&args));
    }
    Ok(1)
}

/// The answer to `request` from `searcher`.
fn answer(
    paths: &Resolved,
    searcher: &Searcher,
    request: RequestBuilder,
    args: &SearchArgs,
) -> Result<Answer> {
    // A story may be named as results show it: by a file's path as well as by its id; a
    // path's language restricts the search as --lang does, unless --lang is given.
    let request = match &args.story {
        Some(s) => {
            // Only the name is looked up (in a newer commit's list if one replaced this one).
            let named = super::named(&super::manifest_of(paths, searcher)?.1, s)?;
            match named.lang.filter(|_| args.lang.is_none()) {
                Some(lang) => request.story(named.story).lang(lang),
                None => request.story(named.story),
            }
        }
        None => request,
    };
    let request = searcher.request(request)?;
    Ok(searcher.search(&request)?)
}

/// What to try when nothing matched, from what narrowed the search.
fn hint(args: &SearchArgs) -> String {
    let mut narrowing: Vec<&str> = Vec::new();
    let given = [
        (args.exact, "--exact"),
        (args.lang.is_some(), "--lang"),
        (args.story.is_some(), "--story"),
        (args.since.is_some(), "--since"),
        (args.until.is_some(), "--until"),
    ];
    narrowing.extend(given.iter().filter(|(on, _)| *on).map(|(_, flag)| *flag));
    let mut tries = Vec::new();
    if args
        .query
        .iter()
        .map(|q| q.split_whitespace().count())
        .sum::<usize>()
        > 1
    {
        tries.push("fewer words".to_string());
    }
    if !narrowing.is_empty() {
        tries.push(format!("without {}", narrowing.join(", ")));
    }
    tries.push("another spelling or language".into());
    let last = tries.pop().unwrap_or_default();
    if tries.is_empty() {
        format!("try {last}")
    } else {
        format!("try {}, or {last}", tries.join(", "))
    }
}

/// The command that shows what `more` says was left out: this search, within one story
/// (with a limit that shows all its hits, or the most a search shows, said so), or with twice
/// the limit.
fn more_command(args: &SearchArgs, more: More) -> String {
    let mut words = vec!["archive".to_string(), "search".into()];
    let mut beyond_max = None;
    let limit = match more {
        More::Story(hit, hits) => {
            words.extend(["--story".to_string(), quoted(&hit.story)]);
            beyond_max = (hits > MAX_LIMIT).then_some(hits);
            (hits > DEFAULT_LIMIT).then_some(hits.min(MAX_LIMIT))
        }
        More::Stories if args.limit >= MAX_LIMIT => {
            return "narrow the search (more words, --lang, --since, --until)".into();
        }
        More::Stories => {
            if let Some(n) = args.per_story {
                words.extend(["--per-story".to_string(), n.to_string()]);
            }
            Some(args.limit.saturating_mul(2).min(MAX_LIMIT))
        }
    };
    if let Some(limit) = limit {
        words.extend(["--limit".to_string(), limit.to_string()]);
    }
    if args.exact {
        words.push("--exact".into());
    }
    let values = [
        ("--lang", &args.lang),
        ("--since", &args.since),
        ("--until", &args.until),
    ];
    for (flag, value) in values {
        if let Some(v) = value {
            words.extend([flag.to_string(), quoted(v)]);
        }
    }
    // A query word like `--x` (typed after `--`) must follow `--` again; `-June` reads as
    // typed.
    if args.query.iter().any(|q| q.starts_with("--")) {
        words.push("--".into());
    }
    words.extend(args.query.iter().map(|q| quoted(q)));
    let command = output::human::printable(&words.join(" ")).into_owned();
    match beyond_max {
        Some(hits) => {
            format!("{command} (shows {MAX_LIMIT} of its {hits}, the most a search shows)")
        }
        None => command,
    }
}

/// `word` as a shell reads it back (words and Han text as they are).
fn quoted(word: &str) -> String {
    let plain = |c: char| c.is_alphanumeric() || "-_./:@%+=,".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        return word.to_string();
    }
    shlex::try_quote(word).map_or_else(|_| word.to_string(), |q| q.into_owned())
}

/// The request the flags ask for, checked later against the index.
fn request(query: String, args: &SearchArgs) -> RequestBuilder {
    let per_story = match (args.per_story, &args.story) {
        (Some(n), _) => n,
        (None, Some(_)) => args.limit,
        (None, None) => DEFAULT_PER_STORY,
    };
    let mut b = RequestBuilder::new(query)
        .limit(args.limit)
        .per_story(per_story)
        .exact(args.exact)
        .explain(args.explain);
    if let Some(lang) = &args.lang {
        b = b.lang(lang);
    }
    if let Some(story) = &args.story {
        b = b.story(story);
    }
    if let Some(day) = &args.since {
        b = b.since(day);
    }
    if let Some(day) = &args.until {
        b = b.until(day);
    }
    b
}

/// What opening the index found.
enum Opened {
    /// Searchable as it is (no archive to compare with, or `--no-update`).
    Ready(Searcher),
    /// Searchable if the freshness check, running on a thread of its own, finds it current.
    Checking(Searcher, Check),
    /// No index yet, and an archive to build it from.
    Missing,
}

/// Opens the index and starts comparing it with the archive (unless `no_update`).
fn open_checking(paths: &Resolved, no_update: bool) -> Result<Opened> {
    store::check_folder(&paths.index)?;
    let archive_there = paths.archive.is_dir() && !no_update;
    match super::open(paths) {
        Ok(searcher) if !archive_there => Ok(Opened::Ready(searcher)),
        Ok(searcher) => {
            let (archive, index) = (paths.archive.clone(), paths.index.clone());
            let payload = searcher.payload().clone();
            let check = move || indexer::freshness(&archive, &index, &payload);
            // Without a thread to spare (a process limit reached), the check runs first.
            let check = match std::thread::Builder::new()
                .name("freshness".into())
                .spawn(check.clone())
            {
                Ok(running) => {
                    elsewhere(&running);
                    Check::Running(running)
                }
                Err(_) => Check::Done(check()),
            };
            Ok(Opened::Checking(searcher, check))
        }
        Err(Error::NoIndex(_)) if archive_there => Ok(Opened::Missing),
        // Neither an index nor an archive: the place is wrong, not the index missing.
        Err(Error::NoIndex(_)) if !paths.archive.is_dir() => {
            Err(Error::NoArchive(paths.archive.clone()).into())
        }
        // A folder of the user's given as the index is not a damaged index.
        Err(e) => {
            store::check_place(&paths.index, &paths.archive)?;
            Err(e.into())
        }
    }
}

/// Moves the thread `running` to the other CPUs this process may use, if any: a new thread
/// starts on its parent's CPU, where it would wait for the search to block (the scheduler's
/// balancing comes after a check this short is over).
fn elsewhere<T>(running: &JoinHandle<T>) {
    use std::os::unix::thread::JoinHandleExt;
    // SAFETY: plain calls on a CPU set owned here and a thread that is still joinable.
    unsafe {
        let mut allowed: libc::cpu_set_t = std::mem::zeroed();
        let size = std::mem::size_of::<libc::cpu_set_t>();
        let current = libc::sched_getcpu();
        if current < 0 || libc::sched_getaffinity(0, size, &mut allowed) != 0 {
            return;
        }
        libc::CPU_CLR(current as usize, &mut allowed);
        if libc::CPU_COUNT(&allowed) > 0 {
            libc::pthread_setaffinity_np(running.as_pthread_t(), size, &allowed);
        }
    }
}

/// The freshness check, running or done.
enum Check {
    Running(JoinHandle<archive::Result<Freshness>>),
    Done(archive::Result<Freshness>),
}

/// The freshness check's answer.
fn wait(check: Check) -> Result<Freshness> {
    match check {
        Check::Running(running) => match running.join() {
            Ok(freshness) => Ok(freshness?),
            Err(panic) => std::panic::resume_unwind(panic),
        },
        Check::Done(freshness) => Ok(freshness?),
    }
}

/// True when the index may be searched as it is after the check answered `freshness`: it is
/// current, or only times moved and it cannot record them (read-only).
fn searchable(paths: &Resolved, freshness: Freshness) -> bool {
    match freshness {
        Freshness::Current => true,
        Freshness::Retimed => store::is_read_only(&paths.index),
        Freshness::Changed => false,
    }
}

/// Opens the index, building it when it is missing and updating it when the archive changed
/// (unless `no_update`); on read-only storage, on a full disk, or while another `archive index`
/// is writing, searches the last commit and says so. The index is opened once.
pub fn open_fresh(paths: &Resolved, no_update: bool) -> Result<Searcher> {
    Ok(ready(paths, open_checking(paths, no_update)?, |_| ())?.0)
}

/// The searcher once the freshness check (if any) has answered and the index is up to date,
/// and what `meanwhile` gave on the index as opened, run beside the check: `None` when the
/// index had to be built or updated (then `meanwhile` was run on an index now replaced, or
/// not at all).
fn ready<T>(
    paths: &Resolved,
    opened: Opened,
    meanwhile: impl FnOnce(&Searcher) -> T,
) -> Result<(Searcher, Option<T>)> {
    match opened {
        Opened::Ready(searcher) => {
            let done = meanwhile(&searcher);
            Ok((searcher, Some(done)))
        }
        Opened::Checking(searcher, check) => {
            let done = meanwhile(&searcher);
            match wait(check)? {
                freshness if searchable(paths, freshness) => Ok((searcher, Some(done))),
                freshness => Ok((settled(paths, Some((searcher, freshness)))?, None)),
            }
        }
        Opened::Missing => Ok((settled(paths, None)?, None)),
    }
}

/// The index brought up to date: built when `stale` is `None`, else updated from the searcher
/// of its last commit and what the check found (on read-only storage, on a full disk, or while
/// another `archive index` is writing, that searcher, said so).
fn settled(paths: &Resolved, stale: Option<(Searcher, Freshness)>) -> Result<Searcher> {
    if store::is_read_only(&paths.index) {
        let Some((searcher, _)) = stale else {
            return Err(Error::NoIndex(paths.index.clone()).into());
        };
        eprintln!("archive: warning: the archive changed since it was indexed, and the index is read-only; results may be out of date");
        return Ok(searcher);
    }
    match &stale {
        None => eprintln!("no index yet: building it"),
        Some((_, Freshness::Changed)) => eprintln!("the archive changed: updating the index"),
        Some(_) => {}
    }
    let updated = match super::index::update(paths) {
        Ok(updated) => updated,
        Err(e) => match (e.downcast_ref(), stale) {
            // Readers never wait for the writer: they see its last commit.
            (Some(Error::Busy(_)), Some((searcher, _))) => {
                eprintln!("archive: an update is in progress (another `archive index`); searching the last commit");
                return Ok(searcher);
            }
            // Times that moved alone leave the last commit current.
            (Some(Error::NoThreads(_)), Some((searcher, freshness))) => {
                if freshness == Freshness::Changed {
                    eprintln!("archive: warning: the index could not be updated (no thread could be started: the system's limit on processes is reached); results may be out of date");
                }
                return Ok(searcher);
            }
            // A file of the index it could not write (a writer lock left by another user): the
            // run wrote nothing, and the last commit answers.
            (Some(io @ (Error::Io { .. } | Error::LockFile(_))), Some((searcher, _))) => {
                eprintln!("archive: warning: the index could not be updated ({io}); results may be out of date");
                return Ok(searcher);
            }
            // The run removed what it wrote; the last commit is intact.
            (Some(full), Some((searcher, _)))
                if matches!(full, Error::DiskFull { .. }) || full.is_disk_full() =>
            {
                eprintln!("archive: warning: the disk holding the index is full, so it could not be updated; results may be out of date (free some space and run `archive index`)");
                return Ok(searcher);
            }
            _ => return Err(e),
        },
    };
    if !updated.report.nothing_to_do() {
        super::index::print_summary(&updated.report);
    }
    Ok(updated.searcher)
}
