//! Property tests: on random small multigraphs with random filters, every search agrees
//! with the brute-force [`Oracle`]; and leaving some relation kinds out (as the planner
//! leaves commentary out) finds exactly the paths of the wider search that use none of
//! them, which is what the answers' "left out" notes count.

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::subsequence;

use super::oracle::Oracle;
use super::{Filter, Limits, Path};
use crate::graph::topology::{Day, TestEdge, Topology};
use crate::graph::{EntityRef, RelationRef};

/// A random graph, filter and query.
#[derive(Debug, Clone)]
struct Case {
    topo: Topology,
    filter: Filter,
    from: EntityRef,
    to: EntityRef,
    through: Option<EntityRef>,
    max_hops: usize,
}

impl Case {
    fn limits(&self, max_rows: usize) -> Limits<'static> {
        Limits { max_hops: self.max_hops, max_rows, deadline: None, cancel: None }
    }

    fn oracle(&self) -> Oracle<'_> {
        Oracle::new(&self.topo, &self.filter)
    }

    /// The endpoints avoidance does not apply to, for a query through `through`.
    fn exempt(&self, through: Option<EntityRef>) -> Vec<EntityRef> {
        [self.from, self.to].into_iter().chain(through).collect()
    }

    /// The oracle's paths, and the `through` values worth checking: none, and the case's.
    fn queries(&self) -> Vec<(Option<EntityRef>, Vec<Path>)> {
        let mut throughs = vec![None];
        throughs.extend(self.through.map(Some));
        let oracle = self.oracle();
        (throughs.into_iter()).map(|t| (t, oracle.paths(self.from, self.to, t, self.max_hops))).collect()
    }
}

const RELATION_KINDS: u16 = 4;

fn validity() -> impl Strategy<Value = (Day, Day)> {
    prop_oneof![
        Just((Day::MIN, Day::MAX)),
        (0..20, 0..10).prop_map(|(s, len)| (s, s + len)),
        (0..20).prop_map(|s| (s, Day::MAX)),
        (0..20).prop_map(|e| (Day::MIN, e)),
    ]
}

fn edges(n: u32) -> impl Strategy<Value = Vec<TestEdge>> {
    let edge = (0..n, 0..n, 0..RELATION_KINDS, validity(), subsequence(vec![0u16, 1, 2], 0..=3));
    vec(edge, 2..=20)
}

fn node(n: u32) -> impl Strategy<Value = EntityRef> + Clone {
    (0..n).prop_map(EntityRef::new)
}

fn filter(n: u32) -> impl Strategy<Value = Filter> {
    let kinds = || subsequence((0..=RELATION_KINDS).collect::<Vec<u16>>(), 0..=3);
    (
        any::<bool>(),
        option::weighted(0.2, kinds()),
        prop_oneof![4 => Just(vec![]), 1 => kinds()],
        prop_oneof![4 => Just(vec![]), 1 => vec(node(n), 1..=2)],
        prop_oneof![4 => Just(vec![]), 1 => vec(0u16..3, 1..=2)],
        (option::weighted(0.2, (0..20, 0..10).prop_map(|(a, len)| (a, a + len))), any::<bool>()),
        option::weighted(0.15, 0u16..3),
        option::weighted(0.15, subsequence((0..20).map(RelationRef::new).collect::<Vec<_>>(), 0..=8)),
    )
        .prop_map(|(directed, via, except_via, avoid, avoid_kinds, (as_of, dated_only), cited_by, cited_at)| {
            Filter { directed, via, except_via, avoid, avoid_kinds, as_of, dated_only, cited_by, cited_at }
        })
}

fn case() -> impl Strategy<Value = Case> {
    (1u32..=9).prop_flat_map(|n| {
        let node = || node(n);
        let topo = (vec(0u16..3, n as usize), vec(any::<bool>(), RELATION_KINDS as usize), edges(n))
            .prop_map(|(kinds, directed, edges)| Topology::from_edges(kinds, directed, &edges));
        (topo, filter(n), node(), node(), option::of(node()), 0usize..=7)
            .prop_map(|(topo, filter, from, to, through, max_hops)| Case { topo, filter, from, to, through, max_hops })
    })
}

/// The oracle's paths of minimal length.
fn shortest_of(paths: &[Path]) -> Vec<Path> {
    let min = paths.iter().map(Path::len).min();
    (paths.iter()).filter(|p| Some(p.len()) == min).cloned().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn shortest_path_matches_oracle(case in case()) {
        let oracle = case.oracle();
        for (through, expected) in case.queries() {
            let got = (case.topo)
                .shortest_path(case.from, case.to, through, &case.filter, &case.limits(usize::MAX))
                .expect("no limits to hit");
            prop_assert_eq!(got.is_some(), !expected.is_empty(), "through {:?}", through);
            if let Some(path) = got {
                oracle.assert_valid(&path, (case.from, case.to), &case.exempt(through), case.max_hops);
                prop_assert_eq!(path.len(), expected[0].len());
                if let Some(x) = through {
                    prop_assert!(path.nodes.contains(&x));
                }
            }
        }
    }

    #[test]
    fn simple_paths_match_oracle(case in case(), cap in 1usize..=3) {
        for (through, expected) in case.queries() {
            let all = (case.topo)
                .simple_paths(case.from, case.to, through, &case.filter, &case.limits(usize::MAX))
                .expect("no limits to hit");
            prop_assert!(!all.truncated);
            prop_assert_eq!(&all.items, &expected, "through {:?}", through);

            let some = (case.topo)
                .simple_paths(case.from, case.to, through, &case.filter, &case.limits(cap))
                .expect("no limits to hit");
            prop_assert_eq!(some.truncated, expected.len() > cap);
            prop_assert_eq!(&some.items[..], &expected[..expected.len().min(cap)]);
        }
    }

    #[test]
    fn all_shortest_paths_match_oracle(case in case(), cap in 1usize..=3) {
        for (through, expected) in case.queries() {
            let expected = shortest_of(&expected);
            let all = (case.topo)
                .all_shortest_paths(case.from, case.to, through, &case.filter, &case.limits(usize::MAX))
                .expect("no limits to hit");
            prop_assert!(!all.truncated);
            prop_assert_eq!(&all.items, &expected, "through {:?}", through);

            let some = (case.topo)
                .all_shortest_paths(case.from, case.to, through, &case.filter, &case.limits(cap))
                .expect("no limits to hit");
            prop_assert_eq!(some.truncated, expected.len() > cap);
            prop_assert_eq!(&some.items[..], &expected[..expected.len().min(cap)]);
        }
    }

    #[test]
    fn neighbourhood_matches_oracle(case in case(), cap in 1usize..=4) {
        let oracle = case.oracle();
        let expected = oracle.distances(case.from, case.max_hops);
        let found = (case.topo)
            .neighbourhood(case.from, &case.filter, &case.limits(usize::MAX))
            .expect("no limits to hit");
        prop_assert!(!found.truncated);
        let got: Vec<(usize, EntityRef)> = found.reached.iter().map(|r| (r.dist as usize, r.node)).collect();
        let mut want: Vec<(usize, EntityRef)> = expected.iter().map(|(&n, &d)| (d, n)).collect();
        want.sort_unstable();
        prop_assert_eq!(&got, &want);
        for (i, reached) in found.reached.iter().enumerate() {
            let path = found.path(i);
            prop_assert_eq!(path.len(), reached.dist as usize);
            oracle.assert_valid(&path, (case.from, reached.node), &[case.from], case.max_hops);
        }

        let some = (case.topo)
            .neighbourhood(case.from, &case.filter, &case.limits(cap))
            .expect("no limits to hit");
        prop_assert_eq!(some.truncated, want.len() > cap);
        prop_assert_eq!(&some.reached[..], &found.reached[..want.len().min(cap)]);
    }

    #[test]
    fn leaving_kinds_out_finds_exactly_the_wider_paths_without_them(
        case in case(),
        left_out in subsequence((0..RELATION_KINDS).collect::<Vec<u16>>(), 1..=2),
    ) {
        let mut narrow = case.filter.clone();
        narrow.except_via.extend(left_out.iter().copied());
        let uses = |p: &Path| p.hops.iter().any(|h| left_out.contains(&case.topo.rel(h.edge)));
        let limits = case.limits(usize::MAX);
        for (through, _) in case.queries() {
            let wide = case.topo.simple_paths(case.from, case.to, through, &case.filter, &limits).expect("no limits");
            let kept: Vec<Path> = wide.items.iter().filter(|p| !uses(p)).cloned().collect();
            let got = case.topo.simple_paths(case.from, case.to, through, &narrow, &limits).expect("no limits");
            prop_assert_eq!(&got.items, &kept, "through {:?}", through);
            prop_assert_eq!(&got.items, &Oracle::new(&case.topo, &narrow).paths(case.from, case.to, through, case.max_hops));
        }
        let reached = |f: &Filter| -> Vec<EntityRef> {
            let found = case.topo.neighbourhood(case.from, f, &limits).expect("no limits");
            let mut nodes: Vec<EntityRef> = found.reached.iter().map(|r| r.node).collect();
            nodes.sort_unstable();
            nodes
        };
        let (all, some) = (reached(&case.filter), reached(&narrow));
        prop_assert!(some.iter().all(|n| all.contains(n)), "leaving kinds out reaches nothing new");
    }
}
