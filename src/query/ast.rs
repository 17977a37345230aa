//! The query syntax tree: what was written, with the byte span of every part, before any
//! name is checked against the graph. Produced by the parser, consumed by the planner.

use std::ops::Range;

pub use crate::format::Format;

/// Byte range in the query text.
pub type Span = Range<usize>;

/// A value with the span it was written at.
#[derive(Debug, Clone, PartialEq)]
pub struct Sp<T> {
    pub value: T,
    pub span: Span,
}

/// One statement with its optional output format.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub statement: Statement,
    pub format: Option<Format>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Statement {
    Show(EntityRef),
    Find {
        kinds: KindSet,
        filter: Option<Predicate>,
        order: Vec<OrderKey>,
        limit: Option<Sp<usize>>,
    },
    Neighbors {
        start: EntityRef,
        depth: Option<Sp<usize>>,
        options: PathOptions,
    },
    Path {
        mode: PathMode,
        from: EntityRef,
        to: EntityRef,
        options: PathOptions,
    },
    Connect {
        a: EntityRef,
        b: EntityRef,
        options: PathOptions,
    },
    Why {
        a: EntityRef,
        b: EntityRef,
    },
    Count {
        target: CountTarget,
        filter: Option<Predicate>,
        group: Option<Ident>,
    },
    Match(Box<MatchQuery>),
    /// `search "text"`: entities ranked by the text's words in their names, aliases, notes.
    Search {
        text: Sp<String>,
        limit: Option<Sp<usize>>,
    },
    /// `cited by "002:418"`: what a source or a line is evidence for.
    Cited {
        locator: Sp<String>,
        limit: Option<Sp<usize>>,
    },
}

/// Which paths a path statement asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathMode {
    /// `path`: one shortest path.
    Shortest,
    /// `all shortest paths`.
    AllShortest,
    /// `paths`: every simple path up to the hop bound, shortest first.
    All,
}

/// An entity as written: a quoted name or alias, or a bare id.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityRef {
    pub text: String,
    pub span: Span,
}

/// A kind, relation, field or variable name as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum KindSet {
    /// `*`: every kind.
    Any,
    Kinds(Vec<Ident>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum CountTarget {
    Entities(KindSet),
    Relations,
}

/// Path options; filters are applied during expansion.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PathOptions {
    pub max: Option<Sp<usize>>,
    pub limit: Option<Sp<usize>>,
    pub via: Vec<Ident>,
    pub except_via: Vec<Ident>,
    pub avoid: Vec<EntityRef>,
    pub avoid_kinds: Vec<Ident>,
    pub through: Option<EntityRef>,
    pub directed: bool,
    pub as_of: Option<Sp<String>>,
    /// `as of ... dated only`: relations with no date are left out instead of holding.
    pub dated_only: bool,
    pub cited_by: Option<Sp<String>>,
    /// `with commentary`: also walk relation kinds the schema marks as commentary.
    pub with_commentary: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Predicate {
    Or(Vec<Predicate>),
    And(Vec<Predicate>),
    Not(Box<Predicate>),
    Compare {
        left: Operand,
        op: Sp<CompareOp>,
        right: Operand,
    },
    In {
        operand: Operand,
        list: Vec<Sp<Literal>>,
    },
    /// A bare property: true when present and not false, zero or empty.
    Truthy(Property),
    /// `exists { pattern [where cond] }`, true when the patterns have a match that agrees
    /// with the enclosing match on the variables they share.
    Exists(Box<Exists>),
    /// `[x] cited by "002"` or `"002:418"`: `x` (or, without it, the entity itself in
    /// `find`/`count`) has evidence from that source, or from that line of it.
    CitedBy {
        subject: Option<Property>,
        locator: Sp<String>,
    },
}

/// The inside of `exists { ... }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Exists {
    pub patterns: Vec<Pattern>,
    pub filter: Option<Predicate>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Contains,
    StartsWith,
    /// Dates: the left period ends before the right one starts (as `<`).
    Before,
    /// Dates: the left period starts after the right one ends (as `>`).
    After,
    /// Dates: the left period lies wholly within the right one.
    During,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Literal(Sp<Literal>),
    Property(Property),
    /// An aggregate, in `having` and `order by` of a `match`.
    Aggregate(Aggregate),
}

impl Operand {
    pub fn span(&self) -> Span {
        match self {
            Operand::Literal(l) => l.span.clone(),
            Operand::Property(p) => p.span.clone(),
            Operand::Aggregate(a) => a.span.clone(),
        }
    }
}

/// `field` or `var.field`.
#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    pub var: Option<Ident>,
    pub field: Ident,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Text(String),
    Number(f64),
    Bool(bool),
    Null,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OrderKey {
    pub operand: Operand,
    pub descending: bool,
}

/// `match ... where ... return ... order by ... limit ...`
#[derive(Debug, Clone, PartialEq)]
pub struct MatchQuery {
    pub patterns: Vec<Pattern>,
    pub filter: Option<Predicate>,
    pub distinct: bool,
    pub returns: Vec<ReturnItem>,
    /// `having cond`: a filter on the grouped rows, and where the clause is.
    pub having: Option<(Predicate, Span)>,
    pub order: Vec<OrderKey>,
    pub limit: Option<Sp<usize>>,
}

/// `(a)-[r]->(b)<-[s]-(c)`: `edges[i]` joins `nodes[i]` and `nodes[i + 1]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    pub nodes: Vec<NodePattern>,
    pub edges: Vec<EdgePattern>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NodePattern {
    pub var: Option<Ident>,
    pub kinds: Vec<Ident>,
    pub props: Vec<(Ident, Sp<Literal>)>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeDirection {
    /// `-[]->`
    Right,
    /// `<-[]-`
    Left,
    /// `-[]-`
    Either,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EdgePattern {
    pub var: Option<Ident>,
    pub rels: Vec<Ident>,
    pub direction: EdgeDirection,
    /// Variable length `*min..max`; None for a single edge.
    pub range: Option<Sp<(usize, Option<usize>)>>,
    pub props: Vec<(Ident, Sp<Literal>)>,
    pub span: Span,
}

/// One item of `return`, with its `as` name.
#[derive(Debug, Clone, PartialEq)]
pub struct ReturnItem {
    pub expr: ReturnExpr,
    pub alias: Option<Ident>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ReturnExpr {
    /// A property or a whole variable.
    Value(Property),
    Aggregate(Aggregate),
    /// `properties(x)` (`keys: false`) or `keys(x)`.
    Properties {
        var: Ident,
        keys: bool,
        span: Span,
    },
}

/// `count(*)`, `count(distinct x)`, `collect(x.name)`, `min(r.date)`, ...
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregate {
    pub func: AggFn,
    pub distinct: bool,
    /// None for `*`.
    pub arg: Option<Property>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggFn {
    Count,
    Collect,
    Min,
    Max,
    Sum,
    Avg,
}

impl AggFn {
    pub const ALL: [(AggFn, &'static str); 6] = [
        (AggFn::Count, "count"),
        (AggFn::Collect, "collect"),
        (AggFn::Min, "min"),
        (AggFn::Max, "max"),
        (AggFn::Sum, "sum"),
        (AggFn::Avg, "avg"),
    ];

    pub fn name(self) -> &'static str {
        Self::ALL.iter().find(|(f, _)| *f == self).map(|(_, n)| *n).expect("every function is listed")
    }
}

impl Aggregate {
    /// How the aggregate is written in a column heading, and matched in `having` and
    /// `order by`: `count(*)`, `collect(distinct x.name)`.
    pub fn heading(&self) -> String {
        let distinct = if self.distinct { "distinct " } else { "" };
        let arg = self.arg.as_ref().map_or("*".to_string(), Property::heading);
        format!("{}({distinct}{arg})", self.func.name())
    }
}

impl Property {
    /// `x.field`, or the bare name, as a column heading.
    pub fn heading(&self) -> String {
        self.var.as_ref().map_or(self.field.name.clone(), |v| format!("{}.{}", v.name, self.field.name))
    }
}
