//! go-micro's broker messages (lesson 12): what its HTTP broker POSTs to a subscriber and
//! what its NATS broker publishes, the same JSON either way.
//!
//! go-micro writes a `broker.Message` with its JSON codec: `{"Header":{…},"Body":"<base64>"}`
//! (lesson 12's `Message::encode`). The view reads the topic from the `Micro-Topic` header,
//! lists the headers, and shows the body base64-decoded: as text when it is UTF-8, as a
//! protobuf message when `Content-Type` says so (with the course's schema when the topic's
//! type is known, else field by field), else as hex.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::Deserialize;

use super::message::{Message, hex, json_spans, printable};
use super::protobuf;

/// The header naming a message's topic (go-micro's `headers.Message`).
const TOPIC_HEADER: &str = "Micro-Topic";

/// The protobuf type published on each of the course's topics (`proto/events.proto`).
const EVENT_TYPES: [(&str, &str); 2] = [
    ("captcha.verified", "events.CaptchaVerified"),
    ("greetings", "events.Greeting"),
];

/// How many bytes of a body the summary line shows as hex.
const SUMMARY_HEX: usize = 16;

/// The members go-micro writes: Go's `encoding/json` of a struct without json tags.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Encoded {
    #[serde(rename = "Header", default)]
    header: Option<BTreeMap<String, String>>,
    #[serde(rename = "Body")]
    body: Option<String>,
}

/// Whether `value` has the shape of a broker message: an object of `Header` and `Body`.
pub fn looks_like(value: &serde_json::Value) -> bool {
    value.as_object().is_some_and(|members| {
        members.contains_key("Body") && members.keys().all(|key| key == "Header" || key == "Body")
    })
}

/// Reads `json` (at `offset` in `message`) as a broker message: adds spans for its
/// members and the decoded text; returns the summary, `message on greetings, body "hello"`.
/// A message that is not one (its body not base64) is marked broken and says why.
pub fn describe(json: &[u8], offset: usize, topic: Option<&str>, message: &mut Message) -> String {
    let encoded: Encoded = match serde_json::from_slice(json) {
        Ok(encoded) => encoded,
        Err(error) => {
            message.broken = true;
            return format!("not a broker message ({error}): {}", printable(json, 60));
        }
    };
    json_spans(json, offset, &["Header", "Body"], message);
    let header = encoded.header.unwrap_or_default();
    let topic = header.get(TOPIC_HEADER).map(String::as_str).or(topic);
    let on = topic.map(|t| format!(" on {t}")).unwrap_or_default();
    let mut text = String::from("broker message (go-micro's JSON codec)");
    for (name, value) in &header {
        text.push_str(&format!("\n  {name}: {value}"));
    }
    let base64 = encoded.body.unwrap_or_default();
    let body = match BASE64.decode(&base64) {
        Ok(body) => body,
        Err(error) => {
            message.broken = true;
            message.decoded = Some(text);
            return format!("broker message{on}: the Body is not base64 ({error})");
        }
    };
    let protobuf = header.get("Content-Type").map(String::as_str) == Some("application/protobuf");
    let (shown, pretty) = if protobuf {
        // The body's bytes are not the wire's (those are base64): no spans for its fields.
        let schema = topic.and_then(event_type);
        let mut decoded = Message::default();
        let summary = protobuf::describe(&body, 0, schema.as_ref(), &mut decoded);
        message.broken |= decoded.broken;
        let pretty = decoded.decoded.unwrap_or_else(|| summary.clone());
        (summary, pretty)
    } else {
        match std::str::from_utf8(&body) {
            Ok(body) => (
                format!("\"{}\"", printable(body.as_bytes(), 80)),
                body.to_string(),
            ),
            Err(_) => {
                let mut shown = hex(&body[..body.len().min(SUMMARY_HEX)]);
                if body.len() > SUMMARY_HEX {
                    shown.push_str(" …");
                }
                (format!("{} bytes {shown}", body.len()), hex(&body))
            }
        }
    };
    text.push_str(&format!(
        "\nBody: {} bytes, base64 {}\n{pretty}",
        body.len(),
        printable(base64.as_bytes(), 60)
    ));
    message.decoded = Some(text);
    format!("broker message{on}, body {shown}")
}

/// The protobuf type of the events published on `topic`, if the course has one.
fn event_type(topic: &str) -> Option<prost_reflect::MessageDescriptor> {
    let (_, name) = EVENT_TYPES.iter().find(|(known, _)| *known == topic)?;
    protobuf::message_type(name)
}

/// What go-micro's `Publish` POSTs for the protobuf bytes `0a 05 68 65 6c 6c 6f`: copied
/// from lesson 12's `tests/go_micro.rs` (`GO_POST_BODY`, go-micro v2.9.1, commit
/// 94bd1025a64eaaba1d89189891ef49f3ab5eee7f, `broker/http.go` lines 540–549 and
/// `codec/json`), which holds lesson 12's `Message::encode` to these bytes.
#[cfg(test)]
pub const GO_POST_BODY: &str = concat!(
    r#"{"Header":{"Content-Type":"application/protobuf","#,
    r#""Micro-Id":"b8c1e7a4-5f2d-4a63-8e90-1c7d3f6a2b45","Micro-Topic":"go.micro.srv.t1"},"#,
    r#""Body":"CgVoZWxsbw=="}"#,
);

#[cfg(test)]
mod tests;
