//! The JSON API the page uses (documented in the README's Web view section). Each
//! endpoint is a function from the request's JSON to a [`Reply`]; none reads or writes a
//! file except `/api/context`, which reads a declared source document inside `--sources`
//! through `data::read_document`.
//!
//! An answer is the `kgq-rows` document (`render::json::rows`) and, for drawing, the
//! `kgq-graph-view` document of the same answer (`render::graph_json`) with each drawn
//! edge's relation records beside it (`details`, for the evidence panel). A picture of
//! more than [`MAX_DRAWN_NODES`] entities is not sent (a note says so), and an answer
//! larger than [`RESPONSE_BUDGET`] is refused with what to narrow.

use std::ops::Range;

use serde_json::{Value as Json, json};

use super::Reply;
use super::Shared;
use crate::diag::Style;
use crate::graph::EntityRef;
use crate::query::ast::{EntityRef as EntityName, PathOptions, Query, Statement};
use crate::query::{self, Failure, QueryError, Rows, Settings};
use crate::render::picture::{Layout, Picture};
use crate::render::{self, Format, ProduceError, Screen, Subject, dot, graph_json, json as rows_json};
use crate::style;

/// The most entities a picture sent to the page may hold: more is a hairball no browser
/// draws usefully, and its layout would take the page minutes.
pub const MAX_DRAWN_NODES: usize = 500;
/// The most JSON one answer may be sent as (rows and picture together).
pub const RESPONSE_BUDGET: usize = 16 << 20;
/// The formats `/api/export` writes: text formats only (no Graphviz is started).
const EXPORTS: [Format; 4] = [Format::Dot, Format::Csv, Format::Json, Format::Markdown];
/// Lines shown before and after a cited line by `/api/context`.
const CONTEXT_LINES: usize = 3;

/// Whether `path` runs a statement (and so needs a statement permit).
pub fn is_statement(path: &str) -> bool {
    matches!(path, "/api/run" | "/api/export" | "/api/entity" | "/api/neighbours")
}

/// Dispatches a POST to `/api/...`.
pub fn post(shared: &Shared, path: &str, body: &Json) -> Reply {
    let text = |key: &str| body.get(key).and_then(Json::as_str);
    match path {
        "/api/run" => match text("statement") {
            Some(statement) => run(shared, statement),
            None => missing("statement"),
        },
        "/api/export" => match (text("statement"), text("format").and_then(Format::parse)) {
            (Some(statement), Some(format)) if EXPORTS.contains(&format) => export(shared, statement, format),
            _ => missing("statement and format (dot, csv, json or markdown)"),
        },
        "/api/complete" => match text("text") {
            Some(head) => complete(shared, head),
            None => missing("text"),
        },
        "/api/entity" | "/api/neighbours" => match text("id") {
            Some(id) => about(shared, id, path == "/api/entity"),
            None => missing("id"),
        },
        "/api/context" => match (text("source"), body.get("line").and_then(Json::as_u64)) {
            (Some(source), Some(line)) => context(shared, source, line),
            _ => missing("source and line"),
        },
        _ => Reply::refused(404, "not-found", &format!("there is no {path}"), "see the README's Web view section"),
    }
}

fn missing(what: &str) -> Reply {
    Reply::refused(400, "request", &format!("the request has no {what}"), "see the README's Web view section")
}

fn settings(shared: &Shared) -> Settings<'_> {
    Settings { timeout: shared.timeout, cancel: Some(&shared.cancel) }
}

/// `/api/run {"statement"}`: the answer, or the failure with its span.
fn run(shared: &Shared, statement: &str) -> Reply {
    match query::run(&shared.kg, statement, &settings(shared)) {
        Ok((rows, _)) => answer(shared, &rows),
        Err(failure) => failed(statement, &failure),
    }
}

/// `/api/export {"statement","format"}`: the answer written as the command line writes it
/// (`render::produce`, whole), for the page's downloads; past [`RESPONSE_BUDGET`] refused.
fn export(shared: &Shared, statement: &str, format: Format) -> Reply {
    let rows = match query::run(&shared.kg, statement, &settings(shared)) {
        Ok((rows, _)) => rows,
        Err(failure) => return failed(statement, &failure),
    };
    match render::produce(&shared.kg, Subject::Answer(&rows), format, &dot::Options::default(), &Screen::whole()) {
        Ok(produced) if produced.bytes.len() <= RESPONSE_BUDGET => {
            let content_type = match format {
                Format::Dot => "text/vnd.graphviz; charset=utf-8",
                Format::Csv => "text/csv; charset=utf-8",
                Format::Markdown => "text/markdown; charset=utf-8",
                _ => "application/json",
            };
            Reply::new(200, content_type, produced.bytes)
        }
        Ok(_) | Err(ProduceError::TooLarge(_)) => too_large("the answer"),
        Err(err) => {
            Reply::refused(422, "export", &err.to_string(), "run a statement whose answer has entities or relations")
        }
    }
}

/// `/api/entity {"id"}` (its `show` card) and `/api/neighbours {"id"}` (its neighbours,
/// one hop), built as statements from the entity itself so that no name needs quoting.
fn about(shared: &Shared, id: &str, card: bool) -> Reply {
    if shared.kg.by_id(id).is_none() {
        let message = format!("there is no entity with the id {id:?}");
        return Reply::refused(404, "not-found", &message, "pick an entity from the graph or the search field");
    }
    // An id resolves to its own entity before any name does (`KnowledgeGraph::named`).
    let entity = EntityName { text: id.to_string(), span: 0..id.len() };
    let statement = if card {
        Statement::Show(entity)
    } else {
        Statement::Neighbors { start: entity, depth: None, options: PathOptions::default() }
    };
    let evaluated = query::plan(&shared.kg, &Query { statement, format: None })
        .map_err(Failure::Query)
        .and_then(|plan| query::eval(&shared.kg, &plan, &settings(shared)).map_err(Failure::Eval));
    match evaluated {
        Ok(rows) => answer(shared, &rows),
        Err(failure) => failed(id, &failure),
    }
}

/// An answer as `{"rows": kgq-rows, "graph": kgq-graph-view | null, "details": [[relation]],
/// "layout", "start", "end", "notes": [what the view left out]}`.
fn answer(shared: &Shared, rows: &Rows) -> Reply {
    let kg = &shared.kg;
    let Ok(rows_text) = rows_json::rows(kg, rows) else {
        return too_large("the answer");
    };
    let picture = Picture::of_rows(kg, rows);
    let drawn = picture.nodes(kg).len();
    let mut notes = Vec::new();
    let (graph, details) = if drawn > MAX_DRAWN_NODES {
        notes.push(format!(
            "the picture would have {drawn} entities and is not drawn (the view draws at most {MAX_DRAWN_NODES}): the table has the answer; narrow the question (`limit`, a lower `max`, `via`) to see it drawn"
        ));
        ("null".to_string(), Json::Array(Vec::new()))
    } else {
        let details: Vec<Json> =
            picture.edges(kg).iter().map(|e| Json::Array(e.relations.iter().map(|r| json!(r)).collect())).collect();
        (graph_json::render(kg, &picture), Json::Array(details))
    };
    let id = |n: Option<EntityRef>| n.map_or(Json::Null, |n| json!(kg.entity(n).id()));
    let layout = match picture.layout {
        Layout::LeftToRight => "left-to-right",
        Layout::TopToBottom => "top-to-bottom",
    };
    let rest = json!({
        "details": details, "layout": layout, "start": id(picture.start), "end": id(picture.end), "notes": notes,
    });
    let body = format!("{{\"rows\":{rows_text},\"graph\":{graph},\"view\":{rest}}}");
    if body.len() > RESPONSE_BUDGET {
        return too_large("the answer");
    }
    Reply::new(200, "application/json", body)
}

fn too_large(what: &str) -> Reply {
    let message = format!("{what} is larger than the {} MiB the page is sent at most", RESPONSE_BUDGET >> 20);
    Reply::refused(422, "too-large", &message, crate::render::TooLarge(RESPONSE_BUDGET).help())
}

/// A failed statement: its message, help, the span (in bytes and in UTF-16 code units, the
/// page's string offsets) and the shell's rendering with the caret, as plain text.
fn failed(statement: &str, failure: &Failure) -> Reply {
    let (kind, message, label, help, span) = match failure {
        Failure::Query(QueryError { message, span, label, help }) => {
            ("query", message.clone(), label.clone(), help.clone().unwrap_or_default(), span.clone())
        }
        Failure::Eval(e) => {
            // As the shell marks it: the statement's first word.
            let lead = statement.len() - statement.trim_start().len();
            let word = statement.split_whitespace().next().map_or(0, str::len);
            ("eval", e.to_string(), "this statement was stopped".into(), e.help().to_string(), lead..lead + word)
        }
    };
    let span = clamp(statement, span);
    let utf16 = |at: usize| statement[..at].encode_utf16().count();
    let body = json!({ "error": {
        "kind": kind, "message": message, "label": label, "help": help,
        "span": [span.start, span.end], "span_utf16": [utf16(span.start), utf16(span.end)],
        "rendered": failure.render("query", statement, 0, Style::Plain),
    }});
    Reply::new(400, "application/json", body.to_string())
}

/// A span moved onto character boundaries inside the text.
fn clamp(text: &str, span: Range<usize>) -> Range<usize> {
    let fit = |mut at: usize| {
        at = at.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    fit(span.start)..fit(span.end.max(span.start))
}

/// `/api/complete {"text"}`: the shell's completion of the text before the cursor.
fn complete(shared: &Shared, head: &str) -> Reply {
    let (start, candidates) = shared.vocabulary.candidates(head);
    let start_utf16 = head[..start].encode_utf16().count();
    let body = json!({ "start": start, "start_utf16": start_utf16, "candidates": candidates });
    Reply::new(200, "application/json", body.to_string())
}

/// `GET /api/schema`: kinds with their picture style, relation kinds, sources, counts.
pub fn schema(shared: &Shared) -> Reply {
    let kg = &shared.kg;
    let kinds: Vec<Json> = kg
        .schema
        .kinds
        .iter()
        .map(|k| {
            let s = style::of_kind(&kg.schema, &k.name);
            json!({ "name": k.name, "description": k.description, "shape": s.shape, "color": s.color })
        })
        .collect();
    let relations: Vec<Json> = kg.schema.relations.iter().map(|r| json!(r)).collect();
    let body = json!({
        "kinds": kinds, "relations": relations, "sources": kg.sources,
        "entities": kg.entity_count(), "relation_count": kg.relation_count(),
        "context": shared.sources.is_some(),
    });
    Reply::new(200, "application/json", body.to_string())
}

/// `/api/context {"source","line"}`: the cited line of a source document with the lines
/// around it, when the server was given `--sources`.
fn context(shared: &Shared, source: &str, line: u64) -> Reply {
    let Some(dir) = &shared.sources else {
        return Reply::refused(
            404,
            "no-sources",
            "the server has no source documents",
            "start it with `kgq serve --sources DIR`",
        );
    };
    let Some(declared) = shared.kg.source(source) else {
        return Reply::refused(
            404,
            "not-found",
            &format!("there is no source {source:?}"),
            "cite a source the graph declares",
        );
    };
    let text = match crate::data::read_document(dir, declared) {
        Ok(text) => text,
        Err(problem) => {
            return Reply::refused(404, "unreadable", &problem.message, "check the folder given to --sources");
        }
    };
    let lines: Vec<&str> = text.lines().collect();
    let Some(at) = usize::try_from(line).ok().filter(|&l| l >= 1 && l <= lines.len()) else {
        let message = format!("{source} has {} lines, not line {line}", lines.len());
        return Reply::refused(404, "not-found", &message, "run `kgq check --sources DIR`");
    };
    let first = at.saturating_sub(CONTEXT_LINES).max(1);
    let last = (at + CONTEXT_LINES).min(lines.len());
    let shown: Vec<Json> =
        (first..=last).map(|n| json!({ "line": n, "text": lines[n - 1], "cited": n == at })).collect();
    Reply::new(
        200,
        "application/json",
        json!({ "source": source, "title": declared.title, "lines": shown }).to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::clamp;

    #[test]
    fn spans_are_moved_onto_character_boundaries_inside_the_text() {
        assert_eq!(clamp("Ωx", 1..9), 0..3);
        let (start, end) = (2, 1);
        assert_eq!(clamp("abc", start..end), 2..2, "a reversed span is empty at its start");
    }
}
