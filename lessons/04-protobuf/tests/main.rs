//! The lesson's own tests, beside its exercises': one module per subject, in one test
//! binary (one link instead of one a file). The exercises' tests stay binaries of their
//! own, built alone by `workbook check`. `cargo test -p l04-protobuf --test main address_book::`
//! runs one module.

mod common;

mod address_book;
mod compatibility;
mod inspect;
mod wire_format;
