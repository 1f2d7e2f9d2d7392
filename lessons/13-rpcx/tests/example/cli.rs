//! The client as a script runs it: a run in which calls got no answer exits with a failure,
//! so that `client --rounds 2 && next-step` stops there; etcd not there is said in one line
//! with the command that starts it; and a client whose reader has gone (`client | head -0`)
//! ends quietly, as `cat` does.

use testkit::ServerProcess;
use testkit::tool::{ends_quietly_when_output_is_cut, fails, nothing_listens};

const BINARY: &str = env!("CARGO_BIN_EXE_l13-rpcx");

#[tokio::test]
async fn a_client_whose_calls_get_no_answer_exits_with_failure() {
    let nowhere = nothing_listens();
    let args = [
        "client", "--addr", &nowhere, "--rounds", "2", "--every", "1ms",
    ];
    let said = fails(BINARY, &args, &[]).await;
    assert!(
        said.contains("4 of 4 calls not answered"),
        "it says how many calls got no answer:\n{said}"
    );
}

#[tokio::test]
async fn with_no_etcd_the_client_and_the_server_say_so_in_one_line() {
    let nowhere = nothing_listens();
    let client = ["client", "--etcd", &nowhere, "--rounds", "1"];
    let server = ["server", "--addr", "127.0.0.1:0", "--etcd", &nowhere];
    for args in [&client[..], &server[..]] {
        let said = fails(BINARY, args, &[]).await;
        assert!(
            said.contains(&format!(
                "no etcd answers at {nowhere}: start one with `etcd "
            )) && said.lines().count() == 1,
            "`{}` should say in one line that no etcd answers, and how to start one; it \
             printed:\n{said}",
            args[0]
        );
    }
}

#[tokio::test]
async fn the_client_ends_quietly_when_its_output_is_cut() {
    let server = ServerProcess::start(BINARY, &["server", "--addr", "127.0.0.1:0"], 1).await;
    let addr = server.addr().to_string();
    let args = ["client", "--addr", &addr, "--rounds", "1"];
    ends_quietly_when_output_is_cut(BINARY, &args, &[]).await;
}
