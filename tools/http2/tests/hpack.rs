//! The HPACK decoder (`http2::hpack`) held to another implementation, the
//! `loona-hpack` crate, on random input:
//!
//! - header lists that `loona-hpack`'s encoder writes on one connection, with the table
//!   resized between blocks (down to nothing, so that entries are evicted), decode to the
//!   lists that were encoded;
//! - random header blocks, every kind of representation and Huffman-coded strings among
//!   them, decode as `loona-hpack`'s decoder decodes them, and fail where it fails.

use http2::hpack::{DEFAULT_TABLE_SIZE, Decoder};
use loona_hpack::encoder::encode_integer;
use proptest::prelude::*;

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

/// An integer with a `prefix_bits` prefix, `flags` above it: the start of every
/// representation (`001xxxxx` is a table size update, `1xxxxxxx` an indexed header …).
fn integer(value: usize, prefix_bits: u8, flags: u8) -> Vec<u8> {
    let mut bytes = encode_integer(value, prefix_bits);
    bytes[0] |= flags;
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

/// A string as a literal sends it, length first: plain bytes, or bytes marked Huffman-coded
/// (random bits, leaning to the runs of ones that long codes and padding are made of).
fn string() -> impl Strategy<Value = Vec<u8>> {
    let huffman_byte = prop_oneof![any::<u8>(), Just(0xff), Just(0xfe), Just(0x7f)];
    let huffman = prop::collection::vec(huffman_byte, 0..24).prop_map(|bytes| (0x80, bytes));
    prop_oneof![3 => text().prop_map(|bytes| (0, bytes)), 1 => huffman].prop_map(|(h, bytes)| {
        let mut string = integer(bytes.len(), 7, h);
        string.extend(bytes);
        string
    })
}

/// One representation: an indexed header, or a literal that is added (`01`), not added
/// (`0000`) or never added (`0001`), its name by index or written out (index 0).
fn representation() -> impl Strategy<Value = Vec<u8>> {
    // Mostly the static table's 61 entries; past them, the dynamic table, or past its end.
    let index = prop_oneof![8 => 1..62usize, 2 => 62..66usize, 1 => 0..75usize];
    let kind = prop::sample::select(&[(0x40u8, 6u8), (0x00, 4), (0x10, 4)][..]);
    let name_index = prop_oneof![Just(0), index.clone()];
    let literal = (kind, name_index, string(), string()).prop_map(
        |((flags, prefix_bits), name_index, name, value)| {
            let mut bytes = integer(name_index, prefix_bits, flags);
            if name_index == 0 {
                bytes.extend(name);
            }
            bytes.extend(value);
            bytes
        },
    );
    prop_oneof![index.prop_map(|index| integer(index, 7, 0x80)), literal]
}

/// Blocks of random representations: perhaps a table size update first (one in ten over
/// the size allowed), then at least one header, as HTTP/2 requires.
fn random_blocks() -> impl Strategy<Value = Vec<Vec<u8>>> {
    let update = prop_oneof![9 => table_size(), 1 => Just(5000usize)];
    let block = (
        prop::option::of(update),
        prop::collection::vec(representation(), 1..6),
    )
        .prop_map(|(update, representations)| {
            let update = update.map(|size| integer(size, 5, 0x20));
            update
                .into_iter()
                .chain(representations)
                .flatten()
                .collect()
        });
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
                block.extend(integer(size, 5, 0x20));
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
