//! A fast, non-cryptographic hasher for search state keyed by node ids.
//!
//! Searches keep sparse maps of the few nodes they touch instead of arrays sized to the
//! whole graph, so a query costs what it explores, not what the graph holds. The std
//! hasher (SipHash) would dominate that cost; this is the multiply-and-rotate scheme of
//! rustc-hash, which is plenty for integer keys no adversary chooses.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

pub(super) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

#[derive(Debug, Default, Clone, Copy)]
pub(super) struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0xf135_7aea_2e62_a9c5;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = self.hash.wrapping_add(word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.add(u64::from(b));
        }
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    /// The multiply leaves its best-mixed bits at the top; hash tables pick buckets from
    /// the bottom, so rotate the good bits down.
    #[inline]
    fn finish(&self) -> u64 {
        self.hash.rotate_left(26)
    }
}
