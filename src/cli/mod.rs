//! The command line: argument definitions and one handler per command.
//!
//! Handlers call the library's stage functions and render their results and diagnostics;
//! this is the edge where errors are printed and turned into exit codes
//! (0 ok, 1 problems found or a failed query, 2 usage or IO).

mod output;

use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};

pub use output::{ClusterArg, PictureArgs, RankdirArg};
use output::{check_destination, emit, export, produce, write_produced};

use crate::builtin;
use crate::data::{self, DataFiles, snapshot};
use crate::diag::{self, Diagnostic, Style};
use crate::fsutil::write_atomic;
use crate::graph::KnowledgeGraph;
use crate::query::{self, Rows, Settings};
use crate::render::{self, Format, Subject};
use crate::repl;
use crate::scripts;

#[derive(Parser, Debug)]
#[command(name = "kgq", version, about = "Build a knowledge graph from curated data files and ask it questions.")]
pub struct Cli {
    /// Use this graph-data folder, or a snapshot file from `kgq build`, instead of the built-in graph.
    #[arg(long, global = true, value_name = "DIR|FILE")]
    pub data: Option<PathBuf>,

    /// The shell keeps no history file.
    #[arg(long, global = true)]
    pub no_history: bool,

    /// Stop at the first failing statement (piped input to the shell) or assertion (`kgq run`).
    #[arg(long, global = true)]
    pub bail: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// The interactive shell (also what `kgq` alone starts); reads statements from standard
    /// input when it is not a terminal.
    Repl,
    /// Validate graph-data and report every problem (exit 1 if any).
    Check {
        /// The graph-data folder to check (default: --data, else the built-in graph).
        dir: Option<PathBuf>,
        /// Also verify every evidence locator against the source documents in this folder.
        #[arg(long, value_name = "DIR")]
        sources: Option<PathBuf>,
        /// Treat warnings (isolated entities, uncited sources, stray files) as problems.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Validate graph-data and write it as a binary snapshot that `--data FILE` loads fast.
    Build {
        /// The graph-data folder (default: --data, else the built-in graph).
        dir: Option<PathBuf>,
        /// The snapshot file to write (atomically; `-` is standard output).
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
    /// Counts: entities by kind, relations by kind, evidence by source.
    Stats {
        #[arg(long, value_enum, default_value_t = StatsFormat::Text)]
        format: StatsFormat,
    },
    /// Write the whole graph, or a query's result, as data or as a picture.
    Export {
        #[arg(long, value_enum)]
        format: Format,
        /// Export this statement's result instead of the whole graph.
        #[arg(long, value_name = "STATEMENT")]
        query: Option<String>,
        /// Write to this file (atomically; devices and pipes are written through, links
        /// followed, an existing file keeps its permissions) instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        picture: PictureArgs,
    },
    /// Run scripts of statements and assertions; the last line reads "N passed, N failed"
    /// (exit 1 if any failed, 2 if a script cannot be read or parsed).
    Run {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Print only failures and the summary.
        #[arg(long)]
        quiet: bool,
        /// Also write the results as JUnit XML to this file.
        #[arg(long, value_name = "OUT.xml")]
        junit: Option<PathBuf>,
        /// Rewrite expected-output blocks with the actual rows (in place, atomically).
        #[arg(long)]
        update: bool,
    },
    /// Run one statement and print its result (exit 1 if the statement fails).
    Query {
        /// A statement of the query language, e.g. 'connect "Poland" and "Malta"'.
        statement: String,
        /// Output format; `as FORMAT` at the end of the statement takes precedence.
        #[arg(long, value_enum)]
        format: Option<Format>,
        #[command(flatten)]
        picture: PictureArgs,
        /// Stop the statement after this many seconds.
        #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
        timeout: f64,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum StatsFormat {
    Text,
    Json,
}

/// Exit statuses.
const OK: u8 = 0;
const PROBLEMS: u8 = 1;
const USAGE: u8 = 2;

/// Parses the process arguments and runs the command.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let code = if err.use_stderr() { USAGE } else { OK };
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    ExitCode::from(run(cli))
}

/// Runs a parsed command line; returns the exit status.
pub fn run(cli: Cli) -> u8 {
    let command = cli.command.unwrap_or(Command::Repl);
    match command {
        Command::Repl => {
            let label = cli.data.as_ref().map_or("the built-in graph".to_string(), |d| d.display().to_string());
            let options = repl::Options { history: !cli.no_history, bail: cli.bail };
            match load_graph(cli.data.as_deref()) {
                Ok(kg) => repl::run(repl::Session::new(kg, label), &options),
                Err(code) => code,
            }
        }
        Command::Build { dir, output } => build(dir.or(cli.data).as_deref(), &output),
        Command::Check { dir, sources, deny_warnings } => {
            check(dir.or(cli.data).as_deref(), sources.as_deref(), deny_warnings)
        }
        Command::Stats { format } => with_graph(cli.data.as_deref(), |kg| {
            let stats = kg.stats();
            let text = match format {
                StatsFormat::Text => diag::visible_lines(&render::stats::text(&stats)).into_owned(),
                StatsFormat::Json => to_json(&stats),
            };
            emit(text.as_bytes())
        }),
        Command::Export { format, query, output, picture } => {
            with_graph(cli.data.as_deref(), |kg| export(kg, format, query.as_deref(), output.as_deref(), picture))
        }
        Command::Run { files, quiet, junit, update } => match load_graph(cli.data.as_deref()) {
            Ok(kg) => {
                let options =
                    scripts::Options { bail: cli.bail, quiet, update, junit, style: Some(Style::for_stdout()) };
                let mut out = io::stdout().lock();
                scripts::run(&kg, &files, &options, &mut out)
            }
            // CI reads the last line: a graph that does not load is one failure, and no
            // script ran.
            Err(code) => {
                emit(b"0 passed, 1 failed\n");
                code
            }
        },
        Command::Query { statement, format, picture, timeout } => with_graph(cli.data.as_deref(), |kg| {
            let Some(timeout) = Duration::try_from_secs_f64(timeout).ok().filter(|t| !t.is_zero()) else {
                eprintln!("kgq: --timeout must be a positive number of seconds");
                return USAGE;
            };
            let settings = Settings { timeout, cancel: None };
            match run_statement(kg, &statement, &settings) {
                Ok((rows, written)) => {
                    let output = written.or(format).unwrap_or(Format::Table);
                    if let Err(code) = check_destination(output, picture, None) {
                        return code;
                    }
                    match produce(kg, Subject::Answer(&rows), output, picture, terminal_width()) {
                        Ok(produced) => write_produced(None, &produced),
                        Err(code) => code,
                    }
                }
                Err(code) => code,
            }
        }),
    }
}

/// Runs one statement, printing its error (with a caret under the query text) on failure.
fn run_statement(kg: &KnowledgeGraph, text: &str, settings: &Settings) -> Result<(Rows, Option<Format>), u8> {
    query::run(kg, text, settings).map_err(|failure| {
        eprint!("{}", failure.render("query", text, 0, Style::for_stderr()));
        PROBLEMS
    })
}

/// The terminal's width when standard output is one; None (no cutting) otherwise.
fn terminal_width() -> Option<usize> {
    use std::io::IsTerminal;
    if !io::stdout().is_terminal() {
        return None;
    }
    terminal_size::terminal_size().map(|(w, _)| usize::from(w.0))
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    let mut out = serde_json::to_string_pretty(value).expect("plain data serialises");
    out.push('\n');
    out
}

/// Reads graph-data from `dir`, or the built-in copy.
fn read_files(dir: Option<&Path>) -> Result<DataFiles, u8> {
    match dir {
        None => Ok(builtin::files()),
        Some(dir) if dir.is_file() => {
            eprintln!("kgq: {} is a file; this command reads a graph-data folder", dir.display());
            Err(USAGE)
        }
        Some(dir) => DataFiles::read_dir(dir).map_err(|err| {
            eprintln!("kgq: {err}");
            USAGE
        }),
    }
}

/// Reads a snapshot file written by `kgq build`.
/// The largest snapshot read: one of 10^7 entities and 5·10^7 relations is about 1 GiB.
const MAX_SNAPSHOT_BYTES: u64 = 4 << 30;

fn read_snapshot(path: &Path) -> Result<data::Dataset, u8> {
    let bytes = data::read_regular(path, MAX_SNAPSHOT_BYTES).map_err(|unread| {
        let why = match &unread {
            data::Unread::NotRegular(what) => format!(
                "it is not a regular file ({what}); --data takes a graph-data folder or a snapshot from `kgq build`"
            ),
            other => other.to_string(),
        };
        eprintln!("kgq: cannot read {}: {why}", path.display());
        USAGE
    })?;
    snapshot::decode(&bytes).map_err(|err| {
        eprintln!(
            "kgq: {}: {err}
  help: {}",
            path.display(),
            err.help()
        );
        USAGE
    })
}

fn build(dir: Option<&Path>, output: &Path) -> u8 {
    let files = match read_files(dir) {
        Ok(files) => files,
        Err(code) => return code,
    };
    let loaded = data::load(&files);
    let Some(dataset) = loaded.dataset else {
        let errors: Vec<Diagnostic> = loaded.diagnostics.into_iter().filter(Diagnostic::is_error).collect();
        eprint!("{}", diag::render(&errors, &files.map, Style::for_stderr()));
        eprintln!("{}: {}; nothing was written", files.root, diag::plural(errors.len(), "error"));
        return PROBLEMS;
    };
    drop(files);
    let bytes = snapshot::encode(&dataset);
    if let Err(err) = write_atomic(output, &bytes) {
        eprintln!("kgq: cannot write {}: {err}", output.display());
        return USAGE;
    }
    let (e, r) = (dataset.entities.len(), dataset.relations.len());
    let summary = format!("{}: {e} entities, {r} relations, {} bytes\n", output.display(), bytes.len());
    // A snapshot written to standard output (`-o -`) is followed by nothing on it.
    if output.as_os_str() == "-" {
        eprint!("{summary}");
        return OK;
    }
    emit(summary.as_bytes())
}

/// Loads the graph and runs `f` on it, or prints the load errors.
fn with_graph(dir: Option<&Path>, f: impl FnOnce(&KnowledgeGraph) -> u8) -> u8 {
    match load_graph(dir) {
        Ok(kg) => f(&kg),
        Err(code) => code,
    }
}

/// Loads the graph, or prints its errors and returns the exit status.
fn load_graph(dir: Option<&Path>) -> Result<KnowledgeGraph, u8> {
    match dir {
        None => return Ok(KnowledgeGraph::build(builtin::dataset())),
        // Anything there that is not a folder is taken for a snapshot, which says what it is.
        Some(file) if file.exists() && !file.is_dir() => return read_snapshot(file).map(KnowledgeGraph::build),
        Some(_) => {}
    }
    let files = read_files(dir)?;
    let progress = Progress::start(&files);
    progress.stage("validating");
    let loaded = data::load(&files);
    match loaded.dataset {
        Some(dataset) => {
            // The files' text has served its purpose: free it before the graph takes memory.
            drop(files);
            progress.stage("building the graph");
            let kg = KnowledgeGraph::build(dataset);
            progress.finish();
            Ok(kg)
        }
        None => {
            progress.finish();
            let errors: Vec<Diagnostic> = loaded.diagnostics.into_iter().filter(Diagnostic::is_error).collect();
            eprint!("{}", diag::render(&errors, &files.map, Style::for_stderr()));
            eprintln!("kgq: the graph-data has {}; run `kgq check` for details", diag::plural(errors.len(), "error"));
            Err(PROBLEMS)
        }
    }
}

/// A spinner on the terminal while a large folder loads; nothing for small folders or
/// when standard error is not a terminal (indicatif draws nothing there).
struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    /// Loads under this many bytes of data finish before a spinner would be read.
    const THRESHOLD: usize = 16 << 20;

    fn start(files: &DataFiles) -> Progress {
        let bytes: usize = files.map.files().map(|(_, f)| f.text.len()).sum();
        if bytes < Self::THRESHOLD {
            return Progress(None);
        }
        let bar = indicatif::ProgressBar::new_spinner();
        let style =
            indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})").expect("the template is valid");
        bar.set_style(style);
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        bar.set_prefix(format!("{} MB", bytes >> 20));
        Progress(Some(bar))
    }

    fn stage(&self, what: &str) {
        if let Some(bar) = &self.0 {
            bar.set_message(format!("{what} {}", bar.prefix()));
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

fn check(dir: Option<&Path>, sources: Option<&Path>, deny_warnings: bool) -> u8 {
    let files = match read_files(dir) {
        Ok(files) => files,
        Err(code) => return code,
    };
    if let Some(src) = sources.filter(|s| !s.is_dir()) {
        eprintln!("kgq: --sources {}: no such folder", src.display());
        return USAGE;
    }
    let loaded = data::load(&files);
    let mut diags = loaded.diagnostics;
    let mut verified = 0;
    if let (Some(dataset), Some(dir)) = (&loaded.dataset, sources) {
        diags.extend(data::verify_sources(dataset, dir));
        data::sort(&mut diags);
        verified = dataset.entity_evidence().chain(dataset.relation_evidence()).count();
    }
    eprint!("{}", diag::render(&diags, &files.map, Style::for_stderr()));
    let root = &files.root;
    let failed = diags.iter().any(|d| d.is_error() || deny_warnings);
    match (&loaded.dataset, failed) {
        (Some(ds), false) => {
            let locators =
                if sources.is_some() { format!(", {verified} evidence locators verified") } else { String::new() };
            let warnings =
                if diags.is_empty() { String::new() } else { format!(" ({})", diag::plural(diags.len(), "warning")) };
            emit(
                format!(
                    "{root}: ok, {} entities, {} relations{locators}{warnings}\n",
                    ds.entities.len(),
                    ds.relations.len()
                )
                .as_bytes(),
            )
        }
        _ => {
            eprintln!("{root}: {}", diag::summary(&diags));
            PROBLEMS
        }
    }
}
