//! The strategic-merge schema: which fields of the built-in kinds merge specially.
//!
//! kyaml's merge (kyaml/yaml/merge2 over kyaml/yaml/walk) starts at the schema of the
//! resource's `apiVersion` + `kind` (`openapi.SchemaForResourceType`), descends with
//! `ResourceSchema.Field` into map values and `Elements` into list items, and at each field
//! asks for `x-kubernetes-patch-strategy` / `-merge-key` / `x-kubernetes-list-*`. The effect per
//! field is the `kustomizeList` column of `merge-keys.tsv`, here [`ListKind`].
//!
//! The graph is pruned to what the merge can use: a [`Definition`] lists only the fields that
//! have merge behaviour of their own or lead to one, and a [`Field::target`] is set only when
//! something below it does. Everything else merges the default way: maps field by field, lists
//! replaced (merge2 does not guess keys: `InferAssociativeLists` is off). Lists that are
//! replaced are never walked into, so nothing below them is kept (`EndpointSlice.endpoints`,
//! `LabelSelector.matchExpressions`).
//!
//! One kyaml detail the pruning hides: where kyaml has *no* schema for a node (an unknown root
//! such as a CRD, or below it), `Walker.GetSchema` (kyaml/yaml/walk/walk.go) looks the node's
//! own `apiVersion`/`kind` up, so a `Deployment` embedded in a custom resource merges with the
//! `Deployment` schema. Under a known root, treat a field missing here as "schema known,
//! nothing special" and do not look nested objects up; this differs from kyaml only for typed
//! objects embedded in free-form fields (`RawExtension`) or in fields the schema lacks.

use super::generated::openapi::{DEFINITIONS, ROOTS};

/// Identifies a [`Definition`] of the built-in schema; obtained from [`root_definition`] or
/// [`Field::target`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct DefId(pub(super) u16);

impl DefId {
    /// Returns the definition this id names (same as [`definition`]).
    #[cfg(test)]
    pub(crate) fn definition(self) -> &'static Definition {
        definition(self)
    }
}

/// One OpenAPI definition, reduced to the fields that matter to the strategic merge.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Definition {
    /// The OpenAPI name, e.g. `"io.k8s.api.core.v1.PodSpec"`.
    pub name: &'static str,
    /// Fields with merge behaviour or leading to one, sorted by name (bytewise).
    pub fields: &'static [Field],
}

impl Definition {
    /// Returns the field called `name`, if it has merge behaviour or leads to one.
    pub(crate) fn field(&self, name: &str) -> Option<&'static Field> {
        let fields = self.fields;
        fields
            .binary_search_by(|f| f.name.cmp(name))
            .ok()
            .and_then(|i| fields.get(i))
    }
}

/// One field of a [`Definition`].
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Field {
    /// The field's name, e.g. `"containers"`.
    pub name: &'static str,
    /// The definition of the field's value (a map) or of its list's elements, when something
    /// below has merge behaviour; `None` when nothing below merges specially.
    pub target: Option<DefId>,
    /// How the merge treats the field.
    pub list: ListKind,
}

/// How kyaml's strategic merge treats one field (`kustomizeList` in `merge-keys.tsv`).
///
/// Despite the name, it also covers the few map and scalar fields the tsv lists, and
/// [`ListKind::Fieldwise`] for maps that only lead to merge behaviour deeper down.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum ListKind {
    /// A list whose elements are merged by these keys, all of which must match
    /// (`x-kubernetes-list-map-keys` beats `x-kubernetes-patch-merge-key`, read only when a
    /// patch strategy exists).
    Keys(&'static [&'static str]),
    /// A list of scalars merged as a set (`finalizers`).
    Set,
    /// A list that the patch replaces whole (no `merge` strategy, e.g. `listType: atomic`).
    Replace,
    /// A map merged key by key (`retainKeys` is ignored), also the default for maps.
    Fieldwise,
    /// A scalar: nothing to merge, though the schema has a patch extension on it.
    Scalar,
}

/// Returns the root definition of the built-in kind `api_version` + `kind`, matched exactly
/// (`"apps/v1"`, `"Deployment"`); `None` for a kind the schema does not know (a CRD, an
/// unknown version such as `apps/v9`): every list of it is replaced.
pub(crate) fn root_definition(api_version: &str, kind: &str) -> Option<DefId> {
    ROOTS
        .binary_search_by(|(a, k, _)| (*a, *k).cmp(&(api_version, kind)))
        .ok()
        .and_then(|i| ROOTS.get(i))
        .map(|(_, _, id)| *id)
}

/// Returns the definition `id` names.
pub(crate) fn definition(id: DefId) -> &'static Definition {
    // A `DefId` is only made by the generated tables, whose ids index DEFINITIONS (checked by
    // `ids_are_in_bounds_and_tables_sorted`), so this cannot go out of bounds.
    &DEFINITIONS[usize::from(id.0)]
}

/// Returns the definition called `name` (`"io.k8s.api.core.v1.PodSpec"`), if the graph
/// keeps it; definitions with nothing special below them are left out.
pub(crate) fn definition_by_name(name: &str) -> Option<DefId> {
    let i = DEFINITIONS.binary_search_by(|d| d.name.cmp(name)).ok()?;
    u16::try_from(i).ok().map(DefId)
}

/// Returns the field `name` of definition `def`, if it has merge behaviour or leads to one.
pub(crate) fn field(def: DefId, name: &str) -> Option<&'static Field> {
    definition(def).field(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Follows `path` (field names) from the root of `api_version` `kind`.
    fn walk(api_version: &str, kind: &str, path: &[&str]) -> Option<&'static Field> {
        let mut def = root_definition(api_version, kind)?;
        let (last, init) = path.split_last()?;
        for name in init {
            def = field(def, name)?.target?;
        }
        field(def, last)
    }

    fn list(api_version: &str, kind: &str, path: &str) -> Option<ListKind> {
        let path: Vec<&str> = path.split('.').collect();
        walk(api_version, kind, &path).map(|f| f.list)
    }

    const POD_SPEC: &str = "spec.template.spec";

    /// Each expectation is a row of merge-keys.tsv (its `kustomizeList` column), reached from a
    /// resource root.
    #[test]
    fn deployment_reaches_merge_keys() {
        let d = |path: &str| list("apps/v1", "Deployment", path);
        assert_eq!(
            d(&format!("{POD_SPEC}.containers")),
            Some(ListKind::Keys(&["name"]))
        );
        assert_eq!(
            d(&format!("{POD_SPEC}.initContainers")),
            Some(ListKind::Keys(&["name"]))
        );
        assert_eq!(
            d(&format!("{POD_SPEC}.containers.ports")),
            Some(ListKind::Keys(&["containerPort", "protocol"]))
        );
        assert_eq!(
            d(&format!("{POD_SPEC}.containers.env")),
            Some(ListKind::Keys(&["name"]))
        );
        assert_eq!(
            d(&format!("{POD_SPEC}.containers.volumeMounts")),
            Some(ListKind::Keys(&["mountPath"]))
        );
        assert_eq!(
            d(&format!("{POD_SPEC}.volumes")),
            Some(ListKind::Keys(&["name"]))
        );
        assert_eq!(
            d(&format!("{POD_SPEC}.topologySpreadConstraints")),
            Some(ListKind::Keys(&["topologyKey", "whenUnsatisfiable"]))
        );
        assert_eq!(
            d(&format!("{POD_SPEC}.imagePullSecrets")),
            Some(ListKind::Keys(&["name"]))
        );
        assert_eq!(d("metadata.finalizers"), Some(ListKind::Set));
        assert_eq!(
            d("metadata.ownerReferences"),
            Some(ListKind::Keys(&["uid"]))
        );
        assert_eq!(d("spec.template.metadata.finalizers"), Some(ListKind::Set));
        assert_eq!(d("spec.strategy"), Some(ListKind::Fieldwise));
        assert_eq!(d("status.conditions"), Some(ListKind::Keys(&["type"])));
        // Not in the tsv: maps merge field-wise, lists are replaced.
        assert_eq!(d(&format!("{POD_SPEC}.tolerations")), None);
        assert_eq!(d(&format!("{POD_SPEC}.containers.args")), None);
        assert_eq!(d("metadata.labels"), None);
        // Element definitions with nothing special below are not kept.
        assert_eq!(
            walk(
                "apps/v1",
                "Deployment",
                &["spec", "template", "spec", "containers", "env"]
            )
            .map(|f| f.target),
            Some(None)
        );
    }

    #[test]
    fn other_roots() {
        assert_eq!(
            list("v1", "Service", "spec.ports"),
            Some(ListKind::Keys(&["port", "protocol"]))
        );
        assert_eq!(
            list("v1", "Service", "spec.ipFamilies"),
            Some(ListKind::Replace)
        );
        assert_eq!(list("v1", "Node", "spec.podCIDRs"), Some(ListKind::Set));
        assert_eq!(
            list("v1", "ServiceAccount", "secrets"),
            Some(ListKind::Keys(&["name"]))
        );
        assert_eq!(
            list(
                "batch/v1",
                "CronJob",
                "spec.jobTemplate.spec.template.spec.containers"
            ),
            Some(ListKind::Keys(&["name"]))
        );
        assert_eq!(
            list("batch/v1", "CronJob", "status.active"),
            Some(ListKind::Replace)
        );
        assert_eq!(
            list("policy/v1", "PodDisruptionBudget", "spec.selector"),
            Some(ListKind::Fieldwise)
        );
        assert_eq!(
            list(
                "admissionregistration.k8s.io/v1",
                "MutatingWebhookConfiguration",
                "webhooks"
            ),
            Some(ListKind::Keys(&["name"]))
        );
        assert_eq!(
            list("apiregistration.k8s.io/v1", "APIService", "spec.caBundle"),
            Some(ListKind::Scalar)
        );
        assert_eq!(
            list(
                "certificates.k8s.io/v1",
                "CertificateSigningRequest",
                "status.conditions"
            ),
            Some(ListKind::Replace)
        );
        assert_eq!(
            list("v1", "Pod", "spec.ephemeralContainers"),
            Some(ListKind::Keys(&["name"]))
        );
    }

    #[test]
    fn unknown_kinds_have_no_root() {
        assert_eq!(root_definition("apps/v9", "Deployment"), None);
        assert_eq!(root_definition("example.com/v1", "Widget"), None);
        assert_eq!(root_definition("Deployment", "apps/v1"), None);
        assert_eq!(root_definition("v1", "NodeProxyOptions"), None);
    }

    #[test]
    fn known_kinds_without_merge_fields_have_a_root() {
        let list = root_definition("apps/v1", "DeploymentList").expect("root");
        assert_eq!(list.definition().name, "io.k8s.api.apps.v1.DeploymentList");
        assert!(list.definition().fields.is_empty());
        let status = root_definition("v1", "Status").expect("root");
        assert_eq!(
            definition(status).name,
            "io.k8s.apimachinery.pkg.apis.meta.v1.Status"
        );
        // Same definition for every group's DeleteOptions.
        assert_eq!(
            root_definition("apps/v1", "DeleteOptions"),
            root_definition("v1", "DeleteOptions")
        );
    }

    #[test]
    fn definitions_by_name() {
        let spec = definition_by_name("io.k8s.api.core.v1.PodSpec").expect("kept");
        assert_eq!(definition(spec).name, "io.k8s.api.core.v1.PodSpec");
        assert!(field(spec, "containers").is_some());
        // Nothing special below a toleration: not kept.
        assert_eq!(definition_by_name("io.k8s.api.core.v1.Toleration"), None);
        assert_eq!(definition_by_name(""), None);
    }

    #[test]
    fn ids_are_in_bounds_and_tables_sorted() {
        assert!(DEFINITIONS.len() <= usize::from(u16::MAX));
        assert!(DEFINITIONS.windows(2).all(|w| w[0].name < w[1].name));
        for def in DEFINITIONS {
            assert!(
                def.fields.windows(2).all(|w| w[0].name < w[1].name),
                "{}",
                def.name
            );
            for f in def.fields {
                if let Some(DefId(t)) = f.target {
                    assert!(
                        usize::from(t) < DEFINITIONS.len(),
                        "{}.{}",
                        def.name,
                        f.name
                    );
                }
            }
        }
        assert!(
            ROOTS
                .windows(2)
                .all(|w| (w[0].0, w[0].1) < (w[1].0, w[1].1))
        );
        for (_, _, DefId(id)) in ROOTS {
            assert!(usize::from(*id) < DEFINITIONS.len());
        }
    }
}
