//! Stage 1, the request: what to search for and how, validated once. The command line and
//! `archive serve` both build it through [`RequestBuilder`], so both accept the same values
//! within the same limits and refuse the rest with the same message.

use std::collections::BTreeSet;

use time::{Date, Month};

use crate::article::normalize_lang;
use crate::error::{Error, Result};

/// Longest query, in characters: far beyond anything typed, short enough that no query is slow.
pub const MAX_QUERY_CHARS: usize = 500;
/// Most words and phrases in one query.
pub const MAX_QUERY_ITEMS: usize = 64;
/// Most hits, and most passages per story, one request may ask for.
pub const MAX_LIMIT: usize = 1000;

/// A validated request. Build one with [`RequestBuilder`].
#[derive(Debug, Clone)]
pub struct Request {
    pub(crate) query: String,
    pub(crate) limit: usize,
    pub(crate) lang: Option<String>,
    pub(crate) exact: bool,
    pub(crate) per_story: usize,
    pub(crate) story: Option<String>,
    pub(crate) since: Option<Date>,
    pub(crate) until: Option<Date>,
    pub(crate) explain: bool,
}

impl Request {
    /// The defaults (10 hits, 3 per story, no filters), unchecked: for the library's own
    /// searches (the self-test), which may exceed the limits set for users.
    pub(crate) fn new(query: impl Into<String>) -> Self {
        Request {
            query: query.into(),
            limit: 10,
            lang: None,
            exact: false,
            per_story: 3,
            story: None,
            since: None,
            until: None,
            explain: false,
        }
    }

    /// The query text.
    pub fn query(&self) -> &str {
        &self.query
    }

    /// Most hits to return.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Most passages per story.
    pub fn per_story(&self) -> usize {
        self.per_story
    }

    /// Only passages in this language.
    pub fn lang(&self) -> Option<&str> {
        self.lang.as_deref()
    }

    /// No spelling tolerance and no variant expansion.
    pub fn exact(&self) -> bool {
        self.exact
    }

    /// Only this story.
    pub fn story(&self) -> Option<&str> {
        self.story.as_deref()
    }

    /// Only stories dated on or after this day.
    pub fn since(&self) -> Option<Date> {
        self.since
    }

    /// Only stories dated on or before this day.
    pub fn until(&self) -> Option<Date> {
        self.until
    }

    /// Fill each hit's per-term score.
    pub fn explain(&self) -> bool {
        self.explain
    }
}

/// A request as given (command-line flags or URL parameters), not yet checked.
#[derive(Debug, Clone, Default)]
pub struct RequestBuilder {
    query: String,
    limit: Option<usize>,
    per_story: Option<usize>,
    lang: Option<String>,
    story: Option<String>,
    since: Option<String>,
    until: Option<String>,
    exact: bool,
    explain: bool,
}

impl RequestBuilder {
    /// A request for `query` with the defaults: 10 hits, 3 per story, no filters.
    pub fn new(query: impl Into<String>) -> Self {
        RequestBuilder {
            query: query.into(),
            ..RequestBuilder::default()
        }
    }

    /// Most hits (1 to [`MAX_LIMIT`]).
    pub fn limit(mut self, n: usize) -> Self {
        self.limit = Some(n);
        self
    }

    /// Most passages per story (1 to [`MAX_LIMIT`]).
    pub fn per_story(mut self, n: usize) -> Self {
        self.per_story = Some(n);
        self
    }

    /// Only passages in this language (`en`, `zh`, `zh-TW`, …).
    pub fn lang(mut self, lang: impl Into<String>) -> Self {
        self.lang = Some(lang.into());
        self
    }

    /// Only this story.
    pub fn story(mut self, story: impl Into<String>) -> Self {
        self.story = Some(story.into());
        self
    }

    /// Only stories dated on or after this day (`YYYY-MM-DD`).
    pub fn since(mut self, day: impl Into<String>) -> Self {
        self.since = Some(day.into());
        self
    }

    /// Only stories dated on or before this day (`YYYY-MM-DD`).
    pub fn until(mut self, day: impl Into<String>) -> Self {
        self.until = Some(day.into());
        self
    }

    /// No spelling tolerance and no variant expansion.
    pub fn exact(mut self, yes: bool) -> Self {
        self.exact = yes;
        self
    }

    /// Fill each hit's per-term score.
    pub fn explain(mut self, yes: bool) -> Self {
        self.explain = yes;
        self
    }

    /// Checks what does not depend on the index (the query's size, the limits, the dates),
    /// so that a front end can refuse a bad request before opening or building the index.
    pub fn check(&self) -> Result<()> {
        self.checked().map(|_| ())
    }

    /// Checks every value; `held` are the languages the index holds.
    pub fn build(self, held: &BTreeSet<String>) -> Result<Request> {
        let Checked {
            limit,
            per_story,
            since,
            until,
        } = self.checked()?;
        Ok(Request {
            lang: self.lang.map(|l| language(&l, held)).transpose()?,
            query: self.query,
            limit,
            per_story,
            exact: self.exact,
            story: self.story,
            since,
            until,
            explain: self.explain,
        })
    }

    fn checked(&self) -> Result<Checked> {
        let chars = self.query.chars().count();
        if chars > MAX_QUERY_CHARS {
            return Err(invalid(format!(
                "the query is {chars} characters long; at most {MAX_QUERY_CHARS}"
            )));
        }
        let items = self.query.split_whitespace().count();
        if items > MAX_QUERY_ITEMS {
            return Err(invalid(format!(
                "the query has {items} words; at most {MAX_QUERY_ITEMS}"
            )));
        }
        Ok(Checked {
            limit: count("limit", self.limit.unwrap_or(10))?,
            per_story: count("per-story", self.per_story.unwrap_or(3))?,
            since: self.since.as_deref().map(day).transpose()?,
            until: self.until.as_deref().map(day).transpose()?,
        })
    }
}

/// The values of a request that are checked without the index.
struct Checked {
    limit: usize,
    per_story: usize,
    since: Option<Date>,
    until: Option<Date>,
}

fn invalid(message: String) -> Error {
    Error::Invalid(message)
}

fn count(name: &str, n: usize) -> Result<usize> {
    if (1..=MAX_LIMIT).contains(&n) {
        Ok(n)
    } else {
        Err(invalid(format!(
            "{name} must be from 1 to {MAX_LIMIT}, not {n}"
        )))
    }
}

/// A language tag the index holds, normalised (`zh-TW` → `zh`).
fn language(tag: &str, held: &BTreeSet<String>) -> Result<String> {
    let listed = || held.iter().cloned().collect::<Vec<_>>().join(", ");
    let Some(lang) = normalize_lang(tag) else {
        return Err(invalid(format!(
            "unknown language {tag:?}; the index holds {}",
            listed()
        )));
    };
    if held.contains(&lang) {
        Ok(lang)
    } else {
        Err(invalid(format!(
            "no stories in {lang}; the index holds {}",
            listed()
        )))
    }
}

/// A calendar day written `YYYY-MM-DD` (`2022-02-31` is not one).
pub fn day(text: &str) -> Result<Date> {
    let bad = || {
        invalid(format!(
            "date {text:?} is not YYYY-MM-DD (a real calendar day)"
        ))
    };
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(bad());
    }
    let number = |r: std::ops::Range<usize>| -> Result<u16> {
        let s = &text[r];
        if s.bytes().all(|c| c.is_ascii_digit()) {
            s.parse().map_err(|_| bad())
        } else {
            Err(bad())
        }
    };
    let month = Month::try_from(number(5..7)? as u8).map_err(|_| bad())?;
    Date::from_calendar_date(number(0..4)? as i32, month, number(8..10)? as u8).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held() -> BTreeSet<String> {
        ["en".to_string(), "zh".to_string()].into()
    }

    fn message(b: RequestBuilder) -> String {
        b.build(&held()).unwrap_err().to_string()
    }

    #[test]
    fn days_are_real_calendar_days() {
        assert_eq!(day("2022-09-12").unwrap().to_string(), "2022-09-12");
        assert!(day("2024-02-29").is_ok());
        for bad in [
            "2022-02-31",
            "2023-02-29",
            "2022-13-01",
            "2022-9-12",
            "２０２２-09-12",
            "+022-09-12",
        ] {
            assert!(day(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn languages_must_be_held() {
        let r = RequestBuilder::new("x")
            .lang("zh-TW")
            .build(&held())
            .unwrap();
        assert_eq!(r.lang(), Some("zh"));
        assert_eq!(
            message(RequestBuilder::new("x").lang("fr")),
            "no stories in fr; the index holds en, zh"
        );
        assert_eq!(
            message(RequestBuilder::new("x").lang("fr1")),
            "unknown language \"fr1\"; the index holds en, zh"
        );
    }

    #[test]
    fn limits_bound_every_request() {
        assert_eq!(
            message(RequestBuilder::new("x").limit(0)),
            "limit must be from 1 to 1000, not 0"
        );
        assert!(RequestBuilder::new("x")
            .per_story(1001)
            .build(&held())
            .is_err());
        assert!(RequestBuilder::new("字".repeat(501))
            .build(&held())
            .is_err());
        assert!(RequestBuilder::new("字".repeat(500)).build(&held()).is_ok());
        assert!(RequestBuilder::new("a ".repeat(65)).build(&held()).is_err());
        let r = RequestBuilder::new("x").build(&held()).unwrap();
        assert_eq!((r.limit(), r.per_story()), (10, 3));
    }
}
