//! Refusals to diagnostics: what each says, where, and what to do about it. The help for
//! an unknown entity comes from the entities loaded so far (a name or alias of one, or
//! the ids nearest to it).

use std::cell::OnceCell;
use std::ops::Range;

use rustc_hash::FxHashMap;

use super::{Field, MAX_QUOTE_WORDS, Refusal, Role, Vocabulary};
use crate::data::vocab::Vocab;
use crate::diag::{Diagnostic, FileId, Location};
use crate::model::Status;
use crate::store::Entities;
use crate::suggest::{self, help_for_unknown};

/// What rendering a refusal reads besides the refusal: the vocabulary and sources whose
/// names it may suggest, and the entities loaded so far.
pub struct Context<'a> {
    pub vocab: &'a Vocab,
    pub sources: &'a [String],
    pub entities: &'a Entities,
    /// Lower-cased alias -> the first entity that claims it.
    pub aliases: &'a FxHashMap<String, u32>,
    /// Ids, names and aliases for suggestions, built at the first unknown entity.
    pub names: &'a OnceCell<NameIndex>,
}

const SLUG_HELP: &str = "use lower-case letters, digits and single hyphens, e.g. `korea-rungrado`";

impl Refusal<'_> {
    /// The diagnostic for this refusal of a record written at `record`.
    pub fn diagnostic(self, record: &Location, cx: &Context) -> Diagnostic {
        let file = record.file;
        match self {
            Refusal::Empty { what, field } => empty(file, &field, what),
            Refusal::NotSlug(field) => error(
                file,
                field.span,
                format!("id `{}` is not a kebab-case slug", field.text),
                "not a slug",
                SLUG_HELP.into(),
            ),
            Refusal::Unknown { what, field } => {
                let known: Vec<&str> = match what {
                    Vocabulary::Kind => cx.vocab.schema.kinds.iter().map(|k| k.name.as_str()).collect(),
                    Vocabulary::Relation => cx.vocab.schema.relations.iter().map(|r| r.name.as_str()).collect(),
                    Vocabulary::Status => Status::ALL.iter().map(|(n, _)| *n).collect(),
                    Vocabulary::Source => cx.sources.iter().map(String::as_str).collect(),
                };
                let word = match what {
                    Vocabulary::Kind => "kind",
                    Vocabulary::Relation => "relation",
                    Vocabulary::Status => "status",
                    Vocabulary::Source => "source",
                };
                unknown(file, field.text, field.span, word, known.into_iter())
            }
            Refusal::NoEntity { role, field } => {
                let help = cx.unknown_entity_help(field.text);
                let msg = format!("unknown entity `{}` as {}", field.text, cx.role(role));
                error(file, field.span, msg, "no entity has this id", help)
            }
            Refusal::WrongKind { role, field, entity } => {
                let kind = &cx.vocab.schema.kinds[usize::from(cx.entities.kind(entity))].name;
                let allowed = match role {
                    Role::Country => vec!["country".to_string()],
                    Role::End { rel, end } => {
                        let def = &cx.vocab.schema.relations[usize::from(rel)];
                        if end == 0 { def.from.clone() } else { def.to.clone() }
                    }
                };
                let msg = format!(
                    "`{}` is {}, but {} must be {}",
                    field.text,
                    a_or_an(kind),
                    cx.role(role),
                    a_kind(&allowed)
                );
                let help = "use an entity of an allowed kind, or another relation (see schema.toml)";
                error(file, field.span, msg, "wrong kind of entity", help.into())
            }
            Refusal::BadDate { field, why } => error(
                file,
                field.span,
                format!("invalid date `{}`: {why}", field.text),
                "not a date",
                "write YYYY, YYYY-MM or YYYY-MM-DD, e.g. \"2016-06\"".into(),
            ),
            Refusal::EndsBefore { until, dates: (s, u) } => error(
                file,
                until.span,
                format!("`until` {u} is before `since` {s}"),
                "ends before it starts",
                "swap the dates, or correct the one that is wrong".into(),
            ),
            Refusal::NoEvidence { record: what } => Diagnostic::error(format!("{what} without evidence"))
                .at(record.clone(), "no evidence")
                .help("add `evidence = [{ source = \"000\", line = 1, quote = \"a short phrase from that line\" }]`"),
            Refusal::LongQuote { field, words } => error(
                file,
                field.span,
                format!("quote of {words} words is longer than {MAX_QUOTE_WORDS}"),
                "too long",
                "keep a short anchor phrase, not a sentence".into(),
            ),
            Refusal::NotALine { line, span } => Diagnostic::error(format!("line {line} is not a line number"))
                .at(Location::new(file, span), "here")
                .help("lines are counted from 1"),
            Refusal::BadAttr { key, why, span } => Diagnostic::error(format!("attribute `{key}` {why}"))
                .at(Location::new(file, span), "in these attributes")
                .help("use a number, a string, a boolean or a list of them"),
            Refusal::SameAs { field, why, help } => {
                error(file, field.span, format!("a same_as {why}"), "here", help.into())
            }
        }
    }
}

impl Context<'_> {
    /// How a reference reads in a message: "`country`", "the `from` end of `employs`".
    fn role(&self, role: Role) -> String {
        match role {
            Role::Country => "`country`".into(),
            Role::End { rel, end } => {
                let end = if end == 0 { "from" } else { "to" };
                format!("the `{end}` end of `{}`", self.vocab.schema.relations[usize::from(rel)].name)
            }
        }
    }

    /// What to do about a reference to `id`, which no entity has as its id.
    fn unknown_entity_help(&self, id: &str) -> String {
        if let Some(found) = self.labelled(id) {
            return format!("`{id}` is a name of `{}`; refer to entities by id", self.entities.id(found));
        }
        let names = self.names.get_or_init(|| NameIndex::new(self.entities));
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

    /// The first entity with `label` (any case) as its id, name or alias.
    fn labelled(&self, label: &str) -> Option<u32> {
        let lower = label.to_lowercase();
        [self.entities.find(&lower), self.entities.first_named(label), self.aliases.get(&lower).copied()]
            .into_iter()
            .flatten()
            .min()
    }
}

pub fn error(file: FileId, span: Range<usize>, message: String, label: &str, help: String) -> Diagnostic {
    Diagnostic::error(message).at(Location::new(file, span), label).help(help)
}

/// A blank `what` (an id, a title, ...).
pub fn empty(file: FileId, field: &Field, what: &str) -> Diagnostic {
    let help = format!("give the {what} a value, or remove it");
    error(file, field.span.clone(), format!("empty {what}"), "empty", help)
}

/// `name`, which is not among the `known` names of its vocabulary (`what`: "kind", ...).
pub fn unknown<'a>(
    file: FileId,
    name: &str,
    span: Range<usize>,
    what: &str,
    known: impl Iterator<Item = &'a str> + Clone,
) -> Diagnostic {
    let help = match known.clone().next() {
        Some(_) => help_for_unknown(name, known, &plural_noun(what)),
        None => format!("no {} are declared", plural_noun(what)),
    };
    error(file, span, format!("unknown {what} `{name}`"), &format!("not a declared {what}"), help)
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
pub struct NameIndex {
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
