//! What this lesson's tests share: servers on free ports, and clients connected to them.
#![allow(dead_code)] // each test file uses only some of these

use proto::hello::greeter_client::GreeterClient;
use testkit::within;
use tokio::net::TcpListener;
use tonic::transport::Channel;
use tonic::transport::server::Router;

/// Serves `router` (built with the lesson's `server::builder()`) on a free loopback port in
/// the background, until the test ends, and says where.
pub async fn serve(router: Router) -> String {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local address").to_string();
    tokio::spawn(router.serve_with_incoming(l05_grpc::server::incoming(listener)));
    addr
}

/// Starts the worked example's whole server (Greeter, health, reflection) on a free port.
pub async fn worked_example() -> String {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local address").to_string();
    tokio::spawn(l05_grpc::server::serve(listener, std::future::pending()));
    addr
}

/// Connects to the server under test, failing clearly if it is not there.
pub async fn connect(addr: &str) -> Channel {
    within("the connection", l05_grpc::client::connect(addr))
        .await
        .expect("connect to the server")
}

/// Serves `router` and returns a Greeter client connected to it.
pub async fn greeter_client(router: Router) -> GreeterClient<Channel> {
    GreeterClient::new(connect(&serve(router).await).await)
}
