//! The checks of the files that declare the vocabulary and the documents: schema.toml
//! (kinds with their picture style, relations with the kinds at their ends) and
//! sources.toml. Only TOML declares them, so these report as they go. Each also says
//! whether the file declared everything it was meant to ([`Declared`]): when it did not,
//! a name it would have declared may be missing, and the loader does not report what uses
//! such a name as if the data were wrong.

use std::collections::HashSet;

use toml::Spanned;

use super::Field;
use super::report::{empty, error, unknown};
use crate::data::DataFiles;
use crate::data::parse::{self, Record, Text};
use crate::diag::{Diagnostic, FileId};
use crate::model::{KindDef, RelDef, RelRole, Schema, Source};
use crate::style;
use crate::suggest::{did_you_mean, help_for_unknown};

/// Whether a text that must say something does; reports it if not.
fn non_empty(diags: &mut Vec<Diagnostic>, file: FileId, text: &Text, what: &str) -> bool {
    if !text.get_ref().trim().is_empty() {
        return true;
    }
    diags.push(empty(file, &Field::of(text), what));
    false
}

/// What a declaring file gave, and whether it gave all of it: false when a table name is
/// misspelt, the TOML has a syntax error, or a declaration was dropped (it failed to
/// decode, or its name or id is blank).
pub struct Declared<T> {
    pub value: T,
    pub complete: bool,
}

/// The vocabulary schema.toml declares, with every problem in it reported.
pub fn schema(diags: &mut Vec<Diagnostic>, files: &DataFiles, file: FileId) -> Declared<Schema> {
    let text = &files.map.get(file).text;
    let parse::Tables { root, complete: parsed, misspelt } = parse::tables(file, text, &["kind", "relation"], diags);
    // Misspelt tables (`[[kinds]]`) are reported; what they hold is not declared here.
    let parsed = parsed && misspelt.is_empty();
    let raw_kinds = parse::decode_table::<parse::RawKind>(file, &root, "kind", &parse::KIND_FIELDS, !parsed, diags);
    let raw_rels =
        parse::decode_table::<parse::RawRelDef>(file, &root, "relation", &parse::REL_DEF_FIELDS, !parsed, diags);
    let mut complete = parsed && raw_kinds.complete && raw_rels.complete;
    let mut schema = Schema::default();
    let mut seen = HashSet::new();
    for Record { value: k, .. } in raw_kinds.records {
        if !non_empty(diags, file, &k.name, "kind name") {
            complete = false;
            continue;
        }
        if !seen.insert(k.name.get_ref().clone()) {
            let msg = format!("kind `{}` is declared twice", k.name.get_ref());
            diags.push(error(
                file,
                k.name.span(),
                msg,
                "declared again here",
                "remove one of the two declarations".into(),
            ));
            continue;
        }
        let shape = k.shape.filter(|s| check_shape(diags, file, s)).map(Spanned::into_inner);
        let color = k.color.filter(|c| check_color(diags, file, c)).map(Spanned::into_inner);
        schema.kinds.push(KindDef { name: k.name.into_inner(), description: k.description, shape, color });
    }
    let kind_names: Vec<String> = schema.kinds.iter().map(|k| k.name.clone()).collect();
    let mut seen = HashSet::new();
    for Record { value: r, .. } in raw_rels.records {
        if !non_empty(diags, file, &r.name, "relation name") {
            complete = false;
            continue;
        }
        if r.name.get_ref() == crate::data::identity::SAME_AS {
            let msg = "relation kind `same_as` is built in: it says two records are one entity".to_string();
            let help = "remove this declaration (a same_as needs none), or give your relation kind another name";
            diags.push(error(file, r.name.span(), msg, "reserved", help.into()));
            continue;
        }
        if !seen.insert(r.name.get_ref().clone()) {
            let msg = format!("relation `{}` is declared twice", r.name.get_ref());
            diags.push(error(
                file,
                r.name.span(),
                msg,
                "declared again here",
                "remove one of the two declarations".into(),
            ));
            continue;
        }
        let from = kind_list(diags, file, &kind_names, complete, r.from);
        let to = kind_list(diags, file, &kind_names, complete, r.to);
        let role = r.role.map_or(RelRole::Substantive, |text| role(diags, file, &text));
        schema.relations.push(RelDef {
            name: r.name.into_inner(),
            from,
            to,
            directed: r.directed,
            reads: r.reads.into_inner(),
            inverse: r.inverse.into_inner(),
            description: r.description,
            role,
        });
    }
    Declared { value: schema, complete }
}

/// A relation's `role`: `substantive` or `commentary`. An unknown word is reported and
/// read as substantive, so searches still walk the relation.
fn role(diags: &mut Vec<Diagnostic>, file: FileId, text: &Text) -> RelRole {
    RelRole::named(text.get_ref()).unwrap_or_else(|| {
        let help = help_for_unknown(text.get_ref(), RelRole::NAMES.iter().copied(), "roles");
        let msg = format!("unknown role `{}`", text.get_ref());
        diags.push(error(file, text.span(), msg, "not a role", help));
        RelRole::Substantive
    })
}

/// A kind's `shape` must be one kgq accepts; returns whether it is.
fn check_shape(diags: &mut Vec<Diagnostic>, file: FileId, text: &Text) -> bool {
    let shape = text.get_ref();
    if style::SHAPES.contains(&shape.as_str()) {
        return true;
    }
    let help = if shape.eq_ignore_ascii_case("record") || shape.eq_ignore_ascii_case("mrecord") {
        "record shapes read braces and bars in a name as fields, so kgq does not draw them; try `box`".to_string()
    } else {
        help_for_unknown(shape, style::SHAPES.iter().copied(), "shapes")
    };
    diags.push(error(file, text.span(), format!("unknown shape `{shape}`"), "not a shape kgq draws", help));
    false
}

/// A kind's `color` must be `#rrggbb` or an accepted colour name; returns whether it is.
fn check_color(diags: &mut Vec<Diagnostic>, file: FileId, text: &Text) -> bool {
    let color = text.get_ref();
    if style::is_color(color) {
        return true;
    }
    let help = match (color.starts_with('#'), did_you_mean(color, style::COLOR_NAMES.iter().copied())) {
        (true, _) => "write `#` and six hex digits, e.g. \"#fde68a\"".to_string(),
        (false, Some(name)) => format!("did you mean `{name}`?"),
        (false, None) => format!("write `#rrggbb`, e.g. \"#fde68a\", or one of: {}", style::COLOR_NAMES.join(", ")),
    };
    diags.push(error(file, text.span(), format!("invalid colour `{color}`"), "not a colour", help));
    false
}

/// A from/to list of kinds; `"*"` (any kind) becomes the empty list. When the kinds were
/// not all read (`complete` is false), a kind not found may be one that failed to decode,
/// so it is not reported; the end is left unchecked.
fn kind_list(
    diags: &mut Vec<Diagnostic>,
    file: FileId,
    kinds: &[String],
    complete: bool,
    list: Vec<Text>,
) -> Vec<String> {
    if list.iter().any(|k| k.get_ref() == "*") {
        return Vec::new();
    }
    let mut all_known = true;
    for k in &list {
        if !kinds.contains(k.get_ref()) {
            if complete {
                diags.push(unknown(file, k.get_ref(), k.span(), "kind", kinds.iter().map(String::as_str)));
            }
            all_known = false;
        }
    }
    // With a misspelt kind in the list, checking relations against it would only repeat the
    // error at every use; the end is left unchecked until the schema is fixed.
    if !all_known {
        return Vec::new();
    }
    list.into_iter().map(Spanned::into_inner).collect()
}

/// The documents sources.toml declares, with every problem in it reported.
pub fn sources(diags: &mut Vec<Diagnostic>, files: &DataFiles, file: FileId) -> Declared<Vec<Source>> {
    let text = &files.map.get(file).text;
    let mut out: Vec<Source> = Vec::new();
    let parsed = parse::records::<parse::RawSource>(file, text, "source", &parse::SOURCE_FIELDS, diags);
    let mut complete = parsed.complete;
    for Record { value: s, location, .. } in parsed.records {
        if !non_empty(diags, file, &s.id, "source id") || !non_empty(diags, file, &s.title, "title") {
            complete = false;
            continue;
        }
        if out.iter().any(|o| o.id == *s.id.get_ref()) {
            let msg = format!("source `{}` is declared twice", s.id.get_ref());
            diags.push(error(file, s.id.span(), msg, "declared again here", "give each source its own id".into()));
            continue;
        }
        out.push(Source {
            id: s.id.into_inner(),
            title: s.title.into_inner(),
            publisher: s.publisher,
            date: s.date,
            file: s.file.into_inner(),
            origin: location,
        });
    }
    Declared { value: out, complete }
}
