//! Budgets per build: how much work one render may do, whatever the input asks for.
//!
//! Per-file limits ([`crate::yaml::parse::Limits`]) stop one hostile file; they do not stop
//! two hundred files each just under them, a chain of `replacements` that each double a
//! document, or a diamond of bases re-entered once per path. Every such quantity is counted
//! here, across the whole build, against [`Budgets`] in
//! [`RenderOptions`](crate::RenderOptions); the first one to run out ends the build with an
//! [`ErrorKind::Limit`] error that names it and says how to raise it.
//!
//! Each budget counts work, never time, so a test can reproduce exactly where a build stops.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Error, ErrorKind};
use crate::yaml::{Node, NodeKind};

/// Limits on one build. A node of the tree costs about 80 bytes with its share of strings,
/// so the node budgets keep what a hostile build can make under about 100 MB each, while
/// leaving room for real repositories: text without aliases never charges the alias budget,
/// and generators, patches and replacements create a few nodes per resource they touch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Budgets {
    /// Bytes read from files (kustomizations, resources, patches, generator sources...),
    /// counted every time a file is loaded. Default 512 MiB.
    pub input_bytes: u64,
    /// Nodes that YAML aliases expand to, over all files, estimated per file as the nodes
    /// parsed beyond one per input byte (text without aliases cannot make more). Default
    /// 500k.
    pub alias_nodes: u64,
    /// Nodes created after parsing: generated objects, strategic-merge patches applied to each
    /// target, values copied by replacements, fields rewritten by vars (one node per field
    /// plus one per 64 bytes of substituted text). Default 1M.
    pub nodes: u64,
    /// Resources loaded, generated, or copied from a base reused in another place. Default 1M.
    pub resources: u64,
    /// Kustomization directories accumulated (bases once each, components each time they
    /// apply). Default 100k.
    pub kustomizations: u64,
}

impl Default for Budgets {
    fn default() -> Budgets {
        Budgets {
            input_bytes: 512 * 1024 * 1024,
            alias_nodes: 500_000,
            nodes: 1_000_000,
            resources: 1_000_000,
            kustomizations: 100_000,
        }
    }
}

/// One of the budgets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Budget {
    /// [`Budgets::input_bytes`].
    InputBytes,
    /// [`Budgets::alias_nodes`].
    AliasNodes,
    /// [`Budgets::nodes`].
    Nodes,
    /// [`Budgets::resources`].
    Resources,
    /// [`Budgets::kustomizations`].
    Kustomizations,
}

impl Budget {
    /// Every budget, in the order of [`Budgets`]' fields.
    pub const ALL: [Budget; 5] = [
        Budget::InputBytes,
        Budget::AliasNodes,
        Budget::Nodes,
        Budget::Resources,
        Budget::Kustomizations,
    ];

    /// Returns the name the command line uses (`--budget NAME=N`), also [`Budgets`]' field
    /// name with `-` for `_`.
    pub fn name(self) -> &'static str {
        match self {
            Budget::InputBytes => "input-bytes",
            Budget::AliasNodes => "alias-nodes",
            Budget::Nodes => "nodes",
            Budget::Resources => "resources",
            Budget::Kustomizations => "kustomizations",
        }
    }

    /// Returns the budget called `name` ([`Budget::name`]).
    pub fn from_name(name: &str) -> Option<Budget> {
        Budget::ALL.into_iter().find(|b| b.name() == name)
    }

    fn what(self) -> &'static str {
        match self {
            Budget::InputBytes => "bytes read from files",
            Budget::AliasNodes => "nodes expanded from YAML aliases",
            Budget::Nodes => "nodes created by generators, patches, replacements and vars",
            Budget::Resources => "resources",
            Budget::Kustomizations => "kustomization directories accumulated",
        }
    }

    fn index(self) -> usize {
        match self {
            Budget::InputBytes => 0,
            Budget::AliasNodes => 1,
            Budget::Nodes => 2,
            Budget::Resources => 3,
            Budget::Kustomizations => 4,
        }
    }
}

impl fmt::Display for Budget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Budgets {
    /// Returns the limit of `b`.
    pub fn get(&self, b: Budget) -> u64 {
        match b {
            Budget::InputBytes => self.input_bytes,
            Budget::AliasNodes => self.alias_nodes,
            Budget::Nodes => self.nodes,
            Budget::Resources => self.resources,
            Budget::Kustomizations => self.kustomizations,
        }
    }

    /// Sets the limit of `b`.
    pub fn set(&mut self, b: Budget, limit: u64) {
        match b {
            Budget::InputBytes => self.input_bytes = limit,
            Budget::AliasNodes => self.alias_nodes = limit,
            Budget::Nodes => self.nodes = limit,
            Budget::Resources => self.resources = limit,
            Budget::Kustomizations => self.kustomizations = limit,
        }
    }
}

/// What one build used of each budget.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Usage {
    /// Bytes read from files ([`Budgets::input_bytes`]).
    pub input_bytes: u64,
    /// Nodes expanded from aliases ([`Budgets::alias_nodes`]).
    pub alias_nodes: u64,
    /// Nodes created after parsing ([`Budgets::nodes`]).
    pub nodes: u64,
    /// Resources loaded, generated or copied ([`Budgets::resources`]).
    pub resources: u64,
    /// Kustomization directories accumulated ([`Budgets::kustomizations`]).
    pub kustomizations: u64,
}

/// The counters of one build. Atomic only so that the loader holding it stays `Sync`; one
/// build runs on one thread.
#[derive(Debug, Default)]
pub(crate) struct Meter {
    budgets: Budgets,
    used: [AtomicU64; 5],
}

impl Meter {
    pub(crate) fn new(budgets: Budgets) -> Meter {
        Meter {
            budgets,
            used: Default::default(),
        }
    }

    /// Counts `n` units of `b`; fails once the build has used more than its budget.
    pub(crate) fn charge(&self, b: Budget, n: u64) -> Result<(), Error> {
        let counter = &self.used[b.index()];
        let before = counter.fetch_add(n, Ordering::Relaxed);
        let limit = self.budgets.get(b);
        if before.saturating_add(n) > limit {
            return Err(exceeded(b, limit));
        }
        Ok(())
    }

    /// Returns the limit of `b`.
    pub(crate) fn limit(&self, b: Budget) -> u64 {
        self.budgets.get(b)
    }

    /// Returns what is left of `b`.
    pub(crate) fn remaining(&self, b: Budget) -> u64 {
        self.budgets
            .get(b)
            .saturating_sub(self.used[b.index()].load(Ordering::Relaxed))
    }

    pub(crate) fn usage(&self) -> Usage {
        let u = |b: Budget| self.used[b.index()].load(Ordering::Relaxed);
        Usage {
            input_bytes: u(Budget::InputBytes),
            alias_nodes: u(Budget::AliasNodes),
            nodes: u(Budget::Nodes),
            resources: u(Budget::Resources),
            kustomizations: u(Budget::Kustomizations),
        }
    }
}

/// Returns the error for a build that ran out of budget `b`.
pub(crate) fn exceeded(b: Budget, limit: u64) -> Error {
    Error::new(
        ErrorKind::Limit,
        format!(
            "the build exceeds its budget of {limit} {what}; if the input is trusted, raise it \
             with `--budget {name}=N` (RenderOptions::budgets.{field})",
            what = b.what(),
            name = b.name(),
            field = b.name().replace('-', "_"),
        ),
    )
}

/// Returns the number of nodes in the tree under `node` (keys count), without recursion.
pub(crate) fn count_nodes(node: &Node) -> u64 {
    let mut count = 0u64;
    let mut todo = vec![node];
    while let Some(n) = todo.pop() {
        count += 1;
        match &n.kind {
            NodeKind::Mapping(m) => {
                for e in &m.entries {
                    todo.push(&e.key);
                    todo.push(&e.value);
                }
            }
            NodeKind::Sequence(items) => todo.extend(items.iter()),
            _ => {}
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charges_until_the_budget_is_spent() {
        let mut b = Budgets::default();
        b.set(Budget::Nodes, 10);
        let m = Meter::new(b);
        assert!(m.charge(Budget::Nodes, 6).is_ok());
        assert_eq!(m.remaining(Budget::Nodes), 4);
        assert!(m.charge(Budget::Nodes, 4).is_ok());
        let e = m.charge(Budget::Nodes, 1).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Limit);
        assert!(e.message().contains("budget of 10 nodes"), "{e}");
        assert!(e.message().contains("--budget nodes=N"), "{e}");
        assert_eq!(m.usage().nodes, 11);
        assert_eq!(m.usage().resources, 0);
    }

    #[test]
    fn names_round_trip() {
        for b in Budget::ALL {
            assert_eq!(Budget::from_name(b.name()), Some(b));
            let mut budgets = Budgets::default();
            budgets.set(b, 7);
            assert_eq!(budgets.get(b), 7);
        }
        assert_eq!(Budget::from_name("time"), None);
    }

    #[test]
    fn counts_keys_values_and_items() {
        let file = crate::source::SourceFile::new("t.yaml", "a: [1, 2]\nb: {c: d}\n");
        let docs =
            crate::yaml::parse::parse_documents(&file, Default::default()).expect("valid yaml");
        // root, a, [..], 1, 2, b, {..}, c, d
        assert_eq!(count_nodes(&docs[0].root), 9);
    }
}
