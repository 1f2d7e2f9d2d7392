//! Reading a chapter: its ```console blocks, the steps in them, the lesson runs in a
//! command line, and the loopback options in a lesson binary's `--help`.

use super::{ABRIDGED, LOOPBACK};

/// One ```console block of a chapter.
#[derive(Debug, Default)]
pub(super) struct Block {
    /// Its lead-in paragraph says "abridged".
    pub(super) abridged: bool,
    pub(super) steps: Vec<Step>,
}

/// A line of a block that does something, in the order the reader meets them.
#[derive(Debug, PartialEq)]
pub(super) enum Step {
    /// `$ text` (line numbers from 1), and the lines shown under it.
    Command {
        line: usize,
        text: String,
        output: Vec<String>,
    },
    /// A line starting with `^C`: Ctrl-C in the server's terminal. The rest of the line
    /// and the lines after it, up to the next command, are what the server logs then.
    CtrlC { line: usize, log: Vec<String> },
    /// Lines before any command: a log.
    Log { line: usize },
}

/// What the check does with a block.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// Its commands run and their output is compared.
    Compared,
    /// Marked abridged: its servers start and its `^C` stops them; nothing is compared.
    Abridged,
    /// Commands to type, no output shown: its servers start, nothing else runs.
    CommandsOnly,
    /// It runs something other than lessons: not run at all.
    NotLesson,
}

/// The ```console blocks of a chapter.
pub(super) fn console_blocks(markdown: &str) -> Vec<Block> {
    let lines: Vec<&str> = markdown.lines().collect();
    let is_fence = |line: &str| line.trim_start().starts_with("```");
    let mut blocks = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        if !is_fence(lines[index]) {
            index += 1;
            continue;
        }
        let fence = index;
        let is_console = lines[fence].trim().trim_start_matches('`') == "console";
        index += 1;
        while index < lines.len() && !is_fence(lines[index]) {
            index += 1;
        }
        if is_console {
            // The paragraph above the block, which introduces it.
            let lead_in = lines[..fence]
                .iter()
                .rev()
                .skip_while(|line| line.trim().is_empty())
                .take_while(|line| !line.trim().is_empty() && !is_fence(line));
            let mut block = Block {
                abridged: lead_in.into_iter().any(|line| line.contains(ABRIDGED)),
                steps: Vec::new(),
            };
            // A block in a list item is indented as deep as its fence.
            let indent = lines[fence].len() - lines[fence].trim_start().len();
            for (offset, text) in lines[fence + 1..index].iter().enumerate() {
                let unindented = text
                    .get(indent..)
                    .filter(|_| text[..indent].trim().is_empty());
                // `fence` counts from 0; line numbers count from 1.
                block.read_line(fence + 2 + offset, unindented.unwrap_or(text.trim_start()));
            }
            blocks.push(block);
        }
        index += 1;
    }
    blocks
}

impl Block {
    pub(super) fn read_line(&mut self, line: usize, text: &str) {
        // The lines of a here-document (`cat > file <<'EOF'` … `EOF`) are the command's.
        if let Some(Step::Command {
            text: command,
            output,
            ..
        }) = self.steps.last_mut()
            && output.is_empty()
            && let Some(end) = open_heredoc(command)
        {
            command.push('\n');
            command.push_str(text);
            if text.trim() == end {
                // Closed: a marker that the here-document is complete.
                command.push('\n');
            }
            return;
        }
        if let Some(command) = text.strip_prefix("$ ") {
            self.steps.push(Step::Command {
                line,
                text: command.trim().to_string(),
                output: Vec::new(),
            });
        } else if let Some(rest) = text.strip_prefix("^C") {
            let log = Vec::from_iter((!rest.trim().is_empty()).then(|| rest.to_string()));
            self.steps.push(Step::CtrlC { line, log });
        } else {
            match self.steps.last_mut() {
                Some(Step::Command { output, .. }) => output.push(text.to_string()),
                Some(Step::CtrlC { log, .. }) => log.push(text.to_string()),
                Some(Step::Log { .. }) => {} // more of a log
                None => self.steps.push(Step::Log { line }),
            }
        }
    }

    pub(super) fn commands(&self) -> impl Iterator<Item = &str> {
        self.steps.iter().filter_map(|step| match step {
            Step::Command { text, .. } => Some(text.as_str()),
            _ => None,
        })
    }

    pub(super) fn kind(&self, packages: &[String]) -> Kind {
        let runs: Vec<Option<LessonRun>> = self
            .commands()
            .flat_map(|command| cargo_commands(command, packages))
            .collect();
        let has_commands = self.commands().next().is_some();
        // Commands that only stop a server, read a log the chapter's servers wrote or ask
        // them with curl, jq, etcdctl or redis-cli need no lesson run of their own.
        let only_shell = self.commands().all(|command| {
            kill_job(command).is_some()
                || reads_a_file(command)
                || exports(command).is_some()
                || !tools(command).is_empty()
                || starts_redis(command).is_some()
        });
        if has_commands && (runs.is_empty() && !only_shell || runs.iter().any(Option::is_none)) {
            return Kind::NotLesson;
        }
        if self.abridged {
            return Kind::Abridged;
        }
        let shows_output = self.steps.iter().any(|step| match step {
            Step::Command { output, .. } => output.iter().any(|line| !line.trim().is_empty()),
            _ => true,
        });
        if shows_output {
            Kind::Compared
        } else {
            Kind::CommandsOnly
        }
    }
}

/// The end marker of a here-document the command opens and has not closed yet.
fn open_heredoc(command: &str) -> Option<String> {
    if command.ends_with('\n') {
        return None;
    }
    let first = command.lines().next()?;
    let (_, marker) = first.rsplit_once("<<")?;
    let marker = marker.trim().trim_matches(['\'', '"']).to_string();
    (!marker.is_empty()
        && marker
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_'))
    .then_some(marker)
}

/// `kill [-SIGNAL] %N`: a signal for the chapter's Nth background server, numbered as
/// bash numbers its jobs. Returns the signal's name (`INT`, `TERM`, `KILL`) and N.
pub(super) fn kill_job(command: &str) -> Option<(String, usize)> {
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
pub(super) fn exports(command: &str) -> Option<Vec<(String, String)>> {
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
pub(super) const TOOLS: [&str; 4] = ["curl", "jq", "etcdctl", "redis-cli"];

/// The tools a command line runs, when it runs only those (in a pipeline, each part); an
/// empty list when it runs anything else. curl's verbose trace (`-v`) differs with its
/// version, and is not run.
pub(super) fn tools(command: &str) -> Vec<&'static str> {
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
pub(super) fn starts_redis(command: &str) -> Option<u16> {
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
pub(super) fn reads_a_file(command: &str) -> bool {
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

/// `cargo run -p PACKAGE [-- SUBCOMMAND …]` of a lesson, found in a command line.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct LessonRun {
    /// Where `cargo run -p PACKAGE [--]` stands in the line.
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) package: String,
    /// The first argument after `--` when it is a word (`server`, `client`, …), and where
    /// it ends in the line.
    pub(super) subcommand: Option<(String, usize)>,
}

impl LessonRun {
    pub(super) fn is_server(&self) -> bool {
        self.subcommand.as_ref().is_some_and(|(name, _)| {
            // `api`: lesson 11's gateway, as go-micro's `micro api`; `subscribe`: lesson 12's
            // subscriber, which serves the HTTP broker's POSTs until Ctrl-C.
            name == "server"
                || name == "api"
                || name == "subscribe"
                || name.ends_with("-server")
                || (self.package == super::AGENT_PACKAGE && name == "agent")
        })
    }
}

/// Every `cargo` in a command line: a lesson run, or `None` for any other cargo command.
pub(super) fn cargo_commands(command: &str, packages: &[String]) -> Vec<Option<LessonRun>> {
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
        let (end, subcommand) = if word(last + 1) == "--" {
            // Global options may come first: `-- --registry etcd captcha-server`.
            let mut at = last + 2;
            while word(at).starts_with("--") {
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
        }));
    }
    found
}

/// The options in a `--help` whose default is a loopback address, with its port:
/// `("--addr", 7003)`. clap prints the default after the option's help, on its line or a
/// later one.
pub(super) fn loopback_defaults(help: &str) -> Vec<(String, u16)> {
    const DEFAULT: &str = "[default: 127.0.0.1:";
    let mut found = Vec::new();
    let mut option = None;
    for line in help.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('-') {
            option = trimmed
                .split([' ', ','])
                .find(|word| word.starts_with("--"))
                .map(String::from);
        }
        if let (Some(option), Some(at)) = (&option, line.find(DEFAULT)) {
            let digits: String = line[at + DEFAULT.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if let Ok(port) = digits.parse() {
                found.push((option.clone(), port));
            }
        }
    }
    found
}

/// Rewrites the port of every `127.0.0.1:PORT` in `text` through `map`.
pub(super) fn map_ports(text: &str, map: impl FnMut(u16) -> u16) -> String {
    // `localhost:` is how the Consul lessons advertise themselves; `(HTTP: 8500)` is the
    // agent's port in its banner.
    map_ports_after(text, &[LOOPBACK, "localhost:", "(HTTP: "], map)
}

/// Rewrites the port in every instance id of the Consul lessons (`greeter-localhost-7006`,
/// `captcha-127.0.0.1-7009`) through `map`: a run's ids carry its free ports.
pub(super) fn map_id_ports(text: &str, map: impl FnMut(u16) -> u16) -> String {
    map_ports_after(text, &["-localhost-", "-127.0.0.1-"], map)
}

/// Rewrites through `map` the number after each of `hosts` in `text`.
fn map_ports_after(text: &str, hosts: &[&str], mut map: impl FnMut(u16) -> u16) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let next_host = |text: &str| {
        hosts
            .iter()
            .filter_map(|host| text.find(host).map(|at| (at, host.len())))
            .min()
    };
    while let Some((at, len)) = next_host(rest) {
        let after = &rest[at + len..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        out.push_str(&rest[..at + len]);
        match after[..digits].parse::<u16>() {
            Ok(port) => out.push_str(&map(port).to_string()),
            Err(_) => out.push_str(&after[..digits]),
        }
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(super) fn reads_blocks_steps_and_the_abridged_mark() {
        let markdown = "\
# Run it

In one terminal (server log, abridged):

```console
$ cargo run -p l01-tcp -- server
2026-11-21T05:53:20Z  INFO l01_tcp: listening
```

In another:

```console
$ cargo run -p l01-tcp -- client hi
hi
$ printf 'a\\n' | cargo run -p l01-tcp -- client

```

```rust,ignore
$ not a console block
```

```console
^C2026-11-21T05:53:21Z  INFO l01_tcp: stopping
2026-11-21T05:53:21Z  INFO l01_tcp: stopped
```

```console
2026-11-21T05:53:21Z  INFO l01_tcp: a log line
$ curl -s http://127.0.0.1:7001/
$ cargo run -p workbook -- check tcp.echo
```
";
        let blocks = console_blocks(markdown);
        assert_eq!(blocks.len(), 4);
        assert!(blocks[0].abridged);
        assert_eq!(
            blocks[0].steps,
            [Step::Command {
                line: 6,
                text: "cargo run -p l01-tcp -- server".into(),
                output: vec!["2026-11-21T05:53:20Z  INFO l01_tcp: listening".into()],
            }]
        );
        assert!(!blocks[1].abridged);
        assert_eq!(blocks[1].commands().count(), 2);
        assert_eq!(
            blocks[2].steps,
            [Step::CtrlC {
                line: 24,
                log: vec![
                    "2026-11-21T05:53:21Z  INFO l01_tcp: stopping".into(),
                    "2026-11-21T05:53:21Z  INFO l01_tcp: stopped".into()
                ]
            }]
        );
        assert_eq!(blocks[3].steps[0], Step::Log { line: 29 });

        let packages = ["l01-tcp".to_string()];
        let kinds: Vec<Kind> = blocks.iter().map(|b| b.kind(&packages)).collect();
        assert_eq!(
            kinds,
            [
                Kind::Abridged,
                Kind::Compared,
                Kind::Compared,
                Kind::NotLesson
            ]
        );
        let commands_only = console_blocks("```console\n$ cargo run -p l01-tcp -- server\n```\n");
        assert_eq!(commands_only[0].kind(&packages), Kind::CommandsOnly);
        // In a list item, the block is indented as deep as its fence.
        let indented =
            console_blocks("1. Start it:\n\n   ```console\n   $ consul agent -dev\n   ```\n");
        assert_eq!(
            indented[0].commands().collect::<Vec<_>>(),
            ["consul agent -dev"]
        );
        assert_eq!(indented[0].kind(&packages), Kind::NotLesson);
    }

    #[test]
    pub(super) fn finds_lesson_runs_in_a_command_line() {
        let packages = ["l04-protobuf".to_string(), "l02-rpc".to_string()];
        let line = "printf '\\x0f' | cargo run -p l04-protobuf -- inspect - > out";
        let runs = cargo_commands(line, &packages);
        let run = runs[0].as_ref().unwrap();
        assert_eq!(&line[run.start..run.end], "cargo run -p l04-protobuf --");
        let (name, end) = run.subcommand.as_ref().unwrap();
        assert_eq!(
            (name.as_str(), &line[..*end]),
            (
                "inspect",
                "printf '\\x0f' | cargo run -p l04-protobuf -- inspect"
            )
        );
        assert!(!run.is_server());

        let line = "cargo run -p l02-rpc -- --registry etcd --ttl=2s captcha-server --addr x";
        let run = cargo_commands(line, &packages)[0].take().unwrap();
        let (name, end) = run.subcommand.unwrap();
        assert_eq!(
            (name.as_str(), &line[end..]),
            ("captcha-server", " --addr x")
        );
        let help = cargo_commands("cargo run -p l02-rpc -- --help", &packages);
        assert_eq!(help[0].as_ref().unwrap().subcommand, None);
        let server = cargo_commands("cargo run -p l02-rpc -- http-server &", &packages);
        assert!(server[0].as_ref().unwrap().is_server());
        assert_eq!(
            cargo_commands("cargo run --release -p loadgen -- rpc", &packages),
            [None]
        );
        assert_eq!(cargo_commands("cargo test -p l02-rpc", &packages), [None]);
        for line in [
            "cargo run --features solution -p l02-rpc -- client x",
            "cargo run -p l02-rpc --features solution -- client x",
        ] {
            let run = cargo_commands(line, &packages)[0].take().unwrap();
            assert_eq!(&line[run.end..], " client x");
            assert_eq!(run.subcommand.unwrap().0, "client");
        }
        assert!(cargo_commands("curl -s http://127.0.0.1:7103/", &packages).is_empty());
    }

    #[test]
    pub(super) fn reads_kills_of_jobs_and_reads_of_logs() {
        assert_eq!(kill_job("kill -INT %3"), Some(("INT".into(), 3)));
        assert_eq!(kill_job("kill %1"), Some(("TERM".into(), 1)));
        assert_eq!(kill_job("kill -9 %2"), Some(("KILL".into(), 2)));
        assert_eq!(kill_job("kill -SIGTERM %2"), Some(("TERM".into(), 2)));
        assert_eq!(kill_job("kill -9 $(pgrep -f server)"), None);
        assert_eq!(kill_job("kill 1234"), None);
        assert_eq!(
            exports("export CONSUL_HTTP_ADDR=127.0.0.1:8508 REDIS_URL=redis://127.0.0.1:6390"),
            Some(vec![
                ("CONSUL_HTTP_ADDR".into(), "127.0.0.1:8508".into()),
                ("REDIS_URL".into(), "redis://127.0.0.1:6390".into())
            ])
        );
        assert_eq!(exports("export A=$(date)"), None);
        assert_eq!(
            tools("curl -s localhost:8508/x | jq length"),
            ["curl", "jq"]
        );
        assert_eq!(tools("etcdctl get --prefix /micro/"), ["etcdctl"]);
        assert_eq!(
            tools("curl -s x | jq '.DebugConfig | {CheckReapInterval}'"),
            ["curl", "jq"]
        );
        assert!(tools("curl -sv http://127.0.0.1:7103/").is_empty());
        assert!(tools("curl -s x | python3 -m json.tool").is_empty());
        assert!(tools("kill -9 $(pgrep -f server)").is_empty());
        assert_eq!(
            starts_redis("redis-server --port 6391 --bind 127.0.0.1 > redis.log 2>&1 &"),
            Some(6391)
        );
        assert!(reads_a_file("cat greeter.log"));
        assert!(reads_a_file("tail -n 3 agent.log"));
        assert!(!reads_a_file("cat > seed.json <<'EOF'"));
        let heredoc =
            console_blocks("```console\n$ cat > a.json <<'EOF'\n{}\nEOF\n$ cat a.json\n{}\n```\n");
        assert_eq!(
            heredoc[0].commands().collect::<Vec<_>>(),
            ["cat > a.json <<'EOF'\n{}\nEOF\n", "cat a.json"]
        );
        let packages = ["l06-register".to_string()];
        let block = console_blocks("```console\n$ kill -INT %2\n$ cat a.log\nbye\n```\n");
        assert_eq!(block[0].kind(&packages), Kind::Compared);
    }

    #[test]
    pub(super) fn reads_loopback_defaults_from_help() {
        let help = "\
Usage: l03-jsonrpc server [OPTIONS]

Options:
      --addr <ADDR>            [default: 127.0.0.1:7003]
      --http-addr <HTTP_ADDR>
          Where HTTP clients POST their requests

          [default: 127.0.0.1:7103]
      --name <NAME>            [default: world]
  -h, --help                   Print help
";
        assert_eq!(
            loopback_defaults(help),
            [
                ("--addr".to_string(), 7003),
                ("--http-addr".to_string(), 7103)
            ]
        );
    }

    #[test]
    pub(super) fn translates_loopback_ports_only() {
        let text =
            "POST http://127.0.0.1:41234/ and 127.0.0.1:7 and 10.0.0.7:41234 and 127.0.0.1:x";
        let mapped = map_ports(text, |port| if port == 41234 { 7103 } else { port });
        assert_eq!(
            mapped,
            "POST http://127.0.0.1:7103/ and 127.0.0.1:7 and 10.0.0.7:41234 and 127.0.0.1:x"
        );
        let ids = map_id_ports(
            "greeter-localhost-41234 captcha-127.0.0.1-41234 x-localhost-",
            |_| 7006,
        );
        assert_eq!(
            ids,
            "greeter-localhost-7006 captcha-127.0.0.1-7006 x-localhost-"
        );
        let consul = "greeter-localhost-41234 at localhost:41234, agent 127.0.0.1:41234";
        let mapped = map_ports(consul, |port| if port == 41234 { 7006 } else { port });
        assert_eq!(
            mapped,
            "greeter-localhost-41234 at localhost:7006, agent 127.0.0.1:7006"
        );
    }
}
