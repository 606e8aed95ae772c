//! Files the translation list's early senses by the first two letters of their first word
//! (`OUT_DIR/senses.rs`, read by `src/translate.rs`), so that no query sorts the 40,000-line
//! list: an English word's translations are among the few senses sharing its stem's lead.

use std::{env, fs, path::Path};

/// The senses of an entry that may translate an English word (`translate::MAX_SENSE` + 1;
/// a test there checks every such sense is filed).
const SENSES_FILED: usize = 6;

/// The first two characters of a sense's first word, lowercased, as its stem starts. The
/// Snowball English stemmer keeps them but for three words of its exception list.
fn lead(sense: &str) -> String {
    let first = sense
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())
        .unwrap_or_default()
        .to_lowercase();
    let first = match first.as_str() {
        "dying" => "die",
        "lying" => "lie",
        "tying" => "tie",
        other => other,
    };
    first.chars().take(2).collect()
}

fn main() {
    println!("cargo:rerun-if-changed=data/cedict.tsv");
    println!("cargo:rerun-if-changed=build.rs");
    let list = fs::read_to_string("data/cedict.tsv").expect("data/cedict.tsv");
    // (lead, the sense's byte offset in the list): offsets follow the list's frequency order.
    let mut filed: Vec<(String, usize)> = Vec::new();
    let mut offset = 0;
    for line in list.split_inclusive('\n') {
        if let Some(tab) = line.find('\t').filter(|_| !line.starts_with('#')) {
            let mut start = offset + tab + 1;
            for sense in line[tab + 1..].trim_end().split('|').take(SENSES_FILED) {
                filed.push((lead(sense), start));
                // A two-word sense also translates its last word (`software package`).
                let words: Vec<&str> = sense
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .collect();
                if let [_, last] = words.as_slice() {
                    filed.push((lead(last), start));
                }
                start += sense.len() + 1;
            }
        }
        offset += line.len();
    }
    filed.sort();
    filed.dedup();
    let mut leads = String::new();
    let mut senses = String::new();
    let mut from = 0;
    for (i, (lead, start)) in filed.iter().enumerate() {
        senses.push_str(&format!("{start},"));
        if filed.get(i + 1).is_none_or(|(next, _)| next != lead) {
            leads.push_str(&format!("({lead:?}, {from}, {}),", i + 1));
            from = i + 1;
        }
    }
    let out = Path::new(&env::var("OUT_DIR").expect("OUT_DIR")).join("senses.rs");
    let code = format!(
        "/// Each lead with its range in [`SENSES`], by lead.\n\
         static LEADS: &[(&str, usize, usize)] = &[{leads}];\n\
         /// Byte offsets in the list of the senses filed, by lead, then in the list's order.\n\
         static SENSES: &[u32] = &[{senses}];\n"
    );
    fs::write(out, code).expect("OUT_DIR is writable");
}
