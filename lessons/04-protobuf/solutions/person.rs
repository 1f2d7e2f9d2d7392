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
    let mobile = "+1 202 555 0100".to_string();
    Person {
        name: "Grace Hopper".to_string(),
        id: 1906,
        email: "grace@example.com".to_string(),
        phones: vec![
            PhoneNumber {
                number: mobile.clone(),
                r#type: PhoneType::Mobile.into(),
            },
            PhoneNumber {
                number: "+1 202 555 0199".to_string(),
                r#type: PhoneType::Work.into(),
            },
        ],
        last_updated: Some(prost_types::Timestamp {
            seconds: 1_733_702_400,
            nanos: 0,
        }),
        preferred_contact: Some(PreferredContact::PreferredPhone(mobile)),
    }
}
