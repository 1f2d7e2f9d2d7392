//! Byte-for-byte comparisons a learner can read.
//!
//! `assert_eq!` on two long hex strings says only that they differ, as `left` and `right`:
//! the reader has to find the one byte that is wrong in 80 characters, and remember which
//! side was theirs. [`same_bytes`] says where the two first part, shows the bytes around that
//! place, and names each side.

/// Panics unless `yours` is `expected`, byte for byte, saying at which byte they first differ
/// (or which is longer), with the bytes around it in hex; `what` says what was compared.
#[track_caller]
pub fn same_bytes(yours: &[u8], expected: &[u8], what: &str) {
    if yours == expected {
        return;
    }
    let first = yours
        .iter()
        .zip(expected)
        .position(|(a, b)| a != b)
        .unwrap_or(yours.len().min(expected.len()));
    let window = |bytes: &[u8]| {
        let from = first.saturating_sub(4);
        let to = (first + 5).min(bytes.len());
        let mut shown = String::new();
        if from > 0 {
            shown.push_str("… ");
        }
        for (at, byte) in bytes.iter().enumerate().take(to).skip(from) {
            if at == first {
                shown.push_str(&format!("[{byte:02x}] "));
            } else {
                shown.push_str(&format!("{byte:02x} "));
            }
        }
        if to < bytes.len() {
            shown.push('…');
        }
        shown.trim_end().to_string()
    };
    let at = if first < yours.len() && first < expected.len() {
        format!(
            "byte {first} differs (0x{:02x} where 0x{:02x} is expected)",
            yours[first], expected[first]
        )
    } else {
        format!(
            "yours is {} bytes long, the expected {}; the first {first} agree",
            yours.len(),
            expected.len()
        )
    };
    panic!(
        "{what}: {at}\n  yours:    {}\n  expected: {}",
        window(yours),
        window(expected)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(yours: &[u8], expected: &[u8]) -> String {
        let panicked = std::panic::catch_unwind(|| same_bytes(yours, expected, "the frame"));
        let payload = panicked.expect_err("they differ");
        payload.downcast_ref::<String>().cloned().unwrap()
    }

    #[test]
    fn equal_bytes_pass() {
        same_bytes(b"abc", b"abc", "the frame");
    }

    #[test]
    fn the_first_differing_byte_is_named_and_marked() {
        let expected: Vec<u8> = (0..20).collect();
        let mut yours = expected.clone();
        yours[10] = 0xff;
        let said = message(&yours, &expected);
        assert!(
            said.contains("byte 10 differs (0xff where 0x0a is expected)"),
            "{said}"
        );
        assert!(
            said.contains("yours:    … 06 07 08 09 [ff] 0b 0c 0d 0e …"),
            "{said}"
        );
        assert!(
            said.contains("expected: … 06 07 08 09 [0a] 0b 0c 0d 0e …"),
            "{said}"
        );
    }

    #[test]
    fn a_short_answer_says_how_long_each_is() {
        let said = message(&[1, 2], &[1, 2, 3]);
        assert!(
            said.contains("yours is 2 bytes long, the expected 3; the first 2 agree"),
            "{said}"
        );
    }
}
