//! The two column shapes the tables are made of: [`Strings`], many strings laid end to end
//! in one buffer, and [`Sparse`], values for some of the numbers `0..n`. Both serialise as
//! columns (see [`super::codec`]); neither knows what its strings or values mean.

use serde::{Deserialize, Serialize};

use super::Refused;
use super::codec::column;
use super::prefetch::prefetch;

/// Strings laid end to end: string `i` is `text[ends[i - 1]..ends[i]]`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct Strings {
    text: String,
    #[serde(with = "column")]
    ends: Vec<u32>,
}

impl Strings {
    pub(super) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Makes room for `more` strings of `bytes` bytes in all.
    pub(super) fn reserve(&mut self, more: usize, bytes: usize) {
        self.ends.reserve(more);
        self.text.reserve(bytes);
    }

    pub(super) fn push(&mut self, s: &str) -> Result<u32, Refused> {
        let end = u32::try_from(self.text.len() + s.len()).map_err(|_| Refused::Full)?;
        let index = u32::try_from(self.ends.len()).map_err(|_| Refused::Full)?;
        self.text.push_str(s);
        self.ends.push(end);
        Ok(index)
    }

    /// Drops the last string.
    pub(super) fn pop(&mut self) {
        self.ends.pop();
        self.text.truncate(self.ends.last().map_or(0, |&e| e as usize));
    }

    pub(super) fn get(&self, i: u32) -> &str {
        let (start, end) = self.span(i);
        &self.text[start as usize..end as usize]
    }

    /// Where string `i` lies in the text.
    pub(super) fn span(&self, i: u32) -> (u32, u32) {
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        (start, self.ends[i])
    }

    /// The bytes of the text at `span`.
    pub(super) fn bytes(&self, (start, end): (u32, u32)) -> &[u8] {
        &self.text.as_bytes()[start as usize..end as usize]
    }

    /// Fetches into cache where string `i` ends (see [`prefetch`]).
    pub(super) fn prefetch_end(&self, i: u32) {
        prefetch(&self.ends[i as usize]);
    }

    /// Fetches into cache the text at byte `at`, if there is any.
    pub(super) fn prefetch_text(&self, at: u32) {
        if let Some(byte) = self.text.as_bytes().get(at as usize) {
            prefetch(byte);
        }
    }

    /// Whether every end lies in the text, in order, on a character boundary.
    pub(super) fn is_sound(&self) -> bool {
        let mut last = 0;
        self.ends.iter().all(|&end| {
            let ok = end >= last && self.text.is_char_boundary(end as usize);
            last = end;
            ok
        })
    }
}

/// Values for some of the numbers `0..n`, kept in increasing order of number.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Sparse<T> {
    #[serde(with = "column")]
    keys: Vec<u32>,
    values: Vec<T>,
}

impl<T> Default for Sparse<T> {
    fn default() -> Self {
        Sparse { keys: Vec::new(), values: Vec::new() }
    }
}

impl<T> Sparse<T> {
    /// Adds the value of `key`, which must be greater than every key before it.
    pub(super) fn push(&mut self, key: u32, value: T) {
        debug_assert!(self.keys.last().is_none_or(|&k| k < key), "keys are pushed in order");
        if self.values.len() == self.values.capacity() {
            // Grown by half rather than doubled: a value is wide (over a hundred bytes), and
            // doubling left up to half of a million values' room unused (about 100 MB for an
            // FtM stream of 10^6 records; ARCHITECTURE.md).
            let extra = (self.values.len() / 2).max(16);
            self.keys.reserve_exact(extra);
            self.values.reserve_exact(extra);
        }
        self.keys.push(key);
        self.values.push(value);
    }

    /// Takes the value of `key`, leaving its default (which holds nothing) in its place.
    pub(super) fn take(&mut self, key: u32) -> Option<T>
    where
        T: Default,
    {
        self.keys.binary_search(&key).ok().map(|i| std::mem::take(&mut self.values[i]))
    }

    /// Gives back the room no value uses.
    pub(super) fn shrink_to_fit(&mut self) {
        self.keys.shrink_to_fit();
        self.values.shrink_to_fit();
    }

    pub(super) fn get(&self, key: u32) -> Option<&T> {
        self.keys.binary_search(&key).ok().map(|i| &self.values[i])
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = (u32, &T)> {
        self.keys.iter().copied().zip(&self.values)
    }

    /// Sets the values of `changes` (keys in increasing order), replacing a key's value
    /// when it has one: one pass over both lists.
    pub(super) fn set_all(&mut self, changes: Vec<(u32, T)>) {
        let old = std::mem::take(self);
        let mut old = old.keys.into_iter().zip(old.values).peekable();
        let mut new = changes.into_iter().peekable();
        loop {
            let take_old = match (old.peek(), new.peek()) {
                (None, None) => break,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (Some((a, _)), Some((b, _))) => a < b,
            };
            let (key, value) = if take_old { old.next() } else { new.next() }.expect("one side has an item");
            if !take_old && old.peek().is_some_and(|(k, _)| *k == key) {
                old.next();
            }
            self.push(key, value);
        }
    }

    /// Whether the keys increase, stay below `n` and each has its value.
    pub(super) fn is_sound(&self, n: usize) -> bool {
        self.keys.windows(2).all(|w| w[0] < w[1])
            && self.keys.last().is_none_or(|&k| (k as usize) < n)
            && self.keys.len() == self.values.len()
    }
}
