//! Chapter 17's lab, for the book's transcripts: a swarm of Docker Engines, each in a
//! container, made and changed by `l17-orchestrate` (lessons/17-orchestrate).
//!
//! The reader's lab is project `l17` on 10.17.0.0/24 (the registry at .5, the managers at
//! .11–.13, the workers at .21–.22, the gateways on port 8080 of the workers' addresses), its
//! nodes running `l17-node` and the stack `l17-service`. The check's lab is another project,
//! network and pair of images (`l17-node-verify`, `l17-service-verify`, kept from one run to
//! the next: the program builds one again only when its inputs changed), given to the program
//! by its global flags (`--project`, `--subnet-prefix`, `--node-image`, `--service-image`),
//! before its subcommand; not by the variables they read (`L17_PROJECT`, …), whose values
//! its `--help` shows. It publishes nothing on this machine's loopback: the lab's network is
//! reached at its own addresses. Besides what every lab does (`mod.rs`), its commands are
//! taken so:
//!
//! - `image` was done before the chapter, with lesson 11's program as verify built it
//!   (`L17_MICRO_BINARY`); `join` joins THIS machine's engine to a swarm, for a second real
//!   machine, and is never run here. Neither is compared.
//! - Every other subcommand (`up`, `deploy`, `status`, `load`, the faults, `down`) runs as
//!   verify built it (the block of faults not again where the swarm story ran them, see
//!   `mod.rs`), within five minutes: `up` takes half a minute, `deploy` as long, and a
//!   fault waits up to 90 s for the swarm to start its replicas elsewhere, slower on a busy
//!   machine; a `load --for D` gets D more.
//! - `docker …` naming the lab's containers (`docker exec l17-manager-1 docker service ls`),
//!   and any command with an address of the lab's network (`curl -s
//!   http://10.17.0.21:8080/…`), run with the check's names in their place: its project, its
//!   network, its images.
//! - `status`, `docker … ls|ps|inspect|logs` and a curl GET only read: they run again until
//!   they print what the book shows, for up to a minute (a task rescheduled after a fault is
//!   pulled, started and found healthy within it).

use std::time::Duration;

use super::ChapterLab;
use super::kind::{Facts, LabKind, is_curl_get, program_args};

/// Chapter 17's lab.
pub(super) struct Swarm;

/// The lesson whose program makes the lab.
const PACKAGE: &str = "l17-orchestrate";

static FACTS: Facts = Facts {
    package: PACKAGE,
    image_programs: &[("l11-micro", "L17_MICRO_BINARY")],
    image_args: &[],
    book_project: "l17",
    book_subnet: "10.17.0",
    images: &[
        ("l17-node-verify", "l17-node"),
        ("l17-service-verify", "l17-service"),
    ],
    project_label: "l17.project",
    project_prefix: "l17verify",
    // 10.8x.y: far from chapter 14's check (10.9x), the lesson's test (10.150–199), its
    // stack's overlay (10.117.0) and lesson 14's tests (10.200–249).
    subnet_start: "10.8",
    published: (0, 0),
    kept: "l17-lab",
    limit: Duration::from_secs(300),
    patience: Duration::from_secs(60),
};

/// What `docker …` does that only reads: `docker node ls`, `docker service ps NAME`, ….
const DOCKER_READS: [&str; 4] = ["ls", "ps", "inspect", "logs"];

impl LabKind for Swarm {
    fn facts(&self) -> &'static Facts {
        &FACTS
    }

    /// A node named by its role and number (`worker-2`) is any node of that role: the
    /// lesson's story picks the worker whose engine it kills by what runs there (a user
    /// replica), where the book names one.
    fn same_run(&self, book: &[&str], ran: &[&str]) -> bool {
        let role = |word: &str| match word.rsplit_once('-') {
            Some((role @ ("manager" | "worker"), number))
                if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) =>
            {
                format!("{role}-N")
            }
            _ => word.to_string(),
        };
        book.len() == ran.len() && book.iter().zip(ran).all(|(b, r)| role(b) == role(r))
    }

    /// `up`: everything else needs a lab it made.
    fn drives(&self, command: &str) -> bool {
        let words: Vec<&str> = command.split_ascii_whitespace().collect();
        program_args(&words, PACKAGE).is_some_and(|args| args.first() == Some(&"up"))
    }

    /// The lab's program; `docker` naming the lab; an address of the lab's network.
    fn takes(&self, command: &str) -> bool {
        let words: Vec<&str> = command.split_ascii_whitespace().collect();
        program_args(&words, PACKAGE).is_some()
            || (words.first() == Some(&"docker") && names_the_lab(command))
            || command.contains(&format!("{}.", FACTS.book_subnet))
    }

    fn only_reads(&self, words: &[&str]) -> bool {
        if let Some(args) = program_args(words, PACKAGE) {
            return args.first() == Some(&"status");
        }
        match words {
            ["docker", rest @ ..] => rest.iter().any(|word| DOCKER_READS.contains(word)),
            _ => is_curl_get(words),
        }
    }

    fn variables(&self, _lab: &ChapterLab) -> Vec<(&'static str, String)> {
        Vec::new()
    }

    fn flags(&self, lab: &ChapterLab) -> Vec<String> {
        let [(node, _), (service, _)] = FACTS.images else {
            unreachable!("the swarm's two images")
        };
        let flags = [
            ("--project", lab.project.as_str()),
            ("--subnet-prefix", lab.subnet.as_str()),
            ("--node-image", node),
            ("--service-image", service),
        ];
        flags
            .into_iter()
            .flat_map(|(flag, value)| [flag.to_string(), value.to_string()])
            .collect()
    }

    /// `image` (made before the chapter) and `join` (never on this machine).
    fn passed_over(&self, words: &[&str]) -> bool {
        words.get(1) == Some(&"build")
            || program_args(words, PACKAGE)
                .is_some_and(|args| matches!(args.first(), Some(&"image" | &"join")))
    }

    /// The program runs as the reader writes a lesson's run; anything else with the check's
    /// names for the book's.
    fn script(&self, lab: &ChapterLab, command: &str) -> Option<String> {
        let words: Vec<&str> = command.split_ascii_whitespace().collect();
        if program_args(&words, PACKAGE).is_some() {
            return None;
        }
        Some(to_the_check(lab, command))
    }

    /// A load's duration more than the others'.
    fn limit(&self, words: &[&str]) -> Duration {
        let load_for = match program_args(words, PACKAGE) {
            Some(["load", options @ ..]) => options
                .windows(2)
                .find(|pair| pair[0] == "--for")
                .and_then(|pair| duration(pair[1]))
                .or_else(|| {
                    let joined = options.iter().find_map(|word| word.strip_prefix("--for="));
                    joined.and_then(duration)
                })
                // The load's default.
                .unwrap_or(Duration::from_secs(30)),
            _ => Duration::ZERO,
        };
        FACTS.limit + load_for
    }
}

/// Whether a command names one of the lab's containers, its network or its images: a word
/// beginning with the book's project and a dash (`l17-manager-1`, `l17-lab`, `l17-node`).
fn names_the_lab(command: &str) -> bool {
    let prefix = format!("{}-", FACTS.book_project);
    words_of(command)
        .iter()
        .any(|(_, word)| word.starts_with(&prefix))
}

/// The names in `command` (runs of letters, digits, `.`, `_` and `-`), each with where it
/// begins.
fn words_of(command: &str) -> Vec<(usize, &str)> {
    let is_name = |c: char| c.is_ascii_alphanumeric() || "._-".contains(c);
    let mut words = Vec::new();
    let mut start = None;
    for (at, c) in command.char_indices().chain([(command.len(), ' ')]) {
        match (start, is_name(c)) {
            (None, true) => start = Some(at),
            (Some(from), false) => {
                words.push((from, &command[from..at]));
                start = None;
            }
            _ => {}
        }
    }
    words
}

/// `command` with the check's names for the book's: each image the book names, each name
/// beginning with the book's project and a dash (a container, the network, a volume), each
/// address of the book's network.
pub(super) fn to_the_check(lab: &ChapterLab, command: &str) -> String {
    let project = format!("{}-", FACTS.book_project);
    let subnet = format!("{}.", FACTS.book_subnet);
    let mut script = String::new();
    let mut written = 0;
    for (at, word) in words_of(command) {
        let named = if let Some((check, _)) = FACTS.images.iter().find(|(_, book)| *book == word) {
            check.to_string()
        } else if let Some(rest) = word.strip_prefix(&project) {
            format!("{}-{rest}", lab.project)
        } else if let Some(host) = word.strip_prefix(&subnet) {
            format!("{}.{host}", lab.subnet)
        } else {
            continue;
        };
        script.push_str(&command[written..at]);
        script.push_str(&named);
        written = at + word.len();
    }
    script.push_str(&command[written..]);
    script
}

/// `30s`, `2m`, `1500ms`, as `l17-orchestrate load --for` reads them.
fn duration(text: &str) -> Option<Duration> {
    let digits = text.find(|c: char| !c.is_ascii_digit())?;
    let number: u64 = text[..digits].parse().ok()?;
    match &text[digits..] {
        "ms" => Some(Duration::from_millis(number)),
        "s" => Some(Duration::from_secs(number)),
        "m" => Some(Duration::from_secs(number * 60)),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
