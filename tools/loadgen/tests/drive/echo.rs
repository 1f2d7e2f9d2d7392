//! `loadgen echo` against tiny echo servers: a right one, a wrong one, a silent one, and
//! one that hangs up.

use crate::common::{assert_clean, errors_of, line_server, serve, short_run};
use loadgen::Protocol;

#[tokio::test]
async fn a_right_echo_server_gives_requests_and_no_errors() {
    let addr = line_server(|line| Some(line.to_owned())).await;
    let report = short_run(Protocol::Echo, addr, 4, 1).await;
    assert_clean(&report);
    assert!(report.latency(0.5) <= report.latency(0.99));
    assert!(report.latency(0.99) <= report.latency(0.999));
    assert!(report.latency(0.999) <= report.max_latency());
}

#[tokio::test]
async fn pipelined_echoes_are_matched_in_order() {
    let addr = line_server(|line| Some(line.to_owned())).await;
    assert_clean(&short_run(Protocol::Echo, addr, 2, 16).await);
}

#[tokio::test]
async fn a_wrong_echo_is_counted_as_an_error_never_as_a_request() {
    let addr = line_server(|line| Some(line.to_uppercase())).await;
    let report = short_run(Protocol::Echo, addr, 2, 1).await;
    assert_eq!(report.requests(), 0, "{report}");
    assert!(errors_of(&report, "wrong reply") > 0, "{report}");
    let text = report.to_string();
    assert!(
        text.contains(r#"hello world", got "W"#),
        "the example shows both: {text}"
    );
}

#[tokio::test]
async fn an_echo_of_another_line_is_an_error() {
    // Answers every line with the same one: right only for the very first request.
    let addr = line_server(|_| Some("w0-0 hello world".into())).await;
    let report = short_run(Protocol::Echo, addr, 1, 1).await;
    assert!(errors_of(&report, "wrong reply") > 0, "{report}");
}

#[tokio::test]
async fn a_server_that_never_answers_ends_the_run_with_no_reply_errors() {
    let addr = line_server(|_| None).await;
    let report = short_run(Protocol::Echo, addr, 3, 2).await;
    assert_eq!(report.requests(), 0);
    assert_eq!(errors_of(&report, "no reply"), 6, "{report}");
}

#[tokio::test]
async fn a_server_that_hangs_up_costs_errors_and_the_run_still_ends() {
    let addr = serve(|stream| async move { drop(stream) }).await;
    let report = short_run(Protocol::Echo, addr, 2, 1).await;
    assert_eq!(report.requests(), 0);
    assert!(errors_of(&report, "connection lost") > 0, "{report}");
}
