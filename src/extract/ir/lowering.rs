//! What every language lowering shares: the IR builder (call ids, the function stack,
//! imports), value helpers, callback binding, and the catalog facts a lowering needs
//! (which property reads are API calls, which receivers a capability API has).
//!
//! The rules a lowering follows, whatever its parser:
//! - comments and string literal contents never produce a `Read`, `Call` or `Import`;
//! - every function, method and constructor is its own [`FunctionIr`], opened with
//!   [`Builder::begin`] and closed with [`Builder::end`]; top-level code goes to the
//!   synthetic `<top>` function, which is always open underneath;
//! - calls take their id from [`Builder::call`] (or [`CallIds`]), unique in the file;
//! - a property assignment `a.b.c = v` is a `Call` with receiver `a.b`, method `c` and
//!   one argument `v` (setters and toggles look the same as calls);
//! - a property read that names a catalog capability API (`fused.lastLocation`,
//!   `manager.location`) is lowered as a call with no arguments
//!   ([`CapabilityApis::property_call`]); plain member reads are `Read::Var` with
//!   `members`;
//! - a closure/lambda/block passed to a call is lowered inline, into the same function's
//!   ops, right after the call, starting with [`Builder::bind_callback`] (or
//!   [`callback_binding`]): `Op::Assign { targets: <its parameters>, value:
//!   Read::Call(<that call>) }`, so callback parameters carry the call's value;
//! - a delegate or callback *method* that receives a capability value (Swift
//!   `locationManager(_:didUpdateLocations:)`) is lowered as a synthetic `Call` with the
//!   delegate selector piece as `method` and the protocol's type as `receiver`, followed
//!   by an `Assign` of that call to the parameter ([`is_delegate_method`]);
//! - a receiver whose text does not name the API's receiver but whose declared type does
//!   is reported with that type ([`CapabilityApis::typed_receiver`]): the shared
//!   matcher sees no types;
//! - reads that only feed a comparison (`x != null`, `a.count > 0`) are dropped: the
//!   result is a boolean, not the data.

use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

use super::{AssignIr, CallId, CallIr, FunctionIr, Import, Op, Read, SourceIr, ValueIr};
use crate::catalog::{Catalog, Language};
use crate::extract::treesitter;
use crate::model::Location;

/// Hands out call ids, unique in a file, in the order calls are made.
#[derive(Debug, Default)]
pub struct CallIds(u32);

impl CallIds {
    pub fn fresh(&mut self) -> CallId {
        let id = CallId(self.0);
        self.0 += 1;
        id
    }
}

/// The order of [`SourceIr::functions`] after `<top>`: by where each function opened
/// (Kotlin, Java) or by when it closed, inner functions first (the others). The analysis
/// looks helpers up by name, so a lowering keeps the order it has always had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FunctionOrder {
    Opened,
    Closed,
}

/// The IR under construction: imports, and functions with a stack of open ones; ops
/// go to the innermost open function.
pub struct Builder<'a> {
    pub path: &'a str,
    /// The parsed text, for tree-sitter node text and locations (empty for `syn`).
    pub text: &'a str,
    ids: CallIds,
    imports: Vec<Import>,
    /// In opening order; `<top>` first.
    functions: Vec<FunctionIr>,
    open: Vec<usize>,
    closed: Vec<usize>,
}

impl<'a> Builder<'a> {
    pub fn new(path: &'a str, text: &'a str) -> Self {
        Builder {
            path,
            text,
            ids: CallIds::default(),
            imports: Vec::new(),
            functions: vec![FunctionIr {
                name: "<top>".to_string(),
                params: Vec::new(),
                ops: Vec::new(),
                at: Location::new(path, 1, 1),
            }],
            open: vec![0],
            closed: Vec::new(),
        }
    }

    pub fn loc(&self, node: Node) -> Location {
        treesitter::location(node, self.path, self.text)
    }

    pub fn text(&self, node: Node) -> &'a str {
        treesitter::text(node, self.text)
    }

    pub fn begin(&mut self, name: impl Into<String>, params: Vec<String>, at: Location) {
        self.functions.push(FunctionIr {
            name: name.into(),
            params,
            ops: Vec::new(),
            at,
        });
        self.open.push(self.functions.len() - 1);
    }

    pub fn end(&mut self) {
        // `<top>` stays open.
        if self.open.len() > 1
            && let Some(index) = self.open.pop()
        {
            self.closed.push(index);
        }
    }

    fn current(&self) -> Option<&FunctionIr> {
        self.functions.get(self.open.last().copied().unwrap_or(0))
    }

    pub fn op(&mut self, op: Op) {
        let index = self.open.last().copied().unwrap_or(0);
        if let Some(function) = self.functions.get_mut(index) {
            function.ops.push(op);
        }
    }

    /// How many ops the current function has (to find the calls a body emitted).
    pub fn mark(&self) -> usize {
        self.current().map_or(0, |f| f.ops.len())
    }

    /// `Read::Call` of every call emitted since `mark` in the current function.
    pub fn calls_since(&self, mark: usize) -> Vec<Read> {
        self.current()
            .and_then(|f| f.ops.get(mark..))
            .unwrap_or_default()
            .iter()
            .filter_map(|op| match op {
                Op::Call(call) => Some(Read::Call(call.id)),
                _ => None,
            })
            .collect()
    }

    /// A fresh call id, for a lowering that numbers a call before pushing it.
    pub fn call_id(&mut self) -> CallId {
        self.ids.fresh()
    }

    pub fn call(
        &mut self,
        receiver: Option<String>,
        receiver_value: ValueIr,
        method: &str,
        args: Vec<ValueIr>,
        args_text: String,
        at: Location,
    ) -> CallId {
        let id = self.ids.fresh();
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

    /// The start of an inlined callback: its parameters take the value of `call`.
    pub fn bind_callback(&mut self, params: Vec<String>, call: CallId, at: Location) {
        self.assign(params, call_value(call), at);
    }

    /// Record an import; a qualified reference already recorded at the same place is
    /// recorded once.
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

    pub fn imports_mut(&mut self) -> &mut Vec<Import> {
        &mut self.imports
    }

    pub fn finish(self, order: FunctionOrder) -> SourceIr {
        let functions = match order {
            FunctionOrder::Opened => self.functions,
            FunctionOrder::Closed => {
                let mut order = vec![0];
                order.extend(self.closed.iter().copied());
                // Functions left open (never the case in a balanced lowering) come last.
                let mut closed = vec![false; self.functions.len()];
                for &i in &self.closed {
                    closed[i] = true;
                }
                order.extend((1..self.functions.len()).filter(|&i| !closed[i]));
                let mut slots: Vec<Option<FunctionIr>> =
                    self.functions.into_iter().map(Some).collect();
                order
                    .into_iter()
                    .filter_map(|i| slots.get_mut(i).and_then(Option::take))
                    .collect()
            }
        };
        SourceIr {
            imports: self.imports,
            functions,
        }
    }
}

/// A read of variable `name` and the member path under it.
pub fn var(name: &str, members: Vec<String>) -> ValueIr {
    ValueIr {
        reads: vec![Read::Var {
            name: name.to_string(),
            members,
        }],
    }
}

/// The value of call `id`.
pub fn call_value(id: CallId) -> ValueIr {
    ValueIr {
        reads: vec![Read::Call(id)],
    }
}

/// Every read of `values`, each once, in first-seen order.
pub fn union(values: impl IntoIterator<Item = ValueIr>) -> ValueIr {
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

/// The `Assign` that starts an inlined callback (for lowerings that collect ops
/// themselves): its parameters take the value of `call`; nothing without parameters.
pub fn callback_binding(params: Vec<String>, call: CallId, at: Location) -> Option<Op> {
    (!params.is_empty()).then(|| {
        Op::Assign(AssignIr {
            targets: params,
            value: call_value(call),
            at,
        })
    })
}

/// Text (an argument list) with whitespace runs collapsed to one space.
pub fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An argument list as written, without its parentheses, whitespace runs collapsed
/// (`( a,\n b )` → `a, b`): the `args_text` of a call.
pub fn argument_list_text(list: &str) -> String {
    let inner = list
        .strip_prefix('(')
        .and_then(|t| t.strip_suffix(')'))
        .unwrap_or(list);
    collapse(inner)
}

/// A property read lowered as a call with no arguments (`manager.location`): the op,
/// for lowerings that collect ops themselves.
pub fn property_read_call(
    id: CallId,
    receiver: String,
    receiver_value: ValueIr,
    method: String,
    at: Location,
) -> Op {
    Op::Call(CallIr {
        id,
        receiver: Some(receiver),
        receiver_value,
        method,
        args: Vec::new(),
        args_text: String::new(),
        at,
    })
}

pub fn named_children(node: Node) -> Vec<Node> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor).collect()
}

pub fn children(node: Node) -> Vec<Node> {
    let mut cursor = node.walk();
    node.children(&mut cursor).collect()
}

/// Whether a function named like a delegate method (`locationManager`) receives, as its
/// first parameter, the object it is the delegate of (`CLLocationManager`): Cocoa names
/// delegate methods after the delegating type.
pub fn is_delegate_method(name: &str, first_param_type: &str) -> bool {
    !name.is_empty()
        && first_param_type
            .to_ascii_lowercase()
            .contains(&name.to_ascii_lowercase())
}

/// The catalog's platform capability APIs for one language, as a lowering needs them.
#[derive(Debug, Default)]
pub struct CapabilityApis {
    /// Method names: a property read with one of these names is lowered as a call.
    names: HashSet<String>,
    /// Receiver hints per method name (`location` → [`LocationManager`]); APIs matched
    /// by name alone are left out.
    receiver_hints: HashMap<String, Vec<String>>,
}

impl CapabilityApis {
    pub fn new(catalog: &Catalog, language: Language) -> Self {
        let apis = || {
            catalog
                .capabilities
                .iter()
                .flat_map(|c| &c.apis)
                .filter(move |api| api.languages.contains(&language))
        };
        let names = apis().flat_map(|api| api.methods.iter().cloned()).collect();
        let mut receiver_hints: HashMap<String, Vec<String>> = HashMap::new();
        for api in apis().filter(|a| !a.distinctive) {
            if let Some(receiver) = &api.receiver {
                for method in &api.methods {
                    receiver_hints
                        .entry(method.clone())
                        .or_default()
                        .push(receiver.clone());
                }
            }
        }
        CapabilityApis {
            names,
            receiver_hints,
        }
    }

    /// Whether a property read named `name` is a capability API call.
    pub fn is_property_call(&self, name: &str) -> bool {
        self.names.contains(name)
    }

    /// The method name a property read `name` calls, if any: the name itself, or a Java
    /// getter of it in the catalog (`lastLocation` → `getLastLocation`).
    pub fn property_call(&self, name: &str) -> Option<String> {
        if self.names.contains(name) {
            return Some(name.to_string());
        }
        let mut chars = name.chars();
        let first = chars.next()?;
        let getter = format!("get{}{}", first.to_uppercase(), chars.as_str());
        self.names.contains(&getter).then_some(getter)
    }

    /// The receiver text to report for a call of `method`: as written when it already
    /// names the catalog receiver (`locationManager.location`), else the declared type of
    /// a plain variable or property when that type does (`manager` declared
    /// `CLLocationManager()` reads `CLLocationManager.location`).
    pub fn typed_receiver(
        &self,
        written: String,
        method: &str,
        types: &HashMap<String, String>,
    ) -> String {
        let Some(hints) = self.receiver_hints.get(method) else {
            return written;
        };
        let mentions = |text: &str| {
            let text = text.to_ascii_lowercase();
            hints.iter().any(|h| {
                let hint = h.to_ascii_lowercase();
                let last = hint.rsplit('.').next().unwrap_or(&hint).to_string();
                text.contains(&hint) || text.contains(&last)
            })
        };
        if mentions(&written) {
            return written;
        }
        let root = written
            .strip_prefix("self.")
            .unwrap_or(&written)
            .trim_end_matches(['?', '!']);
        // An Objective-C property `manager` is also read through its ivar `_manager`.
        let declared = types
            .get(root)
            .or_else(|| root.strip_prefix('_').and_then(|r| types.get(r)));
        match declared {
            Some(ty) if mentions(ty) => ty.clone(),
            _ => written,
        }
    }
}
