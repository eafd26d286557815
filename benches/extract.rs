//! Micro-benchmarks of the hot path: the prefilter (every source file passes through
//! it) and a few extractors. `cargo bench --bench extract`.

use std::sync::OnceLock;

use privlint::catalog::Catalog;
use privlint::extract::{self, FileInput};
use privlint::walk::FileKind;

fn main() {
    divan::main();
}

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog::embedded().expect("embedded catalog"))
}

/// Ordinary Kotlin with no catalog literal, about `bytes` long.
fn plain_kotlin(bytes: usize) -> String {
    let mut text =
        String::from("package com.example.orders\n\nimport java.util.UUID\n\nclass OrderPanel {\n");
    let mut i = 0;
    while text.len() < bytes {
        text.push_str(&format!(
            "    fun total{i}(items: List<Int>, limit: Int = {i}): Int {{\n        var sum = 0\n        for ((index, item) in items.withIndex()) {{ if (index > limit) break; sum += item * {i} }}\n        return sum\n    }}\n\n"
        ));
        i += 1;
    }
    text.push_str("}\n");
    text
}

/// The same with an SDK import and a capability call, so it gets parsed.
fn sensitive_kotlin(bytes: usize) -> String {
    format!(
        "import com.appsflyer.AppsFlyerLib\nimport com.google.android.gms.location.FusedLocationProviderClient\n{}\nfun where(c: FusedLocationProviderClient) {{ c.lastLocation.addOnSuccessListener {{ loc -> AppsFlyerLib.getInstance().logEvent(ctx, \"x\", mapOf(\"lat\" to loc.latitude)) }} }}\n",
        plain_kotlin(bytes)
    )
}

fn input<'a>(path: &'a str, text: &'a str) -> FileInput<'a> {
    FileInput::new(path, text.as_bytes(), text, catalog())
}

#[divan::bench(args = [4 * 1024, 64 * 1024, 1024 * 1024])]
fn prefilter_miss(bencher: divan::Bencher, bytes: usize) {
    let text = plain_kotlin(bytes);
    let prefilter = catalog().prefilter();
    bencher
        .counter(divan::counter::BytesCount::new(text.len()))
        .bench(|| {
            prefilter.is_relevant(
                privlint::catalog::Language::Kotlin,
                divan::black_box(text.as_bytes()),
            )
        });
}

#[divan::bench(args = [4 * 1024, 64 * 1024])]
fn prefilter_hit(bencher: divan::Bencher, bytes: usize) {
    let text = sensitive_kotlin(bytes);
    let prefilter = catalog().prefilter();
    bencher
        .counter(divan::counter::BytesCount::new(text.len()))
        .bench(|| {
            prefilter.is_relevant(
                privlint::catalog::Language::Kotlin,
                divan::black_box(text.as_bytes()),
            )
        });
}

#[divan::bench(args = [4 * 1024, 64 * 1024])]
fn kotlin_parse_and_analyse(bencher: divan::Bencher, bytes: usize) {
    let text = sensitive_kotlin(bytes);
    bencher
        .counter(divan::counter::BytesCount::new(text.len()))
        .bench(|| {
            extract::extract(
                FileKind::Kotlin,
                &input("app/src/main/java/A.kt", divan::black_box(&text)),
            )
        });
}

#[divan::bench]
fn typescript_parse_and_analyse(bencher: divan::Bencher) {
    let mut text = String::from("import appsFlyer from 'react-native-appsflyer';\n");
    for i in 0..200 {
        text.push_str(&format!(
            "export function f{i}(items: number[]): number {{ return items.filter((x) => x > {i}).reduce((a, b) => a + b, 0); }}\n"
        ));
    }
    text.push_str("navigator.geolocation.getCurrentPosition((p) => appsFlyer.logEvent('x', { lat: p.coords.latitude }));\n");
    bencher
        .counter(divan::counter::BytesCount::new(text.len()))
        .bench(|| {
            extract::extract(
                FileKind::TypeScript,
                &input("web/src/a.ts", divan::black_box(&text)),
            )
        });
}

#[divan::bench]
fn gradle_build(bencher: divan::Bencher) {
    let mut text = String::from("plugins { id(\"com.android.application\") }\ndependencies {\n");
    for i in 0..100 {
        text.push_str(&format!(
            "    implementation(\"com.example.lib{i}:core:1.{i}.0\")\n"
        ));
    }
    text.push_str("    implementation(\"com.appsflyer:af-android-sdk:6.14.0\")\n}\n");
    bencher.bench(|| {
        extract::extract(
            FileKind::GradleBuild,
            &input("app/build.gradle.kts", divan::black_box(&text)),
        )
    });
}

#[divan::bench]
fn android_manifest(bencher: divan::Bencher) {
    let mut text = String::from(
        "<manifest xmlns:android=\"http://schemas.android.com/apk/res/android\">\n    <uses-permission android:name=\"android.permission.ACCESS_FINE_LOCATION\"/>\n    <application>\n",
    );
    for i in 0..200 {
        text.push_str(&format!(
            "        <activity android:name=\".Screen{i}\" android:exported=\"false\"/>\n"
        ));
    }
    text.push_str("    </application>\n</manifest>\n");
    bencher.bench(|| {
        extract::extract(
            FileKind::AndroidManifest,
            &input("app/src/main/AndroidManifest.xml", divan::black_box(&text)),
        )
    });
}

#[divan::bench]
fn package_json(bencher: divan::Bencher) {
    let mut deps: Vec<String> = (0..150)
        .map(|i| format!("\"lib-{i}\": \"^1.{i}.0\""))
        .collect();
    deps.push("\"mixpanel-browser\": \"^2.55.0\"".into());
    let text = format!(
        "{{\"name\": \"web\", \"dependencies\": {{{}}}}}",
        deps.join(", ")
    );
    bencher.bench(|| {
        extract::extract(
            FileKind::PackageJson,
            &input("web/package.json", divan::black_box(&text)),
        )
    });
}

/// A `project.pbxproj` of `configurations` build configurations of 40 settings each
/// (about 1.6 KB per configuration) with one usage key at the end: the cost must grow
/// linearly with the number of settings.
fn large_pbxproj(configurations: usize) -> String {
    let mut objects = String::new();
    for c in 0..configurations {
        objects.push_str(&format!(
            "\t\tC{c:023} /* Debug {c} */ = {{\n\t\t\tisa = XCBuildConfiguration;\n\t\t\tbuildSettings = {{\n"
        ));
        for s in 0..40 {
            objects.push_str(&format!("\t\t\t\tSETTING_{s} = \"value {s}\";\n"));
        }
        objects.push_str("\t\t\t};\n\t\t\tname = Debug;\n\t\t};\n");
    }
    objects.push_str("\t\tD0 = {\n\t\t\tisa = XCBuildConfiguration;\n\t\t\tbuildSettings = {\n\t\t\t\tINFOPLIST_KEY_NSMicrophoneUsageDescription = \"Voice memos.\";\n\t\t\t};\n\t\t};\n");
    format!("// !$*UTF8*$!\n{{\n\tobjects = {{\n{objects}\t}};\n}}\n")
}

#[divan::bench(args = [100, 1000, 10_000])]
fn pbxproj_build_settings(bencher: divan::Bencher, configurations: usize) {
    let text = large_pbxproj(configurations);
    bencher
        .counter(divan::counter::BytesCount::new(text.len()))
        .bench(|| {
            extract::extract(
                FileKind::XcodeProject,
                &input("App.xcodeproj/project.pbxproj", divan::black_box(&text)),
            )
        });
}
