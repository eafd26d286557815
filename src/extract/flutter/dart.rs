//! Dart (Flutter) sources lowered to [`SourceIr`] with `tree_sitter_dart`.
//!
//! Follows the lowering rules of [`crate::extract::ir`]. Dart specifics:
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
use crate::extract::ir::{
    AssignIr, CallId, CallIr, FunctionIr, Import, Op, Read, SourceIr, ValueIr,
};
use crate::extract::treesitter::{compact, location, parse, text};

/// How deep the lowering may recurse into the tree. Real code (deep Flutter widget
/// trees included) stays far below; generated or hostile input is refused instead of
/// overflowing the stack.
const MAX_DEPTH: usize = 400;

pub fn lower(input: &FileInput) -> Result<SourceIr, String> {
    let language = tree_sitter_dart::LANGUAGE.into();
    let tree = parse(&language, input.text)?;
    let mut lowerer = Lowerer::new(input.path, input.text);
    lowerer.lower_root(tree.root_node());
    lowerer.finish()
}

struct Lowerer<'a> {
    path: &'a str,
    source: &'a str,
    imports: Vec<Import>,
    finished: Vec<FunctionIr>,
    /// Functions being lowered, innermost last; the bottom one is `<top>`.
    stack: Vec<FunctionIr>,
    next_call: u32,
    depth: usize,
    too_deep: bool,
    /// Inside a closure, `return` leaves the closure, not the function.
    closure_depth: usize,
}

impl<'a> Lowerer<'a> {
    fn new(path: &'a str, source: &'a str) -> Self {
        let top = FunctionIr {
            name: "<top>".to_string(),
            params: Vec::new(),
            ops: Vec::new(),
            at: crate::model::Location::new(path, 1, 1),
        };
        Lowerer {
            path,
            source,
            imports: Vec::new(),
            finished: Vec::new(),
            stack: vec![top],
            next_call: 0,
            depth: 0,
            too_deep: false,
            closure_depth: 0,
        }
    }

    fn finish(mut self) -> Result<SourceIr, String> {
        if self.too_deep {
            return Err(format!(
                "nesting too deep to analyse safely (more than {MAX_DEPTH} levels)"
            ));
        }
        let mut functions = Vec::with_capacity(self.finished.len() + 1);
        functions.append(&mut self.stack);
        functions.append(&mut self.finished);
        Ok(SourceIr {
            imports: self.imports,
            functions,
        })
    }

    fn lower_root(&mut self, root: Node) {
        let mut cursor = root.walk();
        for child in root.named_children(&mut cursor) {
            self.node(child);
        }
    }

    fn text(&self, node: Node) -> &'a str {
        text(node, self.source)
    }

    fn loc(&self, node: Node) -> crate::model::Location {
        location(node, self.path, self.source)
    }

    fn emit(&mut self, op: Op) {
        if let Some(function) = self.stack.last_mut() {
            function.ops.push(op);
        }
    }

    fn assign(&mut self, targets: Vec<String>, value: ValueIr, at: Node) {
        if targets.is_empty() {
            return;
        }
        let at = self.loc(at);
        self.emit(Op::Assign(AssignIr { targets, value, at }));
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
        self.imports.push(Import {
            path,
            bindings,
            qualified_reference: false,
            at: self.loc(node),
        });
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
        self.stack.push(FunctionIr {
            name,
            params,
            ops: Vec::new(),
            at: self.loc(node),
        });
        let saved_closure_depth = std::mem::take(&mut self.closure_depth);
        if let Some(initializers) = signature.and_then(|s| find_descendant(s, "initializers")) {
            self.node(initializers);
        }
        if let Some(body) = body {
            self.function_body(body, true);
        }
        self.closure_depth = saved_closure_depth;
        if let Some(done) = self.stack.pop() {
            self.finished.push(done);
        }
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
            self.assign(
                params,
                ValueIr {
                    reads: vec![Read::Call(id)],
                },
                node,
            );
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
            let id = self.call_id();
            let at = self.loc(left);
            self.emit(Op::Call(CallIr {
                id,
                receiver: Some(compact(object, self.source)),
                receiver_value,
                method: self.text(property).to_string(),
                args: vec![value.clone()],
                args_text,
                at,
            }));
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
                None => compact(target, self.source),
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

    fn call_id(&mut self) -> CallId {
        let id = CallId(self.next_call);
        self.next_call += 1;
        id
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
                            Some(compact(object, self.source)),
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
                    Some(compact(function, self.source)),
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
        let id = self.call_id();
        let at = self.loc(node);
        self.emit(Op::Call(CallIr {
            id,
            receiver,
            receiver_value,
            method,
            args,
            args_text,
            at,
        }));
        for closure in closures {
            self.closure(closure, Some(id));
        }
        ValueIr {
            reads: vec![Read::Call(id)],
        }
    }

    /// `target..m(x)..a.b(y)..p = v`: each section is a call on the target.
    fn cascade(&mut self, node: Node) -> ValueIr {
        let Some(target) = node.named_child(0) else {
            return ValueIr::default();
        };
        let target_value = self.node(target);
        let target_text = compact(target, self.source);
        let mut cursor = node.walk();
        let sections: Vec<Node> = node
            .named_children(&mut cursor)
            .filter(|c| c.kind() == "cascade_section")
            .collect();
        for section in sections {
            self.cascade_section(section, &target_text, &target_value);
        }
        target_value
    }

    fn cascade_section(&mut self, section: Node, target_text: &str, target_value: &ValueIr) {
        let mut cursor = section.walk();
        let parts: Vec<Node> = section.named_children(&mut cursor).collect();
        let assigned = (0..section.child_count())
            .any(|i| section.child(i as u32).is_some_and(|c| c.kind() == "="));
        for (index, part) in parts.iter().enumerate() {
            match part.kind() {
                "cascade_call_expression" => {
                    let (receiver, method) = self.cascade_callee(*part, target_text);
                    let arguments = part
                        .child_by_field_name("arguments")
                        .or_else(|| first_child_of_kind(*part, "arguments"));
                    self.finish_call(
                        *part,
                        Some(receiver),
                        target_value.clone(),
                        method,
                        arguments,
                    );
                }
                "cascade_selector" | "cascade_member_expression" if assigned => {
                    let (receiver, method) = self.cascade_callee(*part, target_text);
                    let value_node = parts.get(index + 1).copied();
                    let value = value_node.map(|v| self.node(v)).unwrap_or_default();
                    let args_text = value_node
                        .map(|v| collapse(self.text(v)))
                        .unwrap_or_default();
                    let id = self.call_id();
                    let at = self.loc(*part);
                    self.emit(Op::Call(CallIr {
                        id,
                        receiver: Some(receiver),
                        receiver_value: target_value.clone(),
                        method,
                        args: vec![value],
                        args_text,
                        at,
                    }));
                    return;
                }
                _ => {
                    self.node(*part);
                }
            }
        }
    }

    /// Receiver text and method of a cascade call: `t..a.b(x)` calls `b` on `t.a`.
    fn cascade_callee(&self, part: Node, target_text: &str) -> (String, String) {
        let mut names = Vec::new();
        let mut stack = vec![part];
        while let Some(node) = stack.pop() {
            let mut cursor = node.walk();
            let children: Vec<Node> = node.named_children(&mut cursor).collect();
            for child in children.into_iter().rev() {
                match child.kind() {
                    "identifier" => names.push((child.start_byte(), self.text(child))),
                    "arguments" | "type_arguments" => {}
                    _ => stack.push(child),
                }
            }
        }
        names.sort_by_key(|(offset, _)| *offset);
        let method = names.pop().map_or_else(String::new, |(_, n)| n.to_string());
        let mut receiver = target_text.to_string();
        for (_, name) in names {
            receiver.push('.');
            receiver.push_str(name);
        }
        (receiver, method)
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

/// Whitespace runs collapsed to one space.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::flutter::pubspec::test_catalog;

    fn lower_text(text: &str) -> SourceIr {
        let catalog = test_catalog();
        let input = FileInput::new("lib/main.dart", text.as_bytes(), text, &catalog);
        lower(&input).expect("lowering succeeds")
    }

    fn function<'i>(ir: &'i SourceIr, name: &str) -> &'i FunctionIr {
        ir.functions
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("no function {name}"))
    }

    /// A compact rendering of ops, for exact assertions.
    fn render(function: &FunctionIr) -> Vec<String> {
        function.ops.iter().map(render_op).collect()
    }

    fn render_value(value: &ValueIr) -> String {
        let reads: Vec<String> = value
            .reads
            .iter()
            .map(|r| match r {
                Read::Var { name, members } if members.is_empty() => name.clone(),
                Read::Var { name, members } => format!("{name}.{}", members.join(".")),
                Read::Call(id) => format!("#{}", id.0),
            })
            .collect();
        format!("[{}]", reads.join(","))
    }

    fn render_op(op: &Op) -> String {
        match op {
            Op::Call(c) => {
                let args: Vec<String> = c.args.iter().map(render_value).collect();
                format!(
                    "#{} {}{}({}) @{}:{}",
                    c.id.0,
                    c.receiver
                        .as_ref()
                        .map(|r| format!("{r}{}.", render_value(&c.receiver_value)))
                        .unwrap_or_default(),
                    c.method,
                    args.join(" "),
                    c.at.line,
                    c.at.column
                )
            }
            Op::Assign(a) => format!("{} = {}", a.targets.join(","), render_value(&a.value)),
            Op::Return(v) => format!("return {}", render_value(v)),
        }
    }

    #[test]
    fn imports_with_alias_and_show() {
        let ir = lower_text(
            "import 'package:geolocator/geolocator.dart' as geo show Geolocator;\nimport \"package:firebase_analytics/firebase_analytics.dart\";\nexport 'src/x.dart';\n",
        );
        let imports: Vec<_> = ir
            .imports
            .iter()
            .map(|i| {
                (
                    i.path.as_str(),
                    i.bindings.clone(),
                    i.at.line,
                    i.qualified_reference,
                )
            })
            .collect();
        assert_eq!(
            imports,
            vec![
                (
                    "package:geolocator/geolocator.dart",
                    vec!["geo".to_string()],
                    1,
                    false
                ),
                (
                    "package:firebase_analytics/firebase_analytics.dart",
                    vec![],
                    2,
                    false
                ),
            ]
        );
    }

    #[test]
    fn awaited_position_flows_into_named_map_argument() {
        let ir = lower_text(
            "Future<void> report() async {\n  final pos = await Geolocator.getCurrentPosition();\n  await FirebaseAnalytics.instance.logEvent(\n    name: 'visit',\n    parameters: {'lat': pos.latitude, 'lon': pos.longitude},\n  );\n}\n",
        );
        let report = function(&ir, "report");
        assert_eq!(
            render(report),
            vec![
                "#0 Geolocator[Geolocator].getCurrentPosition() @2:21",
                "pos = [#0]",
                "#1 FirebaseAnalytics.instance[FirebaseAnalytics.instance].logEvent([] [pos.latitude,pos.longitude]) @3:9",
            ]
        );
        let Some(Op::Call(log)) = report.ops.get(2) else {
            panic!("call expected")
        };
        assert_eq!(
            log.args_text,
            "name: 'visit', parameters: {'lat': pos.latitude, 'lon': pos.longitude},"
        );
        assert_eq!(report.at.line, 1);
        assert!(report.params.is_empty());
        // `<top>` comes first and is empty here.
        assert_eq!(ir.functions[0].name, "<top>");
        assert!(ir.functions[0].ops.is_empty());
    }

    #[test]
    fn listen_and_then_callbacks_are_inline() {
        let ir = lower_text(
            "void track() {\n  Geolocator.getPositionStream().listen((Position pos) {\n    analytics.logEvent(name: 'p', parameters: {'lat': pos.latitude});\n  });\n  Geolocator.getLastKnownPosition().then((p) => send(p?.latitude));\n}\n",
        );
        assert_eq!(
            render(function(&ir, "track")),
            vec![
                "#0 Geolocator[Geolocator].getPositionStream() @2:3",
                "#1 Geolocator.getPositionStream()[#0].listen([]) @2:3",
                "pos = [#1]",
                "#2 analytics[analytics].logEvent([] [pos.latitude]) @3:5",
                "#3 Geolocator[Geolocator].getLastKnownPosition() @5:3",
                "#4 Geolocator.getLastKnownPosition()[#3].then([]) @5:3",
                "p = [#4]",
                "#5 send([p.latitude]) @5:49",
            ]
        );
    }

    #[test]
    fn string_interpolation_reads_variables_and_members() {
        let ir = lower_text(
            "void f(Position pos, double lat) {\n  final s = 'at $lat, ${pos.longitude} ok';\n  final raw = r'no $lat';\n  log(\"${where()} $s\");\n}\n",
        );
        let f = function(&ir, "f");
        assert_eq!(f.params, vec!["pos", "lat"]);
        assert_eq!(
            render(f),
            vec![
                "s = [lat,pos.longitude]",
                "raw = []",
                "#0 where() @4:10",
                "#1 log([#0,s]) @4:3",
            ]
        );
    }

    #[test]
    fn cascades_are_calls_on_the_target() {
        let ir = lower_text(
            "void f() {\n  analytics\n    ..setUserId(id)\n    ..logEvent(name: 'a', parameters: {'q': pos.latitude})\n    ..consent.update(x)\n    ..enabled = true;\n}\n",
        );
        assert_eq!(
            render(function(&ir, "f")),
            vec![
                "#0 analytics[analytics].setUserId([id]) @3:7",
                "#1 analytics[analytics].logEvent([] [pos.latitude]) @4:7",
                "#2 analytics.consent[analytics].update([x]) @5:7",
                "#3 analytics[analytics].enabled([]) @6:7",
            ]
        );
    }

    #[test]
    fn property_assignment_is_a_call_and_plain_assignment_assigns() {
        let ir = lower_text(
            "void f() {\n  config.location.value = pos;\n  x = pos.latitude;\n  y += z;\n  m['k'] = v;\n}\n",
        );
        assert_eq!(
            render(function(&ir, "f")),
            vec![
                "#0 config.location[config.location].value([pos]) @2:3",
                "x = [pos.latitude]",
                "y = [z,y]",
                "m = [v,m]",
            ]
        );
    }

    #[test]
    fn comparisons_are_dropped_but_their_calls_kept() {
        let ir = lower_text(
            "void f() {\n  final ok = pos != null && pos.accuracy < 10;\n  if (await Geolocator.isLocationServiceEnabled() == true) { go(); }\n  final c = flag ? a.b : other;\n  final n = !pos.isMocked;\n  final t = pos is Position;\n}\n",
        );
        assert_eq!(
            render(function(&ir, "f")),
            vec![
                "ok = []",
                "#0 Geolocator[Geolocator].isLocationServiceEnabled() @3:13",
                "#1 go() @3:62",
                "c = [a.b,other]",
                "n = []",
                "t = []",
            ]
        );
    }

    #[test]
    fn functions_methods_constructors_and_closures() {
        let ir = lower_text(
            "final analytics = FirebaseAnalytics.instance;\nclass Tracker {\n  Tracker({required this.client, Position? start}) : _last = start { init(); }\n  factory Tracker.empty() => Tracker(client: null);\n  String get label => _last.toString();\n  set last(Position p) { _last = p; }\n  Map<String, Object> toMap(Position p) {\n    void inner(int q) { print(q); }\n    return {'lat': p.latitude};\n  }\n}\n",
        );
        let names: Vec<_> = ir.functions.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "<top>",
                "Tracker",
                "Tracker.empty",
                "label",
                "last",
                "inner",
                "toMap"
            ]
        );
        assert_eq!(
            render(&ir.functions[0]),
            vec!["analytics = [FirebaseAnalytics.instance]"]
        );
        let ctor = function(&ir, "Tracker");
        assert_eq!(ctor.params, vec!["client", "start"]);
        assert_eq!(render(ctor), vec!["_last = [start]", "#0 init() @3:70"]);
        assert_eq!(
            render(function(&ir, "Tracker.empty")),
            vec!["#1 Tracker([]) @4:30", "return [#1]"]
        );
        assert_eq!(
            render(function(&ir, "label")),
            vec!["#2 _last[_last].toString() @5:23", "return [#2]"]
        );
        assert_eq!(render(function(&ir, "last")), vec!["_last = [p]"]);
        assert_eq!(render(function(&ir, "inner")), vec!["#3 print([q]) @8:25"]);
        assert_eq!(render(function(&ir, "toMap")), vec!["return [p.latitude]"]);
    }

    #[test]
    fn closure_returns_do_not_return_from_the_function() {
        let ir = lower_text(
            "int f() {\n  list.forEach((e) { return e; });\n  final g = (x) => x.y;\n  return 1;\n}\n",
        );
        assert_eq!(
            render(function(&ir, "f")),
            vec![
                "#0 list[list].forEach([]) @2:3",
                "e = [#0]",
                "g = []",
                "return []"
            ]
        );
    }

    #[test]
    fn for_in_and_patterns_assign() {
        let ir = lower_text(
            "Future<void> f() async {\n  await for (final p in Geolocator.getPositionStream()) {\n    send(p.latitude);\n  }\n  final (lat, lon) = pair(p);\n  final Position(:latitude, longitude: lng) = p;\n  for (var i = 0; i < n; i++) { go(i); }\n}\n",
        );
        assert_eq!(
            render(function(&ir, "f")),
            vec![
                "#0 Geolocator[Geolocator].getPositionStream() @2:25",
                "p = [#0]",
                "#1 send([p.latitude]) @3:5",
                "#2 pair([p]) @5:22",
                "lat,lon = [#2]",
                "latitude,lng = [p]",
                "i = []",
                "#3 go([i]) @7:33",
            ]
        );
    }

    #[test]
    fn comments_and_strings_produce_nothing() {
        let ir = lower_text(
            "// Geolocator.getCurrentPosition();\n/* FirebaseAnalytics.instance.logEvent() */\nvoid f() {\n  Navigator.pushNamed(context, '/location');\n  final s = 'Geolocator.getCurrentPosition()';\n}\n",
        );
        assert_eq!(
            render(function(&ir, "f")),
            vec![
                "#0 Navigator[Navigator].pushNamed([context] []) @4:3",
                "s = []"
            ]
        );
        assert!(ir.imports.is_empty());
    }

    #[test]
    fn constructors_generics_and_index_reads() {
        let ir = lower_text(
            "void f() {\n  final a = new Payload(pos.latitude);\n  final b = const Foo.named(x);\n  final g = Foo<int>.named(y);\n  final c = list.map<int>((e) => e.x);\n  final d = m['lat']!;\n  final e = [pos.latitude, 1];\n}\n",
        );
        assert_eq!(
            render(function(&ir, "f")),
            vec![
                "#0 Payload([pos.latitude]) @2:13",
                "a = [#0]",
                "#1 Foo[].named([x]) @3:13",
                "b = [#1]",
                "#2 Foo[].named([y]) @4:13",
                "g = [#2]",
                "#3 list[list].map([]) @5:13",
                "e = [#3]",
                "c = [#3]",
                "d = [m]",
                "e = [pos.latitude]",
            ]
        );
    }

    #[test]
    fn damaged_input_still_lowers() {
        let ir = lower_text(
            "void f() {\n  final = ;\n  analytics.logEvent(name: 'x', parameters: {'a': pos.latitude});\n}\n",
        );
        let methods: Vec<_> = ir
            .calls()
            .map(|(f, c)| (f.name.as_str(), c.method.as_str()))
            .collect();
        assert_eq!(methods, vec![("f", "logEvent")]);
    }

    #[test]
    fn very_deep_nesting_is_refused_not_overflowed() {
        let depth = 5000;
        let text = format!(
            "void f() {{ x = {}1{}; }}",
            "(".repeat(depth),
            ")".repeat(depth)
        );
        let catalog = test_catalog();
        let input = FileInput::new("lib/deep.dart", text.as_bytes(), &text, &catalog);
        // Run on a thread with the small stack rayon workers get.
        let result = std::thread::scope(|s| {
            std::thread::Builder::new()
                .stack_size(2 << 20)
                .spawn_scoped(s, || lower(&input))
                .expect("spawn")
                .join()
                .expect("no overflow")
        });
        let error = result.expect_err("too deep");
        assert!(error.contains("nesting too deep"), "{error}");
    }

    /// Every prefix of a real file (cut on char boundaries): never a panic.
    fn prefixes(text: &str) -> impl Iterator<Item = &str> {
        (0..=text.len())
            .step_by(5)
            .filter(|&end| text.is_char_boundary(end))
            .map(|end| &text[..end])
    }

    #[test]
    fn truncated_inputs_never_panic() {
        let text = include_str!("../../../fixtures/flutter/ads-analytics/lib/main.dart");
        let full = lower_text(text);
        assert!(full.calls().any(|(_, c)| c.method == "logEvent"));
        for prefix in prefixes(text) {
            let catalog = test_catalog();
            let input = FileInput::new("lib/main.dart", prefix.as_bytes(), prefix, &catalog);
            assert!(lower(&input).is_ok());
        }
    }

    /// `(sdk, capability, sink line)` of every flow the full pipeline finds in `text`.
    use crate::extract::test_flows as flows;

    #[test]
    fn generic_set_on_an_app_object_is_not_a_mixpanel_sink() {
        let source = "import 'package:geolocator/geolocator.dart';\n\
            import 'package:mixpanel_flutter/mixpanel_flutter.dart';\n\
            void f(Mixpanel mixpanel, RunLog log) {\n\
              Geolocator.getPositionStream().listen((p) {\n\
                log.set('fix', p.latitude);\n\
                mixpanel.getPeople().set('fix', p.latitude);\n\
              });\n\
            }\n";
        assert_eq!(
            flows(crate::walk::FileKind::Dart, "lib/main.dart", source),
            vec![("mixpanel".to_string(), "location".to_string(), 6)]
        );
    }

    #[test]
    fn contact_count_is_not_a_flow_but_a_name_is() {
        let source = "import 'package:firebase_analytics/firebase_analytics.dart';\n\
            import 'package:flutter_contacts/flutter_contacts.dart';\n\
            Future<void> f() async {\n\
              final all = await FlutterContacts.getContacts();\n\
              await FirebaseAnalytics.instance.logEvent(name: 'n', parameters: {'n': all.length});\n\
              await FirebaseAnalytics.instance.logEvent(name: 'first', parameters: {'who': '${all.first.displayName}'});\n\
            }\n";
        assert_eq!(
            flows(crate::walk::FileKind::Dart, "lib/main.dart", source),
            vec![("firebase-analytics".to_string(), "contacts".to_string(), 6)]
        );
    }
}
