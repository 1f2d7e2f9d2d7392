//! Just enough HTTP/1.1 to talk to the class server: one request on one connection, a
//! JSON body, the status and the body of the answer. The learner's runner has no HTTP
//! client among its dependencies, and a fresh clone's first build should not gain one for
//! a few requests in a classroom; the standard library's `TcpStream` does it.
//!
//! Every step has a time limit, so that a server that is gone or stuck costs the sender a
//! bounded wait (and a learner's verdict none: the sender runs apart, see `send.rs`).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

/// The longest answer read: the class server's are a few hundred bytes.
const MAX_ANSWER: u64 = 64 * 1024;

/// A class server's address, as the projector shows it: `http://HOST:PORT`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    pub host: String,
    pub port: u16,
}

impl Server {
    /// Reads `http://HOST[:PORT][/]`; `None` for anything else (https, a path, no host).
    pub fn parse(url: &str) -> Option<Server> {
        let rest = url.trim().strip_prefix("http://")?;
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.is_empty() || rest.contains(['/', '?', '#', '@', ' ']) {
            return None;
        }
        // `[::1]:7800`, `10.0.0.5:7800`, `teacher.local`.
        let (host, port) = match rest.rsplit_once(':') {
            Some((host, port)) if !host.ends_with(':') || host.starts_with('[') => {
                (host, port.parse().ok()?)
            }
            _ => (rest, 80),
        };
        if host.is_empty() {
            return None;
        }
        Some(Server {
            host: host.to_string(),
            port,
        })
    }

    /// `http://HOST:PORT`, as kept and shown.
    pub fn url(&self) -> String {
        format!("http://{}:{}", self.host, self.port)
    }

    fn addresses(&self) -> std::io::Result<Vec<SocketAddr>> {
        let host = self.host.trim_start_matches('[').trim_end_matches(']');
        Ok((host, self.port).to_socket_addrs()?.collect())
    }
}

/// An answer: its status and its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub body: String,
}

/// The time limits of one request.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub connect: Duration,
    /// For each read and each write.
    pub io: Duration,
}

/// One request: `method path`, with a bearer token and a JSON body if given.
pub fn request(
    server: &Server,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
    limits: Limits,
) -> std::io::Result<Answer> {
    let mut last_error = None;
    let mut stream = None;
    for address in server.addresses()? {
        match TcpStream::connect_timeout(&address, limits.connect) {
            Ok(connected) => {
                stream = Some(connected);
                break;
            }
            Err(err) => last_error = Some(err),
        }
    }
    let Some(mut stream) = stream else {
        return Err(last_error.unwrap_or_else(|| std::io::Error::other("no address")));
    };
    stream.set_read_timeout(Some(limits.io))?;
    stream.set_write_timeout(Some(limits.io))?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}:{}\r\nConnection: close\r\nAccept: application/json\r\n",
        server.host, server.port
    );
    if let Some(token) = token {
        head.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    let body = body.unwrap_or("");
    if method != "GET" {
        head.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())?;
    stream.flush()?;
    let mut answer = Vec::new();
    stream.take(MAX_ANSWER).read_to_end(&mut answer)?;
    parse_answer(&answer)
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidData, "not an HTTP answer"))
}

/// The status and body of an answer read to its end (the request asked to close).
fn parse_answer(bytes: &[u8]) -> Option<Answer> {
    let text = String::from_utf8_lossy(bytes);
    let (head, body) = text.split_once("\r\n\r\n")?;
    let mut lines = head.lines();
    let status = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
    let chunked = lines.any(|line| {
        line.to_ascii_lowercase()
            .replace(' ', "")
            .starts_with("transfer-encoding:chunked")
    });
    let body = if chunked {
        unchunk(body)?
    } else {
        body.to_string()
    };
    Some(Answer { status, body })
}

/// A chunked body, put back together.
fn unchunk(mut rest: &str) -> Option<String> {
    let mut body = String::new();
    loop {
        let (size, after) = rest.split_once("\r\n")?;
        let size = usize::from_str_radix(size.split(';').next()?.trim(), 16).ok()?;
        if size == 0 {
            return Some(body);
        }
        body.push_str(after.get(..size)?);
        rest = after.get(size..)?.strip_prefix("\r\n")?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_servers_address_as_the_projector_shows_it() {
        let server = Server::parse("http://10.0.0.5:7800").unwrap();
        assert_eq!((server.host.as_str(), server.port), ("10.0.0.5", 7800));
        assert_eq!(Server::parse("http://teacher.local/").unwrap().port, 80);
        assert_eq!(Server::parse("http://[::1]:7800").unwrap().host, "[::1]");
        for bad in [
            "https://a:1",
            "10.0.0.5:7800",
            "http://",
            "http://a:x",
            "http://a/b",
        ] {
            assert_eq!(Server::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn reads_sized_and_chunked_answers() {
        let sized = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}";
        assert_eq!(parse_answer(sized).unwrap().body, "{}");
        let chunked =
            b"HTTP/1.1 403 Forbidden\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
        let answer = parse_answer(chunked).unwrap();
        assert_eq!((answer.status, answer.body.as_str()), (403, "abcde"));
        assert_eq!(parse_answer(b"garbage"), None);
    }
}
