//! A captcha service for the gateway to find: `captcha.Captcha` as lesson 09 defines it
//! (proto/captcha.proto), with its codes in Redis under `captcha:<uuid>` for five minutes,
//! used up by any try, registered in Consul with a gRPC health check.
//!
//! A lesson never depends on another lesson's package, so the tests cannot start lesson
//! 09's server; they run `shared::captcha`, the same contract. It can also be told to hang,
//! to show what the gateway does with an instance that passes its checks and never answers.

use std::net::SocketAddr;
use std::time::Duration;

use proto::captcha::captcha_server::{Captcha, CaptchaServer};
use proto::captcha::{NewCaptchaReply, NewCaptchaRequest, VerifyReply, VerifyRequest};
use shared::captcha::CaptchaService;
use shared::consul::Instance;
use tonic::{Request, Response, Status};

/// What the stand-in does with a call.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// Answers as lesson 09's service does.
    Serve,
    /// Never answers (its health still says SERVING).
    Hang,
}

#[derive(Clone)]
struct StandIn {
    service: CaptchaService,
    behaviour: Behaviour,
}

impl StandIn {
    async fn hang_if_told(&self) {
        if self.behaviour == Behaviour::Hang {
            std::future::pending::<()>().await;
        }
    }
}

#[tonic::async_trait]
impl Captcha for StandIn {
    async fn new_captcha(
        &self,
        request: Request<NewCaptchaRequest>,
    ) -> Result<Response<NewCaptchaReply>, Status> {
        self.hang_if_told().await;
        self.service.new_captcha(request).await
    }

    async fn verify(
        &self,
        request: Request<VerifyRequest>,
    ) -> Result<Response<VerifyReply>, Status> {
        self.hang_if_told().await;
        self.service.verify(request).await
    }
}

/// A running stand-in, registered as `name`; it deregisters and stops when dropped.
pub struct Service {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Service {
    /// Serves on a free port with its codes in the Redis at `redis_url`, and registers as
    /// `name` on the agent at `agent` with a gRPC check every 200 ms.
    pub async fn start(agent: &str, name: &str, redis_url: &str, behaviour: Behaviour) -> Self {
        let service = CaptchaService::new(redis_url).expect("the test's Redis URL");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (health, health_service) = tonic_health::server::health_reporter();
        health.set_serving::<CaptchaServer<StandIn>>().await;
        let router = tonic::transport::Server::builder()
            .add_service(health_service)
            .add_service(CaptchaServer::new(StandIn { service, behaviour }));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(router.serve_with_incoming_shutdown(
            tonic::transport::server::TcpIncoming::from(listener),
            async {
                let _ = stopped.await;
            },
        ));

        let client = consul_ext::client_for(agent).unwrap();
        let instance = Instance::new(name, addr);
        let check = instance.grpc_check(
            "captcha.Captcha",
            Duration::from_millis(200),
            Duration::from_secs(60),
        );
        testkit::within(
            "registering the captcha stand-in",
            instance.register(&client, check),
        )
        .await
        .expect("registered");
        Service {
            addr,
            stop: Some(stop),
        }
    }

    /// Stops serving (the agent's check turns critical: the instance stops passing).
    pub fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.stop();
    }
}
