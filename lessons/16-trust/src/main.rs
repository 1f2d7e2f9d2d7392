//! `cargo run -p l16-trust -- ca | issue | user-server | gateway-server | call`: the
//! lesson's one binary.

use std::time::Duration;

use anyhow::Context as _;
use clap::Parser as _;
use l16_trust::ca::{self, Identity, Subject, Validity};
use l16_trust::limit::Limits;
use l16_trust::server::Options;
use proto::captcha::captcha_client::CaptchaClient;
use proto::session::users_client::UsersClient;
use proto::session::{LoginRequest, LogoutRequest, RegisterRequest, SessionRequest};

use command::{Cli, Command, Method};

mod command;

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
            handshakes,
            captcha_after,
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
                captcha_after,
                per_name: failures_per_name,
                ..Limits::default()
            };
            let options = Options {
                session_ttl,
                handshake_deadline,
                handshakes,
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
            user_deadline,
            captcha_deadline,
        } => {
            let stop = shared::signal::shutdown();
            let identity = Identity::load(&certs, &name)?;
            let channel = l16_trust::tls::channel(
                user,
                &identity.ca_pem,
                Some(&identity),
                "user",
                user_deadline,
            )?;
            let captcha = match captcha {
                Some(addr) => {
                    let endpoint =
                        tonic::transport::Endpoint::from_shared(format!("http://{addr}"))?;
                    Some(l16_trust::gateway::Captchas {
                        client: CaptchaClient::new(endpoint.connect_lazy()),
                        deadline: captcha_deadline,
                    })
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
                tracing::warn!(
                    "registrations check no captcha, and a name that needs one cannot log in \
                     (no --captcha)"
                );
            }
            let router = l16_trust::gateway::router(app);
            let grace = Duration::from_secs(5);
            if tls {
                let config = l16_trust::gateway::https_config(&identity)?;
                let deadline = l16_trust::tls::HANDSHAKE_DEADLINE;
                let door = l16_trust::gateway::https_door(deadline);
                let incoming = l16_trust::tls::counted(listener, config.into(), door);
                l16_trust::gateway::serve_https(incoming, router, grace, stop).await;
            } else {
                l16_trust::gateway::serve_http(listener, router, grace, stop).await;
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
                let deadline = l16_trust::tls::CALL_DEADLINE;
                l16_trust::tls::channel(addr, &ca_pem, identity.as_ref(), &server, deadline)?
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
                captcha: false,
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
