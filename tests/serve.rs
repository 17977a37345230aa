//! `kgq serve` through the real binary on an ephemeral port, spoken to over plain HTTP:
//! answers, errors with spans, budgets, who may ask, how much, and that nothing is read
//! or written beyond what the API documents.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::{fixture, shared_sources};

/// A running `kgq serve`, stopped when dropped.
pub struct Server {
    child: Child,
    stdout: BufReader<ChildStdout>,
    /// `127.0.0.1:PORT`
    pub host: String,
}

impl Server {
    /// `kgq GLOBAL... serve --port 0 SERVE...` in `cwd`, once it has printed its URL.
    pub fn start(global: &[&str], serve: &[&str], cwd: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kgq"))
            .args(global)
            .args(["serve", "--port", "0"])
            .args(serve)
            .current_dir(cwd)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("kgq starts");
        let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
        let mut line = String::new();
        stdout.read_line(&mut line).expect("kgq serve prints its URL");
        let host = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("no URL in {line:?}"))
            .to_string();
        Server { child, stdout, host }
    }

    /// Sends a request with these headers and body; returns the status and body.
    pub fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.host).expect("the server accepts");
        stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        // HTTP/1.0, so that the answer comes whole rather than in chunks.
        let mut head = format!("{method} {path} HTTP/1.0\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
            head.push_str(&format!("Host: {}\r\n", self.host));
        }
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).unwrap();
        // A refused request may be answered (and the connection closed) before it is all sent.
        let _ = stream.write_all(body);
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        let answer = String::from_utf8(answer).expect("the server answers in UTF-8");
        let (head, body) = answer.split_once("\r\n\r\n").unwrap_or_else(|| panic!("no HTTP answer: {answer:?}"));
        let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status line");
        (status, body.to_string())
    }

    pub fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        let (status, text) =
            self.request("POST", path, &[("Content-Type", "application/json")], body.to_string().as_bytes());
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    pub fn run(&self, statement: &str) -> (u16, Value) {
        self.post("/api/run", &json!({ "statement": statement }))
    }

    /// Sends SIGINT, as Ctrl-C does, and returns the exit status and what was printed after
    /// the URL.
    #[cfg(unix)]
    fn interrupt(mut self) -> (Option<i32>, String) {
        let pid = i32::try_from(self.child.id()).expect("a pid fits");
        // SAFETY: kill(2) with a child's pid and a signal number has no memory effects.
        unsafe { libc::kill(pid, libc::SIGINT) };
        let mut rest = String::new();
        self.stdout.read_to_string(&mut rest).unwrap();
        let status = self.child.wait().unwrap();
        (status.code(), rest)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const MISSION: &str = r#"connect "Poland" and "Munitions Industry Department""#;

#[test]
fn a_statement_is_answered_with_its_rows_and_its_picture() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&[], &[], dir.path());
    let (status, answer) = server.run(MISSION);
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["rows"]["format"], "kgq-rows");
    assert_eq!(answer["graph"]["format"], "kgq-graph-view");
    assert_eq!(answer["view"]["layout"], "left-to-right");
    assert_eq!(answer["view"]["start"], "poland");
    assert_eq!(answer["view"]["end"], "munitions-industry-department");
    let nodes: Vec<&str> =
        answer["graph"]["nodes"].as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap()).collect();
    assert!(nodes.contains(&"poland") && nodes.contains(&"munitions-industry-department"), "{nodes:?}");
    // Each drawn edge has its relation records beside it, for the evidence panel.
    let edges = answer["graph"]["edges"].as_array().unwrap();
    let details = answer["view"]["details"].as_array().unwrap();
    assert_eq!(edges.len(), details.len());
    let revenue = edges.iter().position(|e| e["rel"] == "sends_revenue_to").expect("the last hop is drawn");
    let cited: Vec<String> = details[revenue][0]["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|ev| format!("{}:{}", ev["source"].as_str().unwrap(), ev["line"]))
        .collect();
    assert!(cited.contains(&"002:168".to_string()), "{cited:?}");
    // The answer's own notes (what commentary left out) travel with the rows.
    assert!(answer["rows"]["notes"].to_string().contains("commentary"), "{}", answer["rows"]["notes"]);
}

#[test]
fn a_failed_statement_gives_its_span_and_the_shells_caret() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&[], &[], dir.path());
    let (status, answer) = server.run(r#"connect "Polan" and "Malta""#);
    assert_eq!(status, 400);
    let error = &answer["error"];
    assert_eq!(error["kind"], "query");
    assert_eq!(error["span"], json!([8, 15]), "{error}");
    assert!(error["help"].as_str().unwrap().contains("\"Poland\""), "{error}");
    assert!(error["rendered"].as_str().unwrap().contains("───┬───"), "{error}");
    // Spans are also given in UTF-16 code units, the page's string offsets: `Ω` is two
    // bytes and one unit.
    let (_, answer) = server.run(r#"why "Poland" and "Ωmega nowhere""#);
    let (bytes, units) = (&answer["error"]["span"], &answer["error"]["span_utf16"]);
    assert_eq!(bytes, &json!([17, 33]), "{answer}");
    assert_eq!(units, &json!([17, 32]), "{answer}");
}

#[test]
fn a_runaway_statement_stops_at_the_time_limit() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&[], &["--timeout", "1"], dir.path());
    let started = Instant::now();
    let (status, answer) = server.run("match (a)-[*1..12]-(b) return count(*)");
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["error"]["kind"], "eval");
    assert!(answer["error"]["message"].as_str().unwrap().contains("was stopped"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(20), "took {:?}", started.elapsed());
}

#[test]
fn statements_beyond_the_concurrent_limit_are_refused_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&[], &["--concurrent", "1", "--timeout", "4"], dir.path());
    std::thread::scope(|scope| {
        let slow = scope.spawn(|| server.run("match (a)-[*1..12]-(b) return count(*)"));
        // The slow statement holds the one place until its time limit.
        std::thread::sleep(Duration::from_millis(800));
        let (status, answer) = server.run("count *");
        assert_eq!(status, 503, "{answer}");
        assert!(answer["error"]["message"].as_str().unwrap().contains("already running 1 statement"), "{answer}");
        // Completion and the schema run no statement and are still answered.
        assert_eq!(server.post("/api/complete", &json!({ "text": "con" })).0, 200);
        assert_eq!(server.request("GET", "/api/schema", &[], b"").0, 200);
        assert_eq!(slow.join().unwrap().0, 400);
    });
    // Once it has stopped, the place is free again.
    assert_eq!(server.run("count *").0, 200);
}

#[test]
fn requests_addressed_to_another_host_or_from_another_origin_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&[], &[], dir.path());
    let port = server.host.rsplit(':').next().unwrap().to_string();
    assert_eq!(server.request("GET", "/", &[], b"").0, 200);
    assert_eq!(server.request("GET", "/", &[("Host", &format!("localhost:{port}"))], b"").0, 200);
    // DNS rebinding: a name that now points here, in the Host header.
    let (status, body) = server.request("GET", "/", &[("Host", &format!("evil.example:{port}"))], b"");
    assert_eq!(status, 403);
    assert!(body.contains("its own address"), "{body}");
    assert_eq!(server.request("GET", "/api/schema", &[("Host", "127.0.0.1")], b"").0, 403);
    let json = ("Content-Type", "application/json");
    let evil = ("Origin", "http://evil.example");
    assert_eq!(server.request("POST", "/api/run", &[json, evil], br#"{"statement":"count *"}"#).0, 403);
    let own = format!("http://{}", server.host);
    assert_eq!(server.request("POST", "/api/run", &[json, ("Origin", &own)], br#"{"statement":"count *"}"#).0, 200);
    // No CORS header invites another origin's script to read an answer.
    let mut stream = TcpStream::connect(&server.host).unwrap();
    write!(stream, "GET /api/schema HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", server.host).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(!answer.to_ascii_lowercase().contains("access-control-allow"), "{answer}");
}

#[test]
fn bodies_are_size_limited_and_must_be_json() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&[], &[], dir.path());
    let huge = json!({ "statement": format!("count * -- {}", "x".repeat(100 << 10)) }).to_string();
    let (status, body) = server.request("POST", "/api/run", &[("Content-Type", "application/json")], huge.as_bytes());
    assert_eq!(status, 413);
    assert!(body.contains("larger than 64 KiB"), "{body}");
    // A form post (which a page on another site could send without asking) is refused.
    let form = server.request("POST", "/api/run", &[("Content-Type", "text/plain")], br#"{"statement":"count *"}"#);
    assert_eq!(form.0, 415);
    assert_eq!(server.request("POST", "/api/run", &[("Content-Type", "application/json")], b"count *").0, 400);
    assert_eq!(server.post("/api/run", &json!({ "text": "count *" })).0, 400);
}

#[test]
fn heads_are_size_limited_and_bodies_must_say_their_length() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&[], &[], dir.path());
    let long = "x".repeat(20 << 10);
    let (status, body) = server.request("GET", "/", &[("X-Long", &long)], b"");
    assert_eq!(status, 431);
    assert!(body.contains("larger than 16 KiB"), "{body}");
    let many: Vec<(String, String)> = (0..100).map(|i| (format!("X-{i}"), "y".into())).collect();
    let many: Vec<(&str, &str)> = many.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(server.request("GET", "/", &many, b"").0, 431);
    let chunked = [("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")];
    assert_eq!(server.request("POST", "/api/run", &chunked, b"").0, 411);
    let mut stream = TcpStream::connect(&server.host).unwrap();
    stream.write_all(b"\x16\x03\x01 not http\r\n\r\n").unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
}

#[test]
fn slow_clients_are_dropped_and_too_many_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&[], &[], dir.path());
    // Clients that send half a request and wait hold every place the server has.
    let stalled: Vec<TcpStream> = (0..kgq::serve::MAX_REQUESTS)
        .map(|_| {
            let mut stream = TcpStream::connect(&server.host).unwrap();
            stream.write_all(b"GET / HTTP/1.1\r\nHost: ").unwrap();
            stream
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let (status, body) = server.request("GET", "/api/schema", &[], b"");
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("too many requests"), "{body}");
    // Each is closed once its time to send a request is up, and the server answers again.
    let started = Instant::now();
    for mut stream in stalled {
        let mut rest = Vec::new();
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let _ = stream.read_to_end(&mut rest);
        assert!(rest.is_empty(), "a stalled client is owed nothing");
    }
    assert!(started.elapsed() < Duration::from_secs(20), "took {:?}", started.elapsed());
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(server.request("GET", "/api/schema", &[], b"").0, 200);
}

#[test]
fn nothing_outside_the_api_is_read_or_written() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("secret.txt"), "not for the web").unwrap();
    let server = Server::start(&[], &[], dir.path());
    for path in ["/secret.txt", "/../Cargo.toml", "/%2e%2e/Cargo.toml", "/web/app.js", "/etc/passwd"] {
        let (status, body) = server.request("GET", path, &[], b"");
        assert_eq!(status, 404, "{path}: {body}");
        assert!(!body.contains("not for the web"));
    }
    // The shell's commands that read and write files are not statements here.
    for statement in [":save out.csv", ":dot out.dot", ":run secret.txt", ":data /"] {
        let (status, answer) = server.run(statement);
        assert_eq!((status, answer["error"]["kind"].as_str()), (400, Some("query")), "{statement}: {answer}");
    }
    // `as dot` in a statement changes nothing: the answer comes back as JSON.
    assert_eq!(server.run(r#"show "Poland" as dot"#).0, 200);
    // Without --sources no document is read.
    let (status, answer) = server.post("/api/context", &json!({ "source": "002", "line": 168 }));
    assert_eq!((status, answer["error"]["kind"].as_str()), (404, Some("no-sources")), "{answer}");
    assert_eq!(server.request("PUT", "/api/run", &[], b"").0, 405);
    let mut left: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
    left.sort();
    assert_eq!(left, ["secret.txt"], "the server wrote into its folder");
}

#[test]
fn cited_lines_are_shown_in_context_only_from_declared_sources_inside_the_folder() {
    let Some(sources) = shared_sources("kgq serve --sources") else { return };
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&[], &["--sources", sources.to_str().unwrap()], dir.path());
    let (status, answer) = server.post("/api/context", &json!({ "source": "002", "line": 168 }));
    assert_eq!(status, 200, "{answer}");
    let cited: Vec<&Value> = answer["lines"].as_array().unwrap().iter().filter(|l| l["cited"] == true).collect();
    assert_eq!(cited.len(), 1);
    assert_eq!(cited[0]["line"], 168);
    assert!(cited[0]["text"].as_str().unwrap().contains("Munitions"), "{answer}");
    assert_eq!(answer["lines"].as_array().unwrap().len(), 7);
    for source in ["../002", "/etc/passwd", "nosuch"] {
        let (status, answer) = server.post("/api/context", &json!({ "source": source, "line": 1 }));
        assert_eq!((status, answer["error"]["kind"].as_str()), (404, Some("not-found")), "{source}: {answer}");
    }
    let (status, _) = server.post("/api/context", &json!({ "source": "002", "line": 1_000_000 }));
    assert_eq!(status, 404);
}

#[test]
fn completion_cards_neighbours_and_exports_answer_as_the_shell_does() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&[], &[], dir.path());
    let (status, answer) = server.post("/api/complete", &json!({ "text": "connect \"Pola" }));
    assert_eq!(status, 200);
    assert_eq!(answer["start"], 8);
    let offered: Vec<&str> =
        answer["candidates"].as_array().unwrap().iter().map(|c| c["replacement"].as_str().unwrap()).collect();
    assert!(offered.contains(&"\"Poland\""), "{offered:?}");
    let (_, answer) = server.post("/api/complete", &json!({ "text": "find work" }));
    assert_eq!(answer["candidates"][0]["replacement"], "worker_group", "{answer}");

    let (status, card) = server.post("/api/entity", &json!({ "id": "poland" }));
    assert_eq!(status, 200);
    assert_eq!(card["rows"]["entity"]["name"], "Poland");
    assert_eq!(server.post("/api/entity", &json!({ "id": "nowhere" })).0, 404);
    let (status, around) = server.post("/api/neighbours", &json!({ "id": "poland" }));
    assert_eq!(status, 200);
    assert!(around["graph"]["nodes"].as_array().unwrap().len() > 3, "{around}");

    let (status, schema) = server.post("/api/complete", &json!({ "text": "" }));
    assert_eq!(status, 200, "{schema}");
    let (status, body) = server.request("GET", "/api/schema", &[], b"");
    assert_eq!(status, 200);
    let schema: Value = serde_json::from_str(&body).unwrap();
    let country = schema["kinds"].as_array().unwrap().iter().find(|k| k["name"] == "country").unwrap();
    assert_eq!((&country["shape"], &country["color"]), (&json!("ellipse"), &json!("#dbeafe")));

    let exported = |format: &str| {
        let body = json!({ "statement": MISSION, "format": format }).to_string();
        server.request("POST", "/api/export", &[("Content-Type", "application/json")], body.as_bytes())
    };
    let (status, dot) = exported("dot");
    assert_eq!(status, 200);
    assert!(dot.starts_with("digraph") && dot.contains("Munitions Industry Department"), "{dot}");
    let (status, csv) = exported("csv");
    assert_eq!(status, 200);
    assert!(csv.starts_with("entity,"), "{csv}");
    // Pictures drawn by Graphviz are not made by the server.
    assert_eq!(exported("svg").0, 400);
}

#[test]
fn a_picture_too_large_to_draw_is_left_out_with_a_note() {
    // One more entity than the page draws, each with one relation to a hub.
    let dir = tempfile::tempdir().unwrap();
    let n = kgq::serve::MAX_DRAWN_NODES + 1;
    let evidence = "evidence = [{ source = \"s\", line = 1, quote = \"x\" }]\n";
    let files = [
        ("schema.toml", "[[kind]]\nname = \"company\"\n\n[[relation]]\nname = \"owns\"\nfrom = [\"company\"]\nto = [\"company\"]\nreads = \"owns\"\ninverse = \"owned by\"\n".to_string()),
        ("sources.toml", "[[source]]\nid = \"s\"\ntitle = \"S\"\nfile = \"s.txt\"\n".to_string()),
        ("entities/all.toml", (0..n).map(|i| format!("[[entity]]\nid = \"c{i}\"\nkind = \"company\"\nname = \"C{i}\"\n{evidence}\n")).collect()),
        ("relations/all.toml", (1..n).map(|i| format!("[[relation]]\nfrom = \"c0\"\nrel = \"owns\"\nto = \"c{i}\"\n{evidence}\n")).collect()),
    ];
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let server = Server::start(&["--data", "."], &[], dir.path());
    let (status, answer) = server.run(&format!("find * limit {n}"));
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["rows"]["rows"].as_array().unwrap().len(), n, "the table has every row");
    assert!(answer["graph"].is_null(), "{}", answer["graph"]);
    let note = answer["view"]["notes"][0].as_str().unwrap();
    assert!(note.contains(&format!("would have {n} entities and is not drawn")), "{note}");
    // One fewer is drawn.
    let (_, answer) = server.run(&format!("find * limit {}", n - 1));
    assert_eq!(answer["graph"]["nodes"].as_array().unwrap().len(), n - 1);
    assert_eq!(answer["view"]["notes"], json!([]));
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&[], &[], dir.path());
    assert_eq!(server.run("count *").0, 200);
    let (code, rest) = server.interrupt();
    assert_eq!(code, Some(0), "{rest}");
    assert!(rest.contains("stopped"), "{rest}");
}

#[test]
fn names_from_hostile_data_come_back_as_json_strings() {
    let dir = tempfile::tempdir().unwrap();
    let data = fixture("hostile");
    let server = Server::start(&["--data", data.to_str().unwrap()], &[], dir.path());
    let (status, answer) = server.run("find *");
    assert_eq!(status, 200, "{answer}");
    let names: Vec<&str> =
        answer["graph"]["nodes"].as_array().unwrap().iter().map(|n| n["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"<b>bold</b> <i>& italic</i> <br/> <table>"), "{names:?}");
}

#[test]
fn bad_options_are_refused_before_anything_listens() {
    let dir = tempfile::tempdir().unwrap();
    let out = crate::support::kgq(&["serve", "--port", "0", "--sources", "no-such-folder"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(crate::support::stderr(&out).contains("--sources no-such-folder: no such folder"));
    let out = crate::support::kgq(&["serve", "--port", "0", "--timeout", "0"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(crate::support::stderr(&out).contains("--timeout must be a positive number"));
    let out = crate::support::kgq(&["serve", "--port", "0", "--concurrent", "0"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    // A port already taken is said plainly.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = crate::support::kgq(&["serve", "--port", &port], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        crate::support::stderr(&out).contains(&format!("cannot listen on 127.0.0.1:{port}")),
        "{}",
        crate::support::stderr(&out)
    );
}

/// Headers the server decides by are read once and strictly: two Host, Origin or
/// Content-Length headers, a signed length, or a JSON-like media type are refused, so that
/// a proxy in front of kgq and kgq cannot read one request two ways; an API path asked with
/// GET says it answers POST.
#[test]
fn requests_that_could_be_read_two_ways_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&[], &[], dir.path());
    let host = server.host.clone();
    let json = ("Content-Type", "application/json");
    let body = br#"{"statement":"count *"}"#;
    assert_eq!(server.request("POST", "/api/run", &[("Host", &host), ("Host", "evil.com"), json], body).0, 400);
    let origin = format!("http://{host}");
    let origins = [("Origin", origin.as_str()), ("Origin", "http://evil.com"), json];
    assert_eq!(server.request("POST", "/api/run", &origins, body).0, 400);
    assert_eq!(server.request("POST", "/api/run", &[("Content-Length", "5"), json], body).0, 400);
    for media in ["application/jsonp", "application/json-seq", "application/jsonx"] {
        assert_eq!(server.request("POST", "/api/run", &[("Content-Type", media)], body).0, 415, "{media}");
    }
    assert_eq!(server.request("POST", "/api/run", &[("Content-Type", "application/json; charset=utf-8")], body).0, 200);
    let mut stream = TcpStream::connect(&server.host).unwrap();
    let raw = format!(
        "POST /api/run HTTP/1.0\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: +23\r\n\r\n{}",
        String::from_utf8_lossy(body)
    );
    stream.write_all(raw.as_bytes()).unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    let (status, text) = server.request("GET", "/api/run", &[], b"");
    assert_eq!(status, 405, "{text}");
}
