//! Test helpers shared by the transformers' table tests: resources from YAML text, and the
//! YAML `kustomize build` would print for them (so expected values can come straight from the
//! oracle).

use crate::resource::Resource;
use crate::source::SourceFile;
use crate::transform::config::TransformerConfig;
use crate::yaml::emit;
use crate::yaml::parse::{ParseOptions, parse_documents};

/// Parses the documents of `yaml` into resources.
pub(crate) fn resources(yaml: &str) -> Vec<Resource> {
    let file = SourceFile::new("r.yaml", yaml);
    parse_documents(&file, ParseOptions::default())
        .unwrap()
        .into_iter()
        .filter(|d| !d.is_empty)
        .map(|d| Resource::from_node(d.root, &file).unwrap())
        .collect()
}

/// Prints `resources` as `kustomize build` would (without sorting them).
pub(crate) fn print(resources: &[Resource]) -> String {
    let mut out = String::new();
    for (i, r) in resources.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        emit::emit_document(r.node(), &mut out).unwrap();
    }
    out
}

/// kustomize's default field specs.
pub(crate) fn builtin() -> TransformerConfig {
    TransformerConfig::builtin()
}
