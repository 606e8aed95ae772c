//! Fixtures shared by the in-process benches: the bundled archive, its story texts, and
//! generated archives made of copies of the bundled story.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The bundled archive folder (`archive/` of the repository).
pub fn bundled() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("archive")
}

/// The bundled story's folder.
pub fn story() -> PathBuf {
    bundled().join("2022-09-12-china-kazakhstan")
}

/// The bundled story's text in `lang` (`en` or `zh`), front matter included.
pub fn story_text(lang: &str) -> String {
    let path = story().join(format!("{lang}.md"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The bundled archive's user words.
pub fn user_words() -> Vec<String> {
    archive::store::user_words(&bundled()).expect("bundled words.txt")
}

/// Copies the bundled archive's word and variant lists into `dir`.
fn copy_lists(dir: &Path) {
    for list in ["words.txt", "variants.txt"] {
        std::fs::copy(bundled().join(list), dir.join(list)).expect("copy list");
    }
}

/// An archive in `dir` holding `copies` stories, each a copy of the bundled story's files in
/// `langs`, plus the bundled word and variant lists. Returns the bytes of story text written.
pub fn generate(dir: &Path, copies: usize, langs: &[&str]) -> u64 {
    std::fs::create_dir_all(dir).expect("archive folder");
    copy_lists(dir);
    let mut bytes = 0;
    for i in 0..copies {
        let story = dir.join(format!("2022-09-12-copy-{i:03}"));
        std::fs::create_dir_all(&story).expect("story folder");
        for lang in langs {
            let text = story_text(lang);
            bytes += text.len() as u64;
            std::fs::write(story.join(format!("{lang}.md")), text).expect("story file");
        }
    }
    bytes
}
