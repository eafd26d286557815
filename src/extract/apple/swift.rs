//! Swift → [`SourceIr`], following the lowering rules of `crate::extract::ir`.
//!
//! One recursive walk: each node kind either adds ops to the current function
//! (calls, assignments, returns) or is an expression whose reads are returned. Calls
//! nested in an expression are pushed before the op that uses them, so `Read::Call`
//! always refers back.

use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

use crate::catalog::{Catalog, Language};
use crate::extract::FileInput;
use crate::extract::ir::{
    AssignIr, CallId, CallIr, FunctionIr, Import, Op, Read, SourceIr, ValueIr,
};
use crate::extract::treesitter::{self, compact, location, text};

/// Deeper expressions than this are not lowered (deep trees must not overflow the stack).
const MAX_DEPTH: usize = 400;

pub fn lower(input: &FileInput) -> Result<SourceIr, String> {
    let tree = treesitter::parse(&tree_sitter_swift::LANGUAGE.into(), input.text)?;
    let mut lowerer = Lowerer {
        input,
        next_call: 0,
        ir: SourceIr::default(),
        property_apis: catalog_member_names(input.catalog, Language::Swift),
        receiver_hints: catalog_receiver_hints(input.catalog, Language::Swift),
        declared_types: declared_types(tree.root_node(), input.text),
        depth: 0,
    };
    let mut top = Vec::new();
    lowerer.visit(tree.root_node(), &mut top);
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

/// Method names the catalog lists for a language (capability APIs): a property read with
/// one of these names (`manager.location`) is lowered as a call.
pub(super) fn catalog_member_names(catalog: &Catalog, language: Language) -> HashSet<String> {
    catalog
        .capabilities
        .iter()
        .flat_map(|c| &c.apis)
        .filter(|api| api.languages.contains(&language))
        .flat_map(|api| api.methods.iter().cloned())
        .collect()
}

/// Receiver hints of the catalog's capability APIs per method name
/// (`location` → [`LocationManager`]); APIs matched by name alone are left out.
pub(super) fn catalog_receiver_hints(
    catalog: &Catalog,
    language: Language,
) -> HashMap<String, Vec<String>> {
    let mut hints: HashMap<String, Vec<String>> = HashMap::new();
    let apis = catalog.capabilities.iter().flat_map(|c| &c.apis);
    for api in apis.filter(|a| a.languages.contains(&language) && !a.distinctive) {
        if let Some(receiver) = &api.receiver {
            for method in &api.methods {
                hints
                    .entry(method.clone())
                    .or_default()
                    .push(receiver.clone());
            }
        }
    }
    hints
}

/// The receiver text to report for a call of `method`: as written when it already names
/// the catalog receiver (`locationManager.location`), else the declared type of a plain
/// variable or property when that type does (`manager` declared `CLLocationManager()`
/// reads `CLLocationManager.location`), since the shared matcher sees no types.
pub(super) fn typed_receiver(
    written: String,
    method: &str,
    hints: &HashMap<String, Vec<String>>,
    types: &HashMap<String, String>,
) -> String {
    let Some(hints) = hints.get(method) else {
        return written;
    };
    let mentions = |text: &str| {
        let text = text.to_ascii_lowercase();
        hints.iter().any(|h| {
            let hint = h.to_ascii_lowercase();
            let last = hint.rsplit('.').next().unwrap_or(&hint).to_string();
            text.contains(&hint) || text.contains(&last)
        })
    };
    if mentions(&written) {
        return written;
    }
    let root = written
        .strip_prefix("self.")
        .unwrap_or(&written)
        .trim_end_matches(['?', '!']);
    // An Objective-C property `manager` is also read through its ivar `_manager`.
    let declared = types
        .get(root)
        .or_else(|| root.strip_prefix('_').and_then(|r| types.get(r)));
    match declared {
        Some(ty) if mentions(ty) => ty.clone(),
        _ => written,
    }
}

/// The argument list text with whitespace runs collapsed to one space.
pub(super) fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether a function named like a delegate method (`locationManager`) receives, as its
/// first parameter, the object it is the delegate of (`CLLocationManager`): Cocoa names
/// delegate methods after the delegating type.
pub(super) fn is_delegate_method(name: &str, first_param_type: &str) -> bool {
    !name.is_empty()
        && first_param_type
            .to_ascii_lowercase()
            .contains(&name.to_ascii_lowercase())
}

struct Lowerer<'a> {
    input: &'a FileInput<'a>,
    next_call: u32,
    ir: SourceIr,
    property_apis: HashSet<String>,
    receiver_hints: HashMap<String, Vec<String>>,
    /// Variable, property and parameter names → their declared type (file-wide).
    declared_types: HashMap<String, String>,
    depth: usize,
}

impl<'a> Lowerer<'a> {
    fn src(&self) -> &'a str {
        self.input.text
    }

    fn loc(&self, node: Node) -> crate::model::Location {
        location(node, self.input.path, self.input.text)
    }

    fn call_id(&mut self) -> CallId {
        let id = CallId(self.next_call);
        self.next_call += 1;
        id
    }

    fn receiver_text(&self, target: Node, method: &str) -> String {
        typed_receiver(
            compact(target, self.src()),
            method,
            &self.receiver_hints,
            &self.declared_types,
        )
    }

    /// Lower a node into `ops`; returns what it reads when used as a value.
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
                    value: ValueIr {
                        reads: vec![Read::Call(id)],
                    },
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
                        args_text = collapse_whitespace(inner);
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
        ValueIr {
            reads: vec![Read::Call(id)],
        }
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
            ops.push(Op::Assign(AssignIr {
                targets,
                value: ValueIr {
                    reads: vec![Read::Call(id)],
                },
                at: self.loc(node),
            }));
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
            .map(|r| collapse_whitespace(text(r, self.src())))
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
        if self.property_apis.contains(&member) {
            let receiver_value = self.visit(target, ops);
            let id = self.call_id();
            ops.push(Op::Call(CallIr {
                id,
                receiver: Some(self.receiver_text(target, &member)),
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

fn var(name: &str, members: Vec<String>) -> ValueIr {
    ValueIr {
        reads: vec![Read::Var {
            name: name.to_string(),
            members,
        }],
    }
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
mod tests {
    use super::*;
    use crate::extract::apple::plist::test_support;

    fn lower_text(source: &str) -> SourceIr {
        let catalog = test_support::catalog();
        let input = FileInput::new("App/Main.swift", source.as_bytes(), source, &catalog);
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

    const DELEGATE: &str = r#"import CoreLocation
@testable import BrazeKit
import struct Foundation.Date

final class LocationReporter: NSObject, CLLocationManagerDelegate {
    let manager = CLLocationManager()
    var braze: Braze?

    func locationManager(_ manager: CLLocationManager, didUpdateLocations locations: [CLLocation]) {
        guard let loc = locations.last else { return }
        braze?.user.setLastKnownLocation(latitude: loc.coordinate.latitude,
                                         longitude: loc.coordinate.longitude)
    }
}
"#;

    #[test]
    fn imports_are_modules() {
        let ir = lower_text(DELEGATE);
        let imports: Vec<(&str, u32)> = ir
            .imports
            .iter()
            .map(|i| (i.path.as_str(), i.at.line))
            .collect();
        assert_eq!(
            imports,
            vec![("CoreLocation", 1), ("BrazeKit", 2), ("Foundation", 3)]
        );
    }

    #[test]
    fn delegate_method_becomes_synthetic_call_and_flow_reaches_sdk_call() {
        let ir = lower_text(DELEGATE);
        let f = function(&ir, "locationManager(_:didUpdateLocations:)");
        assert_eq!(f.params, vec!["manager", "locations"]);
        assert_eq!(
            render(f),
            vec![
                "9: call#1 CLLocationManager.didUpdateLocations()",
                "9: locations = [#1]",
                "10: loc = [locations.last]",
                "11: call#2 braze?.user.setLastKnownLocation([loc.coordinate.latitude], [loc.coordinate.longitude])",
            ]
        );
        let (_, call) = ir
            .calls()
            .find(|(_, c)| c.method == "setLastKnownLocation")
            .expect("call");
        assert_eq!(
            call.args_text,
            "latitude: loc.coordinate.latitude, longitude: loc.coordinate.longitude"
        );
        assert_eq!((call.at.line, call.at.column), (11, 9));
        // The class-level property initialiser lives in `<top>`.
        assert_eq!(
            render(function(&ir, "<top>")),
            vec!["6: call#0 CLLocationManager()", "6: manager = [#0]"]
        );
    }

    #[test]
    fn delegate_method_in_a_comment_is_nothing() {
        let source = "// func locationManager(_ manager: CLLocationManager, didUpdateLocations locations: [CLLocation]) {}\n/* braze.user.setLastKnownLocation(latitude: 1, longitude: 2) */\nlet s = \"manager.startUpdatingLocation()\"\n";
        let ir = lower_text(source);
        assert!(ir.calls().next().is_none());
        assert!(ir.functions.iter().all(|f| f.name == "<top>"));
        assert_eq!(render(function(&ir, "<top>")), vec!["3: s = []"]);
    }

    #[test]
    fn non_delegate_first_parameter_is_a_plain_function() {
        let ir = lower_text(
            "func locate(_ store: CNContactStore, didFetch contacts: [CNContact]) { send(contacts) }\n",
        );
        let f = function(&ir, "locate");
        assert_eq!(f.params, vec!["store", "contacts"]);
        assert_eq!(render(f), vec!["1: call#0 send([contacts])", "return [#0]"]);
    }

    #[test]
    fn trailing_closure_parameters_are_assigned_from_the_call() {
        let source = r#"func load() {
    let store = CNContactStore()
    try store.enumerateContacts(with: request) { contact, stop in
        analytics.track(name: contact.givenName)
    }
    items.map { $0.coordinate }
    fetch(completion: { [weak self] result in self?.send(result) })
}
"#;
        let ir = lower_text(source);
        assert_eq!(
            render(function(&ir, "load")),
            vec![
                "2: call#0 CNContactStore()",
                "2: store = [#0]",
                "3: call#1 store.enumerateContacts([request])",
                "3: contact,stop = [#1]",
                "4: call#2 analytics.track([contact.givenName])",
                "6: call#3 items.map()",
                "6: $0 = [#3]",
                "7: call#4 fetch()",
                "7: result = [#4]",
                "7: call#5 self.send([result])",
            ]
        );
    }

    #[test]
    fn property_assignment_is_a_call_and_plain_assignment_is_assign() {
        let source = r#"func configure(config: Config, loc: CLLocation) {
    config.location.automaticLocationCollection = true
    Braze.shared.lastLocation = loc
    var x = 0
    x = loc.altitude
    dict["lat"] = loc.coordinate.latitude
    (a, b) = pair()
    x += loc.speed
}
"#;
        let ir = lower_text(source);
        assert_eq!(
            render(function(&ir, "configure")),
            vec![
                "2: call#0 config.location.automaticLocationCollection([])",
                "3: call#1 Braze.shared.lastLocation([loc])",
                "4: x = []",
                "5: x = [loc.altitude]",
                "6: call#2 dict.updateValue([loc.coordinate.latitude])",
                "7: call#3 pair()",
                "7: a,b = [#3]",
                "8: x = [loc.speed x]",
            ]
        );
        let (_, toggle) = ir
            .calls()
            .find(|(_, c)| c.method == "automaticLocationCollection")
            .expect("call");
        assert_eq!(toggle.args_text, "true");
    }

    #[test]
    fn interpolation_and_dictionary_literals_are_reads_comparisons_are_dropped() {
        let source = r#"func report(loc: CLLocation) {
    let s = "at \(loc.coordinate.latitude),\(loc.coordinate.longitude)"
    let d = ["lat": lat, "location": "home", "n": 1]
    let near = loc.distance > 10
    if loc.horizontalAccuracy < 50 && enabled { send(s) }
    let label = "location"
    sdk.log(event: "location", params: d)
}
"#;
        let ir = lower_text(source);
        assert_eq!(
            render(function(&ir, "report")),
            vec![
                "2: s = [loc.coordinate.latitude loc.coordinate.longitude]",
                "3: d = [lat]",
                "4: near = []",
                "5: call#0 send([s])",
                "6: label = []",
                "7: call#1 sdk.log([], [d])",
            ]
        );
    }

    #[test]
    fn if_let_for_and_return() {
        let source = r#"func pick() -> CLLocation? {
    if let loc = manager.location, let b = c { use(loc) }
    for l in locations { send(l.coordinate) }
    return last
}
func g() -> Int { compute(a) }
"#;
        let ir = lower_text(source);
        assert_eq!(
            render(function(&ir, "pick")),
            vec![
                "2: loc = [manager.location]",
                "2: b = [c]",
                "2: call#0 use([loc])",
                "3: l = [locations]",
                "3: call#1 send([l.coordinate])",
                "return [last]",
            ]
        );
        assert_eq!(
            render(function(&ir, "g")),
            vec!["6: call#2 compute([a])", "return [#2]"]
        );
    }

    #[test]
    fn chained_calls_read_their_receiver() {
        let ir = lower_text(
            "func f() { AVAudioSession.sharedInstance().setCategory(.record, mode: .default) }\n",
        );
        assert_eq!(
            render(function(&ir, "f")),
            vec![
                "1: call#0 AVAudioSession.sharedInstance()",
                "1: call#1 AVAudioSession.sharedInstance().setCategory([], [])",
                "return [#1]"
            ]
        );
        let (_, call) = ir
            .calls()
            .find(|(_, c)| c.method == "setCategory")
            .expect("call");
        assert_eq!(call.args_text, ".record, mode: .default");
        assert_eq!(call.receiver_value.reads, vec![Read::Call(CallId(0))]);
    }

    #[test]
    fn receivers_of_capability_apis_take_their_declared_type() {
        let source = r#"final class Finder {
    let manager = CLLocationManager()
    var fallback: CLLocationManager?
    let locationManager = CLLocationManager()
    let recognizer = UITapGestureRecognizer()

    func f(store: Store) {
        let a = manager.location
        let b = self.fallback?.location
        let c = locationManager.location
        let d = store.location
        let e = recognizer.location(in: view)
        manager.requestLocation()
    }
}
"#;
        // The real catalog: its `location` API names the `LocationManager` receiver.
        let catalog = crate::catalog::Catalog::embedded().expect("catalog");
        let input = FileInput::new("App/Finder.swift", source.as_bytes(), source, &catalog);
        let ir = lower(&input).expect("parses");
        assert_eq!(
            render(function(&ir, "f")),
            vec![
                "8: call#3 CLLocationManager.location()",
                "8: a = [#3]",
                "9: call#4 CLLocationManager.location()",
                "9: b = [#4]",
                "10: call#5 locationManager.location()",
                "10: c = [#5]",
                "11: call#6 store.location()",
                "11: d = [#6]",
                "12: call#7 recognizer.location([view])",
                "12: e = [#7]",
                "13: call#8 CLLocationManager.requestLocation()",
            ]
        );
    }

    #[test]
    fn broken_source_still_lowers_what_is_recovered() {
        let source = "func ok() { manager.startUpdatingLocation() }\nfunc broken( { let = = }\n";
        let ir = lower_text(source);
        assert!(ir.calls().any(|(_, c)| c.method == "startUpdatingLocation"));
    }

    #[test]
    fn deep_nesting_does_not_overflow_the_stack() {
        let source = String::new()
            + "func f() { let x = "
            + &"(".repeat(3000)
            + "a"
            + &")".repeat(3000)
            + " }\n";
        let _ = lower_text(&source);
    }
}
