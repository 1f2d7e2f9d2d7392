//! One call to a service: select a node, call it, and go on to another node while the call
//! failed in a way that means it cannot have run there.

use std::future::Future;

use tonic::Status;

use micro::client::cannot_have_run;
use micro::registry::Node;
use micro::selector::Selector;

/// Calls a node of `service` chosen by `selector` with `call`. While a call fails in a way
/// that means it cannot have run ([`cannot_have_run`]: the wire shows it never reached the
/// node — refused, never sent, refused unprocessed — whatever its code), calls another
/// node that has not been tried yet — each node at most once. Answers the node that
/// answered and its answer, or the last failure. With no nodes at all, fails `Unavailable`
/// naming the service.
pub async fn call<T, F, Fut>(
    service: &str,
    nodes: &[Node],
    selector: &dyn Selector,
    mut call: F,
) -> Result<(Node, T), Status>
where
    F: FnMut(Node) -> Fut,
    Fut: Future<Output = Result<T, Status>>,
{
    // TODO: call as the doc comment says. Only a failure that means the call cannot have
    // run may be sent on to another node: any other ran somewhere, and sending it again
    // could do the work twice.
    let _ = (selector, &mut call);
    todo!("call one of {} nodes of {service}", nodes.len())
}
