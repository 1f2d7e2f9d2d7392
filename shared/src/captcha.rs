//! `captcha.Captcha` as lesson 09 defines it (proto/captcha.proto), in its plainest form:
//! a code and its image per uuid, the code in Redis under `captcha:<uuid>` for five
//! minutes, used up by the first try.
//!
//! Lesson 09 builds this service step by step, and read after it this holds no surprise.
//! The later lessons need the service itself, not its lessons: lesson 10's tests put a
//! gateway in front of it, and lesson 11 runs it on its framework. (Enabled by this crate's
//! `captcha` feature, so the lessons that do not need it do not build Redis and PNG code.)

use std::sync::Arc;
use std::time::Duration;

use proto::captcha::captcha_server::Captcha;
use proto::captcha::{NewCaptchaReply, NewCaptchaRequest, VerifyReply, VerifyRequest};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::sync::Semaphore;
use tonic::{Request, Response, Status};

/// How long a code stays valid, in seconds.
pub const CODE_TTL_SECONDS: u32 = 300;

/// The captcha service, with its codes in Redis.
#[derive(Clone)]
pub struct CaptchaService {
    redis: ConnectionManager,
    url: String,
    drawer: Drawer,
    observer: Option<Arc<dyn RedisObserver>>,
}

/// Told of every Redis command the service sends: its name, how long its answer took, and
/// whether one came. A service's metrics hang here (lesson 15: micro's `RedisMetrics`), so
/// that this crate, which lessons 09 and 10 build, needs no metrics library.
pub trait RedisObserver: Send + Sync {
    fn observe(&self, command: &'static str, took: Duration, answered: bool);
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
            drawer: Drawer::for_this_machine(),
            observer: None,
        })
    }

    /// The service, telling `observer` of each Redis command it sends.
    pub fn observed_by(mut self, observer: Arc<dyn RedisObserver>) -> CaptchaService {
        self.observer = Some(observer);
        self
    }

    /// Sends `command`, named `name`, and tells the observer how it went. Inside a call's
    /// span (lesson 15's traces), the command has a span of its own under it.
    async fn query<T: redis::FromRedisValue>(
        &self,
        name: &'static str,
        command: &redis::Cmd,
    ) -> redis::RedisResult<T> {
        use tracing::Instrument;
        let span = if tracing::Span::current().is_disabled() {
            tracing::Span::none()
        } else {
            tracing::info_span!(
                target: crate::TRACED,
                "redis",
                otel.name = name,
                otel.kind = "client",
                db.system = "redis",
                otel.status_code = tracing::field::Empty,
            )
        };
        let started = std::time::Instant::now();
        let mut redis = self.redis.clone();
        let answer = command
            .query_async(&mut redis)
            .instrument(span.clone())
            .await;
        if let Some(observer) = &self.observer {
            observer.observe(name, started.elapsed(), answer.is_ok());
        }
        if answer.is_err() {
            span.record("otel.status_code", "ERROR");
        }
        answer
    }

    /// Asks Redis once whether it is there, and when nothing listens at its address, says
    /// so in the log with the command that starts it. The service runs on all the same (Redis
    /// may come later), but until then every call fails, and the log says why.
    pub async fn warn_if_redis_is_missing(&self) {
        let pong: redis::RedisResult<String> = redis::cmd("PING")
            .query_async(&mut self.redis.clone())
            .await;
        if let Err(error) = pong
            && error.is_connection_refusal()
        {
            let missing =
                crate::unreachable::no_answer(crate::unreachable::Needed::Redis, &self.url);
            tracing::warn!("{missing}: every call fails until it answers");
        }
    }
}

// ANCHOR: redis_failed
/// The status of a call whose Redis command failed, chosen by whether the command may
/// have been applied. `UNAVAILABLE` tells a gRPC client the call did nothing and may be
/// sent again, elsewhere: only true when Redis could not be reached at all (the
/// connection refused). A command that got no answer in time may have been applied
/// all the same — a SET stored, a GETDEL's code used up — so that call is
/// `DEADLINE_EXCEEDED`, which gRPC defines as "may have completed"; a connection that
/// broke with the command sent is `UNKNOWN`. A client that would retry either knows
/// the method is safe to run twice.
pub fn redis_failed(url: &str, error: redis::RedisError) -> Status {
    if error.is_connection_refusal() {
        Status::unavailable(format!("Redis at {url} cannot be reached: {error}"))
    } else if error.is_timeout() {
        Status::deadline_exceeded(format!(
            "Redis at {url} gave no answer in time, and may have done the command: {error}"
        ))
    } else {
        Status::unknown(format!(
            "Redis at {url} failed with the command sent, which may have been done: {error}"
        ))
    }
}
// ANCHOR_END: redis_failed

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
        // Drawn on a thread of its own, bounded (see `Drawer`): a `captcha::Captcha` is
        // not `Send`, and drawing on the async workers would starve every other call.
        let (code, png) = self
            .drawer
            .draw(|| {
                captcha::Captcha::new()
                    .add_chars(4)
                    .view(128, 64)
                    .as_tuple()
            })
            .await?
            .ok_or_else(|| Status::internal("the captcha could not be drawn"))?;
        // SET … NX: never over a live code, so nobody can replace a code someone is reading.
        let mut set = redis::cmd("SET");
        set.arg(&key)
            .arg(&code)
            .arg("NX")
            .arg("EX")
            .arg(CODE_TTL_SECONDS);
        let stored: Result<Option<String>, _> = self.query("SET", &set).await;
        let stored = match stored {
            Ok(stored) => stored,
            Err(error) => {
                forget_code(&self.redis, key, code);
                return Err(redis_failed(&self.url, error));
            }
        };
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
        let mut getdel = redis::cmd("GETDEL");
        getdel.arg(&key);
        let code: Option<String> = self
            .query("GETDEL", &getdel)
            .await
            .map_err(|error| redis_failed(&self.url, error))?;
        let guess = request.get_ref().code.trim();
        let ok = code.is_some_and(|code| code.eq_ignore_ascii_case(guess));
        Ok(Response::new(VerifyReply { ok }))
    }
}

// ANCHOR: drawer
/// Drawing images, bounded and off the async workers.
///
/// A drawing is a few milliseconds of CPU with no `.await` in it. Run on tokio's workers, a
/// burst of them starves everything else those workers do: the Redis answers that arrive
/// in time are read too late, and the health probe's PING times out, so a busy instance
/// reports a Redis outage that is not there. So each drawing runs on tokio's blocking pool,
/// at most one per core at a time, and at most `waiting` more wait for a turn. A call
/// beyond that is answered `RESOURCE_EXHAUSTED` at once: the caller may try another
/// instance or later, instead of queueing without bound for an answer that comes too late.
#[derive(Clone)]
pub struct Drawer {
    /// One permit per drawing that may run at once.
    drawing: Arc<Semaphore>,
    /// One permit per call admitted: drawing or waiting for a turn.
    admitted: Arc<Semaphore>,
}

impl Drawer {
    /// `threads` drawings at once, and `waiting` more in line.
    pub fn new(threads: usize, waiting: usize) -> Drawer {
        let threads = threads.max(1);
        Drawer {
            drawing: Arc::new(Semaphore::new(threads)),
            admitted: Arc::new(Semaphore::new(threads + waiting)),
        }
    }

    /// One drawing per core, and four per core in line.
    pub fn for_this_machine() -> Drawer {
        let cores = std::thread::available_parallelism().map_or(1, |cores| cores.get());
        Drawer::new(cores, 4 * cores)
    }

    /// Runs `draw` on the blocking pool when a turn comes, or answers `RESOURCE_EXHAUSTED`
    /// at once when the line is full.
    pub async fn draw<T: Send + 'static>(
        &self,
        draw: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Status> {
        let Ok(admitted) = self.admitted.clone().try_acquire_owned() else {
            return Err(Status::resource_exhausted(
                "too many captchas are being drawn here; try again shortly",
            ));
        };
        let turn = self.drawing.clone().acquire_owned().await;
        let turn = turn.expect("the semaphore is never closed");
        // The permits go with the drawing: if the caller gives up, the thread still holds
        // its turn until the drawing ends, so never more than `threads` draw at once.
        let drawing = tokio::task::spawn_blocking(move || {
            let _held = (admitted, turn);
            draw()
        });
        drawing
            .await
            .map_err(|_| Status::internal("the drawing thread panicked"))
    }
}
// ANCHOR_END: drawer

// ANCHOR: forget_code
/// Removes `key` if it still holds `code`, in a task of its own. A SET whose answer came
/// too late may still have stored the code: the call reports a failure, so the code must not
/// stay behind. Compare and delete in one script, so that a code another call stored under
/// the same key is never removed. Best effort: if Redis is really down, there is nothing to
/// remove either.
pub fn forget_code(redis: &ConnectionManager, key: String, code: String) {
    let mut redis = redis.clone();
    tokio::spawn(async move {
        let script = redis::Script::new(
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end \
             return 0",
        );
        let mut invocation = script.key(&key);
        invocation.arg(&code);
        let forgotten = invocation.invoke_async::<i64>(&mut redis);
        let _ = tokio::time::timeout(Duration::from_secs(5), forgotten).await;
    });
}
// ANCHOR_END: forget_code
