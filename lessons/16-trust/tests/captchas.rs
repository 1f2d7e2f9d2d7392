//! Lesson 09's captcha service, which the gateway spends captchas with, and captchas made
//! for a test as the service keeps them: a code in Redis under `captcha:UUID`, as if the
//! service had drawn its image.

use std::net::SocketAddr;

/// Lesson 09's captcha service, on a free port, its codes in the Redis at `redis_url`.
pub async fn service(redis_url: &str) -> SocketAddr {
    use proto::captcha::captcha_server::CaptchaServer;
    let service = shared::captcha::CaptchaService::new(redis_url).expect("a Redis URL");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let addr = listener.local_addr().expect("its address");
    let incoming = tonic::transport::server::TcpIncoming::from(listener);
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(CaptchaServer::new(service))
            .serve_with_incoming(incoming),
    );
    addr
}

/// The code every captcha made here has, as a person would read it off its image.
pub const CODE: &str = "k7Qa";

/// A new captcha, kept in the Redis at `redis_url` as the service keeps one it drew: its
/// uuid (its code is [`CODE`]).
pub async fn new(redis_url: &str) -> String {
    let client = redis::Client::open(redis_url).expect("a Redis URL");
    let mut store = testkit::within(
        "connect to Redis",
        client.get_multiplexed_async_connection(),
    )
    .await
    .expect("Redis answers");
    let uuid = uuid::Uuid::new_v4().to_string();
    let _: () = redis::AsyncCommands::set(&mut store, format!("captcha:{uuid}"), CODE)
        .await
        .expect("Redis answers");
    uuid
}
