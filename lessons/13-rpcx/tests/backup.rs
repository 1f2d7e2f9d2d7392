//! `rpcx.backup`: a hedged call against the lesson's real servers — a fast one, a slow one,
//! one that never answers and an address that refuses connections.

mod support;

use std::time::Duration;

use l13_rpcx::arith::{Args, Quotient};
use l13_rpcx::connection::CallError;
use l13_rpcx::exercises::backup::call_with_backup;
use support::{Silent, refusing, server};
use testkit::within;

const ARGS: Args = Args { a: 17, b: 5 };

#[tokio::test]
async fn a_fast_first_server_answers_alone() {
    let fast = server(Duration::ZERO).await;
    let silent = Silent::start().await;
    let (first, second) = (fast.addr.to_string(), silent.addr.to_string());
    let answered = within(
        "a call to a fast server",
        call_with_backup::<_, i64>([&first, &second], "Mul", &ARGS, Duration::from_secs(2)),
    )
    .await
    .expect("the fast server's reply");
    assert_eq!(
        (answered.reply, answered.by.as_str()),
        (85, first.as_str()),
        "17 * 5, from the first server"
    );
    assert_eq!(
        silent.accepted(),
        0,
        "no backup call goes out when the first server answers before the delay"
    );
}

#[tokio::test]
async fn a_slow_first_server_is_overtaken_by_the_backup() {
    // Slower than the test's patience: only a backup that does not wait for it can answer.
    let slow = server(Duration::from_secs(60)).await;
    let fast = server(Duration::ZERO).await;
    let (first, second) = (slow.addr.to_string(), fast.addr.to_string());
    let answered = within(
        "a hedged call",
        call_with_backup::<_, Quotient>([&first, &second], "Div", &ARGS, Duration::from_millis(20)),
    )
    .await
    .expect("the backup's reply");
    assert_eq!(answered.reply, Quotient { quo: 3, rem: 2 }, "17 / 5");
    assert_eq!(
        answered.by, second,
        "the second server answers first: the first waits 60 s"
    );
}

#[tokio::test]
async fn a_first_call_that_cannot_be_sent_is_backed_up_at_once() {
    let fast = server(Duration::ZERO).await;
    let refused = refusing();
    let (first, second) = (refused.addr.clone(), fast.addr.to_string());
    // A delay far past the test's patience: only a backup sent at once answers in time.
    let answered = within(
        "a backup sent at once",
        call_with_backup::<_, i64>([&first, &second], "Mul", &ARGS, Duration::from_secs(60)),
    )
    .await
    .expect("the second server's reply");
    assert_eq!(
        (answered.reply, answered.by.as_str()),
        (85, second.as_str())
    );
}

#[tokio::test]
async fn the_first_servers_own_error_is_the_answer() {
    let first = server(Duration::ZERO).await;
    let silent = Silent::start().await;
    let (first_addr, second) = (first.addr.to_string(), silent.addr.to_string());
    let error = within(
        "a call that fails on the server",
        call_with_backup::<_, Quotient>(
            [&first_addr, &second],
            "Div",
            &Args { a: 1, b: 0 },
            Duration::from_secs(2),
        ),
    )
    .await
    .expect_err("dividing by 0 is an error");
    assert_eq!(
        error,
        CallError::Service("divide by 0".into()),
        "the server's error, as it said it"
    );
    assert_eq!(
        silent.accepted(),
        0,
        "an error that says the call ran is not backed up"
    );
}

#[tokio::test]
async fn a_backup_that_fails_leaves_the_slow_reply() {
    let slow = server(Duration::from_millis(300)).await;
    let refused = refusing();
    let (first, second) = (slow.addr.to_string(), refused.addr.clone());
    let answered = within(
        "the slow server's reply",
        call_with_backup::<_, i64>([&first, &second], "Mul", &ARGS, Duration::from_millis(20)),
    )
    .await
    .expect("the first server still answers");
    assert_eq!((answered.reply, answered.by.as_str()), (85, first.as_str()));
}

#[tokio::test]
async fn when_both_fail_the_first_error_is_told() {
    let (one, two) = (refusing(), refusing());
    let (first, second) = (one.addr.clone(), two.addr.clone());
    let error = within(
        "two calls that cannot be sent",
        call_with_backup::<_, i64>([&first, &second], "Mul", &ARGS, Duration::from_millis(20)),
    )
    .await
    .expect_err("nobody answers");
    match error {
        CallError::Unreached(why) => assert!(
            why.contains(&first),
            "the first server's error, naming it: {why}"
        ),
        other => panic!("expected the first call's `Unreached`, got {other:?}"),
    }
}
