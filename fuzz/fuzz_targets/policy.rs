//! The policy loader: any text must give a policy or a diagnostic, quickly.
#![no_main]

use libfuzzer_sys::fuzz_target;

include!("common.rs");

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = privlint::policy::load_str("privlint.yaml", &text, None, catalog());
    // Touch the unused helpers so the shared include compiles warning-free here too.
    let _ = (pick, run_extractor);
});
