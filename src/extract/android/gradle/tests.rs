use super::build::*;
use super::settings::*;
use crate::catalog::Catalog;
use crate::extract::FileInput;
use crate::model::MarkerAt;
use crate::model::{FileFacts, Marker};

fn run(path: &str, text: &str, settings: bool) -> FileFacts {
    let catalog = Catalog::embedded().expect("catalog");
    let input = FileInput::new(path, text.as_bytes(), text, &catalog);
    if settings {
        extract_settings(&input)
    } else {
        extract_build(&input)
    }
}

fn deps(facts: &FileFacts) -> Vec<(u32, String, String)> {
    facts
        .evidence
        .iter()
        .map(|e| {
            (
                e.at.line,
                e.kind.sdk().unwrap_or("-").to_string(),
                e.detail.clone(),
            )
        })
        .collect()
}

fn markers(facts: &FileFacts) -> Vec<&Marker> {
    facts
        .markers
        .iter()
        .map(|MarkerAt { marker, .. }| marker)
        .collect()
}

#[test]
fn groovy_dependency_notations() {
    let facts = run(
        "app/build.gradle",
        r#"
plugins {
id 'com.android.application'
}
dependencies {
implementation 'com.appsflyer:af-android-sdk:6.15.0'
// implementation 'com.appsflyer:af-android-sdk:1.0'
/* api 'com.appsflyer:af-android-sdk:2.0' */
api group: 'com.appsflyer', name: 'af-android-sdk', version: "$afVersion"
freeImplementation('com.appsflyer:af-android-sdk:6.1') {
    exclude group: 'com.appsflyer', module: 'af-android-sdk'
}
testImplementation 'com.appsflyer:af-android-sdk:6.15.0'
androidTestImplementation("com.appsflyer:af-android-sdk:6.15.0")
implementation platform('com.appsflyer:af-android-sdk:6.0'), 'androidx.core:core:1.0'
implementation "com.appsflyer:af-android-sdk:${versions.af}"
implementation libs.appsflyer
def s = "implementation 'com.appsflyer:af-android-sdk:1'"
}
"#,
        false,
    );
    assert_eq!(
        deps(&facts),
        vec![
            (
                6,
                "appsflyer".into(),
                "com.appsflyer:af-android-sdk:6.15.0 (implementation)".into()
            ),
            (
                9,
                "appsflyer".into(),
                "com.appsflyer:af-android-sdk:$afVersion (api)".into()
            ),
            (
                10,
                "appsflyer".into(),
                "com.appsflyer:af-android-sdk:6.1 (freeImplementation)".into()
            ),
            (
                15,
                "appsflyer".into(),
                "com.appsflyer:af-android-sdk:6.0 (implementation)".into()
            ),
            (
                16,
                "appsflyer".into(),
                "com.appsflyer:af-android-sdk:${versions.af} (implementation)".into()
            ),
        ]
    );
    assert_eq!(
        markers(&facts),
        vec![
            &Marker::GradleModule,
            &Marker::AndroidApplication,
            &Marker::VersionCatalogUse {
                catalog: "libs".into(),
                accessor: "appsflyer".into()
            },
        ]
    );
    assert_eq!(facts.markers[1].at.line, 3);
    assert_eq!(facts.markers[2].at.line, 17);
}

#[test]
fn kts_dependency_notations_and_projects() {
    let facts = run(
        "app/build.gradle.kts",
        r#"plugins {
alias(libs.plugins.android.application)
alias(libs.plugins.kotlin.android)
}
dependencies {
implementation(project(":core"))
implementation(project(path = ":analytics"))
api(projects.feature.someLib)
"freeImplementation"("com.appsflyer:af-android-sdk:6.15.0")
add("paidImplementation", "com.appsflyer:af-android-sdk:6.15.0")
implementation(group = "com.appsflyer", name = "af-android-sdk", version = "6")
implementation(enforcedPlatform("com.appsflyer:af-android-sdk:6")) { because("bom") }
testImplementation(project(":testing"))
implementation(libs.findLibrary("appsflyer").get())
}
"#,
        false,
    );
    let lines: Vec<u32> = facts.evidence.iter().map(|e| e.at.line).collect();
    assert_eq!(lines, vec![9, 10, 11, 12]);
    assert_eq!(
        facts.evidence[0].detail,
        "com.appsflyer:af-android-sdk:6.15.0 (freeImplementation)"
    );
    assert_eq!(
        facts.evidence[1].detail,
        "com.appsflyer:af-android-sdk:6.15.0 (paidImplementation)"
    );
    assert_eq!(
        markers(&facts),
        vec![
            &Marker::GradleModule,
            &Marker::AndroidApplication,
            &Marker::GradleProjectDependency {
                project: ":core".into()
            },
            &Marker::GradleProjectDependency {
                project: ":analytics".into()
            },
            &Marker::GradleProjectDependency {
                project: ":feature:some-lib".into()
            },
            &Marker::VersionCatalogUse {
                catalog: "libs".into(),
                accessor: "appsflyer".into()
            },
        ]
    );
}

fn catalog_uses(facts: &FileFacts) -> Vec<(u32, String, String)> {
    facts
        .markers
        .iter()
        .filter_map(|m| match &m.marker {
            Marker::VersionCatalogUse { catalog, accessor } => {
                Some((m.at.line, catalog.clone(), accessor.clone()))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn version_catalog_accessors_in_shipped_configurations() {
    let facts = run(
        "app/build.gradle.kts",
        r#"plugins {
alias(libs.plugins.android.application)
}
dependencies {
implementation(libs.firebase.analytics)
implementation(platform(libs.firebase.bom))
"freeImplementation"(libs.bundles.measurement)
add("paidApi", libs.findLibrary("app_flyer-Sdk").get())
ksp(libs.findBundle("processors").get())
implementation(libs.androidx.compose.asProvider()) { exclude(group = "x") }
runtimeOnly(libs.versions.kotlin)
compileOnly(deps.legacy.adjust)
testImplementation(libs.junit)
androidTestImplementation(libs.bundles.espresso)
// implementation(libs.commented.out)
implementation(libs.findLibrary("$name").get())
}
"#,
        false,
    );
    let libs = |line: u32, accessor: &str| (line, "libs".to_string(), accessor.to_string());
    assert_eq!(
        catalog_uses(&facts),
        vec![
            libs(5, "firebase.analytics"),
            libs(6, "firebase.bom"),
            libs(7, "bundles.measurement"),
            libs(8, "app.flyer.sdk"),
            libs(9, "bundles.processors"),
            libs(10, "androidx.compose"),
            (12, "deps".into(), "legacy.adjust".into()),
        ]
    );
    let groovy = run(
        "app/build.gradle",
        "dependencies {\n    implementation libs.firebase.analytics, libs.bundles.ads\n    \
         kapt libs.findLibrary('room-compiler').get()\n}\n",
        false,
    );
    assert_eq!(
        catalog_uses(&groovy),
        vec![
            libs(2, "firebase.analytics"),
            libs(2, "bundles.ads"),
            libs(3, "room.compiler"),
        ]
    );
}

#[test]
fn library_and_apply_false_are_not_applications() {
    let root = run(
        "build.gradle.kts",
        r#"plugins {
id("com.android.application") version "8.5.0" apply false
alias(libs.plugins.android.application) apply false
}
"#,
        false,
    );
    assert_eq!(markers(&root), vec![&Marker::GradleModule]);
    let library = run(
        "core/build.gradle",
        "apply plugin: 'com.android.library'\n",
        false,
    );
    assert_eq!(markers(&library), vec![&Marker::GradleModule]);
    let legacy_app = run(
        "app/build.gradle",
        "apply plugin: 'com.android.application'\n",
        false,
    );
    assert_eq!(
        markers(&legacy_app),
        vec![&Marker::GradleModule, &Marker::AndroidApplication]
    );
}

#[test]
fn configuration_names() {
    for name in [
        "implementation",
        "freeImplementation",
        "freeDebugApi",
        "kaptDebug",
        "ksp",
        "annotationProcessor",
        "androidTestImplementation",
        "compileOnly",
    ] {
        assert!(is_configuration(name), "{name}");
    }
    for name in [
        "implementations",
        "Implementation",
        "classpath",
        "id",
        "apiKey",
    ] {
        assert!(!is_configuration(name), "{name}");
    }
    assert!(is_test_configuration("testFreeImplementation"));
    assert!(is_test_configuration("androidTestApi"));
    assert!(!is_test_configuration("freeImplementation"));
}

#[test]
fn settings_includes_and_project_dirs() {
    let groovy = run(
        "android/settings.gradle",
        r#"rootProject.name = 'acme'
include ':app', ':libs:core'
include ':analytics'
// include ':ignored'
project(':analytics').projectDir = new File(settingsDir, '../shared/analytics')
"#,
        true,
    );
    let got: Vec<(u32, &Marker)> = groovy
        .markers
        .iter()
        .map(|m| (m.at.line, &m.marker))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                2,
                &Marker::GradleInclude {
                    project: ":app".into(),
                    dir: None
                }
            ),
            (
                2,
                &Marker::GradleInclude {
                    project: ":libs:core".into(),
                    dir: None
                }
            ),
            (
                3,
                &Marker::GradleInclude {
                    project: ":analytics".into(),
                    dir: Some("shared/analytics".into())
                }
            ),
        ]
    );
    let kts = run(
        "settings.gradle.kts",
        "include(\":app\", \"core\")\nproject(\":core\").projectDir = file(\"modules/core\")\n",
        true,
    );
    assert_eq!(
        markers(&kts),
        vec![
            &Marker::GradleInclude {
                project: ":app".into(),
                dir: None
            },
            &Marker::GradleInclude {
                project: ":core".into(),
                dir: Some("modules/core".into())
            },
        ]
    );
}

#[test]
fn tokenizer_survives_garbage() {
    for text in [
        "'unterminated",
        "\"${",
        "/* open",
        "implementation(",
        "\"\"\"",
        "é'x",
    ] {
        let facts = run("build.gradle", text, false);
        assert!(facts.evidence.is_empty());
    }
    // Every prefix of a tricky script: escapes before multi-byte characters,
    // nested interpolation, unbalanced brackets. None may panic.
    let tricky = "dependencies {\n  implementation \"a:b:${v[\"x\"]}\\é\" // ü\n  \
                  api('com.appsflyer:af-android-sdk:1') { exclude group: 'ä' }\n  \
                  add(\"freeApi\", project(path: ':x'))\n}\ninclude ':é'\n";
    let catalog = Catalog::embedded().expect("catalog");
    for (end, _) in tricky.char_indices() {
        let text = &tricky[..end];
        let input = FileInput::new("build.gradle", text.as_bytes(), text, &catalog);
        extract_build(&input);
        extract_settings(&input);
    }
    let full = run("build.gradle", tricky, false);
    assert_eq!(full.evidence.len(), 1, "{:?}", full.evidence);
}
