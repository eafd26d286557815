//! Documentation of the rules whose checks live outside a family file (PL5xx in
//! `crate::suppress`, PL900 in `rules::unanalyzed_file`); each family file holds its own.

pub(super) const PL501: &str = r####"# PL501 expired-exception

## What it does
Reports a policy exception whose `expires` date has passed. An expired exception no longer suppresses anything, so the findings it covered come back too.

## Why it matters
Exceptions are temporary by design (a campaign, a migration). Expiry dates make sure someone looks again.

## Example
```yaml
exceptions:
  - rule: capability-flows-to-sdk
    sdk: braze
    reason: geofencing pilot
    expires: 2025-01-31   # PL501 after that day
```

## How to fix
Renew the exception with a new date and a fresh review, or fix the findings and delete it.

## How to suppress
This rule cannot be suppressed by an exception; renew or remove the exception.
"####;

pub(super) const PL502: &str = r####"# PL502 unused-exception

## What it does
Reports a policy exception that matched no finding in this scan, and an inline `privlint: allow(...)` comment that suppressed nothing.

## Why it matters
Stale allowances hide future problems: when code changes, an old exception can silently cover a new leak.

## Example
```yaml
exceptions:
  - rule: denied-sdk
    sdk: old-ads-sdk   # PL502 once the SDK is gone
    reason: legacy
```

## How to fix
Delete the exception or the comment.

## How to suppress
Not suppressible; delete the unused entry.
"####;

pub(super) const PL503: &str = r####"# PL503 allow-without-reason

## What it does
Reports an inline `privlint: allow(RULE)` comment with no reason after `--`. The comment still suppresses.

## Why it matters
An allowance without a reason cannot be reviewed; the reason is what a privacy reviewer reads.

## Example
```kotlin
// privlint: allow(capability-flows-to-sdk)   <- PL503: add `-- why`
```

## How to fix
Write the reason: `// privlint: allow(capability-flows-to-sdk) -- store locator, PR-123`.

## How to suppress
Not suppressible; add the reason.
"####;

pub(super) const PL900: &str = r####"# PL900 unanalyzed-file

## What it does
Reports a file privlint could not analyse: unreadable, not valid UTF-8 or UTF-16, binary content in a source file, malformed XML/plist/JSON/YAML/TOML, too large, too slow to parse, a symbolic link loop, or a crash in one file's analysis. The message names the reason; the rest of the scan goes on.

## Why it matters
A file that was not analysed is a blind spot. Saying so keeps the result honest: a clean scan means every file was read.

## Example
```text
PL900 app/src/main/AndroidManifest.xml:12:5 unanalyzed-file: the XML is malformed: unexpected end of stream
```

## How to fix
Fix the file if it is broken; for generated or vendored files, exclude them with `paths.ignore` in the policy (`.gitignore` and `.ignore` files never exclude anything).

## How to suppress
`paths.ignore` in the policy, or a policy exception with `rule: unanalyzed-file` and `paths`.
"####;
