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
use crate::data::{DataSource, Dataset, merge};
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
        if let Err(ending) = check(source, sources, deny_warnings) {
            let before = failed.map_or(String::new(), |f| f.report().to_string());
            failed = Some(ending.after(&before));
        }
    }
    if let Some(ending) = failed {
        return Err(ending);
    }
    let sets: Result<Vec<(String, Dataset)>, _> = all.iter().map(|s| s.open(|_| {}).map(|d| (s.name(), d))).collect();
    let merged = merge::merge(sets.map_err(refused)?).map_err(Termination::problem)?;
    let found = merge::likely_duplicates(&merged);
    let mut out = String::new();
    let names: Vec<&str> = merged.parts.iter().map(|p| p.name.as_str()).collect();
    let (e, r) = (merged.entities.len(), merged.relations.len());
    let _ = writeln!(out, "{}: merged, {e} entities, {r} relations", names.join(" + "));
    if found.is_empty() {
        return emit(out.as_bytes());
    }
    let _ = writeln!(
        out,
        "{} across datasets (same name and country; give both the same id to make them one, or leave them apart):",
        diag::plural(found.len(), "likely duplicate")
    );
    let describe = |n: u32| {
        let e = merged.entity(n);
        let part = merged.parts.partition_point(|p| p.entities <= n);
        let country = e.country().map_or(String::new(), |c| format!(", {c}"));
        format!("{} `{}` {} ({}{country})", merged.parts[part].name, e.id(), e.name(), e.kind())
    };
    for &(a, b) in found.iter().take(LISTED) {
        let _ = writeln!(out, "  {}  ~  {}", describe(a), describe(b));
    }
    if found.len() > LISTED {
        let _ = writeln!(out, "  ... and {} more", found.len() - LISTED);
    }
    let out = diag::visible_lines(&out).into_owned();
    if deny_warnings {
        return Err(Termination::Problems(out));
    }
    emit(out.as_bytes())
}
