//! kustomize's default field specs: where each builtin transformer looks in each kind.
//!
//! The data is `GetDefaultFieldSpecs()` (api/internal/konfig/builtinpluginconsts/defaultconfig.go
//! at master, which the conformance corpus expects), one list per category in the order the
//! file has it.
//!
//! kustomize does not use that order as is: `makeTransformerConfigFromBytes`
//! (api/internal/plugins/builtinconfig/transformerconfig.go) runs `sortFields`, a Go `sort.Sort`
//! (unstable) of every list by `Gvk.IsLessThan`, and sorts again after merging
//! `configurations:`. These tables keep the file order, the input of that sort; reproducing
//! kustomize's order where it is observable is the caller's business.

use super::generated::field_specs::DEFAULT_FIELD_SPECS;

/// Where a transformer acts: resources matching `group`/`version`/`kind` (an empty string
/// matches anything), at `path`.
///
/// `path` is kustomize's text: segments split on `/`, `\/` is a literal `/` (annotation keys
/// such as `metadata/annotations/nginx.ingress.kubernetes.io\/auth-secret`), and `[]` marks a
/// list, though lists are walked without it too (`spec/volumes/configMap/name`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct FieldSpec {
    /// API group, e.g. `"apps"`; `""` matches any group (the core group cannot be selected).
    pub group: &'static str,
    /// API version, e.g. `"v1"`; `""` matches any version.
    pub version: &'static str,
    /// Kind, e.g. `"Deployment"`; `""` matches any kind.
    pub kind: &'static str,
    /// The field path, unparsed (see the type's documentation).
    pub path: &'static str,
    /// Whether the transformer creates the field when it is missing.
    pub create: bool,
}

/// One `nameReference` entry: a referenced kind and the fields that hold names of objects of
/// that kind, which the name-reference fix-up rewrites after renames.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct NameReference {
    /// The referenced kind, e.g. `"ConfigMap"`.
    pub kind: &'static str,
    /// The referenced group; `""` matches any. Kept verbatim, including the upstream typo
    /// `networking.k8s.io/v1` for `IngressClass`, which therefore never matches (reproduced on
    /// purpose: fieldspecs/examples/01-ingressclass-nameref-not-updated).
    pub group: &'static str,
    /// The referenced version; `""` matches any.
    pub version: &'static str,
    /// The referrers: where names of the referenced kind appear.
    pub field_specs: &'static [FieldSpec],
}

/// kustomize's default transformer configuration (`builtinconfig.TransformerConfig` as
/// `MakeDefaultConfig` loads it), one list per category of `defaultconfig.yaml`, each in file
/// order.
///
/// Fields appear in the file's order. Built only by the generated table; read it through
/// [`default_field_specs`].
#[derive(Debug)]
#[non_exhaustive]
pub(crate) struct DefaultFieldSpecs {
    /// `namePrefix`: where the prefix goes.
    pub name_prefix: &'static [FieldSpec],
    /// `nameSuffix`: where the suffix goes.
    pub name_suffix: &'static [FieldSpec],
    /// `commonLabels`: metadata labels, selectors and template labels.
    pub common_labels: &'static [FieldSpec],
    /// `templateLabels`: metadata and pod-template labels, without selectors (the `labels:`
    /// field with `includeTemplates`).
    pub template_labels: &'static [FieldSpec],
    /// `volumeClaimTemplateLabels`: StatefulSet `volumeClaimTemplates` labels, a separate
    /// constant at master (v5.6.0–v5.8.1 had them inside `templateLabels`).
    pub volume_claim_template_labels: &'static [FieldSpec],
    /// `commonAnnotations`: metadata and pod-template annotations.
    pub common_annotations: &'static [FieldSpec],
    /// `namespace`: fields besides `metadata/namespace` that the namespace transformer sets.
    pub namespace: &'static [FieldSpec],
    /// `varReference`: where `$(VAR)` references are expanded.
    pub var_reference: &'static [FieldSpec],
    /// `nameReference`: referenced kinds and their referrers.
    pub name_reference: &'static [NameReference],
    /// `images`: image fields of pod specs.
    pub images: &'static [FieldSpec],
    /// `replicas`: replica counts.
    pub replicas: &'static [FieldSpec],
}

/// Returns kustomize's default field specs (see [`DefaultFieldSpecs`]).
pub(crate) fn default_field_specs() -> &'static DefaultFieldSpecs {
    &DEFAULT_FIELD_SPECS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(
        group: &'static str,
        kind: &'static str,
        path: &'static str,
        create: bool,
    ) -> FieldSpec {
        FieldSpec {
            group,
            version: "",
            kind,
            path,
            create,
        }
    }

    /// Lengths per category, counted in defaultconfig.yaml (`- path:` lines under each key;
    /// `- kind:` and `  - path:` lines under nameReference).
    #[test]
    fn category_sizes_match_defaultconfig() {
        let d = default_field_specs();
        let sizes = [
            ("namePrefix", d.name_prefix.len(), 1),
            ("nameSuffix", d.name_suffix.len(), 1),
            ("commonLabels", d.common_labels.len(), 32),
            ("templateLabels", d.template_labels.len(), 9),
            (
                "volumeClaimTemplateLabels",
                d.volume_claim_template_labels.len(),
                1,
            ),
            ("commonAnnotations", d.common_annotations.len(), 9),
            ("namespace", d.namespace.len(), 3),
            ("varReference", d.var_reference.len(), 72),
            ("nameReference", d.name_reference.len(), 16),
            (
                "nameReference fieldSpecs",
                d.name_reference.iter().map(|r| r.field_specs.len()).sum(),
                167,
            ),
            ("images", d.images.len(), 6),
            ("replicas", d.replicas.len(), 4),
        ];
        for (name, actual, expected) in sizes {
            assert_eq!(actual, expected, "{name}");
        }
    }

    #[test]
    fn lists_start_as_the_file_does() {
        let d = default_field_specs();
        assert_eq!(d.name_prefix, [spec("", "", "metadata/name", false)]);
        assert_eq!(d.name_suffix, [spec("", "", "metadata/name", false)]);
        assert_eq!(
            d.common_labels[0],
            FieldSpec {
                version: "v1",
                ..spec("", "Service", "spec/selector", true)
            }
        );
        assert_eq!(
            d.common_labels[2],
            spec("", "Deployment", "spec/selector/matchLabels", true)
        );
        // At master the volumeClaimTemplates entry is the last commonLabels entry and has its
        // own category; templateLabels no longer has it.
        let vct = spec(
            "apps",
            "StatefulSet",
            "spec/volumeClaimTemplates[]/metadata/labels",
            true,
        );
        assert_eq!(d.common_labels.last(), Some(&vct));
        assert_eq!(d.volume_claim_template_labels, [vct]);
        assert!(!d.template_labels.contains(&vct));
        assert_eq!(d.template_labels[0], spec("", "", "metadata/labels", true));
        assert_eq!(d.namespace[0], spec("", "Namespace", "metadata/name", true));
        assert_eq!(
            d.namespace[2],
            spec(
                "apiextensions.k8s.io",
                "CustomResourceDefinition",
                "spec/conversion/webhook/clientConfig/service/namespace",
                false
            )
        );
        assert_eq!(d.images[0], spec("", "", "spec/containers[]/image", true));
        assert_eq!(
            d.images[2],
            spec("", "", "spec/volumes[]/image/reference", true)
        );
        assert_eq!(d.replicas[0], spec("", "Deployment", "spec/replicas", true));
    }

    #[test]
    fn name_references_keep_file_order_and_quirks() {
        let refs = default_field_specs().name_reference;
        assert_eq!(refs[0].kind, "Deployment");
        assert_eq!(
            refs[0].field_specs,
            [spec(
                "",
                "HorizontalPodAutoscaler",
                "spec/scaleTargetRef/name",
                false
            )]
        );
        let config_map = refs
            .iter()
            .find(|r| r.kind == "ConfigMap")
            .expect("ConfigMap");
        assert_eq!((config_map.group, config_map.version), ("", "v1"));
        assert_eq!(
            config_map.field_specs[0],
            FieldSpec {
                version: "v1",
                ..spec("", "Pod", "spec/volumes/configMap/name", false)
            }
        );
        let ingress_class = refs
            .iter()
            .find(|r| r.kind == "IngressClass")
            .expect("IngressClass");
        assert_eq!(ingress_class.group, "networking.k8s.io/v1");
        assert_eq!(ingress_class.version, "v1");
        assert_eq!(
            refs.last().map(|r| r.kind),
            Some("ValidatingAdmissionPolicy")
        );
        // Escaped slashes stay as written.
        let secret = refs.iter().find(|r| r.kind == "Secret").expect("Secret");
        assert!(
            secret
                .field_specs
                .iter()
                .any(|s| s.path == r"metadata/annotations/nginx.ingress.kubernetes.io\/auth-secret")
        );
    }
}
