//! kustomize's field order for a kustomization file, used to place a field an edit creates.
//!
//! The list is `determineFieldOrder` in kustomize/commands/internal/kustfile/kustomizationfile.go,
//! with the Go field names turned into their YAML keys. kustomize appends new fields after all
//! existing ones in this order; here a new field goes right after the last existing field that
//! precedes it in this order, so a file already in kustomize's order stays in it.

/// The YAML keys of a kustomization in kustomize's marshalling order.
const ORDER: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata",
    "sortOptions",
    "resources",
    "bases",
    "namePrefix",
    "nameSuffix",
    "namespace",
    "crds",
    "commonLabels",
    "labels",
    "commonAnnotations",
    "patchesStrategicMerge",
    "patchesJson6902",
    "patches",
    "configMapGenerator",
    "secretGenerator",
    "helmCharts",
    "helmChartInflationGenerator",
    "helmGlobals",
    "generatorOptions",
    "vars",
    "images",
    "replacements",
    "replicas",
    "configurations",
    "generators",
    "transformers",
    "validators",
    "components",
    "openapi",
    "buildMetadata",
];

/// Returns the position of the top-level key `key` in kustomize's order, if it is a known
/// field.
pub(crate) fn rank(key: &str) -> Option<usize> {
    ORDER.iter().position(|k| *k == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_fields_rank_in_kustomize_order() {
        assert!(rank("resources") < rank("namePrefix"));
        assert!(rank("images") < rank("replicas"));
        assert!(rank("components") < rank("buildMetadata"));
        assert_eq!(rank("notAField"), None);
    }
}
