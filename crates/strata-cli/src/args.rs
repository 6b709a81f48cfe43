//! Command-line arguments, and their translation into library options in one place.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use strata::{LoadRestrictor, RenderOptions, Reorder};

/// Render Kubernetes manifests from kustomization directories, byte-identical to
/// `kustomize build`.
#[derive(Debug, Parser)]
#[command(name = "strata", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the rendered manifests of one or more kustomization directories.
    Render(BuildArgs),
    /// Same as `render`, with `kustomize build`'s flags: a drop-in replacement.
    Build(BuildArgs),
    /// Apply a strategic-merge patch to a document, as kyaml's merge2 does, and print the
    /// result as kyaml prints it.
    Patch(PatchArgs),
}

/// Flags of `patch`.
#[derive(Debug, clap::Args)]
pub struct PatchArgs {
    /// The document to patch.
    #[arg(long, value_name = "FILE")]
    pub dest: PathBuf,

    /// The strategic-merge patch (each of its documents is applied in turn).
    #[arg(long, value_name = "FILE")]
    pub patch: PathBuf,

    /// Merge lists without schema by `name` when all their elements have one.
    #[arg(long)]
    pub infer_associative_lists: bool,

    /// Where list elements only the patch has go (`kustomize build` uses prepend).
    #[arg(long, value_enum, default_value_t = DirectionArg::Append)]
    pub list_increase_direction: DirectionArg,
}

/// `--list-increase-direction` values.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum DirectionArg {
    /// After dest's elements.
    Append,
    /// Before dest's elements.
    Prepend,
}

/// Flags shared by `render` and `build`.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// Kustomization directories (default: the current directory).
    #[arg(value_name = "DIR")]
    pub dirs: Vec<PathBuf>,

    /// Order of the output when the kustomization has no `sortOptions`.
    #[arg(long, value_enum, default_value_t = ReorderArg::Legacy)]
    pub reorder: ReorderArg,

    /// Whether files may be loaded from outside the kustomization's directory.
    #[arg(long, value_enum, default_value_t = RestrictorArg::LoadRestrictionsRootOnly)]
    pub load_restrictor: RestrictorArg,

    /// Write the output to FILE, or one file per resource if it names a directory.
    #[arg(short = 'o', long = "output", value_name = "PATH")]
    pub output: Option<PathBuf>,
}

/// `--reorder` values.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ReorderArg {
    /// kustomize's legacy kind order.
    Legacy,
    /// Keep the order resources were read in.
    None,
}

/// `--load-restrictor` values (kustomize's spelling).
#[derive(Clone, Copy, Debug, ValueEnum)]
#[allow(clippy::enum_variant_names)]
pub enum RestrictorArg {
    /// Files must be in or below the kustomization's directory.
    #[value(name = "LoadRestrictionsRootOnly")]
    LoadRestrictionsRootOnly,
    /// Files may be anywhere.
    #[value(name = "LoadRestrictionsNone")]
    LoadRestrictionsNone,
}

impl BuildArgs {
    /// Returns the library options these flags ask for.
    pub fn render_options(&self) -> RenderOptions {
        RenderOptions::new()
            .reorder(match self.reorder {
                ReorderArg::Legacy => Reorder::Legacy,
                ReorderArg::None => Reorder::None,
            })
            .load_restrictor(match self.load_restrictor {
                RestrictorArg::LoadRestrictionsRootOnly => LoadRestrictor::RootOnly,
                RestrictorArg::LoadRestrictionsNone => LoadRestrictor::None,
            })
    }
}
