//! Loading graph-data: files to a validated [`Dataset`], with every problem reported.
//!
//! `open` says where graph-data comes from (a folder, one file, a snapshot) and opens it,
//! `files` reads a folder (or the built-in copy), `parse` turns TOML into raw records,
//! `bulk` reads CSV and JSON Lines; `check` holds the one check of each record kind (and
//! of schema.toml and sources.toml) against `vocab`, the vocabulary; `validate` is the
//! loader, which passes every record of every file to its check and keeps what is
//! accepted in the compact tables of [`crate::table`]; `warnings` finds isolated entities
//! and uncited sources, and `evidence` checks locators against the source documents. The
//! entry point is [`load`]; it never stops at the first problem and never panics on bad
//! input.

pub mod builtin;
mod bulk;
mod check;
mod evidence;
mod files;
pub mod ftm;
pub mod identity;
pub mod merge;
mod open;
pub(crate) mod parse;
pub mod snapshot;
mod unchecked;
mod validate;
mod vocab;
mod warnings;

pub use check::MAX_QUOTE_WORDS;
pub use evidence::{normalise, read_document, straight_quote, verify_sources};
pub use files::{DataFiles, MAX_FILE_BYTES, ReadError, Unread, read_regular};
pub use open::{DataSource, OpenError, Step, merge_sources};

use crate::diag::Diagnostic;
#[cfg(test)]
use crate::model::Status;
use crate::model::{Evidence, Schema, Source};
use crate::store::{Entities, EntityView, RelationView, Relations};

/// Everything a graph-data folder declares, validated, in compact tables.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Dataset {
    pub schema: Schema,
    pub sources: Vec<Source>,
    pub entities: Entities,
    pub relations: Relations,
    /// The datasets merged into this one, in order, when there are several
    /// (`--data A --data B`, see [`merge`]); empty for one.
    pub parts: Vec<merge::Part>,
    /// The folder's `same_as` statements, until datasets are merged ([`merge::merge`]
    /// resolves them, since an end may be an entity of another dataset); empty after.
    pub same_as: Vec<identity::SameAs>,
    /// The records joined into entities by a merge, by entity (see [`identity`]).
    pub joins: Vec<identity::Join>,
}

impl Dataset {
    /// The entity numbered `n` (entities are numbered in the order they are declared).
    pub fn entity(&self, n: u32) -> EntityView<'_> {
        EntityView::new(&self.schema, &self.entities, n)
    }

    /// The relation numbered `e` (relations are numbered in the order they are declared).
    pub fn relation(&self, e: u32) -> RelationView<'_> {
        let (ends, rel) = (self.relations.ends(e), self.relations.rels()[e as usize]);
        RelationView::new(&self.schema, &self.entities, &self.relations, e, ends, rel)
    }

    /// Every entity, in the order declared.
    pub fn all_entities(&self) -> impl Iterator<Item = EntityView<'_>> {
        (0..self.entities.len() as u32).map(|n| self.entity(n))
    }

    /// Every relation, in the order declared.
    pub fn all_relations(&self) -> impl Iterator<Item = RelationView<'_>> {
        (0..self.relations.len() as u32).map(|e| self.relation(e))
    }

    pub fn entity_evidence(&self) -> impl Iterator<Item = &Evidence> {
        self.entities.with_more().flat_map(|(_, m)| &m.evidence)
    }

    pub fn relation_evidence(&self) -> impl Iterator<Item = &Evidence> {
        self.relations.with_more().flat_map(|(_, m)| &m.evidence)
    }
}

/// The outcome of loading: the dataset when there are no errors, and every diagnostic
/// (errors and warnings) in file order.
pub struct Loaded {
    pub dataset: Option<Dataset>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Loads and validates graph-data: a folder's files, or an FtM stream.
pub fn load(files: &DataFiles) -> Loaded {
    let (dataset, mut diagnostics) = validate(files);
    sort(&mut diagnostics);
    let failed = diagnostics.iter().any(Diagnostic::is_error);
    Loaded { dataset: (!failed).then_some(dataset), diagnostics }
}

/// Every record of every file checked, like [`load`], but the accepted records are kept
/// even when others have errors: what `kgq check --sources` verifies against the documents,
/// so that one bad record never hides a misquoted locator in another.
pub fn load_accepted(files: &DataFiles) -> (Dataset, Vec<Diagnostic>) {
    let (dataset, mut diagnostics) = validate(files);
    sort(&mut diagnostics);
    (dataset, diagnostics)
}

/// The loader the files call for: FtM streams are imported, anything else validated.
fn validate(files: &DataFiles) -> (Dataset, Vec<Diagnostic>) {
    if files.ftm.is_empty() { validate::validate(files) } else { ftm::load(files) }
}

/// Orders diagnostics by file and position, so each file's problems read top to bottom.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by_key(|d| d.location.as_ref().map(|l| (l.file.0, l.span.start)));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A relations file of every sort of row: accepted, unknown ends, an end of a kind the
    /// relation refuses, an unknown relation, a bad status, a row with a note (not plain),
    /// blank lines, CRLF line ends, cells with white space (ASCII and not) around them,
    /// short rows and rows with more cells than the header.
    fn relations_csv(rows: usize) -> String {
        let mut out = String::from("from,rel,to,status,note\n");
        for i in 0..rows {
            let (a, b) = (format!("p{}", i % 17), format!("c{}", i % 5));
            let line = match i % 15 {
                0 => format!("{a},lives_in,nobody-{i},,"),
                1 => format!("{a},lives_in,{a},,"),
                2 => format!("{a},visits,{b},,"),
                3 => format!("{a},lives_in,{b},rumoured,"),
                4 => format!("{a},lives_in,{b},,said so"),
                5 => String::new(),
                6 => format!("{a},knows,p{},official,\r", (i + 1) % 17),
                7 => format!(" {a} , lives_in ,\t{b} ,,"),
                8 => format!("{a},lives_in"),
                9 => format!("{a},lives_in,{b},,,more"),
                10 => format!("\u{a0}{a},lives_in,{b}\u{2003},, "),
                11 => format!("{a},lives_in,{b},reported"),
                _ => format!("{a},lives_in,{b},,"),
            };
            out.push_str(&line);
            out.push('\n');
        }
        out
    }

    fn folder(relations: String) -> DataFiles {
        let schema = "[[kind]]\nname = \"person\"\n[[kind]]\nname = \"country\"\n\
            [[relation]]\nname = \"lives_in\"\nfrom = [\"person\"]\nto = [\"country\"]\nreads = \"lives in\"\ninverse = \"has\"\n\
            [[relation]]\nname = \"knows\"\nfrom = [\"*\"]\nto = [\"*\"]\ndirected = false\nreads = \"knows\"\ninverse = \"knows\"\n";
        let mut people = String::from("id,kind,name\n");
        for i in 0..17 {
            people.push_str(&format!("p{i},person,Person {i}\n"));
        }
        for i in 0..5 {
            people.push_str(&format!("c{i},country,Country {i}\n"));
        }
        DataFiles::from_files(
            "g",
            [
                ("schema.toml".to_string(), schema.to_string()),
                ("entities/people.csv".to_string(), people),
                ("relations/r.csv".to_string(), relations),
            ],
        )
    }

    /// A relation as kept: from, rel, to, status.
    type Kept = (String, String, String, Status);

    /// What a load says: the relations kept, in order, and each problem with its place.
    fn outcome(files: &DataFiles) -> (Vec<Kept>, Vec<String>) {
        let (data, diags) = validate::validate(files);
        let rels = data.all_relations().map(|r| (r.from().into(), r.rel().into(), r.to().into(), r.status())).collect();
        let said = diags
            .iter()
            .map(|d| format!("{} {}", d.message, d.location.as_ref().map_or(String::new(), |l| files.map.describe(l))))
            .collect();
        (rels, said)
    }

    /// A plain row (only the required columns filled) and the same row with a note (read
    /// into a whole record) meet the same check: the same relations kept, the same
    /// problems at the same places, all of a row's problems reported.
    #[test]
    fn plain_and_whole_relation_rows_are_checked_alike() {
        let rows = [
            "p1,lives_in,c1,",
            "p1,lives_in,nobody,",
            "p1,lives_in,p2,official",
            "p1,visits,c1,rumoured",
            "nobody,knows,p3,rumoured",
            "p2,knows,p3,",
        ];
        let plain: String = rows.iter().map(|r| format!("{r},\n")).collect();
        let noted: String = rows.iter().map(|r| format!("{r},n\n")).collect();
        let header = "from,rel,to,status,note\n";
        let (kept, said) = outcome(&folder(format!("{header}{plain}")));
        let (noted_kept, noted_said) = outcome(&folder(format!("{header}{noted}")));
        assert_eq!(kept, noted_kept);
        assert_eq!(said, noted_said);
        assert_eq!(kept.len(), 2);
        let expected =
            [("unknown relation `visits`", 1), ("unknown status `rumoured`", 2), ("unknown entity `nobody`", 2)];
        for (problem, times) in expected {
            assert_eq!(said.iter().filter(|d| d.contains(problem)).count(), times, "{problem}: {said:?}");
        }
    }

    #[test]
    fn relations_read_by_splitting_lines_match_the_csv_reader_row_for_row() {
        for rows in [0, 1, 7, 40, 333] {
            let plain = relations_csv(rows);
            // A quoted header cell sends the same rows through the csv crate, one at a time.
            let quoted = plain.replacen("from", "\"from\"", 1);
            let (fast, fast_said) = outcome(&folder(plain));
            let (slow, slow_said) = outcome(&folder(quoted));
            assert_eq!(fast, slow, "{rows} rows");
            assert_eq!(fast_said, slow_said, "{rows} rows");
            if rows >= 40 {
                assert!(fast.len() > rows / 3 && fast_said.len() > rows / 3, "the file exercises both ways");
                // Each refused sort of row is refused with its own report.
                for said in [
                    "unknown entity `nobody-",
                    "but the `to` end of `lives_in` must be a country",
                    "unknown relation `visits`",
                    "unknown status `rumoured`",
                    "missing `to`",
                ] {
                    assert!(fast_said.iter().any(|d| d.contains(said)), "{rows} rows: no {said:?} in {fast_said:?}");
                }
            }
        }
    }
}
