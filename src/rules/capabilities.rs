//! PL201 denied-capability, PL202 precise-location, PL203 background-location.

use super::{Draft, Rule};
use crate::finding::Finding;
use crate::link::AppUnit;
use crate::model::{Evidence, EvidenceKind};
use crate::policy::{Access, Policy, Precision};

pub(super) fn check(unit: &AppUnit, policy: &Policy, out: &mut Vec<Finding>) {
    for (id, facts) in &unit.capabilities {
        let rule = policy.capability(id);
        let evidence = || facts.declared.iter().chain(&facts.used);
        if rule.app.value == Access::Deny {
            for e in evidence() {
                out.push(
                    Draft::new(
                        format!("{} the {id} capability, which the policy denies", verb(e)),
                        e.at.clone(),
                    )
                    .capability(id)
                    .identity(&e.detail)
                    .policy_line(rule.app.span.as_ref(), "denied here")
                    .finish(Rule::DeniedCapability),
                );
            }
        }
        if let Some(max) = &rule.max_precision
            && max.value == Precision::Coarse
            && facts.precise
        {
            let explicit: Vec<&Evidence> =
                evidence().filter(|e| level(e).0 == Some(true)).collect();
            // Platforms give full accuracy unless reduced accuracy is declared: then the
            // first declaration stands for the precise grant.
            let precise: Vec<&Evidence> = if explicit.is_empty() {
                evidence()
                    .filter(|e| level(e).0.is_none())
                    .take(1)
                    .collect()
            } else {
                explicit
            };
            for e in precise {
                out.push(
                    Draft::new(
                        format!(
                            "{} precise location, but the policy allows at most coarse location",
                            verb(e)
                        ),
                        e.at.clone(),
                    )
                    .capability(id)
                    .identity(&e.detail)
                    .policy_line(max.span.as_ref(), "`max_precision: coarse` set here")
                    .finish(Rule::PreciseLocation),
                );
            }
        }
        if let Some(bg) = &rule.background
            && bg.value == Access::Deny
        {
            for e in evidence().filter(|e| level(e).1) {
                out.push(
                    Draft::new(
                        format!("{} background {id}, which the policy denies", verb(e)),
                        e.at.clone(),
                    )
                    .capability(id)
                    .identity(&e.detail)
                    .policy_line(bg.span.as_ref(), "`background: deny` set here")
                    .finish(Rule::BackgroundLocation),
                );
            }
        }
    }
}

fn level(e: &Evidence) -> (Option<bool>, bool) {
    match &e.kind {
        EvidenceKind::CapabilityDeclared { level, .. }
        | EvidenceKind::CapabilityUse { level, .. } => (level.precise, level.background),
        _ => (None, false),
    }
}

fn verb(e: &Evidence) -> String {
    match &e.kind {
        EvidenceKind::CapabilityUse { .. } => format!("`{}` reads", e.detail),
        _ => format!("`{}` requests", e.detail),
    }
}

// Documentation, printed by `privlint explain` and rendered into docs/rules.md.

pub(super) const PL201: &str = r####"# PL201 denied-capability

## What it does
Reports each declaration (permission, usage description, config plugin) and each use of a platform API of a capability whose policy entry says `app: deny`.

## Why it matters
Some apps should never touch the microphone or the address book at all; a permission added by a well-meaning change is the first step to collecting it.

## Example
```yaml
capabilities:
  contacts: { app: deny }
```
```xml
<uses-permission android:name="android.permission.READ_CONTACTS"/>   <!-- PL201 -->
```

## How to fix
Remove the permission and the code that reads the capability; for a permission merged in from a library, add it with `tools:node="remove"`.

## How to suppress
A policy exception with `rule: denied-capability` and the `capability`, or `privlint: allow(denied-capability) -- reason` on the line.
"####;

pub(super) const PL202: &str = r####"# PL202 precise-location

## What it does
When the policy sets `max_precision: coarse` for location, reports what gives the app precise location: ACCESS_FINE_LOCATION, an iOS location usage description without `NSLocationDefaultAccuracyReduced`, precise location APIs, Expo and Flutter equivalents.

## Why it matters
Coarse location (a few kilometres) is enough for weather, store finders and regional content; precise location reveals homes, workplaces and clinics. Limiting precision limits what any SDK can take.

## Example
```yaml
capabilities:
  location: { max_precision: coarse }
```
```xml
<uses-permission android:name="android.permission.ACCESS_FINE_LOCATION"/>   <!-- PL202 -->
```

## How to fix
Request ACCESS_COARSE_LOCATION only on Android; set `NSLocationDefaultAccuracyReduced` to true on iOS; use balanced or low-power accuracy in location requests.

## How to suppress
A policy exception with `rule: precise-location`, or `privlint: allow(precise-location) -- reason`.
"####;

pub(super) const PL203: &str = r####"# PL203 background-location

## What it does
When the policy sets `background: deny` for location, reports ACCESS_BACKGROUND_LOCATION, location foreground services, iOS Always usage descriptions, the `location` background mode, `requestAlwaysAuthorization`, and Expo/Flutter background options.

## Why it matters
Background location lets the app (and every SDK inside it) follow a person all day. Stores review it strictly and users rarely expect it.

## Example
```yaml
capabilities:
  location: { background: deny }
```
```xml
<uses-permission android:name="android.permission.ACCESS_BACKGROUND_LOCATION"/>   <!-- PL203 -->
```

## How to fix
Use foreground-only location (while-in-use authorization); drop the background permission, mode or plugin option.

## How to suppress
A policy exception with `rule: background-location`, or `privlint: allow(background-location) -- reason`.
"####;
