//! Extraction: one pure function per file kind, `bytes → FileFacts`.
//!
//! Manifests and build files are always parsed. Source files pass the catalog
//! prefilter first, then are lowered to [`ir::SourceIr`] by their language module and
//! matched against the catalog by [`analyze`].

pub mod analyze;
pub mod ir;
pub mod lockfile;
pub mod treesitter;
pub mod xml;

pub mod android;
pub mod apple;
pub mod flutter;
pub mod hybrid;
pub mod javascript;
pub mod rust;

use crate::catalog::{Catalog, Language};
use crate::ecosystem::{self, Reader};
use std::sync::OnceLock;

use crate::model::{FileFacts, Location};
use crate::position::LineIndex;
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
    /// Built on the first position asked for: most source files never need one.
    lines: OnceLock<LineIndex>,
}

impl<'a> FileInput<'a> {
    pub fn new(path: &'a str, bytes: &'a [u8], text: &'a str, catalog: &'a Catalog) -> Self {
        Self {
            path,
            bytes,
            text,
            catalog,
            lines: OnceLock::new(),
        }
    }

    /// The line index of `text`, shared by every position asked of this file.
    pub fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(self.text))
    }

    /// Location of byte `offset` of `text` (column in characters).
    pub fn at(&self, offset: usize) -> Location {
        let (line, column) = self.lines().line_column(offset);
        Location::new(self.path, line, column)
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
    let relevant = input
        .catalog
        .prefilter()
        .is_relevant(language, input.text.as_bytes());
    match lower(input) {
        // A file naming nothing the catalog knows has no evidence, but its functions may
        // carry a value between files: only its summary is kept.
        Ok(ir) if !relevant => FileFacts {
            summary: analyze::analyze(input, language, &ir).summary,
            ..FileFacts::default()
        },
        Ok(_) | Err(_) if !relevant => FileFacts::default(),
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
    let input = FileInput::new(path, text.as_bytes(), text, &catalog);
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
