//! Resource scope (namespaced or cluster-wide) of the built-in Kubernetes kinds.
//!
//! kustomize decides scope in `resid.NewGvk` (api/resid/gvk.go) through kyaml's
//! `IsCertainlyClusterScoped`, which looks the exact `TypeMeta` — `apiVersion` and `kind` — up in
//! `precomputedIsNamespaceScoped` (kyaml/openapi/openapi.go). A kind at a version the schema does
//! not know (`rbac.authorization.k8s.io/v2 ClusterRole`), a CRD, or an id built from a kind alone
//! (`resid.FromKind`) is therefore *not* cluster-scoped. [`is_namespaced`] is that lookup.
//!
//! For a type the table lacks, kyaml then asks the schema a kustomization's `openapi:` field
//! selected: with a custom schema set, the scopes its `paths` give
//! (`IsNamespaceScoped` runs `initSchema`, whose `findNamespaceability` reads them). kustomize
//! recomputes a resource's id, and so its scope, each time it asks (`CurId` makes a new `Gvk`),
//! so every question after the schema is set sees it. kyaml keeps that schema in process
//! globals; here a build installs its custom schema for the thread that runs it
//! ([`CustomScopes::install`]) until the build ends, and [`is_cluster_scoped`] consults it.

use std::cell::RefCell;
use std::sync::Arc;

use super::custom::CustomSchema;
use super::generated::scope::SCOPES;

thread_local! {
    /// The custom schema of the build running on this thread, if it set one.
    static CUSTOM: RefCell<Option<Arc<CustomSchema>>> = const { RefCell::new(None) };
}

/// Keeps a build's custom schema answering scope questions on this thread until dropped;
/// then what was installed before (an enclosing build's schema, or none) answers again.
#[derive(Debug)]
pub(crate) struct CustomScopes {
    previous: Option<Arc<CustomSchema>>,
}

impl CustomScopes {
    /// Makes `schema`'s `paths` decide the scope of types the built-in table lacks, on this
    /// thread, while the returned value lives.
    pub(crate) fn install(schema: Arc<CustomSchema>) -> CustomScopes {
        let previous = CUSTOM.with(|c| c.replace(Some(schema)));
        CustomScopes { previous }
    }
}

impl Drop for CustomScopes {
    fn drop(&mut self) {
        let previous = self.previous.take();
        CUSTOM.with(|c| *c.borrow_mut() = previous);
    }
}

/// Returns true if resources of `api_version` and `kind` are certainly cluster-scoped
/// (kyaml's `IsCertainlyClusterScoped`): the built-in table says so, or, for a type it lacks,
/// the `paths` of the custom schema the running build set. Unknown types are namespaced.
pub(crate) fn is_cluster_scoped(api_version: &str, kind: &str) -> bool {
    let namespaced = is_namespaced(api_version, kind)
        .or_else(|| CUSTOM.with(|c| c.borrow().as_ref().and_then(|s| s.scope(api_version, kind))));
    namespaced == Some(false)
}

/// Cluster-scoped kinds kustomize's current `precomputedIsNamespaceScoped` lists beyond the
/// v1.21.2 schema (kyaml/openapi/openapi.go at master; v5.6 lacks them). The conformance
/// corpus expects current kustomize.
const HEAD_ONLY: [(&str, &str); 2] = [
    (
        "admissionregistration.k8s.io/v1",
        "ValidatingAdmissionPolicy",
    ),
    (
        "admissionregistration.k8s.io/v1",
        "ValidatingAdmissionPolicyBinding",
    ),
];

/// Returns whether resources of `api_version` and `kind` are namespaced, as kustomize's built-in
/// schema says: `Some(true)` namespaced, `Some(false)` cluster-scoped, `None` unknown.
///
/// Matches the exact `apiVersion` (`"v1"`, `"apps/v1"`) and `kind`, like kyaml's
/// `IsNamespaceScoped`. Callers treat `None` as namespaced, as kustomize does. The table holds
/// the 82 kinds with REST paths in Kubernetes v1.21.2; lists, `Status`, review objects such as
/// `TokenReview` and `SubjectAccessReview`, `Binding` and `Eviction` have no scope there and
/// are `None`.
pub(crate) fn is_namespaced(api_version: &str, kind: &str) -> Option<bool> {
    if HEAD_ONLY
        .iter()
        .any(|(a, k)| *a == api_version && *k == kind)
    {
        return Some(false);
    }
    SCOPES
        .binary_search_by(|(a, k, _)| (*a, *k).cmp(&(api_version, kind)))
        .ok()
        .and_then(|i| SCOPES.get(i))
        .map(|(_, _, namespaced)| *namespaced)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn schema(kind: &str) -> Arc<CustomSchema> {
        let text = format!(
            r#"{{"paths": {{"/apis/example.com/v1/x": {{"get": {{"x-kubernetes-group-version-kind": {{"group": "example.com", "version": "v1", "kind": "{kind}"}}}}}}}}}}"#
        );
        Arc::new(CustomSchema::parse(&SourceFile::new("schema.json", &text)).expect("parses"))
    }

    #[test]
    fn installed_custom_schema_answers_for_unknown_types_until_dropped() {
        assert!(!is_cluster_scoped("example.com/v1", "Widget"));
        {
            let _outer = CustomScopes::install(schema("Widget"));
            assert!(is_cluster_scoped("example.com/v1", "Widget"));
            {
                let _inner = CustomScopes::install(schema("Gadget"));
                assert!(is_cluster_scoped("example.com/v1", "Gadget"));
                assert!(!is_cluster_scoped("example.com/v1", "Widget"));
            }
            assert!(is_cluster_scoped("example.com/v1", "Widget"));
            assert!(!is_cluster_scoped("example.com/v1", "Gadget"));
        }
        assert!(!is_cluster_scoped("example.com/v1", "Widget"));
        assert!(is_cluster_scoped("v1", "Namespace"));
    }

    #[test]
    fn admission_policies_are_cluster_scoped_as_in_current_kustomize() {
        assert_eq!(
            is_namespaced(
                "admissionregistration.k8s.io/v1",
                "ValidatingAdmissionPolicy"
            ),
            Some(false)
        );
    }

    #[test]
    fn is_namespaced_matches_gvk_index() {
        // (apiVersion, kind, expected) as gvk-index.tsv has them.
        let cases = [
            ("v1", "Namespace", Some(false)),
            ("v1", "Node", Some(false)),
            ("v1", "PersistentVolume", Some(false)),
            ("v1", "NodeProxyOptions", Some(false)),
            ("v1", "ConfigMap", Some(true)),
            ("v1", "Service", Some(true)),
            ("v1", "PodExecOptions", Some(true)),
            ("apps/v1", "Deployment", Some(true)),
            ("batch/v1beta1", "CronJob", Some(true)),
            ("rbac.authorization.k8s.io/v1", "ClusterRole", Some(false)),
            (
                "rbac.authorization.k8s.io/v1",
                "ClusterRoleBinding",
                Some(false),
            ),
            ("rbac.authorization.k8s.io/v1", "Role", Some(true)),
            (
                "apiextensions.k8s.io/v1",
                "CustomResourceDefinition",
                Some(false),
            ),
            ("storage.k8s.io/v1", "StorageClass", Some(false)),
            ("networking.k8s.io/v1", "IngressClass", Some(false)),
            (
                "admissionregistration.k8s.io/v1",
                "ValidatingWebhookConfiguration",
                Some(false),
            ),
            ("apiregistration.k8s.io/v1", "APIService", Some(false)),
            ("scheduling.k8s.io/v1", "PriorityClass", Some(false)),
            // Listed without a scope: not resources with REST paths.
            ("v1", "Status", None),
            ("apps/v1", "DeploymentList", None),
            ("authentication.k8s.io/v1", "TokenReview", None),
            // Unknown versions, groups and kinds.
            ("apps/v9", "Deployment", None),
            ("rbac.authorization.k8s.io/v2", "ClusterRole", None),
            ("", "Namespace", None),
            ("Namespace", "v1", None),
            ("example.com/v1", "Widget", None),
        ];
        for (api_version, kind, expected) in cases {
            assert_eq!(
                is_namespaced(api_version, kind),
                expected,
                "{api_version} {kind}"
            );
        }
    }

    #[test]
    fn table_is_sorted_and_agrees_with_lookup() {
        assert_eq!(SCOPES.len(), 82);
        assert!(
            SCOPES
                .windows(2)
                .all(|w| (w[0].0, w[0].1) < (w[1].0, w[1].1))
        );
        for (api_version, kind, namespaced) in SCOPES {
            assert_eq!(
                is_namespaced(api_version, kind),
                Some(*namespaced),
                "{api_version} {kind}"
            );
        }
    }
}
