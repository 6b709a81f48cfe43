//! The transformer configuration: for each builtin transformer, the field specs it acts on,
//! starting from kustomize's defaults and extended by `configurations:` and `crds:`
//! (kustomize's `builtinconfig.TransformerConfig`).

use crate::resource::Gvk;
use crate::schema::{self, FieldSpec as StaticSpec};
use crate::transform::field_spec::FieldSpec;

/// A kind that is referred to by name, and the fields where its names appear.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct NameBackRef {
    /// The referred-to kind (group and version empty = any).
    pub gvk: Gvk,
    /// Where referrers hold its names.
    pub referrers: Vec<FieldSpec>,
}

/// Field specs per builtin transformer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct TransformerConfig {
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
    /// Returns kustomize's default configuration, sorted as kustomize sorts it when it
    /// loads it (`MakeDefaultConfig`).
    pub(crate) fn builtin() -> TransformerConfig {
        let mut tc = TransformerConfig::builtin_unsorted();
        tc.sort();
        tc
    }

    fn builtin_unsorted() -> TransformerConfig {
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

    /// Returns `self` merged with `other` as kustomize's `TransformerConfig.Merge` does: each
    /// incoming spec is added unless an existing one is "effectively equal" (the existing
    /// spec's GVK is selected by the incoming one's and the paths agree), then every list is
    /// sorted by GVK. Because a generic spec is swallowed by a more specific one sorted before
    /// it, a `configurations:` entry for one kind can hide a default for all kinds; kustomize
    /// behaves so (its TestIssue4884 expects it). Differing `create` flags conflict.
    pub(crate) fn merged(&self, other: &TransformerConfig) -> Result<TransformerConfig, String> {
        let mut out = TransformerConfig {
            name_prefix: merge_list(&self.name_prefix, &other.name_prefix, "NamePrefix")?,
            name_suffix: merge_list(&self.name_suffix, &other.name_suffix, "NameSuffix")?,
            namespace: merge_list(&self.namespace, &other.namespace, "NameSpace")?,
            common_labels: merge_list(&self.common_labels, &other.common_labels, "CommonLabels")?,
            template_labels: merge_list(
                &self.template_labels,
                &other.template_labels,
                "TemplateLabels",
            )?,
            volume_claim_template_labels: merge_list(
                &self.volume_claim_template_labels,
                &other.volume_claim_template_labels,
                "VolumeClaimTemplateLabels",
            )?,
            labels: merge_list(&self.labels, &other.labels, "Labels")?,
            common_annotations: merge_list(
                &self.common_annotations,
                &other.common_annotations,
                "CommonAnnotations",
            )?,
            images: merge_list(&self.images, &other.images, "Images")?,
            replicas: merge_list(&self.replicas, &other.replicas, "Replicas")?,
            var_reference: merge_list(&self.var_reference, &other.var_reference, "VarReference")?,
            name_reference: self.name_reference.clone(),
        };
        for b in &other.name_reference {
            match out.name_reference.iter_mut().find(|x| x.gvk == b.gvk) {
                Some(x) => {
                    x.referrers = merge_list(&x.referrers, &b.referrers, "NameReference")?;
                }
                None => out.name_reference.push(b.clone()),
            }
        }
        out.sort();
        Ok(out)
    }

    /// Sorts every list by GVK (builtinconfig `sortFields`; kustomize's sort is unstable,
    /// ours keeps equal GVKs in order).
    pub(crate) fn sort(&mut self) {
        for list in [
            &mut self.name_prefix,
            &mut self.name_suffix,
            &mut self.namespace,
            &mut self.common_labels,
            &mut self.template_labels,
            &mut self.volume_claim_template_labels,
            &mut self.labels,
            &mut self.common_annotations,
            &mut self.images,
            &mut self.replicas,
            &mut self.var_reference,
        ] {
            // Keys computed once per spec: a comparison formats two strings otherwise, and
            // every kustomization of a build merges (and so sorts) the defaults again.
            // sort_by_cached_key is stable, like sort_by.
            list.sort_by_cached_key(|a| gvk_key(&spec_gvk(a)));
        }
        self.name_reference.sort_by_cached_key(|a| gvk_key(&a.gvk));
    }
}

fn spec_gvk(s: &FieldSpec) -> Gvk {
    Gvk {
        group: s.group.clone(),
        version: s.version.clone(),
        kind: s.kind.clone(),
    }
}

/// kustomize's `Gvk.IsLessThan` as a sort key: kind rank in the legacy order, then
/// `group_version_kind` with `~` placeholders.
fn gvk_key(g: &Gvk) -> (i64, String) {
    (crate::sort::gvk_rank(g), crate::sort::gvk_sort_string(g))
}

/// Returns true if the spec's GVK is selected by `selector` (empty parts match anything).
fn selected_by(spec: &FieldSpec, selector: &FieldSpec) -> bool {
    (selector.group.is_empty() || selector.group == spec.group)
        && (selector.version.is_empty() || selector.version == spec.version)
        && (selector.kind.is_empty() || selector.kind == spec.kind)
}

fn merge_list(
    base: &[FieldSpec],
    extra: &[FieldSpec],
    what: &str,
) -> Result<Vec<FieldSpec>, String> {
    let mut out = base.to_vec();
    // Positions in `out` by path, so a spec is compared only with those of its path (in
    // order, so the first match is kustomize's); merging the defaults into a config that
    // already holds them is linear, not quadratic, for every kustomization of a build.
    let mut by_path: std::collections::HashMap<&str, Vec<usize>> = std::collections::HashMap::new();
    for (i, e) in base.iter().enumerate() {
        by_path.entry(e.path.as_str()).or_default().push(i);
    }
    for x in extra {
        let found = by_path.get(x.path.as_str()).and_then(|at| {
            at.iter()
                .filter_map(|&i| out.get(i))
                .find(|e| selected_by(e, x))
        });
        match found {
            Some(e) if e.create != x.create => {
                return Err(format!(
                    "failed to merge {what} fieldSpec: conflicting fieldspecs"
                ));
            }
            Some(_) => {}
            None => {
                by_path.entry(x.path.as_str()).or_default().push(out.len());
                out.push(x.clone());
            }
        }
    }
    Ok(out)
}

/// Merges `extra` into a field-spec list the way `FsSlice.MergeAll` does (no sorting), for
/// the per-entry lists of `labels:`.
pub(crate) fn merge_specs(dst: &mut Vec<FieldSpec>, extra: &[FieldSpec]) {
    for s in extra {
        if !dst.iter().any(|d| selected_by(d, s) && d.path == s.path) {
            dst.push(s.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    //! Merging `configurations:` into the defaults. Expected outputs are `kubectl kustomize`
    //! (v5.5) on `resources: [r.yaml]`, `namePrefix: p-` and `configurations: [conf.yaml]`
    //! holding the case's `namePrefix` specs, as kustomize's
    //! api/internal/plugins/builtinconfig/transformerconfig_test.go merges them.

    use super::*;
    use crate::transform::name_affix::{Affix, apply};
    use crate::transform::testutil::{builtin, print, resources};

    fn spec(kind: &str, path: &str, create: bool) -> FieldSpec {
        FieldSpec {
            kind: kind.to_owned(),
            ..FieldSpec::any(path, create)
        }
    }

    #[test]
    fn table() {
        type Case<'a> = (&'a str, &'a str, Vec<FieldSpec>, Result<&'a str, &'a str>);
        let cases: Vec<Case> = vec![
            (
                "a default repeated is merged, not doubled",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n",
                vec![spec("", "metadata/name", false)],
                Ok("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: p-cm\n"),
            ),
            (
                "kind-specific specs are added, creating fields when asked",
                "apiVersion: example.com/v1\nkind: MyKind\nmetadata:\n  name: mk\nspec:\n  other: x\n",
                vec![
                    spec("MyKind", "spec/ref", true),
                    spec("MyKind", "spec/other", false),
                ],
                Ok(
                    "apiVersion: example.com/v1\nkind: MyKind\nmetadata:\n  name: p-mk\nspec:\n  other: p-x\n  ref: p-\n",
                ),
            ),
            (
                "a default with another create flag conflicts",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n",
                vec![spec("", "metadata/name", true)],
                Err("failed to merge NamePrefix fieldSpec: conflicting fieldspecs"),
            ),
        ];
        for (case, input, extra, want) in cases {
            let other = TransformerConfig {
                name_prefix: extra,
                ..TransformerConfig::default()
            };
            let merged = builtin().merged(&other);
            match (merged, want) {
                (Ok(config), Ok(want)) => {
                    let mut rs = resources(input);
                    for r in &mut rs {
                        apply(r, Affix::Prefix, "p-", &config.name_prefix).unwrap();
                    }
                    assert_eq!(print(&rs), want, "{case}");
                }
                (Err(e), Err(want)) => assert_eq!(e, want, "{case}"),
                (got, want) => panic!("{case}: got {got:?}, want {want:?}"),
            }
        }
    }
}
