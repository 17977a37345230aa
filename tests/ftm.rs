//! FollowTheMoney streams as data (`--data FILE.ftm.json`) and several datasets in one graph
//! (`--data builtin --data FILE.ftm.json`), through the real binary, on the fixture
//! `tests/fixtures/ftm/make.py` writes with the `followthemoney` library: loading and the
//! mapping's warnings, provenance on every hop of a path across datasets, located
//! diagnostics of a broken stream and mapping file, the likely-duplicates report, per-dataset
//! counts, a snapshot of several datasets, and vocabularies that do not agree.

use crate::support::{fixture, kgq, root, stderr, stdout};

const STREAM: &str = "tests/fixtures/ftm/sanctions.ftm.json";

fn with_builtin(args: &[&str]) -> std::process::Output {
    let mut all = vec!["--data", "builtin", "--data", STREAM];
    all.extend_from_slice(args);
    kgq(&all, &root())
}

#[test]
fn a_stream_loads_alone_and_says_what_it_left_out() {
    let out = kgq(&["--color", "never", "check", STREAM], &root());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("{STREAM}: ok, 9 entities, 6 relations (2 warnings)\n"));
    insta::assert_snapshot!(stderr(&out));
    // Records have no lines: --sources verifies none of them and reads no document for them.
    let out = kgq(&["check", STREAM, "--sources", "tests/fixtures"], &root());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!("{STREAM}: ok, 9 entities, 6 relations, 0 evidence locators verified (2 warnings)\n")
    );
}

#[test]
fn connect_runs_across_datasets_with_the_record_behind_each_imported_hop() {
    let out = with_builtin(&["query", "connect NK-kim-tong-chol and workers-party-of-korea max 4"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    // The imported hops cite their dataset, record and page; the curated ones their lines.
    assert!(text.contains("us_ofac_sdn:NK-dir-kim <https://sanctionssearch.ofac.treas.gov/>"), "{text}");
    assert!(text.contains("002:168 \"OFAC designated the Mansudae Overseas Project Group of Companies\""), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn an_id_both_datasets_have_is_one_entity_with_both_records() {
    let out = with_builtin(&["query", "show mansudae-overseas-project-group as json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("\"MANSUDAE OVERSEAS PROJECT GROUP OF COMPANIES\""), "the stream's name is an alias: {text}");
    assert!(text.contains("\"record\": \"mansudae-overseas-project-group\""), "{text}");
    assert!(text.contains("\"url\": \"https://main.un.org/"), "{text}");
    assert!(text.contains("\"kind\": \"dprk_company\""), "the curated record's kind stays: {text}");
}

#[test]
fn a_broken_stream_and_mapping_file_get_located_errors() {
    let out = kgq(&["--color", "never", "check", "tests/fixtures/ftm/bad/bad.ftm.json"], &root());
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(stderr(&out));
    let out = kgq(&["--data", "tests/fixtures/ftm/bad/bad.ftm.json", "query", "count *"], &root());
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("the graph-data has 18 errors"), "{}", stderr(&out));
}

#[test]
fn check_of_several_datasets_lists_likely_duplicates_without_merging_them() {
    let out = with_builtin(&["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    insta::assert_snapshot!(stdout(&out));
    let out = with_builtin(&["check", "--deny-warnings"]);
    assert_eq!(out.status.code(), Some(1), "the duplicates and the stream's warnings fail it");
    let out = with_builtin(&["query", "show \"Korea Rungrado General Trading Corporation\""]);
    let said = stderr(&out);
    assert!(said.contains("id rungrado") && said.contains("NK-rungrado)"), "both are there: {said}");
}

#[test]
fn stats_count_per_dataset_and_a_snapshot_keeps_the_datasets() {
    let out = with_builtin(&["stats"]);
    let text = stdout(&out);
    let by_dataset = text.split("\n\n").nth(1).expect("a section by dataset");
    insta::assert_snapshot!(by_dataset);
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("both.snap");
    let built = with_builtin(&["build", "-o", snap.to_str().unwrap()]);
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    let again = kgq(&["--data", snap.to_str().unwrap(), "stats"], &root());
    assert_eq!(stdout(&again), text, "the snapshot holds the same graph, datasets and all");
    let path = kgq(&["--data", snap.to_str().unwrap(), "query", "path NK-kim-tong-chol to north-korea"], &root());
    assert!(stdout(&path).contains("us_ofac_sdn:"), "{}", stdout(&path));
}

#[test]
fn a_relation_kind_two_datasets_declare_differently_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("entities")).unwrap();
    std::fs::create_dir_all(dir.path().join("relations")).unwrap();
    std::fs::write(dir.path().join("entities/e.csv"), "id,kind,name\na,person,A\nb,company,B\n").unwrap();
    let schema = "[[kind]]\nname = \"person\"\n[[kind]]\nname = \"company\"\n[[relation]]\nname = \"owns\"\n\
        from = [\"person\"]\nto = [\"company\"]\ndirected = false\nreads = \"owns\"\ninverse = \"owns\"\n";
    std::fs::write(dir.path().join("schema.toml"), schema).unwrap();
    std::fs::write(dir.path().join("relations/r.csv"), "from,rel,to\na,owns,b\n").unwrap();
    let folder = dir.path().to_str().unwrap();
    let stream = fixture("ftm/sanctions.ftm.json");
    let out = kgq(&["--data", folder, "--data", stream.to_str().unwrap(), "query", "count *"], &root());
    assert_eq!(out.status.code(), Some(2));
    let said = stderr(&out);
    assert!(said.contains("relation kind `owns` is directed in one dataset and not in the other"), "{said}");
    assert!(said.contains("help: give the relation kind one meaning in every dataset"), "{said}");
}

/// The README's mapping table is the code's: every entity, link and sanction schema of
/// `SCHEMATA` is a row, with what the default mapping makes of it.
#[test]
fn the_readme_mapping_table_is_the_default_mapping() {
    use kgq::data::ftm::mapping::{SCHEMATA, Shape, schema};
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme.find("| FtM schema |").expect("the mapping table");
    let rows: Vec<&str> = readme[start..].lines().skip(2).take_while(|l| l.starts_with('|')).collect();
    let mut named = Vec::new();
    for row in rows {
        let cells: Vec<&str> = row.trim_matches('|').split(" | ").map(str::trim).collect();
        let def = schema(cells[0]).unwrap_or_else(|| panic!("{} is a schema", cells[0]));
        let becomes = cells[3].strip_prefix('`').and_then(|c| c.split('`').next());
        assert_eq!(becomes, def.default, "{row}");
        named.push(def.name);
    }
    let imported = SCHEMATA.iter().filter(|s| s.shape != Shape::Other).map(|s| s.name);
    assert_eq!(named, imported.collect::<Vec<_>>());
}

/// Every entity and relation of a graph of several knows its dataset: `show` says it, and
/// the graph answers it for relations.
#[test]
fn each_record_knows_its_dataset() {
    let out = with_builtin(&["query", "show NK-kim-tong-chol"]);
    assert!(stdout(&out).contains(&format!("  dataset    {STREAM}\n")), "{}", stdout(&out));
    let out = kgq(&["query", "show rungrado"], &root());
    assert!(!stdout(&out).contains("dataset"), "one dataset is not named: {}", stdout(&out));
    let sources = [kgq::data::DataSource::Builtin, kgq::data::DataSource::at(&fixture("ftm/sanctions.ftm.json"))];
    let kg = kgq::graph::KnowledgeGraph::build(kgq::data::DataSource::Several(sources.to_vec()).open(|_| {}).unwrap());
    let (first, last) = (kg.relations().next().unwrap().0, kg.relations().last().unwrap().0);
    assert_eq!(kg.dataset_of_relation(first), Some("builtin"));
    assert!(kg.dataset_of_relation(last).is_some_and(|d| d.ends_with("sanctions.ftm.json")));
}

#[test]
fn a_stream_is_read_line_by_line_and_a_bad_line_is_located_not_fatal() {
    // A line that is not UTF-8 and a line longer than the import reads: each is one located
    // error, the lines around them are imported, and the snippets show the file's lines.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("odd.ftm.json");
    let mut bytes = b"{\"id\": \"a\", \"schema\": \"Person\", \"properties\": {\"name\": [\"Ann\"]}}\n".to_vec();
    bytes.extend_from_slice(b"{\"id\": \"b\", \"schema\": \"Person\", \"properties\": {\"name\": [\"B\xe9\"]}}\r\n");
    bytes.extend_from_slice(b"{\"id\": \"c\", \"schema\": \"Person\", \"properties\": {\"name\": [\"");
    bytes.resize(bytes.len() + (16 << 20) + 10, b'x');
    bytes.extend_from_slice(
        b"\"]}}\n\n{\"id\": \"d\", \"schema\": \"Company\", \"properties\": {\"name\": [\"Dee\"]}}\n",
    );
    // A link after them: the second read (of links) does not report the bad lines again.
    bytes.extend_from_slice(
        b"{\"id\": \"o\", \"schema\": \"Ownership\", \"properties\": {\"owner\": [\"a\"], \"asset\": [\"d\"]}}",
    );
    std::fs::write(&path, &bytes).unwrap();
    let name = path.to_str().unwrap();
    let out = kgq(&["--color", "never", "check", name], &root());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("× this line is not UTF-8 text") && err.contains("odd.ftm.json:2:"), "{err}");
    assert!(err.contains(r#"["B\xe9"]"#), "the bad byte is shown escaped: {err}");
    assert!(err.contains("× this line is longer than 16 MiB") && err.contains("odd.ftm.json:3:1]"), "{err}");
    assert!(err.len() < 20_000, "the long line is not printed whole: {} bytes", err.len());
    assert!(err.contains(": 2 errors, 0 warnings"), "the lines around them are read: {err}");
}

/// Writes `text` as `name` in a new folder; the folder (kept while the test runs) and the path.
fn stream_in(name: &str, text: &[u8]) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let path = path.to_str().unwrap().to_string();
    (dir, path)
}

#[test]
fn every_value_of_a_property_is_imported_or_counted() {
    let text = r#"{"id": "a", "schema": "Person", "properties": {"name": ["Ann"]}}
{"id": "b", "schema": "Company", "properties": {"name": ["Bee"], "sourceUrl": ["https://one.example/", "https://two.example/"]}}
{"id": "o", "schema": "Ownership", "properties": {"owner": ["a"], "asset": ["b"], "startDate": ["2005", "2001-03"], "endDate": ["2010", "2012"]}}
{"id": "s", "schema": "Sanction", "properties": {"entity": ["b"], "program": ["P1", "P2"], "authority": ["UN"], "listingDate": ["2016"]}}
{"id": "s2", "schema": "Sanction", "properties": {"entity": ["a"], "program": ["P1"], "authority": ["OFAC"]}}
{"id": "s3", "schema": "Sanction", "properties": {"entity": ["a"], "programId": ["X1", "X2"], "program": ["Only one"]}}
"#;
    let (_dir, path) = stream_in("multi.ftm.json", text.as_bytes());
    let out = kgq(&["--color", "never", "check", &path], &root());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said = stderr(&out).replace("\n  │ ", " ");
    // The earliest start and the latest end are kept, as FtM's timeline takes them; the
    // other page, dates, the authority P1 does not hold and the unpaired program are counted.
    assert!(
        said.contains(
            "values beyond the one kept were left out (5): Company.sourceUrl (1), Ownership.endDate (1), \
             Ownership.startDate (1), Sanction.authority (1), Sanction.program (1)"
        ),
        "{said}"
    );
    let show = |id: &str| stdout(&kgq(&["--data", &path, "query", &format!("show {id}")], &root()));
    let bee = show("b");
    assert!(bee.contains("P1 (program-p1)") && bee.contains("P2 (program-p2)"), "a designation under each: {bee}");
    assert!(bee.contains("2001-03 – 2012"), "the earliest start, the latest end: {bee}");
    let ann = show("a");
    assert!(ann.contains("X1 (X1)") && ann.contains("X2 (X2)"), "one under each programId: {ann}");
}

#[test]
fn a_byte_order_mark_opening_the_stream_is_passed_over() {
    let mut text = b"\xEF\xBB\xBF".to_vec();
    text.extend_from_slice(b"{\"id\": \"b\", \"schema\": \"Persn\", \"properties\": {\"name\": [\"Bo\"]}}\n");
    text.extend_from_slice(b"{\"id\": \"a\", \"schema\": \"Person\", \"properties\": {\"name\": [\"Ann\"]}}\n");
    let (_dir, path) = stream_in("bom.ftm.json", &text);
    let out = kgq(&["--color", "never", "check", &path], &root());
    let said = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    // Only the schema is wrong, not the first line's JSON; the caret is where the text says
    // and the mark is not shown.
    assert!(said.contains("unknown FtM schema `Persn`") && said.contains("1 error, 0 warnings"), "{said}");
    assert!(said.contains("bom.ftm.json:1:24]") && !said.contains('\u{feff}'), "{said}");
    let column = |line: &str, what: &str| line.find(what).map(|i| line[..i].chars().count());
    let (shown, under) =
        (said.lines().find(|l| l.starts_with(" 1 │")).unwrap(), said.lines().find(|l| l.contains('┬')));
    assert_eq!(column(under.unwrap(), "─"), column(shown, "Persn"), "{said}");
}

#[test]
fn an_ftm_name_on_a_folder_or_in_a_graph_data_folder_is_said_plainly() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("dir.ftm.json");
    std::fs::create_dir(&folder).unwrap();
    let out = kgq(&["--data", folder.to_str().unwrap(), "query", "count *"], &root());
    let said = stderr(&out);
    assert!(said.contains("dir.ftm.json: it is a folder, not a regular file"), "{said}");
    assert!(said.contains("an FtM stream is a file"), "{said}");
    // Streams inside a graph-data folder: one warning each, not read as the folder's own files.
    let data = dir.path().join("data");
    std::fs::create_dir_all(data.join("entities")).unwrap();
    std::fs::write(data.join("entities/e.csv"), "id,kind,name\na,person,A\n").unwrap();
    let line = "{\"id\": \"x\", \"schema\": \"Person\", \"caption\": \"X\", \"properties\": {\"name\": [\"X\"]}}\n";
    std::fs::write(data.join("entities/x.ftm.jsonl"), line).unwrap();
    std::fs::write(data.join("y.ftm.json"), line).unwrap();
    let out = kgq(&["--color", "never", "check", data.to_str().unwrap()], &root());
    let said = stderr(&out).replace("\n  │ ", " ").replace("\n        ", " ");
    assert_eq!(out.status.code(), Some(0), "{said}");
    assert!(!said.contains("caption"), "not read as kgq's JSON Lines: {said}");
    for name in ["entities/x.ftm.jsonl", "y.ftm.json"] {
        let warning = format!("{name} is an FtM stream, which is not read with the folder");
        assert!(said.contains(&warning), "{said}");
    }
    let help = "help: give the stream with a --data of its own: kgq --data FOLDER --data";
    assert_eq!(said.matches(help).count(), 2, "{said}");
    assert!(stdout(&out).contains("ok, 1 entities, 0 relations (3 warnings)"), "{}", stdout(&out));
}

#[test]
fn the_ftm_export_writes_no_empty_value_and_takes_the_import_s_extensions() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["g.ftm.jsonl", "g.ftm", "g.ftm.json"] {
        let to = dir.path().join(name);
        let out = with_builtin(&["export", "-o", to.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        let text = std::fs::read_to_string(&to).unwrap();
        let mut imported = 0;
        for line in text.lines() {
            let entity: serde_json::Value = serde_json::from_str(line).unwrap();
            for (prop, values) in entity["properties"].as_object().unwrap() {
                for value in values.as_array().unwrap() {
                    assert!(!value.as_str().unwrap().trim().is_empty(), "{prop} is empty: {line}");
                }
            }
            imported += usize::from(line.contains("us_ofac_sdn:"));
        }
        assert!(imported > 0, "the stream's records are in the export: {text}");
    }
}
