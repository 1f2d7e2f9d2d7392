//! The lesson's own tests, beside its exercises': one module per subject, in one test
//! binary (one link instead of one a file). The exercises' tests stay binaries of their
//! own, built alone by `workbook check`. `cargo test -p l12-events --test main captcha::`
//! runs one module.

mod support;

mod captcha;
mod cli;
mod http_delivery;
