//! [`Relations`]: the table of relations. Ends, relation kind and status of each sit in
//! columns, the parts bulk rows mostly lack in a side table ([`RelationMore`]).

use serde::{Deserialize, Serialize};

use super::Refused;
use super::codec::column;
use super::strings::Sparse;
use crate::diag::Location;
use crate::model::{Attrs, Evidence, PartialDate, Status};

/// The parts of a relation that bulk rows mostly lack.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RelationMore {
    pub since: Option<PartialDate>,
    pub until: Option<PartialDate>,
    pub date: Option<PartialDate>,
    pub attrs: Attrs,
    pub note: Option<String>,
    pub evidence: Vec<Evidence>,
    #[serde(skip)]
    pub origin: Location,
}

impl RelationMore {
    pub fn is_empty(&self) -> bool {
        self.since.is_none()
            && self.until.is_none()
            && self.date.is_none()
            && self.attrs.is_empty()
            && self.note.is_none()
            && self.evidence.is_empty()
            && self.origin == Location::default()
    }
}

/// Relations: ends, relation kind and status of each in columns, the rest in a side table.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Relations {
    /// (from, to) entity numbers. The graph moves them into petgraph and leaves this empty.
    #[serde(with = "column")]
    ends: Vec<(u32, u32)>,
    /// Relation kinds. The graph moves them into its search index and leaves this empty.
    #[serde(with = "column")]
    rel: Vec<u16>,
    #[serde(with = "column")]
    status: Vec<Status>,
    more: Sparse<RelationMore>,
}

impl Relations {
    pub fn len(&self) -> usize {
        self.status.len()
    }

    pub fn is_empty(&self) -> bool {
        self.status.is_empty()
    }

    /// Takes the parts of relation `e` beyond its ends, kind and status, leaving none (for a
    /// merge that moves them into another table rather than copying them).
    pub fn take_more(&mut self, e: u32) -> Option<RelationMore> {
        self.more.take(e)
    }

    /// Drops the side table of every relation (for a merge, once it has taken what it needs).
    pub fn drop_more(&mut self) {
        self.more = Sparse::default();
    }

    /// Replaces the side parts of the relations in `changes` (numbers in increasing order),
    /// as merging datasets does when a later dataset holds a relation again.
    pub fn amend(&mut self, changes: Vec<(u32, RelationMore)>) {
        self.more.set_all(changes);
    }

    /// Gives back the room of the side table that no relation uses (when no more will come).
    pub fn shrink_to_fit(&mut self) {
        self.more.shrink_to_fit();
    }

    /// Room for `n` more relations, when a bulk file says how many it holds.
    pub fn reserve(&mut self, n: usize) {
        self.ends.reserve(n);
        self.rel.reserve(n);
        self.status.reserve(n);
    }

    /// Adds a relation between entity numbers; `rel` indexes the schema's relations.
    pub fn push(
        &mut self,
        ends: (u32, u32),
        rel: u16,
        status: Status,
        more: Option<RelationMore>,
    ) -> Result<u32, Refused> {
        let e = u32::try_from(self.rel.len()).map_err(|_| Refused::Full)?;
        self.ends.push(ends);
        self.rel.push(rel);
        self.status.push(status);
        if let Some(more) = more.filter(|m| !m.is_empty()) {
            self.more.push(e, more);
        }
        Ok(e)
    }

    /// Adds relations given as columns, as [`Relations::push`] does one without side
    /// parts. Err(k) when the table is full after k of them.
    pub fn extend(&mut self, ends: &[(u32, u32)], rel: &[u16], status: &[Status]) -> Result<(), usize> {
        // Relation numbers are u32: the table holds up to 2^32 of them.
        let room = usize::try_from(1u64 << 32).unwrap_or(usize::MAX).saturating_sub(self.rel.len());
        let take = rel.len().min(room);
        self.ends.extend_from_slice(&ends[..take]);
        self.rel.extend_from_slice(&rel[..take]);
        self.status.extend_from_slice(&status[..take]);
        if take < rel.len() { Err(take) } else { Ok(()) }
    }

    /// The ends of relation `e`, while the table still holds them (before the graph is built).
    pub fn ends(&self, e: u32) -> (u32, u32) {
        self.ends[e as usize]
    }

    /// Takes the ends out, for the graph to hold them.
    pub fn take_ends(&mut self) -> Vec<(u32, u32)> {
        std::mem::take(&mut self.ends)
    }

    /// Relation kinds of all relations, as indexes into the schema's relations (while the
    /// table still holds them).
    pub fn rels(&self) -> &[u16] {
        &self.rel
    }

    /// Takes the relation kinds out, for the graph's search index to hold them.
    pub fn take_rels(&mut self) -> Vec<u16> {
        std::mem::take(&mut self.rel)
    }

    pub fn status(&self, e: u32) -> Status {
        self.status[e as usize]
    }

    pub fn more(&self, e: u32) -> Option<&RelationMore> {
        self.more.get(e)
    }

    /// Relations that have dates, attributes, notes or evidence, with those parts.
    pub fn with_more(&self) -> impl Iterator<Item = (u32, &RelationMore)> {
        self.more.iter()
    }

    /// Whether the columns agree with each other, with a schema of `rels` relation kinds and
    /// a table of `entities` entities.
    pub(super) fn is_sound(&self, rels: usize, entities: usize) -> bool {
        let n = self.rel.len();
        self.ends.len() == n
            && self.status.len() == n
            && self.rel.iter().all(|&r| usize::from(r) < rels)
            && self.ends.iter().all(|&(a, b)| (a as usize) < entities && (b as usize) < entities)
            && self.more.is_sound(n)
    }
}
