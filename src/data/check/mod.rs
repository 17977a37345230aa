//! One check per record kind: [`entity`] and [`relation`] decide whether a record is
//! accepted, and say why not as [`Refusal`]s. A record reaches its check as a borrowed
//! view ([`EntityRecord`], [`RelationRecord`]) that a TOML record, a JSON line, a CSV row
//! read into a raw record and a plain CSV row all lend, so the TOML and bulk paths apply
//! the same rules by construction; a new data rule is written here once.
//!
//! A check neither reports nor stores: the loader adds what is accepted to the tables and
//! turns each refusal into a [`crate::diag::Diagnostic`] located in its file
//! ([`Refusal::diagnostic`], in `report.rs`). What depends on the records before this one
//! (a taken id, a claimed name or alias) is the loader's, not a check's. The schema and
//! sources files have their own checks (`schema.rs`): only TOML declares them.

mod entity;
mod parts;
mod relation;
mod report;
mod schema;

use std::ops::Range;

use toml::Spanned;

pub use entity::{EntityRecord, entity};
pub use parts::MAX_QUOTE_WORDS;
pub use relation::{RelationRecord, relation, same_as};
pub use report::{Context, NameIndex};
pub use schema::{schema, sources};

use super::parse::{RawEvidence, Text};
use crate::model::{Attrs, Evidence, PartialDate};
use crate::store::Entities;

/// A text of a record and where it is written in its file.
#[derive(Debug, Clone)]
pub struct Field<'a> {
    pub text: &'a str,
    pub span: Range<usize>,
}

impl<'a> Field<'a> {
    pub fn of(text: &'a Text) -> Field<'a> {
        Field { text: text.get_ref(), span: text.span() }
    }
}

/// The parts of a record that only a whole record has (a plain CSV row has none of them),
/// borrowed from the raw record.
pub struct Extra<'a> {
    pub attrs: Option<&'a Spanned<toml::Table>>,
    pub note: Option<&'a str>,
    pub evidence: Option<&'a Spanned<Vec<Spanned<RawEvidence>>>>,
    /// Evidence may be missing (bulk files: imports often carry no documents).
    pub evidence_optional: bool,
}

impl<'a> Extra<'a> {
    /// The parts of a raw record; `bulk` when it is from a bulk file.
    pub fn of(
        attrs: &'a Option<Spanned<toml::Table>>,
        note: &'a Option<String>,
        evidence: &'a Option<Spanned<Vec<Spanned<RawEvidence>>>>,
        bulk: bool,
    ) -> Extra<'a> {
        Extra { attrs: attrs.as_ref(), note: note.as_deref(), evidence: evidence.as_ref(), evidence_optional: bulk }
    }
}

/// The parts of an accepted record that go to the table's side part.
pub struct Parts {
    pub attrs: Attrs,
    pub evidence: Vec<Evidence>,
}

/// Which vocabulary a name must belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vocabulary {
    Kind,
    Relation,
    Status,
    Source,
}

/// What a reference to an entity stands for, as a message reads it.
#[derive(Debug, Clone, Copy)]
pub enum Role {
    /// An entity's `country`.
    Country,
    /// The `from` (0) or `to` (1) end of a relation of this kind.
    End { rel: u16, end: usize },
}

/// Why a record is not accepted: what is wrong, in which field, where. Each becomes one
/// diagnostic.
#[derive(Debug)]
pub enum Refusal<'a> {
    /// A text that must say something is blank.
    Empty { what: &'static str, field: Field<'a> },
    /// An id that is not a kebab-case slug.
    NotSlug(Field<'a>),
    /// A name that is not in its vocabulary.
    Unknown { what: Vocabulary, field: Field<'a> },
    /// A reference to an entity that does not exist.
    NoEntity { role: Role, field: Field<'a> },
    /// A reference to an entity (`entity`) of a kind `role` does not allow.
    WrongKind { role: Role, field: Field<'a>, entity: u32 },
    /// A date that cannot be read.
    BadDate { field: Field<'a>, why: String },
    /// `until` before `since`.
    EndsBefore { until: Field<'a>, dates: (PartialDate, PartialDate) },
    /// A record that must cite evidence cites none.
    NoEvidence { record: &'static str },
    /// A quote of more than [`MAX_QUOTE_WORDS`] words.
    LongQuote { field: Field<'a>, words: usize },
    /// A locator's line that is not a line number.
    NotALine { line: i64, span: Range<usize> },
    /// An attribute whose value is not a plain value.
    BadAttr { key: &'a str, why: &'static str, span: Range<usize> },
    /// A `same_as` statement with something it cannot have (`why`), and what to do.
    SameAs { field: Field<'a>, why: &'static str, help: &'static str },
}

/// Refusals, in the order their diagnostics are written.
pub type Refusals<'a> = Vec<Refusal<'a>>;

/// Checks a reference to an entity (a relation's end, an entity's `country`): `found` is
/// the entity its id finds, which must have one of the `allowed` kinds (None: any kind).
/// Returns the entity's number.
#[inline]
pub fn reference<'a>(
    field: Field<'a>,
    found: Option<u32>,
    allowed: Option<&[u16]>,
    entities: &Entities,
    role: Role,
) -> Result<u32, Refusal<'a>> {
    let Some(entity) = found else {
        return Err(Refusal::NoEntity { role, field });
    };
    match allowed {
        Some(kinds) if !kinds.contains(&entities.kind(entity)) => Err(Refusal::WrongKind { role, field, entity }),
        _ => Ok(entity),
    }
}

/// Whether `id` is a kebab-case slug: lower-case ASCII letters and digits in words joined
/// by single hyphens.
pub fn is_slug(id: &str) -> bool {
    // A hyphen may not come first, last, or after another: as if one came before the start.
    let mut last = b'-';
    for &b in id.as_bytes() {
        match b {
            b'a'..=b'z' | b'0'..=b'9' => {}
            b'-' if last != b'-' => {}
            _ => return false,
        }
        last = b;
    }
    last != b'-'
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The one-pass check agrees with the definition: words of lower-case letters and
        /// digits, joined by single hyphens.
        #[test]
        fn a_slug_is_words_joined_by_hyphens(id in "[a-z0-9A-Z_ é-]{0,8}") {
            let words = !id.is_empty()
                && id.split('-').all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
            proptest::prop_assert_eq!(is_slug(&id), words);
        }
    }

    #[test]
    fn slugs() {
        for yes in ["a", "office-39", "3", "a-b-c"] {
            assert!(is_slug(yes), "{yes}");
        }
        for no in ["", "-", "-a", "a-", "a--b", "A", "a_b", "é", "a b"] {
            assert!(!is_slug(no), "{no}");
        }
    }
}
