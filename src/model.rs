//! The validated vocabulary shared by every stage: schema, sources, evidence, statuses,
//! partial dates and attribute values ([`Attrs`], in `model/attrs.rs`). Entities and
//! relations themselves live in the tables of [`crate::table`]; the checks in `data::check`
//! read records through borrowed views and hand the tables only what they keep.
//!
//! These are plain data. `data/` produces them from files (and is the only place that
//! knows about TOML); `graph/` indexes them; `render/` writes them out. Nothing here does
//! IO or knows about petgraph.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::diag::Location;

mod attrs;
pub use attrs::Attrs;

/// An entity kind declared in `schema.toml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KindDef {
    pub name: String,
    pub description: String,
    /// The Graphviz node shape pictures draw this kind with, when the schema chooses one.
    pub shape: Option<String>,
    /// The fill colour (`#rrggbb` or an accepted name), when the schema chooses one.
    pub color: Option<String>,
}

/// A relation kind declared in `schema.toml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RelDef {
    pub name: String,
    /// Entity kinds allowed at the `from` end; empty means any kind.
    pub from: Vec<String>,
    /// Entity kinds allowed at the `to` end; empty means any kind.
    pub to: Vec<String>,
    pub directed: bool,
    /// How the relation reads forwards: "A supplies B".
    pub reads: String,
    /// How it reads backwards: "B is supplied by A".
    pub inverse: String,
    pub description: String,
    /// Whether it states a fact of the story or someone's report or view of one.
    pub role: RelRole,
}

/// What a relation kind says: a fact of the story (`substantive`, the default) or
/// someone reporting on, researching or pressing a party (`commentary`). Path searches
/// walk substantive relations unless asked (`with commentary`, or `via` naming the kind),
/// so that an answer is the chain itself rather than everyone who wrote about both ends.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum RelRole {
    #[default]
    Substantive,
    Commentary,
}

impl RelRole {
    /// The words schema.toml spells the roles with.
    pub const NAMES: [&'static str; 2] = ["substantive", "commentary"];

    pub fn named(name: &str) -> Option<RelRole> {
        match name {
            "substantive" => Some(RelRole::Substantive),
            "commentary" => Some(RelRole::Commentary),
            _ => None,
        }
    }
}

impl RelDef {
    pub fn allows_from(&self, kind: &str) -> bool {
        self.from.is_empty() || self.from.iter().any(|k| k == kind)
    }

    pub fn allows_to(&self, kind: &str) -> bool {
        self.to.is_empty() || self.to.iter().any(|k| k == kind)
    }
}

/// The graph's vocabulary.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Schema {
    pub kinds: Vec<KindDef>,
    pub relations: Vec<RelDef>,
}

impl Schema {
    pub fn kind(&self, name: &str) -> Option<&KindDef> {
        self.kinds.iter().find(|k| k.name == name)
    }

    pub fn relation(&self, name: &str) -> Option<&RelDef> {
        self.relations.iter().find(|r| r.name == name)
    }
}

/// A document that evidence cites.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Source {
    pub id: String,
    pub title: String,
    pub publisher: String,
    pub date: String,
    pub file: String,
    /// Where the source is declared.
    #[serde(skip)]
    pub origin: Location,
}

/// A located piece of evidence: a line of a source document and an anchor phrase on it,
/// or (`record`) a record of an imported dataset, which has no lines: then `source` is the
/// dataset's name, `line` is 0 and `quote` is empty.
#[derive(Debug, Clone, Deserialize)]
pub struct Evidence {
    pub source: std::sync::Arc<str>,
    pub line: u32,
    pub quote: String,
    /// The imported record this evidence is, when it is one (FollowTheMoney data).
    pub record: Option<Box<Record>>,
    /// Where the locator is written in the data files.
    #[serde(skip)]
    pub origin: Location,
}

/// Every field for a snapshot (MessagePack, positional); for people and programs (JSON),
/// curated evidence without `record`, as it was written before imported records existed,
/// and a record without the line and quote it does not have.
impl Serialize for Evidence {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let readable = serializer.is_human_readable();
        let fields = if readable { 3 } else { 4 };
        let mut s = serializer.serialize_struct("Evidence", fields)?;
        s.serialize_field("source", &self.source)?;
        match (&self.record, readable) {
            (None, true) => {
                s.serialize_field("line", &self.line)?;
                s.serialize_field("quote", &self.quote)?;
            }
            (Some(record), true) => {
                s.serialize_field("record", &record.id)?;
                s.serialize_field("url", &record.url)?;
            }
            (_, false) => {
                s.serialize_field("line", &self.line)?;
                s.serialize_field("quote", &self.quote)?;
                s.serialize_field("record", &self.record)?;
            }
        }
        s.end()
    }
}

/// A record of an imported dataset cited as evidence: its id there and the address of the
/// page it was taken from (FollowTheMoney's `sourceUrl`), when the record names one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Record {
    pub id: String,
    pub url: Option<std::sync::Arc<str>>,
}

/// A typed attribute value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AttrValue {
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    List(Vec<AttrValue>),
}

impl fmt::Display for AttrValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttrValue::Bool(b) => write!(f, "{b}"),
            AttrValue::Int(i) => write!(f, "{i}"),
            AttrValue::Float(x) => write!(f, "{x}"),
            AttrValue::Text(s) => f.write_str(s),
            AttrValue::List(items) => {
                let parts: Vec<String> = items.iter().map(ToString::to_string).collect();
                write!(f, "[{}]", parts.join(", "))
            }
        }
    }
}

/// How a relation is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Official,
    Reported,
    Alleged,
    Disputed,
}

impl Status {
    pub const ALL: [(&'static str, Status); 4] = [
        ("official", Status::Official),
        ("reported", Status::Reported),
        ("alleged", Status::Alleged),
        ("disputed", Status::Disputed),
    ];

    pub fn parse(text: &str) -> Option<Status> {
        Self::ALL.iter().find(|(name, _)| *name == text).map(|(_, s)| *s)
    }

    pub fn as_str(self) -> &'static str {
        Self::ALL.iter().find(|(_, s)| *s == self).map(|(name, _)| *name).expect("every status is listed")
    }

    /// The status whose `as u8` is `byte`.
    pub fn from_u8(byte: u8) -> Option<Status> {
        Self::ALL.iter().map(|(_, s)| *s).find(|&s| s as u8 == byte)
    }
}

/// A relation's period or date as people write it: "2008 – 2016", "since 2016", "2016-12-02".
pub fn period_text(
    since: Option<PartialDate>,
    until: Option<PartialDate>,
    date: Option<PartialDate>,
) -> Option<String> {
    Some(match (since, until, date) {
        (Some(s), Some(u), _) => format!("{s} – {u}"),
        (Some(s), None, _) => format!("since {s}"),
        (None, Some(u), _) => format!("until {u}"),
        (None, None, Some(d)) => d.to_string(),
        (None, None, None) => return None,
    })
}

/// A date known to the year, the month or the day: "2016", "2016-06", "2016-06-01".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartialDate {
    pub year: u16,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl PartialDate {
    /// Parses the ISO forms `YYYY`, `YYYY-MM` and `YYYY-MM-DD`, rejecting impossible dates.
    pub fn parse(text: &str) -> Result<PartialDate, String> {
        let parts: Vec<&str> = text.split('-').collect();
        let number = |s: &str, digits: usize, what: &str| -> Result<u16, String> {
            if s.len() != digits || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("the {what} must be {digits} digits"));
            }
            Ok(s.parse().expect("checked to be digits"))
        };
        if parts.is_empty() || parts.len() > 3 {
            return Err("expected YYYY, YYYY-MM or YYYY-MM-DD".into());
        }
        let year = number(parts[0], 4, "year")?;
        let month = match parts.get(1) {
            Some(m) => {
                let m = number(m, 2, "month")?;
                if !(1..=12).contains(&m) {
                    return Err(format!("there is no month {m}"));
                }
                Some(m as u8)
            }
            None => None,
        };
        let day = match (parts.get(2), month) {
            (Some(d), Some(m)) => {
                let d = number(d, 2, "day")?;
                let last = days_in_month(year, m);
                if d == 0 || d > u16::from(last) {
                    return Err(format!("{year}-{m:02} has no day {d}"));
                }
                Some(d as u8)
            }
            _ => None,
        };
        Ok(PartialDate { year, month, day })
    }

    /// The first day the date covers, as (year, month, day).
    pub fn first_day(self) -> (u16, u8, u8) {
        (self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// The day `days` (-1, 0 or 1) from this one, when the date is known to the day; a
    /// date known to the month or year is returned as it is.
    pub fn add_days(self, days: i8) -> PartialDate {
        let (Some(month), Some(day)) = (self.month, self.day) else { return self };
        let year = self.year;
        match days {
            1 if day < days_in_month(year, month) => PartialDate { day: Some(day + 1), ..self },
            1 if month < 12 => PartialDate { month: Some(month + 1), day: Some(1), ..self },
            1 => PartialDate { year: year + 1, month: Some(1), day: Some(1) },
            -1 if day > 1 => PartialDate { day: Some(day - 1), ..self },
            -1 if month > 1 => {
                PartialDate { month: Some(month - 1), day: Some(days_in_month(year, month - 1)), ..self }
            }
            -1 => PartialDate { year: year - 1, month: Some(12), day: Some(31) },
            _ => self,
        }
    }

    /// The last day the date covers, as (year, month, day).
    pub fn last_day(self) -> (u16, u8, u8) {
        let month = self.month.unwrap_or(12);
        (self.year, month, self.day.unwrap_or_else(|| days_in_month(self.year, month)))
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

impl Serialize for PartialDate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        PartialDate::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_dates_cover_their_whole_period() {
        let d = PartialDate::parse("2016").unwrap();
        assert_eq!((d.first_day(), d.last_day()), ((2016, 1, 1), (2016, 12, 31)));
        let d = PartialDate::parse("2016-02").unwrap();
        assert_eq!(d.last_day(), (2016, 2, 29));
        assert_eq!(PartialDate::parse("2017-02-29").unwrap_err(), "2017-02 has no day 29");
        assert!(PartialDate::parse("2016-13").is_err());
        assert!(PartialDate::parse("16").is_err());
        assert!(PartialDate::parse("2016-6").is_err());
        assert_eq!(PartialDate::parse("2016-06-01").unwrap().to_string(), "2016-06-01");
    }
}
