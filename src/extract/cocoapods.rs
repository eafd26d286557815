//! (being written)

use super::FileInput;
use crate::model::FileFacts;

pub fn extract_podfile(_input: &FileInput) -> FileFacts {
    FileFacts::default()
}

pub fn extract_lock(_input: &FileInput) -> FileFacts {
    FileFacts::default()
}
