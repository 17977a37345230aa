//! [`Attrs`], the attributes of an entity or a relation: a sorted `Vec` of pairs with the
//! methods and the serialized form of the `BTreeMap` it replaced.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::AttrValue;

/// An entity's or a relation's attributes: keys in order, each once, with its value.
///
/// A sorted `Vec` rather than a `BTreeMap`: most records hold a handful of attributes, and a
/// map's first node takes hundreds of bytes whatever it holds (about 370 MB of a million-record
/// FollowTheMoney import). Lookups are a binary search; iteration, equality
/// and the serialized form (a map in key order) are the map's, so snapshots and every output
/// are the same bytes.
#[derive(Clone, Default, PartialEq)]
pub struct Attrs(Vec<(String, AttrValue)>);

/// As the map's: `{"key": value, ...}`.
impl fmt::Debug for Attrs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Attrs {
    pub const fn new() -> Attrs {
        Attrs(Vec::new())
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    pub fn get(&self, key: &str) -> Option<&AttrValue> {
        self.find(key).ok().map(|i| &self.0[i].1)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut AttrValue> {
        self.find(key).ok().map(|i| &mut self.0[i].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    /// Sets `key` to `value`, returning the value it replaces.
    pub fn insert(&mut self, key: String, value: AttrValue) -> Option<AttrValue> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The pairs in key order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&String, &AttrValue)> + ExactSizeIterator + Clone {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator + Clone {
        self.0.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &AttrValue> + ExactSizeIterator + Clone {
        self.0.iter().map(|(_, v)| v)
    }

    /// Adds the pairs of `other` whose keys this one lacks; the keys it has keep their values.
    pub fn add_missing(&mut self, other: &Attrs) {
        let missing: Vec<(String, AttrValue)> =
            other.0.iter().filter(|(k, _)| !self.contains_key(k)).cloned().collect();
        if !missing.is_empty() {
            self.0.extend(missing);
            self.0.sort_by(|a, b| a.0.cmp(&b.0));
        }
    }

    /// Adds the values of `other`: a key this one lacks is added; a key both have with
    /// different values holds both, as a list without repeats (this one's first). Nothing
    /// of either is lost (for records joined into one entity).
    pub fn add_all(&mut self, other: &Attrs) {
        self.add_missing(other);
        for (key, theirs) in &other.0 {
            let Some(mine) = self.get_mut(key) else { continue };
            if mine == theirs {
                continue;
            }
            let flat = |v: &AttrValue| match v {
                AttrValue::List(items) => items.clone(),
                one => vec![one.clone()],
            };
            let mut all = flat(mine);
            for value in flat(theirs) {
                if !all.contains(&value) {
                    all.push(value);
                }
            }
            *mine = if all.len() == 1 { all.pop().expect("one value") } else { AttrValue::List(all) };
        }
    }

    /// Gives back the room kept for attributes not added yet (for tables of many records).
    pub fn shrink_to_fit(&mut self) {
        self.0.shrink_to_fit();
    }
}

impl<'a> IntoIterator for &'a Attrs {
    type Item = (&'a String, &'a AttrValue);
    type IntoIter =
        std::iter::Map<std::slice::Iter<'a, (String, AttrValue)>, fn(&'a (String, AttrValue)) -> Self::Item>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl<Q: AsRef<str> + ?Sized> std::ops::Index<&Q> for Attrs {
    type Output = AttrValue;

    fn index(&self, key: &Q) -> &AttrValue {
        self.get(key.as_ref()).expect("no attribute with this key")
    }
}

/// As a map's: a key given twice keeps its last value.
impl FromIterator<(String, AttrValue)> for Attrs {
    fn from_iter<I: IntoIterator<Item = (String, AttrValue)>>(pairs: I) -> Attrs {
        let mut all: Vec<(String, AttrValue)> = pairs.into_iter().collect();
        if all.windows(2).all(|w| w[0].0 < w[1].0) {
            // Already in order, each key once (as a snapshot's are): kept as they are.
            all.shrink_to_fit();
            return Attrs(all);
        }
        // A stable sort keeps pairs of one key in the order given; the last of each is kept.
        all.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out: Vec<(String, AttrValue)> = Vec::with_capacity(all.len());
        for pair in all {
            match out.last_mut() {
                Some(last) if last.0 == pair.0 => *last = pair,
                _ => out.push(pair),
            }
        }
        out.shrink_to_fit();
        Attrs(out)
    }
}

impl Serialize for Attrs {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Attrs {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Attrs, D::Error> {
        struct Pairs;
        impl<'de> serde::de::Visitor<'de> for Pairs {
            type Value = Attrs;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of attributes")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Attrs, A::Error> {
                // The hint is the sender's word: it is capped, not trusted.
                let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
                while let Some(pair) = map.next_entry()? {
                    pairs.push(pair);
                }
                Ok(pairs.into_iter().collect())
            }
        }
        deserializer.deserialize_map(Pairs)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn text(s: &str) -> AttrValue {
        AttrValue::Text(s.into())
    }

    fn pairs() -> Vec<(String, AttrValue)> {
        ["topics", "b", "countries", "b", "a", "Z"]
            .iter()
            .enumerate()
            .map(|(i, k)| (k.to_string(), AttrValue::Int(i as i64)))
            .collect()
    }

    #[test]
    fn attributes_behave_as_the_map_they_replace() {
        let map: BTreeMap<String, AttrValue> = pairs().into_iter().collect();
        let attrs: Attrs = pairs().into_iter().collect();
        assert!(attrs.iter().eq(map.iter()), "the same pairs in the same order, the last of a key kept");
        assert_eq!(attrs.len(), map.len());
        assert_eq!(attrs.get("b"), Some(&AttrValue::Int(3)));
        assert_eq!(attrs["Z"], AttrValue::Int(5));
        assert!(attrs.get("c").is_none() && !attrs.contains_key("bb"));

        let mut one_by_one = Attrs::new();
        let mut map = BTreeMap::new();
        for (k, v) in pairs() {
            assert_eq!(one_by_one.insert(k.clone(), v.clone()), map.insert(k, v));
        }
        assert!(one_by_one.iter().eq(map.iter()));
        assert_eq!(one_by_one, attrs);
        assert_eq!(format!("{attrs:?}"), format!("{map:?}"));
        *one_by_one.get_mut("a").unwrap() = text("x");
        assert_eq!(one_by_one.get("a"), Some(&text("x")));
    }

    #[test]
    fn attributes_serialize_as_the_map_did() {
        let map: BTreeMap<String, AttrValue> = pairs().into_iter().collect();
        let attrs: Attrs = pairs().into_iter().collect();
        let bytes = rmp_serde::to_vec(&attrs).unwrap();
        assert_eq!(bytes, rmp_serde::to_vec(&map).unwrap(), "snapshots keep their bytes");
        assert_eq!(serde_json::to_string(&attrs).unwrap(), serde_json::to_string(&map).unwrap());
        assert_eq!(rmp_serde::from_slice::<Attrs>(&bytes).unwrap(), attrs);
        // A map out of order, with a key twice, reads as the map would.
        let json = r#"{"b": 1, "a": 2, "b": 3}"#;
        let read: Attrs = serde_json::from_str(json).unwrap();
        assert!(read.iter().eq(serde_json::from_str::<BTreeMap<String, AttrValue>>(json).unwrap().iter()));
    }

    #[test]
    fn missing_attributes_are_added_and_present_ones_kept() {
        let mut mine: Attrs = [("b".to_string(), text("mine")), ("d".to_string(), text("d"))].into_iter().collect();
        let theirs: Attrs = [("a".to_string(), text("a")), ("b".to_string(), text("theirs"))].into_iter().collect();
        mine.add_missing(&theirs);
        let keys: Vec<&String> = mine.keys().collect();
        assert_eq!(keys, ["a", "b", "d"]);
        assert_eq!(mine.get("b"), Some(&text("mine")));
    }
}
