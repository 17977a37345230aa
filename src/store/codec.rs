//! How a column is written in a snapshot: its little-endian items in one MessagePack `bin`,
//! decoded straight into the column (no copy of the bytes in between). Used as
//! `#[serde(with = "column")]` on the tables' `Vec` columns; everything else in a table
//! serialises through serde's derives.

use std::marker::PhantomData;

use serde::de::{self, Visitor};
use serde::{Deserializer, Serializer};

use crate::model::Status;

/// A fixed-size item of a column.
pub(super) trait Item: Sized + Copy {
    const SIZE: usize;
    fn put(self, out: &mut Vec<u8>);
    /// The item these `SIZE` bytes hold, or None when they hold none.
    fn get(bytes: &[u8]) -> Option<Self>;
}

macro_rules! item {
    ($t:ty) => {
        impl Item for $t {
            const SIZE: usize = size_of::<$t>();
            fn put(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            fn get(bytes: &[u8]) -> Option<Self> {
                Some(<$t>::from_le_bytes(bytes.try_into().expect("chunks are SIZE bytes")))
            }
        }
    };
}
item!(u16);
item!(u32);

impl Item for (u32, u32) {
    const SIZE: usize = 8;
    fn put(self, out: &mut Vec<u8>) {
        self.0.put(out);
        self.1.put(out);
    }
    fn get(bytes: &[u8]) -> Option<Self> {
        Some((u32::get(&bytes[..4])?, u32::get(&bytes[4..])?))
    }
}

impl Item for Status {
    const SIZE: usize = 1;
    fn put(self, out: &mut Vec<u8>) {
        out.push(self as u8);
    }
    fn get(bytes: &[u8]) -> Option<Self> {
        Status::from_u8(bytes[0])
    }
}

/// `#[serde(with = "column")]`: a `Vec` of [`Item`]s as one byte string.
pub(super) mod column {
    use super::*;

    pub fn serialize<T: Item, S: Serializer>(items: &[T], s: S) -> Result<S::Ok, S::Error> {
        let mut bytes = Vec::with_capacity(items.len() * T::SIZE);
        items.iter().for_each(|&x| x.put(&mut bytes));
        s.serialize_bytes(&bytes)
    }

    pub fn deserialize<'de, T: Item, D: Deserializer<'de>>(d: D) -> Result<Vec<T>, D::Error> {
        d.deserialize_bytes(Column(PhantomData))
    }
}

struct Column<T>(PhantomData<T>);

impl<'de, T: Item> Visitor<'de> for Column<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "a byte string of {}-byte items", T::SIZE)
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Vec<T>, E> {
        if !v.len().is_multiple_of(T::SIZE) {
            return Err(E::custom(format!("a column of {}-byte items has a partial item", T::SIZE)));
        }
        v.chunks_exact(T::SIZE)
            .map(T::get)
            .collect::<Option<_>>()
            .ok_or_else(|| E::custom("a column holds an unknown value"))
    }

    fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<Vec<T>, E> {
        self.visit_bytes(v)
    }

    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Vec<T>, E> {
        self.visit_bytes(&v)
    }
}
