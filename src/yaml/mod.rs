//! The one door to YAML. Every reader of YAML in privlint (the catalog, the policy, pubspec,
//! XcodeGen specs, Podfile.lock, `catalog show`) goes through this module, so the library
//! behind it can be swapped here alone.
//!
//! The library is serde-saphyr (with its event parser, granit-parser): maintained,
//! panic-free, spans on values and errors, and anchors, aliases and merge keys accepted —
//! real pubspecs, Podfile.locks, XcodeGen specs and policies use them — under a budget of
//! events, nodes, depth and alias expansions, so an alias bomb is an error, not a hang.

use std::fmt;

use serde::Serialize;
use serde::de::DeserializeOwned;

mod value;

pub use value::Value;

/// The event-level parser, for a reader that builds its own spanned tree (the policy
/// loader, which needs every key's position and its own budget).
pub mod events {
    pub use serde_saphyr::granit_parser::{Event, Marker, Parser, ScalarStyle, ScanError, Span};
}

/// A document that is not valid YAML, or does not have the expected shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// One line, without a source snippet (callers show their own).
    pub message: String,
    /// 1-based line and column of the problem, when the parser knows it.
    pub position: Option<(u32, u32)>,
    /// Byte offset of the problem in the text, when the parser knows it.
    pub offset: Option<usize>,
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for YamlError {}

impl YamlError {
    fn from_saphyr(error: &serde_saphyr::Error) -> Self {
        let location = error.location().filter(|l| l.line() > 0);
        let position = location.map(|l| {
            (
                u32::try_from(l.line()).unwrap_or(u32::MAX),
                u32::try_from(l.column().max(1)).unwrap_or(u32::MAX),
            )
        });
        let offset = location
            .and_then(|l| l.span().byte_offset())
            .and_then(|o| usize::try_from(o).ok());
        // Keep the first line: the rest is a snippet or a repeat of the position.
        let text = error.without_snippet().to_string();
        let message = text
            .lines()
            .next()
            .unwrap_or("invalid YAML")
            .trim()
            .to_string();
        YamlError {
            message,
            position,
            offset,
        }
    }
}

fn options() -> serde_saphyr::Options {
    let mut options = serde_saphyr::Options::default();
    options.with_snippet = false;
    options
}

/// Reads one YAML document into `T`, within the library's default budget (events, nodes,
/// depth, alias expansions); duplicate keys are an error.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    serde_saphyr::from_str_with_options(text, options()).map_err(|e| YamlError::from_saphyr(&e))
}

/// Writes `value` as a YAML document.
pub fn to_string<T: Serialize>(value: &T) -> Result<String, YamlError> {
    serde_saphyr::to_string(value).map_err(|e| YamlError {
        message: e.to_string(),
        position: None,
        offset: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_aliases_and_merge_keys_are_read() {
        let text = "base: &base\n  sdk: flutter\nother:\n  <<: *base\n  extra: 1\nlist: [*base]\n";
        let value: Value = from_str(text).expect("anchors are valid YAML");
        assert_eq!(value["other"]["sdk"].as_str(), Some("flutter"));
        assert_eq!(value["other"]["extra"], Value::Int(1));
        assert_eq!(value["list"][0]["sdk"].as_str(), Some("flutter"));
    }

    #[test]
    fn an_alias_bomb_is_an_error_not_a_hang() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let error = from_str::<Value>(&text).expect_err("10^12 nodes exceed the budget");
        assert!(!error.message.is_empty());
    }

    #[test]
    fn a_syntax_error_has_a_one_line_message_and_a_position() {
        let error = from_str::<Value>("a: 1\nb: [unclosed\n").expect_err("invalid YAML");
        assert!(!error.message.contains('\n'), "{}", error.message);
        let (line, column) = error.position.expect("the parser knows where");
        assert!(line >= 2, "line {line}");
        assert!(column >= 1);
    }

    #[test]
    fn duplicate_keys_are_an_error() {
        let error = from_str::<Value>("a: 1\na: 2\n").expect_err("duplicate key");
        assert!(error.message.contains('a'), "{}", error.message);
    }

    #[test]
    fn numeric_keys_read_as_strings() {
        let value: Value = from_str("1: one\nz: 2\na: 3\n").expect("scalar keys");
        let keys: Vec<&Value> = value
            .as_mapping()
            .expect("a mapping")
            .iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(
            keys,
            [
                &Value::Int(1),
                &Value::String("z".into()),
                &Value::String("a".into())
            ]
        );
    }

    #[test]
    fn serialising_round_trips() {
        let value: Value = from_str("id: x\nlist: [a, b]\n").expect("valid");
        let text = to_string(&value).expect("serialisable");
        assert_eq!(from_str::<Value>(&text).expect("round trip"), value);
    }
}
