//! Long documentation of every rule, printed by `privlint explain` and rendered into docs/rules.md.

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

pub(super) const PL301: &str = r####"# PL301 capability-flows-to-sdk

## What it does
Reports a `flow` tie: a value read from a capability API (a location fix, a contact, an audio buffer) reaches an argument of an SDK call in the same function or through one helper in the same file, through assignments, property reads, string templates, maps and bundles. The finding points at the SDK call; related locations show the chain from the source.

## Why it matters
This is the case users find creepy: their trip or address book handed to an ad or analytics vendor. Unlike mere presence, a flow is direct evidence that the data leaves.

## Example
```kotlin
fused.lastLocation.addOnSuccessListener { loc ->
    analytics.logEvent("visit", bundleOf("lat" to loc.latitude))   // PL301
}
```

## How to fix
Send only what the feature needs (a region name, a coarse bucket, nothing), or list the SDK under the capability's `sdks` in the policy after a privacy review.

## How to suppress
List the SDK under `capabilities.<cap>.sdks`, add a policy exception with `rule: capability-flows-to-sdk`, `sdk`, `capability`, `paths` and a `reason`, or write `privlint: allow(capability-flows-to-sdk) -- reason` on the call.
"####;

pub(super) const PL302: &str = r####"# PL302 capability-passed-to-sdk

## What it does
Reports an `sdk-api` tie: the app calls an SDK API that takes or switches on a capability, from the catalog (`setLocation`, `setLastKnownLocation`, `logLocation`, location-sharing toggles set to true).

## Why it matters
These APIs exist to give the SDK the capability; calling one is a decision to share it, and should be one the policy records.

## Example
```swift
braze.user.setLastKnownLocation(latitude: lat, longitude: lon)   // PL302
```

## How to fix
Remove the call, or allow the SDK under the capability's `sdks` after review.

## How to suppress
List the SDK under `capabilities.<cap>.sdks`, a policy exception, or `privlint: allow(capability-passed-to-sdk) -- reason`.
"####;

pub(super) const PL303: &str = r####"# PL303 sdk-collects-capability

## What it does
Reports an `auto-collect` tie (the app grants a capability and ships an SDK the catalog says collects it whenever granted) or an `sdk-permission` tie (the SDK's own Android manifest adds the permission through the manifest merger and the app does not strip it).

## Why it matters
Many SDKs read location or other data on their own once the app has the permission; the app team never wrote a line that shares it, but the data still leaves.

## Example
```xml
<uses-permission android:name="android.permission.ACCESS_FINE_LOCATION"/>
```
```groovy
implementation 'com.example.ads:sdk:9.0'   // PL303: collects location when granted
```

## How to fix
Turn the SDK's collection off where it has a switch, drop the permission the SDK adds with `tools:node="remove"`, or replace the SDK.

## How to suppress
List the SDK under the capability's `sdks`, a policy exception with `rule: sdk-collects-capability`, or `privlint: allow(sdk-collects-capability) -- reason` on the dependency.
"####;

pub(super) const PL304: &str = r####"# PL304 audio-beacon

## What it does
Reports an SDK of the `audio-beacon` category in an app that can record audio (a microphone permission, usage description or recording API), unless the policy lists that SDK under `capabilities.microphone.sdks`. It replaces PL303 for the microphone tie of such SDKs.

## Why it matters
Audio-beacon SDKs listen for inaudible ultrasonic signals from TV ads and shops to link what people watch and where they go to their device. Users consent to a voice feature, not to that.

## Example
```groovy
implementation 'com.example.beacons:listener:2.1'   // PL304 when RECORD_AUDIO is declared
```

## How to fix
Remove the SDK. If the app really must ship it, list it under `capabilities.microphone.sdks` after review and disclose it.

## How to suppress
List the SDK under `capabilities.microphone.sdks`, a policy exception with `rule: audio-beacon`, or `privlint: allow(audio-beacon) -- reason`.
"####;

pub(super) const PL401: &str = r####"# PL401 missing-purpose-string

## What it does
On iOS, reports code that uses a capability (location, microphone, contacts …) when the app has none of the capability's usage descriptions, neither in Info.plist nor as an `INFOPLIST_KEY_…` build setting nor through an Expo config. Active when `require.purpose_strings` is true.

## Why it matters
iOS terminates an app that asks for a protected resource without a usage description, and App Review rejects it. Catching it before upload saves a release cycle.

## Example
```swift
let store = CNContactStore()
store.requestAccess(for: .contacts) { _, _ in }   // PL401 without NSContactsUsageDescription
```

## How to fix
Add the usage description key (e.g. NSContactsUsageDescription) with a sentence telling users why, to Info.plist or the target's build settings.

## How to suppress
Set `require.purpose_strings: false`, a policy exception with `rule: missing-purpose-string`, or `privlint: allow(missing-purpose-string) -- reason`.
"####;

pub(super) const PL402: &str = r####"# PL402 privacy-manifest-gap

## What it does
On iOS, when the app has a PrivacyInfo.xcprivacy, reports a tie whose capability is collected by an SDK while the manifest declares none of the capability's data types, and an advertising or attribution SDK while the manifest says `NSPrivacyTracking` false. Active when `require.privacy_manifest` is true.

## Why it matters
The privacy manifest feeds the App Store privacy label. A label that omits what SDKs collect misleads users and is grounds for rejection.

## Example
```xml
<key>NSPrivacyTracking</key><false/>   <!-- while an attribution SDK ships: PL402 -->
```

## How to fix
Add the collected data type (NSPrivacyCollectedDataTypePreciseLocation …) with its purposes to the manifest, set NSPrivacyTracking to true with the tracking domains, or remove the SDK.

## How to suppress
Set `require.privacy_manifest: false`, a policy exception with `rule: privacy-manifest-gap`, or `privlint: allow(privacy-manifest-gap) -- reason`.
"####;

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
Fix the file if it is broken; for generated or vendored files, exclude them with `paths.ignore` in the policy or a .gitignore entry.

## How to suppress
`paths.ignore` in the policy, or a policy exception with `rule: unanalyzed-file` and `paths`.
"####;
