//! `l11-micro new DIR --type srv|web|api`: a new service's crate, as go-micro's `micro new`
//! writes one — its main, a handler, a `.proto` and its build, a Dockerfile and a README.
//!
//! The files are templates in `lessons/11-micro/templates/`, compiled into the binary, with
//! `{{name}}` placeholders filled in here. The crate it writes is a service of this
//! lesson's framework, named `<namespace>.<type>.<alias>` in the registry as go-micro
//! names it (`go.micro.srv.greeter`); the web and api types call the srv of the same alias.

pub mod names;
pub mod prebuilt;

use std::path::{Component, Path, PathBuf};

use anyhow::{Context as _, bail};

pub use names::{check_alias, check_namespace};

/// What kind of service: go-micro's three.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// A gRPC service, called by name.
    Srv,
    /// An HTTP service with a page, which calls the srv by name.
    Web,
    /// A gRPC service for `micro api` to call, which calls the srv by name.
    Api,
}

impl Kind {
    /// The kind as it stands in the service's name.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Srv => "srv",
            Kind::Web => "web",
            Kind::Api => "api",
        }
    }

    /// The port the service listens on unless told otherwise.
    fn port(self) -> u16 {
        match self {
            Kind::Srv => 7041,
            Kind::Api => 7042,
            Kind::Web => 7043,
        }
    }

    /// The files of a crate of this kind: where each goes, and its template.
    fn files(self) -> Vec<(&'static str, &'static str)> {
        let mut files = vec![
            ("Cargo.toml", include_str!("../templates/common/Cargo.toml")),
            ("build.rs", include_str!("../templates/common/build.rs")),
            (
                "proto/example.proto",
                include_str!("../templates/common/example.proto"),
            ),
            ("Dockerfile", include_str!("../templates/common/Dockerfile")),
            (
                ".dockerignore",
                include_str!("../templates/common/dockerignore"),
            ),
        ];
        files.extend(match self {
            Kind::Srv => vec![
                ("src/main.rs", include_str!("../templates/srv/main.rs")),
                (
                    "src/handler.rs",
                    include_str!("../templates/srv/handler.rs"),
                ),
                (
                    "src/subscriber.rs",
                    include_str!("../templates/srv/subscriber.rs"),
                ),
                ("README.md", include_str!("../templates/srv/README.tmpl.md")),
            ],
            Kind::Api => vec![
                ("src/main.rs", include_str!("../templates/api/main.rs")),
                (
                    "src/handler.rs",
                    include_str!("../templates/api/handler.rs"),
                ),
                ("README.md", include_str!("../templates/api/README.tmpl.md")),
            ],
            Kind::Web => vec![
                ("src/main.rs", include_str!("../templates/web/main.rs")),
                (
                    "src/handler.rs",
                    include_str!("../templates/web/handler.rs"),
                ),
                ("README.md", include_str!("../templates/web/README.tmpl.md")),
            ],
        });
        if self == Kind::Web {
            // The page of the lesson's own web service: one page, one home.
            files.push(("html/index.html", micro::web::example::PAGE));
        }
        files
    }
}

/// The dependencies a web service adds to those every kind has.
const WEB_DEPENDENCIES: &str = "axum = \"0.8\"\n\
    serde = { version = \"1\", features = [\"derive\"] }\n\
    serde_json = \"1\"\n";

// ANCHOR: plan
/// A service to write: its kind and names, checked.
#[derive(Debug, Clone)]
pub struct Plan {
    pub kind: Kind,
    pub namespace: String,
    pub alias: String,
}

impl Plan {
    /// A plan, once `namespace` and `alias` are known to be names.
    pub fn new(kind: Kind, namespace: &str, alias: &str) -> anyhow::Result<Plan> {
        check_namespace(namespace)?;
        check_alias(alias)?;
        Ok(Plan {
            kind,
            namespace: namespace.to_string(),
            alias: alias.to_string(),
        })
    }

    /// Its name in the registry: `go.micro.srv.greeter`.
    pub fn service(&self) -> String {
        format!("{}.{}.{}", self.namespace, self.kind.name(), self.alias)
    }

    /// The srv that the web and api kinds call: the same alias, type `srv`.
    pub fn srv(&self) -> String {
        format!("{}.srv.{}", self.namespace, self.alias)
    }

    /// Its crate's (and binary's) name: `greeter-srv`.
    pub fn crate_name(&self) -> String {
        format!("{}-{}", self.alias, self.kind.name())
    }
}
// ANCHOR_END: plan

/// The alias go-micro takes when none is given: the folder's own name (of the folder it
/// stands for, for `.`).
pub fn alias_of(dir: &Path) -> anyhow::Result<String> {
    let full = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let name = full.file_name().and_then(|name| name.to_str());
    name.map(str::to_string)
        .with_context(|| format!("{} names no folder: give --alias", dir.display()))
}

/// Writes the crate of `plan` into `dir` (made if missing; refused unless empty), with the
/// course's `Cargo.lock` so that it builds with the versions the course was tested with.
/// The files written, as paths under `dir`.
pub fn write(dir: &Path, plan: &Plan) -> anyhow::Result<Vec<PathBuf>> {
    if dir.exists() {
        let mut entries =
            std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
        if entries.next().is_some() {
            bail!("{} is not empty: choose a new folder", dir.display());
        }
    }
    let course = course_root();
    let values = [
        ("{{service}}", plan.service()),
        ("{{srv}}", plan.srv()),
        ("{{namespace}}", plan.namespace.clone()),
        ("{{alias}}", plan.alias.clone()),
        ("{{crate}}", plan.crate_name()),
        ("{{port}}", plan.kind.port().to_string()),
        ("{{micro_path}}", course.join("micro").display().to_string()),
        ("{{course_root}}", course.display().to_string()),
        (
            "{{web_dependencies}}",
            match plan.kind {
                Kind::Web => WEB_DEPENDENCIES.to_string(),
                _ => String::new(),
            },
        ),
    ];
    let mut written = Vec::new();
    for (path, template) in plan.kind.files() {
        let text = values
            .iter()
            .fold(template.to_string(), |text, (placeholder, value)| {
                text.replace(placeholder, value)
            });
        write_file(dir, Path::new(path), &text)?;
        written.push(PathBuf::from(path));
    }
    if let Ok(lock) = std::fs::read_to_string(course.join("Cargo.lock")) {
        write_file(dir, Path::new("Cargo.lock"), &lock)?;
        written.push(PathBuf::from("Cargo.lock"));
    }
    Ok(written)
}

/// The course's folder, which this lesson's crate is in.
fn course_root() -> PathBuf {
    let course = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    course.canonicalize().unwrap_or(course)
}

/// Writes `text` at `path` under `dir`, making the folders on the way.
fn write_file(dir: &Path, path: &Path, text: &str) -> anyhow::Result<()> {
    debug_assert!(
        path.components()
            .all(|part| matches!(part, Component::Normal(_)))
    );
    let path = dir.join(path);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot make {}", parent.display()))?;
    }
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
}
