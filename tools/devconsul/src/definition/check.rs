//! A check definition and a check update read from a request body, and the checks Consul
//! makes of them (one kind of check each, an interval where one is needed, a known status).

use super::*;

impl CheckType {
    /// Decodes a `PUT /v1/agent/check/register` body.
    pub fn from_definition_json(value: &Value, style: KeyStyle) -> Result<CheckType, DecodeError> {
        let object = Object::new(value, CHECK_DEFINITION, style)?;
        let mut check = CheckType::from_object(&object)?;
        check.check_id = object.string("ID")?;
        Ok(check)
    }

    /// Reads the fields common to `CheckType` and `CheckDefinition`.
    pub fn from_object(object: &Object<'_>) -> Result<CheckType, DecodeError> {
        // Accepted for compatibility, type-checked, otherwise unused.
        for name in ["Shell", "Token", "Namespace", "Partition"] {
            object.string(name)?;
        }
        object.bool("TCPUseTLS")?;
        Ok(CheckType {
            check_id: object.string("CheckID")?,
            name: object.string("Name")?,
            status: object.string("Status")?,
            notes: object.string("Notes")?,
            tcp: object.string("TCP")?,
            http: object.string("HTTP")?,
            method: object.string("Method")?,
            header: object.string_list_map("Header")?,
            body: object.string("Body")?,
            disable_redirects: object.bool("DisableRedirects")?,
            tls_server_name: object.string("TLSServerName")?,
            tls_skip_verify: object.bool("TLSSkipVerify")?,
            grpc: object.string("GRPC")?,
            grpc_use_tls: object.bool("GRPCUseTLS")?,
            udp: object.string("UDP")?,
            h2ping: object.string("H2PING")?,
            os_service: object.string("OSService")?,
            script_args: object.strings("ScriptArgs")?,
            docker_container_id: object.string("DockerContainerID")?,
            alias_node: object.string("AliasNode")?,
            alias_service: object.string("AliasService")?,
            ttl: object.duration("TTL")?,
            interval: object.duration("Interval")?,
            timeout: object.duration("Timeout")?,
            deregister_critical_service_after: object.duration("DeregisterCriticalServiceAfter")?,
            success_before_passing: object.int("SuccessBeforePassing")?,
            failures_before_warning: object.int("FailuresBeforeWarning")?,
            failures_before_critical: object.int("FailuresBeforeCritical")?,
            output_max_size: object.int("OutputMaxSize")?,
            service_id: object.string("ServiceID")?,
        })
    }

    fn is_script(&self) -> bool {
        !self.script_args.is_empty()
    }

    fn is_alias(&self) -> bool {
        !self.alias_node.is_empty() || !self.alias_service.is_empty()
    }

    /// Script and Docker checks run commands, which a default Consul agent refuses.
    pub fn runs_commands(&self) -> bool {
        matches!(self.kind(), "script" | "docker")
    }

    /// Whether the check runs on an interval (as opposed to TTL or alias checks).
    pub fn is_interval_check(&self) -> bool {
        self.is_script()
            || !self.http.is_empty()
            || !self.tcp.is_empty()
            || !self.udp.is_empty()
            || !self.grpc.is_empty()
            || !self.h2ping.is_empty()
            || !self.os_service.is_empty()
    }

    /// Consul's `CheckType.Validate`, plus its status check.
    pub fn validate(&self) -> Result<(), String> {
        if !self.status.is_empty() && !is_status(&self.status) {
            return Err("Status for checks must 'passing', 'warning', 'critical'".into());
        }
        if self.interval > 0 && self.ttl > 0 {
            return Err("Interval and TTL cannot both be specified".into());
        }
        if self.is_interval_check() && self.interval <= 0 {
            return Err(
                "Interval must be > 0 for Script, HTTP, H2PING, TCP, UDP or OSService checks"
                    .into(),
            );
        }
        if self.is_alias() && self.ttl > 0 {
            return Err("TTL must be not be set for Alias checks".into());
        }
        if self.is_alias() && self.interval > 0 {
            return Err("Interval must not be set for Alias checks".into());
        }
        if !self.is_interval_check() && !self.is_alias() && self.ttl <= 0 {
            return Err("TTL must be > 0 for TTL checks".into());
        }
        if self.output_max_size < 0 {
            return Err("MaxOutputMaxSize must be positive".into());
        }
        if self.failures_before_warning > self.failures_before_critical
            && self.failures_before_critical > 0
        {
            return Err(format!(
                "FailuresBeforeWarning ({}) must be less than or equal to FailuresBeforeCritical ({})",
                self.failures_before_warning, self.failures_before_critical
            ));
        }
        Ok(())
    }

    /// The `Type` Consul reports for this check.
    pub fn kind(&self) -> &'static str {
        if !self.tcp.is_empty() {
            "tcp"
        } else if !self.http.is_empty() {
            "http"
        } else if !self.grpc.is_empty() {
            "grpc"
        } else if !self.udp.is_empty() {
            "udp"
        } else if !self.h2ping.is_empty() {
            "h2ping"
        } else if !self.os_service.is_empty() {
            "os_service"
        } else if !self.docker_container_id.is_empty() {
            "docker"
        } else if self.is_script() {
            "script"
        } else if self.is_alias() {
            "alias"
        } else if self.ttl > 0 {
            "ttl"
        } else {
            ""
        }
    }
}

impl CheckUpdate {
    pub fn from_json(value: &Value) -> Result<CheckUpdate, DecodeError> {
        let object = Object::new(value, CHECK_UPDATE, KeyStyle::Api)?;
        Ok(CheckUpdate {
            status: object.string("Status")?,
            output: object.string("Output")?,
        })
    }
}
