//! The HPACK decoder (`shared::http2::hpack`) held to another implementation, the
//! `loona-hpack` crate, on random input:
//!
//! - header lists that `loona-hpack`'s encoder writes on one connection, with the table
//!   resized between blocks (down to nothing, so that entries are evicted), decode to the
//!   lists that were encoded;
//! - random header blocks, every kind of representation and Huffman-coded strings among
//!   them, decode as `loona-hpack`'s decoder decodes them, and fail where it fails.

use loona_hpack::encoder::encode_integer;
use proptest::prelude::*;
use shared::http2::hpack::{DEFAULT_TABLE_SIZE, Decoder};

type Headers = Vec<(Vec<u8>, Vec<u8>)>;

fn decoded(decoder: &mut Decoder, block: &[u8]) -> Result<Headers, String> {
    let mut headers = Vec::new();
    decoder
        .decode(block, |name, value| {
            headers.push((name.to_vec(), value.to_vec()))
        })
        .map_err(|error| error.to_string())?;
    Ok(headers)
}

/// A table size update (`001xxxxx`) to `size`.
fn size_update(size: usize) -> Vec<u8> {
    let mut bytes = encode_integer(size, 5);
    bytes[0] |= 0x20;
    bytes
}

/// Names and values that come back, so that the encoder finds them in its tables, and any
/// bytes at all.
fn text() -> impl Strategy<Value = Vec<u8>> {
    const KNOWN: [&str; 7] = [
        ":path",
        ":method",
        "POST",
        "content-type",
        "application/grpc",
        "x",
        "",
    ];
    prop_oneof![
        prop::sample::select(&KNOWN[..]).prop_map(|text| text.as_bytes().to_vec()),
        prop::collection::vec(any::<u8>(), 0..40),
    ]
}

/// A table size: often small, so that adding an entry evicts others (or all of them).
fn table_size() -> impl Strategy<Value = usize> {
    prop_oneof![0..120usize, 0..=DEFAULT_TABLE_SIZE]
}

/// One block of a connection: perhaps a new table size first, then the headers.
fn blocks() -> impl Strategy<Value = Vec<(Option<usize>, Headers)>> {
    let headers = prop::collection::vec((text(), text()), 0..12);
    prop::collection::vec((prop::option::of(table_size()), headers), 1..8)
}

/// What a literal's string is: plain bytes, or bytes sent as if Huffman-coded (random
/// bits, leaning to the runs of ones that the long codes and the padding are made of).
#[derive(Debug, Clone)]
struct Text {
    huffman: bool,
    bytes: Vec<u8>,
}

fn text_on_the_wire() -> impl Strategy<Value = Text> {
    let huffman_byte = prop_oneof![any::<u8>(), Just(0xff), Just(0xfe), Just(0x7f)];
    prop_oneof![
        3 => text().prop_map(|bytes| Text {
            huffman: false,
            bytes
        }),
        1 => prop::collection::vec(huffman_byte, 0..24).prop_map(|bytes| Text {
            huffman: true,
            bytes
        }),
    ]
}

/// One representation, as its first byte's pattern and what follows.
#[derive(Debug, Clone)]
enum Representation {
    Indexed(usize),
    /// `kind` is 0x40 (added), 0x00 (not added) or 0x10 (never added); a name index of 0
    /// means the name follows as a string.
    Literal {
        kind: u8,
        name_index: usize,
        name: Text,
        value: Text,
    },
}

fn representation() -> impl Strategy<Value = Representation> {
    // Mostly the static table's 61 entries; past them, the dynamic table, or past its end.
    let index = prop_oneof![8 => 1..62usize, 2 => 62..66usize, 1 => 0..75usize];
    let kind = prop::sample::select(&[0x40u8, 0x00, 0x10][..]);
    let name_index = prop_oneof![Just(0), index.clone()];
    prop_oneof![
        index.prop_map(Representation::Indexed),
        (kind, name_index, text_on_the_wire(), text_on_the_wire()).prop_map(
            |(kind, name_index, name, value)| Representation::Literal {
                kind,
                name_index,
                name,
                value,
            }
        ),
    ]
}

fn put_text(out: &mut Vec<u8>, text: &Text) {
    let mut len = encode_integer(text.bytes.len(), 7);
    if text.huffman {
        len[0] |= 0x80;
    }
    out.extend(len);
    out.extend(&text.bytes);
}

fn put(out: &mut Vec<u8>, representation: &Representation) {
    match representation {
        Representation::Indexed(index) => {
            let mut bytes = encode_integer(*index, 7);
            bytes[0] |= 0x80;
            out.extend(bytes);
        }
        Representation::Literal {
            kind,
            name_index,
            name,
            value,
        } => {
            let mut bytes = encode_integer(*name_index, if *kind == 0x40 { 6 } else { 4 });
            bytes[0] |= kind;
            out.extend(bytes);
            if *name_index == 0 {
                put_text(out, name);
            }
            put_text(out, value);
        }
    }
}

/// Blocks of random representations: perhaps a table size update first (one in ten over
/// the size allowed), then at least one header, as HTTP/2 requires.
fn random_blocks() -> impl Strategy<Value = Vec<Vec<u8>>> {
    let update = prop::option::of(prop_oneof![9 => table_size(), 1 => Just(5000usize)]);
    let block = (update, prop::collection::vec(representation(), 1..6)).prop_map(
        |(update, representations)| {
            let mut block = update.map(size_update).unwrap_or_default();
            for representation in &representations {
                put(&mut block, representation);
            }
            block
        },
    );
    prop::collection::vec(block, 1..6)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn what_loona_hpack_encodes_decodes_to_the_same_headers(blocks in blocks()) {
        let mut encoder = loona_hpack::Encoder::new();
        let mut decoder = Decoder::default();
        for (new_size, headers) in &blocks {
            let mut block = Vec::new();
            if let Some(size) = *new_size {
                block.extend(size_update(size));
                encoder.set_max_table_size(size);
            }
            block.extend(encoder.encode(headers.iter().map(|(n, v)| (&n[..], &v[..]))));
            prop_assert_eq!(&decoded(&mut decoder, &block), &Ok(headers.clone()));
        }
    }

    #[test]
    fn random_blocks_decode_as_loona_hpack_decodes_them(blocks in random_blocks()) {
        let mut theirs = loona_hpack::Decoder::new();
        theirs.set_max_allowed_table_size(DEFAULT_TABLE_SIZE);
        let mut ours = Decoder::default();
        for block in &blocks {
            let expected = theirs.decode(block);
            let got = decoded(&mut ours, block);
            match (&expected, &got) {
                (Ok(expected), Ok(got)) => prop_assert_eq!(expected, got),
                (Err(_), Err(_)) => break, // the connection ends at its first error
                _ => prop_assert!(false, "loona-hpack: {expected:?}\nours: {got:?}"),
            }
        }
    }
}
