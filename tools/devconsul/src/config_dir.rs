//! Service definition files: every `*.json` in `-config-dir`, as Consul reads them.
//!
//! ```json
//! {"service": {"name": "web", "tags": ["v1"], "port": 8080,
//!              "check": {"tcp": "127.0.0.1:8080", "interval": "10s"}}}
//! ```
//!
//! A file holds `service`, `services`, `check` or `checks`. Keys are Consul's snake_case
//! (`deregister_critical_service_after`), though any case works. Loading is all or
//! nothing: if one file is wrong, nothing changes and the error names the file. Loading
//! again (reload, SIGHUP) replaces each definition with its new version and deregisters
//! what has disappeared from disk.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use serde_json::Value;

use crate::decode::{KeyStyle, parse_body};
use crate::definition::{CheckType, ServiceDefinition};
use crate::shared::{Shared, lock};

/// The largest definition file read, as large as an API request body. Files go through
/// the same decoder as bodies (and its nesting limit); this bound keeps a stray huge file
/// in the folder from being read into memory whole.
const MAX_FILE_SIZE: u64 = 1 << 20;

/// Everything the folder defines.
#[derive(Debug, Default)]
struct Definitions {
    services: Vec<ServiceDefinition>,
    checks: Vec<CheckType>,
}

/// Reads every definition file in `dir` and brings the agent in line with them.
pub fn load(shared: &Arc<Shared>, dir: &Path) -> anyhow::Result<()> {
    let definitions = read_dir(dir)?;
    let services: BTreeSet<String> = definitions
        .services
        .iter()
        .map(ServiceDefinition::service_id)
        .collect();
    let checks: BTreeSet<String> = definitions
        .checks
        .iter()
        .map(|c| c.check_id.clone())
        .collect();
    let mut from_files = lock(&shared.from_files);
    shared.write(|store| {
        for gone in from_files.services.difference(&services) {
            if store.deregister_service(gone).is_some() {
                tracing::info!(target: "agent", service = %gone, "Deregistered service");
            }
        }
        for gone in from_files.checks.difference(&checks) {
            store.deregister_check(gone);
        }
        for service in &definitions.services {
            let id = store.register_service(service, true);
            tracing::info!(target: "agent", service = %id, "Synced service");
        }
        for check in &definitions.checks {
            if let Err(error) = store.register_check(check) {
                tracing::warn!(target: "agent", check = %check.check_id, %error, "Check not registered");
            }
        }
    });
    from_files.services = services;
    from_files.checks = checks;
    Ok(())
}

/// Parses every `*.json` file in `dir`, in name order.
fn read_dir(dir: &Path) -> anyhow::Result<Definitions> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the config folder {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json") && path.is_file())
        .collect();
    files.sort();
    let mut definitions = Definitions::default();
    for file in files {
        let bytes = read_bounded(&file)?;
        read_file(&bytes, &mut definitions)
            .with_context(|| format!("invalid definition file {}", file.display()))?;
    }
    Ok(definitions)
}

/// Reads a file of at most [`MAX_FILE_SIZE`] bytes, without reading more to find out.
fn read_bounded(file: &Path) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::fs::File::open(file)
        .and_then(|opened| opened.take(MAX_FILE_SIZE + 1).read_to_end(&mut bytes))
        .with_context(|| format!("cannot read {}", file.display()))?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        bail!(
            "{} is larger than {MAX_FILE_SIZE} bytes, the most a definition file may hold",
            file.display()
        );
    }
    Ok(bytes)
}

/// Adds the definitions of one file.
fn read_file(bytes: &[u8], definitions: &mut Definitions) -> anyhow::Result<()> {
    let value = parse_body(bytes)?;
    let Value::Object(top) = &value else {
        bail!("the file must hold a JSON object")
    };
    for (key, value) in top {
        let one = |value: &Value| vec![value.clone()];
        let many = |value: &Value| match value {
            Value::Array(items) => Ok(items.clone()),
            _ => bail!("{key:?} must be a list"),
        };
        match key.to_ascii_lowercase().as_str() {
            "service" => add_services(one(value), definitions)?,
            "services" => add_services(many(value)?, definitions)?,
            "check" => add_checks(one(value), definitions)?,
            "checks" => add_checks(many(value)?, definitions)?,
            _ => {
                tracing::warn!(target: "agent", key = %key, "ignoring configuration key the development agent does not use")
            }
        }
    }
    Ok(())
}

fn add_services(values: Vec<Value>, definitions: &mut Definitions) -> anyhow::Result<()> {
    for value in values {
        let service = ServiceDefinition::from_json(&value, KeyStyle::ConfigFile)?;
        service.validate().map_err(anyhow::Error::msg)?;
        if service.checks.iter().any(CheckType::runs_commands) {
            bail!(
                "service {:?}: script checks are not supported",
                service.name
            );
        }
        definitions.services.push(service);
    }
    Ok(())
}

fn add_checks(values: Vec<Value>, definitions: &mut Definitions) -> anyhow::Result<()> {
    for value in values {
        let mut check = CheckType::from_definition_json(&value, KeyStyle::ConfigFile)?;
        if check.name.is_empty() {
            bail!("Missing check name");
        }
        check
            .validate()
            .map_err(|reason| anyhow::anyhow!("Invalid check: {reason}"))?;
        if check.check_id.is_empty() {
            check.check_id = check.name.clone();
        }
        definitions.checks.push(check);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_seed_course_shapes() {
        let mut definitions = Definitions::default();
        let single = br#"{"service": {"name": "web", "tags": ["v1"], "port": 8080,
            "check": {"tcp": "127.0.0.1:8080", "interval": "10s", "deregister_critical_service_after": "1m"}}}"#;
        read_file(single, &mut definitions).unwrap();
        let several = br#"{"services": [{"name": "a", "id": "a-1"}, {"name": "b"}]}"#;
        read_file(several, &mut definitions).unwrap();
        let names: Vec<_> = definitions
            .services
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(names, ["web", "a", "b"]);
        assert_eq!(
            definitions.services[0].checks[0].deregister_critical_service_after,
            60_000_000_000
        );
        assert!(read_file(br#"{"service": {"port": 1}}"#, &mut definitions).is_err());
        assert!(read_file(b"not json", &mut definitions).is_err());
    }
}
