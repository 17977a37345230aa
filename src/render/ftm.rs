//! FollowTheMoney (FtM) entities, one JSON object a line (`{"id","schema","properties"}`),
//! for Aleph, `ftm` and OpenSanctions-style pipelines. The mapping is the two tables below
//! (`THINGS`, `LINKS`), repeated in the README:
//!
//! - Each entity becomes a thing of its kind's schema (`Territory` for places, which FtM
//!   keeps as reference areas; `Document` for instruments; the schema a kind the FtM import
//!   makes was read from; `LegalEntity` for any other kind), with `name`, `alias` (aliases), `notes` (the note) and
//!   `description` (its attributes, `key: value` a line, since FtM has no free properties).
//! - Each relation becomes an interval: the schema `LINKS` gives when both ends are of
//!   schemata its properties accept (FtM's ranges), or, for a relation read from an FtM
//!   stream, the schema it was read from (`ROUND_TRIP`), else `UnknownLink` (subject, object),
//!   with `role` the relation kind, `startDate`/`endDate`/`date` from since/until/date,
//!   `status`, and `description` the note and attributes. `designated_under` becomes a
//!   `Sanction` of the designated entity, with `program` the instrument's name and
//!   `authority` the names of those who issued it.
//! - An entity's `country` (a place of the graph) becomes an `UnknownLink` with role
//!   `country`: FtM's `country` property takes ISO codes, which the graph does not hold.
//! - Evidence becomes `summary` (`source:line "quote"` each), `publisher` (the sources'
//!   publishers) and `proof`, links to one `Document` per cited source (its title,
//!   publisher and date). The sources have no URLs, so there is no `sourceUrl`.
//!
//! Ids are stable and derived from kgq's: `kgq-ID` for an entity, `kgq-FROM.REL.TO.N` for
//! a relation (see `exchange`), `kgq-ID.country` for a country link, `kgq-source.ID` for a
//! source document, each as [`ftm_id`] writes it (a name FtM would refuse as an id, with
//! `_` or a space, becomes `kgq.NAME.HASH`). Curated entity ids never hold a `.`, so these
//! cannot collide. A link whose other end is not written (a country outside an exported
//! answer) is left out.
//!
//! Entities are written one line at a time into any writer: an export of a large graph is
//! never held in memory.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::io::{self, Write};

use fixedbitset::FixedBitSet;
use serde_json::{Map, Value, json};

use super::exchange::Selection;
use crate::data::ftm::mapping::{self, Shape};
use crate::graph::{EntityRef, KnowledgeGraph};
use crate::model::{Attrs, Evidence, PartialDate};
use crate::store::EntityView;

/// Entity kind → FtM schema.
pub const THINGS: [(&str, &str); 12] = [
    ("country", "Territory"),
    ("region", "Territory"),
    ("city", "Territory"),
    ("worker_group", "Organization"),
    ("dprk_company", "Company"),
    ("company", "Company"),
    ("dprk_organ", "PublicBody"),
    ("state_body", "PublicBody"),
    ("intl_body", "Organization"),
    ("organisation", "Organization"),
    ("person", "Person"),
    ("instrument", "Document"),
];

/// The schema of a kind `THINGS` does not name.
pub const OTHER_KIND: &str = "LegalEntity";

/// Relation kind → FtM interval schema, the properties its ends go in, and the schemata
/// those properties accept.
pub struct Link {
    pub rel: &'static str,
    pub schema: &'static str,
    pub from: (&'static str, &'static str),
    pub to: (&'static str, &'static str),
}

pub const LINKS: [Link; 5] = [
    Link {
        rel: "part_of",
        schema: "Membership",
        from: ("member", "LegalEntity"),
        to: ("organization", "Organization"),
    },
    Link {
        rel: "member_of",
        schema: "Membership",
        from: ("member", "LegalEntity"),
        to: ("organization", "Organization"),
    },
    Link { rel: "employs", schema: "Employment", from: ("employer", "Organization"), to: ("employee", "Person") },
    Link { rel: "controls", schema: "Control", from: ("controller", "LegalEntity"), to: ("controlled", "LegalEntity") },
    Link { rel: "front_for", schema: "Representation", from: ("agent", "LegalEntity"), to: ("client", "LegalEntity") },
];

/// The relation kind written as a `Sanction`.
pub const DESIGNATION: &str = "designated_under";

/// The schema an entity kind is written as.
pub fn schema_of(kind: &str) -> &'static str {
    let curated = THINGS.iter().find(|(k, _)| *k == kind).map(|(_, s)| *s);
    // A kind the FtM import makes goes back to the schema it was read from (`vessel`).
    let imported = || {
        let thing = |s: &&mapping::SchemaDef| matches!(s.shape, Shape::Thing) && s.default == Some(kind);
        mapping::SCHEMATA.iter().find(thing).map(|s| s.name)
    };
    curated.or_else(imported).unwrap_or(OTHER_KIND)
}

/// Whether FtM's `schema` is, or extends, `range` (for the schemata this module writes).
pub fn is_a(schema: &str, range: &str) -> bool {
    schema == range
        || range == "Thing"
        || match range {
            "LegalEntity" => matches!(schema, "Person" | "Organization" | "Company" | "PublicBody"),
            "Organization" => matches!(schema, "Company" | "PublicBody"),
            _ => false,
        }
}

fn entity_id(id: &str) -> String {
    ftm_id(id)
}

/// The FtM id of a kgq id, relation key or source (`source.ID`): `kgq-` and the name, when
/// FtM accepts that as an id (letters, digits, `.` and `-`, a letter or digit at each end);
/// else `kgq.`, the name with each other character as `-`, and a 64-bit FNV-1a hash of the
/// name, so that two names never share an id (the two forms cannot meet: one starts
/// `kgq-`, the other `kgq.`) and an id that FtM would drop (with every `proof` and link to
/// it) is never written. Stable: the same name, the same id.
pub fn ftm_id(name: &str) -> String {
    let plain = format!("kgq-{name}");
    if is_ftm_id(&plain) {
        return plain;
    }
    let readable: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' { c } else { '-' }).collect();
    let mut hash = fnv::FnvHasher::default();
    std::hash::Hasher::write(&mut hash, name.as_bytes());
    format!("kgq.{readable}.{:016x}", std::hash::Hasher::finish(&hash))
}

/// Whether FtM's entity type accepts `id`: `^[0-9a-zA-Z]([0-9a-zA-Z.-]*[0-9a-zA-Z])?$`.
fn is_ftm_id(id: &str) -> bool {
    let inner = |c: char| c.is_ascii_alphanumeric() || c == '.' || c == '-';
    let ends = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    ends(id.chars().next()) && ends(id.chars().last()) && id.chars().all(inner)
}

/// Writes the selection as FtM entities, one JSON object a line; stops at the first error
/// of `out`.
pub fn write(kg: &KnowledgeGraph, selection: &Selection, out: &mut dyn Write) -> io::Result<()> {
    let mut line = |id: String, schema: &str, props: Map<String, Value>| {
        let entity = json!({ "id": id, "schema": schema, "properties": props });
        serde_json::to_writer(&mut *out, &entity)?;
        out.write_all(b"\n")
    };
    // Each kind's schema, found once (a kind the table does not name is looked up in the
    // import's table of every FtM schema), not once per entity and relation end.
    let schemata: HashMap<&str, &'static str> =
        kg.schema.kinds.iter().map(|k| (k.name.as_str(), schema_of(&k.name))).collect();
    let schema_of = |kind: &str| schemata.get(kind).copied().unwrap_or_else(|| schema_of(kind));
    let cited: BTreeSet<&str> = selection
        .nodes
        .iter()
        .flat_map(|n| kg.entity(*n).evidence())
        .chain(selection.relations().flat_map(|e| kg.relation(e).evidence()))
        .map(|ev| &*ev.source)
        .collect();
    for source in kg.sources.iter().filter(|s| cited.contains(s.id.as_str())) {
        let mut props = Props::default();
        props.put("name", [source.title.as_str()]);
        props.put("title", [source.title.as_str()]);
        props.put("publisher", [source.publisher.as_str()]);
        props.put("publishedAt", PartialDate::parse(&source.date).ok().map(|d| d.to_string()));
        line(entity_id(&format!("source.{}", source.id)), "Document", props.0)?;
    }
    let mut selected = FixedBitSet::with_capacity(kg.entity_count());
    selection.nodes.iter().for_each(|n| selected.insert(n.index()));
    // An instrument's issuers, looked up once each: an instrument may be cited by many.
    let mut issuers_of: HashMap<EntityRef, Vec<&str>> = HashMap::new();
    for n in &selection.nodes {
        let e = kg.entity(*n);
        let mut props = Props::default();
        props.put("name", [e.name()]);
        props.put("alias", e.aliases());
        props.put("notes", e.note());
        props.put("description", attrs_text(e.attrs()));
        props.evidence(kg, e.evidence());
        line(entity_id(e.id()), schema_of(e.kind()), props.0)?;
    }
    for n in &selection.nodes {
        let e = kg.entity(*n);
        let Some(country) = e.country().and_then(|c| kg.by_id(c)).filter(|c| selected.contains(c.index())) else {
            continue;
        };
        let mut props = Props::default();
        props.put("subject", [entity_id(e.id())]);
        props.put("object", [entity_id(kg.entity(country).id())]);
        props.put("role", ["country"]);
        line(entity_id(&format!("{}.country", e.id())), "UnknownLink", props.0)?;
    }
    for e in selection.relations() {
        let r = kg.relation(e);
        let (from_ref, to_ref) = kg.ends(e);
        let (from, to) = (kg.entity(from_ref), kg.entity(to_ref));
        let mut props = Props::default();
        let schema = if r.rel() == DESIGNATION {
            props.put("entity", [entity_id(from.id())]);
            props.put("program", [to.name()]);
            props.put("authority", issuers_of.entry(to_ref).or_insert_with(|| issuers(kg, to)).iter());
            props.put("listingDate", r.date().or(r.since()).map(|d| d.to_string()));
            "Sanction"
        } else {
            let link = LINKS.iter().find(|l| {
                l.rel == r.rel() && is_a(schema_of(from.kind()), l.from.1) && is_a(schema_of(to.kind()), l.to.1)
            });
            let (schema, source, target) = link
                .map(|l| (l.schema, l.from.0, l.to.0))
                .or_else(|| imported_link(r.rel(), r.evidence()))
                .unwrap_or(("UnknownLink", "subject", "object"));
            props.put(source, [entity_id(from.id())]);
            props.put(target, [entity_id(to.id())]);
            props.put("role", [r.rel()]);
            schema
        };
        props.put("startDate", r.since().map(|d| d.to_string()));
        props.put("endDate", r.until().map(|d| d.to_string()));
        props.put("date", r.date().map(|d| d.to_string()));
        props.put("status", [r.status().as_str()]);
        let description = [r.note().map(str::to_string), attrs_text(r.attrs())];
        props.put("description", description.into_iter().flatten().collect::<Vec<_>>().join("\n").into_nonempty());
        props.evidence(kg, r.evidence());
        line(entity_id(&selection.key(kg, e)), schema, props.0)?;
    }
    Ok(())
}

/// The FtM interval schemata an imported relation goes back to (each has `role` and
/// `status`, which every link is written with); others are written as `UnknownLink`.
const ROUND_TRIP: [&str; 7] =
    ["Ownership", "Directorship", "Membership", "Employment", "Control", "Representation", "Succession"];

/// The schema and end properties of a relation read from an FtM stream (its evidence is an
/// imported record) whose kind is the import's default for one of [`ROUND_TRIP`]: it was
/// read from such a record, with ends of the schemata that schema takes.
fn imported_link(rel: &str, evidence: &[Evidence]) -> Option<(&'static str, &'static str, &'static str)> {
    if !evidence.iter().any(|ev| ev.record.is_some()) {
        return None;
    }
    mapping::SCHEMATA.iter().find_map(|s| match s.shape {
        Shape::Edge { source, target, .. } if s.default == Some(rel) && ROUND_TRIP.contains(&s.name) => {
            Some((s.name, source, target))
        }
        _ => None,
    })
}

/// The names of the entities that issued an instrument, in declaration order.
fn issuers<'g>(kg: &'g KnowledgeGraph, instrument: EntityView<'g>) -> Vec<&'g str> {
    let Some(n) = kg.by_id(instrument.id()) else { return Vec::new() };
    kg.incident(n)
        .map(|e| kg.relation(e))
        .filter(|r| r.rel() == "issued" && r.to() == instrument.id())
        .filter_map(|r| kg.by_id(r.from()).map(|from| kg.entity(from).name()))
        .collect()
}

/// Attributes as `key: value` lines.
fn attrs_text(attrs: &Attrs) -> Option<String> {
    let mut text = String::new();
    for (key, value) in attrs {
        let _ = writeln!(text, "{key}: {value}");
    }
    text.pop();
    text.into_nonempty()
}

trait NonEmpty: Sized {
    fn into_nonempty(self) -> Option<Self>;
}

impl NonEmpty for String {
    fn into_nonempty(self) -> Option<String> {
        (!self.is_empty()).then_some(self)
    }
}

/// An entity's properties, each a list of distinct strings; empty and blank values are
/// left out (FtM drops them on reading, so a round trip would not be unchanged), and so is
/// a property left without values.
#[derive(Default)]
struct Props(Map<String, Value>);

impl Props {
    /// Sets a property to the values that are not blank, each once (an FtM property is a set).
    fn put<S: ToString>(&mut self, prop: &str, values: impl IntoIterator<Item = S>) {
        let mut seen = BTreeSet::new();
        let values: Vec<Value> = values
            .into_iter()
            .map(|v| v.to_string())
            .filter(|v| !v.trim().is_empty() && seen.insert(v.clone()))
            .map(Value::String)
            .collect();
        if !values.is_empty() {
            self.0.insert(prop.to_string(), Value::Array(values));
        }
    }

    /// `summary` (each locator), `publisher` and `proof` (the sources cited).
    fn evidence(&mut self, kg: &KnowledgeGraph, evidence: &[Evidence]) {
        self.put("summary", evidence.iter().map(|ev| super::text::locator(&ev.into())));
        let sources: BTreeSet<&str> = evidence.iter().map(|ev| &*ev.source).collect();
        let publishers: BTreeSet<&str> =
            sources.iter().filter_map(|s| kg.source(s)).map(|s| s.publisher.as_str()).collect();
        self.put("publisher", publishers);
        self.put("proof", sources.iter().filter(|s| kg.source(s).is_some()).map(|s| entity_id(&format!("source.{s}"))));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_map_to_schemata_and_ranges_decide_the_link() {
        assert_eq!(schema_of("company"), "Company");
        assert_eq!(schema_of("vessel"), "Vessel", "as the import reads it");
        assert_eq!(schema_of("worker_group"), "Organization");
        assert_eq!(schema_of("festival"), OTHER_KIND);
        assert_eq!(ftm_id("rite-mix"), "kgq-rite-mix");
        assert_eq!(ftm_id("source.002"), "kgq-source.002");
        let (a, b) = (ftm_id("rite-mix.located_in.malta.1"), ftm_id("rite-mix.located-in.malta.1"));
        assert!(a.starts_with("kgq.rite-mix.located-in.malta.1.") && b == "kgq-rite-mix.located-in.malta.1", "{a} {b}");
        for id in [a, ftm_id("a b"), ftm_id("ä"), ftm_id("x-"), ftm_id("")] {
            assert!(is_ftm_id(&id), "{id}");
        }
        assert!(is_a("Company", "LegalEntity") && is_a("PublicBody", "Organization"));
        assert!(!is_a("Organization", "Person") && !is_a("Territory", "LegalEntity"));
        assert!(is_a("Territory", "Thing"));
    }

    #[test]
    fn blank_values_are_never_written() {
        let mut props = Props::default();
        props.put("publisher", ["", " ", "UN", "UN"]);
        props.put("alias", [""]);
        props.put("notes", None::<String>);
        assert_eq!(Value::Object(props.0), json!({ "publisher": ["UN"] }));
    }
}
