//! Objective-C → [`SourceIr`], following the rules of [`crate::extract::ir::lowering`].
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
use crate::extract::ir::lowering::{
    CallIds, CapabilityApis, call_value, callback_binding, collapse, is_delegate_method,
    property_read_call, var,
};
use crate::extract::ir::{
    AssignIr, CallId, CallIr, FunctionIr, Import, Op, Read, SourceIr, ValueIr,
};
use crate::extract::treesitter::{self, compact, location, text};
use crate::model::Location;
use preprocess::{blank_macros, mask_comments_and_strings};

/// Recursion beyond this is not lowered but reported (PL900); the parse already refuses
/// deeper trees, and the bracket guard deeper token nesting, so this is a backstop.
const MAX_DEPTH: usize = treesitter::MAX_TREE_DEPTH;

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
        call_ids: CallIds::default(),
        ir: SourceIr::default(),
        apis: CapabilityApis::new(input.catalog, Language::Objc),
        declared_types: declared_types(root, &source),
        lowered_sends,
        depth: 0,
        too_deep: false,
    };
    let mut top = Vec::new();
    lowerer.visit(root, &mut top);
    if lowerer.too_deep {
        return Err(treesitter::too_deep());
    }
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

struct Lowerer<'a> {
    path: &'a str,
    source: &'a str,
    masked: &'a str,
    call_ids: CallIds,
    ir: SourceIr,
    apis: CapabilityApis,
    /// Variable, property, ivar and parameter names → their declared class (file-wide).
    declared_types: HashMap<String, String>,
    /// Start offsets of every message send the tree has: the token pass skips them.
    lowered_sends: HashSet<usize>,
    depth: usize,
    /// The depth guard stopped a walk: the file is reported, never silently cut.
    too_deep: bool,
}

impl<'a> Lowerer<'a> {
    fn loc(&self, node: Node) -> Location {
        location(node, self.path, self.source)
    }

    /// The receiver as written, or its declared class where only that names the
    /// catalog receiver of `method` (see [`typed_receiver`]).
    fn typed_receiver_text(&self, receiver: Node, method: &str) -> String {
        self.apis.typed_receiver(
            receiver_text(receiver, self.source),
            method,
            &self.declared_types,
        )
    }

    fn call_id(&mut self) -> CallId {
        self.call_ids.fresh()
    }

    fn visit(&mut self, node: Node, ops: &mut Vec<Op>) -> ValueIr {
        if self.depth > MAX_DEPTH {
            self.too_deep = true;
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
                    value: call_value(id),
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
                    .map(|r| collapse(text(r, self.source)))
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
                    .map(|r| collapse(text(r, self.source)))
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

mod calls;
mod preprocess;
#[cfg(test)]
mod tests;
mod tokens;
