//! Command-line arguments (clap). Kept in the library so docs and tests can use them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "privlint",
    version = crate::app::version_line(),
    about = "Keep microphone, location and contacts away from ad and analytics SDKs",
    long_about = None
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan app trees and report every break of the privacy policy.
    Scan(ScanArgs),
    /// The transparency report: SDKs × capabilities per app, with evidence (no policy).
    Inventory(InventoryArgs),
    /// Draft a store privacy declaration for an app from what its code ships.
    Declare(DeclareArgs),
    /// Print a rule's documentation (by code or name).
    Explain {
        /// Rule code (PL301) or name (capability-flows-to-sdk); omit to list all rules.
        id: Option<String>,
    },
    /// List or show catalog SDKs and capabilities, check a catalog, print its literals.
    Catalog {
        #[command(subcommand)]
        command: Option<CatalogCommand>,
        /// Print the prefilter literal set, one per line (for benchmarks with ripgrep).
        #[arg(long)]
        literals: bool,
        /// Print the catalog as another tool's rule pack (`semgrep`: YAML rules).
        #[arg(long, value_enum, value_name = "TOOL")]
        export: Option<ExportFormat>,
        #[command(flatten)]
        catalog: CatalogArg,
    },
    /// Write a starting privlint.yaml from what the tree ships today.
    Init {
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Overwrite an existing privlint.yaml.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        catalog: CatalogArg,
    },
    /// Print the JSON Schema of privlint.yaml.
    Schema,
    /// Manage a baseline of accepted findings.
    Baseline {
        #[command(subcommand)]
        command: BaselineCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// List every SDK (id, category, vendor).
    List,
    /// Show one SDK or capability in full.
    Show { id: String },
    /// Validate a catalog directory (for `--catalog DIR` users).
    Check { dir: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum BaselineCommand {
    /// Record the current findings' fingerprints in FILE.
    Write {
        file: PathBuf,
        #[command(flatten)]
        scan: ScanArgs,
    },
}

#[derive(Debug, Clone, Args, Default)]
pub struct CatalogArg {
    /// Use the catalog in DIR instead of the built-in one.
    #[arg(long, value_name = "DIR", global = true)]
    pub catalog: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct ScanArgs {
    /// Folders or files to scan (files: analysed with their app, only their findings
    /// reported). Defaults to the current folder.
    pub paths: Vec<PathBuf>,
    /// Policy file (default: privlint.yaml found upward from the scanned path).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// How reports name the --policy file (e.g. `mobile/privlint.yaml (base 8135ca8)`
    /// when it is a temporary copy of another commit's policy).
    #[arg(long, value_name = "TEXT", requires = "policy")]
    pub policy_label: Option<String>,
    /// Report format: diagnostics for people, or a machine format for CI and tools.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// Write the report to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Ignore findings whose fingerprints are in FILE.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Report only findings the change since REF introduces (REF's tree is scanned too).
    #[arg(long, value_name = "REF")]
    pub changed_since: Option<String>,
    /// Exit 1 when a finding at or above this severity remains.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Worker threads (0: one per core; at most 256).
    #[arg(long, default_value_t = 0, value_parser = thread_count)]
    pub threads: usize,
    /// Files larger than this many bytes are not analysed (reported).
    #[arg(long, default_value_t = crate::scan::DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
    /// Colour and box drawing in human output (auto: only on a terminal, and never when
    /// NO_COLOR is set to a non-empty value or CLICOLOR=0).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Human output as narrated text for screen readers (also when TERM=dumb).
    #[arg(long)]
    pub narrate: bool,
    /// Print nothing but findings (no summary line).
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub catalog: CatalogArg,
}

#[derive(Debug, Clone, Args)]
pub struct InventoryArgs {
    /// Folder to take the inventory of.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Inventory format (`json` is the versioned contract of docs/json-output.md).
    #[arg(long, value_enum, default_value_t = InventoryFormat::Json)]
    pub format: InventoryFormat,
    /// Write the inventory to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Worker threads (0: one per core; at most 256).
    #[arg(long, default_value_t = 0, value_parser = thread_count)]
    pub threads: usize,
    #[command(flatten)]
    pub catalog: CatalogArg,
}

#[derive(Debug, Clone, Args)]
pub struct DeclareArgs {
    /// The declaration to draft.
    #[arg(value_enum)]
    pub form: DeclarationForm,
    /// Folder of the app (or of a tree holding it).
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// The app's folder, as `privlint inventory` names it, when the tree holds several.
    #[arg(long, value_name = "FOLDER")]
    pub app: Option<String>,
    /// Write the draft to FILE instead of stdout (review notes go to stderr).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Worker threads (0: one per core; at most 256).
    #[arg(long, default_value_t = 0, value_parser = thread_count)]
    pub threads: usize,
    #[command(flatten)]
    pub catalog: CatalogArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DeclarationForm {
    /// Google Play Console Data safety CSV.
    PlayDataSafety,
    /// fastlane's app_privacy_details.json (App Store Connect privacy details).
    AppPrivacy,
    /// PrivacyInfo.xcprivacy (XML property list).
    PrivacyManifest,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Diagnostics with source snippets (miette).
    Human,
    /// The versioned JSON report (docs/json-output.md).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub workflow-command annotations (`::error file=…`).
    Github,
    /// A Markdown summary (job summary, pull-request comment).
    Markdown,
    /// One line per finding: `CODE path:line:col rule sdk=… capability=… tie=…`.
    Concise,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// Semgrep rules: capability APIs and SDK imports as `pattern-either`.
    Semgrep,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InventoryFormat {
    /// The versioned JSON inventory (docs/json-output.md).
    Json,
    /// Tables per app, for a job summary or a review.
    Markdown,
    /// One line per app, SDK and capability.
    Concise,
    /// A CycloneDX 1.5 JSON SBOM of each app's SDKs (docs/json-output.md).
    Cyclonedx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Note,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Graphical with colour on a terminal, plain elsewhere.
    Auto,
    /// Always graphical with colour.
    Always,
    /// Never colour.
    Never,
}

/// The most worker threads a scan starts: more only costs memory and start-up time.
pub const MAX_THREADS: usize = 256;

fn thread_count(text: &str) -> Result<usize, String> {
    let count: usize = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number of threads"))?;
    if count > MAX_THREADS {
        return Err(format!("at most {MAX_THREADS} threads (0: one per core)"));
    }
    Ok(count)
}
