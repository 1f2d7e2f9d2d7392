//! What a service can be asked, learnt from the service itself.
//!
//! `micro api` has no `.proto` file of any service it calls. Every server of the course
//! serves gRPC server reflection (since lesson 05, for grpcurl): ask it which services it
//! has, then for the file that defines each, and for the files those import. From those a
//! `DescriptorPool` knows every message, field and method — enough to turn JSON into a
//! request and a reply into JSON.

use std::collections::{BTreeSet, HashSet};

use prost::Message as _;
use prost_reflect::DescriptorPool;
use prost_types::FileDescriptorProto;
use tonic::transport::Channel;
use tonic::{Code, Status};
use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;
use tonic_reflection::pb::v1::{ServerReflectionRequest, ServerReflectionResponse};
use tonic_reflection::server::v1::{ServerReflection, ServerReflectionServer};

/// The most `.proto` files one service may hand out: a bound on what a node can make the
/// gateway fetch and keep.
const MAX_FILES: usize = 64;

/// The most bytes of descriptors one service may hand out. A schema costs the gateway many
/// times its size once made a `DescriptorPool` (1.8 MiB of descriptors took 110 MiB), and
/// the course's largest is a few KiB.
pub const MAX_SCHEMA_BYTES: usize = 256 * 1024;

// ANCHOR: server
/// The reflection service a server must serve for `micro api` (and grpcurl) to call it. It
/// knows every message of the course, and lists the gRPC services named in `served`, and
/// health: those this server answers.
pub fn server(served: &[&str]) -> ServerReflectionServer<impl ServerReflection> {
    let mut reflection = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .with_service_name("grpc.health.v1.Health");
    for name in served {
        reflection = reflection.with_service_name(*name);
    }
    reflection
        .build_v1()
        .expect("the course's descriptors are valid")
}
// ANCHOR_END: server

/// The reflection service of a crate with messages of its own (one `l11-micro new` wrote):
/// `descriptors` is its encoded `FileDescriptorSet`; `served` as for [`server`].
pub fn server_of(
    descriptors: &'static [u8],
    served: &[&str],
) -> anyhow::Result<ServerReflectionServer<impl ServerReflection + use<>>> {
    let mut reflection = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(descriptors)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .with_service_name("grpc.health.v1.Health");
    for name in served {
        reflection = reflection.with_service_name(*name);
    }
    Ok(reflection.build_v1()?)
}

// ANCHOR: schema
/// A service's schema, and how many bytes of descriptors it was made of.
pub struct Schema {
    pub pool: DescriptorPool,
    pub bytes: usize,
}

/// Asks the node behind `channel` for every service it serves and the files that define
/// them, imports included: at most [`MAX_FILES`] files and [`MAX_SCHEMA_BYTES`] bytes, or
/// `ResourceExhausted`.
pub async fn schema(channel: Channel) -> Result<Schema, Status> {
    let mut reflection =
        ServerReflectionClient::new(channel).max_decoding_message_size(MAX_SCHEMA_BYTES);
    let MessageResponse::ListServicesResponse(list) =
        ask(&mut reflection, MessageRequest::ListServices(String::new())).await?
    else {
        return Err(Status::internal(
            "reflection answered ListServices with something else",
        ));
    };
    let mut files = Files::default();
    for service in list.service {
        let request = MessageRequest::FileContainingSymbol(service.name);
        files.take(ask(&mut reflection, request).await?)?;
    }
    // The files they import, and theirs, until none is missing.
    while let Some(name) = files.missing.pop_first() {
        if files.names.contains(&name) {
            continue;
        }
        if files.files.len() >= MAX_FILES {
            return Err(Status::resource_exhausted(format!(
                "the service's schema is over {MAX_FILES} files"
            )));
        }
        let request = MessageRequest::FileByFilename(name);
        files.take(ask(&mut reflection, request).await?)?;
    }
    let mut pool = DescriptorPool::new();
    pool.add_file_descriptor_protos(files.files)
        .map_err(|error| Status::internal(format!("the service's schema: {error}")))?;
    Ok(Schema {
        pool,
        bytes: files.bytes,
    })
}
// ANCHOR_END: schema

// ANCHOR: ask
/// One reflection request, one answer — and the stream read to its end. Dropped before its
/// trailers, a stream is reset, and a connection that sees a thousand resets is cut by the
/// server (h2's defence against floods of them): every later call on it fails.
async fn ask(
    reflection: &mut ServerReflectionClient<Channel>,
    request: MessageRequest,
) -> Result<MessageResponse, Status> {
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(request),
    };
    let mut answers = reflection
        .server_reflection_info(tokio_stream::once(request))
        .await
        .map_err(too_large)?
        .into_inner();
    let answer = answers.message().await.map_err(too_large)?;
    if answers.message().await.map_err(too_large)?.is_some() {
        return Err(Status::internal("reflection answered one request twice"));
    }
    match answer {
        Some(ServerReflectionResponse {
            message_response: Some(MessageResponse::ErrorResponse(error)),
            ..
        }) => Err(Status::new(error.error_code.into(), error.error_message)),
        Some(ServerReflectionResponse {
            message_response: Some(answer),
            ..
        }) => Ok(answer),
        _ => Err(Status::internal("reflection gave no answer")),
    }
}
// ANCHOR_END: ask

/// tonic refuses a message over the size it was told (`OutOfRange`): here, a schema over
/// [`MAX_SCHEMA_BYTES`].
fn too_large(status: Status) -> Status {
    match status.code() {
        Code::OutOfRange => over_the_limit(),
        _ => status,
    }
}

fn over_the_limit() -> Status {
    Status::resource_exhausted(format!(
        "the schema is over {MAX_SCHEMA_BYTES} bytes of descriptors"
    ))
}

/// The files of a schema as they arrive, and the imports not fetched yet.
#[derive(Default)]
struct Files {
    files: Vec<FileDescriptorProto>,
    names: HashSet<String>,
    missing: BTreeSet<String>,
    bytes: usize,
}

impl Files {
    /// Keeps the files of a `FileDescriptorResponse` not seen yet, and notes their imports.
    fn take(&mut self, answer: MessageResponse) -> Result<(), Status> {
        let MessageResponse::FileDescriptorResponse(answer) = answer else {
            return Err(Status::internal("reflection answered with no file"));
        };
        for bytes in answer.file_descriptor_proto {
            self.bytes += bytes.len();
            if self.bytes > MAX_SCHEMA_BYTES {
                return Err(over_the_limit());
            }
            let file = FileDescriptorProto::decode(bytes.as_slice())
                .map_err(|error| Status::internal(format!("a file of the schema: {error}")))?;
            if self.names.insert(file.name().to_string()) {
                self.missing.extend(file.dependency.iter().cloned());
                self.files.push(file);
            }
        }
        Ok(())
    }
}
