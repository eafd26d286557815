//! (being written)

use super::FileInput;
use crate::model::FileFacts;

pub fn extract_package_swift(_input: &FileInput) -> FileFacts {
    FileFacts::default()
}

pub fn extract_package_resolved(_input: &FileInput) -> FileFacts {
    FileFacts::default()
}

pub fn extract_cartfile(_input: &FileInput) -> FileFacts {
    FileFacts::default()
}
