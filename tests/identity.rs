//! Identity across datasets (`data::identity`): random small datasets with random shared
//! ids, `same_as` statements, registration numbers and referents, merged, against a
//! brute-force oracle that joins records pairwise by the documented rules (the same
//! partition of records into entities, and every joined record named once with its rule);
//! and, through the real binary, a curated folder with a `same_as` to the sanctions stream
//! and a shared registration number with the registry stream (tests/fixtures/identity,
//! tests/fixtures/ftm): `check` alone and together, a path across the join, the card.

use std::collections::{BTreeMap, BTreeSet};

use kgq::data::{DataFiles, Dataset, load, merge};
use proptest::prelude::*;

use crate::support::{kgq, root, stderr, stdout};

/// One company record: its id (`e0`..`e5`), country, registration number, referent.
#[derive(Debug, Clone)]
struct Company {
    id: usize,
    country: Option<&'static str>,
    number: Option<&'static str>,
    referent: Option<usize>,
}

/// A dataset: its companies (distinct ids) and its `same_as` statements (ids).
#[derive(Debug, Clone)]
struct Set {
    companies: Vec<Company>,
    same_as: Vec<(usize, usize)>,
}

const NUMBERS: [&str; 4] = ["A-1", "a 1", "B2", "b/2"];

fn company() -> impl Strategy<Value = Company> {
    let country = prop::option::of(prop::sample::select(vec!["kp", "ru"]));
    let number = prop::option::of(prop::sample::select(NUMBERS.to_vec()));
    (0..6usize, country, number, prop::option::of(0..6usize)).prop_map(|(id, country, number, referent)| Company {
        id,
        country,
        number,
        referent,
    })
}

fn sets() -> impl Strategy<Value = Vec<Set>> {
    let set = (prop::collection::vec(company(), 1..5), prop::collection::vec((0..6usize, 0..6usize), 0..3));
    prop::collection::vec(set, 2..4).prop_map(|raw| {
        let mut sets: Vec<Set> = raw
            .into_iter()
            .map(|(mut companies, same_as)| {
                let mut seen = BTreeSet::new();
                companies.retain(|c| seen.insert(c.id));
                Set { companies, same_as }
            })
            .collect();
        // A same_as names an id of its own dataset first and any dataset's id second.
        let all: BTreeSet<usize> = sets.iter().flat_map(|s| s.companies.iter().map(|c| c.id)).collect();
        let all: Vec<usize> = all.into_iter().collect();
        for set in &mut sets {
            let own: Vec<usize> = set.companies.iter().map(|c| c.id).collect();
            set.same_as = set
                .same_as
                .iter()
                .map(|&(a, b)| (own[a % own.len()], all[b % all.len()]))
                .filter(|(a, b)| a != b)
                .collect();
        }
        sets
    })
}

fn load_set(set: &Set) -> Dataset {
    let mut entities = String::from(
        "id,kind,name,country,attr.registration_number,attr.referents\nkp,country,KP,,,\nru,country,RU,,,\n",
    );
    for c in &set.companies {
        let referent = c.referent.map_or(String::new(), |r| format!("e{r}"));
        let (country, number) = (c.country.unwrap_or(""), c.number.unwrap_or(""));
        entities.push_str(&format!("e{},company,Company {},{country},{number},{referent}\n", c.id, c.id));
    }
    let mut relations = String::from("from,rel,to\n");
    for (a, b) in &set.same_as {
        relations.push_str(&format!("e{a},same_as,e{b}\n"));
    }
    // A declared vocabulary: there `same_as` is the identity statement.
    let schema = "[[kind]]\nname = \"country\"\n[[kind]]\nname = \"company\"\n".to_string();
    let files = DataFiles::from_files(
        "g",
        [
            ("schema.toml".to_string(), schema),
            ("entities/e.csv".to_string(), entities),
            ("relations/r.csv".to_string(), relations),
        ],
    );
    let loaded = load(&files);
    loaded.dataset.unwrap_or_else(|| panic!("{:?}", loaded.diagnostics))
}

/// A record: (dataset, id).
type Rec = (usize, String);

/// The oracle: records joined pairwise by the rules, closed by a plain union-find.
fn oracle(sets: &[Set]) -> BTreeSet<BTreeSet<Rec>> {
    let mut records: Vec<Rec> = Vec::new();
    let mut facts = Vec::new();
    for (s, set) in sets.iter().enumerate() {
        records.extend(["kp", "ru"].map(|c| (s, c.to_string())));
        for c in &set.companies {
            records.push((s, format!("e{}", c.id)));
            facts.push((records.len() - 1, c));
        }
    }
    let mut parent: Vec<usize> = (0..records.len()).collect();
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            x = parent[x];
        }
        x
    }
    let mut join = |a: usize, b: usize| {
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        parent[ra] = rb;
    };
    let with_id = |id: &str| -> Vec<usize> { (0..records.len()).filter(|&r| records[r].1 == id).collect() };
    for (a, (_, id)) in records.iter().enumerate() {
        for b in with_id(id) {
            join(a, b);
        }
    }
    for set in sets {
        for (x, y) in &set.same_as {
            let b = with_id(&format!("e{y}"))[0];
            for a in with_id(&format!("e{x}")) {
                join(a, b);
            }
        }
    }
    for &(r, c) in &facts {
        if let Some(x) = c.referent {
            for other in with_id(&format!("e{x}")) {
                if records[other].0 != records[r].0 {
                    join(r, other);
                }
            }
        }
    }
    // Per number and country, the first record of each dataset that has it.
    let mut firsts: BTreeMap<(String, &str), BTreeMap<usize, usize>> = BTreeMap::new();
    for &(r, c) in &facts {
        if let (Some(country), Some(number)) = (c.country, c.number) {
            let key: String = number.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect();
            firsts.entry((key, country)).or_default().entry(records[r].0).or_insert(r);
        }
    }
    for by_set in firsts.values() {
        let rs: Vec<usize> = by_set.values().copied().collect();
        for w in rs.windows(2) {
            join(w[0], w[1]);
        }
    }
    let mut classes: BTreeMap<usize, BTreeSet<Rec>> = BTreeMap::new();
    for (r, record) in records.iter().enumerate() {
        classes.entry(root(&mut parent, r)).or_default().insert(record.clone());
    }
    classes.into_values().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// The merge makes the oracle's entities, and names every record it did not keep once,
    /// in the entity it joined.
    #[test]
    fn the_merge_joins_exactly_the_records_the_rules_join(sets in sets()) {
        let named: Vec<(String, Dataset)> = sets.iter().enumerate().map(|(i, s)| (format!("s{i}"), load_set(s))).collect();
        let merged = merge::merge(named).unwrap();
        let mut classes: BTreeMap<u32, BTreeSet<Rec>> = BTreeMap::new();
        let mut named_once = BTreeSet::new();
        for j in &merged.joins {
            let set: usize = j.dataset[1..].parse().unwrap();
            prop_assert!(named_once.insert((set, j.id.clone())), "{} `{}` is named twice", j.dataset, j.id);
            classes.entry(j.entity).or_default().insert((set, j.id.clone()));
        }
        for (i, set) in sets.iter().enumerate() {
            let ids = set.companies.iter().map(|c| format!("e{}", c.id)).chain(["kp".to_string(), "ru".to_string()]);
            for id in ids {
                if named_once.contains(&(i, id.clone())) {
                    continue;
                }
                // A record no join names is kept: the entity of its id.
                let n = merged.entities.find(&id);
                prop_assert!(n.is_some(), "s{i} `{id}` is neither kept nor joined");
                classes.entry(n.unwrap()).or_default().insert((i, id));
            }
        }
        let found: BTreeSet<BTreeSet<Rec>> = classes.into_values().collect();
        prop_assert_eq!(found.len(), merged.entities.len(), "one class per entity");
        prop_assert_eq!(found, oracle(&sets));
    }
}

const FOLDER: &str = "tests/fixtures/identity";
const SANCTIONS: &str = "tests/fixtures/ftm/sanctions.ftm.json";
const REGISTRY: &str = "tests/fixtures/ftm/registry.ftm.json";

fn all_three(args: &[&str]) -> std::process::Output {
    let mut all = vec!["--color", "never", "--data", FOLDER, "--data", SANCTIONS, "--data", REGISTRY];
    all.extend_from_slice(args);
    kgq(&all, &root())
}

#[test]
fn a_same_as_to_another_dataset_is_a_warning_alone_and_an_error_when_opened_alone() {
    let out = kgq(&["--color", "never", "check", FOLDER, "--sources", FOLDER], &root());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said = stderr(&out);
    assert!(said.contains("`NK-mops-namibia` is not an entity of this folder"), "{said}");
    let out = kgq(&["--color", "never", "--data", FOLDER, "query", "count *"], &root());
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(stderr(&out));
}

#[test]
fn a_same_as_no_dataset_given_resolves_is_an_error_at_its_end() {
    let out = kgq(&["--color", "never", "--data", FOLDER, "--data", REGISTRY, "query", "count *"], &root());
    assert_eq!(out.status.code(), Some(1));
    let said = stderr(&out);
    assert!(said.contains("no dataset given has an entity `NK-mops-namibia`"), "{said}");
    assert!(said.contains("(looked in tests/fixtures/identity, tests/fixtures/ftm/registry.ftm.json)"), "{said}");
    assert!(said.contains("╭─[tests/fixtures/identity/relations/relations.toml:11:6]"), "{said}");
}

#[test]
fn check_of_the_datasets_lists_every_join_by_rule() {
    let out = all_three(&["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    insta::assert_snapshot!(stdout(&out));
    let out = all_three(&["stats"]);
    assert!(
        stdout(&out).contains(
            "records joined into entities: 3 by shared id, 1 by same_as, 1 by registration number, 1 by referent"
        ),
        "{}",
        stdout(&out)
    );
}

#[test]
fn connect_runs_across_a_same_as_join_and_the_card_says_what_was_joined() {
    let out = all_three(&["query", "connect \"Pak Chol Nam\" and NK-kim-tong-chol max 2"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(
            "Pak Chol Nam -[works_for]-> Mansudae Overseas Projects, Windhoek office <-[director_of]- KIM Tong Chol"
        ),
        "{text}"
    );
    let out = all_three(&["query", "show mops-windhoek"]);
    insta::assert_snapshot!(stdout(&out));
    // A snapshot of the three keeps the joins.
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("three.snap");
    let built = all_three(&["build", "-o", snap.to_str().unwrap()]);
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    let again = kgq(&["--color", "never", "--data", snap.to_str().unwrap(), "query", "show mops-windhoek"], &root());
    let text = stdout(&again);
    assert!(
        text.contains("`NK-mops-namibia` (same_as at tests/fixtures/identity/relations/relations.toml:8:1"),
        "{text}"
    );
}

#[test]
fn a_declared_relation_kind_named_same_as_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("entities")).unwrap();
    std::fs::write(dir.path().join("entities/e.csv"), "id,kind,name\na,person,A\n").unwrap();
    let schema = "[[kind]]\nname = \"person\"\n[[relation]]\nname = \"same_as\"\nfrom = [\"*\"]\nto = [\"*\"]\n\
        reads = \"is\"\ninverse = \"is\"\n";
    std::fs::write(dir.path().join("schema.toml"), schema).unwrap();
    let out = kgq(&["--color", "never", "check", dir.path().to_str().unwrap()], &root());
    assert_eq!(out.status.code(), Some(1));
    let said = stderr(&out);
    assert!(said.contains("relation kind `same_as` is built in"), "{said}");
}

#[test]
fn check_lists_an_identifier_two_kinds_share_and_joins_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, rows: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, format!("id,kind,name,country,attr.registration_number\n{rows}")).unwrap();
        path.to_str().unwrap().to_string()
    };
    let a = write("a.csv", "kp,country,KP,,\nhy,company,Hyoksin,kp,KP 7731-02\n");
    let b = write("b.csv", "kp,country,KP,,\nhp,person,Hyoksin Pak,kp,KP773102\n");
    let out = kgq(&["--color", "never", "check", "--data", &a, "--data", &b], &root());
    let text = stdout(&out);
    assert!(text.contains("1 shared identifier between records of two kinds (not joined"), "{text}{}", stderr(&out));
    assert!(
        text.contains("`hy` (company) and") && text.contains("`hp` (person): registration number KP773102"),
        "{text}"
    );
    assert!(text.contains("merged, 3 entities"), "nothing joined but the shared country id: {text}");
}

#[test]
fn the_same_link_record_in_two_datasets_is_one_relation_and_a_joined_id_still_finds_its_entity() {
    // Overlapping collections: the same stream under two names holds each link record twice.
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.ftm.json");
    std::fs::copy(root().join("tests/fixtures/ftm/sanctions.ftm.json"), &copy).unwrap();
    let stream = "tests/fixtures/ftm/sanctions.ftm.json";
    let alone = stdout(&kgq(&["--data", stream, "query", "count relations"], &root()));
    let both = kgq(&["--data", stream, "--data", copy.to_str().unwrap(), "query", "count relations"], &root());
    assert_eq!(stdout(&both), alone, "{}", stderr(&both));
    let why = kgq(
        &["--data", stream, "--data", copy.to_str().unwrap(), "query", "why NK-kim-tong-chol and NK-mops-namibia"],
        &root(),
    );
    let text = stdout(&why);
    assert_eq!(text.matches("us_ofac_sdn:NK-dir-kim").count(), 1, "one relation, not two: {text}");
    assert!(text.contains("copy:NK-dir-kim") || text.contains("us_ofac_sdn"), "{text}");
    // Whichever record is kept, the other's id finds the entity.
    let order = [
        "--data",
        "tests/fixtures/ftm/sanctions.ftm.json",
        "--data",
        "tests/fixtures/ftm/registry.ftm.json",
        "--data",
        "tests/fixtures/identity",
        "query",
        "show hyoksin",
    ];
    let out = kgq(&order, &root());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("joined"), "{}", stdout(&out));
}

#[test]
fn a_source_id_two_datasets_declare_differently_is_renamed_not_refused() {
    // The built-in graph and the fixture folder both number their documents from 001.
    let data =
        ["--data", "builtin", "--data", "tests/fixtures/identity", "--data", "tests/fixtures/ftm/sanctions.ftm.json"];
    let mut check = data.to_vec();
    check.extend(["--color", "never", "check"]);
    let out = kgq(&check, &root());
    let text = stdout(&out);
    assert!(
        text.contains("1 source renamed") && text.contains("tests/fixtures/identity `001` is `001@identity`"),
        "{text}{}",
        stderr(&out)
    );
    assert!(text.contains("citing 001@identity:3"), "a same_as cites the merged id: {text}");
    let mut show = data.to_vec();
    show.extend(["query", "show hyoksin"]);
    let out = kgq(&show, &root());
    assert!(stdout(&out).contains("001@identity:4 \"Hyoksin Trading is registered in Pyongyang\""), "{}", stdout(&out));
    let mut builtin = data.to_vec();
    builtin.extend(["query", "cited by \"001:4\" limit 1"]);
    assert!(!stdout(&kgq(&builtin, &root())).contains("Hyoksin"), "the built-in 001 is another document");
}

#[test]
fn an_id_of_two_kinds_refuses_the_graph_at_the_record_and_says_how_to_see_it_again() {
    let dir = tempfile::tempdir().unwrap();
    let stream = dir.path().join("pl.ftm.json");
    let line =
        r#"{"id": "poland", "schema": "Person", "properties": {"name": ["Jan Kowalski"], "nationality": ["pl"]}}"#;
    // A vessel is no company; a LegalEntity may be a person (FtM's Person extends it).
    let more = r#"{"id": "rungrado", "schema": "Vessel", "properties": {"name": ["R"]}}
{"id": "kim-jong-un", "schema": "LegalEntity", "properties": {"name": ["Kim"]}}"#;
    std::fs::write(&stream, format!("{line}\n{more}\n")).unwrap();
    let name = stream.to_str().unwrap();
    let out = kgq(&["--color", "never", "--data", "builtin", "--data", name, "query", "show poland"], &root());
    assert_ne!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(err.contains("`poland` is a `country` in builtin and a `person` in"), "{err}");
    assert!(err.contains("pl.ftm.json:1:1]"), "located at the record: {err}");
    assert!(err.contains(&format!("run `kgq --data builtin --data {name} check` for details")), "{err}");
    assert!(err.contains("(and 1 more id whose kinds do not agree: `rungrado`)"), "every conflict is counted: {err}");
    // From a snapshot, which keeps no places, the error is shown at the built-in record.
    let snapshot = dir.path().join("pl.kgq");
    let built = kgq(&["--data", name, "build", "-o", snapshot.to_str().unwrap()], &root());
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    let out = kgq(&["--color", "never", "--data", "builtin", "--data", snapshot.to_str().unwrap(), "check"], &root());
    assert!(stderr(&out).contains("graph-data/entities/places.toml:"), "{}", stderr(&out));
    // `check` is the command the footer would name: it says what failed instead.
    assert!(stderr(&out).contains("has 1 error; the datasets do not merge"), "{}", stderr(&out));
}

#[test]
fn a_streams_countries_beside_the_built_in_ones_are_listed_with_the_mapping_that_joins_them() {
    // Without its ftm-mapping.toml the stream's countries are its codes (`kp`).
    let dir = tempfile::tempdir().unwrap();
    let stream = dir.path().join("sanctions.ftm.json");
    std::fs::copy(root().join("tests/fixtures/ftm/sanctions.ftm.json"), &stream).unwrap();
    let out = kgq(&["--data", "builtin", "--data", stream.to_str().unwrap(), "check"], &root());
    let text = stdout(&out);
    assert!(text.contains("builtin `north-korea` North Korea (country)  ~  "), "{text}{}", stderr(&out));
    assert!(
        text.contains(r#"map them under [countries] in the ftm-mapping.toml beside it, `kp = "north-korea"`"#),
        "{text}"
    );
}
