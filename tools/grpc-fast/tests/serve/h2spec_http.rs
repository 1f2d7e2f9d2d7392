//! h2spec's section 8 (RFC 9113, sections 8.1 to 8.3): when is a request *malformed*? One
//! that is must be refused with a stream error of type PROTOCOL_ERROR, and its connection
//! serve on. The harness is `h2spec.rs`'s.

use http2::frame::error;

use crate::h2spec::{END, NONE, StreamError, case, data, get_with, hold, post};
use crate::raw::headers;

// Sections 8.1 and 8.1.1: trailers end the request; a body must be as long as announced.
// (h2spec 8.1 and 8.1.2.6.)
#[tokio::test]
async fn h2spec_8_1_http_message_framing() {
    let trailers = |flags| {
        let mut out = Vec::new();
        headers(&mut out, 1, flags, &[("x-test", "ok")]);
        out
    };
    let length_1 = [("content-length", "1")];
    hold(vec![
        case(
            "Sends a second HEADERS frame without the END_STREAM flag",
            [post(1, NONE, &[]), data(1, NONE, b"test"), trailers(NONE)].concat(),
            StreamError(1, error::PROTOCOL_ERROR),
        ),
        case(
            "Sends a HEADERS frame with the \"content-length\" header field which does not equal the DATA frame payload length",
            [post(1, NONE, &length_1), data(1, END, b"test")].concat(),
            StreamError(1, error::PROTOCOL_ERROR),
        ),
        case(
            "Sends a HEADERS frame with the \"content-length\" header field which does not equal the sum of the multiple DATA frames payload length",
            [post(1, NONE, &length_1), data(1, NONE, b"test"), data(1, END, b"test")].concat(),
            StreamError(1, error::PROTOCOL_ERROR),
        ),
    ])
    .await;
}

// Sections 8.2 and 8.3: the fields of a request. (h2spec 8.1.2 to 8.1.2.3.)
#[tokio::test]
async fn h2spec_8_1_2_http_header_fields() {
    let malformed = |name, bytes| case(name, bytes, StreamError(1, error::PROTOCOL_ERROR));
    let mut pseudo_in_trailers = post(1, NONE, &[]);
    pseudo_in_trailers.extend(data(1, NONE, b"test"));
    headers(&mut pseudo_in_trailers, 1, NONE, &[(":method", "POST")]);
    hold(vec![
        // 8.2.1: field names are lowercase.
        malformed(
            "Sends a HEADERS frame that contains the header field name in uppercase letters",
            get_with(1, |f| f.push(("X-TEST", "ok"))),
        ),
        // 8.3: only the request pseudo-header fields, before the others, not in trailers.
        malformed(
            "Sends a HEADERS frame that contains a unknown pseudo-header field",
            get_with(1, |f| f.push((":test", "ok"))),
        ),
        malformed(
            "Sends a HEADERS frame that contains the pseudo-header field defined for response",
            get_with(1, |f| f.push((":status", "200"))),
        ),
        malformed("Sends a HEADERS frame that contains a pseudo-header field as trailers", pseudo_in_trailers),
        malformed(
            "Sends a HEADERS frame that contains a pseudo-header field that appears in a header block after a regular header field",
            get_with(1, |f| f.insert(0, ("x-test", "ok"))),
        ),
        // 8.2.2: no HTTP/1 connection fields; `te` only as "trailers".
        malformed(
            "Sends a HEADERS frame that contains the connection-specific header field",
            get_with(1, |f| f.push(("connection", "keep-alive"))),
        ),
        malformed(
            "Sends a HEADERS frame that contains the TE header field with any value other than \"trailers\"",
            get_with(1, |f| f.extend([("trailers", "test"), ("te", "trailers, deflate")])),
        ),
        // 8.3.1: one each of :method, :scheme and :path, and a path that is not empty.
        malformed("Sends a HEADERS frame with empty \":path\" pseudo-header field", get_with(1, |f| f[2].1 = "")),
        malformed("Sends a HEADERS frame that omits \":method\" pseudo-header field", get_with(1, |f| {
            f.remove(0);
        })),
        malformed("Sends a HEADERS frame that omits \":scheme\" pseudo-header field", get_with(1, |f| {
            f.remove(1);
        })),
        malformed("Sends a HEADERS frame that omits \":path\" pseudo-header field", get_with(1, |f| {
            f.remove(2);
        })),
        malformed(
            "Sends a HEADERS frame with duplicated \":method\" pseudo-header field",
            get_with(1, |f| f.push((":method", "GET"))),
        ),
        malformed(
            "Sends a HEADERS frame with duplicated \":scheme\" pseudo-header field",
            get_with(1, |f| f.push((":scheme", "http"))),
        ),
        malformed(
            "Sends a HEADERS frame with duplicated \":path\" pseudo-header field",
            get_with(1, |f| f.push((":path", "/hello.Greeter/SayHello"))),
        ),
    ])
    .await;
}
