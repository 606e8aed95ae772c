//! `archive search`: bring the index up to date if it can, search, print hits.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use archive::analysis::Analyzers;
use archive::{indexer, store, Error, Request, Searcher};

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
    if !args.no_update {
        ensure_fresh(paths)?;
    }
    let searcher = Searcher::open(&paths.archive, &paths.index)?;
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

/// Builds the index when it is missing and updates it when the archive changed; on read-only
/// storage, searches what is there and says it may be old.
fn ensure_fresh(paths: &Resolved) -> Result<()> {
    if !paths.archive.is_dir() {
        // An index without its archive can still be searched.
        return Ok(());
    }
    let analyzers = Analyzers::new(store::user_words(&paths.archive)?);
    if indexer::is_fresh(&paths.archive, &paths.index, &analyzers)? {
        return Ok(());
    }
    let missing = !paths.index.join("meta.json").exists();
    if store::is_read_only(&paths.index) {
        if missing {
            return Err(Error::NoIndex(paths.index.clone()).into());
        }
        eprintln!("archive: warning: the archive changed since it was indexed, and the index is read-only; results may be out of date");
        return Ok(());
    }
    eprintln!(
        "{}",
        if missing {
            "no index yet: building it"
        } else {
            "the archive changed: updating the index"
        }
    );
    let report = super::index::update(paths)?;
    super::index::print_summary(&report);
    Ok(())
}
