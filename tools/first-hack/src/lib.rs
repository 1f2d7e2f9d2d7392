//! No code: this crate exists for its dependencies' features (its Cargo.toml says why), so
//! that the runner's build, lesson 01's first check and the book's server share one build of
//! tokio instead of building it again.
