//! Name-reference fix-up: after prefixes, suffixes and hashes renamed objects, rewrites every
//! field that refers to an object by its old name (a Deployment's `configMapRef`, a
//! RoleBinding's `roleRef`...) to the object's new name.
//!
//! Reproduces api/filters/nameref/nameref.go and the referrer subset of
//! api/resmap/reswrangler.go `SubsetThatCouldBeReferencedByResource`. kustomize scans every
//! resource for every reference; here candidates are found through an index of previous
//! names, so the cost is linear in the number of references. This module may use `yaml`,
//! `resource` and `transform`.

use std::collections::{HashMap, HashSet};

use crate::error::{Error, ErrorKind, Result};
use crate::resource::{Gvk, History, NO_HISTORY, ResId, Resource};
use crate::transform::config::NameBackRef;
use crate::transform::field_spec::{Create, WalkError, walk};
use crate::yaml::{Node, NodeKind};

/// What the fix-up needs to know about a possible referral, copied before any field changes.
struct Candidate {
    id: ResId,
    org_namespace: Option<String>,
    cluster_scoped: bool,
    /// `None` for an empty history (most resources): a copy inline would cost 336 bytes a
    /// resource for the whole fix-up.
    history: Option<Box<History>>,
}

impl Candidate {
    fn history(&self) -> &History {
        self.history.as_deref().unwrap_or(&NO_HISTORY)
    }
}

/// Rewrites references in `resources` according to `backrefs`.
pub(crate) fn fix(resources: &mut [Resource], backrefs: &[NameBackRef]) -> Result<()> {
    let snapshot: Vec<Candidate> = resources
        .iter()
        .map(|r| Candidate {
            id: r.id().clone(),
            org_namespace: r.org_id().effective_namespace().map(str::to_owned),
            cluster_scoped: r.id().is_cluster_scoped(),
            history: Some(r.history())
                .filter(|h| !h.is_empty())
                .map(|h| Box::new(h.clone())),
        })
        .collect();
    let mut by_prev_name: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut by_org_namespace: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, c) in snapshot.iter().enumerate() {
        if let Some(ns) = c.org_namespace.as_deref() {
            by_org_namespace.entry(ns).or_default().push(i);
        }
        let mut seen = HashSet::new();
        for p in &c.history().prev_ids {
            if seen.insert(p.name.as_str()) {
                by_prev_name.entry(p.name.as_str()).or_default().push(i);
            }
        }
    }
    let index = Index {
        snapshot: &snapshot,
        by_prev_name,
        by_org_namespace,
    };
    for (ri, r) in resources.iter_mut().enumerate() {
        let org_gvk = r.org_id().gvk.clone();
        let referrer = Referrer::new(ri, r)?;
        for backref in backrefs {
            for spec in &backref.referrers {
                if !spec.selects(&org_gvk) {
                    continue;
                }
                let mut spec = spec.clone();
                // The filter matches the referrer's current GVK (nameref.go `run`).
                spec.group.clear();
                spec.version.clear();
                spec.kind.clear();
                let ctx = Context {
                    index: &index,
                    referrer: &referrer,
                    target: &backref.gvk,
                    path: &spec.path,
                };
                let id = r.id().clone();
                walk(r.node_mut(), &spec, Create::Nothing, &mut |n| ctx.set(n)).map_err(|e| {
                    Error::at(
                        ErrorKind::Resource,
                        format!(
                            "updating name reference in '{}' field of '{}': {}",
                            spec.path, id, e.0
                        ),
                        r.origin(),
                        r.node().span,
                    )
                })?;
            }
        }
    }
    Ok(())
}

struct Index<'a> {
    snapshot: &'a [Candidate],
    by_prev_name: HashMap<&'a str, Vec<usize>>,
    by_org_namespace: HashMap<&'a str, Vec<usize>>,
}

/// The referrer's facts, read before its fields are rewritten.
struct Referrer {
    index: usize,
    id: ResId,
    cluster_scoped: bool,
    role_ref: Option<Gvk>,
    /// Namespaces of ServiceAccount subjects, for a RoleBinding.
    binding_namespaces: HashSet<String>,
}

impl Referrer {
    fn new(index: usize, r: &Resource) -> Result<Referrer> {
        let node = r.node();
        let role_ref = node.get_path(&["roleRef"]).and_then(|rr| {
            Some(Gvk {
                group: rr.get_str(&["apiGroup"])?.to_owned(),
                version: String::new(),
                kind: rr.get_str(&["kind"])?.to_owned(),
            })
        });
        let mut binding_namespaces = HashSet::new();
        if r.id().gvk.kind == "RoleBinding" {
            for s in node
                .get_path(&["subjects"])
                .and_then(Node::as_sequence)
                .map(Vec::as_slice)
                .unwrap_or_default()
            {
                if s.get_str(&["kind"]) == Some("ServiceAccount") {
                    match s.get_path(&["namespace"]) {
                        None => {}
                        Some(n) if n.is_null() || n.as_str().is_none() => {
                            // reswrangler.go getNamespacesForRoleBinding.
                            return Err(Error::at(
                                ErrorKind::Resource,
                                format!(
                                    "Invalid Input: namespace is blank for resource \"{}\"",
                                    r.id()
                                ),
                                r.origin(),
                                n.span,
                            ));
                        }
                        Some(n) => {
                            binding_namespaces.insert(n.as_str().unwrap_or("").to_owned());
                        }
                    }
                }
            }
        }
        Ok(Referrer {
            index,
            id: r.id().clone(),
            cluster_scoped: r.id().is_cluster_scoped(),
            role_ref,
            binding_namespaces,
        })
    }
}

struct Context<'a> {
    index: &'a Index<'a>,
    referrer: &'a Referrer,
    target: &'a Gvk,
    path: &'a str,
}

impl Context<'_> {
    fn set(&self, n: &mut Node) -> Result<(), WalkError> {
        match &mut n.kind {
            NodeKind::Scalar(s) if s.is_null() => Ok(()),
            NodeKind::Scalar(_) => self.set_scalar(n),
            NodeKind::Mapping(_) => self.set_mapping(n),
            NodeKind::Sequence(items) => {
                for item in items {
                    match &item.kind {
                        NodeKind::Scalar(s) if s.is_null() => {}
                        NodeKind::Scalar(_) => self.set_scalar(item)?,
                        NodeKind::Mapping(_) => self.set_mapping(item)?,
                        NodeKind::Sequence(_) => {
                            // kustomize prints the Go value (`&yaml.RNode{…}`) before the
                            // phrase (api/filters/nameref/seqfilter.go).
                            return Err(WalkError(
                                "a list item is expected to be either a string or a map of string"
                                    .into(),
                            ));
                        }
                    }
                }
                Ok(())
            }
        }
    }

    /// Returns whether candidate `i` could be referred to by the referrer at all
    /// (`SubsetThatCouldBeReferencedByResource`).
    fn reachable(&self, i: usize) -> bool {
        let Some(c) = self.index.snapshot.get(i) else {
            return false;
        };
        if self.referrer.cluster_scoped || c.cluster_scoped {
            return true;
        }
        c.id.effective_namespace() == self.referrer.id.effective_namespace()
            || self.referrer.binding_namespaces.contains(&c.id.namespace)
    }

    fn set_scalar(&self, n: &mut Node) -> Result<(), WalkError> {
        let Some(old) = n.as_str().map(str::to_owned) else {
            return Ok(());
        };
        let candidates: Vec<usize> = self.prefiltered(&old, None);
        let Some(i) = self.select(&old, candidates, false)? else {
            return Ok(());
        };
        let Some(c) = self.index.snapshot.get(i) else {
            return Ok(());
        };
        if c.id.name != old {
            *n = Node::string(c.id.name.as_str());
        }
        Ok(())
    }

    fn set_mapping(&self, n: &mut Node) -> Result<(), WalkError> {
        let Some(m) = n.as_mapping_mut() else {
            return Ok(());
        };
        let Some(old) = m.get("name").map(|v| v.as_str().unwrap_or("").to_owned()) else {
            return Err(WalkError(
                "path config error; no 'name' field in node".into(),
            ));
        };
        let ns = m
            .get("namespace")
            .map(|v| v.as_str().unwrap_or("").to_owned());
        let candidates = self.prefiltered(&old, ns.as_deref());
        let Some(i) = self.select(&old, candidates, true)? else {
            return Ok(());
        };
        let Some(c) = self.index.snapshot.get(i) else {
            return Ok(());
        };
        if c.id.name == old && c.id.namespace.is_empty() {
            return Ok(());
        }
        m.insert("name", Node::string(c.id.name.as_str()));
        if !c.id.namespace.is_empty() {
            m.insert("namespace", Node::string(c.id.namespace.as_str()));
        }
        Ok(())
    }

    /// Candidates whose previous names include `old`, reachable from the referrer, and, for a
    /// reference that names a namespace, in that namespace (original first, else current).
    fn prefiltered(&self, old: &str, ns: Option<&str>) -> Vec<usize> {
        let mut list: Vec<usize> = self
            .index
            .by_prev_name
            .get(old)
            .map(|v| v.iter().copied().filter(|&i| self.reachable(i)).collect())
            .unwrap_or_default();
        if let Some(ns) = ns {
            let snap = self.index.snapshot;
            let by_org: Vec<usize> = list
                .iter()
                .copied()
                .filter(|&i| snap.get(i).and_then(|c| c.org_namespace.as_deref()) == Some(ns))
                .collect();
            // Grouping by original namespace wins when that group exists at all among the
            // reachable candidates (nameref.go filterMapCandidatesByNamespace).
            let any_org = self.any_with_org_namespace(ns);
            list = if any_org {
                by_org
            } else {
                list.into_iter()
                    .filter(|&i| snap.get(i).and_then(|c| c.id.effective_namespace()) == Some(ns))
                    .collect()
            };
        }
        list
    }

    fn any_with_org_namespace(&self, ns: &str) -> bool {
        self.index
            .by_org_namespace
            .get(ns)
            .is_some_and(|v| v.iter().any(|&i| self.reachable(i)))
    }

    /// kustomize's `selectReferral`.
    fn select(
        &self,
        old: &str,
        mut list: Vec<usize>,
        with_namespace: bool,
    ) -> Result<Option<usize>, WalkError> {
        let snap = self.index.snapshot;
        let get = |i: usize| snap.get(i);
        list.retain(|&i| {
            get(i).is_some_and(|c| {
                c.history().prev_ids.iter().any(|p| p.name == old)
                    && c.history()
                        .prev_ids
                        .iter()
                        .any(|p| p.gvk.is_selected_by(self.target))
            })
        });
        if self.path.ends_with("roleRef/name")
            && let Some(rr) = &self.referrer.role_ref
        {
            list.retain(|&i| {
                get(i).is_some_and(|c| {
                    c.history()
                        .prev_ids
                        .iter()
                        .any(|p| p.gvk.is_selected_by(rr))
                })
            });
        }
        if !self.referrer.cluster_scoped {
            list.retain(|&i| {
                get(i).is_some_and(|c| {
                    c.cluster_scoped
                        || c.id.gvk.kind == "ServiceAccount"
                        || c.id.effective_namespace() == self.referrer.id.effective_namespace()
                })
            });
        }
        if list.len() == 1 {
            return Ok(list.first().copied());
        }
        let me = get(self.referrer.index).map(Candidate::history);
        let affix_eq = |i: usize, allow_empty: bool| -> bool {
            match (get(i), me) {
                (Some(c), Some(me)) => c.history().affixes_equal(me, allow_empty),
                _ => false,
            }
        };
        list.retain(|&i| affix_eq(i, true));
        if list.len() > 1 {
            list.retain(|&i| affix_eq(i, false));
        }
        match list.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(*one)),
            [first, rest @ ..] => {
                let same = rest.iter().all(|&i| match (get(i), get(*first)) {
                    (Some(a), Some(b)) => {
                        a.id.name == b.id.name
                            && (!with_namespace || a.id.namespace == b.id.namespace)
                    }
                    _ => false,
                });
                if same {
                    return Ok(Some(*first));
                }
                let ids: Vec<String> = list
                    .iter()
                    .filter_map(|&i| get(i))
                    .map(|c| c.id.to_string())
                    .collect();
                Err(WalkError(format!(
                    "found multiple possible referrals: {} (referred to from {} as '{old}')",
                    ids.join(", "),
                    self.referrer.id
                )))
            }
        }
    }
}
