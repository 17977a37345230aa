//! The synthetic graph the benchmarks share: grown by preferential attachment like the peer
//! harness's generator (../shared/bench/gen_graph.py), with 8 kinds and 20 relation kinds,
//! written as the bulk CSV files a user would import.

/// A small deterministic generator (SplitMix64).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A size from the environment, or the default.
pub fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// `entities/nodes.csv` and `relations/edges.csv` of a graph with about `nodes` entities
/// and `edges` relations: each new entity links to earlier ones, picked in proportion to
/// their degree nine times in ten (from a list of edge ends), uniformly otherwise.
pub fn csv_files(nodes: usize, edges: usize) -> Vec<(String, String)> {
    let mut rng = Rng(42);
    let mut entity_rows = String::from("id,kind,name\n");
    for i in 0..nodes {
        entity_rows.push_str(&format!("n{i},kind{},N{i}\n", rng.below(8)));
    }
    let mut relation_rows = String::from("from,rel,to\n");
    let mut ends: Vec<usize> = vec![0];
    let per_node = (edges / nodes.max(1)).max(1);
    let mut made = 0;
    for i in 1..nodes {
        for _ in 0..if i == 1 { 1 } else { per_node } {
            if made == edges {
                break;
            }
            let j = if rng.below(10) < 9 { ends[rng.below(ends.len())] } else { rng.below(i) };
            let (from, to) = if rng.below(10) < 7 { (i, j) } else { (j, i) };
            relation_rows.push_str(&format!("n{from},rel{},n{to}\n", rng.below(20)));
            ends.extend([i, j]);
            made += 1;
        }
    }
    vec![("entities/nodes.csv".to_string(), entity_rows), ("relations/edges.csv".to_string(), relation_rows)]
}
