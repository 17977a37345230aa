//! Inputs large in one direction: an entity with tens of thousands of aliases, dangling
//! references and unknown names in graphs too large to scan for suggestions. These check
//! what the answers are; how long they take is measured by hand (ARCHITECTURE.md).

use kgq::data::{self, DataFiles};
use kgq::graph::KnowledgeGraph;

use crate::support::{fixture, read_tree};

/// The base fixture with `path` added.
fn base_with(path: &str, text: String) -> DataFiles {
    let mut files = read_tree(&fixture("base"));
    files.push((path.to_string(), text));
    DataFiles::from_files("g", files)
}

fn messages(loaded: &data::Loaded, files: &DataFiles) -> Vec<String> {
    loaded
        .diagnostics
        .iter()
        .map(|d| {
            let place = d.location.as_ref().map_or(String::new(), |l| files.map.describe(l));
            format!("{place}: {} ({})", d.message, d.help.clone().unwrap_or_default())
        })
        .collect()
}

#[test]
fn an_entity_with_many_aliases_loads_and_each_alias_names_it() {
    const N: usize = 20_000;
    // Every alias twice, the second time in capitals: an entity's own repeats are no conflict.
    let aliases: Vec<String> = (0..N).flat_map(|i| [format!("\"Alias {i}\""), format!("\"ALIAS {i}\"")]).collect();
    let text = format!(
        "[[entity]]\nid = \"many\"\nkind = \"company\"\nname = \"Many Names\"\naliases = [{}]\n\
         evidence = [{{ source = \"memo\", line = 3, quote = \"Harbour Shipyard in Freedonia\" }}]\n",
        aliases.join(", ")
    );
    let files = base_with("entities/many.toml", text);
    let loaded = data::load(&files);
    let said = messages(&loaded, &files);
    assert!(said.iter().all(|m| m.contains("takes part in no relation")), "{said:?}");
    let kg = KnowledgeGraph::build(loaded.dataset.expect("many aliases are no error"));
    let many = kg.by_id("many").unwrap();
    for i in (0..N).step_by(997) {
        assert_eq!(kg.resolve(&format!("alias {i}")), Ok(many), "alias {i}");
    }
    assert_eq!(kg.entity(many).aliases().len(), 2 * N);
}

#[test]
fn an_alias_another_entity_already_has_is_still_refused_among_many() {
    let aliases: Vec<String> = (0..5000).map(|i| format!("\"Alias {i}\"")).collect();
    let entity = |id: &str, aliases: &str| {
        format!(
            "[[entity]]\nid = \"{id}\"\nkind = \"company\"\nname = \"{id} name\"\naliases = [{aliases}]\n\
             evidence = [{{ source = \"memo\", line = 3, quote = \"Harbour Shipyard in Freedonia\" }}]\n\n"
        )
    };
    let text = entity("first", &aliases.join(", ")) + &entity("second", "\"Zed\", \"alias 4321\"");
    let files = base_with("entities/many.toml", text);
    let loaded = data::load(&files);
    let said = messages(&loaded, &files);
    let claims: Vec<&String> = said.iter().filter(|m| m.contains("names both")).collect();
    assert_eq!(claims.len(), 1, "{said:?}");
    assert!(claims[0].contains("`alias 4321` names both `first` and `second`"), "{said:?}");
    assert!(claims[0].contains("`first` is at g/entities/many.toml:1:1"), "{said:?}");
}

/// A bulk folder of `n` companies named from a few words, so that many names are alike and
/// suggestions come from the index rather than a scan of every name.
fn companies(n: usize) -> Vec<(String, String)> {
    const WORDS: [&str; 6] = ["Korea", "General", "Trading", "Mining", "Export", "Bureau"];
    let mut csv = String::from("id,kind,name\n");
    for i in 0..n {
        let name = format!("{} {} {i}", WORDS[i % 6], WORDS[(i / 6) % 6]);
        csv.push_str(&format!("company-{i},company,{name}\n"));
    }
    vec![("entities/companies.csv".to_string(), csv)]
}

#[test]
fn dangling_references_in_a_large_graph_are_told_the_nearest_ids() {
    let mut files = companies(5000);
    let mut rels = String::from("from,rel,to\n");
    for i in 0..5000 {
        rels.push_str(&format!("company-{i},owns,company-{}\n", (i + 1) % 5000));
    }
    // A letter dropped, a letter swapped, a name where an id belongs, and nothing alike.
    rels.push_str("compny-1234,owns,company-1\ncompany-1,owns,comapny-4321\ncompany-2,owns,Korea General 2814\n");
    rels.push_str("company-3,owns,zzzzzzzz\n");
    files.push(("relations/owns.csv".to_string(), rels));
    let files = DataFiles::from_files("g", files);
    let loaded = data::load(&files);
    let said = messages(&loaded, &files);
    assert_eq!(said.len(), 4, "{said:?}");
    assert!(said[0].contains("g/relations/owns.csv:5002:1: unknown entity `compny-1234`"), "{said:?}");
    assert!(said[0].contains("did you mean `company-1234`"), "{said:?}");
    assert!(said[1].contains("unknown entity `comapny-4321`") && said[1].contains("`company-4321`"), "{said:?}");
    assert!(said[2].contains("`Korea General 2814` is a name of `company-2814`; refer to entities by id"), "{said:?}");
    assert!(said[3].contains("declare the entity in entities/, or fix the id"), "{said:?}");
}

#[test]
fn an_unknown_name_in_a_large_graph_gets_the_nearest_names() {
    let loaded = data::load(&DataFiles::from_files("g", companies(5000)));
    let kg = KnowledgeGraph::build(loaded.dataset.expect("companies load"));
    let near = |name: &str| kg.nearest(name, 3).into_iter().map(|c| c.id).collect::<Vec<_>>();
    // A typo at the start, in the middle, at the end.
    assert!(near("Xorea General 42").contains(&"company-42".to_string()), "{:?}", near("Xorea General 42"));
    assert!(near("Trading Bureu 4712").contains(&"company-4712".to_string()), "{:?}", near("Trading Bureu 4712"));
    assert!(near("Bureau General 4403x").contains(&"company-4403".to_string()), "{:?}", near("Bureau General 4403x"));
    let long = format!("Korea Korea 3456{}", "!".repeat(100_000));
    assert!(kg.resolve(&long).is_err());
    assert!(near("qqqqqqqqqqqq").is_empty());
}
