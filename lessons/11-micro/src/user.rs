//! The seed's user service, `go.micro.srv.user`: one method, `Say.Hello`, that greets a
//! name. The course's last chapter runs three of it behind `micro api`; each reply says
//! which node answered, so the round robin shows.

use proto::user::say_server::Say;
use proto::user::{Request as HelloRequest, Response as HelloResponse};
use shared::greeter::check_name;
use tonic::{Request, Response, Status};

use micro::registry::Node;

// ANCHOR: say
/// `Say.Hello`: `{"name": "huohuo"}` → `{"msg": "Hello huohuo from NODE-ID"}`.
#[derive(Debug, Clone, Copy, Default)]
pub struct UserService;

#[tonic::async_trait]
impl Say for UserService {
    async fn hello(
        &self,
        request: Request<HelloRequest>,
    ) -> Result<Response<HelloResponse>, Status> {
        let name = check_name(&request.get_ref().name)?;
        let node = request
            .extensions()
            .get::<Node>()
            .ok_or_else(|| Status::internal("served outside a micro Service"))?;
        let msg = format!("Hello {name} from {}", node.id);
        Ok(Response::new(HelloResponse { msg }))
    }
}
// ANCHOR_END: say
