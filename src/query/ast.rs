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
}

#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Literal(Sp<Literal>),
    Property(Property),
}

impl Operand {
    pub fn span(&self) -> Span {
        match self {
            Operand::Literal(l) => l.span.clone(),
            Operand::Property(p) => p.span.clone(),
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

#[derive(Debug, Clone, PartialEq)]
pub enum ReturnItem {
    /// A property or a whole variable.
    Value(Property),
    /// `count(*)` or `count(var)`.
    Count { var: Option<Ident>, span: Span },
}
