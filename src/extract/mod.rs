//! Extraction: one pure function per file kind, `bytes → FileFacts`.
//!
//! Manifests and build files are always parsed. Source files pass the catalog
//! prefilter first, then are lowered to [`ir::SourceIr`] by their language module and
//! matched against the catalog by [`analyze`].

pub mod analyze;
pub mod ir;
pub mod treesitter;

pub mod android;
pub mod apple;
pub mod flutter;
pub mod javascript;
pub mod rust;

use crate::catalog::{Catalog, Language};
use crate::ecosystem::{self, Reader};
use crate::model::{FileFacts, Location};
use crate::walk::FileKind;

/// One file handed to an extractor.
pub struct FileInput<'a> {
    /// Relative to the scan root, `/`-separated: the path every location uses.
    pub path: &'a str,
    /// The raw bytes (binary plists need them).
    pub bytes: &'a [u8],
    /// The text, decoded from UTF-8 (BOM stripped) or UTF-16; lossy for stray bytes.
    pub text: &'a str,
    pub catalog: &'a Catalog,
}

impl FileInput<'_> {
    /// Location of byte `offset` of `text`.
    pub fn at(&self, offset: usize) -> Location {
        Location::at_offset(self.path, self.text, offset)
    }
    /// Location of a 1-based line and column.
    pub fn loc(&self, line: u32, column: u32) -> Location {
        Location::new(self.path, line, column)
    }
}

/// The language whose lowering handles a source file kind.
pub fn language_of(kind: FileKind) -> Option<Language> {
    ecosystem::language_of(kind)
}

/// Extract the facts of one file with the reader its ecosystem registers for the kind.
/// Never panics on bad input: parse failures become `FileFacts::problems` (PL900).
pub fn extract(kind: FileKind, input: &FileInput) -> FileFacts {
    treesitter::reset_column_mark();
    match ecosystem::claim_of(kind).reader {
        Reader::Manifest(read) => read(input),
        Reader::Source { language, lower } => extract_source(language, lower, input),
    }
}

fn extract_source(
    language: Language,
    lower: fn(&FileInput) -> Result<ir::SourceIr, String>,
    input: &FileInput,
) -> FileFacts {
    if !input
        .catalog
        .prefilter()
        .is_relevant(language, input.text.as_bytes())
    {
        return FileFacts::default();
    }
    match lower(input) {
        Ok(ir) => analyze::analyze(input, language, &ir),
        Err(reason) => {
            let mut facts = FileFacts::default();
            facts.problem(input.loc(1, 1), reason);
            facts
        }
    }
}

/// The flows the whole extraction finds in one file, as `(sdk, capability, sink line)`,
/// against the embedded catalog: shared by the language modules' flow tests.
#[cfg(test)]
pub(crate) fn test_flows(kind: FileKind, path: &str, text: &str) -> Vec<(String, String, u32)> {
    let catalog = Catalog::embedded().expect("embedded catalog");
    let input = FileInput {
        path,
        bytes: text.as_bytes(),
        text,
        catalog: &catalog,
    };
    extract(kind, &input)
        .evidence
        .into_iter()
        .filter_map(|e| match e.kind {
            crate::model::EvidenceKind::Flow {
                sdk, capability, ..
            } => Some((sdk, capability, e.at.line)),
            _ => None,
        })
        .collect()
}
