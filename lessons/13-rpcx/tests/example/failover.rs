//! How the client's fail modes meet a server killed with `kill -9` whose key lingers in etcd
//! (its lease has a minute to go): the lesson's `client` run as a process, round robin, so
//! that every other call picks the dead server. Failfast and Failtry lose those calls;
//! Failover moves on and loses none.

use crate::registry::{base, server};

const BINARY: &str = env!("CARGO_BIN_EXE_l13-rpcx");

/// The last line the client printed (how many calls were answered), everything it printed,
/// and whether it exited with success: only a run in which every call was answered does.
async fn client_summary(endpoints: &str, base: &str, fail: &str) -> (String, String, bool) {
    let mut command = std::process::Command::new(BINARY);
    command
        .args([
            "client",
            "--etcd",
            endpoints,
            "--base-path",
            base,
            "--fail",
            fail,
        ])
        .args(["--select", "round-robin", "--rounds", "4", "--every", "1ms"]);
    let output =
        testkit::output_within_async("the client's four rounds", command, testkit::PATIENCE).await;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let summary = stdout.lines().last().unwrap_or_default().to_string();
    (summary, stdout, output.status.success())
}

#[tokio::test]
async fn failover_loses_no_call_to_a_killed_server() {
    let cluster = testkit::etcd_cluster(1).await;
    let endpoints = cluster.endpoints().join(",");
    let base = base("failover");
    // A minute's lease: the killed server's key stays for the whole test.
    let live = server(&cluster, &base, &["--ttl", "60s"]).await;
    let mut dead = server(&cluster, &base, &["--ttl", "60s"]).await;
    dead.signal("KILL");
    dead.exits_within(testkit::PATIENCE).await;

    for (fail, expected) in [
        ("failfast", "4 of 8 calls answered, 4 not"),
        ("failtry", "4 of 8 calls answered, 4 not"),
        ("failover", "8 of 8 calls answered, 0 not"),
    ] {
        let (summary, printed, succeeded) = client_summary(&endpoints, &base, fail).await;
        assert_eq!(
            summary, expected,
            "--fail {fail}, every other call to the dead server:\n{printed}"
        );
        assert_eq!(
            succeeded,
            fail == "failover",
            "--fail {fail}: the client exits with success only if no call was lost"
        );
        let dead_address = dead.addr().to_string();
        for line in printed.lines().filter(|line| line.contains("served by")) {
            assert!(
                line.ends_with(&live.addr().to_string()),
                "only the live server answers: {line}"
            );
        }
        if fail != "failover" {
            assert!(
                printed.contains(&format!("not sent: {dead_address}")),
                "the lost calls name the dead server:\n{printed}"
            );
        }
    }
}

/// Failbackup, with the learner's `rpcx.backup`: one server answers after a minute, and a
/// call that goes to it first is answered by the other, 10 ms later.
#[tokio::test]
async fn failbackup_answers_every_call_despite_a_slow_server() {
    if !cfg!(feature = "solution") {
        println!("skipped: `--fail failbackup` runs the exercise rpcx.backup, not done yet");
        return;
    }
    let cluster = testkit::etcd_cluster(1).await;
    let endpoints = cluster.endpoints().join(",");
    let base = base("failbackup");
    let fast = server(&cluster, &base, &[]).await;
    let _slow = server(&cluster, &base, &["--answer-after", "60s"]).await;

    // Whichever server a call goes to first, the fast one answers it; `within` gives up
    // long before the slow server would answer.
    let (summary, printed, succeeded) = client_summary(&endpoints, &base, "failbackup").await;
    assert_eq!(summary, "8 of 8 calls answered, 0 not", "{printed}");
    assert!(succeeded, "every call was answered:\n{printed}");
    for line in printed.lines().filter(|line| line.contains("served by")) {
        assert!(
            line.ends_with(&fast.addr().to_string()),
            "only the fast server answers: {line}"
        );
    }
}
