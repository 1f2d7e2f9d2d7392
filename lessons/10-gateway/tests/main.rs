//! The lesson's own tests, beside its exercises': one module per subject, in one test
//! binary (one link instead of one a file). The exercises' tests stay binaries of their
//! own, built alone by `workbook check`. `cargo test -p l10-gateway --test main browser::`
//! runs one module.

mod support;

mod browser;
mod hostile;
mod process;
