//! The spine: builds one kustomization directory into a [`ResourceMap`].
//!
//! `Builder::build` is kustomize's `MakeCustomizedResMap` (api/internal/target/kusttarget.go)
//! and `Builder::accumulate` its `accumulateTarget`; together they list every stage in the
//! order kustomize runs it. If you want to know what runs when, read those two functions.
//! This module may use every lower stage; nothing below it imports it.

mod builtins;
mod crds;
mod exec_plugin;
mod generators;
mod helm;
mod ksops;
mod loader;
mod patches;
mod plugins;
mod remote;
mod transformers;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::budget::{Budget, Usage};
use crate::error::{Error, ErrorKind, Location, Result, Stage};
use crate::fs::FileKind;
use crate::kustomization::{Kustomization, KustomizationKind, SortOrder, Spanned};
use crate::resource::{Origin, Resource, ResourceMap};
use crate::sort;
use crate::transform::config::TransformerConfig;
use crate::transform::vars::{self, VarSet};
use crate::warning::{Warning, WarningKind};

pub use helm::{ChartInflater, HelmOptions, TemplateRequest};
pub(crate) use loader::{Loader, ParseCache};

/// How resources are ordered in the output when the kustomization has no `sortOptions`
/// (kustomize's `--reorder` flag).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Reorder {
    /// The legacy order (kustomize's default).
    #[default]
    Legacy,
    /// Keep accumulation order (`--reorder none`).
    None,
}

/// Kustomize's limit on how deeply kustomizations may include each other is effectively the
/// stack; ours is explicit.
const MAX_DEPTH: usize = 200;

/// Resources accumulated so far plus the field specs gathered with them (kustomize's
/// `ResAccumulator`).
#[derive(Clone)]
struct Accumulator {
    resources: ResourceMap,
    config: TransformerConfig,
    vars: VarSet,
    /// How many resources, from the first, [`Builder::note_types_for_openapi`] has seen with
    /// their current types; set back to 0 whenever a transformer runs (it may change a kind
    /// or remove a resource). Generators and bases only append.
    types_noted: usize,
    /// What `config` holds, so that merging the defaults into a config made of nothing but
    /// the defaults can be skipped (a component merges them again into its parent's).
    config_state: ConfigState,
}

/// What an accumulator's [`TransformerConfig`] was made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ConfigState {
    /// Nothing merged yet.
    Empty,
    /// Only the build's default config, merged once or more (merging it again changes
    /// nothing: `TransformerConfig::merged` keeps a spec already present).
    Builtin,
    /// Anything else (`configurations:`, `crds:`).
    Other,
}

impl ConfigState {
    /// Returns the state of a config made by merging one of state `other` into one of
    /// state `self`.
    fn merge(self, other: ConfigState) -> ConfigState {
        match (self, other) {
            (s, ConfigState::Empty) => s,
            (ConfigState::Empty, o) => o,
            (ConfigState::Builtin, ConfigState::Builtin) => ConfigState::Builtin,
            _ => ConfigState::Other,
        }
    }
}

impl Accumulator {
    fn new() -> Accumulator {
        Accumulator {
            resources: ResourceMap::new(),
            config: TransformerConfig::default(),
            vars: VarSet::new(),
            types_noted: 0,
            config_state: ConfigState::Empty,
        }
    }

    /// Merges `config` (made of `state`) into this accumulator's, unless that changes nothing.
    fn merge_config(
        &mut self,
        config: &TransformerConfig,
        state: ConfigState,
    ) -> std::result::Result<(), String> {
        let merged = self.config_state.merge(state);
        let no_op = state == ConfigState::Empty
            || (self.config_state == ConfigState::Builtin && merged == ConfigState::Builtin);
        if !no_op {
            self.config = self.config.merged(config)?;
        }
        self.config_state = merged;
        Ok(())
    }
}

/// A loaded kustomization directory.
struct Target {
    /// The directory, absolute and canonical.
    dir: PathBuf,
    /// The directory relative to the top kustomization (or to the root of its remote
    /// repository), as origins print it.
    origin_path: String,
    /// The remote repository the directory is in: clone URL and ref.
    repo: Option<(String, String)>,
    kustomization: Arc<Kustomization>,
}

impl Target {
    /// Returns `rel` (a path relative to this kustomization) relative to the top one.
    fn origin_of(&self, rel: &str) -> String {
        let joined = Path::new(&self.origin_path).join(rel);
        crate::fs::clean(&joined).to_string_lossy().into_owned()
    }

    /// Returns the origin of a builtin generator or transformer of this kustomization.
    fn builtin_origin(&self, kind: &str) -> Origin {
        let name = self
            .kustomization
            .file
            .path
            .rsplit('/')
            .next()
            .unwrap_or("kustomization.yaml")
            .to_owned();
        self.with_repo(Origin::builtin(self.origin_of(&name), kind))
    }

    /// Returns the origin of a file `rel` of this kustomization.
    fn file_origin(&self, rel: &str) -> Origin {
        self.with_repo(Origin::file(self.origin_of(rel)))
    }

    /// Returns the origin of an `http(s)://` file resource, as kustomize's `Origin.Append`
    /// (api/resource/origin.go) computes it: a URL that parses as a repository names that
    /// repository and ref, and as path the URL's path inside it with its first segment
    /// dropped from `/notCloned/<path>` (the placeholder clone directory of an uncloned
    /// `RepoSpec`): `http://host/org/repo/dir/f.yaml` gives `dir/f.yaml`, and a URL with no
    /// path past the repository gives `notCloned`. Checked with kubectl kustomize against a
    /// local HTTP server (testdata/http-origins). Other URLs are joined to this
    /// kustomization's path, as a file would be.
    fn url_origin(&self, url: &str) -> Origin {
        let Ok(spec) = crate::remote::RepoSpec::parse(url) else {
            return self.file_origin(url);
        };
        let abs = crate::fs::clean(&Path::new("/notCloned").join(&spec.kust_root));
        let abs = abs.to_string_lossy();
        let rest = abs.get(1..).unwrap_or("");
        let path = match rest.find('/') {
            Some(i) => rest.get(i + 1..).unwrap_or(""),
            None => rest,
        };
        Origin {
            path: path.to_owned(),
            repo: spec.clone_spec(),
            git_ref: spec.git_ref.clone(),
            ..Origin::default()
        }
    }

    /// Adds this kustomization's repository to `o` (kustomize's origins name it).
    fn with_repo(&self, mut o: Origin) -> Origin {
        if let Some((repo, git_ref)) = &self.repo {
            o.repo = repo.clone();
            o.git_ref = git_ref.clone();
        }
        o
    }
}

/// What `buildMetadata` of the top kustomization asks for; it applies to the whole build
/// (kusttarget.go copies it into every kustomization it enters).
#[derive(Clone, Copy, Debug, Default)]
struct BuildMetadata {
    /// Track origins at all (any option given).
    track: bool,
    /// `originAnnotations`.
    origin_annotations: bool,
    /// `transformerAnnotations`.
    transformer_annotations: bool,
    /// `managedByLabel`.
    managed_by_label: bool,
}

/// The value kustomize gives `app.kubernetes.io/managed-by`: `kustomize-` and its version,
/// which the kustomize builds this project compares with report as `(devel)`
/// (kustomizer.go; `kubectl kustomize` v5.5 and kustomize v5.6 both print `kustomize-(devel)`).
pub(crate) const MANAGED_BY: &str = "kustomize-(devel)";

/// The result of building the top kustomization.
pub(crate) struct Built {
    /// The resources in output order.
    pub resources: Vec<Resource>,
    /// Warnings, in the order kustomize prints them.
    pub warnings: Vec<Warning>,
    /// What the build used of its budgets.
    pub usage: Usage,
}

/// A base accumulated once and kept for the places that list it again, with what its
/// accumulation did besides its result, so a reuse can repeat it.
struct Accumulated {
    acc: Accumulator,
    /// Warnings its accumulation added.
    warnings: Vec<Warning>,
    /// The distinct directories entered below it, for the cycle check a reuse under another
    /// chain must repeat.
    entered: Vec<PathBuf>,
    /// How many levels below it the deepest of them was, for the depth check.
    deepest: usize,
}

/// Which accumulated bases a build keeps. A diamond of bases (each level listing two
/// directories of the next) is re-entered once per path, 2^depth times; kustomize
/// re-accumulates it each time. A base is a function of its directory, its origin path (when
/// origins are tracked) and the schema state, so its result can be reused: the second entry
/// of a directory accumulates it once more and keeps a copy, and every later entry clones
/// that copy. The first entry keeps nothing, so a base listed once costs no copy; a
/// directory costs at most two accumulations whatever the number of paths to it.
#[derive(Default)]
struct BaseCache {
    /// Bases entered once, not kept.
    seen: std::collections::HashSet<(PathBuf, String)>,
    kept: std::collections::HashMap<(PathBuf, String), Accumulated>,
    /// Every directory entered so far with its depth (chain length), in order; a reused base
    /// adds its distinct directories at its deepest depth.
    entered: Vec<(PathBuf, usize)>,
}

/// Builds kustomizations from one file system.
pub(crate) struct Builder<'a> {
    loader: Loader<'a>,
    reorder: Reorder,
    warnings: Vec<Warning>,
    metadata: BuildMetadata,
    /// kustomize's default field specs, sorted once.
    builtin_config: TransformerConfig,
    /// kyaml's global OpenAPI state, per build (`openapi:`; see `check_openapi`).
    openapi: crate::schema::SchemaState,
    /// The custom schema's scopes, installed for this thread once `openapi:` sets one, until
    /// the build ends.
    custom_scopes: Option<crate::schema::CustomScopes>,
    /// `--enable-managedby-label`.
    managed_by_label: bool,
    /// `--set-*`: edits of the top kustomization for this build.
    overrides: crate::overrides::Overrides,
    /// Bases kept for reuse.
    bases: BaseCache,
    /// How Helm charts are inflated.
    helm: HelmOptions,
    /// Runs external plugins.
    plugins: Option<Arc<dyn crate::plugin::PluginRunner>>,
}

impl<'a> Builder<'a> {
    /// Returns a builder reading from `loader`.
    pub(crate) fn new(loader: Loader<'a>, reorder: Reorder) -> Builder<'a> {
        Builder {
            loader,
            reorder,
            warnings: Vec::new(),
            metadata: BuildMetadata::default(),
            builtin_config: TransformerConfig::builtin(),
            managed_by_label: false,
            overrides: crate::overrides::Overrides::default(),
            openapi: crate::schema::SchemaState::new(),
            custom_scopes: None,
            bases: BaseCache::default(),
            helm: HelmOptions::default(),
            plugins: None,
        }
    }

    /// Runs external plugins with `runner` (`RenderOptions::plugins`).
    pub(crate) fn plugins(
        mut self,
        runner: Option<Arc<dyn crate::plugin::PluginRunner>>,
    ) -> Builder<'a> {
        self.plugins = runner;
        self
    }

    /// Inflates Helm charts with `helm` (`RenderOptions::helm`).
    pub(crate) fn helm(mut self, helm: &HelmOptions) -> Builder<'a> {
        self.helm = helm.clone();
        self
    }

    /// Adds kustomize's managed-by label to every resource (`--enable-managedby-label`).
    pub(crate) fn managed_by_label(mut self, on: bool) -> Builder<'a> {
        self.managed_by_label = on;
        self
    }

    /// Applies `kustomize edit set` transformations to the top kustomization before it is
    /// built (`RenderOptions::overrides`).
    pub(crate) fn overrides(mut self, o: &crate::overrides::Overrides) -> Builder<'a> {
        self.overrides = o.clone();
        self
    }

    /// Builds the kustomization in `dir` (kustomize's `MakeCustomizedResMap` + sorting).
    pub(crate) fn build(mut self, dir: &Path) -> Result<Built> {
        let remote_root = remote::resolve_root(&self.loader, dir)?;
        let dir = self
            .loader
            .confirm_dir(remote_root.as_deref().unwrap_or(dir))?;
        let mut top = self.load_target(&dir)?;
        if !self.overrides.is_empty() {
            // The edited text is read like the file; the parse cache keeps the file as written.
            let file = &top.kustomization.file;
            let text = self.overrides.apply(&file.path, &file.text)?;
            let k = self
                .loader
                .kustomization_from_text(&top.dir, &file.path, text)?;
            top.kustomization = Arc::new(k);
        }
        self.metadata = build_metadata(&top.kustomization)?;
        self.check_openapi(&top, true)?;
        let mut acc = Accumulator::new();
        let mut chain = vec![top.dir.clone()];
        self.accumulate(&top, &mut acc, &mut chain)?;
        // Top level only, after every kustomization has been accumulated.
        let mut resources = acc.resources.into_resources();
        generators::add_hashes(&mut resources)?;
        crate::name_reference::fix(&mut resources, &acc.config.name_reference)?;
        self.resolve_vars(&mut resources, &acc.vars, &acc.config)?;
        resources.retain(|r| !is_local_config(r));
        resources = self.sort(&top, resources)?;
        if self.metadata.managed_by_label || self.managed_by_label {
            let pairs = [(
                "app.kubernetes.io/managed-by".to_owned(),
                MANAGED_BY.to_owned(),
            )];
            let spec = [crate::transform::field_spec::FieldSpec::any(
                "metadata/labels",
                true,
            )];
            for r in &mut resources {
                crate::transform::metadata::apply(r, &pairs, &spec)
                    .map_err(|e| Error::at(ErrorKind::Resource, e.0, r.origin(), r.node().span))?;
            }
        }
        for r in &mut resources {
            write_origins(r, self.metadata);
            strip_build_state(r.node_mut());
        }
        self.warnings.extend(self.loader.take_warnings());
        Ok(Built {
            resources,
            warnings: self.warnings,
            usage: self.loader.usage(),
        })
    }

    /// Accumulates one kustomization into `acc` (kustomize's `accumulateTarget`). For a
    /// component, `acc` already holds the parent's resources.
    fn accumulate(
        &mut self,
        target: &Target,
        acc: &mut Accumulator,
        chain: &mut Vec<PathBuf>,
    ) -> Result<()> {
        let k = &target.kustomization;
        self.loader
            .charge(Budget::Kustomizations, 1)
            .map_err(|e| e.with_file(&k.file))?;
        self.accumulate_resources(target, &k.resources, acc, chain)?;
        self.accumulate_configurations(target, acc)?;
        self.run_generators(target, acc, chain)?;
        self.accumulate_components(target, &k.components, acc, chain)?;
        self.run_builtin_transformers(target, acc)?;
        self.run_transformers(target, acc, chain)?;
        self.run_validators(target, acc, chain)?;
        self.accumulate_vars(target, acc)
    }

    /// Merges kustomize's default field specs plus `configurations:`, then `crds:`, into the
    /// accumulator's config (kusttarget.go accumulateTarget, builtinconfig.MakeTransformerConfig).
    fn accumulate_configurations(&mut self, target: &Target, acc: &mut Accumulator) -> Result<()> {
        let k = &target.kustomization;
        let mut with_configurations = None;
        if !k.configurations.is_empty() {
            let mut loaded = TransformerConfig::default();
            for entry in &k.configurations {
                let mut one = self.loader.load_config(&target.dir, entry, k)?;
                one.sort();
                loaded = loaded
                    .merged(&one)
                    .map_err(|m| k.error_at(ErrorKind::Kustomization, m, entry.span))?;
            }
            with_configurations =
                Some(self.builtin_config.merged(&loaded).map_err(|m| {
                    k.error_at_field(ErrorKind::Kustomization, m, "configurations")
                })?);
        }
        let (tc, state) = match &with_configurations {
            Some(c) => (c, ConfigState::Other),
            None => (&self.builtin_config, ConfigState::Builtin),
        };
        acc.merge_config(tc, state)
            .map_err(|m| k.error_at_field(ErrorKind::Kustomization, m, "configurations"))?;
        for entry in &k.crds {
            let crd = self.loader.load_crds(&target.dir, entry, k)?;
            acc.merge_config(&crd, ConfigState::Other)
                .map_err(|m| k.error_at(ErrorKind::Kustomization, m, entry.span))?;
        }
        Ok(())
    }

    /// Runs the `transformers:` plugin configs, after the builtin ones (kusttarget.go
    /// `runTransformers`).
    fn run_transformers(
        &mut self,
        target: &Target,
        acc: &mut Accumulator,
        chain: &mut Vec<PathBuf>,
    ) -> Result<()> {
        let k = &target.kustomization;
        for config in self.plugin_configs(target, &k.transformers, chain)? {
            acc.types_noted = 0;
            self.run_plugin_transformer(target, &config, &mut acc.resources)?;
            if let Some(origin) = self
                .metadata
                .track
                .then(|| plugin_origin(&config))
                .flatten()
            {
                record_transformation(&mut acc.resources, origin);
            }
        }
        Ok(())
    }

    /// Runs the `validators:` plugin configs. Validators may only look: they run on a copy,
    /// and only their errors count (kusttarget.go `runValidators`).
    fn run_validators(
        &mut self,
        target: &Target,
        acc: &Accumulator,
        chain: &mut Vec<PathBuf>,
    ) -> Result<()> {
        let k = &target.kustomization;
        for config in self.plugin_configs(target, &k.validators, chain)? {
            let mut copy = acc.resources.clone();
            self.run_plugin_transformer(target, &config, &mut copy)?;
            if exec_plugin::is_external(&config) {
                exec_plugin::check_unchanged(&config, &acc.resources, &copy)?;
            }
        }
        Ok(())
    }

    /// Records the `vars:` of `target` with the resources they name (kusttarget.go
    /// `accumulateTarget`, `ra.MergeVars`); they are resolved at the top level.
    fn accumulate_vars(&mut self, target: &Target, acc: &mut Accumulator) -> Result<()> {
        let k = &target.kustomization;
        if let Some(n) = k.field("vars").filter(|n| !n.is_null()) {
            let declared = vars::parse_vars(n, &k.file)?;
            let bindings = acc
                .vars
                .merge_vars(&declared, acc.resources.resources(), &|r| {
                    r.history().prev_ids.clone()
                })?;
            let mut all = std::mem::take(&mut acc.resources).into_resources();
            for b in bindings {
                if let Some(r) = all.get_mut(b.resource) {
                    r.history_mut().ref_var_names.push(b.var);
                }
            }
            acc.resources.replace_all(all).map_err(|r| {
                k.error_at_field(
                    ErrorKind::DuplicateId,
                    format!(
                        "may not add resource with an already registered id: {}",
                        r.id()
                    ),
                    "vars",
                )
            })?;
        }
        Ok(())
    }

    /// Resolves `$(VAR)` references at the top level, after names are final.
    fn resolve_vars(
        &mut self,
        resources: &mut [Resource],
        declared: &VarSet,
        config: &TransformerConfig,
    ) -> Result<()> {
        if declared.is_empty() {
            return Ok(());
        }
        let values =
            vars::resolve_vars(resources, declared, &|r| r.history().ref_var_names.clone())?;
        let specs: Vec<vars::VarRefSpec> = config
            .var_reference
            .iter()
            .map(|s| vars::VarRefSpec {
                group: s.group.clone(),
                version: s.version.clone(),
                kind: s.kind.clone(),
                path: s.path.clone(),
            })
            .collect();
        let loader = &self.loader;
        let unused = vars::substitute_budgeted(resources, &values, &specs, &mut |n| {
            loader.charge(Budget::Nodes, n)
        })?;
        if !unused.is_empty() {
            self.warnings.push(Warning::new(
                WarningKind::UnusedVars,
                format!(
                    "well-defined vars that were never replaced: {}",
                    unused.join(",")
                ),
            ));
        }
        Ok(())
    }

    /// Builds the plugin configs of `transformers:`/`generators:`/`validators:`: inline YAML
    /// entries first, then the paths, loaded like `resources:` (files or kustomizations).
    fn plugin_configs(
        &mut self,
        target: &Target,
        entries: &[Spanned<String>],
        chain: &mut Vec<PathBuf>,
    ) -> Result<Vec<Resource>> {
        let k = &target.kustomization;
        let mut inline = Vec::new();
        let mut paths = Vec::new();
        for e in entries {
            match plugins::inline_configs(&e.value, &k.file) {
                Some(configs) => inline.extend(configs),
                None => paths.push(e.clone()),
            }
        }
        let mut acc = Accumulator::new();
        for mut r in inline {
            if self.metadata.track {
                let file_name = k.file.path.rsplit('/').next().unwrap_or("").to_owned();
                r.history_mut().origin = Some(target.file_origin(&file_name));
            }
            let (origin, span) = (Arc::clone(r.origin()), r.node().span);
            append(&mut acc.resources, r, &|m| {
                Error::at(ErrorKind::DuplicateId, m, &origin, span)
            })?;
        }
        self.accumulate_resources(target, &paths, &mut acc, chain)?;
        Ok(acc.resources.into_resources())
    }

    fn load_target(&mut self, dir: &Path) -> Result<Target> {
        let kustomization = self.loader.load_kustomization(dir)?;
        self.warnings.extend(kustomization.warnings.iter().cloned());
        Ok(Target {
            dir: dir.to_path_buf(),
            origin_path: String::new(),
            repo: None,
            kustomization,
        })
    }

    /// Loads each `resources` entry: a file's documents in order, or a directory built fully
    /// in its own accumulator and then appended.
    fn accumulate_resources(
        &mut self,
        target: &Target,
        entries: &[Spanned<String>],
        acc: &mut Accumulator,
        chain: &mut Vec<PathBuf>,
    ) -> Result<()> {
        let k = &target.kustomization;
        for entry in entries {
            let at = |kind: ErrorKind, msg: String| k.error_at(kind, msg, entry.span);
            let mut path = crate::fs::clean(&target.dir.join(&entry.value));
            let mut kind = self.loader.fs().kind(&path);
            let mut repo = None;
            if kind != FileKind::File {
                match remote::resolve(&self.loader, k, entry, true, Stage::Resources)? {
                    Some(remote::Remote::Resources(resources)) => {
                        for mut r in resources {
                            if self.metadata.track {
                                r.history_mut().origin = Some(target.url_origin(&entry.value));
                            }
                            append(&mut acc.resources, r, &|m| at(ErrorKind::DuplicateId, m))?;
                        }
                        continue;
                    }
                    Some(remote::Remote::Dir(dir, spec)) => {
                        path = dir;
                        kind = FileKind::Dir;
                        repo = Some(spec);
                    }
                    None if kind == FileKind::Dir => {
                        remote::check_containment(&self.loader, k, &target.dir, &path, entry)?;
                    }
                    None => {}
                }
            }
            match kind {
                // A FIFO or device goes to the loader's gate, which refuses it by name.
                FileKind::File | FileKind::Special => {
                    let resources =
                        self.loader
                            .load_resources(&target.dir, &path)
                            .map_err(|e| {
                                e.with_location(Location::new(&k.file, entry.span))
                                    .with_context(format!(
                                        "accumulating resources from '{}'",
                                        entry.value
                                    ))
                            })?;
                    self.loader
                        .charge(Budget::Resources, resources.len() as u64)
                        .map_err(|e| e.with_location(Location::new(&k.file, entry.span)))?;
                    acc.resources.reserve(resources.len());
                    for mut r in resources {
                        if self.metadata.track {
                            r.history_mut().origin = Some(target.file_origin(&entry.value));
                        }
                        append(&mut acc.resources, r, &|m| at(ErrorKind::DuplicateId, m))?;
                    }
                }
                FileKind::Dir => {
                    self.note_types_for_openapi(acc); // openapi: see check_openapi
                    let sub = self
                        .enter(&path, chain, target, entry, repo.as_ref())
                        .map_err(|e| e.in_stage(Stage::Resources))?;
                    if sub.kustomization.kind == KustomizationKind::Component {
                        return Err(at(
                            ErrorKind::Kustomization,
                            format!(
                                "expected kind != 'Component' for path '{}'",
                                sub.dir.display()
                            ),
                        )
                        .in_stage(Stage::Resources));
                    }
                    let mut sub_acc = self
                        .accumulate_base(&sub, chain, entry, k)
                        .map_err(|e| e.with_context(format!("in '{}'", entry.value)))?;
                    chain.pop();
                    acc.merge_config(&sub_acc.config, sub_acc.config_state)
                        .map_err(|m| at(ErrorKind::Kustomization, m))?;
                    acc.vars
                        .merge_set(std::mem::take(&mut sub_acc.vars))
                        .map_err(|e| e.with_location(Location::new(&k.file, entry.span)))?;
                    for r in sub_acc.resources.into_resources() {
                        append(&mut acc.resources, r, &|m| at(ErrorKind::DuplicateId, m))?;
                    }
                }
                FileKind::Absent => {
                    return Err(at(
                        ErrorKind::Io,
                        format!(
                            "accumulating resources from '{}': '{}' doesn't exist: no such file or directory",
                            entry.value,
                            path.display()
                        ),
                    ).in_stage(Stage::Resources));
                }
            }
        }
        Ok(())
    }

    /// Accumulates base `sub` (just entered: last on `chain`) in an accumulator of its own,
    /// or clones the one kept from an earlier entry of the same directory ([`BaseCache`]).
    fn accumulate_base(
        &mut self,
        sub: &Target,
        chain: &mut Vec<PathBuf>,
        entry: &Spanned<String>,
        parent: &Kustomization,
    ) -> Result<Accumulator> {
        let key = (
            sub.dir.clone(),
            if self.metadata.track {
                sub.origin_path.clone()
            } else {
                String::new()
            },
        );
        let depth = chain.len();
        let reusable = self.openapi.is_unset();
        if let Some(kept) = self.bases.kept.get(&key).filter(|_| reusable) {
            // What the accumulation would have checked under this chain: no directory below
            // contains one being built, and nothing nests too deep.
            if depth + kept.deepest > MAX_DEPTH {
                return Err(parent.error_at(
                    ErrorKind::Limit,
                    format!("kustomizations nest deeper than {MAX_DEPTH} levels"),
                    entry.span,
                ));
            }
            for dir in &kept.entered {
                if let Some(visited) = chain.iter().find(|v| v.starts_with(dir)) {
                    return Err(parent.error_at(
                        ErrorKind::Cycle,
                        format!(
                            "cycle detected: candidate root '{}' contains visited root '{}'",
                            dir.display(),
                            visited.display()
                        ),
                        entry.span,
                    ));
                }
            }
            let acc = kept.acc.clone();
            self.warnings.extend(kept.warnings.iter().cloned());
            let deepest = depth + kept.deepest;
            let entered = kept.entered.iter().map(|d| (d.clone(), deepest));
            self.bases.entered.extend(entered);
            self.loader
                .charge(Budget::Resources, acc.resources.len() as u64)
                .map_err(|e| e.with_location(Location::new(&parent.file, entry.span)))?;
            return Ok(acc);
        }
        let keep = reusable && !self.bases.seen.insert(key.clone());
        let warnings_before = self.warnings.len();
        let entered_before = self.bases.entered.len();
        let mut acc = Accumulator::new();
        self.accumulate(sub, &mut acc, chain)?;
        if keep && self.openapi.is_unset() {
            let below = self.bases.entered.get(entered_before..).unwrap_or_default();
            let mut entered: Vec<PathBuf> = below.iter().map(|(d, _)| d.clone()).collect();
            entered.sort_unstable();
            entered.dedup();
            let kept = Accumulated {
                acc: acc.clone(),
                warnings: self
                    .warnings
                    .get(warnings_before..)
                    .unwrap_or_default()
                    .to_vec(),
                entered,
                deepest: below
                    .iter()
                    .map(|(_, at)| at.saturating_sub(depth))
                    .max()
                    .unwrap_or(0),
            };
            self.bases.kept.insert(key, kept);
        }
        Ok(acc)
    }

    /// Runs each component on the same accumulator, after this kustomization's resources and
    /// generators and before its transformers.
    fn accumulate_components(
        &mut self,
        target: &Target,
        entries: &[Spanned<String>],
        acc: &mut Accumulator,
        chain: &mut Vec<PathBuf>,
    ) -> Result<()> {
        let k = &target.kustomization;
        for entry in entries {
            let at = |kind: ErrorKind, msg: String| k.error_at(kind, msg, entry.span);
            let mut path = crate::fs::clean(&target.dir.join(&entry.value));
            let mut kind = self.loader.fs().kind(&path);
            let mut repo = None;
            match remote::resolve(&self.loader, k, entry, false, Stage::Components)? {
                Some(remote::Remote::Dir(dir, spec)) => {
                    path = dir;
                    kind = FileKind::Dir;
                    repo = Some(spec);
                }
                Some(remote::Remote::Resources(_)) => {}
                None if kind == FileKind::Dir => {
                    remote::check_containment(&self.loader, k, &target.dir, &path, entry)?;
                }
                None => {}
            }
            match kind {
                FileKind::Dir => {}
                FileKind::File | FileKind::Special => {
                    return Err(at(
                        ErrorKind::Kustomization,
                        format!(
                            "must build at directory: '{}': file is not directory",
                            path.display()
                        ),
                    )
                    .in_stage(Stage::Components));
                }
                FileKind::Absent => {
                    return Err(at(
                        ErrorKind::Io,
                        format!(
                            "must build at directory: '{}' doesn't exist",
                            path.display()
                        ),
                    )
                    .in_stage(Stage::Components));
                }
            }
            self.note_types_for_openapi(acc); // openapi: see check_openapi
            let sub = self
                .enter(&path, chain, target, entry, repo.as_ref())
                .map_err(|e| e.in_stage(Stage::Components))?;
            if sub.kustomization.kind != KustomizationKind::Component {
                return Err(at(
                    ErrorKind::Kustomization,
                    format!(
                        "accumulateDirectory: \"expected kind 'Component' for path '{}' but got 'Kustomization'\"",
                        sub.dir.display()
                    ),
                ).in_stage(Stage::Components));
            }
            self.accumulate(&sub, acc, chain)
                .map_err(|e| e.with_context(format!("in component '{}'", entry.value)))?;
            chain.pop();
        }
        Ok(())
    }

    /// Loads the kustomization of a sub-directory and pushes it on the chain, rejecting a
    /// directory that contains one already being built (loader/fileloader.go
    /// `errIfArgEqualOrHigher`).
    fn enter(
        &mut self,
        path: &Path,
        chain: &mut Vec<PathBuf>,
        parent: &Target,
        entry: &Spanned<String>,
        remote: Option<&crate::remote::RepoSpec>,
    ) -> Result<Target> {
        let k = &parent.kustomization;
        let dir = self
            .loader
            .confirm_dir(path)
            .map_err(|e| e.with_location(Location::new(&k.file, entry.span)))?;
        if let Some(visited) = chain.iter().find(|v| v.starts_with(&dir)) {
            let trail: Vec<String> = chain.iter().map(|p| p.display().to_string()).collect();
            return Err(k.error_at(
                ErrorKind::Cycle,
                format!(
                    "cycle detected: candidate root '{}' contains visited root '{}' (chain: {} -> {})",
                    dir.display(),
                    visited.display(),
                    trail.join(" -> "),
                    dir.display()
                ),
                entry.span,
            ));
        }
        if chain.len() >= MAX_DEPTH {
            return Err(k.error_at(
                ErrorKind::Limit,
                format!("kustomizations nest deeper than {MAX_DEPTH} levels"),
                entry.span,
            ));
        }
        let mut sub = self.load_target(&dir)?;
        self.check_openapi(&sub, false)?; // openapi: a base's or component's
        match remote {
            // kustomize's origin inside a repository: the path from its root, the repository
            // and the ref (resource.Origin; kusttarget.go accumulateDirectory).
            Some(spec) => {
                sub.origin_path = spec.kust_root.trim_end_matches('/').to_owned();
                sub.repo = Some((spec.clone_spec(), spec.git_ref.clone()));
            }
            None => {
                sub.origin_path = parent.origin_of(&entry.value);
                sub.repo = parent.repo.clone();
            }
        }
        chain.push(dir.clone());
        self.bases.entered.push((dir, chain.len()));
        Ok(sub)
    }

    // ----- openapi: (the schema strategic merges use; see crate::schema::SchemaState) -----

    /// Reads `openapi:` of `target` into the build's schema state, as kustomize does when it
    /// enters a kustomization: api/krusty/kustomizer.go `Run` for the top one (`top`, which
    /// always applies: `SetSchema(.., true)`), api/internal/target/kusttarget.go
    /// `accumulateDirectory` for each base and component before building it (applies only if
    /// no schema is set yet). Either way the `path` file is loaded first, so a missing file is
    /// an error even where the field is then ignored.
    ///
    /// A custom schema, once set, also decides the scope of types kyaml's precomputed table
    /// lacks (its `paths`; see `crate::schema::is_cluster_scoped`) for the rest of the build.
    fn check_openapi(&mut self, target: &Target, top: bool) -> Result<()> {
        let k = &target.kustomization;
        let Some(m) = k.field("openapi").and_then(|n| n.as_mapping()) else {
            return Ok(());
        };
        // `openapi` is a `map[string]string`: a key given as null is there, with "".
        let text = |name: &str| -> Result<Option<Spanned<String>>> {
            match m.get(name) {
                None => Ok(None),
                Some(n) if n.is_null() => Ok(Some(Spanned {
                    value: String::new(),
                    span: n.span,
                })),
                // YAML 1.1 typing into a Go string: `path: 1` or `version: yes` fail.
                Some(n) => match n.as_scalar().map(crate::kustomization::json_scalar) {
                    Some(crate::kustomization::JsonScalar::String) => {
                        crate::kustomization::opt_string(&k.file, m, name)
                    }
                    _ => Err(crate::kustomization::invalid(
                        &k.file,
                        crate::kustomization::unmarshal_message(
                            crate::kustomization::json_type(n),
                            "Kustomization.openapi",
                            "string",
                        ),
                        n.span,
                    )),
                },
            }
        };
        let path = text("path")?;
        let version = text("version")?;
        let file = match &path {
            Some(p) => {
                let file = crate::fs::clean(&target.dir.join(&p.value));
                Some(
                    self.loader
                        .load_restricted(&target.dir, &file)
                        .map_err(|e| e.with_location(Location::new(&k.file, p.span)))?,
                )
            }
            None => None,
        };
        let field = crate::schema::OpenApiField {
            version: version.as_ref().map(|v| v.value.as_str()),
            schema: file.as_ref(),
        };
        self.openapi.set_schema(field, top).map_err(|e| match e {
            crate::schema::SetSchemaError::Invalid(e) => e,
            other => match &version {
                Some(v) => k.error_at(ErrorKind::Kustomization, other.to_string(), v.span),
                None => k.error_at_field(ErrorKind::Kustomization, other.to_string(), "openapi"),
            },
        })?;
        if self.custom_scopes.is_none()
            && let Some(custom) = self.openapi.custom_schema()
        {
            self.custom_scopes = Some(crate::schema::CustomScopes::install(Arc::clone(custom)));
        }
        Ok(())
    }

    /// Tells the schema state the types of the resources accumulated so far, before a
    /// kustomization is entered: kustomize makes an id for each resource it loads, and an id of
    /// a type outside kyaml's precomputed scope table delays a parse of the built-in schema,
    /// which decides whether a custom schema a later base brings replaces the built-in one
    /// (`SchemaState`; reference smp-examples/05). Scanning the parent's resources at every
    /// entry covers all earlier ones: each is in some ancestor's accumulator by then. Only the
    /// resources added since the last scan of `acc` are looked at (unless a transformer ran
    /// in between), so a kustomization listing 10k components scans each resource once, not
    /// once per component.
    fn note_types_for_openapi(&mut self, acc: &mut Accumulator) {
        let all = acc.resources.resources();
        let new = all.get(acc.types_noted..).unwrap_or(all);
        for r in new {
            if !self.openapi.wants_types() {
                return;
            }
            let gvk = &r.id().gvk;
            self.openapi.note_type(&gvk.api_version(), &gvk.kind);
        }
        acc.types_noted = all.len();
    }

    // ----- end of openapi: -----

    /// Applies the top kustomization's `sortOptions`, else the `--reorder` choice.
    fn sort(&mut self, top: &Target, resources: Vec<Resource>) -> Result<Vec<Resource>> {
        let order = top.kustomization.sort_options()?;
        Ok(match order.map(|s| s.value) {
            Some(SortOrder::Fifo) => resources,
            Some(SortOrder::Legacy {
                order_first,
                order_last,
            }) => sort::sort_legacy(resources, order_first.as_deref(), order_last.as_deref()),
            None => match self.reorder {
                Reorder::Legacy => sort::sort_legacy(resources, None, None),
                Reorder::None => resources,
            },
        })
    }
}

/// Reads the top kustomization's `buildMetadata`.
fn build_metadata(k: &Kustomization) -> Result<BuildMetadata> {
    let mut m = BuildMetadata::default();
    for opt in &k.build_metadata {
        match opt.value.as_str() {
            "originAnnotations" => m.origin_annotations = true,
            "transformerAnnotations" => m.transformer_annotations = true,
            "managedByLabel" => m.managed_by_label = true,
            // kustomize looks the three options up and ignores anything else
            // (kusttarget.go); any entry at all still turns origin tracking on.
            _ => {}
        }
        m.track = true;
    }
    Ok(m)
}

/// Records that a transformer ran over every resource of `acc`; a resource without an
/// origin is taken to have been made by it (resWrangler `AddTransformerAnnotation`).
fn record_transformation(acc: &mut ResourceMap, origin: Origin) {
    for r in acc.iter_mut() {
        let h = r.history_mut();
        if h.origin.is_none() {
            h.origin = Some(origin.clone());
        } else {
            h.transformations.push(origin.clone());
        }
    }
}

/// The origin of a transformer or generator configured by a plugin config resource
/// (resource.go `OriginFromCustomPlugin`).
fn plugin_origin(config: &Resource) -> Option<Origin> {
    let from = config.history().origin.as_ref()?;
    let id = config.id();
    Some(Origin {
        path: String::new(),
        repo: from.repo.clone(),
        git_ref: from.git_ref.clone(),
        configured_in: from.path.clone(),
        configured_by: Some([
            id.gvk.api_version(),
            id.gvk.kind.clone(),
            id.name.clone(),
            id.namespace.clone(),
        ]),
    })
}

/// Writes the tracked origins into annotations as `buildMetadata` asks.
fn write_origins(r: &mut Resource, m: BuildMetadata) {
    let mut notes = r.history().origin_annotations();
    notes.retain(|(key, _)| match *key {
        crate::resource::ORIGIN_ANNOTATION => m.origin_annotations,
        _ => m.transformer_annotations,
    });
    if notes.is_empty() {
        return;
    }
    let Some(root) = r.node_mut().as_mapping_mut() else {
        return;
    };
    if root
        .get("metadata")
        .is_none_or(|m| m.as_mapping().is_none())
    {
        root.insert(
            "metadata",
            crate::yaml::Node::mapping(crate::yaml::Mapping::new()),
        );
    }
    let Some(meta) = root.get_mut("metadata").and_then(|m| m.as_mapping_mut()) else {
        return;
    };
    if meta
        .get("annotations")
        .is_none_or(|a| a.as_mapping().is_none())
    {
        meta.insert(
            "annotations",
            crate::yaml::Node::mapping(crate::yaml::Mapping::new()),
        );
    }
    if let Some(ann) = meta.get_mut("annotations").and_then(|a| a.as_mapping_mut()) {
        for (k, v) in notes {
            ann.insert(k, crate::yaml::Node::string(v));
        }
    }
}

/// The annotation that keeps an object out of the output (kustomize's
/// `IgnoredByKustomizeAnnotation`); any value but `false` counts.
const LOCAL_CONFIG: &str = "config.kubernetes.io/local-config";

fn is_local_config(r: &Resource) -> bool {
    r.annotation(LOCAL_CONFIG).is_some_and(|v| v != "false")
}

/// Leaves the document as kustomize prints it once its build annotations are cleared: an
/// empty or null `metadata.annotations` is removed, and a document without `metadata` gets
/// an empty one (kyaml's annotation clearing creates it; fixture list-without-items).
fn strip_build_state(node: &mut crate::yaml::Node) {
    let Some(m) = node.as_mapping_mut() else {
        return;
    };
    match m.get_mut("metadata") {
        None => m.insert(
            "metadata",
            crate::yaml::Node::mapping(crate::yaml::Mapping::new()),
        ),
        Some(meta) => {
            if let Some(mm) = meta.as_mapping_mut() {
                let empty = mm
                    .get("annotations")
                    .is_some_and(|a| a.is_null() || a.as_mapping().is_some_and(|am| am.is_empty()));
                if empty {
                    mm.remove("annotations");
                } else if let Some(ann) = mm.get_mut("annotations").and_then(|a| a.as_mapping_mut())
                {
                    // Clearing build annotations rewrites the rest through a string map
                    // (resource.go RemoveBuildAnnotations), so every value prints as the
                    // string of its text: `8080` as "8080", `~` as "~".
                    for e in &mut ann.entries {
                        if let Some(text) = e.value.as_str().map(str::to_owned) {
                            e.value = crate::yaml::Node::string(text);
                        }
                    }
                }
            }
        }
    }
}

/// Appends `r` to `acc`, with kustomize's duplicate-id error.
fn append(acc: &mut ResourceMap, r: Resource, err: &dyn Fn(String) -> Error) -> Result<()> {
    acc.append(r).map_err(|r| {
        err(format!(
            "may not add resource with an already registered id: {}",
            r.id()
        ))
    })
}
