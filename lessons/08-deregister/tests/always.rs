//! `deregister.always`: whatever way serving ends (a clean end, an error, a panic), the
//! instance leaves the catalog, and the caller learns what happened. Checked on a real agent.

mod support;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use l08_deregister::exercises::always::serve_then_deregister;
use l08_deregister::registered::Registration;
use l08_deregister::ttl::ttl_check;
use support::{is_gone, until_gone};
use testkit::{PATIENCE, within};

fn addr() -> SocketAddr {
    "127.0.0.1:7108".parse().unwrap()
}

/// A registration with a TTL check, so that no server needs to answer a probe.
fn registration_on(url: &str, name: &str) -> Registration {
    support::registration(url, name, addr(), |instance| {
        ttl_check(instance, Duration::from_secs(60), Duration::from_secs(60))
    })
}

/// What serving sees: fails unless the instance is in the catalog while it runs.
async fn assert_registered(url: &str, name: &str) {
    assert!(
        !is_gone(url, name).await,
        "the instance should be registered while it serves"
    );
}

#[tokio::test]
async fn a_clean_end_deregisters() {
    let agent = testkit::consul().await;
    let name = support::unique_name("clean");
    let registration = registration_on(agent.url(), &name);
    let serving = async {
        assert_registered(agent.url(), &name).await;
        Ok(())
    };
    within(
        "serve_then_deregister",
        serve_then_deregister(&registration, serving),
    )
    .await
    .expect("a clean end is Ok");
    until_gone(agent.url(), &name, PATIENCE).await;
}

#[tokio::test]
async fn a_failed_server_deregisters_and_its_error_comes_back() {
    let agent = testkit::consul().await;
    let name = support::unique_name("error");
    let registration = registration_on(agent.url(), &name);
    let serving = async {
        assert_registered(agent.url(), &name).await;
        Err(anyhow::anyhow!("the listener failed: too many open files"))
    };
    let outcome = within(
        "serve_then_deregister",
        serve_then_deregister(&registration, serving),
    )
    .await;
    let error = outcome.expect_err("serving failed, so the result should be its error");
    assert!(
        format!("{error:#}").contains("too many open files"),
        "the caller should get serving's own error, got: {error:#}"
    );
    until_gone(agent.url(), &name, PATIENCE).await;
}

#[tokio::test]
async fn a_panicking_server_deregisters_and_the_panic_goes_on() {
    let agent = testkit::consul().await;
    let url = agent.url().to_string();
    let name = support::unique_name("panic");
    let registration = registration_on(&url, &name);

    let task = tokio::spawn({
        let (url, name) = (url.clone(), name.clone());
        async move {
            let serving = async {
                assert_registered(&url, &name).await;
                panic!("a bug in a handler");
            };
            serve_then_deregister(&registration, serving).await
        }
    });
    let joined = within("the panicking task", task).await;
    let error = joined.expect_err("the panic should go on to the caller after deregistering");
    assert!(error.is_panic(), "expected the panic, got {error}");
    let panic = error.into_panic();
    assert_eq!(
        panic.downcast_ref::<&str>(),
        Some(&"a bug in a handler"),
        "the caller should get serving's own panic"
    );
    until_gone(&url, &name, PATIENCE).await;
}

#[tokio::test]
async fn no_agent_no_serving() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let registration = registration_on(&url, "l08-nobody");

    let served = Arc::new(AtomicBool::new(false));
    let serving = {
        let served = Arc::clone(&served);
        async move {
            served.store(true, Ordering::SeqCst);
            Ok(())
        }
    };
    let outcome = within(
        "serve_then_deregister",
        serve_then_deregister(&registration, serving),
    )
    .await;
    let error = outcome.expect_err("registering with an agent that is down should fail");
    assert!(format!("{error:#}").contains("register"), "{error:#}");
    assert!(
        !served.load(Ordering::SeqCst),
        "serving should not start when the registration failed"
    );
}
