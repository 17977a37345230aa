//! What commands write, and where: the output formats (data, DOT, graph JSON, images drawn
//! by Graphviz), the options that shape a picture, and writing to a file or standard
//! output. Part of the edge: failures come back as a [`Termination`].

use std::io::{self, Write};
use std::path::Path;

use clap::ValueEnum;

use super::{Termination, run_statement};
use crate::fsutil::write_atomic;
use crate::graph::KnowledgeGraph;
use crate::graphviz::{self, GraphvizError, Image};
use crate::query::ast::Format;
use crate::query::{Rows, Settings};
use crate::render::picture::{Layout, Picture};
use crate::render::{self, dot};

/// `kgq export --format`.
#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum ExportFormat {
    /// The graph's data (`kgq-graph`), or an answer's rows (`kgq-rows`).
    Json,
    /// A picture, as Graphviz DOT.
    Dot,
    /// An answer's table (needs --query).
    Csv,
    /// A picture's nodes and edges, for web viewers (`kgq-graph-view`).
    GraphJson,
    /// A picture drawn by Graphviz.
    Svg,
    /// A picture drawn by Graphviz, as a bitmap.
    Png,
}

/// `kgq query --format`.
#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum FormatArg {
    /// Aligned columns (the default).
    Table,
    /// The answer's rows (`kgq-rows`).
    Json,
    /// The answer's table, with ids.
    Csv,
    /// A picture, as Graphviz DOT.
    Dot,
    /// A picture's nodes and edges, for web viewers (`kgq-graph-view`).
    GraphJson,
    /// A picture drawn by Graphviz.
    Svg,
    /// A picture drawn by Graphviz, as a bitmap.
    Png,
}

/// How a picture (dot, svg, png) is drawn.
#[derive(clap::Args, Debug, Clone, Copy)]
pub struct PictureArgs {
    /// In pictures (dot, svg, png), draw a box around the entities of each country.
    #[arg(long, value_enum, value_name = "BY")]
    cluster: Option<ClusterArg>,
    /// Lay a picture out left to right or top to bottom (default: paths and `connect`
    /// left to right, everything else top to bottom).
    #[arg(long, value_enum)]
    rankdir: Option<RankdirArg>,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum ClusterArg {
    /// One box per country, for the entities whose `country` is set.
    Country,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum RankdirArg {
    /// Left to right: suits slides and short paths.
    Lr,
    /// Top to bottom: suits report pages and larger pictures.
    Tb,
}

impl PictureArgs {
    fn is_set(self) -> bool {
        self.cluster.is_some() || self.rankdir.is_some()
    }

    fn options(self) -> dot::Options {
        dot::Options {
            cluster: self.cluster.map(|ClusterArg::Country| dot::Cluster::Country),
            layout: self.rankdir.map(|r| match r {
                RankdirArg::Lr => Layout::LeftToRight,
                RankdirArg::Tb => Layout::TopToBottom,
            }),
        }
    }
}

/// What a command writes: a result in one of the language's formats, or a picture.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Output {
    /// Table, JSON or CSV (also the whole graph as JSON).
    Data(Format),
    Dot,
    GraphJson,
    Image(Image),
}

impl Output {
    fn is_picture(self) -> bool {
        matches!(self, Output::Dot | Output::Image(_))
    }
}

impl From<Format> for Output {
    fn from(f: Format) -> Output {
        match f {
            Format::Dot => Output::Dot,
            other => Output::Data(other),
        }
    }
}

impl From<ExportFormat> for Output {
    fn from(f: ExportFormat) -> Output {
        match f {
            ExportFormat::Json => Output::Data(Format::Json),
            ExportFormat::Csv => Output::Data(Format::Csv),
            ExportFormat::Dot => Output::Dot,
            ExportFormat::GraphJson => Output::GraphJson,
            ExportFormat::Svg => Output::Image(Image::Svg),
            ExportFormat::Png => Output::Image(Image::Png),
        }
    }
}

impl From<FormatArg> for Output {
    fn from(f: FormatArg) -> Output {
        match f {
            FormatArg::Table => Output::Data(Format::Table),
            FormatArg::Json => Output::Data(Format::Json),
            FormatArg::Csv => Output::Data(Format::Csv),
            FormatArg::Dot => Output::Dot,
            FormatArg::GraphJson => Output::GraphJson,
            FormatArg::Svg => Output::Image(Image::Svg),
            FormatArg::Png => Output::Image(Image::Png),
        }
    }
}

/// What is drawn or written: the whole graph, or a statement's answer.
pub enum Subject<'a> {
    Graph,
    Answer(&'a Rows),
}

pub fn export(
    kg: &KnowledgeGraph,
    output: Output,
    query: Option<&str>,
    path: Option<&Path>,
    picture: PictureArgs,
) -> Result<(), Termination> {
    check_destination(output, picture, path)?;
    let rows = query.map(|statement| run_statement(kg, statement, &Settings::default())).transpose()?;
    let subject = rows.as_ref().map_or(Subject::Graph, |(rows, _)| Subject::Answer(rows));
    write_output(path, &produce(kg, &subject, output, picture, None)?)
}

/// Refuses, before any work, what cannot be written: picture options on data, and PNG
/// bytes to a terminal (they would garble it).
pub fn check_destination(output: Output, picture: PictureArgs, path: Option<&Path>) -> Result<(), Termination> {
    use std::io::IsTerminal;
    if picture.is_set() && !output.is_picture() {
        return Err(Termination::usage(
            "--cluster and --rankdir shape a picture; use them with --format dot, svg or png",
        ));
    }
    let to_stdout = path.is_none_or(|p| p.as_os_str() == "-");
    if output == Output::Image(Image::Png) && to_stdout && io::stdout().is_terminal() {
        return Err(Termination::usage(
            "refusing to write a PNG image to the terminal; give -o FILE, or redirect: > picture.png",
        ));
    }
    Ok(())
}

/// Renders the subject in the output format; images go through Graphviz.
pub fn produce(
    kg: &KnowledgeGraph,
    subject: &Subject,
    output: Output,
    picture: PictureArgs,
    width: Option<usize>,
) -> Result<Vec<u8>, Termination> {
    let options = picture.options();
    let selection = || match subject {
        Subject::Graph => Picture::of_graph(kg),
        Subject::Answer(rows) => Picture::of_rows(kg, rows),
    };
    let text = match (output, subject) {
        (Output::Data(Format::Csv | Format::Table), Subject::Graph) => {
            return Err(Termination::usage(
                "CSV holds one table; give --query 'STATEMENT', or export the whole graph as json",
            ));
        }
        (Output::Data(_), Subject::Graph) => render::json::graph(kg),
        (Output::Data(format), Subject::Answer(rows)) => match render::rows(kg, rows, format, width) {
            Ok(text) => text,
            Err(too_large) => return Err(Termination::problem(format!("{too_large}\n  help: {}", too_large.help()))),
        },
        (Output::Dot, _) => dot::render(kg, &selection(), &options),
        (Output::GraphJson, _) => render::graph_json::render(kg, &selection()),
        (Output::Image(image), _) => return draw(&dot::render(kg, &selection(), &options), image),
    };
    Ok(text.into_bytes())
}

/// Draws DOT with Graphviz, passing on its warnings; a missing `dot` is a usage problem
/// (exit 2), a failing one a failure (exit 1, with what it said).
fn draw(text: &str, image: Image) -> Result<Vec<u8>, Termination> {
    match graphviz::draw(text, image) {
        Ok(drawn) => {
            eprint!("{}", drawn.warnings);
            Ok(drawn.bytes)
        }
        Err(GraphvizError::Failed { status, stderr }) => {
            Err(Termination::problem(format!("Graphviz `dot` failed ({status})")).after(&stderr))
        }
        Err(err @ (GraphvizError::NotFound | GraphvizError::Io(_))) => Err(Termination::usage(err)),
    }
}

/// Writes to the file the user named (see `fsutil` for devices, links and permissions), or
/// to standard output.
pub fn write_output(path: Option<&Path>, bytes: &[u8]) -> Result<(), Termination> {
    match path {
        None => emit(bytes),
        Some(path) => write_atomic(path, bytes)
            .map_err(|err| Termination::usage(format!("cannot write {}: {err}", path.display()))),
    }
}

/// Prints to standard output; a closed pipe (`kgq ... | head`) is not an error.
pub fn emit(bytes: &[u8]) -> Result<(), Termination> {
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(err) if err.kind() != io::ErrorKind::BrokenPipe => {
            Err(Termination::usage(format!("cannot write output: {err}")))
        }
        _ => Ok(()),
    }
}
