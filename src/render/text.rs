//! Plain-text forms of result values, shared by the table and CSV renderers.

use crate::graph::paths::{Hop, Path};
use crate::graph::{EntityRef, KnowledgeGraph};
use crate::query::{Locator, Value};

pub fn entity(kg: &KnowledgeGraph, n: EntityRef) -> String {
    let e = kg.entity(n);
    format!("{} ({})", e.name(), e.id())
}

/// How a hop reads in its direction of travel: the schema's `reads` forwards, `inverse`
/// backwards ("employs" / "is employed by").
pub fn reading(kg: &KnowledgeGraph, h: &Hop) -> String {
    let rel = kg.relation(h.edge).rel();
    match kg.schema.relation(rel) {
        Some(def) if h.forward => def.reads.clone(),
        Some(def) => def.inverse.clone(),
        None => rel.to_string(),
    }
}

/// `A -[rel]-> B` or `A <-[rel]- B`, as the hop was walked.
pub fn arrow(kg: &KnowledgeGraph, h: &Hop) -> String {
    let rel = &kg.relation(h.edge).rel();
    let directed = kg.schema.relation(rel).is_none_or(|d| d.directed);
    match (directed, h.forward) {
        (false, _) => format!("-[{rel}]-"),
        (true, true) => format!("-[{rel}]->"),
        (true, false) => format!("<-[{rel}]-"),
    }
}

/// `Poland <-[works_in]- North Korean workers in Poland -[part_of]-> ...`
pub fn path(kg: &KnowledgeGraph, p: &Path) -> String {
    let mut out = kg.entity(p.nodes[0]).name().to_string();
    for (h, &n) in p.hops.iter().zip(&p.nodes[1..]) {
        out.push(' ');
        out.push_str(&arrow(kg, h));
        out.push(' ');
        out.push_str(kg.entity(n).name());
    }
    out
}

/// `A -[rel]-> B` for one relation as walked from `at`.
pub fn hop(kg: &KnowledgeGraph, h: &Hop) -> String {
    let (from, to) = kg.ends(h.edge);
    let (a, b) = if h.forward { (from, to) } else { (to, from) };
    format!("{} {} {}", kg.entity(a).name(), arrow(kg, h), kg.entity(b).name())
}

/// `002:450 "the Rungrado General Trading Corporation"`, or for a record of an imported
/// dataset its dataset, its id there and its page: `us_ofac_sdn:NK-2vZc <https://…>`.
pub fn locator(ev: &Locator) -> String {
    match &ev.record {
        None => format!("{}:{} \"{}\"", ev.source, ev.line, ev.quote),
        Some(record) => match &record.url {
            Some(url) => format!("{}:{} <{url}>", ev.source, record.id),
            None => format!("{}:{}", ev.source, record.id),
        },
    }
}

/// A cell as plain text.
pub fn value(kg: &KnowledgeGraph, v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => format!("{f}"),
        Value::Text(s) => s.clone(),
        Value::Date(d) => d.to_string(),
        Value::Entity(n) => entity(kg, *n),
        Value::Relation(h) => hop(kg, h),
        Value::Path(p) => path(kg, p),
        Value::List(items) => items.iter().map(|i| value(kg, i)).collect::<Vec<_>>().join(", "),
        Value::Evidence(ev) => locator(ev),
        Value::Map(entries) => {
            entries.iter().map(|(k, v)| format!("{k}={}", value(kg, v))).collect::<Vec<_>>().join("; ")
        }
    }
}
