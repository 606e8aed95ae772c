//! `archive serve`: the archive as a web page and a small JSON API on this machine, read-only.
//!
//! Nine fixed routes and nothing else: the page (`/`, `/page.css`, its three script modules
//! `/page.js`, `/reader.js`, `/common.js`, `/icon.svg`, compiled into the binary),
//! `/api/search`, `/api/stories` and `/api/story`. No URL is ever
//! mapped to a file, so no URL can read one. `http` owns connections (one thread each, bounded
//! in number, time and work), `fields` checks a request's Host and framing headers; `api` turns a request into a `Reply` from one shared `Searcher`
//! (searches take turns through `gate`, one per core), `browse` answers the reading side from the catalog listed at start.

mod api;
mod browse;
mod fields;
mod gate;
mod http;
mod reply;

use std::io::Write as _;
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

use anyhow::{Context, Result};
use archive::analysis::Analyzers;
use archive::catalog::Catalog;
use archive::{indexer, store};

use crate::cli::ServeArgs;
use crate::paths::Resolved;

pub fn run(paths: &Resolved, args: ServeArgs) -> Result<u8> {
    // Opening is read-only; a missing index is the usual one-line error. Serving never builds
    // or updates the index: the archive may be on a stick that must not be written.
    let searcher = super::open(paths)?;
    // Listed once (the manifest is read here and never again), so the start page's cost per
    // request does not grow with the archive.
    let catalog = Catalog::new(&searcher.manifest()?);
    warn_if_stale(paths);
    let wanted = SocketAddr::new(args.listen, args.port);
    let listener =
        TcpListener::bind(wanted).with_context(|| format!("cannot listen on {wanted}"))?;
    let addr = listener.local_addr().context("the server has no address")?;
    if !addr.ip().is_loopback() {
        eprintln!(
            "archive: warning: listening on {addr}: anyone who can reach this machine can read the archive"
        );
    }
    let site = Arc::new(api::Site::new(
        searcher,
        catalog,
        addr.port(),
        addr.ip().is_loopback(),
    ));
    // The URL is the only line on stdout, so a script (or a test) can read it. (An IPv6
    // address prints in brackets, as a URL wants it.)
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "http://{addr}/")?;
    stdout.flush()?;
    drop(stdout);
    eprintln!("serving {} read-only; Ctrl-C stops", paths.index.display());
    http::serve(&listener, &site)
}

/// Says on stderr when the archive changed since it was indexed: serving never re-indexes.
fn warn_if_stale(paths: &Resolved) {
    if !paths.archive.is_dir() {
        return;
    }
    let Ok(words) = store::user_words(&paths.archive) else {
        return;
    };
    if let Ok(false) = indexer::is_fresh(&paths.archive, &paths.index, &Analyzers::new(words)) {
        eprintln!(
            "archive: warning: the archive changed since it was indexed; run `archive index` and restart `archive serve` to search the changes"
        );
    }
}
