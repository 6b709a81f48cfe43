//! The transformer configuration: for each builtin transformer, the field specs it acts on,
//! starting from kustomize's defaults and extended by `configurations:` and `crds:`
//! (kustomize's `builtinconfig.TransformerConfig`).

use crate::resource::Gvk;
use crate::schema::{self, FieldSpec as StaticSpec};
use crate::transform::field_spec::FieldSpec;

/// A kind that is referred to by name, and the fields where its names appear.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameBackRef {
    /// The referred-to kind (group and version empty = any).
    pub gvk: Gvk,
    /// Where referrers hold its names.
    pub referrers: Vec<FieldSpec>,
}

/// Field specs per builtin transformer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TransformerConfig {
    /// `namePrefix`.
    pub name_prefix: Vec<FieldSpec>,
    /// `nameSuffix`.
    pub name_suffix: Vec<FieldSpec>,
    /// `namespace`.
    pub namespace: Vec<FieldSpec>,
    /// `commonLabels` (metadata, selectors, templates).
    pub common_labels: Vec<FieldSpec>,
    /// `templateLabels` (`labels[].includeTemplates`).
    pub template_labels: Vec<FieldSpec>,
    /// `labels[].includeVolumeClaimTemplates`.
    pub volume_claim_template_labels: Vec<FieldSpec>,
    /// `labels` from `configurations:` (added to every `labels:` entry).
    pub labels: Vec<FieldSpec>,
    /// `commonAnnotations`.
    pub common_annotations: Vec<FieldSpec>,
    /// `images`.
    pub images: Vec<FieldSpec>,
    /// `replicas`.
    pub replicas: Vec<FieldSpec>,
    /// `varReference`.
    pub var_reference: Vec<FieldSpec>,
    /// `nameReference`.
    pub name_reference: Vec<NameBackRef>,
}

fn owned(specs: &[StaticSpec]) -> Vec<FieldSpec> {
    specs
        .iter()
        .map(|s| FieldSpec {
            group: s.group.to_owned(),
            version: s.version.to_owned(),
            kind: s.kind.to_owned(),
            path: s.path.to_owned(),
            create: s.create,
        })
        .collect()
}

impl TransformerConfig {
    /// Returns kustomize's default configuration.
    pub fn builtin() -> TransformerConfig {
        let d = schema::default_field_specs();
        TransformerConfig {
            name_prefix: owned(d.name_prefix),
            name_suffix: owned(d.name_suffix),
            namespace: owned(d.namespace),
            common_labels: owned(d.common_labels),
            template_labels: owned(d.template_labels),
            volume_claim_template_labels: owned(d.volume_claim_template_labels),
            labels: Vec::new(),
            common_annotations: owned(d.common_annotations),
            images: owned(d.images),
            replicas: owned(d.replicas),
            var_reference: owned(d.var_reference),
            name_reference: d
                .name_reference
                .iter()
                .map(|n| NameBackRef {
                    gvk: Gvk {
                        group: n.group.to_owned(),
                        version: n.version.to_owned(),
                        kind: n.kind.to_owned(),
                    },
                    referrers: owned(n.field_specs),
                })
                .collect(),
        }
    }

    /// Adds `other`'s specs, skipping exact duplicates (kustomize's `TransformerConfig.Merge`).
    pub fn merge(&mut self, other: &TransformerConfig) {
        fn add(dst: &mut Vec<FieldSpec>, src: &[FieldSpec]) {
            for s in src {
                if !dst.contains(s) {
                    dst.push(s.clone());
                }
            }
        }
        add(&mut self.name_prefix, &other.name_prefix);
        add(&mut self.name_suffix, &other.name_suffix);
        add(&mut self.namespace, &other.namespace);
        add(&mut self.common_labels, &other.common_labels);
        add(&mut self.template_labels, &other.template_labels);
        add(
            &mut self.volume_claim_template_labels,
            &other.volume_claim_template_labels,
        );
        add(&mut self.labels, &other.labels);
        add(&mut self.common_annotations, &other.common_annotations);
        add(&mut self.images, &other.images);
        add(&mut self.replicas, &other.replicas);
        add(&mut self.var_reference, &other.var_reference);
        for b in &other.name_reference {
            match self.name_reference.iter_mut().find(|x| x.gvk == b.gvk) {
                Some(x) => add(&mut x.referrers, &b.referrers),
                None => self.name_reference.push(b.clone()),
            }
        }
    }
}

/// Merges `extra` into a field-spec list without duplicates (kustomize's `FsSlice.MergeAll`).
pub fn merge_specs(dst: &mut Vec<FieldSpec>, extra: &[FieldSpec]) {
    for s in extra {
        if !dst.iter().any(|d| same_target(d, s)) {
            dst.push(s.clone());
        }
    }
}

fn same_target(a: &FieldSpec, b: &FieldSpec) -> bool {
    a.group == b.group && a.version == b.version && a.kind == b.kind && a.path == b.path
}
