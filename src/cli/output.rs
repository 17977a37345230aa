//! What commands write, and where: the options that shape a picture, and a table on the
//! terminal (`--width`, `--max-rows`), what to say when `render::produce` cannot write an
//! answer, and writing to a file or standard output, or (Neo4j's import) a folder.
//! Part of the edge: failures come back as a [`Termination`].
//!
//! An export of the whole graph for other tools (GraphML, FtM, the Neo4j folder) is
//! written as it is made (`fsutil::write_atomic_with`), never held: its size is the
//! graph's. Everything else, answers included, is made whole and then written.

use std::io::{self, Write};
use std::path::Path;

use clap::ValueEnum;

use super::{Termination, run_statement};
use crate::fsutil::write_atomic_with;
use crate::graph::KnowledgeGraph;
use crate::graphviz::GraphvizError;
use crate::query::Settings;
use crate::render::picture::Layout;
use crate::render::screen::DEFAULT_MAX_ROWS;
use crate::render::{self, Format, ProduceError, Produced, Screen, Streamed, Subject, dot};

/// How a picture (dot, svg, png) is drawn.
#[derive(clap::Args, Debug, Clone, Copy)]
pub struct PictureArgs {
    /// In pictures (dot, svg, png), draw a box around the entities in each country (where
    /// they work or are located, else their own country).
    #[arg(long, value_enum, value_name = "BY")]
    cluster: Option<ClusterArg>,
    /// Lay a picture out left to right or top to bottom (default: paths and `connect`
    /// left to right, everything else top to bottom).
    #[arg(long, value_enum)]
    rankdir: Option<RankdirArg>,
}

/// How a table (and the `line` format) is fitted: by default to the terminal it is printed
/// on, and not at all anywhere else; given, a width or row cap applies wherever it goes.
#[derive(clap::Args, Debug, Clone, Copy)]
pub struct TableArgs {
    /// Fit tables to this many columns, cutting the widest cells (default: the terminal's
    /// width, or COLUMNS, when printing on one; cells are never cut in a pipe or file).
    #[arg(long, value_name = "COLUMNS", value_parser = clap::value_parser!(u16).range(1..))]
    width: Option<u16>,
    /// Print at most N rows of a table, or all (default: 40 on a terminal; every row in a
    /// pipe or file).
    #[arg(long, value_name = "N|all", value_parser = row_cap)]
    max_rows: Option<RowCap>,
}

/// `--max-rows`: a positive number of rows, or every row (None).
#[derive(Clone, Copy, Debug)]
pub struct RowCap(Option<usize>);

fn row_cap(text: &str) -> Result<RowCap, String> {
    if text.eq_ignore_ascii_case("all") {
        return Ok(RowCap(None));
    }
    match text.parse::<usize>() {
        Ok(n) if n > 0 => Ok(RowCap(Some(n))),
        _ => Err("give a positive number of rows, or all".into()),
    }
}

impl TableArgs {
    /// The screen an answer is laid out for: standard output's when it is printed there
    /// (`to_stdout`), else everything whole; then what the options say.
    pub fn screen(self, to_stdout: bool) -> Screen {
        let base = if to_stdout { Screen::of_stdout(Some(DEFAULT_MAX_ROWS)) } else { Screen::whole() };
        Screen {
            width: self.width.map(usize::from).or(base.width),
            max_rows: self.max_rows.map_or(base.max_rows, |RowCap(cap)| cap),
            ..base.saying("--format line shows them whole", "--max-rows all prints them")
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum ClusterArg {
    /// One box per country, around the entities that are in it.
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

/// Where `kgq export` writes, and how.
pub struct Destination<'a> {
    pub path: Option<&'a Path>,
    pub picture: PictureArgs,
    /// A folder format may write into a folder that holds files.
    pub force: bool,
}

pub fn export(kg: &KnowledgeGraph, output: Format, query: Option<&str>, to: Destination) -> Result<(), Termination> {
    let Destination { path, picture, force } = to;
    check_destination(output, picture, path)?;
    let dir = match output {
        Format::Neo4j => Some(folder(path, force)?),
        _ if force => return Err(Termination::usage("--force is for folders: use it with --format neo4j")),
        _ => None,
    };
    let rows = query.map(|statement| run_statement(kg, statement, &Settings::default())).transpose()?;
    let subject = rows.as_ref().map_or(Subject::Graph, |(rows, _)| Subject::Answer(rows));
    match (dir, subject, Streamed::of(output)) {
        (Some(dir), Subject::Graph, _) => {
            let folder = render::neo4j_folder(kg, subject).map_err(refusal)?;
            let names: Vec<String> = folder.names().map(String::from).collect();
            write_folder(dir, &names, |i, out| folder.write(kg, i, out))
        }
        // An answer's files are made first, within the answer budget, so that one past it
        // is refused before any file is written.
        (Some(dir), Subject::Answer(_), _) => {
            let files = render::neo4j_files(kg, subject).map_err(refusal)?;
            let names: Vec<String> = files.iter().map(|f| f.name.clone()).collect();
            write_folder(dir, &names, |i, out| out.write_all(files[i].text.as_bytes()))
        }
        (None, Subject::Graph, Some(form)) => {
            let export = form.prepare(kg, subject).map_err(refusal)?;
            write_streamed(path, |out| export.write(out))
        }
        (None, _, _) => write_produced(path, &produce(kg, subject, output, picture, &Screen::whole())?),
    }
}

/// The folder a folder format is written to: given, and empty or new unless `force`.
/// Checked before any work.
fn folder(path: Option<&Path>, force: bool) -> Result<&Path, Termination> {
    let Some(dir) = path.filter(|p| p.as_os_str() != "-") else {
        return Err(Termination::usage("--format neo4j writes a folder of files: give -o DIR"));
    };
    let shown = crate::diag::visible(&dir.display().to_string()).into_owned();
    match std::fs::metadata(dir) {
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(dir),
        Err(err) => Err(Termination::usage(format!("cannot write {shown}: {err}"))),
        Ok(meta) if !meta.is_dir() => {
            Err(Termination::usage(format!("{shown} is not a folder; --format neo4j writes a folder of files")))
        }
        Ok(_) if force => Ok(dir),
        Ok(_) => match std::fs::read_dir(dir).map(|mut entries| entries.next().is_none()) {
            Ok(true) => Ok(dir),
            Ok(false) => Err(Termination::usage(format!(
                "{shown} is not empty; give another folder, or --force to write over the files of the same names \
                 (other files are left as they are)"
            ))),
            Err(err) => Err(Termination::usage(format!("cannot read {shown}: {err}"))),
        },
    }
}

/// Writes each file (`write` writes the `i`th of `names`) into `dir` (made if it is
/// missing; its parent must exist), each atomically as it is made. Only regular files
/// inside `dir` are written: a name there that is a link or anything but a regular file is
/// refused before anything is written.
fn write_folder(
    dir: &Path,
    names: &[String],
    write: impl Fn(usize, &mut dyn Write) -> io::Result<()>,
) -> Result<(), Termination> {
    let shown = |p: &Path| crate::diag::visible(&p.display().to_string()).into_owned();
    let cannot = |p: &Path, err: io::Error| Termination::usage(format!("cannot write {}: {err}", shown(p)));
    if let Err(err) = std::fs::create_dir(dir)
        && err.kind() != io::ErrorKind::AlreadyExists
    {
        return Err(cannot(dir, err));
    }
    for name in names {
        let target = dir.join(name);
        if let Ok(meta) = std::fs::symlink_metadata(&target)
            && !meta.file_type().is_file()
        {
            return Err(Termination::usage(format!(
                "{} is not a regular file; kgq writes only regular files inside the folder",
                shown(&target)
            )));
        }
    }
    for (i, name) in names.iter().enumerate() {
        let target = dir.join(name);
        write_atomic_with(&target, |out| write(i, out)).map_err(|err| {
            // Each file is whole or untouched, but the folder is not one import any more.
            let written = if i == 0 { "none of its files was written".to_string() } else { format!("{i} of its {} files were written", names.len()) };
            Termination::usage(format!(
                "cannot write {}: {err}\n  the folder {} is incomplete ({written}): do not import it; export again once the cause is fixed",
                shown(&target),
                shown(dir)
            ))
        })?;
    }
    eprintln!(
        "wrote {} files to {}: load them with its import.sh (neo4j-admin) or import.cypher (cypher-shell)",
        names.len(),
        shown(dir)
    );
    Ok(())
}

/// Why an export could not be made, in the command line's words.
fn refusal(err: ProduceError) -> Termination {
    match err {
        ProduceError::NotOfGraph(_) => {
            Termination::usage(format!("{err}; give --query 'STATEMENT', or export the whole graph as json"))
        }
        ProduceError::NothingToDraw => Termination::usage(format!(
            "{err}; ask for it as a table, json or csv, or draw a statement that names entities"
        )),
        ProduceError::TooLarge(too_large) => Termination::problem(format!("{too_large}\n  help: {}", too_large.help())),
        ProduceError::Graphviz(GraphvizError::Failed { status, stderr }) => {
            Termination::problem(format!("Graphviz `dot` failed ({status})")).after(&stderr)
        }
        ProduceError::Graphviz(err) => Termination::usage(err),
        ProduceError::Folder => Termination::usage(err),
        ProduceError::NothingToImport => Termination::usage(format!("{err}; nothing was written")),
        ProduceError::NoDelimiter(err) => Termination::problem(err),
    }
}

/// Refuses, before any work, what cannot be written: picture options on data, and PNG
/// bytes to a terminal (they would garble it).
pub fn check_destination(output: Format, picture: PictureArgs, path: Option<&Path>) -> Result<(), Termination> {
    use std::io::IsTerminal;
    if picture.is_set() && !output.is_picture() {
        return Err(Termination::usage(
            "--cluster and --rankdir shape a picture; use them with --format dot, svg or png",
        ));
    }
    let to_stdout = path.is_none_or(|p| p.as_os_str() == "-");
    if output == Format::Png && to_stdout && io::stdout().is_terminal() {
        return Err(Termination::usage(
            "refusing to write a PNG image to the terminal; give -o FILE, or redirect: > picture.png",
        ));
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
    screen: &Screen,
) -> Result<Produced, Termination> {
    render::produce(kg, subject, output, &picture.options(), screen).map_err(refusal)
}

/// Writes produced output (see [`write_output`]), then what goes beside it on standard
/// error: Graphviz's warnings, or the notes of a CSV answer.
pub fn write_produced(path: Option<&Path>, produced: &Produced) -> Result<(), Termination> {
    let written = write_output(path, &produced.bytes);
    eprint!("{}", produced.aside);
    written
}

/// Writes to the file the user named (see `fsutil` for devices, links and permissions), or
/// to standard output.
pub fn write_output(path: Option<&Path>, bytes: &[u8]) -> Result<(), Termination> {
    match path {
        None => emit(bytes),
        Some(_) => write_streamed(path, |out| out.write_all(bytes)),
    }
}

/// Writes what `write` writes as it is made, where [`write_output`] writes bytes; a write
/// that fails (a full disk) names the file, and leaves no part of it.
fn write_streamed(
    path: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), Termination> {
    write_atomic_with(path.unwrap_or(Path::new("-")), write).map_err(|err| match path {
        Some(path) => Termination::usage(format!("cannot write {}: {err}", path.display())),
        None => Termination::usage(format!("cannot write output: {err}")),
    })
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
