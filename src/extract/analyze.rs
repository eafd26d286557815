//! Matching a lowered source file against the catalog, and intra-procedural data flow.

use super::FileInput;
use super::ir::SourceIr;
use crate::catalog::Language;
use crate::model::FileFacts;

pub fn analyze(_input: &FileInput, _language: Language, _ir: &SourceIr) -> FileFacts {
    FileFacts::default()
}
