//! Flutter: `pubspec.yaml`, `pubspec.lock` and Dart sources.

pub mod dart;
pub mod pubspec;
