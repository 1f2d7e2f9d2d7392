//! Exercise `trust.password`: check a password against the hash kept for it.
//!
//! Nothing keeps a password, only an Argon2id hash of it (`crate::password::hash`), written
//! as a PHC string: `$argon2id$v=19$m=19456,t=2,p=1$SALT$HASH`. The string carries
//! everything needed to check a guess: the algorithm, its costs and the salt. A stored
//! hash made with other costs (older, cheaper ones) must still check.

use anyhow::anyhow;
use argon2::password_hash::Error;
use argon2::{Argon2, PasswordHash, PasswordVerifier};

/// Whether `password` is the one `stored` was made from: `Ok(true)` or `Ok(false)`, and an
/// error when `stored` is no PHC string of a hash this can check (a record gone bad).
pub fn verify(stored: &str, password: &str) -> anyhow::Result<bool> {
    let hash = PasswordHash::new(stored)
        .map_err(|error| anyhow!("the stored hash is no PHC string: {error}"))?;
    // The costs and the salt come from the hash, not from `Argon2::default()`; the
    // comparison at the end takes the same time whatever bytes differ.
    match Argon2::default().verify_password(password.as_bytes(), &hash) {
        Ok(()) => Ok(true),
        Err(Error::Password) => Ok(false),
        Err(error) => Err(anyhow!("cannot check against the stored hash: {error}")),
    }
}
