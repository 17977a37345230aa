//! The commands that read a graph-data folder as files rather than as a graph: `check`
//! (every problem, with `--sources` every locator), `build` (a snapshot), `coverage` and
//! `mentions` (the builder's tools, `crate::builder`).

use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};

use super::output::{emit, write_output};
use super::{MentionsFormat, ReportFormat, Termination, read_files, refused, to_json};
use crate::builder;
use crate::data::{self, DataSource, OpenError, snapshot};
use crate::diag::{self, Diagnostic, Style};
use crate::fsutil::write_atomic;

pub(super) fn build(source: &DataSource, output: &Path) -> Result<(), Termination> {
    if output.as_os_str() == "-" && io::stdout().is_terminal() {
        return Err(Termination::usage(
            "refusing to write a binary snapshot to the terminal; give -o FILE, or redirect: -o - > graph.snap",
        ));
    }
    let dataset = if matches!(source, DataSource::Several(_)) {
        source.open(|_| {}).map_err(refused)?
    } else {
        let files = read_files(source)?;
        let loaded = data::load(&files);
        let Some(dataset) = loaded.dataset else {
            let errors: Vec<Diagnostic> = loaded.diagnostics.into_iter().filter(Diagnostic::is_error).collect();
            let report = diag::render(&errors, &files.map, Style::for_stderr());
            let summary = format!("{}: {}; nothing was written\n", files.root, diag::plural(errors.len(), "error"));
            return Err(Termination::Problems(report + &summary));
        };
        dataset
    };
    let bytes = snapshot::encode(&dataset);
    write_atomic(output, &bytes)
        .map_err(|err| Termination::usage(format!("cannot write {}: {err}", output.display())))?;
    let (e, r) = (dataset.entities.len(), dataset.relations.len());
    let summary = format!("{}: {e} entities, {r} relations, {} bytes\n", output.display(), bytes.len());
    // A snapshot written to standard output (`-o -`) is followed by nothing on it.
    if output.as_os_str() == "-" {
        eprint!("{summary}");
        return Ok(());
    }
    emit(summary.as_bytes())
}

pub(super) fn check(source: &DataSource, sources: Option<&Path>, deny_warnings: bool) -> Result<(), Termination> {
    if let DataSource::Several(all) = source {
        return super::datasets::check_several(all, sources, deny_warnings);
    }
    let files = read_files(source)?;
    if let Some(src) = sources.filter(|s| !s.is_dir()) {
        return Err(Termination::usage(format!("--sources {}: no such folder", src.display())));
    }
    // The accepted records are verified against the documents even when other records
    // have errors, so that every problem is reported in one run.
    let (dataset, mut diags) = data::load_accepted(&files);
    let sources_known =
        !diags.iter().any(|d| d.is_error() && d.location.as_ref().is_some_and(|l| Some(l.file) == files.sources));
    let (waivers, waiver_problems) = builder::waivers::read(&files, &dataset, sources_known);
    diags.extend(waiver_problems);
    data::sort(&mut diags);
    let mut verified = 0;
    if let Some(dir) = sources {
        diags.extend(data::verify_sources(&dataset, dir));
        // A waiver past the end of its document is caught here too, not only by `coverage`.
        let lines = |id: &str| {
            let source = dataset.sources.iter().find(|s| s.id == id)?;
            data::read_document(dir, source).ok().map(|text| text.lines().count())
        };
        diags.extend(builder::waivers::past_end(&waivers, lines));
        data::sort(&mut diags);
        // Imported records have no lines to verify.
        verified =
            dataset.entity_evidence().chain(dataset.relation_evidence()).filter(|ev| ev.record.is_none()).count();
    }
    let report = diag::render(&diags, &files.map, Style::for_stderr());
    // Without a folder the copy built into kgq is checked: say so, since a `graph-data`
    // folder beside it may differ.
    let root = if *source == DataSource::Builtin { format!("{} (built in)", files.root) } else { files.root.clone() };
    let failed = diags.iter().any(|d| d.is_error() || deny_warnings);
    if failed {
        return Err(Termination::Problems(format!("{report}{root}: {}\n", diag::summary(&diags))));
    }
    // Warnings are reported and the check passes.
    eprint!("{report}");
    let locators = if sources.is_some() { format!(", {verified} evidence locators verified") } else { String::new() };
    let warnings =
        if diags.is_empty() { String::new() } else { format!(" ({})", diag::plural(diags.len(), "warning")) };
    let (e, r) = (dataset.entities.len(), dataset.relations.len());
    emit(format!("{root}: ok, {e} entities, {r} relations{locators}{warnings}\n").as_bytes())
}

pub(super) fn coverage(
    source: &DataSource,
    sources: Option<PathBuf>,
    format: ReportFormat,
    min: Option<f64>,
) -> Result<(), Termination> {
    let Some(sources) = sources.or_else(|| std::env::var_os("KGQ_SOURCES").map(PathBuf::from)) else {
        return Err(Termination::usage("give --sources DIR, the folder of the source documents (or set KGQ_SOURCES)"));
    };
    if !sources.is_dir() {
        return Err(Termination::usage(format!("--sources {}: no such folder", sources.display())));
    }
    if let Some(min) = min.filter(|m| !(0.0..=100.0).contains(m)) {
        return Err(Termination::usage(format!("--min {min}: give a percentage from 0 to 100")));
    }
    let files = read_files(source)?;
    let loaded = data::load(&files);
    let Some(dataset) = loaded.dataset else {
        return Err(refused(OpenError::Invalid {
            errors: loaded.diagnostics.into_iter().filter(Diagnostic::is_error).collect(),
            files: Box::new(files),
            hint: None,
        }));
    };
    let (waivers, problems) = builder::waivers::read(&files, &dataset, true);
    let measured =
        if problems.is_empty() { builder::coverage::measure(&dataset, &waivers, &sources) } else { Err(problems) };
    let report = measured.map_err(|problems| {
        let report = diag::render(&problems, &files.map, Style::for_stderr());
        Termination::Problems(format!("{report}coverage not measured: {}\n", diag::summary(&problems)))
    })?;
    let text = match format {
        ReportFormat::Text => diag::visible_lines(&report.text()).into_owned(),
        ReportFormat::Json => to_json(&report),
    };
    emit(text.as_bytes())?;
    let Some(min) = min else { return Ok(()) };
    let below = report.below(min);
    if below.is_empty() {
        return Ok(());
    }
    let which: Vec<String> = below.iter().map(|d| format!("{} ({:.1}%)", d.source, d.percent)).collect();
    Err(Termination::problem(format!("below --min {min}%: {}", which.join(", "))))
}

pub(super) fn mentions(
    data: &[PathBuf],
    file: &Path,
    format: MentionsFormat,
    source: &str,
    output: Option<&Path>,
) -> Result<(), Termination> {
    let unreadable = |why: String| Termination::usage(format!("cannot read {}: {why}", file.display()));
    let bytes = data::read_regular(file, data::MAX_FILE_BYTES).map_err(|err| unreadable(err.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|_| unreadable("it is not UTF-8 text".into()))?;
    let dataset = DataSource::given(data).open(|_| {}).map_err(refused)?;
    if let (MentionsFormat::Toml, Some(taken)) = (format, dataset.sources.iter().find(|s| s.id == source)) {
        // The skeleton's locators would point into that other document.
        return Err(Termination::usage(format!(
            "source `{}` is already declared ({}); give the new document an id of its own with --source",
            diag::visible(source),
            diag::visible(&taken.title)
        )));
    }
    let found = builder::mentions::find(&dataset, &text);
    let out = match format {
        MentionsFormat::Text => diag::visible_lines(&found.text()).into_owned(),
        MentionsFormat::Json => to_json(&found),
        MentionsFormat::Toml => found.toml(source),
    };
    write_output(output, out.as_bytes())?;
    if let Some(path) = output {
        eprintln!("wrote {}", diag::visible(&path.display().to_string()));
    }
    Ok(())
}
