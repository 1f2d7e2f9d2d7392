//! The class server's HTTP routes: a learner's join and verdicts, the teacher's page, its
//! live stream and the exports. Every refusal is a 4xx with its reason in one line of
//! JSON (`workbook_core::class::Refused`), in the teacher's language: a path the server
//! does not have (404) and a method a route does not take (405) too.
//!
//! - `request.rs`: what every route reads and answers with: a body in time, the tokens, a
//!   refusal;
//! - `learners.rs`: the learners' routes, a join and a batch of verdicts, checked;
//! - `teacher.rs`: the teacher's, the page, its live stream and the exports (the roster's
//!   changes are `../roster.rs`);
//! - `mirror.rs`: the room's mirror's, the crates, the course and the book.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{Method, StatusCode, Uri};
use axum::response::Response;
use axum::routing::{get, post};
use workbook_core::class::{self, HELLO_PATH, JOIN_PATH, ROSTER_PATH, VERDICTS_PATH};
use workbook_core::language::messages::ClassMsg;

use super::Class;
use super::store::Event;

mod learners;
mod mirror;
pub(super) mod request;
mod teacher;

pub fn routes(class: Arc<Class>) -> Router {
    Router::new()
        .route("/", get(teacher::dashboard))
        .route(JOIN_PATH, post(learners::join))
        .route(VERDICTS_PATH, post(learners::verdicts))
        .route(
            HELLO_PATH,
            get(|| async { axum::Json(serde_json::json!({"ok": true})) }),
        )
        .route("/api/stream", get(teacher::stream))
        .route("/export.csv", get(teacher::export_csv))
        .route("/export.json", get(teacher::export_json))
        .route(ROSTER_PATH, post(super::roster::change))
        // The room's mirror (`class serve --mirror`): cargo's registry, the course, the book.
        .route("/index/config.json", get(mirror::config_json))
        .route("/index/{*path}", get(mirror::index))
        .route("/crates/{name}/{version}/download", get(mirror::download))
        .route(super::mirror::CARGO_CONFIG, get(mirror::cargo_config))
        .route("/course.git", get(mirror::repository))
        .route("/course.git/", get(mirror::repository))
        .route("/course.git/{*path}", get(mirror::repository))
        .route("/book", get(mirror::book))
        .route("/book/", get(mirror::book))
        .route("/book/{*path}", get(mirror::book))
        // Nothing here, or not asked so: said in a body, as every refusal is.
        .fallback(nothing_here)
        .method_not_allowed_fallback(not_asked_so)
        .with_state(class)
}

async fn nothing_here(State(class): State<Arc<Class>>, uri: Uri) -> Response {
    let path = class::one_line(uri.path(), 200);
    request::refuse(
        StatusCode::NOT_FOUND,
        class.say(ClassMsg::RefuseNoRoute, &[("path", &path)]),
    )
}

/// A route asked with a method it does not take: said with the one it takes. The
/// learners' and the roster's routes take a body, POST; every other route is read, GET.
async fn not_asked_so(State(class): State<Arc<Class>>, method: Method, uri: Uri) -> Response {
    let allowed = if [JOIN_PATH, VERDICTS_PATH, ROSTER_PATH].contains(&uri.path()) {
        Method::POST
    } else {
        Method::GET
    };
    let path = class::one_line(uri.path(), 200);
    // axum adds the `Allow` header HTTP asks of a 405.
    request::refuse(
        StatusCode::METHOD_NOT_ALLOWED,
        class.say(
            ClassMsg::RefuseMethod,
            &[("path", &path), ("method", &method), ("allowed", &allowed)],
        ),
    )
}

/// The learners whose rows `events` changed, once each.
pub fn learners_of(events: &[Event]) -> BTreeSet<i64> {
    events.iter().map(|event| event.learner).collect()
}
