//! What the tests share besides raw frames: the worked example to compare with, and clients
//! connected to a server (the health a server reports is watched with testkit's
//! `GreeterHealth`).

use testkit::within;
use tokio::net::TcpListener;
use tonic::transport::{Channel, Endpoint};

/// Starts lesson 05's worked example (tonic's server: Greeter, health, reflection) on a free
/// port, for the cases where both servers must answer alike.
pub async fn worked_example() -> String {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local address").to_string();
    tokio::spawn(shared::grpc::serve(listener, std::future::pending()));
    addr
}

/// Connects a tonic client to the server under test, failing clearly if it is not there.
pub async fn connect(addr: &str) -> Channel {
    let endpoint = Endpoint::from_shared(format!("http://{addr}")).expect("an address");
    within("the connection", endpoint.tcp_nodelay(true).connect())
        .await
        .expect("connect to the server")
}
