//! What the exports for other tools (`graphml`, `neo4j`, `ftm`) share: which entities and
//! relations they write ([`Selection`]), the stable key of each relation, and the typed
//! columns that attributes become.
//!
//! Unlike a picture, these exports keep parallel relations apart: each relation is one
//! edge, with its own dates, status, attributes and evidence, because the tools they feed
//! count and filter relations one by one. A relation has no id in kgq; its key is
//! `from.rel.to.N`, N counting the relations with the same ends and kind in declaration
//! order over the whole graph, so a relation has the same key in an export of the whole
//! graph and of any answer. Entity ids are kebab-case slugs and never hold a `.`, so keys
//! cannot be confused with each other or with entity ids.

use std::collections::{BTreeMap, HashMap};

use super::picture::Picture;
use crate::graph::{EntityRef, KnowledgeGraph, RelationRef};
use crate::model::{AttrValue, Attrs};

/// The entities (by id) and relations (in declaration order) an export writes, and the
/// key of each relation.
pub struct Selection {
    pub nodes: Vec<EntityRef>,
    /// The relations, or None for every relation of the graph: an export of a large graph
    /// holds no list of them.
    relations: Option<Vec<RelationRef>>,
    all: usize,
    keys: RelationKeys,
}

impl Selection {
    /// What a picture of the same subject would show, with parallel relations kept apart.
    pub fn of(kg: &KnowledgeGraph, picture: &Picture) -> Selection {
        Selection {
            nodes: picture.nodes(kg),
            relations: Some(picture.relations().collect()),
            all: kg.relation_count(),
            keys: RelationKeys::of(kg),
        }
    }

    /// Every entity and relation of the graph, as `of` a picture of it would choose them.
    pub fn whole(kg: &KnowledgeGraph) -> Selection {
        let mut nodes: Vec<EntityRef> = kg.entities().map(|(n, _)| n).collect();
        nodes.sort_by(|a, b| kg.entity(*a).id().cmp(kg.entity(*b).id()));
        Selection { nodes, relations: None, all: kg.relation_count(), keys: RelationKeys::of(kg) }
    }

    /// The relations, in declaration order.
    pub fn relations(&self) -> impl Iterator<Item = RelationRef> + Clone + '_ {
        let all = self.relations.is_none().then_some(0..self.all as u32).into_iter().flatten();
        self.relations.iter().flatten().copied().chain(all.map(RelationRef::new))
    }

    /// A relation's key, `from.rel.to.N`.
    pub fn key(&self, kg: &KnowledgeGraph, e: RelationRef) -> String {
        let r = kg.relation(e);
        format!("{}.{}.{}.{}", r.from(), r.rel(), r.to(), self.keys.later.get(&e).copied().unwrap_or(1))
    }
}

/// The N of the relation keys that are not 1: those of relations with the same ends (as
/// stored) and kind as an earlier one. They are found among the graph's routes (groups of
/// parallel relations, which an undirected kind forms either way round), so a graph with
/// no parallel relations costs no memory here, whatever its size.
struct RelationKeys {
    later: HashMap<RelationRef, u32>,
}

impl RelationKeys {
    fn of(kg: &KnowledgeGraph) -> RelationKeys {
        let topology = kg.topology();
        let routes = topology.routes();
        let mut later = HashMap::new();
        for e in (0..kg.relation_count() as u32).map(RelationRef::new) {
            let Some(group) = routes.parallel(e) else { continue };
            // A group is in declaration order; it holds both ways round of an undirected kind.
            let mut seen: HashMap<(EntityRef, EntityRef), u32> = HashMap::new();
            for &member in group {
                let n = seen.entry(topology.ends(member)).or_insert(0);
                *n += 1;
                if *n > 1 {
                    later.insert(member, *n);
                }
            }
        }
        RelationKeys { later }
    }
}

/// The type of an attribute's values, as the tools declare a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scalar {
    Boolean,
    Long,
    Double,
    Text,
}

impl Scalar {
    fn of(value: &AttrValue) -> Scalar {
        match value {
            AttrValue::Bool(_) => Scalar::Boolean,
            AttrValue::Int(_) => Scalar::Long,
            AttrValue::Float(_) => Scalar::Double,
            AttrValue::Text(_) => Scalar::Text,
            AttrValue::List(items) => items.iter().map(Scalar::of).reduce(Scalar::join).unwrap_or(Scalar::Text),
        }
    }

    /// The type that holds values of both: numbers widen to double, anything else to text.
    fn join(self, other: Scalar) -> Scalar {
        match (self, other) {
            (a, b) if a == b => a,
            (Scalar::Long, Scalar::Double) | (Scalar::Double, Scalar::Long) => Scalar::Double,
            _ => Scalar::Text,
        }
    }
}

/// One attribute as a column: its name in the data, its name in the export (prefixed with
/// `attr_` when it would take the name of a built-in column), and its type, a list when
/// any record holds a list under it.
#[derive(Debug, Clone)]
pub struct AttrColumn {
    pub key: String,
    pub column: String,
    pub scalar: Scalar,
    pub list: bool,
}

/// The attribute columns of some records, by name; `reserved` are the built-in columns.
pub fn attr_columns<'a>(records: impl Iterator<Item = &'a Attrs>, reserved: &[&str]) -> Vec<AttrColumn> {
    let mut types: BTreeMap<&str, (Scalar, bool)> = BTreeMap::new();
    for attrs in records {
        for (key, value) in attrs {
            let (scalar, list) = (Scalar::of(value), matches!(value, AttrValue::List(_)));
            types
                .entry(key)
                .and_modify(|(s, l)| {
                    *s = s.join(scalar);
                    *l |= list;
                })
                .or_insert((scalar, list));
        }
    }
    // A column is named by letters, digits and `_` only: a name with `:` or a backtick would
    // be read as a type or a quote by neo4j-admin, Kuzu or Cypher. Other characters become
    // `_`; a built-in column's name, `id` (which GraphML readers take as the node's id), a
    // changed name and one starting `attr_` get `attr_` in front; a name taken twice a number.
    let taken = |name: &str| reserved.contains(&name) || name == "id" || name.starts_with("attr_");
    let mut used: std::collections::HashSet<String> = std::collections::HashSet::new();
    types
        .into_iter()
        .map(|(key, (scalar, list))| {
            let safe: String =
                key.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
            let base = if taken(key) || safe != key || safe.is_empty() { format!("attr_{safe}") } else { safe };
            let mut column = base.clone();
            let mut n = 2;
            while !used.insert(column.clone()) {
                column = format!("{base}_{n}");
                n += 1;
            }
            AttrColumn { key: key.to_string(), column, scalar, list }
        })
        .collect()
}

/// A value's items as text (one item for a scalar): numbers as Rust writes them, which
/// every tool reads back exactly; a whole float keeps its `.0` and the float that is not
/// a number is `NaN`, infinities `Infinity` (Java's and Python's spellings).
pub fn items(value: &AttrValue) -> Vec<String> {
    match value {
        AttrValue::List(values) => values.iter().flat_map(items).collect(),
        AttrValue::Float(x) if x.is_nan() => vec!["NaN".into()],
        AttrValue::Float(x) if x.is_infinite() => vec![if *x > 0.0 { "Infinity" } else { "-Infinity" }.into()],
        AttrValue::Float(x) if x.fract() == 0.0 => vec![format!("{x:.1}")],
        scalar => vec![scalar.to_string()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(pairs: &[(&str, AttrValue)]) -> Attrs {
        pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }

    /// Found trying the exports with hostile data: `evil:ID` was written into a Neo4j header
    /// as a type, and an attribute `id` hid the node ids from igraph.
    #[test]
    fn column_names_are_letters_digits_and_underscores_and_never_a_reserved_name() {
        let a = attrs(&[
            ("evil:ID", AttrValue::Int(1)),
            ("x`y", AttrValue::Int(1)),
            ("id", AttrValue::Int(1)),
            ("evil_ID", AttrValue::Int(1)),
            ("attr_evil_ID", AttrValue::Int(1)),
            ("headcount", AttrValue::Int(1)),
        ]);
        let columns: Vec<(String, String)> =
            attr_columns(std::iter::once(&a), &["name"]).into_iter().map(|c| (c.key, c.column)).collect();
        let column = |key: &str| columns.iter().find(|(k, _)| k == key).map(|(_, c)| c.as_str()).unwrap();
        assert_eq!(column("headcount"), "headcount");
        assert_eq!(column("id"), "attr_id");
        assert_eq!(column("x`y"), "attr_x_y");
        assert_eq!(column("evil_ID"), "evil_ID");
        let names: std::collections::HashSet<&str> = columns.iter().map(|(_, c)| c.as_str()).collect();
        assert_eq!(names.len(), columns.len(), "every column has its own name: {columns:?}");
        assert!(columns.iter().all(|(_, c)| c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_')));
    }

    #[test]
    fn columns_widen_to_the_type_every_value_fits() {
        let a = attrs(&[("headcount", AttrValue::Int(15)), ("name", AttrValue::Text("x".into()))]);
        let b = attrs(&[("headcount", AttrValue::Float(2.5)), ("flag", AttrValue::Bool(true))]);
        let c = attrs(&[("flag", AttrValue::Int(1)), ("tags", AttrValue::List(vec![AttrValue::Int(1)]))]);
        let cols = attr_columns([&a, &b, &c].into_iter(), &["name"]);
        let got: Vec<(&str, &str, Scalar, bool)> =
            cols.iter().map(|c| (c.key.as_str(), c.column.as_str(), c.scalar, c.list)).collect();
        assert_eq!(
            got,
            [
                ("flag", "flag", Scalar::Text, false),
                ("headcount", "headcount", Scalar::Double, false),
                ("name", "attr_name", Scalar::Text, false),
                ("tags", "tags", Scalar::Long, true),
            ]
        );
        assert_eq!(items(&AttrValue::Float(3.0)), ["3.0"]);
        assert_eq!(items(&AttrValue::List(vec![AttrValue::Text("a;b".into())])), ["a;b"]);
    }
}
