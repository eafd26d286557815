//! Receiver provenance: which SDK (or first-party code) made the object a call is made on, tracked through assignments and fields, and which page globals an SDK defines.

use super::*;

impl<'a> Context<'a> {
    /// What the call's receiver was made from; for a bare call, what the function name is
    /// bound to (`const { track } = useAnalytics()`, an imported SDK function), or `None`.
    pub(super) fn receiver_origin(&self, call: &CallIr, state: &FlowState) -> Option<Origin> {
        match &call.receiver {
            Some(text) if call.receiver_value.reads.is_empty() => Some(Origin::named(text, true)),
            Some(_) => Some(self.value_origin(&call.receiver_value, state)),
            None => {
                let name = call.method.as_str();
                if let Some(origin) = state.origins.get(name).or_else(|| self.fields.get(name)) {
                    return Some(origin.clone());
                }
                let sdk = self.import_sdks.get(&name.to_ascii_lowercase())?;
                let mut origin = Origin::named(name, false);
                origin.sdks.insert(sdk.clone());
                Some(origin)
            }
        }
    }

    /// What a value was made from: the merged origins of everything it reads.
    pub(super) fn value_origin(&self, value: &ValueIr, state: &FlowState) -> Origin {
        let mut origin = Origin::default();
        for read in &value.reads {
            match read {
                Read::Call(id) => match state.call_origins.get(id) {
                    Some(o) => origin.merge(o),
                    None => origin.opaque = true,
                },
                Read::Var { name, members } => {
                    origin.merge(&self.name_origin(name, members, state))
                }
            }
        }
        origin
    }

    /// The origin of `name.members…`; `this.x` / `self.x` is the field `x`.
    pub(super) fn name_origin(&self, name: &str, members: &[String], state: &FlowState) -> Origin {
        let (key, rest) = if is_self(name) {
            match members.split_first() {
                Some((field, rest)) => (field.as_str(), rest),
                // The object itself: the class this file defines.
                None => return Origin::default(),
            }
        } else {
            (name, members)
        };
        let mut origin = match state.origins.get(key).or_else(|| self.fields.get(key)) {
            Some(o) => o.clone(),
            None => {
                let lower = key.to_ascii_lowercase();
                // A type or module name (`Firebase`, `Analytics`) or an imported name is
                // known by its name; a lower-case name nothing here assigns is not.
                let known = key.chars().next().is_some_and(char::is_uppercase)
                    || self.imported_names.contains(&lower);
                let mut o = Origin::named(key, !known);
                if let Some(sdk) = self.import_sdks.get(&lower) {
                    o.sdks.insert(sdk.clone());
                    o.opaque = false;
                }
                o
            }
        };
        for member in rest {
            origin.member(member);
        }
        origin
    }

    /// Records the origin of a call's result, and of a field it writes
    /// (`self.mp = Mixpanel.mainInstance()` is lowered as a call of `mp` on `self`).
    pub(super) fn track_call_origin(&self, call: &CallIr, state: &mut FlowState) {
        let mut origin = match &call.receiver {
            Some(_) => {
                let mut o = self
                    .receiver_origin(call, state)
                    .unwrap_or_else(|| Origin::named("", true));
                o.member(&call.method);
                o
            }
            None => {
                // A fresh value (`Journal()`, `createClient(..)`). Where imports bind
                // names (Kotlin, Java, JS, Rust) an SDK constructor or factory is one of
                // them, so the name alone says nothing (`DebugAnalytics()` is the app's);
                // Swift, Objective-C and Dart import whole modules, so there the name
                // (`Posthog()`) is all there is, unless this file defines the function.
                let named = matches!(
                    self.language,
                    Language::Swift | Language::Objc | Language::Dart
                ) && !self.helpers.contains_key(call.method.as_str());
                let mut o = Origin::named(if named { &call.method } else { "" }, false);
                if let Some(sdk) = self.import_sdks.get(&call.method.to_ascii_lowercase()) {
                    o.sdks.insert(sdk.clone());
                }
                o
            }
        };
        if PASS_THROUGH.contains(&call.method.as_str()) {
            for arg in &call.args {
                origin.merge(&self.value_origin(arg, state));
            }
        }
        if let (Some(receiver), [value]) = (call.receiver.as_deref(), call.args.as_slice())
            && is_self(receiver)
            && !self.helpers.contains_key(call.method.as_str())
        {
            let written = self.value_origin(value, state);
            state.origins.insert(call.method.clone(), written);
        }
        state.call_origins.insert(call.id, origin);
    }

    pub(super) fn track_assign_origin(
        &self,
        targets: &[String],
        value: &ValueIr,
        state: &mut FlowState,
    ) {
        let origin = self.value_origin(value, state);
        for target in targets {
            state
                .origins
                .insert(field_name(target).to_string(), origin.clone());
        }
    }

    /// Origins of every name the file assigns, from each function's own origin pass.
    pub(super) fn field_origins(&self, ir: &SourceIr) -> HashMap<String, Origin> {
        let mut fields: HashMap<String, Origin> = HashMap::new();
        for function in &ir.functions {
            let mut state = FlowState::default();
            for param in &function.params {
                state
                    .origins
                    .insert(field_name(param).to_string(), Origin::named(param, true));
            }
            let params = state.origins.clone();
            for op in &function.ops {
                match op {
                    Op::Call(call) => self.track_call_origin(call, &mut state),
                    Op::Assign(assign) => {
                        self.track_assign_origin(&assign.targets, &assign.value, &mut state)
                    }
                    Op::Return(_) => {}
                }
            }
            for (name, origin) in state.origins {
                if params.contains_key(&name) {
                    continue;
                }
                match fields.get_mut(&name) {
                    Some(existing) => existing.merge(&origin),
                    None => {
                        fields.insert(name, origin);
                    }
                }
            }
        }
        fields
    }

    /// The call is on (or is) one of the SDK's web globals: `fbq(...)`, `ttq.track(...)`.
    pub(super) fn global_of(&self, sdk: &SdkDef, call: &CallIr) -> bool {
        if self.language != Language::Javascript {
            return false;
        }
        let globals = &sdk.identifiers.web_globals;
        // A name the file binds by import or require (`const Sentry = require(..)`) is
        // that module, not the page global of the same name.
        // A local variable or parameter of that name (`const branch = …`) is not the
        // global either — unless the file loads the SDK's script itself, as the TikTok
        // snippet does with its own `var ttq`.
        let loads_script = || {
            let ids = &sdk.identifiers;
            ids.web_script_hosts
                .iter()
                .any(|h| self.text.contains(h.split('/').next().unwrap_or(h)))
                // A self-hosted loader names its script file (`u + 'matomo.js'`), when the
                // file name alone is the SDK's shape.
                || ids
                    .web_snippets
                    .iter()
                    .filter(|s| s.is_tag_shape() && s.attributes.is_empty() && s.query.is_none())
                    .flat_map(|s| &s.files)
                    .filter(|f| !f.contains('*'))
                    .any(|f| {
                        self.text.contains(&format!("'{f}'"))
                            || self.text.contains(&format!("\"{f}\""))
                    })
        };
        let bound = |name: &str| {
            self.imported_names.contains(&name.to_ascii_lowercase())
                || (self.local_bindings.contains(name) && !loads_script())
        };
        match page_receiver(call) {
            None => globals.contains(&call.method) && !bound(&call.method),
            Some(r) => {
                let root = r.trim_start_matches("window.");
                let root = root.split(['.', '(', '?']).next().unwrap_or(root);
                globals.iter().any(|g| g == root) && !bound(root)
            }
        }
    }

    pub(super) fn global_sdk(&self, call: &CallIr) -> Option<&'a SdkDef> {
        // Look the one candidate name up instead of asking every SDK.
        let name = match page_receiver(call) {
            None => call.method.as_str(),
            Some(r) => {
                let root = r.trim_start_matches("window.");
                root.split(['.', '(', '?']).next().unwrap_or(root)
            }
        };
        Some(self.catalog.lookup(IdKind::Global, name)?).filter(|sdk| self.global_of(sdk, call))
    }
}

/// A call's receiver, with the global object itself (`window.gtag(…)`) read as none: a
/// page global called through `window` is that global.
fn page_receiver(call: &CallIr) -> Option<&str> {
    call.receiver
        .as_deref()
        .filter(|r| !matches!(*r, "window" | "globalThis"))
}
