//! The lesson's own tests, beside its exercises': one module per subject, in one test
//! binary. `cargo test -p l16-trust --features solution --test main attacks::` runs one.

mod addresses;
mod program;
mod support;

mod attacks;
mod cancelled;
mod captchas;
mod door;
mod http;
mod https_door;
mod lockout;
mod mitm;
mod process;
mod room;
mod sizes;
