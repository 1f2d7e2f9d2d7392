//! Who may do what, and how much: the class code for joining, the teacher's token for the
//! dashboard and the exports, a learner's own token for their verdicts; a rate for each
//! learner and one for the joins from each address, so that a flood of joins (right code
//! or not) costs the server a refusal each, not its memory or its disk, and the machine
//! flooding is slowed down alone: the rest of the room joins as ever.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

/// A bucket of `capacity` requests, refilled at `per_second`: a burst is allowed, a
/// steady flood is not.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    left: f64,
    filled_at: Instant,
}

#[derive(Debug, Clone, Copy)]
pub struct Rate {
    pub capacity: f64,
    pub per_second: f64,
}

/// A learner's requests: a check every second, and a burst of a queue sent at once.
pub const LEARNER_RATE: Rate = Rate {
    capacity: 30.0,
    per_second: 5.0,
};

/// The joins from one address: a room behind one router joining at once, not a script
/// guessing codes.
pub const JOIN_RATE: Rate = Rate {
    capacity: 60.0,
    per_second: 5.0,
};

/// Addresses whose join rate is remembered; past it, those back to a full bucket are
/// forgotten (they would start full anyway).
const ADDRESSES_KEPT: usize = 10_000;

impl Bucket {
    fn full(rate: Rate) -> Bucket {
        Bucket {
            left: rate.capacity,
            filled_at: Instant::now(),
        }
    }

    fn refill(&mut self, rate: Rate) {
        let now = Instant::now();
        let refill = now.duration_since(self.filled_at).as_secs_f64() * rate.per_second;
        self.left = (self.left + refill).min(rate.capacity);
        self.filled_at = now;
    }

    fn take(&mut self, rate: Rate) -> bool {
        self.refill(rate);
        if self.left >= 1.0 {
            self.left -= 1.0;
            true
        } else {
            false
        }
    }
}

/// The rates of every learner, and of the joins from each address.
#[derive(Debug, Default)]
pub struct Limits {
    learners: Mutex<HashMap<i64, Bucket>>,
    joins: Mutex<HashMap<IpAddr, Bucket>>,
}

impl Limits {
    /// Whether learner `id` may send another request now.
    pub fn learner(&self, id: i64) -> bool {
        let mut buckets = self.learners.lock().unwrap_or_else(|e| e.into_inner());
        buckets
            .entry(id)
            .or_insert_with(|| Bucket::full(LEARNER_RATE))
            .take(LEARNER_RATE)
    }

    /// Whether another join may be tried now from `from`.
    pub fn join(&self, from: IpAddr) -> bool {
        let mut buckets = self.joins.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= ADDRESSES_KEPT {
            buckets.retain(|_, bucket| {
                bucket.refill(JOIN_RATE);
                bucket.left < JOIN_RATE.capacity
            });
        }
        buckets
            .entry(from)
            .or_insert_with(|| Bucket::full(JOIN_RATE))
            .take(JOIN_RATE)
    }
}

/// Whether two secrets are equal, in a time that does not depend on where they differ.
pub fn same_secret(given: &str, kept: &str) -> bool {
    let (given, kept) = (given.as_bytes(), kept.as_bytes());
    given.len() == kept.len()
        && given
            .iter()
            .zip(kept)
            .fold(0u8, |differ, (a, b)| differ | (a ^ b))
            == 0
}

/// `bytes` random bytes from the system, as hex: a token.
pub fn token(bytes: usize) -> String {
    let mut random = vec![0u8; bytes];
    getrandom::fill(&mut random).expect("the system's random source");
    random.iter().map(|b| format!("{b:02x}")).collect()
}

/// A class code: six characters a room reads off a projector without confusing any
/// two (no 0/O, 1/I/L), about 2^29 codes.
pub fn class_code() -> String {
    code(6)
}

/// A learner's re-join code: ten such characters (about 2^49), which a learner copies
/// by hand to another machine; the joins' rate per address makes guessing one hopeless.
pub fn rejoin_code() -> String {
    code(10)
}

/// `length` random characters that read without confusion.
fn code(length: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut random = vec![0u8; length];
    getrandom::fill(&mut random).expect("the system's random source");
    random
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_a_burst_then_refuses() {
        let rate = Rate {
            capacity: 3.0,
            per_second: 0.001,
        };
        let mut bucket = Bucket::full(rate);
        assert!((0..3).all(|_| bucket.take(rate)));
        assert!(!bucket.take(rate));
    }

    #[test]
    fn one_address_flooding_joins_leaves_the_others_theirs() {
        let limits = Limits::default();
        let script: IpAddr = [10, 0, 0, 66].into();
        let taken = (0..1000).filter(|_| limits.join(script)).count();
        assert!(taken < 100, "{taken} of 1000 let through");
        let learner: IpAddr = [10, 0, 0, 7].into();
        assert!(limits.join(learner), "another address joins as ever");
    }

    #[test]
    fn secrets_and_codes() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abd", "abc") && !same_secret("ab", "abc"));
        assert_eq!(token(16).len(), 32);
        let code = class_code();
        assert_eq!(code.len(), 6);
        assert!(!code.contains(['0', 'O', '1', 'I', 'L']));
    }
}
