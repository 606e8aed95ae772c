//! `archive bundle DEST`: write or update a folder to carry on a stick.

use std::path::Path;

use anyhow::{Context, Result};

use crate::output::human::printable;
use crate::paths::Resolved;
use crate::progress::Bar;

pub fn run(paths: &Resolved, dest: &Path) -> Result<u8> {
    let exe = std::env::current_exe().context("cannot find this program's own file")?;
    let dest = std::env::current_dir()?.join(dest);
    crate::pages::allow_huge();
    let report = archive::bundle::bundle(&exe, &paths.archive, &paths.index, &dest, &Bar::new())?;
    for (path, why) in &report.skipped {
        eprintln!("archive: skipped {}: {}", printable(path), printable(why));
    }
    for (path, why) in &report.kept {
        eprintln!("archive: kept {path}: {why}");
    }
    let r = &report.index;
    eprintln!(
        "bundled {} stories, {} passages ({}) into {}: {} files copied, {} unchanged, {} kept",
        r.stories,
        r.passages,
        r.languages.join(", "),
        dest.display(),
        report.copied,
        report.unchanged,
        report.kept.len()
    );
    Ok(0)
}
