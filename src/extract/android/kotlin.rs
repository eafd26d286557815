//! Kotlin lowering: tree-sitter-kotlin-ng tree → [`SourceIr`].
//!
//! Follows the rules of [`crate::extract::ir::lowering`]; the Kotlin-specific decisions:
//! - imports: `import a.b.C`, `import a.b.*`, `import a.b.C as D` (binding `D`);
//!   a chain starting with two or more lower-case segments and reaching a capitalised one
//!   (`com.appsflyer.AppsFlyerLib.getInstance()`) is an `Import` with
//!   `qualified_reference: true`, and reads nothing;
//! - one `FunctionIr` per function, secondary constructor, `init` block and
//!   member/top-level property (its initializer, delegate, getter and setter), plus
//!   `<top>` for top-level statements (scripts) and recovered fragments;
//! - a property read becomes a no-argument call when its name is a platform capability
//!   API of the catalog (`fused.lastLocation`; a Java getter `getLastLocation` in the
//!   catalog also matches `lastLocation`, lowered with the catalog's name). Other member
//!   reads are `Read::Var` with `members`. Only capability *source* APIs are lowered
//!   this way, never SDK tie APIs: reading `OneSignal.Location.isShared` shares nothing;
//! - trailing lambdas come in three shapes:
//!   * scope and collection functions (`let`, `also`, `apply`, `run`, `with`, `use`,
//!     `takeIf`, `forEach`, `map`, …) bind their parameter (explicit, or `it`) to the
//!     *receiver's* value (`with`: its first argument), the body is lowered before the
//!     call, and the call gets one extra argument reading every call made in the body and
//!     the body's last value — so `Bundle().apply { putDouble("lat", loc.latitude) }`
//!     reads `loc`;
//!   * builder lambdas — no parameters and no `it` in the body, e.g. Firebase KTX
//!     `logEvent("e") { param("lat", loc.latitude) }` — are lowered the same way (before
//!     the call, feeding it an argument);
//!   * callback lambdas (explicit parameters or `it`) follow the `ir::lowering` rule: after the
//!     call, `Assign { targets: params, value: Read::Call(call) }`, then the body.
//!   * lambdas, anonymous functions, `object :` literals and SAM constructors
//!     (`OnSuccessListener { loc -> … }`) passed *inside* the parentheses are callbacks
//!     of the enclosing call; an `object :` literal's methods bind their parameters
//!     likewise;
//! - `val x = e` / `val (a, b) = e` / `for (x in e)` are `Assign`s; `a.b.c = v` is a
//!   call of `c` on `a.b` with argument `v`; `x[i] = v` and `x += v` assign `x` from
//!   `v` and its old value; `r.read(buf, …)` (also `readFully`) fills its first
//!   argument, so `buf` is then assigned from the call and its old value;
//! - string templates read their `$name` and `${expr}` parts; comparisons, `is`, `in`
//!   and `!` are lowered for their calls but read nothing; a count member of a call's
//!   result (`names.distinct().size`) reads nothing either.

use tree_sitter::Node;

use crate::catalog::Language;
use crate::extract::FileInput;
use crate::extract::ir::lowering::{
    Builder, CapabilityApis, FunctionOrder, argument_list_text, call_value, children, collapse,
    named_children, union, var,
};
use crate::extract::ir::{CallId, Op, Read, SourceIr, ValueIr};
use crate::extract::treesitter;

pub fn lower(input: &FileInput) -> Result<SourceIr, String> {
    let language = tree_sitter_kotlin_ng::LANGUAGE.into();
    let tree = treesitter::parse(&language, input.text)?;
    let apis = CapabilityApis::new(input.catalog, Language::Kotlin);
    let mut lowering = Lowering {
        b: Builder::new(input.path, input.text),
        apis: &apis,
    };
    lowering.file(tree.root_node());
    Ok(lowering.b.finish(FunctionOrder::Opened))
}

// ---------------------------------------------------------------------------------------
// Shared with java.rs

/// For a dotted chain of names, how many leading names form a package-qualified class
/// (`com.appsflyer.AppsFlyerLib` → 3): at least two lower-case package segments, then a
/// capitalised one.
pub(super) fn qualified_class_len(names: &[&str]) -> Option<usize> {
    let lower = names
        .iter()
        .take_while(|n| n.starts_with(|c: char| c.is_ascii_lowercase()))
        .count();
    let class = names.get(lower)?;
    (lower >= 2 && class.starts_with(|c: char| c.is_ascii_uppercase())).then_some(lower + 1)
}

pub(super) fn is_comment(node: Node) -> bool {
    node.kind().contains("comment")
}

/// Members that give a count or an index range of their receiver, not its data. On a
/// variable path they stay members (the analysis drops them); on a call's result
/// (`names.distinct().size`, `getColumnNames().length`) the lowering drops the read.
pub(super) const COUNT_MEMBERS: &[&str] = &["size", "count", "length", "indices", "lastIndex"];

/// Methods that fill their first argument from the receiver (`AudioRecord.read(buffer, …)`,
/// `InputStream.read(bytes)`), so the buffer carries the receiver's data afterwards.
pub(super) const FILLING_READS: &[&str] = &["read", "readFully"];

// ---------------------------------------------------------------------------------------
// Kotlin

const SCOPE_FUNCTIONS: [&str; 20] = [
    "let",
    "also",
    "apply",
    "run",
    "with",
    "use",
    "takeIf",
    "takeUnless",
    "forEach",
    "forEachIndexed",
    "onEach",
    "map",
    "mapNotNull",
    "flatMap",
    "filter",
    "filterNotNull",
    "first",
    "firstOrNull",
    "find",
    "associate",
];

struct Lowering<'a, 'n> {
    b: Builder<'a>,
    apis: &'n CapabilityApis,
}

impl Lowering<'_, '_> {
    fn file(&mut self, root: Node) {
        for child in named_children(root) {
            match child.kind() {
                "package_header" | "file_annotation" | "shebang" => {}
                "import" => self.import(child),
                _ => self.member(child),
            }
        }
    }

    fn import(&mut self, node: Node) {
        let Some(path_node) = named_children(node)
            .into_iter()
            .find(|n| n.kind() == "qualified_identifier" || n.kind() == "identifier")
        else {
            return;
        };
        let path = treesitter::compact(path_node, self.b.text);
        let kids = children(node);
        let wildcard = kids.iter().any(|n| n.kind() == "*");
        let alias = kids
            .iter()
            .skip_while(|n| n.kind() != "as")
            .find(|n| n.kind() == "identifier")
            .map(|n| self.b.text(*n).to_string());
        let at = self.b.loc(node);
        if wildcard {
            self.b.import(format!("{path}.*"), Vec::new(), false, at);
        } else {
            let binding =
                alias.unwrap_or_else(|| path.rsplit('.').next().unwrap_or("").to_string());
            self.b.import(path, vec![binding], false, at);
        }
    }

    /// A declaration at file or class-body level; anything else is a statement of the
    /// current function (`<top>` at file level).
    fn member(&mut self, node: Node) {
        match node.kind() {
            "class_declaration" | "object_declaration" | "companion_object" => {
                self.class_like(node)
            }
            "function_declaration" => self.function(node),
            "property_declaration" => self.member_property(node),
            "anonymous_initializer" => {
                self.b.begin("init", Vec::new(), self.b.loc(node));
                for child in named_children(node) {
                    self.statement(child);
                }
                self.b.end();
            }
            "secondary_constructor" => {
                let params = named_children(node)
                    .into_iter()
                    .find(|n| n.kind() == "function_value_parameters")
                    .map(|p| self.parameters(p))
                    .unwrap_or_default();
                self.b.begin("constructor", params, self.b.loc(node));
                for child in named_children(node) {
                    if child.kind() == "block" || child.kind() == "constructor_delegation_call" {
                        self.statement(child);
                    }
                }
                self.b.end();
            }
            "enum_entry" | "type_alias" | "modifiers" => {}
            // Recovered declarations sit inside the ERROR node: keep them.
            "ERROR" => {
                for child in named_children(node) {
                    self.member(child);
                }
            }
            _ if is_comment(node) => {}
            _ => {
                self.statement(node);
            }
        }
    }

    fn class_like(&mut self, node: Node) {
        for child in named_children(node) {
            if child.kind() == "class_body" || child.kind() == "enum_class_body" {
                for member in named_children(child) {
                    self.member(member);
                }
            }
        }
    }

    fn parameters(&self, node: Node) -> Vec<String> {
        named_children(node)
            .into_iter()
            .filter(|p| p.kind() == "parameter")
            .filter_map(|p| {
                named_children(p)
                    .into_iter()
                    .find(|n| n.kind() == "identifier")
                    .map(|n| self.b.text(n).to_string())
            })
            .collect()
    }

    fn function(&mut self, node: Node) {
        let name = node
            .child_by_field_name("name")
            .map_or("<anonymous>", |n| self.b.text(n))
            .to_string();
        let params = named_children(node)
            .into_iter()
            .find(|n| n.kind() == "function_value_parameters")
            .map(|p| self.parameters(p))
            .unwrap_or_default();
        self.b.begin(&name, params, self.b.loc(node));
        if let Some(body) = named_children(node)
            .into_iter()
            .find(|n| n.kind() == "function_body")
        {
            self.function_body(body);
        }
        self.b.end();
    }

    /// `{ … }` or `= expr` (a return of the expression).
    fn function_body(&mut self, body: Node) {
        for child in named_children(body) {
            if child.kind() == "block" {
                self.statements(child);
            } else if !is_comment(child) {
                let value = self.expr(child);
                self.b.op(Op::Return(value));
            }
        }
    }

    fn member_property(&mut self, node: Node) {
        let targets = self.property_targets(node);
        let name = targets
            .first()
            .cloned()
            .unwrap_or_else(|| "<property>".into());
        self.b.begin(&name, Vec::new(), self.b.loc(node));
        self.property_initializer(node, targets);
        for child in named_children(node) {
            if (child.kind() == "getter" || child.kind() == "setter")
                && let Some(body) = named_children(child)
                    .into_iter()
                    .find(|n| n.kind() == "function_body")
            {
                self.function_body(body);
            }
        }
        self.b.end();
    }

    fn property_targets(&self, node: Node) -> Vec<String> {
        let mut targets = Vec::new();
        for child in named_children(node) {
            match child.kind() {
                "variable_declaration" => targets.extend(self.declared_name(child)),
                "multi_variable_declaration" => {
                    for var in named_children(child) {
                        targets.extend(self.declared_name(var));
                    }
                }
                _ => {}
            }
        }
        targets
    }

    fn declared_name(&self, node: Node) -> Option<String> {
        named_children(node)
            .into_iter()
            .find(|n| n.kind() == "identifier")
            .map(|n| self.b.text(n).to_string())
            .filter(|n| n != "_")
    }

    /// `= expr` or `by delegate` of a property → `Assign` of its targets.
    fn property_initializer(&mut self, node: Node, targets: Vec<String>) {
        let kids = children(node);
        let mut value = None;
        let mut after_equals = false;
        for child in kids {
            if child.kind() == "=" {
                after_equals = true;
            } else if after_equals && child.is_named() && !is_comment(child) {
                value = Some(self.expr(child));
                break;
            } else if child.kind() == "property_delegate" {
                let delegate = named_children(child);
                value = Some(union(delegate.into_iter().map(|d| self.expr(d))));
                break;
            }
        }
        if let Some(value) = value {
            let at = self.b.loc(node);
            self.b.assign(targets, value, at);
        }
    }

    fn statements(&mut self, block: Node) -> ValueIr {
        let mut last = ValueIr::default();
        for child in named_children(block) {
            if is_comment(child) {
                continue;
            }
            last = self.statement(child);
        }
        last
    }

    /// Lower one statement; its value when it is an expression.
    fn statement(&mut self, node: Node) -> ValueIr {
        match node.kind() {
            "property_declaration" => {
                let targets = self.property_targets(node);
                self.property_initializer(node, targets);
                ValueIr::default()
            }
            "assignment" => {
                self.assignment(node);
                ValueIr::default()
            }
            "function_declaration" => {
                self.function(node);
                ValueIr::default()
            }
            "class_declaration" | "object_declaration" => {
                self.class_like(node);
                ValueIr::default()
            }
            "for_statement" => {
                self.for_statement(node);
                ValueIr::default()
            }
            "while_statement" | "do_while_statement" => {
                for child in named_children(node) {
                    if child.kind() == "block" {
                        self.statements(child);
                    } else {
                        self.statement(child);
                    }
                }
                ValueIr::default()
            }
            "block" => self.statements(node),
            _ if is_comment(node) => ValueIr::default(),
            _ => self.expr(node),
        }
    }

    fn for_statement(&mut self, node: Node) {
        let mut targets = Vec::new();
        for child in named_children(node) {
            match child.kind() {
                "variable_declaration" => targets.extend(self.declared_name(child)),
                "multi_variable_declaration" => {
                    for var in named_children(child) {
                        targets.extend(self.declared_name(var));
                    }
                }
                "label" | "annotation" => {}
                "block" => {
                    self.statements(child);
                }
                _ if is_comment(child) => {}
                _ if !targets.is_empty() => {
                    // The iterable: its elements flow into the loop variables.
                    let value = self.expr(child);
                    let at = self.b.loc(node);
                    self.b.assign(std::mem::take(&mut targets), value, at);
                }
                _ => {
                    self.statement(child);
                }
            }
        }
    }

    fn assignment(&mut self, node: Node) {
        let (Some(left), Some(right)) = (
            node.child_by_field_name("left"),
            node.child_by_field_name("right"),
        ) else {
            for child in named_children(node) {
                self.expr(child);
            }
            return;
        };
        let compound = node
            .child_by_field_name("operator")
            .is_some_and(|op| op.kind() != "=");
        let at = self.b.loc(node);
        match left.kind() {
            "navigation_expression" if !has_child(left, "::") => {
                let parts = named_children(left);
                let (Some(receiver), Some(property)) = (parts.first(), parts.last()) else {
                    return;
                };
                let receiver_value = self.receiver_value(*receiver);
                let mut value = self.expr(right);
                if compound {
                    value = union([value, receiver_value.clone()]);
                }
                let receiver_text = treesitter::compact(*receiver, self.b.text);
                let method = self.b.text(*property).to_string();
                let at = self.b.loc(*property);
                let args_text = collapse(self.b.text(right));
                self.b.call(
                    Some(receiver_text),
                    receiver_value,
                    &method,
                    vec![value],
                    args_text,
                    at,
                );
            }
            "index_expression" => {
                let parts = named_children(left);
                let target = parts
                    .first()
                    .map(|t| treesitter::compact(*t, self.b.text))
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

    /// The value an expression reads, emitting the calls it makes.
    fn expr(&mut self, node: Node) -> ValueIr {
        match node.kind() {
            "identifier" => match self.b.text(node) {
                "true" | "false" | "null" => ValueIr::default(),
                name => var(name, Vec::new()),
            },
            "this_expression" => var("this", Vec::new()),
            "super_expression" | "number_literal" | "float_literal" | "character_literal"
            | "callable_reference" | "type_test" | "label" => ValueIr::default(),
            "string_literal" | "multiline_string_literal" => self.string(node),
            "navigation_expression" => self.navigation(node),
            "call_expression" => self.call(node),
            "as_expression" => node
                .child_by_field_name("left")
                .map(|left| self.expr(left))
                .unwrap_or_default(),
            "binary_expression" => {
                let operator = node
                    .child_by_field_name("operator")
                    .map_or("", |op| op.kind());
                let left = node.child_by_field_name("left").map(|n| self.expr(n));
                let right = node.child_by_field_name("right").map(|n| self.expr(n));
                if matches!(
                    operator,
                    "==" | "!=" | "===" | "!==" | "<" | ">" | "<=" | ">=" | "&&" | "||"
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
                    .child_by_field_name("argument")
                    .map(|a| self.expr(a))
                    .unwrap_or_default();
                if not { ValueIr::default() } else { value }
            }
            "is_expression" | "in_expression" => {
                for child in named_children(node) {
                    self.expr(child);
                }
                ValueIr::default()
            }
            "infix_expression" => {
                // `a to b`: the middle identifier is the function, not a read.
                let parts = named_children(node);
                let mut values = Vec::new();
                for (i, part) in parts.iter().enumerate() {
                    if i != 1 {
                        values.push(self.expr(*part));
                    }
                }
                union(values)
            }
            "if_expression" => {
                let condition = node.child_by_field_name("condition");
                let mut values = Vec::new();
                for child in named_children(node) {
                    if Some(child) == condition {
                        self.expr(child);
                    } else {
                        values.push(self.statement(child));
                    }
                }
                union(values)
            }
            "when_expression" => {
                let mut values = Vec::new();
                for child in named_children(node) {
                    match child.kind() {
                        "when_subject" => {
                            // `when (val r = f())` binds `r`; the subject is compared.
                            let targets: Vec<String> = named_children(child)
                                .into_iter()
                                .filter(|n| n.kind() == "variable_declaration")
                                .filter_map(|n| self.declared_name(n))
                                .collect();
                            let value = union(
                                named_children(child)
                                    .into_iter()
                                    .filter(|n| n.kind() != "variable_declaration")
                                    .map(|n| self.expr(n))
                                    .collect::<Vec<_>>(),
                            );
                            let at = self.b.loc(child);
                            self.b.assign(targets, value, at);
                        }
                        "when_entry" => {
                            let conditions: Vec<Node> = {
                                let mut cursor = child.walk();
                                child
                                    .children_by_field_name("condition", &mut cursor)
                                    .collect()
                            };
                            for entry_part in named_children(child) {
                                if conditions.contains(&entry_part) {
                                    self.expr(entry_part);
                                } else {
                                    values.push(self.statement(entry_part));
                                }
                            }
                        }
                        _ => {}
                    }
                }
                union(values)
            }
            "try_expression" => {
                let mut values = Vec::new();
                for child in named_children(node) {
                    match child.kind() {
                        "block" => values.push(self.statements(child)),
                        "catch_block" | "finally_block" => {
                            for part in named_children(child) {
                                if part.kind() == "block" {
                                    values.push(self.statements(part));
                                }
                            }
                        }
                        _ => {}
                    }
                }
                union(values)
            }
            "return_expression" => {
                let value = union(
                    named_children(node)
                        .into_iter()
                        .filter(|n| Some(*n) != node.child_by_field_name("label"))
                        .map(|n| self.expr(n))
                        .collect::<Vec<_>>(),
                );
                self.b.op(Op::Return(value));
                ValueIr::default()
            }
            "lambda_literal" | "annotated_lambda" | "anonymous_function" | "object_literal" => {
                self.callback(node, None);
                ValueIr::default()
            }
            "assignment"
            | "property_declaration"
            | "for_statement"
            | "while_statement"
            | "do_while_statement"
            | "block" => self.statement(node),
            "annotation" | "user_type" | "type_arguments" | "modifiers" => ValueIr::default(),
            _ if is_comment(node) => ValueIr::default(),
            // parenthesized, labeled, annotated, index, collection, range, spread, throw,
            // jumps, ERROR: whatever their parts read.
            _ => union(
                named_children(node)
                    .into_iter()
                    .map(|n| self.expr(n))
                    .collect::<Vec<_>>(),
            ),
        }
    }

    /// `"…$name…${expr}…"`: the template parts are reads.
    fn string(&mut self, node: Node) -> ValueIr {
        let parts = children(node);
        let mut values = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            match part.kind() {
                "interpolation" => {
                    for inner in named_children(*part) {
                        values.push(self.expr(inner));
                    }
                }
                // The grammar splits `$name` into a `$` content and the name's content.
                "string_content" if self.b.text(*part).ends_with('$') => {
                    if let Some(next) = parts.get(i + 1).filter(|n| n.kind() == "string_content") {
                        let text = self.b.text(*next);
                        let name: String = text
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        if name.starts_with(|c: char| c.is_alphabetic() || c == '_') {
                            values.push(var(&name, Vec::new()));
                        }
                    }
                }
                _ => {}
            }
        }
        union(values)
    }

    /// Flatten `a.b.c` into its base expression and the segment identifiers, with the
    /// navigation node ending at each segment.
    fn chain(node: Node) -> (Node, Vec<(Node, Node)>) {
        let mut segments = Vec::new();
        let mut current = node;
        while current.kind() == "navigation_expression" && !has_child(current, "::") {
            let parts = named_children(current);
            let (Some(base), Some(last)) = (parts.first().copied(), parts.last().copied()) else {
                break;
            };
            if parts.len() < 2 {
                break;
            }
            segments.push((last, current));
            current = base;
        }
        segments.reverse();
        (current, segments)
    }

    /// Record a package-qualified class reference; `true` when the chain is one.
    fn qualified_reference(&mut self, base: Node, segments: &[(Node, Node)]) -> bool {
        if base.kind() != "identifier" {
            return false;
        }
        let mut names = vec![self.b.text(base)];
        names.extend(segments.iter().map(|(ident, _)| self.b.text(*ident)));
        let Some(len) = qualified_class_len(&names) else {
            return false;
        };
        let path = names[..len].join(".");
        let at = self.b.loc(base);
        self.b.import(path, Vec::new(), true, at);
        true
    }

    fn navigation(&mut self, node: Node) -> ValueIr {
        if has_child(node, "::") {
            return ValueIr::default();
        }
        let (base, segments) = Self::chain(node);
        if self.qualified_reference(base, &segments) {
            return ValueIr::default();
        }
        let mut value = self.expr(base);
        let mut path: Option<(String, Vec<String>)> = match base.kind() {
            "identifier" | "this_expression" => match value.reads.as_slice() {
                [Read::Var { name, .. }] => Some((name.clone(), Vec::new())),
                _ => None,
            },
            _ => None,
        };
        for (ident, prefix) in segments {
            let name = self.b.text(ident).to_string();
            if let Some(method) = self.apis.property_call(&name) {
                let receiver_value = match path.take() {
                    Some((root, members)) => var(&root, members),
                    None => value.clone(),
                };
                let receiver = named_children(prefix)
                    .first()
                    .map(|r| treesitter::compact(*r, self.b.text));
                let at = self.b.loc(ident);
                let id = self.b.call(
                    receiver,
                    receiver_value,
                    &method,
                    Vec::new(),
                    String::new(),
                    at,
                );
                value = call_value(id);
            } else if let Some((_, members)) = path.as_mut() {
                members.push(name);
            } else if COUNT_MEMBERS.contains(&name.as_str()) {
                // `names.distinct().size`: a count of a call's result, not its data.
                value = ValueIr::default();
            }
        }
        match path {
            Some((root, members)) => var(&root, members),
            None => value,
        }
    }
}

fn has_child(node: Node, kind: &str) -> bool {
    children(node).iter().any(|c| c.kind() == kind)
}

mod calls;
#[cfg(test)]
mod tests;
