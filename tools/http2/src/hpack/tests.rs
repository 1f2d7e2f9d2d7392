//! The decoder against the examples of RFC 7541, Appendix C: header blocks as the RFC's
//! authors encoded them, decoded in sequence on one connection, with the dynamic table
//! checked after each.

use super::*;

fn bytes(hex: &str) -> Vec<u8> {
    let digits: Vec<u8> = hex.bytes().filter(u8::is_ascii_hexdigit).collect();
    digits
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap())
        .collect()
}

fn decode(decoder: &mut Decoder, hex: &str) -> Result<Vec<(String, String)>, Error> {
    let mut headers = Vec::new();
    decoder.decode(&bytes(hex), |name, value| {
        headers.push((
            String::from_utf8(name.to_vec()).unwrap(),
            String::from_utf8(value.to_vec()).unwrap(),
        ))
    })?;
    Ok(headers)
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

fn table(decoder: &Decoder) -> (Vec<(String, String)>, usize) {
    let entries = (0..decoder.table.entries.len())
        .map(|n| {
            let (name, value) = decoder.table.get(n).unwrap();
            (
                String::from_utf8_lossy(name).into(),
                String::from_utf8_lossy(value).into(),
            )
        })
        .collect();
    (entries, decoder.table.size)
}

const FIRST: [(&str, &str); 4] = [
    (":method", "GET"),
    (":scheme", "http"),
    (":path", "/"),
    (":authority", "www.example.com"),
];

/// C.3 and C.4: three requests, plain and Huffman-coded; the same headers and tables.
#[test]
fn the_rfcs_requests_decode_in_sequence() {
    let plain = [
        "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
        "8286 84be 5808 6e6f 2d63 6163 6865",
        "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65",
    ];
    let huffman = [
        "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff",
        "8286 84be 5886 a8eb 1064 9cbf",
        "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf",
    ];
    for blocks in [plain, huffman] {
        let mut decoder = Decoder::default();
        assert_eq!(decode(&mut decoder, blocks[0]).unwrap(), pairs(&FIRST));
        assert_eq!(
            table(&decoder),
            (pairs(&[(":authority", "www.example.com")]), 57)
        );

        let mut second = FIRST.to_vec();
        second.push(("cache-control", "no-cache"));
        assert_eq!(decode(&mut decoder, blocks[1]).unwrap(), pairs(&second));
        assert_eq!(table(&decoder).1, 110);

        let third = [
            (":method", "GET"),
            (":scheme", "https"),
            (":path", "/index.html"),
            (":authority", "www.example.com"),
            ("custom-key", "custom-value"),
        ];
        assert_eq!(decode(&mut decoder, blocks[2]).unwrap(), pairs(&third));
        let expected = [
            ("custom-key", "custom-value"),
            ("cache-control", "no-cache"),
            (":authority", "www.example.com"),
        ];
        assert_eq!(table(&decoder), (pairs(&expected), 164));
    }
}

/// C.5: three responses into a table of 256 bytes, so that old entries are evicted.
#[test]
fn the_rfcs_responses_evict_the_oldest_entries() {
    let mut decoder = Decoder::new(256);
    let first = decode(
        &mut decoder,
        "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133
         2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70
         6c65 2e63 6f6d",
    )
    .unwrap();
    assert_eq!(first[0], (":status".into(), "302".into()));
    assert_eq!(table(&decoder).1, 222);

    let second = decode(&mut decoder, "4803 3330 37c1 c0bf").unwrap();
    assert_eq!(
        second,
        pairs(&[
            (":status", "307"),
            ("cache-control", "private"),
            ("date", "Mon, 21 Oct 2013 20:13:21 GMT"),
            ("location", "https://www.example.com"),
        ])
    );
    // ":status: 302" was the oldest: it made room for ":status: 307".
    let (entries, size) = table(&decoder);
    assert_eq!(entries[0], (":status".into(), "307".into()));
    assert_eq!((entries.len(), size), (4, 222));

    let third = decode(
        &mut decoder,
        "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d
         54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049
         5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e
         3d31",
    )
    .unwrap();
    assert_eq!(third.len(), 6);
    assert_eq!(
        third[5],
        (
            "set-cookie".into(),
            "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1".into()
        )
    );
    let (entries, size) = table(&decoder);
    assert_eq!(entries.len(), 3);
    assert_eq!(size, 215);
}

#[test]
fn what_the_put_functions_write_decodes() {
    let mut block = Vec::new();
    put_indexed(&mut block, index::STATUS_200);
    put_with_name_index(&mut block, index::CONTENT_TYPE, b"application/grpc");
    put_literal(&mut block, b"grpc-status", b"0");
    put_added(&mut block, b"x-long", "y".repeat(300).as_bytes());
    put_indexed(&mut block, index::FIRST_DYNAMIC);
    let mut decoder = Decoder::default();
    let mut headers = Vec::new();
    decoder
        .decode(&block, |n, v| headers.push((n.to_vec(), v.len())))
        .unwrap();
    let names: Vec<_> = headers
        .iter()
        .map(|(n, len)| (String::from_utf8_lossy(n).into_owned(), *len))
        .collect();
    assert_eq!(
        names,
        [
            (":status".to_string(), 3),
            ("content-type".into(), 16),
            ("grpc-status".into(), 1),
            ("x-long".into(), 300),
            ("x-long".into(), 300),
        ]
    );
}

#[test]
fn broken_blocks_are_errors_not_panics() {
    let cases: [(&str, Error); 6] = [
        ("82 0f", Error::Truncated),
        ("40 05 61", Error::Truncated),
        ("be", Error::NoSuchEntry(62)),
        ("80", Error::NoSuchEntry(0)),
        ("ff ff ff ff ff ff", Error::Overflow),
        ("82 20", Error::TableSize(0)),
    ];
    for (hex, error) in cases {
        assert_eq!(decode(&mut Decoder::default(), hex), Err(error), "{hex}");
    }
    // A table larger than the receiver allowed.
    assert_eq!(
        decode(&mut Decoder::new(100), "3f 46"),
        Err(Error::TableSize(101))
    );
    // A Huffman string of all ones: EOS.
    assert_eq!(
        decode(&mut Decoder::default(), "00 84 ff ff ff ff 00"),
        Err(Error::Huffman)
    );
}

#[test]
fn an_entry_larger_than_the_table_empties_it() {
    let mut decoder = Decoder::new(64);
    let mut block = Vec::new();
    put_added(&mut block, b"a", b"b");
    put_added(&mut block, b"big", &[b'x'; 100]);
    let mut count = 0;
    decoder.decode(&block, |_, _| count += 1).unwrap();
    assert_eq!((count, table(&decoder)), (2, (vec![], 0)));
}

/// Each representation's kind and bytes, for a view that points at them: a size update,
/// then C.3.1's four headers, then a header never to be added.
#[test]
fn each_representation_is_told_with_its_bytes() {
    let mut block = bytes("3f 81 1f 8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d");
    block.extend(bytes("10 01 61 01 62"));
    let mut decoder = Decoder::default();
    let mut seen = Vec::new();
    decoder
        .decode_each(&block, |decoded| {
            let value = decoded
                .header
                .map(|(_, v)| String::from_utf8_lossy(v).into_owned());
            seen.push((decoded.representation, decoded.bytes, value));
        })
        .unwrap();
    let value = |v: &str| Some(v.to_string());
    assert_eq!(
        seen,
        [
            (Representation::SizeUpdate(4000), 0..3, None),
            (Representation::Indexed, 3..4, value("GET")),
            (Representation::Indexed, 4..5, value("http")),
            (Representation::Indexed, 5..6, value("/")),
            (Representation::Added, 6..23, value("www.example.com")),
            (Representation::NeverAdded, 23..28, value("b")),
        ]
    );
    assert_eq!(table(&decoder).1, 57);
}

/// A receiver that announces a larger table lets the sender grow it.
#[test]
fn a_larger_table_is_allowed_once_announced() {
    let mut decoder = Decoder::default();
    assert_eq!(
        decode(&mut decoder, "3f e1 3f"),
        Err(Error::TableSize(8192))
    );
    let mut decoder = Decoder::default();
    decoder.allow(8192);
    assert_eq!(decode(&mut decoder, "3f e1 3f 82").unwrap().len(), 1);
}
