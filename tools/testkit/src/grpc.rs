//! What the gRPC tests share: the health a server reports for hello.Greeter, watched as it
//! changes. Lesson 05's server and grpc-fast's both report it, and their tests watch it the
//! same way.

use tonic::Streaming;
use tonic::transport::Channel;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::{HealthCheckRequest, HealthCheckResponse};

use crate::within;

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
