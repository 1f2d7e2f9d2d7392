//! One retry on the next instance: `cargo test -p l07-discover --test retry`.

mod support;

use std::collections::HashMap;
use std::sync::Mutex;

use l07_discover::exercises::retry::call_with_retry;
use proto::hello::HelloRequest;
use proto::hello::greeter_client::GreeterClient;
use support::{Greeter, dead_address};
use testkit::within;
use tonic::transport::{Channel, Endpoint};
use tonic::{Code, Status};

#[tokio::test]
async fn one_dead_instance_among_live_ones_fails_no_call() {
    let a = Greeter::start("greeter-a").await;
    let b = Greeter::start("greeter-b").await;
    let dead = dead_address().await;
    // The dead instance is still listed: discovery has not noticed yet.
    let listed = vec![a.address(), dead, b.address()];
    let clients: HashMap<String, GreeterClient<Channel>> = listed
        .iter()
        .map(|addr| {
            let endpoint = Endpoint::from_shared(format!("http://{addr}")).unwrap();
            (addr.clone(), GreeterClient::new(endpoint.connect_lazy()))
        })
        .collect();

    let mut served: HashMap<String, usize> = HashMap::new();
    for call in 0..100 {
        // Turns in order, as a round-robin picker gives them: every third call picks the
        // dead instance first.
        let answer = within(
            "a call",
            call_with_retry(&listed, call, |addr| {
                let mut client = clients[&addr].clone();
                async move {
                    let reply = client
                        .say_hello(HelloRequest {
                            name: "Ferris".into(),
                        })
                        .await?;
                    let id = reply.metadata().get("x-instance").cloned();
                    Ok(id.expect("x-instance").to_str().unwrap().to_string())
                }
            }),
        )
        .await
        .unwrap_or_else(|status| panic!("call {call} failed: {status:?}"));
        *served.entry(answer).or_default() += 1;
    }
    assert_eq!(
        served.get("greeter-a").copied().unwrap_or(0)
            + served.get("greeter-b").copied().unwrap_or(0),
        100,
        "every call was answered, by one of the live instances: {served:?}"
    );
    assert!(served.len() == 2, "both live instances answer: {served:?}");
}

/// Calls through `call_with_retry` with an instance list, and records who was called.
async fn record(
    instances: &[&str],
    start: usize,
    outcome: impl Fn(&str) -> Result<(), Status>,
) -> (Result<String, Status>, Vec<String>) {
    let instances: Vec<String> = instances.iter().map(|s| s.to_string()).collect();
    let called = Mutex::new(Vec::new());
    let answer = within(
        "call_with_retry",
        call_with_retry(&instances, start, |addr: String| {
            called.lock().unwrap().push(addr.clone());
            let result = outcome(&addr).map(|()| addr);
            async move { result }
        }),
    )
    .await;
    (answer, called.into_inner().unwrap())
}

#[tokio::test]
async fn the_instance_picked_is_called_first() {
    let (answer, called) = record(&["a", "b", "c"], 1, |_| Ok(())).await;
    assert_eq!(answer.unwrap(), "b");
    assert_eq!(called, ["b"], "a call that succeeds is made once");
}

#[tokio::test]
async fn an_unavailable_instance_is_followed_by_the_next_one() {
    let (answer, called) = record(&["a", "b", "c"], 2, |addr| match addr {
        "c" => Err(Status::unavailable("tcp connect error")),
        _ => Ok(()),
    })
    .await;
    assert_eq!(
        called,
        ["c", "a"],
        "after the last instance comes the first"
    );
    assert_eq!(answer.unwrap(), "a");
}

#[tokio::test]
async fn a_start_beyond_the_list_wraps_around() {
    let (answer, called) = record(&["a", "b"], 5, |_| Ok(())).await;
    assert_eq!(called, ["b"], "start 5 among 2 instances is instance 1");
    assert!(answer.is_ok());
}

#[tokio::test]
async fn other_errors_are_not_retried() {
    let (answer, called) = record(&["a", "b", "c"], 0, |_| {
        Err(Status::invalid_argument("name must not be empty"))
    })
    .await;
    assert_eq!(
        called,
        ["a"],
        "InvalidArgument would be the same anywhere: one call only"
    );
    assert_eq!(answer.unwrap_err().code(), Code::InvalidArgument);
}

#[tokio::test]
async fn one_retry_only() {
    let (answer, called) = record(&["a", "b", "c"], 0, |_| Err(Status::unavailable("down"))).await;
    assert_eq!(called, ["a", "b"], "bounded: a first call and one retry");
    assert_eq!(answer.unwrap_err().code(), Code::Unavailable);
}

#[tokio::test]
async fn a_single_instance_is_not_called_twice() {
    let (answer, called) = record(&["a"], 0, |_| Err(Status::unavailable("down"))).await;
    assert_eq!(called, ["a"], "the next instance of one is itself");
    assert_eq!(answer.unwrap_err().code(), Code::Unavailable);
}

#[tokio::test]
async fn no_instance_is_unavailable_without_a_call() {
    let (answer, called) = record(&[], 0, |_| Ok(())).await;
    assert!(called.is_empty(), "nothing to call: {called:?}");
    assert_eq!(answer.unwrap_err().code(), Code::Unavailable);
}
