//! `transformers:` and `generators:` entries: plugin configs, read as resources (inline YAML,
//! files or kustomization directories; api/internal/target/kusttarget.go
//! `configureExternalTransformers`), and the errors for a kind kustomize has no builtin of.
//! The builtins they configure are looked up by kind in the tables of `transformers.rs` and
//! `generators.rs` (api/internal/plugins/loader/loader.go); exec and KRM function plugins
//! go to `exec_plugin.rs`.

use std::sync::Arc;

use crate::error::{Error, ErrorKind, Result};
use crate::kustomization::opt_string;
use crate::resource::Resource;
use crate::source::SourceFile;
use crate::yaml::Mapping;

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
pub(super) fn require_builtin(config: &Resource) -> Result<()> {
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
pub(super) fn unknown_builtin(config: &Resource, kind: &str) -> Error {
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

/// Reads the string field `name` of a plugin config (empty when absent).
pub(super) fn text(file: &Arc<SourceFile>, m: &Mapping, name: &str) -> Result<String> {
    Ok(opt_string(file, m, name)?
        .map(|s| s.value)
        .unwrap_or_default())
}
