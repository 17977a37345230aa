//! The command line: argument definitions and one handler per command.
//!
//! Handlers call the library's stage functions and render their results and diagnostics;
//! this is the edge where errors are printed and turned into exit codes: every handler
//! returns `Result<(), Termination>` and [`main`] alone prints the termination's report and
//! chooses the status ([`termination`] says which status means what).

mod datasets;
mod folder;
mod output;
mod termination;

use std::io;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

pub use output::{ClusterArg, PictureArgs, RankdirArg, TableArgs};
use output::{Destination, check_destination, emit, export, produce, write_produced};
pub use termination::Termination;

use crate::data::{DataFiles, DataSource, OpenError, Step};
use crate::diag::{self, Style};
use crate::graph::KnowledgeGraph;
use crate::query::{self, Rows, Settings};
use crate::render::{self, Format, Subject};
use crate::repl;
use crate::scripts;
use crate::serve;

#[derive(Parser, Debug)]
#[command(name = "kgq", version, about = "Build a knowledge graph from curated data files and ask it questions.")]
pub struct Cli {
    /// Use this graph-data folder, one .csv or .jsonl file of entities, a FollowTheMoney
    /// stream (.ftm.json, .ftm.jsonl, .ftm), or a snapshot file from `kgq build`, instead of the built-in graph.
    /// Given more than once, the datasets are one graph (`builtin` names the built-in graph).
    #[arg(long, global = true, value_name = "DIR|FILE")]
    pub data: Vec<PathBuf>,

    /// When to colour: auto (on a terminal, unless NO_COLOR is set or TERM=dumb; always
    /// with CLICOLOR_FORCE or FORCE_COLOR), always, or never.
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto")]
    pub color: clap::ColorChoice,

    /// The shell (`kgq` alone) keeps no history file.
    #[arg(long)]
    pub no_history: bool,

    /// The shell (`kgq` alone) stops at the first failing statement of piped input.
    #[arg(long)]
    pub bail: bool,

    /// The shell (`kgq` alone) prints long answers straight to the terminal, not through
    /// $PAGER.
    #[arg(long)]
    pub no_pager: bool,

    /// The shell (`kgq` alone) stops each statement after this many seconds (120 unless
    /// given; Ctrl-C stops one sooner).
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// The interactive shell (also what `kgq` alone starts); reads statements from standard
    /// input when it is not a terminal.
    Repl {
        /// Keep no history file.
        #[arg(long)]
        no_history: bool,
        /// Stop at the first failing statement of piped input.
        #[arg(long)]
        bail: bool,
        /// Print long answers straight to the terminal, not through $PAGER (`:pager off`).
        #[arg(long)]
        no_pager: bool,
        /// Stop each statement after this many seconds (Ctrl-C stops one sooner).
        #[arg(long, value_name = "SECONDS", default_value_t = 120.0)]
        timeout: f64,
    },
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
        /// Aligned text for people, or JSON for programs.
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
    },
    /// For each source document: the lines that name a known entity and that no evidence
    /// locator cites (exit 1 if a document is below --min).
    Coverage {
        /// The graph-data folder (default: --data, else the built-in graph); lines it leaves
        /// unused on purpose are listed in its coverage.toml.
        dir: Option<PathBuf>,
        /// The folder of source documents (default: the KGQ_SOURCES environment variable).
        #[arg(long, value_name = "DIR")]
        sources: Option<PathBuf>,
        /// Aligned text for people, or JSON for programs.
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
        /// Fail (exit 1) if a document has less than this percentage of its lines that name
        /// entities cited or waived.
        #[arg(long, value_name = "PERCENT")]
        min: Option<f64>,
    },
    /// What a document that is not yet a source says about the graph: the entities each line
    /// names, candidate relations between entities named together, recurring unknown names.
    Mentions {
        /// The document (plain text).
        file: PathBuf,
        /// text for people, json for programs, or toml: a skeleton of records to finish by
        /// hand and add to graph-data.
        #[arg(long, value_enum, default_value_t = MentionsFormat::Text)]
        format: MentionsFormat,
        /// The source id the skeleton's evidence cites (add the document to sources.toml under it).
        #[arg(long, value_name = "ID", default_value = "new")]
        source: String,
        /// Write to this file (atomically) instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Write the whole graph, or a query's result, as data, as a picture, or for another tool.
    Export {
        /// What to write: the graph's data (json), an answer's table (table, csv, markdown,
        /// line; needs --query), a picture (dot, graph-json, svg, png), or for other tools
        /// (graphml, neo4j: a folder, ftm). Without it, the extension of -o says (`.json`,
        /// `.csv`, `.md`, `.dot`, `.graph.json`, `.svg`, `.png`, `.txt`, `.graphml`, `.ftm.json`, `.ftm.jsonl`, `.ftm`).
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// Export this statement's result instead of the whole graph.
        #[arg(long, value_name = "STATEMENT")]
        query: Option<String>,
        /// Write to this file (atomically; devices and pipes are written through, links
        /// followed, an existing file keeps its permissions) instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// With --format neo4j: write into a folder that holds files, over those of the same
        /// names (others are left as they are).
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        picture: PictureArgs,
    },
    /// Run scripts of statements and assertions; the last line reads "N passed, N failed"
    /// (exit 1 if any failed, 2 if a script cannot be read or parsed).
    Run {
        /// The scripts to run (`.kgq` files of statements and assertions), in this order.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Stop at the first failing assertion or statement.
        #[arg(long)]
        bail: bool,
        /// Stop each statement after this many seconds (it then fails).
        #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
        timeout: f64,
        /// Print only failures and the summary.
        #[arg(long)]
        quiet: bool,
        /// Print each statement as written, with its answer, so the script reads as a report.
        #[arg(long, conflicts_with = "quiet")]
        echo: bool,
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
        /// Output format; `as FORMAT` at the end of the statement takes precedence, and
        /// without either the extension of -o says (`.csv`, `.svg`, ...), else a table.
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// Write the answer to this file (atomically, as `export -o` does) instead of standard
        /// output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        picture: PictureArgs,
        #[command(flatten)]
        table: TableArgs,
        /// Stop the statement after this many seconds.
        #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
        timeout: f64,
    },
    /// Print a completion script for a shell, e.g. `kgq completions bash >
    /// ~/.local/share/bash-completion/completions/kgq` (see the README for zsh and fish).
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print kgq's manual page (roff), e.g. `kgq man > ~/.local/share/man/man1/kgq.1`.
    Man,
    /// Serve the graph as a web page on this computer: ask, see the answer drawn, click a hop
    /// for its evidence (Ctrl-C stops).
    Serve(serve::Options),
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum ReportFormat {
    Text,
    Json,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum MentionsFormat {
    Text,
    Json,
    Toml,
}

/// Parses the process arguments, runs the command, prints what a failure leaves to say and
/// exits with its status (see [`Termination`]).
pub fn main() -> ExitCode {
    let ended = match Cli::try_parse() {
        Ok(cli) => run(cli),
        // clap says what is wrong (on standard error) or gives help or the version (on
        // standard output, a success).
        Err(err) => {
            let _ = err.print();
            if err.use_stderr() { Err(Termination::Usage(String::new())) } else { Ok(()) }
        }
    };
    match ended {
        Ok(()) => ExitCode::SUCCESS,
        Err(ending) => {
            eprint!("{}", ending.report());
            ExitCode::from(ending.code())
        }
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<(), Termination> {
    diag::set_colouring(match cli.color {
        clap::ColorChoice::Auto => diag::Colouring::Auto,
        clap::ColorChoice::Always => diag::Colouring::Always,
        clap::ColorChoice::Never => diag::Colouring::Never,
    });
    // The shell's flags before a subcommand would be silently ignored by any other one.
    let shell_flags = cli.no_history || cli.bail || cli.no_pager || cli.timeout.is_some();
    if shell_flags && !matches!(cli.command, None | Some(Command::Repl { .. })) {
        return Err(Termination::usage(
            "--no-history, --bail, --no-pager and --timeout before a subcommand are the shell's; \
             give the subcommand's own options after its name (e.g. `kgq query '...' --timeout 30`)",
        ));
    }
    let command = cli.command.unwrap_or(Command::Repl {
        no_history: cli.no_history,
        bail: cli.bail,
        no_pager: cli.no_pager,
        timeout: cli.timeout.unwrap_or(120.0),
    });
    let data = cli.data.as_slice();
    // A command's own folder argument, else what --data names.
    let source = |dir: Option<PathBuf>| dir.map_or_else(|| DataSource::given(data), |dir| DataSource::at(&dir));
    match command {
        Command::Repl { no_history, bail, no_pager, timeout } => {
            let timeout = seconds(cli.timeout.unwrap_or(timeout))?;
            let label = if data.is_empty() { "the built-in graph".to_string() } else { DataSource::given(data).name() };
            let options = repl::Options {
                history: !(no_history || cli.no_history),
                bail: bail || cli.bail,
                pager: !(no_pager || cli.no_pager),
            };
            let mut session = repl::Session::new(load_graph(data)?, label);
            session.timeout = timeout;
            match repl::run(session, &options) {
                Ok(repl::Outcome::Failed) => Err(Termination::Problems(String::new())),
                Ok(repl::Outcome::Ok | repl::Outcome::Quit) => Ok(()),
                Err(stopped) => Err(Termination::usage(stopped)),
            }
        }
        Command::Build { dir, output } => folder::build(&source(dir), &output),
        Command::Check { dir, sources, deny_warnings } => {
            folder::check(&source(dir), sources.as_deref(), deny_warnings)
        }
        Command::Stats { format } => {
            let stats = load_graph(data)?.stats();
            let text = match format {
                ReportFormat::Text => diag::visible_lines(&render::stats::text(&stats)).into_owned(),
                ReportFormat::Json => to_json(&stats),
            };
            emit(text.as_bytes())
        }
        Command::Export { format, query, output, force, picture } => {
            let Some(format) = format.or_else(|| output.as_deref().and_then(Format::of_file)) else {
                return Err(Termination::usage(format!(
                    "give --format {}, or -o FILE with one of their extensions",
                    Format::names().join("|")
                )));
            };
            let to = Destination { path: output.as_deref(), picture, force };
            export(&load_graph(data)?, format, query.as_deref(), to)
        }
        Command::Run { files, bail, timeout, quiet, echo, junit, update } => {
            let timeout = seconds(timeout)?;
            // CI reads the last line: a graph that does not load is one failure, and no
            // script ran.
            let kg = load_graph(data).or_else(|ending| {
                let junit = junit.as_deref().map(|path| {
                    let source = if data.is_empty() { "graph-data".into() } else { DataSource::given(data).name() };
                    scripts::write_unloaded_junit(path, &source, ending.report())
                });
                emit(b"0 passed, 1 failed\n")?;
                match junit {
                    Some(Err(unwritten)) => Err(ending.after(&format!("kgq: {unwritten}\n"))),
                    _ => Err(ending),
                }
            })?;
            let style = Some(Style::for_stdout());
            // Echoed answers fit a terminal's width, and every row is printed.
            let screen = render::Screen::of_stdout(None).saying("redirect the output to see them whole", "");
            let options = scripts::Options { bail, quiet, echo, screen, update, junit, timeout, style };
            // The run has reported on standard output; only the status is left to choose.
            let summary = scripts::run(&kg, &files, &options, &mut io::stdout().lock());
            match summary {
                scripts::Summary { broken: true, .. } => Err(Termination::Usage(String::new())),
                scripts::Summary { failed: 0, .. } => Ok(()),
                _ => Err(Termination::Problems(String::new())),
            }
        }
        Command::Coverage { dir, sources, format, min } => folder::coverage(&source(dir), sources, format, min),
        Command::Mentions { file, format, source, output } => {
            folder::mentions(data, &file, format, &source, output.as_deref())
        }
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "kgq", &mut script);
            emit(&script)
        }
        Command::Man => {
            let mut page = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut page)
                .map_err(|err| Termination::usage(format!("cannot write the manual page: {err}")))?;
            emit(&page)
        }
        Command::Serve(options) => {
            options.check().map_err(Termination::usage)?;
            let timeout = seconds(options.timeout)?;
            serve::serve(load_graph(data)?, &options, timeout, &mut io::stdout()).map_err(Termination::usage)
        }
        Command::Query { statement, format, output: path, picture, table, timeout } => {
            let timeout = seconds(timeout)?;
            let kg = load_graph(data)?;
            let (rows, written) = run_statement(&kg, &statement, &Settings { timeout, cancel: None })?;
            let output = written.or(format).or_else(|| path.as_deref().and_then(Format::of_file)).map_or_else(
                || match path.as_deref().and_then(|p| p.extension()) {
                    // `-o answer.xlsx` would get a text table under a name that promises
                    // something else.
                    Some(ext) => Err(Termination::usage(format!(
                        "cannot tell a format from `.{}`; give --format, or -o FILE with the \
                             extension of one (.txt, .md, .json, .csv, .dot, .graph.json, .svg, .png, .graphml, .ftm.json, .ftm.jsonl, .ftm)",
                        diag::visible(&ext.to_string_lossy())
                    ))),
                    None => Ok(Format::Table),
                },
                Ok,
            )?;
            check_destination(output, picture, path.as_deref())?;
            let screen = table.screen(path.is_none());
            write_produced(path.as_deref(), &produce(&kg, Subject::Answer(&rows), output, picture, &screen)?)
        }
    }
}

/// A `--timeout`: a positive number of seconds.
fn seconds(timeout: f64) -> Result<Duration, Termination> {
    Duration::try_from_secs_f64(timeout)
        .ok()
        .filter(|t| !t.is_zero())
        .ok_or_else(|| Termination::usage("--timeout must be a positive number of seconds"))
}

/// Runs one statement; a failure carries its error with a caret under the query text.
fn run_statement(kg: &KnowledgeGraph, text: &str, settings: &Settings) -> Result<(Rows, Option<Format>), Termination> {
    query::run(kg, text, settings)
        .map_err(|failure| Termination::Problems(failure.render("query", text, 0, Style::for_stderr())))
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    let mut out = serde_json::to_string_pretty(value).expect("plain data serialises");
    out.push('\n');
    out
}

/// The graph-data files of a source (a folder, one data file, an FtM stream, the built-in copy).
fn read_files(source: &DataSource) -> Result<DataFiles, Termination> {
    source.files().map_err(refused)
}

/// What a source that gave no dataset leaves to say.
fn refused(err: OpenError) -> Termination {
    match err {
        OpenError::Unreadable { message, help } => {
            let help = help.map_or(String::new(), |help| format!("  help: {help}\n"));
            Termination::Usage(format!("kgq: {message}\n{help}"))
        }
        OpenError::Invalid { files, errors, hint } => {
            let report = diag::render(&errors, &files.map, Style::for_stderr());
            // The command that shows these errors with the warnings beside them.
            let hint = hint.unwrap_or_else(|| format!("run `kgq check {}` for details", diag::visible(&files.root)));
            Termination::problem(format!("the graph-data has {}; {hint}", diag::plural(errors.len(), "error")))
                .after(&report)
        }
    }
}

/// The graph `--data` names (see [`DataSource`]), or the built-in one.
fn load_graph(data: &[PathBuf]) -> Result<KnowledgeGraph, Termination> {
    let mut progress = Progress(None);
    // The files' text is freed inside `open`, before the graph takes memory.
    let dataset = DataSource::given(data)
        .open(|Step::Validating { bytes }| {
            progress = Progress::start(bytes);
            progress.stage("validating");
        })
        .map_err(|err| {
            progress.finish();
            refused(err)
        })?;
    progress.stage("building the graph");
    let kg = KnowledgeGraph::build(dataset);
    progress.finish();
    Ok(kg)
}

/// A spinner on the terminal while a large folder loads; nothing for small folders or
/// when standard error is not a terminal (indicatif draws nothing there).
struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    /// Loads under this many bytes of data finish before a spinner would be read.
    const THRESHOLD: usize = 16 << 20;

    fn start(bytes: usize) -> Progress {
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
