//! Word documents (`.docx`): the paragraphs of `word/document.xml`, and the title from
//! `docProps/core.xml`.

use std::io::{Cursor, Read};

use quick_xml::events::Event;
use quick_xml::Reader;

use crate::article::Metadata;

/// A document part larger than this once decompressed is refused (a zip bomb, not a story).
const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;

/// The document's metadata and paragraphs. The error says why it cannot be read.
pub fn extract(bytes: &[u8]) -> Result<(Metadata, Vec<String>), String> {
    let mut zip =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| format!("not a .docx file: {e}"))?;
    let body =
        part(&mut zip, "word/document.xml")?.ok_or("not a .docx file: no word/document.xml")?;
    let passages = paragraphs(&body)?;
    let title = match part(&mut zip, "docProps/core.xml")? {
        Some(core) => core_title(&core),
        None => None,
    };
    Ok((
        Metadata {
            title,
            ..Metadata::default()
        },
        passages,
    ))
}

fn part(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Result<Option<String>, String> {
    let file = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(format!("damaged .docx file: {e}")),
    };
    let mut text = String::new();
    file.take(MAX_PART_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| format!("damaged .docx file: {name}: {e}"))?;
    if text.len() as u64 > MAX_PART_BYTES {
        return Err(format!(
            "{name} is larger than {} MiB",
            MAX_PART_BYTES >> 20
        ));
    }
    Ok(Some(text))
}

/// The text of each non-empty `w:p`, runs joined; tabs and breaks are spaces.
fn paragraphs(xml: &str) -> Result<Vec<String>, String> {
    let mut reader = Reader::from_str(xml);
    let mut out = Vec::new();
    let mut current = String::new();
    let mut in_text = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if e.name().as_ref() == "w:t" => in_text = true,
            Ok(Event::End(e)) if e.name().as_ref() == "w:t" => in_text = false,
            Ok(Event::Empty(e)) if matches!(e.name().as_ref(), "w:tab" | "w:br" | "w:cr") => {
                current.push(' ')
            }
            Ok(Event::Text(t)) if in_text => {
                current.push_str(&t.xml10_content());
            }
            Ok(Event::GeneralRef(r)) if in_text => {
                if let Some(c) = quick_xml::escape::resolve_predefined_entity(&r) {
                    current.push_str(c);
                } else if let Ok(Some(c)) = r.resolve_char_ref() {
                    current.push(c);
                }
            }
            Ok(Event::End(e)) if e.name().as_ref() == "w:p" => {
                let text = current.split_whitespace().collect::<Vec<_>>().join(" ");
                if !text.is_empty() {
                    out.push(text);
                }
                current.clear();
            }
            Ok(Event::Eof) => return Ok(out),
            Err(e) => return Err(format!("damaged .docx file: word/document.xml: {e}")),
            _ => {}
        }
    }
}

/// `dc:title` of the core properties, when there is one.
fn core_title(xml: &str) -> Option<String> {
    let mut reader = Reader::from_str(xml);
    let mut in_title = false;
    let mut title = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if e.name().as_ref() == "dc:title" => in_title = true,
            Ok(Event::End(e)) if e.name().as_ref() == "dc:title" => break,
            Ok(Event::Text(t)) if in_title => title.push_str(&t.xml10_content()),
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    let title = title.trim();
    (!title.is_empty()).then(|| title.to_string())
}
