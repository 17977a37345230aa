//! The parts records of both kinds may have, checked the same way for each: dates,
//! evidence locators and attributes.

use super::{Extra, Field, Parts, Refusal, Refusals, Vocabulary};
use crate::diag::{FileId, Location};
use crate::model::{AttrValue, Evidence, PartialDate};

/// Anchor phrases are short: the data stores facts, never whole sentences.
pub const MAX_QUOTE_WORDS: usize = 12;

/// Whether a text that must say something does; refuses it if not.
#[inline]
pub fn non_empty<'a>(what: &'static str, field: Field<'a>, refusals: &mut Refusals<'a>) -> bool {
    if !field.text.trim().is_empty() {
        return true;
    }
    refusals.push(Refusal::Empty { what, field });
    false
}

/// A date field, when there is one; Err when it cannot be read (refused).
#[inline]
pub fn date<'a>(field: Option<Field<'a>>, refusals: &mut Refusals<'a>) -> Result<Option<PartialDate>, ()> {
    let Some(field) = field else { return Ok(None) };
    PartialDate::parse(field.text).map(Some).map_err(|why| refusals.push(Refusal::BadDate { field, why }))
}

/// The evidence and attributes of a `record` ("entity", "relation") in `file`, checked;
/// None when any is refused.
pub fn parts<'a>(
    file: FileId,
    extra: &Extra<'a>,
    record: &'static str,
    sources: &[String],
    refusals: &mut Refusals<'a>,
) -> Option<Parts> {
    let evidence = evidence(file, extra, record, sources, refusals);
    let attrs = attrs(extra, refusals);
    Some(Parts { attrs: attrs?, evidence: evidence? })
}

fn evidence<'a>(
    file: FileId,
    extra: &Extra<'a>,
    record: &'static str,
    sources: &[String],
    refusals: &mut Refusals<'a>,
) -> Option<Vec<Evidence>> {
    let items = extra.evidence.map_or(&[][..], |list| list.get_ref().as_slice());
    if items.is_empty() {
        if extra.evidence_optional {
            return Some(Vec::new());
        }
        refusals.push(Refusal::NoEvidence { record });
        return None;
    }
    let mut out = Vec::new();
    let mut ok = true;
    for item in items {
        let ev = item.get_ref();
        let source = Field::of(&ev.source);
        if !sources.iter().any(|s| *s == source.text) {
            refusals.push(Refusal::Unknown { what: Vocabulary::Source, field: source });
            ok = false;
        }
        let quote = Field::of(&ev.quote);
        ok &= non_empty("quote", quote.clone(), refusals);
        let words = quote.text.split_whitespace().count();
        if words > MAX_QUOTE_WORDS {
            refusals.push(Refusal::LongQuote { field: quote, words });
            ok = false;
        }
        let line = *ev.line.get_ref();
        let Ok(number) = u32::try_from(line).map_err(drop).and_then(|n| if n < 1 { Err(()) } else { Ok(n) }) else {
            refusals.push(Refusal::NotALine { line, span: ev.line.span() });
            ok = false;
            continue;
        };
        let origin = Location::new(file, item.span());
        out.push(Evidence {
            source: ev.source.get_ref().as_str().into(),
            line: number,
            quote: ev.quote.get_ref().clone(),
            record: None,
            origin,
        });
    }
    ok.then_some(out)
}

fn attrs<'a>(extra: &Extra<'a>, refusals: &mut Refusals<'a>) -> Option<crate::model::Attrs> {
    let Some(table) = extra.attrs else {
        return Some(crate::model::Attrs::new());
    };
    let mut out = Vec::new();
    let mut ok = true;
    for (key, value) in table.get_ref() {
        match attr_value(value) {
            Ok(v) => out.push((key.clone(), v)),
            Err(why) => {
                refusals.push(Refusal::BadAttr { key, why, span: table.span() });
                ok = false;
            }
        }
    }
    ok.then(|| out.into_iter().collect())
}

fn attr_value(value: &toml::Value) -> Result<AttrValue, &'static str> {
    Ok(match value {
        toml::Value::String(s) => AttrValue::Text(s.clone()),
        toml::Value::Integer(i) => AttrValue::Int(*i),
        toml::Value::Float(f) if f.is_finite() => AttrValue::Float(*f),
        toml::Value::Float(_) => return Err("is not a finite number"),
        toml::Value::Boolean(b) => AttrValue::Bool(*b),
        toml::Value::Array(items) => AttrValue::List(items.iter().map(attr_value).collect::<Result<_, _>>()?),
        toml::Value::Datetime(_) => {
            return Err("is a TOML date; write dates as strings (\"2016-06\")");
        }
        toml::Value::Table(_) => return Err("is a table; attributes hold plain values"),
    })
}
