//! Consent data in the catalog (issue 23): per SDK, the switches that hold its automatic
//! collection at start-up and the calls that start or enable it; and the consent gates
//! (CMPs, Google UMP, ATT, web Consent Mode) whose callbacks, checks and defaults tell
//! privlint that a start waits for the user's answer. Matching lives here so detection
//! (`crate::consent`) and the catalog self-test read the same code.

use serde::{Deserialize, Serialize};

use super::{Catalog, Language};
use crate::model::Platform;

/// How one SDK's collection is held until consent and started after it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SdkConsent {
    /// The vendor's documentation of these switches and calls.
    pub source: String,
    /// Collection starts by itself when the app launches (no call needed): only a
    /// switch holds it.
    #[serde(default)]
    pub automatic: bool,
    #[serde(default)]
    pub switches: Vec<CollectionSwitchDef>,
    /// Calls that start the SDK or switch its collection on (init, start, enable).
    #[serde(default)]
    pub starts: Vec<ConsentCall>,
    /// The SDK's own calls that hold collection until consent when made before a start
    /// in the same file (`fbq('consent', 'revoke')`, AppsFlyer `waitForATTUserAuthorization`).
    #[serde(default)]
    pub holds: Vec<ConsentCall>,
    pub examples: ConsentExamples,
}

/// A manifest `<meta-data>` (Android) or Info.plist key (iOS) that holds collection.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CollectionSwitchDef {
    pub platform: SwitchPlatform,
    pub key: String,
    /// The boolean value that holds collection (`false` for an `…_ENABLED` flag, `true`
    /// for a delay flag).
    pub held: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SwitchPlatform {
    /// An AndroidManifest.xml `<meta-data android:name android:value>`.
    Android,
    /// An Info.plist key with a boolean value.
    Ios,
}

impl SwitchPlatform {
    pub fn platform(self) -> Platform {
        match self {
            SwitchPlatform::Android => Platform::Android,
            SwitchPlatform::Ios => Platform::Ios,
        }
    }
    fn parse(word: &str) -> Option<SwitchPlatform> {
        match word {
            "android" => Some(SwitchPlatform::Android),
            "ios" => Some(SwitchPlatform::Ios),
            _ => None,
        }
    }
}

/// A call, matched on the lowered IR: its method name, a receiver whose text names one
/// of `receivers` (none: any receiver, or a bare call), and argument texts.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentCall {
    pub languages: Vec<Language>,
    pub methods: Vec<String>,
    /// Case-insensitive texts one of which the receiver must contain.
    #[serde(default)]
    pub receivers: Vec<String>,
    /// Every entry must appear in the argument text; `a|b` accepts either. Quotes are
    /// compared as `'`, whitespace is ignored, case is not.
    #[serde(default)]
    pub arguments: Vec<String>,
}

impl ConsentCall {
    pub fn matches(
        &self,
        language: Language,
        receiver: Option<&str>,
        method: &str,
        args: &str,
    ) -> bool {
        if !self.languages.contains(&language) || !self.methods.iter().any(|m| m == method) {
            return false;
        }
        let receiver = receiver.unwrap_or("").to_ascii_lowercase();
        let receiver_ok = self.receivers.is_empty()
            || self
                .receivers
                .iter()
                .any(|r| receiver.contains(&r.to_ascii_lowercase()));
        let args = compact(args);
        receiver_ok
            && self
                .arguments
                .iter()
                .all(|a| a.split('|').any(|alt| args.contains(&compact(alt))))
    }
}

/// Lower case, no whitespace, every quote a `'`.
fn compact(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if matches!(c, '"' | '`') { '\'' } else { c })
        .collect::<String>()
        .to_lowercase()
}

/// A consent gate: the API an app asks the user through, and how its answer shows.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentGateDef {
    pub id: String,
    pub name: String,
    pub vendor: String,
    pub source: String,
    /// Calls whose callback (an argument or a trailing closure) runs with the answer: a
    /// start written inside that call is gated.
    #[serde(default)]
    pub callbacks: Vec<ConsentCall>,
    /// Calls reading the stored answer: a start after one in the same function is gated.
    #[serde(default)]
    pub checks: Vec<ConsentCall>,
    /// Calls that deny collection until the answer arrives (web Consent Mode defaults):
    /// a start after one in the same file is gated.
    #[serde(default)]
    pub defaults: Vec<ConsentCall>,
    /// Methods the app implements to receive the answer (Sourcepoint `onConsentReady`):
    /// a start inside one is gated.
    #[serde(default)]
    pub handlers: Vec<String>,
    /// The SDKs its `defaults` hold (Consent Mode holds Google's tags, not a pixel);
    /// empty: every SDK.
    #[serde(default)]
    pub default_holds: Vec<String>,
    pub examples: ConsentExamples,
}

/// How a gate call gates the starts around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GateRole {
    Callback,
    Check,
    Default,
}

impl ConsentGateDef {
    pub fn role_of(
        &self,
        language: Language,
        receiver: Option<&str>,
        method: &str,
        args: &str,
    ) -> Option<GateRole> {
        let hit = |calls: &[ConsentCall]| {
            calls
                .iter()
                .any(|c| c.matches(language, receiver, method, args))
        };
        if hit(&self.callbacks) {
            Some(GateRole::Callback)
        } else if hit(&self.checks) {
            Some(GateRole::Check)
        } else if hit(&self.defaults) {
            Some(GateRole::Default)
        } else {
            None
        }
    }
}

/// Self-test: `android:KEY=false` / `ios:KEY=false` for a switch that holds collection,
/// `LANGUAGE:receiver.method(arguments)` (or `LANGUAGE:method(arguments)`) for a call,
/// `handler:NAME` for a gate's handler method.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentExamples {
    #[serde(rename = "match")]
    pub matches: Vec<String>,
    #[serde(default)]
    pub no_match: Vec<String>,
}

/// A parsed call example: language, receiver, method, argument text.
struct CallExample<'e> {
    language: Language,
    receiver: Option<&'e str>,
    method: &'e str,
    args: &'e str,
}

fn parse_call_example(example: &str) -> Option<CallExample<'_>> {
    let (language, call) = example.split_once(':')?;
    let language = Language::ALL.into_iter().find(|l| l.as_str() == language)?;
    // The argument list is the last one: `a.getInstance(this).start(x)` calls `start`.
    let inner = call.strip_suffix(')')?;
    let mut depth = 0usize;
    let open = inner.char_indices().rev().find_map(|(i, c)| match c {
        ')' => {
            depth += 1;
            None
        }
        '(' if depth == 0 => Some(i),
        '(' => {
            depth -= 1;
            None
        }
        _ => None,
    })?;
    let args = &inner[open + 1..];
    let callee = &call[..open];
    let (receiver, method) = match callee.rsplit_once('.') {
        Some((r, m)) => (Some(r), m),
        None => (None, callee),
    };
    Some(CallExample {
        language,
        receiver,
        method,
        args,
    })
}

/// `platform:KEY=value` → (platform, key, value).
fn parse_switch_example(example: &str) -> Option<(SwitchPlatform, &str, bool)> {
    let (platform, rest) = example.split_once(':')?;
    let platform = SwitchPlatform::parse(platform)?;
    let (key, value) = rest.split_once('=')?;
    Some((platform, key, parse_bool(value)?))
}

/// A switch value as manifests and plists write it.
pub fn parse_bool(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" => Some(true),
        "false" | "no" | "0" => Some(false),
        _ => None,
    }
}

impl SdkConsent {
    /// The switch named `key` on `platform`, if the SDK has one.
    pub fn switch(&self, platform: SwitchPlatform, key: &str) -> Option<&CollectionSwitchDef> {
        self.switches
            .iter()
            .find(|s| s.platform == platform && s.key == key)
    }

    fn example_matches(&self, example: &str) -> Option<bool> {
        if let Some((platform, key, value)) = parse_switch_example(example) {
            return Some(self.switch(platform, key).is_some_and(|s| s.held == value));
        }
        let call = parse_call_example(example)?;
        Some(
            self.starts
                .iter()
                .chain(&self.holds)
                .any(|c| c.matches(call.language, call.receiver, call.method, call.args)),
        )
    }
}

impl ConsentGateDef {
    /// Whether the gate's defaults hold this SDK.
    pub fn default_holds_sdk(&self, sdk: &str) -> bool {
        self.default_holds.is_empty() || self.default_holds.iter().any(|s| s == sdk)
    }

    /// Whether a function of this name (its last `.` segment) receives the answer.
    pub fn is_handler(&self, function: &str) -> bool {
        let name = function.rsplit('.').next().unwrap_or(function);
        let name = name.split('(').next().unwrap_or(name);
        self.handlers.iter().any(|h| h == name)
    }

    fn example_matches(&self, example: &str) -> Option<bool> {
        if let Some(name) = example.strip_prefix("handler:") {
            return Some(self.is_handler(name));
        }
        let call = parse_call_example(example)?;
        Some(
            self.role_of(call.language, call.receiver, call.method, call.args)
                .is_some(),
        )
    }
}

impl Catalog {
    pub fn consent_gate(&self, id: &str) -> Option<&ConsentGateDef> {
        self.consent_gates.iter().find(|g| g.id == id)
    }

    /// The SDK and switch a manifest or plist key belongs to.
    pub fn collection_switch(
        &self,
        platform: SwitchPlatform,
        key: &str,
    ) -> Option<(&super::SdkDef, &CollectionSwitchDef)> {
        self.sdks.iter().find_map(|sdk| {
            let s = sdk.consent.as_ref()?.switch(platform, key)?;
            Some((sdk, s))
        })
    }
}

/// The catalog checks for consent data: unique gate ids, a source, and examples that
/// match (and `no_match` ones that do not).
pub(super) fn check(catalog: &Catalog, say: &mut dyn FnMut(String)) {
    let mut seen = std::collections::HashSet::new();
    for gate in &catalog.consent_gates {
        let owner = format!("consent gate `{}`", gate.id);
        if !seen.insert(gate.id.as_str()) || catalog.sdk(&gate.id).is_some() {
            say(format!("{owner} is defined twice (or shares an SDK id)"));
        }
        if gate.callbacks.is_empty()
            && gate.checks.is_empty()
            && gate.defaults.is_empty()
            && gate.handlers.is_empty()
        {
            say(format!(
                "{owner} has no callbacks, checks, defaults or handlers"
            ));
        }
        for sdk in gate
            .default_holds
            .iter()
            .filter(|s| catalog.sdk(s).is_none())
        {
            say(format!(
                "{owner}: `default_holds` names unknown SDK `{sdk}`"
            ));
        }
        check_examples(&owner, &gate.examples, &|e| gate.example_matches(e), say);
    }
    for sdk in &catalog.sdks {
        let Some(consent) = &sdk.consent else {
            continue;
        };
        let owner = format!("SDK `{}`", sdk.id);
        if consent.automatic && consent.switches.is_empty() {
            say(format!(
                "{owner}: consent `automatic` without a switch that holds it"
            ));
        }
        check_examples(
            &owner,
            &consent.examples,
            &|e| consent.example_matches(e),
            say,
        );
    }
}

fn check_examples(
    owner: &str,
    examples: &ConsentExamples,
    test: &dyn Fn(&str) -> Option<bool>,
    say: &mut dyn FnMut(String),
) {
    if examples.matches.is_empty() {
        say(format!("{owner} has no consent `examples.match`"));
    }
    for (list, want) in [(&examples.matches, true), (&examples.no_match, false)] {
        for e in list {
            match test(e) {
                None => say(format!(
                    "{owner}: consent example `{e}` is neither `android:KEY=BOOL`, `ios:KEY=BOOL`, `handler:NAME` nor `LANGUAGE:receiver.method(args)`"
                )),
                Some(got) if got != want => say(format!(
                    "{owner}: consent example `{e}` {}",
                    if want {
                        "does not match"
                    } else {
                        "matches, but is listed under no_match"
                    }
                )),
                Some(_) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(receivers: &[&str], arguments: &[&str]) -> ConsentCall {
        ConsentCall {
            languages: vec![Language::Kotlin, Language::Javascript],
            methods: vec!["start".into(), "gtag".into()],
            receivers: receivers.iter().map(|s| s.to_string()).collect(),
            arguments: arguments.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn calls_match_on_receiver_text_and_every_argument() {
        let c = call(&["AppsFlyerLib"], &[]);
        assert!(c.matches(
            Language::Kotlin,
            Some("AppsFlyerLib.getInstance()"),
            "start",
            "this"
        ));
        assert!(!c.matches(Language::Kotlin, Some("engine"), "start", ""));
        assert!(!c.matches(Language::Swift, Some("AppsFlyerLib"), "start", ""));
        let g = call(&[], &["'consent'", "'default'", "denied"]);
        assert!(g.matches(
            Language::Javascript,
            None,
            "gtag",
            "\"consent\", \"default\", { ad_storage: \"denied\" }"
        ));
        assert!(!g.matches(
            Language::Javascript,
            None,
            "gtag",
            "'consent', 'update', {}"
        ));
        let t = call(&[], &["true|yes"]);
        assert!(t.matches(Language::Kotlin, None, "start", "YES"));
        assert!(!t.matches(Language::Kotlin, None, "start", "false"));
    }

    #[test]
    fn examples_parse_switches_and_calls() {
        assert_eq!(
            parse_switch_example("android:firebase_analytics_collection_enabled=false")
                .map(|(p, k, v)| (p, k.to_string(), v)),
            Some((
                SwitchPlatform::Android,
                "firebase_analytics_collection_enabled".to_string(),
                false
            ))
        );
        let c = parse_call_example("kotlin:AppsFlyerLib.getInstance().start(this)").expect("call");
        assert_eq!(
            (c.receiver, c.method, c.args),
            (Some("AppsFlyerLib.getInstance()"), "start", "this")
        );
        let bare = parse_call_example("javascript:gtag('config', 'G-1')").expect("bare");
        assert_eq!((bare.receiver, bare.method), (None, "gtag"));
        assert!(parse_call_example("cobol:x()").is_none());
    }

    #[test]
    fn embedded_consent_data_passes_its_self_test() {
        let catalog = Catalog::embedded().expect("catalog");
        let mut problems = Vec::new();
        check(&catalog, &mut |p| problems.push(p));
        assert!(problems.is_empty(), "{problems:#?}");
        for id in [
            "firebase-analytics",
            "facebook-sdk",
            "appsflyer",
            "adjust",
            "amplitude",
            "braze",
            "google-mobile-ads",
            "google-analytics",
            "meta-pixel",
        ] {
            assert!(
                catalog.sdk(id).and_then(|s| s.consent.as_ref()).is_some(),
                "{id} has consent data"
            );
        }
        for id in [
            "google-ump",
            "app-tracking-transparency",
            "onetrust",
            "didomi",
            "usercentrics",
            "sourcepoint",
            "consentmanager",
            "google-consent-mode",
        ] {
            assert!(catalog.consent_gate(id).is_some(), "gate {id}");
        }
    }
}
