//! Matching a lowered source file against the catalog, and intra-procedural data flow.
//!
//! Shared by every language: the language modules only lower their trees to
//! [`SourceIr`]. Here imports become SDK presence, calls become capability uses, SDK
//! tie-API calls and sinks, and a small taint pass follows values from capability
//! APIs to SDK calls within one function (plus one hop into a helper in the same file).
//! The precision rules are documented in docs/data-flow.md.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::FileInput;
use super::ir::{CallId, CallIr, FunctionIr, Op, Read, SourceIr, ValueIr};
use crate::catalog::{ApiDef, Catalog, IdKind, Language, SdkDef};
use crate::model::{EvidenceKind, FileFacts, Level, Location, Marker, Presence, Step};

/// Members and methods whose result says something *about* the data but is not the
/// data: a count, an emptiness check, a hash.
const SANITIZERS: &[&str] = &[
    "count",
    "size",
    "length",
    "isEmpty",
    "isNotEmpty",
    "is_empty",
    "len",
    "hashCode",
    "hashValue",
    "isNull",
    "isNullOrEmpty",
    "indices",
    "startIndex",
    "endIndex",
];

/// Calls whose result is (or wraps) their argument: `lazy { FirebaseAnalytics.getInstance(c) }`,
/// `requireNotNull(analytics)`, `useMemo(() => createClient(..))`. Their result keeps the
/// argument's origin.
const PASS_THROUGH: &[&str] = &[
    "lazy",
    "run",
    "let",
    "also",
    "apply",
    "with",
    "requireNotNull",
    "checkNotNull",
    "remember",
    "useMemo",
    "useRef",
    "useState",
    "useCallback",
    "Some",
];

/// Where an object came from, as far as this file shows: what a receiver or variable was
/// made from, so a call on it can be told to be an SDK call or the app's own.
#[derive(Clone, Debug, Default)]
struct Origin {
    /// Lower-case names of what produced it, `|`-separated (`firebaseanalytics.getinstance`,
    /// `firebase.analytics`); a name assigned a known value does not add itself.
    text: String,
    /// SDKs whose import binds a name the expression uses (`createClient`).
    sdks: BTreeSet<String>,
    /// It derives from a name whose value this file does not show (a parameter, a field
    /// declared with a type only, a global): its provenance is unknown.
    opaque: bool,
}

/// Longest [`Origin::text`] kept: enough for any real producer chain, and bounded so
/// `b = b.add(..)` repeated in generated code stays linear.
const MAX_ORIGIN_TEXT: usize = 400;

impl Origin {
    fn named(name: &str, opaque: bool) -> Self {
        let mut origin = Origin {
            opaque,
            ..Origin::default()
        };
        origin.push_text("", name);
        origin
    }

    fn push_text(&mut self, separator: &str, text: &str) {
        if text.is_empty() || self.text.len() + separator.len() + text.len() > MAX_ORIGIN_TEXT {
            return;
        }
        if !self.text.is_empty() {
            self.text.push_str(separator);
        }
        self.text.push_str(&text.to_ascii_lowercase());
    }

    fn merge(&mut self, other: &Origin) {
        self.push_text("|", &other.text);
        self.sdks.extend(other.sdks.iter().cloned());
        self.opaque |= other.opaque;
    }

    fn member(&mut self, name: &str) {
        self.push_text(".", name);
    }

    /// Made from the SDK: its producer names the sink's receiver hint or an import of it.
    fn binds(&self, sdk: &SdkDef, hint: &str) -> bool {
        self.sdks.contains(&sdk.id) || self.text.contains(&hint.to_ascii_lowercase())
    }
}

/// A sanitizer by name, or as a Java getter of one (`cursor.getCount()`, `getSize()`).
fn is_sanitizer(name: &str) -> bool {
    if SANITIZERS.contains(&name) {
        return true;
    }
    let Some(rest) = name.strip_prefix("get") else {
        return false;
    };
    let mut chars = rest.chars();
    chars.next().is_some_and(|first| {
        first.is_ascii_uppercase()
            && SANITIZERS
                .contains(&format!("{}{}", first.to_ascii_lowercase(), chars.as_str()).as_str())
    })
}

/// Calls that store an argument into their receiver (`bundle.putDouble("lat", x)`).
const STORING_PREFIXES: &[&str] = &["put", "set", "add", "append", "insert", "push", "update"];

pub fn analyze(input: &FileInput, language: Language, ir: &SourceIr) -> FileFacts {
    let mut facts = FileFacts::default();
    let catalog = input.catalog;
    let mut file_sdks: BTreeSet<&str> = BTreeSet::new();
    let mut imported_names: HashSet<String> = HashSet::new();
    let mut first_party_names: HashSet<String> = HashSet::new();
    let mut import_sdks: HashMap<String, String> = HashMap::new();
    for import in &ir.imports {
        let path = import.path.trim();
        // A relative module ships with the script that imports it (see `link`).
        if language == Language::Javascript && (path.starts_with("./") || path.starts_with("../")) {
            facts.marker(
                import.at.clone(),
                Marker::LocalScript {
                    path: path.to_string(),
                },
            );
        }
        if is_first_party_import(language, path) {
            first_party_names.extend(import.bindings.iter().cloned());
        }
        let last = path
            .trim_end_matches(".*")
            .rsplit(['.', '/', ':'])
            .next()
            .unwrap_or(path);
        imported_names.insert(last.to_ascii_lowercase());
        imported_names.extend(import.bindings.iter().map(|b| b.to_ascii_lowercase()));
        if let Some(sdk) = sdk_for_import(catalog, language, path) {
            file_sdks.insert(&sdk.id);
            for name in import.bindings.iter().map(String::as_str).chain([last]) {
                import_sdks.insert(name.to_ascii_lowercase(), sdk.id.clone());
            }
            facts.push(
                import.at.clone(),
                EvidenceKind::SdkPresence {
                    sdk: sdk.id.clone(),
                    via: Presence::Import,
                },
                path,
            );
        }
    }
    let mut context = Context {
        catalog,
        language,
        file_sdks,
        imported_names,
        first_party_names,
        import_sdks,
        fields: HashMap::new(),
        local_bindings: ir
            .functions
            .iter()
            .flat_map(|f| {
                f.params
                    .iter()
                    .map(String::as_str)
                    .chain(f.ops.iter().flat_map(|op| {
                        match op {
                            Op::Assign(a) => a
                                .targets
                                .iter()
                                .map(|t| t.split('.').next().unwrap_or(t))
                                .collect(),
                            _ => Vec::new(),
                        }
                    }))
            })
            .collect(),
        text: input.text,
        helpers: ir
            .functions
            .iter()
            .filter(|f| f.name != "<top>")
            .map(|f| (f.name.as_str(), f))
            .collect(),
    };
    // Twice, so a field made from another field (`people = mixpanel.getPeople()` with
    // `mixpanel` assigned in another method) sees it.
    for _ in 0..2 {
        context.fields = context.field_origins(ir);
    }
    // Presence through web globals (`fbq(...)`, `ttq.track(...)`) in script code.
    if language == Language::Javascript {
        for (_, call) in ir.calls() {
            if let Some(sdk) = context.global_sdk(call) {
                facts.push(
                    call.at.clone(),
                    EvidenceKind::SdkPresence {
                        sdk: sdk.id.clone(),
                        via: Presence::Script,
                    },
                    format!("{}()", call.method),
                );
            }
        }
    }
    for function in &ir.functions {
        let mut flow = FlowState::default();
        context.run(function, &mut flow, &mut facts, 0);
    }
    crate::consent::source_evidence(input, language, ir, &mut facts);
    facts.summary = Some(Box::new(summary::summarize(&context, ir)));
    facts.evidence.sort();
    facts.evidence.dedup();
    facts
}

fn sdk_for_import<'c>(catalog: &'c Catalog, language: Language, path: &str) -> Option<&'c SdkDef> {
    match language {
        Language::Kotlin | Language::Java => catalog.sdk_for_package(path),
        Language::Swift | Language::Objc => {
            let module = path.split(['/', '.']).next().unwrap_or(path);
            catalog.lookup(IdKind::Module, module)
        }
        Language::Javascript => {
            if path.starts_with('.') || path.starts_with('/') {
                return None;
            }
            let mut parts = path.split('/');
            let first = parts.next()?;
            let name = if first.starts_with('@') {
                format!("{first}/{}", parts.next()?)
            } else {
                first.to_string()
            };
            // An entry point of a multi-product package (`firebase/analytics`,
            // `firebase/compat/analytics`, `@angular/fire/analytics`) may be an SDK of its
            // own: the whole specifier, then its first entry, then the package.
            let entry = parts.next().map(|sub| format!("{name}/{sub}"));
            [Some(path.to_string()), entry]
                .into_iter()
                .flatten()
                .filter(|specifier| specifier.len() > name.len())
                .find_map(|specifier| catalog.lookup(IdKind::Npm, &specifier))
                .or_else(|| catalog.lookup(IdKind::Npm, &name))
        }
        Language::Dart => {
            let rest = path.strip_prefix("package:")?;
            catalog.lookup(IdKind::Pub, rest.split('/').next()?)
        }
        Language::Rust => {
            let krate = path.split("::").next()?;
            catalog.lookup(IdKind::Crate, krate)
        }
    }
}

struct Context<'a> {
    catalog: &'a Catalog,
    language: Language,
    file_sdks: BTreeSet<&'a str>,
    imported_names: HashSet<String>,
    /// Names bound by imports of the app's own modules (`import { analytics } from
    /// './lib/analytics'`): a call on them is first-party code, never an SDK call.
    first_party_names: HashSet<String>,
    /// Names bound by imports of an SDK (bindings and the last path segment), lower-case.
    import_sdks: HashMap<String, String>,
    /// What each name assigned anywhere in the file (fields, `this.x`, top-level and
    /// property initialisers) was made from; all its assignments merged.
    fields: HashMap<String, Origin>,
    helpers: HashMap<&'a str, &'a FunctionIr>,
    /// Variables and parameters declared anywhere in the file (`const branch = …`,
    /// `(heap) => …`, `var FS = …`): a call on one is not a page global of that name.
    local_bindings: HashSet<&'a str>,
    /// The file's text, to see whether it loads an SDK's script itself.
    text: &'a str,
}

/// A value known to carry capability data, with how it got here.
#[derive(Clone, Debug)]
struct Taint {
    capability: String,
    chain: Vec<Step>,
}

#[derive(Default)]
struct FlowState {
    vars: HashMap<String, Taint>,
    calls: HashMap<CallId, Taint>,
    returned: Option<Taint>,
    /// Origins of the names assigned so far in this function (and of its parameters).
    origins: HashMap<String, Origin>,
    call_origins: HashMap<CallId, Origin>,
    /// Failure callbacks seen so far (an error is not the data).
    callbacks: failures::Callbacks,
}

impl FlowState {
    fn value(&self, value: &ValueIr) -> Option<Taint> {
        value.reads.iter().find_map(|read| match read {
            Read::Var { name, members } => {
                if members.iter().any(|m| {
                    SANITIZERS.contains(&m.as_str())
                        || failures::ERROR_MEMBERS.contains(&m.as_str())
                }) {
                    return None;
                }
                self.vars
                    .get(name.as_str())
                    .or_else(|| {
                        // `this.loc` / `self.loc` stored earlier as a member path.
                        members
                            .first()
                            .and_then(|m| self.vars.get(&format!("{name}.{m}")))
                    })
                    .cloned()
            }
            Read::Call(id) => self.calls.get(id).cloned(),
        })
    }
}

/// How deep helper calls are followed: one hop into a function of the same file.
const MAX_HELPER_DEPTH: u8 = 1;

impl<'a> Context<'a> {
    fn run(&self, function: &FunctionIr, state: &mut FlowState, facts: &mut FileFacts, depth: u8) {
        for param in &function.params {
            state
                .origins
                .insert(field_name(param).to_string(), Origin::named(param, true));
        }
        for op in &function.ops {
            match op {
                Op::Call(call) => self.call(call, state, facts, depth),
                Op::Assign(assign) => {
                    self.track_assign_origin(&assign.targets, &assign.value, state);
                    let failure = state.callbacks.binds_failure(assign);
                    let taint = state.value(&assign.value).filter(|_| !failure);
                    for target in &assign.targets {
                        // A callback's parameters are bound from its call alone.
                        let error_param = matches!(assign.value.reads.as_slice(), [Read::Call(_)]);
                        let taint = taint
                            .as_ref()
                            .filter(|_| !(error_param && failures::is_error_name(target)));
                        match taint {
                            Some(t) => {
                                let mut t = t.clone();
                                t.chain.push(Step {
                                    at: assign.at.clone(),
                                    message: format!("assigned to `{target}`"),
                                });
                                state.vars.insert(target.clone(), t);
                            }
                            None => {
                                state.vars.remove(target);
                            }
                        }
                    }
                }
                Op::Return(value) => {
                    if state.returned.is_none() {
                        state.returned = state.value(value);
                    }
                }
            }
        }
    }

    fn call(&self, call: &CallIr, state: &mut FlowState, facts: &mut FileFacts, depth: u8) {
        self.track_call_origin(call, state);
        if failures::is_failure_handler(&call.method) {
            state.callbacks.failure_calls.insert(call.id);
        }
        let sanitizing = is_sanitizer(&call.method);
        let mut result: Option<Taint> = None;

        // A capability API: the call reads the capability and its value is a source.
        if let Some((capability, api)) = self.capability_api(call) {
            let level = Level {
                precise: api.precise,
                background: api.background,
            };
            if depth == 0 {
                facts.push(
                    call.at.clone(),
                    EvidenceKind::CapabilityUse {
                        capability: capability.to_string(),
                        level,
                    },
                    display_call(call),
                );
            }
            state.callbacks.source_calls.insert(call.id);
            result = Some(Taint {
                capability: capability.to_string(),
                chain: vec![Step {
                    at: call.at.clone(),
                    message: format!("`{}` reads the {capability}", display_call(call)),
                }],
            });
        }

        let tainted_arg = call.args.iter().find_map(|a| state.value(a));
        let tainted_receiver = if sanitizing {
            None
        } else {
            state.value(&call.receiver_value)
        };

        // SDK sinks and tie APIs: a tainted argument is a flow (reported once, as flow).
        let tie = self.tie_api(call, state);
        let sink = tie.map(|(sdk, _)| sdk).or_else(|| self.sink(call, state));
        let mut reported_flow = false;
        if let (Some(sdk), Some(taint)) = (sink, &tainted_arg) {
            let mut chain = taint.chain.clone();
            chain.push(Step {
                at: call.at.clone(),
                message: format!("passed to `{}` of {}", display_call(call), sdk.name),
            });
            facts.push(
                call.at.clone(),
                EvidenceKind::Flow {
                    sdk: sdk.id.clone(),
                    capability: taint.capability.clone(),
                    chain,
                },
                display_call(call),
            );
            reported_flow = true;
        }
        if let Some((sdk, capability)) = tie
            && !reported_flow
            && depth == 0
        {
            facts.push(
                call.at.clone(),
                EvidenceKind::SdkApiCall {
                    sdk: sdk.id.clone(),
                    capability: capability.to_string(),
                },
                display_call(call),
            );
        }

        // One hop into a helper defined in the same file.
        if depth < MAX_HELPER_DEPTH
            && let Some(helper) = self.helper(call)
        {
            let mut inner = FlowState::default();
            for (param, arg) in helper.params.iter().zip(&call.args) {
                if let Some(mut t) = state.value(arg) {
                    t.chain.push(Step {
                        at: call.at.clone(),
                        message: format!("passed to `{}` as `{param}`", helper.name),
                    });
                    inner.vars.insert(param.clone(), t);
                }
            }
            self.run(helper, &mut inner, facts, depth + 1);
            if let Some(mut t) = inner.returned {
                t.chain.push(Step {
                    at: call.at.clone(),
                    message: format!("returned by `{}`", helper.name),
                });
                result = result.or(Some(t));
            }
        }

        if !sanitizing {
            result = result.or(tainted_receiver).or_else(|| {
                // Formatting, rounding and collection builders keep the data.
                if sink.is_none() {
                    tainted_arg.clone()
                } else {
                    None
                }
            });
        }
        if let Some(t) = &result {
            state.calls.insert(call.id, t.clone());
        }

        // `bundle.putDouble("lat", x)` / `event.location = x` taints the receiver.
        let stores = STORING_PREFIXES.iter().any(|p| call.method.starts_with(p));
        if sink.is_none()
            && stores
            && let (Some(t), Some(receiver)) = (&tainted_arg, &call.receiver)
            && is_simple_path(receiver)
        {
            let mut t = t.clone();
            t.chain.push(Step {
                at: call.at.clone(),
                message: format!("stored into `{receiver}`"),
            });
            let root = receiver.split('.').next().unwrap_or(receiver).to_string();
            // `self.route.add(x)` taints `self.route`, not every member of `self`.
            if !matches!(root.as_str(), "self" | "this" | "Self") {
                state.vars.insert(root, t.clone());
            }
            if receiver.contains('.') {
                state.vars.insert(receiver.clone(), t);
            }
        }
    }

    fn capability_api(&self, call: &CallIr) -> Option<(&'a str, &'a ApiDef)> {
        self.catalog.capabilities.iter().find_map(|cap| {
            cap.apis
                .iter()
                .find(|api| self.api_matches(api, call))
                .map(|api| (cap.id.as_str(), api))
        })
    }

    fn api_matches(&self, api: &ApiDef, call: &CallIr) -> bool {
        if !api.languages.contains(&self.language) || !api.methods.contains(&call.method) {
            return false;
        }
        let receiver_ok = api.distinctive
            || match &api.receiver {
                None => true,
                Some(r) => self.receiver_mentions(call, r),
            };
        receiver_ok
            && (api.argument_hints.is_empty()
                || hints_match(
                    &api.argument_hints,
                    &arguments::argument_values(&call.args_text, self.text),
                ))
    }

    /// Whether the call's receiver names `hint` (case-insensitively, by its full text or
    /// its last segment), or the file imports a type of that name.
    fn receiver_mentions(&self, call: &CallIr, hint: &str) -> bool {
        let last = hint.rsplit('.').next().unwrap_or(hint).to_ascii_lowercase();
        let receiver = call.receiver.as_deref().unwrap_or("").to_ascii_lowercase();
        receiver.contains(&hint.to_ascii_lowercase())
            || receiver.contains(&last)
            || (!receiver.is_empty() && self.imported_names.contains(&last))
    }

    fn sdk_known(&self, sdk: &SdkDef) -> bool {
        self.file_sdks.contains(sdk.id.as_str())
    }

    fn tie_api(&self, call: &CallIr, state: &FlowState) -> Option<(&'a SdkDef, &'a str)> {
        if !self.catalog.is_sdk_method(&call.method) || self.first_party_call(call) {
            return None;
        }
        self.catalog.sdks.iter().find_map(|sdk| {
            sdk.tie_apis
                .iter()
                .find(|t| {
                    t.languages.contains(&self.language)
                        && t.method == call.method
                        && self.tie_receiver_is_sdk(call, state, sdk, t.receiver.as_deref())
                        && (!t.when_true || switches_on(&call.args_text))
                })
                .map(|t| (sdk, t.capability.as_str()))
        })
    }

    /// A tie API is the SDK's only on an object made from the SDK (issue 14.6): its
    /// receiver's provenance names the SDK (an import, its receiver hint, a sink
    /// receiver or its id), or, where the file does not show where the receiver came
    /// from, the receiver's own text names it. `viewModel.setLocation(..)` in a file that
    /// also imports the SDK is the app's own method.
    fn tie_receiver_is_sdk(
        &self,
        call: &CallIr,
        state: &FlowState,
        sdk: &SdkDef,
        hint: Option<&str>,
    ) -> bool {
        if self.global_of(sdk, call) {
            return true;
        }
        let Some(origin) = self.receiver_origin(call, state) else {
            return false;
        };
        let id_word = sdk.id.split('-').next().unwrap_or(&sdk.id);
        let names: Vec<&str> = hint
            .into_iter()
            .chain(sdk.sinks.iter().filter_map(|s| s.receiver.as_deref()))
            .chain([id_word])
            .collect();
        origin.sdks.contains(&sdk.id)
            || names.iter().any(|name| {
                origin.binds(sdk, name)
                    || (origin.opaque && self.receiver_mentions_strictly(call, name))
            })
    }

    /// The receiver text itself names `hint` (imports alone are not enough, since the
    /// SDK is not known to be imported here).
    fn receiver_mentions_strictly(&self, call: &CallIr, hint: &str) -> bool {
        let receiver = call.receiver.as_deref().unwrap_or("").to_ascii_lowercase();
        !receiver.is_empty() && receiver.contains(&hint.to_ascii_lowercase())
    }

    fn sink(&self, call: &CallIr, state: &FlowState) -> Option<&'a SdkDef> {
        if !self.catalog.is_sdk_method(&call.method) || self.first_party_call(call) {
            return None;
        }
        let receiver = self.receiver_origin(call, state);
        self.catalog.sdks.iter().find(|sdk| {
            sdk.sinks.iter().any(|s| {
                s.languages.contains(&self.language)
                    && s.methods.contains(&call.method)
                    && (match &s.receiver {
                        // Receiver provenance (docs/data-flow.md, "Sinks"): made from the
                        // SDK → a sink; made from something else this file shows → the
                        // app's own object; unknown → its name must name the SDK.
                        Some(r) => receiver.as_ref().is_some_and(|origin| {
                            origin.binds(sdk, r)
                                || (origin.opaque && self.receiver_mentions_strictly(call, r))
                        }),
                        // A bare call of a function this file defines is that function.
                        None => {
                            self.sdk_known(sdk)
                                && !(call.receiver.is_none()
                                    && self.helpers.contains_key(call.method.as_str()))
                        }
                    } || self.global_of(sdk, call))
            })
        })
    }

    /// The receiver (or the bare function) is bound by an import of the app's own code.
    fn first_party_call(&self, call: &CallIr) -> bool {
        let name = match call.receiver.as_deref() {
            Some(receiver) => receiver
                .split(['.', '(', '?', ':'])
                .next()
                .unwrap_or(receiver),
            None => call.method.as_str(),
        };
        self.first_party_names.contains(name)
    }

    fn helper(&self, call: &CallIr) -> Option<&'a FunctionIr> {
        let local = matches!(
            call.receiver.as_deref(),
            None | Some("this") | Some("self") | Some("Self")
        );
        if !local {
            return None;
        }
        self.helpers.get(call.method.as_str()).copied().or_else(|| {
            // `this.report(x)`: JavaScript names class methods `Class.report`.
            let suffix = format!(".{}", call.method);
            call.receiver.as_ref()?;
            let mut named: Vec<(&&str, &&FunctionIr)> = self
                .helpers
                .iter()
                .filter(|(name, _)| name.ends_with(&suffix))
                .collect();
            named.sort_by_key(|(name, _)| **name);
            named.first().map(|(_, f)| **f)
        })
    }
}

/// An import of the app's own code: a relative or root-relative JS module (or a
/// `@/`, `~/` path alias), a relative Dart import, a Rust `crate::`/`self::`/`super::` path.
fn is_first_party_import(language: Language, path: &str) -> bool {
    match language {
        Language::Javascript => {
            matches!(path, "." | "..")
                || ["./", "../", "/", "@/", "~/"]
                    .iter()
                    .any(|p| path.starts_with(p))
        }
        Language::Dart => !path.contains(':'),
        Language::Rust => ["crate::", "self::", "super::"]
            .iter()
            .any(|p| path.starts_with(p)),
        _ => false,
    }
}

fn hints_match(hints: &[String], args_text: &str) -> bool {
    if hints.is_empty() {
        return true;
    }
    let args = compact_lower(args_text);
    hints
        .iter()
        .any(|h| arguments::hint_switched_on(&args, &compact_lower(h)))
}

fn compact_lower(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

fn is_self(name: &str) -> bool {
    matches!(name, "this" | "self" | "Self")
}

/// `this.analytics` / `self.analytics` is the field `analytics`.
fn field_name(target: &str) -> &str {
    target
        .strip_prefix("this.")
        .or_else(|| target.strip_prefix("self."))
        .unwrap_or(target)
}

fn is_simple_path(s: &str) -> bool {
    !s.is_empty()
        && s.split('.').all(|seg| {
            !seg.is_empty()
                && seg
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
        })
}

fn display_call(call: &CallIr) -> String {
    match &call.receiver {
        Some(r) if r.len() <= 60 => format!("{r}.{}", call.method),
        Some(_) => format!("….{}", call.method),
        None => call.method.clone(),
    }
}

/// Where a tie's chain starts, for reports.
pub fn chain_source(chain: &[Step]) -> Option<&Location> {
    chain.first().map(|s| &s.at)
}

/// A toggle's arguments switch it on: `true`, Objective-C `YES`, or `1`.
fn switches_on(args_text: &str) -> bool {
    let args = compact_lower(args_text);
    args.contains("true") || args.contains("yes") || args == "1"
}

mod arguments;
mod failures;
mod provenance;
pub mod summary;
#[cfg(test)]
mod tests;
