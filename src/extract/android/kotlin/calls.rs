//! Kotlin calls, trailing lambdas and callbacks (see the rules in the parent module).

use super::*;

impl Lowering<'_, '_> {
    /// The value a call's receiver reads; package-qualified receivers read nothing.
    pub(super) fn receiver_value(&mut self, receiver: Node) -> ValueIr {
        if receiver.kind() == "navigation_expression" || receiver.kind() == "identifier" {
            let (base, segments) = Self::chain(receiver);
            if self.qualified_reference(base, &segments) {
                return ValueIr::default();
            }
        }
        self.expr(receiver)
    }

    pub(super) fn call(&mut self, node: Node) -> ValueIr {
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
            .map(|a| argument_list_text(self.b.text(a)))
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
    pub(super) fn fill_buffer(&mut self, arguments: Option<Node>, id: CallId) {
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
    pub(super) fn lambda_body(&mut self, node: Node) -> ValueIr {
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
    /// value first (the `lowering` rule).
    pub(super) fn callback(&mut self, node: Node, call: Option<CallId>) {
        let bind = |this: &mut Self, params: Vec<String>, at_node: Node| {
            if let Some(id) = call {
                let at = this.b.loc(at_node);
                this.b.bind_callback(params, id, at);
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

/// The expression of a `value_argument` (skipping a `name =` label).
pub(super) fn argument_expression(argument: Node) -> Option<Node> {
    let parts = named_children(argument);
    if has_child(argument, "=") {
        parts.last().copied()
    } else {
        parts.into_iter().find(|n| !is_comment(*n))
    }
}

/// Whether an argument is code to be called back rather than a value.
pub(super) fn is_callback(expression: Node, text: &str) -> bool {
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
pub(super) fn lambda_parameters(node: Node, text: &str) -> Vec<String> {
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
pub(super) fn uses_it(node: Node, text: &str) -> bool {
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
