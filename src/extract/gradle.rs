//! (being written)

use super::FileInput;
use crate::model::FileFacts;

pub fn extract_build(_input: &FileInput) -> FileFacts {
    FileFacts::default()
}

pub fn extract_settings(_input: &FileInput) -> FileFacts {
    FileFacts::default()
}
