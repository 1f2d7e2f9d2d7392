//! Every crate shares the workspace's builds through the workspace-hack.
//!
//! The workspace-hack (`tools/workspace-hack`, kept by cargo hakari) makes `cargo test -p
//! lNN-…` reuse the dependency builds of the whole workspace; a crate that does not depend on
//! it builds its dependencies again, with features of its own, and a learner's two-second
//! check becomes minutes. Which crates it leaves out, `.config/hakari.toml` says. That each
//! other crate depends on it is read from the manifests; whether its own list of
//! dependencies is current only cargo hakari knows, and it is asked where it is installed
//! (`cargo hakari generate --diff`, `cargo hakari verify`).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};

use workbook_core::cargo;
use workbook_core::course::{Course, Lesson};
use workbook_core::problem::Problem;
use workbook_core::ui;

use super::Package;

/// The workspace-hack's settings: its package and the workspace members it leaves out.
struct Hakari {
    package: String,
    excluded: Vec<String>,
}

fn hakari_config(root: &Path) -> Result<Option<Hakari>> {
    let path = root.join(".config/hakari.toml");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(None);
    };
    let config: toml::Value = toml::from_str(&text).context("reading .config/hakari.toml")?;
    let package = config
        .get("hakari-package")
        .and_then(|v| v.as_str())
        .unwrap_or("workspace-hack")
        .to_string();
    let excluded = config
        .get("traversal-excludes")
        .and_then(|t| t.get("workspace-members"))
        .and_then(|m| m.as_array())
        .into_iter()
        .flatten()
        .filter_map(|name| name.as_str().map(str::to_string))
        .collect();
    Ok(Some(Hakari { package, excluded }))
}

/// Each package of `packages` (with `only`, those lessons' packages) that should depend on
/// the workspace-hack and does not, or that `.config/hakari.toml` leaves out and does; each
/// with the line of its `Cargo.toml` to add or remove. None for a workspace without one.
pub fn hakari_problems(
    course: &Course,
    packages: &[Package],
    only: Option<&[&Lesson]>,
) -> Result<Option<Vec<Problem>>> {
    let Some(hakari) = hakari_config(&course.root)? else {
        return Ok(None);
    };
    let Some(hack) = packages.iter().find(|p| p.name == hakari.package) else {
        return Ok(Some(vec![Problem {
            location: ".config/hakari.toml".into(),
            message: format!(
                "names the workspace-hack `{}`, which is no package of the workspace",
                hakari.package
            ),
        }]));
    };
    let hack_dir = hack.manifest.parent().unwrap_or(&course.root);
    let version = hack.version.rsplit_once('.').map_or("0.1", |(v, _)| v);
    let mut problems = Vec::new();
    for package in packages {
        if package.name == hack.name
            || only.is_some_and(|lessons| !lessons.iter().any(|l| l.package == package.name))
        {
            continue;
        }
        let dir = package.manifest.parent().unwrap_or(&course.root);
        let line = format!(
            "{} = {{ version = \"{version}\", path = \"{}\" }}",
            hack.name,
            relative_path(dir, hack_dir).display()
        );
        let manifest = std::fs::read_to_string(&package.manifest).unwrap_or_default();
        let shown = course.relative(&package.manifest).display().to_string();
        let depends = package.dependencies.contains(&hack.name);
        let excluded = hakari.excluded.contains(&package.name);
        if !depends && !excluded {
            let (at, under) = insertion_line(&manifest, "[dependencies]");
            problems.push(Problem {
                location: format!("{shown}:{at}"),
                message: format!(
                    "{} does not depend on the workspace-hack, so its builds do not share the \
                     workspace's: add «{line}» {under} (`cargo hakari manage-deps --yes` \
                     writes it; .config/hakari.toml lists the crates left out)",
                    package.name
                ),
            });
        } else if depends && excluded {
            let at = manifest
                .lines()
                .position(|l| l.trim_start().starts_with(&format!("{} ", hack.name)))
                .map_or(String::new(), |n| format!(":{}", n + 1));
            problems.push(Problem {
                location: format!("{shown}{at}"),
                message: format!(
                    "{} depends on the workspace-hack, which .config/hakari.toml keeps it out \
                     of: remove that line, or the crate from traversal-excludes",
                    package.name
                ),
            });
        }
    }
    Ok(Some(problems))
}

/// Where a line goes in `manifest`'s `section`: the number of the line after its last
/// entry, and how to say so (`under [dependencies]`, or with the section at the end).
fn insertion_line(manifest: &str, section: &str) -> (usize, String) {
    let lines: Vec<&str> = manifest.lines().collect();
    let Some(start) = lines.iter().position(|l| l.trim() == section) else {
        return (
            lines.len() + 1,
            format!("in a new {section} section at its end"),
        );
    };
    let end = lines[start + 1..]
        .iter()
        .position(|l| l.trim_start().starts_with('['))
        .map_or(lines.len(), |n| start + 1 + n);
    let last = (start..end)
        .rev()
        .find(|&n| !lines[n].trim().is_empty())
        .unwrap_or(start);
    (
        last + 2,
        format!("as line {} (the end of its {section})", last + 2),
    )
}

/// `to` as a path from `from` (both absolute, in one tree): `../../tools/workspace-hack`.
fn relative_path(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut path = PathBuf::new();
    for _ in common..from.len() {
        path.push("..");
    }
    for part in &to[common..] {
        path.push(part);
    }
    path
}

/// What cargo hakari says of the workspace-hack's own list: current and working, or not;
/// or why it was not asked.
pub enum HakariTool {
    Ran(Vec<Problem>),
    Skipped(String),
}

/// Asks cargo hakari, where it is installed, whether the workspace-hack is current
/// (`generate --diff`) and unifies what it should (`verify`): two to three seconds.
pub fn ask_hakari(root: &Path) -> HakariTool {
    let installed = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .chain(std::env::var_os("CARGO_HOME").map(|home| PathBuf::from(home).join("bin")))
        .chain(std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo/bin")))
        .any(|dir| dir.join("cargo-hakari").is_file());
    if !installed {
        return HakariTool::Skipped(
            "the workspace-hack's own list of dependencies is not compared with the \
             workspace's: cargo-hakari is not installed (`cargo install cargo-hakari --locked`, \
             a few minutes once)"
                .into(),
        );
    }
    let mut problems = Vec::new();
    let cargo = std::env::var("CARGO").unwrap_or("cargo".into());
    let asks = [
        (
            ["hakari", "generate", "--diff"],
            "is not current: `cargo hakari generate` writes it",
        ),
        (
            ["hakari", "verify", ""],
            "does not unify what it should: `cargo hakari verify` says why",
        ),
    ];
    for (args, failure) in asks {
        let args: Vec<&str> = args.into_iter().filter(|a| !a.is_empty()).collect();
        // Plain text, and no backtrace under a failure: the check shows what hakari says.
        let output = Command::new(&cargo)
            .current_dir(root)
            .args(&args)
            .env("NO_COLOR", "1")
            .env("RUST_BACKTRACE", "0")
            .env("RUST_LIB_BACKTRACE", "0")
            .output();
        match output {
            Ok(output) if output.status.success() => {}
            Ok(output) => {
                let said = cargo::strip_ansi(
                    &(String::from_utf8_lossy(&output.stdout).to_string()
                        + &String::from_utf8_lossy(&output.stderr)),
                );
                problems.push(Problem {
                    location: "tools/workspace-hack/Cargo.toml".into(),
                    message: format!(
                        "{failure} (`cargo {}`):\n{}",
                        args.join(" "),
                        ui::indent(&ui::clip_lines(said.trim(), 12), "      ")
                    ),
                });
            }
            Err(err) => problems.push(Problem {
                location: "tools/workspace-hack/Cargo.toml".into(),
                message: format!("`cargo {}` did not run: {err}", args.join(" ")),
            }),
        }
    }
    HakariTool::Ran(problems)
}

#[cfg(test)]
mod tests;
