//! The lesson's subcommands and their flags, as clap reads them: what `l11-micro --help`
//! lists. `main.rs` runs each one.

use std::path::PathBuf;
use std::time::Duration;

use clap::Subcommand;
use l11_micro::scaffold::Kind;
use micro::{DEFAULT_ADDR, DEFAULT_SERVICE};

#[derive(Subcommand)]
pub enum Command {
    /// Serve hello.Greeter, registered, until Ctrl-C or SIGTERM.
    Server {
        #[arg(long, default_value_t = shared::ports::default_addr(DEFAULT_ADDR))]
        addr: String,
        /// The service's name.
        #[arg(long, default_value = DEFAULT_SERVICE)]
        name: String,
        /// The version this build runs.
        #[arg(long, default_value = "1.0.0")]
        version: String,
    },
    /// Serve lesson 09's captcha.Captcha on the framework, its codes in Redis.
    CaptchaServer {
        #[arg(long, default_value_t = shared::ports::default_addr("127.0.0.1:7012"))]
        addr: String,
        #[arg(long, default_value = "captcha")]
        name: String,
        /// Where Redis is.
        #[arg(long, env = "REDIS_URL", default_value = "redis://127.0.0.1:6379")]
        redis_url: String,
    },
    /// Serve the seed's user service (Say.Hello), registered, until Ctrl-C or SIGTERM.
    UserServer {
        #[arg(long, default_value_t = shared::ports::default_addr("127.0.0.1:7021"))]
        addr: String,
        #[arg(long, default_value = "user")]
        name: String,
    },
    /// The seed's web service: a page, and /example/call, which calls SERVICE's Say.Hello
    /// by name; registered like any other service.
    WebServer {
        #[arg(long, default_value_t = shared::ports::default_addr("127.0.0.1:7031"))]
        addr: String,
        #[arg(long, default_value = "web")]
        name: String,
        /// The service /example/call calls.
        #[arg(long, default_value = "user")]
        service: String,
    },
    /// `micro api`: an HTTP gateway to every service of the registry, by name.
    Api {
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        /// Put before every service's name, with a dot (go-micro's --namespace).
        #[arg(long, default_value = "")]
        namespace: String,
        /// How long one request may take, the service's answer included.
        #[arg(long, default_value = "5s", value_parser = shared::consul::parse_duration)]
        deadline: Duration,
        /// How long one try of an idempotent method may go unanswered before the next
        /// node is tried.
        #[arg(long, default_value = "500ms", value_parser = shared::consul::parse_duration)]
        per_try: Duration,
        /// When to send a second try of an idempotent method: off, p95 (the method's
        /// 95th percentile, at least 10ms), or a duration.
        #[arg(long, default_value = "off", value_parser = micro::client::hedge::parse_hedging)]
        hedge: micro::client::hedge::Hedging,
        /// A method (Handler.Method) to treat as idempotent whatever its service says;
        /// may be given more than once.
        #[arg(long)]
        idempotent: Vec<String>,
    },
    /// `micro new`: write a new service's crate into DIR.
    New {
        /// The folder to write it in: a new one, or an empty one.
        dir: PathBuf,
        /// What kind of service.
        #[arg(long = "type", value_enum, default_value = "srv")]
        kind: Kind,
        /// The first words of its name in the registry: NAMESPACE.TYPE.ALIAS.
        #[arg(long, default_value = "go.micro")]
        namespace: String,
        /// The last word of its name (DIR's own name unless given).
        #[arg(long)]
        alias: Option<String>,
    },
    /// Write the crate that the runner builds ahead in the course's target folder, in
    /// release mode, for `new` to give its build to the crate it writes: chapter 14's
    /// `ahead`.
    Prebuild,
    /// Call the service by name, `--calls` times.
    Client {
        #[arg(long, default_value = DEFAULT_SERVICE)]
        service: String,
        #[arg(long, default_value_t = 6)]
        calls: usize,
        /// Milliseconds between two calls.
        #[arg(long, default_value_t = 0)]
        every: u64,
        /// round-robin or random.
        #[arg(long, default_value = "round-robin")]
        selector: String,
        /// Print only a summary (calls, failures, calls/s) at the end.
        #[arg(long)]
        quiet: bool,
        /// The name to greet.
        #[arg(default_value = "world")]
        name: String,
    },
}
