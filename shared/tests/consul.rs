//! `shared::consul` against a real agent (`testkit::consul`): a Greeter registered with a
//! gRPC health check turns passing, is found by name, and is gone after deregistering.

use std::time::Duration;

use shared::consul::Instance;
use testkit::{PATIENCE, within};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

#[tokio::test]
async fn a_registered_greeter_turns_passing_and_leaves_on_deregister() {
    let agent = testkit::consul().await;
    let client = consul_ext::client_for(agent.url()).unwrap();

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (_stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(shared::grpc::serve(listener, async {
        let _ = stopped.await;
    }));

    let name = format!("greeter-{}", std::process::id());
    let instance = Instance::new(&name, addr);
    let check = instance.grpc_check(
        "hello.Greeter",
        Duration::from_secs(1),
        Duration::from_secs(60),
    );
    instance.register(&client, check).await.expect("register");

    // A blocking query answers as soon as the passing set changes: no polling.
    let passing = within("the instance to pass its gRPC check", async {
        let mut index = 0;
        loop {
            let answer = consul_ext::watch_healthy_instances(&client, &name, None, index, PATIENCE)
                .await
                .expect("the health query");
            if !answer.entries.is_empty() {
                return answer.entries;
            }
            index = answer.index;
        }
    })
    .await;
    assert_eq!(passing[0].service.id, instance.id);
    assert_eq!(passing[0].address(), format!("localhost:{}", addr.port()));

    instance.deregister(&client).await.expect("deregister");
    let found = consul_ext::healthy_instances(&client, &name, None)
        .await
        .unwrap();
    assert!(found.is_empty(), "still registered: {found:?}");
}
