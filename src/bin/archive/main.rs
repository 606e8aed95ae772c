//! The `archive` binary: parse, run, print one error line, exit 0 (hits), 1 (no hit) or 2.

mod argv;
mod cli;
mod cmd;
mod output;
mod pager;
mod pages;
mod paths;
mod progress;

use std::io::Write;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // A bug must still end in one line and status 2, never a backtrace.
    std::panic::set_hook(Box::new(|info| {
        // The library turns a panic while reading a damaged index into an error.
        if archive::store::panic_is_caught() {
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
    let status = match cli::parse(std::env::args_os()) {
        Ok(cli) => run(cli),
        // --help and --version print as clap has them.
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            0
        }
        Err(e) => {
            eprintln!("archive: {}", cli::one_line(&e));
            2
        }
    };
    exit(status)
}

/// Runs the command: its status, or 2 (130 when interrupted) after one line on stderr.
fn run(cli: cli::Cli) -> u8 {
    match cmd::run(cli) {
        Ok(status) => status,
        Err(e) if output::is_broken_pipe(&e) => 0,
        Err(e) if matches!(e.downcast_ref(), Some(archive::Error::Interrupted)) => {
            eprintln!("archive: {}", output::one_line(&e));
            130
        }
        Err(e) => {
            eprintln!("archive: {}", output::one_line(&e));
            2
        }
    }
}

/// Ends the process with `status` once stdout is flushed, without the exit handlers:
/// mimalloc's final collection and other clean-up that the kernel's teardown makes needless
/// were 2–3% of a search's CPU time (benches/README.md, "Per-process costs, sixth pass").
fn exit(status: u8) -> ! {
    // A failed flush (a closed pipe) loses nothing the reader still wanted.
    let _ = std::io::stdout().flush();
    // SAFETY: `_exit` only ends the process; nothing is left to run: stdout is flushed,
    // stderr is unbuffered, and every file the command wrote was closed by its owner.
    unsafe { libc::_exit(i32::from(status)) }
}
