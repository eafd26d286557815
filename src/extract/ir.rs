//! A small, language-neutral picture of a source file: its imports and, per function,
//! the calls and assignments in source order. Each language module lowers its
//! tree-sitter (or `syn`) tree to this; matching against the catalog and data flow are
//! then shared (`super::analyze`).
//!
//! The rules every lowering follows, and the helpers they share, are in [`lowering`].

use crate::model::Location;

pub mod lowering;

/// Index of a call inside its [`FunctionIr::ops`] numbering (unique per file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CallId(pub u32);

#[derive(Debug, Clone, Default)]
pub struct SourceIr {
    pub imports: Vec<Import>,
    /// Every function, method, and a synthetic `<top>` function for top-level code.
    pub functions: Vec<FunctionIr>,
}

#[derive(Debug, Clone)]
pub struct Import {
    /// As written, normalised per language:
    /// Kotlin/Java `com.foo.Bar` or `com.foo.*`; Swift/ObjC module `CoreLocation`;
    /// JS module specifier `@segment/analytics-react-native`; Dart `package:geolocator/geolocator.dart`;
    /// Rust path `posthog_rs::Client`.
    pub path: String,
    /// Local names the import binds (`import x as y`, JS default/named bindings).
    pub bindings: Vec<String>,
    /// A fully qualified reference in code rather than an import statement.
    pub qualified_reference: bool,
    pub at: Location,
}

#[derive(Debug, Clone)]
pub struct FunctionIr {
    pub name: String,
    pub params: Vec<String>,
    pub ops: Vec<Op>,
    pub at: Location,
}

#[derive(Debug, Clone)]
pub enum Op {
    Call(CallIr),
    Assign(AssignIr),
    /// `return v` (or the value of an expression-bodied function).
    Return(ValueIr),
}

#[derive(Debug, Clone)]
pub struct CallIr {
    pub id: CallId,
    /// Source text of the receiver expression with whitespace removed
    /// (`navigator.geolocation`, `AppsFlyerLib.getInstance()`); `None` for a bare call.
    pub receiver: Option<String>,
    /// What the receiver expression reads (a tainted receiver taints the result).
    pub receiver_value: ValueIr,
    /// Called method, function or property name (the last segment only).
    pub method: String,
    pub args: Vec<ValueIr>,
    /// The call's argument list as written (whitespace collapsed), for hints like
    /// `MediaRecorder.AudioSource.MIC`, `audio: true` or a `true` toggle.
    pub args_text: String,
    pub at: Location,
}

#[derive(Debug, Clone)]
pub struct AssignIr {
    /// Variables (or `obj.prop` paths) written; destructuring gives several.
    pub targets: Vec<String>,
    pub value: ValueIr,
    pub at: Location,
}

/// What an expression reads. An expression made only of literals has no reads.
#[derive(Debug, Clone, Default)]
pub struct ValueIr {
    pub reads: Vec<Read>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Read {
    /// A variable and the member path read from it: `loc.latitude` is
    /// `Var { name: "loc", members: ["latitude"] }`.
    Var { name: String, members: Vec<String> },
    /// The result of a call in the same function.
    Call(CallId),
}

impl SourceIr {
    pub fn calls(&self) -> impl Iterator<Item = (&FunctionIr, &CallIr)> {
        self.functions.iter().flat_map(|f| {
            f.ops.iter().filter_map(move |op| match op {
                Op::Call(c) => Some((f, c)),
                _ => None,
            })
        })
    }
}

/// Compact renderings of lowered functions for exact assertions in the language tests.
#[cfg(test)]
pub(crate) mod test_render {
    use super::{CallIr, FunctionIr, Op, Read, SourceIr, ValueIr};

    /// `line: call#id receiver.method([reads] …)`, `line: targets = [reads]`, `return [reads]`.
    pub(crate) fn ops_by_line(f: &FunctionIr) -> Vec<String> {
        f.ops
            .iter()
            .map(|op| match op {
                Op::Call(c) => format!(
                    "{}: call#{} {}{}({})",
                    c.at.line,
                    c.id.0,
                    c.receiver
                        .as_deref()
                        .map(|r| format!("{r}."))
                        .unwrap_or_default(),
                    c.method,
                    c.args.iter().map(value).collect::<Vec<_>>().join(", ")
                ),
                Op::Assign(a) => format!(
                    "{}: {} = {}",
                    a.at.line,
                    a.targets.join(","),
                    value(&a.value)
                ),
                Op::Return(v) => format!("return {}", value(v)),
            })
            .collect()
    }

    /// `[name.member #call …]`: what a value reads.
    pub(crate) fn value(v: &ValueIr) -> String {
        let parts: Vec<String> = v
            .reads
            .iter()
            .map(|r| match r {
                Read::Var { name, members } if members.is_empty() => name.clone(),
                Read::Var { name, members } => format!("{name}.{}", members.join(".")),
                Read::Call(id) => format!("#{}", id.0),
            })
            .collect();
        format!("[{}]", parts.join(" "))
    }

    /// The whole IR of a file, one line an import or op, for snapshots: imports with
    /// their bindings, then each function with its parameters and every field of its ops
    /// at `line:column`.
    pub(crate) fn source(ir: &SourceIr) -> String {
        let mut out = String::new();
        for i in &ir.imports {
            out.push_str(&format!(
                "{}:{} import {}{}{}\n",
                i.at.line,
                i.at.column,
                i.path,
                if i.bindings.is_empty() {
                    String::new()
                } else {
                    format!(" as {}", i.bindings.join(","))
                },
                if i.qualified_reference {
                    " (qualified reference)"
                } else {
                    ""
                }
            ));
        }
        for f in &ir.functions {
            out.push_str(&format!(
                "{}:{} fn {}({})\n",
                f.at.line,
                f.at.column,
                f.name,
                f.params.join(", ")
            ));
            for op in &f.ops {
                let line = match op {
                    Op::Call(c) => call(c),
                    Op::Assign(a) => format!(
                        "{}:{} {} = {}",
                        a.at.line,
                        a.at.column,
                        a.targets.join(","),
                        value(&a.value)
                    ),
                    Op::Return(v) => format!("return {}", value(v)),
                };
                out.push_str(&format!("    {line}\n"));
            }
        }
        out
    }

    fn call(c: &CallIr) -> String {
        let mut line = format!(
            "{}:{} call#{} {}{}({})",
            c.at.line,
            c.at.column,
            c.id.0,
            c.receiver
                .as_deref()
                .map(|r| format!("{r}."))
                .unwrap_or_default(),
            c.method,
            c.args.iter().map(value).collect::<Vec<_>>().join(", ")
        );
        if !c.receiver_value.reads.is_empty() {
            line.push_str(&format!(" receiver reads {}", value(&c.receiver_value)));
        }
        if !c.args_text.is_empty() {
            line.push_str(&format!(" text {:?}", c.args_text));
        }
        line
    }
}
