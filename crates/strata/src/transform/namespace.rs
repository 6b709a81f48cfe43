//! `namespace:`: sets `metadata.namespace` on namespaced objects and the namespace fields the
//! field specs list (webhook services, APIService, role binding subjects named `default`).
//!
//! kustomize's api/filters/namespace/namespace.go with `setRoleBindingSubjects: defaultOnly`.

use crate::resource::Resource;
use crate::transform::field_spec::{Create, FieldSpec, WalkError, walk};
use crate::yaml::{Node, NodeKind};

/// Sets namespace `ns` on `r` (which must not be empty) using `specs`.
pub fn apply(r: &mut Resource, ns: &str, specs: &[FieldSpec]) -> Result<(), WalkError> {
    r.store_previous_id();
    let gvk = r.id().gvk.clone();
    let cluster_scoped = r.id().is_cluster_scoped();
    let is_binding = matches!(gvk.kind.as_str(), "RoleBinding" | "ClusterRoleBinding");
    let node = r.node_mut();
    let mut set = |n: &mut Node| -> Result<(), WalkError> {
        *n = Node::string(ns);
        Ok(())
    };
    if !cluster_scoped {
        walk(
            node,
            &FieldSpec::any("metadata/namespace", true),
            Create::Scalar,
            &mut set,
        )?;
    }
    if is_binding {
        set_default_subjects(node, ns);
    }
    for spec in specs {
        if spec.path == "metadata/namespace" {
            continue;
        }
        // Only `v1` Namespace objects are renamed by the namespace (namespace.go
        // removeUnneededMetaFieldSpecs).
        if spec.path == "metadata/name" && gvk.api_version() != "v1" {
            continue;
        }
        if is_binding
            && spec.path == "subjects/namespace"
            && matches!(spec.kind.as_str(), "RoleBinding" | "ClusterRoleBinding")
        {
            continue;
        }
        if !spec.selects(&gvk) {
            continue;
        }
        walk(node, spec, Create::Scalar, &mut set)?;
    }
    r.refresh_id();
    Ok(())
}

/// Gives subjects named `default` the namespace (namespace.go `setSubjectsNamedDefault`).
fn set_default_subjects(node: &mut Node, ns: &str) {
    let Some(subjects) = node
        .as_mapping_mut()
        .and_then(|m| m.get_mut("subjects"))
        .and_then(Node::as_sequence_mut)
    else {
        return;
    };
    for s in subjects {
        if let NodeKind::Mapping(m) = &mut s.kind {
            if m.get("name").and_then(Node::as_str) == Some("default") {
                m.insert("namespace", Node::string(ns));
            }
        }
    }
}
