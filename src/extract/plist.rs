//! (being written)

use super::FileInput;
use crate::model::FileFacts;

pub fn extract_info_plist(_input: &FileInput) -> FileFacts {
    FileFacts::default()
}

pub fn extract_privacy_manifest(_input: &FileInput) -> FileFacts {
    FileFacts::default()
}
