//! Android: manifests, Gradle builds and version catalogs, Kotlin and Java sources.

pub mod gradle;
pub mod java;
pub mod kotlin;
pub mod manifest;
pub mod version_catalog;
