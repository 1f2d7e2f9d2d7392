//! `rpcx.weighted`: smooth weighted round robin over the servers the registry lists, their
//! weights read from their metadata as rpcx reads them.

use std::collections::BTreeMap;

use l13_rpcx::exercises::weighted::{WeightedRoundRobin, weight};
use l13_rpcx::select::Select;
use micro::registry::Node;

fn server(id: &str, weight: Option<&str>) -> Node {
    let mut metadata = BTreeMap::new();
    if let Some(weight) = weight {
        metadata.insert("weight".to_string(), weight.to_string());
    }
    Node {
        id: id.to_string(),
        address: format!("{id}:1"),
        metadata,
        ..Node::default()
    }
}

/// The ids of `picks` picks in a row.
fn picks(select: &mut WeightedRoundRobin, servers: &[Node], picks: usize) -> Vec<String> {
    (0..picks)
        .map(|_| {
            let index = select.select(servers);
            assert!(
                index < servers.len(),
                "picked index {index} of {} servers",
                servers.len()
            );
            servers[index].id.clone()
        })
        .collect()
}

fn counts(ids: &[String]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for id in ids {
        *counts.entry(id.clone()).or_default() += 1;
    }
    counts
}

#[test]
fn a_weight_is_read_from_the_metadata() {
    for (text, expected) in [
        (Some("5"), 5),
        (Some(" 3 "), 3),
        (None, 1),
        (Some(""), 1),
        (Some("heavy"), 1),
        (Some("0"), 1),
        (Some("-2"), 1),
        (Some("4294967295"), u32::MAX),
        (Some("4294967296"), 1),
    ] {
        assert_eq!(
            weight(&server("a", text)),
            expected,
            "a server whose metadata says weight={text:?} weighs {expected}"
        );
    }
}

#[test]
fn turns_are_spread_out_not_given_in_a_row() {
    let servers = [
        server("a", Some("5")),
        server("b", Some("1")),
        server("c", Some("1")),
    ];
    let mut select = WeightedRoundRobin::default();
    let seven = picks(&mut select, &servers, 7);
    assert_eq!(
        seven,
        ["a", "a", "b", "a", "c", "a", "a"],
        "nginx's smooth weighted round robin gives weights 5, 1, 1 the turns a a b a c a a"
    );
    // And the same seven again, for ever.
    assert_eq!(
        picks(&mut select, &servers, 7),
        seven,
        "the cycle repeats every 7 picks"
    );
}

#[test]
fn each_server_gets_its_share() {
    let servers = [
        server("a", Some("3")),
        server("b", Some("2")),
        server("c", None),
    ];
    let mut select = WeightedRoundRobin::default();
    let got = counts(&picks(&mut select, &servers, 600));
    let expected: BTreeMap<String, usize> = [
        ("a".to_string(), 300),
        ("b".to_string(), 200),
        ("c".to_string(), 100),
    ]
    .into();
    assert_eq!(
        got, expected,
        "600 picks over weights 3, 2 and 1 (none given)"
    );
}

#[test]
fn equal_weights_take_turns_in_order() {
    let servers = [
        server("a", None),
        server("b", Some("x")),
        server("c", Some("1")),
    ];
    let mut select = WeightedRoundRobin::default();
    assert_eq!(
        picks(&mut select, &servers, 6),
        ["a", "b", "c", "a", "b", "c"],
        "with every weight 1, a tie goes to the first in the list: plain round robin"
    );
}

#[test]
fn servers_that_come_and_go_keep_the_shares_right() {
    let three = [
        server("a", Some("2")),
        server("b", Some("1")),
        server("c", Some("1")),
    ];
    let mut select = WeightedRoundRobin::default();
    picks(&mut select, &three, 3);
    // c leaves: from now on a gets two of every three turns, b one.
    let two = [server("a", Some("2")), server("b", Some("1"))];
    let got = counts(&picks(&mut select, &two, 300));
    let expected: BTreeMap<String, usize> = [("a".to_string(), 200), ("b".to_string(), 100)].into();
    assert_eq!(got, expected, "300 picks after c left, weights 2 and 1");
    // c comes back with weight 3.
    let back = [
        server("a", Some("2")),
        server("b", Some("1")),
        server("c", Some("3")),
    ];
    let got = counts(&picks(&mut select, &back, 600));
    let expected: BTreeMap<String, usize> = [
        ("a".to_string(), 200),
        ("b".to_string(), 100),
        ("c".to_string(), 300),
    ]
    .into();
    assert_eq!(got, expected, "600 picks once c is back with weight 3");
}

#[test]
fn the_largest_weights_do_not_overflow() {
    let servers = [
        server("a", Some("4294967295")),
        server("b", Some("4294967295")),
        server("c", Some("1")),
    ];
    let mut select = WeightedRoundRobin::default();
    let got = counts(&picks(&mut select, &servers, 1000));
    assert!(
        got.get("a") >= Some(&499) && got.get("b") >= Some(&499),
        "two equal giants share the picks: {got:?}"
    );
}
