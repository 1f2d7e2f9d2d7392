//! `cargo run -p l16-trust -- ca | issue | user-server | gateway-server | call`: the
//! lesson's one binary.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use l16_trust::ca::{self, Identity, Subject, Validity};
use l16_trust::limit::Limits;
use l16_trust::server::Options;
use l16_trust::{
    DEFAULT_ADDR, DEFAULT_CERTS, DEFAULT_HTTP_ADDR, DEFAULT_REDIS_URL, parse_duration,
};
use proto::captcha::captcha_client::CaptchaClient;
use proto::session::users_client::UsersClient;
use proto::session::{LoginRequest, LogoutRequest, RegisterRequest, SessionRequest};

/// Lesson 16: trust. A course CA, a user service that speaks mutual TLS and answers only
/// the callers its policy names, and a gateway whose sessions are real.
#[derive(Parser)]
#[command(name = "l16-trust")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Make the course's CA: ca.pem and ca.key in the certificates' folder.
    Ca {
        #[arg(long, default_value = DEFAULT_CERTS)]
        certs: PathBuf,
    },
    /// Issue a service its key and certificate (NAME.pem, NAME.key), signed by the CA and
    /// naming it spiffe://course/NAME.
    Issue {
        name: String,
        #[arg(long, default_value = DEFAULT_CERTS)]
        certs: PathBuf,
        /// How many days the certificate is valid.
        #[arg(long, default_value_t = 90)]
        days: u64,
    },
    /// Serve session.Users over mutual TLS, users and sessions in Redis (REDIS_URL); on
    /// Ctrl-C or SIGTERM finish the calls in flight and exit.
    UserServer {
        #[arg(long, default_value_t = shared::ports::default_addr(DEFAULT_ADDR))]
        addr: String,
        #[arg(long, default_value = DEFAULT_CERTS)]
        certs: PathBuf,
        /// Whose certificate the server presents.
        #[arg(long = "as", default_value = "user")]
        name: String,
        #[arg(long, env = "REDIS_URL", default_value = DEFAULT_REDIS_URL)]
        redis_url: String,
        /// How long a session lasts.
        #[arg(long, default_value = "30m", value_parser = parse_duration)]
        session_ttl: Duration,
        /// How long a caller has to finish its TLS handshake.
        #[arg(long, default_value = "5s", value_parser = parse_duration)]
        handshake_deadline: Duration,
        /// How many wrong passwords a name may have in a window.
        #[arg(long, default_value_t = Limits::default().per_name)]
        failures_per_name: u64,
        /// How long calls in flight may take to finish once the server stops.
        #[arg(long, default_value = "5s", value_parser = parse_duration)]
        grace: Duration,
    },
    /// Serve the session's HTTP API, calling the user service over mutual TLS.
    GatewayServer {
        #[arg(long, default_value_t = shared::ports::default_addr(DEFAULT_HTTP_ADDR))]
        addr: String,
        /// Where the user service is (127.0.0.1:7016 when left out).
        #[arg(long, default_value = DEFAULT_ADDR, hide_default_value = true)]
        user: SocketAddr,
        #[arg(long, default_value = DEFAULT_CERTS)]
        certs: PathBuf,
        /// Whose certificate the gateway presents to the user service (and to browsers,
        /// with --tls).
        #[arg(long = "as", default_value = "gateway")]
        name: String,
        /// Serve HTTPS with the gateway's certificate; the session cookie is then Secure.
        #[arg(long)]
        tls: bool,
        /// Where lesson 09's captcha service is, which every registration spends a captcha
        /// with (none when left out: registrations check no captcha).
        #[arg(long)]
        captcha: Option<SocketAddr>,
    },
    /// Call the user service once, as whoever the options say (to try it, or to attack it).
    Call {
        #[arg(long, default_value = DEFAULT_ADDR)]
        addr: SocketAddr,
        #[arg(long, default_value = DEFAULT_CERTS)]
        certs: PathBuf,
        /// Whose certificate to present (`none`: present none).
        #[arg(long = "as", default_value = "gateway")]
        name: String,
        /// The name the server's certificate must have.
        #[arg(long, default_value = "user")]
        server: String,
        /// Speak plaintext HTTP/2, no TLS at all.
        #[arg(long)]
        plaintext: bool,
        #[command(subcommand)]
        method: Method,
    },
}

#[derive(Subcommand)]
enum Method {
    /// Register NAME with PASSWORD.
    Register { name: String, password: String },
    /// Log in: prints the new session's id.
    Login { name: String, password: String },
    /// Whose session ID is.
    Session { id: String },
    /// End session ID.
    Logout { id: String },
}

#[tokio::main]
async fn main() -> Result<(), shared::program::Failure> {
    shared::end_when_output_closes();
    shared::program::say_unfinished_exercises(
        env!("CARGO_PKG_NAME"),
        include_str!("../lesson.toml"),
    );
    shared::init_logging();

    match Cli::parse().command {
        Command::Ca { certs } => {
            let path = ca::create(&certs)?;
            println!("the course's CA: {}", path.display());
        }
        Command::Issue { name, certs, days } => {
            ca::check_name(&name)?;
            let mut subject = Subject::service(&name);
            subject.validity = Validity::For(Duration::from_secs(days * 24 * 60 * 60));
            let path = ca::issue(&certs, &subject)?;
            println!("{}: {}", ca::spiffe_id(&name), path.display());
        }
        // ANCHOR: user_server
        Command::UserServer {
            addr,
            certs,
            name,
            redis_url,
            session_ttl,
            handshake_deadline,
            failures_per_name,
            grace,
        } => {
            // Ctrl-C or SIGTERM from now on takes the graceful path (see `shared::signal`).
            let stop = shared::signal::shutdown();
            let identity = Identity::load(&certs, &name)?;
            let listener = shared::listen::listen(&addr).await?;
            let addr = listener.local_addr()?;
            tracing::info!(
                "session.Users listening on {addr} (mutual TLS as {}), Redis at {redis_url}",
                ca::spiffe_id(&name)
            );
            let limits = Limits {
                per_name: failures_per_name,
                ..Limits::default()
            };
            let options = Options {
                session_ttl,
                handshake_deadline,
                grace,
                limits,
            };
            l16_trust::server::serve(listener, &identity, &redis_url, &options, stop).await?;
            tracing::info!("server stopped");
        }
        // ANCHOR_END: user_server
        Command::GatewayServer {
            addr,
            user,
            certs,
            name,
            tls,
            captcha,
        } => {
            let stop = shared::signal::shutdown();
            let identity = Identity::load(&certs, &name)?;
            let channel = l16_trust::tls::channel(user, &identity.ca_pem, Some(&identity), "user")?;
            let captcha = match captcha {
                Some(addr) => {
                    let endpoint =
                        tonic::transport::Endpoint::from_shared(format!("http://{addr}"))?;
                    Some(CaptchaClient::new(endpoint.connect_lazy()))
                }
                None => None,
            };
            let unchecked = captcha.is_none();
            let app = l16_trust::gateway::App {
                users: UsersClient::new(channel),
                captcha,
                secure: tls,
            };
            let listener = shared::listen::listen(&addr).await?;
            let addr = listener.local_addr()?;
            let scheme = if tls { "https" } else { "http" };
            tracing::info!(
                "gateway listening on {addr}: {scheme}://{addr}/api/v1.0/session (user service \
                 at {user}, called as {})",
                ca::spiffe_id(&name)
            );
            if unchecked {
                tracing::warn!("registrations check no captcha (no --captcha)");
            }
            let router = l16_trust::gateway::router(app);
            let grace = Duration::from_secs(5);
            if tls {
                let config = l16_trust::gateway::https_config(&identity)?;
                let deadline = l16_trust::tls::HANDSHAKE_DEADLINE;
                let incoming = l16_trust::tls::incoming(listener, config.into(), deadline);
                l16_trust::gateway::serve_https(incoming, router, grace, stop).await;
            } else {
                let server = axum::serve(
                    listener,
                    router.into_make_service_with_connect_info::<SocketAddr>(),
                );
                let (stopping, stopped) = tokio::sync::watch::channel(false);
                let server = std::future::IntoFuture::into_future(server.with_graceful_shutdown(
                    async move {
                        stop.await;
                        let _ = stopping.send(true);
                    },
                ));
                let mut stopped = stopped;
                let stopped = async move {
                    let _ = stopped.wait_for(|stopped| *stopped).await;
                };
                if let Some(served) = shared::signal::within_grace(grace, stopped, server).await {
                    served.context("the gateway failed")?;
                }
            }
            tracing::info!("server stopped");
        }
        Command::Call {
            addr,
            certs,
            name,
            server,
            plaintext,
            method,
        } => {
            let channel = if plaintext {
                l16_trust::tls::plaintext_channel(addr)?
            } else {
                let ca_pem = std::fs::read_to_string(certs.join("ca.pem"))
                    .with_context(|| format!("cannot read {}", certs.join("ca.pem").display()))?;
                let identity = match name.as_str() {
                    "none" => None,
                    name => Some(Identity::load(&certs, name)?),
                };
                l16_trust::tls::channel(addr, &ca_pem, identity.as_ref(), &server)?
            };
            // What this call did that a server may refuse, said beside a transport error.
            let showed = if plaintext {
                Some("this call spoke plaintext; the server may speak TLS only")
            } else if name == "none" {
                Some("this call showed no certificate; the server may require one")
            } else {
                None
            };
            if let Err(status) = call(UsersClient::new(channel), method).await {
                let transport = std::error::Error::source(&status).is_some();
                let said = l16_trust::tls::said(&status);
                return Err(match showed {
                    Some(showed) if transport => anyhow::anyhow!("{said} ({showed})").into(),
                    _ => said.into(),
                });
            }
        }
    }
    Ok(())
}

/// Makes one call and prints its answer.
async fn call(
    mut users: UsersClient<tonic::transport::Channel>,
    method: Method,
) -> Result<(), tonic::Status> {
    match method {
        Method::Register { name, password } => {
            users
                .register(RegisterRequest {
                    name: name.clone(),
                    password,
                })
                .await?;
            println!("registered {name}");
        }
        Method::Login { name, password } => {
            let request = LoginRequest {
                name,
                password,
                client_addr: "127.0.0.1".into(),
            };
            let reply = users.login(request).await?.into_inner();
            println!("session {} for {} s", reply.session_id, reply.ttl_seconds);
        }
        Method::Session { id } => {
            let reply = users.session(SessionRequest { session_id: id }).await?;
            println!("{}", reply.into_inner().name);
        }
        Method::Logout { id } => {
            users.logout(LogoutRequest { session_id: id }).await?;
            println!("logged out");
        }
    }
    Ok(())
}
