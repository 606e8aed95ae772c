//! Resolving where the archive and the index are, once, before any work.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::cli::Paths;

/// Absolute archive and index folders.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub archive: PathBuf,
    pub index: PathBuf,
}

/// ROOT is --root, else $ARCHIVE_ROOT, else the executable's folder when it holds archive/
/// (or data/archive/, as a bundle does), else the current folder or its nearest parent holding
/// archive/, else the current folder.
pub fn resolve(paths: &Paths) -> Result<Resolved> {
    let cwd = std::env::current_dir().context("cannot read the current folder")?;
    // A file given as one of the folders (or a path through a file) is said to be a file,
    // not reported as a missing archive or index.
    for given in [&paths.root, &paths.archive, &paths.index]
        .into_iter()
        .flatten()
    {
        archive::store::check_folder(&cwd.join(given))?;
    }
    // Looked for only when a folder is not given (the search for it stats several places).
    let root = std::cell::OnceCell::new();
    let root = || root.get_or_init(|| find_root(paths, &cwd));
    Ok(Resolved {
        archive: paths
            .archive
            .as_ref()
            .map_or_else(|| root().join("archive"), |a| cwd.join(a)),
        index: paths
            .index
            .as_ref()
            .map_or_else(|| root().join("index"), |i| cwd.join(i)),
    })
}

fn find_root(paths: &Paths, cwd: &Path) -> PathBuf {
    match (&paths.root, std::env::var_os("ARCHIVE_ROOT")) {
        (Some(root), _) => cwd.join(root),
        (None, Some(env)) if !env.is_empty() => cwd.join(env),
        _ => exe_root()
            .or_else(|| {
                cwd.ancestors()
                    .find(|d| d.join("archive").is_dir())
                    .map(Path::to_path_buf)
            })
            .unwrap_or_else(|| cwd.to_path_buf()),
    }
}

fn exe_root() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let dir = exe.parent()?;
    [dir.to_path_buf(), archive::bundle::data_dir(dir)]
        .into_iter()
        .find(|d| d.join("archive").is_dir())
}
