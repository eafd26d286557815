//! Dart (Flutter) sources lowered to [`SourceIr`] with `tree_sitter_dart`.
//!
//! Follows the rules of [`crate::extract::ir::lowering`]. Dart specifics:
//! - `import 'package:x/y.dart' as z show a;` → import `package:x/y.dart`, bindings `[z]`;
//! - `a.b.c(args)` → call with receiver `a.b`; named arguments are arguments too;
//!   cascades `t..m(x)..p = v` are calls on the cascade target `t`;
//! - `await`, `!`, `as T`, parentheses and `?.` are transparent;
//! - `final pos = await Geolocator.getCurrentPosition();` → `Assign [pos] ← call`;
//!   `for (final p in stream)` assigns the stream's value to `p`;
//! - closures passed to a call (`.listen((pos) { … })`, `.then((pos) => …)`) are lowered
//!   inline after the call, starting with `Assign [params] ← call`;
//! - map, list and record literals read all their elements; `'$lat ${pos.longitude}'`
//!   reads `lat` and `pos.longitude`;
//! - comparisons, `is` tests and `&&`/`||` lower their calls but read nothing.

use tree_sitter::Node;

use crate::extract::FileInput;
use crate::extract::ir::lowering::{Builder, FunctionOrder, call_value, collapse, var};
use crate::extract::ir::{CallId, Op, Read, SourceIr, ValueIr};
use crate::extract::treesitter::{compact, parse};

/// How deep the lowering may recurse into the tree. Real code (deep Flutter widget
/// trees included) stays far below; generated or hostile input is refused instead of
/// overflowing the stack. The parse already refuses deeper trees: this is a backstop.
const MAX_DEPTH: usize = crate::extract::treesitter::MAX_TREE_DEPTH;

pub fn lower(input: &FileInput) -> Result<SourceIr, String> {
    let language = tree_sitter_dart::LANGUAGE.into();
    let tree = parse(&language, input.text)?;
    let mut lowerer = Lowerer::new(input.path, input.text);
    lowerer.lower_root(tree.root_node());
    lowerer.finish()
}

struct Lowerer<'a> {
    b: Builder<'a>,
    depth: usize,
    too_deep: bool,
    /// Inside a closure, `return` leaves the closure, not the function.
    closure_depth: usize,
}

impl<'a> Lowerer<'a> {
    fn new(path: &'a str, source: &'a str) -> Self {
        Lowerer {
            b: Builder::new(path, source),
            depth: 0,
            too_deep: false,
            closure_depth: 0,
        }
    }

    fn finish(self) -> Result<SourceIr, String> {
        if self.too_deep {
            return Err(crate::extract::treesitter::too_deep());
        }
        Ok(self.b.finish(FunctionOrder::Closed))
    }

    fn lower_root(&mut self, root: Node) {
        let mut cursor = root.walk();
        for child in root.named_children(&mut cursor) {
            self.node(child);
        }
    }

    fn text(&self, node: Node) -> &'a str {
        self.b.text(node)
    }

    fn loc(&self, node: Node) -> crate::model::Location {
        self.b.loc(node)
    }

    fn emit(&mut self, op: Op) {
        self.b.op(op);
    }

    fn assign(&mut self, targets: Vec<String>, value: ValueIr, at: Node) {
        let at = self.loc(at);
        self.b.assign(targets, value, at);
    }

    /// Lower any node: statements emit ops and read nothing; expressions emit the calls
    /// they contain and return what they read.
    fn node(&mut self, node: Node) -> ValueIr {
        if self.depth >= MAX_DEPTH {
            self.too_deep = true;
            return ValueIr::default();
        }
        self.depth += 1;
        let value = self.node_inner(node);
        self.depth -= 1;
        value
    }

    fn node_inner(&mut self, node: Node) -> ValueIr {
        match node.kind() {
            "comment" | "documentation_comment" | "block_comment" => ValueIr::default(),
            "import_or_export" => {
                self.import(node);
                ValueIr::default()
            }
            // Declarations without code, types and annotations read nothing.
            "library_name"
            | "part_directive"
            | "part_of_directive"
            | "script_tag"
            | "type"
            | "type_arguments"
            | "type_identifier"
            | "type_parameters"
            | "annotation"
            | "function_signature"
            | "method_signature"
            | "constructor_signature"
            | "getter_signature"
            | "setter_signature"
            | "factory_constructor_signature"
            | "redirecting_factory_constructor_signature"
            | "operator_signature"
            | "constant_constructor_signature"
            | "formal_parameter_list"
            | "label"
            | "superclass"
            | "interfaces"
            | "mixins"
            | "enum_entry" => ValueIr::default(),
            "decimal_integer_literal"
            | "decimal_floating_point_literal"
            | "hex_integer_literal"
            | "true"
            | "false"
            | "null_literal"
            | "symbol_literal"
            | "constructor_tearoff"
            | "static_member_shorthand" => ValueIr::default(),
            "function_declaration" | "method_declaration" | "local_function_declaration" => {
                self.function(node);
                ValueIr::default()
            }
            "initialized_variable_declaration"
            | "initialized_identifier"
            | "static_final_declaration"
            | "field_initializer" => {
                self.declaration(node);
                ValueIr::default()
            }
            "pattern_variable_declaration" | "pattern_assignment" => {
                self.pattern_assignment(node);
                ValueIr::default()
            }
            "for_statement" => {
                self.for_statement(node);
                ValueIr::default()
            }
            "return_statement" => {
                let value = self.named_children_union(node);
                if self.closure_depth == 0 {
                    self.emit(Op::Return(value));
                }
                ValueIr::default()
            }
            "expression_statement" => {
                self.named_children_union(node);
                ValueIr::default()
            }
            "assignment_expression" => self.assignment(node),
            "call_expression" => self.call(node),
            "new_expression" | "const_object_expression" | "constructor_invocation" => {
                self.constructor_call(node)
            }
            "cascade" => self.cascade(node),
            "member_expression" | "null_aware_member_expression" => self.member(node),
            "identifier" | "identifier_dollar_escaped" => var(self.text(node), Vec::new()),
            "this" | "super" => var("this", Vec::new()),
            "string_literal" => self.string(node),
            "function_expression" => {
                self.closure(node, None);
                ValueIr::default()
            }
            "named_argument" => {
                let value = node.named_child(1).map(|e| self.node(e));
                value.unwrap_or_default()
            }
            // A boolean result carries none of the data it was computed from.
            "equality_expression"
            | "relational_expression"
            | "type_test_expression"
            | "logical_and_expression"
            | "logical_or_expression" => {
                self.named_children_union(node);
                ValueIr::default()
            }
            "unary_expression" if self.is_negation(node) => {
                self.named_children_union(node);
                ValueIr::default()
            }
            "conditional_expression" => {
                let mut cursor = node.walk();
                let parts: Vec<Node> = node.named_children(&mut cursor).collect();
                let mut value = ValueIr::default();
                for (i, part) in parts.into_iter().enumerate() {
                    let part_value = self.node(part);
                    if i > 0 {
                        value.reads.extend(part_value.reads);
                    }
                }
                value
            }
            "index_expression" | "null_aware_index_expression" => {
                // `m['lat']` reads `m`; the index is not the data.
                let mut cursor = node.walk();
                let parts: Vec<Node> = node.named_children(&mut cursor).collect();
                let mut value = ValueIr::default();
                for (i, part) in parts.into_iter().enumerate() {
                    let part_value = self.node(part);
                    if i == 0 {
                        value = part_value;
                    }
                }
                value
            }
            _ => self.named_children_union(node),
        }
    }

    fn named_children_union(&mut self, node: Node) -> ValueIr {
        let mut value = ValueIr::default();
        let mut cursor = node.walk();
        let children: Vec<Node> = node.named_children(&mut cursor).collect();
        for child in children {
            value.reads.extend(self.node(child).reads);
        }
        value
    }

    fn is_negation(&self, node: Node) -> bool {
        node.child(0)
            .is_some_and(|c| c.kind() == "negation_operator" || self.text(c) == "!")
    }

    fn import(&mut self, node: Node) {
        let Some(spec) = find_descendant(node, "import_specification") else {
            return; // `export` directives bind nothing here
        };
        let Some(uri) = find_descendant(spec, "uri") else {
            return;
        };
        let path = string_content(self.text(uri));
        let bindings = spec
            .child_by_field_name("alias")
            .map(|alias| vec![self.text(alias).to_string()])
            .unwrap_or_default();
        let at = self.loc(node);
        self.b.import(path, bindings, false, at);
    }

    fn function(&mut self, node: Node) {
        let signature = node
            .child_by_field_name("signature")
            .or_else(|| first_child_of_kind(node, "function_signature"));
        let body = node
            .child_by_field_name("body")
            .or_else(|| first_child_of_kind(node, "function_body"));
        let (name, params) = signature.map_or_else(
            || ("<anonymous>".to_string(), Vec::new()),
            |s| self.signature(s),
        );
        let at = self.loc(node);
        self.b.begin(name, params, at);
        let saved_closure_depth = std::mem::take(&mut self.closure_depth);
        if let Some(initializers) = signature.and_then(|s| find_descendant(s, "initializers")) {
            self.node(initializers);
        }
        if let Some(body) = body {
            self.function_body(body, true);
        }
        self.closure_depth = saved_closure_depth;
        self.b.end();
    }

    /// Name and parameter names of a function, method, constructor, getter or setter.
    fn signature(&self, signature: Node) -> (String, Vec<String>) {
        let inner = if signature.kind() == "method_signature" {
            signature.named_child(0).unwrap_or(signature)
        } else {
            signature
        };
        let name = match inner.kind() {
            // `factory _S.named(...)`, `const K.origin()`.
            "factory_constructor_signature"
            | "constant_constructor_signature"
            | "redirecting_factory_constructor_signature" => {
                let mut cursor = inner.walk();
                let parts: Vec<&str> = inner
                    .children(&mut cursor)
                    .filter(|c| c.kind() == "identifier")
                    .map(|c| self.text(c))
                    .collect();
                parts.join(".")
            }
            _ => inner.child_by_field_name("name").map_or_else(
                || self.text(inner).to_string(),
                |n| self.text(n).to_string(),
            ),
        };
        let params = find_descendant(inner, "formal_parameter_list")
            .map(|list| self.parameters(list))
            .unwrap_or_default();
        (name, params)
    }

    fn parameters(&self, list: Node) -> Vec<String> {
        let mut params = Vec::new();
        let mut stack = vec![list];
        while let Some(node) = stack.pop() {
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                match child.kind() {
                    "formal_parameter" => {
                        let nested = first_child_of_kind(child, "field_formal_parameter")
                            .or_else(|| first_child_of_kind(child, "super_formal_parameter"));
                        let holder = nested.unwrap_or(child);
                        let name = holder.child_by_field_name("name").or_else(|| {
                            let mut c = holder.walk();
                            holder
                                .named_children(&mut c)
                                .filter(|n| n.kind() == "identifier")
                                .last()
                        });
                        if let Some(name) = name {
                            params.push(self.text(name).to_string());
                        }
                    }
                    "optional_formal_parameters" => stack.push(child),
                    _ => {}
                }
            }
        }
        params
    }

    /// `{ … }`, `=> expr;` or `async { … }`; an expression body is the function's return.
    fn function_body(&mut self, body: Node, returns: bool) {
        let mut cursor = body.walk();
        let children: Vec<Node> = body.named_children(&mut cursor).collect();
        let arrow =
            (0..body.child_count()).any(|i| body.child(i as u32).is_some_and(|c| c.kind() == "=>"));
        for child in children {
            let value = self.node(child);
            if arrow && returns && child.kind() != "block" {
                self.emit(Op::Return(value));
            }
        }
    }

    /// A closure: inline, with its parameters bound to the call it was passed to.
    fn closure(&mut self, node: Node, call: Option<CallId>) {
        let params = node
            .child_by_field_name("parameters")
            .or_else(|| first_child_of_kind(node, "formal_parameter_list"))
            .map(|list| self.parameters(list))
            .unwrap_or_default();
        if let Some(id) = call {
            let at = self.loc(node);
            self.b.bind_callback(params, id, at);
        }
        self.closure_depth += 1;
        if let Some(body) = node
            .child_by_field_name("body")
            .or_else(|| first_child_of_kind(node, "function_expression_body"))
        {
            self.function_body(body, false);
        }
        self.closure_depth -= 1;
    }

    /// `var a = v`, `final a = v, b = w`, class fields and constructor initializers.
    fn declaration(&mut self, node: Node) {
        let name = node
            .child_by_field_name("name")
            .or_else(|| first_child_of_kind(node, "identifier"));
        let value = node.child_by_field_name("value");
        if let (Some(name), Some(value_node)) = (name, value) {
            let value = self.node(value_node);
            self.assign(vec![self.text(name).to_string()], value, node);
        }
        // More declarators of the same statement.
        let mut cursor = node.walk();
        let more: Vec<Node> = node
            .named_children(&mut cursor)
            .filter(|c| c.kind() == "initialized_identifier")
            .collect();
        for declarator in more {
            self.node(declarator);
        }
    }

    /// `final (a, b) = v;`, `final Position(:latitude) = p;`, `(a, b) = pair;`
    fn pattern_assignment(&mut self, node: Node) {
        let mut targets = Vec::new();
        let mut value = ValueIr::default();
        let mut after_equals = false;
        for i in 0..node.child_count() {
            let Some(child) = node.child(i as u32) else {
                continue;
            };
            if child.kind() == "=" {
                after_equals = true;
            } else if after_equals && child.is_named() {
                value.reads.extend(self.node(child).reads);
            } else if child.is_named() {
                self.pattern_names(child, &mut targets);
            }
        }
        self.assign(targets, value, node);
    }

    fn pattern_names(&self, pattern: Node, names: &mut Vec<String>) {
        let mut stack = vec![pattern];
        while let Some(node) = stack.pop() {
            match node.kind() {
                "identifier" => names.push(self.text(node).to_string()),
                "type" | "type_identifier" | "label" | "string_literal" => {}
                _ => {
                    let mut cursor = node.walk();
                    let children: Vec<Node> = node.named_children(&mut cursor).collect();
                    stack.extend(children.into_iter().rev());
                }
            }
        }
    }

    /// `for (final p in xs) body` assigns each element of `xs` to `p`.
    fn for_statement(&mut self, node: Node) {
        let in_index = (0..node.child_count())
            .find(|&i| node.child(i as u32).is_some_and(|c| c.kind() == "in"));
        let Some(in_index) = in_index else {
            self.named_children_union(node);
            return;
        };
        let mut targets = Vec::new();
        let mut value = ValueIr::default();
        let mut rest = Vec::new();
        let mut iterable_done = false;
        for i in 0..node.child_count() {
            let Some(child) = node.child(i as u32) else {
                continue;
            };
            if !child.is_named() {
                continue;
            }
            if i < in_index {
                self.pattern_names(child, &mut targets);
            } else if !iterable_done {
                value = self.node(child);
                iterable_done = true;
            } else {
                rest.push(child);
            }
        }
        self.assign(targets, value, node);
        for child in rest {
            self.node(child);
        }
    }

    /// `x = v` assigns; `a.b = v` is a call of `b` on `a`; `a[i] = v` taints `a`.
    fn assignment(&mut self, node: Node) -> ValueIr {
        let Some(left) = node.child_by_field_name("left") else {
            return self.named_children_union(node);
        };
        let right = node.child_by_field_name("right");
        let mut value = right.map(|r| self.node(r)).unwrap_or_default();
        let operator = node
            .child_by_field_name("operator")
            .map_or("=", |o| self.text(o));
        let object = left.child_by_field_name("object");
        let property = left.child_by_field_name("property");
        if let (Some(object), Some(property)) = (object, property) {
            let receiver_value = self.node(object);
            let args_text = right.map(|r| collapse(self.text(r))).unwrap_or_default();
            let at = self.loc(left);
            let receiver = Some(compact(object, self.b.text));
            let method = self.text(property);
            self.b.call(
                receiver,
                receiver_value,
                method,
                vec![value.clone()],
                args_text,
                at,
            );
            return value;
        }
        let mut cursor = left.walk();
        let parts: Vec<Node> = left.named_children(&mut cursor).collect();
        let target = parts.first().copied();
        if operator != "=" || parts.len() > 1 {
            // Compound assignment or an indexed write keeps what the target held.
            if let Some(target) = target {
                value.reads.extend(self.node(target).reads);
            }
        }
        if let Some(target) = target {
            let name = match self.node_path(target) {
                Some(path) => path,
                None => compact(target, self.b.text),
            };
            self.assign(vec![name], value.clone(), node);
        }
        value
    }

    /// `a`, `a.b.c` or `this.x` as a dotted path, if the node is one.
    fn node_path(&self, node: Node) -> Option<String> {
        match node.kind() {
            "identifier" => Some(self.text(node).to_string()),
            "this" => Some("this".to_string()),
            "member_expression" => {
                let object = self.node_path(node.child_by_field_name("object")?)?;
                let property = node.child_by_field_name("property")?;
                Some(format!("{object}.{}", self.text(property)))
            }
            _ => None,
        }
    }

    fn member(&mut self, node: Node) -> ValueIr {
        let (Some(object), Some(property)) = (
            node.child_by_field_name("object"),
            node.child_by_field_name("property"),
        ) else {
            return self.named_children_union(node);
        };
        let mut value = self.node(object);
        if let [Read::Var { members, .. }] = value.reads.as_mut_slice() {
            members.push(self.text(property).to_string());
        }
        value
    }

    /// Interpolations of a string (adjacent literals included), in order.
    fn string(&mut self, node: Node) -> ValueIr {
        let mut value = ValueIr::default();
        let mut cursor = node.walk();
        let pieces: Vec<Node> = node.named_children(&mut cursor).collect();
        for piece in pieces {
            let mut c = piece.walk();
            let parts: Vec<Node> = piece.named_children(&mut c).collect();
            for part in parts
                .into_iter()
                .filter(|p| p.kind() == "template_substitution")
            {
                let mut c = part.walk();
                let inner: Vec<Node> = part.named_children(&mut c).collect();
                for expr in inner {
                    value.reads.extend(self.node(expr).reads);
                }
            }
        }
        value
    }

    fn call(&mut self, node: Node) -> ValueIr {
        let function = node.child_by_field_name("function");
        let arguments = node.child_by_field_name("arguments");
        let (receiver, receiver_value, method) = match function {
            Some(function) => self.callee(function),
            None => (None, ValueIr::default(), String::new()),
        };
        self.finish_call(node, receiver, receiver_value, method, arguments)
    }

    /// Receiver text, what the receiver reads, and the method name of a callee.
    fn callee(&mut self, function: Node) -> (Option<String>, ValueIr, String) {
        match function.kind() {
            "identifier" => (None, ValueIr::default(), self.text(function).to_string()),
            "member_expression" | "null_aware_member_expression" => {
                match (
                    function.child_by_field_name("object"),
                    function.child_by_field_name("property"),
                ) {
                    (Some(object), Some(property)) => {
                        let receiver_value = self.node(object);
                        (
                            Some(compact(object, self.b.text)),
                            receiver_value,
                            self.text(property).to_string(),
                        )
                    }
                    _ => (None, self.node(function), "call".to_string()),
                }
            }
            // `list.map<int>(…)`: the type arguments change nothing.
            "instantiation_expression" => match function.named_child(0) {
                Some(inner) => self.callee(inner),
                None => (None, ValueIr::default(), "call".to_string()),
            },
            _ => {
                let receiver_value = self.node(function);
                (
                    Some(compact(function, self.b.text)),
                    receiver_value,
                    "call".to_string(),
                )
            }
        }
    }

    /// `new Foo(a)`, `const Foo.named(a)`, `Foo<T>.named(a)`: a call of the class (or of
    /// its named constructor, with the class as receiver).
    fn constructor_call(&mut self, node: Node) -> ValueIr {
        let ty = first_child_of_kind(node, "type")
            .or_else(|| first_child_of_kind(node, "type_identifier"));
        let name = first_child_of_kind(node, "identifier");
        let (receiver, method) = match (ty, name) {
            (Some(ty), Some(name)) => (Some(type_name(self.text(ty))), self.text(name).to_string()),
            (Some(ty), None) => {
                let ty = type_name(self.text(ty));
                match ty.rsplit_once('.') {
                    Some((class, named)) => (Some(class.to_string()), named.to_string()),
                    None => (None, ty),
                }
            }
            _ => (None, String::new()),
        };
        let arguments = first_child_of_kind(node, "arguments");
        self.finish_call(node, receiver, ValueIr::default(), method, arguments)
    }

    /// Lower the arguments, emit the call, then lower the closures it was given.
    fn finish_call(
        &mut self,
        node: Node,
        receiver: Option<String>,
        receiver_value: ValueIr,
        method: String,
        arguments: Option<Node>,
    ) -> ValueIr {
        let mut args = Vec::new();
        let mut closures = Vec::new();
        let mut args_text = String::new();
        if let Some(arguments) = arguments {
            args_text = collapse(strip_parens(self.text(arguments)));
            let mut cursor = arguments.walk();
            let children: Vec<Node> = arguments.named_children(&mut cursor).collect();
            for child in children {
                let expr = if child.kind() == "named_argument" {
                    child.named_child(1)
                } else {
                    Some(child)
                };
                match expr {
                    Some(e) if e.kind() == "function_expression" => {
                        closures.push(e);
                        args.push(ValueIr::default());
                    }
                    Some(_) => args.push(self.node(child)),
                    None => args.push(ValueIr::default()),
                }
            }
        }
        let at = self.loc(node);
        let id = self
            .b
            .call(receiver, receiver_value, &method, args, args_text, at);
        for closure in closures {
            self.closure(closure, Some(id));
        }
        call_value(id)
    }
}

fn first_child_of_kind<'t>(node: Node<'t>, kind: &str) -> Option<Node<'t>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor).find(|c| c.kind() == kind)
}

/// The first node of `kind` in the subtree (breadth-first, no recursion).
fn find_descendant<'t>(node: Node<'t>, kind: &str) -> Option<Node<'t>> {
    let mut queue = std::collections::VecDeque::from([node]);
    while let Some(current) = queue.pop_front() {
        if current.kind() == kind {
            return Some(current);
        }
        let mut cursor = current.walk();
        queue.extend(current.named_children(&mut cursor));
    }
    None
}

/// `'package:x/y.dart'` → `package:x/y.dart`.
fn string_content(literal: &str) -> String {
    let trimmed = literal.trim();
    let unprefixed = trimmed.strip_prefix('r').unwrap_or(trimmed);
    unprefixed
        .trim_matches(|c| c == '\'' || c == '"')
        .to_string()
}

fn strip_parens(args: &str) -> &str {
    let args = args.trim();
    let args = args.strip_prefix('(').unwrap_or(args);
    args.strip_suffix(')').unwrap_or(args)
}

/// `Foo<int>` → `Foo`, whitespace removed.
fn type_name(ty: &str) -> String {
    let mut name = String::new();
    let mut generic_depth = 0usize;
    for c in ty.chars().filter(|c| !c.is_whitespace()) {
        match c {
            '<' => generic_depth += 1,
            '>' => generic_depth = generic_depth.saturating_sub(1),
            _ if generic_depth == 0 => name.push(c),
            _ => {}
        }
    }
    name
}

mod cascades;
#[cfg(test)]
mod tests;
