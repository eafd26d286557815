//! JavaScript / TypeScript (with JSX) → [`SourceIr`].
//!
//! The lowering follows the rules of [`crate::extract::ir`]; JavaScript specifics:
//! - imports: ESM `import` (default, named, namespace: local bindings recorded), `require('x')`
//!   and dynamic `import('x')` (bound to the declared variable when they are its value),
//!   `export … from 'x'`, TypeScript `import x = require('x')`;
//! - functions: declarations, methods, class members and functions stored in a variable,
//!   property or field are [`FunctionIr`]s of their own; a function passed as a call
//!   argument is a callback and is lowered inline after the call; any other nested
//!   function expression (a JSX handler, a returned closure) is lowered inline too, since
//!   it captures the enclosing function's variables;
//! - `await`, parentheses and TypeScript casts (`as`, `satisfies`, `!`) are transparent;
//! - `new X(…)` is a call of method `X`; `a.b = v` is a call of `b` on `a`;
//! - comparisons, `!`, `typeof`, `void` and `delete` yield booleans or nothing: their reads
//!   are dropped (calls inside them are still recorded);
//! - bundled or minified files are not parsed (see [`bundled_reason`]).

use tree_sitter::{Language, Node};

use crate::extract::FileInput;
use crate::extract::ir::{
    AssignIr, CallId, CallIr, FunctionIr, Import, Op, Read, SourceIr, ValueIr,
};
use crate::extract::treesitter;
use crate::model::Location;

/// A line longer than this is minified or generated code.
pub const MAX_LINE_BYTES: usize = 10_000;
/// A source file larger than this is a bundle.
pub const MAX_FILE_BYTES: usize = 2 * 1024 * 1024;
/// Nesting beyond this is not lowered (keeps recursion bounded on any input).
const MAX_DEPTH: u32 = 200;

/// Prefix of the error returned for files deliberately not analysed; the pipeline
/// counts them as skipped rather than reporting PL900.
pub const SKIPPED_PREFIX: &str = "skipped: ";

/// The grammar a JavaScript-world source is parsed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// JavaScript, including JSX.
    JavaScript,
    TypeScript,
    /// TypeScript with JSX.
    Tsx,
}

impl Dialect {
    pub fn for_path(path: &str, typescript: bool) -> Dialect {
        if path.ends_with(".tsx") {
            Dialect::Tsx
        } else if typescript {
            Dialect::TypeScript
        } else {
            Dialect::JavaScript
        }
    }

    fn language(self) -> Language {
        match self {
            Dialect::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Dialect::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Dialect::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
        }
    }
}

pub fn lower(input: &FileInput, typescript: bool) -> Result<SourceIr, String> {
    if let Some(reason) = bundled_reason(input.path, input.text) {
        return Err(reason);
    }
    lower_source(
        input.path,
        input.text,
        Dialect::for_path(input.path, typescript),
    )
}

/// Why a file is minified or bundled code not worth parsing (a message starting with
/// [`SKIPPED_PREFIX`]), or `None` for ordinary source.
pub fn bundled_reason(path: &str, text: &str) -> Option<String> {
    let name = path.rsplit('/').next().unwrap_or(path);
    if [".min.js", ".min.mjs", ".min.cjs"]
        .iter()
        .any(|suffix| name.ends_with(suffix))
    {
        return Some(format!("{SKIPPED_PREFIX}minified file ({name})"));
    }
    if text.len() > MAX_FILE_BYTES {
        return Some(format!(
            "{SKIPPED_PREFIX}bundled code ({} bytes, more than {MAX_FILE_BYTES})",
            text.len()
        ));
    }
    let longest = text.split('\n').map(str::len).max().unwrap_or(0);
    (longest > MAX_LINE_BYTES)
        .then(|| format!("{SKIPPED_PREFIX}minified or bundled code (line of {longest} bytes)"))
}

/// Parse and lower `text`; locations use `path`. No size checks (see [`lower`]).
pub fn lower_source(path: &str, text: &str, dialect: Dialect) -> Result<SourceIr, String> {
    let tree = treesitter::parse(&dialect.language(), text)?;
    let mut lowerer = Lowerer {
        src: text,
        path,
        next_call: 0,
        depth: 0,
        imports: Vec::new(),
        functions: Vec::new(),
    };
    let mut top = Body::default();
    lowerer.node(tree.root_node(), &mut top);
    let mut functions = vec![FunctionIr {
        name: "<top>".into(),
        params: Vec::new(),
        ops: top.ops,
        at: Location::new(path, 1, 1),
    }];
    functions.append(&mut lowerer.functions);
    Ok(SourceIr {
        imports: lowerer.imports,
        functions,
    })
}

/// The ops of the function being lowered.
#[derive(Default)]
struct Body {
    ops: Vec<Op>,
    /// Inside an inline callback, `return` belongs to the callback, not this function.
    callback_depth: u32,
}

struct Lowerer<'a> {
    src: &'a str,
    path: &'a str,
    next_call: u32,
    depth: u32,
    imports: Vec<Import>,
    functions: Vec<FunctionIr>,
}

const COMPARISONS: [&str; 10] = [
    "==",
    "===",
    "!=",
    "!==",
    "<",
    ">",
    "<=",
    ">=",
    "instanceof",
    "in",
];

/// Nodes that only describe types or are otherwise inert.
const INERT: [&str; 22] = [
    "comment",
    "html_comment",
    "string",
    "number",
    "true",
    "false",
    "null",
    "undefined",
    "regex",
    "import",
    "empty_statement",
    "debugger_statement",
    "type_annotation",
    "type_arguments",
    "type_parameters",
    "interface_declaration",
    "type_alias_declaration",
    "ambient_declaration",
    "function_signature",
    "abstract_method_signature",
    "index_signature",
    "decorator",
];

fn is_function(kind: &str) -> bool {
    matches!(
        kind,
        "arrow_function" | "function_expression" | "function" | "generator_function"
    )
}

fn var(name: &str, members: Vec<String>) -> ValueIr {
    ValueIr {
        reads: vec![Read::Var {
            name: name.to_string(),
            members,
        }],
    }
}

fn union(values: impl IntoIterator<Item = ValueIr>) -> ValueIr {
    let mut reads = Vec::new();
    for value in values {
        for read in value.reads {
            if !reads.contains(&read) {
                reads.push(read);
            }
        }
    }
    ValueIr { reads }
}

fn named_children(node: Node) -> Vec<Node> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|c| c.kind() != "comment" && c.kind() != "html_comment")
        .collect()
}

/// Strip parentheses, `await` and TypeScript casts around an expression.
fn unwrap_transparent(mut node: Node) -> Node {
    while matches!(
        node.kind(),
        "parenthesized_expression"
            | "await_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "type_assertion"
    ) {
        match first_expression_child(node) {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

/// The first named child that is not a type (comments are never among them).
fn first_expression_child(node: Node) -> Option<Node> {
    named_children(node)
        .into_iter()
        .find(|c| !is_type_node(c.kind()))
}

fn is_type_node(kind: &str) -> bool {
    kind != "type_assertion"
        && (kind.ends_with("_type")
            || kind.starts_with("type_")
            || matches!(kind, "predefined_type" | "type_identifier"))
}

impl<'a> Lowerer<'a> {
    fn text(&self, node: Node) -> &'a str {
        treesitter::text(node, self.src)
    }

    fn at(&self, node: Node) -> Location {
        treesitter::location(node, self.path, self.src)
    }

    /// Text with whitespace removed and optional chaining read as plain member access.
    fn receiver_text(&self, node: Node) -> String {
        treesitter::compact(node, self.src).replace("?.", ".")
    }

    /// The contents of a string literal (or of a template without substitutions).
    fn string_value(&self, node: Node) -> Option<String> {
        match node.kind() {
            "string" => {
                let text = self.text(node);
                Some(text.get(1..text.len().saturating_sub(1))?.to_string())
            }
            "template_string"
                if named_children(node)
                    .iter()
                    .all(|c| c.kind() != "template_substitution") =>
            {
                let text = self.text(node);
                Some(text.get(1..text.len().saturating_sub(1))?.to_string())
            }
            _ => None,
        }
    }

    fn new_call_id(&mut self) -> CallId {
        let id = CallId(self.next_call);
        self.next_call += 1;
        id
    }

    /// Lower any node: statements push ops and yield nothing; expressions push the ops
    /// of their calls and yield what they read.
    fn node(&mut self, node: Node, body: &mut Body) -> ValueIr {
        if self.depth >= MAX_DEPTH {
            return ValueIr::default();
        }
        self.depth += 1;
        let value = self.node_inner(node, body);
        self.depth -= 1;
        value
    }

    fn node_inner(&mut self, node: Node, body: &mut Body) -> ValueIr {
        let kind = node.kind();
        if INERT.contains(&kind) {
            return ValueIr::default();
        }
        match kind {
            "identifier" | "shorthand_property_identifier" => {
                let name = self.text(node);
                if name == "undefined" {
                    ValueIr::default()
                } else {
                    var(name, Vec::new())
                }
            }
            "this" => var("this", Vec::new()),
            "member_expression" | "subscript_expression" => self.member(node, body),
            "call_expression" => self.call(node, body),
            "new_expression" => self.new_expression(node, body),
            "assignment_expression" => self.assignment(node, body),
            "augmented_assignment_expression" => self.augmented_assignment(node, body),
            "await_expression"
            | "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "type_assertion"
            | "yield_expression"
            | "spread_element"
            | "update_expression" => match first_expression_child(node) {
                Some(inner) => self.node(inner, body),
                None => ValueIr::default(),
            },
            "binary_expression" => {
                let operator = node
                    .child_by_field_name("operator")
                    .map_or("", |o| self.text(o));
                let left = node
                    .child_by_field_name("left")
                    .map(|l| self.node(l, body))
                    .unwrap_or_default();
                let right = node
                    .child_by_field_name("right")
                    .map(|r| self.node(r, body))
                    .unwrap_or_default();
                if COMPARISONS.contains(&operator) {
                    ValueIr::default()
                } else {
                    union([left, right])
                }
            }
            "unary_expression" => {
                let operator = node
                    .child_by_field_name("operator")
                    .map_or("", |o| self.text(o));
                let value = node
                    .child_by_field_name("argument")
                    .map(|a| self.node(a, body))
                    .unwrap_or_default();
                if matches!(operator, "!" | "typeof" | "void" | "delete") {
                    ValueIr::default()
                } else {
                    value
                }
            }
            "ternary_expression" => {
                if let Some(condition) = node.child_by_field_name("condition") {
                    self.node(condition, body);
                }
                let consequence = node
                    .child_by_field_name("consequence")
                    .map(|c| self.node(c, body))
                    .unwrap_or_default();
                let alternative = node
                    .child_by_field_name("alternative")
                    .map(|a| self.node(a, body))
                    .unwrap_or_default();
                union([consequence, alternative])
            }
            "sequence_expression" => {
                let mut last = ValueIr::default();
                for child in named_children(node) {
                    last = self.node(child, body);
                }
                last
            }
            "object" => self.object(node, body),
            _ if is_function(kind) => {
                self.inline_function(node, body, None);
                ValueIr::default()
            }
            "class" | "class_declaration" | "abstract_class_declaration" => {
                let name = node
                    .child_by_field_name("name")
                    .map_or("<class>", |n| self.text(n))
                    .to_string();
                self.class(node, &name, body);
                ValueIr::default()
            }
            "function_declaration" | "generator_function_declaration" => {
                let name = node
                    .child_by_field_name("name")
                    .map_or("<anonymous>", |n| self.text(n))
                    .to_string();
                self.own_function(node, name);
                ValueIr::default()
            }
            "jsx_element" | "jsx_self_closing_element" | "jsx_fragment" => {
                // A UI element is not data: lower the expressions inside for their calls.
                for child in named_children(node) {
                    self.node(child, body);
                }
                ValueIr::default()
            }
            "import_statement" => {
                self.import_statement(node);
                ValueIr::default()
            }
            "export_statement" => {
                self.export_statement(node, body);
                ValueIr::default()
            }
            "lexical_declaration" | "variable_declaration" => {
                for declarator in named_children(node) {
                    if declarator.kind() == "variable_declarator" {
                        self.declarator(declarator, body);
                    }
                }
                ValueIr::default()
            }
            "return_statement" => {
                if let Some(child) = first_expression_child(node) {
                    let value = self.node(child, body);
                    if body.callback_depth == 0 {
                        body.ops.push(Op::Return(value));
                    }
                }
                ValueIr::default()
            }
            "for_in_statement" => {
                let value = node
                    .child_by_field_name("right")
                    .map(|r| self.node(r, body))
                    .unwrap_or_default();
                if let Some(left) = node.child_by_field_name("left") {
                    let targets = self.pattern_names(left);
                    if !targets.is_empty() {
                        body.ops.push(Op::Assign(AssignIr {
                            targets,
                            value,
                            at: self.at(left),
                        }));
                    }
                }
                if let Some(statement) = node.child_by_field_name("body") {
                    self.node(statement, body);
                }
                ValueIr::default()
            }
            "template_string" => union(
                named_children(node)
                    .into_iter()
                    .filter(|c| c.kind() == "template_substitution")
                    .map(|c| self.node(c, body))
                    .collect::<Vec<_>>(),
            ),
            "expression_statement" => {
                for child in named_children(node) {
                    self.node(child, body);
                }
                ValueIr::default()
            }
            // Catch clauses, statement blocks, loops, JSX expressions, template
            // substitutions, ERROR nodes…: whatever their children read.
            _ => {
                let values: Vec<ValueIr> = named_children(node)
                    .into_iter()
                    .map(|c| self.node(c, body))
                    .collect();
                union(values)
            }
        }
    }

    /// `a.b.c`, `a?.b['c']`, `f().x`: a variable with its member path, or what the base
    /// expression reads.
    fn member(&mut self, node: Node, body: &mut Body) -> ValueIr {
        let mut members = Vec::new();
        let mut current = node;
        loop {
            match current.kind() {
                "member_expression" => {
                    if let Some(property) = current.child_by_field_name("property") {
                        members.push(self.text(property).to_string());
                    }
                }
                "subscript_expression" => {
                    if let Some(index) = current.child_by_field_name("index") {
                        match self.string_value(index) {
                            Some(name) => members.push(name),
                            None if index.kind() == "number" => {
                                members.push(self.text(index).to_string())
                            }
                            // A computed index selects; it is not the data.
                            None => {
                                self.node(index, body);
                            }
                        }
                    }
                }
                "parenthesized_expression"
                | "non_null_expression"
                | "as_expression"
                | "satisfies_expression" => {}
                _ => break,
            }
            let next = if matches!(current.kind(), "member_expression" | "subscript_expression") {
                current.child_by_field_name("object")
            } else {
                first_expression_child(current)
            };
            match next {
                Some(next) => current = next,
                None => return ValueIr::default(),
            }
        }
        members.reverse();
        match current.kind() {
            "identifier" => var(self.text(current), members),
            "this" => var("this", members),
            _ => self.node(current, body),
        }
    }

    fn lower_arguments<'t>(
        &mut self,
        arguments: Option<Node<'t>>,
        body: &mut Body,
    ) -> (Vec<ValueIr>, String, Vec<Node<'t>>) {
        let mut args = Vec::new();
        let mut callbacks = Vec::new();
        let Some(arguments) = arguments else {
            return (args, String::new(), callbacks);
        };
        if arguments.kind() == "template_string" {
            // A tagged template: its substitutions are the arguments.
            let value = self.node(arguments, body);
            return (
                vec![value],
                collapse_whitespace(self.text(arguments)),
                callbacks,
            );
        }
        for argument in named_children(arguments) {
            if is_function(argument.kind()) {
                callbacks.push(argument);
                args.push(ValueIr::default());
            } else {
                args.push(self.node(argument, body));
            }
        }
        let text = self.text(arguments);
        let inner = text
            .strip_prefix('(')
            .and_then(|t| t.strip_suffix(')'))
            .unwrap_or(text);
        (args, collapse_whitespace(inner), callbacks)
    }

    /// `require('x')` or `import('x')` (possibly awaited or followed by `.default`):
    /// the module specifier.
    fn module_load(&self, node: Node) -> Option<String> {
        let mut node = unwrap_transparent(node);
        while node.kind() == "member_expression" {
            node = unwrap_transparent(node.child_by_field_name("object")?);
        }
        if node.kind() != "call_expression" {
            return None;
        }
        let callee = node.child_by_field_name("function")?;
        let is_loader = callee.kind() == "import"
            || (callee.kind() == "identifier" && self.text(callee) == "require");
        if !is_loader {
            return None;
        }
        let arguments = node.child_by_field_name("arguments")?;
        let first = named_children(arguments).into_iter().next()?;
        self.string_value(first)
    }

    fn push_import(&mut self, path: String, bindings: Vec<String>, at: Location) {
        self.imports.push(Import {
            path,
            bindings,
            qualified_reference: false,
            at,
        });
    }

    fn call(&mut self, node: Node, body: &mut Body) -> ValueIr {
        let at = self.at(node);
        if let Some(path) = self.module_load(node) {
            self.push_import(path, Vec::new(), at);
            return ValueIr::default();
        }
        let Some(callee) = node.child_by_field_name("function") else {
            return ValueIr::default();
        };
        let callee = unwrap_transparent(callee);
        if is_function(callee.kind()) {
            // An immediately invoked function: its parameters take the arguments.
            let (args, _, callbacks) =
                self.lower_arguments(node.child_by_field_name("arguments"), body);
            for callback in callbacks {
                self.inline_function(callback, body, None);
            }
            let params = self.params(callee);
            if !params.is_empty() {
                body.ops.push(Op::Assign(AssignIr {
                    targets: params,
                    value: union(args),
                    at: at.clone(),
                }));
            }
            self.inline_body(callee, body);
            return ValueIr::default();
        }
        let (receiver, receiver_value, method) = match callee.kind() {
            "member_expression" => self.member_callee(callee, body),
            "identifier" => (None, ValueIr::default(), self.text(callee).to_string()),
            _ => {
                let receiver_value = self.node(callee, body);
                (None, receiver_value, self.receiver_text(callee))
            }
        };
        let (args, args_text, callbacks) =
            self.lower_arguments(node.child_by_field_name("arguments"), body);
        self.emit_call(
            CallDraft {
                receiver,
                receiver_value,
                method,
                args,
                args_text,
                at,
            },
            callbacks,
            body,
        )
    }

    /// `object.property` as the callee of a call or `new`: the receiver's text, what it
    /// reads, and the method name.
    fn member_callee(
        &mut self,
        callee: Node,
        body: &mut Body,
    ) -> (Option<String>, ValueIr, String) {
        let object = callee.child_by_field_name("object");
        let receiver_value = object.map(|o| self.node(o, body)).unwrap_or_default();
        let method = callee
            .child_by_field_name("property")
            .map_or("", |p| self.text(p))
            .to_string();
        (
            object.map(|o| self.receiver_text(o)),
            receiver_value,
            method,
        )
    }

    fn new_expression(&mut self, node: Node, body: &mut Body) -> ValueIr {
        let at = self.at(node);
        let Some(constructor) = node.child_by_field_name("constructor") else {
            return ValueIr::default();
        };
        let (receiver, receiver_value, method) = match constructor.kind() {
            "member_expression" => self.member_callee(constructor, body),
            _ => (None, ValueIr::default(), self.receiver_text(constructor)),
        };
        let (args, args_text, callbacks) =
            self.lower_arguments(node.child_by_field_name("arguments"), body);
        self.emit_call(
            CallDraft {
                receiver,
                receiver_value,
                method,
                args,
                args_text,
                at,
            },
            callbacks,
            body,
        )
    }

    fn emit_call(&mut self, draft: CallDraft, callbacks: Vec<Node>, body: &mut Body) -> ValueIr {
        let id = self.new_call_id();
        body.ops.push(Op::Call(CallIr {
            id,
            receiver: draft.receiver,
            receiver_value: draft.receiver_value,
            method: draft.method,
            args: draft.args,
            args_text: draft.args_text,
            at: draft.at,
        }));
        for callback in callbacks {
            self.inline_function(callback, body, Some(id));
        }
        ValueIr {
            reads: vec![Read::Call(id)],
        }
    }

    fn assignment(&mut self, node: Node, body: &mut Body) -> ValueIr {
        let (Some(left), Some(right)) = (
            node.child_by_field_name("left"),
            node.child_by_field_name("right"),
        ) else {
            return ValueIr::default();
        };
        let left = unwrap_transparent(left);
        let at = self.at(node);
        let right_inner = unwrap_transparent(right);
        if is_function(right_inner.kind()) {
            self.own_function(right_inner, self.receiver_text(left));
            return ValueIr::default();
        }
        match left.kind() {
            "member_expression" => {
                let object = left.child_by_field_name("object");
                let receiver_value = object.map(|o| self.node(o, body)).unwrap_or_default();
                let value = self.node(right, body);
                let method = left
                    .child_by_field_name("property")
                    .map_or("", |p| self.text(p))
                    .to_string();
                let draft = CallDraft {
                    receiver: object.map(|o| self.receiver_text(o)),
                    receiver_value,
                    method,
                    args: vec![value.clone()],
                    args_text: collapse_whitespace(self.text(right)),
                    at,
                };
                self.emit_call(draft, Vec::new(), body);
                value
            }
            "subscript_expression" => {
                // Writing an element keeps what the container held and adds the value.
                let container = left
                    .child_by_field_name("object")
                    .map(|o| (self.receiver_text(o), self.node(o, body)));
                if let Some(index) = left.child_by_field_name("index") {
                    self.node(index, body);
                }
                let value = self.node(right, body);
                if let Some((target, held)) = container {
                    body.ops.push(Op::Assign(AssignIr {
                        targets: vec![target],
                        value: union([held, value.clone()]),
                        at,
                    }));
                }
                value
            }
            _ => {
                let value = self.node(right, body);
                let targets = self.pattern_names(left);
                if !targets.is_empty() {
                    body.ops.push(Op::Assign(AssignIr {
                        targets,
                        value: value.clone(),
                        at,
                    }));
                }
                value
            }
        }
    }

    fn augmented_assignment(&mut self, node: Node, body: &mut Body) -> ValueIr {
        let (Some(left), Some(right)) = (
            node.child_by_field_name("left"),
            node.child_by_field_name("right"),
        ) else {
            return ValueIr::default();
        };
        let at = self.at(node);
        let left = unwrap_transparent(left);
        if left.kind() == "member_expression" {
            // `el.textContent += x` sets a property: a call, like plain assignment.
            let object = left.child_by_field_name("object");
            let receiver_value = object.map(|o| self.node(o, body)).unwrap_or_default();
            let value = self.node(right, body);
            let method = left
                .child_by_field_name("property")
                .map_or("", |p| self.text(p))
                .to_string();
            let draft = CallDraft {
                receiver: object.map(|o| self.receiver_text(o)),
                receiver_value,
                method,
                args: vec![value.clone()],
                args_text: collapse_whitespace(self.text(right)),
                at,
            };
            return self.emit_call(draft, Vec::new(), body);
        }
        let held = self.node(left, body);
        let added = self.node(right, body);
        let value = union([held, added]);
        let targets = match left.kind() {
            "subscript_expression" => left
                .child_by_field_name("object")
                .map(|o| vec![self.receiver_text(o)])
                .unwrap_or_default(),
            _ => self.pattern_names(left),
        };
        if !targets.is_empty() {
            body.ops.push(Op::Assign(AssignIr {
                targets,
                value: value.clone(),
                at,
            }));
        }
        value
    }

    fn declarator(&mut self, node: Node, body: &mut Body) {
        let Some(name) = node.child_by_field_name("name") else {
            return;
        };
        let Some(value) = node.child_by_field_name("value") else {
            return;
        };
        let targets = self.pattern_names(name);
        let inner = unwrap_transparent(value);
        if is_function(inner.kind()) {
            self.own_function(inner, self.text(name).to_string());
            return;
        }
        if matches!(inner.kind(), "class") {
            self.class(inner, self.text(name), body);
            return;
        }
        if let Some(path) = self.module_load(value) {
            self.push_import(path, targets, self.at(node));
            return;
        }
        let value = self.node(value, body);
        if !targets.is_empty() {
            body.ops.push(Op::Assign(AssignIr {
                targets,
                value,
                at: self.at(node),
            }));
        }
    }

    fn object(&mut self, node: Node, body: &mut Body) -> ValueIr {
        let mut values = Vec::new();
        for child in named_children(node) {
            match child.kind() {
                "pair" => {
                    let key = child
                        .child_by_field_name("key")
                        .map_or("", |k| self.text(k))
                        .trim_matches(|c| c == '"' || c == '\'')
                        .to_string();
                    if let Some(value) = child.child_by_field_name("value") {
                        let inner = unwrap_transparent(value);
                        if is_function(inner.kind()) {
                            self.own_function(inner, key);
                        } else {
                            values.push(self.node(value, body));
                        }
                    }
                }
                "method_definition" => {
                    let name = child
                        .child_by_field_name("name")
                        .map_or("<method>", |n| self.text(n))
                        .to_string();
                    self.own_function(child, name);
                }
                _ => values.push(self.node(child, body)),
            }
        }
        union(values)
    }

    fn class(&mut self, node: Node, name: &str, body: &mut Body) {
        if let Some(heritage) = named_children(node)
            .into_iter()
            .find(|c| c.kind() == "class_heritage")
        {
            self.node(heritage, body);
        }
        let Some(class_body) = node.child_by_field_name("body") else {
            return;
        };
        for member in named_children(class_body) {
            match member.kind() {
                "method_definition" => {
                    let method = member
                        .child_by_field_name("name")
                        .map_or("<method>", |n| self.text(n));
                    self.own_function(member, format!("{name}.{method}"));
                }
                "field_definition" | "public_field_definition" => {
                    let field = member
                        .child_by_field_name("property")
                        .or_else(|| member.child_by_field_name("name"))
                        .map_or("<field>", |n| self.text(n));
                    let Some(value) = member.child_by_field_name("value") else {
                        continue;
                    };
                    let inner = unwrap_transparent(value);
                    if is_function(inner.kind()) {
                        self.own_function(inner, format!("{name}.{field}"));
                    } else {
                        let value = self.node(value, body);
                        body.ops.push(Op::Assign(AssignIr {
                            targets: vec![format!("this.{field}")],
                            value,
                            at: self.at(member),
                        }));
                    }
                }
                "class_static_block" => {
                    self.node(member, body);
                }
                _ => {}
            }
        }
    }

    fn import_statement(&mut self, node: Node) {
        let at = self.at(node);
        let Some(path) = node
            .child_by_field_name("source")
            .and_then(|s| self.string_value(s))
            .or_else(|| {
                // TypeScript `import x = require('y')`.
                named_children(node)
                    .into_iter()
                    .find(|c| c.kind() == "import_require_clause")
                    .and_then(|c| c.child_by_field_name("source"))
                    .and_then(|s| self.string_value(s))
            })
        else {
            return;
        };
        let mut bindings = Vec::new();
        for child in named_children(node) {
            match child.kind() {
                "import_clause" => {
                    for part in named_children(child) {
                        match part.kind() {
                            "identifier" => bindings.push(self.text(part).to_string()),
                            "namespace_import" => bindings.extend(
                                named_children(part)
                                    .into_iter()
                                    .filter(|c| c.kind() == "identifier")
                                    .map(|c| self.text(c).to_string()),
                            ),
                            "named_imports" => {
                                for specifier in named_children(part) {
                                    let local = specifier
                                        .child_by_field_name("alias")
                                        .or_else(|| specifier.child_by_field_name("name"));
                                    if let Some(local) = local {
                                        bindings.push(self.text(local).to_string());
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                }
                "import_require_clause" => bindings.extend(
                    named_children(child)
                        .into_iter()
                        .filter(|c| c.kind() == "identifier")
                        .map(|c| self.text(c).to_string()),
                ),
                _ => {}
            }
        }
        self.push_import(path, bindings, at);
    }

    fn export_statement(&mut self, node: Node, body: &mut Body) {
        if let Some(path) = node
            .child_by_field_name("source")
            .and_then(|s| self.string_value(s))
        {
            self.push_import(path, Vec::new(), self.at(node));
            return;
        }
        if let Some(declaration) = node.child_by_field_name("declaration") {
            self.node(declaration, body);
            return;
        }
        if let Some(value) = node.child_by_field_name("value").or_else(|| {
            named_children(node)
                .into_iter()
                .find(|c| !matches!(c.kind(), "decorator" | "export_clause"))
        }) {
            let inner = unwrap_transparent(value);
            if is_function(inner.kind()) {
                self.own_function(inner, "default".into());
            } else {
                self.node(value, body);
            }
        }
    }

    /// Names a parameter list declares, destructuring flattened.
    fn params(&mut self, function: Node) -> Vec<String> {
        if let Some(single) = function.child_by_field_name("parameter") {
            return self.pattern_names(single);
        }
        let Some(parameters) = function.child_by_field_name("parameters") else {
            return Vec::new();
        };
        named_children(parameters)
            .into_iter()
            .flat_map(|p| self.pattern_names(p))
            .collect()
    }

    /// Variables a binding pattern (or assignment target) writes.
    fn pattern_names(&mut self, node: Node) -> Vec<String> {
        let mut names = Vec::new();
        let mut stack = vec![node];
        while let Some(node) = stack.pop() {
            match node.kind() {
                "identifier" | "shorthand_property_identifier_pattern" => {
                    names.push(self.text(node).to_string())
                }
                "member_expression" => names.push(self.receiver_text(node)),
                "pair_pattern" => stack.extend(node.child_by_field_name("value")),
                "assignment_pattern" | "object_assignment_pattern" => {
                    stack.extend(node.child_by_field_name("left"))
                }
                "required_parameter" | "optional_parameter" => {
                    stack.extend(node.child_by_field_name("pattern"))
                }
                "object_pattern" | "array_pattern" | "rest_pattern" => {
                    let mut children = named_children(node);
                    children.reverse();
                    stack.extend(children);
                }
                _ => {}
            }
        }
        names
    }

    /// A function lowered as its own [`FunctionIr`].
    fn own_function(&mut self, node: Node, name: String) {
        let params = self.params(node);
        let mut body = Body::default();
        if let Some(statements) = node.child_by_field_name("body") {
            if statements.kind() == "statement_block" {
                self.node(statements, &mut body);
            } else {
                let value = self.node(statements, &mut body);
                body.ops.push(Op::Return(value));
            }
        }
        self.functions.push(FunctionIr {
            name,
            params,
            ops: body.ops,
            at: self.at(node),
        });
    }

    /// A callback (or other nested function expression) lowered into `body`; when passed
    /// to call `from`, its parameters first take that call's value.
    fn inline_function(&mut self, node: Node, body: &mut Body, from: Option<CallId>) {
        if let Some(call) = from {
            let params = self.params(node);
            if !params.is_empty() {
                body.ops.push(Op::Assign(AssignIr {
                    targets: params,
                    value: ValueIr {
                        reads: vec![Read::Call(call)],
                    },
                    at: self.at(node),
                }));
            }
        }
        self.inline_body(node, body);
    }

    fn inline_body(&mut self, node: Node, body: &mut Body) {
        let Some(statements) = node.child_by_field_name("body") else {
            return;
        };
        body.callback_depth += 1;
        self.node(statements, body);
        body.callback_depth -= 1;
    }
}

struct CallDraft {
    receiver: Option<String>,
    receiver_value: ValueIr,
    method: String,
    args: Vec<ValueIr>,
    args_text: String,
    at: Location,
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lower_as(path: &str, text: &str) -> SourceIr {
        let catalog = crate::extract::javascript::package_json::test_catalog("{}");
        let input = FileInput::new(path, text.as_bytes(), text, &catalog);
        lower(&input, path.ends_with(".ts") || path.ends_with(".tsx")).expect("lowered")
    }

    fn reads(value: &ValueIr) -> String {
        value
            .reads
            .iter()
            .map(|r| match r {
                Read::Var { name, members } => std::iter::once(name.as_str())
                    .chain(members.iter().map(String::as_str))
                    .collect::<Vec<_>>()
                    .join("."),
                Read::Call(CallId(id)) => format!("#{id}"),
            })
            .collect::<Vec<_>>()
            .join("|")
    }

    /// One line per op: `#id recv.method(a, b) @line`, `x, y = reads @line`, `return reads`.
    fn ops(ir: &SourceIr, function: &str) -> Vec<String> {
        let f = ir
            .functions
            .iter()
            .find(|f| f.name == function)
            .unwrap_or_else(|| panic!("no function {function}: {:?}", names(ir)));
        f.ops
            .iter()
            .map(|op| match op {
                Op::Call(c) => format!(
                    "#{} {}{}({}) @{}",
                    c.id.0,
                    c.receiver
                        .as_ref()
                        .map(|r| format!("{r}."))
                        .unwrap_or_default(),
                    c.method,
                    c.args.iter().map(reads).collect::<Vec<_>>().join(", "),
                    c.at.line
                ),
                Op::Assign(a) => format!(
                    "{} = {} @{}",
                    a.targets.join(", "),
                    reads(&a.value),
                    a.at.line
                ),
                Op::Return(v) => format!("return {}", reads(v)),
            })
            .collect()
    }

    fn names(ir: &SourceIr) -> Vec<String> {
        ir.functions.iter().map(|f| f.name.clone()).collect()
    }

    fn imports(ir: &SourceIr) -> Vec<String> {
        ir.imports
            .iter()
            .map(|i| format!("{} [{}] @{}", i.path, i.bindings.join(","), i.at.line))
            .collect()
    }

    #[test]
    fn esm_imports_record_their_bindings() {
        let ir = lower_as(
            "a.js",
            "import analytics from '@segment/analytics-react-native';\n\
             import * as Location from 'expo-location';\n\
             import { track as t, init } from \"mixpanel\";\n\
             import Def, { named } from 'both';\n\
             import 'side-effect';\n",
        );
        assert_eq!(
            imports(&ir),
            vec![
                "@segment/analytics-react-native [analytics] @1",
                "expo-location [Location] @2",
                "mixpanel [t,init] @3",
                "both [Def,named] @4",
                "side-effect [] @5",
            ]
        );
    }

    #[test]
    fn require_dynamic_import_and_export_from_are_imports() {
        let ir = lower_as(
            "a.js",
            "const appsFlyer = require('react-native-appsflyer');\n\
             const { logEvent } = require('firebase/analytics').default;\n\
             async function later() { const m = await import('posthog-js'); }\n\
             export { x } from 'reexported';\n\
             export * from 'everything';\n\
             require('bare').init();\n",
        );
        assert_eq!(
            imports(&ir),
            vec![
                "react-native-appsflyer [appsFlyer] @1",
                "firebase/analytics [logEvent] @2",
                "posthog-js [m] @3",
                "reexported [] @4",
                "everything [] @5",
                "bare [] @6",
            ]
        );
        assert_eq!(ops(&ir, "<top>"), vec!["#0 require('bare').init() @6"]);
    }

    #[test]
    fn typescript_import_equals_require() {
        let ir = lower_as("a.ts", "import Branch = require('react-native-branch');\n");
        assert_eq!(imports(&ir), vec!["react-native-branch [Branch] @1"]);
    }

    #[test]
    fn awaited_location_flows_through_object_literal_into_track_call() {
        let ir = lower_as(
            "src/App.tsx",
            "import * as Location from 'expo-location';\n\
             export async function report(): Promise<void> {\n\
             \x20 const pos = await Location.getCurrentPositionAsync({ accuracy: Location.Accuracy.High });\n\
             \x20 const { coords } = pos;\n\
             \x20 analytics.track('seen', { lat: coords.latitude, lng: pos.coords?.longitude });\n\
             }\n",
        );
        assert_eq!(
            ops(&ir, "report"),
            vec![
                "#0 Location.getCurrentPositionAsync(Location.Accuracy.High) @3",
                "pos = #0 @3",
                "coords = pos @4",
                "#1 analytics.track(, coords.latitude|pos.coords.longitude) @5",
            ]
        );
        let call = ir.calls().next().unwrap().1;
        assert_eq!(call.receiver.as_deref(), Some("Location"));
        assert_eq!(call.args_text, "{ accuracy: Location.Accuracy.High }");
        assert_eq!(call.at.column, 21);
    }

    #[test]
    fn then_callbacks_are_inline_with_their_parameters_assigned() {
        let ir = lower_as(
            "a.js",
            "navigator.geolocation.getCurrentPosition(function (pos) {\n\
             \x20 gtag('event', 'near', { lat: pos.coords.latitude });\n\
             }, (err) => console.log(err));\n\
             Location.getCurrentPositionAsync().then(({ coords }) => send(`${coords.latitude}`));\n",
        );
        assert_eq!(
            ops(&ir, "<top>"),
            vec![
                "#0 navigator.geolocation.getCurrentPosition(, ) @1",
                "pos = #0 @1",
                "#1 gtag(, , pos.coords.latitude) @2",
                "err = #0 @3",
                "#2 console.log(err) @3",
                "#3 Location.getCurrentPositionAsync() @4",
                "#4 Location.getCurrentPositionAsync().then() @4",
                "coords = #4 @4",
                "#5 send(coords.latitude) @4",
            ]
        );
        let then = ir.calls().find(|(_, c)| c.method == "then").unwrap().1;
        assert_eq!(reads(&then.receiver_value), "#3");
        assert_eq!(names(&ir), vec!["<top>"]);
    }

    #[test]
    fn functions_methods_and_arrows_are_their_own_functions() {
        let ir = lower_as(
            "a.jsx",
            "function a(x) { return x.y; }\n\
             const b = async ({ id }, [first], ...rest) => id;\n\
             class Tracker extends Base {\n\
             \x20 field = makeField();\n\
             \x20 onPress = () => this.send();\n\
             \x20 send(v = 1) { sdk.log(v); }\n\
             }\n\
             const handlers = { onTap(e) {}, onHold: function () {} };\n\
             export default () => <View onPress={() => track(loc)} />;\n",
        );
        assert_eq!(
            names(&ir),
            vec![
                "<top>",
                "a",
                "b",
                "Tracker.onPress",
                "Tracker.send",
                "onTap",
                "onHold",
                "default"
            ]
        );
        let a = &ir.functions[1];
        assert_eq!(a.params, vec!["x"]);
        assert_eq!(ops(&ir, "a"), vec!["return x.y"]);
        assert_eq!(ir.functions[2].params, vec!["id", "first", "rest"]);
        assert_eq!(ops(&ir, "b"), vec!["return id"]);
        assert_eq!(ir.functions[4].params, vec!["v"]);
        assert_eq!(ops(&ir, "Tracker.send"), vec!["#2 sdk.log(v) @6"]);
        assert_eq!(
            ops(&ir, "<top>"),
            vec!["#0 makeField() @4", "this.field = #0 @4", "handlers =  @8"]
        );
        // The JSX handler is inline in the component: it sees the component's variables.
        assert_eq!(ops(&ir, "default"), vec!["#3 track(loc) @9", "return "]);
    }

    #[test]
    fn new_member_assignment_and_comparisons() {
        let ir = lower_as(
            "a.js",
            "const client = new Segment.Client(key, { flushAt: 1 });\n\
             client.userLocation = pos.coords;\n\
             if (pos.coords.accuracy < 100 && !hidden) { ok(pos.coords.accuracy > 5); }\n\
             const label = pos ? `at ${pos.coords.latitude}` : 'none';\n\
             const kind = typeof pos;\n",
        );
        assert_eq!(
            ops(&ir, "<top>"),
            vec![
                "#0 Segment.Client(key, ) @1",
                "client = #0 @1",
                "#1 client.userLocation(pos.coords) @2",
                "#2 ok() @3",
                "label = pos.coords.latitude @4",
                "kind =  @5",
            ]
        );
        let call = ir.calls().nth(1).unwrap().1;
        assert_eq!(call.args_text, "pos.coords");
    }

    #[test]
    fn subscripts_spreads_and_chains() {
        let ir = lower_as(
            "a.js",
            "payload['lat'] = loc.coords[\"latitude\"];\n\
             send({ ...payload, extra }, list[i].name);\n\
             AppsFlyer.getInstance().logEvent('e', data);\n",
        );
        assert_eq!(
            ops(&ir, "<top>"),
            vec![
                "payload = payload|loc.coords.latitude @1",
                "#0 send(payload|extra, list.name) @2",
                "#1 AppsFlyer.getInstance() @3",
                "#2 AppsFlyer.getInstance().logEvent(, data) @3",
            ]
        );
    }

    #[test]
    fn comments_and_strings_produce_nothing() {
        let ir = lower_as(
            "a.js",
            "// fbq('track', 'Purchase');\n/* gtag('event') */\nconst s = \"fbq('init')\";\n",
        );
        assert_eq!(ops(&ir, "<top>"), vec!["s =  @3"]);
        assert!(ir.imports.is_empty());
    }

    #[test]
    fn immediately_invoked_function_binds_its_arguments() {
        let ir = lower_as(
            "a.js",
            "!function (f, b) { if (f.fbq) return; f.fbq = queue; }(window, document);\n",
        );
        assert_eq!(
            ops(&ir, "<top>"),
            vec!["f, b = window|document @1", "#0 f.fbq(queue) @1"]
        );
    }

    #[test]
    fn callbacks_returning_values_do_not_return_from_the_enclosing_function() {
        let ir = lower_as(
            "a.ts",
            "function outer(): number {\n  items.map((x: Item) => { return x.id; });\n  return 1;\n}\n",
        );
        assert_eq!(
            ops(&ir, "outer"),
            vec!["#0 items.map() @2", "x = #0 @2", "return "]
        );
    }

    #[test]
    fn typescript_casts_are_transparent() {
        let ir = lower_as(
            "a.ts",
            "const p = (await getPos() as Position)!;\nconst q = <Position>other;\nsink(p satisfies Position, q);\n",
        );
        assert_eq!(
            ops(&ir, "<top>"),
            vec![
                "#0 getPos() @1",
                "p = #0 @1",
                "q = other @2",
                "#1 sink(p, q) @3"
            ]
        );
    }

    #[test]
    fn tsx_is_chosen_for_tsx_files() {
        assert_eq!(Dialect::for_path("a/App.tsx", true), Dialect::Tsx);
        assert_eq!(Dialect::for_path("a/app.ts", true), Dialect::TypeScript);
        assert_eq!(Dialect::for_path("a/app.jsx", false), Dialect::JavaScript);
        let ir = lower_as(
            "App.tsx",
            "export const App = () => <Button onPress={() => Analytics.track('tap')} />;\n",
        );
        assert_eq!(ops(&ir, "App"), vec!["#0 Analytics.track() @1", "return "]);
    }

    #[test]
    fn minified_and_bundled_files_are_skipped() {
        assert!(
            bundled_reason("web/vendor/gtag.min.js", "x")
                .is_some_and(|r| r.starts_with(SKIPPED_PREFIX))
        );
        let long_line = format!("var a = 1;\n{}\n", "x".repeat(MAX_LINE_BYTES + 1));
        assert_eq!(
            bundled_reason("dist/main.js", &long_line).as_deref(),
            Some("skipped: minified or bundled code (line of 10001 bytes)")
        );
        assert_eq!(bundled_reason("src/a.js", "const a = 1;\n"), None);
        let catalog = crate::extract::javascript::package_json::test_catalog("{}");
        let input = FileInput::new("dist/main.js", long_line.as_bytes(), &long_line, &catalog);
        assert!(lower(&input, false).is_err());
    }

    #[test]
    fn deep_nesting_and_broken_code_do_not_panic() {
        let deep = format!("x = {}1{};", "[\n".repeat(5000), "]\n".repeat(5000));
        let ir = lower_as("deep.js", &deep);
        assert_eq!(ir.functions.len(), 1);
        let sum = format!("y = {};", vec!["a"; 3000].join(" +\n"));
        lower_as("sum.js", &sum);
        let broken = lower_as(
            "broken.js",
            "const a = ;\nfunction f( {\n}\nanalytics.track(pos);\n",
        );
        assert!(broken.calls().any(|(_, c)| c.method == "track"));
    }

    /// `(sdk, capability, sink line)` of every flow the full pipeline finds in `text`.
    use crate::extract::test_flows as flows;

    #[test]
    fn first_party_analytics_wrapper_is_not_an_sdk_sink() {
        let source = "import { analytics } from './lib/analytics';\n\
            navigator.geolocation.getCurrentPosition((p) => {\n\
              analytics.track('stamp', { lat: p.coords.latitude });\n\
            });\n";
        assert_eq!(
            flows(crate::walk::FileKind::TypeScript, "src/main.ts", source),
            vec![]
        );
        // The same call on the Segment SDK is a flow.
        let sdk = source.replace("'./lib/analytics'", "'@segment/analytics-next'");
        assert_eq!(
            flows(crate::walk::FileKind::TypeScript, "src/main.ts", &sdk),
            vec![("segment".to_string(), "location".to_string(), 3)]
        );
    }

    #[test]
    fn generic_collection_verbs_need_a_receiver_naming_the_sdk() {
        let source = "import mixpanel from 'mixpanel-browser';\n\
            navigator.geolocation.getCurrentPosition((p) => {\n\
              const params = new URLSearchParams();\n\
              params.set('lat', p.coords.latitude);\n\
              mixpanel.set('lat', p.coords.latitude);\n\
            });\n";
        assert_eq!(
            flows(crate::walk::FileKind::JavaScript, "src/main.js", source),
            vec![("mixpanel".to_string(), "location".to_string(), 5)]
        );
    }

    #[test]
    fn this_method_call_hops_into_the_class_method() {
        let source = "import posthog from 'posthog-js';\n\
            class Tracker {\n\
              report(coords) {\n\
                posthog.capture('fix', { lat: coords.latitude });\n\
              }\n\
              start() {\n\
                navigator.geolocation.getCurrentPosition((p) => this.report(p.coords));\n\
              }\n\
            }\n";
        assert_eq!(
            flows(crate::walk::FileKind::JavaScript, "src/tracker.js", source),
            vec![("posthog".to_string(), "location".to_string(), 4)]
        );
    }
}
