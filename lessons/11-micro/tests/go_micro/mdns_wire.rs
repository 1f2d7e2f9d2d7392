//! go-micro's mDNS, byte for byte: this side's messages against go-micro v2.9.1's own
//! packets, and go-micro's packets read as its nodes (the fixtures and go-micro's reading
//! rule: `support/go_micro_mdns.rs`).

use std::net::Ipv4Addr;

use micro::registry::mdns::follow::read_node;
use micro::registry::mdns::wire::{self, Announced, entries, service_name};
use simple_dns::Packet;

use crate::support::go_micro_mdns::{FIXTURE_ID, go_micro_reads, mdns_fixture};

const SERVICE: &str = "go.micro.srv.greeter";

/// The node of the fixtures, as this side would announce it.
fn fixture_node() -> Announced {
    let answer = Packet::parse(mdns_fixture!("getservice-answer")).unwrap();
    let entry = entries(&answer, Some(&service_name(SERVICE)))
        .pop()
        .unwrap();
    Announced {
        service: SERVICE.into(),
        id: FIXTURE_ID.into(),
        host: "vm".into(),
        ip: Ipv4Addr::LOCALHOST,
        port: 9090,
        txt: entry.txt.unwrap(),
    }
}

/// A message's records as text, in order: name, type, TTL and data.
fn records(message: &[u8]) -> Vec<String> {
    let packet = Packet::parse(message).unwrap();
    (packet
        .questions
        .iter()
        .map(|q| format!("? {} {:?}", q.qname, q.qtype)))
    .chain(
        packet
            .answers
            .iter()
            .map(|r| format!("{} {} {:?}", r.name, r.ttl, r.rdata)),
    )
    .collect()
}

#[test]
fn this_side_asks_as_go_micro_asks() {
    let asked = mdns_fixture!("getservice-query");
    let id = u16::from_be_bytes([asked[0], asked[1]]);
    assert_eq!(
        wire::query(id, &service_name(SERVICE)),
        asked,
        "GetService's question"
    );
    let listed = mdns_fixture!("listservices-query");
    let id = u16::from_be_bytes([listed[0], listed[1]]);
    assert_eq!(
        wire::query(id, wire::SERVICES),
        listed,
        "ListServices' question"
    );
}

#[test]
fn announcements_and_goodbyes_are_go_micros_bytes() {
    let node = fixture_node();
    assert_eq!(
        hex::encode(wire::announcement(&node, wire::TTL)),
        hex::encode(mdns_fixture!("register-announce")),
        "the announcement of a new node"
    );
    assert_eq!(
        hex::encode(wire::announcement(&node, 0)),
        hex::encode(mdns_fixture!("deregister-goodbye")),
        "the goodbye of a node that leaves"
    );
}

#[test]
fn an_answer_holds_go_micros_records_and_passes_its_rule() {
    let question = Packet::parse(mdns_fixture!("getservice-query"))
        .unwrap()
        .questions[0]
        .clone();
    let ours = wire::answer(&question, &fixture_node());
    assert_eq!(
        records(&ours),
        records(mdns_fixture!("getservice-answer")),
        "the same records"
    );
    let read = go_micro_reads(&ours, &service_name(SERVICE)).expect("go-micro's client keeps it");
    assert_eq!(read.name, format!("{FIXTURE_ID}.{SERVICE}.micro"));
    assert_eq!(
        (read.port, read.ip, read.ttl),
        (9090, Some(Ipv4Addr::LOCALHOST), 120)
    );
    // And what go-micro does with another question's answer: nothing.
    assert_eq!(go_micro_reads(&ours, "go.micro.srv.other.micro"), None);
}

#[test]
fn go_micros_answers_and_announcements_read_as_its_nodes() {
    let answer = Packet::parse(mdns_fixture!("getservice-answer")).unwrap();
    let found = entries(&answer, Some(&service_name(SERVICE)));
    let node = read_node(&found[0], SERVICE).expect("a node of go.micro.srv.greeter");
    assert_eq!(
        (node.id.as_str(), node.address.as_str()),
        (FIXTURE_ID, "127.0.0.1:9090")
    );
    assert_eq!(node.version, "latest");
    assert_eq!(
        node.metadata.get("protocol").map(String::as_str),
        Some("grpc")
    );
    assert_eq!(node.metadata.len(), 5, "{:?}", node.metadata);

    // An answer to another question is not taken, as go-micro does not take it.
    assert!(entries(&answer, Some("go.micro.srv.other.micro")).is_empty());

    // Unasked, an announcement counts; a goodbye is the same node with TTL 0.
    let hello = Packet::parse(mdns_fixture!("register-announce")).unwrap();
    assert_eq!(entries(&hello, None)[0].ttl, 120);
    let goodbye = Packet::parse(mdns_fixture!("deregister-goodbye")).unwrap();
    assert_eq!(entries(&goodbye, None)[0].ttl, 0);

    // The HTTP broker's subscriber: the service lesson 12's publisher asks for.
    let broker = Packet::parse(mdns_fixture!("broker-getservice-answer")).unwrap();
    let found = entries(&broker, Some("micro.http.broker.micro"));
    let subscriber = read_node(&found[0], "micro.http.broker").expect("a subscriber");
    assert_eq!(subscriber.version, "ff.http.broadcast");
    assert_eq!(
        subscriber.metadata.get("topic").map(String::as_str),
        Some("events")
    );

    // ListServices: an entry per service, with an empty TXT record.
    let listed = Packet::parse(mdns_fixture!("listservices-answer")).unwrap();
    let names: Vec<String> = entries(&listed, Some(wire::SERVICES))
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert_eq!(names, ["go.micro.srv.greeter._services.micro"]);
}
