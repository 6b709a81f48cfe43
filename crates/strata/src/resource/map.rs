//! [`ResourceMap`]: resources in order, with an index by id.
//!
//! kustomize's `resWrangler.Append` scans every resource to reject a duplicate id, so loading
//! n resources costs O(n²); here the index makes `append` O(1).

use std::collections::HashMap;

use super::{IdKey, Resource};

/// An ordered collection of resources with unique ids.
#[derive(Clone, Debug, Default)]
pub(crate) struct ResourceMap {
    resources: Vec<Resource>,
    index: HashMap<IdKey, usize>,
}

impl ResourceMap {
    /// Returns an empty map.
    pub(crate) fn new() -> ResourceMap {
        ResourceMap::default()
    }

    /// Appends `r`, or returns it back if a resource with the same id is already present.
    pub(crate) fn append(&mut self, r: Resource) -> Result<(), Box<Resource>> {
        let key = r.id().key();
        if self.index.contains_key(&key) {
            return Err(Box::new(r));
        }
        self.index.insert(key, self.resources.len());
        self.resources.push(r);
        Ok(())
    }

    /// Makes room for `n` more resources (amortized, as `Vec::reserve`), so that one large
    /// file appended to an empty map leaves no unused half.
    pub(crate) fn reserve(&mut self, n: usize) {
        self.resources.reserve(n);
        self.index.reserve(n);
    }

    #[cfg(test)]
    /// Returns the position of the resource with the id key `key`.
    pub(crate) fn position(&self, key: &IdKey) -> Option<usize> {
        self.index.get(key).copied()
    }

    /// Returns the resources in order.
    pub(crate) fn resources(&self) -> &[Resource] {
        &self.resources
    }

    /// Iterates over the resources mutably. Identity fields must not change through it (the
    /// index would go stale); use [`ResourceMap::update_all`] for renames.
    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = &mut Resource> {
        self.resources.iter_mut()
    }

    /// Changes the resource at position `i` in place and re-indexes it if its id changed.
    /// Returns the new id if another resource already has it (the map is then left
    /// inconsistent, so the caller must give up the build).
    pub(crate) fn modify<T>(
        &mut self,
        i: usize,
        f: impl FnOnce(&mut Resource) -> T,
    ) -> Result<Option<T>, super::ResId> {
        let Some(r) = self.resources.get_mut(i) else {
            return Ok(None);
        };
        let old = r.id().key();
        let out = f(r);
        let new = r.id().key();
        if new != old {
            if self.index.contains_key(&new) {
                return Err(r.id().clone());
            }
            self.index.remove(&old);
            self.index.insert(new, i);
        }
        Ok(Some(out))
    }

    /// Removes the resources at the given positions, keeping the order of the rest.
    /// Costs O(resources + positions), however many are removed.
    pub(crate) fn remove_at(&mut self, positions: &[usize]) {
        if positions.is_empty() {
            return;
        }
        let mut gone = vec![false; self.resources.len()];
        for &i in positions {
            if let Some(g) = gone.get_mut(i) {
                *g = true;
            }
        }
        let all = std::mem::take(&mut self.resources);
        self.index.clear();
        for (r, gone) in all.into_iter().zip(gone) {
            if !gone {
                self.index.insert(r.id().key(), self.resources.len());
                self.resources.push(r);
            }
        }
    }

    /// Returns the number of resources.
    pub(crate) fn len(&self) -> usize {
        self.resources.len()
    }

    /// Takes the resources out, in order.
    pub(crate) fn into_resources(self) -> Vec<Resource> {
        self.resources
    }

    /// Replaces the content with `resources` in the given order, rebuilding the index. Returns
    /// the first resource whose id repeats an earlier one.
    pub(crate) fn replace_all(&mut self, resources: Vec<Resource>) -> Result<(), Box<Resource>> {
        self.resources.clear();
        self.index.clear();
        for r in resources {
            self.append(r)?;
        }
        Ok(())
    }

    /// Gives mutable access to every resource; ids are re-indexed afterwards, and the first
    /// resource whose new id collides with another is returned as an error.
    pub(crate) fn update_all<F: FnMut(&mut Resource)>(
        &mut self,
        mut f: F,
    ) -> Result<(), Box<Resource>> {
        for r in &mut self.resources {
            f(r);
        }
        if self.keys_unchanged() {
            return Ok(());
        }
        let all = std::mem::take(&mut self.resources);
        self.replace_all(all)
    }

    /// Returns true if every resource still has the key the index holds for its position.
    /// Most transformers (labels, annotations, images, replicas) rename nothing, so after
    /// them [`ResourceMap::update_all`] checks the index instead of rebuilding it, and
    /// allocates no keys.
    fn keys_unchanged(&self) -> bool {
        if self.index.len() != self.resources.len() {
            return false;
        }
        let mut by_position: Vec<Option<&IdKey>> = vec![None; self.resources.len()];
        #[expect(
            clippy::iter_over_hash_type,
            reason = "only fills a table by position: the hash order reaches nothing"
        )]
        for (key, &i) in &self.index {
            match by_position.get_mut(i) {
                Some(slot) => *slot = Some(key),
                None => return false,
            }
        }
        self.resources
            .iter()
            .zip(&by_position)
            .all(|(r, key)| key.is_some_and(|k| k.is_key_of(r.id())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;
    use crate::yaml::Node;
    use crate::yaml::parse::{ParseOptions, parse_single};

    fn config_map(name: &str) -> Resource {
        let text = format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n");
        let file = SourceFile::new("r.yaml", text);
        let node = parse_single(&file, ParseOptions::default())
            .unwrap()
            .unwrap();
        Resource::from_node(node, &file).unwrap()
    }

    fn rename(r: &mut Resource, to: &str) {
        let meta = r
            .node_mut()
            .as_mapping_mut()
            .unwrap()
            .get_mut("metadata")
            .unwrap();
        meta.as_mapping_mut()
            .unwrap()
            .insert("name", Node::string(to));
        r.refresh_id();
    }

    fn names(m: &ResourceMap) -> Vec<&str> {
        m.resources().iter().map(|r| r.id().name.as_str()).collect()
    }

    /// `remove_at` keeps the order of the rest and re-indexes it; positions out of range or
    /// repeated are ignored.
    #[test]
    fn remove_at_keeps_order_and_index() {
        let mut m = ResourceMap::new();
        for n in ["a", "b", "c", "d"] {
            m.append(config_map(n)).unwrap();
        }
        m.remove_at(&[2, 0, 2, 9]);
        assert_eq!(names(&m), ["b", "d"]);
        assert_eq!(m.position(&config_map("d").id().key()), Some(1));
        assert_eq!(m.position(&config_map("a").id().key()), None);
    }

    /// `update_all` keeps the index right whether ids change or not, and reports the first
    /// resource whose new id repeats an earlier one.
    #[test]
    fn update_all_reindexes_renames_only() {
        let mut m = ResourceMap::new();
        for n in ["a", "b", "c"] {
            m.append(config_map(n)).unwrap();
        }
        let key = |n: &str| config_map(n).id().key();

        m.update_all(|_| {}).unwrap();
        assert_eq!(m.position(&key("b")), Some(1));

        m.update_all(|r| {
            if r.id().name == "b" {
                rename(r, "x");
            }
        })
        .unwrap();
        assert_eq!(names(&m), ["a", "x", "c"]);
        assert_eq!(m.position(&key("x")), Some(1));
        assert_eq!(m.position(&key("b")), None);

        let err = m
            .update_all(|r| {
                if r.id().name == "c" {
                    rename(r, "a");
                }
            })
            .unwrap_err();
        assert_eq!(err.id().name, "a");
    }
}
