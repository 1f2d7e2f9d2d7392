//! What a lesson shares with the whole workspace, outside its folder: the workspace-hack it
//! depends on, and its tests' names.
//!
//! The workspace-hack (`tools/workspace-hack`, kept by cargo hakari) makes `cargo test -p
//! lNN-…` reuse the dependency builds of the whole workspace; a crate that does not depend on
//! it builds its dependencies again, with features of its own, and a learner's two-second
//! check becomes minutes. Which crates it leaves out, `.config/hakari.toml` says. That each
//! other crate depends on it is read from the manifests (`cargo metadata`, a fifth of a
//! second); whether its own list of dependencies is current only cargo hakari knows, and
//! it is asked where it is installed (`cargo hakari generate --diff`, `cargo hakari verify`).
//!
//! `verify` builds an exercise's test as `cargo test --workspace --test NAME`: every package
//! with a test of that name is built, and an exercise's test shares its name with no other
//! test of the workspace.
//!
//! A package that lists its tests (`autotests = false`: a lesson's own tests are modules of
//! one binary, as `lessons/01-tcp/tests/main.rs` declares them, its exercises' tests binaries
//! of their own) compiles a file of its tests folder only if a target names it or a target's
//! root declares it (`mod NAME;`). A file that neither does is a test that never runs and
//! never fails, so each one is a problem.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use workbook_core::cargo;
use workbook_core::course::{Course, Lesson};
use workbook_core::problem::Problem;
use workbook_core::ui;

/// A package of the workspace, as `cargo metadata` describes it.
#[derive(Debug)]
pub struct Package {
    pub name: String,
    pub version: String,
    /// Its `Cargo.toml`, absolute.
    pub manifest: PathBuf,
    /// The packages it depends on, any kind.
    pub dependencies: Vec<String>,
    /// Its test targets: name and source file, absolute.
    pub tests: Vec<(String, PathBuf)>,
}

/// The workspace's own packages (`cargo metadata --no-deps`).
pub fn packages(root: &Path) -> Result<Vec<Package>> {
    let output = Command::new(std::env::var("CARGO").unwrap_or("cargo".into()))
        .current_dir(root)
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--offline",
        ])
        .output()
        .context("running cargo metadata")?;
    if !output.status.success() {
        bail!(
            "cargo metadata: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    let text = |value: &serde_json::Value| value.as_str().unwrap_or_default().to_string();
    Ok(metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|package| Package {
            name: text(&package["name"]),
            version: text(&package["version"]),
            manifest: PathBuf::from(text(&package["manifest_path"])),
            dependencies: package["dependencies"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|dependency| text(&dependency["name"]))
                .collect(),
            tests: package["targets"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|target| {
                    target["kind"]
                        .as_array()
                        .is_some_and(|kinds| kinds.iter().any(|k| k == "test"))
                })
                .map(|target| {
                    (
                        text(&target["name"]),
                        PathBuf::from(text(&target["src_path"])),
                    )
                })
                .collect(),
        })
        .collect())
}

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

/// Each exercise test of `lessons` that is also the name of another test of the workspace,
/// located at the exercise's `test = "…"` line; and each test of `lessons` that another
/// lesson's exercise test is named as, located at the test's file. `verify` builds an
/// exercise's test with `--workspace --test NAME`, which builds every test of that name.
pub fn test_name_problems(
    course: &Course,
    packages: &[Package],
    lessons: &[&Lesson],
) -> Vec<Problem> {
    let tests_named = |name: &str| -> Vec<(&str, &Path)> {
        packages
            .iter()
            .flat_map(|p| p.tests.iter().map(move |(n, file)| (p, n, file)))
            .filter(|(_, n, _)| *n == name)
            .map(|(p, _, file)| (p.name.as_str(), file.as_path()))
            .collect()
    };
    let shown = |file: &Path| course.relative(file).display().to_string();
    let mut problems = Vec::new();
    for lesson in &course.lessons {
        let ours = lessons.iter().any(|l| l.id == lesson.id);
        let mut names: Vec<&str> = Vec::new();
        for exercise in &lesson.exercises {
            let name = exercise.test.as_str();
            if names.contains(&name) {
                continue;
            }
            names.push(name);
            let (own, others): (Vec<_>, Vec<_>) = tests_named(name)
                .into_iter()
                .partition(|(package, _)| *package == lesson.package);
            let file = own.first().map_or(
                format!("lessons/{}/tests/{name}.rs", lesson.folder),
                |(_, f)| shown(f),
            );
            if ours && !others.is_empty() {
                let toml =
                    std::fs::read_to_string(lesson.dir.join("lesson.toml")).unwrap_or_default();
                let line = toml
                    .lines()
                    .position(|l| {
                        l.split_once('=').is_some_and(|(key, value)| {
                            key.trim() == "test" && value.trim().trim_matches('"') == name
                        })
                    })
                    .map_or(String::new(), |n| format!(":{}", n + 1));
                let others: Vec<String> = others.iter().map(|(_, f)| shown(f)).collect();
                problems.push(Problem {
                    location: format!("lessons/{}/lesson.toml{line}", lesson.folder),
                    message: format!(
                        "exercise `{}`'s test `{name}` ({file}) has the name of {} too: \
                         `verify` builds `--workspace --test {name}`, which builds them all; \
                         give it a name of its own: rename the file and write \
                         «test = \"{}_{name}\"» here",
                        exercise.id,
                        others.join(", "),
                        lesson.id.replace('-', "_"),
                    ),
                });
            } else if !ours
                && !lessons
                    .iter()
                    .any(|l| l.exercises.iter().any(|e| e.test == name))
            {
                // Another lesson's exercise test, named as a test of one of `lessons`.
                for (package, theirs) in &others {
                    if lessons.iter().any(|l| l.package == *package) {
                        problems.push(Problem {
                            location: shown(theirs),
                            message: format!(
                                "has the name of exercise `{}`'s test ({file}): `verify` \
                                 builds `--workspace --test {name}`, which builds both; give \
                                 it a name of its own",
                                exercise.id
                            ),
                        });
                    }
                }
            }
        }
    }
    problems
}

/// Each file `tests/NAME.rs` of a package that no test target compiles: neither a target's
/// source nor declared (`mod NAME;`) in a target's root file in `tests/`.
pub fn orphan_test_problems(root: &Path, packages: &[Package]) -> Vec<Problem> {
    let mut problems = Vec::new();
    for package in packages {
        let Some(dir) = package.manifest.parent() else {
            continue;
        };
        let tests = dir.join("tests");
        let Ok(entries) = std::fs::read_dir(&tests) else {
            continue;
        };
        let roots: Vec<String> = package
            .tests
            .iter()
            .filter(|(_, file)| file.parent() == Some(tests.as_path()))
            .filter_map(|(_, file)| std::fs::read_to_string(file).ok())
            .collect();
        let declared = |name: &str| {
            roots.iter().any(|root| {
                root.lines().any(|line| {
                    let line = line.trim();
                    let line = line.strip_prefix("pub ").unwrap_or(line);
                    line == format!("mod {name};")
                })
            })
        };
        let mut files: Vec<PathBuf> = entries
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
            .collect();
        files.sort();
        for file in files {
            let Some(name) = file.file_stem().and_then(|stem| stem.to_str()) else {
                continue;
            };
            let a_target = package.tests.iter().any(|(_, source)| *source == file);
            if !a_target && !declared(name) {
                problems.push(Problem {
                    location: file
                        .strip_prefix(root)
                        .unwrap_or(&file)
                        .display()
                        .to_string(),
                    message: format!(
                        "no test target of {} compiles it, so its tests never run: declare \
                         it in tests/main.rs (`mod {name};`) or as a `[[test]]` of its own",
                        package.name
                    ),
                });
            }
        }
    }
    problems
}

/// Prints the workspace's checks under a heading of their own (with `only`, those lessons'
/// packages and tests); returns the number of problems and of checks skipped.
pub fn print(course: &Course, only: Option<&[&Lesson]>) -> (usize, usize) {
    println!();
    println!("{}", ui::bold("The workspace"));
    let lessons: Vec<&Lesson> = match only {
        Some(lessons) => lessons.to_vec(),
        None => course.lessons.iter().collect(),
    };
    let found = packages(&course.root).and_then(|packages| {
        let hack = hakari_problems(course, &packages, only)?;
        let mut names = test_name_problems(course, &packages, &lessons);
        names.extend(orphan_test_problems(&course.root, &packages));
        Ok((hack, names))
    });
    let (hack, names) = match found {
        Ok(found) => found,
        Err(err) => {
            println!("  {} {err:#}", ui::fail_mark());
            return (1, 0);
        }
    };
    let has_hack = hack.is_some();
    let hack = hack.unwrap_or_default();
    if has_hack && hack.is_empty() {
        println!(
            "  {} every crate depends on the workspace-hack, but those .config/hakari.toml \
             leaves out",
            ui::pass_mark()
        );
    }
    if names.is_empty() {
        println!(
            "  {} every exercise's test has a name no other test of the workspace has, and \
             every file of a package's tests/ is compiled by one of its tests",
            ui::pass_mark()
        );
    }
    let mut problems = hack;
    problems.extend(names);
    let mut skipped = 0;
    match has_hack.then(|| ask_hakari(&course.root)) {
        None => {}
        Some(HakariTool::Ran(found)) if found.is_empty() => println!(
            "  {} the workspace-hack is current (`cargo hakari generate --diff` and `verify`)",
            ui::pass_mark()
        ),
        Some(HakariTool::Ran(found)) => problems.extend(found),
        Some(HakariTool::Skipped(why)) => {
            skipped += 1;
            println!("  {} {why}", ui::yellow("skipped"));
        }
    }
    for problem in &problems {
        println!("  {} {problem}", ui::fail_mark());
    }
    (problems.len(), skipped)
}

#[cfg(test)]
mod tests;
