//! The user service as a learner first runs it, before the exercises are done: it stops at
//! the first one it needs (the server's TLS configuration) with one line that names it,
//! how to check it and how to run with the answers — no panic. `workbook-dev verify` runs
//! this with every stub in place; built with the answers, it has nothing to check.

use testkit::tool::{meets_the_stub, stops_at_an_unfinished_exercise};

const BINARY: &str = env!("CARGO_BIN_EXE_l16-trust");

#[tokio::test]
async fn the_user_service_names_the_exercise_it_needs_in_one_line() {
    let source = include_str!("../src/exercises/tls.rs");
    if !meets_the_stub("trust.tls", cfg!(feature = "solution"), source) {
        return;
    }
    let dir = tempfile::tempdir().expect("a scratch folder");
    let certs = dir.path().display().to_string();
    for args in [
        vec!["ca", "--certs", &certs],
        vec!["issue", "user", "--certs", &certs],
    ] {
        let made = testkit::tool::run(BINARY, &args, &[]).await;
        assert!(
            made.status.success(),
            "`{}` makes a certificate",
            args.join(" ")
        );
    }
    let args = ["user-server", "--addr", "127.0.0.1:0", "--certs", &certs];
    let env = [("REDIS_URL", "redis://127.0.0.1:1")];
    let id = stops_at_an_unfinished_exercise(BINARY, &args, &env, "trust").await;
    assert_eq!(id, "trust.tls");
}
