//! Shared tree-sitter plumbing: parsing with operation and depth budgets, node text and
//! locations.

use std::ops::ControlFlow;

use tree_sitter::{Language, Node, ParseOptions, Parser, Tree};

use crate::model::Location;

/// Parser operations allowed per byte of text, and at least [`PARSE_MIN_OPERATIONS`].
/// Real code takes under 2 per byte; error recovery on hostile input can take far more.
/// A count, not a clock: the same file gets the same answer on a busy machine.
pub const PARSE_OPERATIONS_PER_BYTE: u64 = 100;
pub const PARSE_MIN_OPERATIONS: u64 = 1_000_000;

/// tree-sitter calls the progress callback once per this many operations.
const OPERATIONS_PER_CALLBACK: u64 = 100;

/// Parse `text` with `language`, giving up past its operation budget and refusing
/// trees deeper than [`MAX_TREE_DEPTH`] (the lowerings recurse per level). A tree with
/// ERROR nodes is still returned: tree-sitter recovers locally, and the rest of the file
/// is worth analysing.
pub fn parse(language: &Language, text: &str) -> Result<Tree, String> {
    let mut parser = Parser::new();
    parser
        .set_language(language)
        .map_err(|e| format!("grammar cannot be loaded: {e}"))?;
    let budget = (text.len() as u64)
        .saturating_mul(PARSE_OPERATIONS_PER_BYTE)
        .max(PARSE_MIN_OPERATIONS);
    let mut callbacks = 0u64;
    let mut over_budget = |_: &tree_sitter::ParseState| {
        callbacks += 1;
        if callbacks.saturating_mul(OPERATIONS_PER_CALLBACK) > budget {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let bytes = text.as_bytes();
    let mut read = |offset: usize, _| bytes.get(offset..).unwrap_or_default();
    let options = ParseOptions::new().progress_callback(&mut over_budget);
    let tree = parser
        .parse_with_options(&mut read, None, Some(options))
        .ok_or_else(|| {
            format!(
                "parsing needed more than {PARSE_OPERATIONS_PER_BYTE} parser operations per \
                 byte; not analysed, to keep the scan bounded"
            )
        })?;
    if tree_depth_beyond(tree.root_node(), MAX_TREE_DEPTH).is_some() {
        return Err(too_deep());
    }
    Ok(tree)
}

/// Syntax trees deeper than this are not lowered (PL900). Every lowering recurses once
/// per tree level at most, so this bounds their stack; real code stays below 100
/// levels, while a bracket nested [`crate::scan::MAX_NESTING`] deep is about as many
/// tree levels and is still analysed.
pub const MAX_TREE_DEPTH: usize = 2_500;

/// The PL900 reason for a tree over [`MAX_TREE_DEPTH`] (also used by the lowerings'
/// own recursion guards, which should never be reached first).
pub fn too_deep() -> String {
    format!(
        "its syntax tree nests deeper than {MAX_TREE_DEPTH} levels (a very long call chain, \
         `else if` chain or expression); not analysed, to keep the scan bounded"
    )
}

/// `Some(depth)` when a node under `root` is deeper than `limit` (the root is depth 0);
/// walked with a cursor, so the check itself never recurses.
pub fn tree_depth_beyond(root: Node, limit: usize) -> Option<usize> {
    let mut cursor = root.walk();
    let mut depth = 0usize;
    loop {
        if cursor.goto_first_child() {
            depth += 1;
            if depth > limit {
                return Some(depth);
            }
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return None;
            }
            depth -= 1;
        }
    }
}

/// The source text of a node (empty if the range is not on char boundaries).
pub fn text<'a>(node: Node, source: &'a str) -> &'a str {
    source.get(node.byte_range()).unwrap_or("")
}

/// Longest node text [`compact`] reads whole; of a longer one it keeps the first and
/// last [`COMPACT_KEEP`] bytes around a `…`. Each call of a chain thousands of calls long
/// compacts its receiver, so uncut, text and memory grow with the square of the chain.
/// Receivers are compared by their root, their last segment and short spellings, which
/// the cut keeps.
pub const COMPACT_MAX: usize = 4096;
const COMPACT_KEEP: usize = 1024;

/// The node's text with all whitespace removed, for receiver comparisons (see
/// [`COMPACT_MAX`] for very long texts).
pub fn compact(node: Node, source: &str) -> String {
    let whole = text(node, source);
    let squeeze = |part: &str| -> String { part.chars().filter(|c| !c.is_whitespace()).collect() };
    if whole.len() <= COMPACT_MAX {
        return squeeze(whole);
    }
    let mut head_end = COMPACT_KEEP;
    while !whole.is_char_boundary(head_end) {
        head_end -= 1;
    }
    let mut tail_start = whole.len() - COMPACT_KEEP;
    while !whole.is_char_boundary(tail_start) {
        tail_start += 1;
    }
    format!(
        "{}…{}",
        squeeze(&whole[..head_end]),
        squeeze(&whole[tail_start..])
    )
}

/// The 1-based location of the node's start.
pub fn location(node: Node, path: &str, source: &str) -> Location {
    let p = node.start_position();
    // tree-sitter columns are bytes; report characters.
    let line_start = node.start_byte() - p.column;
    let column = char_column(source, line_start, node.start_byte()).unwrap_or(p.column);
    Location::new(path, p.row as u32 + 1, column as u32 + 1)
}

/// Where the last column was counted: (text address, text length, line start, byte,
/// characters from the line start to that byte).
type ColumnMark = (usize, usize, usize, usize, usize);

thread_local! {
    static LAST_COLUMN: std::cell::Cell<Option<ColumnMark>> = const { std::cell::Cell::new(None) };
}

/// Forget the column mark: called before each file, so a new text that happens to get
/// the same address and length never reuses an old count.
pub fn reset_column_mark() {
    LAST_COLUMN.with(|c| c.set(None));
}

/// Characters between `line_start` and `byte`. Counting from the line start for every
/// node is quadratic on a very long line (minified or generated code), so the count
/// continues from the previous answer on the same line when it lies before `byte`.
fn char_column(source: &str, line_start: usize, byte: usize) -> Option<usize> {
    let key = (source.as_ptr() as usize, source.len(), line_start);
    let (from, base) = match LAST_COLUMN.with(std::cell::Cell::get) {
        Some((ptr, len, start, at, chars)) if (ptr, len, start) == key && at <= byte => (at, chars),
        _ => (line_start, 0),
    };
    let chars = base + source.get(from..byte)?.chars().count();
    LAST_COLUMN.with(|c| c.set(Some((key.0, key.1, key.2, byte, chars))));
    Some(chars)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trees_deeper_than_the_budget_are_refused() {
        let language: Language = tree_sitter_javascript::LANGUAGE.into();
        let chain = |n: usize| format!("x = a{};", ".b()".repeat(n));
        let tree = parse(&language, &chain(10)).expect("shallow");
        let depth = (0..100)
            .find(|&d| tree_depth_beyond(tree.root_node(), d).is_none())
            .expect("depth");
        // Each `.b()` adds two levels (call, member); the chain is the deepest path.
        assert!((20..30).contains(&depth), "{depth}");
        assert_eq!(tree_depth_beyond(tree.root_node(), depth - 1), Some(depth));
        let error = parse(&language, &chain(MAX_TREE_DEPTH)).expect_err("too deep");
        assert!(error.contains("nests deeper than 2500 levels"), "{error}");
    }

    #[test]
    fn columns_count_characters_forward_and_backward_on_a_line() {
        let text = "aé€b\nxyz";
        assert_eq!(char_column(text, 0, 0), Some(0));
        assert_eq!(char_column(text, 0, 3), Some(2)); // after `a` and `é`
        assert_eq!(char_column(text, 0, 6), Some(3)); // after `€`
        assert_eq!(char_column(text, 0, 1), Some(1)); // going back restarts the count
        assert_eq!(char_column(text, 8, 10), Some(2));
        assert_eq!(char_column(text, 0, 2), None); // inside `é`
    }
}
