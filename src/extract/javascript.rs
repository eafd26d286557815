//! (being written)

use super::FileInput;
use super::ir::SourceIr;

pub fn lower(_input: &FileInput, _typescript: bool) -> Result<SourceIr, String> {
    Ok(SourceIr::default())
}
