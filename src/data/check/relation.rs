//! The relation check: a known relation, ends that exist and have kinds the relation
//! allows, readable dates in order, a known status, and the parts any record may have.

use super::parts::{date, parts};
use super::{Extra, Field, Refusal, Refusals, Role, Vocabulary, reference};
use crate::data::parse::{RawRelation, Record};
use crate::data::vocab::Vocab;
use crate::diag::Location;
use crate::model::{Evidence, Status};
use crate::store::{Entities, RelationMore};

/// A relation as its check reads it, borrowed from a raw record or a plain CSV row.
pub struct RelationRecord<'a> {
    /// Where the record is written.
    pub at: Location,
    pub from: Field<'a>,
    pub rel: Field<'a>,
    pub to: Field<'a>,
    /// None: reported.
    pub status: Option<Field<'a>>,
    pub since: Option<Field<'a>>,
    pub until: Option<Field<'a>>,
    pub date: Option<Field<'a>>,
    pub extra: Option<Extra<'a>>,
}

impl<'a> RelationRecord<'a> {
    /// The view of a whole record (TOML, JSON Lines, or a CSV row that is not plain).
    pub fn of(record: &'a Record<RawRelation>) -> RelationRecord<'a> {
        let r = &record.value;
        RelationRecord {
            at: record.location.clone(),
            from: Field::of(&r.from),
            rel: Field::of(&r.rel),
            to: Field::of(&r.to),
            status: r.status.as_ref().map(Field::of),
            since: r.since.as_ref().map(Field::of),
            until: r.until.as_ref().map(Field::of),
            date: r.date.as_ref().map(Field::of),
            extra: Some(Extra::of(&r.attrs, &r.note, &r.evidence, record.bulk)),
        }
    }

    /// The ids of its ends, to look up: [`relation`] takes the entities found (a bulk load
    /// looks many rows' ends up together).
    pub fn ends(&self) -> [&'a str; 2] {
        [self.from.text, self.to.text]
    }
}

/// An accepted relation: what the table keeps of it.
pub struct Relation {
    pub ends: (u32, u32),
    pub rel: u16,
    pub status: Status,
    /// The side part, for a whole record (boxed: plain rows, the most, move only the rest).
    pub more: Option<Box<RelationMore>>,
}

/// Checks a relation whose ends' ids find the entities `found` (as
/// [`Entities::find`] would) against the vocabulary (an inferred one learns its relation
/// first), the entities and the declared `sources`.
pub fn relation<'a>(
    r: &RelationRecord<'a>,
    found: [Option<u32>; 2],
    vocab: &mut Vocab,
    entities: &Entities,
    sources: &[String],
) -> Result<Relation, Refusals<'a>> {
    let mut refusals = Vec::new();
    let rel = vocab.rel(r.rel.text);
    let ends = match rel {
        None => {
            refusals.push(Refusal::Unknown { what: Vocabulary::Relation, field: r.rel.clone() });
            None
        }
        Some(rel) => {
            // Both ends are reported when both are wrong.
            let mut end = |end: usize, field: &Field<'a>| {
                reference(field.clone(), found[end], vocab.allowed(rel, end), entities, Role::End { rel, end })
                    .map_err(|refusal| refusals.push(refusal))
                    .ok()
            };
            let (a, b) = (end(0, &r.from), end(1, &r.to));
            a.zip(b)
        }
    };
    let since = date(r.since.clone(), &mut refusals);
    let until = date(r.until.clone(), &mut refusals);
    let when = date(r.date.clone(), &mut refusals);
    if let (Ok(Some(s)), Ok(Some(u)), Some(field)) = (since, until, &r.until)
        && u.last_day() < s.first_day()
    {
        refusals.push(Refusal::EndsBefore { until: field.clone(), dates: (s, u) });
    }
    let status = match &r.status {
        None => Some(Status::Reported),
        Some(field) => Status::parse(field.text).or_else(|| {
            refusals.push(Refusal::Unknown { what: Vocabulary::Status, field: field.clone() });
            None
        }),
    };
    // A record's side part, checked; a plain row has none (Some(None)).
    let more = match &r.extra {
        None => Some(None),
        Some(extra) => parts(r.at.file, extra, "relation", sources, &mut refusals).map(|parts| {
            Some(Box::new(RelationMore {
                since: since.ok().flatten(),
                until: until.ok().flatten(),
                date: when.ok().flatten(),
                attrs: parts.attrs,
                note: extra.note.map(str::to_string),
                evidence: parts.evidence,
                origin: r.at.clone(),
            }))
        }),
    };
    let (Some(ends), Some(rel), Some(status), Some(more), true) = (ends, rel, status, more, refusals.is_empty()) else {
        return Err(refusals);
    };
    Ok(Relation { ends, rel, status, more })
}

/// Checks a `same_as` statement (see `data::identity`): two different ids, no status or
/// dates (it says what is one entity, not what happened), and evidence as any relation
/// needs. Its ends are not looked up: one may be an entity of another dataset, which the
/// loader says.
pub fn same_as<'a>(r: &RelationRecord<'a>, sources: &[String]) -> Result<Vec<Evidence>, Refusals<'a>> {
    let mut refusals = Vec::new();
    if r.from.text == r.to.text {
        let help = "name two records of one entity, the kept one first";
        refusals.push(Refusal::SameAs { field: r.to.clone(), why: "joins an entity with itself", help });
    }
    for field in [&r.status, &r.since, &r.until, &r.date].into_iter().flatten() {
        let help = "remove it: a same_as says two records are one entity, which has no status or period";
        refusals.push(Refusal::SameAs { field: field.clone(), why: "has no status or dates", help });
    }
    let evidence = match &r.extra {
        None => Some(Vec::new()),
        Some(extra) => parts(r.at.file, extra, "same_as", sources, &mut refusals).map(|p| p.evidence),
    };
    match evidence {
        Some(evidence) if refusals.is_empty() => Ok(evidence),
        _ => Err(refusals),
    }
}
