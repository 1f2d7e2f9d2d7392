//! The status page under `/ui/`: like Consul's UI, it lists services, their instances and
//! each check's status and output. Plain server-rendered HTML that refreshes itself.

use std::fmt::Write;

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::{Query, redirect, text};
use crate::shared::Shared;
use crate::state::{Store, worst};

/// Answers every path outside `/v1/`.
pub async fn page(shared: &Shared, path: &str, query: &Query) -> Response {
    match path {
        "/" => redirect("/ui/"),
        "/ui" => redirect("/ui/"),
        "/ui/" if shared.config.ui => Html(render(shared, query.get("service"))).into_response(),
        _ => text(StatusCode::NOT_FOUND, "404 page not found"),
    }
}

/// Escapes text for HTML.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Every byte but the unreserved ones of RFC 3986 (letters, digits, `-_.~`) is escaped.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// A query-string-safe form of a service name.
fn encode(text: &str) -> String {
    utf8_percent_encode(text, QUERY_VALUE).to_string()
}

const STYLE: &str = "
body { font-family: system-ui, sans-serif; margin: 0; color: #1f2933; background: #f5f7fa; }
header { background: #e03875; color: white; padding: 0.8em 1.5em; }
header h1 { margin: 0; font-size: 1.3em; } header span { opacity: 0.85; font-size: 0.9em; }
main { padding: 1em 1.5em; max-width: 70em; }
table { border-collapse: collapse; width: 100%; background: white; margin-bottom: 1.5em; }
th, td { text-align: left; padding: 0.45em 0.7em; border-bottom: 1px solid #e4e7eb; vertical-align: top; }
th { background: #eef1f5; font-weight: 600; }
a { color: #1c6ed5; text-decoration: none; }
.passing { color: #13795b; } .warning { color: #b7791f; } .critical { color: #c53030; }
.badge { display: inline-block; padding: 0.1em 0.6em; border-radius: 1em; font-size: 0.85em; font-weight: 600; }
.badge.passing { background: #def7ec; } .badge.warning { background: #fdf6b2; } .badge.critical { background: #fde8e8; }
.badge.maintenance { background: #e5e7eb; color: #374151; }
pre { margin: 0; white-space: pre-wrap; font-size: 0.85em; max-height: 8em; overflow: auto; }
.muted { color: #7b8794; }
";

fn badge(status: &str) -> String {
    format!("<span class=\"badge {status}\">{status}</span>")
}

/// The page: every service, or one service's instances and checks.
fn render(shared: &Shared, selected: Option<&str>) -> String {
    let store = shared.store();
    let config = &shared.config;
    let mut page = String::new();
    let _ = write!(
        page,
        "<!doctype html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"2\">\
         <title>devconsul · {node}</title><style>{STYLE}</style></head><body>\
         <header><h1>devconsul</h1><span>node {node} · datacenter {dc} · index {index} · {version}</span></header><main>",
        node = escape(&config.node_name),
        dc = escape(&config.datacenter),
        index = store.index(),
        version = crate::VERSION,
    );
    match selected {
        Some(name) => render_service(&mut page, &store, name),
        None => render_services(&mut page, &store),
    }
    page.push_str("<p class=\"muted\">This page refreshes every 2 seconds. API: <code>/v1/</code></p></main></body></html>");
    page
}

fn render_services(page: &mut String, store: &Store) {
    let mut names: Vec<&str> = store.services.values().map(|s| s.name.as_str()).collect();
    names.dedup();
    names.sort_unstable();
    names.dedup();
    page.push_str("<h2>Services</h2><table><tr><th>Service</th><th>Health</th><th>Instances</th><th>Tags</th></tr>");
    for name in names {
        let instances: Vec<_> = store.instances(name).collect();
        let statuses = instances
            .iter()
            .flat_map(|s| store.checks_of(&s.id).chain(store.checks_of("")))
            .map(|c| c.status.as_str());
        let mut tags: Vec<&str> = instances
            .iter()
            .flat_map(|s| s.tags.iter().map(String::as_str))
            .collect();
        tags.sort_unstable();
        tags.dedup();
        let _ = write!(
            page,
            "<tr><td><a href=\"/ui/?service={link}\">{name}</a></td><td>{health}</td><td>{count}</td><td>{tags}</td></tr>",
            link = encode(name),
            name = escape(name),
            health = badge(worst(statuses)),
            count = instances.len(),
            tags = escape(&tags.join(", ")),
        );
    }
    page.push_str("</table>");
}

fn render_service(page: &mut String, store: &Store, name: &str) {
    let _ = write!(
        page,
        "<p><a href=\"/ui/\">← all services</a></p><h2>{}</h2>",
        escape(name)
    );
    let instances: Vec<_> = store.instances(name).collect();
    if instances.is_empty() {
        page.push_str("<p class=\"muted\">No instances are registered under this name.</p>");
    }
    for service in instances {
        let address = if service.address.is_empty() {
            crate::views::NODE_ADDRESS
        } else {
            &service.address
        };
        let _ = write!(
            page,
            "<h3>{id} <span class=\"muted\">{address}:{port}</span></h3>\
             <table><tr><th>Check</th><th>Type</th><th>Status</th><th>Output</th></tr>",
            id = escape(&service.id),
            address = escape(address),
            port = service.port,
        );
        for check in store.checks_of("").chain(store.checks_of(&service.id)) {
            let kind = check.definition.kind();
            let _ = write!(
                page,
                "<tr><td>{name}<br><span class=\"muted\">{id}</span></td><td>{kind}</td><td>{status}</td><td><pre>{output}</pre></td></tr>",
                name = escape(&check.name),
                id = escape(&check.id),
                kind = if kind.is_empty() { "—" } else { kind },
                status = badge(&check.status),
                output = escape(&check.output),
            );
        }
        page.push_str("</table>");
    }
}
