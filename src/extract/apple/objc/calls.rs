//! Objective-C message sends, C calls, property reads of capability APIs and inline blocks.

use super::*;

impl Lowerer<'_> {
    /// `a.b.c` reads `Var { a, [b, c] }`; a member the catalog lists as an API is a call.
    pub(super) fn field(&mut self, node: Node, ops: &mut Vec<Op>) -> ValueIr {
        let member = node
            .child_by_field_name("field")
            .map(|f| text(f, self.source).to_string())
            .unwrap_or_default();
        let Some(target) = node.child_by_field_name("argument") else {
            return ValueIr::default();
        };
        if self.apis.is_property_call(&member) {
            let receiver_value = self.visit(target, ops);
            let id = self.call_id();
            let receiver = self.typed_receiver_text(target, &member);
            let at = self.loc(node);
            ops.push(property_read_call(id, receiver, receiver_value, member, at));
            return call_value(id);
        }
        let mut value = self.visit(target, ops);
        if let [Read::Var { members, .. }] = value.reads.as_mut_slice()
            && target.kind() != "message_expression"
        {
            members.push(member);
        }
        value
    }

    /// `[receiver piece:arg piece2:arg2]` → a call of `piece` with both arguments; a
    /// block argument is inlined after the call.
    pub(super) fn message(&mut self, node: Node, ops: &mut Vec<Op>) -> ValueIr {
        let receiver = node.child_by_field_name("receiver");
        let receiver_value = receiver.map(|r| self.visit(r, ops)).unwrap_or_default();
        let mut method = String::new();
        let mut args = Vec::new();
        let mut blocks = Vec::new();
        let mut args_start = None;
        let mut cursor = node.walk();
        for (i, child) in node.children(&mut cursor).enumerate() {
            match node.field_name_for_child(i as u32) {
                Some("method") if method.is_empty() => {
                    method = text(child, self.source).to_string();
                }
                Some("receiver" | "method") => {}
                _ if child.is_named() => {
                    args_start.get_or_insert(child.start_byte());
                    if child.kind() == "block_literal" {
                        blocks.push(child);
                    } else if !child.kind().contains("comment") {
                        args.push(self.visit(child, ops));
                    }
                }
                _ => {}
            }
        }
        let args_text = args_start
            .and_then(|s| self.source.get(s..node.end_byte().saturating_sub(1)))
            .map(collapse)
            .unwrap_or_default();
        let id = self.call_id();
        ops.push(Op::Call(CallIr {
            id,
            receiver: receiver.map(|r| self.typed_receiver_text(r, &method)),
            receiver_value,
            method,
            args,
            args_text,
            at: self.loc(node),
        }));
        for block in blocks {
            self.block(block, Some(id), ops);
        }
        call_value(id)
    }

    /// `f(a, b)`.
    pub(super) fn c_call(&mut self, node: Node, ops: &mut Vec<Op>) -> ValueIr {
        let function = node.child_by_field_name("function");
        let method = function
            .map(|f| compact(f, self.source))
            .unwrap_or_default();
        let mut args = Vec::new();
        let mut blocks = Vec::new();
        let mut args_text = String::new();
        if let Some(list) = node.child_by_field_name("arguments") {
            let written = text(list, self.source);
            args_text = collapse(
                written
                    .get(1..written.len().saturating_sub(1))
                    .unwrap_or(""),
            );
            let mut cursor = list.walk();
            for arg in list.named_children(&mut cursor) {
                if arg.kind() == "block_literal" {
                    blocks.push(arg);
                } else {
                    args.push(self.visit(arg, ops));
                }
            }
        }
        let id = self.call_id();
        ops.push(Op::Call(CallIr {
            id,
            receiver: None,
            receiver_value: ValueIr::default(),
            method,
            args,
            args_text,
            at: self.loc(node),
        }));
        for block in blocks {
            self.block(block, Some(id), ops);
        }
        call_value(id)
    }

    /// A block, inlined: its parameters are assigned from the call it was passed to.
    pub(super) fn block(&mut self, node: Node, call: Option<CallId>, ops: &mut Vec<Op>) {
        if let Some(id) = call {
            let targets: Vec<String> = named_children_of_kind(node, "parameter_list")
                .into_iter()
                .flat_map(|list| named_children_of_kind(list, "parameter_declaration"))
                .filter_map(|p| declared_name(p, self.source))
                .collect();
            ops.extend(callback_binding(targets, id, self.loc(node)));
        }
        if let Some(body) = named_children_of_kind(node, "compound_statement")
            .into_iter()
            .next()
        {
            self.visit(body, ops);
        }
    }
}
