//! The presets shipped in `policies/` and the policy file's JSON schema, embedded in the
//! binary.

/// `(name, yaml)` of every preset.
pub const PRESETS: &[(&str, &str)] = &[
    (
        "recommended",
        include_str!("../../policies/recommended.yaml"),
    ),
    ("strict", include_str!("../../policies/strict.yaml")),
    ("kids", include_str!("../../policies/kids.yaml")),
];

pub fn preset(name: &str) -> Option<&'static str> {
    PRESETS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// The hand-written JSON Schema (draft 2020-12) of `privlint.yaml`, for editor completion
/// (`# yaml-language-server: $schema=…`).
pub fn json_schema() -> &'static str {
    include_str!("../../privlint.schema.json")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::load::{
        CAPABILITY_KEYS, CONSENT_KEYS, EXCEPTION_KEYS, PATHS_KEYS, REQUIRE_KEYS, RULE_NAMES,
        SDKS_KEYS, TOP_LEVEL_KEYS,
    };
    use serde_json::Value;

    fn schema() -> Value {
        serde_json::from_str(json_schema()).expect("schema is JSON")
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
    fn schema_properties_match_the_loader_keys() {
        let schema = schema();
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        assert_eq!(schema["additionalProperties"], false);
        assert_eq!(property_names(&schema), sorted(TOP_LEVEL_KEYS));
        let props = &schema["properties"];
        assert_eq!(property_names(&props["sdks"]), sorted(SDKS_KEYS));
        assert_eq!(property_names(&props["require"]), sorted(REQUIRE_KEYS));
        assert_eq!(property_names(&props["paths"]), sorted(PATHS_KEYS));
        assert_eq!(property_names(&props["consent"]), sorted(CONSENT_KEYS));
        let defs = &schema["$defs"];
        assert_eq!(
            property_names(&defs["leveledCapability"]),
            sorted(CAPABILITY_KEYS)
        );
        assert_eq!(property_names(&defs["exception"]), sorted(EXCEPTION_KEYS));
        for object in [
            &props["sdks"],
            &props["require"],
            &props["paths"],
            &props["consent"],
            &defs["capability"],
            &defs["leveledCapability"],
            &defs["exception"],
        ] {
            assert_eq!(object["additionalProperties"], false);
        }
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
        let presets: Vec<String> = PRESETS.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(enum_of(&props["extends"]["anyOf"][0]), presets);
    }

    #[test]
    fn every_preset_is_version_one_and_documented() {
        for (name, text) in PRESETS {
            assert!(text.lines().any(|l| l == "version: 1"), "{name}");
            assert!(
                text.starts_with(&format!("# privlint preset `{name}`")),
                "{name}"
            );
        }
        assert!(preset("recommended").is_some());
        assert!(preset("none").is_none());
    }
}
