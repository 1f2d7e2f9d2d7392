//! The gRPC service: `captcha.Captcha`'s NewCaptcha and Verify.
//!
//! Each call checks its uuid first (a malformed one is the caller's mistake:
//! `INVALID_ARGUMENT`), then does its one thing in Redis. Images are drawn off the async
//! workers, a bounded number at a time ([`Drawer`]): an instance with too many to draw
//! answers `RESOURCE_EXHAUSTED` at once. When Redis fails, the status says whether the
//! command may have been done ([`redis_failed`], shared with lessons 10–12): `UNAVAILABLE`,
//! which tells a gRPC client "try again, maybe elsewhere", only when Redis could not be
//! reached at all; `DEADLINE_EXCEEDED` or `UNKNOWN` when it may have stored or used up a
//! code. The message says what is missing.

use proto::captcha::captcha_server::Captcha;
use proto::captcha::{NewCaptchaReply, NewCaptchaRequest, VerifyReply, VerifyRequest};
use tonic::{Request, Response, Status};
use tracing::debug;

pub use shared::captcha::{Drawer, parse_uuid, redis_failed};

use crate::render::{Rendered, render};
use crate::store::{CODE_TTL, Codes};

/// The captcha service, with its codes in Redis.
#[derive(Clone)]
pub struct CaptchaService {
    codes: Codes,
    drawer: Drawer,
}

impl CaptchaService {
    /// The service, drawing at most one image per core at a time (see [`Drawer`]).
    pub fn new(codes: Codes) -> CaptchaService {
        CaptchaService {
            codes,
            drawer: Drawer::for_this_machine(),
        }
    }

    /// The status for a call whose Redis command failed.
    fn redis_down(&self, error: redis::RedisError) -> Status {
        redis_failed(self.codes.url(), error)
    }
}

// ANCHOR: service
#[tonic::async_trait]
impl Captcha for CaptchaService {
    async fn new_captcha(
        &self,
        request: Request<NewCaptchaRequest>,
    ) -> Result<Response<NewCaptchaReply>, Status> {
        let uuid = parse_uuid(&request.get_ref().uuid)?;
        // Drawn on the blocking pool, one image per core at a time; a full line is
        // RESOURCE_EXHAUSTED at once (`Drawer`). `render` is a plain function: the
        // `Captcha` it draws with is not `Send`, and never leaves its thread.
        let Rendered { code, png } = self
            .drawer
            .draw(render)
            .await?
            .ok_or_else(|| Status::internal("the captcha could not be drawn"))?;
        let stored = match self.codes.keep(&uuid, &code).await {
            Ok(stored) => stored,
            Err(error) => {
                // The SET may have arrived after all: a failed call leaves no code behind.
                self.codes.forget(&uuid, code);
                return Err(self.redis_down(error));
            }
        };
        if !stored {
            return Err(Status::already_exists(format!(
                "{uuid} already has a live captcha; ask with a new uuid"
            )));
        }
        debug!(%uuid, "new captcha, {} bytes", png.len());
        Ok(Response::new(NewCaptchaReply {
            png,
            expires_in_seconds: CODE_TTL.as_secs() as u32,
        }))
    }

    async fn verify(
        &self,
        request: Request<VerifyRequest>,
    ) -> Result<Response<VerifyReply>, Status> {
        let VerifyRequest { uuid, code: guess } = request.into_inner();
        let uuid = parse_uuid(&uuid)?;
        // Taken out whether the guess is right or not: one image, one try.
        let kept = self
            .codes
            .take(&uuid)
            .await
            .map_err(|error| self.redis_down(error))?;
        let ok = kept.is_some_and(|code| code.eq_ignore_ascii_case(guess.trim()));
        debug!(%uuid, ok, "verified");
        Ok(Response::new(VerifyReply { ok }))
    }
}
// ANCHOR_END: service
