//! privlint: find the SDKs an app ships, the sensitive capabilities it has, and the ties
//! between them, and flag every break of the declared privacy policy.
//!
//! The pipeline runs in one direction: walk → classify → extract → link → evaluate →
//! suppress → report.

pub mod app;
pub mod catalog;
pub mod cli;
pub mod consent;
pub mod declare;
pub mod ecosystem;
pub mod export;
pub mod extract;
pub mod finding;
pub mod git;
pub mod init;
pub mod judge;
pub mod link;
pub mod model;
pub mod output;
pub mod policy;
pub mod position;
pub mod report;
pub mod rules;
pub mod scan;
pub mod since;
pub mod suppress;
pub mod walk;
pub mod yaml;

/// A glob set over scan-relative paths; invalid patterns are skipped (the policy loader
/// has already reported them).
pub(crate) fn scan_globs(patterns: &[String]) -> Option<globset::GlobSet> {
    if patterns.is_empty() {
        return None;
    }
    let mut builder = globset::GlobSetBuilder::new();
    for p in patterns {
        if let Ok(glob) = globset::Glob::new(p) {
            builder.add(glob);
        }
    }
    builder.build().ok()
}
