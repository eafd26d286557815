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
