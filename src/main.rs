//! The `privlint` binary: parse arguments, run, exit. Everything else is the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = privlint::cli::Cli::parse();
    let stdout = std::io::stdout();
    // stderr stays unlocked: the progress line is written from another thread while the
    // scan runs, and a lock held here for the whole run would make it wait forever.
    let exit = privlint::app::run(cli, &mut stdout.lock(), &mut std::io::stderr());
    std::process::ExitCode::from(exit as u8)
}
