//! Agent addresses in every form Consul's own tools accept, and the ones nobody can use.

use consul_ext::{Error, normalise_address};

#[test]
fn addresses_without_a_scheme_get_http() {
    for (given, expected) in [
        ("127.0.0.1:8500", "http://127.0.0.1:8500"),
        ("localhost:8500", "http://localhost:8500"),
        ("  127.0.0.1:8500\n", "http://127.0.0.1:8500"),
        ("[::1]:8500", "http://[::1]:8500"),
        (
            "consul.service.internal:8500",
            "http://consul.service.internal:8500",
        ),
    ] {
        assert_eq!(normalise_address(given).unwrap(), expected, "{given:?}");
    }
}

#[test]
fn urls_are_kept_without_their_trailing_slash() {
    for (given, expected) in [
        ("http://127.0.0.1:8500", "http://127.0.0.1:8500"),
        ("http://127.0.0.1:8500/", "http://127.0.0.1:8500"),
        (
            "https://consul.example.com:8501",
            "https://consul.example.com:8501",
        ),
        ("HTTP://LOCALHOST:8500", "http://localhost:8500"),
    ] {
        assert_eq!(normalise_address(given).unwrap(), expected, "{given:?}");
    }
}

#[test]
fn unusable_addresses_are_refused_with_a_reason() {
    for given in [
        "",
        "   ",
        "unix:///var/run/consul.sock",
        "ftp://127.0.0.1:8500",
        "127.0.0.1:notaport",
        "127.0.0.1:99999",
        "http://",
        "http://127.0.0.1:8500/v1",
        "http://127.0.0.1:8500?dc=dc2",
        "http://127.0.0.1 8500",
    ] {
        let error = normalise_address(given).expect_err(given);
        assert!(
            matches!(error, Error::BadAddress { .. }),
            "{given:?}: {error:?}"
        );
        let message = error.to_string();
        assert!(
            message.contains(&format!("{given:?}")),
            "names the address: {message}"
        );
        assert!(
            message.contains("http://127.0.0.1:8500"),
            "shows a good one: {message}"
        );
    }
}

#[tokio::test]
async fn a_client_built_from_an_address_without_scheme_reaches_the_agent() {
    let agent = testkit::consul().await;
    let bare = agent.url().split_once("://").unwrap().1.to_string();
    let client = consul_ext::client_for(&bare).unwrap();
    assert_eq!(client.settings.address, agent.url());
    let datacenters = testkit::within(
        "the datacenter list",
        consulrs::catalog::datacenters(&client, None),
    )
    .await
    .expect("consulrs reaches the agent");
    assert!(!datacenters.response.is_empty());
}

#[test]
fn a_client_is_not_built_for_a_bad_address() {
    assert!(matches!(
        consul_ext::client_for("unix:///tmp/consul.sock"),
        Err(Error::BadAddress { .. })
    ));
}
