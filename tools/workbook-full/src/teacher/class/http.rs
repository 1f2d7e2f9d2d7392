//! The class server's HTTP routes: a learner's join and verdicts, the teacher's page, its
//! live stream and the exports. Every refusal is a 4xx with its reason in one line of
//! JSON (`workbook_core::class::Refused`), in the teacher's language.

use std::collections::BTreeSet;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use tokio::sync::broadcast::error::RecvError;
use workbook_core::class::{
    self, Accepted, Batch, HELLO_PATH, JOIN_PATH, Join, Joined, ROSTER_PATH, Refused,
    RefusedVerdict, VERDICTS_PATH, Verdict,
};
use workbook_core::language::messages::{ClassMsg, say_in};

use super::guard;
use super::store::{Added, Event, NewLearner};
use super::{Class, export, page};

/// The largest join request read.
pub(super) const MAX_JOIN_BYTES: usize = 4 * 1024;

/// How long a request's body may take to arrive: the largest (64 KiB) at 6.5 KiB/s. A
/// client that announces a body and sends it a byte at a time, or never, is refused.
const BODY_TIME: Duration = Duration::from_secs(10);

pub fn routes(class: Arc<Class>) -> Router {
    Router::new()
        .route("/", get(dashboard))
        .route(JOIN_PATH, post(join))
        .route(VERDICTS_PATH, post(verdicts))
        .route(
            HELLO_PATH,
            get(|| async { axum::Json(serde_json::json!({"ok": true})) }),
        )
        .route("/api/stream", get(stream))
        .route("/export.csv", get(export_csv))
        .route("/export.json", get(export_json))
        .route(ROSTER_PATH, post(super::roster::change))
        .with_state(class)
}

/// A refusal: `status`, and why.
pub(super) fn refuse(status: StatusCode, why: String) -> Response {
    (status, axum::Json(Refused { error: why })).into_response()
}

impl Class {
    pub(super) fn say(&self, msg: ClassMsg, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        say_in(self.lang, msg, args)
    }
}

/// Reads a body of at most `max` bytes as JSON of type `T`.
pub(super) async fn read_json<T: serde::de::DeserializeOwned>(
    class: &Class,
    body: Body,
    max: usize,
) -> Result<T, Response> {
    let read = tokio::time::timeout(BODY_TIME, axum::body::to_bytes(body, max)).await;
    let bytes: Bytes = match read {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(_)) => {
            return Err(refuse(
                StatusCode::PAYLOAD_TOO_LARGE,
                class.say(ClassMsg::RefuseTooLarge, &[("max", &max)]),
            ));
        }
        Err(_) => {
            let seconds = BODY_TIME.as_secs();
            return Err(refuse(
                StatusCode::REQUEST_TIMEOUT,
                class.say(ClassMsg::RefuseSlow, &[("seconds", &seconds)]),
            ));
        }
    };
    serde_json::from_slice(&bytes).map_err(|err| {
        refuse(
            StatusCode::BAD_REQUEST,
            class.say(ClassMsg::RefuseJson, &[("why", &err)]),
        )
    })
}

async fn join(
    State(class): State<Arc<Class>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    body: Body,
) -> Response {
    if !class.limits.join(peer.ip()) {
        return refuse(
            StatusCode::TOO_MANY_REQUESTS,
            class.say(ClassMsg::RefuseBusy, &[]),
        );
    }
    let request: Join = match read_json(&class, body, MAX_JOIN_BYTES).await {
        Ok(request) => request,
        Err(refused) => return refused,
    };
    let admission = class.admission();
    if !guard::same_secret(&class::typed_code(&request.code), &admission.code) {
        return refuse(StatusCode::FORBIDDEN, class.say(ClassMsg::RefuseCode, &[]));
    }
    let name = match class::check_name(&request.name) {
        Ok(name) => name,
        Err(bad) => {
            let why = class.say(bad.message(), &[("max", &class::MAX_NAME_CHARS)]);
            return refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                class.say(ClassMsg::RefuseName, &[("why", &why)]),
            );
        }
    };
    let new = NewLearner {
        name: name.clone(),
        token: guard::token(16),
        rejoin_code: guard::rejoin_code(),
        presented: request.rejoin.as_deref().map(class::typed_code),
        joined_ms: class::now_ms(),
        most: class.most,
        // Closed, the class still lets its own learners back in.
        open: admission.joining,
    };
    let joined = Joined {
        token: new.token.clone(),
        class: class.row.name.clone(),
        rejoin: Some(new.rejoin_code.clone()),
    };
    let joined_ms = new.joined_ms;
    match class.writer.join(new).await {
        Ok(Added::Learner(id)) => {
            class.joined(id, &name, &joined.token, joined_ms);
            axum::Json(joined).into_response()
        }
        Ok(Added::Again(id, old)) => {
            class.joined_again(id, &old, &joined.token);
            axum::Json(joined).into_response()
        }
        Ok(Added::Taken) => refuse(
            StatusCode::CONFLICT,
            class.say(ClassMsg::RefuseNameTaken, &[]),
        ),
        Ok(Added::Closed) => refuse(StatusCode::LOCKED, class.say(ClassMsg::RefuseClosed, &[])),
        Ok(Added::Full) => refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            class.say(ClassMsg::RefuseFull, &[("max", &class.most)]),
        ),
        Err(err) => refuse(StatusCode::INTERNAL_SERVER_ERROR, format!("{err:#}")),
    }
}

/// The bearer token of a request.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

async fn verdicts(State(class): State<Arc<Class>>, headers: HeaderMap, body: Body) -> Response {
    let Some(learner) = bearer(&headers).and_then(|token| class.learner_of(token)) else {
        return refuse(
            StatusCode::UNAUTHORIZED,
            class.say(ClassMsg::RefuseToken, &[]),
        );
    };
    if !class.limits.learner(learner) {
        return refuse(
            StatusCode::TOO_MANY_REQUESTS,
            class.say(ClassMsg::RefuseBusy, &[]),
        );
    }
    let batch: Batch = match read_json(&class, body, class::MAX_BODY_BYTES).await {
        Ok(batch) => batch,
        Err(refused) => return refused,
    };
    if batch.verdicts.is_empty() || batch.verdicts.len() > class::MAX_BATCH {
        return refuse(
            StatusCode::BAD_REQUEST,
            class.say(ClassMsg::RefuseBatch, &[("max", &class::MAX_BATCH)]),
        );
    }
    let (events, refused) = events_of(&class, learner, batch);
    let kept = if events.is_empty() {
        Ok(Vec::new())
    } else {
        class.writer.keep(events).await
    };
    match kept {
        Ok(new) => {
            class.kept(&new);
            axum::Json(Accepted {
                kept: new.len(),
                refused,
            })
            .into_response()
        }
        Err(err) => refuse(StatusCode::INTERNAL_SERVER_ERROR, format!("{err:#}")),
    }
}

/// A batch's verdicts as events, each checked alone, with times on the server's clock:
/// those kept, and those refused with why (one bad verdict never costs the good ones).
fn events_of(class: &Class, learner: i64, batch: Batch) -> (Vec<Event>, Vec<RefusedVerdict>) {
    let now = class::now_ms();
    let mut events = Vec::with_capacity(batch.verdicts.len());
    let mut refused = Vec::new();
    for verdict in batch.verdicts {
        match check_verdict(class, &verdict) {
            Ok(()) => {}
            Err(error) => {
                refused.push(RefusedVerdict {
                    seq: verdict.seq,
                    error,
                });
                continue;
            }
        }
        // How long before sending it was made, by the learner's clock (whatever that
        // clock says), taken from the server's now, and never more than a day: a laptop
        // that believes it is 1970 makes a verdict of now, not one of 55 years ago.
        let age = batch
            .sent_ms
            .saturating_sub(verdict.at_ms)
            .min(class::MAX_AGE_MS);
        events.push(Event {
            learner,
            seq: verdict.seq.min(i64::MAX as u64),
            exercise: verdict.exercise,
            passed: verdict.passed,
            test: verdict
                .test
                .map(|t| class::one_line(&t, class::MAX_TEST_CHARS)),
            message: verdict
                .message
                .map(|m| class::one_line(&m, class::MAX_MESSAGE_CHARS)),
            hints: verdict.hints,
            at_ms: now.saturating_sub(age),
            received_ms: now,
            current: verdict.current,
        });
    }
    (events, refused)
}

/// Whether a verdict is one the server keeps; or why not.
fn check_verdict(class: &Class, verdict: &Verdict) -> Result<(), String> {
    let too_long = |field: &str, max: usize| {
        class.say(ClassMsg::RefuseTooLong, &[("field", &field), ("max", &max)])
    };
    if verdict.exercise.chars().count() > class::MAX_EXERCISE_CHARS {
        return Err(too_long("exercise", class::MAX_EXERCISE_CHARS));
    }
    if !class.exercises.contains(&verdict.exercise) {
        return Err(class.say(ClassMsg::RefuseExercise, &[("id", &verdict.exercise)]));
    }
    if verdict
        .test
        .as_ref()
        .is_some_and(|t| t.chars().count() > class::MAX_TEST_CHARS)
    {
        return Err(too_long("test", class::MAX_TEST_CHARS));
    }
    if verdict
        .message
        .as_ref()
        .is_some_and(|m| m.chars().count() > class::MAX_MESSAGE_CHARS)
    {
        return Err(too_long("message", class::MAX_MESSAGE_CHARS));
    }
    if verdict.hints > class::MAX_HINTS {
        return Err(class.say(ClassMsg::RefuseHints, &[("max", &class::MAX_HINTS)]));
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
pub(super) struct TeacherQuery {
    token: Option<String>,
}

/// Whether a request carries the teacher's token (`?token=` or `Authorization: Bearer`).
pub(super) fn is_teacher(class: &Class, query: &TeacherQuery, headers: &HeaderMap) -> bool {
    query
        .token
        .as_deref()
        .or_else(|| bearer(headers))
        .is_some_and(|token| guard::same_secret(token, &class.row.teacher_token))
}

pub(super) fn not_the_teacher(class: &Class) -> Response {
    refuse(
        StatusCode::FORBIDDEN,
        class.say(ClassMsg::RefuseTeacher, &[]),
    )
}

/// The page: nothing of the class is in it; it reads the stream with the token it was
/// opened with.
async fn dashboard(State(class): State<Arc<Class>>) -> Html<String> {
    Html(page::page(class.lang, &class.row.name))
}

async fn stream(
    State(class): State<Arc<Class>>,
    Query(query): Query<TeacherQuery>,
    headers: HeaderMap,
) -> Response {
    if !is_teacher(&class, &query, &headers) {
        return not_the_teacher(&class);
    }
    let mut updates = class.updates.subscribe();
    let mut stopping = class.stopping.subscribe();
    let first = class.snapshot();
    let events = async_stream(move |sender| async move {
        if sender.send(first).await.is_err() {
            return;
        }
        loop {
            let update = tokio::select! {
                update = updates.recv() => update,
                // The server stops: the stream ends, and the page reconnects to the next.
                _ = stopping.wait_for(|stop| *stop) => return,
            };
            let next = match update {
                Ok(update) => update.to_string(),
                // Too far behind to catch up message by message: the whole board again.
                Err(RecvError::Lagged(_)) => class.snapshot(),
                Err(RecvError::Closed) => return,
            };
            if sender.send(next).await.is_err() {
                return;
            }
        }
    });
    Sse::new(events)
        .keep_alive(KeepAlive::default())
        .into_response()
}

/// A stream of SSE events fed by `produce` through a small channel.
fn async_stream<F, Fut>(
    produce: F,
) -> impl tokio_stream::Stream<Item = Result<SseEvent, Infallible>>
where
    F: FnOnce(tokio::sync::mpsc::Sender<String>) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    use tokio_stream::StreamExt;
    let (sender, receiver) = tokio::sync::mpsc::channel(64);
    tokio::spawn(produce(sender));
    tokio_stream::wrappers::ReceiverStream::new(receiver)
        .map(|data| Ok(SseEvent::default().data(data)))
}

async fn export_csv(
    State(class): State<Arc<Class>>,
    Query(query): Query<TeacherQuery>,
    headers: HeaderMap,
) -> Response {
    if !is_teacher(&class, &query, &headers) {
        return not_the_teacher(&class);
    }
    let text = {
        let board = class.board();
        export::csv(&class.course, &board, class::now_ms())
    };
    attachment(
        "text/csv; charset=utf-8",
        &format!("{}.csv", class.row.name),
        text,
    )
}

async fn export_json(
    State(class): State<Arc<Class>>,
    Query(query): Query<TeacherQuery>,
    headers: HeaderMap,
) -> Response {
    if !is_teacher(&class, &query, &headers) {
        return not_the_teacher(&class);
    }
    let reports = {
        let board = class.board();
        export::reports(&class.course, &board, class::now_ms())
    };
    let text = serde_json::to_string_pretty(&reports).unwrap_or_default();
    attachment(
        "application/json",
        &format!("{}.json", class.row.name),
        text,
    )
}

/// A file to save, named `name` (only the characters a file name keeps everywhere).
fn attachment(kind: &'static str, name: &str, text: String) -> Response {
    let name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        text,
    )
        .into_response()
}

/// The learners whose rows `events` changed, once each.
pub fn learners_of(events: &[Event]) -> BTreeSet<i64> {
    events.iter().map(|event| event.learner).collect()
}
