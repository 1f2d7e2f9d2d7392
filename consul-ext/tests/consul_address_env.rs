//! `consul_address()` and `client()` read `CONSUL_HTTP_ADDR`.
//!
//! The environment is global to the process, so this check runs without the test harness
//! (`harness = false` in Cargo.toml): `main` is the only thread when it sets the variable.

use consul_ext::{DEFAULT_ADDRESS, Error, client, consul_address};

fn main() {
    let set = |value: Option<&str>| match value {
        // SAFETY: this program is single-threaded; nothing reads the environment concurrently.
        Some(value) => unsafe { std::env::set_var("CONSUL_HTTP_ADDR", value) },
        None => unsafe { std::env::remove_var("CONSUL_HTTP_ADDR") },
    };

    set(None);
    assert_eq!(
        consul_address().unwrap(),
        DEFAULT_ADDRESS,
        "unset: the default"
    );
    set(Some(""));
    assert_eq!(
        consul_address().unwrap(),
        DEFAULT_ADDRESS,
        "empty: the default"
    );

    set(Some("127.0.0.1:18500"));
    assert_eq!(consul_address().unwrap(), "http://127.0.0.1:18500");
    assert_eq!(client().unwrap().settings.address, "http://127.0.0.1:18500");

    set(Some("https://consul.example.com:8501/"));
    assert_eq!(consul_address().unwrap(), "https://consul.example.com:8501");

    for bad in ["unix:///var/run/consul.sock", "127.0.0.1:port", "http://"] {
        set(Some(bad));
        let error = consul_address().expect_err(bad);
        assert!(
            matches!(error, Error::BadAddress { .. }),
            "{bad}: {error:?}"
        );
        assert!(matches!(client(), Err(Error::BadAddress { .. })), "{bad}");
    }

    set(None);
    println!("consul_address_env: CONSUL_HTTP_ADDR forms ok");
}
