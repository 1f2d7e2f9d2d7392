//! `loadgen grpc` against tiny tonic Greeters: many connections, or many streams on one,
//! with each client: loadgen's own frames (the default), the `h2` crate's, tonic's.

use std::net::SocketAddr;

use crate::common::{assert_clean, errors_of, short_run, short_settings};
use loadgen::Protocol;
use loadgen::grpc::Client;
use loadgen::stats::Report;
use proto::hello::greeter_server::{Greeter, GreeterServer};
use proto::hello::{HelloReply, HelloRequest, HelloStreamRequest, NameReply, NameRequest};
use tonic::transport::Server;
use tonic::transport::server::TcpIncoming;
use tonic::{Request, Response, Status};

/// Greets with `greeting` in place of "Hello"; an empty greeting fails every call.
pub(crate) struct Greeting(pub(crate) &'static str);

#[tonic::async_trait]
impl Greeter for Greeting {
    async fn say_hello(
        &self,
        request: Request<HelloRequest>,
    ) -> Result<Response<HelloReply>, Status> {
        if self.0.is_empty() {
            return Err(Status::unavailable("closed for the day"));
        }
        let message = format!("{} {}!", self.0, request.into_inner().name);
        Ok(Response::new(HelloReply { message }))
    }

    async fn say_name(&self, _: Request<NameRequest>) -> Result<Response<NameReply>, Status> {
        Err(Status::unimplemented("not used by loadgen"))
    }

    type SayHelloStreamStream = tonic::codegen::BoxStream<HelloReply>;

    async fn say_hello_stream(
        &self,
        _: Request<HelloStreamRequest>,
    ) -> Result<Response<Self::SayHelloStreamStream>, Status> {
        Err(Status::unimplemented("not used by loadgen"))
    }
}

async fn greeter(greeting: &'static str) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let serving = Server::builder()
        .add_service(GreeterServer::new(Greeting(greeting)))
        .serve_with_incoming(TcpIncoming::from(listener));
    tokio::spawn(serving);
    addr
}

/// A short run of `client` on `connections` connections.
async fn run_with(client: Client, addr: SocketAddr, connections: usize) -> Report {
    let settings = short_settings(addr, connections, 1).await;
    testkit::within("the run to end", loadgen::grpc::run(&settings, client))
        .await
        .expect("the run starts")
}

#[tokio::test]
async fn many_connections_to_a_right_greeter_give_no_errors() {
    let addr = greeter("Hello").await;
    let report = short_run(Protocol::Grpc, addr, 4, 1).await;
    assert_clean(&report);
    assert_eq!(report.info.connections, 4);
}

#[tokio::test]
async fn many_streams_on_one_connection_give_no_errors() {
    let addr = greeter("Hello").await;
    let report = short_run(Protocol::Grpc, addr, 1, 16).await;
    assert_clean(&report);
    assert_eq!((report.info.connections, report.info.pipeline), (1, 16));
}

#[tokio::test]
async fn a_wrong_greeting_is_an_error() {
    let addr = greeter("Hi").await;
    let report = short_run(Protocol::Grpc, addr, 2, 1).await;
    assert_eq!(report.requests(), 0);
    assert!(errors_of(&report, "wrong reply") > 0, "{report}");
    assert!(report.to_string().contains(r#"got "Hi w"#), "{report}");
}

#[tokio::test]
async fn a_server_that_does_not_speak_http2_costs_errors_and_the_run_still_ends() {
    let addr = crate::common::serve(|stream| async move { drop(stream) }).await;
    let report = short_run(Protocol::Grpc, addr, 2, 1).await;
    assert_eq!(report.requests(), 0);
    assert!(errors_of(&report, "error reply") > 0, "{report}");
}

#[tokio::test]
async fn an_error_status_is_an_error_reply_with_its_message() {
    let addr = greeter("").await;
    let report = short_run(Protocol::Grpc, addr, 2, 1).await;
    assert_eq!(report.requests(), 0);
    assert!(errors_of(&report, "error reply") > 0, "{report}");
    assert!(
        report.to_string().contains("closed for the day"),
        "{report}"
    );
}

#[tokio::test]
async fn every_client_passes_a_right_greeter() {
    let addr = greeter("Hello").await;
    for client in [Client::Frames, Client::H2, Client::Tonic] {
        let report = run_with(client, addr, 2).await;
        assert_clean(&report);
    }
}

#[tokio::test]
async fn every_client_catches_a_wrong_greeting() {
    let addr = greeter("Hi").await;
    for client in [Client::Frames, Client::H2, Client::Tonic] {
        let report = run_with(client, addr, 2).await;
        assert_eq!(report.requests(), 0, "{client:?}");
        assert!(
            errors_of(&report, "wrong reply") > 0,
            "{client:?}: {report}"
        );
        assert!(report.to_string().contains(r#"got "Hi w"#), "{report}");
    }
}
