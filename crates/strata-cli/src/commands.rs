//! The subcommands: turn arguments into library calls and print the results.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use strata::{DiskFs, Renderer};

use clap::CommandFactory;

use crate::args::{BuildArgs, Cli, Command, CompletionArgs, Shell};
use crate::kustomize_args::{KustomizeCli, KustomizeCommand};
use crate::{create_cmd, report, version_cmd};

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
#[path = "output_files.rs"]
mod output_files;

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
        Command::Render(args) => build(&args, false),
        Command::Build(args) => build(&args, true),
        Command::Patch(args) => patch_cmd::run(&args),
        Command::Diff(args) => diff_cmd::run(&args),
        Command::Create(args) => create_cmd::run(&args),
        Command::Version(args) => version_cmd::run(&args),
        Command::Completion(args) => completion(&args, Cli::command()),
        Command::Edit(args) => edit_cmd::run(&args),
        Command::Localize(args) => crate::localize_cmd::run(&args),
    }
}

/// Runs a command line of the `kustomize` command tree.
pub fn run_kustomize(cli: KustomizeCli) -> Result<ExitCode, Failure> {
    match cli.command {
        KustomizeCommand::Build(args) => {
            if args.dirs.len() > 1 {
                // kustomize/commands/build/build.go `Validate`.
                eprintln!("Error: specify one path to kustomization.yaml");
                return Err(Failure::Reported(ExitCode::FAILURE));
            }
            build(&args, true)
        }
        KustomizeCommand::Create(args) => create_cmd::run(&args),
        KustomizeCommand::Version(args) => version_cmd::run(&args),
        KustomizeCommand::Completion(args) => completion(&args, KustomizeCli::command()),
        KustomizeCommand::Edit(args) => edit_cmd::run(&args),
        KustomizeCommand::Localize(args) => crate::localize_cmd::run(&args),
    }
}

/// `completion SHELL`: prints clap_complete's script for the command tree `cmd`.
fn completion(args: &CompletionArgs, mut cmd: clap::Command) -> Result<ExitCode, Failure> {
    use clap_complete::Shell as S;
    let shell = match args.shell {
        Shell::Bash => S::Bash,
        Shell::Zsh => S::Zsh,
        Shell::Fish => S::Fish,
        Shell::Powershell => S::PowerShell,
    };
    let name = cmd.get_name().to_owned();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, name, &mut script);
    write_stdout(&String::from_utf8_lossy(&script))
}

/// `render`, or with `as_kustomize` the drop-in `build`, which renders SOPS-encrypted inputs
/// it is not asked to decrypt as kustomize does (with a warning) where `render` refuses them.
fn build(args: &BuildArgs, as_kustomize: bool) -> Result<ExitCode, Failure> {
    let options = args.render_options().map_err(|(flag, value, e)| {
        report::error_with_prefix(&format!("Error: {flag} {value:?}: "), &e);
        Failure::Reported(ExitCode::FAILURE)
    })?;
    let options = options.keep_encrypted(as_kustomize);
    let renderer = Renderer::new(options);
    let dirs: Vec<PathBuf> = if args.dirs.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.dirs.clone()
    };
    // Render everything before writing anything, so a failure leaves no partial output.
    let mut outputs = Vec::with_capacity(dirs.len());
    for (dir, result) in dirs.iter().zip(renderer.render_many(&DiskFs, &dirs, 0)) {
        let rendered = result.map_err(|e| {
            report::error(&e);
            if e.kind() == strata::ErrorKind::Unsupported
                && let Some(flags) = args.plugin_flags_given()
            {
                eprintln!(
                    "note: {flags} only configure plugins and container functions, \
                         which Strata does not run; they were accepted for kustomize \
                         compatibility and have no effect"
                );
            }
            Failure::Reported(ExitCode::FAILURE)
        })?;
        report::warnings(rendered.warnings());
        outputs.push((dir, rendered));
    }
    if let Some(out) = &args.output {
        return write_output(out, &outputs);
    }
    write_stdout(&stream(&outputs)?)
}

/// Returns the outputs as one YAML stream: with several DIRs, each begins with a `# Source:
/// DIR` comment and is separated from the previous one by `---`, so a strict loader sees every
/// document and a lenient one never merges the last document of one into the first of the
/// next.
fn stream(outputs: &[(&PathBuf, strata::Rendered)]) -> Result<String, Failure> {
    let many = outputs.len() > 1;
    let mut text = String::new();
    for (i, (dir, rendered)) in outputs.iter().enumerate() {
        if i > 0 {
            text.push_str("---\n");
        }
        if many {
            // A DIR often comes from a glob over the repository (`overlays/*`): a newline in
            // its name would start a document of its own in the stream.
            let dir = dir.display().to_string();
            text.push_str(&format!("# Source: {}\n", diff_cmd::visible(&dir, false)));
        }
        text.push_str(&rendered.to_yaml().map_err(|e| {
            report::error(&e);
            Failure::Reported(ExitCode::FAILURE)
        })?);
    }
    Ok(text)
}

/// Writes the results to stdout: a closed pipe ends quietly ([`Failure::BrokenPipe`]), any
/// other write error is reported.
pub(crate) fn write_stdout(text: &str) -> Result<ExitCode, Failure> {
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

/// A character or block device, FIFO or socket: something to write through, never to replace.
fn is_special(t: &std::fs::FileType) -> bool {
    use std::os::unix::fs::FileTypeExt as _;
    t.is_char_device() || t.is_block_device() || t.is_fifo() || t.is_socket()
}

/// `-o PATH`: a directory gets one file per resource (kustomize's names), or one file per DIR
/// when there are several; anything else gets the whole output as one stream. A PATH ending in
/// `/` names a directory, created if missing.
fn write_output(out: &Path, outputs: &[(&PathBuf, strata::Rendered)]) -> Result<ExitCode, Failure> {
    let fail = |msg: String| {
        eprintln!("Error: {msg}");
        Failure::Reported(ExitCode::FAILURE)
    };
    let report_err = |e: strata::Error| {
        report::error(&e);
        Failure::Reported(ExitCode::FAILURE)
    };
    let names_dir = out
        .as_os_str()
        .to_string_lossy()
        .ends_with(std::path::is_separator);
    if names_dir && !out.is_dir() {
        std::fs::create_dir_all(out)
            .map_err(|e| fail(format!("creating directory {}: {e}", out.display())))?;
    }
    if !out.is_dir()
        && let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty())
        && !parent.is_dir()
    {
        return Err(fail(format!(
            "cannot write {}: directory {} does not exist; create it first, or end \
                     -o with / to write into a new directory",
            out.display(),
            parent.display()
        )));
    }
    // Every file's text and name is settled before the first one is written.
    let (dir, files) = if out.is_dir() && outputs.len() > 1 {
        // Several overlays: one file per DIR, named after its path (`overlays/staging` →
        // `overlays_staging.yaml`).
        let mut files = Vec::with_capacity(outputs.len());
        for (dir, rendered) in outputs {
            files.push((output_name(dir), rendered.to_yaml().map_err(report_err)?));
        }
        (out.to_path_buf(), files)
    } else if out.is_dir() {
        // One kustomization: kustomize's one file per resource.
        let mut files = Vec::new();
        for (_, rendered) in outputs {
            files.extend(rendered.to_files().map_err(report_err)?);
        }
        (out.to_path_buf(), files)
    } else if std::fs::metadata(out).is_ok_and(|m| is_special(&m.file_type())) {
        // A device, FIFO or socket (`-o /dev/null`, `-o /dev/stdout`, a named pipe): written
        // through, as kustomize writes it. Renaming a file over it would replace the device
        // node itself.
        let text = stream(outputs)?;
        let mut target = std::fs::OpenOptions::new()
            .write(true)
            .open(out)
            .map_err(|e| fail(format!("{}: {e}", out.display())))?;
        std::io::Write::write_all(&mut target, text.as_bytes())
            .map_err(|e| fail(format!("{}: {e}", out.display())))?;
        return Ok(ExitCode::SUCCESS);
    } else {
        let name = out
            .file_name()
            .ok_or_else(|| fail(format!("{}: not a file name", out.display())))?;
        let parent = out.parent().filter(|p| !p.as_os_str().is_empty());
        (
            parent.map_or_else(|| PathBuf::from("."), Path::to_path_buf),
            vec![(name.to_string_lossy().into_owned(), stream(outputs)?)],
        )
    };
    output_files::write_files(&dir, &files).map_err(fail)?;
    Ok(ExitCode::SUCCESS)
}

/// Returns the file name a rendered DIR gets under `-o OUTDIR`: its path with separators,
/// dots, backslashes and control characters turned into `_` (`../app/overlays/prod` →
/// `app_overlays_prod.yaml`). Two DIRs can map to one name (`a/b` and `a_b`); the writer
/// refuses that before writing.
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
    let stem: String = stem
        .chars()
        .map(|c| {
            if c == '.' || c == '\\' || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    format!("{stem}.yaml")
}
