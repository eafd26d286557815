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
        let draft = |message: String| {
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
