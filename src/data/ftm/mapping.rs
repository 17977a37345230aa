//! What FollowTheMoney schemata become: the default mapping (one table, [`SCHEMATA`],
//! which the README prints), and `ftm-mapping.toml`, a file beside the stream that
//! overrides it. The mapping names kinds and relation kinds; it does not read records.
//!
//! Every schema of the FtM model (followthemoney 4.11) is listed, so that a schema the
//! model does not have is an error ("unknown schema") and one the mapping leaves out is
//! counted and reported ("not imported"), never confused.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::diag::{Diagnostic, FileId, Location};
use crate::suggest::did_you_mean;

/// What records of a schema are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// An entity: a person, a company, a vessel, an address.
    Thing,
    /// A relation between the entities its `source` and `target` properties name.
    Edge { source: &'static str, target: &'static str, directed: bool },
    /// A designation: the entity its `entity` property names, under the instrument its
    /// `program` (else `authority`) names.
    Sanction,
    /// A document, a message or another record that is neither.
    Other,
}

/// A schema of the FtM model: its name, its shape, and what the default mapping makes of it
/// (a kind for things, a relation kind for edges and sanctions; `None`: not imported).
pub struct SchemaDef {
    pub name: &'static str,
    pub shape: Shape,
    pub default: Option<&'static str>,
}

const fn thing(name: &'static str, default: Option<&'static str>) -> SchemaDef {
    SchemaDef { name, shape: Shape::Thing, default }
}

const fn edge(name: &'static str, source: &'static str, target: &'static str, rel: Option<&'static str>) -> SchemaDef {
    SchemaDef { name, shape: Shape::Edge { source, target, directed: true }, default: rel }
}

const fn link(name: &'static str, source: &'static str, target: &'static str, rel: &'static str) -> SchemaDef {
    SchemaDef { name, shape: Shape::Edge { source, target, directed: false }, default: Some(rel) }
}

const fn other(name: &'static str) -> SchemaDef {
    SchemaDef { name, shape: Shape::Other, default: None }
}

/// Every schema of the model, sorted by name, with the default mapping.
pub const SCHEMATA: &[SchemaDef] = &[
    thing("Address", Some("address")),
    thing("Airplane", Some("aircraft")),
    other("Analyzable"),
    other("Article"),
    thing("Asset", None),
    link("Associate", "person", "associate", "associate_of"),
    other("Audio"),
    thing("BankAccount", None),
    other("Call"),
    other("CallForTenders"),
    thing("Company", Some("company")),
    other("Contract"),
    edge("ContractAward", "contract", "supplier", None),
    edge("Control", "controller", "controlled", Some("controls")),
    other("CourtCase"),
    edge("CourtCaseParty", "party", "case", None),
    thing("CryptoWallet", None),
    edge("Debt", "debtor", "creditor", Some("owes")),
    edge("Directorship", "director", "organization", Some("director_of")),
    other("Document"),
    edge("Documentation", "document", "entity", None),
    other("EconomicActivity"),
    other("Email"),
    edge("Employment", "employee", "employer", Some("employed_by")),
    other("Event"),
    edge("Family", "person", "relative", Some("family_of")),
    other("Folder"),
    other("HyperText"),
    other("Identification"),
    other("Image"),
    other("Interest"),
    other("Interval"),
    thing("LegalEntity", Some("legal_entity")),
    other("License"),
    edge("Membership", "member", "organization", Some("member_of")),
    other("Mention"),
    other("Message"),
    other("Note"),
    edge("Occupancy", "holder", "post", Some("holds")),
    thing("Organization", Some("organisation")),
    edge("Ownership", "owner", "asset", Some("owns")),
    other("Package"),
    other("Page"),
    other("Pages"),
    other("Passport"),
    edge("Payment", "payer", "beneficiary", Some("paid")),
    thing("Person", Some("person")),
    other("PlainText"),
    thing("Position", Some("position")),
    other("Project"),
    edge("ProjectParticipant", "participant", "project", None),
    thing("PublicBody", Some("state_body")),
    thing("RealEstate", None),
    edge("Representation", "agent", "client", Some("represents")),
    other("Risk"),
    SchemaDef { name: "Sanction", shape: Shape::Sanction, default: Some("designated_under") },
    thing("Security", None),
    other("Similar"),
    edge("Succession", "predecessor", "successor", Some("succeeded_by")),
    other("Table"),
    other("TaxRoll"),
    thing("Territory", None),
    other("Thing"),
    other("Trip"),
    link("UnknownLink", "subject", "object", "linked_to"),
    thing("UserAccount", None),
    other("Value"),
    thing("Vehicle", Some("vehicle")),
    thing("Vessel", Some("vessel")),
    other("Video"),
    other("Workbook"),
];

/// The kind the instruments of sanctions are, whatever the mapping.
pub const INSTRUMENT: &str = "instrument";
/// The kind of the entities a country code names.
pub const COUNTRY: &str = "country";

/// The schema of this name.
pub fn schema(name: &str) -> Option<&'static SchemaDef> {
    SCHEMATA.binary_search_by(|s| s.name.cmp(name)).ok().map(|i| &SCHEMATA[i])
}

/// "unknown FtM schema" at `at`.
pub fn unknown_schema(name: &str, at: Location) -> Diagnostic {
    Diagnostic::error(format!("unknown FtM schema `{}`", crate::diag::visible(name)))
        .at(at, "not a schema of the FtM model")
}

/// What to say of an unknown schema name: the nearest schema, or where the list is.
pub fn schema_help(name: &str) -> String {
    match did_you_mean(name, SCHEMATA.iter().map(|s| s.name)) {
        Some(best) => format!("did you mean `{best}`?"),
        None => "the schemata are listed at https://followthemoney.tech/explorer/".into(),
    }
}

/// `ftm-mapping.toml`: kinds and relation kinds chosen for schemata, and the entity ids
/// country codes name.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    kinds: BTreeMap<String, String>,
    #[serde(default)]
    relations: BTreeMap<String, String>,
    #[serde(default)]
    countries: BTreeMap<String, String>,
}

/// The mapping in force: the default with the file's choices over it.
#[derive(Debug, Default)]
pub struct Mapping {
    /// Schema name -> kind or relation kind; an empty name is "not imported".
    chosen: BTreeMap<String, String>,
    /// Lower-case country code -> entity id.
    countries: BTreeMap<String, String>,
}

impl Mapping {
    /// The default mapping, with `file`'s choices over it when there is one (its problems
    /// are reported in `diags`, located in it).
    pub fn read(file: Option<(FileId, &str)>, diags: &mut Vec<Diagnostic>) -> Mapping {
        let mut mapping = Mapping::default();
        let Some((id, text)) = file else {
            return mapping;
        };
        let parsed: File = match toml::from_str(text) {
            Ok(parsed) => parsed,
            Err(err) => {
                let span = err.span().unwrap_or(0..0);
                diags.push(
                    Diagnostic::error(format!("ftm-mapping.toml cannot be read: {}", err.message()))
                        .at(Location::new(id, span), "here")
                        .help("write [kinds] Schema = \"kind\", [relations] Schema = \"relation\", [countries] code = \"entity-id\""),
                );
                return mapping;
            }
        };
        let at = |key: &str| Location::new(id, text.find(key).map_or(0..0, |i| i..i + key.len()));
        for (table, chosen) in [("kinds", parsed.kinds), ("relations", parsed.relations)] {
            for (name, to) in chosen {
                let Some(def) = schema(&name) else {
                    diags.push(unknown_schema(&name, at(&name)).help(format!("in [{table}]: {}", schema_help(&name))));
                    continue;
                };
                let fits = match def.shape {
                    Shape::Thing => table == "kinds",
                    Shape::Edge { .. } | Shape::Sanction => table == "relations",
                    Shape::Other => false,
                };
                if !fits {
                    let what = match def.shape {
                        Shape::Thing => "an entity schema: map it under [kinds]",
                        Shape::Other => "neither an entity nor a link, and cannot be imported",
                        _ => "a link schema: map it under [relations]",
                    };
                    diags.push(Diagnostic::error(format!("`{name}` is {what}")).at(at(&name), format!("in [{table}]")));
                    continue;
                }
                if to == crate::data::identity::SAME_AS {
                    // same_as is an identity statement, never an edge: an FtM link is one.
                    diags.push(
                        Diagnostic::error(format!("`{name}` cannot become `same_as`"))
                            .at(at(&name), "mapped to the identity relation")
                            .help("same_as is built in and only written in a data folder, where it joins two records into one entity; map the schema to a relation kind of its own"),
                    );
                    continue;
                }
                mapping.chosen.insert(name, to);
            }
        }
        mapping.countries = parsed.countries.into_iter().map(|(code, id)| (code.to_lowercase(), id)).collect();
        mapping
    }

    /// The kind or relation kind records of `def` become, or `None` when they are not imported.
    pub fn target(&self, def: &SchemaDef) -> Option<&str> {
        let chosen = self.chosen.get(def.name).map(String::as_str).or(def.default)?;
        (!chosen.is_empty()).then_some(chosen)
    }

    /// The id of the country entity a code names: the mapping's choice, else the code.
    pub fn country<'a>(&'a self, code: &'a str) -> &'a str {
        self.countries.get(code).map_or(code, String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schemata_are_sorted_for_the_search() {
        assert!(SCHEMATA.windows(2).all(|w| w[0].name < w[1].name));
        assert_eq!(schema("Ownership").map(|s| s.default), Some(Some("owns")));
        assert!(schema("Ownerships").is_none());
    }

    #[test]
    fn a_mapping_file_overrides_the_default_and_its_mistakes_are_located() {
        let text =
            "[kinds]\nCompany = \"dprk_company\"\nCompnay = \"x\"\nOwnership = \"y\"\n[relations]\nFamily = \"\"\n";
        let mut diags = Vec::new();
        let m = Mapping::read(Some((FileId(0), text)), &mut diags);
        assert_eq!(m.target(schema("Company").unwrap()), Some("dprk_company"));
        assert_eq!(m.target(schema("Family").unwrap()), None, "an empty name is not imported");
        assert_eq!(m.target(schema("Person").unwrap()), Some("person"));
        let said: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(said, ["unknown FtM schema `Compnay`", "`Ownership` is a link schema: map it under [relations]"]);
        let mut diags = Vec::new();
        let mapping = Mapping::read(Some((FileId(0), "[relations]\nUnknownLink = \"same_as\"\n")), &mut diags);
        assert_eq!(diags[0].message, "`UnknownLink` cannot become `same_as`");
        assert_eq!(mapping.target(schema("UnknownLink").unwrap()), Some("linked_to"), "the default stays");
    }
}
