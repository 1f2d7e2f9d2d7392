//! `micro.random`: the random selector spreads calls and sends a retry elsewhere.

mod support;

use l11_micro::exercises::random::Random;
use micro::selector::Selector;
use support::{node, tally};

#[test]
fn every_node_gets_about_a_third() {
    let nodes = vec![
        node("a", "127.0.0.1:1"),
        node("b", "127.0.0.1:2"),
        node("c", "127.0.0.1:3"),
    ];
    let picks: Vec<_> = (0..3000)
        .map(|_| Random.select("svc", &nodes, None).expect("a node"))
        .collect();
    let counts = tally(picks.iter().map(|node| node.id.as_str()));
    assert_eq!(
        counts.len(),
        3,
        "every node should be picked at least once: {counts:?}"
    );
    for (id, count) in &counts {
        assert!(
            (800..=1200).contains(count),
            "random should pick each of 3 nodes about 1000 times in 3000, {id} got {count}: {counts:?}"
        );
    }
}

#[test]
fn a_retry_avoids_the_node_that_failed() {
    let nodes = vec![
        node("a", "127.0.0.1:1"),
        node("b", "127.0.0.1:2"),
        node("c", "127.0.0.1:3"),
    ];
    let picks: Vec<_> = (0..600)
        .map(|_| {
            Random
                .select("svc", &nodes, Some(&nodes[1]))
                .expect("a node")
        })
        .collect();
    assert!(
        picks.iter().all(|picked| picked.id != "b"),
        "the avoided node b was picked"
    );
    let counts = tally(picks.iter().map(|node| node.id.as_str()));
    assert_eq!(
        counts.len(),
        2,
        "both other nodes should be picked: {counts:?}"
    );
}

#[test]
fn the_avoided_node_when_it_is_the_only_one() {
    let nodes = vec![node("a", "127.0.0.1:1")];
    assert_eq!(
        Random.select("svc", &nodes, Some(&nodes[0])),
        Some(nodes[0].clone())
    );
}

#[test]
fn nothing_from_no_nodes() {
    assert_eq!(Random.select("svc", &[], None), None);
}
