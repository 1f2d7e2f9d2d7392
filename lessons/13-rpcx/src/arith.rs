//! The Go course's `Arith` service: `Mul` and `Div`, whose arguments are `Args{A, B}`.
//!
//! The field names are Go's (`A`, `B`, `Quo`, `Rem`): a MsgPack or JSON payload names its
//! fields, and a Go client writes them capitalised. In protobuf, fields are numbered instead.

use serde::{Deserialize, Serialize};

use crate::codec::{self, Payload};
use crate::header::Serialize as Format;

/// The service's name: rpcx's `ServicePath`.
pub const SERVICE: &str = "Arith";

// ANCHOR: types
/// `Args{A, B int}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Args {
    #[serde(rename = "A")]
    pub a: i64,
    #[serde(rename = "B")]
    pub b: i64,
}

/// `Quotient{Quo, Rem int}`, `Div`'s reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Quotient {
    #[serde(rename = "Quo")]
    pub quo: i64,
    #[serde(rename = "Rem")]
    pub rem: i64,
}
// ANCHOR_END: types

// The same values as protobuf messages, for a client that asks for protobuf: `ProtoArgs
// {A = 1; B = 2}`, a reply `{C = 1}`, and `{Quo = 1; Rem = 2}`.

#[derive(Clone, PartialEq, prost::Message)]
pub struct ProtoArgs {
    #[prost(int64, tag = "1")]
    pub a: i64,
    #[prost(int64, tag = "2")]
    pub b: i64,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct ProtoReply {
    #[prost(int64, tag = "1")]
    pub c: i64,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct ProtoQuotient {
    #[prost(int64, tag = "1")]
    pub quo: i64,
    #[prost(int64, tag = "2")]
    pub rem: i64,
}

impl Payload for Args {
    type Proto = ProtoArgs;
    fn to_proto(&self) -> ProtoArgs {
        ProtoArgs {
            a: self.a,
            b: self.b,
        }
    }
    fn from_proto(proto: ProtoArgs) -> Args {
        Args {
            a: proto.a,
            b: proto.b,
        }
    }
}

impl Payload for i64 {
    type Proto = ProtoReply;
    fn to_proto(&self) -> ProtoReply {
        ProtoReply { c: *self }
    }
    fn from_proto(proto: ProtoReply) -> i64 {
        proto.c
    }
}

impl Payload for Quotient {
    type Proto = ProtoQuotient;
    fn to_proto(&self) -> ProtoQuotient {
        ProtoQuotient {
            quo: self.quo,
            rem: self.rem,
        }
    }
    fn from_proto(proto: ProtoQuotient) -> Quotient {
        Quotient {
            quo: proto.quo,
            rem: proto.rem,
        }
    }
}

// ANCHOR: methods
/// `A * B`; an error where Go would wrap around.
pub fn mul(args: Args) -> Result<i64, String> {
    args.a
        .checked_mul(args.b)
        .ok_or_else(|| format!("{} * {} overflows int64", args.a, args.b))
}

/// `A / B` and `A % B`; the error "divide by 0" as the Go course's `Div` answers it.
pub fn div(args: Args) -> Result<Quotient, String> {
    if args.b == 0 {
        return Err("divide by 0".to_string());
    }
    match (args.a.checked_div(args.b), args.a.checked_rem(args.b)) {
        (Some(quo), Some(rem)) => Ok(Quotient { quo, rem }),
        _ => Err(format!("{} / {} overflows int64", args.a, args.b)),
    }
}
// ANCHOR_END: methods

// ANCHOR: dispatch
/// Runs `method` on a payload in `format` and writes its reply in the same format. The
/// errors for a service or method that is not there are rpcx's own words.
pub fn call(
    service: &str,
    method: &str,
    format: Format,
    payload: &[u8],
) -> Result<Vec<u8>, String> {
    if service != SERVICE {
        return Err(format!("rpcx: can't find service {service}"));
    }
    match method {
        "Mul" => codec::encode(format, &mul(codec::decode(format, payload)?)?),
        "Div" => codec::encode(format, &div(codec::decode(format, payload)?)?),
        other => Err(format!("rpcx: can't find method {other}")),
    }
}
// ANCHOR_END: dispatch
