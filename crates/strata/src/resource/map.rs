//! [`ResourceMap`]: resources in order, with an index by id.
//!
//! kustomize's `resWrangler.Append` scans every resource to reject a duplicate id, so loading
//! n resources costs O(n²); here the index makes `append` O(1).

use std::collections::HashMap;

use super::{IdKey, Resource};

/// An ordered collection of resources with unique ids.
#[derive(Clone, Debug, Default)]
pub struct ResourceMap {
    resources: Vec<Resource>,
    index: HashMap<IdKey, usize>,
}

impl ResourceMap {
    /// Returns an empty map.
    pub fn new() -> ResourceMap {
        ResourceMap::default()
    }

    /// Appends `r`, or returns it back if a resource with the same id is already present.
    pub fn append(&mut self, r: Resource) -> Result<(), Box<Resource>> {
        let key = r.id().key();
        if self.index.contains_key(&key) {
            return Err(Box::new(r));
        }
        self.index.insert(key, self.resources.len());
        self.resources.push(r);
        Ok(())
    }

    /// Returns the resource with the id key `key`.
    pub fn get(&self, key: &IdKey) -> Option<&Resource> {
        self.index.get(key).and_then(|&i| self.resources.get(i))
    }

    /// Returns the position of the resource with the id key `key`.
    pub fn position(&self, key: &IdKey) -> Option<usize> {
        self.index.get(key).copied()
    }

    /// Returns the resources in order.
    pub fn resources(&self) -> &[Resource] {
        &self.resources
    }

    /// Iterates over the resources mutably. Identity fields must not change through it (the
    /// index would go stale); use [`ResourceMap::update_all`] for renames.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Resource> {
        self.resources.iter_mut()
    }

    /// Changes the resource at position `i` in place and re-indexes it if its id changed.
    /// Returns the new id if another resource already has it (the map is then left
    /// inconsistent, so the caller must give up the build).
    pub fn modify<T>(
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
    pub fn remove_at(&mut self, positions: &[usize]) {
        if positions.is_empty() {
            return;
        }
        let all = std::mem::take(&mut self.resources);
        self.index.clear();
        for (i, r) in all.into_iter().enumerate() {
            if !positions.contains(&i) {
                self.index.insert(r.id().key(), self.resources.len());
                self.resources.push(r);
            }
        }
    }

    /// Returns the number of resources.
    pub fn len(&self) -> usize {
        self.resources.len()
    }

    /// Returns true if there are no resources.
    pub fn is_empty(&self) -> bool {
        self.resources.is_empty()
    }

    /// Takes the resources out, in order.
    pub fn into_resources(self) -> Vec<Resource> {
        self.resources
    }

    /// Replaces the content with `resources` in the given order, rebuilding the index. Returns
    /// the first resource whose id repeats an earlier one.
    pub fn replace_all(&mut self, resources: Vec<Resource>) -> Result<(), Box<Resource>> {
        self.resources.clear();
        self.index.clear();
        for r in resources {
            self.append(r)?;
        }
        Ok(())
    }

    /// Gives mutable access to every resource; ids are re-indexed afterwards, and the first
    /// resource whose new id collides with another is returned as an error.
    pub fn update_all<F: FnMut(&mut Resource)>(&mut self, mut f: F) -> Result<(), Box<Resource>> {
        for r in &mut self.resources {
            f(r);
        }
        let all = std::mem::take(&mut self.resources);
        self.replace_all(all)
    }
}
