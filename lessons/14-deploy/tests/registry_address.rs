//! `deploy.registry-address`: the etcd members people type, read the way they type them,
//! and what cannot work refused with a message that quotes it and says what to write.

use l14_deploy::exercises::registry_address::{AddressError, CLIENT_PORT, endpoints};

fn members(typed: &str) -> Vec<String> {
    endpoints(typed).unwrap_or_else(|error| panic!("{typed:?} should be accepted: {error}"))
}

fn refused(typed: &str) -> AddressError {
    match endpoints(typed) {
        Ok(members) => panic!("{typed:?} should be refused, not read as {members:?}"),
        Err(error) => error,
    }
}

#[test]
fn host_and_port_as_they_are() {
    assert_eq!(members("127.0.0.1:2379"), ["127.0.0.1:2379"]);
    assert_eq!(members("host-a:3379"), ["host-a:3379"]);
    assert_eq!(members("etcd.internal:12379"), ["etcd.internal:12379"]);
    assert_eq!(members("10.14.0.11:2379"), ["10.14.0.11:2379"]);
}

#[test]
fn a_host_alone_gets_etcds_client_port() {
    assert_eq!(CLIENT_PORT, 2379);
    assert_eq!(members("host-a"), ["host-a:2379"]);
    assert_eq!(members("10.14.0.11"), ["10.14.0.11:2379"]);
    assert_eq!(members("localhost"), ["localhost:2379"]);
}

#[test]
fn several_members_comma_separated_spaces_and_empty_items_skipped() {
    assert_eq!(
        members(" host-a:2379 ,host-b, , host-c:2379,"),
        ["host-a:2379", "host-b:2379", "host-c:2379"]
    );
    assert_eq!(
        members("127.0.0.1:2379,127.0.0.1:3379,127.0.0.1:4379"),
        ["127.0.0.1:2379", "127.0.0.1:3379", "127.0.0.1:4379"]
    );
}

#[test]
fn http_urls_are_taken_as_the_plain_form() {
    assert_eq!(members("http://host-a:2379"), ["host-a:2379"]);
    assert_eq!(members("HTTP://host-a:2379/"), ["host-a:2379"]);
    assert_eq!(members("http://host-b"), ["host-b:2379"]);
    assert_eq!(
        members("http://10.14.0.11:2379,http://10.14.0.12:2379"),
        ["10.14.0.11:2379", "10.14.0.12:2379"]
    );
}

#[test]
fn ipv6_in_brackets() {
    assert_eq!(members("[::1]:2379"), ["[::1]:2379"]);
    assert_eq!(members("[fd00::11]"), ["[fd00::11]:2379"]);
    assert_eq!(members("http://[::1]:3379"), ["[::1]:3379"]);
}

#[test]
fn nothing_at_all_is_refused() {
    for typed in ["", "   ", ",", " , ,"] {
        assert_eq!(
            refused(typed),
            AddressError::NoMember {
                typed: typed.to_string()
            },
            "{typed:?}"
        );
    }
}

#[test]
fn https_is_refused_this_client_has_no_tls() {
    assert_eq!(
        refused("https://host-a:2379"),
        AddressError::Https {
            member: "https://host-a:2379".to_string()
        }
    );
    assert_eq!(
        refused("host-a:2379, HTTPS://host-b:2379"),
        AddressError::Https {
            member: "HTTPS://host-b:2379".to_string()
        },
        "every member is checked, and the member is quoted as typed (trimmed)"
    );
}

#[test]
fn any_other_scheme_is_refused() {
    for (typed, scheme) in [
        ("unix:///run/etcd.sock", "unix"),
        ("grpc://host-a:2379", "grpc"),
        ("etcd://host-a", "etcd"),
    ] {
        assert_eq!(
            refused(typed),
            AddressError::Scheme {
                member: typed.to_string(),
                scheme: scheme.to_string()
            },
            "{typed:?}"
        );
    }
}

#[test]
fn a_path_is_refused() {
    assert_eq!(
        refused("host-a:2379/v3"),
        AddressError::Path {
            member: "host-a:2379/v3".to_string(),
            path: "/v3".to_string()
        }
    );
    assert_eq!(
        refused("http://host-a:2379/v3/kv/"),
        AddressError::Path {
            member: "http://host-a:2379/v3/kv/".to_string(),
            path: "/v3/kv".to_string()
        },
        "a last '/' is no path, but what comes before it is"
    );
}

#[test]
fn a_port_that_is_not_one_is_refused() {
    for (typed, port) in [
        ("host-a:0", "0"),
        ("host-a:", ""),
        ("host-a:http", "http"),
        ("host-a:65536", "65536"),
        ("host-a:+2379", "+2379"),
        ("[::1]:x", "x"),
    ] {
        assert_eq!(
            refused(typed),
            AddressError::Port {
                member: typed.to_string(),
                port: port.to_string()
            },
            "{typed:?}"
        );
    }
    assert_eq!(members("host-a:65535"), ["host-a:65535"]);
    assert_eq!(members("host-a:1"), ["host-a:1"]);
}

#[test]
fn every_address_is_where_etcd_listens_not_an_address_to_call() {
    for typed in [
        "0.0.0.0:2379",
        "0.0.0.0",
        "http://0.0.0.0:2379",
        "[::]:2379",
        "[::]",
    ] {
        assert_eq!(
            refused(typed),
            AddressError::Unspecified {
                member: typed.to_string()
            },
            "{typed:?}"
        );
    }
}

#[test]
fn ipv6_without_brackets_is_refused() {
    for typed in ["::1", "::1:2379", "fd00::11:2379"] {
        assert_eq!(
            refused(typed),
            AddressError::Ipv6WithoutBrackets {
                member: typed.to_string()
            },
            "{typed:?}"
        );
    }
}

#[test]
fn no_host_or_not_a_host_is_refused() {
    for typed in [
        ":2379",
        "host a:2379",
        "http://",
        "[host-a]:2379",
        "[::1",
        "user@host-a",
    ] {
        assert_eq!(
            refused(typed),
            AddressError::Host {
                member: typed.to_string()
            },
            "{typed:?}"
        );
    }
}

#[test]
fn every_refusal_quotes_what_was_typed_and_says_what_to_write() {
    let cases = [
        ("https://host-a:2379", "\"host-a:2379\""),
        ("grpc://host-a:2379", "host-a:2379"),
        ("host-a:2379/v3", "without \"/v3\""),
        ("host-a:0", "HOST:2379"),
        ("0.0.0.0:2379", "host-a:2379"),
        ("::1:2379", "[::1]:2379"),
        (":2379", "HOST:2379"),
    ];
    for (typed, instead) in cases {
        let said = refused(typed).to_string();
        assert!(
            said.contains(&format!("{typed:?}")) && said.contains(instead),
            "the error for {typed:?} should quote it and say {instead:?}: {said}"
        );
    }
    let said = refused("0.0.0.0:2379").to_string();
    assert!(said.contains("where etcd listens"), "{said}");
    let said = refused("https://host-a:2379").to_string();
    assert!(said.contains("TLS"), "{said}");
    let said = refused(" , ").to_string();
    assert!(
        said.contains("\" , \"") && said.contains("HOST:2379"),
        "{said}"
    );
}
