//! privlint: find the SDKs an app ships, the sensitive capabilities it has, and the ties
//! between them, and flag every break of the declared privacy policy.
//!
//! The pipeline runs in one direction: walk → classify → extract → link → evaluate →
//! suppress → report.

pub mod catalog;
pub mod extract;
pub mod finding;
pub mod model;
pub mod policy;
pub mod walk;
