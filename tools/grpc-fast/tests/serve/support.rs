//! What the tests share besides raw frames: the worked example to compare with, clients
//! connected to a server, and the health a server reports.

use testkit::within;
use tokio::net::TcpListener;
use tonic::Streaming;
use tonic::transport::{Channel, Endpoint};
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::{
    HealthCheckRequest, HealthCheckResponse, health_check_response::ServingStatus,
};

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

/// hello.Greeter's health as a `Watch` stream reports it: each change, as it happens.
pub struct GreeterHealth(Streaming<HealthCheckResponse>);

impl GreeterHealth {
    /// Starts watching hello.Greeter's health on `channel`.
    pub async fn watch(channel: Channel) -> GreeterHealth {
        let request = HealthCheckRequest {
            service: "hello.Greeter".into(),
        };
        let watch = within("Watch", HealthClient::new(channel).watch(request))
            .await
            .expect("Watch");
        GreeterHealth(watch.into_inner())
    }

    /// The next status the server reports.
    pub async fn next(&mut self) -> ServingStatus {
        within("a health update", self.0.message())
            .await
            .expect("the Watch stream failed")
            .expect("the Watch stream ended")
            .status()
    }
}
