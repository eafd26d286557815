use crate::catalog::{Catalog, Language};
use crate::extract::FileInput;
use crate::extract::analyze::analyze;
use crate::model::EvidenceKind;

/// `(sdk, line, gate, startup)` of one SDK start.
type Start = (String, u32, Option<String>, bool);

/// Every SDK start in one source file, and the gates seen.
fn starts(path: &str, text: &str) -> (Vec<Start>, Vec<String>) {
    let catalog = Catalog::embedded().expect("catalog");
    let input = FileInput::new(path, text.as_bytes(), text, &catalog);
    let (language, ir) = match path.rsplit('.').next() {
        Some("kt") => (
            Language::Kotlin,
            crate::extract::android::kotlin::lower(&input),
        ),
        Some("swift") => (Language::Swift, crate::extract::apple::swift::lower(&input)),
        _ => (
            Language::Javascript,
            crate::extract::javascript::lower::lower(&input, false),
        ),
    };
    let facts = analyze(&input, language, &ir.expect("lowered"));
    let mut found = Vec::new();
    let mut gates = Vec::new();
    for e in facts.evidence {
        match e.kind {
            EvidenceKind::SdkStart { sdk, gate, startup } => {
                found.push((sdk, e.at.line, gate, startup))
            }
            EvidenceKind::ConsentGate { gate } => gates.push(gate),
            _ => {}
        }
    }
    found.sort_by_key(|s| s.1);
    (found, gates)
}

fn start(sdk: &str, line: u32, gate: Option<&str>, startup: bool) -> Start {
    (sdk.to_string(), line, gate.map(str::to_string), startup)
}

#[test]
fn kotlin_starts_inside_the_callback_or_after_a_check_wait_for_ump() {
    let text = r#"import com.appsflyer.AppsFlyerLib
import com.google.android.gms.ads.MobileAds

class App {
    override fun onCreate() {
        AppsFlyerLib.getInstance().start(this)
        consentInformation.requestConsentInfoUpdate(this, params, {
            AppsFlyerLib.getInstance().start(this)
        }, { e -> })
        MobileAds.initialize(this)
        if (consentInformation.canRequestAds()) { MobileAds.initialize(this) }
    }
    fun later() { AppsFlyerLib.getInstance().start(this) }
}
"#;
    let (found, gates) = starts("App.kt", text);
    assert_eq!(
        found,
        vec![
            start("appsflyer", 6, None, true),
            start("appsflyer", 8, Some("google-ump"), true),
            start("google-mobile-ads", 10, None, true),
            start("google-mobile-ads", 11, Some("google-ump"), true),
            start("appsflyer", 13, None, false),
        ]
    );
    assert_eq!(gates, vec!["google-ump", "google-ump"]);
}

#[test]
fn swift_starts_in_the_att_handler_or_after_the_sdk_hold_wait() {
    let text = r#"import AppsFlyerLib
import AppTrackingTransparency

class AppDelegate {
    func application(_ application: UIApplication, didFinishLaunchingWithOptions options: [String: Any]?) -> Bool {
        ATTrackingManager.requestTrackingAuthorization { status in
            AppsFlyerLib.shared().start()
        }
        AppsFlyerLib.shared().start()
        AppsFlyerLib.shared().waitForATTUserAuthorization(timeoutInterval: 60)
        AppsFlyerLib.shared().start()
        return true
    }
}
"#;
    let (found, _) = starts("AppDelegate.swift", text);
    assert_eq!(
        found,
        vec![
            start("appsflyer", 7, Some("app-tracking-transparency"), true),
            start("appsflyer", 9, None, true),
            start("appsflyer", 11, Some(super::SDK_HOLD), true),
        ]
    );
}

#[test]
fn web_tags_wait_for_consent_mode_defaults_and_the_pixel_revoke() {
    let text = r#"gtag('config', 'G-1');
gtag('consent', 'default', { analytics_storage: 'denied' });
gtag('config', 'G-2');
fbq('init', '1');
fbq('consent', 'revoke');
fbq('init', '2');
"#;
    let (found, gates) = starts("site.js", text);
    assert_eq!(
        found,
        vec![
            start("google-analytics", 1, None, true),
            start("google-analytics", 3, Some("google-consent-mode"), true),
            start("meta-pixel", 4, None, true),
            start("meta-pixel", 6, Some(super::SDK_HOLD), true),
        ]
    );
    assert_eq!(gates, vec!["google-consent-mode"]);
}

#[test]
fn the_inventory_state_weighs_switches_and_starts() {
    use super::assess::{ConsentState, state};
    use crate::link::AppUnit;
    use crate::model::{Evidence, Location, Platform, Presence};
    let catalog = Catalog::embedded().expect("catalog");
    let evidence = |kind: EvidenceKind| Evidence {
        at: Location::new("app/x", 1, 1),
        kind,
        detail: String::new(),
        resolution: None,
    };
    let mut unit = AppUnit::default();
    unit.platforms.insert(Platform::Android);
    for sdk in ["firebase-analytics", "appsflyer", "amplitude"] {
        let presence = evidence(EvidenceKind::SdkPresence {
            sdk: sdk.into(),
            via: Presence::Dependency,
        });
        unit.sdks.insert(sdk.into(), vec![presence]);
    }
    let of = |unit: &AppUnit, sdk: &str| state(unit, &catalog, sdk);
    assert_eq!(of(&unit, "firebase-analytics"), ConsentState::Ungated);
    assert_eq!(of(&unit, "appsflyer"), ConsentState::Unknown);
    assert_eq!(of(&unit, "amplitude"), ConsentState::Unknown);
    unit.other.push(evidence(EvidenceKind::CollectionSwitch {
        sdk: "firebase-analytics".into(),
        platform: Platform::Android,
        held: true,
    }));
    unit.other.push(evidence(EvidenceKind::SdkStart {
        sdk: "appsflyer".into(),
        gate: Some("google-ump".into()),
        startup: true,
    }));
    assert_eq!(of(&unit, "firebase-analytics"), ConsentState::Gated);
    assert_eq!(of(&unit, "appsflyer"), ConsentState::Gated);
    unit.other.push(evidence(EvidenceKind::SdkStart {
        sdk: "appsflyer".into(),
        gate: None,
        startup: true,
    }));
    assert_eq!(of(&unit, "appsflyer"), ConsentState::Ungated);
    assert_eq!(of(&unit, "no-such-sdk"), ConsentState::Unknown);
}
