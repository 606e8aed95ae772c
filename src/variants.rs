//! The archive's variant list (`variants.txt`): groups of names that mean the same thing across
//! spellings and scripts, one group a line, members separated by `|`.

use std::path::Path;

use tantivy::tokenizer::TextAnalyzer;

use crate::analysis::{collect, fold_han, latin_unstemmed, runs, RunKind};
use crate::corpus::VARIANTS_FILE;
use crate::error::{Error, Result};

/// All variant groups of an archive.
#[derive(Debug, Clone, Default)]
pub struct Variants {
    /// Each group's members with their keys.
    groups: Vec<Vec<(String, String)>>,
}

/// The form two spellings are compared in: letters and digits only, lowercased, accents
/// dropped, traditional characters folded (`Nur-Sultan` → `nursultan`).
pub fn key(text: &str) -> String {
    key_with(&mut latin_unstemmed(), text)
}

/// [`key`] with the analyzer `latin` (a [`latin_unstemmed`]) reused.
fn key_with(latin: &mut TextAnalyzer, text: &str) -> String {
    runs(text)
        .map(|(kind, _, run)| match kind {
            RunKind::Han => fold_han(run).into_owned(),
            RunKind::Word => collect(latin, run).concat(),
        })
        .collect()
}

impl Variants {
    /// Parses the variant list's text.
    pub fn parse(text: &str) -> Variants {
        let mut latin = latin_unstemmed();
        let groups = text
            .lines()
            .map(|l| l.split('#').next().unwrap_or(""))
            .map(|l| {
                l.split('|')
                    .map(str::trim)
                    .filter(|m| !m.is_empty())
                    .map(|m| (m.to_string(), key_with(&mut latin, m)))
                    .collect::<Vec<_>>()
            })
            .filter(|g| g.len() >= 2)
            .collect();
        Variants { groups }
    }

    /// Loads `variants.txt` from the archive folder (none if absent).
    pub fn load(archive: &Path) -> Result<Variants> {
        let path = archive.join(VARIANTS_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => {
                let (text, _) = crate::corpus::decode(&bytes)
                    .map_err(|why| Error::Invalid(format!("{}: {why}", path.display())))?;
                Ok(Variants::parse(&text))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Variants::default()),
            Err(e) => Err(Error::io(path, e)),
        }
    }

    /// The other members of every group holding a member whose key is `k`.
    pub fn others(&self, k: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for group in &self.groups {
            if group.iter().any(|(_, mk)| mk == k) {
                for (m, mk) in group {
                    if mk != k && !out.contains(m) {
                        out.push(m.clone());
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
}
