//! One line of an FtM entity stream, read without copying: `{id, schema, properties:
//! {prop: [values]}, datasets?, referents?, first_seen?, last_seen?, ...}`. Keys FtM
//! streams carry besides these (`caption`, `target`, `last_change`, ...) are ignored;
//! property values must be strings, as the FtM model writes every value. Also which
//! properties the import reads and how: names, countries, dates, notes, attributes.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{MapAccess, Visitor};

/// An entity of the stream, borrowing its text from the line where it can.
#[derive(Debug, Deserialize)]
pub struct Line<'a> {
    #[serde(borrow)]
    pub id: Cow<'a, str>,
    #[serde(borrow)]
    pub schema: Cow<'a, str>,
    #[serde(default, borrow)]
    pub properties: Props<'a>,
    #[serde(default, borrow)]
    pub datasets: Vec<Cow<'a, str>>,
    /// The ids OpenSanctions merged into this entity: ids of the same entity, which the
    /// import keeps as the attribute `referents` (see `data::identity`).
    #[serde(default, borrow)]
    pub referents: Vec<Cow<'a, str>>,
}

/// The properties of an entity, in the order written.
#[derive(Debug, Default)]
pub struct Props<'a>(pub Vec<(Cow<'a, str>, Vec<Cow<'a, str>>)>);

impl<'a> Props<'a> {
    /// The values of `name` (none when it is absent).
    pub fn get(&self, name: &str) -> &[Cow<'a, str>] {
        self.0.iter().find(|(k, _)| k == name).map_or(&[], |(_, v)| v.as_slice())
    }

    /// The first value of `name`.
    pub fn first(&self, name: &str) -> Option<&str> {
        self.get(name).first().map(|v| v.as_ref())
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Props<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Each;
        impl<'de> Visitor<'de> for Each {
            type Value = Props<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of property names and lists of strings")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Props<'de>, M::Error> {
                let mut out = Vec::new();
                while let Some((key, values)) = map.next_entry::<Cow<'de, str>, Values<'de>>()? {
                    out.push((key, values.0));
                }
                Ok(Props(out))
            }
        }
        deserializer.deserialize_map(Each)
    }
}

/// A property's values: strings, borrowed where the line holds them unescaped.
struct Values<'a>(Vec<Cow<'a, str>>);

impl<'de: 'a, 'a> Deserialize<'de> for Values<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Text<'a>(#[serde(borrow)] Cow<'a, str>);
        let items: Vec<Text<'de>> = Vec::deserialize(deserializer)?;
        Ok(Values(items.into_iter().map(|t| t.0).collect()))
    }
}

/// Properties whose values are names of the entity: the first `name` is its name, the
/// rest its aliases.
pub const NAMES: [&str; 4] = ["name", "alias", "weakAlias", "previousName"];
/// Properties whose values are country codes; the first value found is the entity's country.
pub const COUNTRIES: [&str; 5] = ["country", "jurisdiction", "nationality", "citizenship", "flag"];
/// Properties whose values make an entity's or relation's note.
pub const NOTES: [&str; 4] = ["notes", "summary", "description", "reason"];
/// Properties the FtM model types as dates (those an import may meet on the schemata it
/// reads); each value is checked as FtM checks dates.
pub const DATES: [&str; 12] = [
    "startDate",
    "endDate",
    "date",
    "listingDate",
    "birthDate",
    "deathDate",
    "incorporationDate",
    "dissolutionDate",
    "buildDate",
    "registrationDate",
    "createdAt",
    "modifiedAt",
];
/// Properties kept as attributes (named in snake case: `registrationNumber` becomes
/// `registration_number`).
pub const KEPT: [&str; 28] = [
    "birthDate",
    "birthPlace",
    "deathDate",
    "gender",
    "position",
    "title",
    "topics",
    "idNumber",
    "passportNumber",
    "registrationNumber",
    "taxNumber",
    "innCode",
    "ogrnCode",
    "leiCode",
    "swiftBic",
    "imoNumber",
    "mmsi",
    "callSign",
    "incorporationDate",
    "dissolutionDate",
    "legalForm",
    "status",
    "sector",
    "email",
    "phone",
    "website",
    "program",
    "authority",
];
/// The property that gives the page a record comes from.
pub const SOURCE_URL: &str = "sourceUrl";

/// `registrationNumber` -> `registration_number`.
pub fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The date an FtM date value names, to the day: FtM writes dates as ISO 8601 prefixes
/// (`2016`, `2016-06`, `2016-06-01`, `2016-06-01T10:00:00`, with or without a time zone)
/// and rejects anything else, a time out of range (`T25:00`, `T10:61`) and a year before
/// 1000 or after 2999 included. A time
/// with an offset is taken to UTC, as FtM takes it, which may move the day
/// (`2016-06-01T23:30:00-05:00` is 2016-06-02).
pub fn date(text: &str) -> Result<crate::model::PartialDate, String> {
    let (day, time) = match text.split_once('T') {
        Some((day, time)) => (day, Some(time)),
        None => (text, None),
    };
    let expected = || "expected an ISO 8601 date: YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss".to_string();
    if let Some(time) = time {
        if day.len() != 10 {
            return Err(expected());
        }
        let shift = check_time(time).map_err(|why| why.unwrap_or_else(expected))?;
        return in_range(day).map(|d| d.add_days(shift));
    }
    in_range(day)
}

/// The date `day` names, of a year FtM reads: 1000 to 2999.
fn in_range(day: &str) -> Result<crate::model::PartialDate, String> {
    let date = crate::model::PartialDate::parse(day)?;
    if !(1000..=2999).contains(&date.year) {
        return Err(format!("FtM reads the years 1000 to 2999, not {}", date.year));
    }
    Ok(date)
}

/// Checks the time of a date: `hh`, `hh:mm` or `hh:mm:ss`, each part of one or two digits,
/// then a fraction of seconds (`.123`), then `Z` or an offset (`+02:00`, `-0500`, `+02`),
/// each optional. The parts must be in range (hours to 23, minutes and seconds to 59), as
/// `followthemoney`'s `registry.date.clean` requires; it also passes over text after the
/// time (`T10:00 local`), which is refused here, as it is in a date. `Err(None)` is a
/// time not so written, `Err(Some(why))` one out of range. `Ok` holds the days the offset
/// moves the date by to UTC (-1, 0 or 1) as FtM's parser (`prefixdate`) reads it: only a
/// time with seconds, a fraction of none or 4 to 6 digits and an offset with minutes,
/// under a day, is moved.
fn check_time(time: &str) -> Result<i8, Option<String>> {
    let syntax = || None;
    let zone_at = time.find(['Z', '+', '-']).unwrap_or(time.len());
    let (clock, zone) = time.split_at(zone_at);
    let (clock, fraction) = clock.split_once('.').map_or((clock, None), |(c, f)| (c, Some(f)));
    if fraction.is_some_and(|f| f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit())) {
        return Err(syntax());
    }
    let parts: Vec<&str> = clock.split(':').collect();
    let names = [("hour", 23), ("minute", 59), ("second", 59)];
    if parts.len() > names.len() {
        return Err(syntax());
    }
    let mut clock_values = [0i32; 3];
    for ((part, (name, max)), held) in parts.iter().zip(names).zip(&mut clock_values) {
        if part.is_empty() || part.len() > 2 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(syntax());
        }
        let value: u8 = part.parse().expect("one or two digits");
        if value > max {
            return Err(Some(format!("there is no {name} {value} (at most {max})")));
        }
        *held = i32::from(value);
    }
    let digits = |o: &str| o.bytes().all(|b| b.is_ascii_digit());
    let offset_ok = |o: &str| match o.len() {
        2 | 4 => digits(o),
        5 => o.as_bytes()[2] == b':' && digits(&o[..2]) && digits(&o[3..]),
        _ => false,
    };
    let zone_ok = match zone.as_bytes().first() {
        None => true,
        Some(b'Z') => zone.len() == 1,
        Some(_) => offset_ok(&zone[1..]),
    };
    if !zone_ok {
        return Err(syntax());
    }
    let offset = zone.get(1..).map(|o| o.replace(':', "")).filter(|o| o.len() == 4);
    let moved = parts.len() == 3 && fraction.is_none_or(|f| (4..=6).contains(&f.len()));
    let Some(offset) = offset.filter(|_| moved) else { return Ok(0) };
    let minutes = |o: &str| o.parse::<i32>().expect("two digits");
    let offset = minutes(&offset[..2]) * 60 + minutes(&offset[2..]);
    if offset >= 24 * 60 {
        // Python's timezone refuses it and FtM then reads the time without a zone.
        return Ok(0);
    }
    let sign = if zone.starts_with('-') { -1 } else { 1 };
    let utc = clock_values[0] * 60 + clock_values[1] - sign * offset;
    Ok(if utc < 0 {
        -1
    } else if utc >= 24 * 60 {
        1
    } else {
        0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_borrows_its_text_and_keeps_property_order() {
        let line = r#"{"id":"a","schema":"Person","properties":{"name":["Ann \"A\" Lee","Ann Li"],"country":["kp"]},"caption":"x"}"#;
        let l: Line = serde_json::from_str(line).unwrap();
        assert!(matches!(l.id, Cow::Borrowed("a")));
        assert_eq!(l.properties.get("name"), ["Ann \"A\" Lee", "Ann Li"]);
        assert_eq!(l.properties.first("country"), Some("kp"));
        assert!(l.properties.get("alias").is_empty());
        let not_strings = r#"{"id":"a","schema":"Person","properties":{"name":[1]}}"#;
        assert!(serde_json::from_str::<Line>(not_strings).is_err());
    }

    #[test]
    fn dates_are_read_as_ftm_reads_them() {
        assert_eq!(date("2016").unwrap().to_string(), "2016");
        assert_eq!(date("2016-06-01T10:00:00Z").unwrap().to_string(), "2016-06-01");
        // Times followthemoney's `registry.date.clean` accepts, and those out of range it refuses.
        for good in [
            "2016-06-01T10",
            "2016-06-01T10:00",
            "2016-06-01T9:5:7",
            "2016-06-01T23:59:59",
            "2016-06-01T10:00:00.123456",
            "2016-06-01T10:00Z",
            "2016-06-01T10:00:00+02:00",
            "2016-06-01T10:00:00-0500",
            "2016-06-01T10:00:00.5+02",
        ] {
            assert_eq!(date(good).map(|d| d.to_string()), Ok("2016-06-01".to_string()), "{good}");
        }
        // To UTC, as registry.date.clean takes them; only a time with seconds, a fraction
        // of none or 4 to 6 digits and an offset with minutes is moved.
        for (text, day) in [
            ("2016-06-01T23:30:00-05:00", "2016-06-02"),
            ("2016-06-30T23:30:00.1234-0100", "2016-07-01"),
            ("2016-12-31T23:00:00-01:00", "2017-01-01"),
            ("2016-03-01T01:00:00+02:00", "2016-02-29"),
            ("2017-01-01T00:00:00+00:01", "2016-12-31"),
            ("2016-06-01T23:30-05:00", "2016-06-01"),
            ("2016-06-01T23:30:00.5-05:00", "2016-06-01"),
            ("2016-06-01T23:30:00-05", "2016-06-01"),
            ("2016-06-01T23:30:00-25:00", "2016-06-01"),
            ("2016-06-01T23:30:00.1234567-05:00", "2016-06-01"),
            ("1000-01-01T00:00:00+01:00", "0999-12-31"),
        ] {
            assert_eq!(date(text).map(|d| d.to_string()), Ok(day.to_string()), "{text}");
        }
        for bad in ["2016-13", "2016-02-30", "16", "2016/06/01", "2016-06-01 10:00", "2016-06-01Tnoon", "0999", "3000"]
        {
            assert!(date(bad).is_err(), "{bad}");
        }
        for (bad, why) in [
            ("2016-06-01T25:00:00", "there is no hour 25"),
            ("2016-06-01T24:00:00", "there is no hour 24"),
            ("2016-06-01T10:61:99", "there is no minute 61"),
            ("2016-06-01T10:00:60", "there is no second 60"),
            // Text FtM passes over after a time is refused, as in a date.
            ("2016-06-01T10:00:00:00", "expected an ISO 8601 date"),
            ("2016-06-01T100", "expected an ISO 8601 date"),
            ("2016-06-01T10:00:00.", "expected an ISO 8601 date"),
            ("2016-06-01T10:00:00+2", "expected an ISO 8601 date"),
            ("2016-06-01T10:00:00ZZ", "expected an ISO 8601 date"),
            ("2016-06-01T", "expected an ISO 8601 date"),
            ("2016T10", "expected an ISO 8601 date"),
        ] {
            let err = date(bad).unwrap_err();
            assert!(err.contains(why), "{bad}: {err}");
        }
        assert_eq!(snake_case("registrationNumber"), "registration_number");
    }
}
