//! The catalog: SDKs, categories and capabilities as data, with the lookups the
//! extractors need and the prefilter automaton built once from its literals.

mod consent;
mod load;
pub mod model;
mod prefilter;

use std::collections::{BTreeSet, HashMap};

pub use consent::{
    CollectionSwitchDef, ConsentCall, ConsentGateDef, GateRole, SdkConsent, SwitchPlatform,
    parse_bool,
};
pub use load::{CatalogError, EMBEDDED_FILES};
pub use model::*;
pub use prefilter::Prefilter;

/// The loaded, validated catalog with its lookup indexes.
#[derive(Debug)]
pub struct Catalog {
    pub version: String,
    pub categories: Vec<CategoryDef>,
    pub sdks: Vec<SdkDef>,
    pub capabilities: Vec<CapabilityDef>,
    /// Consent gates (`consent_gates:` sections), in load order.
    pub consent_gates: Vec<ConsentGateDef>,
    sdk_index: HashMap<String, usize>,
    /// Lower-cased identifier → SDK index, per exact-match ecosystem.
    exact: HashMap<(IdKind, String), usize>,
    /// Package prefixes sorted longest first, for boundary-respecting prefix matches.
    packages: Vec<(String, usize)>,
    /// Maven `group:prefix*` entries as lower-cased `(group, prefix)`, longest first.
    maven_prefixes: Vec<(String, String, usize)>,
    /// Pod entries `Pod*` / `Pod/Sub*` without the `*`, longest first, for variants.
    pod_variants: Vec<(String, usize)>,
    /// Every method name of every SDK sink and tie API: most calls are neither, and this
    /// answers that without walking the SDK list.
    sdk_methods: std::collections::HashSet<String>,
    prefilter: Prefilter,
}

/// The identifier kinds used in `examples` (`kind:value`) and in lookups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IdKind {
    Maven,
    Package,
    Pod,
    Module,
    Spm,
    Carthage,
    Npm,
    Pub,
    Crate,
    Script,
    Global,
    /// A `<script src>` by shape: `snippet:URL attribute…` in examples.
    Snippet,
    /// An inline loader script by its text: `inline:TEXT` in examples.
    Inline,
}

impl IdKind {
    /// Every kind, for the ecosystem registry's completeness test.
    #[cfg(test)]
    pub const ALL: [IdKind; 11] = [
        IdKind::Maven,
        IdKind::Package,
        IdKind::Pod,
        IdKind::Module,
        IdKind::Spm,
        IdKind::Carthage,
        IdKind::Npm,
        IdKind::Pub,
        IdKind::Crate,
        IdKind::Script,
        IdKind::Global,
    ];

    pub fn parse(s: &str) -> Option<IdKind> {
        Some(match s {
            "maven" => IdKind::Maven,
            "package" => IdKind::Package,
            "pod" => IdKind::Pod,
            "module" => IdKind::Module,
            "spm" => IdKind::Spm,
            "carthage" => IdKind::Carthage,
            "npm" => IdKind::Npm,
            "pub" => IdKind::Pub,
            "crate" => IdKind::Crate,
            "script" => IdKind::Script,
            "global" => IdKind::Global,
            "snippet" => IdKind::Snippet,
            "inline" => IdKind::Inline,
            _ => return None,
        })
    }
}

impl Catalog {
    /// The catalog compiled into the binary.
    pub fn embedded() -> Result<Catalog, CatalogError> {
        load::load_embedded()
    }

    /// A catalog read from every `*.yaml` file of `dir` (recursively, in path order).
    pub fn from_dir(dir: &std::path::Path) -> Result<Catalog, CatalogError> {
        load::load_dir(dir)
    }

    pub(crate) fn build(
        version: String,
        categories: Vec<CategoryDef>,
        sdks: Vec<SdkDef>,
        capabilities: Vec<CapabilityDef>,
    ) -> Catalog {
        let mut sdk_index = HashMap::new();
        let mut exact = HashMap::new();
        let mut packages = Vec::new();
        let mut maven_prefixes = Vec::new();
        let mut pod_variants = Vec::new();
        for (i, sdk) in sdks.iter().enumerate() {
            sdk_index.insert(sdk.id.clone(), i);
            let ids = &sdk.identifiers;
            let mut add = |kind: IdKind, values: &[String]| {
                for v in values {
                    exact.entry((kind, normalize(kind, v))).or_insert(i);
                }
            };
            add(IdKind::Maven, &ids.maven);
            add(IdKind::Pod, &ids.cocoapods);
            add(IdKind::Module, &ids.ios_modules);
            add(IdKind::Spm, &ids.spm);
            add(IdKind::Carthage, &ids.carthage);
            add(IdKind::Npm, &ids.npm);
            add(IdKind::Pub, &ids.pub_dev);
            add(IdKind::Crate, &ids.crates);
            add(IdKind::Global, &ids.web_globals);
            add(IdKind::Script, &ids.web_script_hosts);
            for p in &ids.android_packages {
                packages.push((p.trim_end_matches('.').to_string(), i));
            }
            for m in &ids.maven {
                let m = m.trim().to_ascii_lowercase();
                if let Some((group, artifact)) = m.split_once(':')
                    && let Some(prefix) = artifact.strip_suffix('*')
                    && !prefix.is_empty()
                {
                    maven_prefixes.push((group.to_string(), prefix.to_string(), i));
                }
            }
            for pod in &ids.cocoapods {
                if let Some(prefix) = pod.trim().strip_suffix('*') {
                    pod_variants.push((prefix.to_string(), i));
                }
            }
        }
        packages.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        maven_prefixes.sort_by_key(|entry| std::cmp::Reverse(entry.1.len()));
        pod_variants.sort_by_key(|entry| std::cmp::Reverse(entry.0.len()));
        let prefilter = Prefilter::build(&sdks, &capabilities);
        let sdk_methods = sdks
            .iter()
            .flat_map(|sdk| {
                sdk.sinks
                    .iter()
                    .flat_map(|s| s.methods.iter().cloned())
                    .chain(sdk.tie_apis.iter().map(|t| t.method.clone()))
            })
            .collect();
        Catalog {
            version,
            categories,
            sdks,
            capabilities,
            consent_gates: Vec::new(),
            sdk_index,
            exact,
            packages,
            maven_prefixes,
            pod_variants,
            sdk_methods,
            prefilter,
        }
    }

    pub fn sdk(&self, id: &str) -> Option<&SdkDef> {
        self.sdk_index.get(id).map(|&i| &self.sdks[i])
    }

    pub fn capability(&self, id: &str) -> Option<&CapabilityDef> {
        self.capabilities.iter().find(|c| c.id == id)
    }

    pub fn category(&self, id: &str) -> Option<&CategoryDef> {
        self.categories.iter().find(|c| c.id == id)
    }

    /// Whether any SDK has a sink or tie API of this name.
    pub fn is_sdk_method(&self, method: &str) -> bool {
        self.sdk_methods.contains(method)
    }

    pub fn prefilter(&self) -> &Prefilter {
        &self.prefilter
    }

    /// Resolve one identifier of the given kind to an SDK.
    pub fn lookup(&self, kind: IdKind, value: &str) -> Option<&SdkDef> {
        match kind {
            IdKind::Package => self.sdk_for_package(value),
            IdKind::Maven => self.sdk_for_maven(value),
            IdKind::Pod => self.sdk_for_pod(value),
            IdKind::Script => self.sdk_for_script_url(value),
            IdKind::Snippet => {
                let mut parts = value.split_whitespace();
                let url = parts.next()?;
                let attributes: Vec<&str> = parts.collect();
                self.sdk_for_script_shape(url, &attributes)
            }
            IdKind::Inline => self.sdk_for_inline_loader(value),
            IdKind::Npm => self
                .exact_lookup(kind, value)
                .or_else(|| self.npm_scope_lookup(value)),
            _ => self.exact_lookup(kind, value),
        }
    }

    /// `kind:value` as written in catalog examples.
    pub fn lookup_example(&self, example: &str) -> Option<&SdkDef> {
        let (kind, value) = example.split_once(':')?;
        self.lookup(IdKind::parse(kind)?, value)
    }

    fn exact_lookup(&self, kind: IdKind, value: &str) -> Option<&SdkDef> {
        self.exact
            .get(&(kind, normalize(kind, value)))
            .map(|&i| &self.sdks[i])
    }

    fn npm_scope_lookup(&self, name: &str) -> Option<&SdkDef> {
        let (scope, _) = name.split_once('/')?;
        self.exact_lookup(IdKind::Npm, &format!("{scope}/*"))
    }

    /// A Java/Kotlin qualified name (package, class or member) → SDK, matching catalog
    /// prefixes on `.` boundaries: `com.appsflyer` matches `com.appsflyer.AppsFlyerLib`
    /// but not `com.appsflyerx`.
    pub fn sdk_for_package(&self, qualified: &str) -> Option<&SdkDef> {
        let q = qualified.trim_end_matches(".*");
        self.packages.iter().find_map(|(prefix, i)| {
            let hit = q == prefix
                || (q.starts_with(prefix.as_str())
                    && q.as_bytes().get(prefix.len()) == Some(&b'.'));
            hit.then(|| &self.sdks[*i])
        })
    }

    /// `group:artifact` (a version suffix is ignored) → SDK. The exact entry first; then
    /// the artifact without a `-ktx` suffix (Kotlin extensions ship the same SDK); then
    /// `group:prefix*` entries, which match `prefix` and `prefix-…` (never `prefixx`);
    /// then `group:*`.
    pub fn sdk_for_maven(&self, coordinate: &str) -> Option<&SdkDef> {
        let mut parts = coordinate.split(':');
        let group = parts.next()?.trim().to_ascii_lowercase();
        let artifact = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let base = artifact.strip_suffix("-ktx").filter(|b| !b.is_empty());
        let mut candidates = vec![artifact.as_str()];
        candidates.extend(base);
        for artifact in &candidates {
            if let Some(sdk) = self.exact_lookup(IdKind::Maven, &format!("{group}:{artifact}")) {
                return Some(sdk);
            }
        }
        for artifact in &candidates {
            let hit = self.maven_prefixes.iter().find(|(g, prefix, _)| {
                *g == group
                    && artifact
                        .strip_prefix(prefix.as_str())
                        .is_some_and(|rest| rest.is_empty() || rest.starts_with('-'))
            });
            if let Some((_, _, i)) = hit {
                return Some(&self.sdks[*i]);
            }
        }
        self.exact_lookup(IdKind::Maven, &format!("{group}:*"))
    }

    /// A pod name, possibly with a subspec (`Firebase/Analytics`): the full name, then
    /// the root pod. Each is compared with the exact entries, then with variant entries
    /// `Pod*` / `Pod/Sub*`, which match the name itself and names extending it at a
    /// word boundary (`Firebase/Analytics*` matches `Firebase/AnalyticsWithoutAdIdSupport`,
    /// never `Firebase/Analyticsx`). Variants are opt-in per entry because a shared
    /// prefix is no proof: `Firebase/CoreOnly` is not `Firebase/Core`.
    pub fn sdk_for_pod(&self, pod: &str) -> Option<&SdkDef> {
        let pod = pod.trim();
        let root = pod.split('/').next().unwrap_or(pod);
        let mut names = vec![pod];
        if root != pod {
            names.push(root);
        }
        names.into_iter().find_map(|name| {
            self.exact_lookup(IdKind::Pod, name).or_else(|| {
                self.pod_variants
                    .iter()
                    .find(|(prefix, _)| {
                        name.strip_prefix(prefix.as_str()).is_some_and(|rest| {
                            rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_uppercase())
                        })
                    })
                    .map(|(_, i)| &self.sdks[*i])
            })
        })
    }

    /// A `<script src>` whose host the catalog does not know, by its shape (file name,
    /// attributes, query): a self-hosted or proxied analytics script. `attributes` are
    /// the tag's attribute names.
    pub fn sdk_for_script_shape(&self, url: &str, attributes: &[&str]) -> Option<&SdkDef> {
        self.sdks.iter().find(|sdk| {
            sdk.identifiers
                .web_snippets
                .iter()
                .any(|s| s.matches_tag(url, attributes))
        })
    }

    /// An inline `<script>` body that is a catalog SDK's loader snippet.
    pub fn sdk_for_inline_loader(&self, body: &str) -> Option<&SdkDef> {
        self.sdks.iter().find(|sdk| {
            sdk.identifiers
                .web_snippets
                .iter()
                .any(|s| s.matches_inline(body))
        })
    }

    /// A script URL (`https://connect.facebook.net/en_US/fbevents.js`, `//host/path`)
    /// → SDK, by host and optional path prefix; subdomains of a listed host match.
    pub fn sdk_for_script_url(&self, url: &str) -> Option<&SdkDef> {
        let rest = url.trim();
        let rest = rest.split_once("://").map_or(rest, |(_, r)| r);
        let rest = rest.trim_start_matches("//").to_ascii_lowercase();
        let (host, path) = rest.split_once('/').unwrap_or((&rest, ""));
        let host = host.split(':').next().unwrap_or(host);
        let full = format!("{host}/{path}");
        self.sdks.iter().find(|sdk| {
            sdk.identifiers.web_script_hosts.iter().any(|entry| {
                let entry = entry.to_ascii_lowercase();
                let (e_host, e_path) = entry.split_once('/').unwrap_or((&entry, ""));
                let host_ok = host == e_host || host.ends_with(&format!(".{e_host}"));
                host_ok && (e_path.is_empty() || full[host.len() + 1..].starts_with(e_path))
            })
        })
    }

    /// Capability and level granted by an Android permission name.
    pub fn permission(&self, name: &str) -> Option<(&CapabilityDef, &PermissionDef)> {
        self.capabilities.iter().find_map(|c| {
            c.android_permissions
                .iter()
                .find(|p| p.name == name)
                .map(|p| (c, p))
        })
    }

    /// Capability named by an Info.plist usage key.
    pub fn plist_key(&self, key: &str) -> Option<(&CapabilityDef, &PlistKeyDef)> {
        self.capabilities
            .iter()
            .find_map(|c| c.plist_keys.iter().find(|k| k.key == key).map(|k| (c, k)))
    }

    /// Capability named by a privacy-manifest data type.
    pub fn data_type(&self, data_type: &str) -> Option<(&CapabilityDef, &DataTypeDef)> {
        self.capabilities.iter().find_map(|c| {
            c.privacy_data_types
                .iter()
                .find(|d| d.data_type == data_type)
                .map(|d| (c, d))
        })
    }

    /// Capability implied by a `UIBackgroundModes` value.
    pub fn background_mode(&self, mode: &str) -> Option<&CapabilityDef> {
        self.capabilities
            .iter()
            .find(|c| c.background_modes.iter().any(|m| m == mode))
    }

    /// Capability implied by an `android:foregroundServiceType` value.
    pub fn foreground_service_type(&self, ty: &str) -> Option<&CapabilityDef> {
        self.capabilities
            .iter()
            .find(|c| c.android_foreground_service_types.iter().any(|m| m == ty))
    }

    /// Capability read through a package (npm, pub.dev or crates.io name).
    pub fn capability_package(&self, kind: IdKind, name: &str) -> Option<&CapabilityDef> {
        self.capabilities.iter().find(|c| {
            let list = match kind {
                IdKind::Npm => &c.packages.npm,
                IdKind::Pub => &c.packages.pub_dev,
                IdKind::Crate => &c.packages.crates,
                _ => return false,
            };
            list.iter().any(|p| p == name)
        })
    }

    /// The categories' ids, for validation and suggestions.
    pub fn category_ids(&self) -> BTreeSet<&str> {
        self.categories.iter().map(|c| c.id.as_str()).collect()
    }

    /// Whether an SDK counts as advertising/analytics (not crash reporting etc.).
    /// Every `umbrella → module` dependency a bundler ships only when the app imports the
    /// module (the SDKs' `umbrellas`): such a lockfile edge is no evidence.
    pub fn optional_edges(&self) -> impl Iterator<Item = (&str, &str)> {
        self.sdks
            .iter()
            .flat_map(|s| &s.umbrellas)
            .flat_map(|u| u.modules.iter().map(move |m| (u.npm.as_str(), m.as_str())))
    }

    pub fn is_tracking(&self, sdk: &SdkDef) -> bool {
        self.category(&sdk.category).is_none_or(|c| c.tracking)
    }
}

fn normalize(kind: IdKind, value: &str) -> String {
    let v = value.trim();
    match kind {
        IdKind::Spm | IdKind::Carthage => {
            let v = v.split_once("://").map_or(v, |(_, r)| r);
            let v = v.trim_start_matches("www.");
            let v = v.trim_end_matches('/').trim_end_matches(".git");
            v.to_ascii_lowercase()
        }
        // Module and crate names are case-sensitive in their ecosystems, but crates treat
        // `-` and `_` alike.
        IdKind::Crate => v.replace('-', "_"),
        IdKind::Npm | IdKind::Pub | IdKind::Maven | IdKind::Script => v.to_ascii_lowercase(),
        _ => v.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_catalog_loads() {
        let catalog = Catalog::embedded().expect("embedded catalog is valid");
        assert!(!catalog.sdks.is_empty());
        // A run does not check the embedded catalog again: this test does.
        let problems: Vec<String> = catalog
            .problems()
            .iter()
            .map(|p| p.message.clone())
            .collect();
        assert!(problems.is_empty(), "{problems:#?}");
        // Loaded twice in one process, it is the same catalog.
        let again = Catalog::embedded().expect("embedded catalog is valid");
        assert_eq!(format!("{:?}", catalog.sdks), format!("{:?}", again.sdks));
    }

    fn id(found: Option<&SdkDef>) -> Option<&str> {
        found.map(|s| s.id.as_str())
    }

    #[test]
    fn maven_ktx_and_prefix_entries_respect_artifact_boundaries() {
        let c = Catalog::embedded().expect("catalog");
        let m = |coordinate| id(c.sdk_for_maven(coordinate));
        assert_eq!(
            m("com.google.firebase:firebase-analytics-ktx:21.0.0"),
            Some("firebase-analytics")
        );
        assert_eq!(
            m("com.google.android.gms:play-services-measurement-sdk-api"),
            Some("firebase-analytics")
        );
        assert_eq!(
            m("COM.GOOGLE.ANDROID.GMS:play-services-measurement"),
            Some("firebase-analytics")
        );
        assert_eq!(m("com.google.android.gms:play-services-measurementx"), None);
        assert_eq!(
            m("com.google.android.gms:play-services-ads-identifier"),
            None
        );
        assert_eq!(m("com.google.firebase:firebase-common-ktx"), None);
        assert_eq!(m("com.google.firebase:-ktx"), None);
        assert_eq!(
            m("com.google.firebase:firebase-crashlytics-ktx"),
            Some("firebase-crashlytics")
        );
    }

    #[test]
    fn pod_variant_entries_are_opt_in_and_word_bounded() {
        let c = Catalog::embedded().expect("catalog");
        let p = |pod| id(c.sdk_for_pod(pod));
        assert_eq!(
            p("Firebase/AnalyticsWithoutAdIdSupport"),
            Some("firebase-analytics")
        );
        assert_eq!(p("Firebase/Analytics"), Some("firebase-analytics"));
        assert_eq!(p("Firebase/Analyticsx"), None);
        // `Firebase/Core` is listed without `*`: CoreOnly (no Analytics) stays unknown.
        assert_eq!(p("Firebase/CoreOnly"), None);
        assert_eq!(p("Firebase/Crashlytics"), Some("firebase-crashlytics"));
        assert_eq!(p("AppsFlyerFramework/Strict"), Some("appsflyer"));
    }

    #[test]
    fn script_shapes_need_their_file_and_attributes() {
        let c = Catalog::embedded().expect("catalog");
        let shape = |url, attributes: &[&str]| id(c.sdk_for_script_shape(url, attributes));
        assert_eq!(
            shape(
                "https://s.example.org/script.js",
                &["src", "data-website-id"]
            ),
            Some("umami")
        );
        assert_eq!(
            shape("https://s.example.org/script.js", &["src", "defer"]),
            None
        );
        assert_eq!(
            shape("/js/script.tagged-events.js?v=2", &["data-domain"]),
            Some("plausible")
        );
        assert_eq!(
            shape("https://s.example.org/script.js", &["DATA-SITE"]),
            Some("fathom")
        );
        assert_eq!(shape("//s.example.org/piwik.js#x", &[]), Some("matomo"));
        assert_eq!(
            shape("https://s.example.org/gtm.js?id=GTM-1", &[]),
            Some("google-tag-manager")
        );
        assert_eq!(shape("https://s.example.org/gtm.js", &[]), None);
        assert_eq!(id(c.sdk_for_inline_loader("analytics.load('k')")), None);
    }
}
