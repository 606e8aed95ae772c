//! `archive show`: one story as text, through a pager when it is longer than the terminal.

use anyhow::Result;
use archive::{article::normalize_lang, Error};

use crate::cli::ShowArgs;
use crate::output::human::printable;
use crate::output::wrapped;
use crate::pager;
use crate::paths::Resolved;

pub fn run(paths: &Resolved, args: ShowArgs) -> Result<u8> {
    let opened = super::search::open_fresh(paths, false)?;
    let (newer, manifest) = super::manifest_of(paths, &opened)?;
    let searcher = newer.unwrap_or(opened);
    // A path names a version and ` ¶N` a passage; --lang and --passage say otherwise.
    let named = super::named(&manifest, &args.story)?;
    let id = named.story;
    let passage = args.passage.or(named.passage);
    let langs: Vec<String> = manifest
        .files
        .values()
        .filter(|f| f.story == id)
        .map(|f| f.lang.clone())
        .collect();
    let lang = match args.lang.as_ref().or(named.lang.as_ref()) {
        Some(l) => normalize_lang(l)
            .ok_or_else(|| Error::Invalid(format!("unknown language {l:?}; use en or zh")))?,
        None if langs.iter().any(|l| l == "en") => "en".into(),
        None => langs.iter().min().cloned().unwrap_or_default(),
    };
    let story = searcher.story(&id, &lang)?.ok_or_else(|| {
        Error::Invalid(format!(
            "story {id} has no {lang} version (it has {})",
            langs.join(", ")
        ))
    })?;
    if let Some(n) = passage {
        if n == 0 || n as usize > story.passages.len() {
            return Err(Error::Invalid(format!(
                "story {id} ({lang}) has passages 1 to {}",
                story.passages.len()
            ))
            .into());
        }
    }
    if args.json {
        println!("{}", serde_json::to_string(&story)?);
        return Ok(0);
    }
    // On a terminal each paragraph is wrapped to its width, as search's hits are.
    let width = crate::output::width_of(std::io::stdout());
    let mut paragraphs: Vec<String> = Vec::new();
    if passage.is_none() {
        let date = if story.date.is_empty() {
            "undated"
        } else {
            &story.date
        };
        let header = format!(
            "{} · {lang} · {date} · {} · {} (languages: {})",
            printable(&id),
            printable(&story.path),
            crate::output::count(story.passages.len(), "passage"),
            story.langs.join(", ")
        );
        paragraphs.push(format!(
            "{}\n{}",
            wrapped(&printable(&story.title), width, 0),
            wrapped(&header, width, 0)
        ));
    }
    for p in &story.passages {
        if passage.is_none_or(|n| n == p.passage) {
            let line = format!("¶{} {}", p.passage, printable(&p.text));
            paragraphs.push(wrapped(&line, width, 0));
        }
    }
    let text = paragraphs.join("\n\n");
    pager::page(&text)?;
    Ok(0)
}
