//! `grpc.health`: the Greeter's health, switched by the exercise, seen by a real health
//! client through both Check and Watch.

mod support;

use l05_grpc::exercises::health::set_greeter_status;
use testkit::within;
use tonic::Code;
use tonic::transport::Channel;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

fn greeter() -> HealthCheckRequest {
    HealthCheckRequest {
        service: "hello.Greeter".into(),
    }
}

async fn check(health: &mut HealthClient<Channel>) -> Result<ServingStatus, tonic::Status> {
    let reply = within("the Check reply", health.check(greeter())).await?;
    Ok(reply.into_inner().status())
}

#[tokio::test]
async fn check_and_watch_see_the_greeter_switch() {
    let (reporter, health_service) = tonic_health::server::health_reporter();
    let addr = support::serve(l05_grpc::server::builder().add_service(health_service)).await;
    let mut health = HealthClient::new(support::connect(&addr).await);

    // Before anyone reports on hello.Greeter, the health service has never heard of it.
    let unknown = check(&mut health).await.expect_err("no status yet");
    assert_eq!(unknown.code(), Code::NotFound);

    // Starting up: not ready yet.
    within(
        "set_greeter_status(false)",
        set_greeter_status(&reporter, false),
    )
    .await;
    assert_eq!(
        check(&mut health)
            .await
            .expect("Check after set_greeter_status(false)"),
        ServingStatus::NotServing,
        "after set_greeter_status(false), Check(\"hello.Greeter\") should say NOT_SERVING"
    );

    // A watcher hears the current status at once, then every change.
    let mut watch = within("the Watch call", health.watch(greeter()))
        .await
        .expect("Watch hello.Greeter")
        .into_inner();
    let mut next_status = async || {
        within("the next Watch update", watch.message())
            .await
            .expect("the Watch stream failed")
            .expect("the Watch stream ended")
            .status()
    };
    assert_eq!(next_status().await, ServingStatus::NotServing);

    within(
        "set_greeter_status(true)",
        set_greeter_status(&reporter, true),
    )
    .await;
    assert_eq!(
        next_status().await,
        ServingStatus::Serving,
        "after set_greeter_status(true), watchers should hear SERVING"
    );
    assert_eq!(
        check(&mut health)
            .await
            .expect("Check after set_greeter_status(true)"),
        ServingStatus::Serving
    );

    within(
        "set_greeter_status(false)",
        set_greeter_status(&reporter, false),
    )
    .await;
    assert_eq!(
        next_status().await,
        ServingStatus::NotServing,
        "after set_greeter_status(false), watchers should hear NOT_SERVING"
    );
}
