//! `archive add`: new stories from files; their ids on stdout, what was written on stderr.

use anyhow::Result;
use archive::intake::{self, AddOptions};

use crate::cli::AddArgs;
use crate::output::human::printable;
use crate::paths::Resolved;

pub fn run(paths: &Resolved, args: AddArgs) -> Result<u8> {
    let opts = AddOptions {
        story: args.story,
        title: args.title,
        date: args.date,
        lang: args.lang,
    };
    let files = intake::prepare(&paths.archive, &args.files, &opts)?;
    intake::write(&paths.archive, &files)?;
    let mut ids: Vec<&str> = Vec::new();
    for f in &files {
        // A page's title (and a file's name) may hold terminal control sequences.
        eprintln!(
            "added {} → {} ({}, {}): {}",
            printable(&f.from.to_string_lossy()),
            printable(&f.rel),
            f.lang,
            crate::output::count(f.passages, "passage"),
            printable(&f.title)
        );
        if !ids.contains(&f.story.as_str()) {
            ids.push(&f.story);
        }
    }
    for id in ids {
        println!("{id}");
    }
    eprintln!("the next `archive search` (or `archive index`) indexes it");
    Ok(0)
}
