//! An error is not the data (issue 14.7): the exception, error or status of a failed
//! capability request carries no location, audio or contact. Failure listeners and
//! rejection handlers (`addOnFailureListener`, `.catch`, `onError` …), the second
//! callback of a capability API's success/error pair (`getCurrentPosition(ok, fail)`), callback
//! parameters named as errors (`{ location, error in }`) and a result's error members
//! (`task.exception`) take no taint.

use crate::extract::ir::{AssignIr, CallId, Read};

/// Methods whose callback receives the failure of the call they hang on.
const FAILURE_HANDLERS: &[&str] = &[
    "addOnFailureListener",
    "addOnCanceledListener",
    "onFailure",
    "onFailed",
    "onError",
    "doOnError",
    "onErrorReturn",
    "onErrorResume",
    "onErrorResumeNext",
    "catch",
    "catchError",
    "handleError",
    "onCatch",
    "recover",
    "recoverCatching",
    "exceptionOrNull",
    "mapError",
    "failure",
];

/// Names of callback parameters that hold an error.
const ERROR_NAMES: &[&str] = &[
    "error",
    "err",
    "e",
    "ex",
    "exc",
    "exception",
    "throwable",
    "failure",
    "reason",
    "cause",
];

/// Members of a result that are its failure, never its data (`task.exception`).
pub(super) const ERROR_MEMBERS: &[&str] = &[
    "exception",
    "error",
    "errorCode",
    "errorMessage",
    "failure",
    "exceptionOrNull",
];

pub(super) fn is_failure_handler(method: &str) -> bool {
    FAILURE_HANDLERS.contains(&method)
}

/// Per function: which calls take failure callbacks and which calls already bound a
/// callback, so a second callback of the same call is known to be its error branch.
#[derive(Default)]
pub(super) struct Callbacks {
    pub(super) failure_calls: std::collections::HashSet<CallId>,
    /// Capability API calls: a second callback of one is its error branch.
    pub(super) source_calls: std::collections::HashSet<CallId>,
    bound: std::collections::HashSet<CallId>,
}

impl Callbacks {
    /// Whether `assign` binds the parameters of a failure callback; records the binding.
    pub(super) fn binds_failure(&mut self, assign: &AssignIr) -> bool {
        let [Read::Call(id)] = assign.value.reads.as_slice() else {
            return false;
        };
        if assign.targets.is_empty() {
            return false;
        }
        // Only a capability API's own callbacks pair up as success then error
        // (`getCurrentPosition(ok, fail)`); elsewhere a later read of the same call is
        // an ordinary assignment of its result.
        let second = self.source_calls.contains(id) && !self.bound.insert(*id);
        second || self.failure_calls.contains(id)
    }
}

/// A callback parameter named as an error (`error`, `err`, `e` …).
pub(super) fn is_error_name(target: &str) -> bool {
    ERROR_NAMES.contains(&target) || target.ends_with("Error") || target.ends_with("Exception")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_names_and_handlers() {
        for name in ["error", "err", "e", "locationError", "securityException"] {
            assert!(is_error_name(name), "{name}");
        }
        for name in ["location", "position", "people", "errors_seen_total"] {
            assert!(!is_error_name(name), "{name}");
        }
        assert!(is_failure_handler("addOnFailureListener"));
        assert!(is_failure_handler("catch"));
        assert!(!is_failure_handler("addOnSuccessListener"));
    }
}
