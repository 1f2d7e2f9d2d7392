//! Compiles proto/example.proto with protox, a protobuf compiler written in Rust (no
//! `protoc` to install), into the Rust code `src/main.rs` includes, and keeps the compiled
//! schema for the reflection service that `micro api` asks.

use prost::Message;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto/example.proto");
    let descriptors = protox::compile(["example.proto"], ["proto"])?;
    let out_dir = std::path::PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(
        out_dir.join("example_descriptor.bin"),
        descriptors.encode_to_vec(),
    )?;
    tonic_prost_build::configure().compile_fds(descriptors)?;
    Ok(())
}
