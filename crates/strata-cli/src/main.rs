//! The `strata` command: renders kustomizations like `kustomize build`.
#![forbid(unsafe_code)]

mod args;
mod commands;
mod report;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(commands::Failure::BrokenPipe) => ExitCode::SUCCESS,
        Err(commands::Failure::Reported(code)) => code,
    }
}
