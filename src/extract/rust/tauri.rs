//! Tauri configuration: `tauri.conf.json` and `src-tauri/capabilities/*.json`.
//!
//! Tauri 2 grants plugin commands through permissions listed in capability files (or
//! inline in `app.security.capabilities` of the config). A permission whose identifier
//! starts with a prefix a catalog capability lists under `tauri_permissions`
//! (`geolocation:` → location) declares that capability; `deny-…` permissions grant
//! nothing. Tauri 1's `tauri.allowlist` has no geolocation or microphone entries, so a
//! v1 config only marks the app.

use serde_json::Value;

use crate::extract::FileInput;
use crate::model::{EvidenceKind, FileFacts, Level, Marker};

pub fn extract_config(input: &FileInput) -> FileFacts {
    let mut facts = FileFacts::default();
    facts.marker(input.loc(1, 1), Marker::TauriConfig);
    let Some(root) = parse_json(input, &mut facts) else {
        return facts;
    };
    let inline_capabilities = root
        .pointer("/app/security/capabilities")
        .and_then(Value::as_array);
    let mut cursor = PermissionCursor::new(input.text);
    for capability in inline_capabilities.into_iter().flatten() {
        // A string names a capability file, which is read on its own.
        if capability.is_object() {
            declare_permissions(input, capability, &mut cursor, &mut facts);
        }
    }
    facts
}

pub fn extract_capability(input: &FileInput) -> FileFacts {
    let mut facts = FileFacts::default();
    let Some(root) = parse_json(input, &mut facts) else {
        return facts;
    };
    let mut cursor = PermissionCursor::new(input.text);
    match &root {
        // A file may also hold a list of capabilities, or `{"capabilities": [...]}`.
        Value::Array(items) => {
            for item in items {
                declare_permissions(input, item, &mut cursor, &mut facts);
            }
        }
        Value::Object(map) if map.contains_key("capabilities") => {
            for item in map
                .get("capabilities")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                declare_permissions(input, item, &mut cursor, &mut facts);
            }
        }
        _ => declare_permissions(input, &root, &mut cursor, &mut facts),
    }
    facts
}

/// Evidence for each permission of one capability object that grants a catalog
/// capability.
fn declare_permissions(
    input: &FileInput,
    capability: &Value,
    cursor: &mut PermissionCursor,
    facts: &mut FileFacts,
) {
    let Some(permissions) = capability.get("permissions").and_then(Value::as_array) else {
        return;
    };
    cursor.enter_permissions();
    for permission in permissions {
        // `"geolocation:default"` or `{"identifier": "...", "allow": [...]}`.
        let identifier = match permission {
            Value::String(s) => s.as_str(),
            Value::Object(map) => match map.get("identifier").and_then(Value::as_str) {
                Some(s) => s,
                None => continue,
            },
            _ => continue,
        };
        let offset = cursor.find(identifier);
        let Some((plugin, command)) = identifier.split_once(':') else {
            continue;
        };
        if command.starts_with("deny-") {
            continue;
        }
        let granted = input.catalog.capabilities.iter().find(|c| {
            c.tauri_permissions.iter().any(|prefix| {
                let prefix = prefix.trim_end_matches(':');
                prefix == plugin
            })
        });
        let Some(granted) = granted else { continue };
        let at = offset.map_or_else(|| input.loc(1, 1), |o| input.at(o));
        facts.push(
            at,
            EvidenceKind::CapabilityDeclared {
                capability: granted.id.clone(),
                level: Level::NONE,
                removed: false,
                key: identifier.to_string(),
            },
            identifier.to_string(),
        );
    }
}

/// Finds successive permission strings in the text, in document order, so each piece
/// of evidence points at its own occurrence.
struct PermissionCursor<'a> {
    text: &'a str,
    offset: usize,
}

impl<'a> PermissionCursor<'a> {
    fn new(text: &'a str) -> Self {
        Self { text, offset: 0 }
    }

    /// Move past the next `"permissions"` key.
    fn enter_permissions(&mut self) {
        if let Some(found) = self
            .text
            .get(self.offset..)
            .and_then(|t| t.find("\"permissions\""))
        {
            self.offset += found + 1;
        }
    }

    /// Byte offset of the opening quote of the next `"identifier"` string.
    fn find(&mut self, identifier: &str) -> Option<usize> {
        let quoted = format!("\"{identifier}\"");
        let found = self.text.get(self.offset..)?.find(&quoted)? + self.offset;
        self.offset = found + quoted.len();
        Some(found)
    }
}

/// Parse JSON (JSON5 comments and trailing commas tolerated); a syntax error becomes a
/// located problem.
fn parse_json(input: &FileInput, facts: &mut FileFacts) -> Option<Value> {
    let lenient;
    let text = if input.path.ends_with(".json5") {
        lenient = strip_json5(input.text);
        lenient.as_str()
    } else {
        input.text
    };
    match serde_json::from_str(text) {
        Ok(value) => Some(value),
        Err(error) => {
            let at = input.loc(error.line().max(1) as u32, error.column().max(1) as u32);
            facts.problem(at, format!("invalid JSON: {error}"));
            None
        }
    }
}

/// Blank out `//` and `/* */` comments and trailing commas, keeping every byte offset
/// (and so every line and column) where it was.
fn strip_json5(text: &str) -> String {
    let mut out: Vec<char> = Vec::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let mut in_string: Option<char> = None;
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if let Some(q) = in_string {
            out.push(c);
            if c == '\\' {
                if let Some(n) = next {
                    out.push(n);
                    i += 1;
                }
            } else if c == q {
                in_string = None;
            }
            i += 1;
            continue;
        }
        match (c, next) {
            ('"' | '\'', _) => {
                in_string = Some(c);
                out.push(c);
                i += 1;
            }
            ('/', Some('/')) => {
                while i < chars.len() && chars[i] != '\n' {
                    out.extend(std::iter::repeat_n(' ', chars[i].len_utf8()));
                    i += 1;
                }
            }
            ('/', Some('*')) => {
                let mut closed = false;
                while i < chars.len() {
                    if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                        out.extend([' ', ' ']);
                        i += 2;
                        closed = true;
                        break;
                    }
                    let b = blank(chars[i]);
                    out.extend(std::iter::repeat_n(
                        b,
                        if b == '\n' { 1 } else { chars[i].len_utf8() },
                    ));
                    i += 1;
                }
                if !closed {
                    break;
                }
            }
            (',', _) => {
                let rest = chars[i + 1..].iter().find(|c| !c.is_whitespace());
                out.push(if matches!(rest, Some('}' | ']')) {
                    ' '
                } else {
                    ','
                });
                i += 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::flutter::pubspec::test_catalog;

    fn run(path: &str, text: &str, f: fn(&FileInput) -> FileFacts) -> FileFacts {
        let catalog = test_catalog();
        let input = FileInput::new(path, text.as_bytes(), text, &catalog);
        f(&input)
    }

    fn declared(facts: &FileFacts) -> Vec<(String, String, u32, u32)> {
        facts
            .evidence
            .iter()
            .filter_map(|e| match &e.kind {
                EvidenceKind::CapabilityDeclared {
                    capability,
                    removed: false,
                    ..
                } => Some((capability.clone(), e.detail.clone(), e.at.line, e.at.column)),
                _ => None,
            })
            .collect()
    }

    const CAPABILITY: &str = r#"{
  "$schema": "../gen/schemas/desktop-schema.json",
  "identifier": "default",
  "windows": ["main"],
  "permissions": [
    "core:default",
    "geolocation:allow-get-current-position",
    "geolocation:deny-watch-position",
    { "identifier": "geolocation:allow-watch-position" },
    "geolocation:default"
  ]
}"#;

    #[test]
    fn capability_file_permissions_declare_location() {
        let facts = run(
            "src-tauri/capabilities/default.json",
            CAPABILITY,
            extract_capability,
        );
        assert_eq!(
            declared(&facts),
            vec![
                (
                    "location".into(),
                    "geolocation:allow-get-current-position".into(),
                    7,
                    5
                ),
                (
                    "location".into(),
                    "geolocation:allow-watch-position".into(),
                    9,
                    21
                ),
                ("location".into(), "geolocation:default".into(), 10, 5),
            ]
        );
        assert!(facts.markers.is_empty());
    }

    #[test]
    fn unrelated_permissions_declare_nothing() {
        let text = r#"{"identifier": "x", "permissions": ["core:default", "shell:allow-open", "geolocationx:default", 3]}"#;
        let facts = run("src-tauri/capabilities/x.json", text, extract_capability);
        assert!(facts.evidence.is_empty());
    }

    #[test]
    fn capability_lists_are_read() {
        let text = r#"[{"identifier": "a", "permissions": ["mic-recorder:default"]}, {"identifier": "b", "permissions": ["geolocation:default"]}]"#;
        let facts = run("src-tauri/capabilities/all.json", text, extract_capability);
        let caps: Vec<_> = declared(&facts).into_iter().map(|d| d.0).collect();
        assert_eq!(caps, vec!["microphone", "location"]);
    }

    #[test]
    fn config_marks_the_app_and_reads_inline_capabilities() {
        let text = r#"{
  "productName": "geo",
  "app": {
    "security": {
      "capabilities": [
        "default",
        { "identifier": "inline", "permissions": ["geolocation:allow-get-current-position"] }
      ]
    }
  },
  "plugins": {}
}"#;
        let facts = run("src-tauri/tauri.conf.json", text, extract_config);
        assert_eq!(facts.markers.len(), 1);
        assert_eq!(facts.markers[0].marker, Marker::TauriConfig);
        assert_eq!(facts.markers[0].at.line, 1);
        assert_eq!(
            declared(&facts),
            vec![(
                "location".into(),
                "geolocation:allow-get-current-position".into(),
                7,
                51
            )]
        );
    }

    #[test]
    fn v1_allowlist_config_only_marks_the_app() {
        let text = r#"{"tauri": {"allowlist": {"all": false, "shell": {"open": true}}}}"#;
        let facts = run("src-tauri/tauri.conf.json", text, extract_config);
        assert_eq!(facts.markers.len(), 1);
        assert!(facts.evidence.is_empty());
    }

    #[test]
    fn malformed_json_is_a_located_problem_and_still_marks() {
        let facts = run(
            "src-tauri/tauri.conf.json",
            "{\n  \"app\": ,\n}",
            extract_config,
        );
        assert_eq!(facts.markers.len(), 1);
        assert_eq!(facts.problems.len(), 1);
        assert_eq!(facts.problems[0].at.line, 2);
        let facts = run("src-tauri/capabilities/a.json", "[", extract_capability);
        assert_eq!(facts.problems.len(), 1);
    }

    #[test]
    fn json5_comments_and_trailing_commas_are_tolerated() {
        let text = "{\n  // the main window\n  \"app\": { \"security\": { \"capabilities\": [\n    /* inline */ {\"identifier\": \"i\", \"permissions\": [\"geolocation:default\",],},\n  ]}},\n}\n";
        let facts = run("src-tauri/tauri.conf.json5", text, extract_config);
        assert!(facts.problems.is_empty(), "{:?}", facts.problems);
        assert_eq!(
            declared(&facts),
            vec![("location".into(), "geolocation:default".into(), 4, 54)]
        );
        assert_eq!(strip_json5("\"a//b\", // c"), "\"a//b\",     ");
    }

    /// Every prefix of a real file (cut on char boundaries): never a panic.
    fn prefixes(text: &str) -> impl Iterator<Item = &str> {
        (0..=text.len())
            .step_by(5)
            .filter(|&end| text.is_char_boundary(end))
            .map(|end| &text[..end])
    }

    #[test]
    fn truncated_inputs_never_panic() {
        let text = include_str!(
            "../../../fixtures/tauri/geo-analytics/src-tauri/capabilities/default.json"
        );
        let path = "src-tauri/capabilities/default.json";
        assert_eq!(declared(&run(path, text, extract_capability)).len(), 3);
        for prefix in prefixes(text) {
            run(path, prefix, extract_capability);
            run("src-tauri/tauri.conf.json5", prefix, extract_config);
        }
    }
}
