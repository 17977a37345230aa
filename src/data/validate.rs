//! Raw records to a validated [`Dataset`]: schema and reference checks, dates, evidence
//! locators, name claims. Every problem becomes a located [`Diagnostic`]; nothing stops at
//! the first one.

use std::collections::{BTreeMap, HashMap, HashSet};

use toml::Spanned;

use super::bulk;
use super::parse::{self, RawEntity, RawEvidence, RawRelation, Record, Text};
use super::{DataFiles, Dataset};
use crate::diag::{Diagnostic, FileId, Location};
use crate::model::{
    AttrValue, Attrs, Entity, Evidence, KindDef, PartialDate, RelDef, Relation, Schema, Source, Status,
};
use crate::style;
use crate::suggest::{did_you_mean, help_for_unknown, nearest};

/// Anchor phrases are short: the data stores facts, never whole sentences.
pub const MAX_QUOTE_WORDS: usize = 12;

/// Collects diagnostics while records are checked.
struct Checker {
    diags: Vec<Diagnostic>,
}

impl Checker {
    fn error(&mut self, file: FileId, text: &Text, message: String, label: &str, help: String) {
        let loc = Location::new(file, text.span());
        self.diags.push(Diagnostic::error(message).at(loc, label).help(help));
    }

    fn non_empty(&mut self, file: FileId, text: &Text, what: &str) -> bool {
        if !text.get_ref().trim().is_empty() {
            return true;
        }
        self.error(file, text, format!("empty {what}"), "empty", format!("give the {what} a value, or remove it"));
        false
    }
}

/// Checks every record of every file; returns what is valid and every problem found.
pub fn validate(files: &DataFiles) -> (Dataset, Vec<Diagnostic>) {
    let mut ck = Checker { diags: files.stray_warnings() };
    let mut raw_entities = Vec::new();
    for &file in &files.entities {
        raw_entities.extend(read_records(files, file, &mut ck.diags, bulk::entities, |text, d| {
            parse::records::<RawEntity>(file, text, "entity", &parse::ENTITY_FIELDS, d)
        }));
    }
    let mut raw_relations = Vec::new();
    for &file in &files.relations {
        raw_relations.extend(read_records(files, file, &mut ck.diags, bulk::relations, |text, d| {
            parse::records::<RawRelation>(file, text, "relation", &parse::RELATION_FIELDS, d)
        }));
    }
    let schema = match files.schema {
        Some(f) => schema(&mut ck, files, f),
        None => infer_schema(&raw_entities, &raw_relations),
    };
    let sources = match files.sources {
        Some(f) => sources(&mut ck, files, f),
        // Bulk imports may come without documents; curated TOML always cites some.
        None if !files.has_toml() => Vec::new(),
        None => {
            ck.diags.push(
                Diagnostic::error("the graph-data folder has no sources.toml")
                    .help("declare the documents that evidence cites in sources.toml, as [[source]] tables"),
            );
            Vec::new()
        }
    };
    let source_ids: Vec<&str> = sources.iter().map(|s| s.id.as_str()).collect();
    let mut refs = Vec::new();
    let mut entities = Vec::with_capacity(raw_entities.len());
    for (file, rec) in raw_entities {
        entities.extend(entity(&mut ck, &schema, &source_ids, file, rec, &mut refs));
    }
    let entities = unique_ids(&mut ck, files, entities);
    check_name_claims(&mut ck, files, &entities);
    let lookup = Lookup {
        by_id: entities.iter().map(|e| (e.id.as_str(), e)).collect(),
        names: std::cell::OnceCell::new(),
        entities: &entities,
    };
    for r in &refs {
        check_ref(&mut ck, &lookup, r.file, &r.text, &r.kinds, &|| r.role.clone());
    }
    let mut relations = Vec::with_capacity(raw_relations.len());
    for (file, rec) in raw_relations {
        relations.extend(relation(&mut ck, &schema, &source_ids, file, rec, &lookup));
    }
    drop(lookup);
    let dataset = Dataset { schema, sources, entities, relations };
    ck.diags.extend(coverage_warnings(&dataset));
    (dataset, ck.diags)
}

/// Reads a bulk file's records of one type.
type BulkReader<T> = fn(FileId, &str, &str, &mut Vec<Diagnostic>) -> Vec<Record<T>>;

/// A file's records, from TOML or a bulk format, each with its file.
fn read_records<T>(
    files: &DataFiles,
    file: FileId,
    diags: &mut Vec<Diagnostic>,
    bulk_reader: BulkReader<T>,
    toml_reader: impl FnOnce(&str, &mut Vec<Diagnostic>) -> Vec<Record<T>>,
) -> Vec<(FileId, Record<T>)> {
    let source = files.map.get(file);
    let records = if bulk::is_bulk(&source.name) {
        bulk_reader(file, &source.name, &source.text, diags)
    } else {
        toml_reader(&source.text, diags)
    };
    records.into_iter().map(|r| (file, r)).collect()
}

/// Without schema.toml (a bulk import), the kinds and relations are the ones the data uses,
/// each relation allowed between any kinds.
fn infer_schema(entities: &[(FileId, Record<RawEntity>)], relations: &[(FileId, Record<RawRelation>)]) -> Schema {
    let mut schema = Schema::default();
    let mut seen = HashSet::new();
    for (_, r) in entities {
        let kind = r.value.kind.get_ref();
        if !kind.trim().is_empty() && seen.insert(kind.clone()) {
            schema.kinds.push(KindDef { name: kind.clone(), description: String::new(), shape: None, color: None });
        }
    }
    let mut seen = HashSet::new();
    for (_, r) in relations {
        let rel = r.value.rel.get_ref();
        if !rel.trim().is_empty() && seen.insert(rel.clone()) {
            schema.relations.push(RelDef {
                name: rel.clone(),
                from: Vec::new(),
                to: Vec::new(),
                directed: true,
                reads: rel.replace('_', " "),
                inverse: format!("is {} by", rel.replace('_', " ")),
                description: String::new(),
            });
        }
    }
    schema
}

fn schema(ck: &mut Checker, files: &DataFiles, file: FileId) -> Schema {
    let text = &files.map.get(file).text;
    let raw_kinds = parse::records::<parse::RawKind>(file, text, "kind", &parse::KIND_FIELDS, &mut ck.diags);
    let raw_rels = parse::records::<parse::RawRelDef>(file, text, "relation", &parse::REL_DEF_FIELDS, &mut ck.diags);
    // schema.toml holds two tables; each `records` call reports the other as unexpected.
    ck.diags.retain(|d| {
        !(d.message.starts_with("unexpected top-level key") && d.location.as_ref().is_some_and(|l| l.file == file))
    });
    report_unexpected_schema_keys(ck, file, text);
    let mut schema = Schema::default();
    let mut seen = HashSet::new();
    for Record { value: k, .. } in raw_kinds {
        if !ck.non_empty(file, &k.name, "kind name") {
            continue;
        }
        if !seen.insert(k.name.get_ref().clone()) {
            let msg = format!("kind `{}` is declared twice", k.name.get_ref());
            ck.error(file, &k.name, msg, "declared again here", "remove one of the two declarations".into());
            continue;
        }
        let shape = k.shape.filter(|s| check_shape(ck, file, s)).map(Spanned::into_inner);
        let color = k.color.filter(|c| check_color(ck, file, c)).map(Spanned::into_inner);
        schema.kinds.push(KindDef { name: k.name.into_inner(), description: k.description, shape, color });
    }
    let kind_names: Vec<String> = schema.kinds.iter().map(|k| k.name.clone()).collect();
    let mut seen = HashSet::new();
    for Record { value: r, .. } in raw_rels {
        if !ck.non_empty(file, &r.name, "relation name") {
            continue;
        }
        if !seen.insert(r.name.get_ref().clone()) {
            let msg = format!("relation `{}` is declared twice", r.name.get_ref());
            ck.error(file, &r.name, msg, "declared again here", "remove one of the two declarations".into());
            continue;
        }
        let from = kind_list(ck, file, &kind_names, r.from);
        let to = kind_list(ck, file, &kind_names, r.to);
        schema.relations.push(RelDef {
            name: r.name.into_inner(),
            from,
            to,
            directed: r.directed,
            reads: r.reads.into_inner(),
            inverse: r.inverse.into_inner(),
            description: r.description,
        });
    }
    schema
}

/// A kind's `shape` must be one kgq accepts; returns whether it is.
fn check_shape(ck: &mut Checker, file: FileId, text: &Text) -> bool {
    let shape = text.get_ref();
    if style::SHAPES.contains(&shape.as_str()) {
        return true;
    }
    let help = if shape.eq_ignore_ascii_case("record") || shape.eq_ignore_ascii_case("mrecord") {
        "record shapes read braces and bars in a name as fields, so kgq does not draw them; try `box`".to_string()
    } else {
        help_for_unknown(shape, style::SHAPES.iter().copied(), "shapes")
    };
    ck.error(file, text, format!("unknown shape `{shape}`"), "not a shape kgq draws", help);
    false
}

/// A kind's `color` must be `#rrggbb` or an accepted colour name; returns whether it is.
fn check_color(ck: &mut Checker, file: FileId, text: &Text) -> bool {
    let color = text.get_ref();
    if style::is_color(color) {
        return true;
    }
    let help = match (color.starts_with('#'), did_you_mean(color, style::COLOR_NAMES.iter().copied())) {
        (true, _) => "write `#` and six hex digits, e.g. \"#fde68a\"".to_string(),
        (false, Some(name)) => format!("did you mean `{name}`?"),
        (false, None) => format!("write `#rrggbb`, e.g. \"#fde68a\", or one of: {}", style::COLOR_NAMES.join(", ")),
    };
    ck.error(file, text, format!("invalid colour `{color}`"), "not a colour", help);
    false
}

fn report_unexpected_schema_keys(ck: &mut Checker, file: FileId, text: &str) {
    let (root, _) = toml::de::DeTable::parse_recoverable(text);
    for key in root.get_ref().keys() {
        let name: &str = key.get_ref().as_ref();
        if name != "kind" && name != "relation" {
            ck.diags.push(
                Diagnostic::error(format!("unexpected top-level key `{name}`"))
                    .at(Location::new(file, key.span()), "not expected in schema.toml")
                    .help("schema.toml holds `[[kind]]` and `[[relation]]` tables only"),
            );
        }
    }
}

/// A from/to list of kinds; `"*"` (any kind) becomes the empty list.
fn kind_list(ck: &mut Checker, file: FileId, kinds: &[String], list: Vec<Text>) -> Vec<String> {
    if list.iter().any(|k| k.get_ref() == "*") {
        return Vec::new();
    }
    let mut all_known = true;
    for k in &list {
        all_known &= check_known(ck, file, k, "kind", kinds.iter().map(String::as_str));
    }
    // With a misspelt kind in the list, checking relations against it would only repeat the
    // error at every use; the end is left unchecked until the schema is fixed.
    if !all_known {
        return Vec::new();
    }
    list.into_iter().map(Spanned::into_inner).collect()
}

/// Reports `text` if it is not among `known`, with a suggestion. Returns whether it is known.
fn check_known<'a>(
    ck: &mut Checker,
    file: FileId,
    text: &Text,
    what: &str,
    known: impl Iterator<Item = &'a str> + Clone,
) -> bool {
    let name = text.get_ref();
    if known.clone().any(|k| k == name) {
        return true;
    }
    let help = help_for_unknown(name, known, &plural_noun(what));
    ck.error(file, text, format!("unknown {what} `{name}`"), &format!("not a declared {what}"), help);
    false
}

fn sources(ck: &mut Checker, files: &DataFiles, file: FileId) -> Vec<Source> {
    let text = &files.map.get(file).text;
    let mut out: Vec<Source> = Vec::new();
    for Record { value: s, location, .. } in
        parse::records::<parse::RawSource>(file, text, "source", &parse::SOURCE_FIELDS, &mut ck.diags)
    {
        if !ck.non_empty(file, &s.id, "source id") || !ck.non_empty(file, &s.title, "title") {
            continue;
        }
        if out.iter().any(|o| o.id == *s.id.get_ref()) {
            let msg = format!("source `{}` is declared twice", s.id.get_ref());
            ck.error(file, &s.id, msg, "declared again here", "give each source its own id".into());
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
    out
}

fn is_slug(id: &str) -> bool {
    !id.is_empty()
        && id
            .split('-')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

/// A reference to another entity, checked once every entity is known.
struct PendingRef {
    file: FileId,
    text: Text,
    /// The kinds the referenced entity may have (empty: any).
    kinds: Vec<String>,
    /// How the reference reads in a message: "`country`", "the `from` end of `employs`".
    role: String,
}

fn entity(
    ck: &mut Checker,
    schema: &Schema,
    sources: &[&str],
    file: FileId,
    rec: Record<RawEntity>,
    refs: &mut Vec<PendingRef>,
) -> Option<Entity> {
    let Record { value: e, location, bulk: rec_bulk } = rec;
    let mut ok = ck.non_empty(file, &e.id, "id") && ck.non_empty(file, &e.name, "name");
    if ok && !is_slug(e.id.get_ref()) {
        let msg = format!("id `{}` is not a kebab-case slug", e.id.get_ref());
        ck.error(
            file,
            &e.id,
            msg,
            "not a slug",
            "use lower-case letters, digits and single hyphens, e.g. `korea-rungrado`".into(),
        );
        ok = false;
    }
    ok &= check_known(ck, file, &e.kind, "kind", schema.kinds.iter().map(|k| k.name.as_str()));
    for alias in &e.aliases {
        ok &= ck.non_empty(file, alias, "alias");
    }
    if let Some(country) = &e.country {
        let kinds = vec!["country".to_string()];
        refs.push(PendingRef { file, text: country.clone(), kinds, role: "`country`".into() });
    }
    let evidence = evidence_list(ck, sources, file, &location, e.evidence, "entity", rec_bulk);
    let attrs = attrs(ck, file, e.attrs);
    let (evidence, attrs) = (evidence?, attrs?);
    ok.then(|| Entity {
        id: e.id.into_inner(),
        kind: e.kind.into_inner(),
        name: e.name.into_inner().trim().to_string(),
        aliases: e.aliases.into_iter().map(|a| a.into_inner().trim().to_string()).collect(),
        country: e.country.map(Spanned::into_inner),
        attrs,
        note: e.note,
        evidence,
        origin: location,
    })
}

/// Drops the second and later records that reuse an id, reporting each.
fn unique_ids(ck: &mut Checker, files: &DataFiles, entities: Vec<Entity>) -> Vec<Entity> {
    let mut first: HashMap<String, Location> = HashMap::new();
    let mut out = Vec::with_capacity(entities.len());
    for e in entities {
        if let Some(prev) = first.get(&e.id) {
            ck.diags.push(
                Diagnostic::error(format!("duplicate id `{}`", e.id))
                    .at(e.origin.clone(), "this entity reuses the id")
                    .help(format!(
                        "the id is first used at {}; rename one, or merge the two records",
                        files.map.describe(prev)
                    )),
            );
            continue;
        }
        first.insert(e.id.clone(), e.origin.clone());
        out.push(e);
    }
    out
}

/// Checks references to entities (relation ends, `country`): they exist and have an allowed kind.
/// The entities references are checked against.
struct Lookup<'a> {
    by_id: HashMap<&'a str, &'a Entity>,
    /// Names and aliases for suggestions, built only when a reference is unknown.
    names: std::cell::OnceCell<NameIndex>,
    entities: &'a [Entity],
}

fn check_ref(
    ck: &mut Checker,
    lookup: &Lookup,
    file: FileId,
    text: &Text,
    kinds: &[String],
    role: &dyn Fn() -> String,
) -> bool {
    let id = text.get_ref();
    let Some(target) = lookup.by_id.get(id.as_str()) else {
        let names = lookup.names.get_or_init(|| NameIndex::new(lookup.entities));
        let help = match names.exact.get(&id.to_lowercase()) {
            Some(found) => format!("`{id}` is a name of `{found}`; refer to entities by id"),
            None => {
                let near = nearest(id, names.labels.iter().map(|(label, _)| label.as_str()), 9);
                let mut ids: Vec<String> = Vec::new();
                for label in near {
                    let id = format!("`{}`", names.labels_to_id(label));
                    if !ids.contains(&id) && ids.len() < 3 {
                        ids.push(id);
                    }
                }
                if ids.is_empty() {
                    "declare the entity in entities/, or fix the id".into()
                } else {
                    format!("did you mean {}?", join_or(&ids))
                }
            }
        };
        let msg = format!("unknown entity `{id}` as {}", role());
        ck.error(file, text, msg, "no entity has this id", help);
        return false;
    };
    if !kinds.is_empty() && !kinds.contains(&target.kind) {
        let msg = format!("`{id}` is {}, but {} must be {}", a_or_an(&target.kind), role(), a_kind(kinds));
        ck.error(
            file,
            text,
            msg,
            "wrong kind of entity",
            "use an entity of an allowed kind, or another relation (see schema.toml)".into(),
        );
        return false;
    }
    true
}

fn plural_noun(word: &str) -> String {
    if word.ends_with('s') { format!("{word}es") } else { format!("{word}s") }
}

/// "a country", "a company or a worker_group".
fn a_kind(kinds: &[String]) -> String {
    let with_article: Vec<String> = kinds.iter().map(|k| a_or_an(k)).collect();
    join_or(&with_article)
}

fn a_or_an(word: &str) -> String {
    let vowel = word.starts_with(['a', 'e', 'i', 'o', 'u']);
    if vowel { format!("an {word}") } else { format!("a {word}") }
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Lower-cased ids, names and aliases, for suggestions and claim checks.
struct NameIndex {
    /// label (as written) and the id it belongs to.
    labels: Vec<(String, String)>,
    /// lower-cased label -> id.
    exact: HashMap<String, String>,
}

impl NameIndex {
    fn new(entities: &[Entity]) -> NameIndex {
        let mut labels = Vec::new();
        for e in entities {
            labels.push((e.id.clone(), e.id.clone()));
            labels.push((e.name.clone(), e.id.clone()));
            labels.extend(e.aliases.iter().map(|a| (a.clone(), e.id.clone())));
        }
        let exact = labels.iter().map(|(l, id)| (l.to_lowercase(), id.clone())).collect();
        NameIndex { labels, exact }
    }

    fn labels_to_id<'a>(&'a self, label: &'a str) -> &'a str {
        self.labels.iter().find(|(l, _)| l == label).map_or(label, |(_, id)| id.as_str())
    }
}

/// Every alias must pick out one entity. Two entities may share a name (two people can),
/// which is a warning: queries then need the id, and say so.
fn check_name_claims(ck: &mut Checker, files: &DataFiles, entities: &[Entity]) {
    let mut claims: HashMap<String, (&Entity, bool)> = HashMap::new();
    for e in entities {
        let mut own: HashSet<String> = HashSet::new();
        let labels = [(&e.id, false), (&e.name, true)].into_iter().chain(e.aliases.iter().map(|a| (a, false)));
        for (label, is_name) in labels {
            let key = label.to_lowercase();
            if !own.insert(key.clone()) {
                continue;
            }
            let Some(&(other, other_is_name)) = claims.get(&key) else {
                claims.insert(key, (e, is_name));
                continue;
            };
            let place = files.map.describe(&other.origin);
            let diag = if is_name && other_is_name {
                Diagnostic::warning(format!("`{label}` is the name of both `{}` and `{}`", other.id, e.id))
                    .at(e.origin.clone(), "shares a name")
                    .help(format!("queries must use the id to tell them apart; `{}` is at {place}", other.id))
            } else {
                Diagnostic::error(format!("`{label}` names both `{}` and `{}`", other.id, e.id))
                    .at(e.origin.clone(), format!("`{}` claims it too", e.id))
                    .help(format!(
                        "an alias must pick out one entity; `{}` is at {place}. Drop it from one of them",
                        other.id
                    ))
            };
            ck.diags.push(diag);
        }
    }
}

fn relation(
    ck: &mut Checker,
    schema: &Schema,
    sources: &[&str],
    file: FileId,
    rec: Record<RawRelation>,
    lookup: &Lookup,
) -> Option<Relation> {
    let Record { value: r, location, bulk: rec_bulk } = rec;
    let rel_names = schema.relations.iter().map(|d| d.name.as_str());
    let def = check_known(ck, file, &r.rel, "relation", rel_names).then(|| schema.relation(r.rel.get_ref())).flatten();
    let mut ends_ok = true;
    if let Some(def) = def {
        let role = |end: &str| format!("the `{end}` end of `{}`", def.name);
        // Both ends are checked, so both are reported when both are wrong.
        let from_ok = check_ref(ck, lookup, file, &r.from, &def.from, &|| role("from"));
        let to_ok = check_ref(ck, lookup, file, &r.to, &def.to, &|| role("to"));
        ends_ok = from_ok && to_ok;
    }
    let since = date(ck, file, r.since.as_ref());
    let until = date(ck, file, r.until.as_ref());
    let when = date(ck, file, r.date.as_ref());
    let mut ok = def.is_some() && ends_ok && since.is_ok() && until.is_ok() && when.is_ok();
    if let (Ok(Some(s)), Ok(Some(u)), Some(text)) = (&since, &until, &r.until)
        && u.last_day() < s.first_day()
    {
        let msg = format!("`until` {u} is before `since` {s}");
        ck.error(file, text, msg, "ends before it starts", "swap the dates, or correct the one that is wrong".into());
        ok = false;
    }
    let status = match &r.status {
        None => Some(Status::Reported),
        Some(text) => Status::parse(text.get_ref()).or_else(|| {
            check_known(ck, file, text, "status", Status::ALL.iter().map(|(n, _)| *n));
            None
        }),
    };
    let evidence = evidence_list(ck, sources, file, &location, r.evidence, "relation", rec_bulk);
    let attrs = attrs(ck, file, r.attrs);
    let (Some(status), Some(evidence), Some(attrs), true) = (status, evidence, attrs, ok) else {
        return None;
    };
    let relation = Relation {
        from: r.from.into_inner(),
        rel: r.rel.into_inner(),
        to: r.to.into_inner(),
        since: since.ok().flatten(),
        until: until.ok().flatten(),
        date: when.ok().flatten(),
        status,
        attrs,
        note: r.note,
        evidence,
        origin: location,
    };
    Some(relation)
}

fn date(ck: &mut Checker, file: FileId, text: Option<&Text>) -> Result<Option<PartialDate>, ()> {
    let Some(text) = text else { return Ok(None) };
    PartialDate::parse(text.get_ref()).map(Some).map_err(|why| {
        let msg = format!("invalid date `{}`: {why}", text.get_ref());
        ck.error(file, text, msg, "not a date", "write YYYY, YYYY-MM or YYYY-MM-DD, e.g. \"2016-06\"".into());
    })
}

fn evidence_list(
    ck: &mut Checker,
    sources: &[&str],
    file: FileId,
    record: &Location,
    list: Option<Spanned<Vec<Spanned<RawEvidence>>>>,
    what: &str,
    optional: bool,
) -> Option<Vec<Evidence>> {
    let items = list.map(Spanned::into_inner).unwrap_or_default();
    if items.is_empty() && optional {
        return Some(Vec::new());
    }
    if items.is_empty() {
        ck.diags.push(
            Diagnostic::error(format!("{what} without evidence"))
                .at(record.clone(), "no evidence")
                .help("add `evidence = [{ source = \"000\", line = 1, quote = \"a short phrase from that line\" }]`"),
        );
        return None;
    }
    let mut out = Vec::new();
    let mut ok = true;
    for item in items {
        let origin = Location::new(file, item.span());
        let ev = item.into_inner();
        ok &= check_known(ck, file, &ev.source, "source", sources.iter().copied());
        ok &= ck.non_empty(file, &ev.quote, "quote");
        let words = ev.quote.get_ref().split_whitespace().count();
        if words > MAX_QUOTE_WORDS {
            let msg = format!("quote of {words} words is longer than {MAX_QUOTE_WORDS}");
            ck.error(file, &ev.quote, msg, "too long", "keep a short anchor phrase, not a sentence".into());
            ok = false;
        }
        let line = *ev.line.get_ref();
        if line < 1 || line > i64::from(u32::MAX) {
            let loc = Location::new(file, ev.line.span());
            ck.diags.push(
                Diagnostic::error(format!("line {line} is not a line number"))
                    .at(loc, "here")
                    .help("lines are counted from 1"),
            );
            ok = false;
            continue;
        }
        out.push(Evidence { source: ev.source.into_inner(), line: line as u32, quote: ev.quote.into_inner(), origin });
    }
    ok.then_some(out)
}

fn attrs(ck: &mut Checker, file: FileId, table: Option<Spanned<toml::Table>>) -> Option<Attrs> {
    let Some(table) = table else {
        return Some(Attrs::new());
    };
    let loc = Location::new(file, table.span());
    let mut out = BTreeMap::new();
    let mut ok = true;
    for (key, value) in table.into_inner() {
        match attr_value(value) {
            Ok(v) => {
                out.insert(key, v);
            }
            Err(why) => {
                let msg = format!("attribute `{key}` {why}");
                ck.diags.push(
                    Diagnostic::error(msg)
                        .at(loc.clone(), "in these attributes")
                        .help("use a number, a string, a boolean or a list of them"),
                );
                ok = false;
            }
        }
    }
    ok.then_some(out)
}

fn attr_value(value: toml::Value) -> Result<AttrValue, &'static str> {
    Ok(match value {
        toml::Value::String(s) => AttrValue::Text(s),
        toml::Value::Integer(i) => AttrValue::Int(i),
        toml::Value::Float(f) if f.is_finite() => AttrValue::Float(f),
        toml::Value::Float(_) => return Err("is not a finite number"),
        toml::Value::Boolean(b) => AttrValue::Bool(b),
        toml::Value::Array(items) => AttrValue::List(items.into_iter().map(attr_value).collect::<Result<_, _>>()?),
        toml::Value::Datetime(_) => {
            return Err("is a TOML date; write dates as strings (\"2016-06\")");
        }
        toml::Value::Table(_) => return Err("is a table; attributes hold plain values"),
    })
}

/// Warnings that keep a graph honest: entities in no relation, sources nobody cites.
fn coverage_warnings(data: &Dataset) -> Vec<Diagnostic> {
    let mut linked: HashSet<&str> = HashSet::new();
    for r in &data.relations {
        linked.insert(&r.from);
        linked.insert(&r.to);
    }
    let mut out = Vec::new();
    for e in data.entities.iter().filter(|e| !linked.contains(e.id.as_str())) {
        out.push(
            Diagnostic::warning(format!("entity `{}` takes part in no relation", e.id))
                .at(e.origin.clone(), "isolated")
                .help("add the relations the sources state for it, or remove it"),
        );
    }
    let cited: HashSet<&str> =
        data.entity_evidence().chain(data.relation_evidence()).map(|ev| ev.source.as_str()).collect();
    for s in data.sources.iter().filter(|s| !cited.contains(s.id.as_str())) {
        out.push(
            Diagnostic::warning(format!("source `{}` is never cited", s.id))
                .at(s.origin.clone(), "not cited")
                .help("cite it from the entities and relations it supports, or remove it"),
        );
    }
    out
}
