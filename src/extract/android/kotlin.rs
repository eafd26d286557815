//! Kotlin lowering: tree-sitter-kotlin-ng tree → [`SourceIr`].
//!
//! Follows the rules of `ir.rs`; the Kotlin-specific decisions:
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
//!   * callback lambdas (explicit parameters or `it`) follow the `ir.rs` rule: after the
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

use std::collections::HashSet;

use tree_sitter::Node;

use crate::catalog::{Catalog, Language};
use crate::extract::FileInput;
use crate::extract::ir::{
    AssignIr, CallId, CallIr, FunctionIr, Import, Op, Read, SourceIr, ValueIr,
};
use crate::extract::treesitter;
use crate::model::Location;

pub fn lower(input: &FileInput) -> Result<SourceIr, String> {
    let language = tree_sitter_kotlin_ng::LANGUAGE.into();
    let tree = treesitter::parse(&language, input.text)?;
    let api_names = capability_api_names(input.catalog, Language::Kotlin);
    let mut lowering = Lowering {
        b: Builder::new(input.path, input.text),
        api_names: &api_names,
    };
    lowering.file(tree.root_node());
    Ok(lowering.b.finish())
}

/// Method names of the catalog's platform capability APIs for `language`.
pub(super) fn capability_api_names(catalog: &Catalog, language: Language) -> HashSet<String> {
    catalog
        .capabilities
        .iter()
        .flat_map(|c| &c.apis)
        .filter(|api| api.languages.contains(&language))
        .flat_map(|api| api.methods.iter().cloned())
        .collect()
}

// ---------------------------------------------------------------------------------------
// Shared with java.rs: the IR under construction and small helpers.

/// Accumulates imports and functions; ops go to the innermost open function.
pub(super) struct Builder<'a> {
    pub path: &'a str,
    pub text: &'a str,
    next_id: u32,
    imports: Vec<Import>,
    functions: Vec<FunctionIr>,
    open: Vec<usize>,
}

impl<'a> Builder<'a> {
    pub fn new(path: &'a str, text: &'a str) -> Self {
        Builder {
            path,
            text,
            next_id: 0,
            imports: Vec::new(),
            functions: vec![FunctionIr {
                name: "<top>".to_string(),
                params: Vec::new(),
                ops: Vec::new(),
                at: Location::new(path, 1, 1),
            }],
            open: vec![0],
        }
    }

    pub fn loc(&self, node: Node) -> Location {
        treesitter::location(node, self.path, self.text)
    }

    pub fn text(&self, node: Node) -> &'a str {
        treesitter::text(node, self.text)
    }

    pub fn begin(&mut self, name: &str, params: Vec<String>, node: Node) {
        let at = self.loc(node);
        self.functions.push(FunctionIr {
            name: name.to_string(),
            params,
            ops: Vec::new(),
            at,
        });
        self.open.push(self.functions.len() - 1);
    }

    pub fn end(&mut self) {
        // `<top>` stays open.
        if self.open.len() > 1 {
            self.open.pop();
        }
    }

    pub fn op(&mut self, op: Op) {
        let index = self.open.last().copied().unwrap_or(0);
        if let Some(function) = self.functions.get_mut(index) {
            function.ops.push(op);
        }
    }

    /// How many ops the current function has (to find the calls a body emitted).
    pub fn mark(&self) -> usize {
        let index = self.open.last().copied().unwrap_or(0);
        self.functions.get(index).map_or(0, |f| f.ops.len())
    }

    /// `Read::Call` of every call emitted since `mark` in the current function.
    pub fn calls_since(&self, mark: usize) -> Vec<Read> {
        let index = self.open.last().copied().unwrap_or(0);
        self.functions
            .get(index)
            .and_then(|f| f.ops.get(mark..))
            .unwrap_or_default()
            .iter()
            .filter_map(|op| match op {
                Op::Call(call) => Some(Read::Call(call.id)),
                _ => None,
            })
            .collect()
    }

    #[allow(clippy::too_many_arguments)]
    pub fn call(
        &mut self,
        receiver: Option<String>,
        receiver_value: ValueIr,
        method: &str,
        args: Vec<ValueIr>,
        args_text: String,
        at: Location,
    ) -> CallId {
        let id = CallId(self.next_id);
        self.next_id += 1;
        self.op(Op::Call(CallIr {
            id,
            receiver,
            receiver_value,
            method: method.to_string(),
            args,
            args_text,
            at,
        }));
        id
    }

    pub fn assign(&mut self, targets: Vec<String>, value: ValueIr, at: Location) {
        if targets.is_empty() {
            return;
        }
        self.op(Op::Assign(AssignIr { targets, value, at }));
    }

    pub fn import(&mut self, path: String, bindings: Vec<String>, qualified: bool, at: Location) {
        if qualified
            && self
                .imports
                .iter()
                .any(|i| i.qualified_reference && i.path == path && i.at == at)
        {
            return;
        }
        self.imports.push(Import {
            path,
            bindings,
            qualified_reference: qualified,
            at,
        });
    }

    pub fn finish(self) -> SourceIr {
        SourceIr {
            imports: self.imports,
            functions: self.functions,
        }
    }
}

pub(super) fn var(name: &str, members: Vec<String>) -> ValueIr {
    ValueIr {
        reads: vec![Read::Var {
            name: name.to_string(),
            members,
        }],
    }
}

pub(super) fn call_value(id: CallId) -> ValueIr {
    ValueIr {
        reads: vec![Read::Call(id)],
    }
}

pub(super) fn union(values: impl IntoIterator<Item = ValueIr>) -> ValueIr {
    let mut reads: Vec<Read> = Vec::new();
    for value in values {
        for read in value.reads {
            if !reads.contains(&read) {
                reads.push(read);
            }
        }
    }
    ValueIr { reads }
}

/// The argument text with whitespace runs collapsed to one space.
pub(super) fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

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

pub(super) fn named_children(node: Node) -> Vec<Node> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor).collect()
}

pub(super) fn children(node: Node) -> Vec<Node> {
    let mut cursor = node.walk();
    node.children(&mut cursor).collect()
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
    api_names: &'n HashSet<String>,
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
                self.b.begin("init", Vec::new(), node);
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
                self.b.begin("constructor", params, node);
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
        self.b.begin(&name, params, node);
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
        self.b.begin(&name, Vec::new(), node);
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

    fn api_property(&self, name: &str) -> Option<String> {
        if self.api_names.contains(name) {
            return Some(name.to_string());
        }
        let mut chars = name.chars();
        let first = chars.next()?;
        let getter = format!("get{}{}", first.to_uppercase(), chars.as_str());
        self.api_names.contains(&getter).then_some(getter)
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
            if let Some(method) = self.api_property(&name) {
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

    /// The value a call's receiver reads; package-qualified receivers read nothing.
    fn receiver_value(&mut self, receiver: Node) -> ValueIr {
        if receiver.kind() == "navigation_expression" || receiver.kind() == "identifier" {
            let (base, segments) = Self::chain(receiver);
            if self.qualified_reference(base, &segments) {
                return ValueIr::default();
            }
        }
        self.expr(receiver)
    }

    fn call(&mut self, node: Node) -> ValueIr {
        let parts = named_children(node);
        let mut callee = parts.first().copied();
        let mut arguments = parts
            .iter()
            .copied()
            .find(|n| n.kind() == "value_arguments");
        let lambda = parts
            .iter()
            .copied()
            .find(|n| n.kind() == "annotated_lambda");
        // `f(x) { … }` parses as a call of the call `f(x)` with a trailing lambda.
        if let (Some(inner), Some(_), None) = (callee, lambda, arguments)
            && inner.kind() == "call_expression"
        {
            let inner_parts = named_children(inner);
            let inner_args = inner_parts
                .iter()
                .copied()
                .find(|n| n.kind() == "value_arguments");
            let inner_lambda = inner_parts.iter().any(|n| n.kind() == "annotated_lambda");
            if inner_args.is_some() && !inner_lambda {
                callee = inner_parts.first().copied();
                arguments = inner_args;
            }
        }
        let Some(callee) = callee else {
            return ValueIr::default();
        };

        // Receiver and method.
        let (receiver, receiver_value, method, method_node) = match callee.kind() {
            "navigation_expression" if !has_child(callee, "::") => {
                let callee_parts = named_children(callee);
                let (Some(receiver), Some(name)) =
                    (callee_parts.first().copied(), callee_parts.last().copied())
                else {
                    return ValueIr::default();
                };
                let (base, segments) = Self::chain(callee);
                let value = if self.qualified_reference(base, &segments) {
                    ValueIr::default()
                } else {
                    self.expr(receiver)
                };
                (
                    Some(treesitter::compact(receiver, self.b.text)),
                    value,
                    self.b.text(name).to_string(),
                    name,
                )
            }
            "identifier" => (
                None,
                ValueIr::default(),
                self.b.text(callee).to_string(),
                callee,
            ),
            _ => {
                let value = self.expr(callee);
                (
                    Some(treesitter::compact(callee, self.b.text)),
                    value,
                    "invoke".to_string(),
                    callee,
                )
            }
        };

        // Arguments; lambdas and listeners inside the parentheses are callbacks.
        let mut args = Vec::new();
        let mut deferred = Vec::new();
        let mut first_arg_value = ValueIr::default();
        if let Some(arguments) = arguments {
            for (i, argument) in named_children(arguments)
                .into_iter()
                .filter(|a| a.kind() == "value_argument")
                .enumerate()
            {
                let Some(expression) = argument_expression(argument) else {
                    continue;
                };
                if is_callback(expression, self.b.text) {
                    deferred.push(expression);
                    args.push(ValueIr::default());
                } else {
                    let value = self.expr(expression);
                    if i == 0 {
                        first_arg_value = value.clone();
                    }
                    args.push(value);
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
        let at = self.b.loc(method_node);

        let Some(lambda) = lambda else {
            let has_receiver = receiver.is_some();
            let id = self
                .b
                .call(receiver, receiver_value, &method, args, args_text, at);
            if has_receiver && FILLING_READS.contains(&method.as_str()) {
                self.fill_buffer(arguments, id);
            }
            for callback in deferred {
                self.callback(callback, Some(id));
            }
            return call_value(id);
        };

        let explicit = lambda_parameters(lambda, self.b.text);
        let receiver_bound = SCOPE_FUNCTIONS.contains(&method.as_str());
        let builder = explicit.is_empty() && !uses_it(lambda, self.b.text);
        if receiver_bound || builder {
            // The body runs with the receiver (or nothing) and feeds the call's result.
            if receiver_bound {
                let bound = if method == "with" {
                    first_arg_value
                } else {
                    receiver_value.clone()
                };
                let params = if !explicit.is_empty() {
                    explicit
                } else if matches!(method.as_str(), "apply" | "run" | "with") {
                    Vec::new()
                } else {
                    vec!["it".to_string()]
                };
                let lambda_at = self.b.loc(lambda);
                self.b.assign(params, bound, lambda_at);
            }
            let mark = self.b.mark();
            let last = self.lambda_body(lambda);
            let mut body_reads = self.b.calls_since(mark);
            body_reads.extend(last.reads);
            args.push(union([ValueIr { reads: body_reads }]));
            let id = self
                .b
                .call(receiver, receiver_value, &method, args, args_text, at);
            for callback in deferred {
                self.callback(callback, Some(id));
            }
            return call_value(id);
        }
        let id = self
            .b
            .call(receiver, receiver_value, &method, args, args_text, at);
        for callback in deferred {
            self.callback(callback, Some(id));
        }
        self.callback(lambda, Some(id));
        call_value(id)
    }

    /// `recorder.read(buffer, 0, n)` fills `buffer` from the receiver: assign it from the
    /// call and its old value.
    fn fill_buffer(&mut self, arguments: Option<Node>, id: CallId) {
        let Some(buffer) = arguments
            .and_then(|a| {
                named_children(a)
                    .into_iter()
                    .find(|n| n.kind() == "value_argument")
            })
            .and_then(argument_expression)
            .filter(|e| e.kind() == "identifier")
        else {
            return;
        };
        let target = self.b.text(buffer).to_string();
        let at = self.b.loc(buffer);
        let value = union([call_value(id), var(&target, Vec::new())]);
        self.b.assign(vec![target], value, at);
    }

    /// The statements of a lambda literal (inside `annotated_lambda` or bare); its value.
    fn lambda_body(&mut self, node: Node) -> ValueIr {
        let literal = if node.kind() == "annotated_lambda" {
            named_children(node)
                .into_iter()
                .find(|n| n.kind() == "lambda_literal")
        } else {
            Some(node)
        };
        let Some(literal) = literal else {
            return ValueIr::default();
        };
        let mut last = ValueIr::default();
        for child in named_children(literal) {
            if child.kind() == "lambda_parameters" || is_comment(child) {
                continue;
            }
            last = self.statement(child);
        }
        last
    }

    /// A callback lowered inline: with `call`, its parameters are assigned the call's
    /// value first (ir.rs rule).
    fn callback(&mut self, node: Node, call: Option<CallId>) {
        let bind = |this: &mut Self, params: Vec<String>, at_node: Node| {
            if let Some(id) = call {
                let at = this.b.loc(at_node);
                this.b.assign(params, call_value(id), at);
            }
        };
        // A function literal or an object's method: its parameters get the call's value,
        // then its body is lowered inline.
        let inline_function = |this: &mut Self, function: Node| {
            let params = named_children(function)
                .into_iter()
                .find(|n| n.kind() == "function_value_parameters")
                .map(|p| this.parameters(p))
                .unwrap_or_default();
            bind(this, params, function);
            if let Some(body) = named_children(function)
                .into_iter()
                .find(|n| n.kind() == "function_body")
            {
                this.function_body(body);
            }
        };
        match node.kind() {
            "lambda_literal" | "annotated_lambda" => {
                let mut params = lambda_parameters(node, self.b.text);
                if params.is_empty() && uses_it(node, self.b.text) {
                    params.push("it".to_string());
                }
                bind(self, params, node);
                self.lambda_body(node);
            }
            "anonymous_function" => inline_function(self, node),
            "object_literal" => {
                let Some(body) = named_children(node)
                    .into_iter()
                    .find(|n| n.kind() == "class_body")
                else {
                    return;
                };
                for member in named_children(body) {
                    match member.kind() {
                        "function_declaration" => inline_function(self, member),
                        "property_declaration" => {
                            let targets = self.property_targets(member);
                            self.property_initializer(member, targets);
                        }
                        _ if is_comment(member) => {}
                        _ => {
                            self.statement(member);
                        }
                    }
                }
            }
            // SAM constructor `OnSuccessListener { loc -> … }`.
            "call_expression" => {
                if let Some(lambda) = named_children(node)
                    .into_iter()
                    .find(|n| n.kind() == "annotated_lambda")
                {
                    self.callback(lambda, call);
                }
            }
            _ => {
                self.expr(node);
            }
        }
    }
}

fn has_child(node: Node, kind: &str) -> bool {
    children(node).iter().any(|c| c.kind() == kind)
}

/// The expression of a `value_argument` (skipping a `name =` label).
fn argument_expression(argument: Node) -> Option<Node> {
    let parts = named_children(argument);
    if has_child(argument, "=") {
        parts.last().copied()
    } else {
        parts.into_iter().find(|n| !is_comment(*n))
    }
}

/// Whether an argument is code to be called back rather than a value.
fn is_callback(expression: Node, text: &str) -> bool {
    match expression.kind() {
        "lambda_literal" | "annotated_lambda" | "anonymous_function" | "object_literal" => true,
        "call_expression" => {
            // `OnSuccessListener { … }`: a capitalised callee, a lambda, no parentheses.
            let parts = named_children(expression);
            let sam_type = parts.first().is_some_and(|c| {
                c.kind() == "identifier"
                    && treesitter::text(*c, text).starts_with(|ch: char| ch.is_ascii_uppercase())
            });
            sam_type
                && parts.iter().any(|n| n.kind() == "annotated_lambda")
                && !parts.iter().any(|n| n.kind() == "value_arguments")
        }
        _ => false,
    }
}

/// Explicit parameter names of a lambda (destructured ones flattened; `_` skipped).
fn lambda_parameters(node: Node, text: &str) -> Vec<String> {
    let literal = if node.kind() == "annotated_lambda" {
        named_children(node)
            .into_iter()
            .find(|n| n.kind() == "lambda_literal")
    } else {
        Some(node)
    };
    let Some(parameters) = literal.and_then(|l| {
        named_children(l)
            .into_iter()
            .find(|n| n.kind() == "lambda_parameters")
    }) else {
        return Vec::new();
    };
    let mut names = Vec::new();
    for declaration in treesitter::descendants(parameters) {
        if declaration.kind() == "variable_declaration"
            && let Some(identifier) = named_children(declaration)
                .into_iter()
                .find(|n| n.kind() == "identifier")
        {
            let name = treesitter::text(identifier, text);
            if name != "_" {
                names.push(name.to_string());
            }
        }
    }
    names
}

/// Whether a lambda's body mentions its implicit `it` (not a nested lambda's own `it`).
fn uses_it(node: Node, text: &str) -> bool {
    let literal = if node.kind() == "annotated_lambda" {
        named_children(node)
            .into_iter()
            .find(|n| n.kind() == "lambda_literal")
    } else {
        Some(node)
    };
    let Some(literal) = literal else {
        return false;
    };
    let mut stack: Vec<Node> = named_children(literal);
    while let Some(current) = stack.pop() {
        match current.kind() {
            "identifier" if treesitter::text(current, text) == "it" => return true,
            "lambda_literal"
                if !named_children(current)
                    .iter()
                    .any(|n| n.kind() == "lambda_parameters") =>
            {
                // A nested parameterless lambda has its own `it`.
            }
            _ if is_comment(current) => {}
            "string_content" => {
                // `"$it"` is split into `$` + `it…` contents.
                if treesitter::text(current, text).starts_with("it")
                    && current
                        .prev_sibling()
                        .is_some_and(|p| treesitter::text(p, text).ends_with('$'))
                {
                    return true;
                }
            }
            _ => stack.extend(named_children(current)),
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    fn lower_kt(source: &str) -> SourceIr {
        let catalog = Catalog::embedded().expect("catalog");
        let input = FileInput::new(
            "app/src/main/java/com/acme/Main.kt",
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
            .unwrap_or_else(|| panic!("no function {name}: {:?}", names(ir)))
    }

    fn names(ir: &SourceIr) -> Vec<&str> {
        ir.functions.iter().map(|f| f.name.as_str()).collect()
    }

    fn calls(f: &FunctionIr) -> Vec<&CallIr> {
        f.ops
            .iter()
            .filter_map(|op| match op {
                Op::Call(c) => Some(c),
                _ => None,
            })
            .collect()
    }

    fn call<'a>(f: &'a FunctionIr, method: &str) -> &'a CallIr {
        calls(f)
            .into_iter()
            .find(|c| c.method == method)
            .unwrap_or_else(|| panic!("no call {method} in {}: {:#?}", f.name, f.ops))
    }

    fn v(name: &str, members: &[&str]) -> Read {
        Read::Var {
            name: name.to_string(),
            members: members.iter().map(|m| m.to_string()).collect(),
        }
    }

    fn assigns(f: &FunctionIr) -> Vec<(&[String], &[Read])> {
        f.ops
            .iter()
            .filter_map(|op| match op {
                Op::Assign(a) => Some((a.targets.as_slice(), a.value.reads.as_slice())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn imports_plain_wildcard_alias_and_qualified_references() {
        let ir = lower_kt(
            r#"package com.acme
import com.google.firebase.analytics.FirebaseAnalytics
import com.braze.*
import com.appsflyer.AppsFlyerLib as AF
fun f() {
    com.appsflyer.AppsFlyerLib.getInstance().start(this)
}
"#,
        );
        let got: Vec<(&str, &[String], bool, u32)> = ir
            .imports
            .iter()
            .map(|i| {
                (
                    i.path.as_str(),
                    i.bindings.as_slice(),
                    i.qualified_reference,
                    i.at.line,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "com.google.firebase.analytics.FirebaseAnalytics",
                    &["FirebaseAnalytics".to_string()][..],
                    false,
                    2
                ),
                ("com.braze.*", &[][..], false, 3),
                (
                    "com.appsflyer.AppsFlyerLib",
                    &["AF".to_string()][..],
                    false,
                    4
                ),
                ("com.appsflyer.AppsFlyerLib", &[][..], true, 6),
            ]
        );
        let f = function(&ir, "f");
        let get_instance = call(f, "getInstance");
        assert_eq!(
            get_instance.receiver.as_deref(),
            Some("com.appsflyer.AppsFlyerLib")
        );
        assert!(get_instance.receiver_value.reads.is_empty());
        let start = call(f, "start");
        assert_eq!(
            start.receiver.as_deref(),
            Some("com.appsflyer.AppsFlyerLib.getInstance()")
        );
        assert_eq!(
            start.receiver_value.reads,
            vec![Read::Call(get_instance.id)]
        );
        assert_eq!(start.at.line, 6);
        assert_eq!(start.at.column, 46);
    }

    #[test]
    fn functions_members_and_top() {
        let ir = lower_kt(
            r#"val top = compute()
class A(val x: Int) {
    private val fused = LocationServices.getFusedLocationProviderClient(this)
    init { setup() }
    constructor(s: String) : this(1) { other(s) }
    fun f(a: Int, b: String) = a + 1
    companion object { fun g() {} }
    val lazyOne by lazy { make() }
}
"#,
        );
        assert_eq!(
            names(&ir),
            vec![
                "<top>",
                "top",
                "fused",
                "init",
                "constructor",
                "f",
                "g",
                "lazyOne"
            ]
        );
        let fused = function(&ir, "fused");
        let get = call(fused, "getFusedLocationProviderClient");
        assert_eq!(get.receiver.as_deref(), Some("LocationServices"));
        assert_eq!(get.args_text, "this");
        assert_eq!(
            assigns(fused),
            vec![(&["fused".to_string()][..], &[Read::Call(get.id)][..])]
        );
        let f = function(&ir, "f");
        assert_eq!(f.params, vec!["a", "b"]);
        assert!(matches!(&f.ops[..], [Op::Return(v)] if v.reads == vec![v_("a")]));
        assert_eq!(function(&ir, "constructor").params, vec!["s"]);
        assert_eq!(call(function(&ir, "init"), "setup").receiver, None);
        // `lazy { make() }` is a builder lambda: `make` runs before `lazy` and feeds it.
        let lazy_one = function(&ir, "lazyOne");
        let make = call(lazy_one, "make");
        let lazy = call(lazy_one, "lazy");
        assert_eq!(lazy.args[0].reads, vec![Read::Call(make.id)]);
    }

    fn v_(name: &str) -> Read {
        v(name, &[])
    }

    #[test]
    fn callback_lambda_binds_parameter_to_call() {
        let ir = lower_kt(
            r#"fun track() {
    fused.lastLocation.addOnSuccessListener { loc ->
        analytics.logEvent("where", bundleOf("lat" to loc.latitude))
    }
    fused.lastLocation.addOnSuccessListener { send(it.longitude) }
}
"#,
        );
        let f = function(&ir, "track");
        let ops = &f.ops;
        let Op::Call(last_location) = &ops[0] else {
            panic!("{ops:#?}")
        };
        assert_eq!(last_location.method, "lastLocation");
        assert_eq!(last_location.receiver.as_deref(), Some("fused"));
        assert_eq!(last_location.receiver_value.reads, vec![v_("fused")]);
        assert!(last_location.args.is_empty());
        let Op::Call(listener) = &ops[1] else {
            panic!("{ops:#?}")
        };
        assert_eq!(listener.method, "addOnSuccessListener");
        assert_eq!(listener.receiver.as_deref(), Some("fused.lastLocation"));
        assert_eq!(
            listener.receiver_value.reads,
            vec![Read::Call(last_location.id)]
        );
        let Op::Assign(param) = &ops[2] else {
            panic!("{ops:#?}")
        };
        assert_eq!(param.targets, vec!["loc"]);
        assert_eq!(param.value.reads, vec![Read::Call(listener.id)]);
        let bundle = call(f, "bundleOf");
        assert_eq!(bundle.args[0].reads, vec![v("loc", &["latitude"])]);
        let log = call(f, "logEvent");
        assert_eq!(log.receiver.as_deref(), Some("analytics"));
        assert_eq!(log.args[0].reads, vec![]);
        assert_eq!(log.args[1].reads, vec![Read::Call(bundle.id)]);
        assert_eq!(
            log.args_text,
            "\"where\", bundleOf(\"lat\" to loc.latitude)"
        );
        // `{ send(it.longitude) }`: implicit `it` is bound.
        let second_listener = calls(f)
            .into_iter()
            .filter(|c| c.method == "addOnSuccessListener")
            .nth(1)
            .expect("second listener");
        assert!(assigns(f).contains(&(
            &["it".to_string()][..],
            &[Read::Call(second_listener.id)][..]
        )));
        assert_eq!(call(f, "send").args[0].reads, vec![v("it", &["longitude"])]);
    }

    #[test]
    fn scope_and_builder_lambdas_feed_the_call() {
        let ir = lower_kt(
            r#"fun f(loc: Location) {
    val b = Bundle().apply { putDouble("lat", loc.latitude) }
    firebase.logEvent("e", b)
    firebase.logEvent("e2") { param("lng", loc.longitude) }
    loc.let { l -> sdk.send(l.latitude) }
}
"#,
        );
        let f = function(&ir, "f");
        let put = call(f, "putDouble");
        assert_eq!(put.receiver, None);
        let apply = call(f, "apply");
        assert_eq!(apply.receiver.as_deref(), Some("Bundle()"));
        assert!(apply.args[0].reads.contains(&Read::Call(put.id)));
        assert!(assigns(f).contains(&(&["b".to_string()][..], &[Read::Call(apply.id)][..])));
        let param = call(f, "param");
        let second = calls(f)
            .into_iter()
            .filter(|c| c.method == "logEvent")
            .nth(1)
            .expect("second logEvent");
        assert_eq!(second.args.len(), 2);
        assert_eq!(second.args_text, "\"e2\"");
        assert!(second.args[1].reads.contains(&Read::Call(param.id)));
        // `loc.let { l -> … }` binds `l` to the receiver's value before the body.
        assert!(assigns(f).contains(&(&["l".to_string()][..], &[v_("loc")][..])));
        assert_eq!(call(f, "send").args[0].reads, vec![v("l", &["latitude"])]);
    }

    #[test]
    fn object_literals_and_sam_constructors_are_callbacks_of_the_enclosing_call() {
        let ir = lower_kt(
            r#"fun f() {
    client.requestLocationUpdates(request, object : LocationCallback() {
        override fun onLocationResult(result: LocationResult) {
            Braze.getInstance(ctx).currentUser?.setLastKnownLocation(result.lastLocation.latitude, 0.0)
        }
    }, Looper.getMainLooper())
    task.addOnSuccessListener(OnSuccessListener { where -> track(where) })
}
"#,
        );
        let f = function(&ir, "f");
        let updates = call(f, "requestLocationUpdates");
        assert_eq!(updates.args.len(), 3);
        assert!(updates.args[1].reads.is_empty());
        assert!(assigns(f).contains(&(&["result".to_string()][..], &[Read::Call(updates.id)][..])));
        let set = call(f, "setLastKnownLocation");
        assert_eq!(
            set.receiver.as_deref(),
            Some("Braze.getInstance(ctx).currentUser")
        );
        // `lastLocation` is a catalog API name: lowered as a call on `result`.
        let read = calls(f)
            .into_iter()
            .find(|c| c.method == "lastLocation")
            .expect("lastLocation read");
        assert_eq!(read.receiver_value.reads, vec![v_("result")]);
        assert_eq!(set.args[0].reads, vec![Read::Call(read.id)]);
        let listener = call(f, "addOnSuccessListener");
        assert!(assigns(f).contains(&(&["where".to_string()][..], &[Read::Call(listener.id)][..])));
    }

    #[test]
    fn assignments_templates_and_comparisons() {
        let ir = lower_kt(
            r#"fun f(loc: Location, route: String) {
    OneSignal.Location.isShared = true
    val s = "at ${loc.latitude} $route!"
    var total = 0
    total += loc.altitude
    map["lat"] = loc.latitude
    val (a, b) = pair
    if (loc != null && loc.accuracy > 10) { report(loc.accuracy > 3) }
    for (p in points) { send(p) }
    return s
}
"#,
        );
        let f = function(&ir, "f");
        let shared = call(f, "isShared");
        assert_eq!(shared.receiver.as_deref(), Some("OneSignal.Location"));
        assert_eq!(shared.args_text, "true");
        assert!(shared.args[0].reads.is_empty());
        let assigned = assigns(f);
        assert!(assigned.contains(&(
            &["s".to_string()][..],
            &[v("loc", &["latitude"]), v_("route")][..]
        )));
        assert!(assigned.contains(&(
            &["total".to_string()][..],
            &[v("loc", &["altitude"]), v_("total")][..]
        )));
        assert!(assigned.contains(&(
            &["map".to_string()][..],
            &[v_("map"), v("loc", &["latitude"])][..]
        )));
        assert!(assigned.contains(&(&["a".to_string(), "b".to_string()][..], &[v_("pair")][..])));
        assert!(assigned.contains(&(&["p".to_string()][..], &[v_("points")][..])));
        assert!(call(f, "report").args[0].reads.is_empty());
        assert!(matches!(f.ops.last(), Some(Op::Return(v)) if v.reads == vec![v_("s")]));
    }

    #[test]
    fn comments_and_strings_produce_nothing() {
        let ir = lower_kt(
            r#"// AppsFlyerLib.getInstance().logLocation(ctx, 1.0, 2.0)
/* com.appsflyer.AppsFlyerLib.getInstance() */
fun f() {
    val s = "AppsFlyerLib.getInstance().logLocation(ctx, 1.0, 2.0)"
    Chartboost.setLocation("main_menu")
}
"#,
        );
        assert!(ir.imports.is_empty());
        let f = function(&ir, "f");
        let methods: Vec<&str> = calls(f).iter().map(|c| c.method.as_str()).collect();
        assert_eq!(methods, vec!["setLocation"]);
        assert!(call(f, "setLocation").args[0].reads.is_empty());
    }

    #[test]
    fn recovers_around_errors() {
        let ir = lower_kt(
            r#"fun ok() { sdk.track(loc.latitude) }
fun broken() {
    val x = )
    other.call(y)
}
"#,
        );
        assert_eq!(names(&ir), vec!["<top>", "ok", "broken"]);
        assert_eq!(
            call(function(&ir, "ok"), "track").args[0].reads,
            vec![v("loc", &["latitude"])]
        );
        assert_eq!(call(function(&ir, "broken"), "call").at.line, 4);
        // The grammar wraps a one-line companion body in an ERROR node.
        let ir = lower_kt("class B {\n    companion object { fun g() { inside() } }\n}\n");
        assert_eq!(names(&ir), vec!["<top>", "g"]);
        assert_eq!(call(function(&ir, "g"), "inside").receiver, None);
    }

    #[test]
    fn read_fills_its_buffer_argument_from_the_receiver() {
        let ir = lower_kt(
            r#"fun f(recorder: AudioRecord) {
    val buffer = ShortArray(256)
    val n = recorder.read(buffer, 0, buffer.size)
    read(other)
}
"#,
        );
        let f = function(&ir, "f");
        let read = call(f, "read");
        assert_eq!(read.receiver.as_deref(), Some("recorder"));
        let buffer = ["buffer".to_string()];
        let fill = f
            .ops
            .iter()
            .filter_map(|op| match op {
                Op::Assign(a) if a.targets == buffer => Some(a),
                _ => None,
            })
            .nth(1)
            .expect("buffer is filled");
        assert_eq!(fill.value.reads, vec![Read::Call(read.id), v_("buffer")]);
        assert_eq!((fill.at.line, fill.at.column), (3, 27));
        assert!(
            !assigns(f)
                .iter()
                .any(|(targets, _)| targets == &["other".to_string()])
        );
    }

    #[test]
    fn count_member_of_a_call_result_reads_nothing() {
        let ir = lower_kt(
            r#"fun f(names: List<String>) {
    send(names.distinct().size)
    send(names.first().length)
    send(names.first().uppercase())
    send(names.size)
}
"#,
        );
        let f = function(&ir, "f");
        let sends: Vec<&CallIr> = calls(f)
            .into_iter()
            .filter(|c| c.method == "send")
            .collect();
        assert_eq!(sends.len(), 4);
        assert!(sends[0].args[0].reads.is_empty());
        assert!(sends[1].args[0].reads.is_empty());
        let uppercase = call(f, "uppercase");
        assert_eq!(sends[2].args[0].reads, vec![Read::Call(uppercase.id)]);
        // On a variable path the member stays: the analysis drops it.
        assert_eq!(sends[3].args[0].reads, vec![v("names", &["size"])]);
    }

    #[test]
    fn every_prefix_lowers_without_panicking() {
        let source = "import com.appsflyer.AppsFlyerLib as AF\nfun f(l: Location) {\n    \
                      val s = \"é $l ${l.latitude}\"\n    x.apply { put(1) }.let { it }\n    \
                      client.lastLocation.addOnSuccessListener { a -> AF.getInstance().logLocation(a) }\n}\n";
        let catalog = Catalog::embedded().expect("catalog");
        for (end, _) in source.char_indices() {
            let text = &source[..end];
            let input = FileInput::new("Prefix.kt", text.as_bytes(), text, &catalog);
            assert!(lower(&input).is_ok());
        }
    }
}
