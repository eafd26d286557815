//! Assignments and declarations: `a.b = v` is a call of `b` on `a`, `x = v` and `const {a, b} = v` assign, compound assignments keep what the target held.

use super::*;

impl Lowerer<'_> {
    pub(super) fn assignment(&mut self, node: Node) -> ValueIr {
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
                let receiver_value = object.map(|o| self.node(o)).unwrap_or_default();
                let value = self.node(right);
                let method = left
                    .child_by_field_name("property")
                    .map_or("", |p| self.text(p))
                    .to_string();
                let draft = CallDraft {
                    receiver: object.map(|o| self.receiver_text(o)),
                    receiver_value,
                    method,
                    args: vec![value.clone()],
                    args_text: collapse(self.text(right)),
                    at,
                };
                self.emit_call(draft, Vec::new());
                value
            }
            "subscript_expression" => {
                // Writing an element keeps what the container held and adds the value.
                let container = left
                    .child_by_field_name("object")
                    .map(|o| (self.receiver_text(o), self.node(o)));
                if let Some(index) = left.child_by_field_name("index") {
                    self.node(index);
                }
                let value = self.node(right);
                if let Some((target, held)) = container {
                    self.b.op(Op::Assign(AssignIr {
                        targets: vec![target],
                        value: union([held, value.clone()]),
                        at,
                    }));
                }
                value
            }
            _ => {
                let value = self.node(right);
                let targets = self.pattern_names(left);
                if !targets.is_empty() {
                    self.b.op(Op::Assign(AssignIr {
                        targets,
                        value: value.clone(),
                        at,
                    }));
                }
                value
            }
        }
    }

    pub(super) fn augmented_assignment(&mut self, node: Node) -> ValueIr {
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
            let receiver_value = object.map(|o| self.node(o)).unwrap_or_default();
            let value = self.node(right);
            let method = left
                .child_by_field_name("property")
                .map_or("", |p| self.text(p))
                .to_string();
            let draft = CallDraft {
                receiver: object.map(|o| self.receiver_text(o)),
                receiver_value,
                method,
                args: vec![value.clone()],
                args_text: collapse(self.text(right)),
                at,
            };
            return self.emit_call(draft, Vec::new());
        }
        let held = self.node(left);
        let added = self.node(right);
        let value = union([held, added]);
        let targets = match left.kind() {
            "subscript_expression" => left
                .child_by_field_name("object")
                .map(|o| vec![self.receiver_text(o)])
                .unwrap_or_default(),
            _ => self.pattern_names(left),
        };
        if !targets.is_empty() {
            self.b.op(Op::Assign(AssignIr {
                targets,
                value: value.clone(),
                at,
            }));
        }
        value
    }

    pub(super) fn declarator(&mut self, node: Node) {
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
            self.class(inner, self.text(name));
            return;
        }
        if let Some(path) = self.module_load(value) {
            self.push_import(path, targets, self.at(node));
            return;
        }
        let value = self.node(value);
        if !targets.is_empty() {
            self.b.op(Op::Assign(AssignIr {
                targets,
                value,
                at: self.at(node),
            }));
        }
    }
}
