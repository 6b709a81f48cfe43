//! The command tree Strata speaks when it is invoked as `kustomize` (a symlink or a copy):
//! kustomize v5's commands and flags (kustomize/commands/commands.go), each handled by the
//! same code as Strata's own command of that name.

use clap::{Parser, Subcommand};

use crate::args::{BuildArgs, CompletionArgs, CreateArgs, VersionArgs};
use crate::commands::edit_cmd::EditArgs;

/// Manages declarative configuration of Kubernetes (Strata, speaking kustomize's CLI).
#[derive(Debug, Parser)]
#[command(name = "kustomize", version = crate::args::version_line(true))]
pub struct KustomizeCli {
    /// Accepted for kustomize compatibility: errors are printed in full anyway.
    #[arg(long, global = true, hide = true)]
    pub stack_trace: bool,

    /// What to do.
    #[command(subcommand)]
    pub command: KustomizeCommand,
}

/// kustomize's subcommands that Strata implements.
#[derive(Debug, Subcommand)]
pub enum KustomizeCommand {
    /// Build a kustomization target from a directory.
    Build(BuildArgs),
    /// Edits a kustomization file.
    Edit(EditArgs),
    /// Create a new kustomization in the current directory.
    #[command(alias = "init")]
    Create(CreateArgs),
    /// Prints the kustomize version.
    Version(VersionArgs),
    /// Generate shell completion script.
    Completion(CompletionArgs),
    /// [Alpha] Creates localized copy of target kustomization root at destination.
    Localize(crate::localize_cmd::LocalizeArgs),
}

/// Returns true if the program was invoked under the name `kustomize` (file stem of argv[0],
/// so `kustomize.exe` counts too).
pub fn invoked_as_kustomize() -> bool {
    std::env::args_os()
        .next()
        .as_deref()
        .map(std::path::Path::new)
        .and_then(std::path::Path::file_stem)
        .is_some_and(|stem| stem == "kustomize")
}
