//! What commands write, and where: the options that shape a picture, what to say when
//! `render::produce` cannot write an answer, and writing to a file or standard output.
//! Part of the edge: it prints, and turns failures into exit statuses.

use std::io::{self, Write};
use std::path::Path;

use clap::ValueEnum;

use super::{OK, PROBLEMS, USAGE, run_statement};
use crate::fsutil::write_atomic;
use crate::graph::KnowledgeGraph;
use crate::graphviz::GraphvizError;
use crate::query::Settings;
use crate::render::picture::Layout;
use crate::render::{self, Format, ProduceError, Produced, Subject, dot};

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

pub fn export(
    kg: &KnowledgeGraph,
    output: Format,
    query: Option<&str>,
    path: Option<&Path>,
    picture: PictureArgs,
) -> u8 {
    if let Err(code) = check_destination(output, picture, path) {
        return code;
    }
    let rows = match query {
        None => None,
        Some(statement) => match run_statement(kg, statement, &Settings::default()) {
            Ok((rows, _)) => Some(rows),
            Err(code) => return code,
        },
    };
    let subject = rows.as_ref().map_or(Subject::Graph, Subject::Answer);
    match produce(kg, subject, output, picture, None) {
        Ok(produced) => write_produced(path, &produced),
        Err(code) => code,
    }
}

/// Refuses, before any work, what cannot be written: picture options on data, and PNG
/// bytes to a terminal (they would garble it).
pub fn check_destination(output: Format, picture: PictureArgs, path: Option<&Path>) -> Result<(), u8> {
    use std::io::IsTerminal;
    if picture.is_set() && !output.is_picture() {
        eprintln!("kgq: --cluster and --rankdir shape a picture; use them with --format dot, svg or png");
        return Err(USAGE);
    }
    let to_stdout = path.is_none_or(|p| p.as_os_str() == "-");
    if output == Format::Png && to_stdout && io::stdout().is_terminal() {
        eprintln!("kgq: refusing to write a PNG image to the terminal; give -o FILE, or redirect: > picture.png");
        return Err(USAGE);
    }
    Ok(())
}

/// The subject in the format (`render::produce`), or says why it cannot be: an answer
/// too large or a failing Graphviz is a failure (exit 1, with what Graphviz said), a table
/// of the whole graph or a missing `dot` a usage problem (2).
pub fn produce(
    kg: &KnowledgeGraph,
    subject: Subject,
    output: Format,
    picture: PictureArgs,
    width: Option<usize>,
) -> Result<Produced, u8> {
    render::produce(kg, subject, output, &picture.options(), width).map_err(|err| match err {
        ProduceError::NotOfGraph(_) => {
            eprintln!("kgq: {err}; give --query 'STATEMENT', or export the whole graph as json");
            USAGE
        }
        ProduceError::TooLarge(too_large) => {
            eprintln!("kgq: {too_large}\n  help: {}", too_large.help());
            PROBLEMS
        }
        ProduceError::Graphviz(GraphvizError::Failed { status, stderr }) => {
            eprint!("{stderr}");
            eprintln!("kgq: Graphviz `dot` failed ({status})");
            PROBLEMS
        }
        ProduceError::Graphviz(err) => {
            eprintln!("kgq: {err}");
            USAGE
        }
    })
}

/// Writes produced output (see [`write_output`]), then what goes beside it on standard
/// error: Graphviz's warnings, or the notes of a CSV answer.
pub fn write_produced(path: Option<&Path>, produced: &Produced) -> u8 {
    let code = write_output(path, &produced.bytes);
    eprint!("{}", produced.aside);
    code
}

/// Writes to the file the user named (see `fsutil` for devices, links and permissions), or
/// to standard output.
pub fn write_output(path: Option<&Path>, bytes: &[u8]) -> u8 {
    match path {
        None => emit(bytes),
        Some(path) => match write_atomic(path, bytes) {
            Ok(()) => OK,
            Err(err) => {
                eprintln!("kgq: cannot write {}: {err}", path.display());
                USAGE
            }
        },
    }
}

/// Prints to standard output; a closed pipe (`kgq ... | head`) is not an error.
pub fn emit(bytes: &[u8]) -> u8 {
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => OK,
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => OK,
        Err(err) => {
            eprintln!("kgq: cannot write output: {err}");
            USAGE
        }
    }
}
