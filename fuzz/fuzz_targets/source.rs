//! Every source-language lowering (Kotlin, Java, Swift, Objective-C, JavaScript,
//! TypeScript, Dart, Rust) and the IR analysis after it. The prefilter is bypassed so
//! the fuzzer reaches the parsers with any bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use privlint::extract::analyze;
use privlint::extract::android::{java, kotlin};
use privlint::extract::apple::{objc, swift};
use privlint::extract::flutter::dart;
use privlint::extract::javascript::lower as javascript;
use privlint::extract::rust::lower as rust;

include!("common.rs");

const KINDS: &[(FileKind, &str)] = &[
    (FileKind::Kotlin, "app/src/main/java/A.kt"),
    (FileKind::Java, "app/src/main/java/A.java"),
    (FileKind::Swift, "ios/App/A.swift"),
    (FileKind::ObjectiveC, "ios/App/A.m"),
    (FileKind::JavaScript, "web/src/a.js"),
    (FileKind::TypeScript, "web/src/a.tsx"),
    (FileKind::Dart, "lib/a.dart"),
    (FileKind::Rust, "src/a.rs"),
];

fuzz_target!(|data: &[u8]| {
    let Some((kind, path, bytes)) = pick(data, KINDS) else {
        return;
    };
    let text = String::from_utf8_lossy(bytes);
    let input = FileInput::new(path, bytes, &text, catalog());
    let lowered = match kind {
        FileKind::Kotlin => kotlin::lower(&input),
        FileKind::Java => java::lower(&input),
        FileKind::Swift => swift::lower(&input),
        FileKind::ObjectiveC => objc::lower(&input),
        FileKind::JavaScript => javascript::lower(&input, false),
        FileKind::TypeScript => javascript::lower(&input, true),
        FileKind::Dart => dart::lower(&input),
        _ => rust::lower(&input),
    };
    if let (Ok(ir), Some(language)) = (lowered, extract::language_of(kind)) {
        let _ = analyze::analyze(&input, language, &ir);
    }
    // The shared include's whole-file runner is for the manifest targets.
    let _ = run_extractor;
});
