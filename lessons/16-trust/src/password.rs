//! Passwords kept as Argon2id hashes, never in clear.
//!
//! A database of passwords is one leak away from every account, and a database of fast
//! hashes (SHA-256 of the password) is one graphics card away. Argon2id, the winner of the
//! Password Hashing Competition, is slow on purpose and needs memory (19 MiB here, OWASP's
//! minimum), which is what makes guessing costly on any hardware. Each hash has its own
//! random salt, so two users with one password have two hashes, and a table made in advance
//! is useless. What is kept is the PHC string: algorithm, costs, salt and hash in one line.
//!
//! Checking a guess is the exercise `trust.password`
//! ([`crate::exercises::password::verify`]).

use std::sync::LazyLock;

use anyhow::anyhow;
use argon2::password_hash::SaltString;
use argon2::password_hash::rand_core::OsRng;
use argon2::{Argon2, PasswordHasher as _};

// ANCHOR: hash
/// The PHC string of `password`'s Argon2id hash, with a new random salt:
/// `$argon2id$v=19$m=19456,t=2,p=1$SALT$HASH`.
pub fn hash(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    let hash = Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|error| anyhow!("cannot hash the password: {error}"))?;
    Ok(hash.to_string())
}
// ANCHOR_END: hash

/// A hash no password was ever checked against, to check a login for a name nobody has:
/// it takes as long as a real one, so the time of an answer does not say which names exist.
pub static NOBODY: LazyLock<String> =
    LazyLock::new(|| hash("no one has this password").unwrap_or_default());

/// The shortest and the longest password taken: long enough to mean something, short
/// enough that hashing one is bounded work.
pub const LENGTH: std::ops::RangeInclusive<usize> = 8..=1024;
