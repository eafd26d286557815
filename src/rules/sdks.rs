//! PL101 denied-sdk and PL102 unlisted-sdk.

use super::{Draft, Rule};
use crate::catalog::Catalog;
use crate::finding::Finding;
use crate::link::AppUnit;
use crate::policy::{Policy, SdkVerdict, Unlisted};

pub(super) fn check(unit: &AppUnit, policy: &Policy, catalog: &Catalog, out: &mut Vec<Finding>) {
    for sdk_id in unit.sdks.keys() {
        let Some(sdk) = catalog.sdk(sdk_id) else {
            continue;
        };
        let Some(anchor) = unit.sdk_anchor(sdk_id) else {
            continue;
        };
        // An SDK only other packages pull in still ships: the message names the chain.
        let note = unit.transitive_note(sdk_id);
        let draft = |message: String| {
            let message = if note.is_empty() {
                message
            } else {
                format!("{message} (it arrives{note})")
            };
            let mut d = Draft::new(message, anchor.at.clone())
                .sdk(sdk_id)
                .identity(&anchor.detail);
            for other in unit.sdks[sdk_id]
                .iter()
                .filter(|e| e.at != anchor.at)
                .take(5)
            {
                d = d.related(other.at.clone(), format!("also here: {}", other.detail));
            }
            d
        };
        match policy.sdk_verdict(sdk) {
            SdkVerdict::Allowed(_) | SdkVerdict::Unlisted(Unlisted::Allow, _) => {}
            SdkVerdict::Denied(span) => out.push(
                draft(format!(
                    "{} ({}, {}) is denied by the policy",
                    sdk.name, sdk.category, sdk.vendor
                ))
                .policy_line(span.as_ref(), "denied here")
                .finish(Rule::DeniedSdk),
            ),
            SdkVerdict::Unlisted(Unlisted::Deny, span) => out.push(
                draft(format!(
                    "{} ({}) is not listed in the policy, and unlisted SDKs are denied",
                    sdk.name, sdk.category
                ))
                .policy_line(span.as_ref(), "`unlisted: deny` set here")
                .finish(Rule::DeniedSdk),
            ),
            SdkVerdict::Unlisted(Unlisted::Warn, _) => {
                // Crash reporting and other non-tracking tools are never counted as ad or
                // analytics SDKs.
                if catalog.is_tracking(sdk) {
                    out.push(
                        draft(format!(
                            "{} ({}) is not listed in the policy: allow or deny it under `sdks`",
                            sdk.name, sdk.category
                        ))
                        .finish(Rule::UnlistedSdk),
                    );
                }
            }
        }
    }
}

// Documentation, printed by `privlint explain` and rendered into docs/rules.md.

pub(super) const PL101: &str = r####"# PL101 denied-sdk

## What it does
Reports an SDK from the catalog that ships with the app (a dependency, an import or a script tag) when the policy denies it under `sdks.deny`, by id or by `category:NAME`, or when the policy sets `sdks.unlisted: deny` and names the SDK nowhere.

## Why it matters
A denied SDK is a line the team drew on purpose: audio-beacon and location-broker SDKs, ad networks in a kids app. Shipping one, even unused, hands it whatever the platform lets it read.

## Example
```yaml
sdks:
  deny: ["category:audio-beacon"]
```
```groovy
implementation 'com.example.beacon:sdk:1.0'   // PL101
```

## How to fix
Remove the dependency (and its imports). If the SDK is acceptable after review, move it to `sdks.allow` with a comment saying why.

## How to suppress
Add a policy exception with `rule: denied-sdk`, the `sdk` id and a `reason`; or write `privlint: allow(denied-sdk) -- reason` on the dependency line.
"####;

pub(super) const PL102: &str = r####"# PL102 unlisted-sdk

## What it does
Reports a catalog SDK that the policy names nowhere (not in `sdks.allow`, `sdks.deny`, nor any capability's `sdks`). Its severity follows `sdks.unlisted`: `warn` (the default) gives a warning, `deny` turns it into PL101, `allow` silences it. Crash-reporting tools are never reported.

## Why it matters
An SDK nobody decided about is how data leaks in: a transitive ad network, an analytics kit added for one experiment. Listing every SDK makes each one a conscious, reviewable choice.

## Example
```json
"dependencies": { "@amplitude/analytics-react-native": "^1.4.0" }   // PL102 when the policy does not name amplitude
```

## How to fix
Add the SDK id to `sdks.allow` (or `sdks.deny`), or allow its whole category with `category:analytics`. `privlint init` writes a policy listing everything the app ships today.

## How to suppress
Set `sdks.unlisted: allow`, add an exception for `unlisted-sdk`, or write `privlint: allow(unlisted-sdk) -- reason` beside the dependency.
"####;
