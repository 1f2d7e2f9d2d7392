//! Exercise `register.definition-file`: register a service without writing code in it.
//!
//! A program that cannot register itself (a database, a legacy service, one written by
//! another team) is registered by a *service definition file*: JSON in the agent's config
//! folder (`-config-dir`), read when the agent starts and again on `consul reload`
//! (`PUT /v1/agent/reload`, or SIGHUP). Files use Consul's snake_case keys:
//!
//! ```json
//! {"service": {"name": "web", "tags": ["v1"], "port": 8080,
//!              "check": {"id": "web-http", "name": "HTTP on 8080",
//!                        "http": "http://localhost:8080/health",
//!                        "interval": "10s", "timeout": "1s"}}}
//! ```
//!
//! Without an `id` the service's ID is its name, and a check's ID must be unique on the
//! whole agent, not just within its service: two files that say the same `"id"` are one
//! entry, whichever is read last.

use serde_json::{Value, json};

/// The definition file (its JSON) for the instance of `name` on `localhost:port`, with
/// `tags` and a TCP check of that port every second.
///
/// Two files made for two ports of one service, put in one config folder, register two
/// instances, each with its own check.
pub fn service_definition(name: &str, port: u16, tags: &[&str]) -> Value {
    // One instance per port: both IDs carry it, so that two files never share an entry.
    let id = format!("{name}-localhost-{port}");
    let check_id = format!("{id}-tcp");
    let target = format!("localhost:{port}");
    json!({
        "service": {
            "id": id,
            "name": name,
            "tags": tags,
            "address": "localhost",
            "port": port,
            "check": {
                "id": check_id,
                "name": format!("TCP on {target}"),
                "tcp": target,
                "interval": "1s",
                "timeout": "1s"
            }
        }
    })
}
