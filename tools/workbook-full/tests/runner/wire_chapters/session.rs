//! A chapter's `wire` session, as the book shows it: the relay's terminal, then the
//! clients' terminals.

use std::path::Path;

/// A chapter's session as the book shows it.
pub(super) struct Session {
    pub(super) chapter: String,
    /// `wire`'s arguments: `["05", "--print"]`.
    pub(super) wire: Vec<String>,
    /// What the relay printed, its banner included.
    pub(super) printed: Vec<String>,
    /// What the reader runs, in the order the book shows it.
    pub(super) clients: Vec<Client>,
}

/// A command the reader runs against the relay, in a terminal of its own.
pub(super) struct Client {
    pub(super) package: String,
    pub(super) args: Vec<String>,
    /// What the book shows it print (stdout and stderr, as a terminal shows them) until
    /// it ends, or until the `^C` that stops it.
    pub(super) output: Vec<String>,
    /// For a client stopped with `^C` (a subscriber): what it prints as it stops. It runs
    /// beside the clients shown after it.
    pub(super) after_ctrl_c: Option<Vec<String>>,
}

/// The ```console blocks of a chapter, as lines.
fn console_blocks(markdown: &str) -> Vec<Vec<String>> {
    let mut blocks = Vec::new();
    let mut current: Option<Vec<String>> = None;
    for line in markdown.lines() {
        match (&mut current, line.trim_start().starts_with("```")) {
            (None, true) if line.trim() == "```console" => current = Some(Vec::new()),
            (Some(_), true) => blocks.extend(current.take()),
            (Some(lines), false) => lines.push(line.to_string()),
            _ => {}
        }
    }
    blocks
}

/// The clients of a console block: each `$ cargo run -p PACKAGE -- ARGS` and what follows.
fn clients(block: &[String]) -> Vec<Client> {
    let mut clients: Vec<Client> = Vec::new();
    for line in block {
        if let Some(command) = line.strip_prefix("$ cargo run -p ") {
            let (package, args) = command.split_once(" -- ").expect("cargo run -p P -- ARGS");
            clients.push(Client {
                package: package.to_string(),
                args: args.split_whitespace().map(String::from).collect(),
                output: Vec::new(),
                after_ctrl_c: None,
            });
            continue;
        }
        let client = clients.last_mut().expect("a command first");
        // A terminal writes what the program logs as it stops right after the `^C`.
        if let Some(rest) = line.strip_prefix("^C") {
            let rest = Some(rest.to_string()).filter(|rest| !rest.trim().is_empty());
            client.after_ctrl_c = Some(rest.into_iter().collect());
            continue;
        }
        match &mut client.after_ctrl_c {
            Some(stopping) => stopping.push(line.clone()),
            None => client.output.push(line.clone()),
        }
    }
    clients
}

/// The `wire` session of a chapter, if it shows one: the relay's block, then the block of
/// clients after it (and the next, as long as the last client shown runs until a `^C`).
pub(super) fn session(chapter: &Path) -> Option<Session> {
    let markdown = std::fs::read_to_string(chapter).unwrap();
    let blocks = console_blocks(&markdown);
    let at = blocks
        .iter()
        .position(|block| block[0].starts_with("$ cargo run -p workbook -- wire "))?;
    let wire = blocks[at][0]["$ cargo run -p workbook -- wire ".len()..]
        .split_whitespace()
        .map(String::from)
        .collect();
    let printed = blocks[at][1..]
        .iter()
        .take_while(|line| !line.starts_with("^C"))
        .cloned()
        .collect();
    let mut clients = Vec::new();
    for block in &blocks[at + 1..] {
        clients.extend(self::clients(block));
        if clients
            .last()
            .is_some_and(|c: &Client| c.after_ctrl_c.is_none())
        {
            break;
        }
    }
    Some(Session {
        chapter: chapter.display().to_string(),
        wire,
        printed,
        clients,
    })
}
