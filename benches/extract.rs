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
