//! What a command line of a transcript does: a job it kills, variables it exports, the
//! tools it needs, a Redis it starts, a file it reads, and the lesson runs in it.

/// `kill [-SIGNAL] %N`: a signal for the chapter's Nth background server, numbered as
/// bash numbers its jobs. Returns the signal's name (`INT`, `TERM`, `KILL`) and N.
pub(in super::super) fn kill_job(command: &str) -> Option<(String, usize)> {
    let words: Vec<&str> = command.split_ascii_whitespace().collect();
    let (signal, job) = match words.as_slice() {
        ["kill", job] => ("TERM", *job),
        ["kill", signal, job] => (signal.strip_prefix('-')?, *job),
        _ => return None,
    };
    let signal = match signal.trim_start_matches("SIG") {
        "2" | "INT" => "INT",
        "9" | "KILL" => "KILL",
        "15" | "TERM" => "TERM",
        _ => return None,
    };
    let job = job.strip_prefix('%')?.parse().ok()?;
    Some((signal.to_string(), job))
}

/// `export NAME=VALUE …`: the variables it sets, for the chapter's later commands.
pub(in super::super) fn exports(command: &str) -> Option<Vec<(String, String)>> {
    let mut words = command.split_ascii_whitespace();
    if words.next()? != "export" {
        return None;
    }
    words
        .map(|word| {
            let (name, value) = word.split_once('=')?;
            let plain = |c: char| c.is_ascii_alphanumeric() || "._-/:,".contains(c);
            (name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && value.chars().all(plain))
            .then(|| (name.to_string(), value.to_string()))
        })
        .collect()
}

/// The programs besides the lessons that the check runs: questions to the servers a
/// chapter runs (where a chapter shows curl, its HTTP API is the point).
pub(in super::super) const TOOLS: [&str; 4] = ["curl", "jq", "etcdctl", "redis-cli"];

/// The tools a command line runs, when it runs only those (in a pipeline, each part); an
/// empty list when it runs anything else. curl's verbose trace (`-v`) differs with its
/// version, and is not run.
pub(in super::super) fn tools(command: &str) -> Vec<&'static str> {
    let mut used = Vec::new();
    if command.contains("$(") || command.contains('`') {
        return used;
    }
    for part in pipeline(command) {
        let words: Vec<&str> = part.split_ascii_whitespace().collect();
        let Some(tool) = words
            .first()
            .and_then(|first| TOOLS.iter().find(|t| *t == first))
        else {
            return Vec::new();
        };
        let verbose = words
            .iter()
            .any(|word| word.starts_with('-') && !word.starts_with("--") && word.contains('v'));
        if *tool == "curl" && verbose {
            return Vec::new();
        }
        used.push(*tool);
    }
    used
}

/// `redis-server --port N … &`: the port of a Redis the chapter starts in the background.
pub(in super::super) fn starts_redis(command: &str) -> Option<u16> {
    let words: Vec<&str> = command.split_ascii_whitespace().collect();
    if words.first() != Some(&"redis-server") || words.last() != Some(&"&") {
        return None;
    }
    let at = words.iter().position(|word| *word == "--port")?;
    words.get(at + 1)?.parse().ok()
}

/// The parts of a pipeline: `|` outside quotes (a jq program has its own pipes).
fn pipeline(command: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut quote) = (0, None);
    for (at, c) in command.char_indices() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(open), _) if c == open => quote = None,
            (None, '|') => {
                parts.push(&command[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(&command[start..]);
    parts
}

/// `cat FILE` or `tail [-n N] FILE`: a log a server of the chapter wrote.
pub(in super::super) fn reads_a_file(command: &str) -> bool {
    let words: Vec<&str> = command.split_ascii_whitespace().collect();
    let plain = |word: &str| {
        word.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-/".contains(c))
    };
    match words.as_slice() {
        ["cat", file] => plain(file),
        ["tail", "-n", count, file] => count.parse::<usize>().is_ok() && plain(file),
        _ => false,
    }
}

/// What a registry holds, read: `etcdctl … get …` alone on its line, a `curl` of a Consul
/// agent's health or catalog (`/v1/health/…`, `/v1/catalog/…`), perhaps into `jq`, or a
/// lesson's program asked the same ([`PROGRAMS_THAT_READ`]). A server of the chapter listens
/// before it has registered (it binds its address first, to have one to register), and its
/// check passes a moment after that, at the agent's first check: a reader's next command can
/// come before the server's keys are written, or its check has passed. A blocking query
/// (`index=`) is no such read: it waits by itself.
pub(in super::super) fn reads_the_registry(command: &str) -> bool {
    let words: Vec<&str> = command.split_ascii_whitespace().collect();
    let etcd = words.first() == Some(&"etcdctl")
        && words.contains(&"get")
        && !command.contains(['|', ';', '&', '>', '<', '$']);
    etcd || reads_consul(command) || a_program_reads_consul(&words, command)
}

/// The lessons' subcommands that only read what the agent holds: lesson 06's `find` (the
/// passing instances) and `catalog` (every instance with its checks).
const PROGRAMS_THAT_READ: [(&str, &[&str]); 1] = [("l06-register", &["find", "catalog"])];

/// `cargo run -p PACKAGE -- SUBCOMMAND …` of [`PROGRAMS_THAT_READ`], alone on its line (a
/// variable set before it, as `CONSUL_HTTP_ADDR=…`, is no other command).
fn a_program_reads_consul(words: &[&str], command: &str) -> bool {
    if command.contains(['|', ';', '&', '>', '<', '$']) {
        return false;
    }
    let set = words.iter().take_while(|word| word.contains('=')).count();
    PROGRAMS_THAT_READ.iter().any(|(package, reads)| {
        program_args(&words[set..], package)
            .and_then(|args| args.first())
            .is_some_and(|subcommand| reads.contains(subcommand))
    })
}

/// The arguments after `--` of a run of `package`'s program (`cargo run [--release] -p
/// PACKAGE -- ARGS`), or `None` for any other command.
pub(in super::super) fn program_args<'w, 'a>(
    words: &'w [&'a str],
    package: &str,
) -> Option<&'w [&'a str]> {
    let runs = words.starts_with(&["cargo", "run"])
        && words.windows(2).any(|pair| pair == ["-p", package]);
    let at = words.iter().position(|word| *word == "--")?;
    runs.then(|| &words[at + 1..])
}

/// `curl -s URL` of the agent's health or catalog, a GET, piped into nothing but `jq`.
fn reads_consul(command: &str) -> bool {
    let stages = pipeline(command);
    let Some((curl, rest)) = stages.split_first() else {
        return false;
    };
    let words: Vec<&str> = curl.split_ascii_whitespace().collect();
    let sends = |word: &&str| {
        matches!(*word, "-X" | "--request" | "-d" | "-T" | "-F") || word.starts_with("--data")
    };
    let reads = ["/v1/health/", "/v1/catalog/"];
    words.first() == Some(&"curl")
        && !words.iter().any(sends)
        && words
            .iter()
            .any(|word| reads.iter().any(|path| word.contains(path)))
        && !curl.contains(['&', ';', '>', '<', '$'])
        && !curl.contains("index=")
        && rest
            .iter()
            .all(|stage| stage.trim_start().starts_with("jq "))
}

/// `cargo run -p PACKAGE [-- SUBCOMMAND …]` of a lesson, found in a command line.
#[derive(Debug, PartialEq, Eq)]
pub(in super::super) struct LessonRun {
    /// Where `cargo run -p PACKAGE [--]` stands in the line.
    pub(in super::super) start: usize,
    pub(in super::super) end: usize,
    pub(in super::super) package: String,
    /// The first argument after `--` when it is a word (`server`, `client`, …), and where
    /// it ends in the line.
    pub(in super::super) subcommand: Option<(String, usize)>,
    /// `--broker nats` among the global options: lesson 12's subscriber then listens on no
    /// port of its own (NATS delivers to it over its connection), so it is no server here.
    pub(in super::super) on_nats: bool,
}

impl LessonRun {
    pub(in super::super) fn is_server(&self) -> bool {
        self.subcommand.as_ref().is_some_and(|(name, _)| {
            // `api`: lesson 11's gateway, as go-micro's `micro api`; `subscribe`: lesson 12's
            // subscriber, which serves the HTTP broker's POSTs until Ctrl-C.
            name == "server"
                || name == "api"
                || (name == "subscribe" && !self.on_nats)
                || name.ends_with("-server")
                || (self.package == super::super::AGENT_PACKAGE && name == "agent")
        })
    }
}

/// Every `cargo` in a command line: a lesson run, or `None` for any other cargo command.
pub(in super::super) fn cargo_commands(
    command: &str,
    packages: &[String],
) -> Vec<Option<LessonRun>> {
    let words: Vec<(usize, &str)> = command
        .split_ascii_whitespace()
        .map(|word| (word.as_ptr() as usize - command.as_ptr() as usize, word))
        .collect();
    let word = |index: usize| words.get(index).map_or("", |(_, word)| *word);
    let end_of = |index: usize| words[index].0 + words[index].1.len();
    let mut found = Vec::new();
    for (index, &(start, _)) in words.iter().enumerate() {
        if word(index) != "cargo" {
            continue;
        }
        // `--features solution` (the reference answers, which verify's binaries are built
        // with) may stand before or after `-p PACKAGE`.
        let features_at = |at: usize| word(at) == "--features" && word(at + 1) == "solution";
        let mut at = index + 2; // after `cargo run`
        // `--release` (chapter 14's programs, as a deployment builds them) runs the same.
        if word(at) == "--release" {
            at += 1;
        }
        if features_at(at) {
            at += 2;
        }
        let package = word(at + 1);
        if word(index + 1) != "run" || word(at) != "-p" || !packages.iter().any(|p| p == package) {
            found.push(None);
            continue;
        }
        // The last word of `cargo run … -p PACKAGE [--features solution]`.
        let mut last = at + 1;
        if features_at(last + 1) {
            last += 2;
        }
        let mut on_nats = false;
        let (end, subcommand) = if word(last + 1) == "--" {
            // Global options may come first: `-- --registry etcd captcha-server`.
            let mut at = last + 2;
            while word(at).starts_with("--") {
                on_nats |= word(at) == "--broker=nats"
                    || (word(at) == "--broker" && word(at + 1) == "nats");
                at += if word(at).contains('=') { 1 } else { 2 };
            }
            let name = word(at);
            let is_word = name.starts_with(|c: char| c.is_ascii_alphabetic());
            (
                end_of(last + 1),
                (is_word && at < words.len()).then(|| (name.to_string(), end_of(at))),
            )
        } else {
            (end_of(last), None)
        };
        found.push(Some(LessonRun {
            start,
            end,
            package: package.to_string(),
            subcommand,
            on_nats,
        }));
    }
    found
}
