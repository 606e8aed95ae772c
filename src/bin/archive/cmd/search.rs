//! `archive search`: bring the index up to date if it can, search, print hits.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use archive::indexer::{self, Freshness};
use archive::{store, Error, Request, Searcher};

use crate::cli::SearchArgs;
use crate::output;
use crate::paths::Resolved;

pub fn run(paths: &Resolved, args: SearchArgs) -> Result<ExitCode> {
    let lang = args
        .lang
        .as_deref()
        .map(|l| {
            archive::article::normalize_lang(l)
                .ok_or_else(|| Error::Invalid(format!("unknown language {l:?}; use en or zh")))
        })
        .transpose()?;
    if args.limit == 0 || args.per_story == 0 {
        return Err(Error::Invalid("--limit and --per-story must be at least 1".into()).into());
    }
    let searcher = open_fresh(paths, args.no_update)?;
    let request = Request {
        query: args.query.join(" "),
        limit: args.limit,
        lang,
        exact: args.exact,
        per_story: args.per_story,
        story: args.story,
        since: args.since,
        until: args.until,
        explain: args.explain,
    };
    let answer = searcher.search(&request)?;
    for e in &answer.expansions {
        eprintln!("also searched: {} → {}", e.from, e.to.join(", "));
    }
    if answer.partial {
        eprintln!("no passage holds every word; showing passages that hold some");
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        output::json(&mut out, &answer)?;
    } else {
        output::human(&mut out, &answer, args.explain, output::use_colour())?;
    }
    out.flush()?;
    Ok(if answer.hits.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Opens the index, building it when it is missing and updating it when the archive changed
/// (unless `no_update`); on read-only storage, or while another `archive index` is writing,
/// searches the last commit and says so. The index is opened once.
fn open_fresh(paths: &Resolved, no_update: bool) -> Result<Searcher> {
    let archive_there = paths.archive.is_dir() && !no_update;
    let stale = match Searcher::open(&paths.archive, &paths.index) {
        Ok(searcher) => {
            if !archive_there {
                return Ok(searcher);
            }
            match indexer::freshness(&paths.archive, &paths.index, searcher.payload())? {
                Freshness::Current => return Ok(searcher),
                // Same content, new times: recorded when possible, so the next search need
                // not read the files again.
                Freshness::Retimed if store::is_read_only(&paths.index) => return Ok(searcher),
                Freshness::Retimed => Some((searcher, Freshness::Retimed)),
                Freshness::Changed => Some((searcher, Freshness::Changed)),
            }
        }
        Err(Error::NoIndex(_)) if archive_there => None,
        Err(e) => return Err(e.into()),
    };
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
            _ => return Err(e),
        },
    };
    if !updated.report.nothing_to_do() {
        super::index::print_summary(&updated.report);
    }
    Ok(updated.searcher)
}
