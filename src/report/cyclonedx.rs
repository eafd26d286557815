//! `privlint inventory --format cyclonedx`: the SDKs of each app as a CycloneDX 1.5 JSON
//! SBOM (docs/json-output.md). Each app unit is an `application` component whose nested
//! `library` components are its SDKs, one per package (or one per SDK found only by an
//! import or a script tag): purl and version when known, where the evidence is
//! (`evidence.occurrences`), and privlint's facts as `privlint:` properties (SDK id,
//! category, direct or transitive, the `via` chain, what it collects, its ties).
//! Deterministic: no timestamp and no serial number, so two scans of one tree are equal.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::{Value, json};

use crate::catalog::Catalog;
use crate::extract::lockfile::npm_name;
use crate::link::AppUnit;
use crate::model::{Evidence, EvidenceKind, Presence};

pub const SPEC_VERSION: &str = "1.5";

/// The package an evidence names, as a purl with its name and version when known.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Package {
    purl: String,
    name: String,
    version: Option<String>,
}

/// The purl type of a manifest or lockfile, by file name.
fn purl_type(path: &str) -> Option<&'static str> {
    let file = path.rsplit('/').next().unwrap_or(path);
    Some(match file {
        "package.json"
        | "package-lock.json"
        | "npm-shrinkwrap.json"
        | "yarn.lock"
        | "pnpm-lock.yaml"
        | "bun.lock" => "npm",
        "gradle.lockfile" | "settings-gradle.lockfile" | "build.gradle" | "build.gradle.kts" => {
            "maven"
        }
        f if f.ends_with(".versions.toml") => "maven",
        "Podfile" | "Podfile.lock" => "cocoapods",
        "pubspec.yaml" | "pubspec.lock" => "pub",
        "Cargo.toml" | "Cargo.lock" => "cargo",
        _ => return None,
    })
}

/// Percent-encode a purl name segment (RFC 3986 unreserved characters stay).
fn encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A version as written, when it names one release (not a range or a variable).
fn concrete(version: &str) -> Option<String> {
    let v = version.trim();
    let first = v.chars().next()?;
    let ranged = v.contains(['^', '~', '>', '<', '=', '*', '+', '[', '(', '$', ' ', '|']);
    (first.is_ascii_digit() && !ranged).then(|| v.to_string())
}

/// The package an SDK dependency names, from its file kind and `detail` (see each
/// extractor: `name version` in lockfiles, `name@range` in package.json,
/// `group:artifact:version (configuration)` in Gradle, `name: spec` in pubspec.yaml).
fn package(e: &Evidence) -> Option<Package> {
    let kind = purl_type(&e.at.path)?;
    let token = e.detail.split_whitespace().next()?;
    let resolved = e.resolution.as_ref().and_then(|r| r.version.clone());
    let (namespace, name, written) = match kind {
        "npm" => {
            let name = npm_name(token);
            let range = token
                .get(name.len() + 1..)
                .filter(|_| token.len() > name.len());
            match name.split_once('/') {
                Some((scope, rest)) if scope.starts_with('@') => {
                    (Some(scope.to_string()), rest.to_string(), range)
                }
                _ => (None, name.to_string(), range),
            }
        }
        "maven" => {
            let mut parts = token.split(':');
            let group = parts.next()?.to_string();
            let artifact = parts.next()?.to_string();
            (Some(group), artifact, parts.next())
        }
        "cocoapods" => {
            let pod = token.split('/').next()?.trim_matches(['\'', '"', ',']);
            (None, pod.to_string(), None)
        }
        _ => (None, token.trim_end_matches(':').to_string(), None),
    };
    if name.is_empty() {
        return None;
    }
    let version = resolved.or_else(|| written.and_then(concrete));
    let mut purl = format!("pkg:{kind}/");
    if let Some(ns) = &namespace {
        purl.push_str(&encode(ns));
        purl.push('/');
    }
    purl.push_str(&encode(&name));
    if let Some(v) = &version {
        purl.push('@');
        purl.push_str(&encode(v));
    }
    let full_name = match namespace {
        Some(ns) if kind == "npm" => format!("{ns}/{name}"),
        Some(ns) => format!("{ns}:{name}"),
        None => name,
    };
    Some(Package {
        purl,
        name: full_name,
        version,
    })
}

fn property(name: &str, value: impl Into<String>) -> Value {
    json!({"name": format!("privlint:{name}"), "value": value.into()})
}

/// The SDK components of one unit: one per package, or one for the SDK itself when no
/// dependency names a package.
fn sdk_components(unit: &AppUnit, catalog: &Catalog) -> Vec<Value> {
    let mut out = Vec::new();
    for (id, evidence) in &unit.sdks {
        let mut by_package: BTreeMap<Option<Package>, Vec<&Evidence>> = BTreeMap::new();
        for e in evidence {
            by_package.entry(package(e)).or_default().push(e);
        }
        // Imports and script tags of an SDK that has a package are that package's.
        if by_package.len() > 1
            && let Some(loose) = by_package.remove(&None)
            && let Some(first) = by_package.values_mut().next()
        {
            first.extend(loose);
        }
        let sdk = catalog.sdk(id);
        for (package, evidence) in by_package {
            let name = match &package {
                Some(p) => p.name.clone(),
                None => sdk.map_or(id.clone(), |s| s.name.clone()),
            };
            let key = package
                .as_ref()
                .map_or(format!("sdk:{id}"), |p| p.purl.clone());
            let mut component = json!({
                "type": "library",
                "bom-ref": format!("{}#{key}", unit.root),
                "name": name,
            });
            if let Some(sdk) = sdk {
                component["publisher"] = json!(sdk.vendor);
            }
            if let Some(p) = &package {
                if let Some(v) = &p.version {
                    component["version"] = json!(v);
                }
                component["purl"] = json!(p.purl);
            }
            let occurrences: Vec<Value> = evidence
                .iter()
                .map(|e| json!({"location": format!("{}:{}", e.at.path, e.at.line)}))
                .collect();
            component["evidence"] = json!({"occurrences": occurrences});
            component["properties"] = Value::Array(properties(unit, id, &evidence, catalog));
            out.push(component);
        }
    }
    out
}

fn properties(unit: &AppUnit, id: &str, evidence: &[&Evidence], catalog: &Catalog) -> Vec<Value> {
    let mut out = vec![property("sdk", id)];
    if let Some(sdk) = catalog.sdk(id) {
        out.push(property("category", sdk.category.clone()));
        for c in &sdk.collects {
            out.push(property("collects", c.capability.clone()));
        }
    }
    // Direct when the app declares the package (a manifest, or a lockfile saying so);
    // transitive when every lockfile entry says another package pulls it in.
    let declares = |e: &&&Evidence| match e.resolution.as_deref() {
        Some(r) => r.direct == Some(true),
        None => matches!(
            e.kind,
            EvidenceKind::SdkPresence {
                via: Presence::Dependency,
                ..
            }
        ),
    };
    if evidence.iter().any(|e| declares(&e)) {
        out.push(property("direct", "true"));
    } else if evidence.iter().all(|e| e.is_transitive()) {
        out.push(property("direct", "false"));
        let shortest = evidence
            .iter()
            .filter_map(|e| e.resolution.as_deref())
            .filter(|r| !r.via.is_empty())
            .min_by_key(|r| r.via.len());
        if let Some(r) = shortest {
            out.push(property("via", r.via.join(" > ")));
        }
    }
    for tie in unit.ties.iter().filter(|t| t.sdk == id) {
        out.push(property(
            "tie",
            format!(
                "{} {} {}:{}",
                tie.capability,
                tie.kind.as_str(),
                tie.at.path,
                tie.at.line
            ),
        ));
    }
    out
}

pub fn to_json(units: &[AppUnit], catalog: &Catalog) -> Value {
    let apps: Vec<Value> = units
        .iter()
        .map(|unit| {
            let mut app = json!({
                "type": "application",
                "bom-ref": format!("app:{}", unit.root),
                "name": unit.root,
                "components": sdk_components(unit, catalog),
            });
            let platforms: Vec<Value> = unit
                .platforms
                .iter()
                .map(|p| property("platform", p.as_str()))
                .collect();
            if !platforms.is_empty() {
                app["properties"] = Value::Array(platforms);
            }
            app
        })
        .collect();
    json!({
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
        "version": 1,
        "metadata": {
            "tools": {"components": [{
                "type": "application",
                "name": "privlint",
                "version": env!("CARGO_PKG_VERSION"),
            }]},
        },
        "components": apps,
    })
}

pub fn write(units: &[AppUnit], catalog: &Catalog, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &to_json(units, catalog))?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Location, Resolution};

    fn dependency(path: &str, detail: &str, resolution: Option<Resolution>) -> Evidence {
        Evidence {
            at: Location::new(path, 7, 1),
            kind: EvidenceKind::SdkPresence {
                sdk: "amplitude".into(),
                via: Presence::Dependency,
            },
            detail: detail.into(),
            resolution: resolution.map(Box::new),
        }
    }

    #[test]
    fn purls_per_ecosystem() {
        let lock = Resolution {
            direct: Some(false),
            version: Some("1.4.2".into()),
            ..Resolution::default()
        };
        let purl = |e: Evidence| package(&e).map(|p| p.purl);
        assert_eq!(
            purl(dependency(
                "yarn.lock",
                "@amplitude/analytics-browser 1.4.2",
                Some(lock)
            )),
            Some("pkg:npm/%40amplitude/analytics-browser@1.4.2".into())
        );
        assert_eq!(
            purl(dependency(
                "app/package.json",
                "react-native-appsflyer@^6.13.0",
                None
            )),
            Some("pkg:npm/react-native-appsflyer".into())
        );
        assert_eq!(
            purl(dependency("app/package.json", "amplitude-js@8.21.9", None)),
            Some("pkg:npm/amplitude-js@8.21.9".into())
        );
        assert_eq!(
            purl(dependency(
                "app/build.gradle",
                "com.amplitude:android-sdk:2.39.0 (implementation)",
                None
            )),
            Some("pkg:maven/com.amplitude/android-sdk@2.39.0".into())
        );
        assert_eq!(
            purl(dependency("app/src/Main.kt", "com.amplitude.api", None)),
            None
        );
    }

    #[test]
    fn a_transitive_sdk_says_how_it_arrives() {
        let mut unit = AppUnit {
            root: "apps/admin".into(),
            ..AppUnit::default()
        };
        unit.sdks.insert(
            "amplitude".into(),
            vec![dependency(
                "yarn.lock",
                "@amplitude/analytics-browser 2.3.1",
                Some(Resolution {
                    direct: Some(false),
                    via: vec!["@acme/telemetry".into(), "@acme/telemetry-core".into()],
                    version: Some("2.3.1".into()),
                    ..Resolution::default()
                }),
            )],
        );
        let catalog = Catalog::embedded().unwrap();
        let bom = to_json(&[unit], &catalog);
        let sdk = &bom["components"][0]["components"][0];
        assert_eq!(sdk["version"], "2.3.1");
        assert_eq!(sdk["evidence"]["occurrences"][0]["location"], "yarn.lock:7");
        let props: Vec<String> = sdk["properties"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                format!(
                    "{}={}",
                    p["name"].as_str().unwrap(),
                    p["value"].as_str().unwrap()
                )
            })
            .collect();
        assert!(
            props.contains(&"privlint:direct=false".to_string()),
            "{props:?}"
        );
        assert!(
            props.contains(&"privlint:via=@acme/telemetry > @acme/telemetry-core".to_string()),
            "{props:?}"
        );
    }
}
