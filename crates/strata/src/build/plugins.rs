//! `transformers:` and `generators:` entries that configure kustomize's builtin plugins
//! (`apiVersion: builtin`), applied after the kustomization's own fields.
//!
//! kustomize builds the plugin configs as resources (inline YAML, files or kustomization
//! directories; api/internal/target/kusttarget.go `configureExternalTransformers`) and then
//! instantiates a builtin by kind (api/internal/plugins/loader/loader.go). Exec, Go and KRM
//! function plugins are not supported.

use std::sync::Arc;

use crate::error::{Error, ErrorKind, Result};
use crate::kustomization::{field, opt_string};
use crate::resource::{Resource, ResourceMap};
use crate::source::SourceFile;
use crate::transform::field_spec::FieldSpec;
use crate::transform::images::{CompiledImage, ImageRule};
use crate::transform::{images, metadata, name_affix, namespace, replicas};
use crate::yaml::{Mapping, Node};

use super::builtins::{Strictness, each_resource, field_spec, string_map};

/// Returns true if an entry of `transformers:`/`generators:` is inline YAML holding plugin
/// configs rather than a path (kustomize tries to read it as resources first).
pub(super) fn inline_configs(entry: &str, file: &Arc<SourceFile>) -> Option<Vec<Resource>> {
    if !entry.contains('\n') && !entry.contains(':') {
        return None;
    }
    let text = SourceFile::new(file.path.clone(), entry.to_owned());
    let docs = crate::yaml::parse::parse_documents(&text, Default::default()).ok()?;
    let mut out = Vec::new();
    for d in docs.into_iter().filter(|d| !d.is_empty) {
        out.push(Resource::from_node(d.root, &text).ok()?);
    }
    (!out.is_empty()).then_some(out)
}

/// Fails unless `config` is a builtin plugin (`apiVersion: builtin`, no group), as kustomize
/// does without its plugin flags.
fn require_builtin(config: &Resource) -> Result<()> {
    let gvk = &config.id().gvk;
    if gvk.group.is_empty() && gvk.version == "builtin" {
        return Ok(());
    }
    Err(Error::at(
        ErrorKind::Unsupported,
        format!(
            "external plugins disabled; unable to load external plugin '{}': exec, Go and KRM function plugins are not supported",
            gvk.kind
        ),
        config.origin(),
        config.node().span,
    ))
}

/// kustomize's error for a builtin plugin `kind` it does not have.
fn unknown_builtin(config: &Resource, kind: &str) -> Error {
    let gvk = crate::resource::Gvk {
        group: String::new(),
        version: "builtin".into(),
        kind: kind.to_owned(),
    };
    Error::at(
        ErrorKind::Unsupported,
        format!("unable to load builtin {gvk}"),
        config.origin(),
        config.node().span,
    )
}

/// Applies one transformer plugin config to `acc`.
pub(super) fn transform(config: &Resource, acc: &mut ResourceMap) -> Result<()> {
    let id = config.id();
    let file = config.origin();
    let err = |kind: ErrorKind, msg: String| Error::at(kind, msg, file, config.node().span);
    require_builtin(config)?;
    let Some(m) = config.node().as_mapping() else {
        return Ok(());
    };
    let specs = field_specs(file, m)?;
    match id.gvk.kind.as_str() {
        "PrefixSuffixTransformer" | "PrefixTransformer" | "SuffixTransformer" => {
            let kind = id.gvk.kind.as_str();
            if field(m, "fieldSpecs").is_none() {
                return Err(err(
                    ErrorKind::Kustomization,
                    format!(
                        "plugin {} fails configuration: fieldSpecs is not expected to be nil",
                        config.org_id()
                    ),
                ));
            }
            let affixes = [
                (name_affix::Affix::Prefix, "prefix", "SuffixTransformer"),
                (name_affix::Affix::Suffix, "suffix", "PrefixTransformer"),
            ];
            for (affix, name, skipped_by) in affixes {
                if kind == skipped_by {
                    continue;
                }
                let value = text(file, m, name)?;
                each_resource(
                    acc,
                    |r| name_affix::apply(r, affix, &value, &specs),
                    || dup_error(config, kind),
                )?;
            }
        }
        kind @ ("LabelTransformer" | "AnnotationsTransformer") => {
            let key = if kind == "LabelTransformer" {
                "labels"
            } else {
                "annotations"
            };
            let pairs = string_map(file, m, key, &format!("Kustomization.{key}"))?;
            each_resource(
                acc,
                |r| metadata::apply(r, &pairs, &specs),
                || dup_error(config, kind),
            )?;
        }
        "NamespaceTransformer" => {
            let ns = m
                .get("metadata")
                .and_then(Node::as_mapping)
                .map(|meta| text(file, meta, "namespace"))
                .transpose()?
                .unwrap_or_default();
            let mode = match text(file, m, "setRoleBindingSubjects")?.as_str() {
                "" | "defaultOnly" => namespace::SubjectMode::DefaultOnly,
                "allServiceAccounts" => namespace::SubjectMode::AllServiceAccounts,
                "none" => namespace::SubjectMode::None,
                other => {
                    return Err(err(
                        ErrorKind::Kustomization,
                        format!(
                            "invalid value \"{other}\" for setRoleBindingSubjects: must be one of \"defaultOnly\", \"none\" or \"allServiceAccounts\""
                        ),
                    ));
                }
            };
            let unset_only = field(m, "unsetOnly").and_then(Node::as_str) == Some("true");
            if !ns.is_empty() {
                let opts = namespace::Options { mode, unset_only };
                each_resource(
                    acc,
                    |r| namespace::apply_with(r, &ns, &specs, opts),
                    || dup_error(config, "NamespaceTransformer"),
                )?;
            }
        }
        "ImageTagTransformer" => {
            let tag = m.get("imageTag").and_then(Node::as_mapping);
            let s = |k: &str| -> Result<String> {
                match tag {
                    Some(t) => text(file, t, k),
                    None => Ok(String::new()),
                }
            };
            let image = CompiledImage::new(ImageRule {
                name: s("name")?,
                new_name: s("newName")?,
                new_tag: s("newTag")?,
                digest: s("digest")?,
                tag_suffix: s("tagSuffix")?,
            });
            each_resource(
                acc,
                |r| images::apply_all(r, &image, &specs),
                || dup_error(config, "ImageTagTransformer"),
            )?;
        }
        "ReplicaCountTransformer" => {
            let rep = m.get("replica").and_then(Node::as_mapping);
            let name = match rep {
                Some(r) => text(file, r, "name")?,
                None => String::new(),
            };
            let count = rep
                .and_then(|r| r.get("count"))
                .and_then(Node::as_str)
                .and_then(|c| c.parse::<i64>().ok())
                .unwrap_or(0);
            let mut all = std::mem::take(acc).into_resources();
            let found = replicas::apply(&mut all, &name, count, &specs)
                .map_err(|e| err(ErrorKind::Resource, e.0))?;
            acc.replace_all(all).map_err(|r| {
                err(
                    ErrorKind::DuplicateId,
                    format!(
                        "may not add resource with an already registered id: {}",
                        r.id()
                    ),
                )
            })?;
            if !found {
                return Err(err(
                    ErrorKind::Kustomization,
                    format!(
                        "resource with name {name} does not match a config with the following GVK"
                    ),
                ));
            }
        }
        other => return Err(unknown_builtin(config, other)),
    }
    Ok(())
}

/// Runs one generator plugin config (`ConfigMapGenerator`, `SecretGenerator`) into `acc`.
pub(super) fn generate(
    config: &Resource,
    files: &super::generators::DirFiles<'_, '_>,
    acc: &mut ResourceMap,
    origin: Option<crate::resource::Origin>,
) -> Result<()> {
    use crate::generate::{GeneratorArgs, GeneratorKind};
    let id = config.id();
    let file = config.origin();
    require_builtin(config)?;
    let kind = match id.gvk.kind.as_str() {
        "IAMPolicyGenerator" => return iam_policy(config, acc, origin),
        "ConfigMapGenerator" => GeneratorKind::ConfigMap,
        "SecretGenerator" => GeneratorKind::Secret,
        other => return Err(unknown_builtin(config, other)),
    };
    // The plugin's config is the generator args inline, with name and namespace under
    // `metadata` (api/internal/builtins/ConfigMapGenerator.go).
    let Some(m) = config.node().as_mapping() else {
        return Ok(());
    };
    // The plugin reads its config leniently (yaml.Unmarshal): fields of the generator args
    // count, anything else (say a top-level `labels:`) is ignored; `metadata.name` and
    // `.namespace` fill in only what the args leave empty.
    let mut args = Mapping::new();
    for e in &m.entries {
        if e.key
            .as_str()
            .is_some_and(|k| crate::generate::ARG_FIELDS.contains(&k))
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
    let args = GeneratorArgs::from_node(file, kind, &node)?;
    super::generators::run(&args, None, files, acc, origin)
}

/// The IAMPolicyGenerator: a ServiceAccount annotated with its GKE service account
/// (api/filters/iampolicygenerator/iampolicygenerator.go).
fn iam_policy(
    config: &Resource,
    acc: &mut ResourceMap,
    origin: Option<crate::resource::Origin>,
) -> Result<()> {
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
    let mut r = Resource::from_node(sa, file)?;
    r.history_mut().origin = origin;
    acc.append(r).map_err(|r| {
        Error::at(
            ErrorKind::DuplicateId,
            format!(
                "may not add resource with an already registered id: {}",
                r.id()
            ),
            file,
            node.span,
        )
    })
}

fn dup_error(config: &Resource, what: &str) -> Error {
    Error::at(
        ErrorKind::DuplicateId,
        format!("{what} produces a duplicate resource id"),
        config.origin(),
        config.node().span,
    )
}

fn text(file: &Arc<SourceFile>, m: &Mapping, name: &str) -> Result<String> {
    Ok(opt_string(file, m, name)?
        .map(|s| s.value)
        .unwrap_or_default())
}

fn field_specs(file: &Arc<SourceFile>, m: &Mapping) -> Result<Vec<FieldSpec>> {
    let mut out = Vec::new();
    if let Some(list) = field(m, "fieldSpecs").and_then(Node::as_sequence) {
        for f in list {
            out.push(field_spec(file, f, Strictness::Lenient, "fieldSpecs")?);
        }
    }
    Ok(out)
}
