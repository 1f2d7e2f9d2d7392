//! The bench's options, and the share of the learners a client process it starts sends for.

use std::time::Duration;

#[derive(Clone)]
pub struct Options {
    pub learners: usize,
    pub seconds: u64,
    pub every: Duration,
    pub pages: usize,
    /// How many client processes share the learners.
    pub clients: usize,
    /// A script in the room meanwhile (`--flood`, flood.rs).
    pub flood: bool,
    /// This process is client `k` of `n` of a server at `addr` with `code`, on these
    /// exercises: it sends for its share of the learners and prints what it measured.
    pub share: Option<Share>,
}

#[derive(Clone)]
pub struct Share {
    pub k: usize,
    pub n: usize,
    pub addr: String,
    pub code: String,
    pub exercises: Vec<String>,
}

/// The options this process was started with (`--learners 300 --seconds 120 --flood`).
pub fn options() -> Options {
    let mut options = Options {
        learners: 300,
        seconds: 300,
        every: Duration::from_secs(2),
        pages: 5,
        clients: 2,
        flood: false,
        share: None,
    };
    let args: Vec<String> = std::env::args().collect();
    options.flood = args.iter().any(|arg| arg == "--flood");
    let (mut k, mut addr, mut code, mut exercises) = (None, None, None, Vec::new());
    for pair in args.windows(2) {
        match pair[0].as_str() {
            "--learners" => options.learners = pair[1].parse().expect("--learners N"),
            "--seconds" => options.seconds = pair[1].parse().expect("--seconds N"),
            "--pages" => options.pages = pair[1].parse().expect("--pages N"),
            "--clients" => options.clients = pair[1].parse().expect("--clients N"),
            "--share" => k = Some(pair[1].parse().expect("--share K")),
            "--addr" => addr = Some(pair[1].clone()),
            "--code" => code = Some(pair[1].clone()),
            "--exercises" => exercises = pair[1].split(',').map(str::to_string).collect(),
            _ => {}
        }
    }
    options.clients = options.clients.max(1);
    if let (Some(k), Some(addr), Some(code)) = (k, addr, code) {
        options.share = Some(Share {
            k,
            n: options.clients,
            addr,
            code,
            exercises,
        });
    }
    options
}
