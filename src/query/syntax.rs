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
    kw("markdown", false, false, false),
    kw("line", false, false, false),
    kw("dot", false, false, false),
    kw("search", true, true, false),
    kw("commentary", false, false, false),
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

/// The keywords that continue a statement (options, clauses, joining words): what a
/// misspelt word after a statement's start is compared with. Values (`true`, `null`, the
/// formats) are left out: a word near them is more likely a name.
pub fn clause_keywords() -> impl Iterator<Item = &'static str> + Clone {
    const VALUES: &[&str] = &["true", "false", "null", "table", "json", "csv", "dot", "relations"];
    KEYWORDS.iter().filter(|k| !k.starts && k.same_as.is_none() && !VALUES.contains(&k.word)).map(|k| k.word)
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
    ("search", "search \"<words>\" [limit N]", "entities ranked by the words in their names, aliases and notes"),
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
    ("connect", CONNECT_MEANING),
    ("neighbors", PATHS_MEANING),
    (
        "search",
        "Each word of the text (common words such as `in`, `of`, `the` are not looked for) \
counts 3 when it begins a word of the entity's name, else 2 when it begins a word of an alias, \
else 1 when it begins a word of its note; `words` is how many of the text's words the entity \
holds. Ranked by words, then score, then name; every entity is read, and entities holding none \
are not listed.",
    ),
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
`cited by` takes a source (\"002\") or a line of one (\"002:418\"). \
Relations the schema marks as commentary (someone reporting on, researching or pressing a party: \
`investigates`, `pressures` in the shipped graph) are not walked unless the statement says `with \
commentary` or names them in `via`; a note says how many paths or entities that left out.";

const CONNECT_MEANING: &str = "Ranks the entities on the simple paths between the two (at most 4 \
hops unless `max` says otherwise; commentary relations left out as for every path statement, \
with a note of what that left out). An entity's score is the sum, over the connecting paths it \
lies on, of 1/(the path's length in hops): many short paths rank first. Ties go to the entity \
on the shortest path, then by name. `paths` counts them, `shortest` is the shortest length.";

/// The meaning of a statement's answer, if more needs saying than its form.
pub fn meaning(keyword: &str) -> Option<&'static str> {
    MEANINGS.iter().find(|(k, _)| *k == keyword).map(|(_, m)| *m)
}

/// The path options every path statement takes.
pub const PATH_OPTIONS: &str = "max N, limit N, via <rel>[, <rel>], except via <rel>[, ...], avoid <entity>[, ...], \
avoid kind <kind>[, ...], through <entity>, directed, as of \"<date>\" [dated only], cited by \"<source>[:<line>]\", with commentary";

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
    ("search", "search \"workers in poland\""),
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

/// Every path option with an example that runs on the shipped graph (`:help options`).
pub const OPTION_EXAMPLES: &[(&str, &str)] = &[
    ("max N: at most N hops (default 6, connect 4, at most 12)", "paths \"Rungrado\" to \"Poland\" max 3"),
    ("limit N: at most N rows (default 100); a note says when more exist", "paths \"Rungrado\" to \"Poland\" limit 2"),
    (
        "via <rel>[, <rel>]: only these relation kinds (commentary ones named are walked)",
        "path \"Poland\" to \"Office 39\" via works_in, part_of, sends_revenue_to",
    ),
    ("except via <rel>[, ...]: never these relation kinds", "paths \"Rungrado\" to \"Poland\" max 3 except via admits"),
    (
        "avoid <entity>[, ...]: never through these entities",
        "path \"Poland\" to \"Munitions Industry Department\" avoid \"North Korean workers abroad\"",
    ),
    (
        "avoid kind <kind>[, ...]: never through entities of these kinds",
        "path \"Malta\" to \"Office 39\" avoid kind country",
    ),
    ("through <entity>: only paths that pass through it", "path \"Poland\" to \"Office 39\" through \"Rungrado\""),
    ("directed: relations only in their stated direction", "path \"Rungrado\" to \"Poland\" directed"),
    ("as of \"<date>\": only relations valid then (undated ones always hold)", "neighbors \"Poland\" as of \"2016\""),
    ("as of \"<date>\" dated only: and leave out relations with no date", "neighbors \"Poland\" as of 2010 dated only"),
    ("cited by \"<source>\": only relations that source supports", "neighbors \"Poland\" cited by \"000\""),
    (
        "cited by \"<source>:<line>\": only relations that line supports",
        "path \"Air Koryo\" to \"North Korean workers in Kuwait\" cited by \"002:418\"",
    ),
    (
        "with commentary: also walk commentary relations (investigates, pressures)",
        "connect \"Poland\" and \"Munitions Industry Department\" with commentary",
    ),
    ("depth N: how far `neighbors` looks (default 1)", "neighbors \"Office 39\" depth 2"),
];

/// Every form of a `where` condition with an example that runs on the shipped graph
/// (`:help conditions`).
pub const CONDITION_EXAMPLES: &[(&str, &str)] = &[
    ("<field> = <value>, also !=, <, <=, >, >=", "find country where name = \"Poland\""),
    ("<field> contains \"text\"", "find dprk_company where name contains \"trading\""),
    ("<field> starts with \"text\"", "find worker_group where name starts with \"North Korean workers in\""),
    ("<field> in [<value>, ...]", "count relations where status in [\"official\", \"alleged\"]"),
    ("<field> alone: it has a value", "find dprk_company where note"),
    ("not <condition>", "find country where not cited"),
    ("cited by \"<source>\" or \"<source>:<line>\": evidence from it", "find * where cited by \"002:418\""),
    (
        "<date field> before|after|during \"<date>\" (partial dates as periods)",
        "match (x)-[r:restricts]->(g) where r.when during \"2017\" return x.name, g.name, r.when",
    ),
    (
        "<field> contains \"text\" on evidence quotes",
        "match (a)-[r]->(b) where r.quote contains \"wages\" return a.name, r.rel, b.name",
    ),
    (
        "exists { pattern } / not exists { pattern } (match only)",
        "match (c:dprk_company) where not exists { (c)-[:designated_under]->() } return c.name",
    ),
    (
        "<condition> and|or <condition>, in brackets",
        "find * where (kind = \"country\" or kind = \"region\") and degree > 20",
    ),
];

/// Every `expect` form of `kgq run` scripts with an example that holds on the shipped
/// graph (`:help expect`).
pub const EXPECT_EXAMPLES: &[(&str, &str)] = &[
    ("expect STATEMENT returns N", "expect count country where name = \"Poland\" returns 1"),
    ("expect STATEMENT at least N", "expect find worker_group at least 10"),
    ("expect STATEMENT at most N", "expect why \"Rungrado\" and \"Poland\" at most 3"),
    (
        "expect STATEMENT contains \"A\", \"B\"",
        "expect path \"Poland\" to \"Office 39\" contains \"North Korean workers abroad\"",
    ),
    (
        "expect STATEMENT not contains \"X\"",
        "expect connect \"Poland\" and \"Munitions Industry Department\" not contains \"Vice\"",
    ),
    ("expect STATEMENT empty", "expect find * where degree = 0 empty"),
    ("expect STATEMENT not empty", "expect search \"shipyard\" not empty"),
    ("expect STATEMENT error \"text\"", "expect show \"Atlantis\" error \"no entity is called\""),
];

/// The help tables of examples, by `:help` topic: a test runs every example on the shipped
/// graph, so a table added here is checked too.
pub const EXAMPLE_TABLES: &[(&str, &[(&str, &str)])] = &[
    ("statements", EXAMPLES),
    ("options", OPTION_EXAMPLES),
    ("conditions", CONDITION_EXAMPLES),
    ("expect", EXPECT_EXAMPLES),
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
