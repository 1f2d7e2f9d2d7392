//! A service definition read from a request body or a config file, and the checks Consul
//! makes of it (name, meta, port, address) before it is registered.

use super::*;

impl ServiceDefinition {
    /// Decodes a registration body.
    pub fn from_json(value: &Value, style: KeyStyle) -> Result<ServiceDefinition, DecodeError> {
        let object = Object::new(value, SERVICE_DEFINITION, style)?;
        let mut checks = Vec::new();
        if let Some(check) = object.object("Check", CHECK_TYPE)? {
            let check = CheckType::from_object(&check)?;
            // An all-empty `Check: {}` is how some clients say "no check".
            if check != CheckType::default() {
                checks.push(check);
            }
        }
        for check in object.objects("Checks", CHECK_TYPE)? {
            checks.push(CheckType::from_object(&check)?);
        }
        let mut tagged_addresses = BTreeMap::new();
        if let Some(Value::Object(map)) = object.get("TaggedAddresses") {
            for (key, value) in map {
                if value.is_null() {
                    continue;
                }
                let address = Object::new(value, SERVICE_ADDRESS, style)?;
                tagged_addresses.insert(
                    key.clone(),
                    ServiceAddress {
                        address: address.string("Address")?,
                        port: address.int("Port")?,
                    },
                );
            }
        } else if let Some(other) = object.get("TaggedAddresses") {
            return Err(DecodeError(format!(
                "json: cannot unmarshal {} into Go struct field ServiceDefinition.TaggedAddresses of type map[string]structs.ServiceAddress",
                if other.is_string() { "string" } else { "value" }
            )));
        }
        let weights = match object.object("Weights", WEIGHTS)? {
            Some(weights) => Some(Weights {
                passing: weights.int("Passing")?,
                warning: weights.int("Warning")?,
            }),
            None => None,
        };
        // Fields accepted for compatibility and otherwise unused: type-checked loosely.
        for name in ["Token", "Namespace", "Partition"] {
            object.string(name)?;
        }
        Ok(ServiceDefinition {
            kind: object.string("Kind")?,
            id: object.string("ID")?,
            name: object.string("Name")?,
            tags: object.strings("Tags")?,
            address: object.string("Address")?,
            tagged_addresses,
            meta: object.string_map("Meta")?,
            port: object.int("Port")?,
            socket_path: object.string("SocketPath")?,
            weights,
            enable_tag_override: object.bool("EnableTagOverride")?,
            checks,
        })
    }

    /// The ID the service is registered under: its `ID`, or its name when none is given.
    pub fn service_id(&self) -> String {
        if self.id.is_empty() {
            self.name.clone()
        } else {
            self.id.clone()
        }
    }

    /// Consul's checks on a registration, each failure a 400 with this message.
    pub fn validate(&self) -> Result<(), String> {
        if self.name.is_empty() {
            return Err("Missing service name".into());
        }
        if let Ok(ip) = self.address.parse::<IpAddr>()
            && ip.is_unspecified()
        {
            return Err("Invalid service address".into());
        }
        validate_meta(&self.meta).map_err(|reason| format!("Invalid Service Meta: {reason}"))?;
        if let Some(weights) = self.weights
            && (weights.passing < 1 || weights.warning < 0)
        {
            return Err(
                "Invalid Weights: Passing must be greater than 0 and Warning must not be negative"
                    .into(),
            );
        }
        for check in &self.checks {
            check
                .validate()
                .map_err(|reason| format!("Invalid check: {reason}"))?;
        }
        Ok(())
    }
}

/// Consul's limits on service metadata (`structs.ValidateServiceMetadata`).
fn validate_meta(meta: &BTreeMap<String, String>) -> Result<(), String> {
    if meta.len() > 64 {
        return Err("Node metadata cannot contain more than 64 key/value pairs".into());
    }
    for (key, value) in meta {
        if key.is_empty() {
            return Err("Key cannot be blank".into());
        }
        if key.len() > 128 {
            return Err(format!("Key is too long (limit: 128 characters): {key:?}"));
        }
        if !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(format!("Key contains invalid characters: {key:?}"));
        }
        if key.starts_with("consul-") {
            return Err(format!(
                "Key prefix 'consul-' is reserved for internal use: {key:?}"
            ));
        }
        if value.len() > 512 {
            return Err(format!(
                "Value is too long (limit: 512 characters): {value:?}"
            ));
        }
    }
    Ok(())
}
