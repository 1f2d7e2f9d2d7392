//! Reading request bodies the way Consul's Go code does.
//!
//! Consul decodes JSON with Go's `encoding/json`, and clients lean on its rules: keys match
//! struct fields case-insensitively (py-consul sends `name`, consulrs `Name`), `null` means
//! "not given", durations are `"10s"` or nanoseconds, a string where a number belongs is an
//! error, and an unknown key is refused with `json: unknown field "X"`.
//!
//! Rather than bend serde's derive to these rules, this module reads a
//! [`serde_json::Value`] by hand: a [`Fields`] table names every field a Go struct has (and
//! its snake_case aliases), [`Object::new`] refuses keys outside it, and typed getters
//! check each value. The typed definitions built on top live in [`crate::definition`];
//! turning bytes into a [`Value`] in the first place, within a bounded depth, is the
//! `body` module's.

mod body;

pub use body::{MAX_JSON_DEPTH, parse_body};

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// A body Consul would refuse. Displays like Go's `encoding/json` errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DecodeError(pub String);

/// Which key spellings are accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyStyle {
    /// The HTTP API: Go's case-insensitive match plus the documented snake_case aliases.
    Api,
    /// Configuration files, where Consul's own spelling is snake_case
    /// (`deregister_critical_service_after`): underscores are ignored as well as case.
    ConfigFile,
}

/// One field of a Go struct: its name, its snake_case aliases, and aliases only valid in
/// configuration files.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub file_aliases: &'static [&'static str],
}

impl Field {
    pub const fn new(name: &'static str) -> Field {
        Field {
            name,
            aliases: &[],
            file_aliases: &[],
        }
    }

    pub const fn alias(name: &'static str, aliases: &'static [&'static str]) -> Field {
        Field {
            name,
            aliases,
            file_aliases: &[],
        }
    }

    pub const fn file_alias(name: &'static str, file_aliases: &'static [&'static str]) -> Field {
        Field {
            name,
            aliases: &[],
            file_aliases,
        }
    }

    fn matches(&self, key: &str, style: KeyStyle) -> bool {
        let same = |wanted: &str| match style {
            KeyStyle::Api => key.eq_ignore_ascii_case(wanted),
            KeyStyle::ConfigFile => loose(key) == loose(wanted),
        };
        same(self.name)
            || self.aliases.iter().any(|alias| same(alias))
            || (style == KeyStyle::ConfigFile && self.file_aliases.iter().any(|alias| same(alias)))
    }
}

/// A Go struct's fields, with the struct's name for error messages.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub type_name: &'static str,
    pub fields: &'static [Field],
}

/// `Deregister_Critical_Service_After` → `deregistercriticalserviceafter`.
fn loose(key: &str) -> String {
    key.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// The JSON kind Go names in its "cannot unmarshal" messages.
fn kind(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(_) => "bool".into(),
        Value::Number(n) => format!("number {n}"),
        Value::String(_) => "string".into(),
        Value::Array(_) => "array".into(),
        Value::Object(_) => "object".into(),
    }
}

/// A JSON object being read as the Go struct `fields` describes.
pub struct Object<'a> {
    map: &'a Map<String, Value>,
    fields: Fields,
    style: KeyStyle,
}

impl<'a> Object<'a> {
    /// Checks that `value` is an object whose every key is a field of the struct.
    pub fn new(
        value: &'a Value,
        fields: Fields,
        style: KeyStyle,
    ) -> Result<Object<'a>, DecodeError> {
        let Value::Object(map) = value else {
            return Err(DecodeError(format!(
                "json: cannot unmarshal {} into Go value of type structs.{}",
                kind(value),
                fields.type_name
            )));
        };
        for key in map.keys() {
            if !fields.fields.iter().any(|field| field.matches(key, style)) {
                return Err(DecodeError(format!("json: unknown field \"{key}\"")));
            }
        }
        Ok(Object { map, fields, style })
    }

    /// The value given for field `name`, if any; `null` counts as not given, and so does
    /// a field the struct does not have.
    pub fn get(&self, name: &str) -> Option<&'a Value> {
        let field = self.fields.fields.iter().find(|field| field.name == name)?;
        self.map
            .iter()
            .filter(|(key, value)| !value.is_null() && field.matches(key, self.style))
            .map(|(_, value)| value)
            .next_back()
    }

    fn mismatch(&self, name: &str, value: &Value, go_type: &str) -> DecodeError {
        DecodeError(format!(
            "json: cannot unmarshal {} into Go struct field {}.{name} of type {go_type}",
            kind(value),
            self.fields.type_name
        ))
    }

    pub fn string(&self, name: &str) -> Result<String, DecodeError> {
        self.get(name)
            .map_or(Ok(String::new()), |value| self.text(name, value))
    }

    /// A Go `string` (of field `name`, or inside it); a `null` becomes `""` as in Go.
    fn text(&self, name: &str, value: &Value) -> Result<String, DecodeError> {
        match value {
            Value::Null => Ok(String::new()),
            Value::String(text) => Ok(text.clone()),
            other => Err(self.mismatch(name, other, "string")),
        }
    }

    pub fn int(&self, name: &str) -> Result<i64, DecodeError> {
        match self.get(name) {
            None => Ok(0),
            Some(value @ Value::Number(number)) => number
                .as_i64()
                .ok_or_else(|| self.mismatch(name, value, "int")),
            Some(other) => Err(self.mismatch(name, other, "int")),
        }
    }

    pub fn bool(&self, name: &str) -> Result<bool, DecodeError> {
        match self.get(name) {
            None => Ok(false),
            Some(Value::Bool(flag)) => Ok(*flag),
            Some(other) => Err(self.mismatch(name, other, "bool")),
        }
    }

    /// A `[]string`; a `null` element becomes `""` as in Go.
    pub fn strings(&self, name: &str) -> Result<Vec<String>, DecodeError> {
        match self.get(name) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items.iter().map(|item| self.text(name, item)).collect(),
            Some(other) => Err(self.mismatch(name, other, "[]string")),
        }
    }

    /// A `map[string]string`.
    pub fn string_map(&self, name: &str) -> Result<BTreeMap<String, String>, DecodeError> {
        match self.get(name) {
            None => Ok(BTreeMap::new()),
            Some(Value::Object(map)) => map
                .iter()
                .map(|(key, value)| Ok((key.clone(), self.text(name, value)?)))
                .collect(),
            Some(other) => Err(self.mismatch(name, other, "map[string]string")),
        }
    }

    /// A `map[string][]string`, the shape of HTTP headers.
    pub fn string_list_map(
        &self,
        name: &str,
    ) -> Result<BTreeMap<String, Vec<String>>, DecodeError> {
        match self.get(name) {
            None => Ok(BTreeMap::new()),
            Some(Value::Object(map)) => map
                .iter()
                .map(|(key, value)| match value {
                    Value::Null => Ok((key.clone(), Vec::new())),
                    Value::Array(items) => {
                        let values = items.iter().map(|item| self.text(name, item));
                        Ok((key.clone(), values.collect::<Result<_, _>>()?))
                    }
                    other => Err(self.mismatch(name, other, "[]string")),
                })
                .collect(),
            Some(other) => Err(self.mismatch(name, other, "map[string][]string")),
        }
    }

    /// A duration: a Go duration string or a number of nanoseconds. Signed nanoseconds.
    pub fn duration(&self, name: &str) -> Result<i64, DecodeError> {
        match self.get(name) {
            None => Ok(0),
            Some(Value::String(text)) => crate::duration::parse(text).map_err(DecodeError),
            Some(Value::Number(number)) => {
                let nanos = number.as_f64().unwrap_or(f64::MAX);
                if nanos.abs() > i64::MAX as f64 {
                    return Err(DecodeError(format!(
                        "json: duration {number} of {}.{name} is out of range",
                        self.fields.type_name
                    )));
                }
                Ok(nanos as i64)
            }
            Some(other) => Err(self.mismatch(name, other, "time.Duration")),
        }
    }

    /// A nested struct.
    pub fn object(&self, name: &str, fields: Fields) -> Result<Option<Object<'a>>, DecodeError> {
        match self.get(name) {
            None => Ok(None),
            Some(value @ Value::Object(_)) => Object::new(value, fields, self.style).map(Some),
            Some(other) => Err(self.mismatch(name, other, fields.type_name)),
        }
    }

    /// A slice of nested structs; `null` elements are skipped.
    pub fn objects(&self, name: &str, fields: Fields) -> Result<Vec<Object<'a>>, DecodeError> {
        match self.get(name) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .filter(|item| !item.is_null())
                .map(|item| match item {
                    Value::Object(_) => Object::new(item, fields, self.style),
                    other => Err(self.mismatch(name, other, fields.type_name)),
                })
                .collect(),
            Some(other) => Err(self.mismatch(name, other, &format!("[]{}", fields.type_name))),
        }
    }
}

#[cfg(test)]
mod tests;
