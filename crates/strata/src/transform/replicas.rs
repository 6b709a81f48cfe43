//! `replicas:`: sets replica counts of the named workloads at the replica field specs.
//!
//! kustomize's plugin/builtin/replicacounttransformer: a resource matches by its current or
//! any previous name; a rule that matches nothing is an error.

use crate::resource::Resource;
use crate::transform::field_spec::{Create, FieldSpec, WalkError, walk};
use crate::yaml::{Node, Scalar};

/// Sets `count` replicas on every resource named `name` (now or before a rename). Returns
/// whether any resource matched.
pub fn apply(
    resources: &mut [Resource],
    name: &str,
    count: i64,
    specs: &[FieldSpec],
) -> Result<bool, WalkError> {
    let mut found = false;
    for spec in specs {
        for r in resources.iter_mut() {
            let matches = std::iter::once(r.id())
                .chain(r.history().prev_ids.iter())
                .any(|id| id.name == name && spec.selects(&id.gvk));
            if !matches {
                continue;
            }
            found = true;
            if !spec.selects(&r.id().gvk) {
                continue;
            }
            walk(r.node_mut(), spec, Create::Scalar, &mut |n| {
                *n = Node::scalar(Scalar::plain(count.to_string()));
                Ok(())
            })?;
        }
    }
    Ok(found)
}
