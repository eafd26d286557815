//! Cascades: `target..m(x)..p = v` is a call on the target per section.

use super::*;

impl Lowerer<'_> {
    /// `target..m(x)..a.b(y)..p = v`: each section is a call on the target.
    pub(super) fn cascade(&mut self, node: Node) -> ValueIr {
        let Some(target) = node.named_child(0) else {
            return ValueIr::default();
        };
        let target_value = self.node(target);
        let target_text = compact(target, self.b.text);
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

    pub(super) fn cascade_section(
        &mut self,
        section: Node,
        target_text: &str,
        target_value: &ValueIr,
    ) {
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
                    let at = self.loc(*part);
                    self.b.call(
                        Some(receiver),
                        target_value.clone(),
                        &method,
                        vec![value],
                        args_text,
                        at,
                    );
                    return;
                }
                _ => {
                    self.node(*part);
                }
            }
        }
    }

    /// Receiver text and method of a cascade call: `t..a.b(x)` calls `b` on `t.a`.
    pub(super) fn cascade_callee(&self, part: Node, target_text: &str) -> (String, String) {
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
