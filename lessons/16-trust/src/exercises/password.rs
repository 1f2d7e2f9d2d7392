//! Exercise `trust.password`: check a password against the hash kept for it.
//!
//! Nothing keeps a password, only an Argon2id hash of it (`crate::password::hash`), written
//! as a PHC string: `$argon2id$v=19$m=19456,t=2,p=1$SALT$HASH`. The string carries
//! everything needed to check a guess: the algorithm, its costs and the salt. A stored
//! hash made with other costs (older, cheaper ones) must still check.

use anyhow::anyhow;

/// Whether `password` is the one `stored` was made from: `Ok(true)` or `Ok(false)`, and an
/// error when `stored` is no PHC string of a hash this can check (a record gone bad).
pub fn verify(stored: &str, password: &str) -> anyhow::Result<bool> {
    // TODO: check `password` against the hash in `stored`, with the costs and the salt
    // that `stored` says, in a time that does not depend on where the bytes differ. A
    // wrong password is `Ok(false)`, not an error.
    todo!("check a password against its stored Argon2 hash")
}
