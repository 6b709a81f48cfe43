//! The generators: one typed config per builtin generator, built alike from a
//! kustomization's fields or from a `generators:` plugin config, one table ([`GENERATORS`])
//! from kind to constructors, and `run_generators` in kustomize's order
//! (api/internal/target/kusttarget.go `runGenerators`; kusttarget_configplugin.go
//! `configureBuiltinGenerators` configures every builtin generator before any runs). Also
//! naming generated objects after their content at the top level.
//!
//! Placement follows api/resmap/reswrangler.go `appendReplaceOrMerge`: a new object is
//! appended; `merge`/`replace` edit the one object whose current or previous id matches.

use std::path::{Path, PathBuf};

use crate::error::{Error, ErrorKind, Location, Result};
use crate::generate::{
    self, Behavior, Generated, GeneratorArgs, GeneratorKind, GeneratorOptions, KvFiles,
};
use crate::kustomization::Kustomization;
use crate::resource::{Origin, Resource, ResourceMap};
use crate::yaml::{Mapping, Node};

use super::helm::{self, ChartEntry};
use super::loader::Loader;
use super::plugins::{require_builtin, unknown_builtin};
use super::{Accumulator, Builder, Target, exec_plugin, ksops};
use crate::budget::{Budget, count_nodes};

/// One generator, configured.
pub(super) enum Generator {
    /// `configMapGenerator`/`secretGenerator` entries, `ConfigMapGenerator`/`SecretGenerator`
    /// plugins; the kustomization's `generatorOptions` for a field entry.
    Object(GeneratorArgs, Option<GeneratorOptions>),
    /// `helmCharts` (and the deprecated `helmChartInflationGenerator`),
    /// `HelmChartInflationGenerator`.
    Helm(Vec<ChartEntry>),
    /// `IAMPolicyGenerator`: the ServiceAccount it makes.
    IamPolicy(Box<Resource>),
    /// A KSOPS generator config (decrypting).
    Ksops(Resource),
    /// An exec or KRM function plugin.
    Exec(Resource),
}

/// A row of the table: a builtin generator's kind and how it is built.
pub(super) struct BuiltinGenerator {
    /// kustomize's plugin kind, as `generators:` configs and origins name it.
    kind: &'static str,
    /// Builds the instances a kustomization's fields configure, if the kind has fields.
    from_fields: Option<FromFields>,
    /// Builds the instance a plugin config of this kind configures.
    from_plugin: fn(&Resource) -> Result<Vec<Generator>>,
}

type FromFields = fn(&Kustomization) -> Result<Vec<Generator>>;

/// Every builtin generator; those with fields in kustomize's order of running them.
pub(super) const GENERATORS: &[BuiltinGenerator] = &[
    BuiltinGenerator {
        kind: "ConfigMapGenerator",
        from_fields: Some(|k| object_fields(k, GeneratorKind::ConfigMap, "configMapGenerator")),
        from_plugin: |c| object_plugin(c, GeneratorKind::ConfigMap),
    },
    BuiltinGenerator {
        kind: "SecretGenerator",
        from_fields: Some(|k| object_fields(k, GeneratorKind::Secret, "secretGenerator")),
        from_plugin: |c| object_plugin(c, GeneratorKind::Secret),
    },
    BuiltinGenerator {
        kind: "HelmChartInflationGenerator",
        from_fields: Some(|k| {
            let charts = helm::kustomization_charts(k)?;
            Ok(if charts.is_empty() {
                Vec::new()
            } else {
                vec![Generator::Helm(charts)]
            })
        }),
        from_plugin: |c| Ok(vec![Generator::Helm(vec![helm::plugin_chart(c)?])]),
    },
    BuiltinGenerator {
        kind: "IAMPolicyGenerator",
        from_fields: None,
        from_plugin: iam_policy,
    },
];

impl Builder<'_> {
    /// Runs the generators of `target`'s fields, then its `generators:` plugin configs
    /// (kusttarget.go `runGenerators`).
    pub(super) fn run_generators(
        &mut self,
        target: &Target,
        acc: &mut Accumulator,
        chain: &mut Vec<PathBuf>,
    ) -> Result<()> {
        let k = &target.kustomization;
        let mut configured = Vec::new();
        for b in GENERATORS {
            if let Some(from_fields) = b.from_fields {
                configured.extend(from_fields(k)?);
            }
        }
        for g in configured {
            let origin = self.metadata.track.then(|| target.builtin_origin(g.kind()));
            g.run(self, target, &mut acc.resources, origin)?;
        }
        for config in self.plugin_configs(target, &k.generators, chain)? {
            let origin = self
                .metadata
                .track
                .then(|| super::plugin_origin(&config))
                .flatten();
            for g in self.plugin_generator(config)? {
                g.run(self, target, &mut acc.resources, origin.clone())?;
            }
        }
        Ok(())
    }

    /// Builds the generators a plugin config configures: KSOPS (unless the build keeps
    /// secrets encrypted), an external plugin, or the builtin its kind names.
    fn plugin_generator(&self, config: Resource) -> Result<Vec<Generator>> {
        if ksops::is_config(&config) && !self.loader.keeps_encrypted() {
            return Ok(vec![Generator::Ksops(config)]);
        }
        if exec_plugin::is_external(&config) {
            return Ok(vec![Generator::Exec(config)]);
        }
        require_builtin(&config)?;
        let kind = config.id().gvk.kind.as_str();
        match GENERATORS.iter().find(|b| b.kind == kind) {
            Some(b) => (b.from_plugin)(&config),
            None => Err(unknown_builtin(&config, kind)),
        }
    }
}

impl Generator {
    /// Returns kustomize's plugin kind of the generator, as origins print it.
    fn kind(&self) -> &'static str {
        match self {
            Generator::Object(args, _) => match args.kind {
                GeneratorKind::ConfigMap => "ConfigMapGenerator",
                GeneratorKind::Secret => "SecretGenerator",
            },
            Generator::Helm(_) => "HelmChartInflationGenerator",
            Generator::IamPolicy(_) => "IAMPolicyGenerator",
            Generator::Ksops(_) | Generator::Exec(_) => "",
        }
    }

    /// Generates into `acc`; `origin` is recorded on what is made.
    fn run(
        self,
        b: &Builder<'_>,
        target: &Target,
        acc: &mut ResourceMap,
        origin: Option<Origin>,
    ) -> Result<()> {
        let (loader, dir) = (&b.loader, target.dir.as_path());
        match self {
            Generator::Object(args, global) => {
                let files = DirFiles { loader, root: dir };
                run(&args, global.as_ref(), &files, acc, origin)
            }
            Generator::Helm(charts) => helm::inflate_all(charts, loader, dir, &b.helm, acc, origin),
            Generator::IamPolicy(r) => {
                let (file, span) = (r.origin().clone(), r.node().span);
                let mut r = *r;
                r.history_mut().origin = origin;
                acc.append(r).map_err(|r| {
                    Error::at(
                        ErrorKind::DuplicateId,
                        format!(
                            "may not add resource with an already registered id: {}",
                            r.id()
                        ),
                        &file,
                        span,
                    )
                })
            }
            Generator::Ksops(config) => ksops::generate(&config, loader, dir, acc, origin),
            Generator::Exec(config) => {
                exec_plugin::generate(&config, loader, b.plugins.as_deref(), dir, acc, origin)
            }
        }
    }
}

/// The entries of `configMapGenerator` or `secretGenerator`, with `generatorOptions`.
fn object_fields(k: &Kustomization, kind: GeneratorKind, name: &str) -> Result<Vec<Generator>> {
    let global = GeneratorOptions::from_kustomization(&k.file, k.field("generatorOptions"))?;
    Ok(generate::read_generators(&k.file, kind, k.field(name))?
        .into_iter()
        .map(|args| Generator::Object(args, global.clone()))
        .collect())
}

/// A `ConfigMapGenerator`/`SecretGenerator` plugin config: the generator args inline, with
/// name and namespace under `metadata` (api/internal/builtins/ConfigMapGenerator.go).
fn object_plugin(config: &Resource, kind: GeneratorKind) -> Result<Vec<Generator>> {
    let Some(m) = config.node().as_mapping() else {
        return Ok(Vec::new());
    };
    // The plugin reads its config leniently (yaml.Unmarshal): fields of the generator args
    // count, anything else (say a top-level `labels:`) is ignored; `metadata.name` and
    // `.namespace` fill in only what the args leave empty.
    let mut args = Mapping::new();
    for e in &m.entries {
        if e.key
            .as_str()
            .is_some_and(|k| generate::ARG_FIELDS.contains(&k))
        {
            args.entries.push(e.clone());
        }
    }
    if let Some(meta) = m.get("metadata").and_then(Node::as_mapping) {
        for k in ["name", "namespace"] {
            let unset = args
                .get(k)
                .is_none_or(|v| v.as_str().is_none_or(str::is_empty));
            if let (true, Some(v)) = (unset, meta.get(k)) {
                args.insert(k, v.clone());
            }
        }
    }
    let mut node = Node::mapping(args);
    node.span = config.node().span;
    let args = GeneratorArgs::from_node(config.origin(), kind, &node)?;
    Ok(vec![Generator::Object(args, None)])
}

/// The IAMPolicyGenerator: a ServiceAccount annotated with its GKE service account
/// (api/filters/iampolicygenerator/iampolicygenerator.go).
fn iam_policy(config: &Resource) -> Result<Vec<Generator>> {
    let file = config.origin();
    let node = config.node();
    let get = |path: &[&str]| node.get_str(path).unwrap_or("").to_owned();
    let cloud = get(&["cloud"]);
    if cloud != "gke" {
        return Err(Error::at(
            ErrorKind::Unsupported,
            format!("cloud provider {cloud} not supported yet"),
            file,
            node.span,
        ));
    }
    let mut annotations = Mapping::new();
    annotations.insert(
        "iam.gke.io/gcp-service-account",
        Node::string(format!(
            "{}@{}.iam.gserviceaccount.com",
            get(&["serviceAccount", "name"]),
            get(&["serviceAccount", "projectId"])
        )),
    );
    let mut meta = Mapping::new();
    meta.insert("annotations", Node::mapping(annotations));
    meta.insert("name", Node::string(get(&["kubernetesService", "name"])));
    let ns = get(&["kubernetesService", "namespace"]);
    if !ns.is_empty() {
        meta.insert("namespace", Node::string(ns));
    }
    let mut root = Mapping::new();
    root.insert("apiVersion", Node::string("v1"));
    root.insert("kind", Node::string("ServiceAccount"));
    root.insert("metadata", Node::mapping(meta));
    let mut sa = Node::mapping(root);
    sa.span = node.span;
    let r = Resource::from_node(sa, file)?;
    Ok(vec![Generator::IamPolicy(Box::new(r))])
}

/// Reads generator files relative to a kustomization directory, under the load restrictor.
pub(super) struct DirFiles<'l, 'a> {
    /// The loader.
    pub loader: &'l Loader<'a>,
    /// The kustomization directory (canonical).
    pub root: &'l Path,
}

impl KvFiles for DirFiles<'_, '_> {
    fn read(&self, path: &str) -> Result<Vec<u8>> {
        let p = crate::fs::clean(&self.root.join(path));
        let bytes = self.loader.read_restricted_bytes(self.root, &p)?;
        // A SOPS source is hashed as its plaintext, so the name suffix changes only when
        // the secret does.
        Ok(match self.loader.decrypt_source(path, &bytes)? {
            Some(plain) => plain,
            None => bytes,
        })
    }
}

/// Generates the object for `args` and places it in `acc`. `origin` is recorded on a new
/// object; a merged one keeps its own.
pub(super) fn run(
    args: &GeneratorArgs,
    global: Option<&generate::GeneratorOptions>,
    files: &DirFiles<'_, '_>,
    acc: &mut ResourceMap,
    origin: Option<Origin>,
) -> Result<()> {
    let mut g = generate::generate(args, global, files)?;
    g.node.span = args.span;
    let at = |e: Error| e.with_location(Location::new(&args.file, args.span));
    files
        .loader
        .charge(Budget::Nodes, count_nodes(&g.node))
        .map_err(at)?;
    files.loader.charge(Budget::Resources, 1).map_err(at)?;
    absorb(acc, g, args, origin)
}

fn absorb(
    acc: &mut ResourceMap,
    g: Generated,
    args: &GeneratorArgs,
    origin: Option<Origin>,
) -> Result<()> {
    let mut r = Resource::from_node(g.node.clone(), &args.file)?;
    r.history_mut().origin = origin;
    let at = |e: Error| match e.location() {
        Some(_) => e,
        None => Error::at(e.kind(), e.message(), &args.file, args.span),
    };
    place(acc, r, &g, &at)
}

/// Places generated object `r` (`g` its behavior and hash) in `acc` as kustomize's
/// `appendReplaceOrMerge` does: appended if no object has its current or a previous id,
/// else merged into or replacing that one. `at` locates errors. Exec generators use it too.
pub(super) fn place(
    acc: &mut ResourceMap,
    mut r: Resource,
    g: &Generated,
    at: &dyn Fn(Error) -> Error,
) -> Result<()> {
    let id = r.id().clone();
    let matches: Vec<usize> = acc
        .resources()
        .iter()
        .enumerate()
        .filter(|(_, x)| x.id().equals(&id) || x.history().prev_ids.iter().any(|p| p.equals(&id)))
        .map(|(i, _)| i)
        .collect();
    let err = |msg: String| at(Error::new(ErrorKind::Kustomization, msg));
    match matches.as_slice() {
        [] => {
            if g.behavior.edits_existing() {
                return Err(err(format!(
                    "id {} does not exist; cannot merge or replace",
                    r.id()
                )));
            }
            r.history_mut().needs_hash = g.hash;
            r.history_mut().generator_behavior = Some(g.behavior.as_str());
            acc.append(r).map_err(|r| {
                err(format!(
                    "may not add resource with an already registered id: {}",
                    r.id()
                ))
            })
        }
        [i] => {
            if !g.behavior.edits_existing() {
                return Err(err(format!(
                    "id {} exists; behavior must be merge or replace",
                    r.id()
                )));
            }
            let i = *i;
            let mut all = std::mem::take(acc).into_resources();
            let result = match all.get_mut(i) {
                Some(existing) => {
                    let wants = existing.history().needs_hash;
                    let hash = generate::merge_generated(existing.node_mut(), wants, g).map_err(at);
                    match hash {
                        Ok(hash) => {
                            existing.history_mut().needs_hash = hash;
                            // merge keeps the base object's origin; replace takes the
                            // generator's (reswrangler.go appendReplaceOrMerge).
                            if g.behavior == Behavior::Replace && r.history().origin.is_some() {
                                existing.history_mut().origin = r.history().origin.clone();
                            }
                            existing.refresh_id();
                            Ok(())
                        }
                        Err(e) => Err(e),
                    }
                }
                None => Ok(()),
            };
            acc.replace_all(all).map_err(|r| {
                err(format!(
                    "may not add resource with an already registered id: {}",
                    r.id()
                ))
            })?;
            result
        }
        many => {
            let ids: Vec<String> = many
                .iter()
                .filter_map(|&i| acc.resources().get(i))
                .map(|x| x.id().to_string())
                .collect();
            Err(err(format!(
                "found multiple objects [{}] that could accept merge of {}",
                ids.join(" "),
                r.id()
            )))
        }
    }
}

/// Appends `-<hash>` to the name of every generated object that wants it (kustomize's
/// HashTransformer, run once at the top level).
pub(super) fn add_hashes(resources: &mut [Resource]) -> Result<()> {
    for r in resources.iter_mut().filter(|r| r.history().needs_hash) {
        let suffix = generate::hash_suffix(r.node())
            .map_err(|e| e.with_location(Location::new(r.origin(), r.node().span)))?;
        r.store_previous_id();
        let name = format!("{}-{suffix}", r.id().name);
        if let Some(meta) = r
            .node_mut()
            .as_mapping_mut()
            .and_then(|m| m.get_mut("metadata"))
            .and_then(|m| m.as_mapping_mut())
        {
            meta.insert("name", crate::yaml::Node::string(name));
        }
        r.refresh_id();
    }
    Ok(())
}
