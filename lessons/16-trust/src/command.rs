//! The lesson's command line: what each subcommand takes, and what it does when an option
//! is left out.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};
use l16_trust::limit::Limits;
use l16_trust::{
    DEFAULT_ADDR, DEFAULT_CERTS, DEFAULT_HTTP_ADDR, DEFAULT_REDIS_URL, parse_duration,
};

/// Lesson 16: trust. A course CA, a user service that speaks mutual TLS and answers only
/// the callers its policy names, and a gateway whose sessions are real.
#[derive(Parser)]
#[command(name = "l16-trust")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
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
        /// How many TLS handshakes may be under way at once, a quarter of them from one
        /// address (1024 when left out, fewer if the process may open fewer files).
        #[arg(long)]
        handshakes: Option<usize>,
        /// After how many wrong passwords for a name, from anywhere, its logins need a
        /// captcha.
        #[arg(long, default_value_t = Limits::default().captcha_after)]
        captcha_after: u64,
        /// How many wrong passwords a name may have from one address in a window.
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
        /// with, and every login that needs one (none when left out: registrations check
        /// no captcha, and a name that needs one cannot log in here).
        #[arg(long)]
        captcha: Option<SocketAddr>,
        /// How long the user service has to answer a call, before the browser is told it
        /// cannot answer now.
        #[arg(long, default_value = "10s", value_parser = parse_duration)]
        user_deadline: Duration,
        /// How long the captcha service has to answer, before the browser is told it
        /// cannot answer now.
        #[arg(long, default_value = "2s", value_parser = parse_duration)]
        captcha_deadline: Duration,
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
pub enum Method {
    /// Register NAME with PASSWORD.
    Register { name: String, password: String },
    /// Log in: prints the new session's id.
    Login { name: String, password: String },
    /// Whose session ID is.
    Session { id: String },
    /// End session ID.
    Logout { id: String },
}
