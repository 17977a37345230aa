//! The line editor's helper: Tab completion that knows where it is in a statement
//! (keywords, entity names and aliases inserted quoted, ids, kinds, relations,
//! meta-commands, file paths, and after `x.` the fields of what `x` is bound to in the
//! statement's pattern), syntax colours that never change the display width, and hints
//! from history. What completes a statement is `Vocabulary::candidates`, which the web view
//! (`kgq serve`) asks too, so both offer the same words.

use std::borrow::Cow;

use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hinter, HistoryHinter};
use rustyline::validate::Validator;
use rustyline::{Context, Helper};

use super::bindings::{Bound, binding};
use super::commands::{Attributes, COMMANDS};
use crate::graph::KnowledgeGraph;
use crate::query::syntax::{KEYWORDS, keyword, starts_comment};
use crate::query::{ENTITY_FIELDS, RELATION_FIELDS};

/// The keywords completion offers, one spelling each, from the language's one table.
fn offered_keywords() -> Vec<&'static str> {
    KEYWORDS.iter().filter(|k| k.same_as.is_none()).map(|k| k.word).collect()
}

/// What the completer offers, refreshed when another graph is loaded.
pub struct Vocabulary {
    /// (label, display, id): every name and alias, with its entity's id.
    labels: Vec<(String, String, String)>,
    ids: Vec<String>,
    kinds: Vec<String>,
    relations: Vec<String>,
    /// Attribute names in use per kind and relation, those that can be drawn as they are.
    attributes: Attributes,
}

impl Vocabulary {
    pub fn of(kg: &KnowledgeGraph) -> Vocabulary {
        let mut labels = Vec::new();
        for (_, e) in kg.entities() {
            for label in std::iter::once(e.name()).chain(e.aliases().iter().map(String::as_str)) {
                // The line editor draws a completion raw: a name holding control characters
                // would act on the terminal. Its entity is still offered by id.
                if !safe(label) {
                    continue;
                }
                labels.push((label.to_string(), format!("{label}  ({}, {})", e.kind(), e.id()), e.id().to_string()));
            }
        }
        labels.sort();
        Vocabulary {
            labels,
            ids: kg.entities().map(|(_, e)| e.id().to_string()).filter(|id| safe(id)).collect(),
            kinds: kg.schema.kinds.iter().map(|k| k.name.clone()).filter(|k| safe(k)).collect(),
            relations: kg.schema.relations.iter().map(|r| r.name.clone()).filter(|r| safe(r)).collect(),
            attributes: {
                let mut attributes = Attributes::of(kg);
                for keys in attributes.kinds.values_mut().chain(attributes.relations.values_mut()) {
                    keys.retain(|k| safe(k));
                }
                attributes
            },
        }
    }
}

/// Whether a word can be drawn by the line editor as it is.
fn safe(word: &str) -> bool {
    !word.chars().any(crate::diag::acts_on_terminal)
}

pub struct KgqHelper {
    pub vocabulary: Vocabulary,
    pub colour: bool,
    files: FilenameCompleter,
    hinter: HistoryHinter,
}

impl KgqHelper {
    pub fn new(kg: &KnowledgeGraph, colour: bool) -> KgqHelper {
        KgqHelper {
            vocabulary: Vocabulary::of(kg),
            colour,
            files: FilenameCompleter::new(),
            hinter: HistoryHinter::new(),
        }
    }
}

impl Helper for KgqHelper {}

/// What kind of word the cursor is on.
#[derive(Debug, PartialEq, Eq)]
enum Slot {
    Entity,
    Kind,
    Relation,
    Keyword,
}

/// The slot for the word that follows `before`, judged by the previous word and punctuation.
fn slot(before: &str) -> Slot {
    let trimmed = before.trim_end();
    if trimmed.ends_with("[:") || trimmed.ends_with('|') && trimmed.contains('[') {
        return Slot::Relation;
    }
    if trimmed.ends_with(':') {
        return Slot::Kind;
    }
    let words: Vec<String> = trimmed
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let last = words.last().map(String::as_str).unwrap_or("");
    let list_of =
        |kw: &str| words.iter().rposition(|w| w == kw).is_some_and(|i| trimmed.ends_with(',') || i + 1 == words.len());
    match last {
        "show" | "path" | "paths" | "to" | "and" | "neighbors" | "neighbours" | "connect" | "why" | "through" => {
            Slot::Entity
        }
        "find" | "count" | "kind" => Slot::Kind,
        "via" => Slot::Relation,
        "avoid" => Slot::Entity,
        _ if trimmed.ends_with(',') && list_of("via") => Slot::Relation,
        _ if trimmed.ends_with(',') && (list_of("find") || list_of("kind")) => Slot::Kind,
        _ if trimmed.ends_with(',') && list_of("avoid") => Slot::Entity,
        _ => Slot::Keyword,
    }
}

impl Completer for KgqHelper {
    type Candidate = Pair;

    fn complete(&self, line: &str, pos: usize, ctx: &Context<'_>) -> rustyline::Result<(usize, Vec<Pair>)> {
        if line[..pos].trim_start().starts_with(':') {
            return self.complete_command(line, pos, ctx);
        }
        let (start, found) = self.vocabulary.candidates(&line[..pos]);
        Ok((start, pairs(found)))
    }
}

/// One completion: what a list shows, and what replaces the word being typed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Candidate {
    pub display: String,
    pub replacement: String,
}

impl Vocabulary {
    /// What may complete the statement text `head` (everything before the cursor): the byte
    /// where the word being typed starts, and the candidates for it. The shell's Tab and
    /// the web view ask this one function.
    pub fn candidates(&self, head: &str) -> (usize, Vec<Candidate>) {
        // Inside an open quote, the word starts at the quote.
        let quotes = head.matches('"').count();
        let (start, word) = if quotes % 2 == 1 {
            let q = head.rfind('"').expect("an odd count means one is open");
            (q, &head[q..])
        } else {
            let s = head.rfind(|c: char| c.is_whitespace() || "([,:|".contains(c)).map_or(0, |i| i + 1);
            (s, &head[s..])
        };
        let candidates = if let Some(name) = word.strip_prefix('"') {
            self.entities(name)
        } else if let Some((var, typed)) = word.split_once('.') {
            self.fields(var, typed, binding(&head[..start], var))
        } else {
            match slot(&head[..start]) {
                Slot::Entity => self.entities(word),
                Slot::Kind => plain(&self.kinds, word),
                Slot::Relation => plain(&self.relations, word),
                Slot::Keyword => plain(&offered_keywords(), word),
            }
        };
        (start, candidates)
    }

    /// The fields of `var` that start with `typed`, written `var.field`: those of what the
    /// pattern binds it to (a node of some kinds, an edge of some relations: the built-in
    /// fields and the attributes in use there), or of anything when that is not known.
    fn fields(&self, var: &str, typed: &str, bound: Bound) -> Vec<Candidate> {
        let attrs = &self.attributes;
        let of = |map: &std::collections::BTreeMap<String, Vec<String>>, names: &[String]| -> Vec<String> {
            let chosen = map.iter().filter(|(name, _)| names.is_empty() || names.contains(name));
            chosen.flat_map(|(_, keys)| keys.iter().cloned()).collect()
        };
        let builtin = |list: &[&str]| list.iter().map(|f| f.to_string()).collect::<Vec<String>>();
        let mut names = match &bound {
            Bound::Node(kinds) => [builtin(ENTITY_FIELDS), of(&attrs.kinds, kinds)].concat(),
            Bound::Edge(rels) => [builtin(RELATION_FIELDS), of(&attrs.relations, rels)].concat(),
            Bound::Unknown => {
                [builtin(ENTITY_FIELDS), builtin(RELATION_FIELDS), of(&attrs.kinds, &[]), of(&attrs.relations, &[])]
                    .concat()
            }
        };
        names.sort();
        names.dedup();
        let t = typed.to_ascii_lowercase();
        names
            .into_iter()
            .filter(|n| n.to_ascii_lowercase().starts_with(&t))
            .map(|n| Candidate { replacement: format!("{var}.{n}"), display: n })
            .collect()
    }

    /// Names and aliases (inserted quoted) and ids that start with `typed`, or whose words do.
    fn entities(&self, typed: &str) -> Vec<Candidate> {
        let t = typed.to_lowercase();
        // Names that start with what was typed come first (`Pol` offers Poland before the
        // Policy Enhancement Act), then those with a word that does; each name once.
        let (mut first, mut then): (Vec<Candidate>, Vec<Candidate>) = (Vec::new(), Vec::new());
        let mut seen = std::collections::HashSet::new();
        for (label, display, _) in &self.labels {
            let l = label.to_lowercase();
            let list = if l.starts_with(&t) {
                &mut first
            } else if l.split_whitespace().any(|w| w.starts_with(&t)) {
                &mut then
            } else {
                continue;
            };
            if seen.insert(display.clone()) {
                list.push(Candidate { display: display.clone(), replacement: format!("\"{label}\"") });
            }
        }
        let mut out = first;
        out.append(&mut then);
        if !typed.is_empty() {
            for id in self.ids.iter().filter(|id| id.starts_with(&t)) {
                out.push(Candidate { display: id.clone(), replacement: id.clone() });
            }
        }
        out.truncate(200);
        out
    }
}

impl KgqHelper {
    fn complete_command(&self, line: &str, pos: usize, ctx: &Context<'_>) -> rustyline::Result<(usize, Vec<Pair>)> {
        let head = &line[..pos];
        let Some((name, _)) = head.trim_start().split_once(char::is_whitespace) else {
            let start = head.find(':').expect("a command line starts with a colon");
            let typed = &head[start + 1..];
            let found = COMMANDS
                .iter()
                .filter(|c| c.name.starts_with(typed))
                .map(|c| Pair { display: format!(":{} {}", c.name, c.args), replacement: format!(":{} ", c.name) })
                .collect();
            return Ok((start, found));
        };
        match super::commands::lookup(name.trim_start_matches(':')) {
            Ok(c) if c.takes_path => self.files.complete(line, pos, ctx),
            Ok(c) if c.name == "format" => {
                let start = head.rfind(char::is_whitespace).map_or(pos, |i| i + 1);
                Ok((start, pairs(plain(&crate::render::Format::names(), &head[start..]))))
            }
            _ => Ok((pos, Vec::new())),
        }
    }
}

fn plain<S: AsRef<str>>(words: &[S], typed: &str) -> Vec<Candidate> {
    let t = typed.to_ascii_lowercase();
    words
        .iter()
        .map(AsRef::as_ref)
        .filter(|w| w.starts_with(&t))
        .map(|w| Candidate { display: w.to_string(), replacement: w.to_string() })
        .collect()
}

/// Candidates as the line editor lists them.
fn pairs(found: Vec<Candidate>) -> Vec<Pair> {
    found.into_iter().map(|c| Pair { display: c.display, replacement: c.replacement }).collect()
}

impl Hinter for KgqHelper {
    type Hint = String;

    fn hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<String> {
        self.hinter.hint(line, pos, ctx)
    }
}

impl Validator for KgqHelper {}

/// ANSI colours; every code is zero-width, so the display width never changes.
const KEYWORD: &str = "\x1b[1;34m";
const STRING: &str = "\x1b[32m";
const NUMBER: &str = "\x1b[33m";
const COMMENT: &str = "\x1b[2m";
const BRACKET: &str = "\x1b[1;7m";
const RESET: &str = "\x1b[0m";

impl Highlighter for KgqHelper {
    fn highlight<'l>(&self, line: &'l str, pos: usize) -> Cow<'l, str> {
        if !self.colour || line.trim_start().starts_with(':') {
            return Cow::Borrowed(line);
        }
        Cow::Owned(colourise(line, pos))
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.colour { Cow::Owned(format!("{COMMENT}{hint}{RESET}")) } else { Cow::Borrowed(hint) }
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        self.colour
    }
}

/// The bracket at or just before the cursor (byte `pos`) and its partner, as char indices.
fn matching_brackets(chars: &[char], pos: usize, line: &str) -> Option<(usize, usize)> {
    let cursor = line[..pos.min(line.len())].chars().count();
    let pairs = [('(', ')'), ('[', ']'), ('{', '}')];
    let at = [cursor.checked_sub(1), Some(cursor)].into_iter().flatten().find(|&i| {
        chars.get(i).is_some_and(|c| pairs.iter().any(|(o, cl)| c == o || c == cl)) && !in_string(chars, i)
    })?;
    let c = chars[at];
    let (open, close, forward) = match pairs.iter().find(|(o, cl)| *o == c || *cl == c) {
        Some(&(o, cl)) => (o, cl, c == o),
        None => return None,
    };
    let mut depth = 0i32;
    let indices: Box<dyn Iterator<Item = usize>> =
        if forward { Box::new(at..chars.len()) } else { Box::new((0..=at).rev()) };
    for i in indices {
        if in_string(chars, i) {
            continue;
        }
        if chars[i] == open {
            depth += 1;
        } else if chars[i] == close {
            depth -= 1;
        }
        if depth == 0 {
            return Some((at, i));
        }
    }
    None
}

/// Whether char index `i` lies inside a quoted string.
fn in_string(chars: &[char], i: usize) -> bool {
    let mut quote: Option<char> = None;
    for &c in &chars[..i] {
        match quote {
            Some(q) if c == q => quote = None,
            None if c == '"' || c == '\'' => quote = Some(c),
            _ => {}
        }
    }
    quote.is_some()
}

/// Colours keywords, strings, numbers and comments, and the bracket pair at the cursor.
pub fn colourise(line: &str, pos: usize) -> String {
    let mut out = String::with_capacity(line.len() + 32);
    let chars: Vec<char> = line.chars().collect();
    let pair = matching_brackets(&chars, pos, line);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        let (colour, end) = if c == '"' || c == '\'' {
            let mut j = i + 1;
            while j < chars.len() && chars[j] != c {
                j += if chars[j] == '\\' { 2 } else { 1 };
            }
            (Some(STRING), (j + 1).min(chars.len()))
        } else if starts_comment(chars[i..].iter().copied()) {
            (Some(COMMENT), chars.len())
        } else if c.is_ascii_digit() && (i == 0 || !chars[i - 1].is_alphanumeric()) {
            let mut j = i;
            while j < chars.len() && (chars[j].is_ascii_digit() || chars[j] == '.') {
                j += 1;
            }
            (Some(NUMBER), j)
        } else if c.is_alphabetic() {
            let mut j = i;
            while j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '_' || chars[j] == '-') {
                j += 1;
            }
            let word: String = chars[i..j].iter().collect();
            (keyword(&word).map(|_| KEYWORD), j)
        } else if pair.is_some_and(|(a, b)| i == a || i == b) {
            (Some(BRACKET), i + 1)
        } else {
            (None, i + 1)
        };
        let text: String = chars[start..end].iter().collect();
        match colour {
            Some(code) => out.push_str(&format!("{code}{text}{RESET}")),
            None => out.push_str(&text),
        }
        i = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_follow_the_previous_word() {
        assert_eq!(slot("show "), Slot::Entity);
        assert_eq!(slot("connect \"Poland\" and "), Slot::Entity);
        assert_eq!(slot("find "), Slot::Kind);
        assert_eq!(slot("find company, "), Slot::Kind);
        assert_eq!(slot("path a to b via employs, "), Slot::Relation);
        assert_eq!(slot("match (c:"), Slot::Kind);
        assert_eq!(slot("match (c)-[:"), Slot::Relation);
        assert_eq!(slot("find company where "), Slot::Keyword);
    }

    #[test]
    fn fields_after_a_dot_are_those_of_the_variables_kind_or_relation() {
        let kg = KnowledgeGraph::build(crate::data::load(&crate::builtin::files()).dataset.expect("it loads"));
        let helper = KgqHelper::new(&kg, false);
        let offered = |line: &str| {
            let history = rustyline::history::DefaultHistory::new();
            let (_, pairs) = helper.complete(line, line.len(), &Context::new(&history)).expect("completes");
            pairs.into_iter().map(|p| p.replacement).collect::<Vec<_>>()
        };
        let wages = offered("match (w:worker_group)-[r:sends_revenue_to]->(o) return r.wage_s");
        assert!(wages.contains(&"r.wage_share_taken".to_string()), "{wages:?}");
        let groups = offered("match (w:worker_group)-[r:sends_revenue_to]->(o) return w.head");
        assert!(groups.contains(&"w.headcount".to_string()), "{groups:?}");
        assert!(!groups.iter().any(|f| f.contains("wage")), "a worker group has no wage attribute: {groups:?}");
        let edge = offered("match (a)-[r:employs]->(b) return r.");
        assert!(edge.contains(&"r.status".to_string()) && !edge.contains(&"r.kind".to_string()), "{edge:?}");
        let node = offered("match (a:country)-->(b) return a.");
        assert!(node.contains(&"a.gdp_growth_2016".to_string()) && node.contains(&"a.kind".to_string()), "{node:?}");
        assert!(!node.contains(&"a.headcount".to_string()), "{node:?}");
        let anything = offered("find * where x.headc");
        assert!(anything.contains(&"x.headcount".to_string()), "{anything:?}");
    }

    /// Found in the web view: `show "Pol` offered the Policy Enhancement Act, twice, before
    /// Poland.
    #[test]
    fn names_starting_with_the_typed_text_come_first_and_once() {
        let kg = KnowledgeGraph::build(crate::data::load(&crate::builtin::files()).dataset.expect("it loads"));
        let (_, found) = Vocabulary::of(&kg).candidates("show \"Pol");
        assert_eq!(found.first().map(|c| c.replacement.as_str()), Some("\"Poland\""));
        let displays: Vec<&str> = found.iter().map(|c| c.display.as_str()).collect();
        let unique: std::collections::HashSet<&&str> = displays.iter().collect();
        assert_eq!(unique.len(), displays.len(), "{displays:?}");
    }

    #[test]
    fn names_with_control_characters_are_completed_by_id_only() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/escapes");
        let files = crate::data::DataFiles::read_dir(&dir).expect("the fixture is readable");
        let kg = KnowledgeGraph::build(crate::data::load(&files).dataset.expect("the fixture loads"));
        let vocabulary = Vocabulary::of(&kg);
        assert!(vocabulary.labels.is_empty(), "every name in the fixture holds a control character");
        assert_eq!(vocabulary.ids.len(), 5, "every entity can still be completed by id");
    }

    #[test]
    fn colours_never_change_the_visible_text() {
        let line = "connect \"Poland\" and x max 4 -- note";
        let coloured = colourise(line, 0);
        let visible: String = coloured
            .split('\x1b')
            .enumerate()
            .map(|(i, part)| if i == 0 { part } else { part.split_once('m').map_or("", |(_, rest)| rest) })
            .collect();
        assert_eq!(visible, line);
        assert!(coloured.contains(&format!("{KEYWORD}connect{RESET}")));
    }

    /// `--` is read by one rule, the grammar's: the parser, the statement splitter, the
    /// continuation rule and the colours agree on comments, on `<--` before a comment, and
    /// on edges.
    #[test]
    fn comments_read_alike_in_the_parser_the_splitter_and_the_colours() {
        use crate::query::{parse, script};
        // `<` compares, `-- before` is a comment, and the comparison continues the line.
        let text = "find company where founded <-- before\n 2000";
        assert!(parse(text).is_ok(), "the grammar reads `-- before` as a comment");
        assert!(script::unfinished("find company where founded <-- before"));
        let pieces = script::split(text);
        assert_eq!(pieces.len(), 1, "{pieces:?}");
        assert!(parse(&pieces[0].text).is_ok() && !pieces[0].text.contains("before"), "{pieces:?}");
        assert!(colourise("founded <-- before", 0).ends_with(&format!("<{COMMENT}-- before{RESET}")));
        // A comment hides a continuing word.
        assert!(parse("show rungrado -- and").is_ok());
        assert!(!script::unfinished("show rungrado -- and"));
        assert_eq!(script::split("show rungrado -- and\nshow x").len(), 2);
        assert!(colourise("show x -- and", 0).contains(&format!("{COMMENT}-- and{RESET}")));
        // Edges are no comments, `<--(` included.
        for edge in ["match (a)<--(b) return a", "match (a)--(b) return a", "match (a)-->(b) return a"] {
            assert!(parse(edge).is_ok(), "{edge}");
            assert_eq!(script::split(edge)[0].text, edge);
            assert!(!script::unfinished(edge), "{edge}");
            assert!(!colourise(edge, 0).contains(COMMENT), "{edge}");
        }
    }

    #[test]
    fn the_bracket_pair_at_the_cursor_is_marked() {
        let line = "match (a)-[r]->(b {id: \"x)\"})";
        let chars: Vec<char> = line.chars().collect();
        assert_eq!(matching_brackets(&chars, 7, line), Some((6, 8)), "after `(a`, the cursor is next to `(`... `)`");
        assert_eq!(matching_brackets(&chars, line.len(), line), Some((28, 15)), "a bracket in a string does not count");
        assert_eq!(matching_brackets(&chars, 3, line), None);
        assert!(colourise(line, 9).contains(&format!("{BRACKET}){RESET}")));
    }
}
