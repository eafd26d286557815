//! The commands behind the CLI: `run(cli, out, err) -> Exit`. No printing elsewhere.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use miette::{GraphicalReportHandler, GraphicalTheme, NarratableReportHandler};

use crate::catalog::{Catalog, CatalogError};
use crate::cli::{
    BaselineCommand, CatalogArg, CatalogCommand, Cli, ColorChoice, Command, FailOn,
    InventoryFormat, OutputFormat, ScanArgs,
};
use crate::finding::Severity;
use crate::judge::{Scanned, findings_for};
use crate::policy;
use crate::report::human::Style as HumanStyle;
use crate::report::{self, Format, Report};
use crate::rules::{self, Rule};
use crate::scan::{self, ScanOptions};

/// `--version`: the release and the version of the embedded catalog, read from the
/// catalog itself so the two cannot disagree.
pub fn version_line() -> &'static str {
    static LINE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    LINE.get_or_init(|| {
        let catalog = Catalog::embedded().map_or_else(|_| "invalid".to_string(), |c| c.version);
        format!("{} (catalog {catalog})", env!("CARGO_PKG_VERSION"))
    })
}

/// Process exit status: the contract scripts rely on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Nothing at or above `--fail-on`.
    Clean = 0,
    /// Findings at or above `--fail-on`.
    Findings = 1,
    /// Usage, policy or catalog error.
    Error = 2,
}

/// A failure that ends the command with exit 2, rendered as a miette diagnostic.
pub(crate) type Failure = Box<dyn miette::Diagnostic + Send + Sync>;

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{0}")]
#[diagnostic(code(privlint::usage))]
struct UsageError(String);

pub(crate) fn usage(message: impl Into<String>) -> Failure {
    Box::new(UsageError(message.into()))
}

pub fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> Exit {
    let result = match cli.command {
        Command::Scan(args) => scan_command(&args, out, err),
        Command::Inventory(args) => inventory_command(&args, out),
        Command::Declare(args) => declare_command(&args, out, err),
        Command::Explain { id } => explain_command(id.as_deref(), out),
        Command::Catalog {
            command,
            literals,
            export,
            catalog,
        } => match export {
            Some(crate::cli::ExportFormat::Semgrep) => load_catalog(&catalog)
                .and_then(|c| write_out(out, &crate::export::semgrep_rules(&c))),
            None => catalog_command(command, literals, &catalog, out),
        },
        Command::Init {
            path,
            force,
            catalog,
        } => init_command(&path, force, &catalog, out),
        Command::Schema => write_out(out, &policy::json_schema()),
        Command::Baseline {
            command: BaselineCommand::Write { file, scan },
        } => baseline_command(&file, &scan, out),
    };
    match result {
        Ok(exit) => exit,
        Err(failure) => {
            let graphical = std::io::stderr().is_terminal() && !no_color_requested();
            let mut text = String::new();
            let rendered = if graphical {
                GraphicalReportHandler::new_themed(GraphicalTheme::unicode())
                    .render_report(&mut text, failure.as_ref())
            } else {
                GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
                    .with_width(100)
                    .render_report(&mut text, failure.as_ref())
                    .or_else(|_| {
                        NarratableReportHandler::new().render_report(&mut text, failure.as_ref())
                    })
            };
            if rendered.is_err() {
                text = failure.to_string();
            }
            let _ = writeln!(err, "{}", text.trim_end());
            Exit::Error
        }
    }
}

fn write_out(out: &mut dyn Write, text: &str) -> Result<Exit, Failure> {
    let mut text = text.to_string();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    crate::output::to_stdout(out, text.as_bytes()).map_err(io_failure)?;
    Ok(Exit::Clean)
}

/// Send a report to `--output FILE` (whole or not at all, never over an input) or stdout.
fn deliver(
    file: Option<&Path>,
    bytes: &[u8],
    inputs: &[PathBuf],
    out: &mut dyn Write,
) -> Result<(), Failure> {
    match file {
        Some(file) => {
            let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
            crate::output::to_file(file, bytes, &inputs).map_err(|e| usage(e.to_string()))
        }
        None => crate::output::to_stdout(out, bytes).map_err(io_failure),
    }
}

/// The files a scan reads besides the tree: its policy (given or found) and baseline.
fn scan_inputs(args: &ScanArgs) -> Vec<PathBuf> {
    let mut inputs: Vec<PathBuf> = args.policy.iter().chain(&args.baseline).cloned().collect();
    for path in &args.paths {
        let start = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        inputs.extend(policy::find_policy_file(&start));
    }
    inputs
}

fn io_failure(e: std::io::Error) -> Failure {
    usage(format!("cannot write output: {e}"))
}

pub(crate) fn load_catalog(arg: &CatalogArg) -> Result<Catalog, Failure> {
    let loaded: Result<Catalog, CatalogError> = match &arg.catalog {
        Some(dir) => Catalog::from_dir(dir),
        None => Catalog::embedded(),
    };
    loaded.map_err(|e| Box::new(e) as Failure)
}

/// Run `work`, showing a progress line on stderr when it takes long, but only on a
/// terminal and never under CI or pre-commit (their logs must stay clean).
pub(crate) fn with_progress<T: Send>(
    quiet: bool,
    progress: &scan::Progress,
    work: impl FnOnce() -> T + Send,
) -> T {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::{Duration, Instant};
    let enabled = !quiet
        && std::io::stderr().is_terminal()
        && std::env::var_os("CI").is_none()
        && std::env::var_os("PRE_COMMIT").is_none();
    if !enabled {
        return work();
    }
    // How long a scan runs before the progress line shows; tests shorten it to prove that
    // a progress line on a terminal never blocks the scan.
    let show_after = std::env::var("PRIVLINT_PROGRESS_AFTER_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(Duration::from_millis(1500), Duration::from_millis);
    let done = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let started = Instant::now();
        let done = &done;
        scope.spawn(move || {
            let mut shown = false;
            while !done.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(100));
                let elapsed = started.elapsed();
                if elapsed >= show_after && (!shown || elapsed.as_millis() % 500 < 100) {
                    let total = progress.total.load(Ordering::Relaxed);
                    let done = progress.done.load(Ordering::Relaxed);
                    let counted = if total == 0 {
                        "finding files".to_string()
                    } else {
                        format!("{done}/{total} files")
                    };
                    let _ = write!(
                        std::io::stderr(),
                        "\r\x1b[2Kprivlint: scanning… {counted}, {}s",
                        elapsed.as_secs()
                    );
                    shown = true;
                }
            }
            if shown {
                let _ = write!(std::io::stderr(), "\r\x1b[2K");
            }
        });
        let result = work();
        done.store(true, Ordering::Relaxed);
        result
    })
}

/// no-color.org: `NO_COLOR` set to a non-empty value turns colour off; set but empty,
/// it is as if unset.
fn no_color_requested() -> bool {
    disables_colour(std::env::var_os("NO_COLOR").as_deref())
}

fn disables_colour(no_color: Option<&std::ffi::OsStr>) -> bool {
    no_color.is_some_and(|v| !v.is_empty())
}

/// How human output looks: narrated for screen readers when asked (`--narrate`, or a
/// `TERM=dumb` terminal), coloured on a terminal that wants colour, and otherwise the same
/// snippets without colour, as cargo prints in CI logs and pre-commit's captured output.
fn human_style(choice: ColorChoice, narrate: bool, to_terminal: bool) -> HumanStyle {
    if narrate || std::env::var("TERM").is_ok_and(|t| t == "dumb") {
        return HumanStyle::Narrated;
    }
    let colour = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            to_terminal
                && !no_color_requested()
                && std::env::var("CLICOLOR").map_or(true, |v| v != "0")
        }
    };
    if colour {
        HumanStyle::Colored
    } else {
        HumanStyle::Plain
    }
}

fn scan_command(
    args: &ScanArgs,
    out: &mut dyn Write,
    _err: &mut dyn Write,
) -> Result<Exit, Failure> {
    let Scanned {
        analysis,
        policy,
        catalog,
        findings,
        changed,
        baseline_hidden,
    } = findings_for(args)?;
    let introduced = changed.as_ref().map(|change| {
        report::changes::introduced(
            &change.reference,
            &change.compared,
            &change.base_units,
            &change.files,
        )
    });
    let report = Report {
        findings: &findings,
        files_scanned: analysis.files_scanned,
        skipped: &analysis.skipped,
        policy: &policy.origin,
        root: &analysis.root,
        apps: analysis.facts.units.len(),
        units: &analysis.facts.units,
        catalog: &catalog,
        introduced: introduced.as_ref(),
        baseline_hidden,
    };
    let format = match args.format {
        OutputFormat::Human => Format::Human,
        OutputFormat::Json => Format::Json,
        OutputFormat::Sarif => Format::Sarif,
        OutputFormat::Github => Format::Github,
        OutputFormat::Markdown => Format::Markdown,
        OutputFormat::Concise => Format::Concise,
    };
    let mut buffer = Vec::new();
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    if args.quiet && format == Format::Human {
        report::concise::write(&report, &mut buffer).map_err(io_failure)?;
    } else {
        report::write(
            format,
            &report,
            human_style(args.color, args.narrate, to_terminal),
            &mut buffer,
        )
        .map_err(io_failure)?;
    }
    deliver(args.output.as_deref(), &buffer, &scan_inputs(args), out)?;
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Note => Some(Severity::Note),
        FailOn::Never => None,
    };
    let failing = threshold.is_some_and(|t| findings.iter().any(|f| f.severity >= t));
    Ok(if failing { Exit::Findings } else { Exit::Clean })
}

fn inventory_command(
    args: &crate::cli::InventoryArgs,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    let catalog = load_catalog(&args.catalog)?;
    if !args.path.is_dir() {
        return Err(usage(format!("{}: not a folder", args.path.display())));
    }
    let progress = std::sync::Arc::new(scan::Progress::default());
    let options = ScanOptions {
        threads: args.threads,
        progress: Some(progress.clone()),
        ..ScanOptions::default()
    };
    let analysis = with_progress(false, &progress, || {
        scan::analyse(&args.path, &catalog, &options)
    });
    let mut buffer = Vec::new();
    match args.format {
        InventoryFormat::Json => {
            report::inventory::write_json(&analysis.facts.units, &catalog, &mut buffer)
        }
        InventoryFormat::Concise => {
            report::inventory::write_concise(&analysis.facts.units, &catalog, &mut buffer)
        }
        InventoryFormat::Markdown => {
            report::markdown::write_inventory(&analysis.facts.units, &catalog, &mut buffer)
        }
        InventoryFormat::Cyclonedx => {
            report::cyclonedx::write(&analysis.facts.units, &catalog, &mut buffer)
        }
    }
    .map_err(io_failure)?;
    deliver(args.output.as_deref(), &buffer, &[], out)?;
    Ok(Exit::Clean)
}

fn declare_command(
    args: &crate::cli::DeclareArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Exit, Failure> {
    let catalog = load_catalog(&args.catalog)?;
    let form = crate::declare::Form::from(args.form);
    let drafted = crate::declare::draft(
        form,
        &args.path,
        args.app.as_deref(),
        args.threads,
        &catalog,
    )
    .map_err(usage)?;
    deliver(args.output.as_deref(), drafted.text.as_bytes(), &[], out)?;
    let _ = err.write_all(drafted.notes.as_bytes());
    Ok(Exit::Clean)
}

fn explain_command(id: Option<&str>, out: &mut dyn Write) -> Result<Exit, Failure> {
    let Some(id) = id else {
        let mut text = String::new();
        for r in Rule::ALL {
            text.push_str(&format!(
                "{} {:<26} {:<8} {}\n",
                r.code(),
                r.name(),
                r.severity().as_str(),
                r.summary()
            ));
        }
        return write_out(out, &text);
    };
    match rules::lookup(id) {
        Some(rule) => write_out(
            out,
            &format!(
                "{}\nDefault severity: {}\n",
                rule.docs.trim_end(),
                rule.severity.as_str()
            ),
        ),
        None => {
            let known: Vec<&str> = Rule::ALL.iter().map(|r| r.name()).collect();
            Err(usage(format!(
                "unknown rule `{id}`; rules: {}",
                known.join(", ")
            )))
        }
    }
}

fn catalog_command(
    command: Option<CatalogCommand>,
    literals: bool,
    arg: &CatalogArg,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    if let Some(CatalogCommand::Check { dir }) = &command {
        let catalog = Catalog::from_dir(dir).map_err(|e| Box::new(e) as Failure)?;
        return write_out(
            out,
            &format!(
                "catalog {} is valid: {} SDKs, {} capabilities, {} categories",
                dir.display(),
                catalog.sdks.len(),
                catalog.capabilities.len(),
                catalog.categories.len()
            ),
        );
    }
    let catalog = load_catalog(arg)?;
    if literals {
        return write_out(out, &catalog.prefilter().literals().join("\n"));
    }
    match command {
        None | Some(CatalogCommand::List) => {
            let mut text = format!("catalog {}: {} SDKs\n", catalog.version, catalog.sdks.len());
            let mut sdks: Vec<_> = catalog.sdks.iter().collect();
            sdks.sort_by(|a, b| a.id.cmp(&b.id));
            for s in sdks {
                text.push_str(&format!("{:<34} {:<16} {}\n", s.id, s.category, s.vendor));
            }
            write_out(out, &text)
        }
        Some(CatalogCommand::Show { id }) => {
            let text = if let Some(sdk) = catalog.sdk(&id) {
                crate::yaml::to_string(sdk).unwrap_or_default()
            } else if let Some(cap) = catalog.capability(&id) {
                crate::yaml::to_string(cap).unwrap_or_default()
            } else if let Some(gate) = catalog.consent_gate(&id) {
                crate::yaml::to_string(gate).unwrap_or_default()
            } else {
                let known = catalog
                    .sdks
                    .iter()
                    .map(|s| s.id.as_str())
                    .chain(catalog.capabilities.iter().map(|c| c.id.as_str()))
                    .chain(catalog.consent_gates.iter().map(|g| g.id.as_str()));
                let hint = policy::closest(&id, known)
                    .map(|near| format!("; did you mean `{near}`?"))
                    .unwrap_or_else(|| "; `privlint catalog list` lists them".to_string());
                return Err(usage(format!(
                    "no SDK or capability `{id}` in the catalog{hint}"
                )));
            };
            write_out(out, &text)
        }
        Some(CatalogCommand::Check { .. }) => Ok(Exit::Clean),
    }
}

fn init_command(
    path: &Path,
    force: bool,
    arg: &CatalogArg,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    let catalog = load_catalog(arg)?;
    let file = path.join("privlint.yaml");
    if file.exists() && !force {
        return Err(usage(format!(
            "{} already exists; use --force to overwrite it",
            file.display()
        )));
    }
    let analysis = scan::analyse(path, &catalog, &ScanOptions::default());
    let text = crate::init::starting_policy(&analysis, &catalog);
    crate::output::to_file(&file, text.as_bytes(), &[]).map_err(|e| usage(e.to_string()))?;
    write_out(out, &format!("wrote {}", file.display()))
}

fn baseline_command(file: &Path, args: &ScanArgs, out: &mut dyn Write) -> Result<Exit, Failure> {
    let findings = findings_for(args)?.findings;
    let mut text = String::from("# privlint baseline: one finding fingerprint per line\n");
    for f in &findings {
        text.push_str(&format!(
            "{}  # {} {}:{}\n",
            f.fingerprint, f.code, f.at.path, f.at.line
        ));
    }
    let inputs = scan_inputs(args);
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    crate::output::to_file(file, text.as_bytes(), &inputs).map_err(|e| usage(e.to_string()))?;
    write_out(
        out,
        &format!(
            "wrote {} fingerprints to {}",
            findings.len(),
            file.display()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_line_names_the_embedded_catalog_version() {
        let catalog = Catalog::embedded().expect("embedded catalog");
        assert_eq!(
            version_line(),
            format!(
                "{} (catalog {})",
                env!("CARGO_PKG_VERSION"),
                catalog.version
            )
        );
    }

    #[test]
    fn no_color_set_and_non_empty_disables_colour_and_empty_does_not() {
        use std::ffi::OsStr;
        assert!(disables_colour(Some(OsStr::new("1"))));
        assert!(disables_colour(Some(OsStr::new("false"))));
        assert!(!disables_colour(Some(OsStr::new(""))));
        assert!(!disables_colour(None));
    }
}
