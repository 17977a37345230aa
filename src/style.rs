//! How entity kinds look in pictures: the default shape and fill colour of each kind, and
//! the shapes and colours a `[[kind]]` in schema.toml may choose instead.
//!
//! This is one declarative table, read by `render::dot` (which draws with it) and by
//! `data::validate` (which checks schema overrides against the accepted lists). It knows
//! nothing about DOT syntax or escaping.

use crate::model::Schema;

/// The default shape and fill colour of each kind of the shipped graph.
const DEFAULTS: &[(&str, &str, &str)] = &[
    ("country", "ellipse", "#dbeafe"),
    ("region", "ellipse", "#e0f2fe"),
    ("city", "ellipse", "#f0f9ff"),
    ("worker_group", "house", "#fde68a"),
    ("dprk_company", "box", "#fca5a5"),
    ("company", "box", "#e5e7eb"),
    ("dprk_organ", "octagon", "#f87171"),
    ("state_body", "component", "#bfdbfe"),
    ("intl_body", "component", "#c7d2fe"),
    ("instrument", "note", "#fef3c7"),
    ("person", "oval", "#f5d0fe"),
    ("organisation", "tab", "#d9f99d"),
];

/// The style of a kind nobody styled.
const FALLBACK: KindStyle<'static> = KindStyle { shape: "box", color: "#ffffff" };

/// Graphviz node shapes a kind may ask for. Every one draws a filled outline around a
/// plain label. Left out on purpose: `record` and `Mrecord`, which read `{ } | < >` in a
/// label as field syntax (so a name with a brace would break the picture), and `point`
/// and `none`, which draw no label at all.
pub const SHAPES: &[&str] = &[
    "box",
    "rect",
    "rectangle",
    "square",
    "ellipse",
    "oval",
    "circle",
    "doublecircle",
    "egg",
    "triangle",
    "invtriangle",
    "diamond",
    "trapezium",
    "invtrapezium",
    "parallelogram",
    "house",
    "invhouse",
    "pentagon",
    "hexagon",
    "septagon",
    "octagon",
    "doubleoctagon",
    "tripleoctagon",
    "Mdiamond",
    "Msquare",
    "Mcircle",
    "star",
    "cylinder",
    "note",
    "tab",
    "folder",
    "box3d",
    "component",
    "underline",
    "plaintext",
];

/// Graphviz colour names a kind may use besides `#rrggbb`: a short list of X11 names that
/// every Graphviz knows, so a picture never depends on a colour scheme being installed.
pub const COLOR_NAMES: &[&str] = &[
    "white",
    "black",
    "gray",
    "grey",
    "lightgray",
    "lightgrey",
    "darkgray",
    "red",
    "darkred",
    "salmon",
    "pink",
    "lightpink",
    "orange",
    "darkorange",
    "gold",
    "yellow",
    "lightyellow",
    "khaki",
    "green",
    "darkgreen",
    "lightgreen",
    "palegreen",
    "olivedrab",
    "cyan",
    "lightcyan",
    "turquoise",
    "blue",
    "navy",
    "lightblue",
    "skyblue",
    "steelblue",
    "purple",
    "violet",
    "plum",
    "orchid",
    "lavender",
    "magenta",
    "brown",
    "tan",
    "wheat",
    "beige",
    "ivory",
];

/// A kind's shape and fill colour, as Graphviz attribute values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindStyle<'a> {
    pub shape: &'a str,
    pub color: &'a str,
}

/// The style of `kind`: schema.toml's `shape` and `color` where given, else the default
/// table, else a plain white box.
pub fn of_kind<'a>(schema: &'a Schema, kind: &str) -> KindStyle<'a> {
    let default =
        DEFAULTS.iter().find(|(k, _, _)| *k == kind).map_or(FALLBACK, |&(_, shape, color)| KindStyle { shape, color });
    let Some(def) = schema.kind(kind) else {
        return default;
    };
    KindStyle {
        shape: def.shape.as_deref().unwrap_or(default.shape),
        color: def.color.as_deref().unwrap_or(default.color),
    }
}

/// Whether `text` is a colour a kind may use: `#rrggbb` or one of [`COLOR_NAMES`].
pub fn is_color(text: &str) -> bool {
    is_hex_color(text) || COLOR_NAMES.contains(&text)
}

fn is_hex_color(text: &str) -> bool {
    text.len() == 7 && text.starts_with('#') && text[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::KindDef;

    #[test]
    fn colours_are_hex_triples_or_listed_names() {
        assert!(is_color("#a1B2c3"));
        assert!(is_color("lightblue"));
        assert!(!is_color("#abc"));
        assert!(!is_color("#abcdefff"));
        assert!(!is_color("#gggggg"));
        assert!(!is_color("chartreuse4"));
        assert!(!is_color("#é12345"));
    }

    #[test]
    fn schema_overrides_win_over_the_table_one_field_at_a_time() {
        let kind = |name: &str, shape: Option<&str>, color: Option<&str>| KindDef {
            name: name.into(),
            description: String::new(),
            shape: shape.map(Into::into),
            color: color.map(Into::into),
        };
        let schema = Schema {
            kinds: vec![kind("country", Some("hexagon"), None), kind("widget", None, Some("gold"))],
            relations: Vec::new(),
        };
        assert_eq!(of_kind(&schema, "country"), KindStyle { shape: "hexagon", color: "#dbeafe" });
        assert_eq!(of_kind(&schema, "widget"), KindStyle { shape: "box", color: "gold" });
        assert_eq!(of_kind(&schema, "person"), KindStyle { shape: "oval", color: "#f5d0fe" });
    }
}
