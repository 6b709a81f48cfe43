//! The public entry point: [`Renderer`] builds kustomization directories into [`Rendered`]
//! output, byte-identical to `kustomize build`.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;
use std::sync::Arc;

use crate::budget::{Budgets, Usage};
use crate::build::{Builder, HelmOptions, Loader, ParseCache, Reorder};
use crate::error::{Error, ErrorKind, Location, Result};
use crate::fs::{DiskFs, FileSystem, LoadRestrictor};
use crate::overrides::Overrides;
use crate::plugin::PluginRunner;
use crate::remote::RemoteLoader;
use crate::resource::{ResId, Resource};
use crate::warning::Warning;
use crate::yaml::emit;
use crate::yaml::parse::Limits;

/// Options for rendering, mirroring `kustomize build`'s flags.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct RenderOptions {
    /// `--load-restrictor`.
    pub load_restrictor: LoadRestrictor,
    /// `--reorder`: the order used when the kustomization has no `sortOptions`.
    pub reorder: Reorder,
    /// Budgets on every input file.
    pub limits: Limits,
    /// Budgets on the whole build (bytes read, alias nodes, nodes created, resources,
    /// kustomizations accumulated).
    pub budgets: Budgets,
    /// Label every resource `app.kubernetes.io/managed-by` (`--enable-managedby-label`).
    pub managed_by_label: bool,
    /// `kustomize edit set` transformations applied to the top kustomization for this render
    /// only (`--set-image`, `--set-replicas`, `--set-namespace`).
    pub overrides: Overrides,
    /// How `helmCharts` are inflated (`--enable-helm` and the `--helm-*` flags); without an
    /// inflater, a kustomization with charts fails.
    pub helm: HelmOptions,
    /// How remote bases and resources (git URLs, `http(s)://` files) are brought in;
    /// without one, a kustomization that names one fails.
    pub remote: Option<Arc<dyn RemoteLoader>>,
    /// Runs external plugins (`--enable-alpha-plugins`); without one, a config that is not
    /// a builtin fails.
    pub plugins: Option<Arc<dyn PluginRunner>>,
    /// Read files inside a `.git` directory (resources, patches, generator `files`/`envs`).
    /// Off by default: `.git/config` can hold the CI job's token, and a rendered diff is
    /// often published.
    pub allow_git_files: bool,
    /// Decrypt SOPS-encrypted resources and generator sources with these keys (`--decrypt`).
    /// Without them an encrypted input is an error, never shipped as ciphertext.
    pub decrypt: Option<crate::sops::Keys>,
    /// Without [`RenderOptions::decrypt`], render SOPS-encrypted inputs as kustomize does
    /// (ciphertext and `sops` block included; KSOPS configs as external plugins) with a
    /// warning, instead of failing. `strata build`, the kustomize drop-in, sets it.
    pub keep_encrypted: bool,
}

impl RenderOptions {
    /// Returns the default options (kustomize's defaults).
    pub fn new() -> RenderOptions {
        RenderOptions::default()
    }

    /// Sets the load restrictor.
    pub fn load_restrictor(mut self, r: LoadRestrictor) -> RenderOptions {
        self.load_restrictor = r;
        self
    }

    /// Sets whether every resource gets kustomize's managed-by label.
    pub fn managed_by_label(mut self, on: bool) -> RenderOptions {
        self.managed_by_label = on;
        self
    }

    /// Sets the overrides applied to the top kustomization.
    pub fn overrides(mut self, o: Overrides) -> RenderOptions {
        self.overrides = o;
        self
    }

    /// Sets whether files inside a `.git` directory may be read.
    pub fn allow_git_files(mut self, allow: bool) -> RenderOptions {
        self.allow_git_files = allow;
        self
    }

    /// Sets the budgets of each build.
    pub fn budgets(mut self, b: Budgets) -> RenderOptions {
        self.budgets = b;
        self
    }

    /// Sets how Helm charts are inflated.
    pub fn helm(mut self, h: HelmOptions) -> RenderOptions {
        self.helm = h;
        self
    }

    /// Sets how remote bases and resources are brought in.
    pub fn remote(mut self, r: Arc<dyn RemoteLoader>) -> RenderOptions {
        self.remote = Some(r);
        self
    }

    /// Sets how external plugins run.
    pub fn plugins(mut self, p: Arc<dyn PluginRunner>) -> RenderOptions {
        self.plugins = Some(p);
        self
    }

    /// Sets the keys that decrypt SOPS-encrypted inputs.
    pub fn decrypt(mut self, keys: crate::sops::Keys) -> RenderOptions {
        self.decrypt = Some(keys);
        self
    }

    /// Sets whether undecrypted SOPS inputs pass through as kustomize renders them.
    pub fn keep_encrypted(mut self, keep: bool) -> RenderOptions {
        self.keep_encrypted = keep;
        self
    }

    /// Sets the fallback order.
    pub fn reorder(mut self, r: Reorder) -> RenderOptions {
        self.reorder = r;
        self
    }
}

/// Renders kustomizations with one set of options.
#[derive(Clone, Debug, Default)]
pub struct Renderer {
    options: RenderOptions,
}

impl Renderer {
    /// Returns a renderer with `options`.
    pub fn new(options: RenderOptions) -> Renderer {
        Renderer { options }
    }

    /// Renders the kustomization in directory `root` of `fs`.
    ///
    /// ```
    /// use strata::{MemoryFs, RenderOptions, Renderer, Reorder};
    ///
    /// let fs = MemoryFs::new()
    ///     .with_file("base/kustomization.yaml", "resources:\n- cm.yaml\n")
    ///     .with_file("base/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n")
    ///     .with_file("prod/kustomization.yaml", "resources:\n- ../base\nnamePrefix: prod-\n");
    /// let mut options = RenderOptions::default();
    /// options.reorder = Reorder::None;
    /// let renderer = Renderer::new(options);
    /// let prod = renderer.render(&fs, "/prod")?;
    /// assert_eq!(prod.resources()[0].id().name, "prod-web");
    /// # Ok::<(), strata::Error>(())
    /// ```
    pub fn render(&self, fs: &dyn FileSystem, root: impl AsRef<Path>) -> Result<Rendered> {
        self.render_cached(fs, root.as_ref(), &ParseCache::new())
    }

    /// Renders many kustomization directories of `fs`, in parallel on up to `threads`
    /// threads (0: one per core), each file read and parsed once however many overlays share
    /// it. Results come back in the order of `roots`, whatever the thread count.
    ///
    /// ```
    /// use strata::{MemoryFs, Renderer};
    ///
    /// let fs = MemoryFs::new()
    ///     .with_file("base/kustomization.yaml", "resources:\n- cm.yaml\n")
    ///     .with_file(
    ///         "base/cm.yaml",
    ///         "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n",
    ///     )
    ///     .with_file("dev/kustomization.yaml", "resources:\n- ../base\nnamePrefix: dev-\n")
    ///     .with_file("prod/kustomization.yaml", "resources:\n- ../base\nnamePrefix: prod-\n");
    /// let names = Renderer::default()
    ///     .render_many(&fs, &["/dev", "/prod"], 2)
    ///     .into_iter()
    ///     .map(|r| r.map(|r| r.resources()[0].id().name.clone()))
    ///     .collect::<Result<Vec<_>, _>>()?;
    /// assert_eq!(names, ["dev-web", "prod-web"]);
    /// # Ok::<(), strata::Error>(())
    /// ```
    pub fn render_many<P: AsRef<Path> + Sync>(
        &self,
        fs: &dyn FileSystem,
        roots: &[P],
        threads: usize,
    ) -> Vec<Result<Rendered>> {
        let cache = ParseCache::new();
        let threads = match threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        }
        .clamp(1, roots.len().max(1));
        if threads == 1 {
            return roots
                .iter()
                .map(|r| self.render_cached(fs, r.as_ref(), &cache))
                .collect();
        }
        let next = std::sync::atomic::AtomicUsize::new(0);
        let mut slots: Vec<Option<Result<Rendered>>> = Vec::new();
        slots.resize_with(roots.len(), || None);
        let results = std::sync::Mutex::new(slots);
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(root) = roots.get(i) else { break };
                        let r = self.render_cached(fs, root.as_ref(), &cache);
                        if let Ok(mut slots) = results.lock()
                            && let Some(slot) = slots.get_mut(i)
                        {
                            *slot = Some(r);
                        }
                    }
                });
            }
        });
        results
            .into_inner()
            .unwrap_or_default()
            .into_iter()
            .map(|r| {
                r.unwrap_or_else(|| Err(Error::new(ErrorKind::Io, "render thread did not finish")))
            })
            .collect()
    }

    fn render_cached(
        &self,
        fs: &dyn FileSystem,
        root: &Path,
        cache: &ParseCache,
    ) -> Result<Rendered> {
        let loader = Loader::new(
            fs,
            self.options.load_restrictor,
            self.options.limits,
            self.options.budgets,
            cache,
        )
        .with_remote(self.options.remote.as_deref())
        .allow_git_files(self.options.allow_git_files)
        .sops(self.options.decrypt.clone())
        .keep_encrypted(self.options.keep_encrypted);
        let built = Builder::new(loader, self.options.reorder)
            .managed_by_label(self.options.managed_by_label)
            .overrides(&self.options.overrides)
            .helm(&self.options.helm)
            .plugins(self.options.plugins.clone())
            .build(root)?;
        Ok(Rendered {
            resources: built.resources,
            warnings: built.warnings,
            usage: built.usage,
        })
    }
}

/// Renders the kustomization in `path` on disk with default options.
///
/// ```no_run
/// let rendered = strata::render_dir("overlays/prod")?;
/// print!("{}", rendered.to_yaml()?);
/// # Ok::<(), strata::Error>(())
/// ```
pub fn render_dir(path: impl AsRef<Path>) -> Result<Rendered> {
    Renderer::default().render(&DiskFs, path)
}

/// The output of one render: resources in output order plus warnings. `Default` is an empty
/// render (no resources), e.g. for a directory that exists on one side of a diff only.
#[derive(Clone, Debug, Default)]
pub struct Rendered {
    resources: Vec<Resource>,
    warnings: Vec<Warning>,
    usage: Usage,
}

impl Rendered {
    /// Returns the resources in output order.
    pub fn resources(&self) -> &[Resource] {
        &self.resources
    }

    /// Returns what the build used of its budgets ([`RenderOptions::budgets`]): bytes read,
    /// nodes created, kustomization directories accumulated and so on.
    pub fn usage(&self) -> Usage {
        self.usage
    }

    /// Returns the warnings kustomize would print on stderr (deprecations and such); each
    /// displays as kustomize prints it.
    ///
    /// ```
    /// use strata::{MemoryFs, Renderer, WarningKind};
    ///
    /// let fs = MemoryFs::new()
    ///     .with_file("kustomization.yaml", "resources:\n- cm.yaml\ncommonLabels:\n  app: web\n")
    ///     .with_file("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n");
    /// let rendered = Renderer::default().render(&fs, "/")?;
    /// let w = &rendered.warnings()[0];
    /// assert_eq!(w.kind, WarningKind::Deprecated);
    /// assert!(w.to_string().starts_with("# Warning: 'commonLabels' is deprecated."));
    /// # Ok::<(), strata::Error>(())
    /// ```
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// Returns the output as `kustomize build` prints it.
    pub fn to_yaml(&self) -> Result<String> {
        let mut out = String::new();
        for (i, r) in self.resources.iter().enumerate() {
            if i > 0 {
                out.push_str("---\n");
            }
            emit_resource(r, &mut out)?;
        }
        Ok(out)
    }

    /// Writes the output to `w`. Nothing is written if printing fails.
    ///
    /// ```
    /// let fs = strata::MemoryFs::new()
    ///     .with_file("kustomization.yaml", "resources:\n- cm.yaml\n")
    ///     .with_file("cm.yaml", "kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: web\n");
    /// let mut out = Vec::new();
    /// strata::Renderer::default().render(&fs, "/")?.write_yaml(&mut out)?;
    /// assert_eq!(out, b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n");
    /// # Ok::<(), strata::Error>(())
    /// ```
    pub fn write_yaml(&self, w: &mut dyn io::Write) -> Result<()> {
        let text = self.to_yaml()?;
        w.write_all(text.as_bytes())
            .map_err(|e| Error::new(ErrorKind::Io, format!("writing output: {e}")))
    }

    /// Returns each resource printed on its own, with the file name `kustomize build -o DIR`
    /// gives it (see `output_file_name`); namespaced resources get a `namespace_` prefix
    /// when they span more than one namespace (kustomize/commands/build/writer.go).
    ///
    /// kustomize joins the names unchecked, so `namespace: ../../x` writes outside DIR and
    /// `Web` overwrites `web` (both lower-case to one name). Here every name must be one
    /// plain path component (see [`check_file_name`]) and no two names may be equal once
    /// lower-cased; either problem is an error before any file is named.
    ///
    /// ```
    /// use strata::{MemoryFs, Renderer};
    ///
    /// let fs = MemoryFs::new()
    ///     .with_file("kustomization.yaml", "resources:\n- cm.yaml\n")
    ///     .with_file("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n");
    /// let files = Renderer::default().render(&fs, "/")?.to_files()?;
    /// assert_eq!(files.len(), 1);
    /// assert_eq!(files[0].0, "v1_configmap_web.yaml");
    /// assert!(files[0].1.starts_with("apiVersion: v1\n"));
    /// # Ok::<(), strata::Error>(())
    /// ```
    pub fn to_files(&self) -> Result<Vec<(String, String)>> {
        let mut namespaces: Vec<&str> = self
            .resources
            .iter()
            .filter_map(|r| r.id().effective_namespace())
            .collect();
        namespaces.sort_unstable();
        namespaces.dedup();
        let prefixed = namespaces.len() > 1;
        let mut out = Vec::with_capacity(self.resources.len());
        for r in &self.resources {
            let mut text = String::new();
            emit_resource(r, &mut text)?;
            let mut name = output_file_name(r.id());
            if let (true, Some(ns)) = (prefixed, r.id().effective_namespace()) {
                name = format!("{}_{name}", ns.to_lowercase());
            }
            if let Err(why) = check_file_name(&name) {
                // Point at the namespace when the name alone would have been fine.
                let field = match check_file_name(&output_file_name(r.id())) {
                    Ok(()) => "namespace",
                    Err(_) => "name",
                };
                return Err(name_error(
                    r,
                    field,
                    format!(
                        "{} cannot be written to a file of its own: its file name {name:?} {why}; \
                         rename it, or write the output as one stream",
                        r.id()
                    ),
                ));
            }
            out.push((name, text));
        }
        let mut seen: BTreeMap<String, &Resource> = BTreeMap::new();
        for ((name, _), b) in out.iter().zip(&self.resources) {
            if let Some(a) = seen.insert(name.to_lowercase(), b) {
                return Err(name_error(
                    b,
                    "name",
                    format!(
                        "{} and {} would both be written to {name:?} (file names are \
                         lower-cased); rename one, or write the output as one stream",
                        a.id(),
                        b.id()
                    ),
                ));
            }
        }
        Ok(out)
    }
}

/// Returns the error for a resource whose output file name is unusable, located at its
/// `metadata.<field>` when it has one.
fn name_error(r: &Resource, field: &str, message: String) -> Error {
    let span = r
        .node()
        .as_mapping()
        .and_then(|m| m.get("metadata"))
        .and_then(|m| m.as_mapping())
        .and_then(|m| m.get(field))
        .map_or(r.node().span, |n| n.span);
    Error::new(ErrorKind::Emit, message).with_location(Location::new(r.origin(), span))
}

/// Checks that `name` can be used as one file name inside an output directory: not empty,
/// not `.` or `..`, at most 255 bytes, and free of path separators (`/`, `\`), NUL and
/// control characters (which a terminal or a later script could misread). Returns why not.
///
/// Kubernetes names never contain these, but kustomize does not validate names, so a
/// kustomization can carry any string here.
///
/// ```
/// assert!(strata::check_file_name("v1_configmap_web.yaml").is_ok());
/// assert_eq!(strata::check_file_name("../web.yaml").unwrap_err(), "contains '/'");
/// assert!(strata::check_file_name("..").is_err());
/// ```
pub fn check_file_name(name: &str) -> std::result::Result<(), String> {
    if name.is_empty() || name == "." || name == ".." {
        return Err("is not a file name".to_owned());
    }
    if name.len() > 255 {
        return Err("is longer than 255 bytes".to_owned());
    }
    match name
        .chars()
        .find(|&c| c == '/' || c == '\\' || c.is_control())
    {
        Some(c) => Err(format!("contains {c:?}")),
        None => Ok(()),
    }
}

fn emit_resource(r: &Resource, out: &mut String) -> Result<()> {
    emit::emit_document(r.node(), out).map_err(|e| {
        Error::new(ErrorKind::Emit, e.message).with_location(Location::new(r.origin(), e.span))
    })
}

/// Returns the file name `kustomize build -o DIR` writes a resource to:
/// `[group_]version_kind_name.yaml`, lower-cased (kustomize/commands/build/writer.go
/// `fileName`).
pub(crate) fn output_file_name(id: &ResId) -> String {
    let mut parts = Vec::new();
    if !id.gvk.group.is_empty() {
        parts.push(id.gvk.group.as_str());
    }
    if !id.gvk.version.is_empty() {
        parts.push(id.gvk.version.as_str());
    }
    if !id.gvk.kind.is_empty() {
        parts.push(id.gvk.kind.as_str());
    }
    let gvk = parts.join("_");
    format!("{}_{}.yaml", gvk, id.name).to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemoryFs;

    // Issue 16: a diff could publish `.git/config`, where CI keeps the job token.
    #[test]
    fn files_inside_a_git_directory_are_refused_unless_allowed() {
        let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n";
        let cases = [
            "configMapGenerator:\n- name: x\n  files:\n  - .git/config\n",
            "configMapGenerator:\n- name: x\n  envs:\n  - .git/config\n",
            "secretGenerator:\n- name: x\n  files:\n  - sub/.Git/config\n",
            // `.git/` in a resource entry reads as a remote URL; `.GIT` on a case-insensitive
            // file system is the same directory.
            "resources:\n- .GIT/cm.yaml\n",
            "resources:\n- cm.yaml\npatches:\n- path: .git/cm.yaml\n",
        ];
        for k in cases {
            let fs = MemoryFs::new()
                .with_file("/r/kustomization.yaml", k)
                .with_file("/r/cm.yaml", cm)
                .with_file("/r/.git/cm.yaml", cm)
                .with_file("/r/.GIT/cm.yaml", cm)
                .with_file("/r/.git/config", "token=secret\n")
                .with_file("/r/sub/.Git/config", "token=secret\n");
            let err = Renderer::default().render(&fs, "/r").unwrap_err();
            assert_eq!(err.kind(), ErrorKind::LoadRestriction, "{k}: {err}");
            let msg = err.to_string();
            assert!(msg.starts_with("/r/kustomization.yaml:"), "{k}: {msg}");
            assert!(msg.contains("is inside a .git directory"), "{k}: {msg}");
            let allowed = Renderer::new(RenderOptions::new().allow_git_files(true));
            assert!(allowed.render(&fs, "/r").is_ok(), "{k}");
        }
    }

    #[test]
    fn check_file_name_accepts_one_plain_component() {
        let cases = [
            ("v1_configmap_web.yaml", None),
            (
                "rbac.authorization.k8s.io_v1_clusterrole_system:x.yaml",
                None,
            ),
            ("..yaml", None),
            ("", Some("is not a file name")),
            ("..", Some("is not a file name")),
            ("a/b.yaml", Some("contains '/'")),
            ("a\\b.yaml", Some("contains '\\\\'")),
            ("a\0b.yaml", Some("contains '\\0'")),
            ("a\nb.yaml", Some("contains '\\n'")),
            ("a\u{9b}b.yaml", Some("contains '\\u{9b}'")),
        ];
        for (name, want) in cases {
            assert_eq!(check_file_name(name).err().as_deref(), want, "{name:?}");
        }
        assert!(check_file_name(&"a".repeat(256)).is_err());
    }

    fn files_of(docs: &str) -> Result<Vec<(String, String)>> {
        let fs = MemoryFs::new()
            .with_file("/k/kustomization.yaml", "resources:\n- r.yaml\n")
            .with_file("/k/r.yaml", docs);
        Renderer::default().render(&fs, "/k")?.to_files()
    }

    #[test]
    fn to_files_refuses_names_that_leave_the_directory_or_collide() {
        let cm = |name: &str, ns: &str| {
            format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: {ns}\n"
            )
        };
        let cases = [
            (
                format!("{}---\n{}", cm("a", "../../pwn"), cm("b", "prod")),
                "/k/r.yaml:5:14: ",
                "\"../../pwn_v1_configmap_a.yaml\" contains '/'",
            ),
            (cm("'../x'", "prod"), "/k/r.yaml:4:9: ", "contains '/'"),
            (
                format!("{}---\n{}", cm("web", "p"), cm("Web", "p")),
                "/k/r.yaml:4:9: ",
                "would both be written to \"v1_configmap_web.yaml\"",
            ),
        ];
        for (docs, at, want) in cases {
            let err = files_of(&docs).unwrap_err().to_string();
            assert!(err.starts_with(at) && err.contains(want), "{docs}: {err}");
        }
        let ok = files_of(&format!("{}---\n{}", cm("a", "x"), cm("a", "y"))).unwrap();
        let names: Vec<&str> = ok.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["x_v1_configmap_a.yaml", "y_v1_configmap_a.yaml"]);
    }
}
