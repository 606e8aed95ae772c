//! One module per subcommand, and the dispatch.

mod bundle;
mod index;
mod search;
mod serve;

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::{Cli, Command};
use crate::paths;

pub fn run(cli: Cli) -> Result<ExitCode> {
    let paths = paths::resolve(&cli.paths)?;
    match cli.command {
        Command::Index => index::run(&paths),
        Command::Search(args) => search::run(&paths, args),
        Command::Bundle { dest } => bundle::run(&paths, &dest),
        Command::Serve(args) => serve::run(&paths, args),
    }
}
