//! Prometheus on the lab (chapter 15): the faults of this chapter as an operator sees them,
//! on a graph.
//!
//! It runs on a host of its own, `prometheus` in `lab/compose.yaml`, which the nemesis
//! leaves alone: a partition cuts hosts off from each other, not from the monitoring, which
//! sees both sides. It is this machine's own Prometheus (Debian's `prometheus` package), run
//! from this machine's `/usr`, which Compose mounts read-only at [`MACHINE_USR`]: no image
//! to pull. Where it is not installed, the lab comes up without it.
//!
//! What it scrapes is lesson 15's configuration with the lab's addresses: each host's
//! gateway by name, and every service that host-a's gateway lists at `/metrics/targets`
//! (Prometheus' HTTP service discovery), every second, so that a fault shows within
//! seconds. Every series gets a `host` label: the gateways' from their names, the
//! services' from their addresses, by the lab's plan of addresses.

use std::path::{Path, PathBuf};

use anyhow::bail;

use super::Lab;
use super::certs::{Certs, ON_HOST, PROMETHEUS};
use super::deploy::GATEWAY_PORT;
use super::docker::{Docker, run};
use super::hosts::{self, HOST_NAMES, Host, Subnet};
use super::up::start;
use super::wait::wait_for_prometheus;

/// Where this machine's `/usr` is on Prometheus' host.
pub const MACHINE_USR: &str = "/machine/usr";

/// Where Prometheus listens on its host (published on 127.0.0.1 by Compose, on the port
/// after host-c's gateway's).
pub const PORT: u16 = 9090;

/// Its log, on its host.
pub const LOG: &str = "/var/log/prometheus.log";

/// Its configuration, on its host.
const CONFIG: &str = "/etc/lab/prometheus.yml";

/// Where Debian's package keeps the pages of Prometheus' UI (upstream's program has them
/// inside).
const DEBIAN_WEB_ASSETS: &str = "/usr/share/prometheus/web";

/// The Compose profile of Prometheus' host.
pub const PROFILE: &str = "prometheus";

/// This machine's Prometheus, as the lab runs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MachinePrometheus {
    /// The program, under `/usr` on this machine.
    program: PathBuf,
    /// Whether its UI's pages are Debian's, in [`DEBIAN_WEB_ASSETS`].
    debian_web_assets: bool,
}

/// This machine's Prometheus, or why the lab runs without it (one line).
pub fn find() -> Result<MachinePrometheus, String> {
    let Some(found) = programs::find_on_path("prometheus") else {
        return Err(format!(
            "Prometheus is not installed ({})",
            programs::how_to_install("prometheus", "prometheus")
        ));
    };
    // /usr/bin/prometheus, or where a link on PATH leads.
    let program = found.canonicalize().unwrap_or(found);
    if !program.starts_with("/usr") {
        return Err(format!(
            "the lab runs this machine's Prometheus from /usr (Debian's package), and {} is \
             not there",
            program.display()
        ));
    }
    Ok(MachinePrometheus {
        program,
        debian_web_assets: Path::new(DEBIAN_WEB_ASSETS).is_dir(),
    })
}

impl MachinePrometheus {
    // ANCHOR: command
    /// The command line on Prometheus' host: this machine's program, through the mount.
    pub fn command(&self) -> Vec<String> {
        let on_host = |path: &Path| {
            let below_usr = path.strip_prefix("/usr").unwrap_or(path);
            Path::new(MACHINE_USR).join(below_usr).display().to_string()
        };
        let mut command = vec![
            on_host(&self.program),
            format!("--config.file={CONFIG}"),
            "--storage.tsdb.path=/var/lib/prometheus".to_string(),
            format!("--web.listen-address=0.0.0.0:{PORT}"),
        ];
        if self.debian_web_assets {
            let assets = on_host(Path::new(DEBIAN_WEB_ASSETS));
            command.push(format!("--web.local-assets={assets}/"));
        }
        command
    }
    // ANCHOR_END: command
}

// ANCHOR: config
/// `prometheus.yml` for the lab on `subnet`: each host's gateway, and every service host-a's
/// gateway lists, scraped every second; each target labelled with its host. With `tls`, the
/// services are scraped over mutual TLS: their `/metrics` is on their gRPC port, which
/// answers no one without a certificate from the lab's CA.
pub fn config(subnet: &Subnet, tls: bool) -> String {
    let gateways: String = HOST_NAMES
        .iter()
        .map(|host| {
            format!(
                "      - targets: ['{host}:{GATEWAY_PORT}']\n        labels: {{host: {host}}}\n"
            )
        })
        .collect();
    // A service's target is its address: `10.14.0.12:7021` is on host-b.
    let hosts_by_address: String = HOST_NAMES
        .iter()
        .filter_map(|host| Some((host, subnet.address(host)?)))
        .map(|(host, address)| {
            let address = address.replace('.', r"\.");
            format!(
                "      - source_labels: [__address__]\n        regex: '{address}:[0-9]+'\n        \
                 target_label: host\n        replacement: {host}\n"
            )
        })
        .collect();
    let discovery = format!(
        "http://{}:{GATEWAY_PORT}{}",
        HOST_NAMES[0],
        micro::api::sd::TARGETS_PATH
    );
    // Prometheus checks each service's certificate against the address it scrapes, which
    // the lab's certificates name, and shows its own.
    let tls = match tls {
        true => format!(
            "    scheme: https
    tls_config:
      ca_file: {ON_HOST}/ca.pem
      cert_file: {ON_HOST}/{PROMETHEUS}.pem
      key_file: {ON_HOST}/{PROMETHEUS}.key
"
        ),
        false => String::new(),
    };
    format!(
        "global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  # each host's micro api: micro_api_requests_total, micro_api_retries_total
  - job_name: micro-api
    static_configs:
{gateways}  # every service the registry holds, as host-a's gateway lists them
  - job_name: micro
{tls}    http_sd_configs:
      - url: {discovery}
        refresh_interval: 1s
    relabel_configs:
{hosts_by_address}"
    )
}
// ANCHOR_END: config

/// Writes the configuration on Prometheus' `host` (as an argument of the shell, never
/// pasted into its script).
pub fn write_config(
    docker: &Docker,
    host: &Host,
    subnet: &Subnet,
    tls: bool,
) -> anyhow::Result<()> {
    let mut write = docker.docker();
    write
        .args(["exec", &host.container, "sh", "-c"])
        .arg(format!("mkdir -p /etc/lab && printf '%s' \"$1\" >{CONFIG}"))
        .args(["sh", &config(subnet, tls)]);
    run(&mut write).map(drop)
}

impl Lab {
    /// Writes Prometheus' configuration on its host (with `certs`, its certificate too)
    /// and starts it there; its host.
    pub(super) fn start_prometheus(
        &self,
        docker: &Docker,
        project: &str,
        subnet: &Subnet,
        certs: Option<&Certs>,
        prometheus: &MachinePrometheus,
    ) -> anyhow::Result<Host> {
        let Some(host) = hosts::prometheus(docker, project)?.filter(|host| host.running) else {
            bail!("Compose said the lab is up, but Prometheus' host is not running")
        };
        if let Some(certs) = certs {
            certs.hand_out(docker, &host)?;
        }
        write_config(docker, &host, subnet, certs.is_some())?;
        start(docker, &host, &prometheus.command(), LOG)?;
        Ok(host)
    }

    /// Waits until Prometheus, started on `host`, is ready.
    pub(super) fn wait_for_prometheus(&self, docker: &Docker, host: &Host) -> anyhow::Result<()> {
        match self.published_prometheus() {
            Some(published) => wait_for_prometheus(docker, host, published),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_services_are_found_through_host_as_gateway_and_named_by_their_host() {
        let yml = config(&Subnet::new("10.14.0").unwrap(), false);
        assert!(!yml.contains("https"), "{yml}");
        assert!(
            yml.contains("url: http://host-a:8080/metrics/targets"),
            "{yml}"
        );
        assert!(
            yml.contains("- targets: ['host-c:8080']\n        labels: {host: host-c}"),
            "{yml}"
        );
        assert!(
            yml.contains("regex: '10\\.14\\.0\\.12:[0-9]+'\n        target_label: host\n        replacement: host-b"),
            "{yml}"
        );
    }

    #[test]
    fn over_tls_the_services_are_scraped_with_prometheus_own_certificate() {
        let yml = config(&Subnet::new("10.14.0").unwrap(), true);
        let services = &yml[yml.find("job_name: micro\n").expect("the services' job")..];
        assert!(
            services.contains(
                "scheme: https\n    tls_config:\n      ca_file: /etc/lab/certs/ca.pem\n      \
                 cert_file: /etc/lab/certs/prometheus.pem\n      key_file: \
                 /etc/lab/certs/prometheus.key\n    http_sd_configs:"
            ),
            "{yml}"
        );
        // The gateways' /metrics is their HTTP, as before.
        let gateways = &yml[..yml.find("job_name: micro\n").unwrap()];
        assert!(!gateways.contains("https"), "{yml}");
    }

    #[test]
    fn the_program_and_its_pages_are_the_machines_through_the_mount() {
        let debian = MachinePrometheus {
            program: PathBuf::from("/usr/bin/prometheus"),
            debian_web_assets: true,
        };
        let command = debian.command();
        assert_eq!(command[0], "/machine/usr/bin/prometheus");
        assert_eq!(
            command.last().map(String::as_str),
            Some("--web.local-assets=/machine/usr/share/prometheus/web/")
        );
        let upstream = MachinePrometheus {
            program: PathBuf::from("/usr/local/bin/prometheus"),
            debian_web_assets: false,
        };
        let command = upstream.command();
        assert_eq!(command[0], "/machine/usr/local/bin/prometheus");
        assert!(!command.iter().any(|word| word.contains("local-assets")));
    }
}
