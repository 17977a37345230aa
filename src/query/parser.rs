//! Query text to [`ast::Query`], with errors in user words.
//!
//! The only module that knows pest: `Pair` and `Rule` never leave it. pest's rule names are
//! turned into what a person would type ("`to`", "a number", "a quoted name or an id"), and
//! a misspelt statement keyword gets "did you mean".

use pest::Parser as _;
use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::Pair;

use super::QueryError;
use super::ast::*;
use super::syntax::{starts_comment, statement_keywords};
use crate::suggest::{did_you_mean, near_keyword};

mod language;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/kgq.pest"]
struct KgqParser;

/// Parses one statement (an optional trailing `;` is allowed).
pub fn parse(text: &str) -> Result<Query, QueryError> {
    check_nesting(text)?;
    let mut pairs = KgqParser::parse(Rule::query, text).map_err(|e| parse_error(text, e))?;
    let query = pairs.next().expect("grammar guarantees a query");
    let statement = query.into_inner().next().expect("grammar guarantees a statement");
    Ok(statement_node(statement))
}

/// How deep brackets may nest in a statement. The parser descends once per level, so an
/// unbounded depth would let a short input exhaust the stack; real questions nest a few.
pub const MAX_NESTING: usize = 64;

/// Refuses brackets nested deeper than [`MAX_NESTING`], before the parser descends into
/// them, and a quote that is never closed (at the quote). Quoted text and comments are
/// skipped as the grammar reads them.
fn check_nesting(text: &str) -> Result<(), QueryError> {
    let bytes = text.as_bytes();
    let mut open: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            quote @ (b'"' | b'\'') => {
                let opened = i;
                i += 1;
                while i < bytes.len() && bytes[i] != quote {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                if i >= bytes.len() {
                    // Reported where it opens: the parser would only see something amiss at
                    // the end, far from the mistake.
                    let q = char::from(quote);
                    return Err(QueryError::new("this quote is never closed", opened..opened + 1, "opened here")
                        .help(format!("close it with a matching {q} (a {q} inside the text is written \\{q})")));
                }
            }
            b'-' if starts_comment(text[i..].chars()) => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'(' | b'[' | b'{' => {
                open.push(i);
                if open.len() > MAX_NESTING {
                    return Err(QueryError::new(
                        format!("brackets nest more than {MAX_NESTING} deep"),
                        i..i + 1,
                        "too deep",
                    )
                    .help("write the condition flatter: `a and b and c` needs no brackets, and `not not x` is `x`"));
                }
            }
            b')' | b']' | b'}' => {
                open.pop();
            }
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

fn statement_node(pair: Pair<Rule>) -> Query {
    let mut inner = pair.into_inner();
    let body = inner.next().expect("grammar guarantees a statement body");
    let format = inner.next().map(|output| {
        let f = output.into_inner().nth(1).expect("grammar guarantees a format");
        Format::parse(f.as_str()).expect("grammar lists only known formats")
    });
    let statement = match body.as_rule() {
        Rule::show => Statement::Show(entity_ref(body.into_inner().nth(1).expect("show has a ref"))),
        Rule::find => find(body),
        Rule::neighbors => neighbors(body),
        Rule::path => path(body, PathMode::Shortest),
        Rule::all_shortest => path(body, PathMode::AllShortest),
        Rule::paths => path(body, PathMode::All),
        Rule::connect => {
            let (a, b, options) = two_refs_and_options(body);
            Statement::Connect { a, b, options }
        }
        Rule::why => {
            let (a, b, _) = two_refs_and_options(body);
            Statement::Why { a, b }
        }
        Rule::count => count(body),
        Rule::match_stmt => Statement::Match(Box::new(match_query(body))),
        Rule::search => search(body),
        Rule::cited_stmt => language::cited_statement(body),
        other => unreachable!("grammar has no statement {other:?}"),
    };
    Query { statement, format }
}

pub(super) fn span(pair: &Pair<Rule>) -> Span {
    pair.as_span().start()..pair.as_span().end()
}

fn ident(pair: Pair<Rule>) -> Ident {
    Ident { name: pair.as_str().to_string(), span: span(&pair) }
}

fn number(pair: Pair<Rule>) -> Sp<usize> {
    let span = span(&pair);
    // The grammar admits only digits; a number too large for usize saturates and is then
    // refused by the planner's bounds.
    Sp { value: pair.as_str().parse().unwrap_or(usize::MAX), span }
}

fn entity_ref(pair: Pair<Rule>) -> EntityRef {
    let inner = pair.into_inner().next().expect("grammar guarantees string or id");
    let span = span(&inner);
    let text = match inner.as_rule() {
        Rule::string => unquote(inner),
        _ => inner.as_str().to_string(),
    };
    EntityRef { text, span }
}

/// The text of a string literal, with backslash escapes resolved.
pub(super) fn unquote(pair: Pair<Rule>) -> String {
    let raw = pair.into_inner().next().expect("grammar guarantees string contents").as_str();
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

fn find(pair: Pair<Rule>) -> Statement {
    let mut kinds = KindSet::Any;
    let (mut filter, mut order, mut limit) = (None, Vec::new(), None);
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::kind_set => kinds = kind_set(p),
            Rule::where_clause => filter = Some(where_clause(p)),
            Rule::order_clause => order = order_clause(p),
            Rule::limit_clause => limit = Some(limit_clause(p)),
            _ => {}
        }
    }
    Statement::Find { kinds, filter, order, limit }
}

fn kind_set(pair: Pair<Rule>) -> KindSet {
    let items: Vec<Pair<Rule>> = pair.into_inner().collect();
    if items.iter().any(|p| p.as_rule() == Rule::star) {
        return KindSet::Any;
    }
    KindSet::Kinds(items.into_iter().map(ident).collect())
}

pub(super) fn where_clause(pair: Pair<Rule>) -> Predicate {
    predicate(pair.into_inner().nth(1).expect("grammar guarantees a predicate"))
}

pub(super) fn limit_clause(pair: Pair<Rule>) -> Sp<usize> {
    number(pair.into_inner().nth(1).expect("grammar guarantees a limit"))
}

fn order_clause(pair: Pair<Rule>) -> Vec<OrderKey> {
    pair.into_inner()
        .filter(|p| p.as_rule() == Rule::order_key)
        .map(|key| {
            let mut inner = key.into_inner();
            let operand = operand(inner.next().expect("grammar guarantees an operand"));
            let descending = inner.next().is_some_and(|d| d.as_str().eq_ignore_ascii_case("desc"));
            OrderKey { operand, descending }
        })
        .collect()
}

fn neighbors(pair: Pair<Rule>) -> Statement {
    let mut inner = pair.into_inner();
    inner.next(); // keyword
    let start = entity_ref(inner.next().expect("grammar guarantees a start"));
    let mut depth = None;
    let mut options = PathOptions::default();
    for p in inner {
        if p.as_rule() == Rule::depth_opt {
            depth = Some(number(p.into_inner().nth(1).expect("depth has a number")));
        } else {
            path_option(p, &mut options);
        }
    }
    Statement::Neighbors { start, depth, options }
}

fn path(pair: Pair<Rule>, mode: PathMode) -> Statement {
    let (from, to, options) = two_refs_and_options(pair);
    Statement::Path { mode, from, to, options }
}

/// The two entity references of `path`, `paths`, `connect`, `why`, and any path options.
fn two_refs_and_options(pair: Pair<Rule>) -> (EntityRef, EntityRef, PathOptions) {
    let mut refs = Vec::new();
    let mut options = PathOptions::default();
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::entity_ref => refs.push(entity_ref(p)),
            r if is_keyword(r) => {}
            _ => path_option(p, &mut options),
        }
    }
    let mut refs = refs.into_iter();
    let a = refs.next().expect("grammar guarantees a first entity");
    let b = refs.next().expect("grammar guarantees a second entity");
    (a, b, options)
}

/// Keyword tokens (`kw_*` rules) carry no information once parsed.
fn is_keyword(rule: Rule) -> bool {
    format!("{rule:?}").starts_with("kw_")
}

fn path_option(pair: Pair<Rule>, o: &mut PathOptions) {
    let rule = pair.as_rule();
    let args = || pair.clone().into_inner().filter(|p| !is_keyword(p.as_rule()));
    match rule {
        Rule::max_opt => o.max = args().next().map(number),
        Rule::limit_clause => o.limit = Some(limit_clause(pair)),
        Rule::via_opt => o.via.extend(args().map(ident)),
        Rule::except_via_opt => o.except_via.extend(args().map(ident)),
        Rule::avoid_kind_opt => o.avoid_kinds.extend(args().map(ident)),
        Rule::avoid_opt => o.avoid.extend(args().map(entity_ref)),
        Rule::through_opt => o.through = args().next().map(entity_ref),
        Rule::directed_opt => o.directed = true,
        Rule::commentary_opt => o.with_commentary = true,
        Rule::as_of_opt | Rule::cited_by_opt => {
            let arg = args().next().expect("grammar guarantees an argument");
            let span = span(&arg);
            let value = if arg.as_rule() == Rule::string { unquote(arg) } else { arg.as_str().to_string() };
            let slot = if rule == Rule::as_of_opt { &mut o.as_of } else { &mut o.cited_by };
            *slot = Some(Sp { value, span });
            o.dated_only |= args().any(|p| p.as_rule() == Rule::dated_only);
        }
        other => unreachable!("grammar has no path option {other:?}"),
    }
}

fn search(pair: Pair<Rule>) -> Statement {
    let mut inner = pair.into_inner().skip(1);
    let text = inner.next().expect("grammar guarantees a string");
    let text = Sp { span: span(&text), value: unquote(text) };
    Statement::Search { text, limit: inner.next().map(limit_clause) }
}

fn count(pair: Pair<Rule>) -> Statement {
    let mut target = CountTarget::Entities(KindSet::Any);
    let (mut filter, mut group) = (None, None);
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::count_target => {
                let t = p.into_inner().next().expect("grammar guarantees a count target");
                target = match t.as_rule() {
                    Rule::count_relations => CountTarget::Relations,
                    _ => CountTarget::Entities(kind_set(t)),
                };
            }
            Rule::where_clause => filter = Some(where_clause(p)),
            Rule::group_clause => group = p.into_inner().nth(1).map(ident),
            _ => {}
        }
    }
    Statement::Count { target, filter, group }
}

pub(super) fn predicate(pair: Pair<Rule>) -> Predicate {
    let mut parts: Vec<Predicate> =
        pair.into_inner().filter(|p| p.as_rule() == Rule::disjunct).map(conjunction).collect();
    if parts.len() == 1 { parts.pop().expect("one part") } else { Predicate::Or(parts) }
}

fn conjunction(pair: Pair<Rule>) -> Predicate {
    let mut parts: Vec<Predicate> = pair.into_inner().filter(|p| p.as_rule() == Rule::negated).map(negated).collect();
    if parts.len() == 1 { parts.pop().expect("one part") } else { Predicate::And(parts) }
}

fn negated(pair: Pair<Rule>) -> Predicate {
    let mut nots = 0;
    let mut atom = None;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::not => nots += 1,
            _ => atom = Some(p),
        }
    }
    let mut pred = atom_predicate(atom.expect("grammar guarantees an atom"));
    // `not not p` is `p`: only the parity matters, and a long chain must not nest deeply.
    for _ in 0..nots % 2 {
        pred = Predicate::Not(Box::new(pred));
    }
    pred
}

fn atom_predicate(pair: Pair<Rule>) -> Predicate {
    match pair.as_rule() {
        Rule::predicate => predicate(pair),
        Rule::comparison => {
            let mut inner = pair.into_inner();
            let left = operand(inner.next().expect("comparison has a left side"));
            let op_pair = inner.next().expect("comparison has an operator");
            let op = Sp { value: compare_op(op_pair.as_str()), span: span(&op_pair) };
            let right = operand(inner.next().expect("comparison has a right side"));
            Predicate::Compare { left, op, right }
        }
        Rule::in_list => {
            let mut inner = pair.into_inner().filter(|p| p.as_rule() != Rule::kw_in);
            let operand = operand(inner.next().expect("in has an operand"));
            let list = inner.map(literal).collect();
            Predicate::In { operand, list }
        }
        Rule::truthy => Predicate::Truthy(property(pair.into_inner().next().expect("truthy has a property"))),
        Rule::exists_cond => language::exists(pair),
        Rule::cited_cond => language::cited_by(pair),
        other => unreachable!("grammar has no predicate atom {other:?}"),
    }
}

fn compare_op(text: &str) -> CompareOp {
    let lower = text.to_ascii_lowercase();
    match lower.split_whitespace().next().unwrap_or("") {
        "=" => CompareOp::Eq,
        "!=" => CompareOp::Ne,
        "<" => CompareOp::Lt,
        "<=" => CompareOp::Le,
        ">" => CompareOp::Gt,
        ">=" => CompareOp::Ge,
        "contains" => CompareOp::Contains,
        "before" => CompareOp::Before,
        "after" => CompareOp::After,
        "during" => CompareOp::During,
        _ => CompareOp::StartsWith,
    }
}

fn operand(pair: Pair<Rule>) -> Operand {
    match pair.as_rule() {
        Rule::property => Operand::Property(property(pair)),
        Rule::aggregate => Operand::Aggregate(language::aggregate(pair)),
        _ => Operand::Literal(literal(pair)),
    }
}

pub(super) fn property(pair: Pair<Rule>) -> Property {
    let span = span(&pair);
    let mut var = None;
    let mut field = None;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::variable => var = Some(ident(p)),
            _ => field = Some(ident(p)),
        }
    }
    Property { var, field: field.expect("grammar guarantees a field"), span }
}

fn literal(pair: Pair<Rule>) -> Sp<Literal> {
    let span = span(&pair);
    let value = match pair.as_rule() {
        Rule::string => Literal::Text(unquote(pair)),
        Rule::number => Literal::Number(pair.as_str().parse().expect("grammar guarantees a decimal number")),
        Rule::boolean => Literal::Bool(pair.as_str().eq_ignore_ascii_case("true")),
        _ => Literal::Null,
    };
    Sp { value, span }
}

fn match_query(pair: Pair<Rule>) -> MatchQuery {
    let mut q = MatchQuery {
        patterns: Vec::new(),
        filter: None,
        distinct: false,
        returns: Vec::new(),
        having: None,
        order: Vec::new(),
        limit: None,
    };
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::pattern => q.patterns.push(pattern(p)),
            Rule::where_clause => q.filter = Some(where_clause(p)),
            Rule::return_clause => {
                for item in p.into_inner() {
                    match item.as_rule() {
                        Rule::distinct => q.distinct = true,
                        Rule::return_item => q.returns.push(language::return_item(item)),
                        _ => {}
                    }
                }
            }
            Rule::having_clause => q.having = Some(language::having(p)),
            Rule::order_clause => q.order = order_clause(p),
            Rule::limit_clause => q.limit = Some(limit_clause(p)),
            _ => {}
        }
    }
    q
}

pub(super) fn pattern(pair: Pair<Rule>) -> Pattern {
    let mut out = Pattern { nodes: Vec::new(), edges: Vec::new() };
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::node_pattern => out.nodes.push(node_pattern(p)),
            _ => out.edges.push(edge_pattern(p)),
        }
    }
    out
}

fn node_pattern(pair: Pair<Rule>) -> NodePattern {
    let mut node = NodePattern { var: None, kinds: Vec::new(), props: Vec::new(), span: span(&pair) };
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::variable => node.var = Some(ident(p)),
            Rule::labels => node.kinds = p.into_inner().map(ident).collect(),
            _ => node.props = properties(p),
        }
    }
    node
}

fn properties(pair: Pair<Rule>) -> Vec<(Ident, Sp<Literal>)> {
    pair.into_inner()
        .map(|prop| {
            let mut inner = prop.into_inner();
            let key = ident(inner.next().expect("prop has a key"));
            (key, literal(inner.next().expect("prop has a value")))
        })
        .collect()
}

fn edge_pattern(pair: Pair<Rule>) -> EdgePattern {
    let mut edge = EdgePattern {
        var: None,
        rels: Vec::new(),
        direction: EdgeDirection::Either,
        range: None,
        props: Vec::new(),
        span: span(&pair),
    };
    let (mut left, mut right) = (false, false);
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::left_arrow => left = true,
            Rule::right_arrow => right = true,
            _ => edge_detail(p, &mut edge),
        }
    }
    edge.direction = match (left, right) {
        (true, false) => EdgeDirection::Left,
        (false, true) => EdgeDirection::Right,
        _ => EdgeDirection::Either,
    };
    edge
}

fn edge_detail(pair: Pair<Rule>, edge: &mut EdgePattern) {
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::variable => edge.var = Some(ident(p)),
            Rule::rel_types => edge.rels = p.into_inner().map(ident).collect(),
            Rule::range => edge.range = Some(range(p)),
            _ => edge.props = properties(p),
        }
    }
}

/// `*` (1 or more), `*3` (exactly 3), `*1..3`, `*..3`, `*2..`.
fn range(pair: Pair<Rule>) -> Sp<(usize, Option<usize>)> {
    let span = span(&pair);
    let (mut min, mut max, mut exact) = (None, None, None);
    for p in pair.into_inner() {
        let n = number(p.clone()).value;
        match p.as_rule() {
            Rule::range_min => min = Some(n),
            Rule::range_max => max = Some(n),
            _ => exact = Some(n),
        }
    }
    let value = match exact {
        Some(n) => (n, Some(n)),
        None => (min.unwrap_or(1), max),
    };
    Sp { value, span }
}

/// Turns pest's error into one a person can act on.
fn parse_error(text: &str, err: pest::error::Error<Rule>) -> QueryError {
    let pos = match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let expected = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let word_end =
        text[pos..].find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-')).map_or(text.len(), |n| pos + n);
    let found = &text[pos..word_end];
    let span = if found.is_empty() {
        pos..(pos + text[pos..].chars().next().map_or(0, char::len_utf8))
    } else {
        pos..word_end
    };
    if text[..pos].trim().is_empty() {
        let message =
            if found.is_empty() { "expected a statement".to_string() } else { format!("unknown statement `{found}`") };
        let help = match did_you_mean(found, statement_keywords()) {
            Some(best) if !found.is_empty() => format!("did you mean `{best}`?"),
            _ => format!("a statement starts with one of: {}", statement_keywords().collect::<Vec<_>>().join(", ")),
        };
        return QueryError::new(message, span, "not a statement").help(help);
    }
    let mut words: Vec<String> = expected.iter().filter_map(|r| user_word(*r)).map(str::to_string).collect();
    words.sort();
    words.dedup();
    // pest names only `via` of the path options it tried there; every option may follow.
    let end = user_word(Rule::EOI).expect("the end has a word");
    if words.iter().any(|w| w == "`via`") && words.iter().any(|w| w == end) {
        words.retain(|w| w != "`via`");
        words.insert(0, "a path option".to_string());
    }
    let what = match words.as_slice() {
        [] => "something else".to_string(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    };
    let at_end = pos >= text.len();
    let found_text = if at_end {
        "the end of the query".to_string()
    } else if found.is_empty() {
        format!("`{}`", &text[span.clone()])
    } else {
        format!("`{found}`")
    };
    // At the end, the caret goes just past the last character (renderers show a space there).
    let (span, label) = if at_end { (pos..pos + 1, "the query ends here") } else { (span, "unexpected here") };
    let mut help = match super::syntax::form_of(text) {
        Some(form) => format!("the statement's form is: {form}"),
        None => "see the README's language tour for the statements' forms".to_string(),
    };
    // `exists { }` is a condition, not a value to return.
    if found_is_brace(text, pos) && text[..pos].trim_end().to_ascii_lowercase().ends_with("exists") {
        return QueryError::new("exists { } is a condition, not a value", span, "a condition here")
            .help("use it in where: match (w) where exists { (w)-[:employs]-() } return w.name");
    }
    // Inside an aggregate's brackets: it takes one field, a variable or `*`, not a list or
    // another aggregate (pest reports the place where the argument began).
    let before = text[..pos].trim_end().trim_end_matches(|c: char| c.is_ascii_alphabetic()).trim_end();
    if let Some(call) = before.strip_suffix('(').map(str::trim_end) {
        let name = call.rsplit(|c: char| !c.is_ascii_alphabetic()).next().unwrap_or("").to_ascii_lowercase();
        if ["count", "collect", "min", "max", "sum", "avg"].contains(&name.as_str()) {
            return QueryError::new(format!("{name}( ) takes one argument"), span, "not an argument it takes")
                .help(format!("give one field, a variable or * (count only), with distinct before it if repeats should count once: {name}(distinct k.name)"));
        }
    }
    // A word where a keyword could go, one letter or two from a keyword: a misspelt option
    // or clause (`limt`, `wehre`).
    if let Some(word) = near_keyword(found, super::syntax::clause_keywords()) {
        help = format!("did you mean `{word}`? {help}");
    }
    QueryError::new(format!("expected {what}, found {found_text}"), span, label).help(help)
}

fn found_is_brace(text: &str, pos: usize) -> bool {
    text[pos..].starts_with('{')
}

/// What a person would type for a grammar rule; None for rules never worth naming.
fn user_word(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::entity_ref | Rule::bare_id => "an entity (a quoted name or an id)",
        Rule::string => "a quoted string",
        Rule::integer | Rule::number => "a number",
        Rule::kind_set | Rule::kind_name => "a kind (or *)",
        Rule::rel_name => "a relation name",
        Rule::output => "`as table|json|csv|markdown|line|dot`",
        Rule::format => "a format (table, json, csv, markdown, line, dot)",
        Rule::predicate | Rule::comparison | Rule::truthy | Rule::in_list | Rule::exists_cond | Rule::cited_cond => {
            "a condition"
        }
        Rule::alias => "a name for the column",
        Rule::having_clause => "`having`",
        Rule::property | Rule::field => "a field",
        Rule::compare_op => "a comparison (=, !=, <, <=, >, >=, contains, starts with, before, after, during)",
        Rule::where_clause => "`where`",
        Rule::order_clause => "`order by`",
        Rule::limit_clause => "`limit`",
        Rule::return_clause => "`return`",
        Rule::node_pattern => "a node pattern `( )`",
        Rule::edge_pattern => "an edge pattern `-[ ]-`",
        Rule::depth_opt => "`depth`",
        Rule::max_opt | Rule::via_opt | Rule::except_via_opt | Rule::avoid_opt | Rule::avoid_kind_opt => {
            "a path option"
        }
        Rule::through_opt | Rule::directed_opt | Rule::as_of_opt | Rule::cited_by_opt => "a path option",
        Rule::EOI => "the end of the statement",
        Rule::kw_to => "`to`",
        Rule::kw_and => "`and`",
        Rule::kw_shortest => "`shortest`",
        Rule::kw_paths => "`paths`",
        Rule::kw_by => "`by`",
        Rule::kw_via => "`via`",
        Rule::kw_commentary => "`commentary`",
        Rule::kw_of => "`of`",
        Rule::kw_relations => "`relations`",
        Rule::kw_return => "`return`",
        Rule::kw_only => "`only`",
        _ => return None,
    })
}
