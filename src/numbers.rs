//! Numbers, amounts and dates as units of meaning rather than runs of digits.
//!
//! `1,700` is one term (`1700`, so it is found with or without the separator) and `252.5` stays
//! one term, while a version like `2.6.32` keeps its parts. A number directly followed by a
//! Chinese unit (`252.5亿`, `12日`, `1700公里`) also yields the joined term, which jieba cannot
//! cut wrongly (it merges the dateline's `日电`). A month and day in either language
//! (`9月12日`, `September 12`, `12 Sept.`) also yield one date term, `9月12日`, so a date
//! typed in one language finds the passage written in the other.

use std::borrow::Cow;

use crate::analysis::RunKind;

/// Han words that, written right after a number, make an amount, a date or a measure.
/// Longest first, so `公里` wins over a shorter prefix.
const UNITS: &[&str] = &[
    "平方公里",
    "公里",
    "公斤",
    "公顷",
    "美元",
    "亿",
    "万",
    "千",
    "百",
    "年",
    "月",
    "日",
    "号",
    "元",
    "岁",
    "天",
    "倍",
    "米",
    "吨",
    "人",
    "家",
    "个",
];

/// Month names and their usual abbreviations, with their numbers.
const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("jan", 1),
    ("february", 2),
    ("feb", 2),
    ("march", 3),
    ("mar", 3),
    ("april", 4),
    ("apr", 4),
    ("may", 5),
    ("june", 6),
    ("jun", 6),
    ("july", 7),
    ("jul", 7),
    ("august", 8),
    ("aug", 8),
    ("september", 9),
    ("sept", 9),
    ("sep", 9),
    ("october", 10),
    ("oct", 10),
    ("november", 11),
    ("nov", 11),
    ("december", 12),
    ("dec", 12),
];

/// A run of text as the tokenizer sees it once numbers are joined.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece<'a> {
    /// Han or other letters and digits.
    pub kind: RunKind,
    /// Byte range in the text.
    pub start: usize,
    /// End of the byte range.
    pub end: usize,
    /// The piece's text; for a joined number, its digits without thousands separators.
    pub text: Cow<'a, str>,
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Joins runs that form one number (`1,700,000`, `252.5`); other runs pass through.
pub fn join_numbers<'a>(text: &'a str, runs: &[(RunKind, usize, &'a str)]) -> Vec<Piece<'a>> {
    let mut out = Vec::with_capacity(runs.len());
    let mut i = 0;
    while i < runs.len() {
        let (kind, start, run) = runs[i];
        let taken = if kind == RunKind::Word {
            number_at(text, runs, i)
        } else {
            None
        };
        match taken {
            Some((count, term)) => {
                let (_, last_start, last) = runs[i + count - 1];
                out.push(Piece {
                    kind,
                    start,
                    end: last_start + last.len(),
                    text: Cow::Owned(term),
                });
                i += count;
            }
            None => {
                out.push(Piece {
                    kind,
                    start,
                    end: start + run.len(),
                    text: Cow::Borrowed(run),
                });
                i += 1;
            }
        }
    }
    out
}

/// The number starting at run `i` when it joins more than one run: how many runs it takes
/// and its term.
fn number_at(text: &str, runs: &[(RunKind, usize, &str)], i: usize) -> Option<(usize, String)> {
    let (_, start, first) = runs[i];
    if !all_digits(first) || separator_digit_before(text, start) {
        return None;
    }
    let mut term = first.to_string();
    let mut end = start + first.len();
    let mut count = 1;
    let mut decimal = false;
    while let Some(&(RunKind::Word, next_start, next)) = runs.get(i + count) {
        let sep = &text[end..next_start];
        let joins = all_digits(next)
            && match sep {
                "," => !decimal && next.len() == 3 && (count > 1 || first.len() <= 3),
                "." => !decimal,
                _ => false,
            };
        if !joins {
            break;
        }
        if sep == "." {
            decimal = true;
            term.push('.');
        }
        term.push_str(next);
        end = next_start + next.len();
        count += 1;
    }
    // `2.6.32` or `1,2,3` is not one number: leave every part as it was.
    let rest = &text[end..];
    let mut after = rest.chars();
    if matches!(after.next(), Some('.' | ',')) && after.next().is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    (count > 1).then_some((count, term))
}

fn separator_digit_before(text: &str, start: usize) -> bool {
    let mut before = text[..start].chars().rev();
    matches!(before.next(), Some('.' | ',')) && before.next().is_some_and(|c| c.is_ascii_digit())
}

/// A term standing for a number and its unit, or for a date, laid over the pieces it spans.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// Index of the first piece it spans (it takes that piece's position).
    pub piece: usize,
    /// Byte range of the whole unit in the text.
    pub start: usize,
    /// End of the byte range.
    pub end: usize,
    /// The term: `252.5亿`, `12日`, or the date `9月12日`.
    pub term: String,
}

/// The units (number + unit word, dates) over `pieces`, in order of their first piece.
pub fn units(text: &str, pieces: &[Piece]) -> Vec<Unit> {
    let mut out = Vec::new();
    for (i, p) in pieces.iter().enumerate() {
        if p.kind != RunKind::Word {
            continue;
        }
        if let Some(date) = chinese_date(pieces, i).or_else(|| english_date(text, pieces, i)) {
            out.push(Unit {
                piece: i,
                start: p.start,
                end: date.0,
                term: date.1,
            });
        }
        if let Some(unit) = unit_after(pieces, i) {
            out.push(Unit {
                piece: i,
                start: p.start,
                end: p.end + unit.len(),
                term: format!("{}{unit}", p.text),
            });
        }
    }
    out
}

/// The units of a query word or words, widest first among those starting at the same place.
pub fn units_of(text: &str) -> Vec<Unit> {
    let runs: Vec<_> = crate::analysis::runs(text).collect();
    let mut found = units(text, &join_numbers(text, &runs));
    found.sort_by_key(|u| (u.start, std::cmp::Reverse(u.end)));
    found
}

/// The unit word right after number piece `i`.
fn unit_after<'a>(pieces: &'a [Piece], i: usize) -> Option<&'a str> {
    let number = &pieces[i];
    if !number.text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let next = pieces
        .get(i + 1)
        .filter(|n| n.kind == RunKind::Han && n.start == number.end)?;
    UNITS
        .iter()
        .find(|u| next.text.starts_with(**u))
        .map(|u| &next.text[..u.len()])
}

fn small_number(p: &Piece, max: u32) -> Option<u32> {
    all_digits(&p.text)
        .then(|| p.text.parse().ok())
        .flatten()
        .filter(|n| (1..=max).contains(n))
}

fn date_term(month: u32, day: u32) -> String {
    format!("{month}月{day}日")
}

/// `9月12日` (or `9月12号`) starting at piece `i`: where it ends and its term.
fn chinese_date(pieces: &[Piece], i: usize) -> Option<(usize, String)> {
    let month = small_number(&pieces[i], 12)?;
    let [_, yue, day, ri] = pieces.get(i..i + 4)? else {
        return None;
    };
    let adjacent = yue.start == pieces[i].end && day.start == yue.end && ri.start == day.end;
    let shaped = yue.text == "月" && (ri.text.starts_with('日') || ri.text.starts_with('号'));
    let day_number = small_number(day, 31)?;
    (adjacent && shaped).then(|| (ri.start + '日'.len_utf8(), date_term(month, day_number)))
}

fn month_of(word: &str) -> Option<u32> {
    let lower = word.to_lowercase();
    MONTHS.iter().find(|(m, _)| *m == lower).map(|(_, n)| *n)
}

/// `September 12`, `Sept. 12` or `12 September` starting at piece `i`.
fn english_date(text: &str, pieces: &[Piece], i: usize) -> Option<(usize, String)> {
    let next = pieces.get(i + 1)?;
    let between = &text[pieces[i].end..next.start];
    let spaced = !between.is_empty() && between.trim_start_matches('.').trim().is_empty();
    if !spaced || next.kind != RunKind::Word {
        return None;
    }
    if let (Some(month), Some(day)) = (month_of(&pieces[i].text), small_number(next, 31)) {
        return Some((next.end, date_term(month, day)));
    }
    let (day, month) = (small_number(&pieces[i], 31)?, month_of(&next.text)?);
    Some((next.end, date_term(month, day)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::runs;

    fn joined(text: &str) -> Vec<String> {
        let runs: Vec<_> = runs(text).collect();
        join_numbers(text, &runs)
            .into_iter()
            .map(|p| p.text.into_owned())
            .collect()
    }

    fn unit_terms(text: &str) -> Vec<String> {
        units_of(text).into_iter().map(|u| u.term).collect()
    }

    #[test]
    fn separators_and_decimals_make_one_number() {
        assert_eq!(joined("1,700 km"), ["1700", "km"]);
        assert_eq!(
            joined("1,700,000.5 and 252.5"),
            ["1700000.5", "and", "252.5"]
        );
        assert_eq!(joined("Linux 2.6.32"), ["Linux", "2", "6", "32"]);
        assert_eq!(joined("1,2,3"), ["1", "2", "3"]);
        assert_eq!(joined("2022,2023"), ["2022", "2023"]);
        assert_eq!(joined("ends 1,700."), ["ends", "1700"]);
    }

    #[test]
    fn amounts_and_dates_are_units_in_both_languages() {
        assert_eq!(
            unit_terms("新华社努尔苏丹9月12日电"),
            ["9月12日", "9月", "12日"]
        );
        assert_eq!(unit_terms("达252.5亿美元"), ["252.5亿"]);
        assert_eq!(unit_terms("1700多公里"), Vec::<String>::new());
        assert_eq!(unit_terms("全长1,700公里"), ["1700公里"]);
        assert_eq!(unit_terms("Nur-Sultan, September 12."), ["9月12日"]);
        assert_eq!(unit_terms("on 12 Sept. 2022"), ["9月12日"]);
        assert_eq!(unit_terms("may 40"), Vec::<String>::new());
        assert_eq!(unit_terms("13月40日"), ["13月", "40日"]);
    }
}
