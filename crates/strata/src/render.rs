//! The public entry point: [`Renderer`] builds kustomization directories into [`Rendered`]
//! output, byte-identical to `kustomize build`.

use std::io;
use std::path::Path;

use crate::build::{Builder, Loader, ParseCache, Reorder};
use crate::error::{Error, ErrorKind, Location, Result};
use crate::fs::{DiskFs, FileSystem, LoadRestrictor};
use crate::overrides::Overrides;
use crate::resource::{ResId, Resource};
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
    /// Label every resource `app.kubernetes.io/managed-by` (`--enable-managedby-label`).
    pub managed_by_label: bool,
    /// `kustomize edit set` transformations applied to the top kustomization for this render
    /// only (`--set-image`, `--set-replicas`, `--set-namespace`).
    pub overrides: Overrides,
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
    pub fn render(&self, fs: &dyn FileSystem, root: impl AsRef<Path>) -> Result<Rendered> {
        self.render_cached(fs, root.as_ref(), &ParseCache::new())
    }

    /// Renders many kustomization directories of `fs`, in parallel on up to `threads`
    /// threads (0: one per core), each file read and parsed once however many overlays share
    /// it. Results come back in the order of `roots`, whatever the thread count.
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
                        if let Ok(mut slots) = results.lock() {
                            if let Some(slot) = slots.get_mut(i) {
                                *slot = Some(r);
                            }
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
        let loader = Loader::new(fs, self.options.load_restrictor, self.options.limits, cache)
            .sops(self.options.decrypt.clone())
            .keep_encrypted(self.options.keep_encrypted);
        let built = Builder::new(loader, self.options.reorder)
            .managed_by_label(self.options.managed_by_label)
            .overrides(&self.options.overrides)
            .build(root)?;
        Ok(Rendered {
            resources: built.resources,
            warnings: built.warnings,
        })
    }
}

/// Renders the kustomization in `path` on disk with default options.
pub fn render_dir(path: impl AsRef<Path>) -> Result<Rendered> {
    Renderer::default().render(&DiskFs, path)
}

/// The output of one render: resources in output order plus warnings. `Default` is an empty
/// render (no resources), e.g. for a directory that exists on one side of a diff only.
#[derive(Clone, Debug, Default)]
pub struct Rendered {
    resources: Vec<Resource>,
    warnings: Vec<String>,
}

impl Rendered {
    /// Returns the resources in output order.
    pub fn resources(&self) -> &[Resource] {
        &self.resources
    }

    /// Returns the warnings kustomize would print on stderr (deprecations and such).
    pub fn warnings(&self) -> &[String] {
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
    pub fn write_yaml(&self, w: &mut dyn io::Write) -> Result<()> {
        let text = self.to_yaml()?;
        w.write_all(text.as_bytes())
            .map_err(|e| Error::new(ErrorKind::Io, format!("writing output: {e}")))
    }

    /// Returns each resource printed on its own, with the file name `kustomize build -o DIR`
    /// gives it (see [`output_file_name`]); namespaced resources get a `namespace_` prefix
    /// when they span more than one namespace (kustomize/commands/build/writer.go).
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
            out.push((name, text));
        }
        Ok(out)
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
pub fn output_file_name(id: &ResId) -> String {
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
