//! `archive add`: turning files from elsewhere into story files of the archive, with front
//! matter saying their title, date and language. Nothing existing is ever overwritten.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::article::{self, normalize_lang};
use crate::corpus::{self, MAX_FILE_BYTES};
use crate::error::{Error, Result};
use crate::formats::{self, Format};

/// What the user said about the files, over what the files say about themselves.
#[derive(Debug, Default, Clone)]
pub struct AddOptions {
    /// One story for all the files (one per language), instead of one story per file.
    pub story: Option<String>,
    /// Title (one file only).
    pub title: Option<String>,
    /// Date `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Language (one file only).
    pub lang: Option<String>,
}

/// A story file to write.
#[derive(Debug, Clone)]
pub struct NewFile {
    /// The file it comes from.
    pub from: PathBuf,
    /// Story id.
    pub story: String,
    /// Path relative to the archive folder.
    pub rel: String,
    /// Language.
    pub lang: String,
    /// Whether it goes in the story's folder (`ID/LANG.ext`) rather than beside it (`ID.ext`).
    pub in_folder: bool,
    /// Title.
    pub title: String,
    /// Passages.
    pub passages: usize,
    /// What to write.
    pub contents: String,
}

/// Reads `files` and works out the story files they become, checking that none exists.
pub fn prepare(archive: &Path, files: &[PathBuf], opts: &AddOptions) -> Result<Vec<NewFile>> {
    if files.len() > 1 && (opts.title.is_some() || opts.lang.is_some()) {
        return Err(Error::Invalid(
            "--title and --lang apply to one file; add the files one at a time".into(),
        ));
    }
    if let Some(d) = &opts.date {
        crate::search::request::day(d).map_err(|e| Error::Invalid(format!("--date: {e}")))?;
    }
    if opts
        .title
        .as_deref()
        .is_some_and(|t| one_line(t).is_empty())
    {
        return Err(Error::Invalid("--title is empty".into()));
    }
    if let Some(id) = &opts.story {
        check_id(id)?;
    }
    let mut out: Vec<NewFile> = Vec::new();
    for path in files {
        let file = read_one(path, opts)?;
        if let Some(other) = out
            .iter()
            .find(|o| o.story == file.story && o.lang == file.lang)
        {
            return Err(Error::Invalid(format!(
                "{} and {} are both the {} version of story {}",
                other.from.display(),
                path.display(),
                file.lang,
                file.story
            )));
        }
        // Only files in a story's folder name their language; a story has one file of its own.
        let own = |o: &NewFile| o.story == file.story && !o.in_folder;
        if let Some(other) = out.iter().find(|o| !file.in_folder && own(o)) {
            return Err(Error::Invalid(format!(
                "{} ({}) and {} ({}) would both be story {}'s file of its own, which holds one version in a language other than en and zh",
                other.from.display(),
                other.lang,
                path.display(),
                file.lang,
                file.story
            )));
        }
        // The story's file of its own, looked up once.
        let own = own_file(archive, &file.story);
        let taken = Some(archive.join(&file.story))
            .filter(|dir| dir.exists())
            .or_else(|| own.clone());
        if let (None, Some(taken)) = (&opts.story, &taken) {
            return Err(Error::Invalid(format!(
                "story {} already exists ({}); not overwritten (use --story to add a language to it)",
                file.story,
                taken.display()
            )));
        }
        if let (false, Some(existing)) = (file.in_folder, &own) {
            return Err(Error::Invalid(format!(
                "story {} already has a file of its own ({}), where its {} version would go; not overwritten",
                file.story,
                existing.display(),
                file.lang
            )));
        }
        let in_own_file = own.filter(|path| {
            let rel = path.strip_prefix(archive).unwrap_or(path).to_string_lossy();
            let bytes = std::fs::read(path).unwrap_or_default();
            corpus::load_bytes(&rel, &bytes).is_ok_and(|d| d.article.lang == file.lang)
        });
        if let Some(existing) = version_in(archive, &file.story, &file.lang).or(in_own_file) {
            return Err(Error::Invalid(format!(
                "story {} already has a version in {} ({}); not overwritten",
                file.story,
                file.lang,
                existing.display()
            )));
        }
        out.push(file);
    }
    Ok(out)
}

/// Writes the files prepared by [`prepare`]; a file that appeared meanwhile is not overwritten.
pub fn write(archive: &Path, files: &[NewFile]) -> Result<()> {
    for f in files {
        let path = archive.join(&f.rel);
        let dir = path.parent().unwrap_or(archive);
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let mut out = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        out.write_all(f.contents.as_bytes())
            .map_err(|e| Error::io(&path, e))?;
    }
    Ok(())
}

fn read_one(path: &Path, opts: &AddOptions) -> Result<NewFile> {
    let bad = |why: String| Error::Invalid(format!("{}: {why}", path.display()));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let format = Format::of(&name).map_err(bad)?;
    let size = std::fs::metadata(path)
        .map_err(|e| Error::io(path, e))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(bad(format!(
            "larger than {} MiB",
            MAX_FILE_BYTES / 1024 / 1024
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let (_, name_lang) = corpus::story_of(&format!("story/{name}"));
    let (mut a, _) = formats::read(format, &bytes, name_lang.as_deref()).map_err(bad)?;
    if a.passages.is_empty() {
        return Err(bad("no text".into()));
    }
    if let Some(t) = &opts.title {
        a.title = one_line(t);
    }
    if let Some(d) = &opts.date {
        a.date = Some(d.clone());
    }
    if let Some(l) = &opts.lang {
        a.lang = normalize_lang(l).ok_or_else(|| bad(format!("unknown language {l:?}")))?;
    }
    let story = match &opts.story {
        Some(id) => id.clone(),
        None => story_id(a.date.as_deref(), &a.title),
    };
    // Text and Markdown keep their body as written; pages and documents become plain text,
    // one passage per paragraph, so that what is indexed is what the archive holds.
    let keeps_body = matches!(format, Format::Plain | Format::Markdown)
        && !formats::looks_like_html(&String::from_utf8_lossy(&bytes));
    let (body, ext) = if keeps_body {
        let (text, _) = corpus::decode(&bytes).map_err(bad)?;
        let ext = if format == Format::Markdown {
            "md"
        } else {
            "txt"
        };
        (article::body_of(&text).to_string(), ext)
    } else {
        (a.passages.join("\n\n") + "\n", "txt")
    };
    let mut contents = format!("---\ntitle: {}\n", one_line(&a.title));
    if let Some(d) = &a.date {
        contents.push_str(&format!("date: {d}\n"));
    }
    contents.push_str(&format!("lang: {}\n", a.lang));
    if let Some(s) = &a.source {
        contents.push_str(&format!("source: {}\n", one_line(s)));
    }
    contents.push_str("---\n\n");
    contents.push_str(body.trim_start_matches(['\n', '\r']));
    let (rel, in_folder) = story_file(&story, &a.lang, ext).map_err(bad)?;
    Ok(NewFile {
        from: path.to_path_buf(),
        rel,
        in_folder,
        story,
        lang: a.lang,
        title: a.title,
        passages: a.passages.len(),
        contents,
    })
}

/// Where a story file goes so that the indexer ([`corpus::story_of`]) gives it the id `add`
/// reports: `ID/LANG.ext` for a language it reads from a file's name (English, Chinese), else
/// `ID.ext`, a file of the story's own whose front matter says its language.
fn story_file(story: &str, lang: &str, ext: &str) -> std::result::Result<(String, bool), String> {
    let in_folder = format!("{story}/{lang}.{ext}");
    if corpus::story_of(&in_folder) == (story.to_string(), Some(lang.to_string())) {
        return Ok((in_folder, true));
    }
    let own = format!("{story}.{ext}");
    if corpus::story_of(&own) == (story.to_string(), None) {
        return Ok((own, false));
    }
    Err(format!(
        "a {lang} version of story {story} would be {own}, which the index reads as a version of another story; choose another --story"
    ))
}

/// A file beside the archive's folders that is story `story` as a whole (`ID.txt`, `ID.md`…).
fn own_file(archive: &Path, story: &str) -> Option<PathBuf> {
    let (dir, _) = story.rsplit_once('/').unwrap_or(("", story));
    std::fs::read_dir(archive.join(dir))
        .ok()?
        .flatten()
        .find_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let rel = if dir.is_empty() {
                name
            } else {
                format!("{dir}/{name}")
            };
            let is_file = e.file_type().is_ok_and(|t| !t.is_dir());
            (is_file && corpus::story_of(&rel) == (story.to_string(), None)).then(|| e.path())
        })
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The id of a new story: its date and its title's words (`2022-09-12-khorgos-dry-port`); a
/// title with no Latin letters or digits (a Chinese one) gives a stable hash of the title.
pub fn story_id(date: Option<&str>, title: &str) -> String {
    let mut slug = String::new();
    for word in title
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if slug.len() + word.len() > 60 {
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(word);
    }
    if slug.is_empty() {
        slug = format!("story-{}", &blake3::hash(title.as_bytes()).to_hex()[..10]);
    }
    match date {
        Some(d) => format!("{d}-{slug}"),
        None => slug,
    }
}

/// A story id given by the user: folder names of letters, digits, `-`, `_` and `.`, not
/// starting with `.`.
fn check_id(id: &str) -> Result<()> {
    let ok = !id.is_empty()
        && id.split('/').all(|part| {
            !part.is_empty()
                && !part.starts_with('.')
                && part
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
        });
    if ok {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "--story {id:?}: use letters, digits, -, _ and . (and / between folders)"
        )))
    }
}

/// The existing file of story `story` in language `lang`, if any.
fn version_in(archive: &Path, story: &str, lang: &str) -> Option<PathBuf> {
    let dir = archive.join(story);
    std::fs::read_dir(&dir).ok()?.flatten().find_map(|e| {
        let name = e.file_name().to_string_lossy().into_owned();
        let (_, l) = corpus::story_of(&format!("{story}/{name}"));
        (l.as_deref().and_then(normalize_lang).as_deref() == Some(lang)).then(|| e.path())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_from_date_and_title() {
        assert_eq!(
            story_id(Some("2022-09-12"), "Khorgos: the dry port, again!"),
            "2022-09-12-khorgos-the-dry-port-again"
        );
        let zh = story_id(None, "霍尔果斯无水港");
        assert!(zh.starts_with("story-") && zh.len() == 16, "{zh}");
        assert_eq!(zh, story_id(None, "霍尔果斯无水港"));
        assert!(check_id("../x").is_err() && check_id("a/b-c").is_ok());
    }
}
