//! The lesson's own tests, beside its exercises': one module per subject, in one test
//! binary (one link instead of one a file). The exercises' tests stay binaries of their
//! own, built alone by `workbook check`. `cargo test -p l02-rpc --test main bad_input::`
//! runs one module.

mod support;

mod bad_input;
mod pipelining;
mod process;
mod properties;
mod worked_example;
