//! A greeter that counts the calls that reached its handler: what proves a call was not
//! run twice. It answers; or takes the call and never answers (a node whose network went
//! away after the request arrived, or that hangs in its work); or takes the call and its
//! connections are cut (a node killed while it works).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use micro::registry::Node;
use proto::hello::greeter_server::{Greeter, GreeterServer};
use proto::hello::{HelloReply, HelloRequest, HelloStreamRequest, NameReply, NameRequest};
use shared::greeter::{GreeterService, ReplyStream};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tonic::{Request, Response, Status};

use super::node;

/// What the counting greeter does once it has counted a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Then {
    Answers,
    Hangs,
    /// Its connections are closed under the call, as a killed process's are.
    Dies,
}

/// A counting greeter on a free loopback port, until dropped.
pub struct Counting {
    pub node: Node,
    pub calls: Arc<AtomicUsize>,
    _stop: oneshot::Sender<()>,
}

#[derive(Clone)]
struct CountingGreeter {
    id: String,
    calls: Arc<AtomicUsize>,
    then: Then,
    /// A second handle on each connection accepted, to cut it with.
    connections: Arc<Mutex<Vec<std::net::TcpStream>>>,
}

#[tonic::async_trait]
impl Greeter for CountingGreeter {
    async fn say_hello(
        &self,
        request: Request<HelloRequest>,
    ) -> Result<Response<HelloReply>, Status> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if self.then == Then::Dies {
            for connection in self.connections.lock().unwrap().drain(..) {
                let _ = connection.shutdown(std::net::Shutdown::Both);
            }
        }
        if self.then != Then::Answers {
            std::future::pending::<()>().await;
        }
        let message = format!("Hello {} from {}", request.get_ref().name, self.id);
        Ok(Response::new(HelloReply { message }))
    }

    async fn say_name(&self, request: Request<NameRequest>) -> Result<Response<NameReply>, Status> {
        GreeterService.say_name(request).await
    }

    type SayHelloStreamStream = ReplyStream;

    async fn say_hello_stream(
        &self,
        request: Request<HelloStreamRequest>,
    ) -> Result<Response<ReplyStream>, Status> {
        GreeterService.say_hello_stream(request).await
    }
}

impl Counting {
    pub async fn start(id: &str, then: Then) -> Counting {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let calls = Arc::new(AtomicUsize::new(0));
        let connections = Arc::new(Mutex::new(Vec::new()));
        let greeter = CountingGreeter {
            id: id.to_string(),
            calls: calls.clone(),
            then,
            connections: connections.clone(),
        };
        let incoming = tokio_stream::StreamExt::map(
            tokio_stream::wrappers::TcpListenerStream::new(listener),
            move |accepted| {
                let stream = accepted?.into_std()?;
                connections.lock().unwrap().push(stream.try_clone()?);
                tokio::net::TcpStream::from_std(stream)
            },
        );
        let serving = shared::grpc::builder()
            .add_service(GreeterServer::new(greeter))
            .serve_with_incoming_shutdown(incoming, async {
                let _ = stopped.await;
            });
        tokio::spawn(serving);
        Counting {
            node: node(id, &addr.to_string()),
            calls,
            _stop: stop,
        }
    }

    /// How many calls reached the handler.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}
