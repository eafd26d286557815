use super::*;
use crate::catalog::Catalog;
use crate::model::EvidenceKind;

fn presences(path: &str, text: &str) -> Vec<(String, Presence)> {
    let catalog = Catalog::embedded().expect("catalog");
    let input = FileInput::new(path, text.as_bytes(), text, &catalog);
    let ir = crate::extract::javascript::lower::lower(&input, false).expect("lowered");
    analyze(&input, Language::Javascript, &ir)
        .evidence
        .into_iter()
        .filter_map(|e| match e.kind {
            EvidenceKind::SdkPresence { sdk, via } => Some((sdk, via)),
            _ => None,
        })
        .collect()
}

/// The flows found in one source file: `(sdk, line)` of each sink.
fn flows(path: &str, text: &str) -> Vec<(String, u32)> {
    let catalog = Catalog::embedded().expect("catalog");
    let input = FileInput::new(path, text.as_bytes(), text, &catalog);
    let (language, ir) = match path.rsplit('.').next() {
        Some("kt") => (
            Language::Kotlin,
            crate::extract::android::kotlin::lower(&input),
        ),
        Some("dart") => (Language::Dart, crate::extract::flutter::dart::lower(&input)),
        Some("swift") => (Language::Swift, crate::extract::apple::swift::lower(&input)),
        _ => (
            Language::Javascript,
            crate::extract::javascript::lower::lower(&input, false),
        ),
    };
    analyze(&input, language, &ir.expect("lowered"))
        .evidence
        .into_iter()
        .filter_map(|e| match e.kind {
            EvidenceKind::Flow { sdk, .. } => Some((sdk, e.at.line)),
            _ => None,
        })
        .collect()
}

const KOTLIN_ACTIVITY: &str = r#"import com.google.android.gms.location.LocationServices
import com.google.firebase.analytics.FirebaseAnalytics

class Journal { fun logEvent(name: String, lat: Double) {} }

class Screen(private val tracker: FirebaseAnalytics) {
    private val journal = Journal()
    private val analytics = DebugAnalytics()
    private lateinit var firebaseAnalytics: FirebaseAnalytics
    fun onStart() {
        val fa = FirebaseAnalytics.getInstance(this)
        LocationServices.getFusedLocationProviderClient(this).lastLocation.addOnSuccessListener { loc ->
            journal.logEvent("a", loc.latitude)
            analytics.logEvent("b", loc.latitude)
            tracker.logEvent("c", loc.latitude)
            fa.logEvent("d", loc.latitude)
            firebaseAnalytics.logEvent("e", loc.latitude)
        }
    }
}
"#;

#[test]
fn kotlin_receivers_made_in_the_file_are_sinks_only_when_made_from_the_sdk() {
    // journal/analytics are the app's own objects; `tracker` is a parameter whose
    // name does not name the SDK (its type is not in the IR); `fa` is made from the
    // SDK; `firebaseAnalytics` has no visible value but its name names the SDK.
    assert_eq!(
        flows("Screen.kt", KOTLIN_ACTIVITY),
        vec![
            ("firebase-analytics".to_string(), 16),
            ("firebase-analytics".to_string(), 17)
        ]
    );
}

#[test]
fn js_objects_made_by_an_imported_sdk_function_are_sinks_and_a_local_object_is_not() {
    let text = r#"import { createClient, useAnalytics } from '@segment/analytics-react-native';
const seg = createClient({ writeKey: 'k' });
const analytics = { track(name, props) { console.log(name, props); } };
function checkIn() {
  const { track } = useAnalytics();
  navigator.geolocation.getCurrentPosition((pos) => {
    analytics.track('own', { lat: pos.coords.latitude });
    seg.track('seg', { lat: pos.coords.latitude });
    track('hook', { lat: pos.coords.latitude });
  });
}
"#;
    assert_eq!(
        flows("checkin.js", text),
        vec![("segment".to_string(), 8), ("segment".to_string(), 9)]
    );
}

#[test]
fn js_a_bare_call_of_a_function_imported_from_the_sdk_is_a_sink() {
    let text = r#"import * as amplitude from '@amplitude/analytics-browser';
import { track } from '@amplitude/analytics-browser';
function track2(name, props) { console.log(name, props); }
navigator.geolocation.getCurrentPosition((pos) => {
  track('fix', { lat: pos.coords.latitude });
  track2('own', { lat: pos.coords.latitude });
  amplitude.track('ns', { lat: pos.coords.latitude });
});
"#;
    assert_eq!(
        flows("fix.js", text),
        vec![("amplitude".to_string(), 5), ("amplitude".to_string(), 7)]
    );
}

#[test]
fn dart_generic_verb_on_a_variable_made_from_an_sdk_field_is_a_sink() {
    let text = r#"import 'package:geolocator/geolocator.dart';
import 'package:mixpanel_flutter/mixpanel_flutter.dart';
class S {
  late final Mixpanel mixpanel;
  final cache = <String, double>{};
  Future<void> init() async { mixpanel = await Mixpanel.init('t', trackAutomaticEvents: false); }
  Future<void> go() async {
    final pos = await Geolocator.getCurrentPosition();
    final people = mixpanel.getPeople();
    people.set('lat', pos.latitude);
    cache.set('lat', pos.latitude);
  }
}
"#;
    assert_eq!(flows("s.dart", text), vec![("mixpanel".to_string(), 10)]);
}

#[test]
fn swift_fields_made_from_the_sdk_are_sinks() {
    let text = r#"import CoreLocation
import FirebaseAnalytics
import Mixpanel
final class Reporter {
    let analytics = Analytics.self
    let manager = CLLocationManager()
    var mp: MixpanelInstance?
    init() { self.mp = Mixpanel.mainInstance() }
    func report() {
        let lat = manager.location?.coordinate.latitude ?? 0
        let people = mp?.people
        people?.set(property: "lat", to: lat)
        analytics.logEvent("here", parameters: ["lat": lat])
    }
}
"#;
    assert_eq!(
        flows("Reporter.swift", text),
        vec![
            ("mixpanel".to_string(), 12),
            ("firebase-analytics".to_string(), 13)
        ]
    );
}

#[test]
fn a_required_module_is_not_the_page_global_of_the_same_name() {
    let found = presences(
        "app.js",
        "function f() {\n  const Sentry = require('@sentry/react-native');\n  Sentry.addBreadcrumb({});\n}\n",
    );
    assert!(
        found.iter().all(|(_, via)| *via == Presence::Import),
        "{found:?}"
    );
    assert!(!found.is_empty());
}

#[test]
fn local_variables_and_parameters_are_not_page_globals() {
    let found = presences(
        "src/tree.js",
        "export function finest(predictions) {\n  const branch = predictions.filter((p) => p.rank > 10);\n  return branch.map((t) => t.id);\n}\nexport const drain = (heap) => { while (heap.size() > 0) heap.pop(); };\nvar FS = { error() {} };\nFS.error();\n",
    );
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn a_snippet_that_loads_the_sdk_script_keeps_its_own_variable() {
    let found = presences(
        "pixel.js",
        "!function (w, d, t) {\n  var ttq = w[t] = w[t] || [];\n  ttq.load = function (e) { var u = 'https://analytics.tiktok.com/i18n/pixel/events.js'; };\n  ttq.load('C0FFEE');\n  ttq.page();\n}(window, document, 'ttq');\n",
    );
    assert!(
        found
            .iter()
            .any(|(sdk, via)| sdk == "tiktok-pixel" && *via == Presence::Script),
        "{found:?}"
    );
}

#[test]
fn a_self_hosted_loader_naming_its_script_file_keeps_its_own_variable() {
    let matomo = "var _paq = window._paq = window._paq || [];\n_paq.push(['trackPageView']);\n(function () {\n  var u = '//stats.example.org/';\n  var g = document.createElement('script');\n  g.src = u + 'matomo.js';\n})();\n";
    let found = presences("stats.js", matomo);
    assert!(found.iter().any(|(sdk, _)| sdk == "matomo"), "{found:?}");
    // A `_paq` array the file declares, with no loader, is the app's own.
    let own = presences("queue.js", "var _paq = [];\n_paq.push(1);\n");
    assert!(own.is_empty(), "{own:?}");
}

#[test]
fn an_entry_point_of_a_multi_product_package_is_its_sdk() {
    let found = presences(
        "src/firebase.js",
        "import { getAnalytics, logEvent } from 'firebase/analytics';\nimport { getAuth } from 'firebase/auth';\nimport 'firebase/compat/analytics';\nimport { provideAnalytics } from '@angular/fire/analytics';\nimport { provideAuth } from '@angular/fire/auth';\nlogEvent(getAnalytics(), 'open');\n",
    );
    // The three analytics entry points; neither auth entry nor the bare packages.
    let analytics = ("firebase-analytics".to_string(), Presence::Import);
    assert_eq!(found, vec![analytics.clone(), analytics.clone(), analytics]);
}

#[test]
fn a_page_global_call_is_script_presence() {
    let found = presences("pixel.js", "fbq('track', 'PageView');\n");
    assert_eq!(found, vec![("meta-pixel".to_string(), Presence::Script)]);
}
