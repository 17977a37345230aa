//! The language's words and forms, each said once: the keywords ([`KEYWORDS`], checked
//! against `grammar/kgq.pest` by a test) with what the tools around the parser do with
//! them (did-you-mean, continuation, completion, colours), the comment rule those tools
//! share with the grammar ([`starts_comment`]), and the statement forms used by parse
//! errors ("`path` takes: ...") and by help texts.

/// One keyword of the language, as the grammar spells it (lower case; keywords are
/// case-insensitive), and what the tools around the parser do with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keyword {
    pub word: &'static str,
    /// A statement starts with it: a misspelt first word is matched against these.
    pub starts: bool,
    /// A statement cannot end after it: a line ending with it continues on the next.
    pub continues: bool,
    /// The grammar's `keyword` rule holds it: it is never read as a bare entity id.
    pub reserved: bool,
    /// Another spelling of this keyword (`neighbours`): recognised and coloured, but
    /// neither offered by completion nor suggested.
    pub same_as: Option<&'static str>,
}

const fn kw(word: &'static str, starts: bool, continues: bool, reserved: bool) -> Keyword {
    Keyword { word, starts, continues, reserved, same_as: None }
}

/// Every keyword of the grammar, statement keywords first in the order help lists them.
/// (`kw(word, starts a statement, continues a line, reserved)`.)
pub const KEYWORDS: &[Keyword] = &[
    kw("show", true, true, true),
    kw("find", true, true, true),
    kw("neighbors", true, true, true),
    Keyword { same_as: Some("neighbors"), ..kw("neighbours", true, true, true) },
    kw("path", true, true, true),
    kw("all", true, true, true),
    kw("paths", true, true, true),
    kw("connect", true, true, true),
    kw("why", true, true, true),
    kw("count", true, true, true),
    kw("match", true, true, true),
    kw("cited", true, true, true),
    kw("shortest", false, true, true),
    kw("where", false, true, true),
    kw("order", false, true, true),
    kw("by", false, true, true),
    kw("limit", false, true, true),
    kw("return", false, true, true),
    kw("distinct", false, true, true),
    kw("and", false, true, true),
    kw("or", false, true, true),
    kw("not", false, true, true),
    kw("to", false, true, true),
    kw("as", false, true, true),
    kw("of", false, true, true),
    kw("max", false, true, true),
    kw("depth", false, true, true),
    kw("via", false, true, true),
    kw("except", false, true, true),
    kw("avoid", false, true, true),
    kw("kind", false, true, false),
    kw("through", false, true, true),
    kw("directed", false, false, true),
    kw("in", false, true, true),
    kw("contains", false, true, false),
    kw("starts", false, true, false),
    kw("with", false, true, false),
    kw("asc", false, false, true),
    kw("desc", false, false, true),
    kw("relations", false, false, false),
    kw("exists", false, true, false),
    kw("having", false, true, false),
    kw("before", false, true, false),
    kw("after", false, true, false),
    kw("during", false, true, false),
    kw("collect", false, false, false),
    kw("min", false, false, false),
    kw("sum", false, false, false),
    kw("avg", false, false, false),
    kw("properties", false, false, false),
    kw("dated", false, true, false),
    kw("only", false, false, false),
    kw("keys", false, false, false),
    kw("true", false, false, false),
    kw("false", false, false, false),
    kw("null", false, false, false),
    kw("table", false, false, false),
    kw("json", false, false, false),
    kw("csv", false, false, false),
    kw("dot", false, false, false),
];

/// The keyword `word` is, in any case.
pub fn keyword(word: &str) -> Option<&'static Keyword> {
    KEYWORDS.iter().find(|k| k.word.eq_ignore_ascii_case(word))
}

/// The words a statement starts with, one spelling each: what a misspelt first word is
/// compared with.
pub fn statement_keywords() -> impl Iterator<Item = &'static str> {
    KEYWORDS.iter().filter(|k| k.starts && k.same_as.is_none()).map(|k| k.word)
}

/// Whether a comment starts at the character `next` begins with (outside quotes): the
/// grammar's `COMMENT` rule, `--` not followed by `(`, `>` or `-` (which make an edge
/// pattern: `(a)--(b)`, `(a)-->(b)`). What precedes does not matter, so in `x <-- note`
/// the `<` is code and `-- note` a comment, as the parser reads it. A comment runs to the
/// end of its line. The parser's nesting check, the statement splitter (continuation)
/// and the shell's colours all ask this.
pub fn starts_comment(mut next: impl Iterator<Item = char>) -> bool {
    next.next() == Some('-') && next.next() == Some('-') && !matches!(next.next(), Some('(' | '>' | '-'))
}

/// (statement keyword, form, what it answers).
pub const FORMS: &[(&str, &str, &str)] = &[
    ("show", "show <entity>", "an entity card: kind, aliases, attributes, every relation with its evidence"),
    (
        "find",
        "find <kind>[, <kind>] | * [where <condition>] [order by <field> [desc]] [limit N]",
        "entities of some kinds that meet a condition",
    ),
    ("neighbors", "neighbors <entity> [depth N] [path options]", "entities within N hops"),
    ("path", "path <entity> to <entity> [path options]", "one shortest path"),
    ("all", "all shortest paths <entity> to <entity> [path options]", "every shortest path"),
    (
        "paths",
        "paths <entity> to <entity> [max N] [limit N] [path options]",
        "every simple path up to N hops, shortest first",
    ),
    (
        "connect",
        "connect <entity> and <entity> [max N] [path options]",
        "the entities on connecting paths, ranked, with the paths behind each",
    ),
    ("why", "why <entity> and <entity>", "the direct relations between two entities, with evidence"),
    (
        "count",
        "count <kind>[, <kind>] | * | relations [where <condition>] [by <field>]",
        "how many, optionally grouped",
    ),
    (
        "match",
        "match <pattern>[, <pattern>] [where <condition>] return <items> [having <condition>] [order by ...] [limit N]",
        "pattern matching over kinds, relations and properties, as in GQL and Cypher",
    ),
    (
        "cited",
        "cited by \"<source>\" | \"<source>:<line>\" [limit N]",
        "what a source, or one line of it, is evidence for: every entity and relation citing it, by line",
    ),
];

/// What a statement's answer means, where that is more than its form says: the order in
/// which `match` evaluates, what a path and a count are. Shown by `:help <statement>`.
pub const MEANINGS: &[(&str, &str)] = &[
    (
        "match",
        "Evaluated in this order: the patterns are matched (kinds and property maps while matching; \
each relation is bound at most once per match), `where` filters every complete match (an \
`exists { pattern [where ...] }` block, or `not exists { }`, is searched from that match and \
stops at its first), then rows are grouped by the items that are not aggregates and aggregated \
(count, collect, min, max, sum, avg, each with `distinct` if wanted), `having` keeps the groups \
it holds for, and rows are made distinct, ordered, and cut to the limit (default 100). So a limit \
never hides a row that passes `where`, aggregates are exact, and a note says when rows were left \
out. `as name` renames a column; `having` and an aggregated `order by` name columns (`n`, \
`count(*)`). `properties(x)` gives every property of x, `keys(x)` their names. A name compared \
with `=` or in a property map resolves like an entity reference (aliases too); a date field \
takes a year or a quoted date. `r.when` is the decision date, else the start; `before`, `after` \
and `during` compare dates as periods (\"2016-03\" is during \"2016\"); missing values sort last \
either way. `r cited by \"002:418\"` holds when r's evidence cites that line (or a source: \
\"002\"); `r.quote`, `r.evidence` are its quotes and locators.",
    ),
    (
        "cited",
        "Every entity and relation whose evidence cites the line (or, given a source alone, any \
line of it), one row per locator, by line, entities first. Exact: the whole graph is read, and \
a note says how many rows the limit (default 100) left out. `cited by` means the same as a \
condition (`where r cited by \"002:418\"`) and as a path option.",
    ),
    ("paths", PATHS_MEANING),
    ("path", PATHS_MEANING),
    ("all", PATHS_MEANING),
    ("connect", PATHS_MEANING),
    ("neighbors", PATHS_MEANING),
    (
        "count",
        "Exact: every entity or relation that meets the condition is counted; grouped by a list \
field, an item counts once per value it holds.",
    ),
];

const PATHS_MEANING: &str = "A path is a route through entities and relation kinds: parallel \
relations (same ends and kind, different evidence) are one hop that shows all of them, and a hop \
passes `as of` or `cited by` when any of its relations does. Counts, scores, limits and notes \
count routes. When nothing is found, the note says whether a larger `max` could help. `as of` \
keeps relations whose period (since..until, or the date) overlaps the date given; a relation with \
no date at all holds at any time, unless `dated only` follows (`as of 2016 dated only`). \
`cited by` takes a source (\"002\") or a line of one (\"002:418\").";

/// The meaning of a statement's answer, if more needs saying than its form.
pub fn meaning(keyword: &str) -> Option<&'static str> {
    MEANINGS.iter().find(|(k, _)| *k == keyword).map(|(_, m)| *m)
}

/// The path options every path statement takes.
pub const PATH_OPTIONS: &str = "max N, limit N, via <rel>[, <rel>], except via <rel>[, ...], avoid <entity>[, ...], \
avoid kind <kind>[, ...], through <entity>, directed, as of \"<date>\" [dated only], cited by \"<source>[:<line>]\"";

/// The form of the statement that `text` starts with, if its first word names one.
pub fn form_of(text: &str) -> Option<&'static str> {
    let first = keyword(text.split_whitespace().next()?)?;
    let first = first.same_as.unwrap_or(first.word);
    FORMS.iter().find(|(kw, _, _)| *kw == first).map(|(_, form, _)| *form)
}

/// Examples of each statement, each answerable by the shipped graph: the first of a statement is
/// the one help shows; the others show more forms (of `match` above all).
pub const EXAMPLES: &[(&str, &str)] = &[
    ("show", "show \"Rungrado\""),
    ("find", "find dprk_company where name contains \"general\" order by name"),
    ("neighbors", "neighbors \"Office 39\" depth 2"),
    ("path", "path \"Poland\" to \"Munitions Industry Department\""),
    ("all", "all shortest paths \"Malta\" to \"Office 39\""),
    ("paths", "paths \"Rungrado\" to \"Poland\" max 3 except via investigates"),
    ("connect", "connect \"Poland\" and \"Munitions Industry Department\" via works_in, part_of, sends_revenue_to"),
    ("why", "why \"Rungrado\" and \"North Korean workers in Poland\""),
    ("count", "count relations where status = \"official\" by rel"),
    ("match", "match (c)-[:designated_under]->(i {id: \"eo-13722\"}) return c.name"),
    ("cited", "cited by \"002:418\""),
    // More forms of `match`, each answerable by the shipped graph (help shows the first).
    (
        "match",
        "match (c:dprk_company)-[:designated_under]->(i) where not exists { (c)-[:employs|supplies_workers]->() } return c.name, count(distinct i) as n",
    ),
    (
        "match",
        "match (c)-[:supplies_workers]->(g)-[:works_in]->(k:country) return c.name, count(distinct k) as countries, collect(distinct k.name) having countries > 1 order by countries desc",
    ),
    (
        "match",
        "match (g)-[r:works_in]->(k:country) return k.name, sum(r.headcount), min(r.when), max(r.when) order by k.name",
    ),
    (
        "match",
        "match (x)-[r:restricts]->(g) where r.when during \"2017\" return x.name, g.name, r.when order by r.when",
    ),
    ("match", "match (a)-[r]->(b) where r cited by \"002:418\" return a.name, r.rel, b.name, r.evidence"),
    ("match", "match (g {id: \"dprk-workers-poland\"})-[r:works_in]->(k) return properties(r), keys(g)"),
    ("find", "find * where cited by \"002:418\""),
    ("neighbors", "neighbors \"Poland\" as of 2010 dated only"),
];

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    const GRAMMAR: &str = include_str!("../../grammar/kgq.pest");

    /// The case-insensitive literals (`^"word"`) of `text`.
    fn literals(text: &str) -> BTreeSet<&str> {
        text.split("^\"").skip(1).map(|rest| rest.split('"').next().expect("a literal is closed")).collect()
    }

    #[test]
    fn the_keyword_table_holds_exactly_the_grammars_keywords() {
        let table: BTreeSet<&str> = KEYWORDS.iter().map(|k| k.word).collect();
        assert_eq!(table.len(), KEYWORDS.len(), "each keyword is listed once");
        assert_eq!(table, literals(GRAMMAR), "the table and grammar/kgq.pest name the same keywords");
    }

    #[test]
    fn reserved_keywords_are_exactly_the_grammars_keyword_rule() {
        let rule = GRAMMAR.split("\nkeyword = ").nth(1).expect("the grammar has a keyword rule");
        let rule = rule.split("\n").take_while(|line| !line.starts_with("kw_")).collect::<Vec<_>>().join("\n");
        let reserved: BTreeSet<&str> = KEYWORDS.iter().filter(|k| k.reserved).map(|k| k.word).collect();
        assert_eq!(reserved, literals(&rule));
    }

    #[test]
    fn every_statement_keyword_has_a_form_and_an_example() {
        for word in statement_keywords() {
            assert!(FORMS.iter().any(|(k, _, _)| *k == word), "{word}");
            assert!(EXAMPLES.iter().any(|(k, _)| *k == word), "{word}");
        }
        assert_eq!(statement_keywords().count(), FORMS.len());
        assert_eq!(form_of("NEIGHBOURS x"), form_of("neighbors x"));
    }
}
