//! `kgq serve`: the graph in a browser. An HTTP server (a std `TcpListener`, one thread per
//! connection, requests read by `http` with `httparse`; no async runtime) that hands out
//! one page (`assets`, embedded in the binary) and a small JSON API (`api`) over one
//! loaded graph.
//!
//! What it owns: the listening socket, who may talk to it and how much. Requests whose
//! `Host` (and `Origin`, when sent) is not `localhost` or an IP address on the server's
//! port are refused (DNS rebinding); POSTs must be `application/json` (a cross-site form cannot send that
//! without a preflight, which finds no CORS headers); heads and bodies are capped and must
//! arrive in seconds (`http`); at most [`MAX_REQUESTS`] connections are served at once (a
//! thread each; more are answered 503 and closed) and at most `--concurrent`
//! statements run at once, the rest get 503 with a message. Statements run under the same
//! `Settings` (time limit, cancellation) as the shell; Ctrl-C cancels what runs and stops
//! the server. Nothing here reads or writes a file except the source documents that
//! `--sources` names, read through `data::read_document` (the `check --sources` rule).
//!
//! What it does not own: what an answer says (`query`), how it is written (`render`), or
//! what completion offers (`repl::Vocabulary`, shared with the shell).

mod api;
mod assets;
mod http;

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use http::Request;

use crate::graph::KnowledgeGraph;
use crate::repl::Vocabulary;

pub use api::{MAX_DRAWN_NODES, RESPONSE_BUDGET};

/// The largest request body accepted (a statement, a word to complete, an id).
pub const MAX_BODY: usize = 64 << 10;
/// Connections served at once (page files included); more are answered 503 at once.
pub const MAX_REQUESTS: usize = 32;

/// `kgq serve`'s options, as the command line takes them.
#[derive(clap::Args, Debug, Clone)]
pub struct Options {
    /// The port to listen on; 0 lets the system choose one (printed with the URL).
    #[arg(long, default_value_t = 8417)]
    pub port: u16,
    /// The address to listen on. Anything but a loopback address lets other computers
    /// query the graph, and says so.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Open the page in the desktop's browser (xdg-open).
    #[arg(long)]
    pub open: bool,
    /// Show each cited line in its context, read from the source documents in this folder.
    #[arg(long, value_name = "DIR")]
    pub sources: Option<PathBuf>,
    /// Stop each statement after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub timeout: f64,
    /// Statements that may run at once; more are refused until one finishes.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=16))]
    pub concurrent: u16,
}

impl Options {
    /// What can be said wrong before the graph is loaded.
    pub fn check(&self) -> Result<(), String> {
        match self.sources.as_deref().filter(|s| !s.is_dir()) {
            Some(dir) => Err(format!("--sources {}: no such folder", dir.display())),
            None => Ok(()),
        }
    }
}

/// What every request handler reads: the graph and what was decided at start.
pub(crate) struct Shared {
    kg: KnowledgeGraph,
    vocabulary: Vocabulary,
    timeout: Duration,
    sources: Option<PathBuf>,
    /// Set by Ctrl-C: running statements stop.
    cancel: AtomicBool,
}

/// A permit from a counting semaphore; dropping it gives the place back.
struct Permit(Arc<AtomicUsize>);

impl Permit {
    fn take(count: &Arc<AtomicUsize>, max: usize) -> Option<Permit> {
        count.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| (n < max).then_some(n + 1)).ok()?;
        Some(Permit(Arc::clone(count)))
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// An answer to one request.
pub(crate) struct Reply {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
}

impl Reply {
    fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Reply {
        Reply { status, content_type, body: body.into() }
    }

    /// A refusal the page shows as it is: `{"error":{"kind":..., "message":..., "help":...}}`.
    fn refused(status: u16, kind: &str, message: &str, help: &str) -> Reply {
        let body = serde_json::json!({ "error": { "kind": kind, "message": message, "help": help } });
        Reply::new(status, "application/json", body.to_string())
    }
}

/// Binds, prints the URL on `out` and serves until Ctrl-C, each statement stopped after
/// `timeout` (`options.timeout`, checked by the caller). A failure to bind is the one error
/// handed back.
pub fn serve(kg: KnowledgeGraph, options: &Options, timeout: Duration, out: &mut dyn Write) -> Result<(), String> {
    let listener = TcpListener::bind(SocketAddr::new(options.bind, options.port))
        .map_err(|err| format!("cannot listen on {}:{}: {err}", options.bind, options.port))?;
    let addr = listener.local_addr().map_err(|err| format!("cannot tell where the server listens: {err}"))?;
    let shared = Arc::new(Shared {
        vocabulary: Vocabulary::of(&kg),
        kg,
        timeout,
        sources: options.sources.clone(),
        cancel: AtomicBool::new(false),
    });
    let url = format!("http://{}/", host_of(addr));
    if !addr.ip().is_loopback() {
        eprintln!(
            "warning: listening on {addr}: anyone who can reach this address can query the graph (there is no login)"
        );
    }
    let _ = writeln!(out, "kgq serve: {url} (Ctrl-C stops)");
    let _ = out.flush();
    {
        let shared = Arc::clone(&shared);
        ctrlc::set_handler(move || {
            shared.cancel.store(true, Ordering::SeqCst);
            // The accept loop wakes for a connection and then sees the flag.
            let _ = TcpStream::connect(reachable(addr));
        })
        .map_err(|err| format!("cannot watch for Ctrl-C: {err}"))?;
    }
    if options.open {
        match std::process::Command::new("xdg-open").arg(&url).spawn() {
            // Waited for on the side, so that it leaves no zombie behind.
            Ok(mut opener) => drop(std::thread::spawn(move || opener.wait())),
            Err(err) => eprintln!("cannot open a browser (xdg-open: {err}); open {url}"),
        }
    }
    let connections = Arc::new(AtomicUsize::new(0));
    let statements = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        if shared.cancel.load(Ordering::SeqCst) {
            break;
        }
        // A connection that failed before it was accepted is the client's affair.
        let Ok(mut stream) = stream else { continue };
        let Some(permit) = Permit::take(&connections, MAX_REQUESTS) else {
            let busy = Reply::refused(503, "busy", "the server is handling too many requests", "try again");
            let _ = stream.set_write_timeout(Some(Duration::from_millis(200)));
            let _ = http::write(&mut stream, &busy, true);
            continue;
        };
        let (shared, statements) = (Arc::clone(&shared), Arc::clone(&statements));
        let concurrent = usize::from(options.concurrent);
        std::thread::spawn(move || {
            let _permit = permit;
            let (reply, head_only) = match http::read(&mut stream) {
                Ok(request) => (handle(&request, &shared, addr, &statements, concurrent), request.method == "HEAD"),
                Err(Some(refusal)) => (refusal, false),
                Err(None) => return,
            };
            // A client that went away is no concern of the server's.
            let _ = http::write(&mut stream, &reply, !head_only);
        });
    }
    let _ = writeln!(out, "kgq serve: stopped");
    Ok(())
}

/// An address at which this machine reaches a server bound to `addr` (loopback for the
/// unspecified address).
fn reachable(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => SocketAddr::new(Ipv4Addr::LOCALHOST.into(), addr.port()),
        IpAddr::V6(ip) if ip.is_unspecified() => SocketAddr::new(Ipv6Addr::LOCALHOST.into(), addr.port()),
        _ => addr,
    }
}

/// `addr` as a URL's host and port (IPv6 in brackets).
fn host_of(addr: SocketAddr) -> String {
    match addr.ip() {
        IpAddr::V4(ip) => format!("{ip}:{}", addr.port()),
        IpAddr::V6(ip) => format!("[{ip}]:{}", addr.port()),
    }
}

/// Whether a request's `Host` (or an `Origin` without its scheme) names this server: its
/// port (none for port 80, as browsers write it) on `localhost` or on an IP address. A DNS
/// rebinding attack needs a name of the attacker's that resolves here, so any name but
/// `localhost` is refused, while an address literal is the server itself (which makes
/// `--bind 0.0.0.0` usable by the machine's own addresses).
fn names_this_server(host: &str, port: u16) -> bool {
    let (name, given) = match host.rsplit_once(':') {
        Some((name, p)) if !p.contains(']') => (name, p.parse::<u16>().ok()),
        _ => (host, None),
    };
    let port_ok = given == Some(port) || (given.is_none() && port == 80);
    let name = name.strip_prefix('[').and_then(|n| n.strip_suffix(']')).unwrap_or(name);
    port_ok && (name.eq_ignore_ascii_case("localhost") || name.parse::<IpAddr>().is_ok())
}

/// Checks who is asking, and answers.
fn handle(request: &Request, shared: &Shared, addr: SocketAddr, statements: &Arc<AtomicUsize>, max: usize) -> Reply {
    let port = addr.port();
    let host_ok = request.header("Host").is_some_and(|h| names_this_server(h, port));
    let origin_ok =
        request.header("Origin").is_none_or(|o| o.strip_prefix("http://").is_some_and(|o| names_this_server(o, port)));
    if !host_ok || !origin_ok {
        let help = format!("open the page at http://{}/", host_of(addr));
        return Reply::refused(
            403,
            "host",
            "this server answers only requests addressed to it by its own address",
            &help,
        );
    }
    let path = request.path.as_str();
    match request.method.as_str() {
        "GET" | "HEAD" => match assets::find(path) {
            Some((content_type, body)) => Reply::new(200, content_type, body.as_bytes()),
            None if path == "/api/schema" => api::schema(shared),
            // The other API paths exist, for POST.
            None if path.starts_with("/api/") => Reply::refused(
                405,
                "method",
                &format!("{path} answers POST with a JSON body"),
                "see the README's Web view section",
            ),
            None => Reply::refused(404, "not-found", &format!("nothing is at {path}"), "the page is at /"),
        },
        "POST" if path.starts_with("/api/") => match json_body(request) {
            Err(reply) => reply,
            Ok(body) => {
                let permit = api::is_statement(path).then(|| Permit::take(statements, max));
                if let Some(None) = permit {
                    let message = format!(
                        "the server is already running {} (its --concurrent limit)",
                        crate::diag::plural(max, "statement")
                    );
                    Reply::refused(503, "busy", &message, "wait for one to finish and run it again")
                } else {
                    api::post(shared, path, &body)
                }
            }
        },
        _ => Reply::refused(
            405,
            "method",
            "this server answers GET for the page and POST for /api/",
            "see the README's Web view section",
        ),
    }
}

/// The JSON body of a POST (its size was capped as it was read).
fn json_body(request: &Request) -> Result<serde_json::Value, Reply> {
    // `application/json`, with parameters (`; charset=utf-8`) or none: not `application/jsonp`.
    let json = request.header("Content-Type").is_some_and(|t| {
        t.split(';').next().is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
    });
    if !json {
        return Err(Reply::refused(
            415,
            "request",
            "send the request as application/json",
            "see the README's Web view section",
        ));
    }
    serde_json::from_slice(&request.body)
        .map_err(|err| Reply::refused(400, "request", &format!("the body is not JSON: {err}"), "send a JSON object"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_answers_to_localhost_and_addresses_on_its_port_only() {
        for host in ["127.0.0.1:8417", "LOCALHOST:8417", "[::1]:8417", "192.0.2.7:8417", "0.0.0.0:8417"] {
            assert!(names_this_server(host, 8417), "{host}");
        }
        for host in
            ["evil.example:8417", "127.0.0.1:8418", "127.0.0.1", "localhost", "127.0.0.1.nip.io:8417", "[::1]", ""]
        {
            assert!(!names_this_server(host, 8417), "{host}");
        }
        assert!(names_this_server("127.0.0.1", 80) && names_this_server("[::1]", 80));
        assert!(!names_this_server("evil.example", 80));
        assert_eq!(host_of("[::1]:9".parse().unwrap()), "[::1]:9");
    }

    #[test]
    fn permits_are_given_back_when_dropped() {
        let count = Arc::new(AtomicUsize::new(0));
        let first = Permit::take(&count, 1).expect("one place");
        assert!(Permit::take(&count, 1).is_none());
        drop(first);
        assert!(Permit::take(&count, 1).is_some());
    }
}
