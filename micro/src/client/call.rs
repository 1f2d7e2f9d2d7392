//! One call to a service: select a node, call it, and go on to another node while the call
//! failed in a way that means it cannot have run there.

use std::future::Future;

use tonic::Status;

use crate::client::cannot_have_run;
use crate::registry::Node;
use crate::selector::Selector;

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
    let mut untried = nodes.to_vec();
    let mut failed: Option<Node> = None;
    loop {
        let node = selector
            .select(service, &untried, failed.as_ref())
            .ok_or_else(|| Status::unavailable(format!("no node of {service} is registered")))?;
        match call(node.clone()).await {
            Ok(answer) => return Ok((node, answer)),
            Err(status) if cannot_have_run(&status) && untried.len() > 1 => {
                untried.retain(|other| *other != node);
                failed = Some(node);
            }
            Err(status) => return Err(status),
        }
    }
}
