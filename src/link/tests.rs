//! Unit tests of the linker: version catalog entries and Swift package pins per unit.

use super::shipped::{catalog_name, normalise_package_url};
use super::*;
use crate::catalog::Catalog;
use crate::model::{Location, Marker, Presence};
use crate::walk::FileKind;

fn file(path: &str, kind: FileKind) -> AnalysedFile {
    AnalysedFile {
        path: path.into(),
        kind,
        facts: FileFacts::default(),
    }
}

fn with_marker(mut f: AnalysedFile, line: u32, marker: Marker) -> AnalysedFile {
    let at = Location::new(f.path.clone(), line, 1);
    f.facts.marker(at, marker);
    f
}

fn presence(path: &str, line: u32, sdk: &str, detail: &str) -> Evidence {
    Evidence {
        at: Location::new(path, line, 1),
        kind: EvidenceKind::SdkPresence {
            sdk: sdk.into(),
            via: Presence::Dependency,
        },
        detail: detail.into(),
        resolution: None,
    }
}

fn uses(path: &str, accessors: &[&str]) -> AnalysedFile {
    let mut f = with_marker(file(path, FileKind::GradleBuild), 1, Marker::GradleModule);
    for (i, accessor) in accessors.iter().enumerate() {
        f = with_marker(
            f,
            i as u32 + 2,
            Marker::VersionCatalogUse {
                catalog: "libs".into(),
                accessor: (*accessor).into(),
            },
        );
    }
    f
}

/// `gradle/libs.versions.toml` with firebase-analytics (line 2), appsflyer (line 3),
/// braze (line 4) and a bundle `engagement = [braze]`.
fn version_catalog() -> AnalysedFile {
    let path = "gradle/libs.versions.toml";
    let mut f = file(path, FileKind::VersionCatalog);
    for (line, alias, sdk) in [
        (2, "firebase.analytics", "firebase-analytics"),
        (3, "appsflyer", "appsflyer"),
        (4, "braze.android", "braze"),
    ] {
        f = with_marker(
            f,
            line,
            Marker::VersionCatalogLibrary {
                alias: alias.into(),
                sdk: sdk.into(),
            },
        );
        f.facts
            .evidence
            .push(presence(path, line, sdk, &format!("{alias} = g:a")));
    }
    with_marker(
        f,
        6,
        Marker::VersionCatalogBundle {
            bundle: "engagement".into(),
            members: vec!["braze.android".into()],
        },
    )
}

fn android_app(dir: &str, accessors: &[&str]) -> AnalysedFile {
    with_marker(
        uses(&format!("{dir}/build.gradle.kts"), accessors),
        1,
        Marker::AndroidApplication,
    )
}

fn sdks_of(facts: &Facts) -> Vec<(String, Vec<String>)> {
    facts
        .units
        .iter()
        .map(|u| (u.root.clone(), u.sdks.keys().cloned().collect()))
        .collect()
}

#[test]
fn catalog_entry_counts_only_in_units_whose_build_files_use_it() {
    let catalog = Catalog::embedded().unwrap();
    let files = vec![
        version_catalog(),
        android_app("phone", &["firebase.analytics", "androidx.core"]),
        android_app("watch", &["bundles.engagement"]),
    ];
    assert_eq!(
        sdks_of(&link(&files, &catalog)),
        vec![
            ("phone".into(), vec!["firebase-analytics".into()]),
            ("watch".into(), vec!["braze".into()]),
        ]
    );
    // The kept evidence still points at the catalog line.
    let facts = link(&files, &catalog);
    assert_eq!(
        facts.units[0].sdks["firebase-analytics"][0].at,
        Location::new("gradle/libs.versions.toml", 2, 1)
    );
}

#[test]
fn catalog_entries_all_count_when_no_build_file_names_them() {
    let catalog = Catalog::embedded().unwrap();
    let every = vec![
        "appsflyer".to_string(),
        "braze".into(),
        "firebase-analytics".into(),
    ];
    // No `libs.` accessor anywhere (a convention plugin consumes the catalog).
    let files = vec![version_catalog(), android_app("app", &[])];
    assert_eq!(
        sdks_of(&link(&files, &catalog)),
        vec![("app".into(), every.clone())]
    );
    // Convention plugins exist: their `findLibrary("…")` calls are not resolved.
    let files = vec![
        version_catalog(),
        android_app("app", &["appsflyer"]),
        file(
            "build-logic/convention/src/main/kotlin/FirebaseConventionPlugin.kt",
            FileKind::Kotlin,
        ),
    ];
    assert_eq!(
        sdks_of(&link(&files, &catalog)),
        vec![("app".into(), every)]
    );
    // A script plugin outside every module (`apply from:`) serves every unit.
    let files = vec![
        version_catalog(),
        android_app("app", &["appsflyer"]),
        uses("gradle/firebase.gradle", &["firebase.analytics"]),
    ];
    assert_eq!(
        sdks_of(&link(&files, &catalog)),
        vec![(
            "app".into(),
            vec!["appsflyer".into(), "firebase-analytics".into()]
        )]
    );
}

const FIREBASE_URL: &str = "https://github.com/firebase/firebase-ios-sdk";

fn ios_app(dir: &str, products: Option<&[&str]>) -> Vec<AnalysedFile> {
    let mut project = with_marker(
        file(
            &format!("{dir}/App.xcodeproj/project.pbxproj"),
            FileKind::XcodeProject,
        ),
        1,
        Marker::IosApp,
    );
    if let Some(products) = products {
        project = with_marker(
            project,
            20,
            Marker::SwiftPackageProducts {
                url: format!("{FIREBASE_URL}.git"),
                products: products.iter().map(|p| p.to_string()).collect(),
            },
        );
    }
    let resolved_path = format!("{dir}/App.xcodeproj/project.xcworkspace/Package.resolved");
    let mut resolved = file(&resolved_path, FileKind::PackageResolved);
    resolved.facts.evidence.push(presence(
        &resolved_path,
        7,
        "firebase-analytics",
        &format!("{FIREBASE_URL} 11.2.0"),
    ));
    vec![project, resolved]
}

#[test]
fn lock_pin_counts_only_when_a_linked_product_ships_its_sdk() {
    let catalog = Catalog::embedded().unwrap();
    let case = |products: Option<&[&str]>| {
        let facts = link(&ios_app("ios", products), &catalog);
        sdks_of(&facts)
    };
    let analytics = vec![("ios".to_string(), vec!["firebase-analytics".to_string()])];
    let none = vec![("ios".to_string(), Vec::<String>::new())];
    assert_eq!(case(Some(&["FirebaseMessaging"])), none);
    assert_eq!(
        case(Some(&["FirebaseMessaging", "FirebaseCrashlytics"])),
        none
    );
    assert_eq!(
        case(Some(&["FirebaseAnalyticsWithoutAdIdSupport"])),
        analytics
    );
    // Nothing says which products are linked: the pin is the evidence.
    assert_eq!(case(None), analytics);
    // Another app's linked products say nothing about this one.
    let mut files = ios_app("messenger", Some(&["FirebaseMessaging"]));
    files.extend(ios_app("tracker", None));
    assert_eq!(
        sdks_of(&link(&files, &catalog)),
        vec![
            ("messenger".into(), vec![]),
            ("tracker".into(), vec!["firebase-analytics".into()]),
        ]
    );
}

#[test]
fn package_urls_compare_without_scheme_suffix_or_case() {
    for url in [
        "https://github.com/Firebase/firebase-ios-sdk.git",
        "https://www.github.com/firebase/firebase-ios-sdk/",
        "git@github.com:firebase/firebase-ios-sdk.git",
    ] {
        assert_eq!(
            normalise_package_url(url),
            "github.com/firebase/firebase-ios-sdk"
        );
    }
    assert_eq!(catalog_name("gradle/libs.versions.toml"), "libs");
    assert_eq!(catalog_name("androidx.versions.toml"), "androidx");
}
