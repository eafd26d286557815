//! Gradle build and settings scripts (Groovy `build.gradle` and Kotlin `build.gradle.kts`),
//! read as tokens and never evaluated.
//!
//! The tokenizer skips `//` and `/* */` comments and understands `'…'`, `"…"`, `'''…'''`
//! and `"""…"""` literals; `$var` / `${…}` interpolation stays in the literal's text.
//! Only strings that *are* the data (coordinates, plugin ids, project paths) are read.
//!
//! `extract_build`:
//! - dependencies in every configuration (`implementation`, `api`, `compileOnly`,
//!   `runtimeOnly`, `kapt`, `ksp`, `annotationProcessor`, legacy `compile`/`provided`,
//!   and variant forms `freeImplementation`, `"freeImplementation"(…)`,
//!   `add("freeImplementation", …)`), in string notation `'g:a:v'`, Groovy map notation
//!   `group: 'g', name: 'a'`, KTS named arguments `group = "g", name = "a"`, inside
//!   `platform(…)` / `enforcedPlatform(…)` and lists; `{ exclude … }` closures are skipped.
//!   A coordinate that maps to a catalog SDK → `SdkPresence { via: Dependency }` at the
//!   string, detail `group:artifact[:version] (configuration)`. Test configurations
//!   (`testImplementation`, `androidTestImplementation`, `testFreeImplementation`, …) are
//!   recognised but ship nothing, so they produce no evidence and no markers.
//! - version catalog accessors in shipped configurations (`libs.foo.bar`,
//!   `libs.bundles.x`, `libs.findLibrary("x").get()`, `libs.findBundle("x")`, with
//!   `.get()` / `.asProvider()` suffixes) → `Marker::VersionCatalogUse { catalog,
//!   accessor }`, normalised like the catalog's aliases (`version_catalog::
//!   normalise_alias`). A per-file extractor cannot read the TOML: `version_catalog.rs`
//!   reports the SDK entries and the linker keeps those some build file uses. Any dotted
//!   name is recorded with its root as the catalog name (`deps.x` names catalog `deps`);
//!   the linker only compares it with catalogs that exist. `versions.*` and `plugins.*`
//!   are not libraries and are not recorded.
//! - `project(":x")`, `project(path: ":x")`, `project(path = ":x")` and typesafe
//!   `projects.feature.someLib` → `Marker::GradleProjectDependency`. Typesafe accessors
//!   are mapped back best effort: segments become path elements and camelCase becomes
//!   kebab-case (`projects.feature.someLib` → `:feature:some-lib`); Gradle's accessor
//!   for `:feature:someLib` is the same, so the linker should compare project names with
//!   `-`/`_` removed and case ignored.
//! - every build file → `Marker::GradleModule`; applying `com.android.application`
//!   (`plugins { id(…) }`, `id '…'`, `apply plugin: '…'`, `apply(plugin = "…")`, or an
//!   `alias(libs.plugins.…)` / convention plugin id containing `android.application` or
//!   `android-application`) → `Marker::AndroidApplication`. `… apply false` (root build
//!   files declaring plugin versions) applies nothing.
//!
//! `extract_settings`: `include ':a', ':b:c'` / `include(":a")` →
//! `Marker::GradleInclude`; `project(':x').projectDir = new File(settingsDir, 'p')` or
//! `= file("p")` gives its `dir`, joined with the settings file's directory so it is
//! relative to the scan root.
mod build;
mod settings;
mod tokens;

pub use build::extract_build;
pub use settings::extract_settings;

#[cfg(test)]
mod tests;
