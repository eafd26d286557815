//! What one policy file says, as typed sections: every key of schema v1 is one field
//! here, with its reader (type and catalog checks in [`super::validate`]), its JSON schema
//! type and its description. The accepted keys, the "unknown key" help and
//! `privlint.schema.json` ([`super::schema`]) all come from these definitions, and
//! [`PolicyDocument::apply_to`] merges a document over what it extends.
//!
//! Adding a key: a field in its section's `section!` (a new mapping is a new `section!`
//! plus one field in its parent), its line in `apply_to`, and the field of [`Policy`] the
//! rules read.

use std::borrow::Cow;
use std::collections::BTreeMap;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

use super::diagnostic::Span;
use super::schema::{
    Capabilities, CapabilityId, ConsentGateId, Extends, Glob, Reason, RuleName, SdkId, Version,
    list_schema,
};
use super::tree::{Kind, Node};
use super::validate::{ACCESS_VALUES, PRECISION_VALUES, UNLISTED_VALUES, Validator, key_path};
use super::{
    Access, ConsentRule, Date, Exception, Policy, PolicyOrigin, PolicySpan, Precision, Require,
    SdkRules, SdkSelector, Spanned, Unlisted,
};

/// A list as written: replacing the inherited one, or `{add: [...]}` appending to it.
#[derive(Debug)]
pub(super) enum ListEdit<T> {
    Replace(Vec<T>),
    Add(Vec<T>),
}

impl<T> ListEdit<T> {
    fn apply(edit: Option<ListEdit<T>>, target: &mut Vec<T>) {
        match edit {
            None => {}
            Some(ListEdit::Replace(items)) => *target = items,
            Some(ListEdit::Add(items)) => target.extend(items),
        }
    }
}

impl<T: JsonSchema> JsonSchema for ListEdit<T> {
    fn schema_name() -> Cow<'static, str> {
        format!("{}List", T::schema_name()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        list_schema(generator.subschema_for::<T>())
    }
}

/// One mapping of the policy file: a struct whose fields are its keys. Each field names
/// its Rust type, the type its JSON schema comes from, and how the validator reads it
/// (`|validator, key node, value node, what|`, where `what` names the mapping in messages).
/// Doc comments become the schema's descriptions; `[required]` marks a required key.
macro_rules! section {
    (
        $(#[doc = $section_doc:literal])*
        pub(super) struct $name:ident as $schema_name:literal, inline: $inline:literal, type: $json_type:tt {
            $(
                $(#[doc = $doc:literal])*
                $field:ident: $ty:ty as $schema_ty:ty $([$required:ident])?
                    => |$v:ident, $key:ident, $value:ident, $what:ident| $read:expr,
            )*
        }
    ) => {
        $(#[doc = $section_doc])*
        #[derive(Debug, Default)]
        pub(super) struct $name {
            $( $(#[doc = $doc])* pub(super) $field: $ty, )*
        }

        impl $name {
            /// The keys this mapping accepts, in documentation order.
            pub(super) const KEYS: &'static [&'static str] = &[$(stringify!($field)),*];

            /// Reads the mapping `node`: each known key through its reader; unknown keys
            /// are reported with the keys allowed.
            #[allow(unused_variables)]
            pub(super) fn read(validator: &mut Validator, node: &Node, what: &str) -> Self {
                let mut out = Self::default();
                for (name, key, value) in validator.fields(node, what, Self::KEYS) {
                    match name {
                        $(
                            stringify!($field) => {
                                let $v: &mut Validator = &mut *validator;
                                let $key: &Node = key;
                                let $value: &Node = value;
                                let $what: &str = what;
                                out.$field = $read;
                            }
                        )*
                        _ => {}
                    }
                }
                out
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                $schema_name.into()
            }

            fn inline_schema() -> bool {
                $inline
            }

            #[allow(unused_mut)]
            fn json_schema(generator: &mut SchemaGenerator) -> Schema {
                let mut properties = serde_json::Map::new();
                let mut required: Vec<&str> = Vec::new();
                $(
                    let mut property = generator.subschema_for::<$schema_ty>();
                    let lines: &[&str] = &[$($doc),*];
                    let description = lines.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ");
                    if !description.is_empty() {
                        property.insert("description".into(), description.into());
                    }
                    properties.insert(stringify!($field).into(), property.to_value());
                    $( let _ = stringify!($required); required.push(stringify!($field)); )?
                )*
                let mut schema = json_schema!({
                    "type": $json_type,
                    "additionalProperties": false,
                    "properties": properties,
                });
                if !required.is_empty() {
                    schema.insert("required".into(), required.into());
                }
                schema
            }
        }
    };
}

section! {
    /// One policy file, key by key (schema version 1).
    pub(super) struct PolicyDocument as "PolicyDocument", inline: true, type: "object" {
        /// Policy schema version; must be 1.
        version: Option<()> as Version [required] => |v, key, value, what| {
            v.version(value);
            Some(())
        },
        /// A preset (recommended, strict, kids) or a relative path to another policy file
        /// inside the repository; this file's keys override it key by key.
        extends: Option<(String, Span)> as Extends => |v, key, value, what| {
            v.string(value, "`extends`").map(|target| (target.to_string(), value.span))
        },
        /// Which catalog SDKs may ship.
        sdks: Option<SdksSection> as SdksSection => |v, key, value, what| {
            Some(SdksSection::read(v, value, "`sdks`"))
        },
        /// Per capability id from the catalog: whether the app may use it and which SDKs
        /// may receive or collect it.
        capabilities: Vec<(String, PolicySpan, CapabilitySection)> as Capabilities
            => |v, key, value, what| v.capabilities(value),
        /// Checks that are off unless turned on here or in an extended preset.
        require: Option<RequireSection> as RequireSection => |v, key, value, what| {
            Some(RequireSection::read(v, value, "`require`"))
        },
        paths: Option<PathsSection> as PathsSection => |v, key, value, what| {
            Some(PathsSection::read(v, value, "`paths`"))
        },
        /// Accepted findings, each with a reason and an optional expiry.
        exceptions: Option<ListEdit<Exception>> as ListEdit<ExceptionEntry>
            => |v, key, value, what| v.list(value, "`exceptions`", Validator::exception),
        /// SDKs must wait for the user's consent before they start (PL601).
        consent: Option<ConsentSection> as ConsentSection => |v, key, value, what| {
            Some(ConsentSection::read(v, value, "`consent`"))
        },
    }
}

section! {
    pub(super) struct SdksSection as "sdks", inline: true, type: ["object", "null"] {
        /// SDKs allowed to ship (ids or category:NAME).
        allow: Option<ListEdit<Spanned<SdkSelector>>> as ListEdit<SdkSelector>
            => |v, key, value, what| v.list(value, "`sdks.allow`", Validator::selector),
        /// SDKs that must not ship (ids or category:NAME). An id beats a category; at
        /// equal specificity deny beats allow.
        deny: Option<ListEdit<Spanned<SdkSelector>>> as ListEdit<SdkSelector>
            => |v, key, value, what| v.list(value, "`sdks.deny`", Validator::selector),
        /// What to do with a catalog SDK named nowhere in the policy. Default: warn.
        unlisted: Option<Spanned<Unlisted>> as Unlisted
            => |v, key, value, what| v.choice(value, "`sdks.unlisted`", UNLISTED_VALUES),
    }
}

section! {
    pub(super) struct CapabilitySection as "leveledCapability", inline: false, type: ["object", "null"] {
        /// Whether the app may declare or use the capability (PL201). Default: allow.
        app: Option<Spanned<Access>> as Access
            => |v, key, value, what| v.choice(value, &key_path(what, "app"), ACCESS_VALUES),
        /// Highest precision allowed (PL202); absent imposes nothing.
        max_precision: Option<Spanned<Precision>> as Precision => |v, key, value, what| {
            if v.leveled(key, what) {
                v.choice(value, &key_path(what, "max_precision"), PRECISION_VALUES)
            } else {
                None
            }
        },
        /// Whether background use is allowed (PL203); absent imposes nothing.
        background: Option<Spanned<Access>> as Access => |v, key, value, what| {
            if v.leveled(key, what) {
                v.choice(value, &key_path(what, "background"), ACCESS_VALUES)
            } else {
                None
            }
        },
        /// SDKs that may receive or collect it; absent or empty means none may.
        sdks: Option<ListEdit<Spanned<SdkSelector>>> as ListEdit<SdkSelector>
            => |v, key, value, what| v.list(value, &key_path(what, "sdks"), Validator::selector),
    }
}

section! {
    pub(super) struct RequireSection as "require", inline: true, type: ["object", "null"] {
        /// iOS code using a capability needs its Info.plist usage description (PL401).
        purpose_strings: Option<Spanned<bool>> as bool
            => |v, key, value, what| v.boolean(value, "`require.purpose_strings`"),
        /// PrivacyInfo.xcprivacy must declare what the ties show is collected (PL402).
        privacy_manifest: Option<Spanned<bool>> as bool
            => |v, key, value, what| v.boolean(value, "`require.privacy_manifest`"),
    }
}

section! {
    pub(super) struct ConsentSection as "consent", inline: true, type: ["object", "null"] {
        /// Tracking SDKs must not start before a consent gate answers (PL601).
        required: Option<Spanned<bool>> as bool
            => |v, key, value, what| v.boolean(value, "`consent.required`"),
        /// The catalog consent gates that count; absent or empty: every catalog gate.
        gates: Option<ListEdit<Spanned<String>>> as ListEdit<ConsentGateId>
            => |v, key, value, what| v.list(value, "`consent.gates`", Validator::consent_gate),
    }
}

section! {
    pub(super) struct PathsSection as "paths", inline: true, type: ["object", "null"] {
        /// Glob patterns over scan-relative paths (with /) that are not analysed.
        ignore: Option<ListEdit<String>> as ListEdit<Glob> => |v, key, value, what| {
            v.list(value, "`paths.ignore`", |v, n| v.glob(n, "a path pattern"))
        },
    }
}

section! {
    /// One exception as written; the outer `Option` of `rule` and `reason` says whether
    /// the key is there at all (a missing key is its own problem).
    pub(super) struct ExceptionEntry as "exception", inline: false, type: "object" {
        /// The rule it silences, by name or code.
        rule: Option<Option<String>> as RuleName [required]
            => |v, key, value, what| Some(v.rule_name(value)),
        /// Only findings about this SDK id.
        sdk: Option<String> as SdkId => |v, key, value, what| v.exception_sdk(value),
        /// Only findings about this capability id.
        capability: Option<String> as CapabilityId
            => |v, key, value, what| v.exception_capability(value),
        /// Only findings located in these globs (scan-relative); absent matches every path.
        paths: Option<Vec<String>> as Vec<Glob> => |v, key, value, what| v.exception_paths(value),
        /// Why the exception is acceptable (required, non-empty).
        reason: Option<Option<String>> as Reason [required]
            => |v, key, value, what| Some(v.reason(value)),
        /// YYYY-MM-DD; once the date is past, PL501 reports the exception as expired.
        expires: Option<Date> as Date => |v, key, value, what| v.date(value),
    }
}

impl PolicyDocument {
    /// Reads the root of a file: it must be a non-empty mapping holding `version`.
    pub(super) fn read_root(v: &mut Validator, root: Option<&Node>) -> PolicyDocument {
        let Some(root) = root.filter(|r| !r.is_null()) else {
            v.report_empty();
            return PolicyDocument::default();
        };
        if !matches!(root.kind, Kind::Map(_)) {
            v.wrong_type(
                root,
                "the policy file",
                "a mapping of keys (`version: 1`, `sdks:` …)",
            );
            return PolicyDocument::default();
        }
        let document = PolicyDocument::read(v, root, "the policy file");
        if document.version.is_none() {
            v.report_missing_version(root);
        }
        document
    }

    /// This file's own keys over the inherited policy, key by key.
    pub(super) fn apply_to(self, policy: &mut Policy) {
        if let Some(sdks) = self.sdks {
            ListEdit::apply(sdks.allow, &mut policy.sdks.allow);
            ListEdit::apply(sdks.deny, &mut policy.sdks.deny);
            overlay(sdks.unlisted, &mut policy.sdks.unlisted);
        }
        for (id, span, section) in self.capabilities {
            let rule = policy.capabilities.entry(id).or_default();
            overlay(section.app, &mut rule.app);
            overlay_option(section.max_precision, &mut rule.max_precision);
            overlay_option(section.background, &mut rule.background);
            ListEdit::apply(section.sdks, &mut rule.sdks);
            rule.span = Some(span);
        }
        if let Some(require) = self.require {
            overlay_option(require.purpose_strings, &mut policy.require.purpose_strings);
            overlay_option(
                require.privacy_manifest,
                &mut policy.require.privacy_manifest,
            );
        }
        if let Some(paths) = self.paths {
            ListEdit::apply(paths.ignore, &mut policy.ignore_paths);
        }
        ListEdit::apply(self.exceptions, &mut policy.exceptions);
        if let Some(consent) = self.consent {
            overlay_option(consent.required, &mut policy.consent.required);
            ListEdit::apply(consent.gates, &mut policy.consent.gates);
        }
    }
}

/// A key written in this file replaces the inherited value.
fn overlay<T>(written: Option<T>, target: &mut T) {
    if let Some(value) = written {
        *target = value;
    }
}

fn overlay_option<T>(written: Option<T>, target: &mut Option<T>) {
    if written.is_some() {
        *target = written;
    }
}

impl Policy {
    /// The policy nothing is written in: what the first file of a chain applies over.
    pub(super) fn empty() -> Policy {
        Policy {
            origin: PolicyOrigin::File(String::new()),
            sdks: SdkRules {
                allow: Vec::new(),
                deny: Vec::new(),
                unlisted: Spanned {
                    value: Unlisted::Warn,
                    span: None,
                },
            },
            capabilities: BTreeMap::new(),
            require: Require::default(),
            consent: ConsentRule::default(),
            ignore_paths: Vec::new(),
            exceptions: Vec::new(),
        }
    }
}
