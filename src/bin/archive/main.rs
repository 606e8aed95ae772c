//! The `archive` binary: parse, run, print one error line, exit 0 (hits), 1 (no hit) or 2.

mod cli;
mod cmd;
mod output;
mod paths;
mod progress;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cmd::run(cli) {
        Ok(code) => code,
        Err(e) if output::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("archive: {}", output::one_line(&e));
            ExitCode::from(2)
        }
    }
}
