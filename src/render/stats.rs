//! `kgq stats` as aligned text (names padded by terminal columns, like tables).

use std::fmt::Write as _;

use unicode_width::UnicodeWidthStr;

use crate::graph::Stats;

pub fn text(stats: &Stats) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} entities, {} relations\n", stats.entities, stats.relations);
    if !stats.datasets.is_empty() {
        let width = stats.datasets.iter().map(|(name, ..)| name.width()).max().unwrap_or(0);
        let _ = writeln!(
            out,
            "by dataset (what each added; an entity joined from several records counts for the dataset of the one it keeps)"
        );
        let _ = writeln!(out, "  {}  {:>8} {:>9}", super::table::pad("dataset", width), "entities", "relations");
        for (name, e, r) in &stats.datasets {
            let _ = writeln!(out, "  {}  {e:>8} {r:>9}", super::table::pad(name, width));
        }
        out.push('\n');
    }
    if !stats.joins.is_empty() {
        let by: Vec<String> = stats.joins.iter().map(|(rule, n)| format!("{n} by {rule}")).collect();
        let _ = writeln!(out, "records joined into entities: {} (`kgq check` lists them)\n", by.join(", "));
    }
    section(&mut out, "entities by kind", &stats.entities_by_kind);
    section(&mut out, "relations by kind", &stats.relations_by_rel);
    let _ = writeln!(out, "evidence by source");
    // The id column is as wide as the longest id (a dataset's name may be long).
    let w = stats.sources.iter().map(|s| s.id.width()).max().unwrap_or(0).max("source".len());
    let pad = |id: &str| format!("{id}{}", " ".repeat(w - id.width()));
    let _ = writeln!(
        out,
        "  {} {:>8} {:>9} {:>8} {:>6}  title",
        pad("source"),
        "entities",
        "relations",
        "locators",
        "lines"
    );
    for s in &stats.sources {
        let _ = writeln!(
            out,
            "  {} {:>8} {:>9} {:>8} {:>6}  {}",
            pad(&s.id),
            s.entities,
            s.relations,
            s.locators,
            s.lines,
            s.title
        );
    }
    out
}

fn section(out: &mut String, title: &str, rows: &[(String, usize)]) {
    let width = rows.iter().map(|(name, _)| name.width()).max().unwrap_or(0);
    let _ = writeln!(out, "{title}");
    for (name, count) in rows {
        let _ = writeln!(out, "  {}  {count:>5}", super::table::pad(name, width));
    }
    out.push('\n');
}
