use super::{capacitor, cordova, npm_package_in_path};
use crate::catalog::Catalog;
use crate::extract::FileInput;
use crate::model::{EvidenceKind, FileFacts, Marker};

fn run(extract: fn(&FileInput) -> FileFacts, path: &str, text: &str) -> FileFacts {
    let catalog = Catalog::embedded().expect("embedded catalog");
    extract(&FileInput::new(path, text.as_bytes(), text, &catalog))
}

/// `kind:id@line` for each evidence, in order.
fn summary(facts: &FileFacts) -> Vec<String> {
    facts
        .evidence
        .iter()
        .map(|e| {
            let what = match &e.kind {
                EvidenceKind::SdkPresence { sdk, .. } => format!("sdk:{sdk}"),
                EvidenceKind::CapabilityDeclared {
                    capability, level, ..
                } => format!("declared:{capability}:bg={}", level.background),
                EvidenceKind::PurposeString { key } => format!("purpose:{key}"),
                other => format!("{other:?}"),
            };
            format!("{what}@{}", e.at.line)
        })
        .collect()
}

fn marks_hybrid_app(facts: &FileFacts) -> bool {
    facts.markers.iter().any(|m| m.marker == Marker::HybridApp)
}

#[test]
fn npm_package_from_node_modules_paths() {
    assert_eq!(
        npm_package_in_path("../node_modules/@capacitor/geolocation/android").as_deref(),
        Some("@capacitor/geolocation")
    );
    assert_eq!(
        npm_package_in_path("../../node_modules/appsflyer-capacitor-plugin").as_deref(),
        Some("appsflyer-capacitor-plugin")
    );
    assert_eq!(
        npm_package_in_path("../capacitor-cordova-ios-plugins"),
        None
    );
    assert_eq!(npm_package_in_path("node_modules/@scope"), None);
}

#[test]
fn capacitor_configs_mark_the_app_and_broken_json_is_a_problem() {
    let ts = "import { CapacitorConfig } from '@capacitor/cli';\nexport default { appId: 'a.b' };";
    assert!(marks_hybrid_app(&run(
        capacitor::extract_config,
        "capacitor.config.ts",
        ts
    )));
    let json = run(
        capacitor::extract_config,
        "capacitor.config.json",
        r#"{"appId": "a.b", "webDir": "www",}"#,
    );
    assert!(marks_hybrid_app(&json) && json.problems.is_empty());
    let broken = run(
        capacitor::extract_config,
        "capacitor.config.json",
        "{\"appId\": ",
    );
    assert!(!marks_hybrid_app(&broken));
    assert_eq!(broken.problems.len(), 1);
}

#[test]
fn ionic_config_marks_only_native_projects() {
    let native = r#"{"name": "x", "type": "angular", "integrations": {"capacitor": {}}}"#;
    let web = r#"{"name": "x", "type": "angular"}"#;
    assert!(marks_hybrid_app(&run(
        capacitor::extract_ionic_config,
        "ionic.config.json",
        native
    )));
    assert!(!marks_hybrid_app(&run(
        capacitor::extract_ionic_config,
        "ionic.config.json",
        web
    )));
}

#[test]
fn capacitor_settings_name_sdk_plugins_by_their_npm_folder() {
    let text = "// generated\ninclude ':capacitor-android'\nproject(':capacitor-android').projectDir = new File('../node_modules/@capacitor/android/capacitor')\ninclude ':capacitor-firebase-analytics'\nproject(':capacitor-firebase-analytics').projectDir = new File(\"../node_modules/@capacitor-firebase/analytics/android\")\n";
    let facts = run(
        capacitor::extract_gradle,
        "android/capacitor.settings.gradle",
        text,
    );
    assert_eq!(summary(&facts), ["sdk:firebase-analytics@5"]);
    assert_eq!(
        capacitor::quoted_strings("a 'b' \"c\" // 'd'\n"),
        [(3, "b"), (7, "c")]
    );
}

#[test]
fn cordova_config_reads_plugins_permissions_and_usage_strings() {
    let text = r#"<?xml version='1.0' encoding='utf-8'?>
<widget id="com.example.shop" version="1.0.0" xmlns="http://www.w3.org/ns/widgets" xmlns:android="http://schemas.android.com/apk/res/android">
  <plugin name="cordova-plugin-geolocation" spec="^5.0.0" />
  <plugin name="cordova-plugin-appsflyer-sdk" spec="^6.0.0" />
  <platform name="android">
    <config-file target="AndroidManifest.xml" parent="/manifest">
      <uses-permission android:name="android.permission.ACCESS_FINE_LOCATION" />
    </config-file>
  </platform>
  <platform name="ios">
    <edit-config target="NSLocationWhenInUseUsageDescription" file="*-Info.plist" mode="merge">
      <string>Find stores near you</string>
    </edit-config>
    <config-file target="*-Info.plist" parent="UIBackgroundModes">
      <array><string>location</string></array>
    </config-file>
  </platform>
</widget>
"#;
    let facts = run(cordova::extract_config, "config.xml", text);
    assert!(marks_hybrid_app(&facts));
    assert_eq!(
        summary(&facts),
        [
            "sdk:appsflyer@4",
            "declared:location:bg=false@7",
            "purpose:NSLocationWhenInUseUsageDescription@11",
            "declared:location:bg=false@11",
            "declared:location:bg=true@15",
        ]
    );
}

#[test]
fn capacitor_generated_config_xml_and_foreign_files_mark_nothing() {
    let generated = "<?xml version='1.0'?>\n<widget version=\"1.0.0\" xmlns=\"http://www.w3.org/ns/widgets\"><access origin=\"*\" /></widget>";
    let facts = run(
        cordova::extract_config,
        "android/app/src/main/res/xml/config.xml",
        generated,
    );
    assert!(!marks_hybrid_app(&facts) && facts.problems.is_empty());
    let other = run(
        cordova::extract_config,
        "config.xml",
        "<configuration><broken",
    );
    assert!(other.problems.is_empty() && other.markers.is_empty());
    let broken = run(
        cordova::extract_config,
        "config.xml",
        "<widget id=\"a\"><plugin",
    );
    assert_eq!(broken.problems.len(), 1);
}

#[test]
fn cordova_plugin_xml_reads_frameworks_pods_and_permissions() {
    let text = r#"<plugin id="local-analytics" version="1.0.0" xmlns="http://apache.org/cordova/ns/plugins/1.0" xmlns:android="http://schemas.android.com/apk/res/android">
  <dependency id="cordova-plugin-facebook-connect" />
  <platform name="android">
    <framework src="com.google.firebase:firebase-analytics:21.0.0" />
    <framework src="src/android/build.gradle" custom="true" type="gradleReference" />
    <config-file target="AndroidManifest.xml" parent="/manifest">
      <uses-permission android:name="android.permission.RECORD_AUDIO" />
    </config-file>
  </platform>
  <platform name="ios">
    <framework src="AppsFlyerFramework" type="podspec" spec="~> 6.0" />
    <podspec><pods><pod name="Mixpanel" spec="~> 5.0" /></pods></podspec>
  </platform>
</plugin>"#;
    let facts = run(cordova::extract_plugin, "plugins-local/x/plugin.xml", text);
    assert!(facts.markers.is_empty());
    assert_eq!(
        summary(&facts),
        [
            "sdk:facebook-sdk@2",
            "sdk:firebase-analytics@4",
            "declared:microphone:bg=false@7",
            "sdk:appsflyer@11",
            "sdk:mixpanel@12",
        ]
    );
    let eclipse = run(
        cordova::extract_plugin,
        "plugin.xml",
        "<plugin><extension/></plugin>",
    );
    assert!(eclipse.evidence.is_empty() && eclipse.problems.is_empty());
}

#[test]
fn package_json_cordova_plugins_ship_in_the_app() {
    let text = r#"{
  "name": "shop",
  "devDependencies": { "cordova-plugin-firebasex": "^16.0.0" },
  "cordova": { "plugins": { "cordova-plugin-geolocation": {}, "cordova-plugin-firebasex": {} } }
}"#;
    let facts = run(
        crate::extract::javascript::package_json::extract,
        "package.json",
        text,
    );
    assert_eq!(summary(&facts), ["sdk:firebase-analytics@4"]);
}
