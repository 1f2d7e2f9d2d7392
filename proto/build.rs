//! Compiles every `.proto` file of the course with protox, a protobuf compiler written in
//! Rust, so nobody has to install `protoc`. The generated code lands in OUT_DIR and is
//! included by `src/lib.rs`.

use prost::Message;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let protos = [
        "person.proto",
        "evolution_v1.proto",
        "evolution_v2.proto",
        "hello.proto",
        "captcha.proto",
        "user.proto",
        "events.proto",
        "session.proto",
    ];
    // Rebuild when a schema changes, and only then.
    for proto in protos {
        println!("cargo:rerun-if-changed={proto}");
    }
    let file_descriptors = protox::compile(protos, ["."])?;
    // Keep the compiled schemas too: a gRPC server hands them out through reflection, so
    // tools like grpcurl can list and call its methods without the .proto files.
    let out_dir = std::path::PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(
        out_dir.join("course_descriptor.bin"),
        file_descriptors.encode_to_vec(),
    )?;
    tonic_prost_build::configure().compile_fds(file_descriptors)?;
    Ok(())
}
