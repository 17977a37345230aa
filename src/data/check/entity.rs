//! The entity check: a non-blank slug id, a non-blank name, a known kind, non-blank
//! aliases, and the parts any record may have. The entity's `country` is a reference,
//! checked by [`super::reference`] once every entity is known; ids and names the entity
//! shares with earlier ones are the loader's to find.

use super::parts::{non_empty, parts};
use super::{Extra, Field, Refusal, Refusals, Vocabulary, is_slug};
use crate::data::parse::{RawEntity, Record, Text};
use crate::data::vocab::Vocab;
use crate::diag::Location;
use crate::store::EntityMore;

/// An entity as its check reads it, borrowed from a raw record or a plain CSV row.
pub struct EntityRecord<'a> {
    /// Where the record is written.
    pub at: Location,
    pub id: Field<'a>,
    pub kind: Field<'a>,
    pub name: Field<'a>,
    pub aliases: &'a [Text],
    pub country: Option<Field<'a>>,
    pub extra: Option<Extra<'a>>,
}

impl<'a> EntityRecord<'a> {
    /// The view of a whole record (TOML, JSON Lines, or a CSV row that is not plain).
    pub fn of(record: &'a Record<RawEntity>) -> EntityRecord<'a> {
        let e = &record.value;
        EntityRecord {
            at: record.location.clone(),
            id: Field::of(&e.id),
            kind: Field::of(&e.kind),
            name: Field::of(&e.name),
            aliases: &e.aliases,
            country: e.country.as_ref().map(Field::of),
            extra: Some(Extra::of(&e.attrs, &e.note, &e.evidence, record.bulk)),
        }
    }
}

/// An accepted entity: what the table keeps of it.
pub struct Entity<'a> {
    pub id: &'a str,
    /// The name without white space around it.
    pub name: &'a str,
    pub kind: u16,
    /// The side part, for a whole record (boxed: plain rows, the most, move only the rest).
    pub more: Option<Box<EntityMore>>,
}

/// Checks an entity against the vocabulary (an inferred one learns its kind first) and the
/// declared `sources`.
pub fn entity<'a>(e: &EntityRecord<'a>, vocab: &mut Vocab, sources: &[String]) -> Result<Entity<'a>, Refusals<'a>> {
    let kind = vocab.kind(e.kind.text);
    let mut refusals = Vec::new();
    let mut ok = non_empty("id", e.id.clone(), &mut refusals) && non_empty("name", e.name.clone(), &mut refusals);
    if ok && !is_slug(e.id.text) {
        refusals.push(Refusal::NotSlug(e.id.clone()));
        ok = false;
    }
    if kind.is_none() {
        refusals.push(Refusal::Unknown { what: Vocabulary::Kind, field: e.kind.clone() });
    }
    for alias in e.aliases {
        ok &= non_empty("alias", Field::of(alias), &mut refusals);
    }
    // A record's side part, checked; a plain row has none (Some(None)).
    let more = match &e.extra {
        None => Some(None),
        Some(extra) => parts(e.at.file, extra, "entity", sources, &mut refusals).map(|parts| {
            Some(Box::new(EntityMore {
                aliases: e.aliases.iter().map(|a| a.get_ref().trim().to_string()).collect(),
                country: e.country.as_ref().map(|c| c.text.into()),
                attrs: parts.attrs,
                note: extra.note.map(str::to_string),
                evidence: parts.evidence,
                origin: e.at.clone(),
            }))
        }),
    };
    let (Some(kind), Some(more), true) = (kind, more, ok) else {
        return Err(refusals);
    };
    Ok(Entity { id: e.id.text, name: e.name.text.trim(), kind, more })
}
