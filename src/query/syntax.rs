//! The forms of the statements, as one table: used by parse errors ("`path` takes: ...")
//! and by help texts.

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
        "match <pattern>[, <pattern>] [where <condition>] return <items> [order by ...] [limit N]",
        "pattern matching over kinds, relations and properties, as in GQL and Cypher",
    ),
];

/// What a statement's answer means, where that is more than its form says: the order in
/// which `match` evaluates, what a path and a count are. Shown by `:help <statement>`.
pub const MEANINGS: &[(&str, &str)] = &[
    (
        "match",
        "Evaluated in this order: the patterns are matched (kinds and property maps while matching; \
each relation is bound at most once per match), `where` filters every complete match, then rows \
are grouped by the items that are not counts and counted, made distinct, ordered, and cut to the \
limit (default 100). So a limit never hides a row that passes `where`, counts are exact, and a \
note says when rows were left out. A name compared with `=` or in a property map resolves like \
an entity reference (aliases too); a date field takes a year or a quoted date.",
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
count routes. When nothing is found, the note says whether a larger `max` could help.";

/// The meaning of a statement's answer, if more needs saying than its form.
pub fn meaning(keyword: &str) -> Option<&'static str> {
    MEANINGS.iter().find(|(k, _)| *k == keyword).map(|(_, m)| *m)
}

/// The path options every path statement takes.
pub const PATH_OPTIONS: &str = "max N, limit N, via <rel>[, <rel>], except via <rel>[, ...], avoid <entity>[, ...], \
avoid kind <kind>[, ...], through <entity>, directed, as of \"<date>\", cited by \"<source>\"";

/// The form of the statement that `text` starts with, if its first word names one.
pub fn form_of(text: &str) -> Option<&'static str> {
    let first = text.split_whitespace().next()?.to_ascii_lowercase();
    let first = if first == "neighbours" { "neighbors".to_string() } else { first };
    FORMS.iter().find(|(kw, _, _)| *kw == first).map(|(_, form, _)| *form)
}

/// One example per statement, each answerable by the shipped graph.
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
];
