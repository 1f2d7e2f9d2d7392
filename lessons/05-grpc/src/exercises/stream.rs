//! Exercise `grpc.stream`: a paced stream, made on a task of its own.
//!
//! The worked example's SayHelloStream is a lazy iterator: tonic asks it for each reply,
//! and when the client hangs up tonic drops it and the work stops by itself. Replies that
//! come as time passes (progress, prices, changes in a registry) are not an iterator: a
//! task makes them and hands them over through a channel, and tonic streams the channel's
//! receiving end. Now a client that hangs up drops only the receiver. The task runs on,
//! making replies nobody will read, until it notices, so noticing is its job.

use std::time::Duration;

use proto::hello::greeter_server::Greeter;
use proto::hello::{HelloReply, HelloRequest, HelloStreamRequest, NameReply, NameRequest};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

use crate::greeter::{GreeterService, ReplyStream, check_name};
use crate::live_streams::LiveStreams;

/// How many replies may wait in a stream's channel. When the client reads slowly the
/// channel fills up and the producing task waits, instead of piling replies up in memory.
pub const CAPACITY: usize = 4;

/// A Greeter whose SayHelloStream sends one reply every `every`.
#[derive(Debug, Clone)]
pub struct StreamingGreeter {
    /// The time between two replies; the first goes at once.
    pub every: Duration,
    /// The streams being produced now: each producing task holds one `LiveStream`.
    pub live: LiveStreams,
}

#[tonic::async_trait]
impl Greeter for StreamingGreeter {
    // Not part of this exercise: the worked example answers.
    async fn say_hello(
        &self,
        request: Request<HelloRequest>,
    ) -> Result<Response<HelloReply>, Status> {
        GreeterService.say_hello(request).await
    }

    async fn say_name(&self, request: Request<NameRequest>) -> Result<Response<NameReply>, Status> {
        GreeterService.say_name(request).await
    }

    type SayHelloStreamStream = ReplyStream;

    /// `SayHelloStream{name: "Ferris", count: 3}` → "Hello Ferris! (1 of 3)" at once,
    /// "Hello Ferris! (2 of 3)" after `every`, "Hello Ferris! (3 of 3)" after another,
    /// then the end. An empty name is `InvalidArgument`, as in the worked example.
    ///
    /// The replies are made on a task of their own and sent through a channel of
    /// `CAPACITY`; that task is counted in `self.live` while it runs, and stops as soon as
    /// the client has gone away.
    async fn say_hello_stream(
        &self,
        request: Request<HelloStreamRequest>,
    ) -> Result<Response<ReplyStream>, Status> {
        // TODO: the stream the doc comment describes: its replies made and paced on a task
        //       of their own, which `self.live` counts while it runs, handed over through a
        //       channel of CAPACITY, and which ends once the client has gone.
        todo!("grpc.stream: make the paced replies on a task of their own")
    }
}
