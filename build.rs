//! Files the translation list's early senses by their stems, and its words in order
//! (`OUT_DIR/senses.rs`, read by `src/translate.rs`), so that a lookup either way is a binary
//! search: no query stems, sorts or scans the list. Stemmed with the Snowball English stemmer
//! the index's analyzer uses (tantivy's `stemmer` feature, `frostem`, pinned to the same
//! version); a test there checks every key against the analyzer itself.
//!
//! Also writes fast2s's traditional → simplified table (`OUT_DIR/t2s.rs`), and folds the
//! regional vocabulary to simplified characters and prepares its tables
//! (`OUT_DIR/regional*`, read by `src/analysis/regional.rs`), so that no process builds
//! fast2s's map, converts 1,500 phrases, folds the table into itself, parses it or hashes it
//! on its first Han text or opening of an index;
//! tests in `src/analysis` check the tables against fast2s and the analyzer's own folding.

use std::collections::HashSet;
use std::path::Path;
use std::{env, fs, path::PathBuf};

// The regional vocabulary's phrase matching, as the analyzer runs it (`regional_folds.rs`);
// the build needs only part of it.
#[path = "src/analysis/phrases.rs"]
#[allow(dead_code)]
mod phrases;
use phrases::Phrases;

/// The senses of an entry that may translate an English word (later ones are too far from its
/// meaning; the test in `src/translate.rs` files as many).
const SENSES_FILED: usize = 6;

/// A sense's terms as the index's analyzer makes them of ASCII text without digits: runs of
/// letters, lowercased, stemmed.
fn stems(stemmer: &frostem::Stemmer, sense: &str) -> Vec<String> {
    assert!(
        sense.bytes().all(|b| b.is_ascii() && !b.is_ascii_digit()),
        "data/cedict.tsv: {sense:?} is not ASCII letters (the build's stemming assumes it)"
    );
    sense
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| stemmer.stem(&w.to_ascii_lowercase()).into_owned())
        .collect()
}

fn main() {
    println!("cargo:rerun-if-changed=data/cedict.tsv");
    println!("cargo:rerun-if-changed=build.rs");
    let list = fs::read_to_string("data/cedict.tsv").expect("data/cedict.tsv");
    let stemmer = frostem::Stemmer::new(frostem::Algorithm::English);
    // (key, rank, word offset): a sense translates the words whose stems, joined by a space,
    // are its key; ranked by its place among its entry's senses, then the list's (frequency)
    // order.
    let mut filed: Vec<(String, usize, usize)> = Vec::new();
    // (word, the byte offset of its line): a word listed twice is found at its first line.
    let mut words: Vec<(&str, usize)> = Vec::new();
    let mut offset = 0;
    for line in list.split_inclusive('\n') {
        if let Some(tab) = line.find('\t').filter(|_| !line.starts_with('#')) {
            let word = &line[..tab];
            words.push((word, offset));
            for (i, sense) in line[tab + 1..].trim_end().split('|').enumerate() {
                if i == SENSES_FILED {
                    break;
                }
                // A single character is too ambiguous to stand for anything but its first sense.
                let stems = stems(&stemmer, sense);
                if !stems.is_empty() && (i == 0 || word.chars().count() > 1) {
                    filed.push((stems.join(" "), i, offset));
                    // A two-word sense translates its last word, after every whole sense:
                    // `software package` (软件包) is a package.
                    if let [_, last] = stems.as_slice() {
                        filed.push((last.clone(), SENSES_FILED + i, offset));
                    }
                }
            }
        }
        offset += line.len();
    }
    filed.sort();
    let mut keys = String::new();
    let mut entries = String::new();
    for (i, (key, _, word)) in filed.iter().enumerate() {
        if i == 0 || filed[i - 1].0 != *key {
            keys.push_str(key);
            keys.push('\n');
        }
        let key_at = keys.len() - key.len() - 1;
        entries.push_str(&format!("({key_at},{word}),"));
    }
    words.sort();
    let by_word: String = words.iter().map(|(_, line)| format!("{line},")).collect();
    let out = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    regional(&out);
    t2s(&out);
    fs::write(out.join("sense_keys.txt"), keys).expect("OUT_DIR is writable");
    let code = format!(
        "/// Every key, once, each ended by a newline, in order.\n\
         static KEYS: &str = include_str!(concat!(env!(\"OUT_DIR\"), \"/sense_keys.txt\"));\n\
         /// (its key's offset in [`KEYS`], the byte offset of its word's line in the list), by\n\
         /// key, then best first.\n\
         static FILED: &[(u32, u32)] = &[{entries}];\n\
         /// The byte offset of each word's line in the list, by word.\n\
         static BY_WORD: &[u32] = &[{by_word}];\n"
    );
    fs::write(out.join("senses.rs"), code).expect("OUT_DIR is writable");
}

/// The regional vocabulary (`src/analysis/regional_tw.tsv`) as the analyzer uses it, in three
/// tables of pairs, both sides folded to simplified characters (by fast2s, pinned to the
/// analyzer's version), and the table's identity (`regional_id.txt`):
/// - `regional.tsv`, the pairs (Taiwan, mainland): pairs whose sides then agree are dropped,
///   each Taiwan form is kept once (its first entry), and a Taiwan form that is also a
///   mainland form in the table is left out (Taiwan's `文件` is a document, the mainland's a
///   file: `檔案`);
/// - `regional_folds.rs`, the pairs of equal byte length, folded in place, with each mainland
///   form itself folded (`以太网路由器` holds `网路`), so folding twice gives what folding once
///   gave;
/// - `regional_partners.rs`, the forms of the pairs of unequal length as folding leaves them,
///   each once, with its partner.
fn regional(out: &Path) {
    const TABLE: &str = "src/analysis/regional_tw.tsv";
    println!("cargo:rerun-if-changed={TABLE}");
    println!("cargo:rerun-if-changed=src/analysis/phrases.rs");
    let table = fs::read_to_string(TABLE).expect(TABLE);
    let mut seen = HashSet::new();
    let mut all: Vec<(String, String)> = Vec::new();
    for line in table.lines().filter(|l| !l.starts_with('#')) {
        let Some((tw, cn)) = line.split_once('\t') else {
            continue;
        };
        let (tw, cn) = (fast2s::convert(tw), fast2s::convert(cn));
        if tw != cn && seen.insert(tw.clone()) {
            all.push((tw, cn));
        }
    }
    let mainland: HashSet<String> = all.iter().map(|(_, c)| c.clone()).collect();
    all.retain(|(tw, _)| !mainland.contains(tw));
    let all: Vec<(&str, &str)> = all.iter().map(|(tw, cn)| (&**tw, &**cn)).collect();
    write_pairs(out.join("regional.tsv"), &all);
    // The table's identity for the analyzer's fingerprint, hashed here rather than at every
    // opening of an index.
    let id = &blake3::hash(table.as_bytes()).to_hex()[..16];
    fs::write(out.join("regional_id.txt"), id).expect("OUT_DIR is writable");

    let (taiwan, mainland): (Vec<&str>, Vec<&str>) = all
        .iter()
        .filter(|(tw, cn)| tw.len() == cn.len())
        .copied()
        .unzip();
    let taiwan_forms = Phrases::new(&taiwan);
    let folded: Vec<String> = mainland
        .iter()
        .map(|cn| taiwan_forms.replace_all(cn, &mainland).into_owned())
        .collect();
    let folded: Vec<&str> = folded.iter().map(String::as_str).collect();
    let folds: Vec<(&str, &str)> = taiwan.iter().copied().zip(folded.iter().copied()).collect();
    write_table(out.join("regional_folds.rs"), "FOLDS", &folds);

    let fold = |text: &str| taiwan_forms.replace_all(text, &folded).into_owned();
    let mut partners: Vec<(String, String)> = Vec::new();
    for (tw, cn) in &all {
        let (tw, cn) = (fold(tw), fold(cn));
        if tw.len() == cn.len() {
            continue;
        }
        for (form, other) in [(&tw, &cn), (&cn, &tw)] {
            if !partners.iter().any(|(f, _)| f == form) {
                partners.push((form.clone(), other.clone()));
            }
        }
    }
    let partners: Vec<(&str, &str)> = partners.iter().map(|(f, p)| (&**f, &**p)).collect();
    write_table(out.join("regional_partners.rs"), "PARTNERS", &partners);
}

fn write_pairs(path: PathBuf, pairs: &[(&str, &str)]) {
    let lines: String = pairs.iter().map(|(a, b)| format!("{a}\t{b}\n")).collect();
    fs::write(path, lines).expect("OUT_DIR is writable");
}

/// `pairs` as the Rust array `name`, so that no process parses them.
fn write_table(path: PathBuf, name: &str, pairs: &[(&str, &str)]) {
    let items: String = pairs
        .iter()
        .map(|(a, b)| format!("({a:?},{b:?}),"))
        .collect();
    let code = format!("static {name}: &[(&str, &str)] = &[{items}];\n");
    fs::write(path, code).expect("OUT_DIR is writable");
}

/// fast2s's conversion of every three-byte character taken alone, the characters it changes in
/// order (`OUT_DIR/t2s.rs`, read by `src/analysis/t2s.rs`). Only three-byte characters are ever
/// converted by fast2s.
fn t2s(out: &Path) {
    let mut table = String::from("/// (traditional, simplified), by the traditional character.\nconst T2S: &[(char, char)] = &[");
    for c in '\u{800}'..='\u{FFFF}' {
        let converted = fast2s::convert(&c.to_string());
        let mut chars = converted.chars();
        if let (Some(s), None) = (chars.next(), chars.next()) {
            if s != c {
                table.push_str(&format!("({c:?},{s:?}),"));
            }
        }
    }
    table.push_str("];\n");
    fs::write(out.join("t2s.rs"), table).expect("OUT_DIR is writable");
}
