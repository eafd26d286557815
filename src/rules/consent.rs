//! PL601 sdk-starts-before-consent: the consent family (PL6xx). It is not a tie rule
//! (PL3xx): a tie is an SDK × capability, while this is about *when* an SDK starts,
//! whatever it collects.

use super::{Draft, Rule};
use crate::catalog::Catalog;
use crate::consent::assess;
use crate::finding::Finding;
use crate::link::AppUnit;
use crate::model::EvidenceKind;
use crate::policy::Policy;

pub(super) fn check(unit: &AppUnit, policy: &Policy, catalog: &Catalog, out: &mut Vec<Finding>) {
    if !policy.requires_consent() {
        return;
    }
    let counts = |gate: &str| policy.counts_consent_gate(gate);
    let gates: Vec<_> = assess::gates(unit)
        .into_iter()
        .filter(|(gate, _)| policy.counts_consent_gate(gate))
        .collect();
    let policy_line = policy
        .consent
        .required
        .as_ref()
        .and_then(|r| r.span.as_ref());
    for sdk_id in unit.sdks.keys() {
        let Some(sdk) = catalog.sdk(sdk_id) else {
            continue;
        };
        if sdk.consent.is_none() || !catalog.is_tracking(sdk) {
            continue;
        }
        for (start, gate, startup) in assess::starts(unit, sdk_id) {
            if !startup || assess::waits(gate, &counts) {
                continue;
            }
            let message = format!(
                "{} starts collecting at app start-up (`{}`) before a consent gate has answered: call it in the gate's granted callback or after a check of its result",
                sdk.name, start.detail
            );
            out.push(
                Draft::new(message, start.at.clone())
                    .sdk(sdk_id)
                    .identity(format!("start:{}", start.detail))
                    .policy_line(policy_line, "consent is required here")
                    .finish(Rule::SdkStartsBeforeConsent),
            );
        }
        let Some((gate, gate_at)) = gates.first() else {
            continue;
        };
        if !assess::collects_from_launch(unit, sdk) {
            continue;
        }
        let Some(anchor) = unit.sdk_anchor(sdk_id) else {
            continue;
        };
        let switches: Vec<String> = sdk
            .consent
            .iter()
            .flat_map(|c| &c.switches)
            .filter(|s| unit.has_platform(s.platform.platform()))
            .map(|s| format!("{}={}", s.key, s.held))
            .collect();
        let message = format!(
            "{} collects from launch, before the app's consent gate ({gate}) can ask: set {} and turn collection on in the gate's granted callback",
            sdk.name,
            switches.join(" / ")
        );
        let mut draft = Draft::new(message, anchor.at.clone())
            .sdk(sdk_id)
            .identity("automatic")
            .related(gate_at.at.clone(), format!("the {gate} consent gate"));
        for e in &unit.other {
            if let EvidenceKind::CollectionSwitch {
                sdk: s,
                held: false,
                ..
            } = &e.kind
                && s == sdk_id
            {
                draft = draft.related(e.at.clone(), format!("`{}` keeps it on", e.detail));
            }
        }
        out.push(
            draft
                .policy_line(policy_line, "consent is required here")
                .finish(Rule::SdkStartsBeforeConsent),
        );
    }
}

pub(super) const PL601: &str = r####"# PL601 sdk-starts-before-consent

## What it does
Runs only when the policy sets `consent: {required: true}` (the `strict` and `kids` presets do). For every tracking SDK the catalog has consent data for, it reports:
- a call that starts the SDK or switches its collection on (`AppsFlyerLib.getInstance().start`, `MobileAds.initialize`, `setAnalyticsCollectionEnabled(true)`, `gtag('config', …)`, `fbq('init', …)`) in a function that runs at app start-up (`onCreate`, `application(_:didFinishLaunchingWithOptions:)`, module top level, `main`) and does not wait for a consent gate;
- an SDK that collects by itself from launch (Firebase Analytics, the Facebook SDK's automatic events) with no manifest or Info.plist switch holding it, in an app that ships a consent gate.

A start waits for a gate when, in the same file, it is written inside the gate call that delivers the answer (UMP `requestConsentInfoUpdate`, ATT `requestTrackingAuthorization`, OneTrust `startSDK`, Didomi `onReady`, Usercentrics `isReady`, consentmanager `checkAndOpen`, TCF `__tcfapi('addEventListener')`), follows a check of the stored answer in the same function (`canRequestAds()`, `getConsentStatusForGroupId`), follows a Consent Mode default that denies storage (`gtag('consent', 'default', {… 'denied'})`) or the SDK's own hold (`fbq('consent', 'revoke')`, `waitForATTUserAuthorization`), or sits in a method that receives the answer (Sourcepoint `onConsentReady`). `consent.gates` limits which gates count. Starts in helper functions are not followed yet, and a start outside start-up code is not judged.

PL601 opens the PL6xx family, consent: the PL3xx rules judge ties (an SDK × a capability), while this one judges when an SDK starts, whatever it collects; later consent checks (Consent Mode defaults missing before `gtag('config')`, a pixel granted before the banner) belong next to it.

## Why it matters
Data protection law (GDPR, ePrivacy) and store rules ask for consent before tracking, and OWASP MASVS-PRIVACY-1 asks apps to keep SDKs from collecting before it. An SDK that starts in `onCreate` sends its install and session events before the consent dialog is even shown, whatever the user then answers.

## Example
```kotlin
override fun onCreate() {
    super.onCreate()
    AppsFlyerLib.getInstance().start(this)           // PL601: starts before any answer
    consentInformation.requestConsentInfoUpdate(activity, params, {
        MobileAds.initialize(this)                    // waits for UMP: fine
    }, {})
}
```

## How to fix
Move the start into the gate's granted callback (or behind a check of its result). For SDKs that start by themselves, set their switch in the manifest or Info.plist (`firebase_analytics_collection_enabled=false`, `com.facebook.sdk.AutoLogAppEventsEnabled=false`) and turn collection on in the callback. On the web, set Consent Mode defaults before `gtag('config')` and call `fbq('consent', 'revoke')` before `fbq('init')`.

## How to suppress
Leave `consent.required` off (consent obtained outside the app, such as at sign-up), a policy exception with `rule: sdk-starts-before-consent`, or `privlint: allow(sdk-starts-before-consent) -- reason` on the call.
"####;

#[cfg(test)]
mod tests {
    use crate::catalog::Catalog;
    use crate::policy::{load_preset, load_str};

    #[test]
    fn the_consent_key_is_validated_and_strict_and_kids_require_it() {
        let catalog = Catalog::embedded().expect("catalog");
        let text = "version: 1\nconsent:\n  required: true\n  gates: [google-ump]\n";
        let policy = load_str("privlint.yaml", text, None, &catalog).expect("valid");
        assert!(policy.requires_consent());
        assert!(policy.counts_consent_gate("google-ump"));
        assert!(!policy.counts_consent_gate("didomi"));
        let off = load_str("privlint.yaml", "version: 1\n", None, &catalog).expect("valid");
        assert!(!off.requires_consent() && off.counts_consent_gate("didomi"));
        let bad = "version: 1\nconsent:\n  required: yes\n  gates: [google-unp]\n  when: launch\n";
        let error = format!(
            "{:?}",
            load_str("privlint.yaml", bad, None, &catalog).expect_err("invalid")
        );
        assert!(
            error.contains("unknown consent gate `google-unp`"),
            "{error}"
        );
        assert!(error.contains("did you mean `google-ump`"), "{error}");
        assert!(error.contains("consent.required"), "{error}");
        assert!(error.contains("when"), "{error}");
        for preset in ["strict", "kids"] {
            assert!(
                load_preset(preset, &catalog)
                    .expect(preset)
                    .requires_consent()
            );
        }
        assert!(
            !load_preset("recommended", &catalog)
                .expect("recommended")
                .requires_consent()
        );
    }
}
