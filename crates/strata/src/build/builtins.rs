//! Decoders for the builtin transformers' configs: the kustomization fields they read
//! (`labels`, `images`, `replicas`, string maps), field specs, and `configurations:` files,
//! with kustomize's error wording for each. The transformers themselves are in
//! `transformers.rs`.

use std::sync::Arc;

use crate::error::{Error, ErrorKind, Result};
use crate::kustomization::{
    Kustomization, decode_bool, field, invalid, json_type, opt_string, typed_bool, typed_int64,
    typed_string, unmarshal_message,
};
use crate::resource::{Resource, ResourceMap};
use crate::source::{SourceFile, Span};
use crate::transform::config::TransformerConfig;
use crate::transform::field_spec::{FieldSpec, WalkError};
use crate::transform::images::ImageRule;
use crate::yaml::resolve::{Value, resolve_yaml11};
use crate::yaml::{Mapping, Node};

/// Applies `f` to every resource, then re-indexes; a walk error or an id collision fails.
pub(super) fn each_resource(
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

pub(super) fn walk_error(r: &Resource, e: WalkError) -> Error {
    Error::at(ErrorKind::Resource, e.0, r.origin(), r.node().span)
}

/// A `labels:` entry.
pub(super) struct Label {
    pub(super) pairs: Vec<(String, String)>,
    pub(super) include_selectors: bool,
    pub(super) include_templates: bool,
    pub(super) include_volume_claim_templates: bool,
    pub(super) fields: Vec<FieldSpec>,
    pub(super) span: Span,
}

/// Reads `labels:`.
pub(super) fn labels(k: &Kustomization) -> Result<Vec<Label>> {
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
pub(super) enum Strictness {
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
pub(super) fn field_spec(
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

/// Reads `images:` then `imageTags:`, each rule with its entry's span.
pub(super) fn image_rules(k: &Kustomization) -> Result<Vec<(ImageRule, Span)>> {
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

/// Reads `replicas:`, each `(name, count)` with its entry's span.
pub(super) fn replica_rules(k: &Kustomization) -> Result<Vec<(ReplicaRule, Span)>> {
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
pub(super) fn string_map(
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
pub(super) fn parse_config(
    file: &Arc<SourceFile>,
    root: Option<&Node>,
) -> Result<TransformerConfig> {
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
