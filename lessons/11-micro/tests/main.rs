//! The lesson's own tests, beside its exercises': one module per subject, in one test
//! binary (one link instead of one a file). The exercises' tests stay binaries of their
//! own, built alone by `workbook check`. `cargo test -p l11-micro --test main api::`
//! runs one module.

mod program;
mod support;

mod api;
mod api_nodes;
mod api_schema;
mod at_most_once;
mod captcha;
mod cli;
mod cluster;
mod go_micro;
mod mdns;
mod web;
