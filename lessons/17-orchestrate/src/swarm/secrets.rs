//! `deploy --tls`: lesson 16's certificates handed to the stack as swarm secrets.
//!
//! The CA is made on the machine that runs the lab, as an operator makes it on their own:
//! `target/l17-lab/PROJECT/certs/`, where `ca.key` stays. Each identity of the stack (the
//! captcha and user services, and the gateway that calls them) is issued a key and a
//! certificate there, and each file becomes a secret of the swarm (`docker secret create`,
//! its content on stdin), which `lab/stack-tls.yaml` hands to the services that need it.
//! No key is ever in an image, or on a node's disk.

use std::io::Write;
use std::path::PathBuf;
use std::process::Stdio;

use anyhow::{Context, bail};
use course_ca::{self as ca, Subject};

use super::{Swarm, paths};
use lab::docker::failure;

/// The identities the stack's services show, and Prometheus which scrapes them: the file
/// names micro (and lab/metrics) read are `NAME.pem` and `NAME.key`, beside `ca.pem`.
pub const IDENTITIES: [&str; 4] = ["captcha", "user", "gateway", "prometheus"];
/// What the secrets' names begin with (`tls-ca.pem`, `tls-user.key`), as the stack names them.
const PREFIX: &str = "tls-";

impl Swarm {
    /// Where this lab's CA and certificates are kept on this machine.
    pub fn certs_dir(&self) -> PathBuf {
        let project = self.options.project.replace(['/', '\\'], "_");
        paths::target_dir()
            .join("l17-lab")
            .join(project)
            .join("certs")
    }

    /// The CA (made if this lab has none yet), each identity's key and certificate, and
    /// each file a secret on the swarm of `manager` (made unless there already: a secret
    /// cannot change, and a deploy again keeps the ones its services use).
    pub fn make_secrets(&self, manager: &str) -> anyhow::Result<()> {
        let dir = self.certs_dir();
        if !dir.join("ca.key").is_file() {
            ca::create(&dir)?;
        }
        let mut files = vec!["ca.pem".to_string()];
        for name in IDENTITIES {
            if !dir.join(format!("{name}.key")).is_file() {
                ca::issue(&dir, &Subject::service(name))?;
            }
            files.extend([format!("{name}.pem"), format!("{name}.key")]);
        }
        let existing = self.on_node(manager, &["secret", "ls", "--format", "{{.Name}}"])?;
        for file in files {
            let secret = format!("{PREFIX}{file}");
            if existing.lines().any(|line| line.trim() == secret) {
                continue;
            }
            let content = std::fs::read(dir.join(&file))
                .with_context(|| format!("cannot read {}", dir.join(&file).display()))?;
            let mut create = self.on_node_command(manager, &["secret", "create", &secret, "-"]);
            create
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            let mut child = create.spawn().context("cannot run `docker exec`")?;
            child.stdin.take().expect("piped").write_all(&content)?;
            let out = child.wait_with_output()?;
            if !out.status.success() {
                bail!("{}", failure(&create, &out))
            }
        }
        println!(
            "secrets: the CA's certificate and the keys of {} (the CA's key stays in {})",
            IDENTITIES.join(", "),
            dir.display()
        );
        Ok(())
    }

    /// Forgets this lab's certificates (its swarm, and the secrets, are gone).
    pub fn forget_certs(&self) -> anyhow::Result<()> {
        let dir = self.certs_dir();
        match std::fs::remove_dir_all(&dir) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                Err(error).with_context(|| format!("cannot remove {}", dir.display()))
            }
            _ => {
                // And the lab's folder, empty now (not when another file is there).
                if let Some(lab) = dir.parent() {
                    let _ = std::fs::remove_dir(lab);
                }
                Ok(())
            }
        }
    }
}
