//! (being written) Loading privlint.yaml with spans, presets and validation.

use std::path::{Path, PathBuf};

use miette::Diagnostic;
use thiserror::Error;

use super::Policy;
use crate::catalog::Catalog;

#[derive(Debug, Error, Diagnostic)]
#[error("invalid policy {file}")]
#[diagnostic(code(privlint::policy))]
pub struct PolicyError {
    pub file: String,
}

pub fn find_policy_file(_start: &Path) -> Option<PathBuf> {
    None
}

pub fn load_file(path: &Path, _catalog: &Catalog) -> Result<Policy, PolicyError> {
    Err(PolicyError {
        file: path.display().to_string(),
    })
}

pub fn load_str(name: &str, _text: &str, _base_dir: Option<&Path>, _catalog: &Catalog) -> Result<Policy, PolicyError> {
    Err(PolicyError { file: name.into() })
}

pub fn load_preset(name: &str, _catalog: &Catalog) -> Result<Policy, PolicyError> {
    Err(PolicyError { file: name.into() })
}
