//! Output: [`produce`] writes the whole graph or an answer in any [`Format`], for the
//! command line and the shell alike. Rendering never decides what is in a result: it lays
//! out what the query side put there (see `query::rows`), and every data format prints the
//! same facts.
//!
//! `table` (aligned text, or records for `line`, shaped by the terminal's [`Screen`]; `line`
//! writes one record), `json` (the graph export and query results), `csv`, `markdown` (the
//! CSV writer's tables as markdown), `dot` (Graphviz), `graph_json` (a picture's nodes and edges for web viewers),
//! `stats` (the counts of `kgq stats`), with `picture` choosing what a picture shows (for
//! `dot` and `graph_json` alike) and `text` holding the plain-text forms of values that
//! several of them share. SVG and PNG are DOT drawn by `crate::graphviz`.
//!
//! The exports for other tools take what a picture would show, every relation apart
//! (`exchange::Selection`): `graphml`, `neo4j` (a folder of files, written by `kgq export`
//! through [`neo4j_folder`]) and `ftm` (FollowTheMoney entities). They write into any
//! `io::Write` as they go, so that `kgq export` streams a whole graph to its file
//! ([`Streamed`], [`neo4j_folder`]) and never holds it; an answer is made in memory, as
//! every other output is, and refused as it passes [`ANSWER_BUDGET`].

pub mod csv;
pub mod dot;
pub mod exchange;
pub mod ftm;
pub mod graph_json;
pub mod graphml;
pub mod json;
pub mod line;
pub mod markdown;
pub mod neo4j;
pub mod picture;
pub mod screen;
pub mod stats;
pub mod table;
pub mod text;

use std::io::{self, Write};

pub use crate::format::Format;
use crate::graph::KnowledgeGraph;
use crate::graphviz::{self, GraphvizError};
use crate::query::Rows;
use picture::Picture;
pub use screen::Screen;

/// The most text one answer may render to. Rows are capped by their statements, but a row
/// can be long (a 12-hop path with the evidence of every relation), so the written text is
/// bounded too, and an answer past it is refused rather than cut.
pub const ANSWER_BUDGET: usize = 64 << 20;

/// An answer whose rendering would pass [`ANSWER_BUDGET`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the answer is larger than {} MiB as text", .0 >> 20)]
pub struct TooLarge(pub usize);

impl TooLarge {
    pub fn help(&self) -> &'static str {
        "ask for fewer rows with `limit`, or narrow the question (a lower `max`, `via`, `avoid`)"
    }
}

/// What is drawn or written: the whole graph, or a statement's answer.
#[derive(Clone, Copy)]
pub enum Subject<'a> {
    Graph,
    Answer(&'a Rows),
}

/// Written output, and text for standard error beside it (usually nothing): what Graphviz
/// said while drawing, or the answer's notes in a format with no place for them (CSV).
pub struct Produced {
    pub bytes: Vec<u8>,
    pub aside: String,
}

/// Why output could not be produced. Callers choose the words around it and the exit
/// status: the command line and the shell say it differently.
#[derive(Debug, thiserror::Error)]
pub enum ProduceError {
    /// A table, CSV, markdown or records of the whole graph: they hold one answer's table.
    #[error("{} holds one answer, not the whole graph", match .0 {
        Format::Csv => "CSV",
        Format::Line => "the line format",
        _ => "a table",
    })]
    NotOfGraph(Format),
    /// A picture of an answer that holds rows but no entity, relation or path (a count, a
    /// list of values): it would be an empty picture.
    #[error("this answer has no entities or relations to draw")]
    NothingToDraw,
    #[error(transparent)]
    TooLarge(#[from] TooLarge),
    #[error(transparent)]
    Graphviz(#[from] GraphvizError),
    /// A Neo4j import of an answer without entities: neo4j-admin needs a node file.
    #[error("this answer has no entities: a Neo4j import needs at least one")]
    NothingToImport,
    /// Neo4j's import is a folder of files, which only `kgq export -o DIR` writes.
    #[error("the neo4j format is a folder of files; write it with kgq export --format neo4j -o DIR")]
    Folder,
    #[error(transparent)]
    NoDelimiter(#[from] neo4j::NoDelimiter),
}

/// Whether the format draws what a picture shows (rather than an answer's rows).
fn selects(format: Format) -> bool {
    matches!(format, Format::Dot | Format::GraphJson | Format::Svg | Format::Png)
}

/// What a picture of the subject shows; an answer that holds rows but nothing to show is
/// refused (it would be an empty picture or export).
fn select(kg: &KnowledgeGraph, subject: Subject) -> Result<Picture, ProduceError> {
    let picture = match subject {
        Subject::Graph => Picture::of_graph(kg),
        Subject::Answer(rows) => Picture::of_rows(kg, rows),
    };
    match subject {
        Subject::Answer(rows) if !rows.rows.is_empty() && picture.is_empty() => Err(ProduceError::NothingToDraw),
        _ => Ok(picture),
    }
}

/// What an export for other tools writes: every entity and relation of the graph, or
/// what a picture of an answer shows (refused when it shows nothing, as pictures are).
fn selection(kg: &KnowledgeGraph, subject: Subject) -> Result<exchange::Selection, ProduceError> {
    match subject {
        Subject::Graph => Ok(exchange::Selection::whole(kg)),
        Subject::Answer(_) => Ok(exchange::Selection::of(kg, &select(kg, subject)?)),
    }
}

/// The exports for other tools that are one file, written as they are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Streamed {
    Graphml,
    Ftm,
}

impl Streamed {
    pub fn of(format: Format) -> Option<Streamed> {
        match format {
            Format::Graphml => Some(Streamed::Graphml),
            Format::Ftm => Some(Streamed::Ftm),
            _ => None,
        }
    }

    /// The export of `subject`, chosen (and refused when an answer shows nothing) before
    /// anything is written.
    pub fn prepare<'g>(self, kg: &'g KnowledgeGraph, subject: Subject) -> Result<Export<'g>, ProduceError> {
        Ok(Export { kg, selection: selection(kg, subject)?, form: self })
    }
}

/// An export ready to be written ([`Streamed::prepare`]).
pub struct Export<'g> {
    kg: &'g KnowledgeGraph,
    selection: exchange::Selection,
    form: Streamed,
}

impl Export<'_> {
    /// Writes the export into `out` as it is made; stops at the first error of `out`.
    pub fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        match self.form {
            Streamed::Graphml => graphml::write(self.kg, &self.selection, out),
            Streamed::Ftm => ftm::write(self.kg, &self.selection, out),
        }
    }
}

/// The Neo4j export of `subject` (see `neo4j`), planned: its files' names, each written on
/// demand.
pub fn neo4j_folder(kg: &KnowledgeGraph, subject: Subject) -> Result<neo4j::Folder, ProduceError> {
    let selection = selection(kg, subject)?;
    if selection.nodes.is_empty() {
        // neo4j-admin refuses an import without a node file.
        return Err(ProduceError::NothingToImport);
    }
    Ok(neo4j::Folder::plan(kg, selection)?)
}

/// The files of the Neo4j export of `subject`, made in memory; an answer's together within
/// [`ANSWER_BUDGET`], as any answer's output.
pub fn neo4j_files(kg: &KnowledgeGraph, subject: Subject) -> Result<Vec<neo4j::File>, ProduceError> {
    let folder = neo4j_folder(kg, subject)?;
    let mut held = Held::for_subject(subject);
    let mut files = Vec::new();
    for (i, name) in folder.names().enumerate() {
        let start = held.bytes.len();
        held.run(|out| folder.write(kg, i, out))?;
        let text = String::from_utf8(held.bytes.split_off(start)).expect("the Neo4j files are UTF-8");
        held.spent += text.len();
        files.push(neo4j::File { name: name.to_string(), text });
    }
    Ok(files)
}

/// Output made in memory: for an answer at most [`ANSWER_BUDGET`] bytes, refused as it
/// passes them (so never held past them); for the whole graph, all of it.
struct Held {
    bytes: Vec<u8>,
    /// Bytes already taken from `bytes` that count against the budget.
    spent: usize,
    budget: Option<usize>,
}

impl Held {
    fn for_subject(subject: Subject) -> Held {
        let budget = matches!(subject, Subject::Answer(_)).then_some(ANSWER_BUDGET);
        Held { bytes: Vec::new(), spent: 0, budget }
    }

    /// Runs a writer into memory: past the budget, [`TooLarge`].
    fn run(&mut self, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), TooLarge> {
        write(self).map_err(|err| {
            assert_eq!(err.kind(), io::ErrorKind::FileTooLarge, "writing to memory fails only past the budget");
            TooLarge(ANSWER_BUDGET)
        })
    }
}

impl Write for Held {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.budget {
            Some(budget) if self.spent + self.bytes.len() + buf.len() > budget => {
                Err(io::Error::new(io::ErrorKind::FileTooLarge, TooLarge(budget)))
            }
            _ => self.bytes.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Writes `subject` in `format`: the one entry point for every output. `options` shape
/// pictures; `screen` shapes tables and records (width, row cap, rules; `Screen::whole()`
/// for everything whole). An
/// answer's text past [`ANSWER_BUDGET`] is refused whole; images go through Graphviz.
pub fn produce(
    kg: &KnowledgeGraph,
    subject: Subject,
    format: Format,
    options: &dot::Options,
    screen: &Screen,
) -> Result<Produced, ProduceError> {
    // What a picture or an exchange format shows, chosen once: checked for being empty,
    // then written.
    let picture = if selects(format) { Some(select(kg, subject)?) } else { None };
    let picture = || picture.as_ref().expect("a picture format has its picture");
    let text = match (format, subject) {
        (Format::Table | Format::Csv | Format::Markdown | Format::Line, Subject::Graph) => {
            return Err(ProduceError::NotOfGraph(format));
        }
        (Format::Json, Subject::Graph) => json::graph(kg),
        (Format::Table, Subject::Answer(rows)) => table::render(kg, rows, screen, table::Layout::Columns),
        (Format::Line, Subject::Answer(rows)) => table::render(kg, rows, screen, table::Layout::Records),
        (Format::Markdown, Subject::Answer(rows)) => markdown::render(kg, rows),
        (Format::Json, Subject::Answer(rows)) => json::rows(kg, rows)?,
        (Format::Csv, Subject::Answer(rows)) => csv::render(kg, rows),
        (Format::Dot, _) => dot::render(kg, picture(), options),
        (Format::GraphJson, _) => graph_json::render(kg, picture()),
        (Format::Graphml | Format::Ftm, _) => {
            let form = Streamed::of(format).expect("graphml and ftm are streamed");
            let export = form.prepare(kg, subject)?;
            let mut held = Held::for_subject(subject);
            held.run(|out| export.write(out))?;
            return Ok(Produced { bytes: held.bytes, aside: String::new() });
        }
        (Format::Neo4j, _) => return Err(ProduceError::Folder),
        (Format::Svg | Format::Png, _) => {
            let image = format.image().expect("svg and png are images");
            let drawn = graphviz::draw(&dot::render(kg, picture(), options), image)?;
            return Ok(Produced { bytes: drawn.bytes, aside: drawn.warnings });
        }
    };
    if matches!(subject, Subject::Answer(_)) && text.len() > ANSWER_BUDGET {
        return Err(TooLarge(ANSWER_BUDGET).into());
    }
    let aside = match (format, subject) {
        (Format::Csv, Subject::Answer(rows)) => rows.notes.iter().map(|note| format!("({note})\n")).collect(),
        _ => String::new(),
    };
    Ok(Produced { bytes: text.into_bytes(), aside })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn held_output_is_refused_as_it_passes_the_budget_counting_every_file() {
        let mut held = Held { bytes: Vec::new(), spent: 0, budget: Some(10) };
        held.run(|out| out.write_all(b"123456")).expect("within the budget");
        held.spent += held.bytes.len();
        held.bytes.clear();
        assert_eq!(held.run(|out| out.write_all(b"12345")), Err(TooLarge(ANSWER_BUDGET)));
        assert!(held.bytes.is_empty(), "nothing past the budget is held");
        let mut whole = Held::for_subject(Subject::Graph);
        whole.run(|out| out.write_all(&[b'x'; 1 << 10])).expect("the whole graph has no budget here");
        assert_eq!(whole.bytes.len(), 1 << 10);
    }
}
