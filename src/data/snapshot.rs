//! Binary snapshots of validated graph-data, for fast starts: `kgq build` writes one,
//! `--data FILE` reads one, and the built-in graph is one, made at build time.
//!
//! Layout: an 8-byte magic `KGQSNAP\0`, the format version (u32, little-endian), the
//! payload length (u64) and its CRC-32 (u32), then the payload: the [`Dataset`] as
//! MessagePack, its tables as columns (see `crate::store`). Nothing stored depends on a
//! hasher or on the pointer width: the id and name indexes are built again on reading. A
//! truncated, corrupted or other-version file is refused with a message that says how to
//! rebuild it; it never yields a wrong graph.

use std::io::{self, BufReader, Read};

use super::Dataset;

const MAGIC: &[u8; 8] = b"KGQSNAP\0";
/// The payload format this build reads and writes. Any change to the shape of `Dataset` or
/// the model types it holds changes the payload: bump this with it, so that older files are
/// refused by version rather than failing to decode. (2: kinds gained shape and color;
/// 3: compact tables, columns as byte strings; 4: id and name indexes in buckets;
/// 5: the hashes' fingerprint in the header; 6: the name index holds each name once, and
/// the entities that share it are chained; 7: no indexes and no fingerprint, the indexes
/// are built on reading; 8: relation kinds have a role; 9: evidence may be a record of an
/// imported dataset, and a graph of several datasets records where each one's records end;
/// 10: a folder's `same_as` statements and the records a merge joined into entities.)
pub const VERSION: u32 = 10;
const HEADER: usize = 8 + 4 + 8 + 4;

/// Why a file could not be read as a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnapshotError {
    #[error("not a kgq snapshot (it does not start with the snapshot header)")]
    NotASnapshot,
    #[error("snapshot format version {found} is not the version this kgq reads ({VERSION})")]
    Version { found: u32 },
    #[error("the snapshot is truncated: its header promises {expected} bytes of data, the file has {found}")]
    Truncated { expected: u64, found: u64 },
    #[error("the snapshot is corrupted: its checksum does not match its data")]
    Corrupted,
    #[error("the snapshot's data cannot be decoded: {0}")]
    Undecodable(String),
}

impl SnapshotError {
    /// What to do about it.
    pub fn help(&self) -> &'static str {
        match self {
            SnapshotError::NotASnapshot => "give --data a graph-data folder, or a file written by `kgq build`",
            _ => "rebuild it from its graph-data folder with `kgq build DIR -o FILE`",
        }
    }
}

/// The snapshot of a dataset.
pub fn encode(data: &Dataset) -> Vec<u8> {
    let payload = rmp_serde::to_vec(data).expect("a dataset holds only encodable values");
    let mut out = Vec::with_capacity(HEADER + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
    out.extend_from_slice(&payload);
    out
}

/// Whether `bytes` start like a snapshot (to tell snapshot files from folders' contents).
pub fn looks_like_snapshot(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

/// Reads a snapshot held in memory (see [`decode_from`]).
pub fn decode(bytes: &[u8]) -> Result<Dataset, SnapshotError> {
    decode_from(bytes, bytes.len() as u64)
}

/// Reads a snapshot of `size` bytes from `reader` as it decodes it, so that a large file is
/// never held whole: the checksum is taken over the payload as it passes. A payload that
/// does not decode is reported as corrupted when its checksum is wrong too.
pub fn decode_from(mut reader: impl Read, size: u64) -> Result<Dataset, SnapshotError> {
    let mut header = [0u8; HEADER];
    let got = read_up_to(&mut reader, &mut header).map_err(|e| SnapshotError::Undecodable(e.to_string()))?;
    if !looks_like_snapshot(&header[..got]) {
        return Err(SnapshotError::NotASnapshot);
    }
    if got < HEADER {
        return Err(SnapshotError::Truncated { expected: HEADER as u64, found: got as u64 });
    }
    let word =
        |at: usize, n: usize| -> u64 { header[at..at + n].iter().rev().fold(0, |acc, &b| (acc << 8) | u64::from(b)) };
    let version = word(8, 4) as u32;
    if version != VERSION {
        return Err(SnapshotError::Version { found: version });
    }
    let (length, checksum) = (word(12, 8), word(20, 4) as u32);
    let found = size.saturating_sub(HEADER as u64);
    if found != length {
        return Err(SnapshotError::Truncated { expected: length, found });
    }
    // Buffered outside the checksum, so that it is taken over blocks, not over the small
    // reads of the decoder.
    let checked = Checked { inner: reader.take(length), crc: crc32fast::Hasher::new() };
    let mut payload = BufReader::with_capacity(1 << 16, checked);
    let decoded: Result<Dataset, _> = rmp_serde::from_read(&mut payload);
    // The rest of the payload (none, when it decoded whole) counts for the checksum.
    let drained = io::copy(&mut payload, &mut io::sink()).map_err(|e| SnapshotError::Undecodable(e.to_string()))?;
    if payload.into_inner().crc.finalize() != checksum {
        return Err(SnapshotError::Corrupted);
    }
    let data = decoded.map_err(|e| SnapshotError::Undecodable(e.to_string()))?;
    if drained > 0 {
        let extra = crate::diag::plural(drained as usize, "byte");
        return Err(SnapshotError::Undecodable(format!("the payload has {extra} past the data")));
    }
    if !crate::store::tables_are_sound(&data.schema, &data.entities, &data.relations)
        || !super::merge::parts_are_sound(&data)
    {
        return Err(SnapshotError::Undecodable("its tables do not agree with each other".into()));
    }
    Ok(data)
}

/// Reads into `buf` until it is full or the reader ends; how many bytes were read.
fn read_up_to(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match reader.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// A reader that takes the CRC-32 of what passes through it.
struct Checked<R> {
    inner: R,
    crc: crc32fast::Hasher,
}

impl<R: Read> Read for Checked<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.crc.update(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{KindDef, Schema};

    fn sample() -> Vec<u8> {
        let schema = Schema {
            kinds: vec![KindDef { name: "country".into(), description: "A state.".into(), shape: None, color: None }],
            relations: vec![],
        };
        encode(&Dataset { schema, ..Dataset::default() })
    }

    #[test]
    fn a_snapshot_reads_back() {
        let data = decode(&sample()).expect("a fresh snapshot decodes");
        assert_eq!(data.schema.kinds[0].name, "country");
    }

    #[test]
    fn damaged_snapshots_are_refused_with_the_reason() {
        let good = sample();
        assert_eq!(decode(b"digraph {}").unwrap_err(), SnapshotError::NotASnapshot);
        assert!(matches!(decode(&good[..good.len() - 3]), Err(SnapshotError::Truncated { .. })));
        assert!(matches!(decode(&good[..10]), Err(SnapshotError::Truncated { .. })));
        let mut flipped = good.clone();
        *flipped.last_mut().expect("a payload") ^= 0x40;
        assert_eq!(decode(&flipped).unwrap_err(), SnapshotError::Corrupted);
        let mut other = good.clone();
        other[8] = 7;
        assert_eq!(decode(&other).unwrap_err(), SnapshotError::Version { found: 7 });
        // Damage early in the payload stops the decoder; the checksum still names it.
        let mut early = good.clone();
        early[HEADER] ^= 0xff;
        assert_eq!(decode(&early).unwrap_err(), SnapshotError::Corrupted);
    }

    #[test]
    fn bytes_after_the_data_are_refused_even_with_a_good_checksum() {
        let good = sample();
        let mut payload = good[HEADER..].to_vec();
        payload.push(0xc0);
        let mut longer = good[..12].to_vec();
        longer.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        longer.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
        longer.extend_from_slice(&payload);
        let err = decode(&longer).unwrap_err();
        assert!(
            matches!(err, SnapshotError::Undecodable(ref why) if why.contains("has 1 byte past the data")),
            "{err:?}"
        );
    }

    #[test]
    fn tables_that_disagree_are_refused_even_with_a_good_checksum() {
        let mut data = Dataset::default();
        data.relations.push((5, 9), 0, crate::model::Status::Reported, None).unwrap();
        let err = decode(&encode(&data)).unwrap_err();
        assert!(matches!(err, SnapshotError::Undecodable(ref why) if why.contains("do not agree")), "{err:?}");
    }
}
