//! What the benches of a room share: each simulated learner's machine, an address of its
//! own on the loopback, and the server's memory as the kernel counts it.

use std::net::Ipv4Addr;

/// Learner `n`'s machine: an address of its own on the loopback (127.0.0.2 and on), as a
/// room's laptops have one each and the server keeps its limits by address.
pub fn machine(n: usize) -> Ipv4Addr {
    Ipv4Addr::new(127, 0, (2 + n / 250) as u8, (2 + n % 250) as u8)
}

/// The resident set of process `pid`, and its peak since the process started, in KiB.
pub fn memory(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| -> Option<u64> {
        status
            .lines()
            .find(|line| line.starts_with(name))?
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

/// `class serve` of this course with `args`, its class kept in `dir`, as a teacher starts
/// it, in English and its output piped for the bench to read its lines.
pub fn class_serve(args: &[&str], dir: &std::path::Path) -> std::process::Child {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::process::Command::new(env!("CARGO_BIN_EXE_workbook-full"))
        .args(["--lang", "en", "class", "serve"])
        .args(args)
        .arg("--dir")
        .arg(dir)
        .current_dir(&root)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("class serve starts")
}
