//! Exercise `grpc.health`: tell the world whether the Greeter is ready.
//!
//! `grpc.health.v1.Health` is the standard way a gRPC server says "send me calls" or "not
//! now": Consul, Kubernetes and load balancers ask it (Check) or subscribe to it (Watch).
//! A server starts NOT_SERVING while it warms up, turns SERVING when ready, and turns
//! NOT_SERVING again before it shuts down, so callers move away before it stops.

use proto::hello::greeter_server::GreeterServer;
use tonic_health::server::HealthReporter;

use crate::greeter::GreeterService;

/// Sets the health of the `hello.Greeter` service: SERVING if `serving`, else NOT_SERVING.
/// Everyone watching it hears of the change.
pub async fn set_greeter_status(health: &HealthReporter, serving: bool) {
    if serving {
        health.set_serving::<GreeterServer<GreeterService>>().await;
    } else {
        health
            .set_not_serving::<GreeterServer<GreeterService>>()
            .await;
    }
}
