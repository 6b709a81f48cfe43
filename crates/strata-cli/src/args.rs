//! Command-line arguments, and their translation into library options in one place.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use strata::{Budget, Budgets, LoadRestrictor, RenderOptions, Reorder};

/// Render Kubernetes manifests from kustomization directories, byte-identical to
/// `kustomize build`.
#[derive(Debug, Parser)]
#[command(name = "strata", version = version_line(false), about)]
pub struct Cli {
    /// Accepted for kustomize compatibility: errors are printed in full anyway.
    #[arg(long, global = true, hide = true)]
    pub stack_trace: bool,

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
    /// Create a kustomization.yaml in the current directory (kustomize's `create`).
    #[command(alias = "init")]
    Create(CreateArgs),
    /// Print the kustomize version whose behaviour Strata reproduces, as `kustomize version`
    /// prints it.
    Version(VersionArgs),
    /// Print a shell completion script.
    Completion(CompletionArgs),
    /// Edit the kustomization file in the current directory as `kustomize edit` does, keeping
    /// its comments and layout.
    Edit(crate::commands::edit_cmd::EditArgs),
    /// Copy a kustomization and everything it references (remote bases included) into a new
    /// directory with paths rewritten, so the copy renders offline to the same output
    /// (kustomize's `localize`).
    Localize(crate::localize_cmd::LocalizeArgs),
}

/// Returns the `--version` text after the program name: Strata's own version and the
/// kustomize release it matches; under the `kustomize` name, the kustomize release first.
pub fn version_line(as_kustomize: bool) -> &'static str {
    static STRATA: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        format!(
            "{} (kustomize {})",
            env!("CARGO_PKG_VERSION"),
            strata::KUSTOMIZE_VERSION
        )
    });
    static KUSTOMIZE: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        format!(
            "{} (strata {})",
            strata::KUSTOMIZE_VERSION,
            env!("CARGO_PKG_VERSION")
        )
    });
    if as_kustomize {
        KUSTOMIZE.as_str()
    } else {
        STRATA.as_str()
    }
}

/// Flags of `create` (kustomize/commands/create/create.go).
#[derive(Debug, clap::Args)]
pub struct CreateArgs {
    /// Comma-separated files, globs or directories to list under `resources`.
    #[arg(
        long,
        value_name = "LIST",
        default_value = "",
        allow_hyphen_values = true
    )]
    pub resources: String,
    /// Set the `namespace` field.
    #[arg(
        long,
        value_name = "NS",
        default_value = "",
        allow_hyphen_values = true
    )]
    pub namespace: String,
    /// Comma-separated `key:value` pairs for `commonAnnotations`.
    #[arg(
        long,
        value_name = "LIST",
        default_value = "",
        allow_hyphen_values = true
    )]
    pub annotations: String,
    /// Comma-separated `key:value` pairs for `commonLabels`.
    #[arg(
        long,
        value_name = "LIST",
        default_value = "",
        allow_hyphen_values = true
    )]
    pub labels: String,
    /// Set the `namePrefix` field.
    #[arg(
        long,
        value_name = "PREFIX",
        default_value = "",
        allow_hyphen_values = true
    )]
    pub nameprefix: String,
    /// Set the `nameSuffix` field.
    #[arg(
        long,
        value_name = "SUFFIX",
        default_value = "",
        allow_hyphen_values = true
    )]
    pub namesuffix: String,
    /// Add the Kubernetes resource files found in the current directory to `resources`.
    #[arg(long)]
    pub autodetect: bool,
    /// With --autodetect, search subdirectories too; one with a kustomization is added as a
    /// directory and not searched.
    #[arg(long)]
    pub recursive: bool,
}

/// Flags of `version` (kustomize/commands/version/version.go).
#[derive(Debug, clap::Args)]
pub struct VersionArgs {
    /// Print kustomize's short form, `{VERSION  BUILD_DATE   }`.
    #[arg(long, conflicts_with = "output")]
    pub short: bool,
    /// Print the version information as YAML or JSON.
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT")]
    pub output: Option<VersionFormat>,
}

/// `version --output` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum VersionFormat {
    /// YAML, as kustomize's `-o yaml`.
    Yaml,
    /// JSON, as kustomize's `-o json`.
    Json,
}

/// Arguments of `completion`.
#[derive(Debug, clap::Args)]
pub struct CompletionArgs {
    /// The shell to print a completion script for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Shells `completion` supports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    /// Bash.
    Bash,
    /// Zsh.
    Zsh,
    /// Fish.
    Fish,
    /// PowerShell.
    Powershell,
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

    /// Pair resources by their final id, or by the id they had in the base (before
    /// namespace, prefix, suffix and hash). Default: origin for two different DIRs, final
    /// with --git-ref.
    #[arg(long, value_enum, value_name = "HOW")]
    pub pair_by: Option<PairByArg>,

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

/// `diff --pair-by` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PairByArg {
    /// The id in the output.
    Final,
    /// The id in the base, before namespace, prefix, suffix and hash.
    Origin,
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
        // Two overlays of one base never share final ids; two states of one DIR do.
        let different_dirs = self.git_ref.is_none()
            && self
                .dirs
                .first()
                .zip(self.dirs.get(1))
                .is_some_and(|(a, b)| a != b);
        let pair_by = match self.pair_by {
            Some(PairByArg::Final) => strata::PairBy::Final,
            Some(PairByArg::Origin) => strata::PairBy::Origin,
            None if different_dirs => strata::PairBy::Origin,
            None => strata::PairBy::Final,
        };
        strata::DiffOptions::new()
            .pair_by(pair_by)
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

    /// Inflate `helmCharts` by running `helm template` (kustomize's `--enable-helm`).
    #[arg(long, hide = true)]
    pub enable_helm: bool,

    /// The Helm command to run with `--enable-helm` (default `helm`).
    #[arg(long, hide = true, value_name = "PATH")]
    pub helm_command: Option<String>,

    /// Run legacy exec plugins found under kustomize's plugin home
    /// (`$XDG_CONFIG_HOME/kustomize/plugin/<group>/<version>/<kind>/<Kind>`).
    #[arg(long, hide = true)]
    pub enable_alpha_plugins: bool,

    /// Run exec KRM functions (`config.kubernetes.io/function` with `exec: path:`) too
    /// (with `--enable-alpha-plugins`).
    #[arg(long, hide = true)]
    pub enable_exec: bool,

    /// Helm's Capabilities.KubeVersion for every chart (overrides `kubeVersion`).
    #[arg(long, hide = true, value_name = "VERSION")]
    pub helm_kube_version: Option<String>,

    /// Helm's Capabilities.APIVersions for every chart (repeatable; overrides `apiVersions`).
    #[arg(long, hide = true, value_name = "VERSION")]
    pub helm_api_versions: Vec<String>,

    /// Run Helm with `--debug`; its stderr and output are shown when it fails.
    #[arg(long, hide = true)]
    pub helm_debug: bool,

    /// Container functions only: environment variables for functions (repeatable). Strata
    /// runs no functions, so a kustomization that uses one fails either way.
    #[arg(short = 'e', long = "env", hide = true, value_name = "VAR")]
    pub env: Vec<String>,

    /// Container functions only: storage to mount (repeatable).
    #[arg(long, hide = true, value_name = "MOUNT")]
    pub mount: Vec<String>,

    /// Container functions only: allow network access.
    #[arg(long, hide = true)]
    pub network: bool,

    /// Container functions only: the docker network to run in.
    #[arg(long, hide = true, value_name = "NAME", default_value = "bridge")]
    pub network_name: String,

    /// Container functions only: run as the current user.
    #[arg(long, hide = true)]
    pub as_current_user: bool,

    /// Build-time overrides of the root kustomization.
    #[command(flatten)]
    pub overrides: OverrideFlags,
}

/// `--set-*`: what `kustomize edit set image|replicas|namespace` would write into the root
/// kustomization, applied for one render without touching the file.
#[derive(Debug, Default, clap::Args)]
pub struct OverrideFlags {
    /// Override an image as `kustomize edit set image` does: `name=newName:tag@digest`,
    /// `name:tag`, `name@digest`, `*=newName:tag` (repeatable).
    #[arg(long, value_name = "IMAGE")]
    pub set_image: Vec<String>,

    /// Override replicas as `kustomize edit set replicas` does: `name=count` (repeatable).
    #[arg(long, value_name = "NAME=COUNT")]
    pub set_replicas: Vec<String>,

    /// Override the namespace as `kustomize edit set namespace` does.
    #[arg(long, value_name = "NAMESPACE")]
    pub set_namespace: Option<String>,
}

/// Rendering flags, shared by `render`, `build` and `diff`.
#[derive(Debug, clap::Args)]
pub struct RenderFlags {
    /// Where remote bases are cached, keyed by commit (default: `$XDG_CACHE_HOME/strata`).
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,

    /// Load remote bases only from the cache; fetch nothing.
    #[arg(long)]
    pub offline: bool,

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

    /// Read files inside a `.git` directory (refused by default: `.git/config` can hold the
    /// CI job's token).
    #[arg(long)]
    pub allow_git_files: bool,

    /// Raise or lower one of the budgets each build runs under (repeatable): input-bytes,
    /// alias-nodes, nodes, resources, kustomizations.
    #[arg(long = "budget", value_name = "NAME=N", value_parser = parse_budget)]
    pub budgets: Vec<(Budget, u64)>,

    /// Decrypt SOPS-encrypted resources, generator sources and KSOPS generators in memory,
    /// with the keys `sops` would use (age: SOPS_AGE_KEY, SOPS_AGE_KEY_FILE,
    /// SOPS_AGE_KEY_CMD, ~/.config/sops/age/keys.txt, ssh keys; AWS KMS: the AWS credential
    /// chain). The output then holds secrets in plaintext.
    #[arg(long)]
    pub decrypt: bool,
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
#[allow(
    clippy::enum_variant_names,
    reason = "the variants are kustomize's spelling of the flag values"
)]
pub enum RestrictorArg {
    /// Files must be in or below the kustomization's directory.
    #[value(name = "LoadRestrictionsRootOnly")]
    LoadRestrictionsRootOnly,
    /// Files may be anywhere.
    #[value(name = "LoadRestrictionsNone")]
    LoadRestrictionsNone,
}

impl BuildArgs {
    /// Returns the plugin and function flags given, as a list for a message, if any.
    pub fn plugin_flags_given(&self) -> Option<String> {
        let given: Vec<&str> = [
            ("--env", !self.env.is_empty()),
            ("--mount", !self.mount.is_empty()),
            ("--network", self.network),
            ("--network-name", self.network_name != "bridge"),
            ("--as-current-user", self.as_current_user),
        ]
        .into_iter()
        .filter_map(|(flag, on)| on.then_some(flag))
        .collect();
        (!given.is_empty()).then(|| given.join(", "))
    }

    /// Returns the library options these flags ask for, or the first malformed `--set-*`
    /// value: the flag, its value and the error.
    pub fn render_options(&self) -> Result<RenderOptions, (&'static str, String, strata::Error)> {
        let o = &self.overrides;
        let mut overrides = strata::Overrides::new();
        for arg in &o.set_image {
            overrides = overrides
                .image(arg)
                .map_err(|e| ("--set-image", arg.clone(), e))?;
        }
        for arg in &o.set_replicas {
            overrides = overrides
                .replicas(arg)
                .map_err(|e| ("--set-replicas", arg.clone(), e))?;
        }
        if let Some(ns) = &o.set_namespace {
            overrides = overrides
                .namespace(ns)
                .map_err(|e| ("--set-namespace", ns.clone(), e))?;
        }
        let mut options = self.render.render_options().overrides(overrides);
        if self.enable_alpha_plugins {
            options = options.plugins(std::sync::Arc::new(crate::plugins::ExecPlugins {
                exec_functions: self.enable_exec,
            }));
        }
        if self.enable_helm {
            let command = self.helm_command.as_deref().unwrap_or("helm");
            options = options.helm(
                strata::HelmOptions::new(std::sync::Arc::new(crate::helm::HelmCommand::new(
                    command,
                )))
                .kube_version(self.helm_kube_version.clone())
                .api_versions(self.helm_api_versions.clone())
                .debug(self.helm_debug),
            );
        }
        Ok(options)
    }
}

impl RenderFlags {
    /// Returns the library options these flags ask for.
    pub fn render_options(&self) -> RenderOptions {
        let mut options = RenderOptions::new();
        if self.decrypt {
            options = options.decrypt(crate::sops_keys::from_env());
        }
        options
            .reorder(match self.reorder {
                ReorderArg::Legacy => Reorder::Legacy,
                ReorderArg::None => Reorder::None,
            })
            .load_restrictor(match self.load_restrictor {
                RestrictorArg::LoadRestrictionsRootOnly => LoadRestrictor::RootOnly,
                RestrictorArg::LoadRestrictionsNone => LoadRestrictor::None,
            })
            .managed_by_label(self.enable_managedby_label)
            .allow_git_files(self.allow_git_files)
            .budgets(
                self.budgets
                    .iter()
                    .fold(Budgets::default(), |mut all, &(b, n)| {
                        all.set(b, n);
                        all
                    }),
            )
            .remote(std::sync::Arc::new(crate::remote::GitRemote::new(
                self.cache_dir.clone(),
                self.offline,
            )))
    }
}
