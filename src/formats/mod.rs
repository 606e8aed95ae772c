//! Story file formats: which files are stories, and each format's text as metadata and
//! passages. Plain text and Markdown may carry `---` front matter; web pages and Word
//! documents carry their own metadata.

mod docx;
mod html;
mod html_shape;
mod markdown;

pub use html::looks_like_html;
pub use markdown::passages as markdown_passages;

use crate::article::{self, Article, Body};
use crate::corpus::decode;

/// Stamped into the index's fingerprint: a change in how files become passages rebuilds it.
pub const EXTRACTION: &str =
    "formats 3 (page shape bounds, at most 20,000 passages a file); pulldown-cmark 0.13; dom_smoothie 0.19 markdown; docx paragraphs";

/// A story file's format, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.txt`, `.text`: paragraphs separated by blank lines.
    Plain,
    /// `.md`, `.markdown`: rendered to text.
    Markdown,
    /// `.html`, `.htm`, `.xhtml`: a saved web page.
    Html,
    /// `.docx`: a Word document.
    Docx,
}

/// The file name extensions that are stories, for messages.
pub const STORY_EXTENSIONS: &str = ".md, .txt, .html, .htm, .docx";

impl Format {
    /// The format of a file named `name`, or why it is not a story.
    pub fn of(name: &str) -> Result<Format, String> {
        let lower = name.to_ascii_lowercase();
        let ext = lower.rsplit_once('.').map_or("", |(_, e)| e);
        match ext {
            "txt" | "text" => Ok(Format::Plain),
            "md" | "markdown" => Ok(Format::Markdown),
            "html" | "htm" | "xhtml" => Ok(Format::Html),
            "docx" => Ok(Format::Docx),
            "pdf" => Err(
                "PDF is not indexed (no reliable text extraction); save it as text or .docx".into(),
            ),
            _ => Err(format!("not a story file (stories are {STORY_EXTENSIONS})")),
        }
    }
}

/// Reads a story file's bytes as an article; also names the encoding a text file was decoded
/// from when it was not UTF-8. The error is a reason to skip the file.
pub fn read(
    format: Format,
    bytes: &[u8],
    name_lang: Option<&str>,
) -> Result<(Article, Option<&'static str>), String> {
    if format == Format::Docx {
        let (meta, passages) = docx::extract(bytes)?;
        return Ok((
            article::assemble(meta, passages, name_lang, Vec::new()),
            None,
        ));
    }
    let (text, encoding) = decode(bytes)?;
    let article = if format == Format::Html || looks_like_html(&text) {
        html_shape::check(&text)?;
        let (meta, passages) = html::extract(&text);
        article::assemble(meta, passages, name_lang, Vec::new())
    } else if format == Format::Markdown {
        article::parse(&text, name_lang, Body::Markdown)
    } else {
        article::parse(&text, name_lang, Body::Plain)
    };
    Ok((article, encoding))
}
