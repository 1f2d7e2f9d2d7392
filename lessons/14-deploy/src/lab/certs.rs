//! `up --tls`: the lab over mutual TLS (lesson 16), each host holding its own keys.
//!
//! Lesson 16 gave the framework mutual TLS: a service given a certificate from the course's
//! CA serves over TLS only, requires its callers' certificates from the same CA, and says so
//! in the registry (`secure=true`); a client with credentials calls such nodes only. On
//! three hosts the question is who holds which key. An operator makes the CA on their own
//! machine and hands each server the keys of what runs on it, and nothing else:
//!
//! - on this machine, `target/l14-lab/PROJECT/certs/`: the CA (`ca.key` never leaves it),
//!   and a folder per host with what that host is given;
//! - on each host, `/etc/lab/certs/`: `ca.pem`, the user service's key and certificate
//!   (`user`, and the host's own address, which Prometheus checks when it scrapes the
//!   instance at that address), and the gateway's (`gateway`, the identity it calls with);
//! - on Prometheus' host, its own certificate, to show when it scrapes;
//! - a service `run` deploys, a certificate of its own name and host, mounted read-only
//!   into its container.
//!
//! The registry (etcd or Consul) and the gateways' published HTTP stay as they are: what
//! this protects is the calls between the services, where the captcha's answer and the
//! passwords travel.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use course_ca::{self as ca, Subject};

use super::Lab;
use super::docker::{Docker, run};
use super::hosts::{HOST_NAMES, Host, PROMETHEUS_HOST, Subnet};

/// Where a host keeps its keys and certificates.
pub const ON_HOST: &str = "/etc/lab/certs";

/// The identities `up` deploys on every host: the user service's and the gateway's.
pub const USER: &str = "user";
pub const GATEWAY: &str = "gateway";
/// Prometheus' identity, which it shows to the services it scrapes.
pub const PROMETHEUS: &str = "prometheus";

/// The lab's certificates on this machine.
pub struct Certs {
    dir: PathBuf,
}

impl Lab {
    /// Where this lab's certificates are kept on this machine (they are there only while a
    /// lab runs over TLS): `target/l14-lab/PROJECT/certs`.
    pub fn certs_dir(&self) -> PathBuf {
        self.journal()
            .parent()
            .map_or_else(|| PathBuf::from("certs"), |dir| dir.join("certs"))
    }

    /// The certificates of the lab that runs, if it runs over TLS.
    pub(super) fn certs(&self) -> Option<Certs> {
        let dir = self.certs_dir();
        dir.join("ca.pem").is_file().then_some(Certs { dir })
    }

    /// Forgets the certificates of an earlier lab (the lab is down, or comes up anew).
    pub(super) fn forget_certs(&self) -> anyhow::Result<()> {
        let dir = self.certs_dir();
        match std::fs::remove_dir_all(&dir) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                Err(error).with_context(|| format!("cannot remove {}", dir.display()))
            }
            _ => Ok(()),
        }
    }
}

impl Certs {
    // ANCHOR: make
    /// A new CA for the lab on `subnet`, and each host's certificates, in `dir`.
    pub fn make(dir: &Path, subnet: &Subnet) -> anyhow::Result<Certs> {
        let certs = Certs {
            dir: dir.to_path_buf(),
        };
        ca::create(dir)?;
        for host in HOST_NAMES {
            certs.issue(host, &Subject::service(GATEWAY))?;
            let mut user = Subject::service(USER);
            user.addresses = vec![address_of(subnet, host)?];
            certs.issue(host, &user)?;
        }
        certs.issue(PROMETHEUS_HOST, &Subject::service(PROMETHEUS))?;
        Ok(certs)
    }
    // ANCHOR_END: make

    /// What `host` is given, on this machine: a folder with `ca.pem`.
    fn host_dir(&self, host: &str) -> PathBuf {
        self.dir.join(host)
    }

    /// Issues `subject` a certificate into `host`'s folder.
    fn issue(&self, host: &str, subject: &Subject) -> anyhow::Result<()> {
        let into = self.host_dir(host);
        ca::issue_into(&self.dir, &into, subject)?;
        let copy = into.join("ca.pem");
        std::fs::copy(self.dir.join("ca.pem"), &copy)
            .with_context(|| format!("cannot write {}", copy.display()))?;
        Ok(())
    }

    /// Hands `host` its folder: copied to [`ON_HOST`] there, modes kept (keys 0600).
    pub fn hand_out(&self, docker: &Docker, host: &Host) -> anyhow::Result<()> {
        let parent = Path::new(ON_HOST).parent().unwrap_or(Path::new("/"));
        let mut mkdir = docker.docker();
        mkdir
            .args(["exec", &host.container, "mkdir", "-p"])
            .arg(parent);
        run(&mut mkdir)?;
        let mut copy = docker.docker();
        copy.arg("cp")
            .arg(self.host_dir(&host.name))
            .arg(format!("{}:{ON_HOST}", host.container));
        run(&mut copy).map(drop)
    }

    /// A certificate for service `name` of an image `run` deploys on `host`: its folder on
    /// this machine, to mount at [`ON_HOST`] in the service's container.
    pub fn for_service(&self, name: &str, host: &str, subnet: &Subnet) -> anyhow::Result<PathBuf> {
        ca::check_name(name)?;
        if [USER, GATEWAY, PROMETHEUS].contains(&name) {
            bail!("--tls-as {name}: that identity is the lab's own; name the image's service")
        }
        let dir = self.dir.join("services").join(format!("{host}-{name}"));
        let mut subject = Subject::service(name);
        subject.addresses = vec![address_of(subnet, host)?];
        ca::issue_into(&self.dir, &dir, &subject)?;
        std::fs::copy(self.dir.join("ca.pem"), dir.join("ca.pem"))
            .with_context(|| format!("cannot write {}", dir.join("ca.pem").display()))?;
        Ok(dir)
    }
}

/// The flags that give a program on a host the identity `name` from its folder.
pub fn flags(name: &str) -> [String; 4] {
    [
        "--tls-certs".into(),
        ON_HOST.into(),
        "--tls-as".into(),
        name.into(),
    ]
}

fn address_of(subnet: &Subnet, host: &str) -> anyhow::Result<IpAddr> {
    let Some(address) = subnet.address(host) else {
        bail!("{host} has no address in the lab's network")
    };
    address
        .parse()
        .with_context(|| format!("{host}'s address {address}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_host_is_handed_its_own_keys_and_never_the_cas() {
        let dir = tempdir();
        Certs::make(&dir, &Subnet::new("10.14.0").unwrap()).unwrap();
        for host in HOST_NAMES {
            let mut files: Vec<String> = std::fs::read_dir(dir.join(host))
                .unwrap()
                .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            files.sort();
            assert_eq!(
                files,
                [
                    "ca.pem",
                    "gateway.key",
                    "gateway.pem",
                    "user.key",
                    "user.pem"
                ],
                "{host}"
            );
        }
        assert!(dir.join("ca.key").is_file());
        assert!(dir.join("prometheus/prometheus.key").is_file());
        assert!(!dir.join("prometheus/user.key").exists());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_service_of_the_lab_is_issued_for_its_dotted_name_and_not_the_labs_own() {
        let dir = tempdir();
        let subnet = Subnet::new("10.14.0").unwrap();
        let certs = Certs::make(&dir, &subnet).unwrap();
        let folder = certs
            .for_service("go.micro.srv.greeter", "host-b", &subnet)
            .unwrap();
        assert!(folder.join("go.micro.srv.greeter.pem").is_file());
        assert!(folder.join("ca.pem").is_file());
        let refused = certs.for_service("user", "host-b", &subnet).unwrap_err();
        assert!(refused.to_string().contains("the lab's own"), "{refused}");
        assert!(certs.for_service("../x", "host-b", &subnet).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn tempdir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "l14-certs-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }
}
