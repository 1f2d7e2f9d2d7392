//! Asking local services who they are: Consul through consul-ext (its leader, the agent's
//! build), a tiny HTTP GET for the book server, a `PING` for Redis, the `INFO` line a NATS
//! server greets every client with. `doctor` and `services` use these to tell our own
//! services from strangers on the same ports.

use std::future::Future;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// A tiny HTTP/1.0 GET, enough to ask a local service a question.
pub fn http_get(addr: SocketAddr, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_millis(300)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.0\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    // Read as bytes: a body need not be text (the gateway's captcha is a PNG). A local
    // service's answer to a question is small; whatever answers on the port, 1 MiB is read
    // at the most.
    let mut bytes = Vec::new();
    stream.take(1024 * 1024).read_to_end(&mut bytes).ok()?;
    let response = String::from_utf8_lossy(&bytes);
    let (head, body) = response.split_once("\r\n\r\n")?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, body.to_string()))
}

/// How long a probe waits for a Consul agent's answer.
const CONSUL_PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// Runs `work` to its end from the runner's synchronous code: on a thread of its own with a
/// small runtime, so that it works inside the runner's tokio runtime and outside any alike.
/// `None` when no runtime could be made, or the work panicked.
pub fn on_own_runtime<T: Send>(work: impl Future<Output = T> + Send) -> Option<T> {
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()?;
                Some(runtime.block_on(work))
            })
            .join()
            .ok()
            .flatten()
    })
}

/// The leader a Consul agent reports, if one answers on `addr`.
pub fn consul_leader(addr: SocketAddr) -> Option<String> {
    let agent = addr.to_string();
    on_own_runtime(consul_ext::leader(agent.as_str(), CONSUL_PROBE_TIMEOUT))?.ok()
}

/// Whether the Consul on `addr` is the embedded development agent: its build says so
/// (`Stats.build.prerelease` of `/v1/agent/self`).
pub fn is_embedded_agent(addr: SocketAddr) -> bool {
    let agent = addr.to_string();
    on_own_runtime(consul_ext::agent_self(agent.as_str(), CONSUL_PROBE_TIMEOUT))
        .and_then(Result::ok)
        .is_some_and(|me| me["Stats"]["build"]["prerelease"] == "workbook-dev")
}

/// Whether a Redis server answers `PING` on `addr`.
pub fn redis_pings(addr: SocketAddr) -> bool {
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(300)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
    if stream.write_all(b"PING\r\n").is_err() {
        return false;
    }
    let mut reply = [0u8; 16];
    let n = stream.read(&mut reply).unwrap_or(0);
    reply[..n].starts_with(b"+PONG")
}

/// What a NATS server on `addr` says of itself: the JSON of the `INFO {…}` line it sends
/// every client first, before the client says anything.
pub fn nats_info(addr: SocketAddr) -> Option<serde_json::Value> {
    let stream = TcpStream::connect_timeout(&addr, Duration::from_millis(300)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(1))).ok()?;
    // The line is a few hundred bytes; a stranger that never ends its line is cut short.
    let mut line = String::new();
    BufReader::new(stream.take(64 * 1024))
        .read_line(&mut line)
        .ok()?;
    let json = line.strip_prefix("INFO ")?;
    serde_json::from_str(json.trim_end()).ok()
}

/// Whether a NATS server answers on `addr`.
pub fn nats_answers(addr: SocketAddr) -> bool {
    nats_info(addr).is_some()
}

/// Whether the NATS server on `addr` has JetStream on (`"jetstream":true` in its `INFO`):
/// lesson 12's durable subscribers need it.
pub fn nats_has_jetstream(addr: SocketAddr) -> bool {
    nats_info(addr).is_some_and(|info| info["jetstream"] == serde_json::Value::Bool(true))
}

/// Whether anything at all accepts connections on `addr`: a port taken, a server up.
pub fn port_taken(addr: SocketAddr) -> bool {
    TcpStream::connect_timeout(&addr, Duration::from_millis(300)).is_ok()
}

/// The Consul address set by the environment, if any.
pub fn consul_from_env() -> Option<String> {
    std::env::var("CONSUL_HTTP_ADDR")
        .ok()
        .filter(|v| !v.trim().is_empty())
}

/// `CONSUL_HTTP_ADDR` as a socket address (it may carry `http://`).
pub fn env_addr(value: &str) -> Option<SocketAddr> {
    let bare = value
        .trim()
        .trim_start_matches("http://")
        .trim_start_matches("https://")
        .trim_end_matches('/');
    bare.parse().ok().or_else(|| {
        use std::net::ToSocketAddrs;
        bare.to_socket_addrs().ok()?.next()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_consul_http_addr_forms() {
        let expected: SocketAddr = "127.0.0.1:8500".parse().unwrap();
        assert_eq!(env_addr("127.0.0.1:8500"), Some(expected));
        assert_eq!(env_addr("http://127.0.0.1:8500/"), Some(expected));
    }
}
