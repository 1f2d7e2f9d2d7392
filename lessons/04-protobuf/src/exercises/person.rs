//! Exercise `protobuf.person`: build a message from `proto/person.proto`.

use proto::tutorial::Person;
use proto::tutorial::person::{PhoneNumber, PhoneType, PreferredContact};

/// Grace Hopper, as the address book should hold her:
///
/// - name "Grace Hopper", id 1906, email "grace@example.com";
/// - two phones, in this order: "+1 202 555 0100" (mobile) and "+1 202 555 0199" (work);
/// - last updated at 2024-12-09T00:00:00Z, which is 1 733 702 400 seconds after the Unix
///   epoch;
/// - preferred contact: her mobile phone, "+1 202 555 0100".
pub fn grace_hopper() -> Person {
    // TODO: return a `Person { … }` with the fields above. The generated structs are in
    // the `proto` crate (see `src/address_book.rs` for one filled in); the timestamp is a
    // `prost_types::Timestamp`, the preference one variant of `PreferredContact`.
    todo!("build Grace Hopper's Person")
}
