//! Meta-commands (`:help`, `:format`, ...): one table of names, arguments and help, parsing
//! with unambiguous prefixes, and the texts that `:help`, `:schema` and `:sources` print,
//! with the attribute names in use per entity kind and relation kind ([`Attributes`], also
//! what the shell completes after `x.`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use crate::graph::KnowledgeGraph;
use crate::model::RelRole;
use crate::query::syntax::{self, EXAMPLE_TABLES, EXAMPLES, FORMS, PATH_OPTIONS};
use crate::query::{ENTITY_FIELDS, RELATION_FIELDS};
use crate::render::Format;

/// A meta-command: name, argument form, what it does, and whether its argument is a path.
pub struct MetaCommand {
    pub name: &'static str,
    pub args: &'static str,
    pub help: &'static str,
    pub takes_path: bool,
}

pub const COMMANDS: &[MetaCommand] = &[
    MetaCommand {
        name: "help",
        args: "[topic]",
        help: "statements, options and commands; :help <statement> for one",
        takes_path: false,
    },
    MetaCommand {
        name: "format",
        args: "FORMAT",
        help: "how answers are printed and saved: table, json, csv, markdown, line, dot, graph-json, svg or png",
        takes_path: false,
    },
    MetaCommand {
        name: "rows",
        args: "N|all",
        help: "the most rows a table prints on the terminal (40 to start with)",
        takes_path: false,
    },
    MetaCommand {
        name: "pager",
        args: "on|off",
        help: "show answers taller than the terminal in $PAGER",
        takes_path: false,
    },
    MetaCommand { name: "dot", args: "FILE", help: "write the last answer as Graphviz DOT", takes_path: true },
    MetaCommand {
        name: "save",
        args: "FILE",
        help: "write the last answer in the current format (svg and png drawn by Graphviz)",
        takes_path: true,
    },
    MetaCommand { name: "timing", args: "on|off", help: "print how long each statement took", takes_path: false },
    MetaCommand {
        name: "schema",
        args: "",
        help: "entity kinds and relation kinds, with descriptions",
        takes_path: false,
    },
    MetaCommand { name: "sources", args: "", help: "the documents the evidence cites", takes_path: false },
    MetaCommand {
        name: "data",
        args: "DIR|FILE",
        help: "load another graph-data folder, data file or snapshot",
        takes_path: true,
    },
    MetaCommand { name: "run", args: "FILE", help: "run the statements of a script", takes_path: true },
    MetaCommand { name: "quit", args: "", help: "leave (Ctrl-D does too)", takes_path: false },
];

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Help(Option<String>),
    Format(Format),
    Dot(PathBuf),
    Save(PathBuf),
    Timing(bool),
    /// The most rows a table prints on the terminal; None: all.
    Rows(Option<usize>),
    Pager(bool),
    Schema,
    Sources,
    Data(PathBuf),
    Run(PathBuf),
    Quit,
}

/// The command a (possibly abbreviated) name stands for.
pub fn lookup(name: &str) -> Result<&'static MetaCommand, String> {
    let name = name.to_ascii_lowercase();
    if let Some(exact) = COMMANDS.iter().find(|c| c.name == name) {
        return Ok(exact);
    }
    let matches: Vec<&MetaCommand> = COMMANDS.iter().filter(|c| c.name.starts_with(&name)).collect();
    match matches.as_slice() {
        [one] => Ok(one),
        [] => Err(format!("unknown command :{name}; :help lists the commands")),
        many => {
            let names: Vec<String> = many.iter().map(|c| format!(":{}", c.name)).collect();
            Err(format!(":{name} could be {}; type more letters", names.join(", ")))
        }
    }
}

/// Parses `:name args`.
pub fn parse(line: &str) -> Result<Command, String> {
    let body = line.trim().trim_start_matches(':').trim_end_matches(';');
    let (name, arg) = body.split_once(char::is_whitespace).map_or((body, ""), |(n, a)| (n, a.trim()));
    let command = lookup(name)?;
    let need = |what: &str| -> Result<String, String> {
        if arg.is_empty() { Err(format!(":{} needs {what}", command.name)) } else { Ok(arg.to_string()) }
    };
    Ok(match command.name {
        "help" => Command::Help((!arg.is_empty()).then(|| arg.to_string())),
        "format" => {
            let names = Format::names().join(", ");
            let arg = need(&format!("a format: {names}"))?;
            Command::Format(Format::named(&arg).ok_or_else(|| format!("formats: {names}"))?)
        }
        "dot" => Command::Dot(need("a file name")?.into()),
        "save" => Command::Save(need("a file name")?.into()),
        "timing" => Command::Timing(on_off(command.name, &need("on or off")?)?),
        "pager" => Command::Pager(on_off(command.name, &need("on or off")?)?),
        "rows" => match need("a number of rows, or all")?.to_ascii_lowercase().as_str() {
            "all" => Command::Rows(None),
            n => Command::Rows(Some(
                n.parse().ok().filter(|&n: &usize| n > 0).ok_or(":rows takes a positive number of rows, or all")?,
            )),
        },
        "schema" => Command::Schema,
        "sources" => Command::Sources,
        "data" => Command::Data(need("a graph-data folder, data file or snapshot")?.into()),
        "run" => Command::Run(need("a script file")?.into()),
        _ => Command::Quit,
    })
}

/// `on` or `off`, as `:name` takes it.
fn on_off(name: &str, arg: &str) -> Result<bool, String> {
    match arg.to_ascii_lowercase().as_str() {
        "on" => Ok(true),
        "off" => Ok(false),
        _ => Err(format!(":{name} takes on or off")),
    }
}

/// The text of `:help` or `:help <topic>`; `:help fields` reads the graph's attributes.
pub fn help(topic: Option<&str>, kg: &KnowledgeGraph) -> Result<String, String> {
    let mut out = String::new();
    let Some(topic) = topic.map(|t| t.trim().trim_start_matches(':').to_ascii_lowercase()) else {
        out.push_str("Statements (end with ; or a new line; an open quote or bracket, or a line ending in a comma or a word such as `and` or `via`, continues):\n");
        for (kw, form, what) in FORMS {
            let _ = writeln!(out, "  {form}\n      {what}; e.g. {}", example(kw));
        }
        let _ = writeln!(out, "\nPath options: {PATH_OPTIONS}");
        out.push_str("Each option, condition form and `expect` form with an example: :help options, :help conditions, :help expect.\n");
        out.push_str("Fields, and the attribute names in use per kind and relation: :help fields (also in :schema).\n");
        out.push_str("Output: add `as table|json|csv|markdown|line|dot` to a statement, or set :format.\n\nCommands (any unambiguous prefix works):\n");
        for c in COMMANDS {
            let _ = writeln!(out, "  :{:<8} {:<20} {}", c.name, c.args, c.help);
        }
        out.push_str(
            "\nAnswers are exact, or a note says what was left out; :help match and :help paths say how\n\
             a match is evaluated and what a path and a count are.\n\
             Tab completes keywords, entity names, kinds and relations; Ctrl-C cancels a running statement.\n",
        );
        return Ok(out);
    };
    // Another spelling (`neighbours`) has the help of the keyword it spells.
    let spelt = syntax::keyword(&topic).and_then(|k| k.same_as).unwrap_or(&topic);
    if let Some((kw, form, what)) = FORMS.iter().find(|(kw, _, _)| *kw == spelt) {
        let _ = writeln!(out, "{form}\n  {what}\n  e.g. {}", example(kw));
        if form.contains("path options") {
            let _ = writeln!(out, "  path options: {PATH_OPTIONS}");
        }
        if let Some(meaning) = syntax::meaning(kw) {
            let options = textwrap::Options::new(90).initial_indent("  ").subsequent_indent("  ");
            let _ = writeln!(out, "{}", textwrap::fill(meaning, options));
        }
        return Ok(out);
    }
    if topic == "fields" {
        return Ok(fields(kg));
    }
    if let Some((_, table)) = EXAMPLE_TABLES.iter().find(|(name, _)| *name == topic && topic != "statements") {
        let heading = match topic.as_str() {
            "options" => {
                "Path options (path, all shortest paths, paths, connect, neighbors), applied while a search expands:"
            }
            "conditions" => "Conditions, after `where`:",
            "expect" => "Assertions in scripts that `kgq run` runs:",
            _ => "Forms:",
        };
        let _ = writeln!(out, "{heading}");
        for (form, example) in *table {
            let _ = writeln!(out, "  {form}\n      e.g. {example}");
        }
        return Ok(out);
    }
    if let Ok(c) = lookup(&topic) {
        let _ = writeln!(out, ":{} {}\n  {}", c.name, c.args, c.help);
        return Ok(out);
    }
    let tables = EXAMPLE_TABLES.iter().map(|(name, _)| *name).filter(|&name| name != "statements");
    let topics: Vec<&str> = FORMS.iter().map(|(kw, _, _)| *kw).chain(tables).chain(["fields"]).collect();
    Err(format!("no help on {topic:?}; topics: {}", topics.join(", ")))
}

fn example(kw: &str) -> &'static str {
    EXAMPLES.iter().find(|(k, _)| *k == kw).map_or("", |(_, e)| e)
}

/// The attribute names in use, per entity kind and per relation kind, each list sorted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Attributes {
    pub kinds: BTreeMap<String, Vec<String>>,
    pub relations: BTreeMap<String, Vec<String>>,
}

impl Attributes {
    /// One pass over the entities and one over the relations.
    pub fn of(kg: &KnowledgeGraph) -> Attributes {
        let mut kinds: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (_, e) in kg.entities() {
            kinds.entry(e.kind().to_string()).or_default().extend(e.attrs().keys().cloned());
        }
        let mut relations: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (_, r) in kg.relations() {
            relations.entry(r.rel().to_string()).or_default().extend(r.attrs().keys().cloned());
        }
        for list in kinds.values_mut().chain(relations.values_mut()) {
            list.sort_unstable();
            list.dedup();
        }
        kinds.retain(|_, l| !l.is_empty());
        relations.retain(|_, l| !l.is_empty());
        Attributes { kinds, relations }
    }
}

/// `:help fields`: the fields every entity and relation has, and the attributes in use.
fn fields(kg: &KnowledgeGraph) -> String {
    let attrs = Attributes::of(kg);
    let mut out = format!(
        "Fields of entities: {}\nFields of relations: {}\n\
         An attribute is a field too (`x.headcount`); those in use:\n",
        ENTITY_FIELDS.join(", "),
        RELATION_FIELDS.join(", ")
    );
    let mut list = |what: &str, map: &BTreeMap<String, Vec<String>>| {
        let _ = writeln!(out, "  {what}");
        if map.is_empty() {
            out.push_str("    (none)\n");
        }
        for (name, keys) in map {
            let _ = writeln!(out, "    {name:<18} {}", keys.join(", "));
        }
    };
    list("entity kinds", &attrs.kinds);
    list("relations", &attrs.relations);
    out
}

/// `:schema`: kinds and relations with their descriptions, roles and attributes in use.
pub fn schema(kg: &KnowledgeGraph) -> String {
    let attrs = Attributes::of(kg);
    let in_use = |out: &mut String, keys: Option<&Vec<String>>| {
        if let Some(keys) = keys {
            let _ = writeln!(out, "      attributes: {}", keys.join(", "));
        }
    };
    let mut out = String::from("entity kinds\n");
    for k in &kg.schema.kinds {
        let _ = writeln!(out, "  {:<14} {:>5}  {}", k.name, kg.of_kind(&k.name).len(), k.description);
        in_use(&mut out, attrs.kinds.get(&k.name));
    }
    out.push_str("\nrelations\n");
    let any = |kinds: &[String]| if kinds.is_empty() { "*".to_string() } else { kinds.join("|") };
    for r in &kg.schema.relations {
        let _ = writeln!(out, "  {:<18} {:>5}  {} -> {}", r.name, kg.count_of_rel(&r.name), any(&r.from), any(&r.to));
        let _ = writeln!(
            out,
            "      \"A {}\" / \"B {}\"{}",
            r.reads,
            r.inverse,
            if r.directed { "" } else { " (undirected)" }
        );
        if !r.description.is_empty() {
            let _ = writeln!(out, "      {}", r.description);
        }
        if r.role == RelRole::Commentary {
            out.push_str("      commentary: path statements walk it only `with commentary` or `via` it\n");
        }
        in_use(&mut out, attrs.relations.get(&r.name));
    }
    out
}

/// `:sources`: the documents cited.
pub fn sources(kg: &KnowledgeGraph) -> String {
    let mut out = String::new();
    for s in &kg.sources {
        let _ = writeln!(out, "  {:<6} {} ({}, {}) [{}]", s.id, s.title, s.publisher, s.date, s.file);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> KnowledgeGraph {
        KnowledgeGraph::build(crate::data::load(&crate::builtin::files()).dataset.expect("the built-in graph loads"))
    }

    #[test]
    fn help_topics_list_every_form_of_their_table() {
        let kg = shipped();
        for (topic, table) in EXAMPLE_TABLES.iter().filter(|(t, _)| *t != "statements") {
            let text = help(Some(topic), &kg).expect("a table is a topic");
            for (form, example) in *table {
                assert!(text.contains(form) && text.contains(example), "{topic}: {form}");
            }
        }
        let all = help(None, &kg).expect("the overview");
        assert!(all.contains(":help options") && all.contains(":help fields"), "{all}");
    }

    #[test]
    fn schema_and_help_fields_name_the_attributes_in_use_per_kind_and_relation() {
        let kg = shipped();
        let attrs = Attributes::of(&kg);
        assert!(attrs.kinds["worker_group"].contains(&"headcount".to_string()));
        assert!(attrs.relations["sends_revenue_to"].contains(&"wage_share_taken".to_string()));
        assert!(!attrs.kinds.contains_key("city"), "kinds with no attributes are not listed");
        let fields = help(Some("fields"), &kg).expect("fields is a topic");
        assert!(fields.contains("sends_revenue_to") && fields.contains("wage_share_taken"), "{fields}");
        let text = schema(&kg);
        let investigates = text.split("\n  investigates").nth(1).expect("the schema lists investigates");
        assert!(investigates.lines().take(5).any(|l| l.contains("commentary:")), "{investigates}");
        assert!(text.contains("      attributes: camp_headcount_approx"), "worker_group's attributes");
    }

    #[test]
    fn prefixes_resolve_when_unambiguous() {
        assert_eq!(parse(":f json"), Ok(Command::Format(Format::Json)));
        assert_eq!(parse(":q"), Ok(Command::Quit));
        assert_eq!(parse(":ti on"), Ok(Command::Timing(true)));
        assert_eq!(parse(":s x"), Err(":s could be :save, :schema, :sources; type more letters".into()));
        assert_eq!(parse(":frobnicate"), Err("unknown command :frobnicate; :help lists the commands".into()));
        assert_eq!(parse(":dot"), Err(":dot needs a file name".into()));
        assert_eq!(parse(":rows 10"), Ok(Command::Rows(Some(10))));
        assert_eq!(parse(":rows ALL"), Ok(Command::Rows(None)));
        assert_eq!(parse(":rows 0"), Err(":rows takes a positive number of rows, or all".into()));
        assert_eq!(parse(":pa off"), Ok(Command::Pager(false)));
        assert_eq!(parse(":pager maybe"), Err(":pager takes on or off".into()));
    }
}
