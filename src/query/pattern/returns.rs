//! What a `match` returns: its items (values and aggregates) with their column names,
//! `having`, and the `order by` keys, checked against each other.
//!
//! The Cypher rule decides grouping: when any item is an aggregate, the other items are
//! the group key. `as name` renames a column; `having` and `order by` name a column by its
//! `as` name or as written (`c.name`, `count(*)`). After grouping only the columns exist,
//! so an aggregated match orders and filters by columns alone.

use super::{VarField, VarKind};
use crate::graph::KnowledgeGraph;
use crate::query::QueryError;
use crate::query::ast::{self, AggFn, MatchQuery, ReturnExpr};
use crate::query::fields;
use crate::query::plan::{self, Cond, FieldType, OrderTerm, Term, Typed};
use crate::query::rows::Value;

/// One return item, checked.
#[derive(Debug, Clone)]
pub enum ReturnPlan {
    Value(VarField),
    Aggregate(AggPlan),
}

/// An aggregate: what it computes, over which values.
#[derive(Debug, Clone, PartialEq)]
pub struct AggPlan {
    pub func: AggFn,
    pub distinct: bool,
    /// None for `count(*)`.
    pub arg: Option<VarField>,
}

/// An `order by` key: a field of the binding, or a column of the answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Key {
    Field(VarField),
    Column(usize),
}

/// A column of the answer, as `having` reads it, with the type of what it holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Column {
    pub index: usize,
    ty: FieldType,
}

impl Typed for Column {
    fn field_type(&self) -> FieldType {
        self.ty
    }
    fn id_field(&self) -> Option<Self> {
        None
    }
}

pub(super) struct Answer {
    pub columns: Vec<String>,
    pub returns: Vec<ReturnPlan>,
    pub having: Option<Cond<Column>>,
    pub order: Vec<OrderTerm<Key>>,
}

type FieldOf<'a> = &'a dyn Fn(&ast::Property) -> Result<VarField, QueryError>;

pub(super) fn plan(
    kg: &KnowledgeGraph,
    q: &MatchQuery,
    slots: &[VarKind],
    field: FieldOf,
) -> Result<Answer, QueryError> {
    let mut columns = Vec::new();
    let mut headings = Vec::new();
    let mut returns = Vec::new();
    let mut types = Vec::new();
    for item in &q.returns {
        let (heading, plan, ty) = match &item.expr {
            ReturnExpr::Value(p) => {
                let f = field(p)?;
                (p.heading(), ReturnPlan::Value(f.clone()), f.field_type())
            }
            ReturnExpr::Properties { var, keys, span } => {
                let whole = ast::Property { var: None, field: var.clone(), span: span.clone() };
                let VarField::Whole(s) = field(&whole)? else { unreachable!("a bare name is a whole variable") };
                if slots[s] == VarKind::Segment {
                    return Err(QueryError::new(
                        "a variable-length edge has no properties of its own",
                        span.clone(),
                        "a segment",
                    )
                    .help("bind a single relation, as in -[r]-, or return the segment whole"));
                }
                let name = if *keys { "keys" } else { "properties" };
                (format!("{name}({})", var.name), ReturnPlan::Value(VarField::Properties(s, *keys)), FieldType::Other)
            }
            ReturnExpr::Aggregate(a) => {
                let agg = aggregate(a, field)?;
                let ty = match (a.func, &agg.arg) {
                    (AggFn::Min | AggFn::Max, Some(f)) => f.field_type(),
                    _ => FieldType::Other,
                };
                (a.heading(), ReturnPlan::Aggregate(agg), ty)
            }
        };
        if let Some(alias) = &item.alias
            && (columns.contains(&alias.name) || headings.contains(&alias.name))
        {
            return Err(QueryError::new(format!("`{}` names two columns", alias.name), alias.span.clone(), "taken")
                .help("give each column its own name"));
        }
        columns.push(item.alias.as_ref().map_or(heading.clone(), |a| a.name.clone()));
        headings.push(heading);
        returns.push(plan);
        types.push(ty);
    }
    let grouped = returns.iter().any(|r| matches!(r, ReturnPlan::Aggregate(_)));
    let find = Find { columns: &columns, headings: &headings, types: &types };
    let having = match &q.having {
        None => None,
        Some((_, span)) if !grouped => {
            return Err(QueryError::new(
                "`having` filters groups, and nothing is aggregated",
                span.clone(),
                "no groups",
            )
            .help("filter the matches with `where` before `return`"));
        }
        Some((h, _)) => Some(plan::condition_with(kg, h, &mut ColumnNames(&find))?),
    };
    let order = q
        .order
        .iter()
        .map(|k| {
            let term = match &k.operand {
                ast::Operand::Literal(l) => Term::Value(fields::literal(&l.value)),
                operand => match (find.column(operand), grouped) {
                    (Some(c), _) => Term::Field(Key::Column(c.index)),
                    (None, false) => match operand {
                        ast::Operand::Property(p) => Term::Field(Key::Field(field(p)?)),
                        _ => return Err(find.missing(operand)),
                    },
                    (None, true) => return Err(find.missing(operand)),
                },
            };
            Ok(OrderTerm { term, descending: k.descending })
        })
        .collect::<Result<_, QueryError>>()?;
    Ok(Answer { columns, returns, having, order })
}

fn aggregate(a: &ast::Aggregate, field: FieldOf) -> Result<AggPlan, QueryError> {
    let arg = a.arg.as_ref().map(field).transpose()?;
    match (a.func, &arg) {
        (AggFn::Count, _) => {}
        (_, None) => {
            return Err(QueryError::new(
                format!("`{}` needs a value, not `*`", a.func.name()),
                a.span.clone(),
                "what of?",
            )
            .help(format!("write e.g. {}(g.headcount); only count takes *", a.func.name())));
        }
        (AggFn::Sum | AggFn::Avg, Some(f)) if f.field_type() == FieldType::Date => {
            return Err(QueryError::new(format!("dates cannot be added: `{}`", a.heading()), a.span.clone(), "a date")
                .help("min and max take dates: the earliest and the latest"));
        }
        _ => {}
    }
    Ok(AggPlan { func: a.func, distinct: a.distinct, arg })
}

/// Finds the column an operand of `having` or `order by` names.
struct Find<'a> {
    columns: &'a [String],
    headings: &'a [String],
    types: &'a [FieldType],
}

impl Find<'_> {
    fn column(&self, operand: &ast::Operand) -> Option<Column> {
        let written = match operand {
            ast::Operand::Property(p) => p.heading(),
            ast::Operand::Aggregate(a) => a.heading(),
            ast::Operand::Literal(_) => return None,
        };
        let at = |names: &[String]| names.iter().position(|c| c.eq_ignore_ascii_case(&written));
        at(self.columns).or_else(|| at(self.headings)).map(|index| Column { index, ty: self.types[index] })
    }

    fn missing(&self, operand: &ast::Operand) -> QueryError {
        let written = match operand {
            ast::Operand::Aggregate(a) => a.heading(),
            ast::Operand::Property(p) => p.heading(),
            ast::Operand::Literal(_) => String::new(),
        };
        QueryError::new(format!("`{written}` is not a column of the answer"), operand.span(), "not returned").help(
            format!(
                "after grouping only the returned columns exist ({}); return it too, or use its `as` name",
                self.columns.join(", ")
            ),
        )
    }
}

struct ColumnNames<'a, 'b>(&'a Find<'b>);

impl plan::Names<Column> for ColumnNames<'_, '_> {
    fn field(&mut self, p: &ast::Property) -> Result<Column, QueryError> {
        let operand = ast::Operand::Property(p.clone());
        self.0.column(&operand).ok_or_else(|| self.0.missing(&operand))
    }
    fn evidence(&mut self, _: Option<&ast::Property>, at: &ast::Span) -> Result<Column, QueryError> {
        Err(QueryError::new("`cited by` asks of a match, not of a group", at.clone(), "not in having")
            .help("move it to `where`, before `return`"))
    }
    fn exists(&mut self, e: &ast::Exists) -> Result<usize, QueryError> {
        Err(QueryError::new("`exists { }` asks of a match, not of a group", e.span.clone(), "not in having")
            .help("move it to `where`, before `return`"))
    }
    fn aggregate(&mut self, a: &ast::Aggregate) -> Result<Column, QueryError> {
        let operand = ast::Operand::Aggregate(a.clone());
        self.0.column(&operand).ok_or_else(|| self.0.missing(&operand))
    }
}

impl Key {
    /// The key's value: from the binding, or from the row.
    pub fn read(&self, row: &[Value], binding: &dyn Fn(&VarField) -> Value) -> Value {
        match self {
            Key::Field(f) => binding(f),
            Key::Column(i) => row[*i].clone(),
        }
    }
}
