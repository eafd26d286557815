//! Module loading: ESM imports and re-exports, `require` and dynamic `import()`, each an [`Import`] with the local names it binds.

use super::*;

impl Lowerer<'_> {
    /// `require('x')` or `import('x')` (possibly awaited or followed by `.default`):
    /// the module specifier.
    pub(super) fn module_load(&self, node: Node) -> Option<String> {
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

    pub(super) fn push_import(&mut self, path: String, bindings: Vec<String>, at: Location) {
        self.b.import(path, bindings, false, at);
    }

    pub(super) fn import_statement(&mut self, node: Node) {
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

    pub(super) fn export_statement(&mut self, node: Node) {
        if let Some(path) = node
            .child_by_field_name("source")
            .and_then(|s| self.string_value(s))
        {
            self.push_import(path, Vec::new(), self.at(node));
            return;
        }
        if let Some(declaration) = node.child_by_field_name("declaration") {
            self.node(declaration);
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
                self.node(value);
            }
        }
    }
}
