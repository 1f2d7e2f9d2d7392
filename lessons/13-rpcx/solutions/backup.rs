//! rpcx's `Failbackup` fail mode: a hedged request. The call goes to one server; if no
//! answer has come after a short delay, the same call goes to a second server too, and the
//! first reply wins. One slow server then costs a caller the delay, not its slowness.

use std::time::Duration;

use crate::arith::SERVICE;
use crate::codec::Payload;
use crate::connection::{CallError, Connection};
use crate::header::Serialize as Format;
use crate::xclient::Answered;

/// Calls `method(args)` of Arith on `servers[0]`; after `delay` without an answer — or at
/// once, if that call could not be sent — on `servers[1]` too. Returns the first reply. An
/// error of the first call before the delay that says it ran (the server's own, or no
/// answer) is returned as it is; once both calls are out, a failed one waits for the
/// other, and when both fail, the first's error is returned.
pub async fn call_with_backup<A, R>(
    servers: [&str; 2],
    method: &str,
    args: &A,
    delay: Duration,
) -> Result<Answered<R>, CallError>
where
    A: Payload + Sync,
    R: Payload,
{
    let first = attempt(servers[0], method, args);
    let mut first = std::pin::pin!(first);
    // The first call alone, until it ends or the delay is over.
    let early = tokio::select! {
        ended = &mut first => Some(ended),
        () = tokio::time::sleep(delay) => None,
    };
    let first_error = match early {
        Some(Err(error)) if error.could_not_have_run() => Some(error),
        Some(ended) => return ended, // a reply, or the call ran and failed
        None => None,
    };
    let second = attempt(servers[1], method, args);
    let mut second = std::pin::pin!(second);
    match first_error {
        // The first never left: the second is the only call.
        Some(error) => second.await.map_err(|_| error),
        // Both are out: the first reply wins; one failure waits for the other.
        None => tokio::select! {
            ended = &mut first => match ended {
                Ok(answered) => Ok(answered),
                Err(error) => second.await.map_err(|_| error),
            },
            ended = &mut second => match ended {
                Ok(answered) => Ok(answered),
                Err(_) => first.await,
            },
        },
    }
}

/// One call on its own connection to `server`.
async fn attempt<A: Payload, R: Payload>(
    server: &str,
    method: &str,
    args: &A,
) -> Result<Answered<R>, CallError> {
    let connection = Connection::connect(server, Format::MsgPack).await?;
    let reply = connection.call(SERVICE, method, args).await?;
    Ok(Answered {
        reply,
        by: server.to_string(),
    })
}
