//! Command-line arguments. The doc comments are the help text.

use std::ffi::OsString;
use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::argv;

/// Search a bilingual (English and Chinese) story archive, offline.
///
/// The archive's stories live in ROOT/archive and its index in ROOT/index. ROOT is --root, else
/// $ARCHIVE_ROOT, else the folder of this program when it holds archive/, else the current
/// folder or its nearest parent holding archive/.
#[derive(Debug, Parser)]
#[command(name = "archive", version, about, long_about)]
pub struct Cli {
    #[command(flatten)]
    pub paths: Paths,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Where the archive and its index are.
#[derive(Debug, Args, Clone)]
pub struct Paths {
    /// Folder holding archive/ and index/.
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// The stories' folder (default ROOT/archive).
    #[arg(long, global = true, value_name = "DIR")]
    pub archive: Option<PathBuf>,
    /// The index folder (default ROOT/index).
    #[arg(long, global = true, value_name = "DIR")]
    pub index: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build or update the index from the archive's stories.
    Index,
    /// Search the archive: ranked passages, best first, each with its counterpart.
    ///
    /// Words must all match (a question with no full match returns partial matches);
    /// "exact phrases"; a OR b; -excluded (`archive search Tokayev -June`, no quotes needed).
    /// Chinese may be typed without spaces. Exit status: 0 hits, 1 no hit, 2 error.
    Search(SearchArgs),
    /// Write a self-contained folder for a USB stick: this program, the stories, a compacted
    /// index and a short guide. An existing bundle is updated; stories changed on the stick are
    /// kept.
    Bundle {
        /// The folder to write (new, empty, or an earlier bundle).
        dest: PathBuf,
    },
    /// Browse the archive in a web browser: a search page and a JSON API on this machine.
    ///
    /// Prints the page's address on stdout and serves until stopped (Ctrl-C); logs go to
    /// stderr. Read-only: run `archive index` first, and restart after re-indexing.
    Serve(ServeArgs),
    /// Copy files into the archive as new stories (.md, .txt, .html, .htm, .docx), with front
    /// matter saying their title, date and language. Prints each new story's id.
    ///
    /// Each file is a story of its own, named from its date and title, unless --story names
    /// one story for all of them (one file per language: `--story ID en.html zh.html`).
    /// Nothing existing is overwritten. The next search indexes the new stories.
    Add(AddArgs),
    /// List the indexed stories, newest first: id, date, languages, passages, title.
    List {
        /// JSON Lines: one object per story.
        #[arg(long)]
        json: bool,
    },
    /// Print one story as text (through a pager on a terminal when longer than the screen).
    Show(ShowArgs),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The files to add.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Add the files as the language versions of this story (new, or existing).
    #[arg(long, value_name = "ID")]
    pub story: Option<String>,
    /// The story's title (one file only; default: the file's own).
    #[arg(long)]
    pub title: Option<String>,
    /// The story's date (default: the file's own, if any).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// The file's language, en or zh (one file only; default: from the file, else detected).
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct ShowArgs {
    /// The story: its id, or a file path as search results show it.
    #[arg(value_name = "ID")]
    pub story: String,
    /// The language version to show (default: English when there is one).
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
    /// Only this passage.
    #[arg(long, value_name = "N")]
    pub passage: Option<u64>,
    /// The story as one JSON object (as /api/story answers it).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port to listen on; 0 picks a free one (the address printed says which).
    #[arg(long, default_value_t = 8080, value_name = "N")]
    pub port: u16,
    /// Address to listen on. Anything but a loopback address lets other machines read the
    /// archive.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    pub listen: IpAddr,
}

/// Most hits `archive search` shows, unless `--limit` says otherwise.
pub const DEFAULT_LIMIT: usize = 10;

/// Most passages of one story, unless `--per-story` says otherwise (with `--story`: up to the
/// limit).
pub const DEFAULT_PER_STORY: usize = 3;

#[derive(Debug, Clone, Args)]
pub struct SearchArgs {
    /// The query. A word starting with `-` is excluded (`-June`), unless it is one of the
    /// options below; after `--` every argument is a query word.
    #[arg(required = true, value_name = "QUERY")]
    pub query: Vec<String>,
    /// Most hits to show (a hit and its counterpart that matched too count once).
    #[arg(long, short = 'n', default_value_t = DEFAULT_LIMIT, value_name = "N", allow_negative_numbers = true)]
    pub limit: usize,
    /// Only passages in this language (en or zh).
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
    /// JSON Lines on stdout: one object per hit.
    #[arg(long)]
    pub json: bool,
    /// No spelling tolerance and no variant expansion.
    #[arg(long)]
    pub exact: bool,
    /// Most passages per story [default: 3; with --story: the limit].
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub per_story: Option<usize>,
    /// Only this story (its id, as shown in results).
    #[arg(long, value_name = "ID")]
    pub story: Option<String>,
    /// Only stories dated on or after this day.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub since: Option<String>,
    /// Only stories dated on or before this day.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub until: Option<String>,
    /// Show the query's terms, expansions and each hit's score by term.
    #[arg(long)]
    pub explain: bool,
    /// Search the index as it is, even if the archive changed since it was built.
    #[arg(long)]
    pub no_update: bool,
}

/// Parses the command line: as clap does, except that `archive search` takes a query word
/// starting with `-` as a word (an exclusion) when it is not one of its options.
pub fn parse<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString>,
{
    // One description of the command line, built once, serves the marking and the parse.
    let mut top = Cli::command();
    top.build();
    let args = argv::mark_excluded_words(args.into_iter().map(Into::into), &top);
    let mut matches = top.try_get_matches_from_mut(args)?;
    let mut cli = Cli::from_arg_matches_mut(&mut matches).map_err(|e| e.format(&mut top))?;
    if let Some(Command::Search(search)) = &mut cli.command {
        for word in &mut search.query {
            argv::unmark(word);
        }
    }
    Ok(cli)
}

/// A clap error as one line: what is wrong, and where help is (clap's own message spans
/// several lines, with a usage block).
pub fn one_line(e: &clap::Error) -> String {
    if let Some(line) = missing(e) {
        return line;
    }
    let rendered = e.render().to_string();
    let first = rendered
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("bad arguments");
    let what = first
        .strip_prefix("error: ")
        .unwrap_or(first)
        .replace(argv::WORD_MARK, "");
    format!("{what}; see `archive --help`")
}

/// A missing argument, named with the subcommand that needs it (clap's own first line
/// names neither): `search needs <QUERY>...; see `archive search --help``.
fn missing(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() != ErrorKind::MissingRequiredArgument {
        return None;
    }
    let Some(ContextValue::Strings(args)) = e.get(ContextKind::InvalidArg) else {
        return None;
    };
    // The usage line (`Usage: archive search [OPTIONS] <QUERY>...`) says which subcommand.
    let usage = match e.get(ContextKind::Usage) {
        Some(ContextValue::StyledStr(u)) => u.to_string(),
        _ => String::new(),
    };
    let command: Vec<&str> = usage
        .split_whitespace()
        .skip_while(|w| *w != "archive")
        .take_while(|w| !w.starts_with(['[', '<', '-']))
        .collect();
    let command = command.join(" ");
    let sub = command.strip_prefix("archive ").unwrap_or("archive");
    Some(format!(
        "{sub} needs {}; see `{command} --help`",
        args.join(" and ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argument_errors_are_one_line() {
        let e = Cli::try_parse_from(["archive", "search", "--foo", "x"]).unwrap_err();
        assert_eq!(
            one_line(&e),
            "unexpected argument '--foo' found; see `archive --help`"
        );
        let e = Cli::try_parse_from(["archive", "search", "-n", "x", "y"]).unwrap_err();
        assert!(!one_line(&e).contains('\n'));
    }

    #[test]
    fn search_takes_words_flags_and_global_paths() {
        let cli = Cli::try_parse_from([
            "archive",
            "search",
            "--json",
            "--limit",
            "3",
            "--lang",
            "zh",
            "霍尔果斯",
            "口岸",
            "--root",
            "/r",
        ])
        .unwrap();
        assert_eq!(cli.paths.root, Some(PathBuf::from("/r")));
        let Some(Command::Search(s)) = cli.command else {
            panic!("not search")
        };
        assert_eq!(s.query, vec!["霍尔果斯", "口岸"]);
        assert_eq!((s.limit, s.json, s.lang.as_deref()), (3, true, Some("zh")));
    }

    #[test]
    fn serve_listens_on_loopback_unless_told_otherwise() {
        let cli = Cli::try_parse_from(["archive", "serve"]).unwrap();
        let Some(Command::Serve(s)) = cli.command else {
            panic!("not serve")
        };
        assert_eq!((s.listen.to_string(), s.port), ("127.0.0.1".into(), 8080));
        let cli =
            Cli::try_parse_from(["archive", "serve", "--port", "0", "--listen", "::1"]).unwrap();
        let Some(Command::Serve(s)) = cli.command else {
            panic!("not serve")
        };
        assert_eq!((s.listen.to_string(), s.port), ("::1".into(), 0));
        assert!(Cli::try_parse_from(["archive", "serve", "--port", "65536"]).is_err());
        assert!(Cli::try_parse_from(["archive", "serve", "--listen", "example.com"]).is_err());
    }

    #[test]
    fn add_takes_files_and_a_story() {
        let cli =
            Cli::try_parse_from(["archive", "add", "--story", "s", "en.html", "zh.html"]).unwrap();
        let Some(Command::Add(a)) = cli.command else {
            panic!("not add")
        };
        assert_eq!((a.story.as_deref(), a.files.len()), (Some("s"), 2));
        assert!(Cli::try_parse_from(["archive", "add"]).is_err());
        assert!(Cli::try_parse_from(["archive"]).unwrap().command.is_none());
    }

    fn query(args: &[&str]) -> Vec<String> {
        let mut all = vec!["archive"];
        all.extend_from_slice(args);
        match parse(all) {
            Ok(Cli {
                command: Some(Command::Search(s)),
                ..
            }) => s.query,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn words_starting_with_a_hyphen_are_query_words() {
        assert_eq!(query(&["search", "Tokayev", "-June"]), ["Tokayev", "-June"]);
        assert_eq!(query(&["search", "-June", "Tokayev"]), ["-June", "Tokayev"]);
        assert_eq!(query(&["search", "heat", "-5"]), ["heat", "-5"]);
        assert_eq!(query(&["search", "a", "-nato", "-n", "3"]), ["a", "-nato"]);
        assert_eq!(query(&["search", "--", "--json", "-n"]), ["--json", "-n"]);
        // Options still parse, wherever they are, with their values.
        let cli = parse([
            "archive",
            "--root",
            "r",
            "search",
            "-n3",
            "a",
            "-b",
            "--lang",
            "zh",
            "--json",
            "--index=-i",
            "--archive",
            "a",
        ])
        .unwrap();
        let Some(Command::Search(s)) = cli.command else {
            panic!("not search")
        };
        assert_eq!(cli.paths.root, Some(PathBuf::from("r")));
        assert_eq!(cli.paths.index, Some(PathBuf::from("-i")));
        assert_eq!(cli.paths.archive, Some(PathBuf::from("a")));
        assert_eq!(s.query, ["a", "-b"]);
        assert_eq!((s.limit, s.lang.as_deref(), s.json), (3, Some("zh"), true));
        // Other commands are left to clap.
        assert!(parse(["archive", "show", "x", "-June"]).is_err());
    }

    #[test]
    fn unknown_long_options_are_still_errors() {
        let e = parse(["archive", "search", "Tokayev", "--foo"]).unwrap_err();
        assert_eq!(
            one_line(&e),
            "unexpected argument '--foo' found; see `archive --help`"
        );
        let e = parse(["archive", "search", "-x", "--limit", "y"]).unwrap_err();
        assert!(!one_line(&e).contains('\0'), "{}", one_line(&e));
        // A negative number is a wrong value, not an unknown option.
        let e = parse(["archive", "search", "x", "--limit", "-5"]).unwrap_err();
        assert!(
            one_line(&e).starts_with("invalid value '-5' for '--limit <N>'"),
            "{}",
            one_line(&e)
        );
    }

    #[test]
    fn search_needs_a_query() {
        assert!(Cli::try_parse_from(["archive", "search"]).is_err());
        assert!(Cli::try_parse_from(["archive", "search", "--limit", "x", "q"]).is_err());
    }
}
