//! `namePrefix:` / `nameSuffix:`: adds text before or after names at the field specs' paths.
//!
//! kustomize's plugin/builtin/prefixtransformer and suffixtransformer with
//! api/filters/prefix and suffix: selection is by the resource's original id, and
//! CustomResourceDefinitions, APIServices and Namespaces are never renamed.

use crate::resource::{Gvk, Resource};
use crate::transform::field_spec::{Create, FieldSpec, WalkError, walk};
use crate::yaml::Node;

/// Which end of the name the text goes on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Affix {
    /// `namePrefix`.
    Prefix,
    /// `nameSuffix`.
    Suffix,
}

fn skipped(gvk: &Gvk) -> bool {
    gvk.kind == "CustomResourceDefinition"
        || gvk.kind == "Namespace"
        || (gvk.kind == "APIService" && gvk.group == "apiregistration.k8s.io")
}

/// Adds `text` to `r` at every spec that selects it.
pub fn apply(
    r: &mut Resource,
    affix: Affix,
    text: &str,
    specs: &[FieldSpec],
) -> Result<(), WalkError> {
    let org = r.org_id().gvk.clone();
    if skipped(&org) {
        return Ok(());
    }
    for spec in specs {
        if !spec.selects(&org) {
            continue;
        }
        if spec.path == "metadata/name" {
            let h = r.history_mut();
            match affix {
                Affix::Prefix if !text.is_empty() => h.prefixes.push(text.to_owned()),
                Affix::Suffix if !text.is_empty() => h.suffixes.push(text.to_owned()),
                _ => {}
            }
            if !text.is_empty() {
                r.store_previous_id();
            }
        }
        // The filter checks the current GVK too (fieldspec.go isMatchGVK).
        if !spec.selects(&r.id().gvk) {
            continue;
        }
        walk(r.node_mut(), spec, Create::Scalar, &mut |n| {
            let old = n.as_str().unwrap_or("");
            let new = match affix {
                Affix::Prefix => format!("{text}{old}"),
                Affix::Suffix => format!("{old}{text}"),
            };
            *n = Node::string(new);
            Ok(())
        })?;
    }
    r.refresh_id();
    Ok(())
}
