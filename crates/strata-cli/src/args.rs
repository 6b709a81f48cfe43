//! Command-line arguments, and their translation into library options in one place.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use strata::{Budget, Budgets, LoadRestrictor, RenderOptions, Reorder};

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
    /// Compare the rendered manifests of two kustomization directories, or of directories as
    /// they are at a git ref and in the working tree, resource by resource.
    ///
    /// Exit status: 0 no differences, 1 differences, 2 error.
    Diff(DiffArgs),
}

/// Flags of `diff`.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// LEFT RIGHT: two kustomization directories; with --git-ref, one or more directories.
    #[arg(value_name = "DIR", required = true)]
    pub dirs: Vec<PathBuf>,

    /// Compare each DIR as it is in git at REF (left) with the working tree (right).
    #[arg(long, value_name = "REF")]
    pub git_ref: Option<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub output: DiffFormat,

    /// Color text output: auto colors a terminal unless NO_COLOR is set.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,

    /// Lines of context around each change.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub context: usize,

    /// Only compare resources of this kind (case-insensitive; repeatable).
    #[arg(long = "kind", value_name = "KIND")]
    pub kinds: Vec<String>,

    /// Print Secret values instead of redaction markers.
    #[arg(long)]
    pub show_secrets: bool,

    /// Render on up to N threads (0: one per core); the output is the same for any N.
    #[arg(short = 'j', long, value_name = "N", default_value_t = 0)]
    pub threads: usize,

    /// How to render both sides.
    #[command(flatten)]
    pub render: RenderFlags,
}

/// `diff --output` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// A unified diff per resource, for people.
    Text,
    /// One JSON document (schema in the README), for programs.
    Json,
    /// A summary table and collapsible diffs, for a pull-request comment.
    Markdown,
}

/// `--color` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// Color when stdout is a terminal and NO_COLOR is unset or empty.
    Auto,
    /// Always color.
    Always,
    /// Never color.
    Never,
}

impl DiffArgs {
    /// Returns the library's diff options these flags ask for.
    pub fn diff_options(&self) -> strata::DiffOptions {
        strata::DiffOptions::new()
            .context(self.context)
            .redact_secrets(!self.show_secrets)
            .kinds(self.kinds.iter().cloned())
    }
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

    /// How to render.
    #[command(flatten)]
    pub render: RenderFlags,

    /// Write the output to FILE, or one file per resource if it names a directory.
    #[arg(short = 'o', long = "output", value_name = "PATH")]
    pub output: Option<PathBuf>,

    /// Accepted for kustomize compatibility; Strata does not inflate Helm charts, so a
    /// kustomization with `helmCharts` fails either way.
    #[arg(long, hide = true)]
    pub enable_helm: bool,

    /// Accepted for kustomize compatibility (with `--enable-helm`); ignored.
    #[arg(long, hide = true, value_name = "PATH")]
    pub helm_command: Option<String>,

    /// Accepted for kustomize compatibility; exec, Go and KRM function plugins are not
    /// supported, so a kustomization that uses one fails either way.
    #[arg(long, hide = true)]
    pub enable_alpha_plugins: bool,

    /// Accepted for kustomize compatibility (with `--enable-alpha-plugins`); ignored.
    #[arg(long, hide = true)]
    pub enable_exec: bool,
}

/// Rendering flags, shared by `render`, `build` and `diff`.
#[derive(Debug, clap::Args)]
pub struct RenderFlags {
    /// Order of the output when the kustomization has no `sortOptions`.
    #[arg(long, value_enum, default_value_t = ReorderArg::Legacy)]
    pub reorder: ReorderArg,

    /// Whether files may be loaded from outside the kustomization's directory.
    #[arg(long, value_enum, default_value_t = RestrictorArg::LoadRestrictionsRootOnly)]
    pub load_restrictor: RestrictorArg,

    /// Label every resource `app.kubernetes.io/managed-by` (kustomize's deprecated flag;
    /// `buildMetadata: [managedByLabel]` does the same).
    #[arg(long)]
    pub enable_managedby_label: bool,

    /// Raise or lower one of the budgets each build runs under (repeatable): input-bytes,
    /// alias-nodes, nodes, resources, kustomizations.
    #[arg(long = "budget", value_name = "NAME=N", value_parser = parse_budget)]
    pub budgets: Vec<(Budget, u64)>,
}

/// Parses `NAME=N` for `--budget`.
fn parse_budget(s: &str) -> Result<(Budget, u64), String> {
    let names = || {
        Budget::ALL
            .iter()
            .map(|b| b.name())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (name, n) = s
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=N, with NAME one of {}", names()))?;
    let b = Budget::from_name(name)
        .ok_or_else(|| format!("unknown budget '{name}': expected one of {}", names()))?;
    let n = n
        .parse()
        .map_err(|_| format!("'{n}' is not a whole number"))?;
    Ok((b, n))
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
        self.render.render_options()
    }
}

impl RenderFlags {
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
            .managed_by_label(self.enable_managedby_label)
            .budgets(
                self.budgets
                    .iter()
                    .fold(Budgets::default(), |mut all, &(b, n)| {
                        all.set(b, n);
                        all
                    }),
            )
    }
}
