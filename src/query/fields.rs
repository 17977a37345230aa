//! Fields of entities and relations that conditions, `order by`, `count ... by` and
//! `return` can read, and how values compare.
//!
//! Text compares case-insensitively; an entity compares equal to any of its id, name and
//! aliases; dates compare as the periods they cover; a list matches when any item does.
//! Evidence is data too: `evidence` lists the locators (source, line, quote), `quote` the
//! anchor quotes, and [`Cited`] is what `cited by "002"` or `"002:418"` asks of them.
//! Relations have `when`, the decision date or else the start, for sorting and comparing.

use std::cmp::Ordering;

use super::ast::{CompareOp, Literal};
use super::rows::{Locator, Value};
use crate::graph::{EntityRef, KnowledgeGraph, RelationRef};
use crate::model::{AttrValue, Evidence, PartialDate};

/// A readable field of an entity.
#[derive(Debug, Clone, PartialEq)]
pub enum EntityField {
    Id,
    Kind,
    Name,
    Aliases,
    Country,
    Note,
    /// Whether the entity has evidence.
    Cited,
    /// How many relations it takes part in.
    Degree,
    /// The sources its evidence cites.
    Source,
    /// Its evidence locators.
    Evidence,
    /// The anchor quotes of its evidence.
    Quote,
    Attr(String),
}

/// A readable field of a relation.
#[derive(Debug, Clone, PartialEq)]
pub enum RelationField {
    Rel,
    From,
    To,
    Status,
    Since,
    Until,
    Date,
    Note,
    Cited,
    Source,
    /// `date`, else `since`: when the relation happened or began.
    When,
    Evidence,
    Quote,
    Attr(String),
}

pub const ENTITY_FIELDS: &[&str] =
    &["id", "kind", "name", "aliases", "country", "note", "cited", "degree", "source", "evidence", "quote"];
pub const RELATION_FIELDS: &[&str] =
    &["rel", "from", "to", "status", "since", "until", "date", "when", "note", "cited", "source", "evidence", "quote"];

pub fn entity_field(kg: &KnowledgeGraph, name: &str) -> Option<EntityField> {
    let lower = name.to_ascii_lowercase();
    Some(match lower.as_str() {
        "id" => EntityField::Id,
        "kind" => EntityField::Kind,
        "name" => EntityField::Name,
        "alias" | "aliases" => EntityField::Aliases,
        "country" => EntityField::Country,
        "note" => EntityField::Note,
        "cited" => EntityField::Cited,
        "degree" => EntityField::Degree,
        "source" => EntityField::Source,
        "evidence" => EntityField::Evidence,
        "quote" | "quotes" => EntityField::Quote,
        _ if entity_attr_keys(kg).contains(&name) => EntityField::Attr(name.to_string()),
        _ => return None,
    })
}

pub fn relation_field(kg: &KnowledgeGraph, name: &str) -> Option<RelationField> {
    let lower = name.to_ascii_lowercase();
    Some(match lower.as_str() {
        "rel" | "relation" => RelationField::Rel,
        "from" => RelationField::From,
        "to" => RelationField::To,
        "status" => RelationField::Status,
        "since" => RelationField::Since,
        "until" => RelationField::Until,
        "date" => RelationField::Date,
        "note" => RelationField::Note,
        "cited" => RelationField::Cited,
        "source" => RelationField::Source,
        "when" => RelationField::When,
        "evidence" => RelationField::Evidence,
        "quote" | "quotes" => RelationField::Quote,
        _ if relation_attr_keys(kg).contains(&name) => RelationField::Attr(name.to_string()),
        _ => return None,
    })
}

/// Every attribute key used by some entity, sorted.
pub fn entity_attr_keys(kg: &KnowledgeGraph) -> Vec<&str> {
    let mut keys: Vec<&str> = kg.entities().flat_map(|(_, e)| e.attrs().keys().map(String::as_str)).collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Every attribute key used by some relation, sorted.
pub fn relation_attr_keys(kg: &KnowledgeGraph) -> Vec<&str> {
    let mut keys: Vec<&str> = kg.relations().flat_map(|(_, r)| r.attrs().keys().map(String::as_str)).collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

pub fn entity_value(kg: &KnowledgeGraph, node: EntityRef, field: &EntityField) -> Value {
    let e = kg.entity(node);
    let text = |s: &str| Value::Text(s.to_string());
    match field {
        EntityField::Id => text(e.id()),
        EntityField::Kind => text(e.kind()),
        EntityField::Name => text(e.name()),
        EntityField::Aliases => Value::List(e.aliases().iter().map(|a| text(a)).collect()),
        EntityField::Country => e.country().and_then(|c| kg.by_id(c)).map_or(Value::Null, Value::Entity),
        EntityField::Note => e.note().map_or(Value::Null, text),
        EntityField::Cited => Value::Bool(!e.evidence().is_empty()),
        EntityField::Degree => Value::Int(kg.incident(node).count() as i64),
        EntityField::Source => sources(e.evidence().iter().map(|ev| &*ev.source)),
        EntityField::Evidence => locators(e.evidence()),
        EntityField::Quote => quotes(e.evidence()),
        EntityField::Attr(key) => e.attrs().get(key).map_or(Value::Null, attr),
    }
}

pub fn relation_value(kg: &KnowledgeGraph, edge: RelationRef, field: &RelationField) -> Value {
    let r = kg.relation(edge);
    let (from, to) = kg.ends(edge);
    let date = |d: Option<PartialDate>| d.map_or(Value::Null, Value::Date);
    match field {
        RelationField::Rel => Value::Text(r.rel().to_string()),
        RelationField::From => Value::Entity(from),
        RelationField::To => Value::Entity(to),
        RelationField::Status => Value::Text(r.status().as_str().to_string()),
        RelationField::Since => date(r.since()),
        RelationField::Until => date(r.until()),
        RelationField::Date => date(r.date()),
        RelationField::Note => r.note().map_or(Value::Null, |n| Value::Text(n.to_string())),
        RelationField::Cited => Value::Bool(!r.evidence().is_empty()),
        RelationField::Source => sources(r.evidence().iter().map(|ev| &*ev.source)),
        RelationField::When => date(r.date().or(r.since())),
        RelationField::Evidence => locators(r.evidence()),
        RelationField::Quote => quotes(r.evidence()),
        RelationField::Attr(key) => r.attrs().get(key).map_or(Value::Null, attr),
    }
}

fn sources<'a>(ids: impl Iterator<Item = &'a str>) -> Value {
    let mut ids: Vec<&str> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    Value::List(ids.into_iter().map(|s| Value::Text(s.to_string())).collect())
}

fn locators(evidence: &[Evidence]) -> Value {
    Value::List(evidence.iter().map(|ev| Value::Evidence(Locator::from(ev))).collect())
}

fn quotes(evidence: &[Evidence]) -> Value {
    Value::List(evidence.iter().map(|ev| Value::Text(ev.quote.clone())).collect())
}

/// Every property an entity has, in the order of [`ENTITY_FIELDS`] then its attributes:
/// what `properties(x)` shows. Evidence has fields of its own (`evidence`, `quote`), and
/// derived fields (`cited`, `degree`, `source`) are left out.
pub fn entity_properties(kg: &KnowledgeGraph, n: EntityRef) -> Vec<(String, Value)> {
    use EntityField as F;
    let own =
        [F::Id, F::Kind, F::Name, F::Aliases, F::Country, F::Note].map(|f| (field_name(&f), entity_value(kg, n, &f)));
    let attrs = kg.entity(n).attrs().iter().map(|(k, v)| (k.clone(), attr(v)));
    present(own.into_iter().chain(attrs))
}

/// Every property a relation has, as [`entity_properties`] for entities.
pub fn relation_properties(kg: &KnowledgeGraph, e: RelationRef) -> Vec<(String, Value)> {
    use RelationField as F;
    let own = [F::Rel, F::From, F::To, F::Status, F::Since, F::Until, F::Date, F::Note]
        .map(|f| (field_name(&f), relation_value(kg, e, &f)));
    let attrs = kg.relation(e).attrs().iter().map(|(k, v)| (k.clone(), attr(v)));
    present(own.into_iter().chain(attrs))
}

fn field_name(f: &impl std::fmt::Debug) -> String {
    format!("{f:?}").to_lowercase()
}

fn present(all: impl Iterator<Item = (String, Value)>) -> Vec<(String, Value)> {
    all.filter(|(_, v)| !matches!(v, Value::Null) && !matches!(v, Value::List(items) if items.is_empty())).collect()
}

/// `properties(x)` as a map, or with `keys` its names.
pub fn properties(all: Vec<(String, Value)>, keys: bool) -> Value {
    if keys { Value::List(all.into_iter().map(|(k, _)| Value::Text(k)).collect()) } else { Value::Map(all) }
}

/// What `cited by` asks: evidence from a source, or from one line of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cited {
    pub source: String,
    pub line: Option<u32>,
}

impl Cited {
    /// Whether an `evidence` value (a list of locators) holds a locator this asks for.
    pub fn holds(&self, evidence: &Value) -> bool {
        match evidence {
            Value::List(items) => items.iter().any(|v| self.holds(v)),
            Value::Evidence(l) => l.source == self.source && self.line.is_none_or(|n| n == l.line),
            _ => false,
        }
    }
}

pub fn attr(value: &AttrValue) -> Value {
    match value {
        AttrValue::Bool(b) => Value::Bool(*b),
        AttrValue::Int(i) => Value::Int(*i),
        AttrValue::Float(f) => Value::Float(*f),
        AttrValue::Text(s) => Value::Text(s.clone()),
        AttrValue::List(items) => Value::List(items.iter().map(attr).collect()),
    }
}

pub fn literal(lit: &Literal) -> Value {
    match lit {
        Literal::Text(s) => Value::Text(s.clone()),
        Literal::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => Value::Int(*n as i64),
        Literal::Number(n) => Value::Float(*n),
        Literal::Bool(b) => Value::Bool(*b),
        Literal::Null => Value::Null,
    }
}

/// Whether a value counts as true in a bare condition (`where note`, `where not cited`).
pub fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Int(i) => *i != 0,
        Value::Float(f) => *f != 0.0,
        Value::Text(s) => !s.is_empty(),
        Value::List(items) => !items.is_empty(),
        _ => true,
    }
}

/// `left op right`. A list on the left matches when any item does (except for `!=`, which
/// holds when no item equals).
pub fn compare(kg: &KnowledgeGraph, left: &Value, op: CompareOp, right: &Value) -> bool {
    if let Value::List(items) = left {
        return match op {
            CompareOp::Ne => !items.iter().any(|i| compare(kg, i, CompareOp::Eq, right)),
            CompareOp::Contains => {
                items.iter().any(|i| compare(kg, i, CompareOp::Eq, right) || compare(kg, i, op, right))
            }
            _ => items.iter().any(|i| compare(kg, i, op, right)),
        };
    }
    if let Some((l, r)) = dates(left, right) {
        return compare_periods(l, op, r);
    }
    match op {
        CompareOp::Eq => equal(kg, left, right),
        CompareOp::Ne => !equal(kg, left, right),
        CompareOp::Contains => text_of(kg, left).zip(text_of(kg, right)).is_some_and(|(l, r)| l.contains(&r)),
        CompareOp::StartsWith => text_of(kg, left).zip(text_of(kg, right)).is_some_and(|(l, r)| l.starts_with(&r)),
        CompareOp::Lt => order(left, right) == Some(Ordering::Less),
        CompareOp::Le => matches!(order(left, right), Some(Ordering::Less | Ordering::Equal)),
        CompareOp::Gt => order(left, right) == Some(Ordering::Greater),
        CompareOp::Ge => matches!(order(left, right), Some(Ordering::Greater | Ordering::Equal)),
        // Only dates are before, after or during one another.
        CompareOp::Before | CompareOp::After | CompareOp::During => false,
    }
}

/// A date, or a text that reads as one.
fn as_date(v: &Value) -> Option<PartialDate> {
    match v {
        Value::Date(d) => Some(*d),
        Value::Text(t) => PartialDate::parse(t).ok(),
        _ => None,
    }
}

/// The two sides as dates, when one is a date and the other a date or a text that reads
/// as one.
fn dates(left: &Value, right: &Value) -> Option<(PartialDate, PartialDate)> {
    if !matches!(left, Value::Date(_)) && !matches!(right, Value::Date(_)) {
        return None;
    }
    Some((as_date(left)?, as_date(right)?))
}

/// Dates compared as the periods they cover (a year its whole year, a month its month):
/// `<` and `>` hold when one period lies wholly before or after the other, `=` when they
/// share a day ("2016-03" = "2016"), `<=` and `>=` when `<` or `=` (`>` or `=`) does,
/// `!=` when they share none. For full dates this is the usual order. `before` is `<` and
/// `after` is `>`; `during` holds when the left period lies wholly within the right one
/// ("2016-06" during "2016", not "2016" during "2016-06").
fn compare_periods(left: PartialDate, op: CompareOp, right: PartialDate) -> bool {
    let (l, r) = ((left.first_day(), left.last_day()), (right.first_day(), right.last_day()));
    let overlap = l.0 <= r.1 && r.0 <= l.1;
    match op {
        CompareOp::Lt | CompareOp::Before => l.1 < r.0,
        CompareOp::Gt | CompareOp::After => l.0 > r.1,
        CompareOp::During => l.0 >= r.0 && l.1 <= r.1,
        CompareOp::Le => l.0 <= r.1,
        CompareOp::Ge => l.1 >= r.0,
        CompareOp::Eq => overlap,
        CompareOp::Ne => !overlap,
        CompareOp::Contains => left.to_string().contains(&right.to_string()),
        CompareOp::StartsWith => left.to_string().starts_with(&right.to_string()),
    }
}

fn equal(kg: &KnowledgeGraph, left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::Null, Value::Null) => true,
        (Value::Null, _) | (_, Value::Null) => false,
        (Value::Entity(a), Value::Entity(b)) => a == b,
        (Value::Entity(node), Value::Text(t)) | (Value::Text(t), Value::Entity(node)) => names_entity(kg, *node, t),
        (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
            order(left, right) == Some(Ordering::Equal)
        }
        _ => match (text_of(kg, left), text_of(kg, right)) {
            (Some(l), Some(r)) => l == r,
            _ => left == right,
        },
    }
}

fn names_entity(kg: &KnowledgeGraph, node: EntityRef, text: &str) -> bool {
    let e = kg.entity(node);
    let t = text.to_lowercase();
    e.id() == t || e.name().to_lowercase() == t || e.aliases().iter().any(|a| a.to_lowercase() == t)
}

/// Lower-cased text of a scalar, for text comparisons.
fn text_of(kg: &KnowledgeGraph, value: &Value) -> Option<String> {
    Some(match value {
        Value::Text(s) => s.to_lowercase(),
        Value::Entity(node) => kg.entity(*node).name().to_lowercase(),
        Value::Date(d) => d.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return None,
    })
}

/// Ordering of two scalars of comparable types, for sorting; dates by their first day, then
/// the wider first ("2016" before "2016-01" before "2016-01-01" before "2016-03"), and a text that reads as a date
/// as one. Conditions compare dates as periods (see [`compare`]).
pub fn order(left: &Value, right: &Value) -> Option<Ordering> {
    match (left, right) {
        (Value::Int(a), Value::Int(b)) => Some(a.cmp(b)),
        (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
            number(left)?.partial_cmp(&number(right)?)
        }
        (Value::Text(a), Value::Text(b)) if as_date(left).is_none() || as_date(right).is_none() => {
            Some(a.to_lowercase().cmp(&b.to_lowercase()))
        }
        _ => {
            let (l, r) = (as_date(left)?, as_date(right)?);
            Some(l.first_day().cmp(&r.first_day()).then(r.last_day().cmp(&l.last_day())))
        }
    }
}

fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

/// The order of one `order by` key: [`sort_order`], reversed for `desc` except that
/// missing values stay last either way.
pub fn key_order(kg: &KnowledgeGraph, left: &Value, right: &Value, descending: bool) -> Ordering {
    match (left, right) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Greater,
        (_, Value::Null) => Ordering::Less,
        _ if descending => sort_order(kg, left, right).reverse(),
        _ => sort_order(kg, left, right),
    }
}

/// A total order for sorting result rows: nulls last, then by type, then by value.
pub fn sort_order(kg: &KnowledgeGraph, left: &Value, right: &Value) -> Ordering {
    let rank = |v: &Value| match v {
        Value::Null => 9,
        Value::Int(_) | Value::Float(_) => 0,
        Value::Date(_) => 1,
        _ => 2,
    };
    rank(left).cmp(&rank(right)).then_with(|| {
        order(left, right).or_else(|| Some(text_of(kg, left)?.cmp(&text_of(kg, right)?))).unwrap_or(Ordering::Equal)
    })
}

#[cfg(test)]
mod period_tests {
    use super::*;

    const DATES: [&str; 9] =
        ["2015", "2016", "2016-01", "2016-03", "2016-03-05", "2016-03-31", "2016-12-31", "2017-01", "2017"];

    #[test]
    fn dates_compare_as_periods_and_lt_eq_gt_split_them() {
        for a in DATES.map(|d| PartialDate::parse(d).unwrap()) {
            for b in DATES.map(|d| PartialDate::parse(d).unwrap()) {
                let holds = |op| compare_periods(a, op, b);
                let (lt, eq, gt) = (holds(CompareOp::Lt), holds(CompareOp::Eq), holds(CompareOp::Gt));
                assert_eq!([lt, eq, gt].iter().filter(|&&h| h).count(), 1, "{a} vs {b}: exactly one of <, =, >");
                assert_eq!(holds(CompareOp::Le), lt || eq, "{a} <= {b}");
                assert_eq!(holds(CompareOp::Ge), gt || eq, "{a} >= {b}");
                assert_eq!(holds(CompareOp::Ne), !eq, "{a} != {b}");
                assert_eq!(lt, compare_periods(b, CompareOp::Gt, a), "{a} < {b} is {b} > {a}");
                // Within a period: a day of March 2016 is in 2016 and in March, and in no other month.
                let inside = a.first_day() >= b.first_day() && a.last_day() <= b.last_day();
                assert!(!inside || eq, "{a} lies in {b}, so they are equal as periods");
            }
        }
        let day = |d| PartialDate::parse(d).unwrap();
        assert!(compare_periods(day("2016-03-05"), CompareOp::Lt, day("2016-03-31")), "full dates in the usual order");
    }
}
