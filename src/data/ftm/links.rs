//! The links of an FtM stream: edge schemata and sanctions become relations between the
//! entities their properties name (the second pass of the import, once every entity is in
//! the table), with their dates, kept properties and the record as evidence; a sanction is
//! a designation under each program it names, each instrument made on first use.

use super::mapping::{self, SchemaDef, Shape};
use super::{At, Import, note, record};
use crate::diag::{Diagnostic, visible};
use crate::model::{Attrs, PartialDate, RelDef, RelRole, Status};
use crate::store::{EntityMore, RelationMore};

impl Import {
    /// A link or a sanction: a relation for each pair of ends.
    pub(super) fn link(&mut self, at: &At) {
        let Some(rel_name) = self.mapping.target(at.def).map(str::to_string) else {
            return self.leave(at);
        };
        let (source, target, directed) = match at.def.shape {
            Shape::Edge { source, target, directed } => (source, target, directed),
            _ => ("entity", "program", true),
        };
        let Some(froms) = self.ends(at, source) else { return };
        let tos = match at.def.shape {
            Shape::Sanction => self.instruments(at),
            _ => match self.ends(at, target) {
                Some(tos) => tos,
                None => return,
            },
        };
        // One start, end and date each: the earliest start and the latest end, as FtM's
        // timeline takes them (`temporal_start`, `temporal_end`), the earliest date; the
        // other values are counted. A listing date is the start when there is no start date.
        let since: Option<PartialDate> = match self.dates(at, "startDate", Pick::Earliest) {
            Some(start) => {
                self.more_values(at, "listingDate", at.line.properties.get("listingDate").len());
                Some(start)
            }
            None => self.dates(at, "listingDate", Pick::Earliest),
        };
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
            until: self.dates(at, "endDate", Pick::Latest),
            date: self.dates(at, "date", Pick::Earliest),
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

    /// The instruments a sanction is under, a designation under each: one for each
    /// `programId`, named by the `program` beside it (when the two lists are as long), else
    /// one for each `program` (its slug the id), else one named by the `authority` or, failing
    /// that, the dataset's sanctions. Each is made on first use, with the authorities of that
    /// sanction as its attribute and the sanction as its evidence; a later sanction's
    /// authorities the instrument does not hold are counted, as are programs no instrument
    /// is named by.
    fn instruments(&mut self, at: &At) -> Vec<u32> {
        let props = &at.line.properties;
        let (ids, programs, authorities) = (props.get("programId"), props.get("program"), props.get("authority"));
        let dataset = at.line.datasets.first().map_or(at.stem, |d| d.as_ref());
        let fallback = || authorities.first().map_or_else(|| format!("{dataset} sanctions"), |a| a.to_string());
        let slug_id = |name: &str| {
            // A name without Latin letters or digits has no slug: the id is the name itself.
            let slug = crate::builder::mentions::slug(name);
            if slug.is_empty() { format!("program-{name}") } else { format!("program-{slug}") }
        };
        let named: Vec<(String, String)> = if ids.is_empty() {
            if programs.is_empty() {
                let name = fallback();
                vec![(slug_id(&name), name)]
            } else {
                programs.iter().map(|p| (slug_id(p), p.to_string())).collect()
            }
        } else if ids.len() == programs.len() {
            ids.iter().zip(programs).map(|(id, p)| (id.to_string(), p.to_string())).collect()
        } else {
            self.more_values(at, "program", programs.len());
            let one = |id: &str| if ids.len() == 1 { fallback() } else { id.to_string() };
            ids.iter().map(|id| (id.to_string(), one(id))).collect()
        };
        if named.len() > 64 {
            self.diags.push(
                Diagnostic::error(format!("a {} under {} programs", at.def.name, named.len()))
                    .at(at.place("programId", ""), "this record")
                    .help("a sanction names at most 64 programs; split the record"),
            );
            return Vec::new();
        }
        let mut out = Vec::with_capacity(named.len());
        for (id, name) in named {
            let held: Vec<String> = authorities.iter().filter(|a| **a != name).map(|a| a.to_string()).collect();
            if let Some(n) = self.data.entities.find(&id) {
                let known = self.authorities.get(id.as_str());
                let new = held.iter().filter(|a| !known.is_some_and(|k| k.contains(a))).count();
                self.more_values(at, "authority", new);
                out.push(n);
                continue;
            }
            let kind = self.kind(mapping::INSTRUMENT);
            let evidence = self.evidence(at);
            let mut attrs = Attrs::new();
            for authority in &held {
                super::push_attr(&mut attrs, "authority", authority.clone());
            }
            self.authorities.insert(id.as_str().into(), held);
            let more = EntityMore { evidence, attrs, ..EntityMore::default() };
            match self.data.entities.push(&id, &name, kind, Some(more)) {
                Ok(n) => out.push(n),
                Err(_) => {
                    self.diags.push(Diagnostic::error("the entity table is full").at(at.location(), "here"));
                    break;
                }
            }
        }
        out
    }

    /// The date of `prop` a relation keeps, `pick`ed from its values (each checked before);
    /// the values not kept are counted.
    fn dates(&mut self, at: &At, prop: &str, pick: Pick) -> Option<PartialDate> {
        let values = at.line.properties.get(prop);
        self.more_values(at, prop, values.len().saturating_sub(1));
        let dates = values.iter().filter_map(|d| record::date(d).ok());
        // FtM compares its dates as ISO text, a year before its months.
        match pick {
            Pick::Earliest => dates.min_by_key(|d| d.to_string()),
            Pick::Latest => dates.max_by_key(|d| d.to_string()),
        }
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

/// Which of several dates a relation keeps.
#[derive(Clone, Copy)]
enum Pick {
    Earliest,
    Latest,
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
