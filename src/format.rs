//! The output formats, named once: what a statement's `as FORMAT`, the command line's
//! `--format` and the shell's `:format` choose among, and what `render::produce` writes.
//! Data formats (table, JSON, CSV, markdown, line) print an answer's facts; picture formats
//! draw them (DOT, the graph-view JSON, and SVG or PNG drawn by Graphviz); exchange formats
//! hand the entities and relations to other tools (GraphML, Neo4j's import files, FtM).
//! Formats are about output only: what a file is read as is decided by `data::open`.

use clap::ValueEnum;

/// An output format. The doc comments are the command line's help for each value.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Aligned columns (an answer's default); on a terminal, fitted to its width, 40 rows at most.
    Table,
    /// The graph's data (`kgq-graph`), or an answer's rows (`kgq-rows`).
    Json,
    /// An answer's table, with ids.
    Csv,
    /// An answer's table as a GitHub-flavoured markdown table, for reports.
    Markdown,
    /// One `column = value` block a row, values whole (long ones wrapped on a terminal).
    Line,
    /// A picture, as Graphviz DOT.
    Dot,
    /// A picture's nodes and edges, for web viewers (`kgq-graph-view`).
    GraphJson,
    /// A picture drawn by Graphviz.
    Svg,
    /// A picture drawn by Graphviz, as a bitmap.
    Png,
    /// GraphML, for Gephi, Cytoscape, yEd, networkx and igraph: every relation one edge.
    Graphml,
    /// A folder for `neo4j-admin database import` (CSV files, import.sh) and import.cypher
    /// (kgq export -o DIR only).
    Neo4j,
    /// FollowTheMoney entities, one JSON object a line, for Aleph and ftm tools.
    Ftm,
}

impl Format {
    /// The formats a statement may ask for with `as` (the grammar's list).
    pub const IN_STATEMENTS: [(&'static str, Format); 6] = [
        ("table", Format::Table),
        ("json", Format::Json),
        ("csv", Format::Csv),
        ("markdown", Format::Markdown),
        ("line", Format::Line),
        ("dot", Format::Dot),
    ];

    /// A format a statement names, in any case.
    pub fn parse(text: &str) -> Option<Format> {
        let text = text.to_ascii_lowercase();
        Self::IN_STATEMENTS.iter().find(|(name, _)| *name == text).map(|(_, f)| *f)
    }

    /// A format by the name the command line and the shell's `:format` use, in any case.
    pub fn named(text: &str) -> Option<Format> {
        Format::from_str(text, true).ok()
    }

    /// The name `--format` and `:format` take.
    pub fn name(self) -> String {
        self.to_possible_value().expect("no format is skipped").get_name().to_string()
    }

    /// Every format's name, in the order `--format` lists them.
    pub fn names() -> Vec<String> {
        Format::value_variants().iter().map(|f| f.name()).collect()
    }

    /// The format a file name asks for by its extension (any case): `.json`, `.csv`, `.dot`
    /// (or `.gv`), `.svg`, `.png`, `.md` (or `.markdown`), `.txt` (a table), `.graphml`;
    /// `.graph.json` is graph-json and `.ftm.json` (or `.ftm.jsonl`, `.ftm`, as the import
    /// reads) FtM. (Neo4j writes a folder: no extension names it.)
    pub fn of_file(path: &std::path::Path) -> Option<Format> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        if name.ends_with(".graph.json") {
            return Some(Format::GraphJson);
        }
        if [".ftm.json", ".ftm.jsonl", ".ftm"].iter().any(|ext| name.ends_with(ext)) {
            return Some(Format::Ftm);
        }
        match name.rsplit_once('.')?.1 {
            "json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            "dot" | "gv" => Some(Format::Dot),
            "svg" => Some(Format::Svg),
            "png" => Some(Format::Png),
            "md" | "markdown" => Some(Format::Markdown),
            "txt" => Some(Format::Table),
            "graphml" => Some(Format::Graphml),
            _ => None,
        }
    }

    /// Whether the format draws a picture that `--cluster` and `--rankdir` shape.
    pub fn is_picture(self) -> bool {
        matches!(self, Format::Dot | Format::Svg | Format::Png)
    }

    /// The image Graphviz draws for this format, if it is one.
    pub fn image(self) -> Option<crate::graphviz::Image> {
        match self {
            Format::Svg => Some(crate::graphviz::Image::Svg),
            Format::Png => Some(crate::graphviz::Image::Png),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::ValueEnum;

    use super::Format;

    #[test]
    fn every_format_is_named_as_the_command_line_names_it() {
        for f in Format::value_variants() {
            assert_eq!(Format::named(&f.name()), Some(*f));
        }
        assert_eq!(Format::GraphJson.name(), "graph-json");
        assert_eq!(Format::parse("CSV"), Some(Format::Csv));
        let of = |name: &str| Format::of_file(std::path::Path::new(name));
        assert_eq!(of("out/answer.CSV"), Some(Format::Csv));
        assert_eq!(of("view.graph.json"), Some(Format::GraphJson));
        assert_eq!(of("rows.json"), Some(Format::Json));
        assert_eq!(of("graph.GraphML"), Some(Format::Graphml));
        assert_eq!(of("entities.ftm.json"), Some(Format::Ftm));
        assert_eq!(of("g.FTM.jsonl"), Some(Format::Ftm));
        assert_eq!(of("g.ftm"), Some(Format::Ftm));
        assert_eq!(of("g.jsonl"), None);
        assert_eq!(of("poland.gv"), Some(Format::Dot));
        assert_eq!(of("report.md"), Some(Format::Markdown));
        assert_eq!(of("report"), None);
        assert_eq!(of("-"), None);
        assert_eq!(Format::parse("svg"), None, "statements write data and DOT, not images");
        assert_eq!(Format::parse("Line"), Some(Format::Line));
    }
}
