//! HTTP/1.x on one connection, with every part bounded: the request's head is parsed by
//! `httparse` from at most [`MAX_HEAD`] bytes and [`MAX_HEADERS`] headers, a body must
//! declare its length (at most [`super::MAX_BODY`]), and the whole request must arrive
//! within [`READ_TIME`], so a client that sends slowly or without end holds its thread for
//! seconds, never for ever, and no request grows memory past its caps. Every answer closes
//! the connection.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use super::{MAX_BODY, Reply};

/// The most bytes a request line and its headers may take.
pub const MAX_HEAD: usize = 16 << 10;
/// The most headers a request may have.
const MAX_HEADERS: usize = 64;
/// The time a client has to send its whole request.
pub const READ_TIME: Duration = Duration::from_secs(10);
/// The time an answer may take to be taken by the client (each write, and all of them).
const WRITE_TIME: Duration = Duration::from_secs(30);

/// A request, read whole.
pub struct Request {
    pub method: String,
    /// The path, without the query string or fragment.
    pub path: String,
    headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// The value of header `name` (any case), if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Reads one request, or the reply that refuses it (`None`: the client went away or was
/// too slow, and is owed nothing).
pub fn read(stream: &mut TcpStream) -> Result<Request, Option<Reply>> {
    let deadline = Instant::now() + READ_TIME;
    let mut buf = Vec::with_capacity(1024);
    let (head_len, method, path, headers) = loop {
        fill(stream, &mut buf, deadline, MAX_HEAD + 1)?;
        let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut parsed = httparse::Request::new(&mut slots);
        match parsed.parse(&buf) {
            Ok(httparse::Status::Complete(len)) => {
                let method = parsed.method.unwrap_or_default().to_string();
                let path = parsed.path.unwrap_or("/").split(['?', '#']).next().unwrap_or("/").to_string();
                let headers = parsed
                    .headers
                    .iter()
                    .map(|h| (h.name.to_string(), String::from_utf8_lossy(h.value).into_owned()))
                    .collect::<Vec<_>>();
                break (len, method, path, headers);
            }
            Ok(httparse::Status::Partial) if buf.len() > MAX_HEAD => return Err(Some(head_too_large())),
            Ok(httparse::Status::Partial) => {}
            Err(httparse::Error::TooManyHeaders) => return Err(Some(head_too_large())),
            Err(err) => {
                return Err(Some(Reply::refused(
                    400,
                    "request",
                    &format!("not an HTTP request: {err}"),
                    "use a browser",
                )));
            }
        }
    };
    let mut request = Request { method, path, headers, body: Vec::new() };
    // A header the server decides by must be sent once: with two, a proxy and kgq could each
    // read a different one (request smuggling, a Host check passed by the first copy).
    for name in ["Host", "Origin", "Content-Length", "Content-Type", "Transfer-Encoding"] {
        if request.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).count() > 1 {
            let message = format!("the request has more than one {name} header");
            return Err(Some(Reply::refused(400, "request", &message, "send it once")));
        }
    }
    if request.header("Transfer-Encoding").is_some() {
        let help = "send the body with a Content-Length";
        return Err(Some(Reply::refused(411, "request", "bodies sent in chunks are not read", help)));
    }
    // Digits only: `+31` or ` 31 ` would parse, and a proxy might read them otherwise.
    let digits =
        |v: &str| if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) { v.parse::<usize>().ok() } else { None };
    let length = match request.header("Content-Length").map(|v| digits(v).ok_or(())) {
        None => 0,
        Some(Ok(n)) if n <= MAX_BODY => n,
        Some(Ok(_)) => return Err(Some(body_too_large())),
        Some(Err(_)) => {
            return Err(Some(Reply::refused(400, "request", "Content-Length is not a number", "send it again")));
        }
    };
    let mut body = buf.split_off(head_len);
    while body.len() < length {
        fill(stream, &mut body, deadline, length)?;
    }
    body.truncate(length);
    request.body = body;
    Ok(request)
}

/// Reads more bytes into `buf` (up to `cap` in all) before `deadline`.
fn fill(stream: &mut TcpStream, buf: &mut Vec<u8>, deadline: Instant, cap: usize) -> Result<(), Option<Reply>> {
    let left = deadline.checked_duration_since(Instant::now()).filter(|d| !d.is_zero()).ok_or(None)?;
    stream.set_read_timeout(Some(left)).map_err(|_| None)?;
    let mut chunk = [0u8; 4096];
    let want = chunk.len().min(cap.saturating_sub(buf.len())).max(1);
    match stream.read(&mut chunk[..want]) {
        Ok(0) | Err(_) => Err(None),
        Ok(n) => {
            buf.extend_from_slice(&chunk[..n]);
            Ok(())
        }
    }
}

fn head_too_large() -> Reply {
    let message = format!("the request's headers are larger than {} KiB", MAX_HEAD >> 10);
    Reply::refused(431, "request", &message, "send fewer or shorter headers")
}

pub fn body_too_large() -> Reply {
    let message = format!("the request is larger than {} KiB", MAX_BODY >> 10);
    Reply::refused(413, "request", &message, "send a shorter statement")
}

/// Writes `reply` with the headers every answer carries, and closes the connection.
pub fn write(stream: &mut TcpStream, reply: &Reply, with_body: bool) -> io::Result<()> {
    stream.set_write_timeout(Some(WRITE_TIME))?;
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\
         X-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\nCache-Control: no-store\r\n\
         X-Frame-Options: DENY\r\n",
        reply.status,
        reason(reply.status),
        reply.content_type,
        reply.body.len()
    );
    if reply.content_type.starts_with("text/html") {
        head.push_str(
            "Content-Security-Policy: default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
             img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'\r\n",
        );
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    // In pieces, so that a client taking the answer a byte at a time is cut off at the
    // deadline rather than at each write's timeout.
    let deadline = Instant::now() + WRITE_TIME;
    for piece in reply.body.chunks(64 << 10).filter(|_| with_body) {
        if Instant::now() > deadline {
            return Err(io::Error::new(io::ErrorKind::TimedOut, "the client took too long to read the answer"));
        }
        stream.write_all(piece)?;
    }
    stream.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        411 => "Length Required",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "",
    }
}
