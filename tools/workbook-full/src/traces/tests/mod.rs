//! The trace view against real exporters: one call through `micro api`, the captcha service
//! and Redis is one trace of three spans in the page's feed, over either protocol.

mod bad;
mod page;
mod support;

use serde_json::Value;

use support::{Feed, shut_down, span, spans, traced_call, view};

/// The three spans of one call, as the feed shows them: the gateway's request, the
/// service's call under it, the Redis command under that, one trace id.
fn assert_one_call(trace: &Value, request: &str, service: &str) {
    assert_eq!(spans(trace).len(), 3, "{trace:#}");
    let gateway = span(trace, request);
    let call = span(trace, "captcha.Captcha/Verify");
    let redis = span(trace, "GETDEL");
    assert_eq!(
        gateway["parent_id"], "",
        "the gateway's span starts the trace"
    );
    assert_eq!(
        call["parent_id"], gateway["span_id"],
        "the call is under the request"
    );
    assert_eq!(
        redis["parent_id"], call["span_id"],
        "the command is under the call"
    );
    assert_eq!(gateway["kind"], "server");
    assert_eq!(redis["kind"], "client");
    for span in spans(trace) {
        assert_eq!(span["service"], service);
        assert_eq!(span["error"], false);
    }
    // On the trace's time axis: the request first, the others within it.
    assert_eq!(gateway["start_us"], 0);
    let inside = |span: &Value| {
        let start = span["start_us"].as_u64().unwrap();
        start + span["duration_us"].as_u64().unwrap() <= trace["duration_us"].as_u64().unwrap()
    };
    assert!(inside(call) && inside(redis), "{trace:#}");
    assert_eq!(trace["trace_id"].as_str().unwrap().len(), 32);
}

fn named(request: &str) -> impl Fn(&Value) -> bool + '_ {
    move |trace| spans(trace).len() == 3 && spans(trace).iter().any(|s| s["name"] == request)
}

#[tokio::test(flavor = "current_thread")]
async fn one_call_over_grpc_is_one_trace_of_three_spans_in_the_feed() {
    let view = view().await;
    let mut feed = Feed::open(&view).await;
    let hello = feed.next().await;
    assert_eq!(hello.name, "receiver");
    assert_eq!(hello.data["endpoint"], format!("http://{}", view.receiver));

    let provider = support::grpc_provider(&view, "captcha");
    let request = traced_call(&provider).await;
    let trace = feed.trace("the call's three spans", named(&request)).await;
    assert_one_call(&trace, &request, "captcha");
    shut_down(provider).await;

    // A page opened later gets the trace kept.
    let mut later = Feed::open(&view).await;
    let again = later.trace("the call's trace", named(&request)).await;
    assert_eq!(again["trace_id"], trace["trace_id"]);
}

#[tokio::test(flavor = "current_thread")]
async fn one_call_over_http_is_one_trace_of_three_spans_in_the_feed() {
    let view = view().await;
    let mut feed = Feed::open(&view).await;
    let provider = support::http_provider(&view, "gateway-and-captcha");
    let request = traced_call(&provider).await;
    let trace = feed.trace("the call's three spans", named(&request)).await;
    assert_one_call(&trace, &request, "gateway-and-captcha");
    shut_down(provider).await;
}

/// A port already held (a collector of the learner's, another copy's book) leaves the book
/// served, and the page says why there are no traces.
#[tokio::test]
async fn a_port_held_by_another_program_is_said_on_the_page() {
    let held = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let traces = crate::traces::Traces::start(held.local_addr().unwrap()).await;
    assert_eq!(traces.endpoint(), None);
    let why = traces.not_receiving().unwrap().to_string();
    assert!(
        why.contains(&held.local_addr().unwrap().to_string()),
        "{why}"
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let page = listener.local_addr().unwrap();
    tokio::spawn(axum::serve(listener, traces.routes()).into_future());
    let view = support::View {
        receiver: held.local_addr().unwrap(),
        page,
        traces,
    };
    let hello = Feed::open(&view).await.next().await;
    assert_eq!(hello.name, "receiver");
    assert_eq!(hello.data["error"], why);
}
