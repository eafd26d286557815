//! The `privlint` binary: parse arguments, run, exit. Everything else is the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = privlint::cli::Cli::parse();
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let exit = privlint::app::run(cli, &mut stdout.lock(), &mut stderr.lock());
    std::process::ExitCode::from(exit as u8)
}
