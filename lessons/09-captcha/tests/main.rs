//! The lesson's own tests, beside its exercises': one module per subject, in one test
//! binary (one link instead of one a file). The exercises' tests stay binaries of their
//! own, built alone by `workbook check`. `cargo test -p l09-captcha --test main burst::`
//! runs one module.

mod program;
mod support;

mod burst;
mod process;
