//! One probe of a service, the way Consul's check types do it, with Consul's outputs.

use std::time::Duration;

use reqwest::header::{ACCEPT, HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use tokio::net::TcpStream;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

use crate::definition::CheckType;

/// Consul's default probe timeout.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Consul's default `OutputMaxSize`.
const DEFAULT_OUTPUT_MAX: usize = 4096;

/// How to probe one check.
pub enum Probe {
    /// Connect to `host:port`.
    Tcp { address: String, timeout: Duration },
    /// Send a request; 2xx passes, 429 warns, anything else fails.
    Http {
        client: reqwest::Client,
        method: String,
        url: String,
        headers: HeaderMap,
        body: String,
        output_max: usize,
    },
    /// Ask `grpc.health.v1.Health/Check`; SERVING passes.
    Grpc {
        target: String,
        address: String,
        service: String,
        timeout: Duration,
    },
    /// A check type this agent cannot run: always critical, saying why.
    Unsupported(String),
}

impl Probe {
    /// The probe for a definition, or `None` for a TTL check (which has no probe).
    pub fn for_check(definition: &CheckType) -> Option<Probe> {
        let timeout = match definition.timeout {
            n if n > 0 => Duration::from_nanos(n as u64),
            _ => DEFAULT_TIMEOUT,
        };
        let unsupported = |what: &str| {
            Some(Probe::Unsupported(format!(
                "{what} checks are not supported by the development agent; use a TCP, HTTP, gRPC or TTL check, or a real Consul agent"
            )))
        };
        match definition.kind() {
            "tcp" => Some(Probe::Tcp {
                address: definition.tcp.clone(),
                timeout,
            }),
            "http" => Some(http_probe(definition, timeout)),
            "grpc" if definition.grpc_use_tls => unsupported("gRPC-over-TLS"),
            "grpc" => {
                let (address, service) = match definition.grpc.split_once('/') {
                    Some((address, service)) => (address.to_string(), service.to_string()),
                    None => (definition.grpc.clone(), String::new()),
                };
                Some(Probe::Grpc {
                    target: definition.grpc.clone(),
                    address,
                    service,
                    timeout,
                })
            }
            "ttl" => None,
            "udp" => unsupported("UDP"),
            "h2ping" => unsupported("H2PING"),
            "os_service" => unsupported("OSService"),
            "alias" => unsupported("Alias"),
            "script" | "docker" => unsupported("Script"),
            _ => None,
        }
    }

    /// Runs the probe once: a status and Consul's output text for it.
    pub async fn run(&self) -> (&'static str, String) {
        match self {
            Probe::Tcp { address, timeout } => tcp(address, *timeout).await,
            Probe::Http {
                client,
                method,
                url,
                headers,
                body,
                output_max,
            } => http(client, method, url, headers, body, *output_max).await,
            Probe::Grpc {
                target,
                address,
                service,
                timeout,
            } => grpc(target, address, service, *timeout).await,
            Probe::Unsupported(why) => ("critical", why.clone()),
        }
    }
}

async fn tcp(address: &str, timeout: Duration) -> (&'static str, String) {
    if let Some(error) = invalid_port(address) {
        return ("critical", error);
    }
    match tokio::time::timeout(timeout, TcpStream::connect(address)).await {
        Ok(Ok(_stream)) => ("passing", format!("TCP connect {address}: Success")),
        Ok(Err(error)) => (
            "critical",
            format!("dial tcp {address}: {}", go_error(&error)),
        ),
        Err(_) => ("critical", format!("dial tcp {address}: i/o timeout")),
    }
}

/// Go's dialer refuses a numeric port outside 0..=65535 before dialling, with `dial tcp:
/// address 70000: invalid port`. Left to the dialer here, such a port is not refused but
/// replaced (an HTTP URI with a port that is no `u16` falls back to port 80), and the
/// probe would knock on another service's door.
fn invalid_port(address: &str) -> Option<String> {
    let (_, port) = address.rsplit_once(':')?;
    let numeric = port.strip_prefix('-').unwrap_or(port);
    if numeric.is_empty() || !numeric.bytes().all(|b| b.is_ascii_digit()) {
        return None; // a named port or no port at all: the dialer says what is wrong
    }
    port.parse::<u16>()
        .is_err()
        .then(|| format!("dial tcp: address {port}: invalid port"))
}

/// How Go's net package words the common connect errors.
fn go_error(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::ConnectionRefused => "connect: connection refused".into(),
        std::io::ErrorKind::TimedOut => "i/o timeout".into(),
        _ => error.to_string(),
    }
}

fn http_probe(definition: &CheckType, timeout: Duration) -> Probe {
    let mut headers = HeaderMap::new();
    headers.insert(USER_AGENT, HeaderValue::from_static("Consul Health Check"));
    headers.insert(ACCEPT, HeaderValue::from_static("text/plain, text/*, */*"));
    for (name, values) in &definition.header {
        let Ok(name) = HeaderName::from_bytes(name.as_bytes()) else {
            continue;
        };
        headers.remove(&name);
        for value in values {
            if let Ok(value) = HeaderValue::from_str(value) {
                headers.append(name.clone(), value);
            }
        }
    }
    let redirects = if definition.disable_redirects {
        reqwest::redirect::Policy::none()
    } else {
        reqwest::redirect::Policy::limited(10)
    };
    // Consul turns keep-alive off for checks: every probe opens a fresh connection, so a
    // stopped service is noticed at once.
    let client = reqwest::Client::builder()
        .redirect(redirects)
        .timeout(timeout)
        .pool_max_idle_per_host(0)
        .danger_accept_invalid_certs(definition.tls_skip_verify)
        .build();
    let client = match client {
        Ok(client) => client,
        Err(error) => return Probe::Unsupported(format!("cannot build the HTTP client: {error}")),
    };
    let method = if definition.method.is_empty() {
        "GET".to_string()
    } else {
        definition.method.clone()
    };
    let output_max = match definition.output_max_size {
        n if n > 0 => n as usize,
        _ => DEFAULT_OUTPUT_MAX,
    };
    Probe::Http {
        client,
        method,
        url: definition.http.clone(),
        headers,
        body: definition.body.clone(),
        output_max,
    }
}

async fn http(
    client: &reqwest::Client,
    method: &str,
    url: &str,
    headers: &HeaderMap,
    body: &str,
    output_max: usize,
) -> (&'static str, String) {
    let Ok(verb) = reqwest::Method::from_bytes(method.as_bytes()) else {
        return ("critical", format!("net/http: invalid method {method:?}"));
    };
    let mut request = client.request(verb, url).headers(headers.clone());
    if !body.is_empty() {
        request = request.body(body.to_string());
    }
    let mut response = match request.send().await {
        Ok(response) => response,
        Err(error) => return ("critical", http_error(method, url, &error)),
    };
    let code = response.status();
    let mut output = Vec::new();
    while output.len() < output_max {
        match response.chunk().await {
            Ok(Some(chunk)) => output.extend_from_slice(&chunk),
            Ok(None) => break,
            Err(error) => return ("critical", http_error(method, url, &error)),
        }
    }
    output.truncate(output_max);
    let status = match code.as_u16() {
        200..=299 => "passing",
        429 => "warning",
        _ => "critical",
    };
    let reason = code.canonical_reason().unwrap_or("");
    let text = String::from_utf8_lossy(&output);
    (
        status,
        format!(
            "HTTP {method} {url}: {} {reason} Output: {text}",
            code.as_u16()
        ),
    )
}

/// Go's `*url.Error` wording: `Get "http://…": dial tcp …: connect: connection refused`.
fn http_error(method: &str, url: &str, error: &reqwest::Error) -> String {
    let op = {
        let lower = method.to_ascii_lowercase();
        let mut chars = lower.chars();
        chars
            .next()
            .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
            .unwrap_or_default()
    };
    if error.is_timeout() {
        return format!(
            "{op} \"{url}\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
        );
    }
    let cause = crate::innermost_cause(error);
    let detail = match cause.downcast_ref::<std::io::Error>() {
        Some(io) => {
            let host = reqwest::Url::parse(url)
                .ok()
                .and_then(|u| Some(format!("{}:{}", u.host_str()?, u.port_or_known_default()?)))
                .unwrap_or_default();
            format!("dial tcp {host}: {}", go_error(io))
        }
        None => cause.to_string(),
    };
    format!("{op} \"{url}\": {detail}")
}

async fn grpc(
    target: &str,
    address: &str,
    service: &str,
    timeout: Duration,
) -> (&'static str, String) {
    if let Some(error) = invalid_port(address) {
        return (
            "critical",
            format!("rpc error: code = Unavailable desc = connection error: {error}"),
        );
    }
    let endpoint = match tonic::transport::Endpoint::from_shared(format!("http://{address}")) {
        Ok(endpoint) => endpoint.connect_timeout(timeout).timeout(timeout),
        Err(error) => {
            return (
                "critical",
                format!("gRPC check {target}: invalid target: {error}"),
            );
        }
    };
    let attempt = async {
        let channel = endpoint.connect().await.map_err(|error| {
            let cause = crate::innermost_cause(&error);
            let detail = match cause.downcast_ref::<std::io::Error>() {
                Some(io) => format!("dial tcp {address}: {}", go_error(io)),
                None => cause.to_string(),
            };
            format!("rpc error: code = Unavailable desc = connection error: {detail}")
        })?;
        let request = HealthCheckRequest {
            service: service.to_string(),
        };
        let reply = HealthClient::new(channel)
            .check(request)
            .await
            .map_err(|status| {
                format!(
                    "rpc error: code = {:?} desc = {}",
                    status.code(),
                    status.message()
                )
            })?;
        Ok::<_, String>(reply.into_inner().status)
    };
    match tokio::time::timeout(timeout, attempt).await {
        Ok(Ok(status)) if status == ServingStatus::Serving as i32 => {
            ("passing", format!("gRPC check {target}: success"))
        }
        Ok(Ok(status)) => {
            let name = ServingStatus::try_from(status)
                .map(|s| s.as_str_name())
                .unwrap_or("UNKNOWN");
            ("critical", format!("gRPC {target} serving status: {name}"))
        }
        Ok(Err(error)) => ("critical", error),
        Err(_) => (
            "critical",
            format!("gRPC check {target}: context deadline exceeded"),
        ),
    }
}
