//! External plugins: the [`PluginRunner`] trait through which a render runs kustomize's
//! legacy exec plugins and exec KRM functions (the library runs no processes; the CLI
//! implements it under `--enable-alpha-plugins`, functions with `--enable-exec` too).
//!
//! A legacy exec plugin is found from its config's `apiVersion` and `kind` at
//! `<plugin home>/<group>/<version>/<lowercase kind>/<kind>` (kustomize's
//! api/internal/plugins/loader/loader.go `AbsolutePluginPath`; the plugin home is
//! `$KUSTOMIZE_PLUGIN_HOME`, else `$XDG_CONFIG_HOME/kustomize/plugin`, else
//! `~/.config/kustomize/plugin`, the layout KSOPS uses). It runs as kustomize runs it
//! (api/internal/plugins/execplugin/execplugin.go): its config in a temporary file passed
//! as the first argument, then the `argsOneLiner` / `argsFromFile` arguments, the config
//! also in `KUSTOMIZE_PLUGIN_CONFIG_STRING`, the kustomization directory in
//! `KUSTOMIZE_PLUGIN_CONFIG_ROOT` and as the working directory, and for a transformer the
//! resources on stdin.
//!
//! An exec KRM function (a config annotated `config.kubernetes.io/function` with
//! `exec: {path: …}`) gets a `ResourceList` on stdin and prints one
//! (kyaml/fn/runtime/runtimeutil: `items`, `functionConfig`, `results`); it runs only when
//! the runner allows it (the CLI: `--enable-exec` too).
//!
//! Stage: below `build`; knows only bytes and paths.

use std::fmt;
use std::path::PathBuf;

/// One run of a legacy exec plugin.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExecRequest {
    /// The config's API group (empty for none).
    pub group: String,
    /// The config's API version.
    pub version: String,
    /// The config's kind (the executable's name).
    pub kind: String,
    /// The config as kustomize hands it over (YAML).
    pub config: Vec<u8>,
    /// Arguments after the config file (`argsOneLiner`, `argsFromFile`).
    pub args: Vec<String>,
    /// The kustomization directory.
    pub dir: PathBuf,
    /// The resources, as YAML, for a transformer; `None` for a generator.
    pub input: Option<Vec<u8>>,
}

impl ExecRequest {
    /// Returns the executable's path below a plugin home:
    /// `<group>/<version>/<lowercase kind>/<kind>`.
    pub fn relative_path(&self) -> PathBuf {
        let mut p = PathBuf::new();
        if !self.group.is_empty() {
            p.push(&self.group);
        }
        p.push(&self.version);
        p.push(self.kind.to_lowercase());
        p.push(&self.kind);
        p
    }
}

/// One run of an exec KRM function.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FunctionRequest {
    /// `exec.path` as written (relative paths are relative to `dir`).
    pub path: String,
    /// The `ResourceList` to write to its stdin.
    pub input: Vec<u8>,
    /// The kustomization directory (the working directory).
    pub dir: PathBuf,
}

/// Runs external plugins for a render.
///
/// ```
/// use std::sync::Arc;
///
/// use strata::{ExecRequest, MemoryFs, PluginRunner, RenderOptions, Renderer};
///
/// /// Answers every generator plugin with one ConfigMap named after the plugin's kind.
/// #[derive(Debug)]
/// struct Stub;
///
/// impl PluginRunner for Stub {
///     fn run_exec(&self, request: &ExecRequest) -> Result<Vec<u8>, String> {
///         let name = request.kind.to_lowercase();
///         Ok(format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n").into_bytes())
///     }
/// }
///
/// let fs = MemoryFs::new()
///     .with_file("kustomization.yaml", "generators:\n- greeting.yaml\n")
///     .with_file(
///         "greeting.yaml",
///         "apiVersion: example.com/v1\nkind: Greeting\nmetadata:\n  name: hello\n",
///     );
/// let rendered = Renderer::new(RenderOptions::new().plugins(Arc::new(Stub))).render(&fs, "/")?;
/// assert_eq!(rendered.resources()[0].id().name, "greeting");
/// # Ok::<(), strata::Error>(())
/// ```
pub trait PluginRunner: Send + Sync + fmt::Debug {
    /// Runs a legacy exec plugin and returns its standard output, or the error to report
    /// (kustomize's wording: the plugin's stderr, then what failed).
    fn run_exec(&self, request: &ExecRequest) -> Result<Vec<u8>, String>;

    /// Runs an exec KRM function and returns its standard output (a `ResourceList`), or the
    /// error to report. The default refuses: exec functions are opt-in.
    fn run_function(&self, request: &FunctionRequest) -> Result<Vec<u8>, String> {
        Err(format!(
            "exec function '{}' not run: exec functions are disabled (--enable-exec)",
            request.path
        ))
    }
}
