//! go-micro's mDNS messages, written and read as go-micro v2.9.1 does (`util/mdns/zone.go`,
//! `server.go` and `client.go` at tag v2.9.1, commit 94bd1025).
//!
//! go-micro does not speak DNS-SD's `._tcp.local.` names: its domain is `micro`. A node `I`
//! of service `S` is the instance `I.S.micro.`, found through the PTR record of
//! `S.micro.`; its SRV record gives the port and a host name, whose A record gives the
//! address; its TXT record carries the service (`txt.rs`). Every record is class IN with
//! TTL 120, and 0 in a goodbye. A process also answers `_services.micro.` for each service
//! it runs, which is how go-micro lists services.
//!
//! go-micro's client keeps only what answers its own question (`client.go` lines 355–358:
//! the message's first question must name exactly what it asked), joins the records by
//! name (a PTR names an entry, an SRV's target points to it, an A record fills its
//! address) and takes one node from each message. So an answer here repeats the question
//! and holds one node, SRV before A, and this side reads others' messages by the same rules.

use std::net::{Ipv4Addr, SocketAddrV4};

use simple_dns::rdata::{A, PTR, RData, SRV, TXT};
use simple_dns::{CLASS, Name, Packet, PacketFlag, QCLASS, QTYPE, Question, ResourceRecord, TYPE};

/// Where mDNS speaks: the group 224.0.0.251, port 5353 (RFC 6762).
pub const GROUP: SocketAddrV4 = SocketAddrV4::new(Ipv4Addr::new(224, 0, 0, 251), 5353);

/// The TTL of every record a live node sends (`zone.go` line 15).
pub const TTL: u32 = 120;

/// The name go-micro lists services under (`mdns_registry.go` line 404).
pub const SERVICES: &str = "_services.micro";

/// The port of a `_services` entry: go-micro's own (`mdns_registry.go` line 180).
const SERVICES_PORT: u16 = 9999;

/// The largest message this side reads or writes: an answer of one node is well under it,
/// and anything larger is not go-micro's (RFC 6762 allows 9000 bytes).
pub const MAX_MESSAGE: usize = 9000;

// ANCHOR: names
/// `S.micro`: the name a client asks for the nodes of `service`.
pub fn service_name(service: &str) -> String {
    format!("{service}.micro")
}

/// `I.S.micro`: the name of node `id` of `service`. The id keeps its dots: a reader takes
/// it back by cutting `.S.micro` off the end, as go-micro does (`mdns_registry.go` line 368).
pub fn instance_name(service: &str, id: &str) -> String {
    format!("{id}.{service}.micro")
}
// ANCHOR_END: names

/// One node, as its records describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Announced {
    pub service: String,
    pub id: String,
    /// The SRV record's target, whose A record gives `ip`.
    pub host: String,
    pub ip: Ipv4Addr,
    pub port: u16,
    /// The TXT record's strings (`txt::encode`).
    pub txt: Vec<String>,
}

/// The question go-micro's `GetService` and `ListServices` send: PTR of `name`, class IN,
/// a multicast answer not asked for (the client reads unicast and multicast alike).
pub fn query(id: u16, name: &str) -> Vec<u8> {
    let mut packet = Packet::new_query(id);
    packet.questions.push(Question::new(
        Name::new_unchecked(name),
        QTYPE::TYPE(TYPE::PTR),
        QCLASS::CLASS(CLASS::IN),
        false,
    ));
    packet.build_bytes_vec().expect("a question always builds")
}

// ANCHOR: answer
/// The answer to a question about `node`, as a go-micro node sends it: id 0, response and
/// authoritative, the question repeated, then PTR, SRV, A and TXT.
pub fn answer(question: &Question, node: &Announced) -> Vec<u8> {
    let mut packet = Packet::new_reply(0);
    packet.set_flags(PacketFlag::AUTHORITATIVE_ANSWER);
    packet.questions.push(question.clone());
    let (service, instance) = (
        service_name(&node.service),
        instance_name(&node.service, &node.id),
    );
    packet.answers.push(record(
        &service,
        TTL,
        RData::PTR(PTR(Name::new_unchecked(&instance))),
    ));
    packet.answers.extend(node_records(node, &instance, TTL));
    packet
        .build_bytes_vec_compressed()
        .expect("a node's records always build")
}

/// What a node sends on its own when it starts (three times) and, with `ttl` 0, when it
/// leaves: response only, no question, SRV, A and TXT.
pub fn announcement(node: &Announced, ttl: u32) -> Vec<u8> {
    let mut packet = Packet::new_reply(0);
    let instance = instance_name(&node.service, &node.id);
    packet.answers.extend(node_records(node, &instance, ttl));
    packet
        .build_bytes_vec()
        .expect("a node's records always build")
}
// ANCHOR_END: answer

/// SRV (priority 10, weight 1, as go-micro), the host's A record, and the TXT record.
fn node_records<'a>(node: &'a Announced, instance: &'a str, ttl: u32) -> Vec<ResourceRecord<'a>> {
    let mut txt = TXT::new();
    for part in &node.txt {
        // A part longer than a TXT string can be is not go-micro's: `txt::encode` cuts at 255.
        let _ = txt.add_string(part);
    }
    let srv = SRV {
        priority: 10,
        weight: 1,
        port: node.port,
        target: Name::new_unchecked(&node.host),
    };
    vec![
        record(instance, ttl, RData::SRV(srv)),
        record(
            &node.host,
            ttl,
            RData::A(A {
                address: node.ip.into(),
            }),
        ),
        record(instance, ttl, RData::TXT(txt)),
    ]
}

/// The answer to `_services.micro` for one service: its entry `S._services.micro`, as a
/// go-micro process answers it (port 9999, address 0.0.0.0, an empty TXT record).
pub fn services_answer(question: &Question, service: &str, host: &str) -> Vec<u8> {
    let mut packet = Packet::new_reply(0);
    packet.set_flags(PacketFlag::AUTHORITATIVE_ANSWER);
    packet.questions.push(question.clone());
    let entry = format!("{service}.{SERVICES}");
    let srv = SRV {
        priority: 10,
        weight: 1,
        port: SERVICES_PORT,
        target: Name::new_unchecked(host),
    };
    packet.answers.extend([
        record(SERVICES, TTL, RData::PTR(PTR(Name::new_unchecked(&entry)))),
        record(&entry, TTL, RData::SRV(srv)),
        record(
            host,
            TTL,
            RData::A(A {
                address: Ipv4Addr::UNSPECIFIED.into(),
            }),
        ),
        record(&entry, TTL, RData::TXT(TXT::new())),
    ]);
    packet
        .build_bytes_vec_compressed()
        .expect("an entry always builds")
}

fn record<'a>(name: &'a str, ttl: u32, data: RData<'a>) -> ResourceRecord<'a> {
    ResourceRecord::new(Name::new_unchecked(name), CLASS::IN, ttl, data)
}

// ANCHOR: entry
/// A name's records, joined as go-micro's client joins them (`messageToEntry`, `client.go`
/// lines 450–508): complete once it has a port, an address and a TXT record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    /// The instance's name, without the final dot.
    pub name: String,
    pub port: u16,
    pub ip: Option<Ipv4Addr>,
    pub txt: Option<Vec<String>>,
    /// The TTL of its records: 0 in a goodbye.
    pub ttl: u32,
}

/// The complete entries of `message`. With `asked`, only if its first question names
/// exactly what was asked (go-micro's "discard anything which we've not asked for"); an
/// unsolicited announcement (`asked` is `None`) has no question to check.
pub fn entries(message: &Packet, asked: Option<&str>) -> Vec<Entry> {
    if let Some(asked) = asked {
        let first = message
            .questions
            .first()
            .map(|question| question.qname.to_string());
        if first.as_deref() != Some(asked) {
            return Vec::new();
        }
    }
    let mut found: Vec<Entry> = Vec::new();
    // A name → the entry it fills: itself, or (an SRV's target) the entry that named it.
    let mut alias: Vec<(String, usize)> = Vec::new();
    let entry_of = |found: &mut Vec<Entry>, alias: &mut Vec<(String, usize)>, name: String| {
        if let Some((_, index)) = alias.iter().find(|(known, _)| *known == name) {
            return *index;
        }
        found.push(Entry {
            name: name.clone(),
            ..Entry::default()
        });
        alias.push((name, found.len() - 1));
        found.len() - 1
    };
    for record in message.answers.iter().chain(&message.additional_records) {
        let owner = record.name.to_string();
        match &record.rdata {
            RData::PTR(target) => {
                entry_of(&mut found, &mut alias, target.0.to_string());
            }
            RData::SRV(srv) => {
                let index = entry_of(&mut found, &mut alias, owner);
                found[index].port = srv.port;
                found[index].ttl = record.ttl;
                let target = srv.target.to_string();
                if !alias.iter().any(|(known, _)| *known == target) {
                    alias.push((target, index));
                }
            }
            RData::TXT(txt) => {
                let index = entry_of(&mut found, &mut alias, owner);
                let strings = txt.iter_raw().map(|(key, value)| match value {
                    None => String::from_utf8_lossy(key).into_owned(),
                    Some(value) => format!(
                        "{}={}",
                        String::from_utf8_lossy(key),
                        String::from_utf8_lossy(value)
                    ),
                });
                found[index].txt = Some(strings.collect());
                found[index].ttl = record.ttl;
            }
            // A TXT record without strings (go-micro's `_services` entries): simple-dns has it
            // as an empty record of type TXT.
            RData::Empty(TYPE::TXT) => {
                let index = entry_of(&mut found, &mut alias, owner);
                found[index].txt = Some(Vec::new());
                found[index].ttl = record.ttl;
            }
            RData::A(a) => {
                let index = entry_of(&mut found, &mut alias, owner);
                found[index].ip = Some(Ipv4Addr::from(a.address));
            }
            _ => {}
        }
    }
    found.retain(|entry| entry.port != 0 && entry.ip.is_some() && entry.txt.is_some());
    found
}
// ANCHOR_END: entry
