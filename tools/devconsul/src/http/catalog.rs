//! `/v1/catalog/*` and `/v1/health/*`: the cluster-wide views clients discover services
//! with. Every read here may block (`?index=&wait=`) and carries the index headers.

use std::collections::{BTreeMap, BTreeSet};

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::agent::CHECK_SELECTORS;
use super::blocking::wait_for;
use super::query::parse_bool;
use super::{Answer, Call, HttpError, json, keep, parse_filter, with_index};
use crate::state::{Check, Service, Store};
use crate::views;

const HEALTH_SELECTORS: &[&str] = &["Node", "Service", "Checks"];
const CATALOG_SELECTORS: &[&str] = &[
    "ID",
    "Node",
    "Address",
    "Datacenter",
    "TaggedAddresses",
    "NodeMeta",
    "ServiceKind",
    "ServiceID",
    "ServiceName",
    "ServiceTags",
    "ServiceAddress",
    "ServiceTaggedAddresses",
    "ServiceWeights",
    "ServiceMeta",
    "ServicePort",
    "ServiceSocketPath",
    "ServiceEnableTagOverride",
    "ServiceProxy",
    "ServiceConnect",
    "CreateIndex",
    "ModifyIndex",
];
const NODE_SELECTORS: &[&str] = &[
    "ID",
    "Node",
    "Address",
    "Datacenter",
    "TaggedAddresses",
    "Meta",
];

/// Whether an instance carries every `?tag=` (compared case-insensitively, as Consul does).
fn has_tags(service: &Service, tags: &[&str]) -> bool {
    tags.iter().all(|wanted| {
        service
            .tags
            .iter()
            .any(|tag| tag.eq_ignore_ascii_case(wanted))
    })
}

/// Runs a blocking read and answers it as JSON with the index headers.
async fn read(call: &Call, run: impl FnMut(&Store) -> (u64, Value)) -> Answer {
    call.query.check_read(&call.shared.config.datacenter)?;
    let (index, body) = wait_for(call, run).await?;
    Ok(with_index(json(call, StatusCode::OK, &body), index))
}

pub async fn services(call: &Call) -> Answer {
    let filter = parse_filter(call, CATALOG_SELECTORS, StatusCode::BAD_REQUEST)?;
    read(call, |store| {
        let nodes = views::nodes(&call.shared, store);
        let mut tags: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for node in &nodes {
            for service in node.services.values() {
                if filter.is_some() && !keep(&filter, &node.catalog_service(service)) {
                    continue;
                }
                tags.entry(&service.name)
                    .or_default()
                    .extend(service.tags.iter().map(String::as_str));
            }
        }
        (store.services_index(), json!(tags))
    })
    .await
}

pub async fn service(call: &Call, name: &str) -> Answer {
    let filter = parse_filter(call, CATALOG_SELECTORS, StatusCode::BAD_REQUEST)?;
    let tags = call.query.all("tag");
    read(call, |store| {
        let entries: Vec<Value> = views::nodes(&call.shared, store)
            .iter()
            .flat_map(|node| {
                node.instances(name)
                    .filter(|service| has_tags(service, &tags))
                    .map(|service| node.catalog_service(service))
            })
            .filter(|view| keep(&filter, view))
            .collect();
        (store.catalog_index(name), Value::Array(entries))
    })
    .await
}

pub async fn nodes(call: &Call) -> Answer {
    let filter = parse_filter(call, NODE_SELECTORS, StatusCode::BAD_REQUEST)?;
    read(call, |store| {
        let nodes: Vec<Value> = views::nodes(&call.shared, store)
            .into_iter()
            .map(|node| node.view)
            .filter(|view| keep(&filter, view))
            .collect();
        (store.node_index, Value::Array(nodes))
    })
    .await
}

pub fn datacenters(call: &Call) -> Answer {
    Ok(json(
        call,
        StatusCode::OK,
        &json!([call.shared.config.datacenter]),
    ))
}

/// `/v1/catalog/node-services/:node` (services as a list) and `/v1/catalog/node/:node`
/// (services as a map by ID).
pub async fn node_services(call: &Call, node: &str, as_list: bool) -> Answer {
    call.query.check_read(&call.shared.config.datacenter)?;
    let known =
        node == call.shared.config.node_name || call.shared.store().remote.contains_key(node);
    if !known {
        let index = call.shared.store().services_index();
        return Ok(with_index(
            super::text(StatusCode::NOT_FOUND, "Node not found"),
            index,
        ));
    }
    read(call, |store| {
        let nodes = views::nodes(&call.shared, store);
        let Some(rows) = nodes.into_iter().find(|rows| rows.name == node) else {
            return (store.services_index(), Value::Null);
        };
        let services = rows
            .services
            .values()
            .map(|s| (s.id.clone(), views::node_service(s)));
        let services = if as_list {
            Value::Array(services.map(|(_, view)| view).collect())
        } else {
            Value::Object(services.collect())
        };
        (
            store.services_index(),
            json!({"Node": rows.view, "Services": services}),
        )
    })
    .await
}

pub async fn health_service(call: &Call, name: &str) -> Answer {
    call.query.check_read(&call.shared.config.datacenter)?;
    let filter = parse_filter(call, HEALTH_SELECTORS, StatusCode::BAD_REQUEST)?;
    let passing_only = match call.query.get("passing") {
        None => false,
        Some("") => true,
        Some(text) => {
            parse_bool(text).ok_or_else(|| HttpError::bad_request("Invalid value for ?passing"))?
        }
    };
    let tags = call.query.all("tag");
    read(call, |store| {
        let mut entries = Vec::new();
        for node in views::nodes(&call.shared, store) {
            let node_checks: Vec<&Check> = node.checks_of("").collect();
            for service in node.instances(name).filter(|s| has_tags(s, &tags)) {
                let checks: Vec<&Check> =
                    node_checks.iter().copied().chain(node.checks_of(&service.id)).collect();
                if passing_only && !checks.iter().all(|c| c.status == "passing") {
                    continue;
                }
                let checks: Vec<Value> = checks.iter().map(|c| node.health_check(c)).collect();
                let entry = json!({"Node": node.view, "Service": views::node_service(service), "Checks": checks});
                if keep(&filter, &entry) {
                    entries.push(entry);
                }
            }
        }
        (store.health_index(name), Value::Array(entries))
    })
    .await
}

pub async fn health_checks(call: &Call, name: &str) -> Answer {
    let filter = parse_filter(call, CHECK_SELECTORS, StatusCode::BAD_REQUEST)?;
    read(call, |store| {
        let checks: Vec<Value> = views::nodes(&call.shared, store)
            .iter()
            .flat_map(|node| {
                node.instances(name)
                    .flat_map(|service| node.checks_of(&service.id))
                    .map(|check| node.health_check(check))
            })
            .filter(|view| keep(&filter, view))
            .collect();
        (store.service_checks_index(name), Value::Array(checks))
    })
    .await
}

pub async fn health_state(call: &Call, state: &str) -> Answer {
    if !matches!(state, "any" | "passing" | "warning" | "critical") {
        return Err(HttpError::bad_request(format!("Invalid state: {state}")));
    }
    every_check(call, |_, check| state == "any" || check.status == state).await
}

pub async fn health_node(call: &Call, node: &str) -> Answer {
    let node = node.to_string();
    every_check(call, move |on, _| on == node).await
}

/// The checks of every node that `wanted` keeps and the request's `filter` passes, as
/// health views, with the index of all checks.
async fn every_check(call: &Call, wanted: impl Fn(&str, &Check) -> bool) -> Answer {
    let filter = parse_filter(call, CHECK_SELECTORS, StatusCode::BAD_REQUEST)?;
    read(call, |store| {
        let checks: Vec<Value> = views::nodes(&call.shared, store)
            .iter()
            .flat_map(|node| {
                node.checks
                    .values()
                    .filter(|check| wanted(node.name, check))
                    .map(|check| node.health_check(check))
            })
            .filter(|view| keep(&filter, view))
            .collect();
        (store.checks_index(), Value::Array(checks))
    })
    .await
}
