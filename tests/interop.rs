//! The exports for other tools (GraphML, the Neo4j folder, FtM), through the real binary:
//! their structure read back in Rust, the folder's rules, and the Python tools that read
//! them (tests/interop/check_exports.py: networkx, igraph, Kuzu, an openCypher parser,
//! followthemoney), which run when their packages are installed and skip visibly when not,
//! unless `KGQ_REQUIRE_PYTHON` is set (CI sets it, after installing them).

use std::collections::{HashMap, HashSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use proptest::prelude::*;

use crate::support::{fixture, kgq, root, stderr, stdout};

/// `kgq [--data DATA] export ARGS...`, which must succeed; its standard output.
fn export(data: Option<&Path>, args: &[&str]) -> String {
    let mut all: Vec<&str> = Vec::new();
    if let Some(data) = data {
        all.extend(["--data", data.to_str().unwrap()]);
    }
    all.push("export");
    all.extend(args);
    let out = kgq(&all, &root());
    assert_eq!(out.status.code(), Some(0), "{all:?}: {}", stderr(&out));
    stdout(&out)
}

fn counts(data: Option<&Path>) -> (usize, usize) {
    let mut args = vec!["stats", "--format", "json"];
    let path = data.map(|d| d.to_str().unwrap().to_string());
    if let Some(path) = &path {
        args.splice(0..0, ["--data", path.as_str()]);
    }
    let stats: serde_json::Value = serde_json::from_str(&stdout(&kgq(&args, &root()))).unwrap();
    (stats["entities"].as_u64().unwrap() as usize, stats["relations"].as_u64().unwrap() as usize)
}

/// Checks a GraphML document's structure: every `<data>` names a key declared for its
/// element, typed values parse as their type, edges join declared nodes. Returns the node
/// and edge counts.
fn check_graphml(text: &str) -> (usize, usize) {
    let doc = roxmltree::Document::parse(text).expect("the GraphML is well-formed XML");
    let root = doc.root_element();
    assert_eq!(
        (root.tag_name().name(), root.tag_name().namespace()),
        ("graphml", Some("http://graphml.graphdrawing.org/xmlns"))
    );
    let keys: HashMap<&str, (&str, &str)> = root
        .children()
        .filter(|n| n.has_tag_name("key"))
        .map(|k| (k.attribute("id").unwrap(), (k.attribute("for").unwrap(), k.attribute("attr.type").unwrap())))
        .collect();
    let names: Vec<(&str, &str)> = root
        .children()
        .filter(|n| n.has_tag_name("key"))
        .map(|k| (k.attribute("for").unwrap(), k.attribute("attr.name").unwrap()))
        .collect();
    assert_eq!(names.len(), names.iter().collect::<HashSet<_>>().len(), "no two keys share a name: {names:?}");
    let graph = root.children().find(|n| n.has_tag_name("graph")).expect("one graph");
    let nodes: HashSet<&str> =
        graph.children().filter(|n| n.has_tag_name("node")).map(|n| n.attribute("id").unwrap()).collect();
    let edges: Vec<roxmltree::Node> = graph.children().filter(|n| n.has_tag_name("edge")).collect();
    for element in graph.children().filter(|n| n.is_element()) {
        for data in element.children().filter(|n| n.has_tag_name("data")) {
            let (target, kind) = keys[data.attribute("key").unwrap()];
            assert_eq!(target, element.tag_name().name());
            let value = data.text().unwrap_or("");
            let parses = match kind {
                "long" => value.parse::<i64>().is_ok(),
                "double" => value.parse::<f64>().is_ok() || ["NaN", "Infinity", "-Infinity"].contains(&value),
                "boolean" => ["true", "false"].contains(&value),
                _ => true,
            };
            assert!(parses, "{value:?} is not a {kind}");
        }
    }
    for e in &edges {
        assert!(nodes.contains(e.attribute("source").unwrap()) && nodes.contains(e.attribute("target").unwrap()));
    }
    let ids: HashSet<&str> = edges.iter().map(|e| e.attribute("id").unwrap()).collect();
    assert_eq!(ids.len(), edges.len(), "edge ids are unique");
    (nodes.len(), edges.len())
}

#[test]
fn graphml_holds_every_entity_and_relation_with_typed_keys() {
    let text = export(None, &["--format", "graphml"]);
    assert_eq!(check_graphml(&text), counts(None), "parallel relations are edges of their own");
    assert!(text.contains(r#"attr.name="headcount" attr.type="long""#), "attributes are typed");
    // An answer: what `show` lists, each relation apart, keyed as in the whole graph.
    let answer = export(None, &["--format", "graphml", "--query", "show \"Poland\""]);
    let (_, edges) = check_graphml(&answer);
    let shown = kgq(&["query", "show \"Poland\"", "--format", "json"], &root());
    let rows: serde_json::Value = serde_json::from_str(&stdout(&shown)).unwrap();
    assert_eq!(edges, rows["rows"].as_array().unwrap().len());
    let key = r#"<edge id="dprk-workers-poland.works_in.poland.2""#;
    assert!(text.contains(key) && answer.contains(key), "a relation's key does not depend on what is exported");
}

#[test]
fn exports_of_hostile_data_stay_well_formed() {
    let hostile = fixture("hostile");
    let text = export(Some(&hostile), &["--format", "graphml"]);
    assert_eq!(check_graphml(&text), counts(Some(&hostile)));
    let doc = roxmltree::Document::parse(&text).unwrap();
    let names: HashSet<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("data") && n.attribute("key") == Some("n2"))
        .filter_map(|n| n.text())
        .collect();
    assert!(names.contains("Line one\nLine two") && names.contains(r#"Ruritania "Home" \ {State} & <b>"#), "{names:?}");
    for line in export(Some(&hostile), &["--format", "ftm"]).lines() {
        let entity: serde_json::Value = serde_json::from_str(line).expect("each line is one JSON object");
        assert!(entity["id"].is_string() && entity["schema"].is_string() && entity["properties"].is_object());
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("neo4j");
    export(Some(&hostile), &["--format", "neo4j", "-o", out.to_str().unwrap()]);
    let script = std::fs::read_to_string(out.join("import.cypher")).unwrap();
    assert!(script.is_ascii(), "the Cypher script is ASCII whatever the data holds");
    assert_eq!(script.lines().count(), 2 + counts(Some(&hostile)).0 + counts(Some(&hostile)).1, "one statement a line");
    let files: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert!(
        files.iter().any(|f| f.starts_with("nodes--")),
        "a kind that is not a plain name gets a numbered file: {files:?}"
    );
}

#[test]
fn ftm_ids_are_derived_from_kgq_ids_and_stable() {
    let whole = export(None, &["--format", "ftm"]);
    let ids: Vec<String> = whole
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), ids.iter().collect::<HashSet<_>>().len(), "ids are unique");
    assert!(ids.contains(&"kgq-rite-mix".to_string()));
    assert!(ids.contains(&kgq::render::ftm::ftm_id("rite-mix.located_in.malta.1")));
    assert!(ids.contains(&"kgq-source.002".to_string()));
    // Every id is one FtM accepts, so no link or `proof` to it is dropped by FtM's cleaning.
    let ftm = |c: char| c.is_ascii_alphanumeric() || c == '.' || c == '-';
    for id in &ids {
        assert!(id.chars().all(ftm) && id.ends_with(|c: char| c.is_ascii_alphanumeric()), "{id}");
    }
    let answer = export(None, &["--query", "show \"Rite Mix\"", "--format", "ftm"]);
    for line in answer.lines() {
        assert!(whole.lines().any(|w| w == line), "an answer's entity is as the whole graph writes it: {line}");
    }
}

#[test]
fn the_neo4j_folder_is_written_only_where_asked() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out");
    let t = target.to_str().unwrap();
    let run = |args: &[&str]| kgq(&[&["export", "--format", "neo4j"], args].concat(), &root());
    let no_folder = run(&[]);
    assert_eq!(no_folder.status.code(), Some(2));
    assert!(stderr(&no_folder).contains("give -o DIR"), "{}", stderr(&no_folder));
    assert_eq!(run(&["-o", t]).status.code(), Some(0));
    let written = std::fs::read_dir(&target).unwrap().count();
    let again = run(&["-o", t]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("is not empty") && stderr(&again).contains("--force"), "{}", stderr(&again));
    std::fs::write(target.join("mine.txt"), "kept").unwrap();
    assert_eq!(run(&["-o", t, "--force"]).status.code(), Some(0), "--force writes over its own files");
    assert_eq!(std::fs::read_to_string(target.join("mine.txt")).unwrap(), "kept");
    assert_eq!(std::fs::read_dir(&target).unwrap().count(), written + 1);
    // A link inside the folder is never written through, even with --force.
    #[cfg(unix)]
    {
        let outside = dir.path().join("outside.sh");
        std::fs::write(&outside, "untouched").unwrap();
        std::fs::remove_file(target.join("import.sh")).unwrap();
        std::os::unix::fs::symlink(&outside, target.join("import.sh")).unwrap();
        let linked = run(&["-o", t, "--force"]);
        assert_eq!(linked.status.code(), Some(2));
        assert!(stderr(&linked).contains("is not a regular file"), "{}", stderr(&linked));
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "untouched");
    }
    let file = dir.path().join("file");
    std::fs::write(&file, "x").unwrap();
    let not_folder = run(&["-o", file.to_str().unwrap()]);
    assert!(stderr(&not_folder).contains("is not a folder"), "{}", stderr(&not_folder));
    let forced = kgq(&["export", "--format", "json", "--force"], &root());
    assert!(stderr(&forced).contains("--force is for folders"), "{}", stderr(&forced));
    let query = kgq(&["query", "show \"Poland\"", "--format", "neo4j"], &root());
    assert_eq!(query.status.code(), Some(2));
    assert!(stderr(&query).contains("kgq export --format neo4j -o DIR"), "{}", stderr(&query));
}

/// The Python that has the tools: `KGQ_PYTHON`, else the virtualenv `.ci/run` makes.
fn python_with_tools() -> Option<PathBuf> {
    let python = std::env::var_os("KGQ_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/interop-venv/bin/python"));
    let imports = "import networkx, igraph, kuzu, followthemoney, antlr4_cypher";
    let found = Command::new(&python).args(["-c", imports]).output().is_ok_and(|o| o.status.success());
    if found {
        return Some(python);
    }
    assert!(
        std::env::var_os("KGQ_REQUIRE_PYTHON").is_none(),
        "KGQ_REQUIRE_PYTHON is set but {} cannot import the tools (tests/interop/requirements.txt)",
        python.display()
    );
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED: the exports read back by networkx, igraph, Kuzu and followthemoney: no Python with \
         tests/interop/requirements.txt at {} (set KGQ_PYTHON, or see .ci/run)",
        python.display()
    );
    None
}

#[test]
fn python_tools_read_the_exports_as_kgq_wrote_them() {
    let Some(python) = python_with_tools() else { return };
    let script = root().join("tests/interop/check_exports.py");
    let hostile = fixture("hostile");
    // An imported stream too: its links go back to their own FtM schemata.
    let stream = root().join("tests/fixtures/ftm/sanctions.ftm.json");
    for data in [None, Some(hostile.to_str().unwrap()), Some(stream.to_str().unwrap())] {
        let mut run = Command::new(&python);
        run.arg(&script).arg(env!("CARGO_BIN_EXE_kgq")).args(data).env("NO_COLOR", "1");
        let out = run.output().expect("python runs");
        assert!(out.status.success(), "{data:?}:\n{}{}", stdout(&out), stderr(&out));
    }
}

/// A random attribute value of one of the types attributes come in.
fn attr_value() -> impl Strategy<Value = toml::Value> {
    prop_oneof![
        (-5i64..5).prop_map(toml::Value::Integer),
        (-5i64..5).prop_map(|i| toml::Value::Float(i as f64 / 2.0)),
        any::<bool>().prop_map(toml::Value::Boolean),
        "[a;|\"\n]{0,3}".prop_map(toml::Value::String),
        prop::collection::vec((0i64..3).prop_map(toml::Value::Integer), 1..3).prop_map(toml::Value::Array),
    ]
}

/// The GraphML type an attribute's values need, by brute force: one type for all, numbers
/// widened to double, lists and anything mixed as strings.
fn expected_type(values: &[&toml::Value]) -> &'static str {
    let kinds: HashSet<&str> = values
        .iter()
        .map(|v| match v {
            toml::Value::Integer(_) => "long",
            toml::Value::Float(_) => "double",
            toml::Value::Boolean(_) => "boolean",
            toml::Value::Array(_) => "list",
            _ => "string",
        })
        .collect();
    match kinds.iter().copied().collect::<Vec<_>>()[..] {
        ["list"] | ["string"] => "string",
        [one] => one,
        _ if kinds.iter().all(|k| ["long", "double"].contains(k)) => "double",
        _ => "string",
    }
}

/// A random relation: its ends, whether it is of the undirected kind, attributes `a`, `b`.
type RandomRelation = (usize, usize, bool, Option<toml::Value>, Option<toml::Value>);

/// Random graphs of one kind and two relation kinds, with parallel relations and typed
/// attributes `a`, `b` on relations.
fn random_graph() -> impl Strategy<Value = (usize, Vec<RandomRelation>)> {
    (2usize..6).prop_flat_map(|n| {
        let edge = (0..n, 0..n, any::<bool>(), prop::option::of(attr_value()), prop::option::of(attr_value()));
        (Just(n), prop::collection::vec(edge, 0..12))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Every export holds every entity and relation, keys relations `FROM.REL.TO.N` with N
    /// counting in declaration order, and types each attribute as its values need.
    #[test]
    fn exports_hold_every_relation_keyed_and_typed((n, edges) in random_graph()) {
        let schema = "[[kind]]\nname = \"thing\"\n\n[[relation]]\nname = \"links\"\nfrom = [\"*\"]\nto = [\"*\"]\nreads = \"links\"\ninverse = \"is linked by\"\n\n[[relation]]\nname = \"pairs\"\nfrom = [\"*\"]\nto = [\"*\"]\ndirected = false\nreads = \"pairs with\"\ninverse = \"pairs with\"\n";
        let ev = crate::support::EVIDENCE;
        let entities: String =
            (0..n).map(|i| format!("[[entity]]\nid = \"e{i}\"\nkind = \"thing\"\nname = \"E{i}\"\n{ev}\n")).collect();
        let rel = |pairs: bool| if pairs { "pairs" } else { "links" };
        let relations: String = edges
            .iter()
            .map(|(a, b, pairs, x, y)| {
                let attrs: Vec<String> = [("a", x), ("b", y)]
                    .iter()
                    .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k} = {v}")))
                    .collect();
                let attrs = if attrs.is_empty() { String::new() } else { format!("attrs = {{ {} }}\n", attrs.join(", ")) };
                format!("[[relation]]\nfrom = \"e{a}\"\nrel = \"{}\"\nto = \"e{b}\"\n{attrs}{ev}\n", rel(*pairs))
            })
            .collect();
        let kg = crate::support::toml_graph(schema, entities, relations);
        let mut seen: HashMap<String, usize> = HashMap::new();
        let keys: Vec<String> = edges
            .iter()
            .map(|(a, b, pairs, _, _)| {
                let triple = format!("e{a}.{}.e{b}", rel(*pairs));
                let n = seen.entry(triple.clone()).or_insert(0);
                *n += 1;
                format!("{triple}.{n}")
            })
            .collect();

        let produce = |format| {
            let options = kgq::render::dot::Options::default();
            let out = kgq::render::produce(&kg, kgq::render::Subject::Graph, format, &options, &kgq::render::Screen::whole());
            String::from_utf8(out.expect("the whole graph exports").bytes).unwrap()
        };
        let xml = produce(kgq::render::Format::Graphml);
        prop_assert_eq!(check_graphml(&xml), (n, edges.len()));
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let declared: HashMap<(&str, &str), &str> = doc
            .descendants()
            .filter(|k| k.has_tag_name("key"))
            .map(|k| ((k.attribute("for").unwrap(), k.attribute("attr.name").unwrap()), k.attribute("attr.type").unwrap()))
            .collect();
        for (name, pick) in [("a", 3usize), ("b", 4)] {
            let values: Vec<&toml::Value> =
                edges.iter().filter_map(|e| if pick == 3 { e.3.as_ref() } else { e.4.as_ref() }).collect();
            let want = (!values.is_empty()).then(|| expected_type(&values));
            prop_assert_eq!(declared.get(&("edge", name)).copied(), want, "{:?}", values);
        }
        let written: Vec<&str> = doc
            .descendants()
            .filter(|e| e.has_tag_name("edge"))
            .map(|e| e.attribute("id").unwrap())
            .collect();
        let mut sorted_keys = keys.clone();
        sorted_keys.sort();
        let mut sorted_written = written.clone();
        sorted_written.sort();
        prop_assert_eq!(sorted_written, sorted_keys.iter().map(String::as_str).collect::<Vec<_>>());

        let files = kgq::render::neo4j_files(&kg, kgq::render::Subject::Graph).expect("a delimiter is free");
        let rows = |prefix: &str| -> usize {
            files.iter().filter(|f| f.name.starts_with(prefix)).map(|f| {
                csv::Reader::from_reader(f.text.as_bytes()).records().inspect(|r| assert!(r.is_ok(), "valid CSV")).count()
            }).sum()
        };
        prop_assert_eq!((rows("nodes-"), rows("relationships-")), (n, edges.len()));

        let ftm = produce(kgq::render::Format::Ftm);
        let ids: Vec<String> = ftm
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].as_str().unwrap().to_string())
            .collect();
        prop_assert_eq!(ids.iter().collect::<HashSet<_>>().len(), ids.len());
        let written: HashSet<&String> = ids.iter().collect();
        for key in &sorted_keys {
            let id = kgq::render::ftm::ftm_id(key);
            prop_assert!(written.contains(&id), "{} is written as {}", key, id);
        }
    }
}
