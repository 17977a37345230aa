//! The loader: reads every entity and relation file (TOML or bulk) in order, passes each
//! record to its check ([`super::check`]), adds what is accepted to the compact tables and
//! turns every refusal into a located [`Diagnostic`]; nothing stops at the first problem.
//! What depends on the records read before (a taken id, a name or alias another entity
//! claims, a `country` that must be declared somewhere) is decided here, and so is what
//! cannot be checked because the file declaring it is broken ([`super::unchecked`]).

use std::borrow::Cow;
use std::cell::OnceCell;
use std::ops::Range;

use rustc_hash::{FxHashMap, FxHashSet};

use super::bulk::{self, Table};
use super::check::{self, Context, EntityRecord, Field, NameIndex, Refusal, RelationRecord, Role, is_slug};
use super::identity::{SAME_AS, SameAs};
use super::parse::{self, RawEntity, RawRelation, Record};
use super::unchecked::Unchecked;
use super::vocab::Vocab;
use super::{DataFiles, Dataset, warnings};
use crate::diag::{Diagnostic, FileId, Location};
use crate::store::{self, Entities, EntityMore, Relations};

/// Checks every record of every file; returns what is valid and every problem found.
pub fn validate(files: &DataFiles) -> (Dataset, Vec<Diagnostic>) {
    let mut diags = files.stray_warnings();
    let schema = files.schema.map(|f| check::schema(&mut diags, files, f));
    let schema_complete = schema.as_ref().is_none_or(|s| s.complete);
    let vocab = match schema {
        Some(schema) if !schema.complete => Vocab::partial(schema.value),
        schema => Vocab::new(schema.map(|s| s.value)),
    };
    let (sources, sources_complete) = match files.sources {
        Some(f) => {
            let declared = check::sources(&mut diags, files, f);
            (declared.value, declared.complete)
        }
        // Bulk imports may come without documents; curated TOML always cites some.
        None if !files.has_toml() => (Vec::new(), true),
        None => {
            diags.push(
                Diagnostic::error("the graph-data folder has no sources.toml")
                    .help("declare the documents that evidence cites in sources.toml, as [[source]] tables"),
            );
            (Vec::new(), false)
        }
    };
    let mut loader = Loader {
        diags,
        files,
        schema_complete,
        declared_vocab: [vocab.schema.kinds.len() as u16, vocab.schema.relations.len() as u16],
        vocab,
        sources_complete,
        declared_sources: sources.len(),
        source_ids: sources.iter().map(|s| s.id.clone()).collect(),
        entity_files_complete: true,
        relation_files_complete: true,
        refused: FxHashSet::default(),
        unchecked: Unchecked::default(),
        entities: Entities::default(),
        relations: Relations::default(),
        origins: Vec::new(),
        aliases: FxHashMap::default(),
        slug_names: 0,
        countries: Vec::new(),
        same_as: Vec::new(),
        names: OnceCell::new(),
    };
    for &file in &files.entities {
        loader.read(file, Table::Entities);
    }
    for country in std::mem::take(&mut loader.countries) {
        loader.country(country);
    }
    for &file in &files.relations {
        loader.read(file, Table::Relations);
    }
    let all_read = loader.entity_files_complete && loader.relation_files_complete;
    let Loader { mut diags, vocab, entities, relations, origins, unchecked, same_as, .. } = loader;
    diags.extend(unchecked.warnings(files));
    let dataset = Dataset { schema: vocab.schema, sources, entities, relations, same_as, ..Dataset::default() };
    // An entity looks isolated, or a source uncited, when the file holding its relations
    // or citations could not be read whole: no such warnings until it can.
    if all_read {
        diags.extend(warnings::coverage(&dataset, &origins));
    }
    (dataset, diags)
}

/// Checks records as files are read and keeps the valid ones in compact tables.
struct Loader<'f> {
    diags: Vec<Diagnostic>,
    files: &'f DataFiles,
    vocab: Vocab,
    /// schema.toml declared everything it was meant to (or there is none).
    schema_complete: bool,
    /// How many kinds and relations schema.toml declares (those after are learnt).
    declared_vocab: [u16; 2],
    /// sources.toml declared everything it was meant to. When it did not (or is missing),
    /// sources cited besides are learnt, after the `declared_sources` it did declare.
    sources_complete: bool,
    declared_sources: usize,
    source_ids: Vec<String>,
    /// Every entity file was read whole (no syntax error, no misspelt table name, no
    /// record that failed to decode).
    entity_files_complete: bool,
    /// Likewise every relation file.
    relation_files_complete: bool,
    /// Ids of entities refused by their check (references to them are not checked).
    refused: FxHashSet<String>,
    unchecked: Unchecked,
    entities: Entities,
    relations: Relations,
    /// Where each entity is written, by number: (file, start, end).
    origins: Vec<(u32, u32, u32)>,
    /// Lower-cased alias -> the first entity that claims it.
    aliases: FxHashMap<String, u32>,
    /// How many entities have a name that lower-cases to a slug (and so may equal an id).
    slug_names: usize,
    /// `country` references, checked once every entity is known.
    countries: Vec<Country>,
    /// The `same_as` statements accepted, for the merge to resolve.
    same_as: Vec<SameAs>,
    /// Ids, names and aliases for suggestions, built only when a reference is unknown.
    names: OnceCell<NameIndex>,
}

/// An entity's `country`, checked once every entity is known.
struct Country {
    file: FileId,
    id: String,
    span: Range<usize>,
}

impl bulk::Sink for Loader<'_> {
    fn diags(&mut self) -> &mut Vec<Diagnostic> {
        &mut self.diags
    }

    fn plain_entities(&mut self, rows: &[bulk::Plain]) {
        self.entities.warm(rows.iter().map(|row| (row.cells[0].text, row.cells[2].text)));
        for row in rows {
            self.check_entity(&row.entity());
        }
    }

    fn plain_relations(&mut self, rows: &[bulk::Plain], found: &[Option<u32>]) {
        for (row, ends) in rows.iter().zip(found.chunks_exact(2)) {
            self.check_relation(&row.relation(), [ends[0], ends[1]]);
        }
    }

    fn entities(&self) -> &Entities {
        &self.entities
    }

    fn entity(&mut self, record: Record<RawEntity>) {
        self.check_entity(&EntityRecord::of(&record));
    }

    fn relation(&mut self, record: Record<RawRelation>) {
        let record = RelationRecord::of(&record);
        let found = record.ends().map(|id| self.entities.find(id));
        self.check_relation(&record, found);
    }
}

impl Loader<'_> {
    /// Reads one entity or relation file, TOML or bulk.
    fn read(&mut self, file: FileId, table: Table) {
        let source = self.files.map.get(file);
        if bulk::is_bulk(&source.name) {
            // A bulk file holds about a record a line: make room once rather than grow.
            let lines = memchr::memchr_iter(b'\n', source.text.as_bytes()).count();
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
                let parsed = parse::records::<RawEntity>(file, &source.text, "entity", fields, &mut self.diags);
                self.entity_files_complete &= parsed.complete;
                for record in parsed.records {
                    bulk::Sink::entity(self, record);
                }
            }
            Table::Relations => {
                let fields = &parse::RELATION_FIELDS;
                let parsed = parse::records::<RawRelation>(file, &source.text, "relation", fields, &mut self.diags);
                self.relation_files_complete &= parsed.complete;
                for record in parsed.records {
                    bulk::Sink::relation(self, record);
                }
            }
        }
    }

    /// Checks an entity; adds it when accepted, or reports why not.
    fn check_entity(&mut self, e: &EntityRecord) {
        if let Some(country) = &e.country {
            let (id, span) = (country.text.to_string(), country.span.clone());
            self.countries.push(Country { file: e.at.file, id, span });
        }
        self.learn_sources(e.at.file, e.extra.as_ref());
        let checked = check::entity(e, &mut self.vocab, &self.source_ids);
        if !self.schema_complete && self.vocab.known_kind(e.kind.text).is_some_and(|k| k >= self.declared_vocab[0]) {
            self.unchecked.vocabulary.add(e.kind.text, Location::new(e.at.file, e.kind.span.clone()));
        }
        match checked {
            Ok(ok) => self.add(ok.id, ok.name, ok.kind, ok.more.map(|m| *m), e.at.clone()),
            Err(refusals) => {
                self.refused.insert(e.id.text.to_string());
                self.report(&e.at, refusals);
            }
        }
    }

    /// Counts the citations of sources a broken (or missing) sources.toml did not declare,
    /// and learns those sources so that the records citing them are checked otherwise.
    fn learn_sources(&mut self, file: FileId, extra: Option<&check::Extra>) {
        if self.sources_complete {
            return;
        }
        let Some(evidence) = extra.and_then(|x| x.evidence) else { return };
        for item in evidence.get_ref() {
            let source = &item.get_ref().source;
            let (declared, learnt) = self.source_ids.split_at(self.declared_sources);
            if declared.iter().any(|s| s == source.get_ref()) {
                continue;
            }
            if !learnt.iter().any(|s| s == source.get_ref()) {
                self.source_ids.push(source.get_ref().clone());
            }
            self.unchecked.sources.add(source.get_ref(), Location::new(file, source.span()));
        }
    }

    /// Checks a relation whose ends' ids find `found`; adds it when accepted, or reports why not.
    fn check_relation(&mut self, r: &RelationRecord, found: [Option<u32>; 2]) {
        self.learn_sources(r.at.file, r.extra.as_ref());
        // A folder with a schema declares its vocabulary, and there `same_as` is the built-in
        // identity statement; a folder of bulk files alone names its relation kinds by use,
        // and its `same_as` is a relation kind like any other.
        if r.rel.text == SAME_AS && self.files.schema.is_some() {
            return self.same_as(r, found);
        }
        let checked = check::relation(r, found, &mut self.vocab, &self.entities, &self.source_ids);
        if !self.schema_complete && self.vocab.known_rel(r.rel.text).is_some_and(|k| k >= self.declared_vocab[1]) {
            self.unchecked.vocabulary.add(r.rel.text, Location::new(r.at.file, r.rel.span.clone()));
        }
        match checked {
            Ok(ok) => {
                if self.relations.push(ok.ends, ok.rel, ok.status, ok.more.map(|m| *m)).is_err() {
                    self.full(r.at.clone(), "relations");
                }
            }
            Err(refusals) => self.report(&r.at, refusals),
        }
    }

    /// Checks a `same_as` statement and keeps it for the merge to resolve. An end this
    /// folder lacks is a warning here (it may be an entity of a dataset given with it);
    /// ends of different kinds that are both here are an error.
    fn same_as(&mut self, r: &RelationRecord, found: [Option<u32>; 2]) {
        let evidence = match check::same_as(r, &self.source_ids) {
            Ok(evidence) => evidence,
            Err(refusals) => return self.report(&r.at, refusals),
        };
        if evidence.is_empty() {
            // A bulk row without evidence columns is accepted, as any bulk row is; a join
            // resting on nothing a reader can check is said.
            self.diags.push(
                Diagnostic::warning(format!("a same_as of `{}` and `{}` without evidence", r.from.text, r.to.text))
                    .at(r.at.clone(), "no evidence")
                    .help(
                        "give the row evidence columns (source, line, quote) naming where the two are said to be one",
                    ),
            );
        }
        let at = |field: &Field| Location::new(r.at.file, field.span.clone());
        let kind = |n: u32| self.vocab.schema.kinds[usize::from(self.entities.kind(n))].name.clone();
        if let [Some(a), Some(b)] = found
            && !super::identity::kinds_agree(&kind(a), &kind(b))
        {
            let message = format!("a same_as joins {} `{}` with {} `{}`", kind(a), r.from.text, kind(b), r.to.text);
            let help = "same_as joins records of one entity, which has one kind: correct the kind or the id";
            self.diags.push(Diagnostic::error(message).at(at(&r.to), "of another kind").help(help));
            return;
        }
        for (field, found) in [(&r.from, found[0]), (&r.to, found[1])] {
            if found.is_none() && self.entity_files_complete && !self.refused.contains(field.text) {
                let message = format!(
                    "`{}` is not an entity of this folder: this same_as joins only when a dataset that has it is given too",
                    field.text
                );
                let help = "give that dataset with another --data (`kgq --data FOLDER --data OTHER check`); \
                    opened alone, this folder is refused";
                self.diags.push(Diagnostic::warning(message).at(at(field), "not in this folder").help(help));
            }
        }
        self.same_as.push(SameAs {
            kept: r.from.text.to_string(),
            joined: r.to.text.to_string(),
            place: self.files.map.describe(&r.at),
            evidence,
            ends: [at(&r.from), at(&r.to)],
        });
    }

    /// Checks an entity's `country`: a declared entity of the kind `country`.
    fn country(&mut self, c: Country) {
        let field = Field { text: &c.id, span: c.span.clone() };
        let kind = self.vocab.known_kind("country");
        let found = self.entities.find(&c.id);
        if let Err(refusal) = check::reference(field, found, Some(kind.as_slice()), &self.entities, Role::Country) {
            self.report(&Location::new(c.file, c.span.clone()), vec![refusal]);
        }
    }

    /// Reports the refusals of a record written at `record`.
    fn report(&mut self, record: &Location, mut refusals: Vec<Refusal>) {
        // A reference to an entity that was not loaded says nothing about the data when
        // the entity may be in a broken file, or was refused for errors of its own.
        refusals.retain(|refusal| match refusal {
            Refusal::NoEntity { field, .. } if !self.entity_files_complete || self.refused.contains(field.text) => {
                self.unchecked.entities.add(field.text, Location::new(record.file, field.span.clone()));
                false
            }
            _ => true,
        });
        let cx = Context {
            vocab: &self.vocab,
            sources: &self.source_ids,
            entities: &self.entities,
            aliases: &self.aliases,
            names: &self.names,
        };
        let diags: Vec<Diagnostic> = refusals.into_iter().map(|r| r.diagnostic(record, &cx)).collect();
        self.diags.extend(diags);
    }

    fn full(&mut self, at: Location, what: &str) {
        self.diags.push(
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
            self.diags.push(
                Diagnostic::error(format!("duplicate id `{id}`"))
                    .at(origin, "this entity reuses the id")
                    .help(format!("the id is first used at {place}; rename one, or merge the two records")),
            );
            return;
        }
        let aliases: &[String] = more.as_ref().map_or(&[], |m| m.aliases.as_slice());
        let labels = || [id, name].into_iter().chain(aliases.iter().map(String::as_str));
        let mut slug_name = None;
        let mut given = Given::default();
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
                self.diags.push(diag);
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
}

/// The labels an entity has already given, lower-cased: looked through one by one while
/// they are few (an id, a name and seldom many aliases), without a set to build for each
/// entity; in a set past that, so that an entity with many aliases is checked in time
/// linear in their number.
#[derive(Default)]
struct Given<'a> {
    few: [Cow<'a, str>; GIVEN_FEW],
    len: usize,
    many: FxHashSet<Cow<'a, str>>,
}

/// Labels a [`Given`] looks through one by one.
const GIVEN_FEW: usize = 4;

impl<'a> Given<'a> {
    /// Adds a label; false when it was given already.
    fn insert(&mut self, label: Cow<'a, str>) -> bool {
        if self.len < GIVEN_FEW {
            if self.few[..self.len].contains(&label) {
                return false;
            }
            self.few[self.len] = label;
            self.len += 1;
            return true;
        }
        if self.many.is_empty() {
            self.many.extend(self.few.iter().cloned());
        }
        self.many.insert(label)
    }
}

/// A label lower-cased (`str::to_lowercase`), borrowed when it already is.
fn folded(label: &str) -> Cow<'_, str> {
    if label.bytes().any(|b| !b.is_ascii() || b.is_ascii_uppercase()) {
        label.to_lowercase().into()
    } else {
        label.into()
    }
}
