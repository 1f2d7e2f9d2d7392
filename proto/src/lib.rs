//! The course's Protocol Buffers, compiled from the `.proto` files in this folder.
//!
//! One crate owns the generated code so that every lesson shares it: it is compiled once,
//! and editing a lesson never recompiles it.

/// `person.proto`: the address book of lesson 04.
pub mod tutorial {
    tonic::include_proto!("tutorial");
}

/// `hello.proto`: the Greeter service of lesson 05 and later.
pub mod hello {
    tonic::include_proto!("hello");
}

/// Every message and service of the course, for gRPC server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("course_descriptor");
