//! iOS and macOS: property lists, privacy manifests, Xcode projects, CocoaPods, SwiftPM,
//! Carthage, Swift and Objective-C sources.

pub mod cocoapods;
pub mod objc;
pub mod plist;
pub mod swift;
pub mod swiftpm;
pub mod xcode;
