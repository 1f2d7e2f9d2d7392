//! One call to a service: select a node, call it, and once more elsewhere if it was down.

use std::future::Future;

use tonic::Status;

use crate::registry::Node;
use crate::selector::Selector;

/// Calls a node of `service` chosen by `selector` with `call`. If that fails with
/// `Unavailable` (the call never reached a working server), calls once more, on another
/// node if there is one. Answers the node that answered and its answer. With no nodes at
/// all, fails `Unavailable` naming the service.
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
    // TODO: select a node (None → Status::unavailable naming the service), call it; on
    // Unavailable select again with `avoid` = the first node and call that one; any other
    // outcome is the answer.
    let _ = (selector, &mut call);
    todo!("call one of {} nodes of {service}", nodes.len())
}
