//! The subcommands: turn arguments into library calls and print the results.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use strata::{DiskFs, Renderer};

use crate::args::{BuildArgs, Cli, Command};
use crate::report;

// Declared here rather than in main.rs to keep this branch's wiring to args.rs and commands.rs;
// it can move to main.rs as `mod patch_cmd;`.
#[path = "patch_cmd.rs"]
mod patch_cmd;
// Likewise for `strata diff` and the git tree it reads.
#[path = "diff_cmd.rs"]
mod diff_cmd;
#[path = "edit_cmd.rs"]
pub(crate) mod edit_cmd;
#[path = "git.rs"]
mod git;

/// Why a command stopped early.
pub enum Failure {
    /// stdout was closed by the reader (`strata render | head`): exit quietly.
    BrokenPipe,
    /// The failure was reported on stderr; exit with this code.
    Reported(ExitCode),
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode, Failure> {
    match cli.command {
        Command::Render(args) | Command::Build(args) => build(&args),
        Command::Patch(args) => patch_cmd::run(&args),
        Command::Diff(args) => diff_cmd::run(&args),
        Command::Edit(args) => edit_cmd::run(&args),
    }
}

fn build(args: &BuildArgs) -> Result<ExitCode, Failure> {
    let renderer = Renderer::new(args.render_options());
    let dirs: Vec<PathBuf> = if args.dirs.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.dirs.clone()
    };
    let many = dirs.len() > 1;
    // Render everything before writing anything, so a failure leaves no partial output.
    let mut outputs = Vec::with_capacity(dirs.len());
    for (dir, result) in dirs.iter().zip(renderer.render_many(&DiskFs, &dirs, 0)) {
        let rendered = result.map_err(|e| {
            report::error(&e);
            Failure::Reported(ExitCode::FAILURE)
        })?;
        report::warnings(rendered.warnings());
        outputs.push((dir, rendered));
    }
    if let Some(out) = &args.output {
        return write_output(out, &outputs);
    }
    let mut text = String::new();
    for (dir, rendered) in &outputs {
        if many {
            text.push_str(&format!("# Source: {}\n", dir.display()));
        }
        text.push_str(&rendered.to_yaml().map_err(|e| {
            report::error(&e);
            Failure::Reported(ExitCode::FAILURE)
        })?);
    }
    write_stdout(&text)
}

/// Writes the results to stdout: a closed pipe ends quietly ([`Failure::BrokenPipe`]), any
/// other write error is reported.
fn write_stdout(text: &str) -> Result<ExitCode, Failure> {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Err(Failure::BrokenPipe),
        Err(e) => {
            eprintln!("Error: writing output: {e}");
            Err(Failure::Reported(ExitCode::FAILURE))
        }
    }
}

/// `-o PATH`: a directory gets one file per resource (kustomize's names), anything else
/// gets the whole output.
fn write_output(out: &Path, outputs: &[(&PathBuf, strata::Rendered)]) -> Result<ExitCode, Failure> {
    let fail = |msg: String| {
        eprintln!("Error: {msg}");
        Failure::Reported(ExitCode::FAILURE)
    };
    let report_err = |e: strata::Error| {
        report::error(&e);
        Failure::Reported(ExitCode::FAILURE)
    };
    if out.is_dir() && outputs.len() > 1 {
        // Several overlays: one file per DIR, named after its path (`overlays/staging` →
        // `overlays_staging.yaml`).
        for (dir, rendered) in outputs {
            let text = rendered.to_yaml().map_err(report_err)?;
            let path = out.join(output_name(dir));
            std::fs::write(&path, text).map_err(|e| fail(format!("{}: {e}", path.display())))?;
        }
    } else if out.is_dir() {
        // One kustomization: kustomize's one file per resource.
        for (_, rendered) in outputs {
            for (name, text) in rendered.to_files().map_err(report_err)? {
                let path = out.join(name);
                std::fs::write(&path, text)
                    .map_err(|e| fail(format!("{}: {e}", path.display())))?;
            }
        }
    } else {
        let mut text = String::new();
        for (_, rendered) in outputs {
            text.push_str(&rendered.to_yaml().map_err(report_err)?);
        }
        std::fs::write(out, text).map_err(|e| fail(format!("{}: {e}", out.display())))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Returns the file name a rendered DIR gets under `-o OUTDIR`: its path with separators and
/// dots turned into `_` (`../app/overlays/prod` → `app_overlays_prod.yaml`).
fn output_name(dir: &Path) -> String {
    let parts: Vec<String> = dir
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(p) => Some(p.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    let stem = if parts.is_empty() {
        "root".to_owned()
    } else {
        parts.join("_")
    };
    format!("{}.yaml", stem.replace('.', "_"))
}
