//! The presets shipped in `policies/`, embedded in the binary.

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

#[cfg(test)]
mod tests {
    use super::*;

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
