//! Checks `rpc.dispatch`: `cargo test -p l02-rpc --test dispatch`.

mod support;

use std::sync::Arc;

use l02_rpc::exercises::dispatch::Dispatcher;
use l02_rpc::message::{Reply, Request};
use l02_rpc::registry::{MethodFuture, Registry, Service};
use serde_json::{Value, json};
use testkit::within;
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;

/// A service whose one method always fails.
struct Failing;

impl Service for Failing {
    fn call(&self, method: &str, _params: Value) -> Option<MethodFuture> {
        match method {
            "Always" => Some(Box::pin(async {
                Err("it failed, as it always does".to_string())
            })),
            _ => None,
        }
    }
}

/// A service whose calls run until the test lets them go: `gate.Wait` says that it has
/// started, then waits for a permit of `release`.
struct Gate {
    started: mpsc::UnboundedSender<()>,
    release: Arc<Semaphore>,
}

impl Service for Gate {
    fn call(&self, method: &str, _params: Value) -> Option<MethodFuture> {
        let started = self.started.clone();
        let release = Arc::clone(&self.release);
        match method {
            "Wait" => Some(Box::pin(async move {
                let _ = started.send(());
                let permit = release.acquire().await.map_err(|error| error.to_string())?;
                permit.forget();
                Ok(json!("opened"))
            })),
            _ => None,
        }
    }
}

/// The test's side of a `Gate`: which calls have started, and the calls' release.
struct GateControl {
    started: mpsc::UnboundedReceiver<()>,
    release: Arc<Semaphore>,
}

impl GateControl {
    /// Waits until one more `gate.Wait` call is running.
    async fn one_started(&mut self) {
        within("a gate.Wait call to start running", self.started.recv())
            .await
            .expect("the dispatcher is gone");
    }
}

/// A dispatcher over hello, failing and gate, with at most `most` calls a service.
fn dispatcher(most: usize) -> (Arc<Dispatcher>, GateControl) {
    let (started, started_rx) = mpsc::unbounded_channel();
    let release = Arc::new(Semaphore::new(0));
    let mut registry: Registry = support::hello_registry();
    registry.register("failing", Failing);
    registry.register(
        "gate",
        Gate {
            started,
            release: Arc::clone(&release),
        },
    );
    let control = GateControl {
        started: started_rx,
        release,
    };
    (Arc::new(Dispatcher::new(registry, most)), control)
}

fn request(id: u64, method: &str, params: Value) -> Request {
    Request {
        id,
        method: method.to_string(),
        params,
    }
}

async fn run(dispatcher: &Dispatcher, id: u64, method: &str, params: Value) -> Reply {
    within(
        &format!("the reply to {method}"),
        dispatcher.dispatch(request(id, method, params)),
    )
    .await
}

/// Checks that `reply` is an error reply for request `id` whose message mentions `expected`.
fn assert_error(reply: &Reply, id: u64, expected: &str) {
    assert_eq!(
        reply.id, id,
        "the reply must carry the request's id; got {reply:?}"
    );
    assert!(
        reply.result.is_none(),
        "an error reply has no result; got {reply:?}"
    );
    let message = reply
        .error
        .as_deref()
        .unwrap_or_else(|| panic!("expected an error reply, got {reply:?}"));
    assert!(
        message.contains(expected),
        "the error {message:?} should mention {expected:?}"
    );
}

/// Starts `gate.Wait` on a task of its own, and waits until it runs.
async fn start_waiting(
    calls: &mut JoinSet<Reply>,
    dispatcher: &Arc<Dispatcher>,
    gate: &mut GateControl,
    id: u64,
) -> tokio::task::AbortHandle {
    let dispatcher = Arc::clone(dispatcher);
    let handle = calls.spawn(async move {
        dispatcher
            .dispatch(request(id, "gate.Wait", Value::Null))
            .await
    });
    gate.one_started().await;
    handle
}

#[tokio::test]
async fn calls_run_and_their_outcome_is_the_reply() {
    let (dispatcher, _gate) = dispatcher(2);
    let reply = run(&dispatcher, 7, "hello.HelloWorld", json!("gopher")).await;
    assert_eq!(
        reply,
        Reply::ok(7, json!("gopher hello world")),
        "hello.HelloWorld(\"gopher\")"
    );
    assert_error(
        &run(&dispatcher, 4, "failing.Always", Value::Null).await,
        4,
        "it failed, as it always does",
    );
    assert_error(
        &run(&dispatcher, 2, "hello.Nope", json!("x")).await,
        2,
        "can't find method hello.Nope",
    );
    assert_error(
        &run(&dispatcher, 3, "HelloWorld", json!("x")).await,
        3,
        "ill-formed",
    );
}

#[tokio::test]
async fn a_service_with_enough_calls_running_answers_busy_at_once() {
    let (dispatcher, mut gate) = dispatcher(2);
    let mut calls = JoinSet::new();
    start_waiting(&mut calls, &dispatcher, &mut gate, 1).await;
    start_waiting(&mut calls, &dispatcher, &mut gate, 2).await;

    // Two calls of gate run: a third is refused without waiting for either.
    let third = run(&dispatcher, 3, "gate.Wait", Value::Null).await;
    assert_error(&third, 3, "busy");
    assert_error(&third, 3, "gate");
    // The limit is the gate's alone, and a name the registry cannot run is no call.
    let hello = run(&dispatcher, 4, "hello.HelloWorld", json!("ada")).await;
    assert_eq!(
        hello,
        Reply::ok(4, json!("ada hello world")),
        "another service is served while gate is busy"
    );
    assert_error(
        &run(&dispatcher, 5, "gate.Nope", Value::Null).await,
        5,
        "can't find method gate.Nope",
    );

    // One call ends: its place is free again.
    gate.release.add_permits(1);
    let finished = within("a gate.Wait call to end", calls.join_next())
        .await
        .expect("a call")
        .expect("the call's task");
    assert_eq!(
        finished.result,
        Some(json!("opened")),
        "a call let in runs to its outcome; got {finished:?}"
    );
    start_waiting(&mut calls, &dispatcher, &mut gate, 6).await;

    gate.release.add_permits(2);
    within("the other gate.Wait calls to end", async {
        while let Some(call) = calls.join_next().await {
            call.expect("the call's task");
        }
    })
    .await;
}

#[tokio::test]
async fn a_caller_that_gives_up_gives_its_place_back() {
    let (dispatcher, mut gate) = dispatcher(1);
    let mut calls = JoinSet::new();
    let abandoned = start_waiting(&mut calls, &dispatcher, &mut gate, 1).await;
    assert_error(
        &run(&dispatcher, 2, "gate.Wait", Value::Null).await,
        2,
        "busy",
    );

    // The caller gives up: its dispatch future is dropped in the middle of the call.
    abandoned.abort();
    let ended = within("the abandoned call's task to end", calls.join_next())
        .await
        .expect("a call");
    assert!(
        ended.is_err_and(|error| error.is_cancelled()),
        "the abandoned call should have been cancelled"
    );

    // Its place is free: the next call runs.
    start_waiting(&mut calls, &dispatcher, &mut gate, 3).await;
    gate.release.add_permits(1);
    let next = within("the next gate.Wait call to end", calls.join_next())
        .await
        .expect("a call")
        .expect("the call's task");
    assert_eq!(
        next,
        Reply::ok(3, json!("opened")),
        "the call after an abandoned one"
    );
}

#[tokio::test]
async fn a_call_that_fails_gives_its_place_back() {
    let (dispatcher, _gate) = dispatcher(1);
    for id in 1..=3 {
        assert_error(
            &run(&dispatcher, id, "failing.Always", Value::Null).await,
            id,
            "it failed, as it always does",
        );
    }
    for id in 4..=6 {
        let reply = run(&dispatcher, id, "hello.HelloWorld", json!(42)).await;
        assert_error(&reply, id, "invalid params");
    }
}
