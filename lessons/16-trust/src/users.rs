//! `session.Users`: register, log in, whose session, log out — for the gateway only.
//!
//! The service keeps two things in Redis: each user's password hash (`user:NAME`, a PHC
//! string, [`crate::password`]) and the sessions ([`crate::sessions`]). Every method first
//! asks the policy whether its caller may call it ([`crate::policy::authorize`]); the
//! caller is known by its certificate, since the server speaks mutual TLS only.
//!
//! Hashing is slow on purpose, so it runs on tokio's blocking threads, at most one a core
//! at a time and one a name at a time ([`crate::hashing`]): a flood of logins waits its
//! turn there and leaves the runtime and the other users' logins alone. Before any hashing,
//! the counts of wrong passwords ([`crate::limit`]) say whether a login needs a captcha or
//! is refused; the refusals are logged at a pace no caller sets ([`crate::refusals`]).

use std::sync::Arc;
use std::time::Duration;

use proto::session::users_server::UsersServer;
use proto::session::{
    LoginReply, LoginRequest, LogoutReply, LogoutRequest, RegisterReply, RegisterRequest,
    SessionReply, SessionRequest,
};
use redis::AsyncCommands as _;
use redis::aio::ConnectionManager;
use redis::{ExistenceCheck, SetOptions};
use tonic::{Request, Response, Status};

use crate::exercises;
use crate::hashing::Hashing;
use crate::limit::{self, Limits, Verdict};
use crate::password;
use crate::policy::authorize;
use crate::refusals::{self, RefusalLog};
use crate::sessions;

/// The longest name taken: names go into Redis keys and log lines.
pub const NAME_LENGTH: usize = 64;

/// The service's state: Redis, and its settings.
#[derive(Clone)]
pub struct Users {
    redis: ConnectionManager,
    session_ttl: Duration,
    limits: Limits,
    hashing: Arc<Hashing>,
    /// The logins refused, by the address the gateway saw them from.
    refusals: Arc<RefusalLog<String>>,
}

impl Users {
    /// The service's state (on a tokio runtime: its log of refusals has a task of its own).
    pub fn new(redis: ConnectionManager, session_ttl: Duration, limits: Limits) -> Users {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Users {
            redis,
            session_ttl,
            limits,
            hashing: Arc::new(Hashing::new(cores)),
            refusals: RefusalLog::start("refused logins", refusals::EVERY),
        }
    }

    /// The tonic service.
    pub fn into_server(self) -> UsersServer<Users> {
        UsersServer::new(self)
    }

    /// Runs `work` (a hash, or a check of one, for `name`) when it is its turn.
    async fn hashing<T: Send + 'static>(
        &self,
        name: &str,
        work: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
    ) -> Result<T, Status> {
        self.hashing
            .run(name, work)
            .await
            .map_err(internal)?
            .map_err(internal)
    }
}

fn user_key(name: &str) -> String {
    format!("user:{name}")
}

/// A name is 1 to 64 characters, none of them a control character or a space.
fn check_name(name: &str) -> Result<(), Status> {
    let fits = !name.is_empty() && name.chars().count() <= NAME_LENGTH;
    if !fits || name.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(Status::invalid_argument(format!(
            "a name is 1 to {NAME_LENGTH} characters, without spaces"
        )));
    }
    Ok(())
}

/// What went wrong inside, logged; the caller learns only that it did.
fn internal(error: impl std::fmt::Display) -> Status {
    tracing::error!("{error}");
    Status::internal("the user service failed; see its log")
}

fn redis_failed(error: redis::RedisError) -> Status {
    tracing::error!("Redis: {error}");
    Status::unavailable("the user service cannot reach its store")
}

#[tonic::async_trait]
impl proto::session::users_server::Users for Users {
    // ANCHOR: register
    async fn register(
        &self,
        request: Request<RegisterRequest>,
    ) -> Result<Response<RegisterReply>, Status> {
        authorize(&request, "Register")?;
        let RegisterRequest { name, password } = request.into_inner();
        check_name(&name)?;
        if !password::LENGTH.contains(&password.len()) {
            return Err(Status::invalid_argument(format!(
                "a password is {} to {} bytes",
                password::LENGTH.start(),
                password::LENGTH.end()
            )));
        }
        let hash = self
            .hashing(&name, move || password::hash(&password))
            .await?;
        // NX: a name is taken once; a second registration never replaces the first's hash.
        let options = SetOptions::default().conditional_set(ExistenceCheck::NX);
        let stored: Option<String> = self
            .redis
            .clone()
            .set_options(user_key(&name), hash, options)
            .await
            .map_err(redis_failed)?;
        if stored.is_none() {
            return Err(Status::already_exists(format!("{name:?} is taken")));
        }
        tracing::info!("registered {name:?}");
        Ok(Response::new(RegisterReply {}))
    }
    // ANCHOR_END: register

    // ANCHOR: login
    async fn login(&self, request: Request<LoginRequest>) -> Result<Response<LoginReply>, Status> {
        authorize(&request, "Login")?;
        let LoginRequest {
            name,
            password,
            client_addr,
            captcha,
        } = request.into_inner();
        check_name(&name)?;
        // Longer than any registration takes: refused before any hashing, and not counted.
        if password.len() > *password::LENGTH.end() {
            return Err(Status::invalid_argument(format!(
                "a password is {} bytes at most",
                password::LENGTH.end()
            )));
        }
        let mut redis = self.redis.clone();
        // Counted as a wrong password until the check says otherwise; taken back if this
        // call ends first (`limit::Attempt`).
        let verdict = limit::admit(&redis, self.limits, &name, &client_addr, captcha)
            .await
            .map_err(redis_failed)?;
        let attempt = match verdict {
            Verdict::Admitted(attempt) => attempt,
            Verdict::NeedsCaptcha => {
                self.refusals.refused(
                    client_addr.clone(),
                    format_args!("login for {name:?} from {client_addr} needs a captcha"),
                );
                return Err(Status::failed_precondition(
                    "this name has had wrong passwords lately: a login needs a captcha",
                ));
            }
            Verdict::Refused(wait) => {
                self.refusals.refused(
                    client_addr.clone(),
                    format_args!(
                        "login for {name:?} from {client_addr} refused: too many wrong passwords"
                    ),
                );
                return Err(Status::resource_exhausted(format!(
                    "too many wrong passwords; try again in {} s",
                    wait.as_secs().max(1)
                )));
            }
        };
        let stored: Option<String> = redis.get(user_key(&name)).await.map_err(redis_failed)?;
        // A name nobody has is checked against a hash all the same: the answer takes as
        // long, and says nothing about which names exist.
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| password::NOBODY.clone());
        let right = self
            .hashing(&name, move || {
                exercises::password::verify(&stored, &password)
            })
            .await?;
        if !(right && known) {
            attempt.wrong();
            self.refusals.refused(
                client_addr.clone(),
                format_args!("wrong name or password for {name:?} from {client_addr}"),
            );
            return Err(Status::unauthenticated("wrong name or password"));
        }
        attempt.right().await.map_err(redis_failed)?;
        let id = exercises::session::create(&mut redis, &name, self.session_ttl)
            .await
            .map_err(internal)?;
        tracing::info!("{name:?} logged in from {client_addr}");
        Ok(Response::new(LoginReply {
            session_id: id,
            ttl_seconds: self.session_ttl.as_secs(),
        }))
    }
    // ANCHOR_END: login

    async fn session(
        &self,
        request: Request<SessionRequest>,
    ) -> Result<Response<SessionReply>, Status> {
        authorize(&request, "Session")?;
        let id = request.into_inner().session_id;
        let name = exercises::session::lookup(&mut self.redis.clone(), &id)
            .await
            .map_err(internal)?;
        match name {
            Some(name) => Ok(Response::new(SessionReply { name })),
            None => Err(Status::unauthenticated("no such session")),
        }
    }

    async fn logout(
        &self,
        request: Request<LogoutRequest>,
    ) -> Result<Response<LogoutReply>, Status> {
        authorize(&request, "Logout")?;
        let id = request.into_inner().session_id;
        if let Some(name) = sessions::end(&mut self.redis.clone(), &id)
            .await
            .map_err(internal)?
        {
            tracing::info!("{name:?} logged out");
        }
        Ok(Response::new(LogoutReply {}))
    }
}
