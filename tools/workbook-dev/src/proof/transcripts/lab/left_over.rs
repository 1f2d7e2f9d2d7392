//! The labs of earlier checks, killed before their chapter's end took them down: found by
//! their project's name (the check's prefix and a process id no longer running) and taken
//! down as the chapter's end would have, before a chapter makes its own.

use std::path::Path;
use std::process::Stdio;

use tokio::process::Command;

use super::ChapterLab;

impl ChapterLab {
    /// The labs of earlier checks whose process has gone (killed before their chapter's
    /// end), taken down: each holds gigabytes of containers and volumes nothing else removes.
    pub(super) async fn take_down_left_over(&self) {
        let label = self.kind.facts().project_label;
        let listed = Command::new("docker")
            .args(["ps", "--all", "--filter"])
            .arg(format!("label={label}"))
            .arg("--format")
            .arg(format!("{{{{.Label \"{label}\"}}}}"))
            .stdin(Stdio::null())
            .output()
            .await;
        let Ok(listed) = listed else {
            return;
        };
        let mut projects: Vec<String> = String::from_utf8_lossy(&listed.stdout)
            .lines()
            .filter(|project| left_over(project, self.kind.facts().project_prefix))
            .map(str::to_string)
            .collect();
        projects.sort();
        projects.dedup();
        for project in projects {
            let gone = ChapterLab {
                kind: self.kind,
                project,
                subnet: self.subnet.clone(),
                first_port: self.first_port,
                program: self.program.clone(),
                terminals: Vec::new(),
                logs: self.logs.clone(),
            };
            gone.stop().await;
        }
    }
}

/// Whether `project` is a check's (`l17verify4321`) whose process has gone. Where there is
/// no `/proc` to ask, none is.
pub(super) fn left_over(project: &str, prefix: &str) -> bool {
    let Some(pid) = project
        .strip_prefix(prefix)
        .and_then(|pid| pid.parse::<u32>().ok())
    else {
        return false;
    };
    let proc = Path::new("/proc");
    proc.join("self").exists() && !proc.join(pid.to_string()).exists()
}
