//! JSON Lines text to records: one object per non-blank line, with the TOML record's
//! fields; a line that is not an object, or has fields no record has, is reported.

use std::ops::Range;

use toml::Spanned;

use super::Cells;
use crate::data::parse::{RawEvidence, Text};
use crate::diag::{Diagnostic, FileId, Location};
use crate::suggest::help_for_unknown;

/// One JSON Lines record.
pub struct JsonLine {
    file: FileId,
    span: Range<usize>,
    body: String,
    object: serde_json::Map<String, serde_json::Value>,
}

impl JsonLine {
    /// Where a key's value is written, for carets; the whole line when it cannot be found.
    fn span_of(&self, key: &str) -> Range<usize> {
        match self.body.find(&format!("\"{key}\"")) {
            Some(i) => self.span.start + i..self.span.start + i + key.len() + 2,
            None => self.span.clone(),
        }
    }

    fn wrong_type(&self, key: &str, want: &str, diags: &mut Vec<Diagnostic>) {
        diags.push(
            Diagnostic::error(format!("`{key}` must be {want}"))
                .at(Location::new(self.file, self.span_of(key)), "wrong type")
                .help(format!("write `{key}` as {want}")),
        );
    }
}

impl Cells for JsonLine {
    fn get(&self, names: &[&str]) -> Option<Text> {
        let key = names.iter().find(|k| self.object.contains_key(**k))?;
        match self.object.get(*key)? {
            serde_json::Value::String(s) if !s.is_empty() => Some(Spanned::new(self.span_of(key), s.clone())),
            _ => None,
        }
    }

    fn location(&self) -> Location {
        Location::new(self.file, self.span.clone())
    }

    fn aliases(&self) -> Vec<Text> {
        let items = self.object.get("aliases").and_then(|a| a.as_array()).into_iter().flatten();
        items.filter_map(|a| a.as_str()).map(|a| Spanned::new(self.span_of("aliases"), a.to_string())).collect()
    }

    fn attrs(&self, diags: &mut Vec<Diagnostic>) -> Option<Spanned<toml::Table>> {
        let value = self.object.get("attrs")?;
        match json_to_toml(value) {
            Some(toml::Value::Table(table)) => Some(Spanned::new(self.span_of("attrs"), table)),
            _ => {
                self.wrong_type("attrs", "an object", diags);
                None
            }
        }
    }

    fn evidence(&self, diags: &mut Vec<Diagnostic>) -> Option<Spanned<Vec<Spanned<RawEvidence>>>> {
        let items = self.object.get("evidence")?;
        let Some(items) = items.as_array() else {
            self.wrong_type("evidence", "a list of {source, line, quote} objects", diags);
            return None;
        };
        let span = self.span_of("evidence");
        let mut out = Vec::new();
        for item in items {
            let field = |k: &str| item.get(k);
            let (Some(source), Some(line), Some(quote)) = (
                field("source").and_then(|v| v.as_str()),
                field("line").and_then(|v| v.as_i64()),
                field("quote").and_then(|v| v.as_str()),
            ) else {
                self.wrong_type("evidence", "a list of {source, line, quote} objects", diags);
                return None;
            };
            let ev = RawEvidence {
                source: Spanned::new(span.clone(), source.to_string()),
                line: Spanned::new(span.clone(), line),
                quote: Spanned::new(span.clone(), quote.to_string()),
            };
            out.push(Spanned::new(span.clone(), ev));
        }
        Some(Spanned::new(span, out))
    }
}

/// Parses JSON Lines: one object per non-blank line, with the TOML record's fields.
pub fn lines(file: FileId, text: &str, fields: &[&str], diags: &mut Vec<Diagnostic>) -> Vec<JsonLine> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let body = line.trim_end();
        if body.trim().is_empty() {
            continue;
        }
        let span = start..start + body.len();
        let value: serde_json::Value = match serde_json::from_str(body) {
            Ok(v) => v,
            Err(err) => {
                let col = err.column().saturating_sub(1).min(body.len());
                diags.push(
                    Diagnostic::error(format!("invalid JSON: {err}"))
                        .at(Location::new(file, start + col..start + col + 1), "here")
                        .help("each line holds one JSON object"),
                );
                continue;
            }
        };
        let serde_json::Value::Object(object) = value else {
            diags.push(
                Diagnostic::error("expected a JSON object")
                    .at(Location::new(file, span), "not an object")
                    .help("each line holds one JSON object"),
            );
            continue;
        };
        let line = JsonLine { file, span, body: body.to_string(), object };
        for key in line.object.keys().filter(|k| !fields.contains(&k.as_str())) {
            diags.push(
                Diagnostic::error(format!("unknown field `{key}`"))
                    .at(Location::new(file, line.span_of(key)), "unknown field")
                    .help(help_for_unknown(key, fields.iter().copied(), "fields")),
            );
        }
        out.push(line);
    }
    out
}

/// JSON to TOML values (nulls dropped; TOML has none).
fn json_to_toml(value: &serde_json::Value) -> Option<toml::Value> {
    Some(match value {
        serde_json::Value::Null => return None,
        serde_json::Value::Bool(b) => toml::Value::Boolean(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => toml::Value::Integer(i),
            None => toml::Value::Float(n.as_f64()?),
        },
        serde_json::Value::String(s) => toml::Value::String(s.clone()),
        serde_json::Value::Array(items) => toml::Value::Array(items.iter().filter_map(json_to_toml).collect()),
        serde_json::Value::Object(map) => {
            toml::Value::Table(map.iter().filter_map(|(k, v)| Some((k.clone(), json_to_toml(v)?))).collect())
        }
    })
}
