//! One call to a service: select a node, call it, and once more elsewhere if it was down.

use std::future::Future;

use tonic::{Code, Status};

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
    let no_node = || Status::unavailable(format!("no node of {service} is registered"));
    let first = selector.select(service, nodes, None).ok_or_else(no_node)?;
    match call(first.clone()).await {
        Ok(answer) => Ok((first, answer)),
        Err(status) if status.code() == Code::Unavailable => {
            let second = selector
                .select(service, nodes, Some(&first))
                .ok_or_else(no_node)?;
            let answer = call(second.clone()).await?;
            Ok((second, answer))
        }
        Err(status) => Err(status),
    }
}
