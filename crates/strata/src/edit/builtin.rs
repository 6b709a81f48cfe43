//! `edit list-builtin`: the builtin generators and transformers a kustomization may name.
//!
//! kustomize/commands/edit/listbuiltin/listbuiltin.go prints the names from
//! api/builtins (`GeneratorFactories` and `TransformerFactories`).

/// kustomize's builtin generator plugins.
pub const BUILTIN_GENERATORS: &[&str] = &[
    "ConfigMapGenerator",
    "HelmChartInflationGenerator",
    "IAMPolicyGenerator",
    "SecretGenerator",
];

/// kustomize's builtin transformer plugins.
pub const BUILTIN_TRANSFORMERS: &[&str] = &[
    "AnnotationsTransformer",
    "HashTransformer",
    "ImageTagTransformer",
    "LabelTransformer",
    "NamespaceTransformer",
    "PatchJson6902Transformer",
    "PatchStrategicMergeTransformer",
    "PatchTransformer",
    "PrefixSuffixTransformer",
    "PrefixTransformer",
    "ReplacementTransformer",
    "ReplicaCountTransformer",
    "SuffixTransformer",
    "ValueAddTransformer",
];

/// Returns true if `name` is one of kustomize's builtin plugins.
pub fn is_builtin(name: &str) -> bool {
    BUILTIN_GENERATORS.contains(&name) || BUILTIN_TRANSFORMERS.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_kustomize_builtins_and_nothing_else() {
        // api/internal/plugins/builtinhelpers/builtins.go: 4 generators, 14 transformers.
        assert_eq!(BUILTIN_GENERATORS.len(), 4);
        assert_eq!(BUILTIN_TRANSFORMERS.len(), 14);
        assert!(is_builtin("ImageTagTransformer"));
        assert!(!is_builtin("SortOrderTransformer"));
    }
}
