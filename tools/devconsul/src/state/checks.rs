//! The checks' side of the store: adding, removing and updating checks, TTLs that run
//! out, maintenance mode, and the critical services to reap. Each change moves the indexes
//! of what it touches (`note_check_change`), so blocking queries wake only when they should.

use tokio::time::Instant;

use super::*;

impl Store {
    /// Adds or replaces one check (its `service_id` already set) at `index`. A check that
    /// exists keeps its status and output. Returns whether anything changed.
    pub(super) fn put_check(&mut self, definition: &CheckType, index: u64) -> bool {
        let existing = self.checks.get(&definition.check_id).cloned();
        if let Some(existing) = &existing
            && existing.definition == *definition
        {
            return false;
        }
        let generation = self.generation();
        let now = Instant::now();
        let check = match existing {
            Some(existing) => Check {
                name: definition.name.clone(),
                notes: definition.notes.clone(),
                service_id: definition.service_id.clone(),
                definition: definition.clone(),
                generation,
                ttl_deadline: None,
                modify_index: index,
                ..existing
            },
            None => {
                let status = if definition.status.is_empty() {
                    "critical"
                } else {
                    &definition.status
                };
                Check {
                    id: definition.check_id.clone(),
                    name: definition.name.clone(),
                    status: status.to_string(),
                    notes: definition.notes.clone(),
                    service_id: definition.service_id.clone(),
                    definition: definition.clone(),
                    generation,
                    critical_since: (status == "critical").then_some(now),
                    create_index: index,
                    modify_index: index,
                    ..Check::default()
                }
            }
        };
        let mut check = check;
        if let Some(ttl) = check.ttl() {
            check.ttl_deadline = Some(now + ttl);
        }
        self.note_check_change(&check.service_id.clone(), index);
        self.checks.insert(check.id.clone(), check);
        true
    }

    /// Records that a check of `service_id` (or of the node, when empty) changed.
    fn note_check_change(&mut self, service_id: &str, index: u64) {
        self.checks_index = index;
        if service_id.is_empty() {
            self.node_checks_index = index;
        } else if let Some(service) = self.services.get(service_id) {
            let name = service.name.clone();
            self.touch_name(&name, index, false);
        }
    }

    /// Registers a standalone check (`PUT /v1/agent/check/register`); `definition` has its
    /// ID and name filled in. Fails when its service does not exist.
    pub fn register_check(&mut self, definition: &CheckType) -> Result<(), String> {
        if !definition.service_id.is_empty() && !self.services.contains_key(&definition.service_id)
        {
            return Err(format!(
                "ServiceID \"{}\" does not exist",
                definition.service_id
            ));
        }
        let index = self.index + 1;
        if self.put_check(definition, index) {
            self.index = index;
        }
        Ok(())
    }

    /// Removes a service and all its checks. Returns the removed service.
    pub fn deregister_service(&mut self, id: &str) -> Option<Service> {
        let service = self.services.get(id).filter(|s| !s.builtin)?.clone();
        self.services.remove(id);
        self.checks.retain(|_, check| check.service_id != id);
        let index = self.bump();
        self.touch_name(&service.name, index, true);
        self.services_index = index;
        self.checks_index = index;
        Some(service)
    }

    /// Removes one check. Returns whether it existed.
    pub fn deregister_check(&mut self, id: &str) -> bool {
        match self.checks.get(id) {
            Some(check) if !check.builtin => {
                let service_id = check.service_id.clone();
                self.checks.remove(id);
                let index = self.bump();
                self.note_check_change(&service_id, index);
                true
            }
            _ => false,
        }
    }

    /// Sets a check's status and output. A status change is a new index; an output-only
    /// change is one only when `output_counts` (Consul defers output-only updates of
    /// probes). Returns whether the index moved.
    pub fn set_check_status(
        &mut self,
        id: &str,
        status: &str,
        output: &str,
        output_counts: bool,
    ) -> bool {
        let Some(check) = self.checks.get_mut(id) else {
            return false;
        };
        let status_changed = check.status != status;
        let output_changed = check.output != output;
        check.output = output.to_string();
        let counts = status_changed || (output_changed && output_counts);
        if !counts {
            return false;
        }
        if status_changed {
            check.critical_since = (status == "critical").then(Instant::now);
            check.status = status.to_string();
        }
        let index = self.index + 1;
        check.modify_index = index;
        let service_id = check.service_id.clone();
        self.index = index;
        self.note_check_change(&service_id, index);
        true
    }

    /// A TTL check's update from its service: sets status and output and restarts the
    /// clock. Output beyond `OutputMaxSize` (default 4096 bytes) is cut as Consul does.
    pub fn update_ttl(&mut self, id: &str, status: &str, output: &str) -> Result<(), TtlError> {
        let check = self.checks.get_mut(id).ok_or(TtlError::UnknownCheck)?;
        let ttl = check.ttl().ok_or(TtlError::NotTtl)?;
        check.ttl_deadline = Some(Instant::now() + ttl);
        let limit = match check.definition.output_max_size {
            0 => 4096,
            n => n as usize,
        };
        let output = truncate_output(output, limit);
        self.set_check_status(id, status, &output, true);
        Ok(())
    }

    /// Marks a TTL check critical if its deadline has passed. Returns whether it expired.
    pub fn expire_ttl(&mut self, id: &str, now: Instant) -> bool {
        let Some(check) = self.checks.get_mut(id) else {
            return false;
        };
        match check.ttl_deadline {
            Some(deadline) if deadline <= now => {
                check.ttl_deadline = None;
                let output = if check.output.is_empty() {
                    "TTL expired".to_string()
                } else {
                    format!(
                        "TTL expired (last output before timeout follows): {}",
                        check.output
                    )
                };
                self.set_check_status(id, "critical", &output, true);
                true
            }
            _ => false,
        }
    }

    /// Turns maintenance of a service (or of the node, for `None`) on or off.
    pub fn set_maintenance(&mut self, service_id: Option<&str>, enable: bool, reason: &str) {
        let (check_id, name, what) = match service_id {
            Some(id) => (
                format!("{SERVICE_MAINTENANCE_PREFIX}{id}"),
                "Service Maintenance Mode",
                "service",
            ),
            None => (
                NODE_MAINTENANCE_ID.to_string(),
                "Node Maintenance Mode",
                "node",
            ),
        };
        if !enable {
            self.deregister_check(&check_id);
            return;
        }
        if self.checks.contains_key(&check_id) {
            return;
        }
        let notes = if reason.is_empty() {
            format!(
                "Maintenance mode is enabled for this {what}, but no reason was provided. This is a default message."
            )
        } else {
            reason.to_string()
        };
        let index = self.bump();
        let service_id = service_id.unwrap_or_default().to_string();
        let check = Check {
            id: check_id.clone(),
            name: name.into(),
            status: "critical".into(),
            notes,
            service_id: service_id.clone(),
            create_index: index,
            modify_index: index,
            ..Check::default()
        };
        self.checks.insert(check_id, check);
        self.note_check_change(&service_id, index);
    }

    /// Services with a check that has been critical for longer than its
    /// DeregisterCriticalServiceAfter (at least `minimum`): `(service ID, check ID)`.
    pub fn overdue(&self, now: Instant, minimum: Duration) -> Vec<(String, String)> {
        self.checks
            .values()
            .filter(|check| {
                check.definition.deregister_critical_service_after > 0
                    && !check.service_id.is_empty()
            })
            .filter_map(|check| {
                let after =
                    Duration::from_nanos(check.definition.deregister_critical_service_after as u64)
                        .max(minimum);
                let since = check.critical_since?;
                (now.duration_since(since) >= after)
                    .then(|| (check.service_id.clone(), check.id.clone()))
            })
            .collect()
    }
}
