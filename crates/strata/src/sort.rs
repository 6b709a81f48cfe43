//! Output order: kustomize's `legacy` order (by kind rank, then group/version/kind, then
//! namespace and name) and `fifo` (accumulation order).
//!
//! Reproduces api/internal/builtins/SortOrderTransformer.go `legacyIDSorter`. This module may
//! use `resource`.

use std::cmp::Ordering;
use std::collections::HashMap;

use crate::resource::{Gvk, ResId, Resource};

/// kustomize's default `orderFirst` kinds.
pub(crate) const DEFAULT_ORDER_FIRST: [&str; 22] = [
    "Namespace",
    "ResourceQuota",
    "StorageClass",
    "CustomResourceDefinition",
    "ServiceAccount",
    "PodSecurityPolicy",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "ConfigMap",
    "Secret",
    "Endpoints",
    "Service",
    "LimitRange",
    "PriorityClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Deployment",
    "StatefulSet",
    "CronJob",
    "PodDisruptionBudget",
];

/// kustomize's default `orderLast` kinds.
pub(crate) const DEFAULT_ORDER_LAST: [&str; 2] = [
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// Returns a kind's rank in the default legacy order (negative for `orderFirst` kinds, 0 for
/// others, positive for `orderLast`), as kustomize's `Gvk.IsLessThan` uses it.
pub(crate) fn gvk_rank(g: &Gvk) -> i64 {
    if let Some(i) = DEFAULT_ORDER_FIRST.iter().position(|k| *k == g.kind) {
        return i64::try_from(i).unwrap_or(0)
            - i64::try_from(DEFAULT_ORDER_FIRST.len()).unwrap_or(0);
    }
    if let Some(i) = DEFAULT_ORDER_LAST.iter().position(|k| *k == g.kind) {
        return 1 + i64::try_from(i).unwrap_or(0);
    }
    0
}

/// Sorts `resources` in legacy order. `order_first`/`order_last` replace the default kind
/// lists when given (`legacySortOptions`).
pub(crate) fn sort_legacy(
    resources: Vec<Resource>,
    order_first: Option<&[String]>,
    order_last: Option<&[String]>,
) -> Vec<Resource> {
    let first: Vec<&str> = match order_first {
        Some(v) => v.iter().map(String::as_str).collect(),
        None => DEFAULT_ORDER_FIRST.to_vec(),
    };
    let last: Vec<&str> = match order_last {
        Some(v) => v.iter().map(String::as_str).collect(),
        None => DEFAULT_ORDER_LAST.to_vec(),
    };
    // Ranks as in kustomize: orderFirst negative (-len..-1), orderLast from 1, others 0. A kind
    // in both lists keeps its orderLast rank, as the later map assignment wins there too.
    let mut ranks: HashMap<&str, i64> = HashMap::new();
    let n = i64::try_from(first.len()).unwrap_or(i64::MAX);
    for (i, k) in (0i64..).zip(first.iter()) {
        ranks.insert(k, i - n);
    }
    for (i, k) in (1i64..).zip(last.iter()) {
        ranks.insert(k, i);
    }
    // Sort keys are computed once per resource, not per comparison.
    let mut keyed: Vec<SortKey> = resources
        .into_iter()
        .map(|r| {
            let id = r.id();
            SortKey {
                rank: ranks.get(id.gvk.kind.as_str()).copied().unwrap_or(0),
                gvk: gvk_sort_string(&id.gvk),
                id: id_sort_string(id),
                resource: r,
            }
        })
        .collect();
    keyed.sort_by(compare);
    keyed.into_iter().map(|k| k.resource).collect()
}

struct SortKey {
    rank: i64,
    gvk: String,
    id: String,
    resource: Resource,
}

fn compare(a: &SortKey, b: &SortKey) -> Ordering {
    let (ga, gb) = (&a.resource.id().gvk, &b.resource.id().gvk);
    if ga != gb {
        if a.rank != b.rank {
            return a.rank.cmp(&b.rank);
        }
        // Two Namespace kinds where one has no group compare in reverse
        // (SortOrderTransformer.go gvkLessThan).
        if ga.kind == "Namespace"
            && gb.kind == "Namespace"
            && (ga.group.is_empty() || gb.group.is_empty())
        {
            return b.gvk.cmp(&a.gvk);
        }
        return a.gvk.cmp(&b.gvk);
    }
    a.id.cmp(&b.id)
}

/// Returns kustomize's `group_version_kind` sort text with `~G`/`~V`/`~K` for empty parts.
pub(crate) fn gvk_sort_string(g: &Gvk) -> String {
    let or = |s: &str, d: &str| {
        if s.is_empty() {
            d.to_owned()
        } else {
            s.to_owned()
        }
    };
    format!(
        "{}_{}_{}",
        or(&g.group, "~G"),
        or(&g.version, "~V"),
        or(&g.kind, "~K")
    )
}

fn id_sort_string(id: &ResId) -> String {
    let ns = if id.namespace.is_empty() {
        "~X"
    } else {
        &id.namespace
    };
    let name = if id.name.is_empty() { "~N" } else { &id.name };
    format!("{}|{}|{}", id.gvk, ns, name)
}
