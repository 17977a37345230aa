//! Conditions: what `where` and `having` are once checked ([`Cond`] over some field type),
//! how they are checked (names through [`Names`], literals typed by the field they are
//! compared with: names resolve, dates parse, `cited by` locators name a known source) and
//! how they are evaluated (`exists` blocks through a callback, since only `match` can run them).

use super::resolve;
use crate::graph::KnowledgeGraph;
use crate::model::PartialDate;
use crate::query::QueryError;
use crate::query::ast::{self, CompareOp, Ident, Predicate, Sp, Span};
use crate::query::fields::{self, Cited, EntityField, RelationField};
use crate::query::rows::Value;
use crate::suggest::help_for_unknown;

/// A condition over fields of type `F`.
#[derive(Debug, Clone)]
pub enum Cond<F> {
    Or(Vec<Cond<F>>),
    And(Vec<Cond<F>>),
    Not(Box<Cond<F>>),
    Compare(Term<F>, CompareOp, Term<F>),
    In(Term<F>, Vec<Value>),
    Truthy(F),
    /// `exists { }`: the number of its sub-pattern in the `match` plan.
    Exists(usize),
    /// `cited by`: the field is the subject's `evidence`.
    CitedBy(F, Cited),
}

#[derive(Debug, Clone)]
pub enum Term<F> {
    Value(Value),
    Field(F),
}

#[derive(Debug, Clone)]
pub struct OrderTerm<F> {
    pub term: Term<F>,
    pub descending: bool,
}

impl<F> Cond<F> {
    /// Evaluates a condition without `exists` (those of `find` and `count`, which refuse
    /// it when checked), reading fields with `get`.
    pub fn holds(&self, kg: &KnowledgeGraph, get: &dyn Fn(&F) -> Value) -> bool {
        let no_exists = &mut |_| unreachable!("`exists` is checked out of conditions outside `match`");
        let Ok(holds) = self.try_holds::<std::convert::Infallible>(kg, get, no_exists);
        holds
    }

    /// Evaluates the condition, reading fields with `get` and asking `exists` whether
    /// sub-pattern `i` has a match; that search may fail (time, memory), failing this.
    /// `and` and `or` stop at the first part that decides, so a search runs only when
    /// the cheaper parts before it have not decided.
    pub fn try_holds<E>(
        &self,
        kg: &KnowledgeGraph,
        get: &dyn Fn(&F) -> Value,
        exists: &mut dyn FnMut(usize) -> Result<bool, E>,
    ) -> Result<bool, E> {
        Ok(match self {
            Cond::Or(parts) => {
                for c in parts {
                    if c.try_holds(kg, get, exists)? {
                        return Ok(true);
                    }
                }
                false
            }
            Cond::And(parts) => {
                for c in parts {
                    if !c.try_holds(kg, get, exists)? {
                        return Ok(false);
                    }
                }
                true
            }
            Cond::Not(inner) => !inner.try_holds(kg, get, exists)?,
            Cond::Compare(l, op, r) => fields::compare(kg, &l.read(get), *op, &r.read(get)),
            Cond::In(t, list) => {
                let v = t.read(get);
                list.iter().any(|item| fields::compare(kg, &v, CompareOp::Eq, item))
            }
            Cond::Truthy(f) => fields::truthy(&get(f)),
            Cond::Exists(i) => exists(*i)?,
            Cond::CitedBy(f, cited) => cited.holds(&get(f)),
        })
    }
}

impl<F> Term<F> {
    pub fn read(&self, get: &dyn Fn(&F) -> Value) -> Value {
        match self {
            Term::Value(v) => v.clone(),
            Term::Field(f) => get(f),
        }
    }
}

/// Checks a `where` condition of `find` or `count`, resolving each property with `field`.
pub fn condition<F: Typed>(
    kg: &KnowledgeGraph,
    p: &Predicate,
    field: &dyn Fn(&Ident) -> Result<F, QueryError>,
) -> Result<Cond<F>, QueryError> {
    struct Plain<'a, F>(&'a dyn Fn(&Ident) -> Result<F, QueryError>);
    impl<F: Typed> Names<F> for Plain<'_, F> {
        fn field(&mut self, p: &ast::Property) -> Result<F, QueryError> {
            match &p.var {
                Some(v) => Err(QueryError::new(
                    format!("`{}.` is a pattern variable, but there is no pattern here", v.name),
                    v.span.clone(),
                    "no such variable",
                )
                .help(format!("write just `{}`", p.field.name))),
                None => (self.0)(&p.field),
            }
        }
        fn evidence(&mut self, subject: Option<&ast::Property>, _: &Span) -> Result<F, QueryError> {
            match subject {
                Some(p) => Err(QueryError::new(
                    "here `cited by` is about the entity or relation itself",
                    p.span.clone(),
                    "leave this out",
                )
                .help("write just `where cited by \"002\"`")),
                None => (self.0)(&Ident { name: "evidence".into(), span: 0..0 }),
            }
        }
    }
    condition_with(kg, p, &mut Plain(field))
}

/// How a condition's names are read: its properties, the subject of `cited by`, and (in
/// `match` only) `exists { }` blocks and aggregates.
pub trait Names<F> {
    fn field(&mut self, p: &ast::Property) -> Result<F, QueryError>;
    /// The `evidence` field of `cited by`'s subject (None when it was left out).
    fn evidence(&mut self, subject: Option<&ast::Property>, at: &Span) -> Result<F, QueryError>;
    /// Plans an `exists { }` block and returns its number.
    fn exists(&mut self, e: &ast::Exists) -> Result<usize, QueryError> {
        Err(QueryError::new("`exists { }` is a condition of `match`", e.span.clone(), "not here")
            .help("ask with a pattern: match (c:dprk_company) where not exists { (c)-[:employs]->() } return c.name"))
    }
    fn aggregate(&mut self, a: &ast::Aggregate) -> Result<F, QueryError> {
        Err(QueryError::new(format!("`{}` is an aggregate", a.heading()), a.span.clone(), "not here").help(
            "aggregates are computed after `where`, over groups: return it, and filter with `having` after `return`",
        ))
    }
}

/// Checks a condition, resolving its names with `names`.
pub fn condition_with<F: Typed>(
    kg: &KnowledgeGraph,
    p: &Predicate,
    names: &mut dyn Names<F>,
) -> Result<Cond<F>, QueryError> {
    let term = |o: &ast::Operand, names: &mut dyn Names<F>| -> Result<Term<F>, QueryError> {
        Ok(match o {
            ast::Operand::Literal(l) => Term::Value(fields::literal(&l.value)),
            ast::Operand::Property(p) => Term::Field(names.field(p)?),
            ast::Operand::Aggregate(a) => Term::Field(names.aggregate(a)?),
        })
    };
    Ok(match p {
        Predicate::Or(parts) => Cond::Or(parts.iter().map(|q| condition_with(kg, q, names)).collect::<Result<_, _>>()?),
        Predicate::And(parts) => {
            Cond::And(parts.iter().map(|q| condition_with(kg, q, names)).collect::<Result<_, _>>()?)
        }
        Predicate::Not(inner) => Cond::Not(Box::new(condition_with(kg, inner, names)?)),
        Predicate::Compare { left, op, right } => match (left, right) {
            (field, ast::Operand::Literal(l)) if !matches!(field, ast::Operand::Literal(_)) => {
                let Term::Field(f) = term(field, names)? else { unreachable!("a field operand") };
                let (field, value) = typed(kg, f, op.value, l)?;
                Cond::Compare(Term::Field(field), op.value, Term::Value(value))
            }
            (ast::Operand::Literal(l), field) if !matches!(field, ast::Operand::Literal(_)) => {
                let Term::Field(f) = term(field, names)? else { unreachable!("a field operand") };
                let (field, value) = typed(kg, f, op.value, l)?;
                Cond::Compare(Term::Value(value), op.value, Term::Field(field))
            }
            _ => Cond::Compare(term(left, names)?, op.value, term(right, names)?),
        },
        Predicate::In { operand, list } => match term(operand, names)? {
            Term::Field(field) => {
                let mut values = Vec::new();
                let mut read_as = None;
                for l in list {
                    let (f, v) = typed(kg, field.clone(), CompareOp::Eq, l)?;
                    read_as = Some(f);
                    values.push(v);
                }
                Cond::In(Term::Field(read_as.unwrap_or(field)), values)
            }
            value => Cond::In(value, list.iter().map(|l| fields::literal(&l.value)).collect()),
        },
        Predicate::Truthy(p) => Cond::Truthy(names.field(p)?),
        Predicate::Exists(e) => Cond::Exists(names.exists(e)?),
        Predicate::CitedBy { subject, locator } => {
            Cond::CitedBy(names.evidence(subject.as_ref(), &locator.span)?, cited(kg, locator)?)
        }
    })
}

/// A `cited by` locator checked against the sources: `"002"` or `"002:418"`.
pub fn cited(kg: &KnowledgeGraph, locator: &Sp<String>) -> Result<Cited, QueryError> {
    let (source, line) = match locator.value.rsplit_once(':') {
        Some((source, line)) => {
            let n = line.parse::<u32>().ok().filter(|&n| n > 0).ok_or_else(|| {
                QueryError::new(format!("\"{line}\" is not a line number"), locator.span.clone(), "not a line")
                    .help("write a source id, or a source id and a line: \"002\" or \"002:418\"")
            })?;
            (source, Some(n))
        }
        None => (locator.value.as_str(), None),
    };
    let ids = kg.sources.iter().map(|s| s.id.as_str());
    if !ids.clone().any(|s| s == source) {
        return Err(QueryError::new(format!("unknown source \"{source}\""), locator.span.clone(), "not a source")
            .help(help_for_unknown(source, ids, "sources")));
    }
    Ok(Cited { source: source.to_string(), line })
}

/// What a field holds, for checking the literals it is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// An entity's name: a literal compared for (in)equality names an entity, resolved as
    /// any reference is (aliases, ids; ambiguity is an error).
    Name,
    /// An entity (a relation's end, a country): a literal names an entity likewise.
    Entity,
    /// A date: a literal must be a year or a quoted date.
    Date,
    /// A word of the graph's vocabulary: a literal compared for (in)equality must be one of
    /// its words, or the statement is refused with "did you mean" (as `(c:contry)` is).
    Vocabulary(Vocabulary),
    Other,
}

/// The closed sets of words a field can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vocabulary {
    Kind,
    Rel,
    Status,
    Source,
}

impl Vocabulary {
    fn words(self, kg: &KnowledgeGraph) -> Vec<&str> {
        match self {
            Vocabulary::Kind => kg.schema.kinds.iter().map(|k| k.name.as_str()).collect(),
            Vocabulary::Rel => kg.schema.relations.iter().map(|r| r.name.as_str()).collect(),
            Vocabulary::Status => crate::model::Status::ALL.iter().map(|(name, _)| *name).collect(),
            Vocabulary::Source => kg.sources.iter().map(|s| s.id.as_str()).collect(),
        }
    }

    fn what(self) -> &'static str {
        match self {
            Vocabulary::Kind => "kind",
            Vocabulary::Rel => "relation",
            Vocabulary::Status => "status",
            Vocabulary::Source => "source",
        }
    }
}

thread_local! {
    /// Names compared with a name or entity field that name no entity, found while a
    /// statement is planned ([`typed`]). The comparison is exact and holds for none, which
    /// [`take_unknown_names`] lets `query::run` say in the answer's notes.
    static UNKNOWN_NAMES: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The notes about names that matched no entity in the statement planned last on this
/// thread, emptied.
pub fn take_unknown_names() -> Vec<String> {
    UNKNOWN_NAMES.with(|n| std::mem::take(&mut *n.borrow_mut()))
}

/// A field whose type is known when a statement is checked.
pub trait Typed: Clone {
    fn field_type(&self) -> FieldType;
    /// The id field of the same entity, for a name field.
    fn id_field(&self) -> Option<Self>;
}

impl Typed for EntityField {
    fn field_type(&self) -> FieldType {
        match self {
            EntityField::Name => FieldType::Name,
            EntityField::Country => FieldType::Entity,
            EntityField::Kind => FieldType::Vocabulary(Vocabulary::Kind),
            EntityField::Source => FieldType::Vocabulary(Vocabulary::Source),
            _ => FieldType::Other,
        }
    }
    fn id_field(&self) -> Option<Self> {
        (self == &EntityField::Name).then_some(EntityField::Id)
    }
}

impl Typed for RelationField {
    fn field_type(&self) -> FieldType {
        match self {
            RelationField::From | RelationField::To => FieldType::Entity,
            RelationField::Since | RelationField::Until | RelationField::Date | RelationField::When => FieldType::Date,
            RelationField::Rel => FieldType::Vocabulary(Vocabulary::Rel),
            RelationField::Status => FieldType::Vocabulary(Vocabulary::Status),
            RelationField::Source => FieldType::Vocabulary(Vocabulary::Source),
            _ => FieldType::Other,
        }
    }
    fn id_field(&self) -> Option<Self> {
        None
    }
}

/// A literal compared with `field`, checked against the field's type: names resolve to
/// entities (a name field is then compared by id), dates parse. Returns the field to read
/// and the value to compare with.
pub fn typed<F: Typed>(
    kg: &KnowledgeGraph,
    field: F,
    op: CompareOp,
    lit: &Sp<ast::Literal>,
) -> Result<(F, Value), QueryError> {
    let plain = fields::literal(&lit.value);
    let equality = matches!(op, CompareOp::Eq | CompareOp::Ne);
    match (field.field_type(), &lit.value) {
        (FieldType::Name | FieldType::Entity, ast::Literal::Text(text)) if equality => {
            let node = match kg.named(text).as_slice() {
                [node] => *node,
                // No entity has that name, alias or id, so the plain comparison is exact: it
                // matches nothing (scripts assert absence this way). The answer says so, with
                // the nearest names, so that a misspelling is not read as "none exist".
                [] => {
                    let near: Vec<String> = kg.nearest(text, 3).iter().map(ToString::to_string).collect();
                    let hint =
                        if near.is_empty() { String::new() } else { format!("; did you mean {}?", near.join(", ")) };
                    let note = format!("no entity is called {text:?}, so a comparison with it holds for none{hint}");
                    UNKNOWN_NAMES.with(|n| n.borrow_mut().push(note));
                    return Ok((field, plain));
                }
                _ => {
                    return Err(resolve(kg, &ast::EntityRef { text: text.clone(), span: lit.span.clone() })
                        .expect_err("a name for several entities does not resolve"));
                }
            };
            Ok(match field.id_field() {
                Some(id) => (id, Value::Text(kg.entity(node).id().to_string())),
                None => (field, Value::Entity(node)),
            })
        }
        (FieldType::Vocabulary(vocabulary), ast::Literal::Text(text)) if equality => {
            let words = vocabulary.words(kg);
            if words.iter().any(|w| w == text) {
                return Ok((field, plain));
            }
            let what = vocabulary.what();
            Err(QueryError::new(format!("unknown {what} {text:?}"), lit.span.clone(), format!("no such {what}"))
                .help(crate::suggest::help_for_unknown(text, words.iter().copied(), &format!("{what}s"))))
        }
        (FieldType::Date, ast::Literal::Null) => Ok((field, plain)),
        // `before`, `after` and `during` compare dates, whatever the field holds.
        (_, literal) if matches!(op, CompareOp::Before | CompareOp::After | CompareOp::During) => {
            Ok((field, Value::Date(date_literal(literal, &lit.span)?)))
        }
        (FieldType::Date, _) if matches!(op, CompareOp::Contains | CompareOp::StartsWith) => Ok((field, plain)),
        (FieldType::Date, literal) => Ok((field, Value::Date(date_literal(literal, &lit.span)?))),
        _ => Ok((field, plain)),
    }
}

/// A literal that must be a date: a year or a quoted date.
fn date_literal(literal: &ast::Literal, span: &Span) -> Result<PartialDate, QueryError> {
    let text = match literal {
        ast::Literal::Text(t) => t.clone(),
        ast::Literal::Number(n) if n.fract() == 0.0 && (1.0..=9999.0).contains(n) => format!("{:04}", *n as u16),
        _ => String::new(),
    };
    PartialDate::parse(&text).map_err(|why| {
        let why = if text.is_empty() { "a date is a year or a quoted date".to_string() } else { why };
        QueryError::new(format!("not a date: {why}"), span.clone(), "not a date")
            .help("write a year (2017) or a quoted date: \"2017\", \"2017-06\" or \"2017-06-30\"")
    })
}
