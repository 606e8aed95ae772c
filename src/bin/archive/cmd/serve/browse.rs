//! The reading side of the API: `/api/stories` (what the archive holds, page by page, from the
//! catalog listed at start) and `/api/story` (one story, its matched words marked when a query
//! is given).

use std::collections::BTreeMap;

use archive::catalog::StoryInfo;
use archive::{RequestBuilder, Story};
use serde::Serialize;

use super::api::{count, flag, library_error, params, Site};
use super::reply::Reply;
use crate::output;

/// Stories per page unless asked: a screenful or two.
const PER_PAGE: usize = 50;
/// Most stories per page, so a page's cost stays small whatever is asked.
const MAX_PER_PAGE: usize = 500;

const STORIES_PARAMS: &[&str] = &["page", "per_page"];
const STORY_PARAMS: &[&str] = &["story", "doc", "lang", "q", "exact"];

/// One page of the archive's stories, newest first, with the archive's totals.
#[derive(Serialize)]
struct StoriesPage<'a> {
    total: Totals<'a>,
    page: usize,
    pages: usize,
    per_page: usize,
    stories: Vec<Listed<'a>>,
}

#[derive(Serialize)]
struct Totals<'a> {
    stories: usize,
    passages: u64,
    langs: &'a [String],
}

/// A story as `archive list --json` shows it, and whether its versions line up.
#[derive(Serialize)]
struct Listed<'a> {
    #[serde(flatten)]
    info: &'a StoryInfo,
    aligned: bool,
}

/// `/api/stories?page=N&per_page=M`: no index read, a slice of the catalog.
pub fn stories(site: &Site, query: &str) -> Reply {
    let p = match params(query, STORIES_PARAMS) {
        Ok(p) => p,
        Err(why) => return Reply::api_error(400, why),
    };
    // A number that is not one is a bad request; a page past the last is not found.
    let number = |name: &str, default: usize, most: usize, past: u16| {
        let n = p
            .get(name)
            .map_or(Ok(default), |v| count(name, v))
            .map_err(|why| Reply::api_error(400, why))?;
        if n == 0 || n > most {
            return Err(Reply::api_error(
                past,
                format!("{name} must be 1 to {most}, not {n}"),
            ));
        }
        Ok(n)
    };
    let per_page = match number("per_page", PER_PAGE, MAX_PER_PAGE, 400) {
        Ok(n) => n,
        Err(reply) => return reply,
    };
    let catalog = &site.catalog;
    let pages = catalog.pages(per_page);
    let page = match number("page", 1, pages, 404) {
        Ok(n) => n,
        Err(reply) => return reply,
    };
    Reply::json(
        200,
        &StoriesPage {
            total: Totals {
                stories: catalog.len(),
                passages: catalog.passages(),
                langs: catalog.langs(),
            },
            page,
            pages,
            per_page,
            stories: catalog
                .page(page, per_page)
                .iter()
                .map(|info| Listed {
                    info,
                    aligned: info.lines_up(),
                })
                .collect(),
        },
    )
}

/// One story in one language, as `archive show --json` prints it, with `doc` and `aligned`.
#[derive(Serialize)]
struct StoryAnswer<'a> {
    #[serde(flatten)]
    record: output::json::StoryRecord<'a>,
    aligned: bool,
}

/// `/api/story?story=ID&lang=en[&q=…&exact=1]`.
pub fn story(site: &Site, query: &str) -> Reply {
    let p = match params(query, STORY_PARAMS) {
        Ok(p) => p,
        Err(why) => return Reply::api_error(400, why),
    };
    // `doc` is the older name of `story`, kept as an alias.
    let (Some(id), Some(lang)) = (p.get("story").or(p.get("doc")), p.get("lang")) else {
        return Reply::api_error(400, "story and lang are both needed");
    };
    let Some(lang) = archive::article::normalize_lang(lang) else {
        return Reply::api_error(400, format!("unknown language {lang:?}"));
    };
    let marks = match marks_request(&p) {
        Ok(m) => m,
        Err(why) => return Reply::api_error(400, why),
    };
    let read = site.with_searcher(|s| {
        if !s.languages().contains(&lang) {
            return Ok(Err(format!("the index holds no stories in {lang:?}")));
        }
        match marks {
            Some(b) => s.request(b).and_then(|r| s.marked_story(id, &lang, &r)),
            None => s.story(id, &lang),
        }
        .map(Ok)
    });
    match read {
        Ok(Err(why)) => Reply::api_error(400, why),
        Ok(Ok(Some(story))) => Reply::json(200, &answer(site, &story)),
        Ok(Ok(None)) => Reply::api_error(404, format!("no story {id:?} in {lang:?}")),
        Err(e) => library_error(e),
    }
}

fn answer<'a>(site: &Site, story: &'a Story) -> StoryAnswer<'a> {
    StoryAnswer {
        record: output::json::story(story),
        aligned: site
            .catalog
            .get(&story.story)
            .is_some_and(StoryInfo::lines_up),
    }
}

/// The query whose words are to be marked, when one is given.
fn marks_request(p: &BTreeMap<String, String>) -> Result<Option<RequestBuilder>, String> {
    let Some(q) = p.get("q") else {
        return match p.contains_key("exact") {
            true => Err("exact needs q (the query whose words to mark)".into()),
            false => Ok(None),
        };
    };
    let mut b = RequestBuilder::new(q.as_str());
    if let Some(v) = p.get("exact") {
        b = b.exact(flag("exact", v)?);
    }
    Ok(Some(b))
}
