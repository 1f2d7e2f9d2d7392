//! `captcha.Captcha` as lesson 09 defines it (proto/captcha.proto), in its plainest form:
//! a code and its image per uuid, the code in Redis under `captcha:<uuid>` for five
//! minutes, used up by the first try.
//!
//! Lesson 09 builds this service step by step, and read after it this holds no surprise.
//! The later lessons need the service itself, not its lessons: lesson 10's tests put a
//! gateway in front of it, and lesson 11 runs it on its framework. (Enabled by this crate's
//! `captcha` feature, so the lessons that do not need it do not build Redis and PNG code.)

use std::time::Duration;

use proto::captcha::captcha_server::Captcha;
use proto::captcha::{NewCaptchaReply, NewCaptchaRequest, VerifyReply, VerifyRequest};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tonic::{Request, Response, Status};

/// How long a code stays valid, in seconds.
pub const CODE_TTL_SECONDS: u32 = 300;

/// The captcha service, with its codes in Redis.
#[derive(Clone)]
pub struct CaptchaService {
    redis: ConnectionManager,
    url: String,
}

impl CaptchaService {
    /// The service over the Redis at `url`, connected lazily (it may start before Redis
    /// does). A command fails within about a second when Redis is down, instead of the
    /// connection manager's default of retrying for about ten.
    pub fn new(url: &str) -> redis::RedisResult<CaptchaService> {
        let timeout = Some(Duration::from_secs(1));
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(timeout)
            .set_response_timeout(timeout)
            .set_number_of_retries(1);
        let client = redis::Client::open(url)?;
        Ok(CaptchaService {
            redis: ConnectionManager::new_lazy_with_config(client, config)?,
            url: url.to_string(),
        })
    }

    /// `UNAVAILABLE`, the status that tells a gRPC client to try again, maybe elsewhere.
    fn redis_down(&self, error: redis::RedisError) -> Status {
        Status::unavailable(format!("Redis at {} cannot be reached: {error}", self.url))
    }
}

/// The Redis key of a uuid's code, after checking that it is a uuid.
fn key(uuid: &str) -> Result<String, Status> {
    Ok(format!("captcha:{}", parse_uuid(uuid)?))
}

// ANCHOR: parse_uuid
/// How many characters of a malformed uuid an error quotes back.
pub const QUOTED_CHARS: usize = 40;

/// Reads a uuid in its usual text form, or says why it is not one (`INVALID_ARGUMENT`).
///
/// The error quotes at most [`QUOTED_CHARS`] characters of what came: a gRPC status travels
/// in the answer's headers, and quoting a 20 KB "uuid" whole would make headers the
/// caller's own HTTP/2 library refuses (its connection is then closed, with every other
/// call on it).
pub fn parse_uuid(text: &str) -> Result<uuid::Uuid, Status> {
    uuid::Uuid::parse_str(text.trim()).map_err(|error| {
        let quoted: String = text.chars().take(QUOTED_CHARS).collect();
        let more = if quoted.len() < text.len() {
            format!("… ({} bytes)", text.len())
        } else {
            String::new()
        };
        Status::invalid_argument(format!(
            "{quoted:?}{more} is not a UUID (like {}): {error}",
            uuid::Uuid::nil()
        ))
    })
}
// ANCHOR_END: parse_uuid

#[tonic::async_trait]
impl Captcha for CaptchaService {
    async fn new_captcha(
        &self,
        request: Request<NewCaptchaRequest>,
    ) -> Result<Response<NewCaptchaReply>, Status> {
        let key = key(&request.get_ref().uuid)?;
        // Drawn in full before the first `.await`: a `captcha::Captcha` is not `Send`.
        let (code, png) = captcha::Captcha::new()
            .add_chars(4)
            .view(128, 64)
            .as_tuple()
            .ok_or_else(|| Status::internal("the captcha could not be drawn"))?;
        // SET … NX: never over a live code, so nobody can replace a code someone is reading.
        let stored: Option<String> = redis::cmd("SET")
            .arg(&key)
            .arg(&code)
            .arg("NX")
            .arg("EX")
            .arg(CODE_TTL_SECONDS)
            .query_async(&mut self.redis.clone())
            .await
            .map_err(|error| self.redis_down(error))?;
        if stored.is_none() {
            return Err(Status::already_exists("this uuid has a live captcha"));
        }
        Ok(Response::new(NewCaptchaReply {
            png,
            expires_in_seconds: CODE_TTL_SECONDS,
        }))
    }

    async fn verify(
        &self,
        request: Request<VerifyRequest>,
    ) -> Result<Response<VerifyReply>, Status> {
        let key = key(&request.get_ref().uuid)?;
        // GETDEL reads and removes in one step: a code gets one try, right or wrong.
        let code: Option<String> = redis::cmd("GETDEL")
            .arg(&key)
            .query_async(&mut self.redis.clone())
            .await
            .map_err(|error| self.redis_down(error))?;
        let guess = request.get_ref().code.trim();
        let ok = code.is_some_and(|code| code.eq_ignore_ascii_case(guess));
        Ok(Response::new(VerifyReply { ok }))
    }
}
