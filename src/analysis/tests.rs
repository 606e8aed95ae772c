//! Unit tests of the analyzers.

use super::*;

fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
    let mut out = Vec::new();
    analyzer.token_stream(text).process(&mut |t: &Token| {
        out.push((t.text.clone(), t.offset_from, t.offset_to, t.position))
    });
    out
}

fn texts(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    tokens(analyzer, text).into_iter().map(|t| t.0).collect()
}

fn analyzers() -> Analyzers {
    Analyzers::new(vec!["努尔苏丹".into(), "托卡耶夫".into()])
}

#[test]
fn offsets_point_at_the_token_and_never_go_backwards() {
    let text = "中石油“SINOOIL”加油站遍布全城，TikTok社交软件 and Running trains";
    let toks = tokens(&mut analyzers().text(), text);
    let mut last = 0;
    for (term, from, to, _) in &toks {
        assert!(*from >= last, "{term} starts before the previous token");
        last = *from;
        let original = &text[*from..*to];
        let reanalyzed = texts(&mut analyzers().text(), original);
        assert!(
            reanalyzed.contains(term),
            "{term} at {from}..{to} is {original}"
        );
    }
    let terms: Vec<&str> = toks.iter().map(|t| t.0.as_str()).collect();
    for want in [
        "sinooil",
        "石油",
        "加油站",
        "tiktok",
        "社交",
        "软件",
        "run",
        "train",
    ] {
        assert!(terms.contains(&want), "{want} not in {terms:?}");
    }
    assert!(!terms.iter().any(|t| t.contains('“') || t.trim().is_empty()));
    let with_word = Analyzers::new(vec!["中石油".into()]);
    assert!(texts(&mut with_word.text(), text).contains(&"中石油".to_string()));
}

#[test]
fn positions_are_word_ordinals_across_scripts() {
    let toks = tokens(&mut analyzers().text(), "TikTok社交软件 is popular");
    let positions: Vec<(String, usize)> = toks.into_iter().map(|t| (t.0, t.3)).collect();
    assert_eq!(
        positions,
        vec![
            ("tiktok".to_string(), 0),
            ("社交".to_string(), 1),
            ("软件".to_string(), 2),
            ("is".to_string(), 3),
            ("popular".to_string(), 4)
        ]
    );
}

#[test]
fn subwords_share_their_words_position_and_offsets_stay_inside_it() {
    let toks = tokens(&mut analyzers().text(), "哈萨克斯坦首都");
    let word = toks
        .iter()
        .find(|t| t.0 == "哈萨克斯坦")
        .expect("whole word");
    let sub = toks.iter().find(|t| t.0 == "哈萨克").expect("sub-word");
    assert_eq!(sub.3, word.3);
    assert!(sub.1 >= word.1 && sub.2 <= word.2);
}

#[test]
fn traditional_text_folds_to_simplified_terms_with_original_offsets() {
    let text = "努爾蘇丹是首都";
    let toks = tokens(&mut analyzers().text(), text);
    let t = toks
        .iter()
        .find(|t| t.0 == "努尔苏丹")
        .expect("folded name");
    assert_eq!(&text[t.1..t.2], "努爾蘇丹");
}

#[test]
fn user_words_stay_whole() {
    assert!(texts(&mut analyzers().text(), "托卡耶夫总统").contains(&"托卡耶夫".to_string()));
}

#[test]
fn bigrams_cover_every_pair_and_do_not_span_runs() {
    let toks = tokens(&mut TextAnalyzer::from(BigramTokenizer), "霍尔果斯，口岸");
    let grams: Vec<(&str, usize)> = toks.iter().map(|t| (t.0.as_str(), t.3)).collect();
    assert_eq!(
        grams,
        vec![("霍尔", 0), ("尔果", 1), ("果斯", 2), ("口岸", 4)]
    );
}

#[test]
fn bigrams_have_the_byte_ranges_of_their_two_characters() {
    assert_eq!(
        bigrams("霍尔𠀀斯"),
        vec![(0, 6, "霍尔"), (3, 10, "尔𠀀"), (6, 13, "𠀀斯")]
    );
    assert_eq!(bigrams("霍"), vec![]);
    assert_eq!(bigrams(""), vec![]);
}

#[test]
fn common_punctuation_is_neither_letter_nor_digit() {
    let all = (0..=0x10FFFF).filter_map(char::from_u32);
    for c in all.filter(|&c| is_common_punctuation(c)) {
        assert!(!c.is_alphanumeric() && !is_han(c), "{c:?}");
    }
}

#[test]
fn latin_terms_never_touch_han_text() {
    assert_eq!(latin_terms("Trains 火车 running"), vec!["train", "run"]);
    assert_eq!(latin_words("Khorgos’ Café"), vec!["khorgos", "cafe"]);
}

#[test]
fn numbers_and_dates_are_terms_at_their_words_position() {
    let toks = tokens(
        &mut analyzers().text(),
        "新华社努尔苏丹9月12日电，全长1,700公里",
    );
    let at = |term: &str| toks.iter().find(|t| t.0 == term).map(|t| t.3);
    assert_eq!(at("9月12日"), at("9"));
    assert_eq!(at("12日"), at("12"));
    assert_eq!(at("1700公里"), at("1700"));
    let english = tokens(&mut analyzers().text(), "Nur-Sultan, September 12");
    assert!(
        english.iter().any(|t| t.0 == "9月12日" && t.3 == 2),
        "{english:?}"
    );
}

#[test]
fn fingerprint_changes_with_user_words() {
    assert_ne!(
        Analyzers::new(vec![]).fingerprint(),
        analyzers().fingerprint()
    );
}

#[test]
fn the_indexers_pass_drops_and_keeps_long_words_as_the_analyzers_do() {
    let analyzers = analyzers();
    for word in ["x", "É"] {
        let long = word.repeat(MAX_WORD_BYTES / word.len() + 1);
        let edge = "y".repeat(MAX_WORD_BYTES);
        let text = format!("{long} {edge} Ürümqi ＫＨＯＲＧＯＳ Running 霍尔果斯 {long}");
        let mut latin = Vec::new();
        let analysed = analyzers
            .passages()
            .analyse(&text, |_| {}, |w| latin.push(w.to_string()));
        let mut expected = String::new();
        analyzers
            .text()
            .token_stream(&text)
            .process(&mut |t: &Token| tokens::push(&mut expected, t.position, &t.text));
        assert_eq!(analysed.text, expected);
        assert_eq!(latin, latin_words(&text));
        assert!(latin.contains(&edge) && latin.len() == 4, "{latin:?}");
    }
}
