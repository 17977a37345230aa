//! The parse of the match language's later forms: `exists { }` blocks, `cited by`
//! conditions, aggregates, `as` names of return items and `having`. Kept beside
//! `parser.rs` (which it extends and which alone sees pest) so each file stays readable.

use pest::iterators::Pair;

use super::{Rule, limit_clause, pattern, predicate, property, span, unquote, where_clause};
use crate::query::ast::*;

pub(super) fn exists(pair: Pair<Rule>) -> Predicate {
    let span = span(&pair);
    let mut e = Exists { patterns: Vec::new(), filter: None, span };
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::pattern => e.patterns.push(pattern(p)),
            Rule::where_clause => e.filter = Some(where_clause(p)),
            _ => {}
        }
    }
    Predicate::Exists(Box::new(e))
}

pub(super) fn cited_by(pair: Pair<Rule>) -> Predicate {
    let mut subject = None;
    let mut locator = None;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::property => subject = Some(property(p)),
            Rule::string => locator = Some(Sp { span: span(&p), value: unquote(p) }),
            Rule::bare_id => locator = Some(Sp { span: span(&p), value: p.as_str().to_string() }),
            _ => {}
        }
    }
    Predicate::CitedBy { subject, locator: locator.expect("grammar guarantees a source") }
}

pub(super) fn cited_statement(pair: Pair<Rule>) -> Statement {
    let Predicate::CitedBy { locator, .. } = cited_by(pair.clone()) else { unreachable!("cited_by gives CitedBy") };
    let limit = pair.into_inner().find(|p| p.as_rule() == Rule::limit_clause).map(limit_clause);
    Statement::Cited { locator, limit }
}

pub(super) fn aggregate(pair: Pair<Rule>) -> Aggregate {
    let span = span(&pair);
    let mut inner = pair.into_inner();
    let name = inner.next().expect("grammar guarantees a function name").as_str().to_ascii_lowercase();
    let func = AggFn::ALL.iter().find(|(_, n)| *n == name).map(|(f, _)| *f).expect("grammar lists the functions");
    let mut agg = Aggregate { func, distinct: false, arg: None, span };
    for p in inner {
        match p.as_rule() {
            Rule::distinct => agg.distinct = true,
            Rule::property => agg.arg = Some(property(p)),
            _ => {}
        }
    }
    agg
}

pub(super) fn return_item(pair: Pair<Rule>) -> ReturnItem {
    let mut inner = pair.into_inner();
    let first = inner.next().expect("grammar guarantees a return item");
    let expr = match first.as_rule() {
        Rule::aggregate => ReturnExpr::Aggregate(aggregate(first)),
        Rule::var_call => {
            let span = span(&first);
            let mut inner = first.into_inner();
            let keys = inner.next().expect("grammar guarantees a function").as_str().eq_ignore_ascii_case("keys");
            let var = inner.next().expect("grammar guarantees a variable");
            ReturnExpr::Properties {
                var: Ident { name: var.as_str().to_string(), span: super::span(&var) },
                keys,
                span,
            }
        }
        _ => ReturnExpr::Value(property(first)),
    };
    let alias =
        inner.find(|p| p.as_rule() == Rule::alias).map(|p| Ident { name: p.as_str().to_string(), span: span(&p) });
    ReturnItem { expr, alias }
}

pub(super) fn having(pair: Pair<Rule>) -> (Predicate, Span) {
    let span = span(&pair);
    (predicate(pair.into_inner().find(|p| p.as_rule() == Rule::predicate).expect("having has a condition")), span)
}
