//! Finding names in text: building the automaton over 10^6 names (`KGQ_BENCH_NAMES`
//! overrides) and scanning a 500-line document that names some of them, as `kgq coverage`
//! and `kgq mentions` do for every line.
//!
//! Run: `cargo bench --bench names`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use kgq::builder::names::NameFinder;

#[allow(dead_code)] // this bench needs only `env`
mod common;

use common::env;

/// A name like a company's: three words from a small vocabulary and a number, unique.
fn name(i: usize) -> String {
    const WORDS: &[&str] = &["Korea", "General", "Trading", "Ocean", "Mining", "Bureau", "Star", "Union", "Pacific"];
    let w = |k: usize| WORDS[(i / k) % WORDS.len()];
    format!("{} {} {} {i}", w(1), w(7), w(61))
}

fn benches(c: &mut Criterion) {
    let n = env("KGQ_BENCH_NAMES", 1_000_000);
    let names: Vec<String> = (0..n).map(name).collect();
    let document: Vec<String> = (0..500)
        .map(|l| {
            format!(
                "On line {l} the report says that {} paid {} through a bank in the capital.",
                name(l * 97 % n),
                name(l * 31 % n)
            )
        })
        .collect();
    let mut group = c.benchmark_group(format!("names: {n} names"));
    group.sample_size(10);
    group.bench_function("build the automaton", |b| {
        b.iter(|| black_box(NameFinder::new(names.iter().enumerate().map(|(i, s)| (i as u32, s.as_str())))))
    });
    let finder = NameFinder::new(names.iter().enumerate().map(|(i, s)| (i as u32, s.as_str())));
    group.bench_function("scan a 500-line document", |b| {
        b.iter(|| document.iter().map(|line| finder.find(line).len()).sum::<usize>())
    });
    group.finish();
}

criterion_group!(names, benches);
criterion_main!(names);
