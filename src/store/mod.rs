//! The store: compact tables of entities and relations, the form a dataset and the graph
//! hold them in.
//!
//! An import of a million entities and several million relations has to fit an ordinary
//! machine, so the parts every record has sit in flat columns (ids and names in string
//! buffers, kinds and relation kinds as indexes into the schema, relation ends as entity
//! numbers, statuses as bytes) and the parts bulk rows mostly lack (aliases, country,
//! attributes, notes, evidence, dates, where a record is written) in sparse side tables.
//!
//! - `strings.rs`: the column shapes (strings end to end, sparse values);
//! - `index.rs`: finding entities by id and by name, on `buckets.rs`' hash tables;
//! - `entities.rs`, `relations.rs`: the two tables;
//! - `view.rs`: one record read back, serialising as the model's record does;
//! - `codec.rs`: how a column is written in a snapshot;
//! - `prefetch.rs`: the prefetch hint the batched lookups and graph building use.
//!
//! The store does no IO and knows nothing of files; `data::snapshot` frames its bytes.

mod buckets;
mod codec;
mod entities;
mod index;
mod prefetch;
mod relations;
mod strings;
mod view;

pub use entities::{Entities, EntityMore};
pub use index::{eq_folded, hash_folded, hash_str};
pub use prefetch::prefetch;
pub use relations::{RelationMore, Relations};
pub use view::{EntityView, RelationView};

use crate::model::Schema;

/// Why a table refused a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The id is taken by the entity with this number.
    Duplicate(u32),
    /// The table is full: 2^32 strings, or 4 GiB of ids and names.
    Full,
}

/// Checks tables read from outside (a snapshot) against the schema and each other before
/// anything indexes into them.
pub fn tables_are_sound(schema: &Schema, entities: &Entities, relations: &Relations) -> bool {
    entities.is_sound(schema.kinds.len()) && relations.is_sound(schema.relations.len(), entities.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;

    #[test]
    fn folding_matches_lowercasing() {
        for (a, b) in [("Ünïcode Name", "ünïcode name"), ("MID", "mid"), ("ΣΑΣ", "σας"), ("\u{212A}elvin", "kelvin")]
        {
            assert!(eq_folded(a, b));
            assert_eq!(hash_folded(a), hash_folded(b));
            assert_eq!(hash_folded(a), hash_folded(&a.to_lowercase()));
        }
        assert!(!eq_folded("Poland", "Polan"));
    }

    #[test]
    fn tables_round_trip_through_messagepack() {
        let mut e = Entities::default();
        e.push("a", "Alpha", 0, None).unwrap();
        let more = EntityMore { aliases: vec!["A".into()], ..EntityMore::default() };
        e.push("b", "Beta", 1, Some(more)).unwrap();
        let mut r = Relations::default();
        r.push((0, 1), 0, Status::Official, None).unwrap();
        let e2: Entities = rmp_serde::from_slice(&rmp_serde::to_vec(&e).unwrap()).unwrap();
        let r2: Relations = rmp_serde::from_slice(&rmp_serde::to_vec(&r).unwrap()).unwrap();
        assert_eq!((e2.id(1), e2.name(1), e2.kind(1)), ("b", "Beta", 1));
        assert_eq!(e2.more(1).unwrap().aliases, ["A"]);
        assert_eq!(e2.find("a"), Some(0));
        assert_eq!((r2.ends(0), r2.status(0), r2.rels()), ((0, 1), Status::Official, &[0u16][..]));
        assert!(e2.is_sound(2) && r2.is_sound(1, 2));
    }
}
