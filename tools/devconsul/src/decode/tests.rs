use super::*;
use serde_json::json;

const DEMO: Fields = Fields {
    type_name: "Demo",
    fields: &[
        Field::new("Name"),
        Field::new("Port"),
        Field::alias("EnableTagOverride", &["enable_tag_override"]),
        Field::new("Interval"),
    ],
};

#[test]
fn keys_match_case_insensitively_and_by_alias() {
    let value = json!({"NAME": "web", "port": 80, "enable_tag_override": true});
    let object = Object::new(&value, DEMO, KeyStyle::Api).unwrap();
    assert_eq!(object.string("Name").unwrap(), "web");
    assert_eq!(object.int("Port").unwrap(), 80);
    assert!(object.bool("EnableTagOverride").unwrap());
}

#[test]
fn unknown_keys_and_mismatched_types_are_refused() {
    let value = json!({"Name": "web", "Service": "web"});
    let error = Object::new(&value, DEMO, KeyStyle::Api).err().unwrap();
    assert_eq!(error.0, "json: unknown field \"Service\"");

    let value = json!({"Port": "80"});
    let object = Object::new(&value, DEMO, KeyStyle::Api).unwrap();
    assert_eq!(
        object.int("Port").unwrap_err().0,
        "json: cannot unmarshal string into Go struct field Demo.Port of type int"
    );
}

#[test]
fn null_is_absent_and_durations_take_both_forms() {
    let value = json!({"Name": null, "Interval": "1m30s"});
    let object = Object::new(&value, DEMO, KeyStyle::Api).unwrap();
    assert_eq!(object.string("Name").unwrap(), "");
    assert_eq!(object.duration("Interval").unwrap(), 90_000_000_000);
    let value = json!({"Interval": 5e9});
    let object = Object::new(&value, DEMO, KeyStyle::Api).unwrap();
    assert_eq!(object.duration("Interval").unwrap(), 5_000_000_000);
}

#[test]
fn config_files_ignore_underscores() {
    let value = json!({"enable_tag_override": true, "inter_val": "1s"});
    assert!(Object::new(&value, DEMO, KeyStyle::Api).is_err());
    let object = Object::new(&value, DEMO, KeyStyle::ConfigFile).unwrap();
    assert_eq!(object.duration("Interval").unwrap(), 1_000_000_000);
}
