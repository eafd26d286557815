use super::*;
use crate::model::{Evidence, EvidenceKind, Level, Presence};

fn unit_with(sdks: &[&str], location: bool) -> AppUnit {
    let mut unit = AppUnit {
        root: ".".into(),
        ..AppUnit::default()
    };
    unit.platforms.insert(Platform::Android);
    for (i, sdk) in sdks.iter().enumerate() {
        unit.sdks.insert(
            sdk.to_string(),
            vec![Evidence {
                at: Location::new("app/build.gradle", i as u32 + 1, 5),
                kind: EvidenceKind::SdkPresence {
                    sdk: sdk.to_string(),
                    via: Presence::Dependency,
                },
                detail: sdk.to_string(),
                resolution: None,
            }],
        );
    }
    if location {
        let facts = unit.capabilities.entry("location".into()).or_default();
        facts.declared.push(Evidence {
            at: Location::new("app/AndroidManifest.xml", 3, 5),
            kind: EvidenceKind::CapabilityDeclared {
                capability: "location".into(),
                level: Level::coarse(),
                removed: false,
                key: "android.permission.ACCESS_COARSE_LOCATION".into(),
            },
            detail: "android.permission.ACCESS_COARSE_LOCATION".into(),
            resolution: None,
        });
    }
    unit
}

#[test]
fn one_entry_per_data_type_merges_the_app_and_its_sdks() {
    let catalog = Catalog::embedded().expect("catalog");
    let data = StoreData::embedded();
    let unit = unit_with(&["firebase-analytics", "google-mobile-ads"], true);
    let draft = Declaration::of(&unit, &catalog, data);
    let ids: Vec<&str> = draft.entries.iter().map(|e| e.data.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "approximate-location",
            "device-id",
            "app-interactions",
            "diagnostics"
        ]
    );
    let location = &draft.entries[0];
    assert_eq!(location.evidence.len(), 3, "the permission and both SDKs");
    assert!(!location.app_only);
    assert!(location.shared, "AdMob shares it");
    assert!(location.tracking, "an advertising SDK receives it");
    assert_eq!(
        location.purposes,
        [
            "app-functionality",
            "analytics",
            "advertising",
            "fraud-prevention"
        ]
    );
    assert!(draft.tracking());
}

#[test]
fn an_sdk_without_a_disclosure_is_a_todo_not_a_guess() {
    let catalog = Catalog::embedded().expect("catalog");
    let draft = Declaration::of(
        &unit_with(&["appsflyer"], false),
        &catalog,
        StoreData::embedded(),
    );
    assert!(draft.entries.is_empty());
    assert!(draft.todos[0].contains("AppsFlyer") && draft.todos[0].contains("no disclosure"));
    assert_eq!(draft.tracking_sdks.len(), 1);
}

#[test]
fn comments_never_hold_a_double_hyphen_and_csv_fields_are_quoted() {
    assert_eq!(apple::comment(0, "a---b-"), "<!-- a- - -b-  -->\n");
    assert_eq!(play::field("a,b"), "\"a,b\"");
    assert_eq!(play::field("say \"hi\""), "\"say \"\"hi\"\"\"");
    assert_eq!(play::field("plain"), "plain");
}
