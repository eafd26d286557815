//! Expo app config: `app.json`, `app.config.json`, `app.config.js`, `app.config.ts`.
//!
//! JSON configs are parsed with the same tolerance as `package.json` (comments and
//! trailing commas are accepted silently, see [`crate::extract::javascript::package_json`]). Script configs
//! are read statically with tree-sitter, never executed: the exported object literal
//! (`export default {…}`, `module.exports = {…}`, `export default ({ config }) => ({…})`,
//! `defineConfig({…})`, or a top-level constant one of those names) is converted to JSON;
//! spreads and computed or non-literal values are skipped. A script whose config is
//! built entirely at run time yields nothing (and no problem: the file was read).
//!
//! The config may sit at the top level or under `expo`. What counts:
//! - `plugins`: a catalog capability's `expo_plugins` entry → `CapabilityDeclared`
//!   (background when one of its `background_options` is set to anything but `false`;
//!   nothing when every `…Permission` option given is `false`, as in
//!   `["expo-audio", { "microphonePermission": false }]`); a plugin that is an SDK's npm
//!   package → `SdkPresence`;
//! - `android.permissions` (short `ACCESS_FINE_LOCATION` or full names) →
//!   `CapabilityDeclared`; `android.blockedPermissions` → the same with `removed`;
//! - `ios.infoPlist`: usage-description keys → `PurposeString` + `CapabilityDeclared`,
//!   `UIBackgroundModes` values → background `CapabilityDeclared`.

use serde_json::{Map, Number, Value};
use tree_sitter::Node;

use crate::catalog::IdKind;
use crate::extract::FileInput;
use crate::extract::javascript::lower::Dialect;
use crate::extract::javascript::package_json::{LocatedJson, parse_json_tolerant, pointer_child};
use crate::extract::treesitter;
use crate::model::{EvidenceKind, FileFacts, Level, Location, Presence};

/// Nesting beyond this is not converted. The parse refuses deeper trees, so this
/// backstop is never what cuts a real config short.
const MAX_DEPTH: u32 = treesitter::MAX_TREE_DEPTH as u32;
/// How many names (`const config = base`) are followed to find the exported object.
const MAX_RESOLVE: u32 = 16;

pub fn extract(input: &FileInput) -> FileFacts {
    let mut facts = FileFacts::default();
    let name = input.path.rsplit('/').next().unwrap_or(input.path);
    let script = [".js", ".ts", ".mjs", ".cjs"]
        .iter()
        .any(|ext| name.ends_with(ext));
    let json = if script {
        let dialect = if name.ends_with(".ts") {
            Dialect::TypeScript
        } else {
            Dialect::JavaScript
        };
        match config_from_script(input.text, dialect) {
            Ok(Some(json)) => json,
            Ok(None) => return facts,
            Err(reason) => {
                facts.problem(input.loc(1, 1), reason);
                return facts;
            }
        }
    } else {
        match parse_json_tolerant(input.text) {
            Ok(json) => json,
            Err(error) => {
                facts.problem(input.loc(error.line, error.column), error.message);
                return facts;
            }
        }
    };
    let (config_pointer, config) = match json.value.get("expo") {
        Some(expo) if expo.is_object() => ("/expo".to_string(), expo),
        _ => (String::new(), &json.value),
    };
    let config_view = Config {
        input,
        json: &json,
        pointer: config_pointer,
    };
    config_view.plugins(config, &mut facts);
    config_view.android(config, &mut facts);
    config_view.ios(config, &mut facts);
    // JSON objects come back ordered by key: report in file order.
    facts.evidence.sort_by(|a, b| a.at.cmp(&b.at));
    facts
}

/// The config object and where its members are.
struct Config<'a, 'i> {
    input: &'a FileInput<'i>,
    json: &'a LocatedJson,
    pointer: String,
}

impl Config<'_, '_> {
    fn value_at(&self, pointer: &str) -> Location {
        self.input.at(self.json.value_offset(pointer).unwrap_or(0))
    }

    fn key_at(&self, pointer: &str) -> Location {
        self.input.at(self.json.key_offset(pointer).unwrap_or(0))
    }

    fn plugins(&self, config: &Value, facts: &mut FileFacts) {
        let Some(plugins) = config.get("plugins").and_then(Value::as_array) else {
            return;
        };
        let plugins_pointer = pointer_child(&self.pointer, "plugins");
        let catalog = self.input.catalog;
        for (index, entry) in plugins.iter().enumerate() {
            let entry_pointer = pointer_child(&plugins_pointer, &index.to_string());
            let (name, options, name_pointer) = match entry {
                Value::String(name) => (name.as_str(), None, entry_pointer.clone()),
                Value::Array(parts) => match parts.first().and_then(Value::as_str) {
                    Some(name) => (
                        name,
                        parts.get(1).and_then(Value::as_object),
                        pointer_child(&entry_pointer, "0"),
                    ),
                    None => continue,
                },
                _ => continue,
            };
            let at = self.value_at(&name_pointer);
            if let Some(sdk) = catalog.lookup(IdKind::Npm, name) {
                facts.push(
                    at.clone(),
                    EvidenceKind::SdkPresence {
                        sdk: sdk.id.clone(),
                        via: Presence::Dependency,
                    },
                    format!("{name} (Expo plugin)"),
                );
            }
            if options.is_some_and(permissions_disabled) {
                continue;
            }
            for capability in &catalog.capabilities {
                for plugin in capability.expo_plugins.iter().filter(|p| p.plugin == name) {
                    let background_option = options.and_then(|options| {
                        plugin.background_options.iter().find(|option| {
                            options
                                .get(option.as_str())
                                .is_some_and(|v| !matches!(v, Value::Null | Value::Bool(false)))
                        })
                    });
                    let (at, detail) = match background_option {
                        Some(option) => {
                            let options_pointer = pointer_child(&entry_pointer, "1");
                            (
                                self.key_at(&pointer_child(&options_pointer, option)),
                                format!("{name} plugin {option}"),
                            )
                        }
                        None => (at.clone(), format!("{name} plugin")),
                    };
                    facts.push(
                        at,
                        EvidenceKind::CapabilityDeclared {
                            capability: capability.id.clone(),
                            level: Level {
                                precise: None,
                                background: background_option.is_some(),
                            },
                            removed: false,
                            key: name.to_string(),
                        },
                        detail,
                    );
                }
            }
        }
    }

    fn android(&self, config: &Value, facts: &mut FileFacts) {
        let Some(android) = config.get("android") else {
            return;
        };
        let android_pointer = pointer_child(&self.pointer, "android");
        for (key, removed) in [("permissions", false), ("blockedPermissions", true)] {
            let Some(permissions) = android.get(key).and_then(Value::as_array) else {
                continue;
            };
            let list_pointer = pointer_child(&android_pointer, key);
            for (index, permission) in permissions.iter().enumerate() {
                let Some(permission) = permission.as_str() else {
                    continue;
                };
                let full = if permission.contains('.') {
                    permission.to_string()
                } else {
                    format!("android.permission.{permission}")
                };
                let Some((capability, def)) = self.input.catalog.permission(&full) else {
                    continue;
                };
                facts.push(
                    self.value_at(&pointer_child(&list_pointer, &index.to_string())),
                    EvidenceKind::CapabilityDeclared {
                        capability: capability.id.clone(),
                        level: Level {
                            precise: def.precise,
                            background: def.background,
                        },
                        removed,
                        key: full.clone(),
                    },
                    full,
                );
            }
        }
    }

    fn ios(&self, config: &Value, facts: &mut FileFacts) {
        let Some(info_plist) = config
            .get("ios")
            .and_then(|ios| ios.get("infoPlist"))
            .and_then(Value::as_object)
        else {
            return;
        };
        let plist_pointer = pointer_child(&pointer_child(&self.pointer, "ios"), "infoPlist");
        let catalog = self.input.catalog;
        for (key, value) in info_plist {
            let key_pointer = pointer_child(&plist_pointer, key);
            if key == "UIBackgroundModes" {
                let Some(modes) = value.as_array() else {
                    continue;
                };
                for (index, mode) in modes.iter().enumerate() {
                    let Some(mode) = mode.as_str() else { continue };
                    let Some(capability) = catalog.background_mode(mode) else {
                        continue;
                    };
                    facts.push(
                        self.value_at(&pointer_child(&key_pointer, &index.to_string())),
                        EvidenceKind::CapabilityDeclared {
                            capability: capability.id.clone(),
                            level: Level::background(),
                            removed: false,
                            key: "UIBackgroundModes".into(),
                        },
                        format!("UIBackgroundModes: {mode}"),
                    );
                }
                continue;
            }
            let Some((capability, def)) = catalog.plist_key(key) else {
                continue;
            };
            if matches!(value, Value::Null | Value::Bool(false)) {
                continue;
            }
            let at = self.key_at(&key_pointer);
            facts.push(
                at.clone(),
                EvidenceKind::PurposeString { key: key.clone() },
                key.clone(),
            );
            facts.push(
                at,
                EvidenceKind::CapabilityDeclared {
                    capability: capability.id.clone(),
                    level: Level {
                        precise: None,
                        background: def.background,
                    },
                    removed: false,
                    key: key.clone(),
                },
                key.clone(),
            );
        }
    }
}

/// `{ "microphonePermission": false }`: the plugin is told not to ask for anything.
fn permissions_disabled(options: &Map<String, Value>) -> bool {
    let mut permission_options = options
        .iter()
        .filter(|(key, _)| key.ends_with("Permission"))
        .peekable();
    permission_options.peek().is_some()
        && permission_options.all(|(_, value)| *value == Value::Bool(false))
}

/// The statically readable part of a script config, or `None` when no exported object
/// literal could be found.
fn config_from_script(text: &str, dialect: Dialect) -> Result<Option<LocatedJson>, String> {
    let language: tree_sitter::Language = match dialect {
        Dialect::TypeScript | Dialect::Tsx => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
        Dialect::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
    };
    let tree = treesitter::parse(&language, text)?;
    let reader = ScriptReader { src: text };
    let root = tree.root_node();
    let Some(object) = reader.exported_value(root) else {
        return Ok(None);
    };
    let mut located = LocatedJson::default();
    let value = reader
        .convert(object, String::new(), None, 0, &mut located)
        .unwrap_or(Value::Null);
    located.value = value;
    Ok(Some(located))
}

struct ScriptReader<'s> {
    src: &'s str,
}

fn children(node: Node) -> Vec<Node> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|c| c.kind() != "comment")
        .collect()
}

impl<'s> ScriptReader<'s> {
    fn text(&self, node: Node) -> &'s str {
        treesitter::text(node, self.src)
    }

    /// The value of `export default …` or `module.exports = …`, resolved to an object.
    fn exported_value<'t>(&self, program: Node<'t>) -> Option<Node<'t>> {
        for statement in children(program) {
            let exported = match statement.kind() {
                "export_statement" if self.text(statement).starts_with("export default") => {
                    statement.child_by_field_name("value").or_else(|| {
                        statement.child_by_field_name("declaration").or_else(|| {
                            children(statement)
                                .into_iter()
                                .find(|c| c.kind() != "decorator")
                        })
                    })
                }
                "expression_statement" => children(statement)
                    .into_iter()
                    .find(|c| c.kind() == "assignment_expression")
                    .filter(|a| {
                        a.child_by_field_name("left")
                            .is_some_and(|l| treesitter::compact(l, self.src) == "module.exports")
                    })
                    .and_then(|a| a.child_by_field_name("right")),
                _ => None,
            };
            if let Some(found) = exported.and_then(|e| self.resolve(program, e, 0)) {
                return Some(found);
            }
        }
        None
    }

    /// Follow functions, calls and names to the object literal they produce.
    fn resolve<'t>(&self, program: Node<'t>, node: Node<'t>, depth: u32) -> Option<Node<'t>> {
        if depth > MAX_RESOLVE {
            return None;
        }
        match node.kind() {
            "object" => Some(node),
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "await_expression" => children(node)
                .into_iter()
                .next()
                .and_then(|inner| self.resolve(program, inner, depth + 1)),
            "arrow_function" | "function_expression" | "function" | "function_declaration" => {
                let body = node.child_by_field_name("body")?;
                if body.kind() != "statement_block" {
                    return self.resolve(program, body, depth + 1);
                }
                let returned = treesitter::descendants(body)
                    .filter(|n| n.kind() == "return_statement")
                    .filter_map(|r| children(r).into_iter().next())
                    .last()?;
                self.resolve(program, returned, depth + 1)
            }
            "call_expression" => {
                let arguments = node.child_by_field_name("arguments")?;
                children(arguments)
                    .into_iter()
                    .find_map(|argument| self.resolve(program, argument, depth + 1))
            }
            "identifier" => {
                let name = self.text(node);
                children(program).into_iter().find_map(|statement| {
                    let statement = if statement.kind() == "export_statement" {
                        statement.child_by_field_name("declaration")?
                    } else {
                        statement
                    };
                    match statement.kind() {
                        "lexical_declaration" | "variable_declaration" => {
                            children(statement).into_iter().find_map(|declarator| {
                                let declared = declarator.child_by_field_name("name")?;
                                if self.text(declared) != name {
                                    return None;
                                }
                                let value = declarator.child_by_field_name("value")?;
                                self.resolve(program, value, depth + 1)
                            })
                        }
                        "function_declaration" => {
                            let declared = statement.child_by_field_name("name")?;
                            (self.text(declared) == name)
                                .then(|| self.resolve(program, statement, depth + 1))
                                .flatten()
                        }
                        _ => None,
                    }
                })
            }
            _ => None,
        }
    }

    /// A literal expression as JSON, recording positions; `None` for anything that is
    /// not a literal (names, calls, spreads, computed keys…).
    fn convert(
        &self,
        node: Node,
        pointer: String,
        key: Option<usize>,
        depth: u32,
        out: &mut LocatedJson,
    ) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        let value = match node.kind() {
            "object" => {
                let mut map = Map::new();
                for member in children(node) {
                    if member.kind() != "pair" {
                        continue;
                    }
                    let (Some(key_node), Some(value_node)) = (
                        member.child_by_field_name("key"),
                        member.child_by_field_name("value"),
                    ) else {
                        continue;
                    };
                    let name = match key_node.kind() {
                        "property_identifier" | "number" => self.text(key_node).to_string(),
                        "string" => match self.string(key_node) {
                            Some(name) => name,
                            None => continue,
                        },
                        _ => continue,
                    };
                    let member_pointer = pointer_child(&pointer, &name);
                    if let Some(value) = self.convert(
                        value_node,
                        member_pointer,
                        Some(key_node.start_byte()),
                        depth + 1,
                        out,
                    ) {
                        map.insert(name, value);
                    }
                }
                Value::Object(map)
            }
            "array" => {
                let mut items = Vec::new();
                for element in children(node) {
                    let element_pointer = pointer_child(&pointer, &items.len().to_string());
                    if let Some(value) =
                        self.convert(element, element_pointer, None, depth + 1, out)
                    {
                        items.push(value);
                    }
                }
                Value::Array(items)
            }
            "string" | "template_string" => Value::String(self.string(node)?),
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "null" => Value::Null,
            "number" => Value::Number(parse_number(self.text(node))?),
            "parenthesized_expression" | "as_expression" | "satisfies_expression" => {
                let inner = children(node).into_iter().next()?;
                return self.convert(inner, pointer, key, depth + 1, out);
            }
            _ => return None,
        };
        out.record(pointer, key, node.start_byte());
        Some(value)
    }

    /// The contents of a string literal, or of a template without substitutions.
    fn string(&self, node: Node) -> Option<String> {
        if node.kind() == "template_string"
            && children(node)
                .iter()
                .any(|c| c.kind() == "template_substitution")
        {
            return None;
        }
        let text = self.text(node);
        let inner = text.get(1..text.len().checked_sub(1)?)?;
        Some(unescape(inner))
    }
}

fn parse_number(text: &str) -> Option<Number> {
    let text = text.replace('_', "");
    if let Ok(int) = text.parse::<i64>() {
        return Some(Number::from(int));
    }
    text.parse::<f64>().ok().and_then(Number::from_f64)
}

/// The common JavaScript string escapes (others are kept as written).
fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::extract::javascript::package_json::{JS_TEST_CATALOG, test_catalog};

    fn run(catalog: &Catalog, path: &str, text: &str) -> FileFacts {
        let input = FileInput::new(path, text.as_bytes(), text, catalog);
        extract(&input)
    }

    /// `kind subject level line:col detail`, one per evidence.
    fn summary(facts: &FileFacts) -> Vec<String> {
        facts
            .evidence
            .iter()
            .map(|e| {
                let what = match &e.kind {
                    EvidenceKind::SdkPresence { sdk, .. } => format!("sdk {sdk}"),
                    EvidenceKind::CapabilityDeclared {
                        capability,
                        level,
                        removed,
                        ..
                    } => format!(
                        "declared {capability}{}{}{}",
                        match level.precise {
                            Some(true) => " precise",
                            Some(false) => " coarse",
                            None => "",
                        },
                        if level.background { " background" } else { "" },
                        if *removed { " removed" } else { "" }
                    ),
                    EvidenceKind::PurposeString { key } => format!("purpose {key}"),
                    other => format!("{other:?}"),
                };
                format!("{what} {}:{} {}", e.at.line, e.at.column, e.detail)
            })
            .collect()
    }

    const APP_JSON: &str = r#"{
  "expo": {
    "name": "Geo",
    "plugins": [
      "react-native-appsflyer",
      [
        "expo-location",
        {
          "locationAlwaysAndWhenInUsePermission": "Find stores near you.",
          "isAndroidBackgroundLocationEnabled": true
        }
      ],
      ["expo-audio", { "microphonePermission": false }],
      ["expo-contacts", { "contactsPermission": "Invite friends." }],
      "./plugins/withCustom"
    ],
    "android": {
      "permissions": ["ACCESS_COARSE_LOCATION", "android.permission.RECORD_AUDIO", "VIBRATE"],
      "blockedPermissions": ["android.permission.ACCESS_BACKGROUND_LOCATION"]
    },
    "ios": {
      "infoPlist": {
        "NSLocationWhenInUseUsageDescription": "Find stores near you.",
        "UIBackgroundModes": ["location", "fetch"],
        "CFBundleAllowMixedLocalizations": true
      }
    }
  }
}"#;

    #[test]
    fn app_json_plugins_permissions_and_info_plist() {
        let catalog = test_catalog(JS_TEST_CATALOG);
        let facts = run(&catalog, "app.json", APP_JSON);
        assert!(facts.problems.is_empty());
        assert_eq!(
            summary(&facts),
            vec![
                "sdk appsflyer 5:7 react-native-appsflyer (Expo plugin)",
                "declared location background 10:11 expo-location plugin isAndroidBackgroundLocationEnabled",
                "declared contacts 14:8 expo-contacts plugin",
                "declared location coarse 18:23 android.permission.ACCESS_COARSE_LOCATION",
                "declared microphone 18:49 android.permission.RECORD_AUDIO",
                "declared location background removed 19:30 android.permission.ACCESS_BACKGROUND_LOCATION",
                "purpose NSLocationWhenInUseUsageDescription 23:9 NSLocationWhenInUseUsageDescription",
                "declared location 23:9 NSLocationWhenInUseUsageDescription",
                "declared location background 24:31 UIBackgroundModes: location",
            ]
        );
    }

    #[test]
    fn plugin_without_background_options_is_foreground_at_its_name() {
        let catalog = test_catalog(JS_TEST_CATALOG);
        let facts = run(
            &catalog,
            "app.config.json",
            r#"{"plugins": [["expo-location", {"isIosBackgroundLocationEnabled": false}], "expo-av"]}"#,
        );
        assert_eq!(
            summary(&facts),
            vec![
                "declared location 1:15 expo-location plugin",
                "declared microphone 1:76 expo-av plugin",
            ]
        );
    }

    #[test]
    fn bare_react_native_app_json_yields_nothing() {
        let catalog = test_catalog(JS_TEST_CATALOG);
        let facts = run(
            &catalog,
            "app.json",
            r#"{"name": "Bare", "displayName": "Bare"}"#,
        );
        assert!(facts.evidence.is_empty());
        assert!(facts.problems.is_empty());
    }

    #[test]
    fn malformed_app_json_is_a_problem_but_comments_are_fine() {
        let catalog = test_catalog(JS_TEST_CATALOG);
        let facts = run(
            &catalog,
            "app.json",
            "{\n  \"expo\": { \"plugins\": [\"expo-av\" }\n}",
        );
        assert_eq!(facts.problems.len(), 1);
        assert_eq!(facts.problems[0].at.line, 2);
        let facts = run(
            &catalog,
            "app.json",
            "{\n  // audio\n  \"expo\": { \"plugins\": [\"expo-av\",], },\n}",
        );
        assert!(facts.problems.is_empty());
        assert_eq!(
            summary(&facts),
            vec!["declared microphone 3:25 expo-av plugin"]
        );
    }

    #[test]
    fn app_config_ts_export_default_function_returning_object() {
        let catalog = test_catalog(JS_TEST_CATALOG);
        let text = r#"import { ExpoConfig, ConfigContext } from 'expo/config';

export default ({ config }: ConfigContext): ExpoConfig => ({
  ...config,
  name: process.env.APP_NAME ?? 'Geo',
  plugins: [
    someVariable,
    ['expo-location', { isIosBackgroundLocationEnabled: true }],
    "@react-native-firebase/app",
  ],
  ios: { infoPlist: { NSMicrophoneUsageDescription: `Voice notes` } },
});
"#;
        let facts = run(&catalog, "app.config.ts", text);
        assert!(facts.problems.is_empty());
        assert_eq!(
            summary(&facts),
            vec![
                "declared location background 8:25 expo-location plugin isIosBackgroundLocationEnabled",
                "sdk firebase-analytics 9:5 @react-native-firebase/app (Expo plugin)",
                "purpose NSMicrophoneUsageDescription 11:23 NSMicrophoneUsageDescription",
                "declared microphone 11:23 NSMicrophoneUsageDescription",
            ]
        );
    }

    #[test]
    fn app_config_js_module_exports_named_constant_and_define_config() {
        let catalog = test_catalog(JS_TEST_CATALOG);
        let text = "const config = {\n  expo: {\n    android: { permissions: ['RECORD_AUDIO'] },\n  },\n};\nmodule.exports = config;\n";
        let facts = run(&catalog, "app.config.js", text);
        assert_eq!(
            summary(&facts),
            vec!["declared microphone 3:30 android.permission.RECORD_AUDIO"]
        );
        let text = "export default defineConfig({ plugins: ['expo-contacts'] });\n";
        let facts = run(&catalog, "app.config.js", text);
        assert_eq!(
            summary(&facts),
            vec!["declared contacts 1:41 expo-contacts plugin"]
        );
        let text = "export default function () {\n  if (x) { return base; }\n  return { plugins: [\"expo-av\"] };\n}\n";
        let facts = run(&catalog, "app.config.js", text);
        assert_eq!(
            summary(&facts),
            vec!["declared microphone 3:22 expo-av plugin"]
        );
    }

    #[test]
    fn dynamic_script_config_yields_nothing_and_no_problem() {
        let catalog = test_catalog(JS_TEST_CATALOG);
        let facts = run(
            &catalog,
            "app.config.js",
            "module.exports = (ctx) => withPlugins(ctx.config);\n// plugins: ['expo-av']\n",
        );
        assert!(facts.evidence.is_empty());
        assert!(facts.problems.is_empty());
    }

    #[test]
    fn converted_script_values_are_json() {
        let text = "export default { a: [1, -2, 'x\\'y', true, null, `t`], 'b-c': { d: 2.5 }, [k]: 1, e: f() };";
        let json = config_from_script(text, Dialect::JavaScript)
            .unwrap()
            .unwrap();
        assert_eq!(
            json.value,
            serde_json::json!({"a": [1, "x'y", true, null, "t"], "b-c": {"d": 2.5}})
        );
        assert_eq!(json.key_offset("/b-c/d"), Some(text.find("d:").unwrap()));
        assert_eq!(json.value_offset("/a/1"), Some(text.find("'x").unwrap()));
    }
}
