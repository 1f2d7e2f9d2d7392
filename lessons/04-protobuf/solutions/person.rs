//! Exercise `protobuf.person`: a `Person` from its JSON form.
//!
//! Protobuf has a JSON mapping of its own, for people and for programs that do not speak
//! the binary format: camelCase member names, enum values by their names, a `Timestamp` as
//! RFC 3339 text, a `oneof` as the one member that is set, every field at its default left
//! out. The worked example writes it (`BookJson` in src/address_book.rs). This reads it
//! back, into the structs prost generated, whose shapes are not JSON's: an enum field is an
//! `i32`, a message field an `Option`, a `oneof` a Rust `enum`.

use anyhow::{Context, bail};
use proto::tutorial::Person;
use proto::tutorial::person::{PhoneNumber, PhoneType, PreferredContact};
use serde_json::{Map, Value};

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
    let value: Value = serde_json::from_str(json).context("a Person's JSON is not JSON")?;
    let mut person = Person::default();
    for (member, value) in object("the Person", &value)? {
        if value.is_null() {
            continue; // the same as left out: the default
        }
        match member.as_str() {
            "name" => person.name = string(member, value)?,
            "email" => person.email = string(member, value)?,
            "id" => person.id = int32(member, value)?,
            "phones" => {
                let Value::Array(phones) = value else {
                    bail!("phones: expected an array, got {value}");
                };
                person.phones = phones.iter().map(phone).collect::<anyhow::Result<_>>()?;
            }
            "lastUpdated" => {
                let text = string(member, value)?;
                let time = text
                    .parse::<prost_types::Timestamp>()
                    .with_context(|| format!("lastUpdated: {text:?} is not an RFC 3339 time"))?;
                person.last_updated = Some(time);
            }
            "preferredEmail" | "preferredPhone" => {
                // A oneof holds one field: a second one is a contradiction, not an update.
                if person.preferred_contact.is_some() {
                    bail!("preferredEmail and preferredPhone are one oneof: only one may be set");
                }
                let contact = string(member, value)?;
                person.preferred_contact = Some(if member == "preferredEmail" {
                    PreferredContact::PreferredEmail(contact)
                } else {
                    PreferredContact::PreferredPhone(contact)
                });
            }
            _ => {} // a newer writer's field: this program has no place for it
        }
    }
    Ok(person)
}

/// One element of `phones`.
fn phone(value: &Value) -> anyhow::Result<PhoneNumber> {
    let mut phone = PhoneNumber::default();
    for (member, value) in object("a phone", value)? {
        match (member.as_str(), value) {
            (_, Value::Null) => {}
            ("number", _) => phone.number = string("a phone's number", value)?,
            // An enum field holds the number: a name is looked up, a number kept as it is.
            ("type", Value::String(name)) => {
                phone.r#type = PhoneType::from_str_name(name)
                    .with_context(|| format!("a phone's type: {name:?} is not a PhoneType"))?
                    .into();
            }
            ("type", _) => phone.r#type = int32("a phone's type", value)?,
            _ => {}
        }
    }
    Ok(phone)
}

fn object<'a>(what: &str, value: &'a Value) -> anyhow::Result<&'a Map<String, Value>> {
    value
        .as_object()
        .with_context(|| format!("{what}: expected an object, got {value}"))
}

fn string(member: &str, value: &Value) -> anyhow::Result<String> {
    let text = value.as_str();
    let text = text.with_context(|| format!("{member}: expected a string, got {value}"))?;
    Ok(text.to_owned())
}

fn int32(member: &str, value: &Value) -> anyhow::Result<i32> {
    let number = value.as_i64().and_then(|n| i32::try_from(n).ok());
    number.with_context(|| {
        format!("{member}: expected a whole number that fits 32 bits, got {value}")
    })
}
