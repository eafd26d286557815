//! JavaScript / TypeScript (with JSX) → [`SourceIr`].
//!
//! The lowering follows the rules of [`crate::extract::ir::lowering`]; JavaScript
//! specifics:
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
use crate::extract::ir::lowering::{Builder, FunctionOrder, call_value, union, var};
use crate::extract::ir::lowering::{argument_list_text, collapse};
use crate::extract::ir::{AssignIr, CallId, Op, SourceIr, ValueIr};
use crate::extract::treesitter;
use crate::model::Location;

/// A line longer than this is minified or generated code.
pub const MAX_LINE_BYTES: usize = 10_000;
/// A source file larger than this is a bundle.
pub const MAX_FILE_BYTES: usize = 2 * 1024 * 1024;
/// Recursion beyond this is not lowered but reported (PL900). The parse already refuses
/// deeper trees, so this guard is a backstop.
const MAX_DEPTH: u32 = treesitter::MAX_TREE_DEPTH as u32;

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
        b: Builder::new(path, text),
        depth: 0,
        too_deep: false,
        callback_depth: 0,
    };
    lowerer.node(tree.root_node());
    if lowerer.too_deep {
        return Err(treesitter::too_deep());
    }
    Ok(lowerer.b.finish(FunctionOrder::Closed))
}

struct Lowerer<'a> {
    b: Builder<'a>,
    depth: u32,
    /// The depth guard stopped a walk: the file is reported, never silently cut.
    too_deep: bool,
    /// Inside an inline callback, `return` belongs to the callback, not the function
    /// being lowered.
    callback_depth: u32,
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
        self.b.text(node)
    }

    fn at(&self, node: Node) -> Location {
        self.b.loc(node)
    }

    /// Text with whitespace removed and optional chaining read as plain member access.
    fn receiver_text(&self, node: Node) -> String {
        treesitter::compact(node, self.b.text).replace("?.", ".")
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

    /// Lower any node: statements push ops and yield nothing; expressions push the ops
    /// of their calls and yield what they read.
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
            "member_expression" | "subscript_expression" => self.member(node),
            "call_expression" => self.call(node),
            "new_expression" => self.new_expression(node),
            "assignment_expression" => self.assignment(node),
            "augmented_assignment_expression" => self.augmented_assignment(node),
            "await_expression"
            | "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "type_assertion"
            | "yield_expression"
            | "spread_element"
            | "update_expression" => match first_expression_child(node) {
                Some(inner) => self.node(inner),
                None => ValueIr::default(),
            },
            "binary_expression" => {
                let operator = node
                    .child_by_field_name("operator")
                    .map_or("", |o| self.text(o));
                let left = node
                    .child_by_field_name("left")
                    .map(|l| self.node(l))
                    .unwrap_or_default();
                let right = node
                    .child_by_field_name("right")
                    .map(|r| self.node(r))
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
                    .map(|a| self.node(a))
                    .unwrap_or_default();
                if matches!(operator, "!" | "typeof" | "void" | "delete") {
                    ValueIr::default()
                } else {
                    value
                }
            }
            "ternary_expression" => {
                if let Some(condition) = node.child_by_field_name("condition") {
                    self.node(condition);
                }
                let consequence = node
                    .child_by_field_name("consequence")
                    .map(|c| self.node(c))
                    .unwrap_or_default();
                let alternative = node
                    .child_by_field_name("alternative")
                    .map(|a| self.node(a))
                    .unwrap_or_default();
                union([consequence, alternative])
            }
            "sequence_expression" => {
                let mut last = ValueIr::default();
                for child in named_children(node) {
                    last = self.node(child);
                }
                last
            }
            "object" => self.object(node),
            _ if is_function(kind) => {
                self.inline_function(node, None);
                ValueIr::default()
            }
            "class" | "class_declaration" | "abstract_class_declaration" => {
                let name = node
                    .child_by_field_name("name")
                    .map_or("<class>", |n| self.text(n))
                    .to_string();
                self.class(node, &name);
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
                    self.node(child);
                }
                ValueIr::default()
            }
            "import_statement" => {
                self.import_statement(node);
                ValueIr::default()
            }
            "export_statement" => {
                self.export_statement(node);
                ValueIr::default()
            }
            "lexical_declaration" | "variable_declaration" => {
                for declarator in named_children(node) {
                    if declarator.kind() == "variable_declarator" {
                        self.declarator(declarator);
                    }
                }
                ValueIr::default()
            }
            "return_statement" => {
                if let Some(child) = first_expression_child(node) {
                    let value = self.node(child);
                    if self.callback_depth == 0 {
                        self.b.op(Op::Return(value));
                    }
                }
                ValueIr::default()
            }
            "for_in_statement" => {
                let value = node
                    .child_by_field_name("right")
                    .map(|r| self.node(r))
                    .unwrap_or_default();
                if let Some(left) = node.child_by_field_name("left") {
                    let targets = self.pattern_names(left);
                    if !targets.is_empty() {
                        self.b.op(Op::Assign(AssignIr {
                            targets,
                            value,
                            at: self.at(left),
                        }));
                    }
                }
                if let Some(statement) = node.child_by_field_name("body") {
                    self.node(statement);
                }
                ValueIr::default()
            }
            "template_string" => union(
                named_children(node)
                    .into_iter()
                    .filter(|c| c.kind() == "template_substitution")
                    .map(|c| self.node(c))
                    .collect::<Vec<_>>(),
            ),
            "expression_statement" => {
                for child in named_children(node) {
                    self.node(child);
                }
                ValueIr::default()
            }
            // Catch clauses, statement blocks, loops, JSX expressions, template
            // substitutions, ERROR nodes…: whatever their children read.
            _ => {
                let values: Vec<ValueIr> = named_children(node)
                    .into_iter()
                    .map(|c| self.node(c))
                    .collect();
                union(values)
            }
        }
    }

    /// `a.b.c`, `a?.b['c']`, `f().x`: a variable with its member path, or what the base
    /// expression reads.
    fn member(&mut self, node: Node) -> ValueIr {
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
                                self.node(index);
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
            _ => self.node(current),
        }
    }

    fn lower_arguments<'t>(
        &mut self,
        arguments: Option<Node<'t>>,
    ) -> (Vec<ValueIr>, String, Vec<Node<'t>>) {
        let mut args = Vec::new();
        let mut callbacks = Vec::new();
        let Some(arguments) = arguments else {
            return (args, String::new(), callbacks);
        };
        if arguments.kind() == "template_string" {
            // A tagged template: its substitutions are the arguments.
            let value = self.node(arguments);
            return (vec![value], collapse(self.text(arguments)), callbacks);
        }
        for argument in named_children(arguments) {
            if is_function(argument.kind()) {
                callbacks.push(argument);
                args.push(ValueIr::default());
            } else {
                args.push(self.node(argument));
            }
        }
        (args, argument_list_text(self.text(arguments)), callbacks)
    }

    fn call(&mut self, node: Node) -> ValueIr {
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
            let (args, _, callbacks) = self.lower_arguments(node.child_by_field_name("arguments"));
            for callback in callbacks {
                self.inline_function(callback, None);
            }
            let params = self.params(callee);
            if !params.is_empty() {
                self.b.op(Op::Assign(AssignIr {
                    targets: params,
                    value: union(args),
                    at: at.clone(),
                }));
            }
            self.inline_body(callee);
            return ValueIr::default();
        }
        let (receiver, receiver_value, method) = match callee.kind() {
            "member_expression" => self.member_callee(callee),
            "identifier" => (None, ValueIr::default(), self.text(callee).to_string()),
            _ => {
                let receiver_value = self.node(callee);
                (None, receiver_value, self.receiver_text(callee))
            }
        };
        self.call_with_arguments(node, at, receiver, receiver_value, method)
    }

    /// Lower the `arguments` of a call or `new` and emit the call to `method`.
    fn call_with_arguments(
        &mut self,
        node: Node,
        at: Location,
        receiver: Option<String>,
        receiver_value: ValueIr,
        method: String,
    ) -> ValueIr {
        let (args, args_text, callbacks) =
            self.lower_arguments(node.child_by_field_name("arguments"));
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
        )
    }

    /// `object.property` as the callee of a call or `new`: the receiver's text, what it
    /// reads, and the method name.
    fn member_callee(&mut self, callee: Node) -> (Option<String>, ValueIr, String) {
        let object = callee.child_by_field_name("object");
        let receiver_value = object.map(|o| self.node(o)).unwrap_or_default();
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

    fn new_expression(&mut self, node: Node) -> ValueIr {
        let at = self.at(node);
        let Some(constructor) = node.child_by_field_name("constructor") else {
            return ValueIr::default();
        };
        let (receiver, receiver_value, method) = match constructor.kind() {
            "member_expression" => self.member_callee(constructor),
            _ => (None, ValueIr::default(), self.receiver_text(constructor)),
        };
        self.call_with_arguments(node, at, receiver, receiver_value, method)
    }

    fn emit_call(&mut self, draft: CallDraft, callbacks: Vec<Node>) -> ValueIr {
        let id = self.b.call(
            draft.receiver,
            draft.receiver_value,
            &draft.method,
            draft.args,
            draft.args_text,
            draft.at,
        );
        for callback in callbacks {
            self.inline_function(callback, Some(id));
        }
        call_value(id)
    }

    fn object(&mut self, node: Node) -> ValueIr {
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
                            values.push(self.node(value));
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
                _ => values.push(self.node(child)),
            }
        }
        union(values)
    }

    fn class(&mut self, node: Node, name: &str) {
        if let Some(heritage) = named_children(node)
            .into_iter()
            .find(|c| c.kind() == "class_heritage")
        {
            self.node(heritage);
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
                        let value = self.node(value);
                        self.b.op(Op::Assign(AssignIr {
                            targets: vec![format!("this.{field}")],
                            value,
                            at: self.at(member),
                        }));
                    }
                }
                "class_static_block" => {
                    self.node(member);
                }
                _ => {}
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
        let at = self.at(node);
        self.b.begin(name, params, at);
        let callback_depth = std::mem::take(&mut self.callback_depth);
        if let Some(statements) = node.child_by_field_name("body") {
            if statements.kind() == "statement_block" {
                self.node(statements);
            } else {
                let value = self.node(statements);
                self.b.op(Op::Return(value));
            }
        }
        self.callback_depth = callback_depth;
        self.b.end();
    }

    /// A callback (or other nested function expression) lowered into `body`; when passed
    /// to call `from`, its parameters first take that call's value.
    fn inline_function(&mut self, node: Node, from: Option<CallId>) {
        if let Some(call) = from {
            let params = self.params(node);
            let at = self.at(node);
            self.b.bind_callback(params, call, at);
        }
        self.inline_body(node);
    }

    fn inline_body(&mut self, node: Node) {
        let Some(statements) = node.child_by_field_name("body") else {
            return;
        };
        self.callback_depth += 1;
        self.node(statements);
        self.callback_depth -= 1;
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

mod assignments;
mod modules;
#[cfg(test)]
mod tests;
