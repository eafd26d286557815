//! The JSON Schema (draft 2020-12) of `privlint.yaml`, for editor completion
//! (`# yaml-language-server: $schema=…`), generated with schemars from the typed sections
//! of [`super::document`]. `privlint schema` prints it; `privlint.schema.json` at the root
//! is this output, checked by a test (`UPDATE_SCHEMA=1 cargo test --lib policy::schema`
//! rewrites it).
//!
//! The types below exist for the schema only: the values they describe are read by the
//! validator, which keeps each value's span.

use std::borrow::Cow;

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

use super::document::{CapabilitySection, PolicyDocument};
use super::validate::{ACCESS_VALUES, PRECISION_VALUES, RULE_NAMES, UNLISTED_VALUES};
use super::{Access, Date, Precision, SdkSelector, Unlisted, presets};
use crate::catalog::Catalog;

const SCHEMA_ID: &str = "https://github.com/privlint/privlint/blob/main/privlint.schema.json";
const TITLE: &str = "privlint policy file (schema version 1)";
const DESCRIPTION: &str = "privlint.yaml: which SDKs may ship and which SDKs may receive microphone, location and contacts. See docs/policy.md. The keys of version 1 are a stable contract.";

/// The schema as `privlint schema` prints it (pretty JSON, one trailing newline).
pub fn json_schema() -> String {
    let generator = SchemaSettings::draft2020_12().into_generator();
    let mut schema = generator.into_root_schema_for::<PolicyDocument>();
    schema.insert("$id".into(), SCHEMA_ID.into());
    schema.insert("title".into(), TITLE.into());
    schema.insert("description".into(), DESCRIPTION.into());
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// `[{add: [...]}` or a list, or nothing]: how every list key of the policy is written.
pub(super) fn list_schema(item: Schema) -> Schema {
    json_schema!({
        "description": "A list replaces the inherited one; {add: [...]} appends to it.",
        "anyOf": [
            { "type": "array", "items": item },
            {
                "type": "object",
                "additionalProperties": false,
                "required": ["add"],
                "properties": { "add": { "type": "array", "items": item } }
            },
            { "type": "null" }
        ]
    })
}

fn names<T>(values: &[(&str, T)]) -> Vec<String> {
    values.iter().map(|(name, _)| name.to_string()).collect()
}

/// Implements `JsonSchema` for a type with a fixed schema: `name` and whether it is written
/// inline (`true`) or as a `$defs` entry.
macro_rules! fixed_schema {
    ($ty:ty, $name:literal, $inline:literal, |$generator:ident| $schema:expr) => {
        impl JsonSchema for $ty {
            fn schema_name() -> Cow<'static, str> {
                $name.into()
            }

            fn inline_schema() -> bool {
                $inline
            }

            #[allow(unused_variables)]
            fn json_schema($generator: &mut SchemaGenerator) -> Schema {
                $schema
            }
        }
    };
}

/// `version: 1`.
pub(super) struct Version;
/// `extends:` a preset or a relative path.
pub(super) struct Extends;
/// A path pattern (glob).
pub(super) struct Glob;
/// The `capabilities:` mapping, keyed by catalog capability id.
pub(super) struct Capabilities;
/// A capability without precision or background levels.
pub(super) struct PlainCapability;
/// `rule:` of an exception.
pub(super) struct RuleName;
/// `sdk:` of an exception.
pub(super) struct SdkId;
/// `capability:` of an exception.
pub(super) struct CapabilityId;
/// An entry of `consent.gates`.
pub(super) struct ConsentGateId;
/// `reason:` of an exception.
pub(super) struct Reason;

fixed_schema!(Version, "version", true, |g| json_schema!({ "const": 1 }));

fixed_schema!(Extends, "extends", true, |g| {
    let presets: Vec<&str> = presets::PRESETS.iter().map(|(name, _)| *name).collect();
    json_schema!({
        "anyOf": [
            { "enum": presets },
            { "type": "string", "pattern": "^(?![/~\\\\])(?![A-Za-z]:)[^\\\\]*\\.ya?ml$" }
        ]
    })
});

fixed_schema!(SdkSelector, "selector", false, |g| json_schema!({
    "description": "A catalog SDK id (firebase-analytics) or category:NAME (category:advertising).",
    "type": "string",
    "pattern": "^(category:[a-z0-9][a-z0-9-]*|[a-z0-9][a-z0-9._-]*)$",
    "examples": category_examples()
}));

fixed_schema!(
    Glob,
    "glob",
    false,
    |g| json_schema!({ "type": "string", "minLength": 1 })
);

fixed_schema!(
    Access,
    "access",
    false,
    |g| json_schema!({ "enum": names(ACCESS_VALUES) })
);

fixed_schema!(Unlisted, "unlisted", true, |g| json_schema!({
    "enum": names(UNLISTED_VALUES)
}));

fixed_schema!(Precision, "precision", true, |g| json_schema!({
    "enum": names(PRECISION_VALUES)
}));

fixed_schema!(PlainCapability, "capability", false, |g| {
    // The capability mapping without the keys only leveled capabilities accept.
    let mut schema = CapabilitySection::json_schema(g);
    if let Some(properties) = schema
        .get_mut("properties")
        .and_then(serde_json::Value::as_object_mut)
    {
        properties.remove("max_precision");
        properties.remove("background");
    }
    schema
});

fixed_schema!(Capabilities, "capabilities", true, |g| {
    let plain = g.subschema_for::<PlainCapability>();
    let leveled = g.subschema_for::<CapabilitySection>();
    let mut properties = serde_json::Map::new();
    for capability in embedded_catalog()
        .map(|c| c.capabilities)
        .unwrap_or_default()
    {
        let schema = if capability.levels { &leveled } else { &plain };
        properties.insert(capability.id, schema.as_value().clone());
    }
    json_schema!({
        "type": ["object", "null"],
        "properties": properties,
        "propertyNames": { "pattern": "^[a-z0-9][a-z0-9-]*$" },
        "additionalProperties": plain
    })
});

fixed_schema!(RuleName, "rule", true, |g| {
    let rules: Vec<&str> = RULE_NAMES
        .iter()
        .flat_map(|(code, name)| [*name, *code])
        .collect();
    json_schema!({ "enum": rules })
});

fixed_schema!(SdkId, "sdkId", true, |g| json_schema!({
    "type": "string",
    "pattern": "^[a-z0-9][a-z0-9._-]*$"
}));

fixed_schema!(ConsentGateId, "consentGateId", true, |g| json_schema!({
    "type": "string",
    "pattern": "^[a-z0-9][a-z0-9-]*$"
}));

fixed_schema!(CapabilityId, "capabilityId", true, |g| json_schema!({
    "type": "string",
    "pattern": "^[a-z0-9][a-z0-9-]*$"
}));

fixed_schema!(Reason, "reason", true, |g| json_schema!({
    "type": "string",
    "minLength": 1,
    "pattern": "\\S"
}));

fixed_schema!(Date, "date", false, |g| json_schema!({
    "type": "string",
    "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
}));

fn embedded_catalog() -> Option<Catalog> {
    Catalog::embedded().ok()
}

/// `category:NAME` for every category of the embedded catalog.
fn category_examples() -> Vec<String> {
    embedded_catalog()
        .map(|c| {
            c.categories
                .iter()
                .map(|category| format!("category:{}", category.id))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::document::{
        CapabilitySection, ExceptionEntry, PathsSection, RequireSection, SdksSection,
    };
    use serde_json::Value;

    fn schema() -> Value {
        serde_json::from_str(&json_schema()).expect("schema is JSON")
    }

    fn property_names(object: &Value) -> Vec<String> {
        let mut names: Vec<String> = object["properties"]
            .as_object()
            .expect("properties")
            .keys()
            .cloned()
            .collect();
        names.sort();
        names
    }

    fn sorted(keys: &[&str]) -> Vec<String> {
        let mut keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
        keys.sort();
        keys
    }

    #[test]
    fn the_checked_in_schema_is_the_generated_one() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/privlint.schema.json");
        let generated = json_schema();
        if std::env::var_os("UPDATE_SCHEMA").is_some() {
            std::fs::write(path, &generated).expect("write privlint.schema.json");
        }
        let checked_in = std::fs::read_to_string(path).expect("privlint.schema.json");
        assert!(
            checked_in == generated,
            "privlint.schema.json is stale: run `UPDATE_SCHEMA=1 cargo test --lib policy::schema`"
        );
    }

    #[test]
    fn schema_properties_are_the_document_keys() {
        let schema = schema();
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        assert_eq!(schema["additionalProperties"], false);
        assert_eq!(schema["required"], serde_json::json!(["version"]));
        assert_eq!(property_names(&schema), sorted(PolicyDocument::KEYS));
        let props = &schema["properties"];
        assert_eq!(property_names(&props["sdks"]), sorted(SdksSection::KEYS));
        assert_eq!(
            property_names(&props["require"]),
            sorted(RequireSection::KEYS)
        );
        assert_eq!(property_names(&props["paths"]), sorted(PathsSection::KEYS));
        let defs = &schema["$defs"];
        assert_eq!(
            property_names(&defs["leveledCapability"]),
            sorted(CapabilitySection::KEYS)
        );
        assert_eq!(
            property_names(&defs["capability"]),
            sorted(&["app", "sdks"])
        );
        assert_eq!(
            property_names(&defs["exception"]),
            sorted(ExceptionEntry::KEYS)
        );
        assert_eq!(
            defs["exception"]["required"],
            serde_json::json!(["rule", "reason"])
        );
        for object in [
            &schema,
            &props["sdks"],
            &props["require"],
            &props["paths"],
            &defs["capability"],
            &defs["leveledCapability"],
            &defs["exception"],
        ] {
            assert_eq!(object["additionalProperties"], false);
        }
        let capabilities = &props["capabilities"]["properties"];
        assert_eq!(
            capabilities["location"]["$ref"],
            "#/$defs/leveledCapability"
        );
        assert_eq!(capabilities["microphone"]["$ref"], "#/$defs/capability");
        assert_eq!(capabilities["contacts"]["$ref"], "#/$defs/capability");
    }

    #[test]
    fn schema_enums_match_the_loader() {
        let schema = schema();
        let enum_of = |v: &Value| -> Vec<String> {
            v["enum"]
                .as_array()
                .expect("enum")
                .iter()
                .map(|s| s.as_str().expect("string").to_string())
                .collect()
        };
        let props = &schema["properties"];
        let defs = &schema["$defs"];
        assert_eq!(
            enum_of(&props["sdks"]["properties"]["unlisted"]),
            ["allow", "warn", "deny"]
        );
        assert_eq!(enum_of(&defs["access"]), ["allow", "deny"]);
        assert_eq!(
            enum_of(&defs["leveledCapability"]["properties"]["max_precision"]),
            ["coarse", "precise"]
        );
        let rules = enum_of(&defs["exception"]["properties"]["rule"]);
        let expected: Vec<String> = RULE_NAMES
            .iter()
            .flat_map(|(code, name)| [name.to_string(), code.to_string()])
            .collect();
        assert_eq!(rules, expected);
        let presets: Vec<String> = presets::PRESETS
            .iter()
            .map(|(n, _)| n.to_string())
            .collect();
        assert_eq!(enum_of(&props["extends"]["anyOf"][0]), presets);
        assert_eq!(props["version"]["const"], 1);
    }

    #[test]
    fn every_key_has_a_description_where_the_hand_written_schema_had_one() {
        let schema = schema();
        let props = &schema["properties"];
        for key in [
            "version",
            "extends",
            "sdks",
            "capabilities",
            "require",
            "exceptions",
        ] {
            assert!(props[key]["description"].is_string(), "{key}");
        }
        let exception = &schema["$defs"]["exception"]["properties"];
        for key in ExceptionEntry::KEYS {
            assert!(exception[key]["description"].is_string(), "{key}");
        }
    }
}
