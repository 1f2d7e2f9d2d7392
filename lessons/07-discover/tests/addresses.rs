//! The addresses to call, from the agent's answer: `cargo test -p l07-discover --test addresses`.

mod support;

use l07_discover::exercises::addresses::addresses;
use support::entry;

#[test]
fn the_service_address_and_port_make_the_address() {
    let found = addresses(&[entry("greeter-a", "localhost", 7107)]);
    assert_eq!(found, ["localhost:7107"]);
}

#[test]
fn an_instance_without_an_address_is_reached_at_its_node() {
    // Registered with no Address: Consul's DNS answers the node's address, and so do we.
    let found = addresses(&[entry("greeter-a", "", 7107)]);
    assert_eq!(found, ["127.0.0.1:7107"], "the node's address is 127.0.0.1");
}

#[test]
fn an_ipv6_literal_gets_brackets() {
    let found = addresses(&[entry("greeter-a", "::1", 7107)]);
    assert_eq!(
        found,
        ["[::1]:7107"],
        "without brackets the port cannot be told from the address"
    );
}

#[test]
fn an_instance_without_a_port_is_left_out() {
    let found = addresses(&[
        entry("greeter-a", "localhost", 0),
        entry("greeter-b", "localhost", 7108),
    ]);
    assert_eq!(found, ["localhost:7108"], "port 0 cannot be called");
}

#[test]
fn one_server_registered_twice_is_listed_once() {
    let found = addresses(&[
        entry("greeter-old", "localhost", 7107),
        entry("greeter-b", "localhost", 7108),
        entry("greeter-new", "localhost", 7107),
    ]);
    assert_eq!(
        found,
        ["localhost:7107", "localhost:7108"],
        "two entries at one address are one server: listed twice, it would get two turns"
    );
}

#[test]
fn the_list_is_sorted_whatever_order_the_agent_answers_in() {
    let a = entry("greeter-a", "localhost", 7109);
    let b = entry("greeter-b", "localhost", 7107);
    let c = entry("greeter-c", "", 7108);
    let one_order = addresses(&[a.clone(), b.clone(), c.clone()]);
    let another = addresses(&[c, a, b]);
    assert_eq!(
        one_order,
        ["127.0.0.1:7108", "localhost:7107", "localhost:7109"]
    );
    assert_eq!(
        one_order, another,
        "the same set must give the same list, or the picker's turns mean other instances"
    );
}

#[test]
fn no_instance_no_address() {
    assert!(addresses(&[]).is_empty());
}
