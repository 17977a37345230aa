//! `kgq mentions FILE`: what a document that is not (yet) a source says about the graph.
//! Each line with the known entities it names; each pair named on one line, with the
//! relation kinds the schema allows between their kinds, as a candidate relation; and
//! capitalised names that recur but are not in the graph, as candidate entities. The TOML
//! form is a skeleton of records with verified evidence locators, for a person to finish:
//! kgq never chooses a relation or writes into graph-data.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::names::{Mention, NameFinder};
use crate::data::{Dataset, MAX_QUOTE_WORDS, normalise};
use crate::model::Schema;

/// Lines naming more entities than this list no candidate pairs (a list or an index would
/// give thousands); the answer says which lines were passed over.
pub const MAX_PAIRED: usize = 12;

/// A name that recurs this often, and is not known, is offered as a new entity.
pub const MIN_RECURRENCE: usize = 2;

/// What a document says about the graph.
#[derive(Debug, Serialize)]
pub struct Mentions {
    pub lines: Vec<MentionLine>,
    pub pairs: Vec<Pair>,
    /// Lines that name more than [`MAX_PAIRED`] entities, whose pairs are not listed.
    pub crowded: Vec<u32>,
    pub new_names: Vec<NewName>,
}

/// A line and the entities it names, in order.
#[derive(Debug, Serialize)]
pub struct MentionLine {
    pub line: u32,
    pub entities: Vec<Named>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Named {
    pub id: String,
    pub name: String,
    pub kind: String,
}

/// Two entities named on one line, the relations the schema allows between them in each
/// direction, and those the graph already has between them. `a` and `b` are in the order
/// of the line, unless the schema allows relations only from `b` to `a`: then they are
/// swapped, so that `forward` is never empty.
#[derive(Debug, Serialize)]
pub struct Pair {
    pub line: u32,
    pub a: Named,
    pub b: Named,
    /// Relation kinds allowed from `a` to `b`.
    pub forward: Vec<String>,
    /// Relation kinds allowed from `b` to `a`.
    pub backward: Vec<String>,
    /// Relations the graph has between the two, as `a -[rel]-> b` or `b -[rel]-> a`.
    pub known: Vec<String>,
    /// At most [`MAX_QUOTE_WORDS`] words of the line, spanning both names when they fit.
    pub quote: String,
}

/// A capitalised name that is not in the graph, how often it occurs, and where first.
#[derive(Debug, Serialize)]
pub struct NewName {
    pub name: String,
    pub count: usize,
    pub line: u32,
}

/// Reads `text` against the graph `data`.
pub fn find(data: &Dataset, text: &str) -> Mentions {
    let finder = NameFinder::of(data);
    let named = |n: u32| {
        let e = data.entity(n);
        Named { id: e.id().to_string(), name: e.name().to_string(), kind: e.kind().to_string() }
    };
    // The relations the graph has, by (from, to) entity ids.
    let mut related: HashMap<(&str, &str), Vec<&str>> = HashMap::new();
    for r in data.all_relations() {
        related.entry((r.from(), r.to())).or_default().push(r.rel());
    }
    let mut out = Mentions { lines: Vec::new(), pairs: Vec::new(), crowded: Vec::new(), new_names: Vec::new() };
    let mut new_names: HashMap<String, (usize, u32)> = HashMap::new();
    let mut order = Vec::new();
    for (n, line) in (1u32..).zip(text.lines()) {
        let found = finder.find(line);
        for name in capitalised(line, &found) {
            let entry = new_names.entry(name.clone()).or_insert_with(|| {
                order.push(name);
                (0, n)
            });
            entry.0 += 1;
        }
        // Each entity once, at its first mention.
        let mut first: Vec<&Mention> = Vec::new();
        for m in &found {
            if !first.iter().any(|f| f.entity == m.entity) {
                first.push(m);
            }
        }
        if first.is_empty() {
            continue;
        }
        out.lines.push(MentionLine { line: n, entities: first.iter().map(|m| named(m.entity)).collect() });
        if first.len() > MAX_PAIRED {
            out.crowded.push(n);
            continue;
        }
        for (i, ma) in first.iter().enumerate() {
            for mb in &first[i + 1..] {
                let (ka, kb) = (data.entity(ma.entity).kind(), data.entity(mb.entity).kind());
                let (mut forward, mut backward) = (allowed(&data.schema, ka, kb), allowed(&data.schema, kb, ka));
                if forward.is_empty() && backward.is_empty() {
                    continue;
                }
                // Written the way round the schema allows, when it allows only one.
                let (ma, mb) = if forward.is_empty() {
                    std::mem::swap(&mut forward, &mut backward);
                    (mb, ma)
                } else {
                    (ma, mb)
                };
                let mut known = Vec::new();
                let (ia, ib) = (data.entity(ma.entity).id(), data.entity(mb.entity).id());
                for (x, y) in [(ia, ib), (ib, ia)] {
                    for rel in related.get(&(x, y)).into_iter().flatten() {
                        let fact = format!("{x} -[{rel}]-> {y}");
                        if !known.contains(&fact) {
                            known.push(fact);
                        }
                    }
                }
                let quote = quote(line, ma.start.min(mb.start), ma.end.max(mb.end));
                let (a, b) = (named(ma.entity), named(mb.entity));
                out.pairs.push(Pair { line: n, a, b, forward, backward, known, quote });
            }
        }
    }
    // `North Korean` is a word made from a known name, not a new entity.
    let folded: HashSet<String> = super::names::labels(data).map(|(_, name)| name.to_lowercase()).collect();
    let inflected = |name: &str| {
        let name = name.to_lowercase();
        (1..=3).any(|k| {
            name.len() > k && name.is_char_boundary(name.len() - k) && folded.contains(&name[..name.len() - k])
        })
    };
    out.new_names = order
        .into_iter()
        .filter_map(|name| {
            let (count, line) = new_names[&name];
            (count >= MIN_RECURRENCE && !inflected(&name)).then_some(NewName { name, count, line })
        })
        .collect();
    out.new_names.sort_by(|a, b| b.count.cmp(&a.count).then(a.line.cmp(&b.line)));
    out
}

/// The relation kinds the schema allows from an entity of kind `from` to one of kind `to`
/// (an undirected relation is offered in both directions).
fn allowed(schema: &Schema, from: &str, to: &str) -> Vec<String> {
    schema.relations.iter().filter(|r| r.allows_from(from) && r.allows_to(to)).map(|r| r.name.clone()).collect()
}

/// Words of `line` around `start..end`: the whole words spanning it when they are at most
/// [`MAX_QUOTE_WORDS`], else that many words from the first. Always a part of the line, so
/// that `kgq check --sources` accepts it once the document is a source.
pub fn quote(line: &str, start: usize, end: usize) -> String {
    let words: Vec<(usize, usize)> = word_spans(line);
    let first = words.iter().position(|&(_, e)| e > start).unwrap_or(0);
    let last = words.iter().rposition(|&(s, _)| s < end).unwrap_or(first).max(first);
    let last = last.min(first + MAX_QUOTE_WORDS - 1);
    match (words.get(first), words.get(last)) {
        (Some(&(s, _)), Some(&(_, e))) => line[s..e].to_string(),
        _ => String::new(),
    }
}

fn word_spans(line: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                spans.push((s, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, line.len()));
    }
    spans
}

/// Runs of two or more capitalised words (`Korea Rungrado General Trading`, `Ministry of
/// the Interior`) that do not touch a known name, and acronyms of three or
/// more capitals.
fn capitalised(line: &str, known: &[Mention]) -> Vec<String> {
    const JOINERS: &[&str] = &["of", "for", "de"];
    const LEADS: &[&str] = &["the", "a", "an", "in", "on", "at", "by", "for", "of", "and", "but", "this", "that"];
    let clean = |w: &str| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string();
    let capital = |w: &str| w.chars().next().is_some_and(char::is_uppercase) && w.chars().any(char::is_lowercase);
    let acronym = |w: &str| {
        w.chars().count() >= 3
            && w.chars().all(|c| c.is_uppercase() || c.is_ascii_digit())
            && w.chars().any(char::is_alphabetic)
    };
    let touches = |s: usize, e: usize| known.iter().any(|m| m.start < e && s < m.end);
    let mut out = Vec::new();
    let mut run: Vec<(usize, usize, String)> = Vec::new();
    let flush = |run: &mut Vec<(usize, usize, String)>, out: &mut Vec<String>| {
        // A sentence's first word (`The`, `In`) is not part of the name after it.
        let lead = run.iter().take_while(|(_, _, w)| LEADS.contains(&w.to_lowercase().as_str())).count();
        run.drain(..lead);
        while run.last().is_some_and(|(_, _, w)| JOINERS.contains(&w.as_str()) || w == "the") {
            run.pop();
        }
        if run.len() >= 2 && !touches(run[0].0, run[run.len() - 1].1) {
            out.push(run.iter().map(|(_, _, w)| w.as_str()).collect::<Vec<_>>().join(" "));
        }
        run.clear();
    };
    for (s, e) in word_spans(line) {
        let raw = &line[s..e];
        let word = clean(raw);
        if acronym(&word) && !touches(s, e) {
            out.push(word.clone());
        }
        // `of`, `for`, `de` join capitalised words, and `the` after one of them
        // (`Ministry of the Interior`); `and` does not (`Acme and the Bureau` are two).
        let after_joiner = run.last().is_some_and(|(_, _, w)| JOINERS.contains(&w.as_str()));
        let joins = !run.is_empty() && (JOINERS.contains(&word.as_str()) || (word == "the" && after_joiner));
        if capital(&word) || joins {
            run.push((s, e, word));
            // Punctuation after a word ends the name there.
            if raw.ends_with([',', '.', ';', ':', ')', '"', '\u{201D}']) {
                flush(&mut run, &mut out);
            }
        } else {
            flush(&mut run, &mut out);
        }
    }
    flush(&mut run, &mut out);
    out
}

impl Mentions {
    /// The report for people. Text from the document and the data is escaped by the caller.
    pub fn text(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        if self.lines.is_empty() {
            out.push_str("no known entity is named in this document\n");
        }
        for l in &self.lines {
            let names: Vec<String> = l.entities.iter().map(|e| format!("{} ({})", e.name, e.id)).collect();
            let _ = writeln!(out, "{:>6}  {}", l.line, names.join(", "));
        }
        if !self.pairs.is_empty() {
            out.push_str("\ncandidate relations (named on one line; the schema allows these kinds)\n");
            for p in &self.pairs {
                let _ = writeln!(out, "{:>6}  {} -- {}: {}", p.line, p.a.id, p.b.id, p.choices());
                if !p.known.is_empty() {
                    let _ = writeln!(out, "{:>6}  already in the graph: {}", "", p.known.join(", "));
                }
            }
        }
        if !self.crowded.is_empty() {
            let lines: Vec<String> = self.crowded.iter().map(u32::to_string).collect();
            let _ = writeln!(
                out,
                "\n(no pairs listed for lines naming more than {MAX_PAIRED} entities: {})",
                lines.join(", ")
            );
        }
        if !self.new_names.is_empty() {
            out.push_str("\nnames not in the graph that recur (candidate entities)\n");
            for n in &self.new_names {
                let _ = writeln!(out, "{:>6}  {} ({} times)", n.line, n.name, n.count);
            }
        }
        out
    }

    /// A skeleton of `[[relation]]` records citing `source` (the id the document will have in
    /// sources.toml), for relations/, with candidate `[[entity]]` records commented out at
    /// the end (they belong in entities/). Every `rel` and `kind` is left as `"?"` with the
    /// choices in a comment, so nothing loads until a person has chosen.
    pub fn toml(&self, source: &str) -> String {
        use std::fmt::Write as _;
        let s = |v: &str| toml::Value::String(v.to_string()).to_string();
        // A comment ends at a line break: what it quotes is put on one line first.
        let id = one_line(source);
        let mut out = format!(
            "# Candidate records citing source {id}. Add the document to sources.toml as\n\
             # `[[source]] id = {}`, choose each `rel` and `kind` (now \"?\"), and delete what\n\
             # the document does not state. Quotes are verbatim parts of the cited line.\n",
            s(&id)
        );
        for p in &self.pairs {
            debug_assert!(p.quote.split_whitespace().count() <= MAX_QUOTE_WORDS);
            let known = if p.known.is_empty() {
                String::new()
            } else {
                format!("# already in the graph: {}\n", p.known.join(", "))
            };
            let _ = write!(
                out,
                "\n[[relation]]\n{known}from = {}  # {}\nrel = \"?\"  # {}\nto = {}  # {}\nstatus = \"reported\"\nevidence = [{{ source = {}, line = {}, quote = {} }}]\n",
                s(&p.a.id),
                one_line(&p.a.name),
                p.choices(),
                s(&p.b.id),
                one_line(&p.b.name),
                s(source),
                p.line,
                s(&p.quote)
            );
        }
        if !self.new_names.is_empty() {
            out.push_str(
                "\n# Candidate entities: names that recur and are not in the graph. Entities go in\n\
                 # entities/*.toml: move those the document states there, uncommented, with a kind.\n",
            );
        }
        for n in &self.new_names {
            let record = format!(
                "[[entity]]\nid = {}\nname = {}\nkind = \"?\"\nevidence = [{{ source = {}, line = {}, quote = {} }}]\n",
                s(&slug(&n.name)),
                s(&n.name),
                s(source),
                n.line,
                s(&n.name)
            );
            out.push('\n');
            for line in record.lines() {
                let _ = writeln!(out, "# {line}");
            }
        }
        out
    }
}

impl Pair {
    /// The relation kinds to choose from, forwards (`a` to `b`) and backwards.
    fn choices(&self) -> String {
        let mut parts = Vec::new();
        if !self.forward.is_empty() {
            parts.push(format!("-> {}", self.forward.join("|")));
        }
        if !self.backward.is_empty() {
            parts.push(format!("<- {} (swap from and to)", self.backward.join("|")));
        }
        parts.join("; ")
    }
}

/// A name fit for a TOML comment: on one line, control characters dropped.
fn one_line(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).collect()
}

/// An id for a new name: lower-case letters and digits joined by single hyphens.
pub(crate) fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Whether `quote` is what `check --sources` will find on `line`.
pub fn verified(line: &str, quote: &str) -> bool {
    normalise(line).contains(&normalise(quote)) && quote.split_whitespace().count() <= MAX_QUOTE_WORDS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_span_both_names_within_the_word_limit() {
        let line = "In 2016 the Korea Rungrado General Trading Corporation sent workers to Poland.";
        let a = line.find("Korea").unwrap();
        let b = line.find("Poland").unwrap() + "Poland".len();
        let q = quote(line, a, b);
        assert_eq!(q, "Korea Rungrado General Trading Corporation sent workers to Poland.");
        assert!(verified(line, &q));
        let long = format!("Rungrado {} Poland", "and so on ".repeat(20));
        let q = quote(&long, 0, long.len());
        assert_eq!(q.split_whitespace().count(), MAX_QUOTE_WORDS);
        assert!(verified(&long, &q));
    }

    #[test]
    fn capitalised_runs_are_candidate_names() {
        let line = "The Mansudae Art Studio and the Ministry of Foreign Affairs met UNICEF staff.";
        assert_eq!(capitalised(line, &[]), ["Mansudae Art Studio", "Ministry of Foreign Affairs", "UNICEF"]);
    }

    /// Found by the `mentions` fuzz target: a source id with a line break ended the header
    /// comment, and the skeleton was not TOML.
    #[test]
    fn a_source_id_with_a_line_break_keeps_the_skeleton_valid_toml() {
        let found = Mentions { lines: Vec::new(), pairs: Vec::new(), crowded: Vec::new(), new_names: Vec::new() };
        for source in ["fuzz\"\n", "a\r\nb", "\u{1b}[31m"] {
            let skeleton = found.toml(source);
            assert!(skeleton.parse::<toml::Table>().is_ok(), "{skeleton}");
        }
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Ministry of Foreign Affairs"), "ministry-of-foreign-affairs");
        assert_eq!(slug("Korea’s “Big” Co."), "korea-s-big-co");
    }
}
