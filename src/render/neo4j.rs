//! Neo4j: the files of a folder that `neo4j-admin database import full` loads, and a Cypher
//! script of the same graph for a running server.
//!
//! - `nodes-KIND.csv`, one per entity kind: `id:ID`, `:LABEL` (`Entity` and the kind),
//!   `name`, `aliases:string[]`, `country`, `note`, `evidence:string[]`, then the kind's
//!   attributes typed by their values (`headcount:long`, `share:double`, `flag:boolean`,
//!   lists as `long[]`...; see `exchange`).
//! - `relationships-REL.csv`, one per relation kind: `:START_ID`, `:END_ID`, `:TYPE`, `key`
//!   (`from.rel.to.N`), `since`, `until`, `date` (partial dates as text: Neo4j's `date`
//!   needs a day), `status`, `note`, `evidence:string[]`, then the kind's attributes.
//!   Parallel relations are separate rows.
//!
//!   A missing value is an empty field, which neo4j-admin leaves unset; an empty string is
//!   a quoted `""`, which it keeps.
//! - `import.sh`: the `neo4j-admin` command naming every file, with the array delimiter.
//!   Arrays are split by neo4j-admin on one character, `;` by default; when some item
//!   holds a `;` another character that no item holds is chosen and passed as
//!   `--array-delimiter`, so that no value is split.
//! - `import.cypher`: one `MERGE` a node (on its `id`, under the `Entity` label the first
//!   statement makes unique) and one `MATCH ... CREATE` a relation, every value a literal:
//!   strings in double quotes with `\\`, `\"`, `\'` and line breaks escaped, and every
//!   character outside printable ASCII as `\uXXXX` (surrogate pairs above the BMP), so the
//!   script is ASCII whatever the data holds. Meant for an empty database: run twice, it
//!   creates the relations twice.
//!
//! Kinds and relation kinds that are not plain names (ASCII letters, digits, `_`) get
//! files numbered by their place in the schema, `nodes--3.csv`, which no plain name gives.
//!
//! The files are planned first ([`Folder::plan`]: their names, the array delimiter), then
//! each is written as it is made, row by row, into any writer: an export of a large graph
//! is never held in memory.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::exchange::{self, AttrColumn, Scalar, Selection};
use crate::graph::{EntityRef, KnowledgeGraph, RelationRef};
use crate::model::{AttrValue, Attrs, Evidence};

/// One file of the export: its name in the folder and its text.
pub struct File {
    pub name: String,
    pub text: String,
}

/// Every array item holds every one of these characters: no delimiter can be chosen.
#[derive(Debug, thiserror::Error)]
#[error("no array delimiter is free: the data holds every candidate ({})", DELIMITERS.iter().collect::<String>())]
pub struct NoDelimiter;

/// The characters tried as the array delimiter, in order.
const DELIMITERS: [char; 5] = [';', '|', '\u{1f}', '\u{1e}', '\u{7f}'];

const NODE_COLUMNS: [&str; 7] = ["id", "name", "aliases", "country", "note", "evidence", "kind"];
const RELATION_COLUMNS: [&str; 8] = ["key", "since", "until", "date", "status", "note", "evidence", "rel"];

/// The export of a selection as a folder: the names of its files, in the order
/// `import.sh` names them, and what each holds, written on demand.
pub struct Folder {
    selection: Selection,
    delimiter: char,
    files: Vec<(String, Part)>,
}

/// What a file of the folder holds.
enum Part {
    /// The entities of the kind at this place in the schema.
    Nodes(usize),
    /// The relations of the kind at this place in the schema.
    Relationships(usize),
    ImportSh,
    Cypher,
}

impl Folder {
    /// The files of the export of `selection`: one per kind and relation kind it holds,
    /// then the scripts. Refused when no array delimiter is free.
    pub fn plan(kg: &KnowledgeGraph, selection: Selection) -> Result<Folder, NoDelimiter> {
        let delimiter = delimiter(kg, &selection)?;
        let mut files = Vec::new();
        for (i, kind) in kg.schema.kinds.iter().enumerate() {
            if nodes_of(kg, &selection, i).next().is_some() {
                files.push((file_name("nodes", &kind.name, i), Part::Nodes(i)));
            }
        }
        for (i, rel) in kg.schema.relations.iter().enumerate() {
            if relations_of(kg, &selection, i).next().is_some() {
                files.push((file_name("relationships", &rel.name, i), Part::Relationships(i)));
            }
        }
        files.push(("import.sh".into(), Part::ImportSh));
        files.push(("import.cypher".into(), Part::Cypher));
        Ok(Folder { selection, delimiter, files })
    }

    /// The names of the files, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.files.iter().map(|(name, _)| name.as_str())
    }

    /// Writes the `i`th file; stops at the first error of `out`.
    pub fn write(&self, kg: &KnowledgeGraph, i: usize, out: &mut dyn Write) -> io::Result<()> {
        let (selection, delimiter) = (&self.selection, self.delimiter);
        match self.files[i].1 {
            Part::Nodes(kind) => nodes_csv(kg, nodes_of(kg, selection, kind), delimiter, out),
            Part::Relationships(rel) => {
                relationships_csv(kg, selection, relations_of(kg, selection, rel), delimiter, out)
            }
            Part::ImportSh => {
                let names = |pick: fn(&Part) -> bool| {
                    self.files.iter().filter(move |(_, part)| pick(part)).map(|(name, _)| name.as_str())
                };
                let nodes = names(|part| matches!(part, Part::Nodes(_)));
                let relationships = names(|part| matches!(part, Part::Relationships(_)));
                out.write_all(import_sh(nodes, relationships, delimiter).as_bytes())
            }
            Part::Cypher => cypher(kg, selection, out),
        }
    }
}

/// The selected entities of the kind at place `kind` in the schema, by id.
fn nodes_of<'s>(
    kg: &'s KnowledgeGraph,
    selection: &'s Selection,
    kind: usize,
) -> impl Iterator<Item = EntityRef> + Clone + 's {
    let name = kg.schema.kinds[kind].name.as_str();
    selection.nodes.iter().copied().filter(move |n| kg.entity(*n).kind() == name)
}

/// The selected relations of the kind at place `rel` in the schema, in declaration order.
fn relations_of<'s>(
    kg: &'s KnowledgeGraph,
    selection: &'s Selection,
    rel: usize,
) -> impl Iterator<Item = RelationRef> + Clone + 's {
    selection.relations().filter(move |e| usize::from(kg.topology().rel(*e)) == rel)
}

fn file_name(what: &str, name: &str, i: usize) -> String {
    let plain = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if plain { format!("{what}-{name}.csv") } else { format!("{what}--{i}.csv") }
}

/// The first candidate no array item (alias, evidence, list attribute, label) holds.
fn delimiter(kg: &KnowledgeGraph, selection: &Selection) -> Result<char, NoDelimiter> {
    let mut used = [false; DELIMITERS.len()];
    let mut see = |text: &str| {
        for (i, d) in DELIMITERS.iter().enumerate() {
            used[i] |= text.contains(*d);
        }
    };
    for n in &selection.nodes {
        let e = kg.entity(*n);
        see(e.kind());
        e.aliases().iter().for_each(|a| see(a));
        evidence_items(e.evidence()).iter().for_each(|ev| see(ev));
        e.attrs().values().flat_map(exchange::items).for_each(|item| see(&item));
    }
    for e in selection.relations() {
        let r = kg.relation(e);
        evidence_items(r.evidence()).iter().for_each(|ev| see(ev));
        r.attrs().values().flat_map(exchange::items).for_each(|item| see(&item));
    }
    DELIMITERS.iter().zip(used).find(|(_, used)| !used).map(|(d, _)| *d).ok_or(NoDelimiter)
}

/// Evidence as `source:line "quote"`, the form answers print.
fn evidence_items(evidence: &[Evidence]) -> Vec<String> {
    evidence.iter().map(|ev| super::text::locator(&ev.into())).collect()
}

fn header_type(col: &AttrColumn) -> String {
    let scalar = match col.scalar {
        Scalar::Boolean => "boolean",
        Scalar::Long => "long",
        Scalar::Double => "double",
        Scalar::Text => "string",
    };
    format!("{}:{scalar}{}", col.column, if col.list { "[]" } else { "" })
}

/// A row's cells: `None` is a missing value (an empty field), `Some("")` an empty string
/// (a quoted `""`, which neo4j-admin keeps as one).
type Row = Vec<Option<String>>;

fn attr_cells(columns: &[AttrColumn], attrs: &Attrs, delimiter: char) -> Row {
    let d = delimiter.to_string();
    columns.iter().map(|col| attrs.get(&col.key).map(|v| exchange::items(v).join(&d))).collect()
}

/// Items joined by the delimiter, or nothing for no items.
fn array(items: &[String], delimiter: char) -> Option<String> {
    (!items.is_empty()).then(|| items.join(&delimiter.to_string()))
}

/// Writes RFC 4180 CSV, quoting a field that holds a quote, a comma or a line break, and
/// an empty string (so that it is told from a missing value).
fn write_csv(header: &[String], rows: impl Iterator<Item = Row>, out: &mut dyn Write) -> io::Result<()> {
    let mut text = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = Option<&str>>| {
        text.clear();
        for (i, cell) in cells.enumerate() {
            if i > 0 {
                text.push(',');
            }
            match cell {
                None => {}
                Some(cell) if cell.is_empty() || cell.contains(['"', ',', '\n', '\r']) => {
                    text.push('"');
                    text.push_str(&cell.replace('"', "\"\""));
                    text.push('"');
                }
                Some(cell) => text.push_str(cell),
            }
        }
        text.push('\n');
        out.write_all(text.as_bytes())
    };
    line(&mut header.iter().map(|h| Some(h.as_str())))?;
    for row in rows {
        line(&mut row.iter().map(Option::as_deref))?;
    }
    Ok(())
}

fn nodes_csv(
    kg: &KnowledgeGraph,
    members: impl Iterator<Item = EntityRef> + Clone,
    delimiter: char,
    out: &mut dyn Write,
) -> io::Result<()> {
    let columns = exchange::attr_columns(members.clone().map(|n| kg.entity(n).attrs()), &NODE_COLUMNS);
    let mut header: Vec<String> =
        ["id:ID", ":LABEL", "name", "aliases:string[]", "country", "note", "evidence:string[]"]
            .map(String::from)
            .into();
    header.extend(columns.iter().map(header_type));
    let rows = members.map(|n| {
        let e = kg.entity(n);
        let mut row = vec![
            Some(e.id().to_string()),
            Some(format!("Entity{delimiter}{}", e.kind())),
            Some(e.name().to_string()),
            array(e.aliases(), delimiter),
            e.country().map(str::to_string),
            e.note().map(str::to_string),
            array(&evidence_items(e.evidence()), delimiter),
        ];
        row.extend(attr_cells(&columns, e.attrs(), delimiter));
        row
    });
    write_csv(&header, rows, out)
}

fn relationships_csv(
    kg: &KnowledgeGraph,
    selection: &Selection,
    members: impl Iterator<Item = RelationRef> + Clone,
    delimiter: char,
    out: &mut dyn Write,
) -> io::Result<()> {
    let columns = exchange::attr_columns(members.clone().map(|e| kg.relation(e).attrs()), &RELATION_COLUMNS);
    let mut header: Vec<String> =
        [":START_ID", ":END_ID", ":TYPE", "key", "since", "until", "date", "status", "note", "evidence:string[]"]
            .map(String::from)
            .into();
    header.extend(columns.iter().map(header_type));
    let rows = members.map(|e| {
        let r = kg.relation(e);
        let mut row = vec![
            Some(r.from().to_string()),
            Some(r.to().to_string()),
            Some(r.rel().to_string()),
            Some(selection.key(kg, e)),
            r.since().map(|d| d.to_string()),
            r.until().map(|d| d.to_string()),
            r.date().map(|d| d.to_string()),
            Some(r.status().as_str().to_string()),
            r.note().map(str::to_string),
            array(&evidence_items(r.evidence()), delimiter),
        ];
        row.extend(attr_cells(&columns, r.attrs(), delimiter));
        row
    });
    write_csv(&header, rows, out)
}

fn import_sh<'a>(
    nodes: impl Iterator<Item = &'a str>,
    relationships: impl Iterator<Item = &'a str>,
    delimiter: char,
) -> String {
    let delimiter = match delimiter {
        ';' | '|' => format!("'{delimiter}'"),
        other => format!("U+{:04X}", u32::from(other)),
    };
    let mut out = String::from(
        "#!/bin/sh\n# Loads this folder into a new Neo4j database (default: neo4j) with neo4j-admin;\n\
         # run it in this folder, with the database stopped. Written by `kgq export --format neo4j`.\n\
         set -e\nneo4j-admin database import full \\\n",
    );
    for n in nodes {
        let _ = writeln!(out, "  --nodes={n} \\");
    }
    for r in relationships {
        let _ = writeln!(out, "  --relationships={r} \\");
    }
    let _ = writeln!(out, "  --array-delimiter={delimiter} --multiline-fields=true \\\n  \"${{1:-neo4j}}\"");
    out
}

/// The Cypher script: a constraint, then one statement a node and one a relation.
fn cypher(kg: &KnowledgeGraph, selection: &Selection, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(
        b"// The graph as Cypher statements, for an empty Neo4j database (cypher-shell -f import.cypher).\n\
         CREATE CONSTRAINT kgq_entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE;\n",
    )?;
    for n in &selection.nodes {
        let e = kg.entity(*n);
        let mut props = vec![("name", string(e.name()))];
        if !e.aliases().is_empty() {
            props.push(("aliases", list(e.aliases().iter().map(|a| string(a)))));
        }
        if let Some(country) = e.country() {
            props.push(("country", string(country)));
        }
        note_and_evidence(&mut props, e.note(), e.evidence());
        writeln!(
            out,
            "MERGE (n:Entity {{id: {}}}) SET n:{} SET n += {};",
            string(e.id()),
            name(e.kind()),
            map(&props, e.attrs(), &NODE_COLUMNS)
        )?;
    }
    for e in selection.relations() {
        let r = kg.relation(e);
        let mut props = vec![("key", string(&selection.key(kg, e)))];
        for (field, date) in [("since", r.since()), ("until", r.until()), ("date", r.date())] {
            if let Some(date) = date {
                props.push((field, string(&date.to_string())));
            }
        }
        props.push(("status", string(r.status().as_str())));
        note_and_evidence(&mut props, r.note(), r.evidence());
        writeln!(
            out,
            "MATCH (a:Entity {{id: {}}}), (b:Entity {{id: {}}}) CREATE (a)-[:{} {}]->(b);",
            string(r.from()),
            string(r.to()),
            name(r.rel()),
            map(&props, r.attrs(), &RELATION_COLUMNS)
        )?;
    }
    Ok(())
}

/// The note and the evidence, which entities and relations both have, when present.
fn note_and_evidence(props: &mut Vec<(&str, String)>, note: Option<&str>, evidence: &[Evidence]) {
    if let Some(note) = note {
        props.push(("note", string(note)));
    }
    if !evidence.is_empty() {
        props.push(("evidence", list(evidence_items(evidence).iter().map(|ev| string(ev)))));
    }
}

/// A property map literal: the built-in properties, then the attributes (renamed as the
/// CSV columns are when they would take a built-in name).
fn map(props: &[(&str, String)], attrs: &Attrs, reserved: &[&str]) -> String {
    let columns = exchange::attr_columns(std::iter::once(attrs), reserved);
    let mut parts: Vec<String> = props.iter().map(|(k, v)| format!("{}: {v}", name(k))).collect();
    for col in &columns {
        let value = &attrs[&col.key];
        parts.push(format!("{}: {}", name(&col.column), literal(value)));
    }
    format!("{{{}}}", parts.join(", "))
}

fn literal(value: &AttrValue) -> String {
    match value {
        AttrValue::Bool(b) => b.to_string(),
        AttrValue::Int(i) => i.to_string(),
        AttrValue::Float(x) if x.is_finite() => exchange::items(value).remove(0),
        // Cypher has no literal for these; toFloat reads Java's spelling.
        AttrValue::Float(_) => format!("toFloat({})", string(&exchange::items(value).remove(0))),
        AttrValue::Text(s) => string(s),
        // Neo4j stores lists of one type only: a mixed list is written as strings, as the CSV
        // files write it (`string[]`).
        AttrValue::List(items)
            if items.iter().all(|i| std::mem::discriminant(i) == std::mem::discriminant(&items[0])) =>
        {
            list(items.iter().map(literal))
        }
        AttrValue::List(_) => list(exchange::items(value).iter().map(|s| string(s))),
    }
}

fn list(items: impl Iterator<Item = String>) -> String {
    format!("[{}]", items.collect::<Vec<_>>().join(", "))
}

/// A label, relationship type or property name, in backticks (a backtick doubled).
fn name(text: &str) -> String {
    format!("`{}`", text.replace('`', "``"))
}

/// A Cypher string literal, pure ASCII.
pub fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            ' '..='~' => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04X}");
                }
            }
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found trying the exports: a list of mixed types is a property Neo4j refuses to store.
    #[test]
    fn a_mixed_list_is_written_as_strings_as_the_csv_files_write_it() {
        let mixed = AttrValue::List(vec![AttrValue::Int(1), AttrValue::Text("two".into()), AttrValue::Bool(true)]);
        assert_eq!(literal(&mixed), r#"["1", "two", "true"]"#);
        let ints = AttrValue::List(vec![AttrValue::Int(1), AttrValue::Int(2)]);
        assert_eq!(literal(&ints), "[1, 2]");
    }

    #[test]
    fn strings_are_ascii_and_escaped() {
        assert_eq!(string("a\"b\\c'd\ne"), r#""a\"b\\c\'d\ne""#);
        assert_eq!(string("Łódź \u{1b}😀"), r#""\u0141\u00F3d\u017A \u001B\uD83D\uDE00""#);
        assert_eq!(name("a`b"), "`a``b`");
        assert_eq!(file_name("nodes", "dprk_company", 4), "nodes-dprk_company.csv");
        assert_eq!(file_name("nodes", "a b", 4), "nodes--4.csv");
        let rows = [vec![None, Some(String::new()), Some("a,\"b\"\nc".into()), Some("d".into())]];
        let mut csv = Vec::new();
        write_csv(&["h".into(), "i".into(), "j".into(), "k".into()], rows.into_iter(), &mut csv).expect("to memory");
        assert_eq!(csv, b"h,i,j,k\n,\"\",\"a,\"\"b\"\"\nc\",d\n");
    }
}
