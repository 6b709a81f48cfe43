//! The builtin transformers a kustomization's own fields configure, read from the
//! kustomization and applied to an accumulator, in kustomize's fixed order
//! (api/internal/target/kusttarget_configplugin.go `configureBuiltinTransformers`).

use std::sync::Arc;

use crate::error::{Error, ErrorKind, Result};
use crate::kustomization::{
    Kustomization, decode_bool, field, invalid, json_type, opt_string, typed_bool, typed_int64,
    typed_string, unmarshal_message,
};
use crate::resource::{Resource, ResourceMap};
use crate::source::{SourceFile, Span};
use crate::transform::config::{TransformerConfig, merge_specs};
use crate::transform::field_spec::{FieldSpec, WalkError};
use crate::transform::images::{CompiledImage, ImageRule};
use crate::transform::{metadata, name_affix, namespace, replicas};
use crate::yaml::resolve::{Value, resolve_yaml11};
use crate::yaml::{Mapping, Node, NodeKind};

/// The order of the builtin transformers; the spine runs them in this order.
pub const ORDER: [Builtin; 11] = [
    Builtin::PatchStrategicMerge,
    Builtin::Patch,
    Builtin::Namespace,
    Builtin::Prefix,
    Builtin::Suffix,
    Builtin::Labels,
    Builtin::Annotations,
    Builtin::PatchJson6902,
    Builtin::ReplicaCount,
    Builtin::ImageTag,
    Builtin::Replacement,
];

/// One builtin transformer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    /// `patchesStrategicMerge`.
    PatchStrategicMerge,
    /// `patches`.
    Patch,
    /// `namespace`.
    Namespace,
    /// `namePrefix`.
    Prefix,
    /// `nameSuffix`.
    Suffix,
    /// `labels` entries, then `commonLabels`.
    Labels,
    /// `commonAnnotations`.
    Annotations,
    /// `patchesJson6902`.
    PatchJson6902,
    /// `replicas`.
    ReplicaCount,
    /// `images`.
    ImageTag,
    /// `replacements`.
    Replacement,
}

impl Builtin {
    /// Returns kustomize's plugin kind, as origins print it.
    pub fn kind(self) -> &'static str {
        match self {
            Builtin::PatchStrategicMerge => "PatchStrategicMergeTransformer",
            Builtin::Patch => "PatchTransformer",
            Builtin::Namespace => "NamespaceTransformer",
            Builtin::Prefix => "PrefixTransformer",
            Builtin::Suffix => "SuffixTransformer",
            Builtin::Labels => "LabelTransformer",
            Builtin::Annotations => "AnnotationsTransformer",
            Builtin::PatchJson6902 => "PatchJson6902Transformer",
            Builtin::ReplicaCount => "ReplicaCountTransformer",
            Builtin::ImageTag => "ImageTagTransformer",
            Builtin::Replacement => "ReplacementTransformer",
        }
    }
}

/// Returns the kustomization fields that configure builtin `b`. A kustomization that has
/// none of them runs nothing for `b`, so the spine skips it without visiting a resource:
/// a component runs on every resource accumulated so far, and 10k components that each
/// set one field would otherwise cost 10k passes of every builtin over every resource.
pub fn fields(b: Builtin) -> &'static [&'static str] {
    match b {
        Builtin::PatchStrategicMerge => &["patchesStrategicMerge"],
        Builtin::Patch => &["patches"],
        Builtin::Namespace => &["namespace"],
        Builtin::Prefix => &["namePrefix"],
        Builtin::Suffix => &["nameSuffix"],
        Builtin::Labels => &["labels", "commonLabels"],
        Builtin::Annotations => &["commonAnnotations"],
        Builtin::PatchJson6902 => &["patchesJson6902"],
        Builtin::ReplicaCount => &["replicas"],
        Builtin::ImageTag => &["images", "imageTags"],
        Builtin::Replacement => &["replacements"],
    }
}

/// Returns how many instances of the builtin `k` configures (kusttarget_configplugin.go
/// `transformerConfigurators`): origins record each.
pub fn instances(b: Builtin, k: &Kustomization) -> usize {
    let len = |name: &str| {
        field(&k.root, name)
            .and_then(Node::as_sequence)
            .map_or(0, Vec::len)
    };
    let set = |name: &str| {
        field(&k.root, name).is_some_and(|n| n.as_str().map_or(!is_empty(n), |s| !s.is_empty()))
    };
    match b {
        Builtin::PatchStrategicMerge => usize::from(len("patchesStrategicMerge") > 0),
        Builtin::Patch => len("patches"),
        Builtin::Namespace => usize::from(set("namespace")),
        Builtin::Prefix => usize::from(set("namePrefix")),
        Builtin::Suffix => usize::from(set("nameSuffix")),
        Builtin::Labels => {
            let labels = len("labels");
            let common = field(&k.root, "commonLabels")
                .and_then(Node::as_mapping)
                .map_or(0, Mapping::len);
            // One per `labels` entry plus one for commonLabels, unless both are empty.
            if labels == 0 && common == 0 {
                0
            } else {
                labels + 1
            }
        }
        Builtin::Annotations => usize::from(set("commonAnnotations")),
        Builtin::PatchJson6902 => len("patchesJson6902"),
        Builtin::ReplicaCount => len("replicas"),
        Builtin::ImageTag => len("images") + len("imageTags"),
        Builtin::Replacement => usize::from(len("replacements") > 0),
    }
}

/// Runs one builtin over `acc` as configured by `k`.
pub fn run(
    b: Builtin,
    k: &Kustomization,
    tc: &TransformerConfig,
    acc: &mut ResourceMap,
) -> Result<()> {
    match b {
        Builtin::Namespace => {
            if let Some(ns) =
                typed_string(&k.file, &k.root, "namespace", "Kustomization.namespace")?
                    .filter(|s| !s.value.is_empty())
            {
                each_resource(
                    acc,
                    |r| namespace::apply(r, &ns.value, &tc.namespace),
                    || {
                        k.error_at(
                            ErrorKind::DuplicateId,
                            "namespace transformation produces ID conflict",
                            ns.span,
                        )
                    },
                )?;
            }
        }
        Builtin::Prefix | Builtin::Suffix => {
            let (name, affix, specs) = match b {
                Builtin::Prefix => ("namePrefix", name_affix::Affix::Prefix, &tc.name_prefix),
                _ => ("nameSuffix", name_affix::Affix::Suffix, &tc.name_suffix),
            };
            if let Some(text) =
                typed_string(&k.file, &k.root, name, &format!("Kustomization.{name}"))?
                    .filter(|s| !s.value.is_empty())
            {
                each_resource(
                    acc,
                    |r| name_affix::apply(r, affix, &text.value, specs),
                    || {
                        k.error_at(
                            ErrorKind::DuplicateId,
                            format!("{name} produces a duplicate resource id"),
                            text.span,
                        )
                    },
                )?;
            }
        }
        Builtin::Labels => {
            for label in labels(k)? {
                let mut specs = label.fields.clone();
                merge_specs(&mut specs, &tc.labels);
                if label.include_selectors {
                    merge_specs(&mut specs, &tc.common_labels);
                } else {
                    if label.include_templates {
                        merge_specs(&mut specs, &tc.template_labels);
                    }
                    if label.include_volume_claim_templates {
                        merge_specs(&mut specs, &tc.volume_claim_template_labels);
                    }
                    merge_specs(&mut specs, &[FieldSpec::any("metadata/labels", true)]);
                }
                each_resource(
                    acc,
                    |r| metadata::apply(r, &label.pairs, &specs),
                    || {
                        k.error_at(
                            ErrorKind::DuplicateId,
                            "labels produce a duplicate resource id",
                            label.span,
                        )
                    },
                )?;
            }
            let common = string_map(
                &k.file,
                &k.root,
                "commonLabels",
                "Kustomization.commonLabels",
            )?;
            each_resource(
                acc,
                |r| metadata::apply(r, &common, &tc.common_labels),
                || {
                    k.error_at_field(
                        ErrorKind::DuplicateId,
                        "commonLabels produce a duplicate resource id",
                        "commonLabels",
                    )
                },
            )?;
        }
        Builtin::Annotations => {
            let pairs = string_map(
                &k.file,
                &k.root,
                "commonAnnotations",
                "Kustomization.commonAnnotations",
            )?;
            each_resource(
                acc,
                |r| metadata::apply(r, &pairs, &tc.common_annotations),
                || {
                    k.error_at_field(
                        ErrorKind::DuplicateId,
                        "commonAnnotations produce a duplicate resource id",
                        "commonAnnotations",
                    )
                },
            )?;
        }
        Builtin::ReplicaCount => {
            for (rule, span) in replica_rules(k)? {
                let mut found = false;
                let mut failure = None;
                acc.update_all(|r| {
                    if failure.is_some() {
                        return;
                    }
                    match replicas::apply(std::slice::from_mut(r), &rule.0, rule.1, &tc.replicas) {
                        Ok(f) => found |= f,
                        Err(e) => failure = Some(walk_error(r, e)),
                    }
                })
                .map_err(|r| dup(k, &r, span))?;
                if let Some(e) = failure {
                    return Err(e);
                }
                if !found {
                    let gvks: Vec<String> = tc
                        .replicas
                        .iter()
                        .map(|s| {
                            crate::resource::Gvk {
                                group: s.group.clone(),
                                version: s.version.clone(),
                                kind: s.kind.clone(),
                            }
                            .to_string()
                        })
                        .collect();
                    return Err(k.error_at(
                        ErrorKind::Kustomization,
                        format!(
                            "resource with name {} does not match a config with the following GVK [{}]",
                            rule.0,
                            gvks.join(" ")
                        ),
                        span,
                    ));
                }
            }
        }
        Builtin::ImageTag => {
            for (rule, span) in image_rules(k)? {
                let image = CompiledImage::new(rule);
                each_resource(
                    acc,
                    |r| crate::transform::images::apply_all(r, &image, &tc.images),
                    || {
                        k.error_at(
                            ErrorKind::DuplicateId,
                            "images produce a duplicate resource id",
                            span,
                        )
                    },
                )?;
            }
        }
        // Patches and replacements need files; the spine runs them.
        Builtin::PatchStrategicMerge
        | Builtin::Patch
        | Builtin::PatchJson6902
        | Builtin::Replacement => {}
    }
    Ok(())
}

fn is_empty(n: &Node) -> bool {
    match &n.kind {
        NodeKind::Scalar(s) => s.is_null(),
        NodeKind::Sequence(s) => s.is_empty(),
        NodeKind::Mapping(m) => m.is_empty(),
    }
}

/// Applies `f` to every resource, then re-indexes; a walk error or an id collision fails.
pub fn each_resource(
    acc: &mut ResourceMap,
    mut f: impl FnMut(&mut Resource) -> Result<(), WalkError>,
    conflict: impl Fn() -> Error,
) -> Result<()> {
    let mut failure = None;
    acc.update_all(|r| {
        if failure.is_none()
            && let Err(e) = f(r)
        {
            failure = Some(walk_error(r, e));
        }
    })
    .map_err(|r| conflict().with_suffix(&format!(": {}", r.id())))?;
    match failure {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

fn dup(k: &Kustomization, r: &Resource, span: Span) -> Error {
    k.error_at(
        ErrorKind::DuplicateId,
        format!(
            "may not add resource with an already registered id: {}",
            r.id()
        ),
        span,
    )
}

fn walk_error(r: &Resource, e: WalkError) -> Error {
    Error::at(ErrorKind::Resource, e.0, r.origin(), r.node().span)
}

/// A `labels:` entry.
struct Label {
    pairs: Vec<(String, String)>,
    include_selectors: bool,
    include_templates: bool,
    include_volume_claim_templates: bool,
    fields: Vec<FieldSpec>,
    span: Span,
}

fn labels(k: &Kustomization) -> Result<Vec<Label>> {
    let mut out = Vec::new();
    for item in k.list_field("labels")? {
        let m = mapping(&k.file, item, "labels")?;
        let mut fields = Vec::new();
        if let Some(list) = field(m, "fields").filter(|n| !n.is_null()) {
            for f in list.as_sequence().map(Vec::as_slice).unwrap_or_default() {
                fields.push(field_spec(
                    &k.file,
                    f,
                    Strictness::Kustomization,
                    "labels.fields",
                )?);
            }
        }
        out.push(Label {
            pairs: string_map(&k.file, m, "pairs", "Label.labels.pairs")?,
            include_selectors: typed_bool(
                &k.file,
                m,
                "includeSelectors",
                "Label.labels.includeSelectors",
            )?,
            include_templates: typed_bool(
                &k.file,
                m,
                "includeTemplates",
                "Label.labels.includeTemplates",
            )?,
            include_volume_claim_templates: typed_bool(
                &k.file,
                m,
                "includeVolumeClaimTemplates",
                "Label.labels.includeVolumeClaimTemplates",
            )?,
            fields,
            span: item.span,
        });
    }
    Ok(out)
}

/// How a field spec's unknown keys are treated: kustomize decodes kustomizations and
/// `configurations:` files strictly (with different wording) and plugin configs leniently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strictness {
    /// A kustomization field (`labels[].fields`).
    Kustomization,
    /// A `configurations:` file (builtinconfig uses `yaml.UnmarshalStrict`).
    ConfigFile,
    /// A builtin plugin's config (`yaml.Unmarshal`).
    Lenient,
}

impl Strictness {
    fn prefix(self) -> Option<&'static str> {
        match self {
            Strictness::Kustomization => Some("invalid Kustomization: "),
            Strictness::ConfigFile => Some("error unmarshaling JSON: while decoding JSON: "),
            Strictness::Lenient => None,
        }
    }
}

/// Reads a field spec mapping (`group`, `version`, `kind`, `path`, `create`); `go_path` is
/// where it sits for `encoding/json`'s messages (`labels.fields`, `namePrefix`).
pub fn field_spec(
    file: &Arc<SourceFile>,
    n: &Node,
    strictness: Strictness,
    go_path: &str,
) -> Result<FieldSpec> {
    let m = mapping(file, n, "fieldSpec")?;
    if let Some(prefix) = strictness.prefix() {
        for e in &m.entries {
            let key = e.key.as_str().unwrap_or("");
            if !["group", "version", "kind", "path", "create"].contains(&key) {
                return Err(Error::at(
                    ErrorKind::Kustomization,
                    format!("{prefix}json: unknown field {key:?}"),
                    file,
                    e.key.span,
                ));
            }
        }
    }
    let s = |name: &str| -> Result<String> {
        Ok(opt_string(file, m, name)?
            .map(|s| s.value)
            .unwrap_or_default())
    };
    Ok(FieldSpec {
        group: s("group")?,
        version: s("version")?,
        kind: s("kind")?,
        path: s("path")?,
        create: match (strictness.prefix(), field(m, "create")) {
            (Some(prefix), Some(c)) => decode_bool(c, &format!("FieldSpec.{go_path}.create"))
                .map_err(|e| {
                    Error::at(
                        ErrorKind::Kustomization,
                        format!("{prefix}{e}"),
                        file,
                        c.span,
                    )
                })?
                .unwrap_or_default(),
            _ => bool_field(file, m, "create")?,
        },
    })
}

fn image_rules(k: &Kustomization) -> Result<Vec<(ImageRule, Span)>> {
    let mut out = Vec::new();
    for name in ["images", "imageTags"] {
        for item in k.list_field(name)? {
            let m = mapping(&k.file, item, name)?;
            let s = |f: &str| -> Result<String> {
                Ok(typed_string(&k.file, m, f, &format!("Image.{name}.{f}"))?
                    .map(|s| s.value)
                    .unwrap_or_default())
            };
            out.push((
                ImageRule {
                    name: s("name")?,
                    new_name: s("newName")?,
                    new_tag: s("newTag")?,
                    digest: s("digest")?,
                    tag_suffix: s("tagSuffix")?,
                },
                item.span,
            ));
        }
    }
    Ok(out)
}

type ReplicaRule = (String, i64);

fn replica_rules(k: &Kustomization) -> Result<Vec<(ReplicaRule, Span)>> {
    let mut out = Vec::new();
    for item in k.list_field("replicas")? {
        let m = mapping(&k.file, item, "replicas")?;
        if let Some(e) = m.entries.iter().find(|e| {
            let key = e.key.as_str().unwrap_or("");
            !["name", "count"]
                .iter()
                .any(|f| f.eq_ignore_ascii_case(key))
        }) {
            return Err(k.error_at(
                ErrorKind::Kustomization,
                format!(
                    "invalid Kustomization: json: unknown field {}",
                    crate::go::quote(e.key.as_str().unwrap_or(""))
                ),
                e.key.span,
            ));
        }
        let name = typed_string(&k.file, m, "name", "Replica.replicas.name")?
            .map(|s| s.value)
            .unwrap_or_default();
        let count = typed_int64(&k.file, m, "count", "Replica.replicas.count")?;
        out.push(((name, count), item.span));
    }
    Ok(out)
}

fn mapping<'a>(file: &Arc<SourceFile>, n: &'a Node, what: &str) -> Result<&'a Mapping> {
    n.as_mapping().ok_or_else(|| {
        Error::at(
            ErrorKind::Kustomization,
            format!("invalid Kustomization: each '{what}' entry must be a mapping"),
            file,
            n.span,
        )
    })
}

/// Reads a `bool` of a builtin plugin's config, which kustomize decodes with go-yaml rather
/// than through JSON.
fn bool_field(file: &Arc<SourceFile>, m: &Mapping, name: &str) -> Result<bool> {
    match field(m, name) {
        None => Ok(false),
        Some(n) if n.is_null() => Ok(false),
        // YAML 1.1 booleans (`yes`, `on`...), as kustomize's decoder reads the file.
        Some(n) => match n.as_scalar().map(resolve_yaml11) {
            Some(Value::Bool(b)) => Ok(b),
            _ => Err(Error::at(
                ErrorKind::Kustomization,
                format!("invalid Kustomization: field '{name}' must be true or false"),
                file,
                n.span,
            )),
        },
    }
}

/// Reads a `string: string` mapping field, in source order, as kustomize decodes a Go
/// `map[string]string` named `go_field` (`Kustomization.commonLabels`).
pub fn string_map(
    file: &Arc<SourceFile>,
    m: &Mapping,
    name: &str,
    go_field: &str,
) -> Result<Vec<(String, String)>> {
    let Some(n) = field(m, name).filter(|n| !n.is_null()) else {
        return Ok(Vec::new());
    };
    let Some(map) = n.as_mapping() else {
        return Err(invalid(
            file,
            unmarshal_message(json_type(n), go_field, "map[string]string"),
            n.span,
        ));
    };
    let mut out: Vec<(String, String)> = Vec::with_capacity(map.len());
    for e in &map.entries {
        let Some(key) = e.key.as_scalar() else {
            return Err(Error::at(
                ErrorKind::Kustomization,
                format!("invalid Kustomization: field '{name}' must be a mapping of strings"),
                file,
                e.key.span,
            ));
        };
        let Some(value) = e.value.as_scalar() else {
            return Err(invalid(
                file,
                unmarshal_message(json_type(&e.value), go_field, "string"),
                e.value.span,
            ));
        };
        // kustomize reads the file with YAML 1.1 typing into map[string]string: keys are
        // stringified, a value that is not a string fails (`approved: yes` is a bool).
        let k = match resolve_yaml11(key) {
            Value::Str(s) => s.into_owned(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::UInt(u) => u.to_string(),
            _ => key.text.clone(),
        };
        let v = match resolve_yaml11(value) {
            Value::Str(s) => s.into_owned(),
            Value::Null => String::new(),
            other => {
                let ty = match other {
                    Value::Bool(_) => "bool",
                    _ => "number",
                };
                return Err(Error::at(
                    ErrorKind::Kustomization,
                    format!(
                        "invalid Kustomization: json: cannot unmarshal {ty} into Go struct field {go_field} of type string"
                    ),
                    file,
                    e.value.span,
                ));
            }
        };
        match out.iter_mut().find(|(existing, _)| *existing == k) {
            Some(slot) => slot.1 = v,
            None => out.push((k, v)),
        }
    }
    Ok(out)
}

/// Reads a `configurations:` file: field-spec lists per transformer, and `nameReference`
/// entries (`kind`, `group`, `version`, `fieldSpecs`), as kustomize's
/// builtinconfig.TransformerConfig.
pub fn parse_config(file: &Arc<SourceFile>, root: Option<&Node>) -> Result<TransformerConfig> {
    let mut tc = TransformerConfig::default();
    let Some(root) = root else {
        return Ok(tc);
    };
    let m = mapping(file, root, "configurations")?;
    for e in &m.entries {
        let Some(key) = e.key.as_str() else { continue };
        if e.value.is_null() {
            continue;
        }
        let list = e.value.as_sequence().ok_or_else(|| {
            Error::at(
                ErrorKind::Kustomization,
                format!("transformer configuration field '{key}' must be a list"),
                file,
                e.value.span,
            )
        })?;
        if key == "nameReference" {
            for item in list {
                let im = mapping(file, item, "nameReference")?;
                let s = |f: &str| -> Result<String> {
                    Ok(opt_string(file, im, f)?
                        .map(|s| s.value)
                        .unwrap_or_default())
                };
                let mut referrers = Vec::new();
                if let Some(fs) = field(im, "fieldSpecs").and_then(Node::as_sequence) {
                    for f in fs {
                        referrers.push(field_spec(
                            file,
                            f,
                            Strictness::ConfigFile,
                            "nameReference.fieldSpecs",
                        )?);
                    }
                }
                tc.name_reference
                    .push(crate::transform::config::NameBackRef {
                        gvk: crate::resource::Gvk {
                            group: s("group")?,
                            version: s("version")?,
                            kind: s("kind")?,
                        },
                        referrers,
                    });
            }
            continue;
        }
        let target = match key {
            "namePrefix" => &mut tc.name_prefix,
            "nameSuffix" => &mut tc.name_suffix,
            "namespace" => &mut tc.namespace,
            "commonLabels" => &mut tc.common_labels,
            "labels" => &mut tc.labels,
            "templateLabels" => &mut tc.template_labels,
            "volumeClaimTemplateLabels" => &mut tc.volume_claim_template_labels,
            "commonAnnotations" => &mut tc.common_annotations,
            "varReference" => &mut tc.var_reference,
            "images" => &mut tc.images,
            "replicas" => &mut tc.replicas,
            _ => {
                return Err(Error::at(
                    ErrorKind::Kustomization,
                    format!("json: unknown field \"{key}\" in transformer configuration"),
                    file,
                    e.key.span,
                ));
            }
        };
        for item in list {
            target.push(field_spec(file, item, Strictness::ConfigFile, key)?);
        }
    }
    Ok(tc)
}
