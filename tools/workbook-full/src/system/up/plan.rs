//! What runs where: the table of the lessons' processes `up` runs on the ports of one copy
//! of the system (its `Layout`), which of them serve `/metrics` for its Prometheus, and that
//! copy's folder under `.workbook/`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::record::Record;
use crate::system::ports::Layout;
use workbook_core::course::STATE_DIR;

/// Lesson 09's package: the captcha service.
pub const CAPTCHA_PACKAGE: &str = "l09-captcha";

/// Lesson 10's package: the gateway, the page in front of the captcha service.
pub const GATEWAY_PACKAGE: &str = "l10-gateway";

/// Lesson 12's package: events. Its `captcha-server` is lesson 09's service publishing
/// `captcha.verified` after every check; its `audit` counts them.
pub const EVENTS_PACKAGE: &str = "l12-events";

/// The name the captcha instances register under, and the gateway looks for.
pub(super) const CAPTCHA_SERVICE: &str = "captcha";

/// The line the audit prints once it listens (`l12-events audit`).
pub(super) const AUDIT_SUBSCRIBED: &str = "subscribed to captcha.verified";

/// Prometheus' name in the record and its log's (`prometheus.rs`).
pub(super) const PROMETHEUS: &str = "prometheus";

/// What `up` runs beside the services, newest first: the order `down` stops them in, before
/// the services they use (`SERVICES_NEWEST_FIRST`). Prometheus, which only watches the
/// others, stops first, so that it records no failed scrape of a part stopped on purpose.
pub(super) const PARTS_NEWEST_FIRST: [&str; 5] =
    [PROMETHEUS, "gateway", "captcha-2", "captcha-1", "audit"];
pub(super) const SERVICES_NEWEST_FIRST: [&str; 3] = ["nats", "redis", "consul"];

/// How `up` knows that a part it started is ready.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ready {
    /// Consul hands it out as a passing instance of the captcha service.
    PassingInConsul,
    /// Its page answers, and it serves a captcha image (it has found an instance).
    PageAnswers,
    /// Its log says [`AUDIT_SUBSCRIBED`].
    Subscribed,
}

/// One process `up` runs from a lesson's executable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Part {
    /// `audit`, `captcha-1`, `captcha-2`, `gateway`: its name in the record and its log's.
    pub(super) name: String,
    pub(super) package: &'static str,
    /// Its command line, after the executable.
    pub(super) args: Vec<String>,
    /// Where it listens, if it does.
    pub(super) addr: Option<SocketAddr>,
    /// Where a learner finds it: its address, its page, or the NATS it listens to.
    pub(super) place: String,
    pub(super) ready: Ready,
    /// The service Prometheus scrapes it as, if it serves `/metrics` on its address.
    pub(super) scraped_as: Option<&'static str>,
}

/// Whether the captcha instances publish their checks, and on which NATS; if not, why not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(super) enum Events {
    /// Lesson 12's `captcha-server` publishes every check on the NATS at this URL, and the
    /// audit counts them.
    OnNats(String),
    /// Lesson 09's own service, publishing nothing: lesson 12 is not in the workspace yet,
    NoLesson12,
    /// or no `nats-server` is installed,
    NoNatsServer,
    /// or `--mine` runs the learner's own answers to lesson 09.
    Mine,
}

/// What `up` runs, stage by stage: the parts of a stage start at once, and the next stage
/// starts once each of them is ready. First the captcha instances (and, with events, the
/// audit that counts their checks), then the gateway in front of them. The one choice is
/// which captcha service: lesson 12's, publishing on NATS, or lesson 09's.
pub(super) fn stages(
    system: &System,
    consul_url: &str,
    events: &Events,
    with_gateway: bool,
) -> Vec<Vec<Part>> {
    let mut first = Vec::new();
    if let Events::OnNats(nats_url) = events {
        first.push(Part {
            name: "audit".into(),
            package: EVENTS_PACKAGE,
            args: words(&["--broker", "nats", "--broker-address", nats_url, "audit"]),
            addr: None,
            place: nats_url.clone(),
            ready: Ready::Subscribed,
            scraped_as: None,
        });
    }
    for (index, addr) in system.layout.captchas().into_iter().enumerate() {
        // Lesson 12's captcha server runs on lesson 11's framework, whose services serve
        // `/metrics` on their gRPC port (lesson 15); lesson 09's own server has none.
        let (package, args, scraped_as) = match events {
            Events::OnNats(nats_url) => {
                let flags = ["--registry", "consul", "--registry-address", consul_url];
                let broker = ["--broker", "nats", "--broker-address", nats_url];
                let serve = ["captcha-server", "--addr", &addr.to_string()];
                (
                    EVENTS_PACKAGE,
                    words(&[&flags[..], &broker, &serve].concat()),
                    Some(CAPTCHA_SERVICE),
                )
            }
            _ => (
                CAPTCHA_PACKAGE,
                words(&["server", "--addr", &addr.to_string()]),
                None,
            ),
        };
        first.push(Part {
            name: format!("captcha-{}", index + 1),
            package,
            args,
            addr: Some(addr),
            place: addr.to_string(),
            ready: Ready::PassingInConsul,
            scraped_as,
        });
    }
    let mut stages = vec![first];
    if with_gateway {
        let addr = system.layout.gateway();
        stages.push(vec![Part {
            name: "gateway".into(),
            package: GATEWAY_PACKAGE,
            args: words(&["server", "--addr", &addr.to_string()]),
            addr: Some(addr),
            place: format!("http://{addr}/"),
            ready: Ready::PageAnswers,
            // Lesson 10's gateway counts nothing (`micro api`, lesson 11's, does).
            scraped_as: None,
        }]);
    }
    stages
}

fn words(words: &[&str]) -> Vec<String> {
    words.iter().map(|word| word.to_string()).collect()
}

/// One copy of the system: its ports and the folder of its logs and record.
pub struct System {
    pub layout: Layout,
    pub dir: PathBuf,
    /// The folder as the learner knows it: `.workbook/system`.
    pub(super) shown: String,
}

impl System {
    /// The copy of the system in `layout`: on its ports, in `.workbook/system/` for the
    /// standard ones, else in `.workbook/system-BASE/`.
    pub fn new(root: &Path, layout: Layout) -> System {
        let folder = match layout.base() {
            None => "system".to_string(),
            Some(base) => format!("system-{base}"),
        };
        System {
            layout,
            dir: root.join(STATE_DIR).join(&folder),
            shown: format!("{STATE_DIR}/{folder}"),
        }
    }

    pub(super) fn record_path(&self) -> PathBuf {
        self.dir.join("started.json")
    }

    pub(super) fn log_path(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.log"))
    }

    /// The flag that names this copy in a command, for messages: `` on the standard ports,
    /// else ` --base-port N`.
    pub(super) fn flag(&self) -> String {
        self.layout
            .base()
            .map(|base| format!(" --base-port {base}"))
            .unwrap_or_default()
    }
}

/// Whether lesson 10 is in the workspace yet.
pub fn gateway_exists(root: &Path) -> bool {
    root.join("lessons/10-gateway/Cargo.toml").is_file()
}

/// Whether lesson 12 is in the workspace yet.
pub(super) fn events_exist(root: &Path) -> bool {
    root.join("lessons/12-events/Cargo.toml").is_file()
}

/// For `doctor`: the process of this copy's system that `up` started on `port`, if it
/// runs.
pub fn started_on(root: &Path, layout: Layout, port: u16) -> Option<String> {
    let [captcha_1, captcha_2] = layout.captchas().map(|addr| addr.port());
    let name = match port {
        _ if port == captcha_1 => "captcha-1",
        _ if port == captcha_2 => "captcha-2",
        _ if port == layout.gateway().port() => "gateway",
        _ if port == layout.prometheus().port() => PROMETHEUS,
        _ => return None,
    };
    let record = Record::load(&System::new(root, layout))?;
    let started = record.running(name)?;
    Some(format!("{name}, started by `up` (pid {})", started.pid))
}

#[cfg(test)]
mod tests;
