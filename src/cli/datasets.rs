//! `kgq check` of several datasets (`--data A --data B check`): each dataset is checked as
//! it would be alone, then the merged graph is made (which refuses relation kinds that
//! mean different things) and the likely duplicates across datasets are listed for a
//! person to confirm (`data::merge::likely_duplicates`). They are warnings: reported,
//! never merged, and failing the check only with `--deny-warnings`.

use std::fmt::Write;
use std::path::Path;

use super::folder::check;
use super::output::emit;
use super::{Termination, refused};
use crate::data::identity::{Join, Rule};
use crate::data::{DataSource, Dataset, OpenError, merge, merge_sources};
use crate::diag;

/// At most this many likely duplicates are listed; the count says how many there are.
const LISTED: usize = 100;

pub(super) fn check_several(
    all: &[DataSource],
    sources: Option<&Path>,
    deny_warnings: bool,
) -> Result<(), Termination> {
    // Every dataset is checked; the last failure ends the command after the others' reports.
    let mut failed: Option<Termination> = None;
    for source in all {
        if let DataSource::Snapshot(path) = source {
            // Checked when it was built; its files are not in it to check again.
            println!("{}: a snapshot, checked when it was built", diag::visible(&path.display().to_string()));
            continue;
        }
        if let Err(ending) = check(source, sources, deny_warnings) {
            let before = failed.map_or(String::new(), |f| f.report().to_string());
            failed = Some(ending.after(&before));
        }
    }
    if let Some(ending) = failed {
        return Err(ending);
    }
    let sets: Result<Vec<(String, Dataset)>, _> = all.iter().map(|s| s.open_part().map(|d| (s.name(), d))).collect();
    let (merged, report) = merge_sources(all, sets.map_err(refused)?).map_err(|err| {
        // This is the command the footer would send a person to: say what failed instead.
        refused(match err {
            OpenError::Invalid { files, errors, hint: Some(_) } => {
                OpenError::Invalid { files, errors, hint: Some("the datasets do not merge".to_string()) }
            }
            other => other,
        })
    })?;
    let unjoined = &report.unjoined;
    let found = merge::likely_duplicates(&merged);
    let mut out = String::new();
    let names: Vec<&str> = merged.parts.iter().map(|p| p.name.as_str()).collect();
    let (e, r) = (merged.entities.len(), merged.relations.len());
    let _ = writeln!(out, "{}: merged, {e} entities, {r} relations", names.join(" + "));
    joins(&mut out, &merged);
    let (same, apart): (Vec<&merge::Unjoined>, Vec<_>) = unjoined.iter().partition(|u| u.same_dataset);
    let heading = "within one dataset (not joined: records of one dataset are one entity only by same_as):";
    list(
        &mut out,
        &diag::plural(same.len(), "shared registration number"),
        heading,
        same.iter().map(|u| {
            let [(dataset, a, _), (_, b, _)] = &u.records;
            format!("{dataset} `{a}` and `{b}`: {}", u.shared)
        }),
    );
    let heading =
        "between records of two kinds (not joined: one entity has one kind; correct the kind, or leave them apart):";
    list(
        &mut out,
        &diag::plural(apart.len(), "shared identifier"),
        heading,
        apart.iter().map(|u| {
            let [(set_a, a, kind_a), (set_b, b, kind_b)] = &u.records;
            format!("{set_a} `{a}` ({kind_a}) and {set_b} `{b}` ({kind_b}): {}", u.shared)
        }),
    );
    let heading = "renamed (an earlier dataset declares another document under the same id):";
    let renamed = report.renamed.iter().map(|r| format!("{} `{}` is `{}`", r.dataset, r.from, r.to));
    list(&mut out, &diag::plural(report.renamed.len(), "source"), heading, renamed);
    if found.is_empty() && unjoined.is_empty() {
        return emit(diag::visible_lines(&out).as_bytes());
    }
    let describe = |n: u32| {
        let e = merged.entity(n);
        let country = e.country().map_or(String::new(), |c| format!(", {c}"));
        format!("{} `{}` {} ({}{country})", part_of(&merged, n), e.id(), e.name(), e.kind())
    };
    let heading = "across datasets (same name and country; give both the same id or a same_as to make them one, or leave them apart):";
    let pairs = found.iter().map(|&(a, b)| format!("{}  ~  {}", describe(a), describe(b)));
    list(&mut out, &diag::plural(found.len(), "likely duplicate"), heading, pairs);
    // An FtM stream's countries are entities named by their ISO code (`kp`): the way to
    // make them another dataset's countries is the stream's mapping, not a same_as.
    let code = |n: u32| crate::data::ftm::is_country_code(merged.entities.id(n));
    let country = |n: u32| merged.entity(n).kind() == "country";
    let lines: Vec<String> = found
        .iter()
        .filter(|&&(a, b)| country(a) && country(b) && (code(a) || code(b)))
        .map(|&(a, b)| if code(b) { (a, b) } else { (b, a) })
        .map(|(named, coded)| format!("`{} = \"{}\"`", merged.entities.id(coded), merged.entities.id(named)))
        .collect();
    if !lines.is_empty() {
        let _ = writeln!(
            out,
            "  (an FtM stream's countries are its ISO codes: map them under [countries] in the ftm-mapping.toml beside it, {}, and its records take those countries)",
            lines.join(", ")
        );
    }
    let out = diag::visible_lines(&out).into_owned();
    // Shared registration numbers and look-alikes are warnings; the joins are not.
    if deny_warnings {
        return Err(Termination::Problems(out));
    }
    emit(out.as_bytes())
}

/// `count heading`, then the first [`LISTED`] of `items` a line each and how many more
/// there are; nothing when there are none.
fn list(out: &mut String, count: &str, heading: &str, items: impl ExactSizeIterator<Item = String>) {
    let n = items.len();
    if n == 0 {
        return;
    }
    let _ = writeln!(out, "{count} {heading}");
    for item in items.take(LISTED) {
        let _ = writeln!(out, "  {item}");
    }
    if n > LISTED {
        let _ = writeln!(out, "  ... and {} more", n - LISTED);
    }
}

/// Lists the records joined into entities by a rule other than a shared id (a shared id is
/// counted), each with the entity it joined and why.
fn joins(out: &mut String, merged: &Dataset) {
    let shared = merged.joins.iter().filter(|j| j.rule == Rule::SharedId).count();
    let mut declared: Vec<&Join> = merged.joins.iter().filter(|j| j.rule != Rule::SharedId).collect();
    declared.sort_by_key(|j| (Rule::NAMES.iter().position(|n| *n == j.rule.name()), j.entity));
    if shared > 0 {
        let _ = writeln!(out, "{} joined by a shared id", diag::plural(shared, "record"));
    }
    let heading = "joined by a declared identity (same_as) or a strong identifier:";
    let lines = declared.iter().map(|j| {
        let e = merged.entity(j.entity);
        let (entity, name, kind) = (e.id(), e.name(), e.kind());
        format!("{} `{}` joined {} `{entity}` {name} ({kind}): {}", j.dataset, j.id, part_of(merged, j.entity), j.rule)
    });
    list(out, &diag::plural(declared.len(), "record"), heading, lines);
}

/// The name of the dataset entity `n` of a merged graph is kept from.
fn part_of(merged: &Dataset, n: u32) -> &str {
    let part = merged.parts.partition_point(|p| p.entities <= n);
    merged.parts.get(part).map_or("", |p| p.name.as_str())
}
