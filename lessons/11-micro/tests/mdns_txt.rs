//! `micro.mdns-txt`: go-micro's TXT records read back, and anything else refused with a
//! reason. The records are go-micro v2.9.1's own (see `micro/tests/support/go_micro.rs`).

mod support;

use l11_micro::exercises::mdns_txt::decode;
use micro::registry::mdns::txt::{self, MAX_JSON_BYTES, MAX_PARTS};
use support::go_micro::{GREETER_TXT, PLAIN_TXT, go_micro_pack};

fn strings(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|part| part.to_string()).collect()
}

#[test]
fn reads_a_record_go_micro_wrote() {
    let txt = decode(&strings(&GREETER_TXT)).expect("go-micro's record of go.micro.srv.greeter");
    assert_eq!(txt.service, "go.micro.srv.greeter");
    assert_eq!(txt.version, "latest");
    assert_eq!(txt.endpoints.len(), 1, "{txt:?}");
    assert_eq!(txt.endpoints[0].name, "Greeter.Hello");
    let metadata = txt.metadata.expect("the node's metadata");
    assert_eq!(metadata["registry"], "mdns");
    assert_eq!(metadata["protocol"], "grpc");
}

#[test]
fn reads_a_record_of_one_string() {
    let txt = decode(&strings(&PLAIN_TXT)).expect("go-micro's record of greeter");
    assert_eq!(txt, txt::of_node("greeter", "1.0.0"));
}

#[test]
fn reads_back_what_the_registry_writes() {
    let mut long = txt::of_node("greeter", "2.0.0");
    let metadata = long.metadata.as_mut().unwrap();
    for n in 0..100 {
        metadata.insert(
            format!("key-{n}"),
            format!("a value that is not short, number {n}"),
        );
    }
    let written = txt::encode(&long);
    assert!(written.len() > 2, "a long record takes several strings");
    assert_eq!(decode(&written).expect("the registry's own record"), long);
}

#[test]
fn the_strings_are_read_in_order() {
    let mut swapped = strings(&GREETER_TXT);
    swapped.reverse();
    assert!(
        decode(&swapped).is_err(),
        "the strings joined in another order are not zlib"
    );
}

#[test]
fn refuses_what_go_micro_did_not_write() {
    let cases: Vec<(&str, Vec<String>)> = vec![
        ("no string at all", vec![]),
        ("not hex", strings(&["not hex!"])),
        ("an odd number of hex digits", strings(&["789"])),
        ("hex that is not zlib", strings(&["68656c6c6f"])),
        ("zlib cut short", vec![GREETER_TXT[0].to_string()]),
        ("zlib of something not JSON", go_micro_pack(b"hello")),
        (
            "JSON of the wrong types",
            go_micro_pack(br#"{"Service":5,"Version":["1"]}"#),
        ),
        ("JSON that is not an object", go_micro_pack(b"[1,2,3]")),
        (
            "a service without a name",
            go_micro_pack(br#"{"Version":"1.0.0"}"#),
        ),
        ("a record of null", go_micro_pack(b"null")),
    ];
    for (what, record) in cases {
        match decode(&record) {
            Err(error) => assert!(!format!("{error:#}").is_empty(), "{what}"),
            Ok(txt) => panic!("{what} was read as {txt:?}"),
        }
    }
}

#[test]
fn refuses_a_record_that_unpacks_to_too_much() {
    // A few kilobytes that unpack to a megabyte: the decoder must stop at MAX_JSON_BYTES.
    let mut huge = br#"{"Service":"greeter","Version":""#.to_vec();
    huge.extend(std::iter::repeat_n(b'1', 1 << 20));
    huge.extend(br#""}"#);
    let record = go_micro_pack(&huge);
    assert!(
        record.concat().len() < 8 * 1024,
        "{} hex digits",
        record.concat().len()
    );
    let error = decode(&record).expect_err("a megabyte of JSON is not a service's record");
    assert!(
        format!("{error:#}").contains(&MAX_JSON_BYTES.to_string()),
        "{error:#}"
    );
}

#[test]
fn refuses_too_many_strings() {
    let mut record = strings(&PLAIN_TXT);
    record.extend(std::iter::repeat_n(String::new(), MAX_PARTS));
    assert!(decode(&record).is_err(), "{} strings", record.len());
}
