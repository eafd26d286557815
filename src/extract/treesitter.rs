//! Shared tree-sitter plumbing: parsing with a time budget, node text and locations.

use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use tree_sitter::{Language, Node, ParseOptions, Parser, Tree};

use crate::model::Location;

/// How long one file may take to parse before it is reported as PL900.
pub const PARSE_BUDGET: Duration = Duration::from_secs(10);

/// Parse `text` with `language`, giving up after [`PARSE_BUDGET`]. A tree with ERROR
/// nodes is still returned: tree-sitter recovers locally, and the rest of the file is
/// worth analysing.
pub fn parse(language: &Language, text: &str) -> Result<Tree, String> {
    let mut parser = Parser::new();
    parser
        .set_language(language)
        .map_err(|e| format!("grammar cannot be loaded: {e}"))?;
    let started = Instant::now();
    let mut over_budget = |_: &tree_sitter::ParseState| {
        if started.elapsed() > PARSE_BUDGET {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let bytes = text.as_bytes();
    let mut read = |offset: usize, _| bytes.get(offset..).unwrap_or_default();
    let options = ParseOptions::new().progress_callback(&mut over_budget);
    parser
        .parse_with_options(&mut read, None, Some(options))
        .ok_or_else(|| {
            format!(
                "parsing took longer than the {}s budget",
                PARSE_BUDGET.as_secs()
            )
        })
}

/// The source text of a node (empty if the range is not on char boundaries).
pub fn text<'a>(node: Node, source: &'a str) -> &'a str {
    source.get(node.byte_range()).unwrap_or("")
}

/// The node's text with all whitespace removed, for receiver comparisons.
pub fn compact(node: Node, source: &str) -> String {
    text(node, source)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// The 1-based location of the node's start.
pub fn location(node: Node, path: &str, source: &str) -> Location {
    let p = node.start_position();
    // tree-sitter columns are bytes; report characters.
    let line_start = node.start_byte() - p.column;
    let column = source
        .get(line_start..node.start_byte())
        .map_or(p.column, |s| s.chars().count());
    Location::new(path, p.row as u32 + 1, column as u32 + 1)
}

/// Pre-order iterator over every node of a tree (no recursion: deep trees are safe).
pub fn descendants(root: Node) -> impl Iterator<Item = Node> {
    let mut cursor = root.walk();
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let node = cursor.node();
        if !cursor.goto_first_child() {
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() {
                    done = true;
                    break;
                }
            }
        }
        Some(node)
    })
}

/// Whether a node is a comment or inside a string literal, where nothing counts.
pub fn is_comment_or_string(node: Node) -> bool {
    let mut n = Some(node);
    while let Some(cur) = n {
        let kind = cur.kind();
        if kind.contains("comment") || kind.contains("string") {
            return true;
        }
        n = cur.parent();
    }
    false
}
