//! `deploy.advertise`: a service that listens on every address registers one that other
//! hosts can call — a private one first — and keeps a specific address as it is.

use std::net::{IpAddr, SocketAddr};

use l14_deploy::exercises::advertise::{Interface, NoAddressToAdvertise, advertised, interfaces};

fn interface(name: &str, ip: &str) -> Interface {
    Interface {
        name: name.to_string(),
        ip: ip.parse().expect("an IP address"),
    }
}

fn addr(text: &str) -> SocketAddr {
    text.parse().expect("a socket address")
}

/// A container's interfaces: loopback, then one network.
fn container() -> Vec<Interface> {
    vec![
        interface("lo", "127.0.0.1"),
        interface("lo", "::1"),
        interface("eth0", "172.18.0.3"),
    ]
}

#[test]
fn a_specific_address_is_advertised_as_it_is() {
    for listening in [
        "127.0.0.1:7011",
        "10.0.0.5:7021",
        "203.0.113.7:7021",
        "[::1]:7011",
        "[2001:db8::5]:7021",
    ] {
        assert_eq!(
            advertised(addr(listening), &container()),
            Ok(addr(listening)),
            "a service listening on {listening} answers there only"
        );
        assert_eq!(
            advertised(addr(listening), &[]),
            Ok(addr(listening)),
            "{listening} needs no interface to be advertised"
        );
    }
}

#[test]
fn every_address_becomes_the_hosts_private_one_with_the_same_port() {
    assert_eq!(
        advertised(addr("0.0.0.0:7021"), &container()),
        Ok(addr("172.18.0.3:7021"))
    );
    assert_eq!(
        advertised(addr("0.0.0.0:7099"), &container()),
        Ok(addr("172.18.0.3:7099")),
        "the port is the one listened on"
    );
}

#[test]
fn a_private_address_comes_before_a_public_one_listed_earlier() {
    let interfaces = vec![
        interface("lo", "127.0.0.1"),
        interface("eth0", "203.0.113.7"),
        interface("eth1", "10.1.2.3"),
    ];
    assert_eq!(
        advertised(addr("0.0.0.0:7021"), &interfaces),
        Ok(addr("10.1.2.3:7021"))
    );
}

#[test]
fn among_private_addresses_the_first_one_listed() {
    let interfaces = vec![
        interface("lo", "127.0.0.1"),
        interface("eth0", "192.168.1.10"),
        interface("docker0", "172.17.0.1"),
        interface("eth1", "10.0.0.5"),
    ];
    assert_eq!(
        advertised(addr("0.0.0.0:7021"), &interfaces),
        Ok(addr("192.168.1.10:7021"))
    );
}

#[test]
fn private_means_rfc_1918_exactly() {
    // 172.16.0.0/12 is 172.16 to 172.31: 172.32 and 172.15 are public addresses, and so is
    // 100.64.0.0/10 (carrier-grade NAT), which is not RFC 1918.
    let interfaces = vec![
        interface("lo", "127.0.0.1"),
        interface("eth0", "172.32.0.1"),
        interface("eth1", "172.15.0.1"),
        interface("eth2", "100.64.0.1"),
        interface("eth3", "172.31.255.254"),
    ];
    assert_eq!(
        advertised(addr("0.0.0.0:7021"), &interfaces),
        Ok(addr("172.31.255.254:7021"))
    );
}

#[test]
fn without_a_private_address_the_first_public_one() {
    let interfaces = vec![
        interface("lo", "127.0.0.1"),
        interface("eth0", "203.0.113.7"),
        interface("eth1", "198.51.100.9"),
    ];
    assert_eq!(
        advertised(addr("0.0.0.0:7021"), &interfaces),
        Ok(addr("203.0.113.7:7021"))
    );
}

#[test]
fn loopback_and_link_local_addresses_are_never_advertised() {
    let interfaces = vec![
        interface("lo", "127.0.0.1"),
        interface("lo", "127.0.1.1"),
        interface("eth0", "169.254.10.20"),
        interface("eth1", "203.0.113.7"),
    ];
    assert_eq!(
        advertised(addr("0.0.0.0:7021"), &interfaces),
        Ok(addr("203.0.113.7:7021")),
        "169.254.0.0/16 is link-local: no other network reaches it"
    );
}

#[test]
fn an_ipv4_socket_cannot_advertise_an_ipv6_address() {
    let interfaces = vec![
        interface("lo", "127.0.0.1"),
        interface("eth0", "2001:db8::5"),
        interface("eth1", "10.0.0.5"),
    ];
    assert_eq!(
        advertised(addr("0.0.0.0:7021"), &interfaces),
        Ok(addr("10.0.0.5:7021"))
    );
    let only_v6 = vec![
        interface("lo", "127.0.0.1"),
        interface("eth0", "2001:db8::5"),
    ];
    assert_eq!(
        advertised(addr("0.0.0.0:7021"), &only_v6),
        Err(NoAddressToAdvertise {
            listening: addr("0.0.0.0:7021")
        }),
        "a socket on 0.0.0.0 takes IPv4 only"
    );
}

#[test]
fn every_ipv6_address_prefers_ipv4_then_takes_a_callable_ipv6_one() {
    let both = vec![
        interface("lo", "::1"),
        interface("eth0", "2001:db8::5"),
        interface("eth1", "10.0.0.5"),
    ];
    assert_eq!(
        advertised(addr("[::]:7021"), &both),
        Ok(addr("10.0.0.5:7021")),
        "on Linux a socket on :: takes IPv4 too, and IPv4 is what a private network speaks"
    );
    let only_v6 = vec![
        interface("lo", "127.0.0.1"),
        interface("lo", "::1"),
        interface("eth0", "fe80::1"),
        interface("eth0", "2001:db8::5"),
    ];
    assert_eq!(
        advertised(addr("[::]:7021"), &only_v6),
        Ok(addr("[2001:db8::5]:7021")),
        "fe80::/10 is link-local: never advertised"
    );
}

#[test]
fn a_host_with_only_loopback_has_nothing_to_advertise_and_says_what_to_do() {
    let only_loopback = vec![interface("lo", "127.0.0.1"), interface("lo", "::1")];
    for listening in ["0.0.0.0:7021", "[::]:7021"] {
        let error = advertised(addr(listening), &only_loopback)
            .expect_err("no other host can call a loopback address");
        assert_eq!(
            error,
            NoAddressToAdvertise {
                listening: addr(listening)
            }
        );
        let said = error.to_string();
        assert!(
            said.contains(listening) && said.contains("listen on") && said.contains("advertise"),
            "the error should name {listening} and say what to do: {said}"
        );
    }
    assert_eq!(
        advertised(addr("0.0.0.0:7021"), &[]),
        Err(NoAddressToAdvertise {
            listening: addr("0.0.0.0:7021")
        }),
        "no interfaces at all: nothing to advertise"
    );
    let link_local = vec![
        interface("lo", "127.0.0.1"),
        interface("eth0", "169.254.1.1"),
    ];
    assert!(advertised(addr("0.0.0.0:7021"), &link_local).is_err());
}

#[test]
fn this_hosts_interfaces_include_its_loopback() {
    let listed = interfaces();
    let loopback: IpAddr = "127.0.0.1".parse().unwrap();
    assert!(
        listed.iter().any(|interface| interface.ip == loopback),
        "every host has 127.0.0.1 on its loopback interface: {listed:?}"
    );
    assert!(
        listed.iter().all(|interface| !interface.name.is_empty()),
        "each address comes with its interface's name: {listed:?}"
    );
}
