//! `--format sarif`: SARIF 2.1.0 for code-scanning services (GitHub code scanning,
//! Azure DevOps, IDE viewers). Every rule is described in `tool.driver.rules`; a tie's
//! evidence chain becomes a `codeFlow` from the capability source to the SDK sink.

use std::io::{self, Write};

use serde_json::{Map, Value, json};

use super::Report;
use crate::finding::{Finding, Severity};
use crate::link::Tie;
use crate::model::{Location, Resolution};
use crate::rules::Rule;

pub const SARIF_VERSION: &str = "2.1.0";
pub const SARIF_SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
/// Base id of every scan-relative URI; `originalUriBaseIds` maps it to the scan root.
pub const SRCROOT: &str = "%SRCROOT%";
/// Key of the stable fingerprint in `partialFingerprints`; bump with the fingerprint scheme.
pub const FINGERPRINT_KEY: &str = "privlint/v1";
const INFORMATION_URI: &str = env!("CARGO_PKG_REPOSITORY");

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &to_value(report))?;
    writeln!(out)
}

/// The whole SARIF log as JSON.
pub fn to_value(report: &Report) -> Value {
    let results: Vec<Value> = report.findings.iter().map(|f| result(report, f)).collect();
    let mut run = json!({
        "tool": {"driver": driver()},
        "invocations": [invocation(report)],
        "columnKind": "unicodeCodePoints",
        "results": results,
    });
    if let Some(root) = root_uri(report.root) {
        run["originalUriBaseIds"] = json!({
            SRCROOT: {"uri": root, "description": {"text": "The folder privlint scanned."}}
        });
    }
    json!({
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [run],
    })
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// The text of the docs' `## What it does` section (the docs' first paragraph).
fn what_it_does(rule: Rule) -> String {
    let section = rule
        .docs()
        .split("## What it does")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .map(str::trim)
        .unwrap_or("");
    if section.is_empty() {
        rule.summary().to_string()
    } else {
        section.to_string()
    }
}

fn driver() -> Value {
    let rules: Vec<Value> = Rule::ALL
        .iter()
        .map(|&rule| {
            json!({
                "id": rule.code(),
                "name": rule.name(),
                "shortDescription": {"text": rule.summary()},
                "fullDescription": {"text": what_it_does(rule)},
                "help": {"text": rule.docs(), "markdown": rule.docs()},
                "helpUri": rule.help_uri(),
                "defaultConfiguration": {"level": level(rule.severity())},
                "properties": {
                    "tags": ["privacy", "security", rule.family()],
                    "security-severity": rule.security_severity(),
                },
            })
        })
        .collect();
    json!({
        "name": "privlint",
        "version": env!("CARGO_PKG_VERSION"),
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "informationUri": INFORMATION_URI,
        "rules": rules,
    })
}

fn invocation(report: &Report) -> Value {
    let notifications: Vec<Value> = report
        .skipped
        .iter()
        .map(|s| {
            json!({
                "level": "warning",
                "message": {"text": format!("skipped: {}", s.reason)},
                "locations": [{"physicalLocation": {"artifactLocation": artifact(&s.path)}}],
            })
        })
        .collect();
    let mut invocation = json!({"executionSuccessful": true});
    if !notifications.is_empty() {
        invocation["toolExecutionNotifications"] = Value::Array(notifications);
    }
    invocation
}

/// The finding's message, followed by a link to each related location
/// (`[text](id)`, SARIF §3.11.6), so viewers such as code scanning show the evidence chain.
fn message_with_links(f: &Finding) -> String {
    if f.related.is_empty() {
        return f.message.clone();
    }
    let escape = |text: &str| {
        text.replace('\\', "\\\\")
            .replace('[', "\\[")
            .replace(']', "\\]")
    };
    let links: Vec<String> = f
        .related
        .iter()
        .enumerate()
        .map(|(i, r)| format!("[{}]({})", escape(&r.message), i + 1))
        .collect();
    format!("{} (evidence: {})", f.message, links.join(", "))
}

fn result(report: &Report, f: &Finding) -> Value {
    let rule_index = Rule::ALL.iter().position(|r| r.code() == f.code);
    let mut result = json!({
        "ruleId": f.code,
        "level": level(f.severity),
        "message": {"text": message_with_links(f)},
        "locations": [{"physicalLocation": physical(&f.at)}],
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
    });
    if let Some(index) = rule_index {
        result["ruleIndex"] = json!(index);
    }
    if !f.related.is_empty() {
        let related: Vec<Value> = f
            .related
            .iter()
            .enumerate()
            .map(|(i, r)| {
                json!({
                    "id": i + 1,
                    "physicalLocation": physical(&r.at),
                    "message": {"text": r.message},
                })
            })
            .collect();
        result["relatedLocations"] = Value::Array(related);
    }
    let mut properties = Map::new();
    for (key, value) in [("sdk", &f.sdk), ("capability", &f.capability)] {
        if let Some(value) = value {
            properties.insert(key.into(), json!(value));
        }
    }
    if let Some(tie) = f.tie {
        properties.insert("tie".into(), json!(tie.as_str()));
    }
    // An SDK a lockfile resolves: declared or pulled in, and by which packages.
    if let Some(resolution) = resolution_at(report, f) {
        if let Some(direct) = resolution.direct {
            properties.insert("direct".into(), json!(direct));
        }
        if !resolution.via.is_empty() {
            properties.insert("via".into(), json!(resolution.via));
        }
    }
    if !properties.is_empty() {
        result["properties"] = Value::Object(properties);
    }
    if let Some(flow) = code_flow(report, f) {
        result["codeFlows"] = json!([flow]);
    }
    result
}

/// The lockfile resolution of the SDK dependency a finding points at.
fn resolution_at<'a>(report: &'a Report, f: &Finding) -> Option<&'a Resolution> {
    let sdk = f.sdk.as_deref()?;
    report
        .units
        .iter()
        .filter_map(|u| u.sdks.get(sdk))
        .flatten()
        .find(|e| e.at == f.at && e.resolution.is_some())?
        .resolution
        .as_deref()
}

/// The tie a finding reports: same SDK, capability, kind and sink.
fn tie_of<'a>(report: &'a Report, f: &Finding) -> Option<&'a Tie> {
    let kind = f.tie?;
    report.units.iter().flat_map(|u| &u.ties).find(|t| {
        t.kind == kind
            && t.at == f.at
            && Some(t.sdk.as_str()) == f.sdk.as_deref()
            && Some(t.capability.as_str()) == f.capability.as_deref()
    })
}

/// Source → … → sink: the tie's chain, or its source and sink when it has no chain.
fn code_flow(report: &Report, f: &Finding) -> Option<Value> {
    let tie = tie_of(report, f)?;
    let mut steps: Vec<(Location, String)> = tie
        .chain
        .iter()
        .map(|s| (s.at.clone(), s.message.clone()))
        .collect();
    if steps.is_empty() {
        let source = tie.source.as_ref()?;
        steps.push((
            source.clone(),
            format!("the app grants the {} here", tie.capability),
        ));
    }
    if steps.last().is_none_or(|(at, _)| *at != f.at) {
        steps.push((f.at.clone(), f.message.clone()));
    }
    let locations: Vec<Value> = steps
        .iter()
        .map(|(at, message)| {
            json!({"location": {"physicalLocation": physical(at), "message": {"text": message}}})
        })
        .collect();
    Some(json!({
        "message": {"text": format!("{} reaches {}", tie.capability, f.sdk.as_deref().unwrap_or("the SDK"))},
        "threadFlows": [{"locations": locations}],
    }))
}

fn physical(at: &Location) -> Value {
    let mut physical = json!({"artifactLocation": artifact(&at.path)});
    if at.line >= 1 {
        let mut region = json!({"startLine": at.line});
        if at.column >= 1 {
            region["startColumn"] = json!(at.column);
        }
        physical["region"] = region;
    }
    physical
}

/// Scan-relative paths are relative URIs against `%SRCROOT%`; absolute ones (a policy
/// given with `--policy /tmp/p.yaml`) become `file://` URIs.
fn artifact(path: &str) -> Value {
    let path = path.replace('\\', "/");
    if path.starts_with('/') {
        json!({"uri": format!("file://{}", encode_path(&path))})
    } else {
        json!({"uri": encode_path(path.trim_start_matches("./")), "uriBaseId": SRCROOT})
    }
}

/// The scan root as a `file://` URI ending in `/`, when it can be resolved.
fn root_uri(root: &std::path::Path) -> Option<String> {
    let absolute = std::fs::canonicalize(root).ok()?;
    let text = absolute.to_str()?.replace('\\', "/");
    let text = if text.starts_with('/') {
        text
    } else {
        format!("/{text}")
    };
    let mut uri = format!("file://{}", encode_path(&text));
    if !uri.ends_with('/') {
        uri.push('/');
    }
    Some(uri)
}

/// Percent-encode everything but unreserved characters and `/` (RFC 3986), so the
/// path is a valid URI reference whatever its file names hold.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::finding::{Related, TieKind};
    use crate::link::AppUnit;
    use crate::model::Step;
    use crate::policy::PolicyOrigin;

    fn flow_finding() -> Finding {
        Finding {
            rule: "capability-flows-to-sdk",
            code: "PL301",
            severity: Severity::Error,
            message: "the location read here flows into AppsFlyer SDK".into(),
            sdk: Some("appsflyer".into()),
            capability: Some("location".into()),
            tie: Some(TieKind::Flow),
            at: Location::new("app/src/Reporter.kt", 12, 44),
            source: Some(Location::new("app/src/Reporter.kt", 10, 16)),
            related: vec![
                Related {
                    at: Location::new("app/src/Reporter.kt", 10, 16),
                    message: "`client.lastLocation` reads the location".into(),
                },
                Related {
                    at: Location::new("privlint.yaml", 6, 3),
                    message: "no SDK listed here may receive location".into(),
                },
            ],
            fingerprint: "73c23b2369a37537".into(),
        }
    }

    fn unit_with_tie() -> AppUnit {
        let mut unit = AppUnit::default();
        unit.ties.push(Tie {
            sdk: "appsflyer".into(),
            capability: "location".into(),
            kind: TieKind::Flow,
            at: Location::new("app/src/Reporter.kt", 12, 44),
            source: Some(Location::new("app/src/Reporter.kt", 10, 16)),
            chain: vec![
                Step {
                    at: Location::new("app/src/Reporter.kt", 10, 16),
                    message: "`client.lastLocation` reads the location".into(),
                },
                Step {
                    at: Location::new("app/src/Reporter.kt", 12, 44),
                    message: "passed to `logLocation` of AppsFlyer SDK".into(),
                },
            ],
            detail: "AppsFlyerLib.getInstance().logLocation".into(),
        });
        unit
    }

    fn render(findings: &[Finding], units: &[AppUnit]) -> Value {
        let catalog = Catalog::embedded().unwrap();
        let origin = PolicyOrigin::File("privlint.yaml".into());
        let report = Report {
            findings,
            files_scanned: 3,
            skipped: &[],
            policy: &origin,
            root: std::path::Path::new("."),
            apps: units.len(),
            units,
            catalog: &catalog,
            introduced: None,
            baseline_hidden: 0,
        };
        to_value(&report)
    }

    #[test]
    fn describes_every_rule_in_registry_order() {
        let log = render(&[], &[]);
        let rules = log["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap();
        assert_eq!(rules.len(), Rule::ALL.len());
        assert_eq!(rules[5]["id"], Rule::ALL[5].code());
        let pl301 = rules.iter().find(|r| r["id"] == "PL301").unwrap();
        assert_eq!(pl301["name"], "capability-flows-to-sdk");
        assert_eq!(pl301["defaultConfiguration"]["level"], "error");
        assert_eq!(pl301["properties"]["security-severity"], "8.0");
        assert_eq!(
            pl301["helpUri"],
            "https://github.com/privlint/privlint/blob/main/docs/rules.md#pl301-capability-flows-to-sdk"
        );
        assert!(
            pl301["fullDescription"]["text"]
                .as_str()
                .unwrap()
                .starts_with("Reports")
        );
        assert!(
            pl301["help"]["markdown"]
                .as_str()
                .unwrap()
                .contains("## How to fix")
        );
    }

    #[test]
    fn result_has_location_fingerprint_related_and_code_flow() {
        let log = render(&[flow_finding()], &[unit_with_tie()]);
        let result = &log["runs"][0]["results"][0];
        assert_eq!(result["ruleId"], "PL301");
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(Rule::ALL[index].code(), "PL301");
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], "app/src/Reporter.kt");
        assert_eq!(location["artifactLocation"]["uriBaseId"], SRCROOT);
        assert_eq!(
            location["region"],
            json!({"startLine": 12, "startColumn": 44})
        );
        assert_eq!(
            result["partialFingerprints"][FINGERPRINT_KEY],
            "73c23b2369a37537"
        );
        // The message links each related location by id, so viewers show the chain.
        assert_eq!(
            result["message"]["text"],
            "the location read here flows into AppsFlyer SDK (evidence: [`client.lastLocation` reads the location](1), [no SDK listed here may receive location](2))"
        );
        assert_eq!(result["relatedLocations"][1]["id"], 2);
        assert_eq!(
            result["relatedLocations"][1]["physicalLocation"]["artifactLocation"]["uri"],
            "privlint.yaml"
        );
        let steps = result["codeFlows"][0]["threadFlows"][0]["locations"]
            .as_array()
            .unwrap();
        let lines: Vec<u64> = steps
            .iter()
            .map(|s| {
                s["location"]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap()
            })
            .collect();
        assert_eq!(
            lines,
            vec![10, 12],
            "source first, sink last, the policy line is no step"
        );
        assert!(
            log["runs"][0]["originalUriBaseIds"][SRCROOT]["uri"]
                .as_str()
                .unwrap()
                .ends_with('/')
        );
    }

    #[test]
    fn findings_without_a_tie_have_no_code_flow() {
        let mut finding = flow_finding();
        finding.tie = None;
        let log = render(&[finding], &[unit_with_tie()]);
        assert!(log["runs"][0]["results"][0].get("codeFlows").is_none());
    }

    #[test]
    fn a_transitive_sdk_carries_its_via_chain() {
        use crate::model::{Evidence, EvidenceKind, Presence};
        let at = Location::new("yarn.lock", 23, 1);
        let mut unit = AppUnit::default();
        unit.sdks.insert(
            "amplitude".into(),
            vec![Evidence {
                at: at.clone(),
                kind: EvidenceKind::SdkPresence {
                    sdk: "amplitude".into(),
                    via: Presence::Dependency,
                },
                detail: "@amplitude/analytics-browser 2.3.1".into(),
                resolution: Some(Box::new(Resolution {
                    direct: Some(false),
                    via: vec!["@acme/telemetry".into(), "@acme/telemetry-core".into()],
                    ..Resolution::default()
                })),
            }],
        );
        let finding = Finding {
            rule: "unlisted-sdk",
            code: "PL102",
            severity: Severity::Warning,
            message: "Amplitude is not listed".into(),
            sdk: Some("amplitude".into()),
            capability: None,
            tie: None,
            at,
            source: None,
            related: vec![],
            fingerprint: "0".into(),
        };
        let log = render(&[finding], &[unit]);
        let properties = &log["runs"][0]["results"][0]["properties"];
        assert_eq!(properties["direct"], false);
        assert_eq!(
            properties["via"],
            json!(["@acme/telemetry", "@acme/telemetry-core"])
        );
        // A finding elsewhere (an import of the same SDK) has no chain.
        let mut elsewhere = flow_finding();
        elsewhere.sdk = Some("amplitude".into());
        let log = render(&[elsewhere], &[AppUnit::default()]);
        assert!(
            log["runs"][0]["results"][0]["properties"]
                .get("via")
                .is_none()
        );
    }

    #[test]
    fn uris_are_encoded_and_absolute_paths_are_file_uris() {
        assert_eq!(artifact("a b/c:d.kt")["uri"], "a%20b/c%3Ad.kt");
        assert_eq!(
            artifact("/tmp/policy.yaml"),
            json!({"uri": "file:///tmp/policy.yaml"})
        );
    }
}
