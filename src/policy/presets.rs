//! The presets shipped in `policies/`, embedded in the binary.

/// `(name, yaml)` of every preset.
pub const PRESETS: &[(&str, &str)] = &[
    ("recommended", include_str!("../../policies/recommended.yaml")),
    ("strict", include_str!("../../policies/strict.yaml")),
    ("kids", include_str!("../../policies/kids.yaml")),
];

pub fn preset(name: &str) -> Option<&'static str> {
    PRESETS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}
