//! Objective-C → [`SourceIr`], following the lowering rules of `crate::extract::ir`.
//!
//! Objective-C trees are often damaged: about half of real `.m` files parse with an
//! ERROR node, mostly because of macros the grammar does not know. So:
//! - a few well-known attribute macros (`NS_ASSUME_NONNULL_BEGIN`, `API_AVAILABLE(…)`)
//!   are blanked with spaces before parsing (byte offsets are kept);
//! - everything the tree recovers is lowered as usual;
//! - inside ERROR nodes, a token-level pass finds message sends `[recv sel:arg …]` the
//!   tree missed, and `#import`/`@import` lines are also found line by line.

use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

use crate::catalog::Language;
use crate::extract::FileInput;
use crate::extract::apple::swift::{
    catalog_member_names, catalog_receiver_hints, collapse_whitespace, is_delegate_method,
    typed_receiver,
};
use crate::extract::ir::{
    AssignIr, CallId, CallIr, FunctionIr, Import, Op, Read, SourceIr, ValueIr,
};
use crate::extract::treesitter::{self, compact, location, text};
use crate::model::Location;

const MAX_DEPTH: usize = 400;

/// Macros that expand to nothing or to attributes; the grammar chokes on them.
const BARE_MACROS: &[&str] = &[
    "NS_ASSUME_NONNULL_BEGIN",
    "NS_ASSUME_NONNULL_END",
    "NS_DESIGNATED_INITIALIZER",
    "NS_UNAVAILABLE",
    "NS_REQUIRES_SUPER",
    "NS_EXTENSION_UNAVAILABLE_IOS",
    "__nullable",
    "__nonnull",
    "_Nullable",
    "_Nonnull",
    "_Null_unspecified",
    "nullable",
];
const CALL_MACROS: &[&str] = &[
    "API_AVAILABLE",
    "API_UNAVAILABLE",
    "API_DEPRECATED",
    "API_DEPRECATED_WITH_REPLACEMENT",
    "NS_SWIFT_NAME",
    "NS_AVAILABLE_IOS",
    "NS_DEPRECATED_IOS",
    "NS_EXTENSION_UNAVAILABLE",
    "NS_SWIFT_UNAVAILABLE",
    "__attribute__",
];

/// Identifiers that are literals, not variables.
const LITERAL_IDENTIFIERS: &[&str] = &["nil", "Nil", "NULL", "YES", "NO", "true", "false"];

pub fn lower(input: &FileInput) -> Result<SourceIr, String> {
    let masked = mask_comments_and_strings(input.text);
    let source = blank_macros(input.text, &masked);
    let tree = treesitter::parse(&tree_sitter_objc::LANGUAGE.into(), &source)?;
    let root = tree.root_node();
    let lowered_sends: HashSet<usize> = treesitter::descendants(root)
        .filter(|n| n.kind() == "message_expression")
        .map(|n| n.start_byte())
        .collect();
    let mut lowerer = Lowerer {
        path: input.path,
        source: &source,
        masked: &masked,
        next_call: 0,
        ir: SourceIr::default(),
        property_apis: catalog_member_names(input.catalog, Language::Objc),
        receiver_hints: catalog_receiver_hints(input.catalog, Language::Objc),
        declared_types: declared_types(root, &source),
        lowered_sends,
        depth: 0,
    };
    let mut top = Vec::new();
    lowerer.visit(root, &mut top);
    lowerer.fallback_imports();
    let mut ir = lowerer.ir;
    ir.imports.sort_by(|a, b| a.at.cmp(&b.at));
    if !top.is_empty() {
        ir.functions.insert(
            0,
            FunctionIr {
                name: "<top>".into(),
                params: Vec::new(),
                ops: top,
                at: input.loc(1, 1),
            },
        );
    }
    Ok(ir)
}

/// The text with comments and string/char literal contents replaced by spaces (byte
/// for byte, so offsets and char boundaries stay valid).
fn mask_comments_and_strings(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = bytes.to_vec();
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for b in &mut out[from..to.min(bytes.len())] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    };
    let mut i = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        if rest.starts_with(b"//") {
            let end = i + rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
            blank(&mut out, i, end);
            i = end;
        } else if rest.starts_with(b"/*") {
            let end = text
                .get(i + 2..)
                .and_then(|r| r.find("*/"))
                .map_or(bytes.len(), |e| i + 2 + e + 2);
            blank(&mut out, i, end);
            i = end;
        } else if bytes[i] == b'"' || bytes[i] == b'\'' {
            let quote = bytes[i];
            let mut j = i + 1;
            while j < bytes.len() && bytes[j] != quote && bytes[j] != b'\n' {
                j += if bytes[j] == b'\\' { 2 } else { 1 };
            }
            let end = j.min(bytes.len());
            blank(&mut out, i + 1, end);
            i = end + 1;
        } else {
            i += 1;
        }
    }
    // Only ASCII bytes were replaced by spaces and whole multi-byte sequences lie inside
    // blanked ranges or untouched ones, but stay safe if a range split one.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The source with the macros in [`BARE_MACROS`] / [`CALL_MACROS`] replaced by spaces
/// where they appear in code (found in the masked text).
fn blank_macros(text: &str, masked: &str) -> String {
    if masked.len() != text.len() {
        return text.to_string();
    }
    let mut out = text.as_bytes().to_vec();
    let bytes = masked.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let is_start = bytes[i].is_ascii_alphabetic() || bytes[i] == b'_';
        let after_ident = i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        if !is_start || after_ident {
            i += 1;
            continue;
        }
        let end = i + bytes[i..]
            .iter()
            .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_'))
            .unwrap_or(bytes.len() - i);
        let word = &masked[i..end];
        let blank_to = if BARE_MACROS.contains(&word) {
            Some(end)
        } else if CALL_MACROS.contains(&word) {
            balanced_parens_end(bytes, end)
        } else {
            None
        };
        if let Some(to) = blank_to {
            for b in &mut out[i..to] {
                if *b != b'\n' {
                    *b = b' ';
                }
            }
        }
        i = blank_to.unwrap_or(end).max(i + 1);
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

/// The end (exclusive) of a `( … )` group starting at or after `from` (spaces allowed).
fn balanced_parens_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while bytes.get(i).is_some_and(|b| *b == b' ' || *b == b'\t') {
        i += 1;
    }
    if bytes.get(i) != Some(&b'(') {
        return None;
    }
    let mut depth = 0usize;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

struct Lowerer<'a> {
    path: &'a str,
    source: &'a str,
    masked: &'a str,
    next_call: u32,
    ir: SourceIr,
    property_apis: HashSet<String>,
    receiver_hints: HashMap<String, Vec<String>>,
    /// Variable, property, ivar and parameter names → their declared class (file-wide).
    declared_types: HashMap<String, String>,
    /// Start offsets of every message send the tree has: the token pass skips them.
    lowered_sends: HashSet<usize>,
    depth: usize,
}

impl<'a> Lowerer<'a> {
    fn loc(&self, node: Node) -> Location {
        location(node, self.path, self.source)
    }

    /// The receiver as written, or its declared class where only that names the
    /// catalog receiver of `method` (see [`typed_receiver`]).
    fn typed_receiver_text(&self, receiver: Node, method: &str) -> String {
        typed_receiver(
            receiver_text(receiver, self.source),
            method,
            &self.receiver_hints,
            &self.declared_types,
        )
    }

    fn call_id(&mut self) -> CallId {
        let id = CallId(self.next_call);
        self.next_call += 1;
        id
    }

    fn visit(&mut self, node: Node, ops: &mut Vec<Op>) -> ValueIr {
        if self.depth > MAX_DEPTH {
            return ValueIr::default();
        }
        self.depth += 1;
        let value = self.visit_inner(node, ops);
        self.depth -= 1;
        value
    }

    fn visit_inner(&mut self, node: Node, ops: &mut Vec<Op>) -> ValueIr {
        match node.kind() {
            k if k.contains("comment") => ValueIr::default(),
            "string_literal"
            | "char_literal"
            | "number_literal"
            | "selector_expression"
            | "type_identifier"
            | "type_descriptor"
            | "primitive_type"
            | "class_interface"
            | "protocol_declaration"
            | "method_type"
            | "preproc_def"
            | "preproc_function_def"
            | "encode_expression"
            | "sizeof_expression" => ValueIr::default(),
            "preproc_include" => {
                self.include(node);
                ValueIr::default()
            }
            "module_import" => {
                if let Some(path) = node.child_by_field_name("path") {
                    let at = self.loc(node);
                    self.push_import(text(path, self.source), at);
                }
                ValueIr::default()
            }
            "method_definition" => {
                self.method(node);
                ValueIr::default()
            }
            "function_definition" => {
                self.function(node);
                ValueIr::default()
            }
            "identifier" => {
                let name = text(node, self.source);
                if LITERAL_IDENTIFIERS.contains(&name) {
                    ValueIr::default()
                } else {
                    var(name, Vec::new())
                }
            }
            "field_expression" => self.field(node, ops),
            "message_expression" => self.message(node, ops),
            "call_expression" => self.c_call(node, ops),
            "assignment_expression" => {
                self.assignment(node, ops);
                ValueIr::default()
            }
            "declaration" => {
                self.declaration(node, ops);
                ValueIr::default()
            }
            "binary_expression" => {
                let reads = self.visit_children(node, ops);
                let operator = node
                    .child_by_field_name("operator")
                    .map_or("", |o| o.kind());
                let boolean = matches!(
                    operator,
                    "==" | "!=" | "<" | ">" | "<=" | ">=" | "&&" | "||"
                );
                if boolean { ValueIr::default() } else { reads }
            }
            "unary_expression"
                if node
                    .child_by_field_name("operator")
                    .is_some_and(|o| o.kind() == "!") =>
            {
                self.visit_children(node, ops);
                ValueIr::default()
            }
            "block_literal" => {
                self.block(node, None, ops);
                ValueIr::default()
            }
            "return_statement" => {
                let value = self.visit_children(node, ops);
                if node.named_child_count() > 0 {
                    ops.push(Op::Return(value));
                }
                ValueIr::default()
            }
            "if_statement" | "while_statement" | "do_statement" | "switch_statement" => {
                // The condition's reads are a decision, not data flowing anywhere.
                let mut cursor = node.walk();
                for child in node.named_children(&mut cursor) {
                    self.visit(child, ops);
                }
                ValueIr::default()
            }
            "for_statement" => {
                self.for_loop(node, ops);
                ValueIr::default()
            }
            "ERROR" => {
                let value = self.visit_children(node, ops);
                self.token_sends(node.start_byte(), node.end_byte(), ops);
                value
            }
            _ => self.visit_children(node, ops),
        }
    }

    fn visit_children(&mut self, node: Node, ops: &mut Vec<Op>) -> ValueIr {
        let mut value = ValueIr::default();
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            value.reads.extend(self.visit(child, ops).reads);
        }
        value
    }

    /// `#import <Module/Header.h>` → `Module`; `#import "Module/Header.h"` → `Module`;
    /// `#import "Header.h"` → `Header`.
    fn include(&mut self, node: Node) {
        let Some(path) = node.child_by_field_name("path") else {
            return;
        };
        let at = self.loc(node);
        self.push_import(text(path, self.source), at);
    }

    fn push_import(&mut self, written: &str, at: Location) {
        let Some(module) = module_of(written) else {
            return;
        };
        if self.ir.imports.iter().any(|i| i.at.line == at.line) {
            return;
        }
        self.ir.imports.push(Import {
            path: module,
            bindings: Vec::new(),
            qualified_reference: false,
            at,
        });
    }

    /// Import lines the tree lost inside damaged regions.
    fn fallback_imports(&mut self) {
        let mut offset = 0;
        let lines: Vec<(usize, &str)> = self
            .masked
            .split_inclusive('\n')
            .map(|l| {
                let start = offset;
                offset += l.len();
                (start, l)
            })
            .collect();
        for (start, masked_line) in lines {
            let trimmed = masked_line.trim_start();
            let indent = masked_line.len() - trimmed.len();
            let directive = ["#import", "#include", "@import"]
                .into_iter()
                .find(|d| trimmed.starts_with(d));
            let Some(directive) = directive else { continue };
            let line = self
                .source
                .get(start..start + masked_line.len())
                .unwrap_or("");
            let rest = line
                .trim_start()
                .get(directive.len()..)
                .unwrap_or("")
                .trim();
            let rest = rest.trim_end_matches(';').trim();
            let at = Location::at_offset(self.path, self.source, start + indent);
            self.push_import(rest, at);
        }
    }

    /// `- (void)locationManager:(CLLocationManager *)m didUpdateLocations:(NSArray *)l`:
    /// a function; a delegate method's later parameters are
    /// assigned from synthetic calls `CLLocationManager.didUpdateLocations`.
    fn method(&mut self, node: Node) {
        let mut pieces: Vec<String> = Vec::new();
        let mut params: Vec<(String, String, String, Node)> = Vec::new(); // piece, name, type, node
        let mut body = None;
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            match child.kind() {
                "identifier" => pieces.push(text(child, self.source).to_string()),
                "method_parameter" => {
                    let name = named_children_of_kind(child, "identifier")
                        .last()
                        .map(|n| text(*n, self.source).to_string())
                        .unwrap_or_default();
                    let ty = treesitter::descendants(child)
                        .find(|n| n.kind() == "type_identifier")
                        .map(|n| text(n, self.source).to_string())
                        .unwrap_or_default();
                    let piece = pieces.last().cloned().unwrap_or_default();
                    params.push((piece, name, ty, child));
                }
                "compound_statement" => body = Some(child),
                _ => {}
            }
        }
        // Named by the first selector piece, as calls are (`[self helper:x]` → `helper`).
        let name = pieces.first().cloned().unwrap_or_default();
        let mut ops = Vec::new();
        let first_piece = pieces.first().map(String::as_str).unwrap_or("");
        let delegating = params
            .first()
            .filter(|(_, _, ty, _)| is_delegate_method(first_piece, ty))
            .map(|(_, _, ty, _)| ty.clone());
        let delegating_type_known = delegating.is_some();
        if let Some(delegating_type) = delegating {
            for (piece, name, _, param) in params.iter().skip(1) {
                let at = self.loc(*param);
                let id = self.call_id();
                ops.push(Op::Call(CallIr {
                    id,
                    receiver: Some(delegating_type.clone()),
                    receiver_value: ValueIr::default(),
                    method: piece.clone(),
                    args: Vec::new(),
                    args_text: String::new(),
                    at: at.clone(),
                }));
                ops.push(Op::Assign(AssignIr {
                    targets: vec![name.clone()],
                    value: ValueIr {
                        reads: vec![Read::Call(id)],
                    },
                    at,
                }));
            }
        }
        if let Some(body) = body {
            self.visit(body, &mut ops);
        }
        // Delegate methods are called by the framework, never by app code: their full
        // selector keeps `self.locationManager = m` from being taken for a call of one.
        let name = if delegating_type_known {
            params
                .iter()
                .map(|(piece, _, _, _)| format!("{piece}:"))
                .collect()
        } else {
            name
        };
        self.ir.functions.push(FunctionIr {
            name,
            params: params.into_iter().map(|(_, name, _, _)| name).collect(),
            ops,
            at: self.loc(node),
        });
    }

    /// A C function.
    fn function(&mut self, node: Node) {
        let declarator = node.child_by_field_name("declarator");
        let name = declarator
            .and_then(|d| treesitter::descendants(d).find(|n| n.kind() == "identifier"))
            .map(|n| text(n, self.source).to_string())
            .unwrap_or_default();
        let params: Vec<String> = declarator
            .and_then(|d| treesitter::descendants(d).find(|n| n.kind() == "parameter_list"))
            .map(|list| {
                named_children_of_kind(list, "parameter_declaration")
                    .into_iter()
                    .filter_map(|p| declared_name(p, self.source))
                    .collect()
            })
            .unwrap_or_default();
        let mut ops = Vec::new();
        if let Some(body) = node.child_by_field_name("body") {
            self.visit(body, &mut ops);
        }
        self.ir.functions.push(FunctionIr {
            name,
            params,
            ops,
            at: self.loc(node),
        });
    }

    /// `a.b.c` reads `Var { a, [b, c] }`; a member the catalog lists as an API is a call.
    fn field(&mut self, node: Node, ops: &mut Vec<Op>) -> ValueIr {
        let member = node
            .child_by_field_name("field")
            .map(|f| text(f, self.source).to_string())
            .unwrap_or_default();
        let Some(target) = node.child_by_field_name("argument") else {
            return ValueIr::default();
        };
        if self.property_apis.contains(&member) {
            let receiver_value = self.visit(target, ops);
            let id = self.call_id();
            ops.push(Op::Call(CallIr {
                id,
                receiver: Some(self.typed_receiver_text(target, &member)),
                receiver_value,
                method: member,
                args: Vec::new(),
                args_text: String::new(),
                at: self.loc(node),
            }));
            return ValueIr {
                reads: vec![Read::Call(id)],
            };
        }
        let mut value = self.visit(target, ops);
        if let [Read::Var { members, .. }] = value.reads.as_mut_slice()
            && target.kind() != "message_expression"
        {
            members.push(member);
        }
        value
    }

    /// `[receiver piece:arg piece2:arg2]` → a call of `piece` with both arguments; a
    /// block argument is inlined after the call.
    fn message(&mut self, node: Node, ops: &mut Vec<Op>) -> ValueIr {
        let receiver = node.child_by_field_name("receiver");
        let receiver_value = receiver.map(|r| self.visit(r, ops)).unwrap_or_default();
        let mut method = String::new();
        let mut args = Vec::new();
        let mut blocks = Vec::new();
        let mut args_start = None;
        let mut cursor = node.walk();
        for (i, child) in node.children(&mut cursor).enumerate() {
            match node.field_name_for_child(i as u32) {
                Some("method") if method.is_empty() => {
                    method = text(child, self.source).to_string();
                }
                Some("receiver" | "method") => {}
                _ if child.is_named() => {
                    args_start.get_or_insert(child.start_byte());
                    if child.kind() == "block_literal" {
                        blocks.push(child);
                    } else if !child.kind().contains("comment") {
                        args.push(self.visit(child, ops));
                    }
                }
                _ => {}
            }
        }
        let args_text = args_start
            .and_then(|s| self.source.get(s..node.end_byte().saturating_sub(1)))
            .map(collapse_whitespace)
            .unwrap_or_default();
        let id = self.call_id();
        ops.push(Op::Call(CallIr {
            id,
            receiver: receiver.map(|r| self.typed_receiver_text(r, &method)),
            receiver_value,
            method,
            args,
            args_text,
            at: self.loc(node),
        }));
        for block in blocks {
            self.block(block, Some(id), ops);
        }
        ValueIr {
            reads: vec![Read::Call(id)],
        }
    }

    /// `f(a, b)`.
    fn c_call(&mut self, node: Node, ops: &mut Vec<Op>) -> ValueIr {
        let function = node.child_by_field_name("function");
        let method = function
            .map(|f| compact(f, self.source))
            .unwrap_or_default();
        let mut args = Vec::new();
        let mut blocks = Vec::new();
        let mut args_text = String::new();
        if let Some(list) = node.child_by_field_name("arguments") {
            let written = text(list, self.source);
            args_text = collapse_whitespace(
                written
                    .get(1..written.len().saturating_sub(1))
                    .unwrap_or(""),
            );
            let mut cursor = list.walk();
            for arg in list.named_children(&mut cursor) {
                if arg.kind() == "block_literal" {
                    blocks.push(arg);
                } else {
                    args.push(self.visit(arg, ops));
                }
            }
        }
        let id = self.call_id();
        ops.push(Op::Call(CallIr {
            id,
            receiver: None,
            receiver_value: ValueIr::default(),
            method,
            args,
            args_text,
            at: self.loc(node),
        }));
        for block in blocks {
            self.block(block, Some(id), ops);
        }
        ValueIr {
            reads: vec![Read::Call(id)],
        }
    }

    /// A block, inlined: its parameters are assigned from the call it was passed to.
    fn block(&mut self, node: Node, call: Option<CallId>, ops: &mut Vec<Op>) {
        if let Some(id) = call {
            let targets: Vec<String> = named_children_of_kind(node, "parameter_list")
                .into_iter()
                .flat_map(|list| named_children_of_kind(list, "parameter_declaration"))
                .filter_map(|p| declared_name(p, self.source))
                .collect();
            if !targets.is_empty() {
                ops.push(Op::Assign(AssignIr {
                    targets,
                    value: ValueIr {
                        reads: vec![Read::Call(id)],
                    },
                    at: self.loc(node),
                }));
            }
        }
        if let Some(body) = named_children_of_kind(node, "compound_statement")
            .into_iter()
            .next()
        {
            self.visit(body, ops);
        }
    }

    /// `a.b.c = v` is a call of `c` on `a.b`; `d[k] = v` a storing call on `d`; `x = v` /
    /// `*x = v` assign, and `x += v` assigns from both `x` and `v`.
    fn assignment(&mut self, node: Node, ops: &mut Vec<Op>) {
        let right = node.child_by_field_name("right");
        let value = right.map(|r| self.visit(r, ops)).unwrap_or_default();
        let Some(left) = node.child_by_field_name("left") else {
            return;
        };
        if left.kind() == "field_expression"
            && let Some(receiver) = left.child_by_field_name("argument")
        {
            let method = left
                .child_by_field_name("field")
                .map(|f| text(f, self.source).to_string())
                .unwrap_or_default();
            let receiver_value = self.visit(receiver, ops);
            let id = self.call_id();
            ops.push(Op::Call(CallIr {
                id,
                receiver: Some(receiver_text(receiver, self.source)),
                receiver_value,
                method,
                args: vec![value],
                args_text: right
                    .map(|r| collapse_whitespace(text(r, self.source)))
                    .unwrap_or_default(),
                at: self.loc(node),
            }));
            return;
        }
        // `d[k] = v` is `[d setObject:v forKeyedSubscript:k]`: a store into `d` that keeps
        // what `d` already held.
        if left.kind() == "subscript_expression"
            && let Some(collection) = left.child_by_field_name("argument")
        {
            let receiver_value = self.visit(collection, ops);
            if let Some(index) = left.child_by_field_name("index") {
                self.visit(index, ops);
            }
            let id = self.call_id();
            ops.push(Op::Call(CallIr {
                id,
                receiver: Some(receiver_text(collection, self.source)),
                receiver_value,
                method: "setObject".into(),
                args: vec![value],
                args_text: right
                    .map(|r| collapse_whitespace(text(r, self.source)))
                    .unwrap_or_default(),
                at: self.loc(node),
            }));
            return;
        }
        let target = treesitter::descendants(left)
            .find(|n| n.kind() == "identifier")
            .map(|n| text(n, self.source).to_string())
            .unwrap_or_else(|| compact(left, self.source));
        // `x += v` keeps what `x` held and adds `v`.
        let mut value = value;
        if node
            .child_by_field_name("operator")
            .is_some_and(|o| o.kind() != "=")
        {
            value.reads.extend(self.visit(left, ops).reads);
        }
        ops.push(Op::Assign(AssignIr {
            targets: vec![target],
            value,
            at: self.loc(node),
        }));
    }

    /// `CLLocation *loc = v, *other = w;`
    fn declaration(&mut self, node: Node, ops: &mut Vec<Op>) {
        let mut cursor = node.walk();
        for (i, child) in node.children(&mut cursor).enumerate() {
            if node.field_name_for_child(i as u32) != Some("declarator")
                || child.kind() != "init_declarator"
            {
                continue;
            }
            let Some(value_node) = child.child_by_field_name("value") else {
                continue;
            };
            let value = self.visit(value_node, ops);
            let targets = child
                .child_by_field_name("declarator")
                .and_then(|d| treesitter::descendants(d).find(|n| n.kind() == "identifier"))
                .map(|n| vec![text(n, self.source).to_string()])
                .unwrap_or_default();
            ops.push(Op::Assign(AssignIr {
                targets,
                value,
                at: self.loc(child),
            }));
        }
    }

    /// `for (CLLocation *loc in locations)` assigns `loc` from `locations`; a C `for`
    /// is visited as is.
    fn for_loop(&mut self, node: Node, ops: &mut Vec<Op>) {
        let mut cursor = node.walk();
        let children: Vec<Node> = node.children(&mut cursor).collect();
        let in_at = children
            .iter()
            .position(|c| !c.is_named() && c.kind() == "in");
        let Some(in_at) = in_at else {
            self.visit_children(node, ops);
            return;
        };
        let item = children[..in_at]
            .iter()
            .rev()
            .find(|c| c.is_named())
            .and_then(|c| treesitter::descendants(*c).find(|n| n.kind() == "identifier"))
            .map(|n| text(n, self.source).to_string());
        let collection = children[in_at + 1..].iter().find(|c| c.is_named()).copied();
        let value = collection.map(|c| self.visit(c, ops)).unwrap_or_default();
        ops.push(Op::Assign(AssignIr {
            targets: item.into_iter().collect(),
            value,
            at: self.loc(node),
        }));
        for child in children[in_at + 1..]
            .iter()
            .filter(|c| c.is_named())
            .skip(1)
        {
            self.visit(*child, ops);
        }
    }

    /// Message sends in `from..to` that the tree did not recover, found on tokens of
    /// the masked text (comments and strings blanked).
    fn token_sends(&mut self, from: usize, to: usize, ops: &mut Vec<Op>) {
        let bytes = self.masked.as_bytes();
        let mut i = from;
        while i < to.min(bytes.len()) {
            if bytes[i] == b'['
                && !self.lowered_sends.contains(&i)
                && let Some((_, end)) = self.token_send(i, ops)
            {
                i = end;
                continue;
            }
            i += 1;
        }
    }

    /// Lower one `[recv sel…]` at `open` (nested sends first); returns its call id and
    /// the offset after its `]`.
    fn token_send(&mut self, open: usize, ops: &mut Vec<Op>) -> Option<(CallId, usize)> {
        if self.depth > MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        let result = self.token_send_inner(open, ops);
        self.depth -= 1;
        result
    }

    fn token_send_inner(&mut self, open: usize, ops: &mut Vec<Op>) -> Option<(CallId, usize)> {
        let bytes = self.masked.as_bytes();
        let close = matching_bracket(bytes, open)?;
        let mut i = skip_spaces(bytes, open + 1);
        // Receiver: a nested send or a dotted identifier path.
        let (receiver_text, receiver_value) = if bytes.get(i) == Some(&b'[') {
            let (id, end) = self.token_send(i, ops)?;
            let written = token_receiver_text(self.masked.get(i..end)?);
            i = end;
            (
                written,
                ValueIr {
                    reads: vec![Read::Call(id)],
                },
            )
        } else {
            let end = dotted_identifier_end(bytes, i)?;
            let written = self.source.get(i..end)?.to_string();
            i = end;
            let value = path_read(&written);
            (written, value)
        };
        i = skip_spaces(bytes, i);
        let selector_end = identifier_end(bytes, i)?;
        let method = self.source.get(i..selector_end)?.to_string();
        let after = skip_spaces(bytes, selector_end);
        if bytes.get(after) != Some(&b':') && after != close {
            return None;
        }
        self.lowered_sends.insert(open);
        let mut args = Vec::new();
        let args_text = if after == close {
            String::new()
        } else {
            let inner = self.source.get(after + 1..close)?;
            for part in split_selector_args(self.masked.get(after + 1..close)?) {
                let (start, len) = part;
                args.push(self.token_value(after + 1 + start, after + 1 + start + len, ops));
            }
            collapse_whitespace(inner)
        };
        let id = self.call_id();
        ops.push(Op::Call(CallIr {
            id,
            receiver: Some(receiver_text),
            receiver_value,
            method,
            args,
            args_text,
            at: Location::at_offset(self.path, self.source, open),
        }));
        Some((id, close + 1))
    }

    /// What an argument's tokens read: nested sends and `a.b.c` identifier paths.
    fn token_value(&mut self, from: usize, to: usize, ops: &mut Vec<Op>) -> ValueIr {
        let bytes = self.masked.as_bytes();
        let mut value = ValueIr::default();
        let mut i = from;
        while i < to {
            let b = bytes[i];
            if b == b'[' {
                if let Some((id, end)) = self.token_send(i, ops) {
                    value.reads.push(Read::Call(id));
                    i = end;
                    continue;
                }
                i += 1;
            } else if (b.is_ascii_alphabetic() || b == b'_')
                && (i == 0 || !is_ident_byte(bytes[i - 1]))
                && bytes.get(i.wrapping_sub(1)) != Some(&b'@')
            {
                let end = dotted_identifier_end(bytes, i).unwrap_or(i + 1).min(to);
                if let Some(written) = self.source.get(i..end) {
                    let first = written.split('.').next().unwrap_or("");
                    if !LITERAL_IDENTIFIERS.contains(&first) {
                        value.reads.extend(path_read(written).reads);
                    }
                }
                i = end;
            } else {
                i += 1;
            }
        }
        value
    }
}

fn var(name: &str, members: Vec<String>) -> ValueIr {
    ValueIr {
        reads: vec![Read::Var {
            name: name.to_string(),
            members,
        }],
    }
}

/// `a.b.c` → `Var { a, [b, c] }`.
fn path_read(written: &str) -> ValueIr {
    let mut parts = written.split('.').map(str::trim);
    let name = parts.next().unwrap_or("");
    if name.is_empty() || LITERAL_IDENTIFIERS.contains(&name) {
        return ValueIr::default();
    }
    var(name, parts.map(str::to_string).collect())
}

/// The module an import names: `<A/B.h>` → `A`, `"A/B.h"` → `A`, `"B.h"` → `B`, `A.B` → `A`.
fn module_of(written: &str) -> Option<String> {
    let inner = written.trim().trim_matches(['<', '>', '"']).trim();
    let module = if inner.contains('/') {
        inner.split('/').next().unwrap_or("")
    } else {
        inner.trim_end_matches(".h").split('.').next().unwrap_or("")
    };
    let module = module.trim();
    (!module.is_empty()
        && module
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '+'))
    .then(|| module.to_string())
}

/// Names declared with a class in the file: `CLLocationManager *m` as a local, ivar,
/// `@property` or method parameter. Scopes are not told apart: the first one wins.
fn declared_types(root: Node, src: &str) -> HashMap<String, String> {
    let mut types = HashMap::new();
    for node in treesitter::descendants(root) {
        let declaring = matches!(
            node.kind(),
            "declaration"
                | "field_declaration"
                | "struct_declaration"
                | "property_declaration"
                | "parameter_declaration"
                | "method_parameter"
        );
        if !declaring {
            continue;
        }
        let Some(ty) = treesitter::descendants(node)
            .find(|n| n.kind() == "type_identifier")
            .map(|n| text(n, src).to_string())
        else {
            continue;
        };
        let names: Vec<String> = if node.kind() == "method_parameter" {
            named_children_of_kind(node, "identifier")
                .last()
                .map(|n| vec![text(*n, src).to_string()])
                .unwrap_or_default()
        } else {
            treesitter::descendants(node)
                .filter(|n| n.kind() == "identifier" && declares(*n))
                .map(|n| text(n, src).to_string())
                .collect()
        };
        for name in names {
            types.entry(name).or_insert_with(|| ty.clone());
        }
    }
    types
}

/// The identifier is the name a declarator binds (not part of an initial value).
fn declares(identifier: Node) -> bool {
    identifier
        .parent()
        .is_some_and(|parent| match parent.kind() {
            "pointer_declarator" | "struct_declarator" | "array_declarator" => true,
            "init_declarator" | "declaration" | "field_declaration" | "parameter_declaration" => {
                parent
                    .child_by_field_name("declarator")
                    .is_some_and(|d| d.id() == identifier.id())
            }
            _ => false,
        })
}

fn named_children_of_kind<'t>(node: Node<'t>, kind: &str) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|c| c.kind() == kind)
        .collect()
}

/// The name a parameter declaration binds (`CNContact *contact` → `contact`).
fn declared_name(param: Node, src: &str) -> Option<String> {
    let declarator = param.child_by_field_name("declarator")?;
    let id = treesitter::descendants(declarator).find(|n| n.kind() == "identifier")?;
    Some(text(id, src).to_string())
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn identifier_end(bytes: &[u8], from: usize) -> Option<usize> {
    let first = *bytes.get(from)?;
    if !(first.is_ascii_alphabetic() || first == b'_') {
        return None;
    }
    let mut i = from;
    while bytes.get(i).is_some_and(|&b| is_ident_byte(b)) {
        i += 1;
    }
    Some(i)
}

fn dotted_identifier_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut end = identifier_end(bytes, from)?;
    while bytes.get(end) == Some(&b'.') {
        match identifier_end(bytes, end + 1) {
            Some(next) => end = next,
            None => break,
        }
    }
    Some(end)
}

fn skip_spaces(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    i
}

fn matching_bracket(bytes: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, &b) in bytes.iter().enumerate().skip(open) {
        match b {
            b'[' | b'(' | b'{' => depth += 1,
            b']' | b')' | b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return (b == b']').then_some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// A receiver as language-neutral text: a message send `[AppsFlyerLib shared]` reads
/// `AppsFlyerLib.shared()` (like the Java/Swift spelling the catalog hints are written
/// for), anything else is its source text without whitespace.
fn receiver_text(node: Node, src: &str) -> String {
    let mut current = node;
    let mut calls = Vec::new();
    while current.kind() == "message_expression" && calls.len() < MAX_DEPTH {
        let method = current
            .child_by_field_name("method")
            .map(|m| text(m, src))
            .unwrap_or_default();
        calls.push(method);
        match current.child_by_field_name("receiver") {
            Some(inner) => current = inner,
            None => break,
        }
    }
    let mut out = compact(current, src);
    for method in calls.iter().rev() {
        out.push_str(&format!(".{method}()"));
    }
    out
}

/// [`receiver_text`] for a send found on tokens: `[[A b] c]` → `A.b().c()`.
fn token_receiver_text(masked: &str) -> String {
    let mut base = String::new();
    let mut calls = Vec::new();
    let mut rest = masked.trim();
    while let Some(inner) = rest.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        let inner = inner.trim();
        // The selector is the first word after the receiver (a nested send or a path).
        let (receiver, selector) = match inner.strip_prefix('[') {
            Some(_) => {
                let close =
                    matching_bracket(inner.as_bytes(), 0).unwrap_or(inner.len().saturating_sub(1));
                (
                    inner.get(..=close).unwrap_or(inner),
                    inner.get(close + 1..).unwrap_or(""),
                )
            }
            None => inner.split_once(char::is_whitespace).unwrap_or((inner, "")),
        };
        let selector = selector.trim_start();
        let end = identifier_end(selector.as_bytes(), 0).unwrap_or(0);
        calls.push(selector.get(..end).unwrap_or("").to_string());
        rest = receiver.trim();
        if !rest.starts_with('[') {
            base = rest.chars().filter(|c| !c.is_whitespace()).collect();
            break;
        }
    }
    for method in calls.iter().rev() {
        base.push_str(&format!(".{method}()"));
    }
    base
}

/// The argument ranges `(start, len)` of `:a label:b label2:c` (the text after the first
/// selector piece's `:`), split at top-level `label:` pieces.
fn split_selector_args(masked: &str) -> Vec<(usize, usize)> {
    let bytes = masked.as_bytes();
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'[' | b'(' | b'{' => depth += 1,
            b']' | b')' | b'}' => depth = depth.saturating_sub(1),
            b if depth == 0 && b.is_ascii_whitespace() => {
                // ` label:` after whitespace starts the next argument.
                let word_start = skip_spaces(bytes, i);
                if let Some(word_end) = identifier_end(bytes, word_start)
                    && bytes.get(word_end) == Some(&b':')
                {
                    parts.push((start, i - start));
                    start = word_end + 1;
                    i = word_end + 1;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    parts.push((start, bytes.len() - start));
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::apple::plist::test_support;

    fn lower_text(source: &str) -> SourceIr {
        let catalog = test_support::catalog();
        let input = FileInput::new("App/AppDelegate.m", source.as_bytes(), source, &catalog);
        lower(&input).expect("parses")
    }

    use crate::extract::ir::test_render::ops_by_line as render;

    fn function<'i>(ir: &'i SourceIr, name: &str) -> &'i FunctionIr {
        ir.functions
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| {
                panic!(
                    "no function {name}: {:?}",
                    ir.functions.iter().map(|f| &f.name).collect::<Vec<_>>()
                )
            })
    }

    const APP: &str = r#"#import <AppsFlyerLib/AppsFlyerLib.h>
#import "AppDelegate.h"
@import CoreLocation;
// #import <BrazeKit/BrazeKit.h>

@implementation AppDelegate

- (void)locationManager:(CLLocationManager *)manager didUpdateLocations:(NSArray<CLLocation *> *)locations {
    CLLocation *loc = [locations lastObject];
    [[AppsFlyerLib shared] logLocation:loc.coordinate.longitude latitude:loc.coordinate.latitude];
    self.tracker.lastLocation = loc;
    NSDictionary *d = @{@"lat": @(loc.coordinate.latitude), @"location": @"home"};
    if (loc != nil) { return; }
}

@end
"#;

    #[test]
    fn imports_from_all_three_forms() {
        let ir = lower_text(APP);
        let imports: Vec<(&str, u32)> = ir
            .imports
            .iter()
            .map(|i| (i.path.as_str(), i.at.line))
            .collect();
        assert_eq!(
            imports,
            vec![("AppsFlyerLib", 1), ("AppDelegate", 2), ("CoreLocation", 3)]
        );
    }

    #[test]
    fn delegate_method_message_sends_and_property_assignment() {
        let ir = lower_text(APP);
        let f = function(&ir, "locationManager:didUpdateLocations:");
        assert_eq!(f.params, vec!["manager", "locations"]);
        assert_eq!(
            render(f),
            vec![
                "8: call#0 CLLocationManager.didUpdateLocations()",
                "8: locations = [#0]",
                "9: call#1 locations.lastObject()",
                "9: loc = [#1]",
                "10: call#2 AppsFlyerLib.shared()",
                "10: call#3 AppsFlyerLib.shared().logLocation([loc.coordinate.longitude], [loc.coordinate.latitude])",
                "11: call#4 self.tracker.lastLocation([loc])",
                "12: d = [loc.coordinate.latitude]",
            ]
        );
        let (_, send) = ir
            .calls()
            .find(|(_, c)| c.method == "logLocation")
            .expect("send");
        assert_eq!(
            send.args_text,
            "loc.coordinate.longitude latitude:loc.coordinate.latitude"
        );
        assert_eq!(send.receiver_value.reads, vec![Read::Call(CallId(2))]);
        assert_eq!((send.at.line, send.at.column), (10, 5));
    }

    #[test]
    fn blocks_are_inlined_with_their_parameters() {
        let source = r#"void load(CNContactStore *store) {
    [store enumerateContactsWithFetchRequest:req error:nil usingBlock:^(CNContact *contact, BOOL *stop) {
        [names addObject:contact.givenName];
    }];
    dispatch_async(dispatch_get_main_queue(), ^{ [manager startUpdatingLocation]; });
}
"#;
        let ir = lower_text(source);
        let f = function(&ir, "load");
        assert_eq!(f.params, vec!["store"]);
        assert_eq!(
            render(f),
            vec![
                "2: call#0 store.enumerateContactsWithFetchRequest([req], [])",
                "2: contact,stop = [#0]",
                "3: call#1 names.addObject([contact.givenName])",
                "5: call#2 dispatch_get_main_queue()",
                "5: call#3 dispatch_async([#2])",
                "5: call#4 manager.startUpdatingLocation()",
            ]
        );
    }

    #[test]
    fn comments_and_strings_are_nothing() {
        let source = "/* - (void)locationManager:(CLLocationManager *)m didUpdateLocations:(NSArray *)l { [[AppsFlyerLib shared] logLocation:1 latitude:2]; } */\nNSString *s = @\"[manager startUpdatingLocation]\";\n";
        let ir = lower_text(source);
        assert!(ir.calls().next().is_none(), "{:?}", ir.functions);
        assert!(ir.imports.is_empty());
    }

    #[test]
    fn nonnull_macros_do_not_break_the_tree() {
        let source = "NS_ASSUME_NONNULL_BEGIN\n@interface Tracker () <CLLocationManagerDelegate>\n@property (nonatomic, strong) CLLocationManager *manager;\n@end\n@implementation Tracker\n- (void)locationManager:(CLLocationManager *)m didUpdateLocations:(NSArray *)locations API_AVAILABLE(ios(8.0)) {\n    [sdk send:locations];\n}\n@end\nNS_ASSUME_NONNULL_END\n";
        let ir = lower_text(source);
        let f = function(&ir, "locationManager:didUpdateLocations:");
        assert_eq!(
            render(f),
            vec![
                "6: call#0 CLLocationManager.didUpdateLocations()",
                "6: locations = [#0]",
                "7: call#1 sdk.send([locations])"
            ]
        );
    }

    #[test]
    fn damaged_regions_fall_back_to_token_sends_and_imports() {
        // `@weakify` style macros and stray tokens damage the tree.
        let source = "#import <Foundation/Foundation.h>\n@implementation X\n- (void)go {\n    @weakify(self) ~~ ### [[AppsFlyerLib shared] logLocation:lon latitude:self.lat]; }}}\n#import <AppsFlyerLib/AppsFlyerLib.h>\n";
        let ir = lower_text(source);
        let calls: Vec<String> = ir
            .calls()
            .map(|(_, c)| {
                format!(
                    "{}.{} {}",
                    c.receiver.as_deref().unwrap_or("-"),
                    c.method,
                    c.at.line
                )
            })
            .collect();
        assert!(
            calls.contains(&"AppsFlyerLib.shared().logLocation 4".to_string()),
            "{calls:?}"
        );
        let (_, send) = ir
            .calls()
            .find(|(_, c)| c.method == "logLocation")
            .expect("send");
        assert_eq!(send.args.len(), 2, "{:?}", send.args);
        assert_eq!(
            ir.calls()
                .filter(|(_, c)| c.method == "logLocation")
                .count(),
            1
        );
        let modules: Vec<&str> = ir.imports.iter().map(|i| i.path.as_str()).collect();
        assert!(modules.contains(&"AppsFlyerLib"), "{modules:?}");
    }

    #[test]
    fn subscript_stores_compound_assignments_and_typed_receivers() {
        let source = r#"@interface T ()
@property (nonatomic, strong) CLLocationManager *manager;
@end
@implementation T
- (void)go:(CLLocation *)loc {
    NSMutableDictionary *d = [NSMutableDictionary dictionary];
    d[@"lat"] = @(loc.coordinate.latitude);
    total += loc.speed;
    CLLocation *here = self.manager.location;
    [_manager requestLocation];
    self.manager = nil;
}
@end
"#;
        // The real catalog: its `location` API names the `LocationManager` receiver.
        let catalog = crate::catalog::Catalog::embedded().expect("catalog");
        let input = FileInput::new("T.m", source.as_bytes(), source, &catalog);
        let ir = lower(&input).expect("parses");
        assert_eq!(
            render(function(&ir, "go")),
            vec![
                "6: call#0 NSMutableDictionary.dictionary()",
                "6: d = [#0]",
                "7: call#1 d.setObject([loc.coordinate.latitude])",
                "8: total = [loc.speed total]",
                "9: call#2 CLLocationManager.location()",
                "9: here = [#2]",
                "10: call#3 CLLocationManager.requestLocation()",
                "11: call#4 self.manager([])",
            ]
        );
    }

    #[test]
    fn delegate_methods_are_named_by_full_selector_so_setters_never_call_them() {
        let ir = lower_text(APP);
        assert!(ir.functions.iter().all(|f| f.name != "locationManager"));
        assert!(
            ir.functions
                .iter()
                .any(|f| f.name == "locationManager:didUpdateLocations:")
        );
    }

    #[test]
    fn for_in_assigns_the_item() {
        let ir = lower_text(
            "void f(NSArray *locations) {\n    for (CLLocation *loc in locations) { [sdk send:loc]; }\n}\n",
        );
        assert_eq!(
            render(function(&ir, "f")),
            vec!["2: loc = [locations]", "2: call#0 sdk.send([loc])"]
        );
    }

    #[test]
    fn module_names() {
        assert_eq!(module_of("<UIKit/UIKit.h>").as_deref(), Some("UIKit"));
        assert_eq!(module_of("\"Pods/Header.h\"").as_deref(), Some("Pods"));
        assert_eq!(
            module_of("\"AppDelegate.h\"").as_deref(),
            Some("AppDelegate")
        );
        assert_eq!(
            module_of("FirebaseCore.Private").as_deref(),
            Some("FirebaseCore")
        );
        assert_eq!(module_of("<>"), None);
    }

    #[test]
    fn garbage_never_panics() {
        for text in [
            "[",
            "[[[",
            "[a b:",
            "@\"",
            "/*",
            "é[é ü:ö]",
            "- (void)x:(",
            "#import",
            "[a.b.c d:[e f] g:^{ [h i]; }]",
        ] {
            let _ = lower_text(text);
        }
    }

    #[test]
    fn deep_nesting_does_not_overflow_the_stack() {
        let source = String::new()
            + "void f() { x = "
            + &"[a b:".repeat(2000)
            + "c"
            + &"]".repeat(2000)
            + "; }\n";
        let _ = lower_text(&source);
    }

    /// The token pass on its own, as it runs inside ERROR nodes.
    #[test]
    fn token_pass_lowers_nested_sends_with_arguments() {
        let source = "x ~~ [[AppsFlyerLib shared] logLocation:loc.coordinate.longitude latitude:[self lat]]; a[0] = 1; @[b];";
        let masked = mask_comments_and_strings(source);
        let mut lowerer = Lowerer {
            path: "a.m",
            source,
            masked: &masked,
            next_call: 0,
            ir: SourceIr::default(),
            property_apis: HashSet::new(),
            receiver_hints: HashMap::new(),
            declared_types: HashMap::new(),
            lowered_sends: HashSet::new(),
            depth: 0,
        };
        let mut ops = Vec::new();
        lowerer.token_sends(0, source.len(), &mut ops);
        let f = FunctionIr {
            name: "t".into(),
            params: Vec::new(),
            ops,
            at: Location::new("a.m", 1, 1),
        };
        assert_eq!(
            render(&f),
            vec![
                "1: call#0 AppsFlyerLib.shared()",
                "1: call#1 self.lat()",
                "1: call#2 AppsFlyerLib.shared().logLocation([loc.coordinate.longitude], [#1])",
            ]
        );
    }

    #[test]
    fn receiver_text_of_token_sends() {
        assert_eq!(token_receiver_text("[[A b] c]"), "A.b().c()");
        assert_eq!(
            token_receiver_text("[self.manager location]"),
            "self.manager.location()"
        );
        assert_eq!(token_receiver_text("["), "");
    }
}
