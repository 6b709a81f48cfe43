//! The `strata` command: renders kustomizations like `kustomize build`. Invoked as
//! `kustomize` (symlink or copy), it speaks kustomize's command tree instead.
#![forbid(unsafe_code)]

mod args;
mod commands;
mod create_cmd;
mod helm;
mod kustomize_args;
mod localize_cmd;
mod plugins;
mod remote;
mod report;
mod sops_keys;
mod version_cmd;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let kustomize = kustomize_args::invoked_as_kustomize();
    let result = if kustomize {
        match kustomize_args::KustomizeCli::try_parse() {
            Ok(cli) => commands::run_kustomize(cli),
            Err(e) => {
                let _ = e.print();
                // kustomize exits 1 on bad usage too (clap's default is 2), and 0 when it
                // prints its help for a bare `kustomize`.
                let help =
                    e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand;
                return ExitCode::from(u8::from(e.use_stderr() && !help));
            }
        }
    } else {
        commands::run(args::Cli::parse())
    };
    let code = match result {
        Ok(code) => code,
        Err(commands::Failure::BrokenPipe) => ExitCode::SUCCESS,
        Err(commands::Failure::Reported(code)) => code,
    };
    // kustomize knows only 0 and 1.
    if kustomize && code != ExitCode::SUCCESS {
        return ExitCode::FAILURE;
    }
    code
}
