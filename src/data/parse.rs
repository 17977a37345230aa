//! TOML text to raw records, collecting every problem.
//!
//! A file is parsed with toml's recovering parser, so one syntax error does not hide the
//! next; each `[[table]]` item is then decoded on its own with serde, so one bad record does
//! not hide the others. Unknown keys are reported here (with "did you mean"), item by item
//! and inside evidence lists, rather than left to serde, which would stop at the first.
//! This module knows TOML; nothing after it does.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use crate::diag::{Diagnostic, FileId, Location};
use crate::suggest::{did_you_mean, help_for_unknown};

/// The fields a record may have, and those of the evidence items inside it.
pub struct Fields {
    pub names: &'static [&'static str],
    pub evidence: bool,
}

pub const EVIDENCE_FIELDS: &[&str] = &["source", "line", "quote"];

/// A decoded record and where its table starts.
pub struct Record<T> {
    pub value: T,
    pub location: Location,
    /// From a bulk (CSV or JSON Lines) file, where evidence is optional.
    pub bulk: bool,
}

/// What a file gave: its records, and whether it gave every record it was meant to.
pub struct Parsed<T> {
    pub records: Vec<Record<T>>,
    /// No syntax error, no misspelt table name and no record that failed to decode: the
    /// file declares exactly what these records say. When false, a name the file should
    /// have declared may be missing, and what refers to it cannot be checked.
    pub complete: bool,
}

/// Parses `text` and decodes the items of the array-of-tables `table` (`"entity"`),
/// reporting syntax errors, unknown top-level keys, unknown fields and type errors into
/// `diags`.
pub fn records<T: DeserializeOwned>(
    file: FileId,
    text: &str,
    table: &str,
    fields: &Fields,
    diags: &mut Vec<Diagnostic>,
) -> Parsed<T> {
    let Tables { root, complete, misspelt } = tables(file, text, &[table], diags);
    let mut parsed = decode_table(file, &root, table, fields, !complete, diags);
    // Records under a misspelt name (`[[entitiy]]`) are checked as what they were meant to
    // be, so that their own problems are reported in the same run (the name is already an
    // error), and what they declare is known to the files that refer to it.
    for (name, _) in &misspelt {
        let more: Parsed<T> = decode_table(file, &root, name, fields, !complete, diags);
        parsed.records.extend(more.records);
        parsed.complete &= more.complete;
    }
    Parsed { complete: complete && parsed.complete, ..parsed }
}

/// A parsed file's tables.
pub struct Tables<'t> {
    pub root: DeTable<'t>,
    /// No syntax error and no top-level key but the expected tables and misspellings of them.
    pub complete: bool,
    /// Arrays of tables under a misspelt name, each with the name it was meant to be.
    pub misspelt: Vec<(String, String)>,
}

/// Parses a file that holds the array-of-tables named in `names`, reporting syntax errors
/// and any other top-level key (a misspelt table name gets "did you mean", and is one
/// error however many tables carry it). Returns the file's tables and whether it parsed
/// with nothing left out.
pub fn tables<'t>(file: FileId, text: &'t str, names: &[&str], diags: &mut Vec<Diagnostic>) -> Tables<'t> {
    let (root, errors) = DeTable::parse_recoverable(text);
    let mut complete = errors.is_empty();
    for error in errors {
        let span = error.span().unwrap_or(0..0);
        diags.push(
            Diagnostic::error(format!("TOML syntax error: {}", error.message().trim_end()))
                .at(Location::new(file, span), "here")
                .help("fix the TOML syntax; every other problem in this file is still reported"),
        );
    }
    let holds = names.iter().map(|n| format!("`[[{n}]]`")).collect::<Vec<_>>().join(" and ");
    let syntax_errors = !complete;
    let mut misspelt = Vec::new();
    for (key, value) in root.get_ref().iter() {
        let name: &str = key.get_ref().as_ref();
        if names.contains(&name) {
            continue;
        }
        let table = matches!(value.get_ref(), DeValue::Array(_) | DeValue::Table(_));
        let meant = did_you_mean(name, names.iter().copied());
        match meant {
            Some(best) if matches!(value.get_ref(), DeValue::Array(_)) => {
                misspelt.push((name.to_string(), best.to_string()))
            }
            _ => complete = false,
        }
        // After a syntax error, a stray key is most often a record's line that the broken
        // header left at the top level: the syntax error explains it.
        if syntax_errors && !table {
            continue;
        }
        let help = match meant {
            Some(best) => format!("did you mean `[[{best}]]`? This file holds {holds} tables only"),
            None => format!("this file holds {holds} tables only"),
        };
        let what = if table { "table" } else { "top-level key" };
        diags.push(
            Diagnostic::error(format!("unexpected {what} `{name}`"))
                .at(Location::new(file, key.span()), "not expected in this file")
                .help(help),
        );
    }
    Tables { root: root.into_inner(), complete, misspelt }
}

/// Decodes the items of the array-of-tables `table` of a parsed file; `quiet` when the
/// file has syntax errors, which already explain a record that fails to decode.
pub fn decode_table<T: DeserializeOwned>(
    file: FileId,
    root: &DeTable<'_>,
    table: &str,
    fields: &Fields,
    quiet: bool,
    diags: &mut Vec<Diagnostic>,
) -> Parsed<T> {
    let mut out = Parsed { records: Vec::new(), complete: true };
    let Some((key, value)) = root.iter().find(|(key, _)| key.get_ref().as_ref() == table) else {
        return out;
    };
    let DeValue::Array(items) = value.get_ref() else {
        diags.push(
            Diagnostic::error(format!("`{table}` must be an array of tables"))
                .at(Location::new(file, key.span()), "not an array of tables")
                .help(format!("write each record under its own `[[{table}]]` header")),
        );
        out.complete = false;
        return out;
    };
    for item in items.iter() {
        match decode(file, item, fields, quiet, diags) {
            Some(record) => out.records.push(record),
            None => out.complete = false,
        }
    }
    out
}

/// Decodes one record. In a file with syntax errors, a record that fails to decode is
/// dropped silently: the syntax error already explains it.
fn decode<T: DeserializeOwned>(
    file: FileId,
    item: &Spanned<DeValue<'_>>,
    fields: &Fields,
    quiet: bool,
    diags: &mut Vec<Diagnostic>,
) -> Option<Record<T>> {
    let location = Location::new(file, item.span());
    let DeValue::Table(table) = item.get_ref() else {
        diags.push(Diagnostic::error("expected a table").at(location, "not a table"));
        return None;
    };
    check_keys(file, table, fields.names, "field", diags);
    if fields.evidence {
        check_evidence_keys(file, table, diags);
    }
    match T::deserialize(ValueDeserializer::from(item.clone())) {
        Ok(value) => Some(Record { value, location, bulk: false }),
        Err(error) => {
            if !quiet {
                let span = error.span().unwrap_or(item.span());
                diags.push(
                    Diagnostic::error(in_user_words(error.message().trim_end()))
                        .at(Location::new(file, span), "in this record")
                        .help("fix the value; the record is skipped until then"),
                );
            }
            None
        }
    }
}

/// serde speaks Rust ("expected i64"); people speak TOML.
fn in_user_words(message: &str) -> String {
    const WORDS: [(&str, &str); 6] = [
        ("expected i64", "expected a whole number"),
        ("expected u32", "expected a whole number"),
        ("expected a sequence", "expected a list"),
        ("expected a boolean", "expected true or false"),
        ("expected a string", "expected a quoted string"),
        ("invalid type: ", ""),
    ];
    WORDS.iter().fold(message.to_string(), |m, (rust, toml)| m.replace(rust, toml))
}

fn check_keys(file: FileId, table: &DeTable<'_>, allowed: &[&str], what: &str, diags: &mut Vec<Diagnostic>) {
    for key in table.keys() {
        let name: &str = key.get_ref().as_ref();
        if allowed.contains(&name) {
            continue;
        }
        diags.push(
            Diagnostic::error(format!("unknown {what} `{name}`"))
                .at(Location::new(file, key.span()), format!("unknown {what}"))
                .help(help_for_unknown(name, allowed.iter().copied(), &format!("{what}s"))),
        );
    }
}

fn check_evidence_keys(file: FileId, table: &DeTable<'_>, diags: &mut Vec<Diagnostic>) {
    let Some(evidence) = table.get("evidence") else {
        return;
    };
    let DeValue::Array(items) = evidence.get_ref() else {
        return;
    };
    for item in items.iter() {
        if let DeValue::Table(inner) = item.get_ref() {
            check_keys(file, inner, EVIDENCE_FIELDS, "evidence field", diags);
        }
    }
}

/// A string with its place in the file.
pub type Text = Spanned<String>;

/// `[[kind]]` in schema.toml.
#[derive(Deserialize)]
pub struct RawKind {
    pub name: Text,
    #[serde(default)]
    pub description: String,
    pub shape: Option<Text>,
    pub color: Option<Text>,
}

pub const KIND_FIELDS: Fields = Fields { names: &["name", "description", "shape", "color"], evidence: false };

/// `[[relation]]` in schema.toml.
#[derive(Deserialize)]
pub struct RawRelDef {
    pub name: Text,
    pub from: Vec<Text>,
    pub to: Vec<Text>,
    #[serde(default = "yes")]
    pub directed: bool,
    pub reads: Text,
    pub inverse: Text,
    #[serde(default)]
    pub description: String,
    pub role: Option<Text>,
}

fn yes() -> bool {
    true
}

pub const REL_DEF_FIELDS: Fields =
    Fields { names: &["name", "from", "to", "directed", "reads", "inverse", "description", "role"], evidence: false };

/// `[[source]]` in sources.toml.
#[derive(Deserialize)]
pub struct RawSource {
    pub id: Text,
    pub title: Text,
    #[serde(default)]
    pub publisher: String,
    #[serde(default)]
    pub date: String,
    pub file: Text,
}

pub const SOURCE_FIELDS: Fields = Fields { names: &["id", "title", "publisher", "date", "file"], evidence: false };

/// One `{ source, line, quote }` locator.
#[derive(Deserialize)]
pub struct RawEvidence {
    pub source: Text,
    pub line: Spanned<i64>,
    pub quote: Text,
}

/// `[[entity]]` in entities/*.toml.
#[derive(Deserialize)]
pub struct RawEntity {
    pub id: Text,
    pub kind: Text,
    pub name: Text,
    #[serde(default)]
    pub aliases: Vec<Text>,
    pub country: Option<Text>,
    pub attrs: Option<Spanned<toml::Table>>,
    pub note: Option<String>,
    pub evidence: Option<Spanned<Vec<Spanned<RawEvidence>>>>,
}

pub const ENTITY_FIELDS: Fields =
    Fields { names: &["id", "kind", "name", "aliases", "country", "attrs", "note", "evidence"], evidence: true };

/// `[[relation]]` in relations/*.toml.
#[derive(Deserialize)]
pub struct RawRelation {
    pub from: Text,
    pub rel: Text,
    pub to: Text,
    pub since: Option<Text>,
    pub until: Option<Text>,
    pub date: Option<Text>,
    pub status: Option<Text>,
    pub attrs: Option<Spanned<toml::Table>>,
    pub note: Option<String>,
    pub evidence: Option<Spanned<Vec<Spanned<RawEvidence>>>>,
}

pub const RELATION_FIELDS: Fields = Fields {
    names: &["from", "rel", "to", "since", "until", "date", "status", "attrs", "note", "evidence"],
    evidence: true,
};
