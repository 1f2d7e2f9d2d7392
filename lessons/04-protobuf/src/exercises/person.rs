//! Exercise `protobuf.person`: a `Person` from its JSON form.
//!
//! Protobuf has a JSON mapping of its own, for people and for programs that do not speak
//! the binary format: camelCase member names, enum values by their names, a `Timestamp` as
//! RFC 3339 text, a `oneof` as the one member that is set, every field at its default left
//! out. The worked example writes it (`BookJson` in src/address_book.rs). This reads it
//! back, into the structs prost generated, whose shapes are not JSON's: an enum field is an
//! `i32`, a message field an `Option`, a `oneof` a Rust `enum`.

use proto::tutorial::Person;
use proto::tutorial::person::{PhoneNumber, PhoneType, PreferredContact};

/// The `Person` in `json`, an object in protobuf's JSON mapping of `proto/person.proto`:
///
/// - `name`, `email` (strings), `id` (a number that fits an `int32`), `phones` (an array of
///   `{"number": …, "type": …}`), `lastUpdated` (RFC 3339 text, `2024-12-09T00:00:00Z`),
///   and at most one of `preferredEmail` and `preferredPhone` (strings);
/// - a phone's `type` is the enum value's name in the `.proto` (`PHONE_TYPE_MOBILE`), or
///   its number: a number this program does not know is kept as it is, since a newer
///   writer may have added it;
/// - a member left out, or `null`, leaves its field at its default; a member this program
///   does not know is ignored;
/// - anything else is an error that says which member: text that is not JSON, a member of
///   the wrong JSON type, an `id` too large, a `type` name that is not one of the enum's,
///   a `lastUpdated` that is not a time, both `preferredEmail` and `preferredPhone`.
pub fn person_from_json(json: &str) -> anyhow::Result<Person> {
    // TODO: the Person as the doc comment says, every field of `proto/person.proto` in the
    //       shape prost gave it.
    todo!("read a Person from protobuf's JSON form")
}
