//! The builtin transformers: one typed config and one `apply` per builtin, and one table
//! ([`BUILTINS`]) that says how each is built from a kustomization's fields and from a
//! `transformers:` plugin config of its kind.
//!
//! kustomize makes the same plugin from either source (api/internal/target/
//! kusttarget_configplugin.go `transformerConfigurators` for the fields,
//! api/internal/plugins/loader/loader.go for `apiVersion: builtin` configs) by marshalling a
//! config to YAML and back; here both constructors build the typed config directly. The
//! table's order is kustomize's fixed order of the field transformers (the list in
//! kusttarget_configplugin.go `configureBuiltinTransformers`). kustomize configures all of
//! them before running the first; Strata configures each just before it runs, which differs
//! only in which of two errors in one kustomization is reported. Adding a builtin means
//! adding a variant, its constructors and a row.

use std::sync::Arc;

use crate::budget::Budget;
use crate::error::{Error, ErrorKind, Location, Result};
use crate::kustomization::{Kustomization, field, typed_string};
use crate::resource::{Gvk, Resource, ResourceMap};
use crate::source::{SourceFile, Span};
use crate::transform::config::{TransformerConfig, merge_specs};
use crate::transform::field_spec::FieldSpec;
use crate::transform::images::{CompiledImage, ImageRule};
use crate::transform::replacements::{self, Replacement};
use crate::transform::{images, metadata, name_affix, namespace, replicas};
use crate::yaml::{Mapping, Node, NodeKind};

use super::builtins::{
    Strictness, each_resource, field_spec, image_rules, labels, replica_rules, string_map,
    walk_error,
};
use super::plugins::{require_builtin, text, unknown_builtin};
use super::{Builder, Target, exec_plugin, patches};

/// One builtin transformer, configured.
pub(super) enum Transformer {
    /// `namespace`, `NamespaceTransformer`.
    Namespace(SetNamespace),
    /// `namePrefix`/`nameSuffix`, `PrefixTransformer`/`SuffixTransformer`/`PrefixSuffixTransformer`.
    Affix(AddAffix),
    /// `labels`, `commonLabels`, `commonAnnotations`, `LabelTransformer`,
    /// `AnnotationsTransformer`.
    Metadata(SetMetadata),
    /// `images`, `ImageTagTransformer`.
    Image(SetImage),
    /// `replicas`, `ReplicaCountTransformer`.
    Replicas(SetReplicas),
    /// `patchesStrategicMerge`, `patches`, `patchesJson6902` and their plugins.
    Patches(Patches),
    /// `replacements`, `ReplacementTransformer`.
    Replacements(Replacements),
    /// An exec or KRM function plugin (not `apiVersion: builtin`).
    Exec(Box<Resource>),
}

/// A row of the table: a builtin's plugin kind and how it is built.
pub(super) struct Builtin {
    /// kustomize's plugin kind, as `transformers:` configs and origins name it.
    pub(super) kind: &'static str,
    /// The kustomization fields that configure it: a kustomization with none of them runs
    /// nothing of this kind, so the spine skips it without visiting a resource (a component
    /// runs over everything accumulated before it; 10k components that each set one field
    /// would otherwise cost 10k passes of every builtin over every resource).
    fields: &'static [&'static str],
    /// Builds the instances a kustomization's fields configure, if the kind has fields.
    from_fields: Option<FromFields>,
    /// Builds the instances a plugin config of this kind configures.
    from_plugin: FromPlugin,
    /// How many instances kustomize makes of it from a kustomization's fields
    /// (kusttarget_configplugin.go `transformerConfigurators`): origins record each, even
    /// one that changes nothing.
    instances: fn(&Kustomization) -> usize,
}

type FromFields = fn(&Builder<'_>, &Target, &TransformerConfig) -> Result<Vec<Transformer>>;
type FromPlugin = fn(&Builder<'_>, &Target, &Resource) -> Result<Vec<Transformer>>;

/// Every builtin transformer; those with fields in kustomize's order of running them.
pub(super) const BUILTINS: &[Builtin] = &[
    Builtin {
        kind: "PatchStrategicMergeTransformer",
        fields: &["patchesStrategicMerge"],
        from_fields: Some(|_, t, _| Ok(Patches::field(t, PatchField::StrategicMerge))),
        from_plugin: |_, _, c| Ok(Patches::plugin(c, PatchField::StrategicMerge)),
        instances: |k| usize::from(list_len(k, "patchesStrategicMerge") > 0),
    },
    Builtin {
        kind: "PatchTransformer",
        fields: &["patches"],
        from_fields: Some(|_, t, _| Ok(Patches::field(t, PatchField::Patches))),
        from_plugin: |_, _, c| Ok(Patches::plugin(c, PatchField::Patches)),
        instances: |k| list_len(k, "patches"),
    },
    Builtin {
        kind: "NamespaceTransformer",
        fields: &["namespace"],
        from_fields: Some(SetNamespace::from_fields),
        from_plugin: SetNamespace::from_plugin,
        instances: |k| usize::from(is_set(k, "namespace")),
    },
    Builtin {
        kind: "PrefixTransformer",
        fields: &["namePrefix"],
        from_fields: Some(|_, t, tc| AddAffix::from_fields(t, tc, name_affix::Affix::Prefix)),
        from_plugin: AddAffix::from_plugin,
        instances: |k| usize::from(is_set(k, "namePrefix")),
    },
    Builtin {
        kind: "SuffixTransformer",
        fields: &["nameSuffix"],
        from_fields: Some(|_, t, tc| AddAffix::from_fields(t, tc, name_affix::Affix::Suffix)),
        from_plugin: AddAffix::from_plugin,
        instances: |k| usize::from(is_set(k, "nameSuffix")),
    },
    Builtin {
        kind: "LabelTransformer",
        fields: &["labels", "commonLabels"],
        from_fields: Some(SetMetadata::labels_from_fields),
        from_plugin: SetMetadata::from_plugin,
        instances: label_instances,
    },
    Builtin {
        kind: "AnnotationsTransformer",
        fields: &["commonAnnotations"],
        from_fields: Some(SetMetadata::annotations_from_fields),
        from_plugin: SetMetadata::from_plugin,
        instances: |k| usize::from(is_set(k, "commonAnnotations")),
    },
    Builtin {
        kind: "PatchJson6902Transformer",
        fields: &["patchesJson6902"],
        from_fields: Some(|_, t, _| Ok(Patches::field(t, PatchField::Json6902))),
        from_plugin: |_, _, c| Ok(Patches::plugin(c, PatchField::Json6902)),
        instances: |k| list_len(k, "patchesJson6902"),
    },
    Builtin {
        kind: "ReplicaCountTransformer",
        fields: &["replicas"],
        from_fields: Some(SetReplicas::from_fields),
        from_plugin: SetReplicas::from_plugin,
        instances: |k| list_len(k, "replicas"),
    },
    Builtin {
        kind: "ImageTagTransformer",
        fields: &["images", "imageTags"],
        from_fields: Some(SetImage::from_fields),
        from_plugin: SetImage::from_plugin,
        instances: |k| list_len(k, "images") + list_len(k, "imageTags"),
    },
    Builtin {
        kind: "ReplacementTransformer",
        fields: &["replacements"],
        from_fields: Some(Replacements::from_fields),
        from_plugin: Replacements::from_plugin,
        instances: |k| usize::from(list_len(k, "replacements") > 0),
    },
    Builtin {
        kind: "PrefixSuffixTransformer",
        fields: &[],
        from_fields: None,
        from_plugin: AddAffix::from_plugin,
        instances: |_| 0,
    },
];

/// The length of the list field `name` (0 if absent or not a list).
fn list_len(k: &Kustomization, name: &str) -> usize {
    k.field(name)
        .and_then(Node::as_sequence)
        .map_or(0, Vec::len)
}

/// Whether the field `name` is a non-empty string (or any non-empty value).
fn is_set(k: &Kustomization, name: &str) -> bool {
    let is_empty = |n: &Node| match &n.kind {
        NodeKind::Scalar(s) => s.is_null(),
        NodeKind::Sequence(s) => s.is_empty(),
        NodeKind::Mapping(m) => m.is_empty(),
    };
    k.field(name)
        .is_some_and(|n| n.as_str().map_or(!is_empty(n), |s| !s.is_empty()))
}

/// One `LabelTransformer` per `labels` entry plus one for `commonLabels`, unless both are
/// empty.
fn label_instances(k: &Kustomization) -> usize {
    let labels = list_len(k, "labels");
    let common = k
        .field("commonLabels")
        .and_then(Node::as_mapping)
        .map_or(0, Mapping::len);
    if labels == 0 && common == 0 {
        0
    } else {
        labels + 1
    }
}

impl Builder<'_> {
    /// Runs the builtin transformers the fields of `target` configure, in kustomize's order,
    /// recording each instance in the origins when asked.
    pub(super) fn run_builtin_transformers(
        &mut self,
        target: &Target,
        acc: &mut super::Accumulator,
    ) -> Result<()> {
        let k = &target.kustomization;
        for b in BUILTINS {
            let Some(from_fields) = b.from_fields else {
                continue;
            };
            if b.fields.iter().all(|f| k.field(f).is_none()) {
                continue;
            }
            // A transformer may change a kind or drop a resource: the schema-type scan
            // starts over.
            acc.types_noted = 0;
            for t in from_fields(self, target, &acc.config)? {
                t.apply(self, target, &mut acc.resources)?;
            }
            if self.metadata.track {
                for _ in 0..(b.instances)(&target.kustomization) {
                    super::record_transformation(&mut acc.resources, target.builtin_origin(b.kind));
                }
            }
        }
        Ok(())
    }

    /// Runs one `transformers:` (or `validators:`) plugin config over `acc`.
    pub(super) fn run_plugin_transformer(
        &mut self,
        target: &Target,
        config: &Resource,
        acc: &mut ResourceMap,
    ) -> Result<()> {
        for t in self.plugin_transformer(target, config)? {
            t.apply(self, target, acc)?;
        }
        Ok(())
    }

    /// Builds the transformers a plugin config configures: an external plugin, or the
    /// builtin its kind names.
    fn plugin_transformer(&self, target: &Target, config: &Resource) -> Result<Vec<Transformer>> {
        if exec_plugin::is_external(config) {
            return Ok(vec![Transformer::Exec(Box::new(config.clone()))]);
        }
        require_builtin(config)?;
        let kind = config.id().gvk.kind.as_str();
        match BUILTINS.iter().find(|b| b.kind == kind) {
            Some(b) => (b.from_plugin)(self, target, config),
            None => Err(unknown_builtin(config, kind)),
        }
    }
}

impl Transformer {
    /// Applies the transformer to `acc`; `target` is the kustomization it belongs to (patch
    /// and plugin paths are relative to its directory).
    fn apply(&self, b: &mut Builder<'_>, target: &Target, acc: &mut ResourceMap) -> Result<()> {
        match self {
            Transformer::Namespace(t) => each_resource(
                acc,
                |r| namespace::apply_with(r, &t.namespace, &t.specs, t.options),
                || t.conflict.error(),
            ),
            Transformer::Affix(t) => each_resource(
                acc,
                |r| name_affix::apply(r, t.affix, &t.value, &t.specs),
                || t.conflict.error(),
            ),
            Transformer::Metadata(t) => each_resource(
                acc,
                |r| metadata::apply(r, &t.pairs, &t.specs),
                || t.conflict.error(),
            ),
            Transformer::Image(t) => each_resource(
                acc,
                |r| images::apply_all(r, &t.image, &t.specs),
                || t.conflict.error(),
            ),
            Transformer::Replicas(t) => t.apply(acc),
            Transformer::Patches(t) => {
                let (loader, dir, k) = (&b.loader, &target.dir, &*t.source);
                match t.field {
                    PatchField::StrategicMerge => {
                        patches::strategic_merge_field(loader, dir, k, acc, &mut b.openapi)
                    }
                    PatchField::Patches => {
                        patches::patches_field(loader, dir, k, acc, &mut b.warnings, &mut b.openapi)
                    }
                    PatchField::Json6902 => {
                        patches::json6902_field(loader, dir, k, acc, &mut b.warnings)
                    }
                }
            }
            Transformer::Replacements(t) => t.apply(b, acc),
            Transformer::Exec(config) => {
                exec_plugin::transform(config, &b.loader, b.plugins.as_deref(), &target.dir, acc)
            }
        }
    }
}

/// Where a transformer's duplicate-id error points, and its wording.
pub(super) struct Conflict {
    message: String,
    file: Arc<SourceFile>,
    span: Option<Span>,
}

impl Conflict {
    fn at(message: impl Into<String>, file: &Arc<SourceFile>, span: Span) -> Conflict {
        Conflict {
            message: message.into(),
            file: Arc::clone(file),
            span: Some(span),
        }
    }

    /// At a kustomization's top-level field `name`, or naming only the file without it.
    fn at_field(message: impl Into<String>, k: &Kustomization, name: &str) -> Conflict {
        Conflict {
            message: message.into(),
            file: Arc::clone(&k.file),
            span: k.field(name).map(|n| n.span),
        }
    }

    /// kustomize's wording for a plugin config of `kind`, at the config.
    fn of_plugin(config: &Resource, kind: &str) -> Conflict {
        Conflict::at(
            format!("{kind} produces a duplicate resource id"),
            config.origin(),
            config.node().span,
        )
    }

    fn error(&self) -> Error {
        match self.span {
            Some(span) => Error::at(
                ErrorKind::DuplicateId,
                self.message.clone(),
                &self.file,
                span,
            ),
            None => Error::in_file(ErrorKind::DuplicateId, self.message.clone(), &self.file),
        }
    }
}

/// The field specs of a plugin config (`fieldSpecs`, read leniently).
fn plugin_specs(config: &Resource) -> Result<Vec<FieldSpec>> {
    let mut out = Vec::new();
    let list = config
        .node()
        .as_mapping()
        .and_then(|m| field(m, "fieldSpecs"))
        .and_then(Node::as_sequence);
    for f in list.map(Vec::as_slice).unwrap_or_default() {
        out.push(field_spec(
            config.origin(),
            f,
            Strictness::Lenient,
            "fieldSpecs",
        )?);
    }
    Ok(out)
}

/// The mapping of a plugin config (empty for a config that is not one).
fn plugin_mapping(config: &Resource) -> Mapping {
    config.node().as_mapping().cloned().unwrap_or_default()
}

/// Sets the namespace (api/filters/namespace).
pub(super) struct SetNamespace {
    namespace: String,
    specs: Vec<FieldSpec>,
    options: namespace::Options,
    conflict: Conflict,
}

impl SetNamespace {
    fn from_fields(
        _: &Builder<'_>,
        target: &Target,
        tc: &TransformerConfig,
    ) -> Result<Vec<Transformer>> {
        let k = &target.kustomization;
        let ns = typed_string(&k.file, &k.root, "namespace", "Kustomization.namespace")?;
        Ok(ns
            .filter(|s| !s.value.is_empty())
            .map(|ns| {
                Transformer::Namespace(SetNamespace {
                    conflict: Conflict::at(
                        "namespace transformation produces ID conflict",
                        &k.file,
                        ns.span,
                    ),
                    namespace: ns.value,
                    specs: tc.namespace.clone(),
                    options: namespace::Options::default(),
                })
            })
            .into_iter()
            .collect())
    }

    fn from_plugin(_: &Builder<'_>, _: &Target, config: &Resource) -> Result<Vec<Transformer>> {
        let file = config.origin();
        let m = plugin_mapping(config);
        let specs = plugin_specs(config)?;
        let ns = m
            .get("metadata")
            .and_then(Node::as_mapping)
            .map(|meta| text(file, meta, "namespace"))
            .transpose()?
            .unwrap_or_default();
        let mode = match text(file, &m, "setRoleBindingSubjects")?.as_str() {
            "" | "defaultOnly" => namespace::SubjectMode::DefaultOnly,
            "allServiceAccounts" => namespace::SubjectMode::AllServiceAccounts,
            "none" => namespace::SubjectMode::None,
            other => {
                return Err(Error::at(
                    ErrorKind::Kustomization,
                    format!(
                        "invalid value \"{other}\" for setRoleBindingSubjects: must be one of \"defaultOnly\", \"none\" or \"allServiceAccounts\""
                    ),
                    file,
                    config.node().span,
                ));
            }
        };
        let unset_only = field(&m, "unsetOnly").and_then(Node::as_str) == Some("true");
        if ns.is_empty() {
            return Ok(Vec::new());
        }
        Ok(vec![Transformer::Namespace(SetNamespace {
            namespace: ns,
            specs,
            options: namespace::Options { mode, unset_only },
            conflict: Conflict::of_plugin(config, "NamespaceTransformer"),
        })])
    }
}

/// Adds a name prefix or suffix (api/filters/prefix, api/filters/suffix).
pub(super) struct AddAffix {
    affix: name_affix::Affix,
    value: String,
    specs: Vec<FieldSpec>,
    conflict: Conflict,
}

impl AddAffix {
    fn from_fields(
        target: &Target,
        tc: &TransformerConfig,
        affix: name_affix::Affix,
    ) -> Result<Vec<Transformer>> {
        let k = &target.kustomization;
        let (name, specs) = match affix {
            name_affix::Affix::Prefix => ("namePrefix", &tc.name_prefix),
            name_affix::Affix::Suffix => ("nameSuffix", &tc.name_suffix),
        };
        let value = typed_string(&k.file, &k.root, name, &format!("Kustomization.{name}"))?;
        Ok(value
            .filter(|s| !s.value.is_empty())
            .map(|v| {
                Transformer::Affix(AddAffix {
                    affix,
                    conflict: Conflict::at(
                        format!("{name} produces a duplicate resource id"),
                        &k.file,
                        v.span,
                    ),
                    value: v.value,
                    specs: specs.clone(),
                })
            })
            .into_iter()
            .collect())
    }

    /// `PrefixTransformer`, `SuffixTransformer` and `PrefixSuffixTransformer` (prefix, then
    /// suffix), which kustomize refuses without `fieldSpecs`.
    fn from_plugin(_: &Builder<'_>, _: &Target, config: &Resource) -> Result<Vec<Transformer>> {
        let file = config.origin();
        let m = plugin_mapping(config);
        let specs = plugin_specs(config)?;
        let kind = config.id().gvk.kind.as_str();
        if field(&m, "fieldSpecs").is_none() {
            return Err(Error::at(
                ErrorKind::Kustomization,
                format!(
                    "plugin {} fails configuration: fieldSpecs is not expected to be nil",
                    config.org_id()
                ),
                file,
                config.node().span,
            ));
        }
        let affixes = [
            (name_affix::Affix::Prefix, "prefix", "SuffixTransformer"),
            (name_affix::Affix::Suffix, "suffix", "PrefixTransformer"),
        ];
        let mut out = Vec::new();
        for (affix, name, skipped_by) in affixes {
            if kind == skipped_by {
                continue;
            }
            out.push(Transformer::Affix(AddAffix {
                affix,
                value: text(file, &m, name)?,
                specs: specs.clone(),
                conflict: Conflict::of_plugin(config, kind),
            }));
        }
        Ok(out)
    }
}

/// Sets labels or annotations (api/filters/labels, api/filters/annotations).
pub(super) struct SetMetadata {
    pairs: Vec<(String, String)>,
    specs: Vec<FieldSpec>,
    conflict: Conflict,
}

impl SetMetadata {
    /// One instance per `labels:` entry, then one for `commonLabels`.
    fn labels_from_fields(
        _: &Builder<'_>,
        target: &Target,
        tc: &TransformerConfig,
    ) -> Result<Vec<Transformer>> {
        let k = &target.kustomization;
        let mut out = Vec::new();
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
            out.push(Transformer::Metadata(SetMetadata {
                pairs: label.pairs,
                specs,
                conflict: Conflict::at(
                    "labels produce a duplicate resource id",
                    &k.file,
                    label.span,
                ),
            }));
        }
        out.push(Transformer::Metadata(SetMetadata {
            pairs: string_map(
                &k.file,
                &k.root,
                "commonLabels",
                "Kustomization.commonLabels",
            )?,
            specs: tc.common_labels.clone(),
            conflict: Conflict::at_field(
                "commonLabels produce a duplicate resource id",
                k,
                "commonLabels",
            ),
        }));
        Ok(out)
    }

    fn annotations_from_fields(
        _: &Builder<'_>,
        target: &Target,
        tc: &TransformerConfig,
    ) -> Result<Vec<Transformer>> {
        let k = &target.kustomization;
        Ok(vec![Transformer::Metadata(SetMetadata {
            pairs: string_map(
                &k.file,
                &k.root,
                "commonAnnotations",
                "Kustomization.commonAnnotations",
            )?,
            specs: tc.common_annotations.clone(),
            conflict: Conflict::at_field(
                "commonAnnotations produce a duplicate resource id",
                k,
                "commonAnnotations",
            ),
        })])
    }

    /// `LabelTransformer` (`labels:`) and `AnnotationsTransformer` (`annotations:`).
    fn from_plugin(_: &Builder<'_>, _: &Target, config: &Resource) -> Result<Vec<Transformer>> {
        let specs = plugin_specs(config)?;
        let kind = config.id().gvk.kind.as_str();
        let key = if kind == "LabelTransformer" {
            "labels"
        } else {
            "annotations"
        };
        let m = plugin_mapping(config);
        Ok(vec![Transformer::Metadata(SetMetadata {
            pairs: string_map(config.origin(), &m, key, &format!("Kustomization.{key}"))?,
            specs,
            conflict: Conflict::of_plugin(config, kind),
        })])
    }
}

/// Sets an image's name, tag or digest (api/filters/imagetag).
pub(super) struct SetImage {
    image: CompiledImage,
    specs: Vec<FieldSpec>,
    conflict: Conflict,
}

impl SetImage {
    /// One instance per `images` (then `imageTags`) entry.
    fn from_fields(
        _: &Builder<'_>,
        target: &Target,
        tc: &TransformerConfig,
    ) -> Result<Vec<Transformer>> {
        let k = &target.kustomization;
        Ok(image_rules(k)?
            .into_iter()
            .map(|(rule, span)| {
                Transformer::Image(SetImage {
                    image: CompiledImage::new(rule),
                    specs: tc.images.clone(),
                    conflict: Conflict::at("images produce a duplicate resource id", &k.file, span),
                })
            })
            .collect())
    }

    fn from_plugin(_: &Builder<'_>, _: &Target, config: &Resource) -> Result<Vec<Transformer>> {
        let file = config.origin();
        let specs = plugin_specs(config)?;
        let m = plugin_mapping(config);
        let tag = m.get("imageTag").and_then(Node::as_mapping);
        let s = |k: &str| -> Result<String> {
            match tag {
                Some(t) => text(file, t, k),
                None => Ok(String::new()),
            }
        };
        Ok(vec![Transformer::Image(SetImage {
            image: CompiledImage::new(ImageRule {
                name: s("name")?,
                new_name: s("newName")?,
                new_tag: s("newTag")?,
                digest: s("digest")?,
                tag_suffix: s("tagSuffix")?,
            }),
            specs,
            conflict: Conflict::of_plugin(config, "ImageTagTransformer"),
        })])
    }
}

/// Sets the replica count of the resources of one name (api/filters/replicacount).
pub(super) struct SetReplicas {
    name: String,
    count: i64,
    specs: Vec<FieldSpec>,
    /// Where errors point: the `replicas` entry or the plugin config.
    file: Arc<SourceFile>,
    span: Span,
}

impl SetReplicas {
    fn from_fields(
        _: &Builder<'_>,
        target: &Target,
        tc: &TransformerConfig,
    ) -> Result<Vec<Transformer>> {
        let k = &target.kustomization;
        Ok(replica_rules(k)?
            .into_iter()
            .map(|((name, count), span)| {
                Transformer::Replicas(SetReplicas {
                    name,
                    count,
                    specs: tc.replicas.clone(),
                    file: Arc::clone(&k.file),
                    span,
                })
            })
            .collect())
    }

    fn from_plugin(_: &Builder<'_>, _: &Target, config: &Resource) -> Result<Vec<Transformer>> {
        let file = config.origin();
        let specs = plugin_specs(config)?;
        let m = plugin_mapping(config);
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
        Ok(vec![Transformer::Replicas(SetReplicas {
            name,
            count,
            specs,
            file: Arc::clone(file),
            span: config.node().span,
        })])
    }

    fn apply(&self, acc: &mut ResourceMap) -> Result<()> {
        let mut found = false;
        let mut failure = None;
        acc.update_all(|r| {
            if failure.is_some() {
                return;
            }
            match replicas::apply(std::slice::from_mut(r), &self.name, self.count, &self.specs) {
                Ok(f) => found |= f,
                Err(e) => failure = Some(walk_error(r, e)),
            }
        })
        .map_err(|r| {
            Error::at(
                ErrorKind::DuplicateId,
                format!(
                    "may not add resource with an already registered id: {}",
                    r.id()
                ),
                &self.file,
                self.span,
            )
        })?;
        if let Some(e) = failure {
            return Err(e);
        }
        if found {
            return Ok(());
        }
        // ReplicaCountTransformer.go prints the GVKs of its field specs with `%v`.
        let gvks: Vec<String> = self
            .specs
            .iter()
            .map(|s| {
                Gvk {
                    group: s.group.clone(),
                    version: s.version.clone(),
                    kind: s.kind.clone(),
                }
                .to_string()
            })
            .collect();
        Err(Error::at(
            ErrorKind::Kustomization,
            format!(
                "resource with name {} does not match a config with the following GVK [{}]",
                self.name,
                gvks.join(" ")
            ),
            &self.file,
            self.span,
        ))
    }
}

/// Which patch field (or plugin) a [`Patches`] runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum PatchField {
    /// `patchesStrategicMerge`, `PatchStrategicMergeTransformer`.
    StrategicMerge,
    /// `patches`, `PatchTransformer`.
    Patches,
    /// `patchesJson6902`, `PatchJson6902Transformer`.
    Json6902,
}

/// Patches: a kustomization's patch field, or a plugin's config recast as one entry of it,
/// so one reader handles both. Entries are read as they run, since they load files.
pub(super) struct Patches {
    source: Arc<Kustomization>,
    field: PatchField,
}

impl Patches {
    fn field(target: &Target, field: PatchField) -> Vec<Transformer> {
        vec![Transformer::Patches(Patches {
            source: Arc::clone(&target.kustomization),
            field,
        })]
    }

    fn plugin(config: &Resource, field: PatchField) -> Vec<Transformer> {
        let Some(map) =
            patches::plugin_as_kustomization(config).and_then(|n| n.as_mapping().cloned())
        else {
            return Vec::new();
        };
        vec![Transformer::Patches(Patches {
            source: Arc::new(Kustomization::synthetic(config.origin(), map)),
            field,
        })]
    }
}

/// `replacements` (api/filters/replacement), inline entries and `path:` files read.
pub(super) struct Replacements {
    list: Vec<Replacement>,
    /// The `replacements` node, where a duplicate id points.
    file: Arc<SourceFile>,
    span: Span,
}

impl Replacements {
    fn from_fields(
        b: &Builder<'_>,
        target: &Target,
        _: &TransformerConfig,
    ) -> Result<Vec<Transformer>> {
        Replacements::read(b, &target.dir, &target.kustomization)
    }

    /// The plugin's `replacements:` are read like the kustomization field.
    fn from_plugin(
        b: &Builder<'_>,
        target: &Target,
        config: &Resource,
    ) -> Result<Vec<Transformer>> {
        let mut m = Mapping::new();
        if let Some(r) = config.node().get_path(&["replacements"]) {
            m.insert("replacements", r.clone());
        }
        let k = Kustomization::synthetic(config.origin(), m);
        Replacements::read(b, &target.dir, &k)
    }

    fn read(b: &Builder<'_>, dir: &std::path::Path, k: &Kustomization) -> Result<Vec<Transformer>> {
        let Some(n) = k.field("replacements").filter(|n| !n.is_null()) else {
            return Ok(Vec::new());
        };
        let mut list = Vec::new();
        for entry in replacements::parse_replacements(n, &k.file)? {
            match entry {
                replacements::ReplacementEntry::Inline(r) => list.push(*r),
                replacements::ReplacementEntry::Path(p) => {
                    let path = crate::fs::clean(&dir.join(&p.value));
                    let file = b
                        .loader
                        .load_restricted(dir, &path)
                        .map_err(|e| e.with_location(Location::new(&k.file, p.span)))?;
                    let docs = b.loader.parse(&file, Default::default())?;
                    let first = docs.iter().find(|d| !d.is_empty).map(|d| &d.root);
                    list.extend(replacements::parse_replacement_file(first, &file)?);
                }
            }
        }
        Ok(vec![Transformer::Replacements(Replacements {
            list,
            file: Arc::clone(&k.file),
            span: n.span,
        })])
    }

    fn apply(&self, b: &Builder<'_>, acc: &mut ResourceMap) -> Result<()> {
        let mut all = std::mem::take(acc).into_resources();
        let loader = &b.loader;
        let result = replacements::apply_budgeted(
            &mut all,
            &self.list,
            &|r| r.history().prev_ids.clone(),
            &mut |n| loader.charge(Budget::Nodes, n),
        );
        acc.replace_all(all).map_err(|r| {
            Error::at(
                ErrorKind::DuplicateId,
                format!(
                    "may not add resource with an already registered id: {}",
                    r.id()
                ),
                &self.file,
                self.span,
            )
        })?;
        result
    }
}

#[cfg(test)]
mod tests {
    use super::BUILTINS;

    const CONFIG_MAP: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n";
    const DEPLOYMENT: &str =
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  replicas: 1\n";

    fn render(kustomization: &str, resources: &str, plugin: Option<&str>) -> String {
        let mut fs = crate::MemoryFs::new()
            .with_file("/k/kustomization.yaml", kustomization)
            .with_file("/k/r.yaml", resources);
        if let Some(p) = plugin {
            fs = fs.with_file("/k/t.yaml", p);
        }
        let opts = crate::RenderOptions::new().reorder(crate::Reorder::None);
        match crate::Renderer::new(opts).render(&fs, "/k") {
            Ok(out) => out.to_yaml().unwrap_or_else(|e| e.to_string()),
            Err(e) => e.to_string(),
        }
    }

    /// A kustomization field and the plugin config kustomize makes of it run the same
    /// transformer: each case renders both ways, and both must show the change.
    #[test]
    fn a_field_and_its_plugin_config_render_alike() {
        let cases = [
            (
                "namespace: ns\n",
                "apiVersion: builtin\nkind: NamespaceTransformer\nmetadata:\n  name: t\n  \
                 namespace: ns\nfieldSpecs:\n- path: metadata/namespace\n  create: true\n",
                CONFIG_MAP,
                "namespace: ns",
            ),
            (
                "namePrefix: p-\nnameSuffix: -s\n",
                "apiVersion: builtin\nkind: PrefixSuffixTransformer\nmetadata:\n  name: t\n\
                 prefix: p-\nsuffix: -s\nfieldSpecs:\n- path: metadata/name\n",
                CONFIG_MAP,
                "name: p-a-s",
            ),
            (
                "commonAnnotations:\n  team: web\n",
                "apiVersion: builtin\nkind: AnnotationsTransformer\nmetadata:\n  name: t\n\
                 annotations:\n  team: web\nfieldSpecs:\n- path: metadata/annotations\n  create: true\n",
                CONFIG_MAP,
                "team: web",
            ),
            (
                "labels:\n- pairs:\n    team: web\n",
                "apiVersion: builtin\nkind: LabelTransformer\nmetadata:\n  name: t\n\
                 labels:\n  team: web\nfieldSpecs:\n- path: metadata/labels\n  create: true\n",
                CONFIG_MAP,
                "team: web",
            ),
            (
                "replicas:\n- name: d\n  count: 3\n",
                "apiVersion: builtin\nkind: ReplicaCountTransformer\nmetadata:\n  name: t\n\
                 replica:\n  name: d\n  count: 3\nfieldSpecs:\n- path: spec/replicas\n  \
                 kind: Deployment\n  create: true\n",
                DEPLOYMENT,
                "replicas: 3",
            ),
        ];
        for (fields, plugin, resources, marker) in cases {
            let by_field = render(&format!("resources:\n- r.yaml\n{fields}"), resources, None);
            let by_plugin = render(
                "resources:\n- r.yaml\ntransformers:\n- t.yaml\n",
                resources,
                Some(plugin),
            );
            assert!(by_field.contains(marker), "{fields}: {by_field}");
            assert_eq!(by_field, by_plugin, "{fields}");
        }
    }

    #[test]
    fn each_kind_has_one_row() {
        for (i, b) in BUILTINS.iter().enumerate() {
            let later = BUILTINS.iter().skip(i + 1);
            assert!(later.into_iter().all(|o| o.kind != b.kind), "{}", b.kind);
        }
    }

    /// Messages checked against `kubectl kustomize` v5.5.
    #[test]
    fn a_builtin_kind_without_a_row_is_refused_by_name() {
        let plugin = "apiVersion: builtin\nkind: NoSuchTransformer\nmetadata:\n  name: t\n";
        let out = render(
            "resources:\n- r.yaml\ntransformers:\n- t.yaml\n",
            CONFIG_MAP,
            Some(plugin),
        );
        assert!(
            out.contains("unable to load builtin NoSuchTransformer.builtin.[noGrp]"),
            "{out}"
        );
        // The plugin lists its field specs' GVKs like the field does.
        let plugin = "apiVersion: builtin\nkind: ReplicaCountTransformer\nmetadata:\n  name: t\n\
                      replica:\n  name: zz\n  count: 3\nfieldSpecs:\n- path: spec/replicas\n  \
                      kind: Deployment\n  create: true\n";
        let out = render(
            "resources:\n- r.yaml\ntransformers:\n- t.yaml\n",
            CONFIG_MAP,
            Some(plugin),
        );
        assert!(
            out.contains(
                "resource with name zz does not match a config with the following GVK \
                 [Deployment.[noVer].[noGrp]]"
            ),
            "{out}"
        );
    }
}
