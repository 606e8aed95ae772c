//! `archive search`: bring the index up to date if it can, search, print hits.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use archive::indexer::{self, Freshness};
use archive::{catalog, store, Error, RequestBuilder, Searcher};

use crate::cli::SearchArgs;
use crate::output;
use crate::paths::Resolved;

pub fn run(paths: &Resolved, args: SearchArgs) -> Result<ExitCode> {
    // A request that is wrong whatever the index holds is refused before the index is
    // opened (or built).
    let request = request(args.query.join(" "), &args);
    request.check()?;
    let searcher = open_fresh(paths, args.no_update)?;
    // A story may be named as results show it: by a file's path as well as by its id.
    let request = match &args.story {
        Some(s) => request.story(catalog::resolve(&searcher.manifest(), s).unwrap_or(s.clone())),
        None => request,
    };
    let request = searcher.request(request)?;
    let answer = searcher.search(&request)?;
    for e in &answer.expansions {
        let (from, to) = (&e.from, e.to.join(", "));
        eprintln!(
            "also searched: {} → {}",
            output::human::printable(from),
            output::human::printable(&to)
        );
    }
    if answer.partial {
        eprintln!("no story holds every word; showing stories that hold some");
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        output::json::lines(&mut out, &answer)?;
    } else {
        output::human::print(&mut out, &answer, args.explain, output::use_colour())?;
    }
    out.flush()?;
    Ok(if answer.hits.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The request the flags ask for, checked later against the index.
fn request(query: String, args: &SearchArgs) -> RequestBuilder {
    let mut b = RequestBuilder::new(query)
        .limit(args.limit)
        .per_story(args.per_story)
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

/// Opens the index, building it when it is missing and updating it when the archive changed
/// (unless `no_update`); on read-only storage, or while another `archive index` is writing,
/// searches the last commit and says so. The index is opened once.
pub fn open_fresh(paths: &Resolved, no_update: bool) -> Result<Searcher> {
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
