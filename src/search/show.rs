//! A whole story for `archive show` and the reader: every passage of one language version in
//! order, marked as a hit's passage is when a query is given.

use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Term};

use super::stored::LastStory;
use super::units::Within;
use super::{highlight, Request, Searcher, Story, StoryPassage};
use crate::error::Result;
use crate::schema::UNPAIRED;
use crate::store;

impl Searcher {
    /// The story `story` in language `lang`, every passage in order; `None` when the index
    /// has no such story in that language.
    pub fn story(&self, story: &str, lang: &str) -> Result<Option<Story>> {
        store::guarded(&self.opened.dir, self.opened.commit, || {
            self.read_story(story, lang)
        })
    }

    /// [`Searcher::story`] with every word `request`'s query matches (its expansions
    /// included) marked in every passage, as a hit's passage is marked.
    pub fn marked_story(
        &self,
        story: &str,
        lang: &str,
        request: &Request,
    ) -> Result<Option<Story>> {
        let marks = self.plan(request)?.marks;
        let mut found = self.story(story, lang)?;
        for p in found.iter_mut().flat_map(|s| s.passages.iter_mut()) {
            p.highlights = Some(highlight::highlight(&p.text, &marks));
        }
        Ok(found)
    }

    fn read_story(&self, story: &str, lang: &str) -> Result<Option<Story>> {
        let f = &self.opened.fields;
        let term = |field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            ))
        };
        let query = BooleanQuery::new(vec![
            (Occur::Must, term(f.story, story)),
            (Occur::Must, term(f.lang, lang)),
        ]);
        let stored = self.stored();
        // Its story documents (only they hold the story and language), then their passages.
        let found: Vec<DocAddress> = self
            .searcher
            .search(&query, &DocSetCollector)?
            .into_iter()
            .collect();
        let within = Within::stories(&self.searcher, &stored.columns()?.unit, &found);
        let mut passages = Vec::new();
        let mut last = LastStory::default();
        for address in self.searcher.search(&within, &DocSetCollector)? {
            passages.push(stored.passage(address, &mut last)?);
        }
        passages.retain(|p| p.passage > 0);
        passages.sort_by_key(|p| p.passage);
        let Some(first) = passages.first() else {
            return Ok(None);
        };
        let langs = stored.story_langs(story)?;
        Ok(Some(Story {
            story: story.to_string(),
            lang: lang.to_string(),
            title: first.title.clone(),
            date: first.date.clone(),
            path: first.path.clone(),
            langs: langs.into_iter().collect(),
            passages: passages
                .into_iter()
                .map(|p| StoryPassage {
                    passage: p.passage,
                    align: if p.align >= UNPAIRED { 0 } else { p.align },
                    text: p.text,
                    highlights: None,
                })
                .collect(),
        }))
    }
}
