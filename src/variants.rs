//! The archive's variant list (`variants.txt`): groups of names that mean the same thing across
//! spellings and scripts, one group a line, members separated by `|`.

use std::path::Path;
use std::sync::OnceLock;

use crate::analysis::{each_word, fold_han, has_han, runs, RunKind};
use crate::corpus::VARIANTS_FILE;
use crate::error::{Error, Result};

/// Most members of one group: a name has a handful of spellings and scripts, and every
/// member is a term of the query, so a huge group would make every search slow and huge.
pub const MAX_MEMBERS: usize = 16;
/// Most names one query word (or run of words) is expanded to, over all its groups.
pub const MAX_EXPANSIONS: usize = 16;

/// All variant groups of an archive.
#[derive(Debug, Clone, Default)]
pub struct Variants {
    /// Each group's members.
    groups: Vec<Vec<Member>>,
    /// Lines (from 1) whose group was cut to [`MAX_MEMBERS`].
    cut: Vec<usize>,
}

/// A member of a group, its key computed when first compared: a search compares only the
/// members written in the query's kind of script (a key holds Han characters exactly when its
/// member does), and most searches none, where computing every key cost a tenth of a search on
/// the bundled archive.
#[derive(Debug, Clone)]
struct Member {
    text: String,
    han: bool,
    key: OnceLock<String>,
}

impl Member {
    fn new(text: &str) -> Member {
        Member {
            text: text.to_string(),
            han: has_han(text),
            key: OnceLock::new(),
        }
    }

    /// True when this member's key is `k` (`han`: whether `k` holds Han characters).
    fn is(&self, k: &str, han: bool) -> bool {
        self.han == han && self.key.get_or_init(|| key(&self.text)) == k
    }
}

/// The form two spellings are compared in: letters and digits only, lowercased, accents
/// dropped, traditional characters folded (`Nur-Sultan` → `nursultan`).
/// Words are taken as [`each_word`] gives them, without an analyzer for the ASCII ones.
pub fn key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (kind, _, run) in runs(text) {
        match kind {
            RunKind::Han => out.push_str(&fold_han(run)),
            RunKind::Word => each_word(run, |_, _, word| out.push_str(word)),
        }
    }
    out
}

impl Variants {
    /// Parses the variant list's text; a group over [`MAX_MEMBERS`] keeps its first ones.
    pub fn parse(text: &str) -> Variants {
        let mut variants = Variants::default();
        for (at, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("");
            let mut group: Vec<Member> = line
                .split('|')
                .map(str::trim)
                .filter(|m| !m.is_empty())
                .take(MAX_MEMBERS + 1)
                .map(Member::new)
                .collect();
            if group.len() > MAX_MEMBERS {
                group.truncate(MAX_MEMBERS);
                variants.cut.push(at + 1);
            }
            if group.len() >= 2 {
                variants.groups.push(group);
            }
        }
        variants
    }

    /// Lines (from 1) whose group had more than [`MAX_MEMBERS`] members and was cut.
    pub fn cut_lines(&self) -> &[usize] {
        &self.cut
    }

    /// Loads `variants.txt` from the archive folder (none if absent).
    pub fn load(archive: &Path) -> Result<Variants> {
        let path = archive.join(VARIANTS_FILE);
        match crate::corpus::read_regular(&path, crate::corpus::MAX_FILE_BYTES) {
            Ok(bytes) => {
                let (text, _) = crate::corpus::decode(&bytes)
                    .map_err(|why| Error::Invalid(format!("{}: {why}", path.display())))?;
                Ok(Variants::parse(&text))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Variants::default()),
            Err(e) => Err(Error::io(path, e)),
        }
    }

    /// The other members of every group holding a member whose key is `k`, the first
    /// [`MAX_EXPANSIONS`] of them.
    pub fn others(&self, k: &str) -> Vec<String> {
        let han = has_han(k);
        let mut out: Vec<String> = Vec::new();
        for group in &self.groups {
            if group.iter().any(|m| m.is(k, han)) {
                for m in group {
                    if out.len() == MAX_EXPANSIONS {
                        return out;
                    }
                    if !m.is(k, han) && !out.contains(&m.text) {
                        out.push(m.text.clone());
                    }
                }
            }
        }
        out
    }

    /// True when no group is loaded.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_match_across_spelling_and_script() {
        let v = Variants::parse(
            "# names\nKhorgos | Khorgas | 霍尔果斯\nNur-Sultan|Astana|努尔苏丹\nlonely\n",
        );
        assert_eq!(v.others(&key("khorgos")), vec!["Khorgas", "霍尔果斯"]);
        assert_eq!(v.others(&key("努爾蘇丹")), vec!["Nur-Sultan", "Astana"]);
        assert_eq!(v.others(&key("NUR SULTAN")), vec!["Astana", "努尔苏丹"]);
        assert!(v.others(&key("lonely")).is_empty());
    }

    #[test]
    fn groups_and_expansions_are_bounded() {
        let names = |prefix: &str, n: usize| -> String {
            let names: Vec<String> = (0..n).map(|i| format!("{prefix}{i}")).collect();
            format!("x | {}\n", names.join(" | "))
        };
        let v = Variants::parse(&(names("a", 10) + &names("b", 100_000) + &names("c", 15)));
        assert_eq!(v.cut_lines(), [2]);
        assert_eq!(v.groups[1].len(), MAX_MEMBERS);
        let others = v.others(&key("x"));
        assert_eq!(others.len(), MAX_EXPANSIONS);
        assert_eq!(
            others[..11],
            ["a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9", "b0"]
        );
    }

    proptest::proptest! {
        #[test]
        fn a_key_is_the_analyzers_words_joined(
            picks in proptest::collection::vec(0usize..14, 0..12)
        ) {
            let long = "x".repeat(70);
            let pieces = [
                "Nur-Sultan", " ", "Ürümqi", "1,700", "霍尔果斯", "努爾蘇丹", "don't", "BRI",
                "İstanbul", "Ｋｈｏｒｇｏｓ", "straße", &long, "·", "A1b2",
            ];
            let text: String = picks.iter().map(|&i| pieces[i]).collect();
            let mut latin = crate::analysis::latin_unstemmed();
            let by_analyzer: String = runs(&text)
                .map(|(kind, _, run)| match kind {
                    RunKind::Han => fold_han(run).into_owned(),
                    RunKind::Word => crate::analysis::collect(&mut latin, run).concat(),
                })
                .collect();
            proptest::prop_assert_eq!(key(&text), by_analyzer);
            // What `Member::is` relies on.
            proptest::prop_assert_eq!(
                has_han(&key(&text)),
                has_han(&text)
            );
        }
    }
}
