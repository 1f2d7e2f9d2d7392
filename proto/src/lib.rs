//! The course's Protocol Buffers, compiled from the `.proto` files in this folder.
//!
//! One crate owns the generated code so that every lesson shares it: it is compiled once,
//! and editing a lesson never recompiles it.

/// `person.proto`: the address book of lesson 04.
pub mod tutorial {
    tonic::include_proto!("tutorial");
}

/// `evolution_v1.proto` and `evolution_v2.proto`: one message in two versions, for lesson
/// 04's schema evolution.
pub mod evolution {
    /// The first version of `Contact`.
    pub mod v1 {
        tonic::include_proto!("evolution.v1");
    }
    /// The second version: field 3 removed, fields 4 to 6 added.
    pub mod v2 {
        tonic::include_proto!("evolution.v2");
    }
}

/// `hello.proto`: the Greeter service of lesson 05 and later.
pub mod hello {
    tonic::include_proto!("hello");
}

/// `captcha.proto`: the captcha service of lesson 09, which lesson 10's gateway calls.
pub mod captcha {
    tonic::include_proto!("captcha");
}

/// `user.proto`: the seed's user service, which lesson 11's `micro api` puts behind HTTP.
pub mod user {
    tonic::include_proto!("user");
}

/// `events.proto`: the events of lesson 12, published through a broker.
pub mod events {
    tonic::include_proto!("events");
}

/// `session.proto`: lesson 16's user service, which keeps passwords and sessions.
pub mod session {
    tonic::include_proto!("session");
}

/// Every message and service of the course, for gRPC server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("course_descriptor");
