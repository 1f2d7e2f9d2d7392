//! What a call asks for, and its answer: the Greeter's methods and the health service.
//!
//! The request's `:path` names the method; its body is one gRPC message. The Greeter is
//! the worked example's own [`Greeter`] implementation, called as tonic would call it, so
//! that only the transport differs between lesson 05's `server` and this one. Its unary methods
//! answer at once, so a call runs to its end inside the connection's task: there is no task
//! per call, as hyper makes one. A handler that waits (on a database, another service) would
//! hold up every other call on its connection; that is what the worked example's shape is
//! for. `SayHelloStream` hands back a stream of replies, which the connection's loop polls
//! for its next messages whenever the client has room for them (`streams.rs`).

use prost::Message;
use proto::hello::greeter_server::Greeter;
use proto::hello::{HelloRequest, HelloStreamRequest, NameRequest};
use tonic::{Code, Request, Status};
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::{HealthCheckRequest, HealthCheckResponse};

use shared::greeter::ReplyStream;
use shared::grpc::message::{PREFIX_LEN, message_bytes, read_prefix};

/// The largest request message: 4 MiB, tonic's and grpc-go's default.
pub const MAX_MESSAGE: usize = 4 * 1024 * 1024;

/// The methods this server answers, named by the request's `:path`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    SayHello,
    SayName,
    SayHelloStream,
    HealthCheck,
    HealthWatch,
    /// Anything else: answered with UNIMPLEMENTED and this message.
    Unimplemented(String),
}

impl Route {
    pub fn from_path(path: &[u8]) -> Route {
        match path {
            b"/hello.Greeter/SayHello" => Route::SayHello,
            b"/hello.Greeter/SayName" => Route::SayName,
            b"/grpc.health.v1.Health/Check" => Route::HealthCheck,
            b"/grpc.health.v1.Health/Watch" => Route::HealthWatch,
            b"/hello.Greeter/SayHelloStream" => Route::SayHelloStream,
            _ => Route::Unimplemented(format!(
                "grpc-fast has no method {}",
                String::from_utf8_lossy(path)
            )),
        }
    }
}

/// How a call is answered.
pub enum Answer {
    /// One message (prefix included), then `grpc-status: 0`.
    Reply(Vec<u8>),
    /// A status other than OK, and no message.
    Fail(Code, String),
    /// A health `Watch`: this first message now, one more at every change, and no end.
    Watch { service: String, first: Vec<u8> },
    /// A server stream: its messages, made as the client takes them.
    Stream(ReplyStream),
}

impl std::fmt::Debug for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Answer::Reply(message) => write!(f, "Reply({} bytes)", message.len()),
            Answer::Fail(code, why) => write!(f, "Fail({code:?}, {why:?})"),
            Answer::Watch { service, .. } => write!(f, "Watch({service:?})"),
            Answer::Stream(_) => write!(f, "Stream"),
        }
    }
}

impl From<Status> for Answer {
    fn from(status: Status) -> Answer {
        Answer::Fail(status.code(), status.message().to_owned())
    }
}

/// Answers the call `route` with the request message in `body` (prefix included).
pub async fn answer<G: Greeter>(greeter: &G, route: &Route, body: &[u8], serving: bool) -> Answer {
    match route {
        Route::SayHello => match decode::<HelloRequest>(body) {
            Ok(request) => match greeter.say_hello(Request::new(request)).await {
                Ok(reply) => Answer::Reply(message_bytes(reply.get_ref())),
                Err(status) => status.into(),
            },
            Err(status) => status.into(),
        },
        Route::SayName => match decode::<NameRequest>(body) {
            Ok(request) => match greeter.say_name(Request::new(request)).await {
                Ok(reply) => Answer::Reply(message_bytes(reply.get_ref())),
                Err(status) => status.into(),
            },
            Err(status) => status.into(),
        },
        Route::SayHelloStream => match decode::<HelloStreamRequest>(body) {
            Ok(request) => match greeter.say_hello_stream(Request::new(request)).await {
                Ok(replies) => Answer::Stream(Box::pin(replies.into_inner())),
                Err(status) => status.into(),
            },
            Err(status) => status.into(),
        },
        Route::HealthCheck => match decode::<HealthCheckRequest>(body) {
            Ok(request) => match health(&request.service, serving) {
                ServingStatus::ServiceUnknown => {
                    Answer::Fail(Code::NotFound, "service not registered".into())
                }
                status => Answer::Reply(health_message(status)),
            },
            Err(status) => status.into(),
        },
        Route::HealthWatch => match decode::<HealthCheckRequest>(body) {
            Ok(request) => Answer::Watch {
                first: health_message(health(&request.service, serving)),
                service: request.service,
            },
            Err(status) => status.into(),
        },
        Route::Unimplemented(why) => Answer::Fail(Code::Unimplemented, why.clone()),
    }
}

/// The health of `service` ("" is the whole server), as the worked example reports it.
pub fn health(service: &str, serving: bool) -> ServingStatus {
    match service {
        "" | "hello.Greeter" if serving => ServingStatus::Serving,
        "" | "hello.Greeter" => ServingStatus::NotServing,
        _ => ServingStatus::ServiceUnknown,
    }
}

/// A health message, ready to send: prefix and protobuf.
pub fn health_message(status: ServingStatus) -> Vec<u8> {
    message_bytes(&HealthCheckResponse {
        status: status.into(),
    })
}

/// The one request message in `body`: a prefix that matches the bytes after it, not
/// compressed, and a protobuf `M`.
fn decode<M: Message + Default>(body: &[u8]) -> Result<M, Status> {
    let (Some(prefix), Some(message)) = (read_prefix(body), body.get(PREFIX_LEN..)) else {
        return Err(Status::internal(format!(
            "a unary call carries one message; got {} bytes",
            body.len()
        )));
    };
    if prefix.compressed != 0 {
        return Err(Status::unimplemented(
            "compressed messages are not accepted",
        ));
    }
    let len = prefix.len;
    if len != message.len() {
        return Err(Status::internal(format!(
            "a unary call carries one message; its prefix says {len} bytes, {} followed",
            message.len()
        )));
    }
    M::decode(message).map_err(|e| Status::internal(format!("the request does not decode: {e}")))
}

/// The length a message's prefix announces, once its first 5 bytes are in: for refusing a
/// message that is too large before it has all arrived.
pub fn announced_len(body: &[u8]) -> Option<usize> {
    read_prefix(body).map(|prefix| prefix.len)
}

#[cfg(test)]
mod tests;
