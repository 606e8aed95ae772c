//! One module per subcommand, and the dispatch.

mod add;
mod bundle;
mod index;
mod list;
mod search;
mod serve;
mod show;

use std::io::IsTerminal;

use anyhow::{bail, Result};
use archive::analysis::Analyzers;
use archive::catalog::{self, Named};
use archive::corpus::WORDS_FILE;
use archive::manifest::Manifest;
use archive::{store, Searcher};
use clap::CommandFactory;

use crate::cli::{Cli, Command};
use crate::paths::{self, Resolved};

pub fn run(cli: Cli) -> Result<u8> {
    let Some(command) = cli.command else {
        return no_command();
    };
    let paths = paths::resolve(&cli.paths)?;
    match command {
        Command::Index => index::run(&paths),
        Command::Search(args) => again_if_moved(|| search::run(&paths, args.clone())),
        Command::Bundle { dest } => bundle::run(&paths, &dest),
        Command::Serve(args) => serve::run(&paths, args),
        Command::Add(args) => add::run(&paths, args),
        Command::List { json } => list::run(&paths, json),
        Command::Show(args) => again_if_moved(|| show::run(&paths, args.clone())),
    }
}

/// Most times a command is run again when another run's commit removed index files it was
/// reading ([`archive::Error::Moved`]): it prints nothing before it has read what it needs.
const AGAIN: usize = 3;

/// `command`'s outcome, run again while another run's commit got in its way.
fn again_if_moved(command: impl Fn() -> Result<u8>) -> Result<u8> {
    let mut tries = 1;
    loop {
        match command() {
            Err(e)
                if tries <= AGAIN && matches!(e.downcast_ref(), Some(archive::Error::Moved(_))) =>
            {
                tries += 1
            }
            outcome => return outcome,
        }
    }
}

/// `archive` alone: someone at a terminal gets the short help; a script gets an error.
fn no_command() -> Result<u8> {
    if !std::io::stdout().is_terminal() {
        bail!("no command given; `archive --help` lists them");
    }
    print!("{}", Cli::command().render_help());
    Ok(0)
}

/// Opens the index read-only; one that differs from this analyzer only in the archive's
/// `words.txt` says so rather than naming analyzers, and one that cannot be rebuilt for want
/// of the archive folder says that.
fn open(paths: &Resolved) -> Result<Searcher, archive::Error> {
    Searcher::open(&paths.archive, &paths.index).map_err(|e| {
        if !matches!(e, archive::Error::AnalyzerMismatch { .. }) {
            return e;
        }
        match store::user_words(&paths.archive) {
            Ok(words) => {
                let expected = Analyzers::new(words).fingerprint();
                e.or_words_changed(&expected, &paths.archive.join(WORDS_FILE))
                    .or_no_archive(&expected, &paths.archive)
            }
            Err(_) => e,
        }
    })
}

/// The file list of `searcher`'s commit, or, when an `archive index` committed since it was
/// opened (and so removed that list), the new commit's, with a searcher of the new commit: a
/// reader never fails because of a running `archive index`. A few commits in a row at most are
/// followed; a list missing from the index's last commit is damage.
fn manifest_of(
    paths: &Resolved,
    searcher: &Searcher,
) -> Result<(Option<Searcher>, Manifest), archive::Error> {
    let mut newer: Option<Searcher> = None;
    let mut followed = 0;
    loop {
        let current = newer.as_ref().unwrap_or(searcher);
        let failure = match current.manifest() {
            Ok(found) => return Ok((newer, found)),
            Err(e) => e,
        };
        let stamp = current.payload().stamp;
        let reopened = open(paths)?;
        if reopened.payload().stamp == stamp || followed == 3 {
            return Err(failure);
        }
        followed += 1;
        newer = Some(reopened);
    }
}

/// The story a user names (by id, or by a path as results show it); an unknown one is the
/// user's error.
fn named(manifest: &Manifest, name: &str) -> Result<Named, archive::Error> {
    catalog::resolve(manifest, name).ok_or_else(|| {
        archive::Error::Invalid(format!(
            "no story {name:?} in the index (`archive list` shows them)"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use archive::indexer::NoProgress;

    #[test]
    fn a_list_that_a_newer_commit_removed_is_read_from_that_commit() {
        // `list` and `search --story` said the index was damaged when an `archive index`
        // committed between their opening it and reading its file list.
        let dir = tempfile::tempdir().unwrap();
        let paths = Resolved {
            archive: dir.path().join("archive"),
            index: dir.path().join("index"),
        };
        let commit = |name: &str| {
            let story = paths.archive.join(name);
            std::fs::create_dir_all(&story).unwrap();
            std::fs::write(story.join("en.md"), format!("The {name} story.\n")).unwrap();
            let analyzers = Analyzers::new(Vec::new());
            archive::update(&paths.archive, &paths.index, &analyzers, &NoProgress).unwrap();
        };
        commit("one");
        commit("two");
        let opened = open(&paths).unwrap();
        // Its journal replaced by the next commit's.
        commit("three");
        assert!(opened.manifest().is_err());
        let (newer, manifest) = manifest_of(&paths, &opened).unwrap();
        assert!(newer.is_some());
        let ids: Vec<String> = catalog::stories(&manifest)
            .into_iter()
            .map(|s| s.id)
            .collect();
        assert!(ids.contains(&"three".to_string()), "{ids:?}");
    }
}
