//! Unit tests of the plan, on a made-up index.

use super::*;
use crate::query::parse;

/// An index that knows `words` (text terms) and offers `near` as near spellings.
struct Index {
    words: &'static [&'static str],
    near: &'static [&'static str],
}

impl Vocabulary for Index {
    fn knows(&self, term: &str) -> bool {
        self.words.contains(&term)
    }

    fn near(&self, _: &str, _: u8) -> Vec<String> {
        self.near.iter().map(|w| w.to_string()).collect()
    }

    // Plans here are about their shape: no translations.
    fn dictionary(&self) -> Option<&'static crate::translate::Dictionary> {
        None
    }

    fn pinyin(&self, reading: &str) -> Vec<String> {
        let words = self
            .words
            .iter()
            .filter(|w| w.chars().all(crate::analysis::is_han));
        words
            .filter(|w| crate::analysis::pinyin::of_word(w).as_deref() == Some(reading))
            .map(|w| w.to_string())
            .collect()
    }
}

const INDEX: Index = Index {
    words: &["霍尔果斯", "无水港", "dri", "port", "crane"],
    near: &["khorgos"],
};

fn plan(query: &str, variants: &str, exact: bool) -> Plan {
    Plan::new(
        &parse(query).unwrap(),
        &INDEX,
        &Variants::parse(variants),
        exact,
    )
}

fn roles(clauses: &[Clause]) -> Vec<(&str, Role)> {
    clauses.iter().map(|c| (c.label.as_str(), c.role)).collect()
}

#[test]
fn function_words_are_a_role_not_a_label() {
    let p = plan("what is a dry port", "", false);
    assert_eq!(
        roles(&p.required),
        [
            ("what", Role::FunctionWord),
            ("is", Role::FunctionWord),
            ("a", Role::FunctionWord),
            ("dri", Role::Typed),
            ("port", Role::Typed)
        ]
    );
    assert!(!p.only_function_words());
    assert!(plan("the", "", false).only_function_words());
    // A quoted function word is a phrase as typed.
    assert_eq!(
        roles(&plan("\"the\"", "", false).required),
        [("\"the\"", Role::Typed)]
    );
}

#[test]
fn han_words_are_segmented_and_also_substrings() {
    let p = plan("霍尔果斯无水港", "", false);
    assert_eq!(p.terms(), ["霍尔果斯", "无水港"]);
    let Node::Any(parts) = &p.required[1].node else {
        panic!("{:?}", p.required[1])
    };
    assert_eq!(
        parts.iter().map(|c| (&c.node, c.role)).collect::<Vec<_>>(),
        [
            (&Node::Term("无水港".into()), Role::Typed),
            (&Node::Grams("无水港".into()), Role::Substring)
        ]
    );
    assert_eq!(
        p.marks.han,
        ["无水港".to_string(), "霍尔果斯".to_string()].into()
    );
    // The run as typed is kept whole too, for evidence its words alone cannot give.
    assert_eq!(p.han_runs, ["霍尔果斯无水港"]);
    assert!(plan("霍尔果斯 无水港", "", false).han_runs.is_empty());
}

#[test]
fn unknown_words_add_near_spellings_once() {
    let p = plan("Khorgoss crane Khorgoss", "", false);
    assert_eq!(
        p.terms(),
        ["khorgoss ~ khorgo", "crane", "khorgoss ~ khorgo"]
    );
    assert_eq!(
        p.expansions,
        [Expansion {
            from: "Khorgoss".into(),
            to: vec!["khorgos".into()],
            kind: ExpansionKind::Spelling
        }]
    );
    let Node::Any(parts) = &p.required[0].node else {
        panic!("{:?}", p.required[0])
    };
    assert_eq!(
        roles(parts),
        [("khorgoss", Role::Typed), ("khorgo", Role::Spelling)]
    );
    assert!(plan("Khorgoss", "", true).expansions.is_empty());
    let long = "k".repeat(MAX_SPELLING_LETTERS + 1);
    assert!(plan(&long, "", false).expansions.is_empty());
}

#[test]
fn names_expand_through_the_variant_list_as_a_whole() {
    let p = plan("Xi Jinping port", "Xi Jinping | 习近平", false);
    assert_eq!(p.terms(), ["\"xi jinp\" | 习近平", "port"]);
    let Node::Any(parts) = &p.required[0].node else {
        panic!("{:?}", p.required[0])
    };
    assert_eq!(
        roles(parts),
        [("\"xi jinp\"", Role::Typed), ("习近平", Role::Variant)]
    );
    assert_eq!(p.expansions.len(), 1);
    assert_eq!(
        plan("Xi Jinping", "Xi Jinping | 习近平", true).terms(),
        ["xi", "jinp"]
    );
}

#[test]
fn exclusions_take_other_names_but_no_spelling_and_are_neither_marked_nor_reported() {
    let p = plan("crane -Khorgoss -Astana", "Astana | Nur-Sultan", false);
    assert_eq!(roles(&p.excluded)[0], ("khorgoss", Role::Typed));
    assert!(
        p.excluded[1].label.contains("astana") && p.excluded[1].label.contains("nur sultan"),
        "{:?}",
        p.excluded[1]
    );
    assert!(p.expansions.is_empty());
    assert_eq!(p.marks.stems, ["crane".to_string()].into());
    assert!(
        p.excluded_marks.stems.contains("nur"),
        "{:?}",
        p.excluded_marks
    );
    // --exact: exclusions as typed.
    let p = plan("crane -Astana", "Astana | Nur-Sultan", true);
    assert_eq!(roles(&p.excluded), [("astana", Role::Typed)]);
}
