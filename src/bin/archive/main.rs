//! The `archive` binary: parse, run, print one error line, exit 0 (hits), 1 (no hit) or 2.

mod argv;
mod cli;
mod cmd;
mod output;
mod pager;
mod pages;
mod paths;
mod progress;

use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // A bug must still end in one line and status 2, never a backtrace.
    std::panic::set_hook(Box::new(|info| {
        // The library turns a panic while reading a damaged index into an error.
        if archive::store::in_guarded_read() {
            return;
        }
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let at = info
            .location()
            .map(|l| format!(" ({}:{})", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("archive: internal error{at}: {what}");
        std::process::exit(2);
    }));
    let cli = match cli::parse(std::env::args_os()) {
        Ok(cli) => cli,
        // --help and --version print as clap has them.
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("archive: {}", cli::one_line(&e));
            return ExitCode::from(2);
        }
    };
    match cmd::run(cli) {
        Ok(code) => code,
        Err(e) if output::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) if matches!(e.downcast_ref(), Some(archive::Error::Interrupted)) => {
            eprintln!("archive: {}", output::one_line(&e));
            ExitCode::from(130)
        }
        Err(e) => {
            eprintln!("archive: {}", output::one_line(&e));
            ExitCode::from(2)
        }
    }
}
