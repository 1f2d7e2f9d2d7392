//! The framework's own tests, one module per subject, in one test binary (one link, far
//! lighter on disk than a binary per file).
//!
//! Lessons 11 and 12 keep the tests of their exercises and of their programs; what is here
//! checks `micro` alone: every registry behind the same trait, a client that never fails a
//! call because of a bad node or a bad entry, and the HTTP broker against bad input and
//! against go-micro's own bytes. `cargo test -p micro --test main bad_nodes` runs one module.

mod support;

mod bad_entries;
mod bad_nodes;
mod broker_bad_input;
mod broker_go_micro;
mod consul_bad_port;
mod draining;
mod endpoints_go_micro;
mod idempotency;
mod mid_call;
mod observe;
mod registries;
mod silent_peer;
mod slow_schema;
mod tls;
mod tls_go;
mod traced;
