//! Function summaries: what one function does with the values it is given and makes,
//! as far as its own file shows, for the cross-file linker (`crate::link::flow`).
//!
//! Per function: which values reach an SDK sink (and at which argument), which reach
//! its return value, and which reach the arguments of calls it cannot resolve itself.
//! A value is described by what carries it ([`Carrier`]): a parameter, a capability
//! read, or the result of one of those calls. Fields written from a capability read in
//! one function are capability reads for the other functions of the file that read them
//! (a file is taken as one class: most hold one).
//!
//! The same precision rules as the in-function pass apply (sanitizers, comparisons,
//! formatting keeps the data); see docs/data-flow.md, "Across functions and files".

use std::collections::{HashMap, HashSet};

use super::{Context, FlowState, field_name, is_sanitizer};
use crate::catalog::Language;
use crate::extract::ir::{CallId, CallIr, FunctionIr, Op, Read, SourceIr, ValueIr};
use crate::model::{Location, Step};

/// Most carriers kept per value: enough for real code, bounded for generated code.
const MAX_CARRIERS: usize = 8;
/// Most steps kept in one carried value's in-function chain.
const MAX_STEPS: usize = 12;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSummary {
    pub language: Language,
    /// Import paths as lowered, with the names they bind.
    pub imports: Vec<(String, Vec<String>)>,
    pub functions: Vec<FunctionSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionSummary {
    /// As lowered (`track`, JavaScript `Class.track`).
    pub name: String,
    pub params: Vec<String>,
    pub at: Location,
    /// What reaches its return value.
    pub returns: Vec<Carried>,
    /// What reaches an argument of an SDK sink it calls.
    pub sinks: Vec<SinkHit>,
    /// Calls it cannot resolve itself whose arguments carry something or whose result
    /// is used.
    pub calls: Vec<OutCall>,
}

/// What carries a value into a place.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Carrier {
    /// The function's parameter at this index.
    Param(usize),
    /// A capability read in this function.
    Source { capability: String },
    /// A field written from a capability read (in any function of the file).
    Field { capability: String },
    /// The result of [`FunctionSummary::calls`] at this index.
    Result(usize),
}

/// A carrier and the steps, inside the function, from it to the place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Carried {
    pub carrier: Carrier,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SinkHit {
    pub carried: Carried,
    pub sdk: String,
    pub sdk_name: String,
    /// Index of the argument the value reaches.
    pub argument: usize,
    pub at: Location,
    /// The call as reported (`analytics.logEvent`).
    pub call: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutCall {
    pub receiver: Option<String>,
    pub method: String,
    /// What each argument carries.
    pub args: Vec<Vec<Carried>>,
    pub at: Location,
}

/// Summaries of every named function of a file (`<top>` included: module code calls too).
pub(super) fn summarize(context: &Context, ir: &SourceIr) -> FileSummary {
    let mut fields = HashMap::new();
    let mut functions: Vec<FunctionSummary> = ir
        .functions
        .iter()
        .map(|f| Summarizer::new(context, &HashMap::new()).function(f, &mut fields))
        .collect();
    // Fields written from a capability read feed the file's other functions.
    if !fields.is_empty() {
        let seeds = fields.clone();
        functions = ir
            .functions
            .iter()
            .map(|f| Summarizer::new(context, &seeds).function(f, &mut fields))
            .collect();
    }
    FileSummary {
        language: context.language,
        imports: ir
            .imports
            .iter()
            .filter(|i| !i.qualified_reference)
            .map(|i| (i.path.clone(), i.bindings.clone()))
            .collect(),
        functions,
    }
}

struct Summarizer<'c, 'a> {
    context: &'c Context<'a>,
    /// Fields (by name, `this.`/`self.` stripped) written from a capability read.
    field_sources: &'c HashMap<String, Carried>,
    vars: HashMap<String, Vec<Carried>>,
    calls: HashMap<CallId, Vec<Carried>>,
    /// Receiver provenance, kept as the in-function pass keeps it, for sink matching.
    origins: FlowState,
    /// Names this function binds itself (parameters, assignments): not fields.
    locals: HashSet<String>,
    out: FunctionSummary,
}

impl<'c, 'a> Summarizer<'c, 'a> {
    fn new(context: &'c Context<'a>, field_sources: &'c HashMap<String, Carried>) -> Self {
        Summarizer {
            context,
            field_sources,
            vars: HashMap::new(),
            calls: HashMap::new(),
            origins: FlowState::default(),
            locals: HashSet::new(),
            out: FunctionSummary {
                name: String::new(),
                params: Vec::new(),
                at: Location::new("", 1, 1),
                returns: Vec::new(),
                sinks: Vec::new(),
                calls: Vec::new(),
            },
        }
    }

    fn function(
        mut self,
        function: &FunctionIr,
        fields: &mut HashMap<String, Carried>,
    ) -> FunctionSummary {
        self.out.name = function.name.clone();
        self.out.params = function.params.clone();
        self.out.at = function.at.clone();
        for (index, param) in function.params.iter().enumerate() {
            self.locals.insert(param.clone());
            self.vars.insert(
                param.clone(),
                vec![Carried {
                    carrier: Carrier::Param(index),
                    steps: Vec::new(),
                }],
            );
            self.origins.origins.insert(
                field_name(param).to_string(),
                super::Origin::named(param, true),
            );
        }
        for op in &function.ops {
            if let Op::Assign(a) = op {
                self.locals.extend(
                    a.targets
                        .iter()
                        .filter(|t| !t.contains('.'))
                        .map(String::clone),
                );
            }
        }
        let used: HashSet<CallId> = function
            .ops
            .iter()
            .flat_map(|op| match op {
                Op::Call(c) => {
                    let mut reads: Vec<&Read> = c.receiver_value.reads.iter().collect();
                    reads.extend(c.args.iter().flat_map(|a| &a.reads));
                    reads
                }
                Op::Assign(a) => a.value.reads.iter().collect(),
                Op::Return(v) => v.reads.iter().collect(),
            })
            .filter_map(|r| match r {
                Read::Call(id) => Some(*id),
                Read::Var { .. } => None,
            })
            .collect();
        for op in &function.ops {
            match op {
                Op::Call(call) => self.call(call, &used, fields),
                Op::Assign(assign) => {
                    self.context.track_assign_origin(
                        &assign.targets,
                        &assign.value,
                        &mut self.origins,
                    );
                    let carried = self.value(&assign.value);
                    for target in &assign.targets {
                        let step = Step {
                            at: assign.at.clone(),
                            message: format!("assigned to `{target}`"),
                        };
                        let moved = extend(&carried, &step);
                        self.note_field_write(target, &moved, &assign.at, fields);
                        if moved.is_empty() {
                            self.vars.remove(target);
                        } else {
                            self.vars.insert(target.clone(), moved);
                        }
                    }
                }
                Op::Return(value) => {
                    let carried = self.value(value);
                    merge(&mut self.out.returns, carried);
                }
            }
        }
        self.out
    }

    /// A field written from a capability read (`this.last = loc`, Kotlin `last = loc`
    /// in a method that does not declare `last`).
    fn note_field_write(
        &self,
        target: &str,
        carried: &[Carried],
        at: &Location,
        fields: &mut HashMap<String, Carried>,
    ) {
        let name = field_name(target);
        let is_field = name != target || !self.out.params.iter().any(|p| p == target);
        if !is_field || name.contains('.') {
            return;
        }
        if let Some(source) = carried
            .iter()
            .find(|c| matches!(c.carrier, Carrier::Source { .. } | Carrier::Field { .. }))
        {
            let mut stored = source.clone();
            if let Carrier::Source { capability } = &source.carrier {
                stored.carrier = Carrier::Field {
                    capability: capability.clone(),
                };
            }
            push_step(
                &mut stored.steps,
                Step {
                    at: at.clone(),
                    message: format!("stored in field `{name}`"),
                },
            );
            fields.entry(name.to_string()).or_insert(stored);
        }
    }

    fn value(&self, value: &ValueIr) -> Vec<Carried> {
        let mut out = Vec::new();
        for read in &value.reads {
            match read {
                Read::Var { name, members } => {
                    if members.iter().any(|m| is_sanitizer(m)) {
                        continue;
                    }
                    let found = self.vars.get(name.as_str()).or_else(|| {
                        members
                            .first()
                            .and_then(|m| self.vars.get(&format!("{name}.{m}")))
                    });
                    if let Some(found) = found {
                        merge(&mut out, found.clone());
                        continue;
                    }
                    let field = if super::is_self(name) {
                        members.first().map(String::as_str)
                    } else if !self.locals.contains(name) {
                        Some(name.as_str())
                    } else {
                        None
                    };
                    if let Some(source) = field.and_then(|f| self.field_sources.get(f)) {
                        merge(&mut out, vec![source.clone()]);
                    }
                }
                Read::Call(id) => {
                    if let Some(found) = self.calls.get(id) {
                        merge(&mut out, found.clone());
                    }
                }
            }
        }
        out
    }

    fn call(
        &mut self,
        call: &CallIr,
        used: &HashSet<CallId>,
        fields: &mut HashMap<String, Carried>,
    ) {
        self.context.track_call_origin(call, &mut self.origins);
        let sanitizing = is_sanitizer(&call.method);
        let args: Vec<Vec<Carried>> = call.args.iter().map(|a| self.value(a)).collect();
        let mut result: Vec<Carried> = Vec::new();
        if let Some((capability, _)) = self.context.capability_api(call) {
            result.push(Carried {
                carrier: Carrier::Source {
                    capability: capability.to_string(),
                },
                steps: vec![Step {
                    at: call.at.clone(),
                    message: format!("`{}` reads the {capability}", super::display_call(call)),
                }],
            });
        }
        let sink = self
            .context
            .tie_api(call, &self.origins)
            .map(|(sdk, _)| sdk)
            .or_else(|| self.context.sink(call, &self.origins));
        if let Some(sdk) = sink {
            for (argument, carried) in args.iter().enumerate() {
                for c in carried {
                    self.out.sinks.push(SinkHit {
                        carried: c.clone(),
                        sdk: sdk.id.clone(),
                        sdk_name: sdk.name.clone(),
                        argument,
                        at: call.at.clone(),
                        call: super::display_call(call),
                    });
                }
            }
        } else if result.is_empty()
            && !sanitizing
            && (used.contains(&call.id) || args.iter().any(|a| !a.is_empty()))
        {
            let index = self.out.calls.len();
            self.out.calls.push(OutCall {
                receiver: call.receiver.clone(),
                method: call.method.clone(),
                args: args.clone(),
                at: call.at.clone(),
            });
            result.push(Carried {
                carrier: Carrier::Result(index),
                steps: Vec::new(),
            });
        }
        if !sanitizing {
            merge(&mut result, self.value(&call.receiver_value));
            if sink.is_none() {
                for a in &args {
                    merge(&mut result, a.clone());
                }
            }
        }
        // `this.last = loc` is lowered as a call of `last` on `this`.
        if let (Some(receiver), [written]) = (call.receiver.as_deref(), args.as_slice())
            && super::is_self(receiver)
        {
            self.note_field_write(&format!("this.{}", call.method), written, &call.at, fields);
            self.vars
                .insert(format!("{receiver}.{}", call.method), written.clone());
        }
        if !result.is_empty() {
            self.calls.insert(call.id, result);
        }
    }
}

fn push_step(steps: &mut Vec<Step>, step: Step) {
    if steps.len() < MAX_STEPS {
        steps.push(step);
    }
}

fn extend(carried: &[Carried], step: &Step) -> Vec<Carried> {
    carried
        .iter()
        .map(|c| {
            let mut c = c.clone();
            push_step(&mut c.steps, step.clone());
            c
        })
        .collect()
}

/// Adds what `more` carries to `into`, one entry per carrier (the first chain wins).
fn merge(into: &mut Vec<Carried>, more: Vec<Carried>) {
    for c in more {
        if into.len() >= MAX_CARRIERS {
            return;
        }
        if !into.iter().any(|i| i.carrier == c.carrier) {
            into.push(c);
        }
    }
}

#[cfg(test)]
mod tests;
