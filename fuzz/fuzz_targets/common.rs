// Shared by every target (included with `include!`): the catalog, built once, and a
// runner that hands bytes to one extractor exactly as the scanner does.

use std::sync::OnceLock;

use privlint::catalog::Catalog;
use privlint::extract::{self, FileInput};
use privlint::walk::FileKind;

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog::embedded().expect("the embedded catalog loads"))
}

/// The first byte picks one of `kinds`; the rest is the file. Returns the file bytes.
fn pick<'a>(
    data: &'a [u8],
    kinds: &[(FileKind, &'static str)],
) -> Option<(FileKind, &'static str, &'a [u8])> {
    let (&selector, rest) = data.split_first()?;
    let (kind, path) = kinds[selector as usize % kinds.len()];
    Some((kind, path, rest))
}

fn run_extractor(kind: FileKind, path: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let input = FileInput::new(path, bytes, &text, catalog());
    let _ = extract::extract(kind, &input);
}
