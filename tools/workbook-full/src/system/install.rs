//! How to install what the course needs: the command this machine's package manager takes
//! (`programs::install_command`), or, on a machine with none the course knows, the packages
//! named in the learner's language. `doctor` and `services` say it when a program is missing.

use workbook_core::language::messages::{Cmd, say};

/// The one command that installs `packages` (Debian name, Homebrew name) here.
pub fn install_command(packages: &[(&str, &str)]) -> String {
    programs::install_command(packages).unwrap_or_else(|| {
        let debian: Vec<&str> = packages.iter().map(|(d, _)| *d).collect();
        say(Cmd::DoctorInstallWith, &[("packages", &debian.join(" "))])
    })
}
