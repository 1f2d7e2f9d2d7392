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
use tonic::Status;
use tonic::transport::Channel;
use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;
use tonic_reflection::pb::v1::{ServerReflectionRequest, ServerReflectionResponse};
use tonic_reflection::server::v1::{ServerReflection, ServerReflectionServer};

/// The most `.proto` files one service may hand out: a bound on what a node can make the
/// gateway fetch and keep.
const MAX_FILES: usize = 64;

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

// ANCHOR: schema
/// Asks the node behind `channel` for every service it serves and the files that define
/// them, imports included.
pub async fn schema(channel: Channel) -> Result<DescriptorPool, Status> {
    let mut reflection = ServerReflectionClient::new(channel);
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
    Ok(pool)
}
// ANCHOR_END: schema

/// One reflection request, one answer.
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
        .await?
        .into_inner();
    match answers.message().await? {
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

/// The files of a schema as they arrive, and the imports not fetched yet.
#[derive(Default)]
struct Files {
    files: Vec<FileDescriptorProto>,
    names: HashSet<String>,
    missing: BTreeSet<String>,
}

impl Files {
    /// Keeps the files of a `FileDescriptorResponse` not seen yet, and notes their imports.
    fn take(&mut self, answer: MessageResponse) -> Result<(), Status> {
        let MessageResponse::FileDescriptorResponse(answer) = answer else {
            return Err(Status::internal("reflection answered with no file"));
        };
        for bytes in answer.file_descriptor_proto {
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
