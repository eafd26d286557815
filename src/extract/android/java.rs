//! Java lowering: tree-sitter-java tree → [`SourceIr`], following the rules of `ir.rs`
//! with the same choices as the Kotlin lowering (`kotlin.rs`) where they apply:
//! - imports: `import a.b.C;` (binding `C`), `import a.b.*;`, `import static a.b.C.m;`
//!   (binding `m`), `import static a.b.C.*;`; package-qualified class references in code
//!   (`com.appsflyer.AppsFlyerLib.getInstance()`, `new com.foo.Bar()`, `com.foo.Bar x`)
//!   are `Import`s with `qualified_reference: true` and read nothing;
//! - one `FunctionIr` per method, constructor (named after the class), `static { }`
//!   (`static`), instance initializer (`init`) and field (its initializer), plus `<top>`;
//! - `new T(args)` is a call of method `T` (a nested `new A.B()` has receiver `A`);
//! - lambdas and anonymous classes passed as arguments are callbacks of the enclosing
//!   call: after it, `Assign { targets: params, value: Read::Call(call) }`, then the body
//!   (for an anonymous class, each method in turn: `onSuccess(Location location)` binds
//!   `location`). An anonymous class that is not an argument binds its methods'
//!   parameters to its own constructor call;
//! - `a.b.c = v` is a call of `c` on `a.b` with argument `v`; `x[i] = v` and `x += v`
//!   assign `x` from `v` and its old value; `for (T x : xs)` assigns `x` from `xs`;
//! - `r.read(buf, …)` (also `readFully`) fills its first argument: after the call,
//!   `buf` is assigned from the call and its old value (an `AudioRecord` buffer);
//! - comparisons, `instanceof` and `!` are lowered for their calls but read nothing, nor
//!   does a count field of a call's result (`cursor.getColumnNames().length`).

use tree_sitter::Node;

use crate::extract::FileInput;
use crate::extract::android::kotlin::{
    Builder, COUNT_MEMBERS, FILLING_READS, call_value, children, collapse, is_comment,
    named_children, qualified_class_len, union, var,
};
use crate::extract::ir::{CallId, Op, SourceIr, ValueIr};
use crate::extract::treesitter;

pub fn lower(input: &FileInput) -> Result<SourceIr, String> {
    let language = tree_sitter_java::LANGUAGE.into();
    let tree = treesitter::parse(&language, input.text)?;
    let mut lowering = Lowering {
        b: Builder::new(input.path, input.text),
    };
    lowering.file(tree.root_node());
    Ok(lowering.b.finish())
}

struct Lowering<'a> {
    b: Builder<'a>,
}

impl Lowering<'_> {
    fn file(&mut self, root: Node) {
        for child in named_children(root) {
            match child.kind() {
                "package_declaration" | "module_declaration" => {}
                "import_declaration" => self.import(child),
                _ => self.member(child),
            }
        }
    }

    fn import(&mut self, node: Node) {
        let Some(path_node) = named_children(node)
            .into_iter()
            .find(|n| n.kind() == "scoped_identifier" || n.kind() == "identifier")
        else {
            return;
        };
        let path = treesitter::compact(path_node, self.b.text);
        let wildcard = named_children(node).iter().any(|n| n.kind() == "asterisk");
        let at = self.b.loc(node);
        if wildcard {
            self.b.import(format!("{path}.*"), Vec::new(), false, at);
        } else {
            let binding = path.rsplit('.').next().unwrap_or("").to_string();
            self.b.import(path, vec![binding], false, at);
        }
    }

    /// A type member (or top-level declaration); anything else goes to the current
    /// function.
    fn member(&mut self, node: Node) {
        match node.kind() {
            "class_declaration"
            | "interface_declaration"
            | "enum_declaration"
            | "record_declaration"
            | "annotation_type_declaration" => self.type_body(node),
            "method_declaration"
            | "constructor_declaration"
            | "compact_constructor_declaration" => self.method(node),
            "field_declaration" | "constant_declaration" => {
                let name = named_children(node)
                    .into_iter()
                    .find(|n| n.kind() == "variable_declarator")
                    .and_then(|d| d.child_by_field_name("name"))
                    .map_or("<field>", |n| self.b.text(n))
                    .to_string();
                self.b.begin(&name, Vec::new(), node);
                self.declarators(node);
                self.b.end();
            }
            "static_initializer" => {
                self.b.begin("static", Vec::new(), node);
                for child in named_children(node) {
                    self.statement(child);
                }
                self.b.end();
            }
            "block" => {
                self.b.begin("init", Vec::new(), node);
                self.statement(node);
                self.b.end();
            }
            "modifiers" | "enum_constant" => {}
            _ if is_comment(node) => {}
            _ => self.statement(node),
        }
    }

    fn type_body(&mut self, node: Node) {
        let Some(body) = node.child_by_field_name("body") else {
            return;
        };
        for member in named_children(body) {
            if member.kind() == "enum_body_declarations" {
                for inner in named_children(member) {
                    self.member(inner);
                }
            } else {
                self.member(member);
            }
        }
    }

    fn parameters(&self, node: Option<Node>) -> Vec<String> {
        let Some(node) = node else {
            return Vec::new();
        };
        match node.kind() {
            "identifier" => vec![self.b.text(node).to_string()],
            "formal_parameters" | "inferred_parameters" => named_children(node)
                .into_iter()
                .filter_map(|p| match p.kind() {
                    "identifier" => Some(self.b.text(p).to_string()),
                    "formal_parameter" => p
                        .child_by_field_name("name")
                        .map(|n| self.b.text(n).to_string()),
                    "spread_parameter" => named_children(p)
                        .into_iter()
                        .find(|n| n.kind() == "variable_declarator")
                        .and_then(|d| d.child_by_field_name("name"))
                        .map(|n| self.b.text(n).to_string()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    fn method(&mut self, node: Node) {
        let name = node
            .child_by_field_name("name")
            .map_or("<method>", |n| self.b.text(n))
            .to_string();
        let params = self.parameters(node.child_by_field_name("parameters"));
        self.b.begin(&name, params, node);
        if let Some(body) = node.child_by_field_name("body") {
            self.statement(body);
        }
        self.b.end();
    }

    /// `T a = x, b = y;` → one `Assign` per declarator with a value.
    fn declarators(&mut self, node: Node) {
        for declarator in named_children(node) {
            if declarator.kind() != "variable_declarator" {
                continue;
            }
            let (Some(name), Some(value)) = (
                declarator.child_by_field_name("name"),
                declarator.child_by_field_name("value"),
            ) else {
                continue;
            };
            let value = self.expr(value);
            let target = self.b.text(name).to_string();
            let at = self.b.loc(declarator);
            self.b.assign(vec![target], value, at);
        }
    }

    fn statement(&mut self, node: Node) {
        match node.kind() {
            "block"
            | "constructor_body"
            | "switch_block"
            | "switch_block_statement_group"
            | "labeled_statement"
            | "synchronized_statement"
            | "do_statement"
            | "while_statement"
            | "for_statement"
            | "try_statement"
            | "catch_clause"
            | "finally_clause"
            | "expression_statement"
            | "throw_statement"
            | "yield_statement"
            | "switch_rule" => {
                for child in named_children(node) {
                    match child.kind() {
                        // Loop and switch conditions are compared, not passed on.
                        "parenthesized_expression" | "condition" => {
                            self.expr(child);
                        }
                        _ => self.statement(child),
                    }
                }
            }
            "local_variable_declaration" => self.declarators(node),
            "try_with_resources_statement" => {
                for child in named_children(node) {
                    if child.kind() == "resource_specification" {
                        for resource in named_children(child) {
                            self.resource(resource);
                        }
                    } else {
                        self.statement(child);
                    }
                }
            }
            "enhanced_for_statement" => {
                let target = node
                    .child_by_field_name("name")
                    .map(|n| self.b.text(n).to_string());
                if let Some(value) = node.child_by_field_name("value") {
                    let value = self.expr(value);
                    let at = self.b.loc(node);
                    self.b.assign(target.into_iter().collect(), value, at);
                }
                if let Some(body) = node.child_by_field_name("body") {
                    self.statement(body);
                }
            }
            "if_statement" => {
                if let Some(condition) = node.child_by_field_name("condition") {
                    self.expr(condition);
                }
                for field in ["consequence", "alternative"] {
                    if let Some(branch) = node.child_by_field_name(field) {
                        self.statement(branch);
                    }
                }
            }
            "return_statement" => {
                let value = union(
                    named_children(node)
                        .into_iter()
                        .map(|n| self.expr(n))
                        .collect::<Vec<_>>(),
                );
                self.b.op(Op::Return(value));
            }
            "class_declaration"
            | "interface_declaration"
            | "enum_declaration"
            | "record_declaration" => self.type_body(node),
            "catch_formal_parameter" | "modifiers" | "label" => {}
            _ if is_comment(node) => {}
            _ => {
                self.expr(node);
            }
        }
    }

    fn resource(&mut self, resource: Node) {
        match (
            resource.child_by_field_name("name"),
            resource.child_by_field_name("value"),
        ) {
            (Some(name), Some(value)) => {
                let value = self.expr(value);
                let target = self.b.text(name).to_string();
                let at = self.b.loc(resource);
                self.b.assign(vec![target], value, at);
            }
            _ => {
                self.expr(resource);
            }
        }
    }

    fn expr(&mut self, node: Node) -> ValueIr {
        match node.kind() {
            "identifier" => var(self.b.text(node), Vec::new()),
            "this" => var("this", Vec::new()),
            "field_access" => self.field_access(node),
            "method_invocation" => self.method_invocation(node),
            "object_creation_expression" => {
                let id = self.object_creation(node);
                // Not an argument: its methods bind their parameters to its own creation.
                if let Some(body) = anonymous_body(node) {
                    self.anonymous_methods(body, id);
                }
                call_value(id)
            }
            "assignment_expression" => {
                self.assignment(node);
                ValueIr::default()
            }
            "binary_expression" => {
                let operator = node
                    .child_by_field_name("operator")
                    .map_or("", |op| op.kind());
                let left = node.child_by_field_name("left").map(|n| self.expr(n));
                let right = node.child_by_field_name("right").map(|n| self.expr(n));
                if matches!(
                    operator,
                    "==" | "!=" | "<" | ">" | "<=" | ">=" | "&&" | "||"
                ) {
                    ValueIr::default()
                } else {
                    union(left.into_iter().chain(right))
                }
            }
            "unary_expression" => {
                let not = node
                    .child_by_field_name("operator")
                    .is_some_and(|op| op.kind() == "!");
                let value = node
                    .child_by_field_name("operand")
                    .map(|o| self.expr(o))
                    .unwrap_or_default();
                if not { ValueIr::default() } else { value }
            }
            "instanceof_expression" => {
                if let Some(left) = node.child_by_field_name("left") {
                    self.expr(left);
                }
                ValueIr::default()
            }
            "ternary_expression" => {
                if let Some(condition) = node.child_by_field_name("condition") {
                    self.expr(condition);
                }
                let values: Vec<ValueIr> = ["consequence", "alternative"]
                    .iter()
                    .filter_map(|f| node.child_by_field_name(f))
                    .map(|n| self.expr(n))
                    .collect();
                union(values)
            }
            "cast_expression" => node
                .child_by_field_name("value")
                .map(|v| self.expr(v))
                .unwrap_or_default(),
            "lambda_expression" => {
                self.lambda(node, None);
                ValueIr::default()
            }
            "switch_expression" => {
                if let Some(condition) = node.child_by_field_name("condition") {
                    self.expr(condition);
                }
                if let Some(body) = node.child_by_field_name("body") {
                    self.statement(body);
                }
                ValueIr::default()
            }
            "string_literal"
            | "text_block"
            | "character_literal"
            | "true"
            | "false"
            | "null_literal"
            | "class_literal"
            | "method_reference"
            | "super"
            | "decimal_integer_literal"
            | "hex_integer_literal"
            | "octal_integer_literal"
            | "binary_integer_literal"
            | "decimal_floating_point_literal"
            | "hex_floating_point_literal"
            | "type_identifier"
            | "scoped_type_identifier"
            | "generic_type"
            | "integral_type"
            | "floating_point_type"
            | "boolean_type"
            | "array_type"
            | "dimensions"
            | "marker_annotation"
            | "annotation" => {
                self.qualified_types(node);
                ValueIr::default()
            }
            "local_variable_declaration"
            | "block"
            | "expression_statement"
            | "return_statement"
            | "if_statement" => {
                self.statement(node);
                ValueIr::default()
            }
            _ if is_comment(node) => ValueIr::default(),
            // parenthesized, array access/creation/initializer, update, ERROR, …
            _ => union(
                named_children(node)
                    .into_iter()
                    .map(|n| self.expr(n))
                    .collect::<Vec<_>>(),
            ),
        }
    }

    /// Record package-qualified type names (`com.foo.Bar x`, generic arguments).
    fn qualified_types(&mut self, node: Node) {
        for n in treesitter::descendants(node) {
            if n.kind() == "scoped_type_identifier"
                && n.parent()
                    .is_none_or(|p| p.kind() != "scoped_type_identifier")
            {
                let text = treesitter::compact(n, self.b.text);
                let plain: String = strip_type_arguments(&text);
                let names: Vec<&str> = plain.split('.').collect();
                if let Some(len) = qualified_class_len(&names) {
                    let at = self.b.loc(n);
                    self.b.import(names[..len].join("."), Vec::new(), true, at);
                }
            }
        }
    }

    /// Flatten a `field_access`/`identifier` chain: base node and field names.
    fn chain<'t>(&self, node: Node<'t>) -> (Node<'t>, Vec<String>) {
        let mut fields = Vec::new();
        let mut current = node;
        while current.kind() == "field_access" {
            let (Some(object), Some(field)) = (
                current.child_by_field_name("object"),
                current.child_by_field_name("field"),
            ) else {
                break;
            };
            fields.push(self.b.text(field).to_string());
            current = object;
        }
        fields.reverse();
        (current, fields)
    }

    /// Record a package-qualified class reference; `true` when the chain is one.
    fn qualified_reference(&mut self, node: Node) -> bool {
        if node.kind() != "field_access" && node.kind() != "identifier" {
            return false;
        }
        let (base, fields) = self.chain(node);
        if base.kind() != "identifier" {
            return false;
        }
        let mut names = vec![self.b.text(base)];
        names.extend(fields.iter().map(String::as_str));
        let Some(len) = qualified_class_len(&names) else {
            return false;
        };
        let path = names[..len].join(".");
        let at = self.b.loc(base);
        self.b.import(path, Vec::new(), true, at);
        true
    }

    fn field_access(&mut self, node: Node) -> ValueIr {
        if self.qualified_reference(node) {
            return ValueIr::default();
        }
        let (base, fields) = self.chain(node);
        match base.kind() {
            "identifier" => var(self.b.text(base), fields),
            "this" => var("this", fields),
            _ => {
                let value = self.expr(base);
                // `cursor.getColumnNames().length`: a count of a call's result.
                if fields.iter().any(|f| COUNT_MEMBERS.contains(&f.as_str())) {
                    ValueIr::default()
                } else {
                    value
                }
            }
        }
    }

    fn receiver_value(&mut self, object: Node) -> ValueIr {
        if self.qualified_reference(object) {
            return ValueIr::default();
        }
        self.expr(object)
    }

    fn method_invocation(&mut self, node: Node) -> ValueIr {
        let Some(name) = node.child_by_field_name("name") else {
            return ValueIr::default();
        };
        let (receiver, receiver_value) = match node.child_by_field_name("object") {
            Some(object) => (
                Some(treesitter::compact(object, self.b.text)),
                self.receiver_value(object),
            ),
            None => (None, ValueIr::default()),
        };
        let method = self.b.text(name).to_string();
        let at = self.b.loc(name);
        let has_receiver = receiver.is_some();
        let arguments = node.child_by_field_name("arguments");
        let id = self.call_with_arguments(receiver, receiver_value, &method, arguments, at);
        if has_receiver
            && FILLING_READS.contains(&method.as_str())
            && let Some(buffer) = arguments
                .and_then(|a| named_children(a).into_iter().find(|n| !is_comment(*n)))
                .filter(|first| first.kind() == "identifier")
        {
            // `recorder.read(buffer, 0, n)` fills `buffer` from the receiver.
            let target = self.b.text(buffer).to_string();
            let at = self.b.loc(buffer);
            let value = union([call_value(id), var(&target, Vec::new())]);
            self.b.assign(vec![target], value, at);
        }
        call_value(id)
    }

    /// Lower the arguments, emit the call, then its callbacks.
    fn call_with_arguments(
        &mut self,
        receiver: Option<String>,
        receiver_value: ValueIr,
        method: &str,
        arguments: Option<Node>,
        at: crate::model::Location,
    ) -> CallId {
        let mut args = Vec::new();
        let mut lambdas = Vec::new();
        let mut anonymous = Vec::new();
        if let Some(arguments) = arguments {
            for argument in named_children(arguments) {
                if is_comment(argument) {
                    continue;
                }
                match argument.kind() {
                    "lambda_expression" => {
                        lambdas.push(argument);
                        args.push(ValueIr::default());
                    }
                    "object_creation_expression" if anonymous_body(argument).is_some() => {
                        let id = self.object_creation(argument);
                        if let Some(body) = anonymous_body(argument) {
                            anonymous.push(body);
                        }
                        args.push(call_value(id));
                    }
                    _ => args.push(self.expr(argument)),
                }
            }
        }
        let args_text = arguments
            .map(|a| {
                let text = self.b.text(a);
                let inner = text
                    .strip_prefix('(')
                    .and_then(|t| t.strip_suffix(')'))
                    .unwrap_or(text);
                collapse(inner)
            })
            .unwrap_or_default();
        let id = self
            .b
            .call(receiver, receiver_value, method, args, args_text, at);
        for lambda in lambdas {
            self.lambda(lambda, Some(id));
        }
        for body in anonymous {
            self.anonymous_methods(body, id);
        }
        id
    }

    /// `new T(args)` as a call of `T` (its anonymous body is left to the caller).
    fn object_creation(&mut self, node: Node) -> CallId {
        let type_text = node
            .child_by_field_name("type")
            .map(|t| {
                self.qualified_types(t);
                strip_type_arguments(&treesitter::compact(t, self.b.text))
            })
            .unwrap_or_default();
        let (receiver, method) = match type_text.rsplit_once('.') {
            Some((qualifier, name)) => (Some(qualifier.to_string()), name.to_string()),
            None => (None, type_text),
        };
        let at = node
            .child_by_field_name("type")
            .map_or_else(|| self.b.loc(node), |t| self.b.loc(t));
        // `outer.new Inner()`: the outer object is read.
        let receiver_value = named_children(node)
            .into_iter()
            .next()
            .filter(|first| Some(*first) != node.child_by_field_name("type"))
            .filter(|first| !matches!(first.kind(), "type_arguments" | "argument_list"))
            .map(|outer| self.expr(outer))
            .unwrap_or_default();
        self.call_with_arguments(
            receiver,
            receiver_value,
            &method,
            node.child_by_field_name("arguments"),
            at,
        )
    }

    /// An anonymous class body: each method binds its parameters to `call`, then runs.
    fn anonymous_methods(&mut self, body: Node, call: CallId) {
        for member in named_children(body) {
            match member.kind() {
                "method_declaration" => {
                    let params = self.parameters(member.child_by_field_name("parameters"));
                    let at = self.b.loc(member);
                    self.b.assign(params, call_value(call), at);
                    if let Some(method_body) = member.child_by_field_name("body") {
                        self.statement(method_body);
                    }
                }
                "field_declaration" => self.declarators(member),
                _ if is_comment(member) => {}
                _ => self.statement(member),
            }
        }
    }

    fn lambda(&mut self, node: Node, call: Option<CallId>) {
        if let Some(id) = call {
            let params = self.parameters(node.child_by_field_name("parameters"));
            let at = self.b.loc(node);
            self.b.assign(params, call_value(id), at);
        }
        if let Some(body) = node.child_by_field_name("body") {
            if body.kind() == "block" {
                self.statement(body);
            } else {
                self.expr(body);
            }
        }
    }

    fn assignment(&mut self, node: Node) {
        let (Some(left), Some(right)) = (
            node.child_by_field_name("left"),
            node.child_by_field_name("right"),
        ) else {
            return;
        };
        let compound = node
            .child_by_field_name("operator")
            .is_some_and(|op| op.kind() != "=");
        let at = self.b.loc(node);
        match left.kind() {
            "field_access" => {
                let (Some(object), Some(field)) = (
                    left.child_by_field_name("object"),
                    left.child_by_field_name("field"),
                ) else {
                    return;
                };
                let receiver_value = self.receiver_value(object);
                let mut value = self.expr(right);
                if compound {
                    value = union([value, self.field_access(left)]);
                }
                let receiver = treesitter::compact(object, self.b.text);
                let method = self.b.text(field).to_string();
                let at = self.b.loc(field);
                let args_text = collapse(self.b.text(right));
                self.b.call(
                    Some(receiver),
                    receiver_value,
                    &method,
                    vec![value],
                    args_text,
                    at,
                );
            }
            "array_access" => {
                let target = left
                    .child_by_field_name("array")
                    .map(|a| treesitter::compact(a, self.b.text))
                    .unwrap_or_default();
                let old = self.expr(left);
                let value = self.expr(right);
                self.b.assign(vec![target], union([old, value]), at);
            }
            _ => {
                let target = treesitter::compact(left, self.b.text);
                let mut value = self.expr(right);
                if compound {
                    value = union([value, self.expr(left)]);
                }
                self.b.assign(vec![target], value, at);
            }
        }
    }
}

fn anonymous_body(node: Node) -> Option<Node> {
    children(node)
        .into_iter()
        .find(|n| n.kind() == "class_body")
}

/// `OnSuccessListener<Location>` → `OnSuccessListener`.
fn strip_type_arguments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '<' => depth += 1,
            '>' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::extract::ir::{CallIr, FunctionIr, Read};

    fn lower_java(source: &str) -> SourceIr {
        let catalog = Catalog::embedded().expect("catalog");
        let input = FileInput::new(
            "app/src/main/java/com/acme/Main.java",
            source.as_bytes(),
            source,
            &catalog,
        );
        lower(&input).expect("parses")
    }

    fn function<'a>(ir: &'a SourceIr, name: &str) -> &'a FunctionIr {
        ir.functions
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("no function {name}"))
    }

    fn call<'a>(f: &'a FunctionIr, method: &str) -> &'a CallIr {
        f.ops
            .iter()
            .find_map(|op| match op {
                Op::Call(c) if c.method == method => Some(c),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no call {method}: {:#?}", f.ops))
    }

    fn assigns(f: &FunctionIr) -> Vec<(Vec<String>, Vec<Read>)> {
        f.ops
            .iter()
            .filter_map(|op| match op {
                Op::Assign(a) => Some((a.targets.clone(), a.value.reads.clone())),
                _ => None,
            })
            .collect()
    }

    fn v(name: &str, members: &[&str]) -> Read {
        Read::Var {
            name: name.to_string(),
            members: members.iter().map(|m| m.to_string()).collect(),
        }
    }

    #[test]
    fn imports_and_qualified_references() {
        let ir = lower_java(
            r#"package com.acme;
import com.braze.Braze;
import com.appsflyer.*;
import static com.appsflyer.AppsFlyerLib.getInstance;
class A {
    void f() {
        com.appsflyer.AppsFlyerLib.getInstance().logLocation(this, 1.0, 2.0);
        com.braze.Braze b = new com.braze.Braze();
    }
}
"#,
        );
        let got: Vec<(&str, bool, u32)> = ir
            .imports
            .iter()
            .map(|i| (i.path.as_str(), i.qualified_reference, i.at.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("com.braze.Braze", false, 2),
                ("com.appsflyer.*", false, 3),
                ("com.appsflyer.AppsFlyerLib.getInstance", false, 4),
                ("com.appsflyer.AppsFlyerLib", true, 7),
                ("com.braze.Braze", true, 8),
            ]
        );
        assert_eq!(ir.imports[3].bindings, Vec::<String>::new());
        assert_eq!(ir.imports[2].bindings, vec!["getInstance"]);
        let f = function(&ir, "f");
        let get = call(f, "getInstance");
        assert!(get.receiver_value.reads.is_empty());
        let log = call(f, "logLocation");
        assert_eq!(
            log.receiver.as_deref(),
            Some("com.appsflyer.AppsFlyerLib.getInstance()")
        );
        assert_eq!(log.args_text, "this, 1.0, 2.0");
        assert_eq!(log.at.line, 7);
        let ctor = call(f, "Braze");
        assert_eq!(ctor.receiver.as_deref(), Some("com.braze"));
    }

    #[test]
    fn functions_fields_and_initializers() {
        let ir = lower_java(
            r#"class A {
    private FusedLocationProviderClient fused = LocationServices.getFusedLocationProviderClient(this);
    static { init(); }
    { other(); }
    A(int a) { super(a); }
    int f(Location loc) { return loc.getLatitude() > 0 ? 1 : 2; }
}
"#,
        );
        let names: Vec<&str> = ir.functions.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, vec!["<top>", "fused", "static", "init", "A", "f"]);
        let fused = function(&ir, "fused");
        let get = call(fused, "getFusedLocationProviderClient");
        assert_eq!(get.receiver.as_deref(), Some("LocationServices"));
        assert_eq!(
            assigns(fused),
            vec![(vec!["fused".to_string()], vec![Read::Call(get.id)])]
        );
        assert_eq!(function(&ir, "A").params, vec!["a"]);
        let f = function(&ir, "f");
        assert_eq!(f.params, vec!["loc"]);
        assert!(matches!(f.ops.last(), Some(Op::Return(v)) if v.reads.is_empty()));
    }

    #[test]
    fn anonymous_class_and_lambda_callbacks() {
        let ir = lower_java(
            r#"class A {
    void f() {
        fused.getLastLocation().addOnSuccessListener(this, new OnSuccessListener<Location>() {
            @Override
            public void onSuccess(Location location) {
                Braze.getInstance(ctx).getCurrentUser().setLastKnownLocation(location.getLatitude(), location.getLongitude(), null, null);
            }
        });
        fused.getLastLocation().addOnSuccessListener(loc -> AppsFlyerLib.getInstance().logLocation(ctx, loc.getLatitude(), loc.getLongitude()));
    }
}
"#,
        );
        let f = function(&ir, "f");
        let calls: Vec<&CallIr> = f
            .ops
            .iter()
            .filter_map(|op| match op {
                Op::Call(c) => Some(c),
                _ => None,
            })
            .collect();
        let listeners: Vec<&&CallIr> = calls
            .iter()
            .filter(|c| c.method == "addOnSuccessListener")
            .collect();
        assert_eq!(listeners.len(), 2);
        let get_last = calls
            .iter()
            .find(|c| c.method == "getLastLocation")
            .expect("getLastLocation");
        assert_eq!(get_last.receiver.as_deref(), Some("fused"));
        assert_eq!(
            listeners[0].receiver_value.reads,
            vec![Read::Call(get_last.id)]
        );
        let ctor = call(f, "OnSuccessListener");
        assert_eq!(listeners[0].args[1].reads, vec![Read::Call(ctor.id)]);
        let bound = assigns(f);
        assert_eq!(
            bound[0],
            (
                vec!["location".to_string()],
                vec![Read::Call(listeners[0].id)]
            )
        );
        assert_eq!(
            bound[1],
            (vec!["loc".to_string()], vec![Read::Call(listeners[1].id)])
        );
        let set = call(f, "setLastKnownLocation");
        let lat = call(f, "getLatitude");
        assert_eq!(lat.receiver_value.reads, vec![v("location", &[])]);
        assert_eq!(set.args[0].reads, vec![Read::Call(lat.id)]);
        assert_eq!(
            set.args_text,
            "location.getLatitude(), location.getLongitude(), null, null"
        );
        let log = call(f, "logLocation");
        assert_eq!(log.receiver.as_deref(), Some("AppsFlyerLib.getInstance()"));
        // The body of the lambda comes after its binding.
        let bind_index = f
            .ops
            .iter()
            .position(|op| matches!(op, Op::Assign(a) if a.targets == ["loc"]))
            .expect("binding");
        let log_index = f
            .ops
            .iter()
            .position(|op| matches!(op, Op::Call(c) if c.method == "logLocation"))
            .expect("logLocation");
        assert!(bind_index < log_index);
    }

    #[test]
    fn assignments_loops_comparisons_and_strings() {
        let ir = lower_java(
            r#"class A {
    void f(Location loc, String route) {
        this.config.location = loc;
        double[] q = new double[2];
        q[0] = loc.latitude;
        String s = "lat=" + loc.latitude + route;
        total += loc.altitude;
        for (Location p : points) { send(p); }
        if (loc != null && !flag) { report(loc.accuracy > 3); }
        Chartboost.setLocation("main_menu"); // AppsFlyerLib.getInstance().logLocation(a, b, c)
        String t = "AppsFlyerLib.getInstance().logLocation(ctx, 1, 2)";
    }
}
"#,
        );
        let f = function(&ir, "f");
        let set = call(f, "location");
        assert_eq!(set.receiver.as_deref(), Some("this.config"));
        assert_eq!(set.receiver_value.reads, vec![v("this", &["config"])]);
        assert_eq!(set.args[0].reads, vec![v("loc", &[])]);
        let bound = assigns(f);
        assert!(bound.contains(&(vec!["q".into()], vec![v("q", &[]), v("loc", &["latitude"])])));
        assert!(bound.contains(&(
            vec!["s".into()],
            vec![v("loc", &["latitude"]), v("route", &[])]
        )));
        assert!(bound.contains(&(
            vec!["total".into()],
            vec![v("loc", &["altitude"]), v("total", &[])]
        )));
        assert!(bound.contains(&(vec!["p".into()], vec![v("points", &[])])));
        assert!(call(f, "report").args[0].reads.is_empty());
        let methods: Vec<&str> = f
            .ops
            .iter()
            .filter_map(|op| match op {
                Op::Call(c) => Some(c.method.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(methods, vec!["location", "send", "report", "setLocation"]);
        assert!(call(f, "setLocation").args[0].reads.is_empty());
    }

    #[test]
    fn read_fills_its_buffer_argument_from_the_receiver() {
        let ir = lower_java(
            r#"class A { void f(AudioRecord recorder, InputStream in) {
    short[] buffer = new short[256];
    int n = recorder.read(buffer, 0, buffer.length);
    read(other);
    in.read(bytes.data);
} }
"#,
        );
        let f = function(&ir, "f");
        let read = call(f, "read");
        assert_eq!(read.receiver.as_deref(), Some("recorder"));
        let fills: Vec<_> = f
            .ops
            .iter()
            .filter_map(|op| match op {
                Op::Assign(a) if a.targets == ["buffer"] => Some(a),
                _ => None,
            })
            .collect();
        // The declaration, then the fill at the argument, from the call and the old value.
        assert_eq!(fills.len(), 2);
        assert_eq!(
            fills[1].value.reads,
            vec![Read::Call(read.id), v("buffer", &[])]
        );
        assert_eq!((fills[1].at.line, fills[1].at.column), (3, 27));
        // A bare `read(x)` has no receiver to fill from; `bytes.data` is not a variable.
        let targets: Vec<Vec<String>> = assigns(f).into_iter().map(|(t, _)| t).collect();
        assert!(!targets.contains(&vec!["other".to_string()]));
        assert!(!targets.contains(&vec!["bytes.data".to_string()]));
    }

    #[test]
    fn count_field_of_a_call_result_reads_nothing() {
        let ir = lower_java(
            "class A { void f(Cursor c) { send(c.getColumnNames().length); send(c.getExtras().data); } }",
        );
        let f = function(&ir, "f");
        let sends: Vec<&CallIr> = f
            .ops
            .iter()
            .filter_map(|op| match op {
                Op::Call(c) if c.method == "send" => Some(c),
                _ => None,
            })
            .collect();
        assert!(sends[0].args[0].reads.is_empty());
        let extras = call(f, "getExtras");
        assert_eq!(sends[1].args[0].reads, vec![Read::Call(extras.id)]);
    }

    /// Lower and analyze a file: its flow evidence as (sdk, capability, sink line).
    fn flows(source: &str) -> Vec<(String, String, u32)> {
        let catalog = Catalog::embedded().expect("catalog");
        let input = FileInput::new(
            "app/src/main/java/com/acme/Main.java",
            source.as_bytes(),
            source,
            &catalog,
        );
        let ir = lower(&input).expect("parses");
        let facts = crate::extract::analyze::analyze(&input, crate::catalog::Language::Java, &ir);
        facts
            .evidence
            .iter()
            .filter_map(|e| match &e.kind {
                crate::model::EvidenceKind::Flow {
                    sdk, capability, ..
                } => Some((sdk.clone(), capability.clone(), e.at.line)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn microphone_buffer_flows_to_analytics_through_arithmetic() {
        let got = flows(
            r#"import android.media.AudioRecord;
import com.google.firebase.analytics.FirebaseAnalytics;
class A {
    void f() {
        AudioRecord recorder = new AudioRecord(MediaRecorder.AudioSource.MIC, 16000, 16, 2, 512);
        short[] buffer = new short[512];
        int n = recorder.read(buffer, 0, buffer.length);
        int peak = Math.abs(buffer[0]);
        firebaseAnalytics.setUserProperty("peak", String.valueOf(peak));
    }
}
"#,
        );
        assert_eq!(
            got,
            vec![("firebase-analytics".into(), "microphone".into(), 9)]
        );
    }

    #[test]
    fn cursor_get_count_is_a_count_not_the_contacts() {
        let got = flows(
            r#"import android.provider.ContactsContract;
import com.google.firebase.analytics.FirebaseAnalytics;
class A {
    void f() {
        Cursor cursor = getContentResolver().query(ContactsContract.Contacts.CONTENT_URI, null, null, null, null);
        Bundle params = new Bundle();
        params.putInt("count", cursor.getCount());
        firebaseAnalytics.logEvent("imported", params);
        Bundle names = new Bundle();
        names.putString("first", cursor.getString(0));
        firebaseAnalytics.logEvent("first_contact", names);
    }
}
"#,
        );
        assert_eq!(
            got,
            vec![("firebase-analytics".into(), "contacts".into(), 11)]
        );
    }

    #[test]
    fn every_prefix_lowers_without_panicking() {
        let source = "import static com.a.B.c;\nclass A { void f(Location l) { \
                      com.appsflyer.AppsFlyerLib.getInstance().logLocation(this, l.getLatitude(), 0); \
                      x.y = \"é\"; run(v -> send(v)); new B<C>() { void m(D d) {} }; } }\n";
        let catalog = Catalog::embedded().expect("catalog");
        for (end, _) in source.char_indices() {
            let text = &source[..end];
            let input = FileInput::new("Prefix.java", text.as_bytes(), text, &catalog);
            assert!(lower(&input).is_ok());
        }
    }
}
