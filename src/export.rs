//! Exports of the catalog for other tools. `privlint catalog --export semgrep` writes a
//! Semgrep rule pack with the same knowledge privlint uses (capability APIs and SDK
//! imports), so the benchmark compares like with like.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::catalog::{Catalog, Language};
use crate::ecosystem;

/// Semgrep languages for one catalog language (`None`: Semgrep has no parser for it),
/// from the ecosystem that registers the language.
fn semgrep_languages(language: Language) -> Option<&'static [&'static str]> {
    ecosystem::semgrep_language(language).map(|s| s.names)
}

/// Words that cannot follow `.` in a call pattern of that language.
fn reserved(language: Language, word: &str) -> bool {
    ecosystem::semgrep_language(language).is_some_and(|s| s.reserved_words.contains(&word))
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn is_dotted_identifier(s: &str) -> bool {
    !s.is_empty() && s.split('.').all(is_identifier)
}

fn is_package_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '@' | '/' | '-' | '_' | '.'))
}

/// One Semgrep pattern item under `pattern-either`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Pattern {
    Code(String),
    Regex(String),
}

/// YAML single-quoted scalar (no escapes other than `''`).
fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn regex_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if "\\.+*?()|[]{}^$/".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

struct Rule {
    id: String,
    message: String,
    languages: Vec<&'static str>,
    patterns: BTreeSet<Pattern>,
}

impl Rule {
    fn write(&self, out: &mut String) {
        let _ = writeln!(out, "  - id: {}", self.id);
        let _ = writeln!(out, "    message: {}", quoted(&self.message));
        let _ = writeln!(out, "    severity: WARNING");
        let _ = writeln!(out, "    languages: [{}]", self.languages.join(", "));
        let _ = writeln!(out, "    pattern-either:");
        for p in &self.patterns {
            match p {
                Pattern::Code(code) => {
                    let _ = writeln!(out, "      - pattern: {}", quoted(code));
                }
                Pattern::Regex(re) => {
                    let _ = writeln!(out, "      - pattern-regex: {}", quoted(re));
                }
            }
        }
    }
}

/// Call patterns for a capability API in one language.
fn api_patterns(
    language: Language,
    receiver: Option<&str>,
    methods: &[String],
    into: &mut BTreeSet<Pattern>,
) {
    for method in methods {
        if !is_identifier(method) || reserved(language, method) {
            continue;
        }
        into.insert(Pattern::Code(format!("$RECEIVER.{method}(...)")));
        if let Some(r) = receiver.filter(|r| is_dotted_identifier(r)) {
            // Static or namespaced calls (`navigator.geolocation.getCurrentPosition(...)`).
            into.insert(Pattern::Code(format!("{r}.{method}(...)")));
        }
    }
    if let Some(r) = receiver.filter(|r| is_identifier(r) && !reserved(language, r)) {
        // Constructing the receiver type (`CLLocationManager()`, `new AudioRecord(...)`).
        let new_keyword = ecosystem::semgrep_language(language).is_some_and(|s| s.new_keyword);
        let construct = if new_keyword {
            format!("new {r}(...)")
        } else {
            format!("{r}(...)")
        };
        into.insert(Pattern::Code(construct));
    }
}

/// Import patterns of one SDK in one language.
fn import_patterns(language: Language, sdk: &crate::catalog::SdkDef, into: &mut BTreeSet<Pattern>) {
    let ids = &sdk.identifiers;
    match language {
        Language::Java | Language::Kotlin => {
            let end = if language == Language::Java { ";" } else { "" };
            for p in &ids.android_packages {
                let p = p.trim_end_matches('.');
                if !is_dotted_identifier(p) {
                    continue;
                }
                into.insert(Pattern::Code(format!("import {p}.$X{end}")));
                into.insert(Pattern::Code(format!("import {p}.$X.$Y{end}")));
            }
        }
        Language::Swift => {
            for m in ids.ios_modules.iter().filter(|m| is_identifier(m)) {
                into.insert(Pattern::Code(format!("import {m}")));
            }
        }
        Language::Javascript => {
            for n in &ids.npm {
                if let Some(scope) = n.strip_suffix("/*") {
                    if is_package_name(scope) {
                        into.insert(Pattern::Regex(format!(
                            r#"(from|require\()\s*['"]{}/"#,
                            regex_escape(scope)
                        )));
                    }
                } else if is_package_name(n) {
                    into.insert(Pattern::Code(format!("import $X from '{n}'")));
                    into.insert(Pattern::Code(format!("import {{ $X }} from '{n}'")));
                    into.insert(Pattern::Code(format!("require('{n}')")));
                }
            }
        }
        // Semgrep's Dart and Rust import patterns are not reliable: match the import line.
        Language::Dart => {
            for n in ids.pub_dev.iter().filter(|n| is_package_name(n)) {
                into.insert(Pattern::Regex(format!(
                    r#"import\s+['"]package:{}/"#,
                    regex_escape(n)
                )));
            }
        }
        Language::Rust => {
            for c in ids.crates.iter().filter(|c| is_package_name(c)) {
                let name = c.replace('-', "_");
                into.insert(Pattern::Regex(format!(
                    r"\buse\s+(::)?{}\b",
                    regex_escape(&name)
                )));
            }
        }
        Language::Objc => {}
    }
}

/// A Semgrep rule pack (YAML) with one `pattern-either` rule per capability and language
/// for the platform APIs that read it, and one per SDK and language for its imports.
/// Objective-C is left out: Semgrep has no parser for it.
pub fn semgrep_rules(catalog: &Catalog) -> String {
    let mut rules: Vec<Rule> = Vec::new();
    for cap in &catalog.capabilities {
        for language in Language::ALL {
            let Some(languages) = semgrep_languages(language) else {
                continue;
            };
            let mut patterns = BTreeSet::new();
            for api in cap.apis.iter().filter(|a| a.languages.contains(&language)) {
                api_patterns(
                    language,
                    api.receiver.as_deref(),
                    &api.methods,
                    &mut patterns,
                );
            }
            if patterns.is_empty() {
                continue;
            }
            rules.push(Rule {
                id: format!("privlint.capability.{}.{}", cap.id, language.as_str()),
                message: format!("reads {} ({})", cap.name, cap.id),
                languages: languages.to_vec(),
                patterns,
            });
        }
    }
    let mut sdks: Vec<_> = catalog.sdks.iter().collect();
    sdks.sort_by(|a, b| a.id.cmp(&b.id));
    for sdk in sdks {
        for language in Language::ALL {
            let Some(languages) = semgrep_languages(language) else {
                continue;
            };
            let mut patterns = BTreeSet::new();
            import_patterns(language, sdk, &mut patterns);
            if patterns.is_empty() {
                continue;
            }
            rules.push(Rule {
                id: format!("privlint.sdk.{}.{}", sdk.id, language.as_str()),
                message: format!("imports {} ({}, {})", sdk.name, sdk.id, sdk.category),
                languages: languages.to_vec(),
                patterns,
            });
        }
    }
    let mut out = format!(
        "# Semgrep rules exported from privlint catalog {} (`privlint catalog --export semgrep`)\nrules:\n",
        catalog.version
    );
    for rule in &rules {
        rule.write(&mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_cover_capability_apis_and_sdk_imports() {
        let catalog = Catalog::embedded().unwrap();
        let yaml = semgrep_rules(&catalog);
        assert!(yaml.starts_with("# Semgrep rules"));
        assert!(yaml.contains("  - id: privlint.capability.location.kotlin\n"));
        assert!(yaml.contains("'$RECEIVER.getCurrentPosition(...)'"));
        assert!(yaml.contains("languages: [javascript, typescript]"));
        assert!(
            !yaml.contains(".objc\n"),
            "Semgrep cannot parse Objective-C"
        );
        let parsed: crate::yaml::Value = crate::yaml::from_str(&yaml).unwrap();
        let rules = parsed["rules"].as_sequence().unwrap();
        assert!(rules.len() > 20);
        for rule in rules {
            let either = rule["pattern-either"].as_sequence().unwrap();
            assert!(!either.is_empty(), "{rule:?}");
        }
    }

    #[test]
    fn quoting_and_escaping_are_yaml_and_regex_safe() {
        assert_eq!(quoted("import $X from 'a'"), "'import $X from ''a'''");
        assert_eq!(regex_escape("@scope.io"), r"@scope\.io");
        assert!(is_dotted_identifier("navigator.geolocation"));
        assert!(!is_dotted_identifier("a..b"));
        assert!(reserved(Language::Java, "default"));
        assert!(!reserved(Language::Kotlin, "default"));
    }
}
