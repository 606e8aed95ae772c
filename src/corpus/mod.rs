//! An archive folder's story files: which files are stories ([`walk`]), how they decode, and
//! how language versions of one story are linked. Problems with single files are collected,
//! never fatal.

mod walk;

pub(crate) use self::walk::FOLDER;
pub use self::walk::{
    leads_outside, nanos, resolved, scan, stat_times, status_changed, walk, OUTSIDE,
};

use std::path::{Path, PathBuf};

use crate::article::{normalize_lang, Article};
use crate::formats::{self, Format};

/// Files larger than this are skipped with a warning (a story is never this big; a dump is).
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;
/// The archive's list of extra words for the Chinese segmenter.
pub const WORDS_FILE: &str = "words.txt";
/// The archive's list of name variants.
pub const VARIANTS_FILE: &str = "variants.txt";

/// The bytes of the regular file at `path`, at most `max` of them. A named pipe or device put
/// in a file's place is an error, not a read that waits for a writer forever (it is opened
/// without blocking, then checked); so is a file over `max` bytes.
pub fn read_regular(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    use std::io::{Error, ErrorKind, Read};
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(Error::new(ErrorKind::InvalidInput, "not a regular file"));
    }
    if meta.len() > max {
        let mib = max / 1024 / 1024;
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("larger than {mib} MiB"),
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // A file that grew since: no more than `max` bytes all the same.
    file.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        let mib = max / 1024 / 1024;
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("larger than {mib} MiB"),
        ));
    }
    Ok(bytes)
}

/// A story file found in the archive, before it is read.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the archive folder, with `/` separators.
    pub rel: String,
    /// Absolute path.
    pub abs: PathBuf,
    /// Size in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the epoch (0 when unknown).
    pub mtime: u128,
    /// Status change time (ctime), nanoseconds since the epoch: it moves with every write and
    /// with what makes an unreadable file readable (chmod, chown), which the other time does
    /// not.
    pub ctime: u64,
}

/// A story file, read and parsed.
#[derive(Debug, Clone)]
pub struct Document {
    /// The story this file is one language version of.
    pub story: String,
    /// Path relative to the archive folder.
    pub rel: String,
    /// Hash of the file's bytes.
    pub hash: String,
    /// The parsed content.
    pub article: Article,
    /// The encoding the file was decoded from, when it was not UTF-8.
    pub encoding: Option<&'static str>,
}

/// What walking the archive found.
#[derive(Debug, Default)]
pub struct Scan {
    /// Story files, sorted by path.
    pub files: Vec<SourceFile>,
    /// Files skipped, with the reason.
    pub skipped: Vec<(String, String)>,
    /// Paths the walk could not list or look at (an error other than "not found": permissions
    /// changed, a failing stick): what they held is unknown, not gone, so the index keeps its
    /// stories at and under them as they were.
    pub unseen: Vec<String>,
    /// Every folder walked (`""` for the root), with its modification time (ns since the
    /// epoch), taken after the folder was listed: the freshness check's snapshot.
    pub folders: Vec<(String, u128)>,
    /// When the walk began (ns since the epoch).
    pub started: u128,
}
/// The story a file belongs to, and the language its name implies: `story/zh.md` is the `zh`
/// version of story `story`; any other file is a story of its own, named by its path.
pub fn story_of(rel: &str) -> (String, Option<String>) {
    let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    let stem = name.split('.').next().unwrap_or(name);
    let is_lang_name = stem.len() <= 7
        && normalize_lang(stem).is_some_and(|_| {
            let lower = stem.to_ascii_lowercase();
            lower == "en" || lower == "zh" || lower.starts_with("zh-") || lower.starts_with("en-")
        });
    if is_lang_name && !dir.is_empty() {
        (dir.to_string(), Some(stem.to_string()))
    } else {
        let id = rel.rsplit_once('.').map_or(rel, |(s, _)| s);
        (id.to_string(), None)
    }
}

/// Reads, decodes and parses one story file. The error is a reason to skip it.
pub fn load(file: &SourceFile) -> std::result::Result<Document, String> {
    let bytes = read_regular(&file.abs, MAX_FILE_BYTES).map_err(|e| e.to_string())?;
    load_bytes(&file.rel, &bytes)
}

/// Decodes and parses a story file's bytes (see [`load`]).
pub fn load_bytes(rel: &str, bytes: &[u8]) -> std::result::Result<Document, String> {
    let hash = hash_bytes(bytes);
    let (story, name_lang) = story_of(rel);
    let (article, encoding) = formats::read(Format::of(rel)?, bytes, name_lang.as_deref())?;
    Ok(Document {
        story,
        rel: rel.to_string(),
        hash,
        article,
        encoding,
    })
}

/// The content hash used to tell changed files.
pub fn hash_bytes(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex()[..32].to_string()
}

/// Decodes a text file whatever its encoding: a BOM decides; else UTF-8 if valid; else UTF-16
/// recognised by its zero bytes; else the encoding chardetng guesses (GB18030, Big5, …).
/// Binary files are refused.
pub fn decode(bytes: &[u8]) -> std::result::Result<(String, Option<&'static str>), String> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        return checked(text.into_owned(), encoding);
    }
    // UTF-16 without a BOM has zero bytes; most files have none, and need no second look.
    if bytes.contains(&0) {
        if let Some(encoding) = utf16_without_bom(bytes) {
            let (text, _) = encoding.decode_without_bom_handling(bytes);
            return checked(text.into_owned(), encoding);
        }
        return Err("binary file".into());
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return checked(text.to_string(), encoding_rs::UTF_8);
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let encoding = detector.guess(None, chardetng::Utf8Detection::Allow);
    let (text, _, errors) = encoding.decode(bytes);
    if errors {
        return Err(format!("not valid {} text", encoding.name()));
    }
    checked(text.into_owned(), encoding)
}

fn checked(
    text: String,
    encoding: &'static encoding_rs::Encoding,
) -> std::result::Result<(String, Option<&'static str>), String> {
    let controls = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{b}' | '\u{c}'))
        .count();
    if controls * 20 > text.chars().count().max(1) {
        return Err("binary file".into());
    }
    let name = (encoding != encoding_rs::UTF_8).then(|| encoding.name());
    Ok((text, name))
}

/// UTF-16 without a BOM: text whose every other byte is mostly zero.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let pairs = bytes.len() / 2;
    let zero_even = bytes.iter().step_by(2).filter(|&&b| b == 0).count();
    let zero_odd = bytes.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    if zero_odd * 10 > pairs * 4 && zero_even * 10 < pairs {
        Some(encoding_rs::UTF_16LE)
    } else if zero_even * 10 > pairs * 4 && zero_odd * 10 < pairs {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_files_in_a_folder_are_one_story() {
        assert_eq!(story_of("s1/zh.md"), ("s1".into(), Some("zh".into())));
        assert_eq!(story_of("a/b/en.md"), ("a/b".into(), Some("en".into())));
        assert_eq!(
            story_of("notes/khorgos.txt"),
            ("notes/khorgos".into(), None)
        );
        assert_eq!(story_of("en.md"), ("en".into(), None));
    }

    #[test]
    fn text_with_many_control_characters_is_binary() {
        // One character in twenty may be a control character; line ends, tabs (and vertical
        // ones) and form feeds do not count; C1's (two bytes in UTF-8) count once, as
        // characters.
        assert!(decode(b"a\x0bb").is_ok());
        let ok = "霍尔果斯\n\t\r\x0c".repeat(50) + &"\u{85}".repeat(19) + &"x".repeat(100);
        assert!(decode(ok.as_bytes()).is_ok());
        let c0 = "霍尔果斯口岸的货物越来越多\x07".repeat(20);
        assert_eq!(decode(c0.as_bytes()).unwrap_err(), "binary file");
        let c1 = "霍尔果斯口岸的货物越来越多\u{9f}\u{7f}".repeat(20);
        assert_eq!(decode(c1.as_bytes()).unwrap_err(), "binary file");
        let c1_edge = "霍尔果斯口岸的货物越来越多越来越\u{80}".repeat(20);
        assert!(decode(c1_edge.as_bytes()).is_err());
    }

    #[test]
    fn decodes_legacy_chinese_and_utf16() {
        let text = "霍尔果斯口岸的货物越来越多，来这里工作的人也越来越多。";
        let (gbk, _, _) = encoding_rs::GB18030.encode(text);
        assert_eq!(decode(&gbk).unwrap().0, text);
        let big5_text = "霍爾果斯口岸的貨物越來越多，來這裡工作的人也越來越多。";
        let (big5, _, _) = encoding_rs::BIG5.encode(big5_text);
        assert_eq!(decode(&big5).unwrap().0, big5_text);
        let utf16: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let mut bom = vec![0xFF, 0xFE];
        bom.extend(&utf16);
        assert_eq!(decode(&bom).unwrap().0, text);
        // Without a BOM, UTF-16 is told by its zero bytes, which Latin text has.
        let mixed = "Khorgos dry port 霍尔果斯";
        let be: Vec<u8> = mixed.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        assert_eq!(decode(&be).unwrap().0, mixed);
        assert!(decode(&[0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3, 0, 0, 0]).is_err());
    }
}
