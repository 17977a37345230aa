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
