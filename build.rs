//! Files the translation list's early senses by their stems, and its words in order
//! (`OUT_DIR/senses.rs`, read by `src/translate.rs`), so that a lookup either way is a binary
//! search: no query stems, sorts or scans the list. Stemmed with the Snowball English stemmer
//! the index's analyzer uses (tantivy's `stemmer` feature, `frostem`, pinned to the same
//! version); a test there checks every key against the analyzer itself.

use std::{env, fs, path::PathBuf};

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
