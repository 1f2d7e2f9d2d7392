//! The worked example's `inspect` and annotated dump: what they print for a real address
//! book, and that bad input gets a clear error, never a panic.

use crate::common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{garbage, mutations, no_panic, prefixes};
use l04_protobuf::{address_book, annotate, inspect};
use prost::Message;

fn decode_raw(message: &[u8]) -> (String, Result<(), l04_protobuf::wire::WireError>) {
    let mut out = String::new();
    let result = inspect::decode_raw(message, &mut out);
    (out, result)
}

#[test]
fn the_sample_address_book_prints_like_protoc_decode_raw() {
    let (tree, result) = decode_raw(&address_book::sample().encode_to_vec());
    assert_eq!(result, Ok(()));
    let expected = r#"1 {
  1: "Ada Lovelace"
  2: 1815
  3: "ada@example.com"
  4 {
    1: "+44 20 7946 0018"
    2: 1
  }
  5 {
    1: 1704067200
  }
  7: "+44 20 7946 0018"
}
1 {
  1: "Alan Turing"
  2: 1912
}
"#;
    assert_eq!(tree, expected);
}

#[test]
fn values_that_are_neither_text_nor_messages_print_as_hex() {
    let mut bytes = Vec::new();
    prost::encoding::bytes::encode(1, &vec![0xff, 0x00, 0x07], &mut bytes);
    prost::encoding::int64::encode(2, &-2, &mut bytes);
    prost::encoding::fixed32::encode(3, &7, &mut bytes);
    prost::encoding::fixed64::encode(4, &8, &mut bytes);
    let (tree, result) = decode_raw(&bytes);
    assert_eq!(result, Ok(()));
    assert_eq!(
        tree,
        "1: [ff 00 07]\n2: 18446744073709551614 (int64 -2)\n3: 0x00000007\n4: 0x0000000000000008\n"
    );
}

#[test]
fn the_dump_shows_every_byte_once() {
    let bytes = address_book::sample().encode_to_vec();
    let mut dump = String::new();
    annotate::annotate(&bytes, &mut dump).unwrap();
    let lines: Vec<&str> = dump.lines().collect();
    assert_eq!(
        lines[1],
        "     0  0a                       field 1, LEN (1 << 3 | 2)"
    );
    assert_eq!(lines[2], "     1  52                       length 82");
    assert!(
        dump.contains("    17  97 0e                      1815\n"),
        "{dump}"
    );
    // Reading the hex column back gives the message again.
    let hex: Vec<u8> = lines[1..]
        .iter()
        .flat_map(|line| line[8..line.len().min(31)].split_whitespace())
        .map(|pair| u8::from_str_radix(pair, 16).unwrap())
        .collect();
    assert_eq!(hex, bytes);
}

#[test]
fn every_prefix_prints_what_it_can_and_says_where_it_broke() {
    let bytes = address_book::sample().encode_to_vec();
    let first_person_ends = 84;
    for prefix in prefixes(&bytes) {
        let (tree, result) = no_panic("decode_raw", prefix, decode_raw);
        let mut dump = String::new();
        let dumped = no_panic("annotate", prefix, |p| annotate::annotate(p, &mut dump));
        assert_eq!(result, dumped);
        match prefix.len() {
            0 => assert_eq!((tree.as_str(), result), ("", Ok(()))),
            84 => assert_eq!(result, Ok(())),
            len => {
                let error = result.expect_err("a message cut inside a field");
                assert!(error.to_string().starts_with("at byte "), "{error}");
                // Ada is printed in full once her bytes are all there.
                assert_eq!(tree.contains("Ada Lovelace"), len > first_person_ends);
            }
        }
    }
}

#[test]
fn garbage_never_panics() {
    let valid = address_book::sample().encode_to_vec();
    for input in garbage(5_000).iter().chain(&mutations(&valid, 5_000)) {
        let _ = no_panic("decode_raw", input, decode_raw);
        let _ = no_panic("annotate", input, |i| {
            annotate::annotate(i, &mut String::new())
        });
    }
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    // 100 000 messages inside each other: field 1 holding field 1 holding field 1…, built
    // from the inside out as the header of each level (tag 0a, then the length of
    // everything inside it), outermost first.
    let mut headers = Vec::new();
    let mut inside = 0;
    for _ in 0..100_000 {
        let mut header = vec![0x0a];
        prost::encoding::encode_varint(inside as u64, &mut header);
        inside += header.len();
        headers.push(header);
    }
    let message: Vec<u8> = headers.into_iter().rev().flatten().collect();
    let (tree, result) = decode_raw(&message);
    assert_eq!(result, Ok(()));
    assert_eq!(tree.matches('{').count(), inspect::MAX_DEPTH - 1);
    annotate::annotate(&message, &mut String::new()).unwrap();
}

/// Runs the lesson's binary with `args`, `stdin` as its input.
fn run(args: &[&str], stdin: &[u8]) -> (bool, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_l04-protobuf"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the lesson's binary starts");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let what = format!("`l04-protobuf {}`", args.join(" "));
    let output = testkit::child_output_within(&what, child, testkit::PATIENCE);
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap();
    (
        output.status.success(),
        text(output.stdout),
        text(output.stderr),
    )
}

#[test]
fn the_inspect_command_reads_standard_input() {
    let bytes = address_book::sample().encode_to_vec();
    let (ok, stdout, _) = run(&["inspect"], &bytes);
    assert!(ok);
    assert!(
        stdout.starts_with("1 {\n  1: \"Ada Lovelace\"\n"),
        "{stdout}"
    );
}

#[test]
fn the_inspect_command_fails_cleanly_on_bad_input() {
    let bytes = address_book::sample().encode_to_vec();
    // Ada whole, Alan cut short.
    let (ok, stdout, stderr) = run(&["inspect", "-"], &bytes[..90]);
    assert!(!ok, "bad input is a failure");
    assert!(
        stdout.contains("Ada Lovelace"),
        "what could be read is printed: {stdout}"
    );
    assert_eq!(
        stderr,
        "error: standard input is not a protobuf message: \
         at byte 86: the field needs 16 bytes but only 4 are left\n"
    );
}

#[test]
fn the_decode_command_fails_cleanly_on_garbage() {
    let (ok, _, stderr) = run(&["decode"], &[0x0a, 0x05, 0xff]);
    assert!(!ok);
    assert!(
        stderr.starts_with("error: standard input is not an address book: "),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// SIGPIPE's number, on Linux and macOS alike.
const SIGPIPE: i32 = 13;

#[test]
fn the_program_ends_quietly_when_its_output_is_cut() {
    use std::os::unix::process::ExitStatusExt;

    // `l04-protobuf addressbook | head -0`: a pipe whose reader has gone before the first
    // byte. The program should end as `cat` would, by SIGPIPE, without a panic.
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let child = Command::new(env!("CARGO_BIN_EXE_l04-protobuf"))
        .arg("addressbook")
        .stdout(writer)
        .stderr(Stdio::piped())
        .spawn()
        .expect("the lesson's binary starts");
    let output = testkit::child_output_within(
        "`l04-protobuf addressbook | head -0`",
        child,
        testkit::PATIENCE,
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.signal(),
        Some(SIGPIPE),
        "it should end by SIGPIPE; it ended with {} and printed:\n{stderr}",
        output.status
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}
