//! Running `configMapGenerator` / `secretGenerator` (and builtin generator plugin configs)
//! against an accumulator, and naming generated objects after their content at the top level.
//!
//! Placement follows api/resmap/reswrangler.go `appendReplaceOrMerge`: a new object is
//! appended; `merge`/`replace` edit the one object whose current or previous id matches.

use std::path::Path;

use crate::error::{Error, ErrorKind, Location, Result};
use crate::generate::{self, Behavior, Generated, GeneratorArgs, KvFiles};
use crate::resource::{Origin, Resource, ResourceMap};

use super::loader::Loader;
use crate::budget::{Budget, count_nodes};

/// Reads generator files relative to a kustomization directory, under the load restrictor.
pub struct DirFiles<'l, 'a> {
    /// The loader.
    pub loader: &'l Loader<'a>,
    /// The kustomization directory (canonical).
    pub root: &'l Path,
}

impl KvFiles for DirFiles<'_, '_> {
    fn read(&self, path: &str) -> Result<Vec<u8>> {
        let p = crate::fs::clean(&self.root.join(path));
        let bytes = self.loader.read_restricted_bytes(self.root, &p)?;
        // A SOPS source is hashed as its plaintext, so the name suffix changes only when
        // the secret does.
        Ok(match self.loader.decrypt_source(path, &bytes)? {
            Some(plain) => plain,
            None => bytes,
        })
    }
}

/// Generates the object for `args` and places it in `acc`. `origin` is recorded on a new
/// object; a merged one keeps its own.
pub fn run(
    args: &GeneratorArgs,
    global: Option<&generate::GeneratorOptions>,
    files: &DirFiles<'_, '_>,
    acc: &mut ResourceMap,
    origin: Option<Origin>,
) -> Result<()> {
    let mut g = generate::generate(args, global, files)?;
    g.node.span = args.span;
    let at = |e: Error| e.with_location(Location::new(&args.file, args.span));
    files
        .loader
        .charge(Budget::Nodes, count_nodes(&g.node))
        .map_err(at)?;
    files.loader.charge(Budget::Resources, 1).map_err(at)?;
    absorb(acc, g, args, origin)
}

fn absorb(
    acc: &mut ResourceMap,
    g: Generated,
    args: &GeneratorArgs,
    origin: Option<Origin>,
) -> Result<()> {
    let mut r = Resource::from_node(g.node.clone(), &args.file)?;
    r.history_mut().origin = origin;
    let at = |e: Error| match e.location() {
        Some(_) => e,
        None => Error::at(e.kind(), e.message(), &args.file, args.span),
    };
    place(acc, r, &g, &at)
}

/// Places generated object `r` (`g` its behavior and hash) in `acc` as kustomize's
/// `appendReplaceOrMerge` does: appended if no object has its current or a previous id,
/// else merged into or replacing that one. `at` locates errors. Exec generators use it too.
pub(super) fn place(
    acc: &mut ResourceMap,
    mut r: Resource,
    g: &Generated,
    at: &dyn Fn(Error) -> Error,
) -> Result<()> {
    let id = r.id().clone();
    let matches: Vec<usize> = acc
        .resources()
        .iter()
        .enumerate()
        .filter(|(_, x)| x.id().equals(&id) || x.history().prev_ids.iter().any(|p| p.equals(&id)))
        .map(|(i, _)| i)
        .collect();
    let err = |msg: String| at(Error::new(ErrorKind::Kustomization, msg));
    match matches.as_slice() {
        [] => {
            if g.behavior.edits_existing() {
                return Err(err(format!(
                    "id {} does not exist; cannot merge or replace",
                    r.id()
                )));
            }
            r.history_mut().needs_hash = g.hash;
            r.history_mut().generator_behavior = Some(g.behavior.as_str());
            acc.append(r).map_err(|r| {
                err(format!(
                    "may not add resource with an already registered id: {}",
                    r.id()
                ))
            })
        }
        [i] => {
            if !g.behavior.edits_existing() {
                return Err(err(format!(
                    "id {} exists; behavior must be merge or replace",
                    r.id()
                )));
            }
            let i = *i;
            let mut all = std::mem::take(acc).into_resources();
            let result = match all.get_mut(i) {
                Some(existing) => {
                    let wants = existing.history().needs_hash;
                    let hash = generate::merge_generated(existing.node_mut(), wants, g).map_err(at);
                    match hash {
                        Ok(hash) => {
                            existing.history_mut().needs_hash = hash;
                            // merge keeps the base object's origin; replace takes the
                            // generator's (reswrangler.go appendReplaceOrMerge).
                            if g.behavior == Behavior::Replace && r.history().origin.is_some() {
                                existing.history_mut().origin = r.history().origin.clone();
                            }
                            existing.refresh_id();
                            Ok(())
                        }
                        Err(e) => Err(e),
                    }
                }
                None => Ok(()),
            };
            acc.replace_all(all).map_err(|r| {
                err(format!(
                    "may not add resource with an already registered id: {}",
                    r.id()
                ))
            })?;
            result
        }
        many => {
            let ids: Vec<String> = many
                .iter()
                .filter_map(|&i| acc.resources().get(i))
                .map(|x| x.id().to_string())
                .collect();
            Err(err(format!(
                "found multiple objects [{}] that could accept merge of {}",
                ids.join(" "),
                r.id()
            )))
        }
    }
}

/// Appends `-<hash>` to the name of every generated object that wants it (kustomize's
/// HashTransformer, run once at the top level).
pub fn add_hashes(resources: &mut [Resource]) -> Result<()> {
    for r in resources.iter_mut().filter(|r| r.history().needs_hash) {
        let suffix = generate::hash_suffix(r.node())
            .map_err(|e| e.with_location(Location::new(r.origin(), r.node().span)))?;
        r.store_previous_id();
        let name = format!("{}-{suffix}", r.id().name);
        if let Some(meta) = r
            .node_mut()
            .as_mapping_mut()
            .and_then(|m| m.get_mut("metadata"))
            .and_then(|m| m.as_mapping_mut())
        {
            meta.insert("name", crate::yaml::Node::string(name));
        }
        r.refresh_id();
    }
    Ok(())
}
