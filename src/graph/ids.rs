//! The numbers the graph gives its entities and relations, as two types that cannot be
//! mixed up: [`EntityRef`] and [`RelationRef`].
//!
//! Both are in-memory details, numbered as the dataset's tables number their records
//! (declaration order): the data and output formats speak of ids, never of these numbers.
//! Each is a `u32`, so a path or an adjacency row costs what plain numbers would.

use std::fmt;

/// An entity of the graph: its place in the entity table.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct EntityRef(u32);

/// A relation of the graph: its place in the relation table.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct RelationRef(u32);

macro_rules! numbered {
    ($ty:ident, $letter:literal) => {
        impl $ty {
            /// The record numbered `n` in its table.
            #[inline]
            pub const fn new(n: u32) -> $ty {
                $ty(n)
            }

            /// Its number, for indexing the graph's columns.
            #[inline]
            pub const fn index(self) -> usize {
                self.0 as usize
            }

            /// Its number as the tables store it.
            #[inline]
            pub(crate) const fn number(self) -> u32 {
                self.0
            }
        }

        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($letter, "{}"), self.0)
            }
        }
    };
}

numbered!(EntityRef, "n");
numbered!(RelationRef, "e");
