//! The links of an FtM stream: edge schemata and sanctions become relations between the
//! entities their properties name (the second pass of the import, once every entity is in
//! the table), with their dates, kept properties and the record as evidence; a sanction's
//! instrument is made on first use.

use super::mapping::{self, SchemaDef, Shape};
use super::{At, Import, note, record};
use crate::diag::{Diagnostic, visible};
use crate::model::{AttrValue, Attrs, PartialDate, RelDef, RelRole, Status};
use crate::store::{EntityMore, RelationMore};

impl Import {
    /// A link or a sanction: a relation for each pair of ends.
    pub(super) fn link(&mut self, at: &At) {
        let Some(rel_name) = self.mapping.target(at.def).map(str::to_string) else {
            return self.leave(at);
        };
        let props = &at.line.properties;
        let (source, target, directed) = match at.def.shape {
            Shape::Edge { source, target, directed } => (source, target, directed),
            _ => ("entity", "program", true),
        };
        let Some(froms) = self.ends(at, source) else { return };
        let tos = match at.def.shape {
            Shape::Sanction => vec![self.instrument(at)],
            _ => match self.ends(at, target) {
                Some(tos) => tos,
                None => return,
            },
        };
        let dated = |prop: &str| props.first(prop).and_then(|d| record::date(d).ok());
        let since: Option<PartialDate> = dated("startDate").or_else(|| dated("listingDate"));
        let status = if matches!(at.def.shape, Shape::Sanction) { Status::Official } else { Status::Reported };
        let kept =
            ["role", "relationship", "percentage", "sharesCount", "sharesValue", "ownershipType", "amount", "currency"];
        // A sanction's program and authority are its instrument's name, id and attribute.
        let instrument = ["program", "programId", "authority"];
        let ends = ["startDate", "endDate", "date", "listingDate", source, target];
        let used = [&kept[..], &record::NOTES, &ends, &instrument];
        self.count_unread(at, &used);
        let more = RelationMore {
            since,
            until: dated("endDate"),
            date: dated("date"),
            attrs: self.attrs(at, &kept),
            note: note(at),
            evidence: self.evidence(at),
            origin: at.location(),
        };
        let rel = self.rel(&rel_name, at.def, directed);
        let pairs: Vec<(u32, u32)> = froms.iter().flat_map(|&f| tos.iter().map(move |&t| (f, t))).collect();
        let last = pairs.len().saturating_sub(1);
        let mut more = Some(more);
        for (i, ends) in pairs.into_iter().enumerate() {
            // The last pair (the only one, almost always) takes the parts without a copy.
            let parts = if i == last { more.take() } else { more.clone() };
            if self.data.relations.push(ends, rel, status, parts).is_err() {
                self.diags.push(Diagnostic::error("the relation table is full").at(at.location(), "here"));
                return;
            }
        }
    }

    /// The entities `prop` names, or `None` when one is missing (reported) or was not
    /// imported (counted). At most 64 ends a side, so one line cannot make millions of
    /// relations.
    fn ends(&mut self, at: &At, prop: &str) -> Option<Vec<u32>> {
        let ids = at.line.properties.get(prop);
        if ids.is_empty() || ids.len() > 64 {
            let why = if ids.is_empty() {
                format!("without `{prop}`")
            } else {
                format!("with {} values of `{prop}`", ids.len())
            };
            self.diags.push(
                Diagnostic::error(format!("a {} {why}", at.def.name))
                    .at(at.place(prop, ""), "this record")
                    .help(format!("a {} names the entity at its `{prop}` end by id (at most 64)", at.def.name)),
            );
            return None;
        }
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            match self.data.entities.find(id) {
                Some(n) => out.push(n),
                // The entity's own error is reported; the load fails, so nothing is left out unsaid.
                None if self.refused.contains(id.as_ref()) => return None,
                None if self.skipped.contains(id.as_ref()) => {
                    self.left_links.entry(at.def.name).or_insert_with(|| (0, at.place(prop, id))).0 += 1;
                    return None;
                }
                None => {
                    self.diags.push(
                        Diagnostic::error(format!("`{prop}` names `{}`, which no entity of the stream has as its id", visible(id)))
                            .at(at.place(prop, id), "unknown entity")
                            .help("add the entity to the stream; to link to an entity of another dataset, give it the same id in both"),
                    );
                    return None;
                }
            }
        }
        Some(out)
    }

    /// The instrument a sanction is under: its `programId`, else its `program` or
    /// `authority` as a slug, else the dataset's sanctions; made on first use, with the
    /// first sanction's authority as an attribute and the first sanction as its evidence.
    fn instrument(&mut self, at: &At) -> u32 {
        let props = &at.line.properties;
        let name = props.first("program").or_else(|| props.first("authority"));
        let dataset = at.line.datasets.first().map_or(at.stem, |d| d.as_ref());
        let name = name.map_or_else(|| format!("{dataset} sanctions"), str::to_string);
        // A name without Latin letters or digits has no slug: the id is the name itself.
        let slug = Some(crate::builder::mentions::slug(&name)).filter(|s| !s.is_empty());
        let id = props
            .first("programId")
            .map_or_else(|| slug.map_or_else(|| format!("program-{name}"), |s| format!("program-{s}")), str::to_string);
        if let Some(n) = self.data.entities.find(&id) {
            return n;
        }
        let kind = self.kind(mapping::INSTRUMENT);
        let evidence = self.evidence(at);
        let mut attrs = Attrs::new();
        if let Some(authority) = props.first("authority").filter(|a| *a != name) {
            attrs.insert("authority".into(), AttrValue::Text(authority.to_string()));
        }
        let more = EntityMore { evidence, attrs, ..EntityMore::default() };
        self.data.entities.push(&id, &name, kind, Some(more)).expect("the id was not found just above")
    }

    /// The relation kind named `name`, declared on first use (any kind at either end).
    fn rel(&mut self, name: &str, def: &SchemaDef, directed: bool) -> u16 {
        let rels = &mut self.data.schema.relations;
        if let Some(i) = rels.iter().position(|r| r.name == name) {
            return i as u16;
        }
        let (reads, inverse) = readings(name);
        rels.push(RelDef {
            name: name.to_string(),
            from: Vec::new(),
            to: Vec::new(),
            directed,
            reads,
            inverse,
            description: format!("Imported from FollowTheMoney {} records.", def.name),
            role: RelRole::Substantive,
        });
        (rels.len() - 1) as u16
    }
}

/// How the default relation kinds read, forwards and backwards; others read by their name.
fn readings(name: &str) -> (String, String) {
    const READINGS: [(&str, &str, &str); 13] = [
        ("associate_of", "is an associate of", "is an associate of"),
        ("controls", "controls", "is controlled by"),
        ("designated_under", "is designated under", "designates"),
        ("director_of", "is a director of", "has as director"),
        ("employed_by", "is employed by", "employs"),
        ("family_of", "is family of", "is family of"),
        ("holds", "holds", "is held by"),
        ("linked_to", "is linked to", "is linked to"),
        ("member_of", "is a member of", "has as member"),
        ("owes", "owes", "is owed by"),
        ("owns", "owns", "is owned by"),
        ("paid", "paid", "was paid by"),
        ("represents", "represents", "is represented by"),
    ];
    match READINGS.iter().find(|(n, ..)| *n == name) {
        Some((_, reads, inverse)) => (reads.to_string(), inverse.to_string()),
        None => {
            let words = name.replace('_', " ");
            (words.clone(), format!("is the other end of {words}"))
        }
    }
}
