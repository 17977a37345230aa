//! Measures "did you mean" on a large list of names: building the index of 10^6 generated
//! names, 1000 misspelt lookups, and one lookup of a 100000-character word.
//!
//! Run: `cargo run --release --example did_you_mean [-- NAMES]`

use std::time::Instant;

use kgq::suggest::Index;

/// Words of the kind sanctions lists are made of, so that many names share their starts.
const WORDS: [&str; 16] = [
    "Korea",
    "General",
    "Trading",
    "Mining",
    "Export",
    "Import",
    "Ministry",
    "Bureau",
    "Bank",
    "Shipping",
    "Union",
    "Corporation",
    "Department",
    "Industry",
    "State",
    "Security",
];

/// A small generator with a fixed seed, so every run names the same things.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

fn main() {
    let count: usize = std::env::args().nth(1).map_or(1_000_000, |n| n.parse().expect("NAMES is a number"));
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let names: Vec<String> = (0..count)
        .map(|_| {
            let words: Vec<&str> = (0..2 + rng.below(3)).map(|_| WORDS[rng.below(WORDS.len())]).collect();
            format!("{} {}", words.join(" "), rng.below(100_000))
        })
        .collect();
    let typos: Vec<String> = (0..1000)
        .map(|_| {
            let mut chars: Vec<char> = names[rng.below(count)].chars().collect();
            let at = rng.below(chars.len());
            match rng.below(3) {
                0 => drop(chars.remove(at)),
                1 => chars.insert(at, 'q'),
                _ => chars[at] = 'z',
            }
            chars.into_iter().collect()
        })
        .collect();

    let start = Instant::now();
    let index = Index::new(names.iter().map(String::as_str));
    println!("index of {count} names: {:.3} s", start.elapsed().as_secs_f64());

    let start = Instant::now();
    let found = typos.iter().filter(|t| !index.nearest(t, 3).is_empty()).count();
    println!("1000 misspelt names: {:.3} s, {found} with a suggestion", start.elapsed().as_secs_f64());

    let long = format!("Korea General Trading {}", "x".repeat(100_000));
    let start = Instant::now();
    let near = index.nearest(&long, 3);
    println!("one 100000-character word: {:.6} s, {} suggestions", start.elapsed().as_secs_f64(), near.len());
}
