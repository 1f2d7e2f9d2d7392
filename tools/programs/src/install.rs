//! How to install a program the course needs, said as the one command this machine's
//! package manager takes (apt-get, dnf, pacman or Homebrew), with each package's name in
//! that manager. The tests' servers (testkit), `doctor` and `services up` all say it.

use std::process::Command;

use crate::find_on_path;

/// The package's name for dnf or pacman, from its Debian name.
fn rename(debian: &str, manager: &str) -> String {
    let renamed = match (manager, debian) {
        ("dnf", "libssl-dev") => "openssl-devel",
        ("dnf", "pkg-config") => "pkgconf-pkg-config",
        ("pacman", "libssl-dev") => "openssl",
        ("pacman", "pkg-config") => "pkgconf",
        ("pacman", "python3") => "python",
        (_, "redis-server") => "redis",
        (_, "etcd-server") => "etcd",
        (_, "etcd-client") => "etcd",
        ("dnf", "fonts-noto-cjk") => "google-noto-sans-cjk-fonts",
        ("pacman", "fonts-noto-cjk") => "noto-fonts-cjk",
        ("pacman", "protobuf-compiler") => "protobuf",
        (_, other) => other,
    };
    renamed.to_string()
}

/// The one command that installs `packages` (Debian name, Homebrew name) with this
/// system's package manager; `None` when it has none of apt-get, dnf, pacman, Homebrew.
pub fn install_command(packages: &[(&str, &str)]) -> Option<String> {
    let has = |program: &str| find_on_path(program).is_some();
    let debian: Vec<&str> = packages.iter().map(|(d, _)| *d).collect();
    if cfg!(target_os = "macos") || (has("brew") && !has("apt-get")) {
        let brew: Vec<&str> = packages.iter().map(|(_, b)| *b).collect();
        return Some(format!("brew install {}", brew.join(" ")));
    }
    let sudo = if is_root() { "" } else { "sudo " };
    let renamed = |manager: &str| {
        let names: Vec<String> = debian.iter().map(|d| rename(d, manager)).collect();
        names.join(" ")
    };
    if has("apt-get") {
        Some(format!("{sudo}apt-get install -y {}", debian.join(" ")))
    } else if has("dnf") {
        Some(format!("{sudo}dnf install -y {}", renamed("dnf")))
    } else if has("pacman") {
        Some(format!("{sudo}pacman -S {}", renamed("pacman")))
    } else {
        None
    }
}

fn is_root() -> bool {
    std::env::var("USER").is_ok_and(|u| u == "root")
        || Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// [`install_command`] for one package, or words that name it when this machine has no
/// package manager the course knows: for a message in English (the tests' own).
pub fn how_to_install(debian: &str, homebrew: &str) -> String {
    install_command(&[(debian, homebrew)])
        .unwrap_or_else(|| format!("install `{debian}` with your system's package manager"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_etcdctl_and_the_cjk_font_for_each_package_manager() {
        assert_eq!(rename("etcd-client", "dnf"), "etcd");
        assert_eq!(rename("etcd-client", "pacman"), "etcd");
        assert_eq!(rename("fonts-noto-cjk", "pacman"), "noto-fonts-cjk");
        assert_eq!(rename("fonts-noto-cjk", "apt-get"), "fonts-noto-cjk");
    }
}
