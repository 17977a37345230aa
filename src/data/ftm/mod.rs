//! FollowTheMoney entity streams to a [`Dataset`]: one JSON object a line (`{id, schema,
//! properties, datasets, ...}`, the form OpenSanctions publishes as `entities.ftm.json`).
//!
//! Entities come first (the first pass reads every line, keeps the things, `things.rs`,
//! and remembers where the links are), then links (`links.rs`), so a link may name an
//! entity written after it; `lines.rs` reads the lines. What each schema becomes is [`mapping`]'s table, overridden by `ftm-mapping.toml` beside the
//! stream; which properties are read and how is [`record`]'s. Nothing is dropped
//! silently: records of schemata the mapping leaves out, links whose end was left out,
//! property values the import does not read and values beyond the one a field keeps (a
//! relation's dates, a record's page) are counted into warnings. Evidence of an
//! imported record is the record itself ([`crate::model::Record`]: its dataset, its id
//! and its `sourceUrl`); each dataset a record names becomes a source.
//!
//! Bad input is located like every other loader's (file and line, a caret on the value):
//! a line that is not JSON or not an FtM entity, an empty or blank id, an unknown schema,
//! a date FtM would reject (a time out of range too), an unknown country code, a link
//! whose end is no entity of the stream, a line that is not UTF-8 or is longer than
//! [`MAX_LINE`] (`lines.rs`, which passes over a byte order mark opening the stream). A
//! stream named on the command line is not held: it is read line by line, twice (things,
//! then the links, whose places the first pass keeps), and a stream changed between the
//! two reads is reported, not mixed. Diagnostics read the lines they show again
//! (`diag::Stream`). serde_json limits nesting to 128 levels.

mod countries;
mod lines;
mod links;
pub mod mapping;
mod record;
mod things;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io;
use std::ops::ControlFlow::{self, Break, Continue};
use std::ops::Range;
use std::sync::Arc;

use rustc_hash::FxHashSet;

use self::lines::{Lines, Next};
use self::mapping::{Mapping, SchemaDef, Shape};
use self::record::Line;
use super::{DataFiles, Dataset};
use crate::diag::{Diagnostic, FileId, Location, SourceFile, Stream, visible};
use crate::model::{AttrValue, Attrs, KindDef};

/// Reads the FtM streams of `files` (with its `ftm-mapping.toml`, when there is one) into
/// a dataset, with every problem found.
pub fn load(files: &DataFiles) -> (Dataset, Vec<Diagnostic>) {
    let mut diags = files.unread.clone();
    let mapping_file = files.ftm_mapping.map(|id| (id, files.map.get(id).text.as_str()));
    let mapping = Mapping::read(mapping_file, &mut diags);
    let mut import = Import { mapping, diags, ..Import::default() };
    for &file in &files.ftm {
        let source = files.map.get(file);
        import.stream(file, source, stem(&source.name));
    }
    import.finish()
}

/// Whether `id` is a country code FtM knows (`kp`): the id the import gives a country
/// entity unless `ftm-mapping.toml` names another.
pub fn is_country_code(id: &str) -> bool {
    countries::find(id).is_some()
}

/// The longest line of a stream that is read (OpenSanctions' longest records are far shorter).
pub const MAX_LINE: usize = 16 << 20;

/// The files of one FtM stream named `name` (a path, as diagnostics name it), held as
/// `text`, with the text of the `ftm-mapping.toml` beside it (named `mapping_name`) when
/// there is one.
pub fn stream_files(name: String, text: String, mapping: Option<(String, String)>) -> DataFiles {
    let mut files = mapping_files(&name, mapping);
    files.ftm.push(files.map.add(name, text));
    files
}

/// The files of one FtM stream on disk, read line by line when it is imported.
pub fn stream_file(name: String, stream: Stream, mapping: Option<(String, String)>) -> DataFiles {
    let mut files = mapping_files(&name, mapping);
    files.ftm.push(files.map.add_stream(name, stream));
    files
}

fn mapping_files(name: &str, mapping: Option<(String, String)>) -> DataFiles {
    let mut files = DataFiles { root: name.to_string(), ..DataFiles::default() };
    if let Some((mapping_name, mapping)) = mapping {
        files.ftm_mapping = Some(files.map.add(mapping_name, mapping));
    }
    files
}

/// Which read of a stream: the first reads things and reports what cannot be read, the
/// second reads the links the first found.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pass {
    First,
    Second,
}

/// The dataset a record without `datasets` belongs to: the stream's file name without its
/// extensions (`sanctions` for `data/sanctions.ftm.json`).
fn stem(name: &str) -> String {
    let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
    file.split('.').next().filter(|s| !s.is_empty()).unwrap_or(file).to_string()
}

/// The import under way: the dataset so far, the problems, and what was left out.
#[derive(Default)]
struct Import {
    mapping: Mapping,
    data: Dataset,
    diags: Vec<Diagnostic>,
    /// Ids of things whose schema is not imported: links to them are counted, not refused.
    skipped: FxHashSet<Box<str>>,
    /// The datasets declared as sources so far (OpenSanctions names hundreds), each name
    /// held once and shared by the evidence of every record of the dataset.
    datasets: FxHashSet<Arc<str>>,
    /// The source addresses read so far, each held once (most datasets cite a few pages).
    urls: FxHashSet<Arc<str>>,
    /// The country entity ids used so far, each held once.
    countries: FxHashSet<Arc<str>>,
    /// Ids of things refused for an error: links to them are not reported again.
    refused: FxHashSet<Box<str>>,
    /// Records not imported, by schema: how many and where the first is.
    left_schemata: BTreeMap<String, (u64, Location)>,
    /// Links not imported because an end was not, by schema.
    left_links: BTreeMap<&'static str, (u64, Location)>,
    /// Property values not read, by `Schema.property`.
    left_props: BTreeMap<String, (u64, Location)>,
    /// Values of a property read for one value (a relation's dates, a record's page) beyond
    /// the one kept, by `Schema.property`.
    left_values: BTreeMap<String, (u64, Location)>,
    /// The authorities each instrument holds, by the instrument's id (see `links.rs`).
    authorities: rustc_hash::FxHashMap<Box<str>, Vec<String>>,
}

/// Where a line is and what it says, while it is imported.
struct At<'a> {
    file: FileId,
    span: Range<usize>,
    body: &'a str,
    def: &'static SchemaDef,
    line: Line<'a>,
    /// The default dataset of the stream.
    stem: &'a str,
}

impl At<'_> {
    fn location(&self) -> Location {
        Location::new(self.file, self.span.clone())
    }

    /// Where `value` of `prop` is written on the line: the value, else the property, else the line.
    fn place(&self, prop: &str, value: &str) -> Location {
        let found =
            if value.is_empty() { None } else { self.body.find(&format!("\"{value}\"")).map(|i| (i + 1, value.len())) };
        let found = found.or_else(|| self.body.find(&format!("\"{prop}\"")).map(|i| (i, prop.len() + 2)));
        match found {
            Some((i, len)) => Location::new(self.file, self.span.start + i..self.span.start + i + len),
            None => self.location(),
        }
    }
}

impl Import {
    /// Both passes over one stream: things, then the links the first pass found.
    fn stream(&mut self, file: FileId, source: &SourceFile, stem: String) {
        let mut links = Vec::new();
        let read = self.each_line(file, source, Pass::First, |import, span, body| {
            if let Some(at) = import.read(file, span.clone(), body, &stem) {
                match at.def.shape {
                    Shape::Thing => import.thing(&at),
                    Shape::Edge { .. } | Shape::Sanction => links.push(span),
                    Shape::Other => import.leave(&at),
                }
            }
            Continue(())
        });
        if !read || links.is_empty() {
            return;
        }
        let mut pending = links.into_iter().peekable();
        self.each_line(file, source, Pass::Second, |import, span, body| {
            let Some(wanted) = pending.peek() else { return Break(()) };
            if span.start < wanted.start {
                return Continue(());
            }
            if span != *wanted {
                // The file is not what the first read saw.
                import.diags.push(changed(file, span));
                return Break(());
            }
            pending.next();
            if let Some(at) = import.read(file, span, body, &stem) {
                import.link(&at);
            }
            if pending.peek().is_some() { Continue(()) } else { Break(()) }
        });
    }

    /// Calls `each` with every line of the stream until it breaks; whether the stream could
    /// be read as far as `each` wanted. Lines that cannot be read are reported by the first pass.
    fn each_line(
        &mut self,
        file: FileId,
        source: &SourceFile,
        pass: Pass,
        mut each: impl FnMut(&mut Self, Range<usize>, &str) -> ControlFlow<()>,
    ) -> bool {
        let unreadable = |err: io::Error| {
            Diagnostic::error(format!("cannot read {}: {}", visible(&source.name), err))
                .help("check that the file is there and readable, and not being written")
        };
        let mut lines = match Lines::open(source) {
            Ok(lines) => lines,
            Err(err) => {
                self.diags.push(unreadable(err));
                return false;
            }
        };
        loop {
            match lines.next(file) {
                Ok(Next::Line(span, body)) => {
                    if each(self, span, body).is_break() {
                        return true;
                    }
                }
                Ok(Next::Bad(diag)) if pass == Pass::First => self.diags.push(diag),
                Ok(Next::Bad(_)) => {}
                Ok(Next::End) => return true,
                Err(err) => {
                    self.diags.push(unreadable(err));
                    return false;
                }
            }
        }
    }

    /// A line read as an entity of a known schema, or its problem reported.
    fn read<'a>(&mut self, file: FileId, span: Range<usize>, body: &'a str, stem: &'a str) -> Option<At<'a>> {
        let help = "each line of an FtM stream is one object: {\"id\": ..., \"schema\": ..., \"properties\": {\"name\": [...]}}";
        if !body.trim_start().starts_with('{') {
            // Not an object: say whether it is JSON at all (serde's first complaint about
            // plain text, "expected ident", would not tell).
            let what = match serde_json::from_str::<serde::de::IgnoredAny>(body) {
                Ok(_) => "this line is not an FtM entity: it is not an object",
                Err(_) => "this line is not JSON",
            };
            let start = span.start + (body.len() - body.trim_start().len());
            self.diags.push(Diagnostic::error(what).at(Location::new(file, start..start + 1), "here").help(help));
            return None;
        }
        let line: Line = match serde_json::from_str(body) {
            Ok(line) => line,
            Err(err) => {
                let column = if err.line() == 1 { err.column().saturating_sub(1).min(body.len()) } else { 0 };
                let start = span.start + column;
                let end = (start + 1).min(span.end).max(start);
                let what = if err.is_syntax() || err.is_eof() {
                    "this line is not JSON"
                } else {
                    "this line is not an FtM entity"
                };
                self.diags.push(
                    Diagnostic::error(format!("{what}: {}", visible(&without_place(&err))))
                        .at(Location::new(file, start..end), "here")
                        .help(help),
                );
                return None;
            }
        };
        if line.id.trim().is_empty() {
            let what = if line.id.is_empty() { "empty" } else { "blank" };
            let place = body.find("\"id\"").map_or(span.clone(), |i| span.start + i..span.start + i + 4);
            self.diags.push(
                Diagnostic::error(format!("this entity's id is {what}"))
                    .at(Location::new(file, place), "this id")
                    .help("each entity of an FtM stream has an id of its own that links and other datasets name it by"),
            );
            return None;
        }
        let Some(def) = mapping::schema(&line.schema) else {
            let at = At { file, span: span.clone(), body, def: &mapping::SCHEMATA[0], line, stem };
            let place = at.place("schema", &at.line.schema);
            self.diags
                .push(mapping::unknown_schema(&at.line.schema, place).help(mapping::schema_help(&at.line.schema)));
            return None;
        };
        let at = At { file, span, body, def, line, stem };
        if self.check_dates(&at) {
            return Some(at);
        }
        self.refuse(&at);
        None
    }

    /// Whether every date the record holds is one FtM accepts; each that is not is reported.
    fn check_dates(&mut self, at: &At) -> bool {
        let mut ok = true;
        for prop in record::DATES {
            for value in at.line.properties.get(prop) {
                if let Err(why) = record::date(value) {
                    ok = false;
                    self.diags.push(
                        Diagnostic::error(format!("`{prop}` is not a date FtM accepts: {why}"))
                            .at(at.place(prop, value), "this date")
                            .help("write dates as YYYY, YYYY-MM, YYYY-MM-DD, or with a time: 2016-06-01T10:00:00"),
                    );
                }
            }
        }
        ok
    }

    /// A thing refused for an error (already reported).
    fn refuse(&mut self, at: &At) {
        if matches!(at.def.shape, Shape::Thing) {
            self.refused.insert(at.line.id.as_ref().into());
        }
    }

    /// A record the mapping leaves out, counted.
    fn leave(&mut self, at: &At) {
        if matches!(at.def.shape, Shape::Thing) {
            self.skipped.insert(at.line.id.as_ref().into());
        }
        let place = at.place("schema", at.def.name);
        let left = self.left_schemata.entry(at.def.name.to_string()).or_insert((0, place));
        left.0 += 1;
    }

    /// Counts `n` values of `prop` that were read but not kept (none when `n` is 0).
    fn more_values(&mut self, at: &At, prop: &str, n: usize) {
        if n > 0 {
            let key = format!("{}.{prop}", at.def.name);
            self.left_values.entry(key).or_insert_with(|| (0, at.place(prop, ""))).0 += n as u64;
        }
    }

    /// Counts the values of every property not in `used`, and the pages after the first
    /// (evidence names one).
    fn count_unread(&mut self, at: &At, used: &[&[&str]]) {
        self.more_values(at, record::SOURCE_URL, at.line.properties.get(record::SOURCE_URL).len().saturating_sub(1));
        for (prop, values) in &at.line.properties.0 {
            let read = prop == record::SOURCE_URL || used.iter().any(|list| list.contains(&prop.as_ref()));
            if !read {
                let key = format!("{}.{prop}", at.def.name);
                self.left_props.entry(key).or_insert_with(|| (0, at.place(prop, ""))).0 += values.len() as u64;
            }
        }
    }

    /// The kind named `name`, declared on first use.
    fn kind(&mut self, name: &str) -> u16 {
        let kinds = &mut self.data.schema.kinds;
        if let Some(i) = kinds.iter().position(|k| k.name == name) {
            return i as u16;
        }
        let description = format!("Imported from FollowTheMoney ({name}).");
        kinds.push(KindDef { name: name.to_string(), description, shape: None, color: None });
        (kinds.len() - 1) as u16
    }

    /// The dataset, with what was left out said as warnings.
    fn finish(mut self) -> (Dataset, Vec<Diagnostic>) {
        self.data.entities.shrink_to_fit();
        self.data.relations.shrink_to_fit();
        let help = "map the schema in ftm-mapping.toml beside the stream (see the README's mapping table)";
        left_out(
            &mut self.diags,
            &self.left_schemata,
            "records of schemata the mapping does not import were left out",
            help,
        );
        let links: BTreeMap<String, _> = self.left_links.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        left_out(&mut self.diags, &links, "links whose end was left out were left out too", help);
        let help = "these properties are not read by the import; the README lists those it reads";
        left_out(
            &mut self.diags,
            &self.left_props,
            "values of properties the import does not read were left out",
            help,
        );
        let help = "a relation holds one start (the earliest, as FtM's timeline takes), one end (the latest) \
            and one date (the earliest), and evidence one page (the first); a designation's instrument keeps \
            the authorities of its first record";
        left_out(&mut self.diags, &self.left_values, "values beyond the one kept were left out", help);
        (self.data, self.diags)
    }
}

/// `text` as held in `set`: the one copy, added on first use.
fn shared(set: &mut FxHashSet<Arc<str>>, text: &str) -> Arc<str> {
    if let Some(held) = set.get(text) {
        return Arc::clone(held);
    }
    let held: Arc<str> = text.into();
    set.insert(Arc::clone(&held));
    held
}

/// A serde_json error without its " at line 1 column N" (the caret shows where).
fn without_place(err: &serde_json::Error) -> String {
    let text = err.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// One warning counting what was left out, by name, at the first place.
fn left_out(diags: &mut Vec<Diagnostic>, left: &BTreeMap<String, (u64, Location)>, what: &str, help: &str) {
    let Some(first) = left.values().map(|(_, at)| at.clone()).min_by_key(|at| at.span.start) else { return };
    let total: u64 = left.values().map(|(n, _)| n).sum();
    let mut by: Vec<(&String, u64)> = left.iter().map(|(k, (n, _))| (k, *n)).collect();
    by.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut list: Vec<String> = by.iter().take(12).map(|(k, n)| format!("{} ({n})", visible(k))).collect();
    if by.len() > 12 {
        list.push(format!("and {} more", by.len() - 12));
    }
    diags.push(Diagnostic::warning(format!("{what} ({total}): {}", list.join(", "))).at(first, "the first").help(help));
}

/// Adds `value` to attribute `name`, making a list of a second value.
fn push_attr(attrs: &mut Attrs, name: &str, value: String) {
    match attrs.get_mut(name) {
        None => {
            attrs.insert(name.to_string(), AttrValue::Text(value));
        }
        Some(AttrValue::List(items)) => items.push(AttrValue::Text(value)),
        Some(first) => {
            let was = std::mem::replace(first, AttrValue::List(Vec::new()));
            *first = AttrValue::List(vec![was, AttrValue::Text(value)]);
        }
    }
}

/// The record's notes, summaries, descriptions and reasons, one paragraph each.
fn note(at: &At) -> Option<String> {
    let parts: Vec<&str> = record::NOTES.iter().flat_map(|p| at.line.properties.get(p)).map(Cow::as_ref).collect();
    (!parts.is_empty()).then(|| parts.join("\n"))
}

/// The error of a stream that changed between the two reads of the import.
fn changed(file: FileId, span: Range<usize>) -> Diagnostic {
    Diagnostic::error("the stream changed while it was read")
        .at(Location::new(file, span), "not the line read before")
        .help("import it again once it is written in full")
}
