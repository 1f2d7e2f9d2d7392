//! `/v1/kv/:key`: Consul's key/value store. Values are raw bytes (base64 in JSON),
//! writes may be conditional on a key's `ModifyIndex` (`?cas=`), reads may list a
//! prefix (`?recurse`, `?keys`, `?separator=`) and block like every other read.

use axum::http::header::{CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use axum::http::{Method, StatusCode};
use axum::response::IntoResponse;
use serde_json::{Value, json};

use super::blocking::wait_for;
use super::{Answer, Call, HttpError, json, with_index};
use crate::views;

pub async fn handle(call: &Call, key: &str) -> Answer {
    call.query.check_read(&call.shared.config.datacenter)?;
    match call.method {
        Method::GET => get(call, key).await,
        Method::PUT => put(call, key),
        _ => delete(call, key),
    }
}

/// What a KV read found.
enum Found {
    Pairs(Vec<Value>),
    Keys(Vec<String>),
    Raw(Vec<u8>),
    Nothing,
}

async fn get(call: &Call, key: &str) -> Answer {
    let recurse = call.query.has("recurse");
    let keys = call.query.has("keys");
    let raw = call.query.has("raw");
    let separator = call.query.get("separator").unwrap_or("").to_string();
    if key.is_empty() && !recurse && !keys {
        return Err(HttpError::bad_request("Missing key name"));
    }
    let (index, found) = wait_for(call, |store| {
        let found = if keys {
            let mut listed: Vec<String> = Vec::new();
            for (k, _) in store.kv_under(key) {
                let rest = &k[key.len()..];
                let rolled = match (separator.is_empty(), rest.find(separator.as_str())) {
                    (false, Some(at)) => format!("{key}{}", &rest[..at + separator.len()]),
                    _ => k.clone(),
                };
                if listed.last() != Some(&rolled) {
                    listed.push(rolled);
                }
            }
            // Consul answers 404 for an empty listing, except under the root.
            if listed.is_empty() && !key.is_empty() {
                Found::Nothing
            } else {
                Found::Keys(listed)
            }
        } else if recurse {
            let pairs: Vec<Value> = store
                .kv_under(key)
                .map(|(k, entry)| views::kv_pair(k, entry))
                .collect();
            if pairs.is_empty() {
                Found::Nothing
            } else {
                Found::Pairs(pairs)
            }
        } else {
            match store.kv.get(key) {
                Some(entry) if raw => Found::Raw(entry.value.clone()),
                Some(entry) => Found::Pairs(vec![views::kv_pair(key, entry)]),
                None => Found::Nothing,
            }
        };
        (store.kv_index(key, recurse || keys), found)
    })
    .await?;
    let response = match found {
        Found::Pairs(pairs) => json(call, StatusCode::OK, &Value::Array(pairs)),
        Found::Keys(keys) => json(call, StatusCode::OK, &json!(keys)),
        Found::Raw(bytes) => {
            let headers = [
                (CONTENT_TYPE, "text/plain"),
                (X_CONTENT_TYPE_OPTIONS, "nosniff"),
            ];
            (headers, bytes).into_response()
        }
        Found::Nothing => StatusCode::NOT_FOUND.into_response(),
    };
    Ok(with_index(response, index))
}

/// Parses an unsigned query number (`?cas=`, `?flags=`); Consul answers a bad one with 500.
fn number(call: &Call, name: &str) -> Result<Option<u64>, HttpError> {
    match call.query.get(name) {
        None => Ok(None),
        Some(text) => text.parse::<u64>().map(Some).map_err(|_| {
            HttpError::internal(format!(
                "strconv.ParseUint: parsing {text:?}: invalid syntax ({name})"
            ))
        }),
    }
}

fn put(call: &Call, key: &str) -> Answer {
    if key.is_empty() {
        return Err(HttpError::bad_request("Missing key name"));
    }
    let flags: Vec<&str> = ["cas", "acquire", "release"]
        .into_iter()
        .filter(|f| call.query.has(f))
        .collect();
    if flags.len() > 1 {
        return Err(HttpError::bad_request(format!(
            "Conflicting flags: {}",
            flags.join("&")
        )));
    }
    if call.query.has("acquire") || call.query.has("release") {
        return Err(HttpError::new(
            StatusCode::NOT_IMPLEMENTED,
            "sessions (acquire/release) are not implemented by the workbook's development agent; use a real Consul agent",
        ));
    }
    let cas = number(call, "cas")?;
    let flags = number(call, "flags")?.unwrap_or(0);
    let value = call.body.to_vec();
    let written = call
        .shared
        .write(|store| store.kv_put(key, value, flags, cas));
    Ok(json(call, StatusCode::OK, &json!(written)))
}

fn delete(call: &Call, key: &str) -> Answer {
    let recurse = call.query.has("recurse");
    if recurse && call.query.has("cas") {
        return Err(HttpError::bad_request("Conflicting flags: cas&recurse"));
    }
    if key.is_empty() && !recurse {
        return Err(HttpError::bad_request("Missing key name"));
    }
    let cas = number(call, "cas")?;
    let deleted = call
        .shared
        .write(|store| store.kv_delete(key, recurse, cas));
    Ok(json(call, StatusCode::OK, &json!(deleted)))
}
