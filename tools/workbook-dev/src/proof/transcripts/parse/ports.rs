//! The loopback ports in a lesson binary's `--help`, and the ports of a transcript mapped to
//! the free ones a check runs on.

use super::*;

/// The options in a `--help` whose default is a loopback address, with its port:
/// `("--addr", 7003)`. clap prints the default after the option's help, on its line or a
/// later one.
pub(in super::super) fn loopback_defaults(help: &str) -> Vec<(String, u16)> {
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

/// The options by which a server is told where to listen. Any other address on its command
/// line (`--etcd 127.0.0.1:2379`, `--needs 127.0.0.1:9`) is one it calls, not one it serves.
pub(in super::super) const LISTENING_OPTIONS: [&str; 5] = [
    "--addr",
    "--http-addr",
    "--http-port",
    "--listen-client-urls",
    "--listen-peer-urls",
];

/// The loopback ports a server's command line tells it to listen on, each with the option
/// that says so: `--addr 127.0.0.1:7013` is `("--addr", 7013)`, as is `--addr=…`;
/// `--http-port 8500` is a port alone.
pub(in super::super) fn listening_ports(command: &str) -> Vec<(String, u16)> {
    let words: Vec<&str> = command.split_ascii_whitespace().collect();
    let mut found = Vec::new();
    for (index, word) in words.iter().enumerate() {
        let (option, value) = match word.split_once('=') {
            Some((option, value)) if option.starts_with("--") => (option, Some(value)),
            _ => (*word, words.get(index + 1).copied()),
        };
        let (Some(value), true) = (value, LISTENING_OPTIONS.contains(&option)) else {
            continue;
        };
        let port = if option == "--http-port" {
            value.parse().ok()
        } else {
            value
                .split(',')
                .find_map(|address| address.split_once(LOOPBACK))
                .and_then(|(_, rest)| {
                    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                    digits.parse().ok()
                })
        };
        if let Some(port) = port {
            found.push((option.to_string(), port));
        }
    }
    found
}

/// Rewrites the port of every `127.0.0.1:PORT` in `text` through `map`.
pub(in super::super) fn map_ports(text: &str, map: impl FnMut(u16) -> u16) -> String {
    // `localhost:` is how the Consul lessons advertise themselves; `(HTTP: 8500)` is the
    // agent's port in its banner.
    map_ports_after(text, &[LOOPBACK, "localhost:", "(HTTP: "], map)
}

/// Rewrites the port in every instance id of the Consul lessons (`greeter-localhost-7006`,
/// `captcha-127.0.0.1-7009`) through `map`: a run's ids carry its free ports.
pub(in super::super) fn map_id_ports(text: &str, map: impl FnMut(u16) -> u16) -> String {
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
