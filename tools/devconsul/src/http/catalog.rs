//! `/v1/catalog/*` and `/v1/health/*`: the cluster-wide views clients discover services
//! with. Every read here may block (`?index=&wait=`) and carries the index headers.

use std::collections::{BTreeMap, BTreeSet};

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::agent::CHECK_SELECTORS;
use super::blocking::wait_for;
use super::query::parse_bool;
use super::{Answer, Call, HttpError, json, with_index};
use crate::filter::Filter;
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

/// `?filter=` for a catalog or health read.
fn filter(call: &Call, selectors: &[&str]) -> Result<Option<Filter>, HttpError> {
    match call.query.get("filter") {
        None | Some("") => Ok(None),
        Some(text) => Filter::parse(text, selectors).map(Some).map_err(|e| {
            HttpError::bad_request(format!(
                "Failed to create boolean expression evaluator: {e}"
            ))
        }),
    }
}

fn keep(filter: &Option<Filter>, view: &Value) -> bool {
    filter.as_ref().is_none_or(|f| f.matches(view))
}

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
    let filter = filter(call, CATALOG_SELECTORS)?;
    read(call, |store| {
        let mut tags: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for service in store.services.values() {
            if filter.is_some()
                && !keep(
                    &filter,
                    &views::catalog_service(&call.shared, store, service),
                )
            {
                continue;
            }
            tags.entry(&service.name)
                .or_default()
                .extend(service.tags.iter().map(String::as_str));
        }
        (store.services_index(), json!(tags))
    })
    .await
}

pub async fn service(call: &Call, name: &str) -> Answer {
    let filter = filter(call, CATALOG_SELECTORS)?;
    let tags = call.query.all("tag");
    read(call, |store| {
        let entries: Vec<Value> = store
            .instances(name)
            .filter(|service| has_tags(service, &tags))
            .map(|service| views::catalog_service(&call.shared, store, service))
            .filter(|view| keep(&filter, view))
            .collect();
        (store.catalog_index(name), Value::Array(entries))
    })
    .await
}

pub async fn nodes(call: &Call) -> Answer {
    let filter = filter(call, NODE_SELECTORS)?;
    read(call, |store| {
        let node = views::node(&call.shared, store);
        let nodes: Vec<Value> = [node]
            .into_iter()
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
    if node != call.shared.config.node_name {
        let index = call.shared.store().services_index();
        return Ok(with_index(
            super::text(StatusCode::NOT_FOUND, "Node not found"),
            index,
        ));
    }
    read(call, |store| {
        let services = store
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
            json!({"Node": views::node(&call.shared, store), "Services": services}),
        )
    })
    .await
}

pub async fn health_service(call: &Call, name: &str) -> Answer {
    call.query.check_read(&call.shared.config.datacenter)?;
    let filter = filter(call, HEALTH_SELECTORS)?;
    let passing_only = match call.query.get("passing") {
        None => false,
        Some("") => true,
        Some(text) => {
            parse_bool(text).ok_or_else(|| HttpError::bad_request("Invalid value for ?passing"))?
        }
    };
    let tags = call.query.all("tag");
    read(call, |store| {
        let node = views::node(&call.shared, store);
        let node_checks: Vec<Value> =
            store.checks_of("").map(|check| views::health_check(&call.shared, store, check)).collect();
        let entries: Vec<Value> = store
            .instances(name)
            .filter(|service| has_tags(service, &tags))
            .filter_map(|service| {
                let own: Vec<_> = store.checks_of(&service.id).collect();
                let all_passing = store.checks_of("").chain(own.iter().copied()).all(|c| c.status == "passing");
                if passing_only && !all_passing {
                    return None;
                }
                let mut checks = node_checks.clone();
                checks.extend(own.iter().map(|check| views::health_check(&call.shared, store, check)));
                let entry = json!({"Node": node, "Service": views::node_service(service), "Checks": checks});
                keep(&filter, &entry).then_some(entry)
            })
            .collect();
        (store.health_index(name), Value::Array(entries))
    })
    .await
}

pub async fn health_checks(call: &Call, name: &str) -> Answer {
    let filter = filter(call, CHECK_SELECTORS)?;
    read(call, |store| {
        let checks: Vec<Value> = store
            .instances(name)
            .flat_map(|service| store.checks_of(&service.id))
            .map(|check| views::health_check(&call.shared, store, check))
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
    every_check(call, |check| state == "any" || check.status == state).await
}

pub async fn health_node(call: &Call, node: &str) -> Answer {
    let ours = node == call.shared.config.node_name;
    every_check(call, |_| ours).await
}

/// The agent's checks that `wanted` keeps and the request's `filter` passes, as health
/// views, with the index of all checks.
async fn every_check(call: &Call, wanted: impl Fn(&Check) -> bool) -> Answer {
    let filter = filter(call, CHECK_SELECTORS)?;
    read(call, |store| {
        let checks: Vec<Value> = store
            .checks
            .values()
            .filter(|check| wanted(check))
            .map(|check| views::health_check(&call.shared, store, check))
            .filter(|view| keep(&filter, view))
            .collect();
        (store.checks_index(), Value::Array(checks))
    })
    .await
}
