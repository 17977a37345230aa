//! [`EntityView`] and [`RelationView`]: one record read back from the tables, with the
//! record's field names as methods, serialising as [`crate::model::Entity`] and
//! [`crate::model::Relation`] do (the same fields, in the same order) through a borrowed
//! record that derives `Serialize`.

use serde::Serialize;

use super::entities::{Entities, EntityMore};
use super::relations::{RelationMore, Relations};
use crate::diag::Location;
use crate::model::{Attrs, Evidence, PartialDate, Schema, Status, period_text};

/// Attributes of a record that has none.
static NO_ATTRS: Attrs = Attrs::new();

/// One entity, read from the tables.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(into = "EntityRecord<'a>")]
pub struct EntityView<'a> {
    schema: &'a Schema,
    entities: &'a Entities,
    n: u32,
}

/// An entity as its record serialises.
#[derive(Serialize)]
#[serde(rename = "Entity")]
struct EntityRecord<'a> {
    id: &'a str,
    kind: &'a str,
    name: &'a str,
    aliases: &'a [String],
    country: Option<&'a str>,
    attrs: &'a Attrs,
    note: Option<&'a str>,
    evidence: &'a [Evidence],
}

impl<'a> From<EntityView<'a>> for EntityRecord<'a> {
    fn from(e: EntityView<'a>) -> EntityRecord<'a> {
        EntityRecord {
            id: e.id(),
            kind: e.kind(),
            name: e.name(),
            aliases: e.aliases(),
            country: e.country(),
            attrs: e.attrs(),
            note: e.note(),
            evidence: e.evidence(),
        }
    }
}

impl<'a> EntityView<'a> {
    pub fn new(schema: &'a Schema, entities: &'a Entities, n: u32) -> EntityView<'a> {
        EntityView { schema, entities, n }
    }

    /// The entity's number in its tables.
    pub fn number(&self) -> u32 {
        self.n
    }

    pub fn id(&self) -> &'a str {
        self.entities.id(self.n)
    }

    pub fn name(&self) -> &'a str {
        self.entities.name(self.n)
    }

    pub fn kind(&self) -> &'a str {
        self.schema.kinds.get(usize::from(self.entities.kind(self.n))).map_or("", |k| k.name.as_str())
    }

    fn more(&self) -> Option<&'a EntityMore> {
        self.entities.more(self.n)
    }

    pub fn aliases(&self) -> &'a [String] {
        self.more().map_or(&[], |m| m.aliases.as_slice())
    }

    pub fn country(&self) -> Option<&'a str> {
        self.more().and_then(|m| m.country.as_deref())
    }

    pub fn attrs(&self) -> &'a Attrs {
        self.more().map_or(&NO_ATTRS, |m| &m.attrs)
    }

    pub fn note(&self) -> Option<&'a str> {
        self.more().and_then(|m| m.note.as_deref())
    }

    pub fn evidence(&self) -> &'a [Evidence] {
        self.more().map_or(&[], |m| m.evidence.as_slice())
    }

    /// Where the record is written, when it came from a curated file in this run.
    pub fn origin(&self) -> Location {
        self.more().map(|m| m.origin.clone()).unwrap_or_default()
    }
}

/// One relation, read from the tables.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(into = "RelationRecord<'a>")]
pub struct RelationView<'a> {
    schema: &'a Schema,
    entities: &'a Entities,
    relations: &'a Relations,
    e: u32,
    ends: (u32, u32),
    rel: u16,
}

/// A relation as its record serialises.
#[derive(Serialize)]
#[serde(rename = "Relation")]
struct RelationRecord<'a> {
    from: &'a str,
    rel: &'a str,
    to: &'a str,
    since: Option<PartialDate>,
    until: Option<PartialDate>,
    date: Option<PartialDate>,
    status: Status,
    attrs: &'a Attrs,
    note: Option<&'a str>,
    evidence: &'a [Evidence],
}

impl<'a> From<RelationView<'a>> for RelationRecord<'a> {
    fn from(r: RelationView<'a>) -> RelationRecord<'a> {
        RelationRecord {
            from: r.from(),
            rel: r.rel(),
            to: r.to(),
            since: r.since(),
            until: r.until(),
            date: r.date(),
            status: r.status(),
            attrs: r.attrs(),
            note: r.note(),
            evidence: r.evidence(),
        }
    }
}

impl<'a> RelationView<'a> {
    /// The relation numbered `e`, whose ends are the entities numbered `ends` and whose
    /// kind is the schema's relation numbered `rel` (ends and kinds live where the holder
    /// of the tables keeps them).
    pub fn new(
        schema: &'a Schema,
        entities: &'a Entities,
        relations: &'a Relations,
        e: u32,
        ends: (u32, u32),
        rel: u16,
    ) -> RelationView<'a> {
        RelationView { schema, entities, relations, e, ends, rel }
    }

    /// The id of the entity the relation goes from.
    pub fn from(&self) -> &'a str {
        self.entities.id(self.ends.0)
    }

    /// The id of the entity the relation goes to.
    pub fn to(&self) -> &'a str {
        self.entities.id(self.ends.1)
    }

    pub fn rel(&self) -> &'a str {
        self.schema.relations.get(usize::from(self.rel)).map_or("", |r| r.name.as_str())
    }

    fn more(&self) -> Option<&'a RelationMore> {
        self.relations.more(self.e)
    }

    pub fn since(&self) -> Option<PartialDate> {
        self.more().and_then(|m| m.since)
    }

    pub fn until(&self) -> Option<PartialDate> {
        self.more().and_then(|m| m.until)
    }

    pub fn date(&self) -> Option<PartialDate> {
        self.more().and_then(|m| m.date)
    }

    pub fn status(&self) -> Status {
        self.relations.status(self.e)
    }

    pub fn attrs(&self) -> &'a Attrs {
        self.more().map_or(&NO_ATTRS, |m| &m.attrs)
    }

    pub fn note(&self) -> Option<&'a str> {
        self.more().and_then(|m| m.note.as_deref())
    }

    pub fn evidence(&self) -> &'a [Evidence] {
        self.more().map_or(&[], |m| m.evidence.as_slice())
    }

    pub fn origin(&self) -> Location {
        self.more().map(|m| m.origin.clone()).unwrap_or_default()
    }

    /// The period or date as people write it: "2008 – 2016", "since 2016", "2016-12-02".
    pub fn period(&self) -> Option<String> {
        period_text(self.since(), self.until(), self.date())
    }
}
