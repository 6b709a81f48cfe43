//! Resource identity: group, version, kind, name and namespace, as kustomize's `resid.ResId`.

use std::fmt;

/// Group, version and kind.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Gvk {
    /// API group (`apps`), empty for the core group.
    pub group: String,
    /// API version (`v1`).
    pub version: String,
    /// Kind (`Deployment`).
    pub kind: String,
}

impl Gvk {
    /// Splits an `apiVersion` into group and version and pairs them with `kind`.
    pub fn from_api_version(api_version: &str, kind: &str) -> Gvk {
        let (group, version) = match api_version.split_once('/') {
            Some((g, v)) => (g, v),
            None => ("", api_version),
        };
        Gvk {
            group: group.to_owned(),
            version: version.to_owned(),
            kind: kind.to_owned(),
        }
    }

    /// Returns true if `selector` selects this GVK: each of its non-empty parts is equal
    /// (kustomize's `Gvk.IsSelected`).
    pub(crate) fn is_selected_by(&self, selector: &Gvk) -> bool {
        (selector.group.is_empty() || selector.group == self.group)
            && (selector.version.is_empty() || selector.version == self.version)
            && (selector.kind.is_empty() || selector.kind == self.kind)
    }

    /// Returns the `apiVersion` text (`apps/v1`, or `v1` for the core group).
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
}

impl fmt::Display for Gvk {
    /// Formats as kustomize does: `Deployment.v1.apps`, with `[noGrp]`-style placeholders.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let or = |s: &'_ str, d: &'static str| {
            if s.is_empty() {
                d.to_owned()
            } else {
                s.to_owned()
            }
        };
        write!(
            f,
            "{}.{}.{}",
            or(&self.kind, "[noKind]"),
            or(&self.version, "[noVer]"),
            or(&self.group, "[noGrp]")
        )
    }
}

/// A resource's identity. Two ids are the same resource when `ResId::key` agrees: the
/// namespace compares as kustomize's `EffectiveNamespace` (empty = `default`; cluster-scoped
/// kinds have none).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ResId {
    /// Group, version, kind.
    pub gvk: Gvk,
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace` as written (may be empty).
    pub namespace: String,
}

/// The normalized form of a [`ResId`] used for equality and indexing.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct IdKey {
    gvk: Gvk,
    name: String,
    namespace: Option<String>,
}

impl IdKey {
    /// Returns true if this is `id`'s key (`id.key() == *self`), without allocating.
    pub(crate) fn is_key_of(&self, id: &ResId) -> bool {
        self.gvk == id.gvk
            && self.name == id.name
            && self.namespace.as_deref() == id.effective_namespace()
    }
}

impl ResId {
    /// Reads the id from a document as it stands (kyaml's `resid.FromRNode`): `apiVersion`,
    /// `kind`, `metadata.name` and `metadata.namespace`, empty where missing.
    pub(crate) fn from_node(node: &crate::yaml::Node) -> ResId {
        let get = |path: &[&str]| node.get_str(path).unwrap_or("").to_owned();
        ResId {
            gvk: Gvk::from_api_version(&get(&["apiVersion"]), &get(&["kind"])),
            name: get(&["metadata", "name"]),
            namespace: get(&["metadata", "namespace"]),
        }
    }

    /// Returns true if the kind is known to be cluster-scoped: by the built-in schema, and
    /// while a build runs, by the custom schema its `openapi:` field set.
    pub fn is_cluster_scoped(&self) -> bool {
        is_cluster_scoped(&self.gvk.api_version(), &self.gvk.kind)
    }

    /// Returns the namespace kustomize compares with: `None` for cluster-scoped kinds,
    /// `default` for an empty namespace.
    pub fn effective_namespace(&self) -> Option<&str> {
        if self.is_cluster_scoped() {
            None
        } else if self.namespace.is_empty() {
            Some("default")
        } else {
            Some(&self.namespace)
        }
    }

    /// Returns true if both ids name the same resource (kustomize's `ResId.Equals`): same
    /// group, version, kind and name, same effective namespace. Unlike comparing
    /// `ResId::key`s, it allocates nothing.
    pub fn equals(&self, other: &ResId) -> bool {
        self.name == other.name
            && self.gvk == other.gvk
            && self.effective_namespace() == other.effective_namespace()
    }

    /// Returns the key two ids must share to name the same resource.
    pub(crate) fn key(&self) -> IdKey {
        IdKey {
            gvk: self.gvk.clone(),
            name: self.name.clone(),
            namespace: self.effective_namespace().map(str::to_owned),
        }
    }
}

impl fmt::Display for ResId {
    /// Formats as kustomize does: `Deployment.v1.apps/web.[noNs]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = if self.name.is_empty() {
            "[noName]"
        } else {
            &self.name
        };
        let ns = if self.namespace.is_empty() {
            "[noNs]"
        } else {
            &self.namespace
        };
        write!(f, "{}/{}.{}", self.gvk, name, ns)
    }
}

/// Returns true if the kind is cluster-scoped in the built-in schema or, for a kind it lacks,
/// in the custom schema of the build running on this thread; other kinds (custom resources)
/// count as namespaced (kyaml `IsCertainlyClusterScoped`).
pub(super) fn is_cluster_scoped(api_version: &str, kind: &str) -> bool {
    crate::schema::is_cluster_scoped(api_version, kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(api: &str, kind: &str, name: &str, ns: &str) -> ResId {
        ResId {
            gvk: Gvk::from_api_version(api, kind),
            name: name.into(),
            namespace: ns.into(),
        }
    }

    #[test]
    fn display_matches_kustomize() {
        assert_eq!(
            id("apps/v1", "Deployment", "web", "").to_string(),
            "Deployment.v1.apps/web.[noNs]"
        );
        assert_eq!(
            id("v1", "Service", "s", "prod").to_string(),
            "Service.v1.[noGrp]/s.prod"
        );
        assert_eq!(
            id("", "", "", "").to_string(),
            "[noKind].[noVer].[noGrp]/[noName].[noNs]"
        );
    }

    #[test]
    fn default_namespace_is_the_empty_one() {
        assert_eq!(
            id("v1", "ConfigMap", "a", "").key(),
            id("v1", "ConfigMap", "a", "default").key()
        );
        assert_ne!(
            id("v1", "ConfigMap", "a", "").key(),
            id("v1", "ConfigMap", "a", "x").key()
        );
        // cluster-scoped kinds ignore the namespace entirely
        assert_eq!(
            id("rbac.authorization.k8s.io/v1", "ClusterRole", "r", "x").key(),
            id("rbac.authorization.k8s.io/v1", "ClusterRole", "r", "").key()
        );
    }
}
