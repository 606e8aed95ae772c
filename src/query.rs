//! The query language: words (all must match), "exact phrases", `OR` between two items,
//! `-item` to exclude, and `AND` as an optional no-op. Parsing only; meaning is in `search`.
//! A quote left open runs to the end of the query (`"camel milk` is the phrase `camel milk`),
//! so a query typed into the page is the same query at every keystroke, on the command line
//! too.

use crate::error::{Error, Result};

/// One searchable item of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A bare word as typed (may hold punctuation or several scripts: `Nur-Sultan`, `霍尔果斯口岸`).
    Word(String),
    /// A quoted phrase.
    Phrase(String),
}

impl Item {
    /// The text as typed, without quotes.
    pub fn text(&self) -> &str {
        match self {
            Item::Word(s) | Item::Phrase(s) => s,
        }
    }
}

/// A parsed query: groups that must all match (each group matches if any of its items does),
/// and items that must not match.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Parsed {
    /// Required groups; a group of several items was written with `OR`.
    pub groups: Vec<Vec<Item>>,
    /// Excluded items.
    pub excluded: Vec<Item>,
}

#[derive(Debug, PartialEq)]
enum Lexeme {
    Item { item: Item, negated: bool },
    Or,
    And,
}

fn syntax(message: &str, position: usize) -> Error {
    Error::QuerySyntax {
        message: message.into(),
        position: position + 1,
    }
}

fn lex(query: &str) -> Result<Vec<(usize, Lexeme)>> {
    let chars: Vec<char> = query.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let negated = chars[i] == '-' && chars.get(i + 1).is_some_and(|c| !c.is_whitespace());
        if negated {
            i += 1;
        }
        if is_quote(chars[i]) {
            let open = i;
            i += 1;
            let body_start = i;
            while i < chars.len() && !is_quote(chars[i]) {
                i += 1;
            }
            let phrase: String = chars[body_start..i].iter().collect();
            let closed = i < chars.len();
            i += 1;
            if phrase.trim().is_empty() {
                let message = if closed {
                    "empty phrase"
                } else {
                    "unclosed quote"
                };
                return Err(syntax(message, open));
            }
            out.push((
                start,
                Lexeme::Item {
                    item: Item::Phrase(phrase.trim().to_string()),
                    negated,
                },
            ));
            continue;
        }
        while i < chars.len() && !chars[i].is_whitespace() && !is_quote(chars[i]) {
            i += 1;
        }
        let word: String = chars[start..i].iter().collect();
        let lexeme = match word.as_str() {
            "OR" | "|" => Lexeme::Or,
            "AND" | "&&" => Lexeme::And,
            "-" => return Err(syntax("`-` must be followed by a word to exclude", start)),
            _ => Lexeme::Item {
                item: Item::Word(if negated { word[1..].to_string() } else { word }),
                negated,
            },
        };
        out.push((start, lexeme));
    }
    Ok(out)
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '「' | '」')
}

/// Parses a query string.
pub fn parse(query: &str) -> Result<Parsed> {
    let lexemes = lex(query)?;
    let mut parsed = Parsed::default();
    let mut pending_or: Option<usize> = None;
    for (k, (pos, lexeme)) in lexemes.iter().enumerate() {
        match lexeme {
            Lexeme::And => {}
            Lexeme::Or => {
                let left_ok = k > 0
                    && matches!(lexemes[k - 1].1, Lexeme::Item { negated: false, .. })
                    && pending_or.is_none();
                let right_ok = matches!(
                    lexemes.get(k + 1),
                    Some((_, Lexeme::Item { negated: false, .. }))
                );
                if !left_ok || !right_ok {
                    return Err(syntax("OR needs a word or phrase on each side", *pos));
                }
                pending_or = Some(*pos);
            }
            Lexeme::Item { item, negated } => {
                if *negated {
                    parsed.excluded.push(item.clone());
                } else if pending_or.take().is_some() {
                    parsed
                        .groups
                        .last_mut()
                        .expect("OR follows an item")
                        .push(item.clone());
                } else {
                    parsed.groups.push(vec![item.clone()]);
                }
            }
        }
    }
    if parsed.groups.is_empty() {
        let message = if parsed.excluded.is_empty() {
            "nothing to search for"
        } else {
            "only exclusions: add a word to search for"
        };
        return Err(syntax(message, 0));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(s: &str) -> Item {
        Item::Word(s.into())
    }

    #[test]
    fn words_phrases_or_and_exclusion() {
        let p = parse(r#"Khorgos "dry port" train OR bus -Tokayev AND 霍尔果斯口岸"#).unwrap();
        assert_eq!(
            p.groups,
            vec![
                vec![word("Khorgos")],
                vec![Item::Phrase("dry port".into())],
                vec![word("train"), word("bus")],
                vec![word("霍尔果斯口岸")]
            ]
        );
        assert_eq!(p.excluded, vec![word("Tokayev")]);
        assert_eq!(
            parse("Nur-Sultan").unwrap().groups,
            vec![vec![word("Nur-Sultan")]]
        );
        assert_eq!(
            parse("“一带一路”").unwrap().groups,
            vec![vec![Item::Phrase("一带一路".into())]]
        );
    }

    #[test]
    fn an_open_quote_runs_to_the_end() {
        assert_eq!(
            parse(r#""camel milk"#).unwrap(),
            parse(r#""camel milk""#).unwrap()
        );
        let p = parse(r#"Khorgos -"dry port "#).unwrap();
        assert_eq!(p.excluded, vec![Item::Phrase("dry port".into())]);
        assert_eq!(parse("“一带一路").unwrap(), parse("“一带一路”").unwrap());
    }

    #[test]
    fn errors_say_what_and_where() {
        let msg = |q: &str| parse(q).unwrap_err().to_string();
        assert_eq!(msg(r#"dry ""#), "bad query: unclosed quote at character 5");
        assert_eq!(
            msg(r#"dry "" port"#),
            "bad query: empty phrase at character 5"
        );
        assert_eq!(
            msg("OR train"),
            "bad query: OR needs a word or phrase on each side at character 1"
        );
        assert_eq!(
            msg("train OR"),
            "bad query: OR needs a word or phrase on each side at character 7"
        );
        assert_eq!(
            msg("AND"),
            "bad query: nothing to search for at character 1"
        );
        assert_eq!(
            msg("-train"),
            "bad query: only exclusions: add a word to search for at character 1"
        );
        assert_eq!(
            msg("a - b"),
            "bad query: `-` must be followed by a word to exclude at character 3"
        );
        assert_eq!(
            msg("   "),
            "bad query: nothing to search for at character 1"
        );
    }
}
