//! (being written)

use super::FileInput;
use super::ir::SourceIr;

pub fn lower(_input: &FileInput) -> Result<SourceIr, String> {
    Ok(SourceIr::default())
}
