//! Tests of [`super`]: a story word scores as the term queries it replaces.

use super::*;
use proptest::collection::vec;
use proptest::prelude::*;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, TermQuery};
use tantivy::schema::{Schema, FAST, INDEXED, TEXT};
use tantivy::{doc, Index};

const WORDS: [&str; 5] = ["ant", "bee", "cat", "dog", "elk"];

/// The words numbered `ns`, as a text.
fn words(ns: &[usize]) -> String {
    ns.iter().map(|&w| WORDS[w]).collect::<Vec<_>>().join(" ")
}

proptest! {
    /// Galloping finds what a binary search of the rest finds.
    #[test]
    fn the_next_story_is_the_first_at_or_after_the_document(
        mut documents in vec(0u32..2_000, 0..300),
        at in 0usize..300,
        doc in 0u32..2_100,
    ) {
        documents.sort_unstable();
        documents.dedup();
        let at = at.min(documents.len());
        let expected = at + documents[at..].partition_point(|&s| s < doc);
        prop_assert_eq!(next_story(&documents, at, doc), expected);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// A story word scores each story as a union of term queries did on a copy of the
    /// story's text (the `body` field it replaces) and on its title, over two segments.
    #[test]
    fn stories_score_as_on_a_copy_of_their_text(
        stories in vec(vec(vec(0..WORDS.len(), 0..9), 1..5), 1..9),
        titles in vec(vec(0..WORDS.len(), 0..4), 1..4),
        word in 0..WORDS.len(),
    ) {
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", TEXT);
        let body = schema.add_text_field("body", TEXT);
        let passage = schema.add_u64_field("passage", INDEXED);
        let length = schema.add_u64_field("story_length", FAST);
        let head = schema.add_text_field("head", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for (n, story) in stories.iter().enumerate() {
            let passages: Vec<String> = story
                .iter()
                .map(|p| words(p))
                .collect();
            for (i, p) in passages.iter().enumerate() {
                writer.add_document(doc!(text => p.as_str(), passage => i as u64 + 1)).unwrap();
            }
            let tokens = story.iter().map(Vec::len).sum::<usize>() as u64;
            writer
                .add_document(doc!(
                    body => passages.join(" "),
                    head => words(&titles[n % titles.len()]),
                    passage => 0u64,
                    length => tokens,
                ))
                .unwrap();
            if n == stories.len() / 2 {
                writer.commit().unwrap();
            }
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let stories = marked(&searcher, &Term::from_field_u64(passage, 0), length).unwrap();
        let top = TopDocs::with_limit(100).order_by_score();
        let term = |field| Term::from_field_text(field, WORDS[word]);
        let ours = StoryWord::of(term(text), term(head), &stories);
        let on = |field| -> Box<dyn Query> {
            Box::new(TermQuery::new(term(field), IndexRecordOption::WithFreqs))
        };
        let copy = BooleanQuery::new(vec![
            (Occur::Should, on(body)),
            (Occur::Should, Box::new(BoostQuery::new(on(head), TITLE_WEIGHT))),
        ]);
        let found = |q: &dyn Query| searcher.search(q, &top).unwrap();
        prop_assert_eq!(found(&ours), found(&copy));
    }
}
