//! Finding a pattern's bindings: backtracking over the graph's adjacency, one slot at a
//! time, handing each complete binding to the [`Sink`]. An `exists { }` block is the same
//! search over its own patterns, started from the binding it is asked about and stopped at
//! its first match; it shares the statement's step count, so the time budget is checked
//! inside it as everywhere.

use std::ops::Range;

use super::sink::Sink;
use super::{EdgePlan, MatchPlan, NodePlan, PatternPlan, VarField};
use crate::graph::paths::{Hop, Limits, Path, Stop};
use crate::graph::{EntityRef, KnowledgeGraph, RelationRef};
use crate::query::ast::{self, EdgeDirection};
use crate::query::fields;
use crate::query::plan::Cond;
use crate::query::rows::{Rows, Value};

/// What a slot is bound to.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Bound {
    Free,
    Node(EntityRef),
    Edge(Hop),
    Segment(Path),
}

/// Most bytes of rows, groups and de-duplication keys a `match` may hold at once. Rows that
/// only pass through (counted, or beyond a `limit` without `order by`) cost nothing.
pub const HELD_BYTES_BUDGET: usize = 256 << 20;

/// Runs a `match`. Every binding is filtered (property maps while matching, `where` as soon
/// as the binding is complete) before it reaches grouping, de-duplication, ordering and the
/// limit, in that order; so a limit never hides a row that passes the filter, and counts
/// are exact. Only the time budget and [`HELD_BYTES_BUDGET`] can stop it, and both fail the
/// statement rather than return part of an answer.
pub fn eval(kg: &KnowledgeGraph, plan: &MatchPlan, limits: Limits) -> Result<Rows, MatchStop> {
    let mut matcher = Matcher {
        kg,
        plan,
        patterns: &plan.patterns,
        filter: plan.filter.as_ref(),
        own: 0..plan.slots.len(),
        limits,
        steps: 0,
        sink: Some(Sink::new(plan)),
        done: false,
    };
    let mut binding = vec![Bound::Free; plan.slots.len()];
    matcher.pattern(0, &mut binding)?;
    Ok(matcher.sink.expect("the match has a sink").finish(kg, plan))
}

/// Why a `match` stopped without an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchStop {
    Search(Stop),
    /// The rows, groups or keys it had to hold passed [`HELD_BYTES_BUDGET`].
    OverBudget,
}

impl From<Stop> for MatchStop {
    fn from(s: Stop) -> MatchStop {
        MatchStop::Search(s)
    }
}

pub(super) fn read(kg: &KnowledgeGraph, b: &[Bound], f: &VarField) -> Value {
    let slot = match f {
        VarField::Whole(s)
        | VarField::Entity(s, _)
        | VarField::Relation(s, _)
        | VarField::Length(s)
        | VarField::Properties(s, _) => *s,
    };
    match (&b[slot], f) {
        (Bound::Node(n), VarField::Whole(_)) => Value::Entity(*n),
        (Bound::Node(n), VarField::Entity(_, field)) => fields::entity_value(kg, *n, field),
        // A relation in a row reads in its stored direction, whichever way the pattern walked it.
        (Bound::Edge(h), VarField::Whole(_)) => Value::Relation(Hop { edge: h.edge, forward: true }),
        (Bound::Edge(h), VarField::Relation(_, field)) => fields::relation_value(kg, h.edge, field),
        (Bound::Segment(p), VarField::Whole(_)) => Value::Path(p.clone()),
        (Bound::Segment(p), VarField::Length(_)) => Value::Int(p.len() as i64),
        (Bound::Node(n), VarField::Properties(_, keys)) => fields::properties(fields::entity_properties(kg, *n), *keys),
        (Bound::Edge(h), VarField::Properties(_, keys)) => {
            fields::properties(fields::relation_properties(kg, h.edge), *keys)
        }
        _ => Value::Null,
    }
}

struct Matcher<'a> {
    kg: &'a KnowledgeGraph,
    plan: &'a MatchPlan,
    /// The patterns this search binds: the match's, or an `exists` block's.
    patterns: &'a [PatternPlan],
    filter: Option<&'a Cond<VarField>>,
    /// The slots among which a relation is bound at most once.
    own: Range<usize>,
    limits: Limits<'a>,
    steps: usize,
    /// Where complete bindings go; none for an `exists` block, which only asks whether
    /// there is one.
    sink: Option<Sink>,
    /// The answer is complete (the sink has its rows, or the block found a match):
    /// unwind without matching more.
    done: bool,
}

impl Matcher<'_> {
    fn tick(&mut self) -> Result<(), Stop> {
        self.steps += 1;
        if self.steps.is_multiple_of(1024) {
            self.limits.check()?;
        }
        Ok(())
    }

    /// Matches pattern `p` onwards; a complete binding goes through the filter to the sink.
    fn pattern(&mut self, p: usize, b: &mut Vec<Bound>) -> Result<(), MatchStop> {
        let Some((nodes, _)) = self.patterns.get(p) else {
            self.tick()?;
            let kg = self.kg;
            let passes = match self.filter {
                None => true,
                Some(c) => c.try_holds(kg, &|f| read(kg, b, f), &mut |i| self.exists(i, b))?,
            };
            if passes {
                self.done = match &mut self.sink {
                    Some(sink) => sink.take(kg, self.plan, b)?,
                    None => true,
                };
            }
            return Ok(());
        };
        let first = &nodes[0];
        let candidates: Vec<EntityRef> = match &b[first.slot] {
            Bound::Node(n) => vec![*n],
            _ => match &first.kinds {
                Some(kinds) => kinds.iter().flat_map(|k| self.kg.of_kind(k).iter().copied()).collect(),
                None => self.kg.entities().map(|(n, _)| n).collect(),
            },
        };
        for n in candidates {
            self.tick()?;
            if self.done {
                break;
            }
            if self.node_fits(first, n) {
                let saved = std::mem::replace(&mut b[first.slot], Bound::Node(n));
                self.step(p, 0, n, b)?;
                b[first.slot] = saved;
            }
        }
        Ok(())
    }

    /// Whether `exists` block `i` has a match that agrees with the binding `b`.
    fn exists(&mut self, i: usize, b: &[Bound]) -> Result<bool, MatchStop> {
        let block = &self.plan.exists[i];
        let mut search = Matcher {
            patterns: &block.patterns,
            filter: block.filter.as_ref(),
            own: block.own.clone(),
            sink: None,
            done: false,
            ..*self
        };
        let mut binding = b.to_vec();
        let found = search.pattern(0, &mut binding);
        self.steps = search.steps;
        found?;
        Ok(search.done)
    }

    fn node_fits(&self, plan: &NodePlan, n: EntityRef) -> bool {
        let e = self.kg.entity(n);
        plan.kinds.as_ref().is_none_or(|k| k.iter().any(|k| k == e.kind()))
            && plan
                .props
                .iter()
                .all(|(f, v)| fields::compare(self.kg, &fields::entity_value(self.kg, n, f), ast::CompareOp::Eq, v))
    }

    /// Extends pattern `p` from its node `i`, bound to `at`.
    fn step(&mut self, p: usize, i: usize, at: EntityRef, b: &mut Vec<Bound>) -> Result<(), MatchStop> {
        let (_, edges) = &self.patterns[p];
        let Some(edge) = edges.get(i) else {
            return self.pattern(p + 1, b);
        };
        match edge.range {
            None => {
                for (nb, hop) in self.hops_from(edge, at) {
                    self.tick()?;
                    if self.done {
                        break;
                    }
                    if !used(&b[self.own.clone()], hop.edge) {
                        self.bind(p, i, nb, Bound::Edge(hop), b)?;
                    }
                }
            }
            Some((min, max)) => {
                let mut path = Path { nodes: vec![at], hops: Vec::new() };
                if min == 0 {
                    self.bind(p, i, at, Bound::Segment(path.clone()), b)?;
                }
                self.walk(p, i, edge, &mut path, (min, max), b)?;
            }
        }
        Ok(())
    }

    /// Binds edge `i` of pattern `p` and the node after it to `end`, if that node fits,
    /// and goes on matching.
    fn bind(&mut self, p: usize, i: usize, end: EntityRef, bound: Bound, b: &mut Vec<Bound>) -> Result<(), MatchStop> {
        let (nodes, edges) = &self.patterns[p];
        let (next, edge) = (&nodes[i + 1], &edges[i]);
        let fits = match &b[next.slot] {
            Bound::Node(n) => *n == end,
            _ => self.node_fits(next, end),
        };
        if !fits {
            return Ok(());
        }
        let saved_edge = std::mem::replace(&mut b[edge.slot], bound);
        let saved_node = std::mem::replace(&mut b[next.slot], Bound::Node(end));
        self.step(p, i + 1, end, b)?;
        b[edge.slot] = saved_edge;
        b[next.slot] = saved_node;
        Ok(())
    }

    /// Walks the simple paths of a variable-length edge from the end of `path`, binding
    /// each of `min..=max` hops as it is found.
    fn walk(
        &mut self,
        p: usize,
        i: usize,
        edge: &EdgePlan,
        path: &mut Path,
        (min, max): (usize, usize),
        b: &mut Vec<Bound>,
    ) -> Result<(), MatchStop> {
        if path.len() == max {
            return Ok(());
        }
        let at = *path.nodes.last().expect("a path has a start");
        for (nb, hop) in self.hops_from(edge, at) {
            self.tick()?;
            if self.done {
                break;
            }
            if path.nodes.contains(&nb) || used(&b[self.own.clone()], hop.edge) {
                continue;
            }
            path.nodes.push(nb);
            path.hops.push(hop);
            if path.len() >= min {
                self.bind(p, i, nb, Bound::Segment(path.clone()), b)?;
            }
            self.walk(p, i, edge, path, (min, max), b)?;
            path.nodes.pop();
            path.hops.pop();
        }
        Ok(())
    }

    fn edge_fits(&self, plan: &EdgePlan, edge: RelationRef) -> bool {
        let r = self.kg.relation(edge);
        plan.rels.as_ref().is_none_or(|rels| rels.iter().any(|x| x == r.rel()))
            && plan.props.iter().all(|(f, v)| {
                let value = fields::relation_value(self.kg, edge, f);
                fields::compare(self.kg, &value, ast::CompareOp::Eq, v)
            })
    }

    /// Hops from `at` allowed by the edge pattern's direction: every stored relation, one
    /// hop each (a pattern binds relations, so parallel relations are separate matches).
    fn hops_from(&self, plan: &EdgePlan, at: EntityRef) -> Vec<(EntityRef, Hop)> {
        let t = self.kg.topology();
        let mut out = Vec::new();
        if plan.direction != EdgeDirection::Left {
            out.extend(t.out(at).iter().map(|&(nb, e)| (nb, Hop { edge: e, forward: true })));
        }
        if plan.direction != EdgeDirection::Right {
            // A self-loop is walked once, forwards, in an undirected pattern.
            let undirected = plan.direction == EdgeDirection::Either;
            out.extend(
                t.inc(at)
                    .iter()
                    .filter(|&&(nb, _)| !(undirected && nb == at))
                    .map(|&(nb, e)| (nb, Hop { edge: e, forward: false })),
            );
        }
        out.retain(|(_, h)| self.edge_fits(plan, h.edge));
        out
    }
}

/// Whether a relation is already bound in this match (GQL/Cypher: at most once).
fn used(b: &[Bound], edge: RelationRef) -> bool {
    b.iter().any(|x| {
        matches!(x, Bound::Edge(h) if h.edge == edge)
            || matches!(x, Bound::Segment(p) if p.hops.iter().any(|h| h.edge == edge))
    })
}
