//! An empty crate whose only job is its dependency list.
//!
//! Cargo picks the features of each dependency for the packages a command selects, so
//! `cargo test -p l01-tcp` and `cargo test --workspace` would build tokio, serde and friends
//! with different features, and the first would rebuild them after the second. Every crate
//! of the course depends on this one, which asks for the union of those features, so every
//! command reuses the same builds and the learner's edit → verdict loop stays short.
//!
//! The list is written by `cargo hakari generate` (install: `cargo install cargo-hakari`);
//! run it again after changing dependencies.
