//! The structure of a `.kgq` script: statements, `expect` assertions, and expected-output
//! blocks (a `----` line after a statement, then the expected rows up to a blank line).
//!
//! Assertions are read from the end of an `expect` line (`returns N`, `at least N`,
//! `at most N`, `contains "A", "B"`, `not contains "X"`, `empty`, `not empty`,
//! `error "text"`), so the statement before them may even be one that fails to parse,
//! which is what `error` asserts.

use std::ops::Range;

use crate::diag::{Diagnostic, FileId, Location};
use crate::query::script::split;

/// What a statement's answer must satisfy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assertion {
    Returns(usize),
    AtLeast(usize),
    AtMost(usize),
    Contains(Vec<String>),
    NotContains(Vec<String>),
    Empty,
    NotEmpty,
    Error(String),
    /// The expected rows of a `----` block, as cells (see `rows` for how they are written).
    Rows(Vec<Vec<String>>),
}

/// One runnable record of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub statement: String,
    /// Byte range of the statement in the script.
    pub span: Range<usize>,
    pub line: usize,
    pub assertion: Option<Assertion>,
    /// Byte range of a `----` block's rows (for `--update`), when the record has one.
    pub block: Option<Range<usize>>,
}

/// Splits a script into records; a malformed `expect` or a stray `----` is a diagnostic.
pub fn parse(file: FileId, text: &str) -> Result<Vec<Record>, Vec<Diagnostic>> {
    let (masked, blocks) = mask_blocks(text);
    let mut records = Vec::new();
    let mut diags = Vec::new();
    for piece in split(&masked) {
        let mut record = Record {
            statement: piece.text.clone(),
            span: piece.span.clone(),
            line: piece.line,
            assertion: None,
            block: None,
        };
        if let Some(rest) = strip_keyword(&piece.text, "expect") {
            match split_assertion(rest) {
                Some((statement, assertion)) => {
                    let lead = piece.text.len() - rest.len();
                    record.span = piece.span.start + lead..piece.span.start + lead + statement.len();
                    record.statement = statement.to_string();
                    record.assertion = Some(assertion);
                }
                None => diags.push(
                    Diagnostic::error("`expect` without an assertion")
                        .at(Location::new(file, piece.span.clone()), "no assertion at the end")
                        .help("end it with returns N, at least N, at most N, contains \"X\", not contains \"X\", empty, not empty or error \"text\""),
                ),
            }
        }
        records.push(record);
    }
    for block in blocks {
        // A statement left unfinished before a block (`... and`, an open quote) reads on
        // past it, and the block would silently go to an earlier statement.
        if let Some(r) = records.iter().find(|r| r.span.start < block.marker.start && r.span.end > block.marker.start) {
            diags.push(
                Diagnostic::error("the statement before this block is not finished")
                    .at(Location::new(file, block.marker), "the statement reads on past this")
                    .help(format!(
                        "finish the statement that starts on line {} before `----`: it continues while a quote or bracket is open or a line ends with a comma or a word such as `and`",
                        r.line
                    )),
            );
            continue;
        }
        // The block belongs to the last statement that ends before its `----` line.
        match records.iter_mut().rev().find(|r| r.span.end <= block.marker.start) {
            Some(r) if r.assertion.is_none() && r.block.is_none() => {
                let lines = text[block.rows.clone()].lines();
                r.assertion = Some(Assertion::Rows(lines.map(|l| super::rows::decode(l.trim_end())).collect()));
                r.block = Some(block.rows);
            }
            _ => diags.push(
                Diagnostic::error("an expected-output block must follow a statement")
                    .at(Location::new(file, block.marker), "no statement of its own before this")
                    .help("put `----` right after the statement whose rows it lists (not after an `expect`)"),
            ),
        }
    }
    crate::data::sort(&mut diags);
    if diags.is_empty() { Ok(records) } else { Err(diags) }
}

fn strip_keyword<'a>(text: &'a str, keyword: &str) -> Option<&'a str> {
    let head = text.get(..keyword.len())?;
    let rest = &text[keyword.len()..];
    (head.eq_ignore_ascii_case(keyword) && rest.starts_with(char::is_whitespace)).then(|| rest.trim_start())
}

/// An expected-output block: the `----` line and the rows after it.
struct Block {
    marker: Range<usize>,
    rows: Range<usize>,
}

/// Finds `----` blocks and blanks them out (keeping byte offsets), so statements can be
/// split without them.
fn mask_blocks(text: &str) -> (String, Vec<Block>) {
    let mut masked = String::with_capacity(text.len());
    let mut blocks = Vec::new();
    let mut in_block: Option<usize> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        let start = offset;
        offset += line.len();
        match in_block {
            None if content.trim() == "----" => {
                in_block = Some(offset);
                blocks.push(Block { marker: start..start + content.len(), rows: offset..offset });
            }
            Some(_) if content.trim().is_empty() => in_block = None,
            Some(rows_start) => {
                let block = blocks.last_mut().expect("a block is open");
                block.rows = rows_start..start + content.len();
            }
            None => {
                masked.push_str(line);
                continue;
            }
        }
        // One space per byte keeps every offset in the masked text valid in the original.
        masked.extend(line.bytes().map(|b| if b == b'\n' { '\n' } else { ' ' }));
    }
    (masked, blocks)
}

/// Splits `statement assertion` at the assertion that ends the text.
fn split_assertion(text: &str) -> Option<(&str, Assertion)> {
    let words: Vec<(usize, &str)> = word_starts(text);
    // Quoted lists: `contains "A", "B"` / `not contains ...` / `error "text"`.
    if text.trim_end().ends_with('"') {
        for (i, &(at, word)) in words.iter().enumerate().rev() {
            let lower = word.to_ascii_lowercase();
            if lower != "contains" && lower != "error" {
                continue;
            }
            let Some(list) = quoted_list(&text[at + word.len()..]) else { continue };
            let negated = lower == "contains" && i > 0 && words[i - 1].1.eq_ignore_ascii_case("not");
            let cut = if negated { words[i - 1].0 } else { at };
            let statement = text[..cut].trim_end();
            if statement.is_empty() {
                return None;
            }
            let assertion = match (lower.as_str(), negated) {
                ("error", _) if list.len() == 1 => Assertion::Error(list.into_iter().next().expect("one item")),
                ("error", _) => return None,
                (_, true) => Assertion::NotContains(list),
                _ => Assertion::Contains(list),
            };
            return Some((statement, assertion));
        }
        return None;
    }
    let n = words.len();
    let last = |k: usize| words.get(n.checked_sub(k)?).map(|(_, w)| w.to_ascii_lowercase());
    let cut = |k: usize| text[..words[n - k].0].trim_end();
    let number = || last(1)?.parse::<usize>().ok();
    let (k, assertion) = match (last(3).as_deref(), last(2).as_deref(), last(1).as_deref()) {
        (Some("at"), Some("least"), _) => (3, Assertion::AtLeast(number()?)),
        (Some("at"), Some("most"), _) => (3, Assertion::AtMost(number()?)),
        (_, Some("returns"), _) => (2, Assertion::Returns(number()?)),
        (_, Some("not"), Some("empty")) => (2, Assertion::NotEmpty),
        (_, _, Some("empty")) => (1, Assertion::Empty),
        _ => return None,
    };
    let statement = cut(k);
    (!statement.is_empty()).then_some((statement, assertion))
}

/// (byte offset, word) of each whitespace-separated word outside quotes.
fn word_starts(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut quote: Option<char> = None;
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => {
                quote = Some(c);
                start.get_or_insert(i);
            }
            None if c.is_whitespace() => {
                if let Some(s) = start.take() {
                    out.push((s, &text[s..i]));
                }
            }
            None => {
                start.get_or_insert(i);
            }
        }
    }
    if let Some(s) = start {
        out.push((s, &text[s..]));
    }
    out
}

/// `"A", "B"` (and nothing else) as a list of strings.
fn quoted_list(text: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = text.trim();
    loop {
        let inner = rest.strip_prefix('"')?;
        let end = inner.find('"')?;
        out.push(inner[..end].to_string());
        rest = inner[end + 1..].trim_start();
        if rest.is_empty() {
            return Some(out);
        }
        rest = rest.strip_prefix(',')?.trim_start();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assertion(text: &str) -> Option<(String, Assertion)> {
        split_assertion(text).map(|(s, a)| (s.to_string(), a))
    }

    #[test]
    fn assertions_are_read_from_the_end() {
        assert_eq!(assertion("count dprk_organ returns 12"), Some(("count dprk_organ".into(), Assertion::Returns(12))));
        assert_eq!(assertion("find * at least 3"), Some(("find *".into(), Assertion::AtLeast(3))));
        assert_eq!(
            assertion("find * where not cited not empty"),
            Some(("find * where not cited".into(), Assertion::NotEmpty))
        );
        assert_eq!(
            assertion("find * where name contains \"a\" empty"),
            Some(("find * where name contains \"a\"".into(), Assertion::Empty))
        );
        assert_eq!(
            assertion("connect a and b not contains \"X\", \"Y\""),
            Some(("connect a and b".into(), Assertion::NotContains(vec!["X".into(), "Y".into()])))
        );
        assert_eq!(
            assertion("shwo x error \"unknown statement\""),
            Some(("shwo x".into(), Assertion::Error("unknown statement".into())))
        );
        assert_eq!(assertion("count *"), None);
        assert_eq!(assertion("returns 3"), None);
    }

    #[test]
    fn blocks_attach_to_the_statement_before_them() {
        let text = "-- a script\ncount *\n----\ncount\n5\n\nexpect find * returns 2\n";
        let records = parse(FileId(0), text).expect("the script parses");
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].assertion, Some(Assertion::Rows(vec![vec!["count".into()], vec!["5".into()]])));
        assert_eq!(&text[records[0].block.clone().expect("a block")], "count\n5");
        assert_eq!((records[1].line, records[1].statement.as_str()), (7, "find *"));
    }

    #[test]
    fn stray_blocks_and_bare_expects_are_errors() {
        assert!(parse(FileId(0), "----\nx\n").is_err());
        assert!(parse(FileId(0), "expect count *\n").is_err());
    }

    #[test]
    fn a_block_after_an_unfinished_statement_is_an_error() {
        let errors = parse(FileId(0), "count company\nfind * where name = \"x\" and\n----\nrow\n\ncount *\n")
            .expect_err("the block has no finished statement before it");
        assert_eq!(errors[0].message, "the statement before this block is not finished");
    }
}
