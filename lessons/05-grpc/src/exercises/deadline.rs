//! Exercise `grpc.deadline`: a call that may take at most so long.
//!
//! A client that waits forever for a slow server ties up its own callers too. gRPC sends
//! the time limit along with the call (the `grpc-timeout` header), so both sides know it:
//! the client stops waiting, the server stops working, and the call ends with
//! `DeadlineExceeded`. Go writes `ctx, cancel := context.WithTimeout(ctx, limit)`.
//!
//! Both sides watch the clock, so either may give up first: the server answers
//! DeadlineExceeded, while tonic's client reports its own give-up as Cancelled. The caller
//! should see one code for one event.

use std::time::Duration;

use proto::hello::HelloRequest;
use proto::hello::greeter_client::GreeterClient;
use tonic::Status;
use tonic::transport::Channel;

use crate::client::deadline_exceeded_on_timeout;

/// Calls SayHello for `name` with a deadline of `limit` and returns the greeting, or the
/// status the call ended with (`DeadlineExceeded` when the server was too slow).
pub async fn say_hello_within(
    client: &mut GreeterClient<Channel>,
    name: &str,
    limit: Duration,
) -> Result<String, Status> {
    // TODO: call SayHello with a deadline of `limit` that travels with the call, so that the
    // server knows it too. A deadline that passed must read DeadlineExceeded, whichever side
    // noticed it first.
    todo!("grpc.deadline: call SayHello with a deadline")
}
