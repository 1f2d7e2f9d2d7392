//! What this lesson's tests share: inputs that are wrong in every way bytes can be wrong.
//!
//! The "random" bytes come from a fixed seed, so every run tries the same inputs and a
//! failure names an input that can be replayed.

#![allow(dead_code)]

use std::panic::{AssertUnwindSafe, catch_unwind};

/// A small pseudo-random generator (SplitMix64): good enough to make test inputs.
pub struct Random(u64);

impl Random {
    pub fn new(seed: u64) -> Self {
        Random(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number of random bit length, so that small and huge values are equally common.
    pub fn any_width(&mut self) -> u64 {
        let width = self.next_u64() % 65;
        self.next_u64().checked_shr(64 - width as u32).unwrap_or(0)
    }

    pub fn bytes(&mut self, max_len: usize) -> Vec<u8> {
        let len = (self.next_u64() % (max_len as u64 + 1)) as usize;
        (0..len).map(|_| self.next_u64() as u8).collect()
    }
}

/// `count` buffers of random bytes, up to 64 long.
pub fn garbage(count: usize) -> Vec<Vec<u8>> {
    let mut random = Random::new(4);
    (0..count).map(|_| random.bytes(64)).collect()
}

/// `count` copies of `valid`, each with one or two bytes overwritten at random: inputs
/// that look right for a while and then go wrong deep inside.
pub fn mutations(valid: &[u8], count: usize) -> Vec<Vec<u8>> {
    let mut random = Random::new(40);
    (0..count)
        .map(|_| {
            let mut bytes = valid.to_vec();
            for _ in 0..=(random.next_u64() % 2) {
                let at = (random.next_u64() % bytes.len() as u64) as usize;
                bytes[at] = random.next_u64() as u8;
            }
            bytes
        })
        .collect()
}

/// Every prefix of `valid`, from empty to one byte short.
pub fn prefixes(valid: &[u8]) -> impl Iterator<Item = &[u8]> {
    (0..valid.len()).map(|len| &valid[..len])
}

/// Calls `f(input)`, turning a panic into a test failure that shows the input.
pub fn no_panic<'a, T>(what: &str, input: &'a [u8], f: impl FnOnce(&'a [u8]) -> T) -> T {
    match catch_unwind(AssertUnwindSafe(|| f(input))) {
        Ok(value) => value,
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("");
            panic!(
                "{what} panicked ({message}) on input {input:02x?}: it must return, with an error if the input is bad"
            )
        }
    }
}
