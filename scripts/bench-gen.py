#!/usr/bin/env python3
"""Generate a deterministic synthetic monorepo for scripts/bench.sh.

usage: bench-gen.py OUT_DIR FILES TOTAL_MB [SEED]

The tree holds apps of every ecosystem privlint reads (Android Kotlin/Java, iOS Swift,
web TS/JS, Flutter Dart, Rust/Tauri) with their manifests and build files. About 1 % of
source files import a catalog SDK or call a capability API; the rest is ordinary code
that never mentions a catalog literal. All text is generated here from templates (no
third-party code); the same arguments always give the same bytes.
"""

import os
import random
import sys

# (language, extension, share of source files)
LANGUAGES = [
    ("kotlin", "kt", 0.28),
    ("java", "java", 0.10),
    ("swift", "swift", 0.20),
    ("ts", "ts", 0.18),
    ("js", "js", 0.07),
    ("dart", "dart", 0.10),
    ("rust", "rs", 0.07),
]

WORDS = (
    "order cart invoice ledger pixel frame buffer widget panel router session token "
    "profile account report chart metric filter cache queue worker parser render layout "
    "theme color border margin payload entry chunk stream reader writer builder factory "
    "adapter handler service client gateway schema column table index cursor page item"
).split()

# Sensitive snippets (SDK imports and capability API calls), per language.
SENSITIVE = {
    "kotlin": [
        "import com.appsflyer.AppsFlyerLib\n",
        "import com.google.android.gms.location.FusedLocationProviderClient\n",
        "import com.braze.Braze\n",
    ],
    "java": [
        "import com.adjust.sdk.Adjust;\n",
        "import android.media.AudioRecord;\n",
    ],
    "swift": ["import AppsFlyerLib\n", "import CoreLocation\n", "import Contacts\n"],
    "ts": ["import appsFlyer from 'react-native-appsflyer';\n", "import * as Location from 'expo-location';\n"],
    "js": ["const mixpanel = require('mixpanel-browser');\n"],
    "dart": ["import 'package:geolocator/geolocator.dart';\n", "import 'package:appsflyer_sdk/appsflyer_sdk.dart';\n"],
    "rust": ["use sentry::capture_message;\n"],
}
SENSITIVE_CALLS = {
    "kotlin": "    fun where(client: FusedLocationProviderClient) {{ client.getLastLocation().addOnSuccessListener {{ loc -> AppsFlyerLib.getInstance().logEvent(ctx, \"{w}\", mapOf(\"lat\" to loc.latitude)) }} }}\n",
    "java": "    void rec() {{ AudioRecord r = new AudioRecord(MediaRecorder.AudioSource.MIC, 44100, 1, 2, {n}); r.startRecording(); }}\n",
    "swift": "    func locate() {{ let m = CLLocationManager(); m.requestWhenInUseAuthorization(); m.startUpdatingLocation() }}\n",
    "ts": "export function where{n}() {{ navigator.geolocation.getCurrentPosition((p) => appsFlyer.logEvent('{w}', {{ lat: p.coords.latitude }})); }}\n",
    "js": "function where{n}() {{ navigator.geolocation.getCurrentPosition(function (p) {{ mixpanel.track('{w}', {{ lat: p.coords.latitude }}); }}); }}\n",
    "dart": "Future<void> where{n}() async {{ final p = await Geolocator.getCurrentPosition(); print(p.latitude); }}\n",
    "rust": "pub fn report{n}() {{ capture_message(\"{w}\", sentry::Level::Info); }}\n",
}


def ident(rng, n=2):
    parts = [rng.choice(WORDS) for _ in range(n)]
    return parts[0] + "".join(p.capitalize() for p in parts[1:])


def type_name(rng):
    return "".join(rng.choice(WORDS).capitalize() for _ in range(2))


def block(lang, rng, i):
    """One function or method of ordinary code (~400-900 bytes)."""
    a, b, c = ident(rng), ident(rng), ident(rng)
    t = type_name(rng)
    n = rng.randint(2, 900)
    w = rng.choice(WORDS)
    if lang == "kotlin":
        return (
            f"    /** Computes the {w} {a} for the given {b}. */\n"
            f"    fun {a}{i}({b}: List<{t}>, limit: Int = {n}): Map<String, Int> {{\n"
            f"        val {c} = mutableMapOf<String, Int>()\n"
            f"        for ((index, item) in {b}.withIndex()) {{\n"
            f"            if (index > limit) break\n"
            f"            val key = \"{w}-\" + item.hashCode() % {n}\n"
            f"            {c}[key] = ({c}[key] ?: 0) + index * {n % 7 + 1}\n"
            f"        }}\n"
            f"        return {c}.filterValues {{ it > {n % 13} }}\n"
            f"    }}\n\n"
        )
    if lang == "java":
        return (
            f"    // Sums the {w} values of {b}.\n"
            f"    public int {a}{i}(java.util.List<{t}> {b}, int limit) {{\n"
            f"        int {c} = {n};\n"
            f"        for (int index = 0; index < {b}.size() && index < limit; index++) {{\n"
            f"            {c} += {b}.get(index).hashCode() % {n % 11 + 3};\n"
            f"            if ({c} > {n * 10}) {{ {c} -= limit; }}\n"
            f"        }}\n"
            f"        return {c} * {n % 5 + 1};\n"
            f"    }}\n\n"
        )
    if lang == "swift":
        return (
            f"    /// Groups the {w} items of \\({b}).\n"
            f"    func {a}{i}(_ {b}: [{t}], limit: Int = {n}) -> [String: Int] {{\n"
            f"        var {c}: [String: Int] = [:]\n"
            f"        for (index, item) in {b}.enumerated() where index < limit {{\n"
            f"            let key = \"{w}-\\(item.hashValue % {n})\"\n"
            f"            {c}[key, default: 0] += index * {n % 7 + 1}\n"
            f"        }}\n"
            f"        return {c}.filter {{ $0.value > {n % 13} }}\n"
            f"    }}\n\n"
        )
    if lang in ("ts", "js"):
        typed = lang == "ts"
        arg = f"{b}: {t}[]" if typed else b
        ret = ": Record<string, number>" if typed else ""
        decl = f"const {c}: Record<string, number> = {{}};" if typed else f"const {c} = {{}};"
        return (
            f"// Groups the {w} entries of {b}.\n"
            f"export function {a}{i}({arg}, limit = {n}){ret} {{\n"
            f"  {decl}\n"
            f"  {b}.slice(0, limit).forEach((item, index) => {{\n"
            f"    const key = `{w}-${{String(item).length % {n}}}`;\n"
            f"    {c}[key] = ({c}[key] ?? 0) + index * {n % 7 + 1};\n"
            f"  }});\n"
            f"  return Object.fromEntries(Object.entries({c}).filter(([, v]) => v > {n % 13}));\n"
            f"}}\n\n"
        )
    if lang == "dart":
        return (
            f"  /// Groups the {w} entries of [{b}].\n"
            f"  Map<String, int> {a}{i}(List<{t}> {b}, {{int limit = {n}}}) {{\n"
            f"    final {c} = <String, int>{{}};\n"
            f"    for (var index = 0; index < {b}.length && index < limit; index++) {{\n"
            f"      final key = '{w}-${{{b}[index].hashCode % {n}}}';\n"
            f"      {c}[key] = ({c}[key] ?? 0) + index * {n % 7 + 1};\n"
            f"    }}\n"
            f"    return {c};\n"
            f"  }}\n\n"
        )
    # rust
    return (
        f"/// Groups the {w} entries of `{b}`.\n"
        f"pub fn {a.lower()}_{i}({b}: &[{t}], limit: usize) -> std::collections::HashMap<String, usize> {{\n"
        f"    let mut {c} = std::collections::HashMap::new();\n"
        f"    for (index, item) in {b}.iter().enumerate().take(limit) {{\n"
        f"        let key = format!(\"{w}-{{}}\", item.weight() % {n});\n"
        f"        *{c}.entry(key).or_insert(0) += index * {n % 7 + 1};\n"
        f"    }}\n"
        f"    {c}.retain(|_, v| *v > {n % 13});\n"
        f"    {c}\n"
        f"}}\n\n"
    )


def header(lang, rng, module):
    t = type_name(rng)
    if lang == "kotlin":
        return f"package com.example.{module}\n\nimport kotlin.collections.List\nimport java.util.UUID\n\nclass {t} {{\n", "}\n"
    if lang == "java":
        return f"package com.example.{module};\n\nimport java.util.List;\nimport java.util.UUID;\n\npublic class {t} {{\n", "}\n"
    if lang == "swift":
        return f"import Foundation\nimport UIKit\n\nfinal class {t} {{\n", "}\n"
    if lang in ("ts", "js"):
        return f"import {{ format }} from './format';\nimport {{ clamp }} from '../util/{module}';\n\n", ""
    if lang == "dart":
        return f"import 'dart:async';\nimport 'package:flutter/material.dart';\n\nclass {t} {{\n", "}\n"
    return f"use std::collections::HashMap;\nuse crate::{module}::Weight;\n\n", ""


def source_file(lang, rng, module, size, sensitive):
    head, tail = header(lang, rng, module)
    if sensitive:
        head = rng.choice(SENSITIVE[lang]) + head
    parts = [head]
    total = len(head)
    i = 0
    while total < size:
        b = block(lang, rng, i)
        parts.append(b)
        total += len(b)
        i += 1
    if sensitive:
        parts.append(SENSITIVE_CALLS[lang].format(n=i, w=rng.choice(WORDS)))
    parts.append(tail)
    return "".join(parts)


MANIFESTS = {
    "android": {
        "build.gradle.kts": 'plugins {{ id("com.android.application") }}\n\nandroid {{ namespace = "com.example.app{a}" }}\n\ndependencies {{\n    implementation("androidx.core:core-ktx:1.13.1")\n    implementation("com.squareup.okhttp3:okhttp:4.12.0")\n{extra}}}\n',
        "src/main/AndroidManifest.xml": '<?xml version="1.0" encoding="utf-8"?>\n<manifest xmlns:android="http://schemas.android.com/apk/res/android">\n    <uses-permission android:name="android.permission.INTERNET" />\n{perm}    <application android:label="App {a}" />\n</manifest>\n',
    },
    "ios": {
        "Podfile": "platform :ios, '15.0'\ntarget 'App{a}' do\n  use_frameworks!\n  pod 'Alamofire', '~> 5.9'\n{extra}end\n",
        "Info.plist": '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n<dict>\n  <key>CFBundleIdentifier</key>\n  <string>com.example.app{a}</string>\n{perm}</dict>\n</plist>\n',
    },
    "web": {
        "package.json": '{{\n  "name": "web-{a}",\n  "version": "1.0.{a}",\n  "dependencies": {{\n    "react": "^18.3.1"{extra}\n  }}\n}}\n',
    },
    "flutter": {
        "pubspec.yaml": "name: app_{a}\nenvironment:\n  sdk: '>=3.0.0 <4.0.0'\ndependencies:\n  flutter:\n    sdk: flutter\n  http: ^1.2.0\n{extra}",
    },
    "rust": {
        "Cargo.toml": '[package]\nname = "svc-{a}"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nserde = "1"\n{extra}',
    },
}
MANIFEST_EXTRAS = {
    "android": ('    implementation("com.appsflyer:af-android-sdk:6.14.0")\n', '    <uses-permission android:name="android.permission.ACCESS_FINE_LOCATION" />\n'),
    "ios": ("  pod 'AppsFlyerFramework'\n", "  <key>NSLocationWhenInUseUsageDescription</key>\n  <string>Shows stores near you</string>\n"),
    "web": (',\n    "mixpanel-browser": "^2.55.0"', ""),
    "flutter": ("  geolocator: ^12.0.0\n", ""),
    "rust": ('sentry = "0.34"\n', ""),
}
# Which app flavour holds which languages.
FLAVOURS = [
    ("android", ["kotlin", "java"], "src/main/java/com/example"),
    ("ios", ["swift"], "Sources"),
    ("web", ["ts", "js"], "src"),
    ("flutter", ["dart"], "lib"),
    ("rust", ["rust"], "src"),
]


def main():
    out, files, total_mb = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 7
    rng = random.Random(seed)
    avg = int(total_mb * 1024 * 1024 / max(files, 1))
    files_per_app = 200
    apps = max(1, files // files_per_app)
    written = 0
    sensitive_count = 0
    share = {flav: sum(w for l, _, w in LANGUAGES if l in langs) for flav, langs, _ in FLAVOURS}
    weights = [share[f] for f, _, _ in FLAVOURS]
    for a in range(apps):
        flavour, langs, src = rng.choices(FLAVOURS, weights=weights)[0]
        app_dir = os.path.join(out, "apps", f"{flavour}-{a:04d}")
        uses_sdk = a % 10 == 3
        for rel, template in MANIFESTS[flavour].items():
            extra, perm = MANIFEST_EXTRAS[flavour] if uses_sdk else ("", "")
            path = os.path.join(app_dir, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(template.format(a=a, extra=extra, perm=perm))
            written += 1
        count = files_per_app if a < apps - 1 else max(1, files - written)
        for k in range(count):
            if written >= files:
                break
            lang = rng.choices(langs, weights=[w for l, _, w in LANGUAGES if l in langs])[0]
            ext = next(e for l, e, _ in LANGUAGES if l == lang)
            module = f"{rng.choice(WORDS)}{k // 20}"
            # Sizes vary around the average (0.3× … 1.7×), like real trees.
            size = int(avg * (0.3 + 1.4 * rng.random()))
            sensitive = rng.random() < 0.01
            sensitive_count += sensitive
            path = os.path.join(app_dir, src, module, f"{type_name(rng)}{k}.{ext}")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(source_file(lang, rng, module, size, sensitive))
            written += 1
    print(f"generated {written} files in {apps} apps ({sensitive_count} sensitive source files) under {out}")


if __name__ == "__main__":
    main()
