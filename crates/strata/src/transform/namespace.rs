//! `namespace:`: sets `metadata.namespace` on namespaced objects and the namespace fields the
//! field specs list (webhook services, APIService, role binding subjects named `default`).
//!
//! kustomize's api/filters/namespace/namespace.go with `setRoleBindingSubjects: defaultOnly`.

use crate::resource::Resource;
use crate::transform::field_spec::{Create, FieldSpec, WalkError, walk};
use crate::yaml::{Node, NodeKind};

/// Which role binding subjects get the namespace (`setRoleBindingSubjects`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) enum SubjectMode {
    /// Subjects named `default` (the kustomization field's behaviour).
    #[default]
    DefaultOnly,
    /// Every ServiceAccount subject.
    AllServiceAccounts,
    /// None.
    None,
}

/// Options of the NamespaceTransformer plugin.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Options {
    /// Which role binding subjects to update.
    pub mode: SubjectMode,
    /// Only fill namespaces that are empty (`unsetOnly`).
    pub unset_only: bool,
}

/// Sets namespace `ns` on `r` (which must not be empty) using `specs`, as the `namespace:`
/// field does.
#[cfg(test)]
pub(crate) fn apply(r: &mut Resource, ns: &str, specs: &[FieldSpec]) -> Result<(), WalkError> {
    apply_with(r, ns, specs, Options::default())
}

/// Sets namespace `ns` on `r` with the plugin's options.
pub(crate) fn apply_with(
    r: &mut Resource,
    ns: &str,
    specs: &[FieldSpec],
    opts: Options,
) -> Result<(), WalkError> {
    r.store_previous_id();
    let gvk = r.id().gvk.clone();
    let cluster_scoped = r.id().is_cluster_scoped();
    let is_binding = matches!(gvk.kind.as_str(), "RoleBinding" | "ClusterRoleBinding");
    let node = r.node_mut();
    let mut set = |n: &mut Node| -> Result<(), WalkError> {
        // unsetOnly keeps a value that is already there (filtersutil SetEntryIfEmpty).
        if !(opts.unset_only && n.as_str().is_some_and(|v| !v.is_empty())) {
            *n = Node::string(ns);
        }
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
    if is_binding && opts.mode != SubjectMode::None {
        set_subjects(node, ns, opts);
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

/// Gives role binding subjects the namespace: those named `default`, or every ServiceAccount
/// (namespace.go `setSubjectsNamedDefault`, `setServiceAccountNamespaces`).
fn set_subjects(node: &mut Node, ns: &str, opts: Options) {
    let Some(subjects) = node
        .as_mapping_mut()
        .and_then(|m| m.get_mut("subjects"))
        .and_then(Node::as_sequence_mut)
    else {
        return;
    };
    for s in subjects {
        if let NodeKind::Mapping(m) = &mut s.kind {
            let selected = match opts.mode {
                SubjectMode::DefaultOnly => m.get("name").and_then(Node::as_str) == Some("default"),
                SubjectMode::AllServiceAccounts => {
                    m.get("kind").and_then(Node::as_str) == Some("ServiceAccount")
                }
                SubjectMode::None => false,
            };
            let keep = opts.unset_only
                && m.get("namespace")
                    .and_then(Node::as_str)
                    .is_some_and(|v| !v.is_empty());
            if selected && !keep {
                m.insert("namespace", Node::string(ns));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    //! Expected outputs are `kubectl kustomize` (v5.5) on a kustomization with `resources:
    //! [r.yaml]` and `namespace: prod`, like kustomize's api/filters/namespace/namespace_test.go.

    use super::*;
    use crate::transform::testutil::{builtin, print, resources};

    #[test]
    fn table() {
        let config = builtin();
        let cases: &[(&str, &str, &str)] = &[
            (
                "namespaced object",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: prod\n",
            ),
            (
                "cluster-scoped objects get none; a namespace is overwritten",
                "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: cr\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: old\n",
                "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: cr\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: prod\n",
            ),
            (
                "role binding subjects named default",
                "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: rb\nsubjects:\n- kind: ServiceAccount\n  name: default\n- kind: ServiceAccount\n  name: other\n  namespace: x\n- kind: User\n  name: default\n",
                "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: rb\n  namespace: prod\nsubjects:\n- kind: ServiceAccount\n  name: default\n  namespace: prod\n- kind: ServiceAccount\n  name: other\n  namespace: x\n- kind: User\n  name: default\n  namespace: prod\n",
            ),
            (
                "a webhook's service namespace is kept",
                "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata:\n  name: vw\nwebhooks:\n- name: a\n  clientConfig:\n    service:\n      name: svc\n      namespace: old\n",
                "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata:\n  name: vw\nwebhooks:\n- clientConfig:\n    service:\n      name: svc\n      namespace: old\n  name: a\n",
            ),
        ];
        for (case, input, want) in cases {
            let mut rs = resources(input);
            for r in &mut rs {
                apply(r, "prod", &config.namespace).unwrap();
            }
            assert_eq!(print(&rs), *want, "{case}");
        }
    }
}
