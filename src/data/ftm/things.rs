//! The things of an FtM stream: each record of an entity schema becomes an entity of its
//! mapped kind (names and aliases, country, kept properties as attributes, notes), with the
//! record as its evidence, once for each dataset it names; countries become entities of
//! kind `country` on first use (the first pass of the import, see `mod.rs`).

use std::borrow::Cow;

use super::{At, Import, countries, mapping, note, push_attr, record, shared};
use crate::diag::{Diagnostic, visible};
use crate::model::{Attrs, Evidence, Record, Source};
use crate::store::EntityMore;

impl Import {
    /// An entity.
    pub(super) fn thing(&mut self, at: &At) {
        let Some(kind) = self.mapping.target(at.def).map(str::to_string) else {
            return self.leave(at);
        };
        let props = &at.line.properties;
        // An address's `full` names it when nothing else does; else it is one more alias.
        let mut names = record::NAMES.iter().chain(&["full"]).flat_map(|p| props.get(p)).map(Cow::as_ref);
        let name = names.next().unwrap_or(&at.line.id).to_string();
        let mut aliases: Vec<String> = Vec::new();
        for alias in names {
            if alias != name && !aliases.iter().any(|a| a == alias) {
                aliases.push(alias.to_string());
            }
        }
        let codes: Vec<&str> = record::COUNTRIES.iter().flat_map(|p| props.get(p)).map(Cow::as_ref).collect();
        let mut country = None;
        let mut attrs = self.attrs(at, &record::KEPT);
        let mut ids = Vec::with_capacity(codes.len());
        for code in &codes {
            ids.extend(self.country(at, code));
        }
        if ids.len() < codes.len() {
            // An unknown code was reported: the record is refused, as a record with an error is.
            return self.refuse(at);
        }
        for (i, id) in ids.into_iter().enumerate() {
            if i == 0 {
                country = Some(shared(&mut self.countries, &id));
            } else if country.as_deref() != Some(id.as_str()) {
                push_attr(&mut attrs, "countries", id);
            }
        }
        for referent in &at.line.referents {
            push_attr(&mut attrs, "referents", referent.to_string());
        }
        attrs.shrink_to_fit();
        let used = [&record::NAMES[..], &record::COUNTRIES, &record::KEPT, &record::NOTES, &["full"]];
        self.count_unread(at, &used);
        let more =
            EntityMore { aliases, country, attrs, note: note(at), evidence: self.evidence(at), origin: at.location() };
        let kind = self.kind(&kind);
        if let Err(refused) = self.data.entities.push(&at.line.id, &name, kind, Some(more)) {
            let why = match refused {
                crate::store::Refused::Duplicate(_) => "this id is taken by an entity written before it".to_string(),
                _ => "the entity table is full".to_string(),
            };
            self.diags.push(
                Diagnostic::error(format!("entity `{}` is written twice", visible(&at.line.id)))
                    .at(at.place("id", &at.line.id), why)
                    .help("each entity of a stream has its own id; merge the two records"),
            );
        }
    }

    /// The id of the country entity `code` names, made on first use; an unknown code is reported.
    pub(super) fn country(&mut self, at: &At, code: &str) -> Option<String> {
        let lower = code.to_ascii_lowercase();
        let known = countries::find(&lower);
        let mapped = self.mapping.country(&lower).to_string();
        if self.data.entities.find(&mapped).is_some() {
            return Some(mapped);
        }
        let Some(i) = known else {
            self.diags.push(
                Diagnostic::error(format!("unknown country code `{}`", visible(code)))
                    .at(at.place("country", code), "not a code FtM knows")
                    .help("FtM writes countries as ISO 3166-1 codes in lower case (`kp`, `ru`), or name the code under [countries] in ftm-mapping.toml"),
            );
            return None;
        };
        let kind = self.kind(mapping::COUNTRY);
        // The id was not found just above, so the push can only fail on a full table.
        self.data.entities.push(&mapped, countries::COUNTRIES[i].1, kind, None).ok()?;
        Some(mapped)
    }

    /// The kept properties of the record as attributes, named in snake case.
    pub(super) fn attrs(&self, at: &At, kept: &[&str]) -> Attrs {
        let mut attrs = Attrs::new();
        for &prop in kept {
            for value in at.line.properties.get(prop) {
                push_attr(&mut attrs, &record::snake_case(prop), value.to_string());
            }
        }
        attrs.shrink_to_fit();
        attrs
    }

    /// The record as evidence, once for each dataset it names (each a source).
    pub(super) fn evidence(&mut self, at: &At) -> Vec<Evidence> {
        let url = at.line.properties.first(record::SOURCE_URL).map(|url| shared(&mut self.urls, url));
        let record = Box::new(Record { id: at.line.id.to_string(), url });
        let stem = [Cow::Borrowed(at.stem)];
        let datasets = if at.line.datasets.is_empty() { &stem[..] } else { &at.line.datasets[..] };
        let mut out = Vec::with_capacity(datasets.len());
        for dataset in datasets {
            if !self.datasets.contains(dataset.as_ref()) {
                self.data.sources.push(Source {
                    id: dataset.to_string(),
                    title: format!("FollowTheMoney dataset {dataset}"),
                    publisher: String::new(),
                    date: String::new(),
                    file: String::new(),
                    origin: at.location(),
                });
            }
            let (source, record) = (shared(&mut self.datasets, dataset), Some(record.clone()));
            out.push(Evidence { source, line: 0, quote: String::new(), record, origin: at.location() });
        }
        out
    }
}
