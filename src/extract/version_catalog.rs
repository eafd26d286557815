//! (being written)

use super::FileInput;
use crate::model::FileFacts;

pub fn extract(_input: &FileInput) -> FileFacts {
    FileFacts::default()
}
