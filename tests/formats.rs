//! Every format prints the same facts: for `show` of every entity, `why` of every related
//! pair in the shipped graph, and path answers, each evidence locator, relation attribute
//! and note of the answer is in the table, the CSV and the JSON alike.

use std::collections::BTreeSet;

use kgq::graph::KnowledgeGraph;
use kgq::query::{self, Settings};
use kgq::render::{self, Format, Subject};

use crate::queries::shipped_graph;

fn produce(kg: &KnowledgeGraph, statement: &str, format: Format) -> String {
    let (rows, _) = query::run(kg, statement, &Settings::default()).expect("the statement runs");
    let produced = render::produce(kg, Subject::Answer(&rows), format, &Default::default(), None).expect("renders");
    String::from_utf8(produced.bytes).expect("UTF-8")
}

/// Every field of every record of a CSV text (tables separated by empty lines).
fn csv_fields(text: &str) -> String {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    reader.records().map(|r| r.expect("valid CSV").iter().collect::<Vec<_>>().join("\n")).collect::<Vec<_>>().join("\n")
}

/// The facts each format must print, as text: `source:line "quote"` of each locator, each
/// attribute as `key = value`, each note.
fn facts(
    kg: &KnowledgeGraph,
    relations: &[kgq::graph::RelationRef],
    entity: Option<kgq::graph::EntityRef>,
) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let locator = |ev: &kgq::model::Evidence| format!("{}:{} \"{}\"", ev.source, ev.line, ev.quote);
    if let Some(n) = entity {
        let e = kg.entity(n);
        out.extend(e.evidence().iter().map(locator));
        out.extend(e.note().map(str::to_string));
    }
    for &r in relations {
        let r = kg.relation(r);
        out.extend(r.evidence().iter().map(locator));
        out.extend(r.attrs().iter().map(|(k, v)| format!("{k} = {v}")));
        out.extend(r.note().map(str::to_string));
    }
    out
}

/// Every string in a JSON document, with each evidence object as `source:line "quote"`.
fn json_texts(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|v| json_texts(v, out)),
        serde_json::Value::Object(map) => {
            if let (Some(source), Some(line), Some(quote)) = (map.get("source"), map.get("line"), map.get("quote")) {
                out.push(format!("{}:{line} \"{}\"", source.as_str().unwrap(), quote.as_str().unwrap()));
            }
            // A relation's attributes are an object: each as `key = value`, as tables print them.
            if let Some(serde_json::Value::Object(attrs)) = map.get("attrs") {
                for (key, value) in attrs {
                    let value = value.as_str().map_or_else(|| value.to_string(), str::to_string);
                    out.push(format!("{key} = {value}"));
                }
            }
            map.values().for_each(|v| json_texts(v, out));
        }
        _ => {}
    }
}

#[track_caller]
fn assert_in_every_format(kg: &KnowledgeGraph, statement: &str, facts: &BTreeSet<String>) {
    let table = produce(kg, statement, Format::Table);
    let csv = csv_fields(&produce(kg, statement, Format::Csv));
    let mut json = Vec::new();
    json_texts(&serde_json::from_str(&produce(kg, statement, Format::Json)).expect("JSON"), &mut json);
    for fact in facts {
        assert!(table.contains(fact.as_str()), "{statement}: the table lacks {fact}\n{table}");
        assert!(csv.contains(fact.as_str()), "{statement}: the CSV lacks {fact}\n{csv}");
        assert!(json.iter().any(|t| t.contains(fact.as_str())), "{statement}: the JSON lacks {fact}");
    }
}

#[test]
fn show_and_why_print_the_same_facts_in_every_format() {
    let kg = shipped_graph();
    for (n, e) in kg.entities() {
        let relations: Vec<_> = kg.incident(n).collect();
        assert_in_every_format(kg, &format!("show \"{}\"", e.id()), &facts(kg, &relations, Some(n)));
    }
    let mut pairs = BTreeSet::new();
    for (r, _) in kg.relations() {
        let (a, b) = kg.ends(r);
        if a != b && pairs.insert((a.min(b), a.max(b))) {
            let both = kg.incident(a).filter(|&e| {
                let (x, y) = kg.ends(e);
                (x, y) == (a, b) || (x, y) == (b, a)
            });
            let statement = format!("why \"{}\" and \"{}\"", kg.entity(a).id(), kg.entity(b).id());
            assert_in_every_format(kg, &statement, &facts(kg, &both.collect::<Vec<_>>(), None));
        }
    }
}

#[test]
fn path_answers_print_every_hops_facts_in_every_format() {
    let kg = shipped_graph();
    let statements = [
        "path \"Poland\" to \"Munitions Industry Department\"",
        "paths \"Poland\" to \"Munitions Industry Department\" max 4 limit 20",
        "connect \"Poland\" and \"Munitions Industry Department\" via works_in, part_of, supplies_workers, employs, sends_revenue_to max 5 limit 6",
    ];
    for statement in statements {
        let (rows, _) = query::run(kg, statement, &Settings::default()).expect("the statement runs");
        let cells = rows.rows.iter().flatten().filter_map(|v| match v {
            kgq::query::Value::Path(p) => Some(p),
            _ => None,
        });
        let relations: Vec<_> =
            cells.chain(&rows.paths).flat_map(|p| &p.hops).flat_map(|h| rows.route(h)).map(|h| h.edge).collect();
        assert!(!relations.is_empty(), "{statement}: the answer has paths");
        assert_in_every_format(kg, statement, &facts(kg, &relations, None));
    }
}
