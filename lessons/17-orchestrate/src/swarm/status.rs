//! What the swarm says of a stack's services, read: `docker service ls`'s replicas
//! (`course_captcha 2/3`) and `docker service inspect`'s `UpdateStatus`, the state of the
//! last rolling update. `deploy` waits on both: a service is done when every replica it
//! wants runs *and* its update is over, since during an update the old replicas still count
//! as running.
//!
//! Kept apart from the commands that ask ([`super::stack`]), so that what the answers mean
//! can be tested without a swarm.

use anyhow::Context;
use serde::Deserialize;

/// One service of the stack as `docker service ls` shows it: `course_captcha`, and how many
/// of its replicas run out of how many are wanted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceState {
    pub name: String,
    pub running: u32,
    pub wanted: u32,
}

/// The services as a person reads them, a line each: `  course_captcha     3/3`.
pub fn table(services: &[ServiceState]) -> String {
    services
        .iter()
        .map(|s| format!("  {:<18} {}/{}\n", s.name, s.running, s.wanted))
        .collect()
}

/// A service's last rolling update, `UpdateStatus` in `docker service inspect`: absent
/// before its first, then `updating`, and `completed`; or `paused`, `rollback_started`,
/// `rollback_paused`, `rollback_completed` when its new replicas failed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Update {
    #[serde(rename = "State", default)]
    pub state: String,
    #[serde(rename = "Message", default)]
    pub message: String,
    #[serde(rename = "StartedAt", default)]
    pub started_at: String,
}

impl Update {
    /// No update under way: none ever, or one that ended (a rollback that ended too).
    pub fn settled(&self) -> bool {
        matches!(self.state.as_str(), "" | "completed" | "rollback_completed")
    }

    /// The swarm put the version before back.
    pub fn rolled_back(&self) -> bool {
        self.state == "rollback_completed"
    }
}

impl std::fmt::Display for Update {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = if self.state.is_empty() {
            "no update"
        } else {
            &self.state
        };
        if self.message.is_empty() {
            write!(f, "{state}")
        } else {
            write!(f, "{state}: {}", self.message)
        }
    }
}

/// `course_user {"State":"updating",…}` (or `course_user null`) as a service and its
/// [`Update`].
pub(super) fn parse_update(line: &str) -> anyhow::Result<(String, Update)> {
    let (name, json) = line
        .trim()
        .split_once(' ')
        .with_context(|| format!("not a service and its update: {line:?}"))?;
    let update: Option<Update> = serde_json::from_str(json)
        .with_context(|| format!("{name}'s UpdateStatus is not what it should be: {json}"))?;
    Ok((name.to_string(), update.unwrap_or_default()))
}

/// `course_captcha 2/3` (or `2/3 (max 1 per node)`) as a [`ServiceState`].
pub(super) fn parse_service(line: &str) -> Option<ServiceState> {
    let mut words = line.split_whitespace();
    let name = words.next()?.to_string();
    let (running, wanted) = words.next()?.split_once('/')?;
    Some(ServiceState {
        name,
        running: running.parse().ok()?,
        wanted: wanted.parse().ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_service_is_settled_once_its_update_is_over() {
        let (name, none) = parse_update("course_user null").unwrap();
        assert_eq!(name, "course_user");
        assert!(none.settled() && !none.rolled_back());
        let line = r#"course_api {"State":"updating","StartedAt":"2026-11-29T22:00:00Z","Message":"update in progress"}"#;
        let (_, updating) = parse_update(line).unwrap();
        assert!(!updating.settled());
        assert_eq!(updating.to_string(), "updating: update in progress");
        let (_, back) = parse_update(
            r#"course_user {"State":"rollback_completed","Message":"rollback completed"}"#,
        )
        .unwrap();
        assert!(back.settled() && back.rolled_back());
        let (_, paused) = parse_update(r#"course_user {"State":"paused"}"#).unwrap();
        assert!(!paused.settled());
        assert!(parse_update("course_user {").is_err());
    }

    #[test]
    fn a_service_line_is_read() {
        assert_eq!(
            parse_service("course_captcha 2/3"),
            Some(ServiceState {
                name: "course_captcha".into(),
                running: 2,
                wanted: 3
            })
        );
        assert_eq!(
            parse_service("course_api 0/2 (max 1 per node)")
                .unwrap()
                .wanted,
            2
        );
        assert_eq!(parse_service("nonsense"), None);
    }
}
