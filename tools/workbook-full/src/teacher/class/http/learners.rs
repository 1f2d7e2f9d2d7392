//! The learners' routes: a join (the class's code and a name, checked as a room reads
//! names) and a batch of verdicts, each verdict checked alone and dated on the server's
//! clock, so that one bad verdict never costs the good ones.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use workbook_core::class::{self, Accepted, Batch, Join, Joined, RefusedVerdict, Verdict};
use workbook_core::language::messages::ClassMsg;

use super::super::store::{Added, Event, NewLearner};
use super::super::writer::Waited;
use super::super::{Bearer, Class, guard};
use super::request::{MAX_JOIN_BYTES, bearer, read_json, refuse};

pub(super) async fn join(
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
        held: request.token.clone(),
        joined_ms: class::now_ms(),
        most: class.most,
        // Closed, the class still lets its own learners back in.
        open: admission.joining,
    };
    let joined = |token: &str, rejoin: Option<String>, name: Option<String>| Joined {
        token: token.to_string(),
        class: class.row.name.clone(),
        rejoin,
        name,
        already: false,
        was: None,
    };
    let (token, rejoin, joined_ms) = (new.token.clone(), new.rejoin_code.clone(), new.joined_ms);
    // The token the copy holds, when it is the one answered with: the copy is the same.
    let held = request.token.as_deref().unwrap_or_default();
    match class.writer.join(new).await {
        Ok(Added::Learner(id)) => {
            class.joined(id, &name, &token, joined_ms);
            axum::Json(joined(&token, Some(rejoin), Some(name))).into_response()
        }
        Ok(Added::Again { id, old, name }) => {
            class.joined_again(id, &old, &token);
            axum::Json(joined(&token, Some(rejoin), Some(name))).into_response()
        }
        Ok(Added::Already { id, rejoin }) => {
            let name = class.name_of(id);
            let already = Joined {
                already: true,
                ..joined(held, rejoin, name)
            };
            axum::Json(already).into_response()
        }
        Ok(Added::Moved { id, was, rejoin }) => {
            class.moved(id, &name);
            let moved = Joined {
                was: Some(was),
                ..joined(held, rejoin, Some(name))
            };
            axum::Json(moved).into_response()
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

pub(super) async fn verdicts(
    State(class): State<Arc<Class>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let began = Instant::now();
    let token = bearer(&headers).unwrap_or_default();
    let Some(Bearer { learner, merged }) = class.bearer(token) else {
        // A token that worked once says why it no longer does: the runner tells its
        // learner what happened, in their language.
        let gone = class.gone(token);
        let why = match gone {
            Some(class::Gone::Removed) => ClassMsg::RefuseRemoved,
            Some(class::Gone::JoinedElsewhere) => ClassMsg::RefuseJoinedElsewhere,
            None => ClassMsg::RefuseToken,
        };
        let refused = class::Refused {
            error: class.say(why, &[]),
            gone,
        };
        return (StatusCode::UNAUTHORIZED, axum::Json(refused)).into_response();
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
    let read = began.elapsed();
    let (events, refused) = events_of(&class, learner, batch);
    let kept = if events.is_empty() {
        Ok((Vec::new(), Waited::default()))
    } else {
        class.writer.keep(events).await
    };
    match kept {
        Ok((new, waited)) => {
            let shown = Instant::now();
            class.kept(&new);
            let timing = server_timing(read, waited, shown.elapsed(), began.elapsed());
            // Who they are in the class now: the teacher may have renamed them, or merged
            // their row into another, since their runner last heard.
            let mut answer = axum::Json(Accepted {
                kept: new.len(),
                refused,
                name: class.name_of(learner),
                merged,
            })
            .into_response();
            if let Ok(value) = HeaderValue::from_str(&timing) {
                answer.headers_mut().insert("server-timing", value);
            }
            answer
        }
        Err(err) => refuse(StatusCode::INTERNAL_SERVER_ERROR, format!("{err:#}")),
    }
}

/// Where a batch's time in the server went, as HTTP's `Server-Timing` header says it (in
/// milliseconds): its body read, its wait in line for the writer, its group's transaction
/// and commit (`group` holds how many requests that commit answered), the pages told, and
/// the whole handler. The rest of a request's time, from its connection to the handler,
/// is the door's and HTTP's. The room's bench reads it to tell what a slow verdict waited
/// on.
fn server_timing(read: Duration, waited: Waited, shown: Duration, all: Duration) -> String {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    format!(
        "read;dur={:.2}, queue;dur={:.2}, commit;dur={:.2};desc=\"group {}\", show;dur={:.2}, handler;dur={:.2}",
        ms(read),
        ms(waited.queued),
        ms(waited.written),
        waited.group,
        ms(shown),
        ms(all)
    )
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
        // clock says), taken from the server's now. A day at most: a verdict that says it
        // is older (a laptop that believed it was 1970, or a year ago, when it made it) is
        // dated when its batch was, never as failing since a day.
        let age = batch.sent_ms.saturating_sub(verdict.at_ms);
        let age = if age > class::MAX_AGE_MS { 0 } else { age };
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
            untouched: verdict.untouched,
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
