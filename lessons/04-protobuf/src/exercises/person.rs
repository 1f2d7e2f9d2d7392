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
    // TODO: Grace Hopper as described above, every field of `proto/person.proto` that the
    // description names set, the others left at their defaults.
    todo!("build Grace Hopper's Person")
}
