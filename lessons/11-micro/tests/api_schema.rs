//! What `l11-micro api` learns from a service's reflection, and what it costs: every
//! reflection stream is read to its end, however late its trailers come (a stream dropped
//! before them is reset, and a connection with too many resets is cut), and a schema over
//! the gateway's limit is refused with a JSON error instead of kept.

use crate::program;
use crate::support;

use std::time::Duration;

use micro::registry::Registry;
use micro::registry::consul::ConsulRegistry;
use program::api::{UserNode, error_of, get, registry, start};
use prost_types::field_descriptor_proto::{Label, Type};
use prost_types::{
    DescriptorProto, FieldDescriptorProto, FileDescriptorProto, FileDescriptorSet,
    MethodDescriptorProto, ServiceDescriptorProto,
};
use support::{node, unique_service};
use tokio::net::TcpListener;

async fn gateway() -> (testkit::ConsulAgent, testkit::ServerProcess, ConsulRegistry) {
    let agent = testkit::consul().await;
    let gateway = start(&registry("consul", agent.url(), "1s"), &["api"], &[]).await;
    let consul = ConsulRegistry::new(agent.url(), Duration::from_secs(10)).unwrap();
    (agent, gateway, consul)
}

#[tokio::test]
async fn reflection_streams_are_read_to_their_end() {
    let (_agent, gateway, consul) = gateway().await;
    let late = Some(Duration::from_millis(50));
    let user = UserNode::start_with_late_trailers("late", late).await;
    // One node under several names: the gateway learns each name's schema on its own, all
    // over one connection.
    for _ in 0..4 {
        let service = unique_service("late");
        consul.register(&service, &user.node).await.unwrap();
        let path = format!("/{service}/say/hello?name=huohuo");
        let (status, reply) = get(&gateway, &path).await;
        assert_eq!(status, 200, "{reply}");
    }
    assert_eq!(
        user.dropped_reflection_streams(),
        0,
        "reflection streams dropped before their trailers"
    );
}

/// A schema of one file, `huge.proto`: service `huge.Say`, method `Hello`, and a request
/// message of `fields` string fields (about 20 bytes each).
fn huge_schema(fields: usize) -> FileDescriptorSet {
    let field = |n: usize| FieldDescriptorProto {
        name: Some(format!("field_{n}")),
        number: Some(n as i32 + 1),
        label: Some(Label::Optional as i32),
        r#type: Some(Type::String as i32),
        ..Default::default()
    };
    let request = DescriptorProto {
        name: Some("Request".to_string()),
        field: (0..fields).map(field).collect(),
        ..Default::default()
    };
    let hello = MethodDescriptorProto {
        name: Some("Hello".to_string()),
        input_type: Some(".huge.Request".to_string()),
        output_type: Some(".huge.Request".to_string()),
        ..Default::default()
    };
    let say = ServiceDescriptorProto {
        name: Some("Say".to_string()),
        method: vec![hello],
        ..Default::default()
    };
    let file = FileDescriptorProto {
        name: Some("huge.proto".to_string()),
        package: Some("huge".to_string()),
        message_type: vec![request],
        service: vec![say],
        syntax: Some("proto3".to_string()),
        ..Default::default()
    };
    FileDescriptorSet { file: vec![file] }
}

#[tokio::test]
async fn a_schema_over_the_limit_is_502_and_not_kept() {
    let (_agent, gateway, consul) = gateway().await;
    // About 2 MB of descriptors: 100,000 fields.
    let reflection = tonic_reflection::server::Builder::configure()
        .register_file_descriptor_set(huge_schema(100_000))
        .with_service_name("huge.Say")
        .build_v1()
        .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let huge = node("huge", &listener.local_addr().unwrap().to_string());
    tokio::spawn(
        shared::grpc::builder()
            .add_service(reflection)
            .serve_with_incoming(shared::grpc::incoming(listener)),
    );
    let service = unique_service("huge");
    consul.register(&service, &huge).await.unwrap();
    for _ in 0..2 {
        let (status, body) = get(&gateway, &format!("/{service}/say/hello")).await;
        assert_eq!(error_of((status, body.clone())), (502, 8), "{body}");
        let message = body["message"].as_str().unwrap();
        assert!(message.contains(&service), "{message} names the service");
    }

    // The gateway still serves a service of a fitting size.
    let user = UserNode::start("small").await;
    let small = unique_service("user");
    consul.register(&small, &user.node).await.unwrap();
    let (status, reply) = get(&gateway, &format!("/{small}/say/hello?name=huohuo")).await;
    assert_eq!(status, 200, "{reply}");
}
