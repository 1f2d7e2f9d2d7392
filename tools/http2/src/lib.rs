//! HTTP/2 as gRPC uses it, by hand: frames and HPACK.
//!
//! tonic hides HTTP/2 behind hyper and the `h2` crate, and that is the right default. But a
//! gRPC call is only a few HTTP/2 frames, and the fast server (`tools/grpc-fast/`) and
//! the course's load generator write and read those frames themselves, to see what a call
//! costs without a framework around it; the runner's `wire` view reads them to show them.
//! What they need lives here, once, in a crate of the tools: no lesson's program needs it.
//!
//! - [`frame`]: the 9-byte frame header, the frame types, flags, settings and error codes
//!   of RFC 9113 with their names, and a writer for frames;
//! - [`hpack`]: the header compression of RFC 7541 — a decoder that keeps the peer's
//!   dynamic table, with limits so that a hostile peer cannot make it grow, whole blocks or
//!   one representation at a time, and the few encodings a sender needs;
//! - `huffman`: HPACK's Huffman code, decoded from its code lengths alone.

pub mod frame;
pub mod hpack;
mod huffman;
