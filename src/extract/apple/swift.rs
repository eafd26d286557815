//! Swift → [`SourceIr`], following the rules of [`crate::extract::ir::lowering`].
//!
//! One recursive walk: each node kind either adds ops to the current function
//! (calls, assignments, returns) or is an expression whose reads are returned. Calls
//! nested in an expression are pushed before the op that uses them, so `Read::Call`
//! always refers back.

use std::collections::HashMap;

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

/// Deeper expressions than this are not lowered but reported (PL900); the parse already
/// refuses deeper trees, so this guard is a backstop.
const MAX_DEPTH: usize = treesitter::MAX_TREE_DEPTH;

pub fn lower(input: &FileInput) -> Result<SourceIr, String> {
    let tree = treesitter::parse(&tree_sitter_swift::LANGUAGE.into(), input.text)?;
    let mut lowerer = Lowerer {
        input,
        call_ids: CallIds::default(),
        ir: SourceIr::default(),
        apis: CapabilityApis::new(input.catalog, Language::Swift),
        declared_types: declared_types(tree.root_node(), input.text),
        depth: 0,
        too_deep: false,
    };
    let mut top = Vec::new();
    lowerer.visit(tree.root_node(), &mut top);
    if lowerer.too_deep {
        return Err(treesitter::too_deep());
    }
    let mut ir = lowerer.ir;
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
    input: &'a FileInput<'a>,
    call_ids: CallIds,
    ir: SourceIr,
    apis: CapabilityApis,
    /// Variable, property and parameter names → their declared type (file-wide).
    declared_types: HashMap<String, String>,
    depth: usize,
    /// The depth guard stopped a walk: the file is reported, never silently cut.
    too_deep: bool,
}

impl<'a> Lowerer<'a> {
    fn src(&self) -> &'a str {
        self.input.text
    }

    fn loc(&self, node: Node) -> crate::model::Location {
        location(node, self.input.path, self.input.text)
    }

    fn call_id(&mut self) -> CallId {
        self.call_ids.fresh()
    }

    fn receiver_text(&self, target: Node, method: &str) -> String {
        self.apis
            .typed_receiver(compact(target, self.src()), method, &self.declared_types)
    }

    /// Lower a node into `ops`; returns what it reads when used as a value.
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
            "import_declaration" => {
                self.import(node);
                ValueIr::default()
            }
            "function_declaration"
            | "init_declaration"
            | "deinit_declaration"
            | "subscript_declaration" => {
                self.function(node);
                ValueIr::default()
            }
            // Types, attributes and modifiers carry no data.
            "type_annotation"
            | "user_type"
            | "array_type"
            | "dictionary_type"
            | "optional_type"
            | "function_type"
            | "tuple_type"
            | "modifiers"
            | "attribute"
            | "inheritance_specifier"
            | "type_parameters"
            | "type_constraints"
            | "protocol_function_declaration"
            | "typealias_declaration"
            | "key_path_expression"
            | "capture_list"
            | "value_binding_pattern"
            | "type_identifier" => ValueIr::default(),
            "property_declaration" => {
                self.property(node, ops);
                ValueIr::default()
            }
            "call_expression" => self.call(node, ops),
            "constructor_expression" => self.call(node, ops),
            "assignment" => {
                self.assignment(node, ops);
                ValueIr::default()
            }
            "navigation_expression" => self.navigation(node, ops),
            "simple_identifier" => var(text(node, self.src()), Vec::new()),
            "self_expression" => var("self", Vec::new()),
            // A boolean result is not the data it compares.
            "comparison_expression"
            | "equality_expression"
            | "conjunction_expression"
            | "disjunction_expression"
            | "check_expression" => {
                self.visit_children(node, ops);
                ValueIr::default()
            }
            // `.audio` (implicit member) and `!flag` are not data reads.
            "prefix_expression" if first_token_is(node, &[".", "!"]) => {
                self.visit_children(node, ops);
                ValueIr::default()
            }
            "lambda_literal" => {
                self.lambda(node, None, ops);
                ValueIr::default()
            }
            "control_transfer_statement" => {
                let value = self.visit_children(node, ops);
                if first_token_is(node, &["return"]) && node.child_by_field_name("result").is_some()
                {
                    ops.push(Op::Return(value));
                }
                ValueIr::default()
            }
            "if_statement" | "guard_statement" | "while_statement" | "repeat_while_statement" => {
                self.conditional(node, ops)
            }
            "for_statement" => {
                self.for_loop(node, ops);
                ValueIr::default()
            }
            _ => self.visit_children(node, ops),
        }
    }

    /// The union of the children's reads (the default for any expression).
    fn visit_children(&mut self, node: Node, ops: &mut Vec<Op>) -> ValueIr {
        let mut value = ValueIr::default();
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            value.reads.extend(self.visit(child, ops).reads);
        }
        value
    }

    fn import(&mut self, node: Node) {
        let Some(path) = named_child_of_kind(node, "identifier") else {
            return;
        };
        let module = text(path, self.src())
            .split('.')
            .next()
            .unwrap_or("")
            .trim();
        if module.is_empty() {
            return;
        }
        self.ir.imports.push(Import {
            path: module.to_string(),
            bindings: Vec::new(),
            qualified_reference: false,
            at: self.loc(node),
        });
    }

    fn function(&mut self, node: Node) {
        let name = match node.kind() {
            "init_declaration" => "init".to_string(),
            "deinit_declaration" => "deinit".to_string(),
            "subscript_declaration" => "subscript".to_string(),
            _ => node
                .child_by_field_name("name")
                .map(|n| text(n, self.src()).to_string())
                .unwrap_or_default(),
        };
        let mut ops = Vec::new();
        let params = self.parameters(node, &name, &mut ops);
        if let Some(body) = node.child_by_field_name("body") {
            self.body(body, &mut ops);
        }
        // Delegate methods are called by the framework, never by app code: their full
        // name (`locationManager(_:didUpdateLocations:)`) keeps `self.locationManager = m`
        // from being taken for a call of one.
        let delegate = params
            .first()
            .is_some_and(|first| first.label == "_" && is_delegate_method(&name, &first.ty));
        let name = if delegate {
            let labels: String = params.iter().map(|p| format!("{}:", p.label)).collect();
            format!("{name}({labels})")
        } else {
            name
        };
        self.ir.functions.push(FunctionIr {
            name,
            params: params.into_iter().map(|p| p.name).collect(),
            ops,
            at: self.loc(node),
        });
    }

    /// A function body; a single expression is also its (implicit) return value.
    fn body(&mut self, body: Node, ops: &mut Vec<Op>) {
        let statements = named_child_of_kind(body, "statements");
        let single = statements
            .filter(|s| s.named_child_count() == 1)
            .and_then(|s| s.named_child(0));
        match single {
            Some(expr) if is_expression(expr.kind()) => {
                let value = self.visit(expr, ops);
                ops.push(Op::Return(value));
            }
            _ => {
                self.visit(body, ops);
            }
        }
    }

    /// Parameters of a function; for a delegate method (`locationManager(_ manager:
    /// CLLocationManager, didUpdateLocations locations:)`) each later parameter is
    /// assigned from a synthetic call `CLLocationManager.didUpdateLocations`.
    fn parameters<'t>(
        &mut self,
        node: Node<'t>,
        function_name: &str,
        ops: &mut Vec<Op>,
    ) -> Vec<Param<'t>> {
        let mut params = Vec::new();
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            if child.kind() != "parameter" {
                continue;
            }
            let mut name = None;
            let mut label = None;
            let mut ty = None;
            let mut pc = child.walk();
            for (i, part) in child.children(&mut pc).enumerate() {
                match (child.field_name_for_child(i as u32), part.kind()) {
                    (Some("external_name"), _) => label = Some(text(part, self.src()).to_string()),
                    (Some("name"), "simple_identifier") => {
                        name = Some(text(part, self.src()).to_string())
                    }
                    (Some("name"), _) => ty = Some(type_name(part, self.src())),
                    _ => {}
                }
            }
            if let Some(name) = name {
                params.push(Param {
                    label: label.unwrap_or_else(|| name.clone()),
                    name,
                    ty: ty.unwrap_or_default(),
                    node: child,
                });
            }
        }
        let delegate_of = params
            .first()
            .filter(|first| first.label == "_" && is_delegate_method(function_name, &first.ty))
            .map(|first| first.ty.clone());
        if let Some(delegating_type) = delegate_of {
            for param in params.iter().skip(1) {
                let at = self.loc(param.node);
                let id = self.call_id();
                ops.push(Op::Call(CallIr {
                    id,
                    receiver: Some(delegating_type.clone()),
                    receiver_value: ValueIr::default(),
                    method: param.label.clone(),
                    args: Vec::new(),
                    args_text: String::new(),
                    at: at.clone(),
                }));
                ops.push(Op::Assign(AssignIr {
                    targets: vec![param.name.clone()],
                    value: call_value(id),
                    at,
                }));
            }
        }
        params
    }

    /// `let a = v` / `var (a, b) = v`: an assignment; a computed property is a function.
    fn property(&mut self, node: Node, ops: &mut Vec<Op>) {
        let mut targets: Vec<String> = Vec::new();
        let mut cursor = node.walk();
        for (i, child) in node.children(&mut cursor).enumerate() {
            match node.field_name_for_child(i as u32) {
                Some("name") => targets = pattern_names(child, self.src()),
                Some("value") => {
                    let value = self.visit(child, ops);
                    ops.push(Op::Assign(AssignIr {
                        targets: std::mem::take(&mut targets),
                        value,
                        at: self.loc(node),
                    }));
                }
                Some("computed_value") => {
                    let mut body_ops = Vec::new();
                    self.visit(child, &mut body_ops);
                    self.ir.functions.push(FunctionIr {
                        name: targets.first().cloned().unwrap_or_default(),
                        params: Vec::new(),
                        ops: body_ops,
                        at: self.loc(node),
                    });
                }
                _ if child.is_named() && child.kind() != "pattern" => {
                    self.visit(child, ops);
                }
                _ => {}
            }
        }
    }

    fn call(&mut self, node: Node, ops: &mut Vec<Op>) -> ValueIr {
        let Some(callee) = node.named_child(0) else {
            return ValueIr::default();
        };
        let (receiver, receiver_value, method) = match callee.kind() {
            "navigation_expression" => {
                let target = callee.child_by_field_name("target");
                let method = callee
                    .child_by_field_name("suffix")
                    .and_then(|s| s.child_by_field_name("suffix"))
                    .map(|s| text(s, self.src()).to_string())
                    .unwrap_or_default();
                let receiver_value = target.map(|t| self.visit(t, ops)).unwrap_or_default();
                (
                    target.map(|t| self.receiver_text(t, &method)),
                    receiver_value,
                    method,
                )
            }
            "simple_identifier" => (
                None,
                ValueIr::default(),
                text(callee, self.src()).to_string(),
            ),
            _ => {
                let value = self.visit(callee, ops);
                let name = compact(callee, self.src());
                let method = name.rsplit('.').next().unwrap_or(&name).to_string();
                (None, value, method)
            }
        };
        let mut args = Vec::new();
        let mut args_text = String::new();
        let mut closures = Vec::new();
        if let Some(suffix) = named_child_of_kind(node, "call_suffix") {
            let mut cursor = suffix.walk();
            for part in suffix.named_children(&mut cursor) {
                match part.kind() {
                    "value_arguments" => {
                        let written = text(part, self.src());
                        let inner = written
                            .get(1..written.len().saturating_sub(1))
                            .unwrap_or("");
                        args_text = collapse(inner);
                        let mut ac = part.walk();
                        for arg in part.named_children(&mut ac) {
                            let Some(value) = arg.child_by_field_name("value") else {
                                continue;
                            };
                            if value.kind() == "lambda_literal" {
                                closures.push(value);
                            } else {
                                args.push(self.visit(value, ops));
                            }
                        }
                    }
                    "lambda_literal" => closures.push(part),
                    "annotated_lambda" => {
                        closures.extend(named_child_of_kind(part, "lambda_literal"))
                    }
                    _ => {}
                }
            }
        }
        let id = self.call_id();
        ops.push(Op::Call(CallIr {
            id,
            receiver,
            receiver_value,
            method,
            args,
            args_text,
            at: self.loc(node),
        }));
        for closure in closures {
            self.lambda(closure, Some(id), ops);
        }
        call_value(id)
    }

    /// A closure, inlined: its parameters (or `$0`) are assigned from the call it was
    /// passed to, then its statements follow.
    fn lambda(&mut self, node: Node, call: Option<CallId>, ops: &mut Vec<Op>) {
        if let Some(id) = call {
            let mut targets: Vec<String> = treesitter::descendants(node)
                .take_while(|n| n.kind() != "statements")
                .filter(|n| n.kind() == "lambda_parameter")
                .filter_map(|p| p.child_by_field_name("name"))
                .map(|n| text(n, self.src()).to_string())
                .collect();
            if targets.is_empty() {
                targets.push("$0".into());
            }
            ops.extend(callback_binding(targets, id, self.loc(node)));
        }
        if let Some(statements) = named_child_of_kind(node, "statements") {
            self.visit(statements, ops);
        }
    }

    /// `a.b.c = v` is a call of `c` on `a.b`; `d[k] = v` a storing call on `d`; `x = v`
    /// assigns `x`, and `x += v` assigns it from both `x` and `v`.
    fn assignment(&mut self, node: Node, ops: &mut Vec<Op>) {
        let value = node
            .child_by_field_name("result")
            .map(|r| self.visit(r, ops))
            .unwrap_or_default();
        let value_text = node
            .child_by_field_name("result")
            .map(|r| collapse(text(r, self.src())))
            .unwrap_or_default();
        let Some(target) = node
            .child_by_field_name("target")
            .and_then(|t| t.named_child(0))
        else {
            return;
        };
        if target.kind() == "navigation_expression"
            && let Some(receiver) = target.child_by_field_name("target")
        {
            let method = target
                .child_by_field_name("suffix")
                .and_then(|s| s.child_by_field_name("suffix"))
                .map(|s| text(s, self.src()).to_string())
                .unwrap_or_default();
            let receiver_value = self.visit(receiver, ops);
            let id = self.call_id();
            ops.push(Op::Call(CallIr {
                id,
                receiver: Some(compact(receiver, self.src())),
                receiver_value,
                method,
                args: vec![value],
                args_text: value_text,
                at: self.loc(node),
            }));
            return;
        }
        // `d[k] = v` stores into `d` without replacing what it held: the same as
        // `d.updateValue(v, forKey: k)`, a storing call.
        if target.kind() == "call_expression"
            && let Some(base) = target.named_child(0)
        {
            let receiver_value = self.visit(base, ops);
            let id = self.call_id();
            ops.push(Op::Call(CallIr {
                id,
                receiver: Some(compact(base, self.src())),
                receiver_value,
                method: "updateValue".into(),
                args: vec![value],
                args_text: value_text,
                at: self.loc(node),
            }));
            return;
        }
        // `x += v` keeps what `x` held and adds `v`.
        let mut value = value;
        let compound = node
            .child_by_field_name("operator")
            .is_some_and(|o| o.kind() != "=");
        if compound {
            value.reads.extend(self.visit(target, ops).reads);
        }
        let targets = match target.kind() {
            "tuple_expression" => {
                let mut cursor = target.walk();
                target
                    .named_children(&mut cursor)
                    .map(|n| compact(n, self.src()))
                    .collect()
            }
            _ => vec![compact(target, self.src())],
        };
        ops.push(Op::Assign(AssignIr {
            targets,
            value,
            at: self.loc(node),
        }));
    }

    /// `a.b.c` reads `Var { a, [b, c] }`; a member the catalog lists as an API
    /// (`manager.location`) is lowered as a call with no arguments.
    fn navigation(&mut self, node: Node, ops: &mut Vec<Op>) -> ValueIr {
        let member = node
            .child_by_field_name("suffix")
            .and_then(|s| s.child_by_field_name("suffix"))
            .map(|s| text(s, self.src()).to_string())
            .unwrap_or_default();
        let Some(target) = node.child_by_field_name("target") else {
            return ValueIr::default();
        };
        if self.apis.is_property_call(&member) {
            let receiver_value = self.visit(target, ops);
            let id = self.call_id();
            let receiver = self.receiver_text(target, &member);
            let at = self.loc(node);
            ops.push(property_read_call(id, receiver, receiver_value, member, at));
            return call_value(id);
        }
        let mut value = self.visit(target, ops);
        // Extend a plain variable path (`loc.coordinate` → `loc.coordinate.latitude`).
        if let [Read::Var { members, .. }] = value.reads.as_mut_slice()
            && target.kind() != "call_expression"
        {
            members.push(member);
        }
        value
    }

    /// `if`/`guard`/`while`: `let x = v` bindings assign; conditions are visited for
    /// their calls; the statements follow.
    fn conditional(&mut self, node: Node, ops: &mut Vec<Op>) -> ValueIr {
        let mut pending: Vec<String> = Vec::new();
        let mut value = ValueIr::default();
        let mut cursor = node.walk();
        for (i, child) in node.children(&mut cursor).enumerate() {
            if !child.is_named() {
                continue;
            }
            let field = node.field_name_for_child(i as u32);
            if field == Some("bound_identifier") {
                pending.push(text(child, self.src()).to_string());
                continue;
            }
            if field == Some("condition") && child.kind() == "value_binding_pattern" {
                continue;
            }
            if field == Some("condition") && !pending.is_empty() {
                let bound = self.visit(child, ops);
                ops.push(Op::Assign(AssignIr {
                    targets: std::mem::take(&mut pending),
                    value: bound,
                    at: self.loc(child),
                }));
                continue;
            }
            pending.clear();
            let reads = self.visit(child, ops);
            // `if` used as an expression yields its branches' values, not its condition.
            if field != Some("condition") {
                value.reads.extend(reads.reads);
            }
        }
        value
    }

    /// `for x in xs`: `x` is assigned from `xs`.
    fn for_loop(&mut self, node: Node, ops: &mut Vec<Op>) {
        let collection = node
            .child_by_field_name("collection")
            .map(|c| self.visit(c, ops))
            .unwrap_or_default();
        let targets = node
            .child_by_field_name("item")
            .map(|p| pattern_names(p, self.src()))
            .unwrap_or_default();
        ops.push(Op::Assign(AssignIr {
            targets,
            value: collection,
            at: self.loc(node),
        }));
        let mut cursor = node.walk();
        for (i, child) in node.children(&mut cursor).enumerate() {
            let field = node.field_name_for_child(i as u32);
            if child.is_named() && field != Some("item") && field != Some("collection") {
                self.visit(child, ops);
            }
        }
    }
}

struct Param<'t> {
    label: String,
    name: String,
    ty: String,
    node: Node<'t>,
}

fn named_child_of_kind<'t>(node: Node<'t>, kind: &str) -> Option<Node<'t>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor).find(|c| c.kind() == kind)
}

fn first_token_is(node: Node, tokens: &[&str]) -> bool {
    node.child(0)
        .is_some_and(|c| !c.is_named() && tokens.contains(&c.kind()))
}

/// Names bound by a pattern: `x`, `(a, b)`, `let (a, _)`.
fn pattern_names(pattern: Node, src: &str) -> Vec<String> {
    let names: Vec<String> = treesitter::descendants(pattern)
        .filter(|n| n.kind() == "simple_identifier")
        .map(|n| text(n, src).to_string())
        .filter(|n| n != "_")
        .collect();
    if names.is_empty() {
        let written = compact(pattern, src);
        if written.is_empty() || written == "_" {
            return Vec::new();
        }
        return vec![written];
    }
    names
}

/// A type's name without optionality or generic arguments: `CLLocationManager?` →
/// `CLLocationManager`.
fn type_name(node: Node, src: &str) -> String {
    let written = compact(node, src);
    written
        .trim_end_matches(['?', '!'])
        .split('<')
        .next()
        .unwrap_or("")
        .to_string()
}

/// Names declared with a type in the file: `let m = CLLocationManager()`,
/// `var m: CLLocationManager?`, parameters `_ m: CLLocationManager`. Scopes are not
/// told apart: the first declaration of a name wins.
fn declared_types(root: Node, src: &str) -> HashMap<String, String> {
    let mut types = HashMap::new();
    for node in treesitter::descendants(root) {
        let (name, ty) = match node.kind() {
            "property_declaration" => {
                let name = node
                    .child_by_field_name("name")
                    .and_then(|p| {
                        treesitter::descendants(p).find(|n| n.kind() == "simple_identifier")
                    })
                    .map(|n| text(n, src).to_string());
                let annotated = named_child_of_kind(node, "type_annotation")
                    .and_then(|a| a.child_by_field_name("type").or_else(|| a.named_child(0)))
                    .map(|t| type_name(t, src));
                let constructed = node
                    .child_by_field_name("value")
                    .filter(|v| matches!(v.kind(), "call_expression" | "constructor_expression"))
                    .and_then(|v| v.named_child(0))
                    .map(|callee| compact(callee, src))
                    .filter(|callee| callee.starts_with(|c: char| c.is_ascii_uppercase()));
                (name, annotated.or(constructed))
            }
            "parameter" => {
                let mut name = None;
                let mut ty = None;
                let mut cursor = node.walk();
                for (i, part) in node.children(&mut cursor).enumerate() {
                    if node.field_name_for_child(i as u32) == Some("name") {
                        if part.kind() == "simple_identifier" {
                            name = Some(text(part, src).to_string());
                        } else {
                            ty = Some(type_name(part, src));
                        }
                    }
                }
                (name, ty)
            }
            _ => continue,
        };
        if let (Some(name), Some(ty)) = (name, ty)
            && !ty.is_empty()
        {
            types.entry(name).or_insert(ty);
        }
    }
    types
}

fn is_expression(kind: &str) -> bool {
    kind.ends_with("_expression") || kind.ends_with("_literal") || kind == "simple_identifier"
}

#[cfg(test)]
mod tests;
