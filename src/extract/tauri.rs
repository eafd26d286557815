//! (being written)

use super::FileInput;
use crate::model::FileFacts;

pub fn extract_config(_input: &FileInput) -> FileFacts {
    FileFacts::default()
}

pub fn extract_capability(_input: &FileInput) -> FileFacts {
    FileFacts::default()
}
