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
    // TODO: the hedged call of the doc comment. The backup goes out after `delay` and not
    // before, unless the first call could not even be sent; and a call still running is
    // never given up while it may yet answer.
    todo!("a call with a backup after `delay`")
}
