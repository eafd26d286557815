//! The catalog's YAML schema: SDKs, categories and capabilities, as data.
//!
//! Field names here are the catalog file format (see docs/catalog.md); every struct
//! rejects unknown fields so a typo in a user catalog is an error, not a silent miss.

use serde::{Deserialize, Serialize};

/// Source languages whose APIs the catalog describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Language {
    Kotlin,
    Java,
    Swift,
    Objc,
    /// JavaScript and TypeScript, including JSX/TSX and inline HTML scripts.
    Javascript,
    Dart,
    Rust,
}

impl Language {
    pub const ALL: [Language; 7] = [
        Language::Kotlin,
        Language::Java,
        Language::Swift,
        Language::Objc,
        Language::Javascript,
        Language::Dart,
        Language::Rust,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Language::Kotlin => "kotlin",
            Language::Java => "java",
            Language::Swift => "swift",
            Language::Objc => "objc",
            Language::Javascript => "javascript",
            Language::Dart => "dart",
            Language::Rust => "rust",
        }
    }
}

/// One catalog file (several files are merged; each may hold any section).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogFile {
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub categories: Vec<CategoryDef>,
    #[serde(default)]
    pub sdks: Vec<SdkDef>,
    #[serde(default)]
    pub capabilities: Vec<CapabilityDef>,
    /// Consent gates (CMPs, Google UMP, ATT, web Consent Mode): see `consent.rs`.
    #[serde(default)]
    pub consent_gates: Vec<super::ConsentGateDef>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryDef {
    pub id: String,
    pub description: String,
    /// `false` for tools that are never counted as advertising or analytics
    /// (crash reporting, feature flags).
    #[serde(default = "yes")]
    pub tracking: bool,
    /// The capability SDKs of this category use on their own once the app grants it
    /// (audio beacons listen through the microphone): PL304 reports them.
    #[serde(default)]
    pub listens_through: Option<String>,
    /// An SDK of this category makes the app track in Apple's sense, so the privacy
    /// manifest may not say `NSPrivacyTracking` false (PL402).
    #[serde(default)]
    pub apple_tracking: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SdkDef {
    pub id: String,
    pub name: String,
    pub vendor: String,
    pub category: String,
    /// Where the identifiers come from (keys of the sources table or URLs).
    pub source: String,
    #[serde(default)]
    pub identifiers: Identifiers,
    /// What the SDK collects by itself whenever the app grants a capability.
    #[serde(default)]
    pub collects: Vec<Collect>,
    /// Permissions the SDK's own AndroidManifest adds through the manifest merger.
    #[serde(default)]
    pub permissions: Vec<SdkPermission>,
    /// SDK APIs that receive or switch on a capability (`sdk-api` ties).
    #[serde(default)]
    pub tie_apis: Vec<TieApi>,
    /// SDK calls whose arguments leave the app (sinks for `flow` ties).
    #[serde(default)]
    pub sinks: Vec<Sink>,
    /// Packages that depend on this SDK's packages as optional modules of their own.
    #[serde(default)]
    pub umbrellas: Vec<Umbrella>,
    /// Self-test: `kind:value` identifiers that must (and must not) resolve to this SDK.
    pub examples: Examples,
    #[serde(default)]
    pub notes: Option<String>,
    /// How collection is held until consent and started after it (issue 23).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<super::SdkConsent>,
}

/// A modular umbrella package (the `firebase` npm package) that depends on every module
/// of its vendor, while a bundler ships a module only when the app imports it (which the
/// source scan sees). A lockfile edge from the umbrella to one of `modules` is therefore
/// no evidence that the module ships.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Umbrella {
    /// The umbrella's npm name.
    pub npm: String,
    /// Its modules that carry this SDK (npm names, as its lockfile entries list them).
    pub modules: Vec<String>,
    /// Where the "ships only when imported" fact comes from.
    pub source: String,
    /// Self-test: npm names of the SDK's that must be among `modules`, and names that must
    /// not (the umbrella's other, shipped, dependencies).
    pub examples: Examples,
}

/// Identifiers of an SDK per ecosystem. Every list may be empty.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Identifiers {
    /// Maven `group:artifact`; `group:*` matches every artifact of the group and
    /// `group:prefix*` the artifact `prefix` and every `prefix-…` artifact.
    #[serde(default)]
    pub maven: Vec<String>,
    /// Java/Kotlin package or class prefixes, matched on `.` boundaries.
    #[serde(default)]
    pub android_packages: Vec<String>,
    /// CocoaPods pod names; a subspec `Pod/Sub` matches its pod entry `Pod/Sub` or `Pod`.
    #[serde(default)]
    pub cocoapods: Vec<String>,
    /// Swift / Objective-C module names (`import X`, `@import X`, `#import <X/...>`).
    #[serde(default)]
    pub ios_modules: Vec<String>,
    /// Swift Package Manager repository URLs (compared without scheme, `.git` and case).
    #[serde(default)]
    pub spm: Vec<String>,
    /// Carthage `github "owner/repo"` entries.
    #[serde(default)]
    pub carthage: Vec<String>,
    /// npm package names (a name ending in `/*` matches a whole scope).
    #[serde(default)]
    pub npm: Vec<String>,
    /// pub.dev package names.
    #[serde(default)]
    pub pub_dev: Vec<String>,
    /// crates.io crate names.
    #[serde(default)]
    pub crates: Vec<String>,
    /// Hosts (optionally with a path prefix) of `<script src>` URLs.
    #[serde(default)]
    pub web_script_hosts: Vec<String>,
    /// Global functions or objects an inline web snippet defines (`fbq`, `gtag`).
    #[serde(default)]
    pub web_globals: Vec<String>,
    /// Shapes of a self-hosted or proxied script, recognised on any host.
    #[serde(default)]
    pub web_snippets: Vec<WebSnippet>,
}

/// How a web analytics script looks when it is served from the site's own host: a
/// `<script src>` by file name, attributes and query, or an inline loader by the
/// strings it must contain. A tag shape needs a file name or an attribute, so a bare
/// `script.js` is never an SDK.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WebSnippet {
    /// Last path segment of the `src` URL, query dropped; one `*` may stand for any
    /// text (`script.*.js`). Empty: any file.
    #[serde(default)]
    pub files: Vec<String>,
    /// Attributes the `<script>` tag must all carry (`data-website-id`).
    #[serde(default)]
    pub attributes: Vec<String>,
    /// Text the URL's query must contain (`id=GTM-`).
    #[serde(default)]
    pub query: Option<String>,
    /// Strings an inline `<script>` body must all contain (an inline loader); when set,
    /// the other fields are not used.
    #[serde(default)]
    pub inline: Vec<String>,
}

impl WebSnippet {
    /// Whether this is a `<script src>` shape (not an inline loader).
    pub fn is_tag_shape(&self) -> bool {
        self.inline.is_empty()
    }

    /// Whether a `<script src=url>` carrying `attributes` (lower-case names) has this shape.
    pub fn matches_tag(&self, url: &str, attributes: &[&str]) -> bool {
        if !self.is_tag_shape() || (self.files.is_empty() && self.attributes.is_empty()) {
            return false;
        }
        let (path, query) = url.split_once('?').unwrap_or((url, ""));
        let path = path.split('#').next().unwrap_or(path);
        let file = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
        let file_ok = self.files.is_empty() || self.files.iter().any(|f| glob_match(f, &file));
        let attributes_ok = self
            .attributes
            .iter()
            .all(|a| attributes.iter().any(|have| have.eq_ignore_ascii_case(a)));
        let query_ok = self
            .query
            .as_ref()
            .is_none_or(|q| query.contains(q.as_str()));
        file_ok && attributes_ok && query_ok
    }

    /// Whether an inline script body is this loader.
    pub fn matches_inline(&self, body: &str) -> bool {
        !self.inline.is_empty() && self.inline.iter().all(|m| body.contains(m.as_str()))
    }
}

/// `pattern` (lower case, at most one `*`) against `name`.
fn glob_match(pattern: &str, name: &str) -> bool {
    let pattern = pattern.to_ascii_lowercase();
    match pattern.split_once('*') {
        None => pattern == name,
        Some((head, tail)) => {
            name.len() >= head.len() + tail.len() && name.starts_with(head) && name.ends_with(tail)
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Collect {
    pub capability: String,
    /// Collection also needs an opt-in call; recorded, but not an `auto-collect` tie.
    #[serde(default)]
    pub opt_in: bool,
    pub source: String,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SdkPermission {
    /// Full Android permission name.
    pub permission: String,
    /// Only when this Maven artifact (not just any of the SDK's) is a dependency.
    #[serde(default)]
    pub artifact: Option<String>,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TieApi {
    pub capability: String,
    pub languages: Vec<Language>,
    /// Method, function or property name as called (`setLastKnownLocation`, `isShared`).
    pub method: String,
    /// A name the receiver expression must mention (case-insensitive), e.g. `AppsFlyerLib`.
    /// Without it, the method name plus an import of the SDK in the same file decides.
    #[serde(default)]
    pub receiver: Option<String>,
    /// Hint for the tie's precision: a setter taking a `Location` is precise.
    #[serde(default)]
    pub precise: Option<bool>,
    #[serde(default)]
    pub background: bool,
    /// Only a call whose arguments include `true` switches collection on (toggles).
    #[serde(default)]
    pub when_true: bool,
    pub source: String,
    #[serde(default = "yes")]
    pub verified: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Sink {
    pub languages: Vec<Language>,
    pub methods: Vec<String>,
    /// As in [`TieApi::receiver`].
    #[serde(default)]
    pub receiver: Option<String>,
    pub source: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    #[serde(rename = "match")]
    pub matches: Vec<String>,
    #[serde(default)]
    pub no_match: Vec<String>,
}

/// A sensitive capability and how each platform grants and reads it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CapabilityDef {
    pub id: String,
    pub name: String,
    pub description: String,
    /// Whether precision and background apply (location).
    #[serde(default)]
    pub levels: bool,
    pub source: String,
    #[serde(default)]
    pub android_permissions: Vec<PermissionDef>,
    /// `android:foregroundServiceType` values that imply the capability.
    #[serde(default)]
    pub android_foreground_service_types: Vec<String>,
    /// Info.plist usage-description keys (and build settings `INFOPLIST_KEY_<key>`).
    #[serde(default)]
    pub plist_keys: Vec<PlistKeyDef>,
    /// `UIBackgroundModes` values that imply background use.
    #[serde(default)]
    pub background_modes: Vec<String>,
    /// PrivacyInfo.xcprivacy `NSPrivacyCollectedDataType…` values.
    #[serde(default)]
    pub privacy_data_types: Vec<DataTypeDef>,
    /// Packages whose presence means the app reads the capability.
    #[serde(default)]
    pub packages: PackagesDef,
    /// Expo config plugins that grant it (`plugins: ["expo-location", {...}]`).
    #[serde(default)]
    pub expo_plugins: Vec<ExpoPluginDef>,
    /// Web Permissions-Policy / `iframe allow=` feature names.
    #[serde(default)]
    pub web_features: Vec<String>,
    /// Tauri permission identifier prefixes (`geolocation:`).
    #[serde(default)]
    pub tauri_permissions: Vec<String>,
    /// Platform APIs that read the capability.
    #[serde(default)]
    pub apis: Vec<ApiDef>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PermissionDef {
    pub name: String,
    #[serde(default)]
    pub precise: Option<bool>,
    #[serde(default)]
    pub background: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PlistKeyDef {
    pub key: String,
    #[serde(default)]
    pub background: bool,
    /// The key a code use needs (PL401). Keys that are alternatives share `satisfies`.
    #[serde(default)]
    pub required_for_use: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DataTypeDef {
    pub data_type: String,
    #[serde(default)]
    pub precise: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PackagesDef {
    #[serde(default)]
    pub npm: Vec<String>,
    #[serde(default)]
    pub pub_dev: Vec<String>,
    #[serde(default)]
    pub crates: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ExpoPluginDef {
    pub plugin: String,
    /// Options whose presence (non-false) grants background use.
    #[serde(default)]
    pub background_options: Vec<String>,
}

/// A platform API reading a capability, for one or more languages.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ApiDef {
    pub languages: Vec<Language>,
    /// Type or object the method belongs to (`FusedLocationProviderClient`, `navigator.geolocation`).
    #[serde(default)]
    pub receiver: Option<String>,
    /// Method, function or property names; a value read from them is sensitive.
    pub methods: Vec<String>,
    /// When set, the method name alone (without the receiver in the file) is enough.
    #[serde(default)]
    pub distinctive: bool,
    /// Only when one of these argument texts appears (e.g. `MediaRecorder.AudioSource.MIC`,
    /// `audio: true`); empty means any call.
    #[serde(default)]
    pub argument_hints: Vec<String>,
    #[serde(default)]
    pub precise: Option<bool>,
    #[serde(default)]
    pub background: bool,
    pub source: String,
}
