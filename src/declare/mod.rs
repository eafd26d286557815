//! `privlint declare`: drafts of the store privacy declarations (Play Data safety,
//! App Store privacy details, PrivacyInfo.xcprivacy) from one app unit's evidence.
//!
//! [`Declaration::of`] turns a unit into data types, each with the purposes, sharing and
//! tracking the evidence supports and the evidence itself; [`play`] and [`apple`] write
//! it in each store's format. What the evidence cannot tell (whether data leaves the
//! device, is linked to the user, what an SDK without a disclosure collects) becomes a
//! TODO note, never a guess. The vocabularies live in [`data`].

mod apple;
pub mod data;
mod play;

use std::collections::BTreeSet;
use std::path::Path;

use crate::catalog::Catalog;
use crate::link::AppUnit;
use crate::model::{Location, Platform};
use crate::scan::{self, ScanOptions};

pub use data::{DataType, StoreData};

/// The store form a draft is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// Google Play Console Data safety CSV.
    PlayDataSafety,
    /// fastlane `app_privacy_details.json` (App Store Connect privacy details).
    AppPrivacy,
    /// `PrivacyInfo.xcprivacy` (XML property list).
    PrivacyManifest,
}

impl From<crate::cli::DeclarationForm> for Form {
    fn from(form: crate::cli::DeclarationForm) -> Form {
        use crate::cli::DeclarationForm as F;
        match form {
            F::PlayDataSafety => Form::PlayDataSafety,
            F::AppPrivacy => Form::AppPrivacy,
            F::PrivacyManifest => Form::PrivacyManifest,
        }
    }
}

impl Form {
    /// Whether a unit ships on this form's store.
    fn applies_to(self, unit: &AppUnit) -> bool {
        let cross =
            unit.has_platform(Platform::ReactNative) || unit.has_platform(Platform::Flutter);
        match self {
            Form::PlayDataSafety => cross || unit.has_platform(Platform::Android),
            Form::AppPrivacy | Form::PrivacyManifest => cross || unit.has_platform(Platform::Ios),
        }
    }
    fn store(self) -> &'static str {
        match self {
            Form::PlayDataSafety => "Google Play",
            Form::AppPrivacy | Form::PrivacyManifest => "the App Store",
        }
    }
}

/// One piece of evidence behind a declared entry.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cite {
    pub at: Location,
    pub why: String,
}

/// One data type the app collects, with what the evidence says about it.
#[derive(Debug)]
pub struct Entry<'d> {
    pub data: &'d DataType,
    /// Purpose ids (data file order).
    pub purposes: Vec<&'d str>,
    /// The data goes to a third party for its own use.
    pub shared: bool,
    /// Used to track in Apple's sense (an advertising or attribution SDK gets it).
    pub tracking: bool,
    /// Only the app's own code reads it: whether it leaves the device is unknown.
    pub app_only: bool,
    pub evidence: BTreeSet<Cite>,
}

/// The draft of one app's declarations.
#[derive(Debug)]
pub struct Declaration<'d> {
    pub root: String,
    pub entries: Vec<Entry<'d>>,
    /// Shipped SDKs whose category tracks in Apple's sense.
    pub tracking_sdks: Vec<Cite>,
    /// What the draft could not decide, for the team to answer.
    pub todos: Vec<String>,
}

impl<'d> Declaration<'d> {
    pub fn of(unit: &AppUnit, catalog: &Catalog, data: &'d StoreData) -> Declaration<'d> {
        let mut draft = Declaration {
            root: unit.root.clone(),
            entries: Vec::new(),
            tracking_sdks: Vec::new(),
            todos: Vec::new(),
        };
        for (capability, facts) in &unit.capabilities {
            if !facts.granted() {
                continue;
            }
            let Some(data_type) = data.for_capability(capability, facts.precise) else {
                continue;
            };
            let entry = draft.entry(data_type);
            entry.purpose(data, "app-functionality");
            for e in facts
                .declared
                .iter()
                .take(1)
                .chain(facts.used.iter().take(1))
            {
                entry.evidence.insert(Cite {
                    at: e.at.clone(),
                    why: format!("the app has the {capability}: {}", e.detail),
                });
            }
        }
        for tie in &unit.ties {
            let precise = unit.capability(&tie.capability).is_some_and(|c| c.precise);
            let (Some(data_type), Some(sdk)) = (
                data.for_capability(&tie.capability, precise),
                catalog.sdk(&tie.sdk),
            ) else {
                continue;
            };
            let uses = data.category(&sdk.category);
            let tracks = catalog
                .category(&sdk.category)
                .is_some_and(|c| c.apple_tracking);
            let entry = draft.entry(data_type);
            entry.app_only = false;
            for p in uses.map(|u| u.purposes.as_slice()).unwrap_or_default() {
                entry.purpose(data, p);
            }
            entry.shared |= uses.is_some_and(|u| u.shared);
            entry.tracking |= tracks;
            entry.evidence.insert(Cite {
                at: tie.at.clone(),
                why: format!("{} receives it ({} tie)", sdk.name, tie.kind.as_str()),
            });
        }
        for sdk_id in unit.sdks.keys() {
            let (Some(sdk), Some(anchor)) = (catalog.sdk(sdk_id), unit.sdk_anchor(sdk_id)) else {
                continue;
            };
            let tracks = catalog
                .category(&sdk.category)
                .is_some_and(|c| c.apple_tracking);
            if tracks {
                draft.tracking_sdks.push(Cite {
                    at: anchor.at.clone(),
                    why: format!("{} is an {} SDK", sdk.name, sdk.category),
                });
            }
            let Some(disclosure) = data.sdk(sdk_id) else {
                if catalog.is_tracking(sdk) || tracks {
                    draft.todos.push(format!(
                        "{} ({}) ships ({}:{}), but the catalog has no disclosure of what it collects: read its vendor's data disclosure and add the data types",
                        sdk.name, sdk.category, anchor.at.path, anchor.at.line
                    ));
                }
                continue;
            };
            let category_shared = data.category(&sdk.category).is_some_and(|u| u.shared);
            for id in &disclosure.collects {
                let Some(data_type) = data.data_type(id) else {
                    continue;
                };
                let entry = draft.entry(data_type);
                entry.app_only = false;
                for p in &disclosure.purposes {
                    entry.purpose(data, p);
                }
                entry.shared |= disclosure.shared || category_shared;
                entry.tracking |= tracks;
                entry.evidence.insert(Cite {
                    at: anchor.at.clone(),
                    why: format!("{} collects it ({})", sdk.name, disclosure.source),
                });
            }
        }
        let order = |e: &Entry| data.data_types.iter().position(|d| d.id == e.data.id);
        draft.entries.sort_by_key(|e| order(e));
        for entry in &draft.entries {
            if entry.app_only {
                draft.todos.push(format!(
                    "{}: only the app's own code reads it; declare it only if it leaves the device, and check the purpose (drafted as app functionality)",
                    entry.data.name
                ));
            } else if !entry.shared {
                draft.todos.push(format!(
                    "{}: shared with a third party for its own use? (drafted as collected only)",
                    entry.data.name
                ));
            }
        }
        if !draft.entries.is_empty() {
            draft.todos.push(
                "linked to the user's identity? (drafted as linked, the cautious answer); encryption in transit, deletion requests, optional or required: answer in the form".into(),
            );
        }
        draft
    }

    fn entry(&mut self, data_type: &'d DataType) -> &mut Entry<'d> {
        let index = match self.entries.iter().position(|e| e.data.id == data_type.id) {
            Some(i) => i,
            None => {
                self.entries.push(Entry {
                    data: data_type,
                    purposes: Vec::new(),
                    shared: false,
                    tracking: false,
                    app_only: true,
                    evidence: BTreeSet::new(),
                });
                self.entries.len() - 1
            }
        };
        &mut self.entries[index]
    }

    /// Whether the app tracks in Apple's sense.
    pub fn tracking(&self) -> bool {
        !self.tracking_sdks.is_empty() || self.entries.iter().any(|e| e.tracking)
    }
}

impl<'d> Entry<'d> {
    fn purpose(&mut self, data: &'d StoreData, id: &str) {
        if let Some(p) = data.purpose(id)
            && !self.purposes.contains(&p.id.as_str())
        {
            self.purposes.push(p.id.as_str());
            self.purposes
                .sort_by_key(|p| data.purposes.iter().position(|q| q.id == *p));
        }
    }
}

/// A written draft: the file's text and the review notes (evidence and TODOs).
pub struct Drafted {
    pub text: String,
    pub notes: String,
}

/// Scan `path` and draft `form` for its app (the one named by `app` when several apply).
pub fn draft(
    form: Form,
    path: &Path,
    app: Option<&str>,
    threads: usize,
    catalog: &Catalog,
) -> Result<Drafted, String> {
    if !path.is_dir() {
        return Err(format!("{}: not a folder", path.display()));
    }
    let options = ScanOptions {
        threads,
        ..ScanOptions::default()
    };
    let analysis = scan::analyse(path, catalog, &options);
    let candidates: Vec<&AppUnit> = analysis
        .facts
        .units
        .iter()
        .filter(|u| form.applies_to(u))
        .collect();
    let roots = || {
        candidates
            .iter()
            .map(|u| format!("`{}`", u.root))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let unit = match (app, candidates.as_slice()) {
        (Some(root), _) => {
            let root = root.trim_end_matches('/');
            let root = if root.is_empty() { "." } else { root };
            candidates
                .iter()
                .find(|u| u.root == root)
                .copied()
                .ok_or_else(|| match candidates.is_empty() {
                    true => format!("no app for {} under {}", form.store(), path.display()),
                    false => format!("no app for {} at `{root}`; apps: {}", form.store(), roots()),
                })?
        }
        (None, [one]) => *one,
        (None, []) => {
            return Err(format!(
                "no app for {} under {}",
                form.store(),
                path.display()
            ));
        }
        (None, _) => {
            return Err(format!(
                "{} apps for {} under {}: name one with --app ({})",
                candidates.len(),
                form.store(),
                path.display(),
                roots()
            ));
        }
    };
    let data = StoreData::embedded();
    let declaration = Declaration::of(unit, catalog, data);
    let text = match form {
        Form::PlayDataSafety => play::data_safety_csv(&declaration, data),
        Form::AppPrivacy => apple::app_privacy_json(&declaration, data),
        Form::PrivacyManifest => apple::privacy_manifest(&declaration, data),
    };
    Ok(Drafted {
        text,
        notes: notes(&declaration, form),
    })
}

/// The review notes: why each entry is there, and what the team must still answer.
fn notes(declaration: &Declaration, form: Form) -> String {
    let mut out = format!(
        "privlint: draft for {} of app `{}`: {} data type(s){}\n",
        form.store(),
        declaration.root,
        declaration.entries.len(),
        if declaration.tracking() && form != Form::PlayDataSafety {
            ", tracking"
        } else {
            ""
        }
    );
    for entry in &declaration.entries {
        out.push_str(&format!("  {}\n", entry.data.name));
        for cite in &entry.evidence {
            out.push_str(&format!(
                "    {}:{} {}\n",
                cite.at.path, cite.at.line, cite.why
            ));
        }
    }
    if matches!(form, Form::AppPrivacy | Form::PrivacyManifest) {
        for cite in &declaration.tracking_sdks {
            out.push_str(&format!(
                "  tracking: {}:{} {}\n",
                cite.at.path, cite.at.line, cite.why
            ));
        }
    }
    for todo in form_todos(declaration, form)
        .iter()
        .chain(&declaration.todos)
    {
        out.push_str(&format!("  TODO {todo}\n"));
    }
    out
}

/// TODOs that only one form has: a data type that store has no name for, and the
/// manifest parts privlint does not derive.
fn form_todos(declaration: &Declaration, form: Form) -> Vec<String> {
    let mut todos = Vec::new();
    for entry in &declaration.entries {
        let named = match form {
            Form::PlayDataSafety => entry.data.play.is_some(),
            Form::AppPrivacy => entry.data.app_store.is_some(),
            Form::PrivacyManifest => entry.data.manifest.is_some(),
        };
        if !named {
            todos.push(format!(
                "{}: {} has no data type for it; pick the closest one",
                entry.data.name,
                form.store()
            ));
        }
    }
    if form == Form::PrivacyManifest {
        if declaration.tracking() {
            todos.push(
                "NSPrivacyTrackingDomains: list the domains the tracking SDKs connect to".into(),
            );
        }
        todos.push("NSPrivacyAccessedAPITypes: add the required-reason APIs the app's own code calls, with their reasons".into());
    }
    todos
}

#[cfg(test)]
mod tests;
