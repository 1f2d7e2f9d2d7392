//! go-micro v2.9.1's mDNS, as its client reads a message and as it writes them (tag v2.9.1,
//! commit 94bd1025a64eaaba1d89189891ef49f3ab5eee7f): the rule this lesson's answers must
//! pass, written from go-micro's source apart from the lesson's own reader, and the bytes
//! in `fixtures/mdns/`, each one message go-micro v2.9.1 (with github.com/miekg/dns v1.1.27,
//! Go 1.19) sent on a loopback network: `getservice-query.bin` is `GetService
//! ("go.micro.srv.greeter")`'s question, `getservice-answer.bin` a registered node's answer
//! to it, `register-announce.bin` and `deregister-goodbye.bin` what that node multicast when
//! it started and when it left, `listservices-*.bin` `ListServices`'s question and answer,
//! `broker-*.bin` an HTTP broker's subscriber, announced and answering.
#![allow(dead_code, unused_macros, unused_imports)] // each test file uses a part

use std::collections::HashMap;
use std::net::Ipv4Addr;

use simple_dns::Packet;
use simple_dns::rdata::RData;

macro_rules! mdns_fixture {
    ($name:literal) => {
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/mdns/",
            $name,
            ".bin"
        ))
        .as_slice()
    };
}
pub(crate) use mdns_fixture;

/// The node behind go-micro's fixtures: its id, and its TXT record's two strings.
pub const FIXTURE_ID: &str = "go.micro.srv.greeter-8d1e4f4a-6d0b-4f3e-9b8a-2c4f5e6a7b8c";

/// What go-micro's client makes of a message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GoMicroEntry {
    pub name: String,
    pub port: u16,
    pub ip: Option<Ipv4Addr>,
    pub txt: Option<Vec<String>>,
    pub ttl: u32,
}

/// The entry go-micro's `query` delivers for one received `message`, having asked `asked`
/// (`util/mdns/client.go`): none unless the message's first question names exactly what
/// was asked (lines 355–358); then `messageToEntry` (lines 450–508) walks the answer and
/// additional sections, keys entries by name (an SRV's target becomes another name of its
/// entry, lines 462–466), skips records of an entry already complete, and returns the
/// entry of the last record it read — one per message — if it is complete: an address, a
/// port and a TXT record (lines 36–39).
pub fn go_micro_reads(message: &[u8], asked: &str) -> Option<GoMicroEntry> {
    let packet = Packet::parse(message).ok()?;
    if packet.questions.first()?.qname.to_string() != asked {
        return None;
    }
    let mut entries: Vec<GoMicroEntry> = Vec::new();
    let mut by_name: HashMap<String, usize> = HashMap::new();
    let mut ensure = |entries: &mut Vec<GoMicroEntry>, name: String| -> usize {
        *by_name.entry(name.clone()).or_insert_with(|| {
            entries.push(GoMicroEntry {
                name,
                ..GoMicroEntry::default()
            });
            entries.len() - 1
        })
    };
    let complete =
        |entry: &GoMicroEntry| entry.ip.is_some() && entry.port != 0 && entry.txt.is_some();
    let mut last = None;
    let mut aliases: Vec<(String, usize)> = Vec::new();
    for record in packet.answers.iter().chain(&packet.additional_records) {
        let owner = record.name.to_string();
        let index = match &record.rdata {
            RData::PTR(target) => ensure(&mut entries, target.0.to_string()),
            RData::SRV(srv) => {
                let index = ensure(&mut entries, owner);
                if complete(&entries[index]) {
                    continue;
                }
                entries[index].port = srv.port;
                aliases.push((srv.target.to_string(), index));
                index
            }
            RData::TXT(txt) => {
                let index = ensure(&mut entries, owner);
                if complete(&entries[index]) {
                    continue;
                }
                let strings = txt.iter_raw().map(|(key, value)| match value {
                    None => String::from_utf8_lossy(key).into_owned(),
                    Some(value) => format!(
                        "{}={}",
                        String::from_utf8_lossy(key),
                        String::from_utf8_lossy(value)
                    ),
                });
                entries[index].txt = Some(strings.collect());
                index
            }
            RData::Empty(simple_dns::TYPE::TXT) => {
                let index = ensure(&mut entries, owner);
                if complete(&entries[index]) {
                    continue;
                }
                entries[index].txt = Some(Vec::new());
                index
            }
            RData::A(a) => {
                let index = match aliases.iter().find(|(alias, _)| *alias == owner) {
                    Some((_, index)) => *index,
                    None => ensure(&mut entries, owner),
                };
                if complete(&entries[index]) {
                    continue;
                }
                entries[index].ip = Some(Ipv4Addr::from(a.address));
                index
            }
            _ => continue,
        };
        entries[index].ttl = record.ttl;
        last = Some(index);
    }
    let entry = entries.get(last?)?.clone();
    complete(&entry).then_some(entry)
}
