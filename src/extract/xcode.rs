//! (being written)

use super::FileInput;
use crate::model::FileFacts;

pub fn extract_pbxproj(_input: &FileInput) -> FileFacts {
    FileFacts::default()
}

pub fn extract_xcconfig(_input: &FileInput) -> FileFacts {
    FileFacts::default()
}

pub fn extract_xcodegen(_input: &FileInput) -> FileFacts {
    FileFacts::default()
}
