//! `commonLabels`, `labels:` and `commonAnnotations`: sets key/value pairs in the mappings at
//! the field specs' paths, creating them where the spec says so.
//!
//! kustomize's api/filters/labels and api/filters/annotations.

use crate::resource::Resource;
use crate::transform::field_spec::{Create, FieldSpec, WalkError, walk};
use crate::transform::replacements::path::wrong_kind;
use crate::yaml::{Node, NodeKind};

/// Sets every `(key, value)` of `pairs` in the mappings at `specs` of `r`.
pub fn apply(
    r: &mut Resource,
    pairs: &[(String, String)],
    specs: &[FieldSpec],
) -> Result<(), WalkError> {
    if pairs.is_empty() {
        return Ok(());
    }
    let gvk = r.id().gvk.clone();
    for spec in specs {
        if !spec.selects(&gvk) {
            continue;
        }
        walk(r.node_mut(), spec, Create::Mapping, &mut |n| {
            let NodeKind::Mapping(m) = &mut n.kind else {
                return Err(WalkError(wrong_kind("MappingNode", n)));
            };
            for (k, v) in pairs {
                m.insert(k, Node::string(v.as_str()));
            }
            Ok(())
        })?;
    }
    r.refresh_id();
    Ok(())
}
