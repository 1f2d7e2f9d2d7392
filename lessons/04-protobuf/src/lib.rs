//! Lesson 04: Protocol Buffers with prost.
//!
//! The JSON of lessons 02 and 03 spells out every field name in every message and leaves
//! the shape of the data to a comment. Protocol Buffers put the shape in a schema
//! (`proto/person.proto`), generate the types from it, and send only field numbers and
//! compact values. This lesson encodes an address book, reads the bytes by hand to see
//! what is on the wire, and lets two versions of a schema read each other's messages.

pub mod address_book;
pub mod annotate;
pub mod evolution;
pub mod inspect;
pub mod wire;

/// The learner's files, or with `--features solution` the reference answers in
/// `solutions/`. The tests use `l04_protobuf::exercises::…` and cannot tell which.
///
/// A stub that only says `todo!()` leaves its `&mut Vec<u8>` parameters unused as vectors,
/// which clippy would flag; the answers need them to grow.
#[cfg_attr(
    not(feature = "solution"),
    allow(unused_variables, unused_imports, dead_code, clippy::ptr_arg)
)]
pub mod exercises {
    #[cfg_attr(feature = "solution", path = "../../solutions/evolution.rs")]
    pub mod evolution;
    #[cfg_attr(feature = "solution", path = "../../solutions/fields.rs")]
    pub mod fields;
    #[cfg_attr(feature = "solution", path = "../../solutions/peek.rs")]
    pub mod peek;
    #[cfg_attr(feature = "solution", path = "../../solutions/person.rs")]
    pub mod person;
    #[cfg_attr(feature = "solution", path = "../../solutions/roundtrip.rs")]
    pub mod roundtrip;
    #[cfg_attr(feature = "solution", path = "../../solutions/varint.rs")]
    pub mod varint;
}
