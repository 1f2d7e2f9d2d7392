//! The lesson's program as a script runs it: `cargo test -p l11-micro --test main cli::`.
//!
//! A client whose registry does not answer says so in one line, with the command that
//! starts one, and exits with a failure at once; a program whose reader has gone
//! (`new DIR | head -0`) ends quietly, as `cat` does.

use crate::program;

use program::BINARY;
use program::scaffold::Scratch;
use testkit::tool::{ends_quietly_when_output_is_cut, fails, nothing_listens};

#[tokio::test]
async fn a_client_whose_consul_does_not_answer_says_so_and_exits_with_failure() {
    let nowhere = nothing_listens();
    let env = [("CONSUL_HTTP_ADDR", nowhere.as_str())];
    let said = fails(BINARY, &["--registry", "consul", "client"], &env).await;
    assert!(
        said.contains(&format!("no Consul agent answers at http://{nowhere}"))
            && said.contains("cargo run -p workbook -- services up")
            && said.lines().count() == 1,
        "one line that says no agent answers, and how to start one:\n{said}"
    );
}

#[tokio::test]
async fn a_client_whose_etcd_does_not_answer_says_so_and_exits_with_failure() {
    let nowhere = nothing_listens();
    let args = [
        "--registry",
        "etcd",
        "--registry-address",
        &nowhere,
        "client",
    ];
    let said = fails(BINARY, &args, &[]).await;
    assert!(
        said.contains(&format!(
            "no etcd answers at {nowhere}: start one with `etcd "
        )) && said.lines().count() == 1,
        "one line that says no etcd answers, and how to start one:\n{said}"
    );
}

#[tokio::test]
async fn new_ends_quietly_when_its_output_is_cut() {
    // `new DIR | head -0`: the files are written, the list of them has nowhere to go.
    let scratch = Scratch::new("cut");
    let dir = scratch.0.join("greeter");
    let dir = dir.to_string_lossy();
    ends_quietly_when_output_is_cut(BINARY, &["new", &dir], &[]).await;
}
