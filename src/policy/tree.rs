//! YAML events → a spanned node tree: every key and value keeps its position, duplicate
//! keys are caught, and aliases are expanded under a node and depth budget (an alias bomb
//! is an error, not a hang).

use std::collections::HashMap;

use super::diagnostic::{Issue, Span};
use crate::yaml::events::{Event, Marker, Parser, ScalarStyle};

/// Nodes a document may hold after alias expansion; real policies hold a few hundred.
const MAX_NODES: usize = 10_000;
/// Nesting depth of collections; schema v1 needs five.
const MAX_DEPTH: usize = 32;

#[derive(Debug, Clone)]
pub(super) struct Node {
    pub(super) kind: Kind,
    pub(super) span: Span,
    /// Nodes in this subtree (the alias budget counts them).
    size: usize,
    /// Nesting levels in this subtree.
    height: usize,
}

#[derive(Debug, Clone)]
pub(super) enum Kind {
    /// `plain` scalars may be null, booleans or numbers; quoted and block ones are strings.
    Scalar {
        text: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    pub(super) fn is_null(&self) -> bool {
        matches!(&self.kind, Kind::Scalar { text, plain: true } if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    pub(super) fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar { text, .. } if !self.is_null() => Some(text),
            _ => None,
        }
    }

    pub(super) fn describe(&self) -> &'static str {
        match &self.kind {
            Kind::Seq(_) => "a list",
            Kind::Map(_) => "a mapping",
            _ if self.is_null() => "nothing (null)",
            Kind::Scalar { text, plain: true }
                if matches!(
                    text.as_str(),
                    "true" | "false" | "True" | "False" | "TRUE" | "FALSE"
                ) =>
            {
                "a boolean"
            }
            Kind::Scalar { text, plain: true } if text.parse::<f64>().is_ok() => "a number",
            Kind::Scalar { .. } => "a string",
        }
    }

    /// Where a missing-key label goes: the first key of a mapping, else the node.
    pub(super) fn head_span(&self) -> Span {
        match &self.kind {
            Kind::Map(entries) => entries.first().map_or(self.span, |(k, _)| k.span),
            _ => self.span,
        }
    }
}

struct SourceMap<'t> {
    text: &'t str,
    /// Byte offset of each character, for non-ASCII text (parser marks count chars).
    char_bytes: Option<Vec<usize>>,
}

impl<'t> SourceMap<'t> {
    fn new(text: &'t str) -> Self {
        let char_bytes = (!text.is_ascii()).then(|| text.char_indices().map(|(b, _)| b).collect());
        SourceMap { text, char_bytes }
    }

    fn byte_offset(&self, char_index: usize) -> usize {
        match &self.char_bytes {
            None => char_index.min(self.text.len()),
            Some(table) => table.get(char_index).copied().unwrap_or(self.text.len()),
        }
    }

    /// Parser marks: char index, 1-based line, 0-based column.
    fn span(&self, mark: Marker, len: usize) -> Span {
        let offset = self.byte_offset(mark.index());
        Span {
            offset,
            len: len.min(self.text.len().saturating_sub(offset)),
            line: u32::try_from(mark.line().max(1)).unwrap_or(u32::MAX),
            column: u32::try_from(mark.col() + 1).unwrap_or(u32::MAX),
        }
    }

    /// Bytes the scalar occupies in the source, quotes included.
    fn scalar_len(&self, offset: usize, style: ScalarStyle, value: &str) -> usize {
        let rest = self.text.get(offset..).unwrap_or("");
        match style {
            ScalarStyle::Plain => {
                if rest.starts_with(value) {
                    value.len()
                } else {
                    rest.find('\n').unwrap_or(rest.len())
                }
            }
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                let quote = if style == ScalarStyle::SingleQuoted {
                    '\''
                } else {
                    '"'
                };
                let mut chars = rest.char_indices().skip(1).peekable();
                while let Some((i, c)) = chars.next() {
                    if quote == '"' && c == '\\' {
                        chars.next();
                    } else if c == quote {
                        if quote == '\'' && chars.peek().is_some_and(|(_, n)| *n == '\'') {
                            chars.next();
                        } else {
                            return i + 1;
                        }
                    }
                }
                rest.len()
            }
            _ => 1,
        }
    }
}

pub(super) struct Tree {
    pub(super) root: Option<Node>,
    /// Problems that do not stop parsing (duplicate keys).
    pub(super) issues: Vec<Issue>,
}

enum Frame {
    Seq {
        items: Vec<Node>,
        start: Span,
        anchor: usize,
    },
    Map {
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
        start: Span,
        anchor: usize,
    },
}

struct TreeBuilder<'t> {
    map: SourceMap<'t>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    nodes: usize,
    root: Option<Node>,
    issues: Vec<Issue>,
}

pub(super) fn parse_tree(text: &str) -> Result<Tree, Issue> {
    let mut builder = TreeBuilder {
        map: SourceMap::new(text),
        stack: Vec::new(),
        anchors: HashMap::new(),
        nodes: 0,
        root: None,
        issues: Vec::new(),
    };
    let mut parser = Parser::new_from_str(text);
    let mut documents = 0;
    while let Some(next) = parser.next_event() {
        let (event, mark) = next.map(|(event, span)| (event, span.start)).map_err(|e| {
            let span = builder.map.span(*e.marker(), 1);
            Issue::new(
                "yaml-syntax",
                Some(span),
                format!("invalid YAML: {}", e.info()),
            )
            .label("here")
            .help("fix the YAML syntax (indentation, quotes, `key: value` pairs)")
        })?;
        match event {
            Event::StreamEnd => break,
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return Err(Issue::new(
                        "multiple-documents",
                        Some(builder.map.span(mark, 3)),
                        "a policy file holds one YAML document",
                    )
                    .label("second document")
                    .help("remove the `---` separator and merge the documents"));
                }
            }
            Event::Alias(id) => builder.alias(id, mark)?,
            Event::Scalar(value, style, anchor, tag) => {
                let value = value.into_owned();
                if tag.is_some() {
                    return Err(tag_issue(builder.map.span(mark, 1)));
                }
                let span = {
                    let offset = builder.map.byte_offset(mark.index());
                    builder
                        .map
                        .span(mark, builder.map.scalar_len(offset, style, &value))
                };
                let node = Node {
                    kind: Kind::Scalar {
                        text: value,
                        plain: style == ScalarStyle::Plain,
                    },
                    span,
                    size: 1,
                    height: 0,
                };
                builder.count(1, span)?;
                builder.complete(node, anchor);
            }
            Event::SequenceStart(_, anchor, ref tag) | Event::MappingStart(_, anchor, ref tag) => {
                let span = builder.map.span(mark, 1);
                if tag.is_some() {
                    return Err(tag_issue(span));
                }
                if builder.stack.len() >= MAX_DEPTH {
                    return Err(depth_issue(span));
                }
                builder.count(1, span)?;
                builder
                    .stack
                    .push(if matches!(event, Event::SequenceStart(..)) {
                        Frame::Seq {
                            items: Vec::new(),
                            start: span,
                            anchor,
                        }
                    } else {
                        Frame::Map {
                            entries: Vec::new(),
                            key: None,
                            start: span,
                            anchor,
                        }
                    });
            }
            Event::SequenceEnd | Event::MappingEnd => builder.close(mark),
            Event::UnresolvedAlias(_) => {
                return Err(Issue::new(
                    "yaml-syntax",
                    Some(builder.map.span(mark, 1)),
                    "alias to an unknown anchor",
                )
                .label("unknown alias"));
            }
            // Stream and document ends, anchor names and comments carry no policy data.
            _ => {}
        }
    }
    Ok(Tree {
        root: builder.root,
        issues: builder.issues,
    })
}

fn tag_issue(span: Span) -> Issue {
    Issue::new(
        "yaml-tag",
        Some(span),
        "YAML tags are not supported in a policy file",
    )
    .label("tag")
    .help("remove the `!tag`; quote the value if it should be a string")
}

fn depth_issue(span: Span) -> Issue {
    Issue::new(
        "too-deep",
        Some(span),
        format!("the policy nests deeper than {MAX_DEPTH} levels"),
    )
    .label("too deep")
    .help("a policy file needs at most five levels of nesting")
}

impl TreeBuilder<'_> {
    fn count(&mut self, nodes: usize, span: Span) -> Result<(), Issue> {
        self.nodes = self.nodes.saturating_add(nodes);
        if self.nodes > MAX_NODES {
            return Err(Issue::new(
                "too-many-nodes",
                Some(span),
                format!("the policy expands to more than {MAX_NODES} YAML nodes"),
            )
            .label("expansion exceeds the budget here")
            .help("aliases (`*name`) that repeat large anchors multiply the document; write the values out"));
        }
        Ok(())
    }

    fn alias(&mut self, id: usize, mark: Marker) -> Result<(), Issue> {
        let span = self.map.span(mark, 1);
        let Some(target) = self.anchors.get(&id) else {
            return Err(
                Issue::new("yaml-syntax", Some(span), "alias to an unknown anchor")
                    .label("unknown alias"),
            );
        };
        // Check the budget before cloning, so a bomb never allocates.
        let (size, height) = (target.size, target.height);
        self.count(size, span)?;
        if self.stack.len() + height > MAX_DEPTH {
            return Err(depth_issue(span));
        }
        let node = self.anchors.get(&id).cloned();
        if let Some(node) = node {
            self.complete(node, 0);
        }
        Ok(())
    }

    /// Attach a finished node to its parent (or make it the root).
    fn complete(&mut self, node: Node, anchor: usize) {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push((k, node)),
            },
        }
    }

    fn close(&mut self, mark: Marker) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let end_mark = self.map.span(mark, 1);
        let (kind, start, anchor, children) = match frame {
            Frame::Seq {
                items,
                start,
                anchor,
            } => {
                let spans: Vec<Span> = items.iter().map(|n| n.span).collect();
                (Kind::Seq(items), start, anchor, spans)
            }
            Frame::Map {
                entries,
                start,
                anchor,
                ..
            } => {
                let entries = self.without_duplicates(entries);
                let spans: Vec<Span> = entries.iter().flat_map(|(k, v)| [k.span, v.span]).collect();
                (Kind::Map(entries), start, anchor, spans)
            }
        };
        // Block mappings are marked at their first `:`; start at the first key instead.
        let head = children
            .iter()
            .copied()
            .filter(|s| s.offset < start.offset)
            .min_by_key(|s| s.offset)
            .unwrap_or(start);
        let flow = matches!(
            self.map.text.as_bytes().get(start.offset),
            Some(b'[' | b'{')
        );
        let end = if flow {
            end_mark.offset + 1
        } else {
            children.iter().map(Span::end).max().unwrap_or(start.end())
        };
        let span = Span {
            len: end
                .saturating_sub(head.offset)
                .min(self.map.text.len().saturating_sub(head.offset)),
            ..head
        };
        let (size, height) = match &kind {
            Kind::Seq(items) => (
                1 + items.iter().map(|n| n.size).sum::<usize>(),
                1 + items.iter().map(|n| n.height).max().unwrap_or(0),
            ),
            Kind::Map(entries) => (
                1 + entries.iter().map(|(k, v)| k.size + v.size).sum::<usize>(),
                1 + entries
                    .iter()
                    .map(|(k, v)| k.height.max(v.height))
                    .max()
                    .unwrap_or(0),
            ),
            Kind::Scalar { .. } => (1, 0),
        };
        self.complete(
            Node {
                kind,
                span,
                size,
                height,
            },
            anchor,
        );
    }

    /// Report every repeated key (keeping the first) — YAML says keys are unique and
    /// silently keeping one would hide an edit.
    fn without_duplicates(&mut self, entries: Vec<(Node, Node)>) -> Vec<(Node, Node)> {
        let mut first_at: HashMap<String, Span> = HashMap::new();
        let mut kept = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            if let Kind::Scalar { text, .. } = &key.kind {
                if let Some(first) = first_at.get(text) {
                    self.issues.push(
                        Issue::new(
                            "duplicate-key",
                            Some(key.span),
                            format!("duplicate key `{text}`"),
                        )
                        .label("defined again here")
                        .help(format!(
                            "`{text}` is already defined at line {}:{}; keep one of them",
                            first.line, first.column
                        )),
                    );
                    continue;
                }
                first_at.insert(text.clone(), key.span);
            }
            kept.push((key, value));
        }
        kept
    }
}
