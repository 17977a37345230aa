//! Raw records to a validated [`Dataset`]: schema and reference checks, dates, evidence
//! locators, name claims. Every problem becomes a located [`Diagnostic`]; nothing stops at
//! the first one.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;

use rustc_hash::{FxHashMap, FxHashSet};
use toml::Spanned;

use super::bulk;
use super::parse::{self, RawEntity, RawEvidence, RawRelation, Record, Text};
use super::{DataFiles, Dataset};
use crate::diag::{Diagnostic, FileId, Location};
use crate::model::{
    AttrValue, Attrs, Entity, Evidence, KindDef, PartialDate, RelDef, Relation, Schema, Source, Status,
};
use crate::store::{self, Entities, EntityMore, RelationMore, Relations};
use crate::style;
use crate::suggest::{self, did_you_mean, help_for_unknown};

/// Anchor phrases are short: the data stores facts, never whole sentences.
pub const MAX_QUOTE_WORDS: usize = 12;

/// Collects diagnostics while records are checked.
struct Checker {
    diags: Vec<Diagnostic>,
}

impl Checker {
    fn error(&mut self, file: FileId, text: &Text, message: String, label: &str, help: String) {
        self.error_at(file, text.span(), message, label, help);
    }

    fn error_at(&mut self, file: FileId, span: Range<usize>, message: String, label: &str, help: String) {
        self.diags.push(Diagnostic::error(message).at(Location::new(file, span), label).help(help));
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
    let vocab = Vocab::new(files.schema.map(|f| schema(&mut ck, files, f)));
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
    let mut loader = Loader {
        ck,
        files,
        vocab,
        source_ids: sources.iter().map(|s| s.id.clone()).collect(),
        entities: Entities::default(),
        relations: Relations::default(),
        origins: Vec::new(),
        aliases: FxHashMap::default(),
        slug_names: 0,
        refs: Vec::new(),
        names: std::cell::OnceCell::new(),
    };
    for &file in &files.entities {
        loader.read(file, Table::Entities);
    }
    for r in std::mem::take(&mut loader.refs) {
        loader.check_ref(r.file, r.text.get_ref(), r.text.span(), &r.kinds, &|| r.role.clone());
    }
    for &file in &files.relations {
        loader.read(file, Table::Relations);
    }
    let Loader { mut ck, vocab, entities, relations, origins, .. } = loader;
    let dataset = Dataset { schema: vocab.schema, sources, entities, relations };
    ck.diags.extend(coverage_warnings(&dataset, &origins));
    (dataset, ck.diags)
}

/// The vocabulary records are checked against: declared in schema.toml, or, without one (a
/// bulk import), the kinds and relations the data uses, each relation allowed between any
/// kinds, in the order they are first used.
struct Vocab {
    schema: Schema,
    infer: bool,
    kinds: FxHashMap<String, u16>,
    rels: FxHashMap<String, u16>,
    /// The kinds allowed at the `from` and `to` ends of each relation (None: any kind).
    ends: Vec<[Option<Vec<u16>>; 2]>,
}

impl Vocab {
    fn new(declared: Option<Schema>) -> Vocab {
        let infer = declared.is_none();
        let schema = declared.unwrap_or_default();
        let kinds: FxHashMap<String, u16> =
            schema.kinds.iter().enumerate().map(|(i, k)| (k.name.clone(), i as u16)).collect();
        let rels = schema.relations.iter().enumerate().map(|(i, r)| (r.name.clone(), i as u16)).collect();
        let allowed = |names: &[String]| -> Option<Vec<u16>> {
            (!names.is_empty()).then(|| names.iter().filter_map(|n| kinds.get(n).copied()).collect())
        };
        let ends = schema.relations.iter().map(|r| [allowed(&r.from), allowed(&r.to)]).collect();
        Vocab { schema, infer, kinds, rels, ends }
    }

    /// The kind called `name`; in an inferred vocabulary, a kind used for the first time is added.
    fn kind(&mut self, name: &str) -> Option<u16> {
        let kinds = &mut self.schema.kinds;
        learn(&mut self.kinds, self.infer, name, kinds.len(), || {
            kinds.push(KindDef { name: name.to_string(), description: String::new(), shape: None, color: None });
        })
    }

    /// Whether relation `r` allows entity `n` at its `from` (0) or `to` (1) end. The
    /// entity's kind is read only when the relation restricts it.
    fn allows(&self, r: u16, end: usize, entities: &Entities, n: u32) -> bool {
        self.ends[usize::from(r)][end].as_ref().is_none_or(|kinds| kinds.contains(&entities.kind(n)))
    }

    /// The relation called `name`; in an inferred vocabulary, one used for the first time is added.
    fn rel(&mut self, name: &str) -> Option<u16> {
        let (rels, ends) = (&mut self.schema.relations, &mut self.ends);
        learn(&mut self.rels, self.infer, name, rels.len(), || {
            rels.push(RelDef {
                name: name.to_string(),
                from: Vec::new(),
                to: Vec::new(),
                directed: true,
                reads: name.replace('_', " "),
                inverse: format!("is {} by", name.replace('_', " ")),
                description: String::new(),
            });
            ends.push([None, None]);
        })
    }
}

/// The index of `name` in a vocabulary list of `len` entries indexed by `known`; when
/// inferring, a new non-blank name is added (by `add`) at the end.
fn learn(known: &mut FxHashMap<String, u16>, infer: bool, name: &str, len: usize, add: impl FnOnce()) -> Option<u16> {
    if let Some(&i) = known.get(name) {
        return Some(i);
    }
    let i = u16::try_from(len).ok().filter(|_| infer && !name.trim().is_empty())?;
    add();
    known.insert(name.to_string(), i);
    Some(i)
}

/// The quiet check of plain relation rows, shared by the threads of a bulk read and used
/// first by [`Loader`] itself: it accepts exactly the rows [`Loader::plain_relation`]
/// accepts without a word.
struct Quiet<'a> {
    entities: &'a Entities,
    vocab: &'a Vocab,
}

impl bulk::QuietCheck for Quiet<'_> {
    fn check(&self, rows: &[[&str; 4]], accepted: &mut bulk::Accepted, refused: &mut Vec<usize>) {
        let ids: Vec<&str> = rows.iter().flat_map(|row| [row[0], row[2]]).collect();
        let found = self.entities.find_many(&ids);
        for (i, (row, ends)) in rows.iter().zip(found.chunks_exact(2)).enumerate() {
            match self.verdict(row, (ends[0], ends[1])) {
                Some((ends, rel, status)) => accepted.push(ends, rel, status),
                None => refused.push(i),
            }
        }
    }
}

impl Quiet<'_> {
    /// A row's ends, relation kind and status, when the loader would take it without a word.
    fn verdict(&self, row: &[&str; 4], ends: (Option<u32>, Option<u32>)) -> Option<((u32, u32), u16, Status)> {
        let rel = *self.vocab.rels.get(row[1])?;
        let status = match row[3] {
            "" => Status::Reported,
            text => Status::parse(text)?,
        };
        let (a, b) = (ends.0?, ends.1?);
        let allowed = self.vocab.allows(rel, 0, self.entities, a) && self.vocab.allows(rel, 1, self.entities, b);
        allowed.then_some(((a, b), rel, status))
    }
}

/// Checks records as files are read and keeps the valid ones in compact tables.
struct Loader<'f> {
    ck: Checker,
    files: &'f DataFiles,
    vocab: Vocab,
    source_ids: Vec<String>,
    entities: Entities,
    relations: Relations,
    /// Where each entity is written, by number: (file, start, end).
    origins: Vec<(u32, u32, u32)>,
    /// Lower-cased alias -> the first entity that claims it.
    aliases: FxHashMap<String, u32>,
    /// How many entities have a name that lower-cases to a slug (and so may equal an id).
    slug_names: usize,
    /// `country` references, checked once every entity is known.
    refs: Vec<PendingRef>,
    /// Ids, names and aliases for suggestions, built only when a reference is unknown.
    names: std::cell::OnceCell<NameIndex>,
}

/// Which records a file holds.
use bulk::Table;

impl bulk::Sink for Loader<'_> {
    fn diags(&mut self) -> &mut Vec<Diagnostic> {
        &mut self.ck.diags
    }

    fn plain_entities(&mut self, rows: &[bulk::Plain]) {
        self.entities.warm(rows.iter().map(|row| (row.cells[0].text, row.cells[2].text)));
        for row in rows {
            self.plain_entity(row);
        }
    }

    fn plain_relations(&mut self, rows: &[bulk::Plain]) {
        // Most rows pass the quiet check; the others are checked again, with reports.
        let (mut accepted, mut refused) = (bulk::Accepted::default(), Vec::new());
        let texts: Vec<[&str; 4]> = rows.iter().map(|row| row.cells.each_ref().map(|c| c.text)).collect();
        let quiet = Quiet { entities: &self.entities, vocab: &self.vocab };
        bulk::QuietCheck::check(&quiet, &texts, &mut accepted, &mut refused);
        let (mut done, mut next) = (0, 0);
        for i in refused.into_iter().chain([rows.len()]) {
            let run = done..done + (i - next);
            self.accept(rows[0].file, &accepted, run.clone(), |k| rows[next + k].span.start);
            if let Some(row) = rows.get(i) {
                self.plain_relation(row);
            }
            (done, next) = (run.end, i + 1);
        }
    }

    fn quiet(&self) -> Box<dyn bulk::QuietCheck + '_> {
        Box::new(Quiet { entities: &self.entities, vocab: &self.vocab })
    }

    fn checked(&mut self, file: FileId, rows: &bulk::Accepted, range: Range<usize>, from: usize) {
        let text = &self.files.map.get(file).text;
        self.accept(file, rows, range, |k| bulk::nth_row(text, from, k));
    }

    fn entity(&mut self, record: Record<RawEntity>) {
        // An inferred vocabulary learns the kind before the record is checked against it.
        self.vocab.kind(record.value.kind.get_ref());
        let file = record.location.file;
        let Some(e) = entity(&mut self.ck, &self.vocab.schema, &self.source_ids, file, record, &mut self.refs) else {
            return;
        };
        let kind = self.vocab.kinds[&e.kind];
        let origin = e.origin.clone();
        let more = EntityMore {
            aliases: e.aliases,
            country: e.country,
            attrs: e.attrs,
            note: e.note,
            evidence: e.evidence,
            origin: e.origin,
        };
        self.add(&e.id, &e.name, kind, Some(more), origin);
    }

    fn relation(&mut self, record: Record<RawRelation>) {
        self.vocab.rel(record.value.rel.get_ref());
        let file = record.location.file;
        let Some((ends, r)) = relation(self, file, record) else { return };
        let rel = self.vocab.rels[&r.rel];
        let origin = r.origin.clone();
        let more = RelationMore {
            since: r.since,
            until: r.until,
            date: r.date,
            attrs: r.attrs,
            note: r.note,
            evidence: r.evidence,
            origin: r.origin,
        };
        if self.relations.push(ends, rel, r.status, Some(more)).is_err() {
            self.full(origin, "relations");
        }
    }
}

const SLUG_HELP: &str = "use lower-case letters, digits and single hyphens, e.g. `korea-rungrado`";

impl Loader<'_> {
    /// One plain entity row: a slug id, a known kind, then the checks every entity gets.
    fn plain_entity(&mut self, row: &bulk::Plain) {
        let [id, kind, name, _] = &row.cells;
        let file = row.file;
        let mut ok = true;
        if !is_slug(id.text) {
            self.ck.error_at(
                file,
                id.span.clone(),
                format!("id `{}` is not a kebab-case slug", id.text),
                "not a slug",
                SLUG_HELP.into(),
            );
            ok = false;
        }
        let kind = self.vocab.kind(kind.text).or_else(|| {
            let known = self.vocab.schema.kinds.iter().map(|k| k.name.as_str());
            check_known_at(&mut self.ck, file, kind.text, kind.span.clone(), "kind", known);
            None
        });
        if let (Some(kind), true) = (kind, ok) {
            self.add(id.text, name.text, kind, None, Location::new(file, row.span.clone()));
        }
    }

    /// Adds rows `range` of `rows`; when the table fills, reports the first row left out,
    /// which starts at `locate(k)` for the k-th row of the range.
    fn accept(&mut self, file: FileId, rows: &bulk::Accepted, range: Range<usize>, locate: impl Fn(usize) -> usize) {
        let columns = (&rows.ends[range.clone()], &rows.rel[range.clone()], &rows.status[range]);
        if let Err(k) = self.relations.extend(columns.0, columns.1, columns.2) {
            let at = locate(k);
            self.full(Location::new(file, at..at), "relations");
        }
    }

    /// One plain relation row the quiet check refused: the same checks, with reports.
    fn plain_relation(&mut self, row: &bulk::Plain) {
        let [from, rel, to, status] = &row.cells;
        let file = row.file;
        let Some(r) = self.vocab.rel(rel.text) else {
            let known = self.vocab.schema.relations.iter().map(|d| d.name.as_str());
            check_known_at(&mut self.ck, file, rel.text, rel.span.clone(), "relation", known);
            return;
        };
        let status = if status.text.is_empty() {
            Some(Status::Reported)
        } else {
            Status::parse(status.text).or_else(|| {
                let known = Status::ALL.iter().map(|(n, _)| *n);
                check_known_at(&mut self.ck, file, status.text, status.span.clone(), "status", known);
                None
            })
        };
        let ends = self.relation_ends(file, r, (from.text, from.span.clone()), (to.text, to.span.clone()));
        if let (Some(ends), Some(status)) = (ends, status)
            && self.relations.push(ends, r, status, None).is_err()
        {
            self.full(Location::new(file, row.span.clone()), "relations");
        }
    }

    /// Reads one entity or relation file, TOML or bulk.
    fn read(&mut self, file: FileId, table: Table) {
        let source = self.files.map.get(file);
        if bulk::is_bulk(&source.name) {
            // A bulk file holds about a record a line: make room once rather than grow.
            let lines = source.text.bytes().filter(|&b| b == b'\n').count();
            match table {
                Table::Entities => {
                    self.entities.reserve(lines, source.text.len());
                    self.origins.reserve(lines);
                }
                Table::Relations => self.relations.reserve(lines),
            }
            bulk::read(file, &source.name, &source.text, table, self);
            return;
        }
        match table {
            Table::Entities => {
                let fields = &parse::ENTITY_FIELDS;
                for record in parse::records::<RawEntity>(file, &source.text, "entity", fields, &mut self.ck.diags) {
                    bulk::Sink::entity(self, record);
                }
            }
            Table::Relations => {
                let fields = &parse::RELATION_FIELDS;
                for record in parse::records::<RawRelation>(file, &source.text, "relation", fields, &mut self.ck.diags)
                {
                    bulk::Sink::relation(self, record);
                }
            }
        }
    }

    fn full(&mut self, at: Location, what: &str) {
        self.ck.diags.push(
            Diagnostic::error(format!("too many {what}: kgq holds up to 2^32 of them and 4 GiB of ids and names"))
                .at(at, "not loaded")
                .help("split the import into several graphs"),
        );
    }

    fn origin(&self, n: u32) -> Location {
        let (file, start, end) = self.origins[n as usize];
        Location::new(FileId(file), start as usize..end as usize)
    }

    /// Adds a checked entity, refusing a taken id and reporting names it shares with earlier
    /// entities (an error for ids and aliases, a warning for two names).
    fn add(&mut self, id: &str, name: &str, kind: u16, more: Option<EntityMore>, origin: Location) {
        if let Some(first) = self.entities.find(id) {
            let place = self.files.map.describe(&self.origin(first));
            self.ck.diags.push(
                Diagnostic::error(format!("duplicate id `{id}`"))
                    .at(origin, "this entity reuses the id")
                    .help(format!("the id is first used at {place}; rename one, or merge the two records")),
            );
            return;
        }
        let aliases: &[String] = more.as_ref().map_or(&[], |m| m.aliases.as_slice());
        let labels = || [id, name].into_iter().chain(aliases.iter().map(String::as_str));
        let mut slug_name = None;
        // The labels already given, lower-cased: a set, so that an entity with many aliases
        // is checked in time linear in their number.
        let mut given: FxHashSet<std::borrow::Cow<'_, str>> = FxHashSet::default();
        for (k, label) in labels().enumerate() {
            let lower = folded(label);
            // A label the entity already gave is its own.
            if !given.insert(lower.clone()) {
                continue;
            }
            let slug = is_slug(&lower);
            if k == 1 {
                slug_name = Some(slug);
            }
            // The id (the first label) was just looked up among ids and is free.
            if let Some(other) = self.first_claim(label, &lower, slug, k == 0) {
                let diag = self.claim_conflict(label, k == 1, other, id, &origin);
                self.ck.diags.push(diag);
            }
        }
        let lowered: Vec<String> = aliases.iter().map(|a| a.to_lowercase()).collect();
        let slug_name = slug_name.unwrap_or_else(|| is_slug(&folded(name)));
        let span = (origin.file.0, origin.span.start as u32, origin.span.end as u32);
        match self.entities.push(id, name, kind, more) {
            Ok(n) => {
                self.origins.push(span);
                self.slug_names += usize::from(slug_name);
                for alias in lowered {
                    self.aliases.entry(alias).or_insert(n);
                }
            }
            Err(_) => self.full(origin, "entities"),
        }
    }

    /// The first entity that has `label` (lower-cased: `lower`, a slug or not: `slug`) as
    /// its id, name or alias; `own_id` says the label is the new entity's id, which was just
    /// found free. Ids are slugs, so only a label that lower-cases to a slug is looked up
    /// among them; and such a label is looked up among names only when some name
    /// lower-cases to a slug too.
    fn first_claim(&self, label: &str, lower: &str, slug: bool, own_id: bool) -> Option<u32> {
        let by_id = (slug && !own_id).then(|| self.entities.find(lower)).flatten();
        let by_name = (!slug || self.slug_names > 0).then(|| self.entities.first_named(label)).flatten();
        let by_alias = self.aliases.get(lower).copied();
        [by_id, by_name, by_alias].into_iter().flatten().min()
    }

    /// Reports `label` of the new entity `id` as claimed by the earlier entity `other`.
    fn claim_conflict(&self, label: &str, is_name: bool, other: u32, id: &str, origin: &Location) -> Diagnostic {
        // An entity claims a label first by its id, then its name, then its aliases.
        let other_id = self.entities.id(other);
        let other_is_name = !store::eq_folded(other_id, label) && store::eq_folded(self.entities.name(other), label);
        let place = self.files.map.describe(&self.origin(other));
        if is_name && other_is_name {
            Diagnostic::warning(format!("`{label}` is the name of both `{other_id}` and `{id}`"))
                .at(origin.clone(), "shares a name")
                .help(format!("queries must use the id to tell them apart; `{other_id}` is at {place}"))
        } else {
            Diagnostic::error(format!("`{label}` names both `{other_id}` and `{id}`"))
                .at(origin.clone(), format!("`{id}` claims it too"))
                .help(format!(
                    "an alias must pick out one entity; `{other_id}` is at {place}. Drop it from one of them"
                ))
        }
    }

    /// The first entity with `label` (any case) as its id, name or alias.
    fn labelled(&self, label: &str) -> Option<u32> {
        let lower = label.to_lowercase();
        [self.entities.find(&lower), self.entities.first_named(label), self.aliases.get(&lower).copied()]
            .into_iter()
            .flatten()
            .min()
    }

    /// Checks both ends of a relation of kind `r` (both are reported when both are wrong).
    fn relation_ends(
        &mut self,
        file: FileId,
        r: u16,
        from: (&str, Range<usize>),
        to: (&str, Range<usize>),
    ) -> Option<(u32, u32)> {
        let def = &self.vocab.schema.relations[usize::from(r)];
        let (name, kinds) = (def.name.clone(), [def.from.clone(), def.to.clone()]);
        let role = |end: &str| format!("the `{end}` end of `{name}`");
        let a = self.check_ref(file, from.0, from.1, &kinds[0], &|| role("from"));
        let b = self.check_ref(file, to.0, to.1, &kinds[1], &|| role("to"));
        Some((a?, b?))
    }

    /// Checks a reference to an entity (a relation end, a `country`): it exists and has one of
    /// `kinds` (any when empty). Returns the entity's number.
    fn check_ref(
        &mut self,
        file: FileId,
        id: &str,
        span: Range<usize>,
        kinds: &[String],
        role: &dyn Fn() -> String,
    ) -> Option<u32> {
        let Some(target) = self.entities.find(id) else {
            let help = match self.labelled(id) {
                Some(found) => format!("`{id}` is a name of `{}`; refer to entities by id", self.entities.id(found)),
                None => {
                    let names = self.names.get_or_init(|| NameIndex::new(&self.entities));
                    let mut ids: Vec<String> = Vec::new();
                    for label in names.index.nearest(id, 9) {
                        let id = format!("`{}`", self.entities.id(names.owners[label as usize]));
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
            self.ck.error_at(file, span, msg, "no entity has this id", help);
            return None;
        };
        let kind = &self.vocab.schema.kinds[usize::from(self.entities.kind(target))].name;
        if !kinds.is_empty() && !kinds.contains(kind) {
            let msg = format!("`{id}` is {}, but {} must be {}", a_or_an(kind), role(), a_kind(kinds));
            self.ck.error_at(
                file,
                span,
                msg,
                "wrong kind of entity",
                "use an entity of an allowed kind, or another relation (see schema.toml)".into(),
            );
            return None;
        }
        Some(target)
    }
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
    check_known_at(ck, file, text.get_ref(), text.span(), what, known)
}

fn check_known_at<'a>(
    ck: &mut Checker,
    file: FileId,
    name: &str,
    span: Range<usize>,
    what: &str,
    known: impl Iterator<Item = &'a str> + Clone,
) -> bool {
    if known.clone().any(|k| k == name) {
        return true;
    }
    let help = help_for_unknown(name, known, &plural_noun(what));
    ck.error_at(file, span, format!("unknown {what} `{name}`"), &format!("not a declared {what}"), help);
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

/// A label lower-cased (`str::to_lowercase`), borrowed when it already is.
fn folded(label: &str) -> std::borrow::Cow<'_, str> {
    if label.bytes().any(|b| !b.is_ascii() || b.is_ascii_uppercase()) {
        label.to_lowercase().into()
    } else {
        label.into()
    }
}

/// Whether `id` is a kebab-case slug: lower-case ASCII letters and digits in words joined
/// by single hyphens.
fn is_slug(id: &str) -> bool {
    // A hyphen may not come first, last, or after another: as if one came before the start.
    let mut last = b'-';
    for &b in id.as_bytes() {
        match b {
            b'a'..=b'z' | b'0'..=b'9' => {}
            b'-' if last != b'-' => {}
            _ => return false,
        }
        last = b;
    }
    last != b'-'
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
    sources: &[String],
    file: FileId,
    rec: Record<RawEntity>,
    refs: &mut Vec<PendingRef>,
) -> Option<Entity> {
    let Record { value: e, location, bulk: rec_bulk } = rec;
    let mut ok = ck.non_empty(file, &e.id, "id") && ck.non_empty(file, &e.name, "name");
    if ok && !is_slug(e.id.get_ref()) {
        let msg = format!("id `{}` is not a kebab-case slug", e.id.get_ref());
        ck.error(file, &e.id, msg, "not a slug", SLUG_HELP.into());
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

/// Ids, names and aliases, indexed for suggestions.
struct NameIndex {
    index: suggest::Index,
    /// The entity of each label, by the label's number in `index`.
    owners: Vec<u32>,
}

impl NameIndex {
    fn new(entities: &Entities) -> NameIndex {
        let mut labels: Vec<(&str, u32)> = Vec::new();
        for n in 0..entities.len() as u32 {
            labels.push((entities.id(n), n));
            labels.push((entities.name(n), n));
            let aliases = entities.more(n).map_or(&[][..], |m| m.aliases.as_slice());
            labels.extend(aliases.iter().map(|a| (a.as_str(), n)));
        }
        let index = suggest::Index::new(labels.iter().map(|&(label, _)| label));
        NameIndex { index, owners: labels.into_iter().map(|(_, n)| n).collect() }
    }
}

/// Checks a relation record; returns its ends' entity numbers and the record.
fn relation(loader: &mut Loader, file: FileId, rec: Record<RawRelation>) -> Option<((u32, u32), Relation)> {
    let Record { value: r, location, bulk: rec_bulk } = rec;
    let schema = &loader.vocab.schema;
    let rel_names = schema.relations.iter().map(|d| d.name.as_str());
    let known = check_known(&mut loader.ck, file, &r.rel, "relation", rel_names);
    let def = known.then(|| loader.vocab.rels.get(r.rel.get_ref()).copied()).flatten();
    let ends =
        def.map(|d| loader.relation_ends(file, d, (r.from.get_ref(), r.from.span()), (r.to.get_ref(), r.to.span())));
    let ck = &mut loader.ck;
    let since = date(ck, file, r.since.as_ref());
    let until = date(ck, file, r.until.as_ref());
    let when = date(ck, file, r.date.as_ref());
    let mut ok = since.is_ok() && until.is_ok() && when.is_ok();
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
    let evidence = evidence_list(ck, &loader.source_ids, file, &location, r.evidence, "relation", rec_bulk);
    let attrs = attrs(ck, file, r.attrs);
    let (Some(Some(ends)), Some(status), Some(evidence), Some(attrs), true) = (ends, status, evidence, attrs, ok)
    else {
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
    Some((ends, relation))
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
    sources: &[String],
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
        ok &= check_known(ck, file, &ev.source, "source", sources.iter().map(String::as_str));
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
fn coverage_warnings(data: &Dataset, origins: &[(u32, u32, u32)]) -> Vec<Diagnostic> {
    let mut linked = vec![false; data.entities.len()];
    for e in 0..data.relations.len() as u32 {
        let (a, b) = data.relations.ends(e);
        linked[a as usize] = true;
        linked[b as usize] = true;
    }
    let mut out = Vec::new();
    for (n, _) in linked.iter().enumerate().filter(|(_, linked)| !**linked) {
        let (file, start, end) = origins[n];
        out.push(
            Diagnostic::warning(format!("entity `{}` takes part in no relation", data.entities.id(n as u32)))
                .at(Location::new(FileId(file), start as usize..end as usize), "isolated")
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

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The one-pass check agrees with the definition: words of lower-case letters and
        /// digits, joined by single hyphens.
        #[test]
        fn a_slug_is_words_joined_by_hyphens(id in "[a-z0-9A-Z_ é-]{0,8}") {
            let words = !id.is_empty()
                && id.split('-').all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
            proptest::prop_assert_eq!(is_slug(&id), words);
        }
    }

    #[test]
    fn slugs() {
        for yes in ["a", "office-39", "3", "a-b-c"] {
            assert!(is_slug(yes), "{yes}");
        }
        for no in ["", "-", "-a", "a-", "a--b", "A", "a_b", "é", "a b"] {
            assert!(!is_slug(no), "{no}");
        }
    }
}
