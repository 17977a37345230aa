//! Every format prints the same facts: for `show` of every entity, `why` of every related
//! pair in the shipped graph, and path answers, each evidence locator, relation attribute
//! and note of the answer is in the table, the records of `line`, the CSV, the JSON and the
//! markdown alike. Markdown is read back by a markdown parser (pulldown-cmark, with GitHub's
//! extensions), which must find tables of plain text and nothing else, even in hostile names.

use std::collections::BTreeSet;

use kgq::graph::KnowledgeGraph;
use kgq::query::{self, Settings};
use kgq::render::{self, Format, Subject};

use crate::queries::shipped_graph;

fn produce(kg: &KnowledgeGraph, statement: &str, format: Format) -> String {
    let (rows, _) = query::run(kg, statement, &Settings::default()).expect("the statement runs");
    let produced =
        render::produce(kg, Subject::Answer(&rows), format, &Default::default(), &Default::default()).expect("renders");
    String::from_utf8(produced.bytes).expect("UTF-8")
}

/// Every field of every record of a CSV text (tables separated by empty lines).
fn csv_fields(text: &str) -> String {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    reader.records().map(|r| r.expect("valid CSV").iter().collect::<Vec<_>>().join("\n")).collect::<Vec<_>>().join("\n")
}

/// The facts each format must print, as text: `source:line "quote"` of each locator, each
/// attribute as `key = value`, each note.
fn facts(
    kg: &KnowledgeGraph,
    relations: &[kgq::graph::RelationRef],
    entity: Option<kgq::graph::EntityRef>,
) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let locator = |ev: &kgq::model::Evidence| format!("{}:{} \"{}\"", ev.source, ev.line, ev.quote);
    if let Some(n) = entity {
        let e = kg.entity(n);
        out.extend(e.evidence().iter().map(locator));
        out.extend(e.note().map(str::to_string));
    }
    for &r in relations {
        let r = kg.relation(r);
        out.extend(r.evidence().iter().map(locator));
        out.extend(r.attrs().iter().map(|(k, v)| format!("{k} = {v}")));
        out.extend(r.note().map(str::to_string));
    }
    out
}

/// Every string in a JSON document, with each evidence object as `source:line "quote"`.
fn json_texts(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|v| json_texts(v, out)),
        serde_json::Value::Object(map) => {
            if let (Some(source), Some(line), Some(quote)) = (map.get("source"), map.get("line"), map.get("quote")) {
                out.push(format!("{}:{line} \"{}\"", source.as_str().unwrap(), quote.as_str().unwrap()));
            }
            // A relation's attributes are an object: each as `key = value`, as tables print them.
            if let Some(serde_json::Value::Object(attrs)) = map.get("attrs") {
                for (key, value) in attrs {
                    let value = value.as_str().map_or_else(|| value.to_string(), str::to_string);
                    out.push(format!("{key} = {value}"));
                }
            }
            map.values().for_each(|v| json_texts(v, out));
        }
        _ => {}
    }
}

/// Each markdown table's rows, as the text of their cells, as a GitHub-flavoured renderer
/// reads them; and the paragraphs outside tables. Panics on anything else a renderer would
/// make of the text: a heading, a link, an image, HTML, code, emphasis, maths, a footnote.
fn markdown_read(text: &str) -> (Vec<Vec<String>>, Vec<String>) {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_MATH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS;
    let (mut rows, mut paragraphs) = (Vec::new(), Vec::new());
    let mut text_here = String::new();
    let mut row: Vec<String> = Vec::new();
    let mut emphasis = 0;
    for event in Parser::new_ext(text, options) {
        match event {
            Event::Text(t) => text_here.push_str(&t),
            Event::Start(Tag::Table(_) | Tag::TableHead | Tag::TableRow | Tag::TableCell | Tag::Paragraph) => {}
            // The notes are `_(note)_`, the one emphasis kgq writes.
            Event::Start(Tag::Emphasis) if emphasis == 0 => emphasis += 1,
            Event::End(TagEnd::Emphasis) => {}
            Event::End(TagEnd::TableCell) => row.push(std::mem::take(&mut text_here)),
            Event::End(TagEnd::TableRow | TagEnd::TableHead) => rows.push(std::mem::take(&mut row)),
            Event::End(TagEnd::Paragraph) => {
                paragraphs.push(std::mem::take(&mut text_here));
                emphasis = 0;
            }
            Event::End(TagEnd::Table) => {}
            other => panic!("markdown made {other:?} of the text:\n{text}"),
        }
    }
    (rows, paragraphs)
}

#[track_caller]
fn assert_in_every_format(kg: &KnowledgeGraph, statement: &str, facts: &BTreeSet<String>) {
    let table = produce(kg, statement, Format::Table);
    let records = produce(kg, statement, Format::Line);
    let (markdown, _) = markdown_read(&produce(kg, statement, Format::Markdown));
    let markdown: Vec<&String> = markdown.iter().flatten().collect();
    let csv = csv_fields(&produce(kg, statement, Format::Csv));
    let mut json = Vec::new();
    json_texts(&serde_json::from_str(&produce(kg, statement, Format::Json)).expect("JSON"), &mut json);
    for fact in facts {
        assert!(table.contains(fact.as_str()), "{statement}: the table lacks {fact}\n{table}");
        assert!(records.contains(fact.as_str()), "{statement}: the records lack {fact}\n{records}");
        assert!(markdown.iter().any(|c| c.contains(fact.as_str())), "{statement}: the markdown lacks {fact}");
        assert!(csv.contains(fact.as_str()), "{statement}: the CSV lacks {fact}\n{csv}");
        assert!(json.iter().any(|t| t.contains(fact.as_str())), "{statement}: the JSON lacks {fact}");
    }
}

#[test]
fn show_and_why_print_the_same_facts_in_every_format() {
    let kg = shipped_graph();
    for (n, e) in kg.entities() {
        let relations: Vec<_> = kg.incident(n).collect();
        assert_in_every_format(kg, &format!("show \"{}\"", e.id()), &facts(kg, &relations, Some(n)));
    }
    let mut pairs = BTreeSet::new();
    for (r, _) in kg.relations() {
        let (a, b) = kg.ends(r);
        if a != b && pairs.insert((a.min(b), a.max(b))) {
            let both = kg.incident(a).filter(|&e| {
                let (x, y) = kg.ends(e);
                (x, y) == (a, b) || (x, y) == (b, a)
            });
            let statement = format!("why \"{}\" and \"{}\"", kg.entity(a).id(), kg.entity(b).id());
            assert_in_every_format(kg, &statement, &facts(kg, &both.collect::<Vec<_>>(), None));
        }
    }
}

#[test]
fn path_answers_print_every_hops_facts_in_every_format() {
    let kg = shipped_graph();
    let statements = [
        "path \"Poland\" to \"Munitions Industry Department\"",
        "paths \"Poland\" to \"Munitions Industry Department\" max 4 limit 20",
        "connect \"Poland\" and \"Munitions Industry Department\" via works_in, part_of, supplies_workers, employs, sends_revenue_to max 5 limit 6",
    ];
    for statement in statements {
        let (rows, _) = query::run(kg, statement, &Settings::default()).expect("the statement runs");
        let cells = rows.rows.iter().flatten().filter_map(|v| match v {
            kgq::query::Value::Path(p) => Some(p),
            _ => None,
        });
        let relations: Vec<_> =
            cells.chain(&rows.paths).flat_map(|p| &p.hops).flat_map(|h| rows.route(h)).map(|h| h.edge).collect();
        assert!(!relations.is_empty(), "{statement}: the answer has paths");
        assert_in_every_format(kg, statement, &facts(kg, &relations, None));
    }
}

/// Names built to be markup: each must come back from a markdown parser as the very text a
/// table shows, in its own cell, and the parser must find nothing but tables and text.
#[test]
fn markdown_tables_show_hostile_names_as_text() {
    let names = [
        "# Heading Co",
        "<script>alert(1)</script> Ltd",
        "Pipe | Split & Co",
        "`code` *bold* _em_ ~~struck~~ snake_case_ __init__",
        "[a link](javascript:alert(1)) ![an image](http://x/y.png)",
        r"Back\slash \| and $x^2$ maths",
        "Line one\nLine two",
        "Foot[^1] note <!-- comment -->",
        "1. not a list - nor this",
        "&amp; &#60; entities \u{1b}[2J",
    ];
    let entities: String = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let (name, ev) = (toml::Value::from(*name), crate::support::EVIDENCE);
            format!("[[entity]]\nid = \"e{i}\"\nkind = \"company\"\nname = {name}\n{ev}\n")
        })
        .collect();
    let kg = crate::support::toml_graph("[[kind]]\nname = \"company\"\n", entities, String::new());
    let (rows, paragraphs) = markdown_read(&produce(&kg, "find company order by id", Format::Markdown));
    let header = vec!["entity".to_string(), "kind".into(), "country".into()];
    let named = names
        .iter()
        .enumerate()
        .map(|(i, name)| vec![format!("{} (e{i})", kgq::diag::visible(name)), "company".to_string(), String::new()]);
    assert_eq!(rows, std::iter::once(header).chain(named).collect::<Vec<_>>());
    assert!(paragraphs.is_empty(), "{paragraphs:?}");

    // The hostile fixture (quotes, backslashes, braces, `<b>`, line breaks in names), every
    // entity's card: each name comes back as itself.
    let files = kgq::data::DataFiles::read_dir(&crate::support::fixture("hostile")).expect("readable");
    let kg = KnowledgeGraph::build(kgq::data::load(&files).dataset.expect("the hostile fixture loads"));
    for (_, e) in kg.entities() {
        let (rows, _) = markdown_read(&produce(&kg, &format!("show {}", e.id()), Format::Markdown));
        assert_eq!(rows[2], ["name".to_string(), kgq::diag::visible(e.name()).into_owned()]);
    }
}

#[test]
fn markdown_cards_and_connect_answers_are_tables_with_their_notes() {
    let kg = shipped_graph();
    let (rows, _) = markdown_read(&produce(kg, "show \"Poland\"", Format::Markdown));
    assert_eq!(rows[0], ["field", "value"], "a card starts with its facts");
    assert_eq!(rows[1], ["id", "poland"]);
    let statement =
        "connect \"Poland\" and \"Munitions Industry Department\" via works_in, part_of, sends_revenue_to limit 2";
    let (rows, paragraphs) = markdown_read(&produce(kg, statement, Format::Markdown));
    assert!(rows.iter().any(|r| r.first().is_some_and(|c| c == "see paths")), "the paths' table: {rows:?}");
    assert_eq!(
        paragraphs,
        ["(4 entities on 3 connecting paths of at most 4 hops)", "(showing 2 of 4 entities; use limit to see more)"]
    );
}

/// On any terminal width a table's lines fit it (when its columns can be narrowed that far),
/// the row cap prints exactly that many rows, and the footer counts exactly the rest.
#[test]
fn tables_fit_any_width_and_count_the_rows_they_leave_out() {
    use unicode_width::UnicodeWidthStr;
    let kg = shipped_graph();
    for statement in
        ["find *", "neighbors \"Poland\" depth 2", "count relations by rel", "match (a:person)-[r]->(b) return a, r, b"]
    {
        let (rows, _) = query::run(kg, statement, &Settings::default()).expect("the statement runs");
        for (width, cap) in [(20, 3), (40, 10), (61, 40), (80, 40), (97, 1000), (132, 7)] {
            let screen = render::Screen { width: Some(width), max_rows: Some(cap), ..render::Screen::whole() };
            let produced = render::produce(kg, Subject::Answer(&rows), Format::Table, &Default::default(), &screen);
            let text = String::from_utf8(produced.expect("renders").bytes).unwrap();
            // The notes follow the grid; a long one wraps onto indented lines.
            let grid: Vec<&str> = text.lines().take_while(|l| !l.starts_with('(')).collect();
            let narrowest = rows.columns.len() * 8 + 2 * (rows.columns.len() - 1);
            for line in &grid {
                assert!(line.width() <= width.max(narrowest), "{statement} at {width}: {line:?}");
            }
            let printed = cap.min(rows.rows.len());
            assert_eq!(grid.len(), 2 + printed, "{statement} at {width}, cap {cap}:\n{text}");
            let left = rows.rows.len() - printed;
            // Each note, its wrapped lines joined again; every line of it fits the width.
            let mut notes: Vec<String> = Vec::new();
            for line in text.lines().skip(grid.len()) {
                assert!(line.width() <= width, "{statement} at {width}: {line:?}");
                match line.strip_prefix(' ') {
                    Some(more) => notes.last_mut().expect("a note to continue").push_str(&format!(" {more}")),
                    None => notes.push(line.to_string()),
                }
            }
            let footer = notes.iter().find(|l| l.contains("not shown")).map(String::as_str);
            match left {
                0 => assert_eq!(footer, None),
                1 => assert_eq!(footer, Some("(1 more row not shown)")),
                n => assert_eq!(footer, Some(format!("({n} more rows not shown)").as_str())),
            }
        }
    }
}
