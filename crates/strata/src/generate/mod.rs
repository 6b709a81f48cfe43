//! The generator stage: `configMapGenerator` and `secretGenerator` entries become ConfigMap
//! and Secret documents, `behavior: merge`/`replace` edit an existing one, and at the top level
//! [`hash_suffix`] names each generated object after its content.
//!
//! kustomize: api/internal/generators (configmap.go, secret.go, utils.go), api/kv/kv.go,
//! api/types (generatorargs.go, generatoroptions.go), api/resmap/reswrangler.go
//! `appendReplaceOrMerge`, api/resource/resource.go, api/hasher/hasher.go.
//!
//! The caller (the build spine) does, per kustomization, after `resources`:
//! 1. read [`GeneratorOptions::from_kustomization`] and every entry with [`read_generators`]
//!    (all `configMapGenerator` entries first, then all `secretGenerator`);
//! 2. for each, [`generate`] with the kustomization's options and a [`KvFiles`] that reads
//!    relative to the kustomization directory under the load restrictor;
//! 3. by [`Generated::behavior`]: create appends the object (an existing object with its id is
//!    kustomize's "exists; behavior must be merge or replace"); merge and replace look the id
//!    up, matching previous ids too (kustomize's `GetMatchingResourcesByAnyId`), and call
//!    [`merge_generated`], which also says whether the result still wants a hash;
//! 4. at the top level only, after every transformer, rename each object that wants a hash to
//!    `<name>-<hash_suffix>`.
//!
//! This module may use `yaml`, `source`, `error` and `resource`.

mod args;
mod hash;
pub(crate) mod kv;

use std::collections::BTreeMap;

pub(crate) use args::{
    Behavior, FIELDS as ARG_FIELDS, GeneratorArgs, GeneratorKind, GeneratorOptions, read_generators,
};
pub(crate) use hash::hash_suffix;
pub(crate) use kv::encode_base64;

use crate::error::{Error, ErrorKind, Result};
use crate::yaml::{Entry, Mapping, Node, NodeKind, Scalar};

/// Reads the files a generator names. A path is as written in the kustomization (relative to
/// its directory, or absolute); the implementation applies the load restrictor.
///
/// The error's message is kept and prefixed with kustomize's `loading KV pairs: file sources:
/// [...]: ` (or `env source files`), and relocated to the entry that named the file; its kind
/// and context are kept. kustomize's own texts are, for reference: `evalsymlink failure on
/// '<abs>' : lstat <abs>: no such file or directory`, `'<abs>' must resolve to a file`, and
/// `security; file '<abs>' is not in or below '<root>'`.
pub(crate) trait KvFiles {
    /// Returns the contents of the file at `path`.
    fn read(&self, path: &str) -> Result<Vec<u8>>;
}

/// A generated ConfigMap or Secret.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Generated {
    /// The whole document: `apiVersion: v1`, `kind`, `metadata` (`name`, `namespace` if set,
    /// `labels` and `annotations` if any), `data` and `binaryData` (ConfigMap; each only if it
    /// has keys) or `type` and `data` (Secret; `data` always), `immutable: true` if asked for.
    /// Keys are in no particular order; values are string scalars except `immutable`.
    pub node: Node,
    /// What to do with an existing object of the same id.
    pub behavior: Behavior,
    /// True unless `disableNameSuffixHash` is set (per entry or in `generatorOptions`): the
    /// top level must append [`hash_suffix`] to the name.
    pub hash: bool,
}

/// Generates the object for `args`: a ConfigMap or a Secret as its kind says.
pub(crate) fn generate(
    args: &GeneratorArgs,
    global: Option<&GeneratorOptions>,
    files: &dyn KvFiles,
) -> Result<Generated> {
    match args.kind {
        GeneratorKind::ConfigMap => generate_config_map(args, global, files),
        GeneratorKind::Secret => generate_secret(args, global, files),
    }
}

/// Generates a ConfigMap from `args` (whatever its kind; a `type` is ignored), with the
/// kustomization's `generatorOptions` in `global`.
///
/// Values that are valid UTF-8 go to `data` verbatim; others (file contents only) go to
/// `binaryData` as base64, wrapped as kustomize wraps it. Errors, located at the entry or the
/// offending source, carry kustomize's messages: `a configmap must have a name`, `loading KV
/// pairs: ...` and `configmap NAME illegally repeats the key `K``.
pub(crate) fn generate_config_map(
    args: &GeneratorArgs,
    global: Option<&GeneratorOptions>,
    files: &dyn KvFiles,
) -> Result<Generated> {
    build(args, GeneratorKind::ConfigMap, global, files)
}

/// Generates a Secret from `args`, with the kustomization's `generatorOptions` in `global`:
/// `type` is `args.secret_type` or `Opaque`, every value is base64 in `data` (lines of 70
/// characters, each ending in `\n`, once the encoding reaches 70). Errors as for
/// [`generate_config_map`] (kustomize's messages say "configmap" for Secrets too).
pub(crate) fn generate_secret(
    args: &GeneratorArgs,
    global: Option<&GeneratorOptions>,
    files: &dyn KvFiles,
) -> Result<Generated> {
    build(args, GeneratorKind::Secret, global, files)
}

fn build(
    args: &GeneratorArgs,
    kind: GeneratorKind,
    global: Option<&GeneratorOptions>,
    files: &dyn KvFiles,
) -> Result<Generated> {
    // makeBaseNode runs before any file is read.
    if args.name.is_empty() {
        return Err(args.error_at(
            ErrorKind::Kustomization,
            "a configmap must have a name",
            args.span,
        ));
    }
    let options = args.options.with_global(global);
    let mut pairs = kv::load_pairs(args, files)?;
    pairs.sort_by(|a, b| a.key.cmp(&b.key));

    let mut metadata = Mapping::new();
    metadata.insert("name", Node::string(args.name.as_str()));
    if !args.namespace.is_empty() {
        metadata.insert("namespace", Node::string(args.namespace.as_str()));
    }
    set_string_map(&mut metadata, "labels", &options.labels);
    set_string_map(&mut metadata, "annotations", &options.annotations);

    let mut root = Mapping::new();
    root.insert("apiVersion", Node::string("v1"));
    root.insert("kind", Node::string(kind.kind()));
    root.insert("metadata", Node::mapping(metadata));
    match kind {
        GeneratorKind::ConfigMap => {
            let (mut data, mut binary) = (Mapping::new(), Mapping::new());
            for p in pairs {
                match String::from_utf8(p.value) {
                    Ok(text) => push(&mut data, p.key, text),
                    Err(e) => push(&mut binary, p.key, kv::encode_base64(e.as_bytes())),
                }
            }
            // LoadMapIntoConfigMapData creates each map only when it gets a key.
            if !data.is_empty() {
                root.insert("data", Node::mapping(data));
            }
            if !binary.is_empty() {
                root.insert("binaryData", Node::mapping(binary));
            }
        }
        GeneratorKind::Secret => {
            let secret_type = match args.secret_type.as_str() {
                "" => "Opaque",
                t => t,
            };
            root.insert("type", Node::string(secret_type));
            let mut data = Mapping::new();
            for p in pairs {
                push(&mut data, p.key, kv::encode_base64(&p.value));
            }
            // LoadMapIntoSecretData always creates `data`, so an empty Secret has `data: {}`.
            root.insert("data", Node::mapping(data));
        }
    }
    if options.immutable {
        root.insert("immutable", Node::scalar(Scalar::plain("true")));
    }
    Ok(Generated {
        node: Node::mapping(root),
        behavior: args.behavior,
        hash: !options.disable_name_suffix_hash,
    })
}

/// Appends `key: "value"` to a map whose keys are known to be new. Keys are plain scalars, as
/// kyaml's `SetField` makes them: a key such as `1` or `true` then types as a non-string and
/// fails on output, as it does in kustomize.
fn push(m: &mut Mapping, key: String, value: String) {
    m.entries.push(Entry {
        key: Node::scalar(Scalar::plain(key)),
        value: Node::string(value),
    });
}

/// Sets `key` to a map of strings, or removes it when the map is empty (kyaml
/// `setMapInMetadata`, `SetDataMap`).
fn set_string_map(m: &mut Mapping, key: &str, values: &BTreeMap<String, String>) {
    m.remove(key);
    if values.is_empty() {
        return;
    }
    let mut out = Mapping::new();
    for (k, v) in values {
        push(&mut out, k.clone(), v.clone());
    }
    m.insert(key, Node::mapping(out));
}

/// Reads a map the way kyaml's `GetLabels`/`GetDataMap` do: every value as its scalar text
/// (`5` → `"5"`, `~` → `"~"`), a non-scalar as `""`; anything but a mapping is empty.
fn string_map_of(node: Option<&Node>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(NodeKind::Mapping(m)) = node.map(|n| &n.kind) {
        for e in &m.entries {
            let text = |n: &Node| n.as_str().unwrap_or("").to_owned();
            out.insert(text(&e.key), text(&e.value));
        }
    }
    out
}

/// Applies a `merge` or `replace` generator result `new` to `existing`, the object with the
/// same id, as kustomize's `appendReplaceOrMerge` does; `existing_hash` says whether
/// `existing` wants a name hash. Returns whether the result wants one.
///
/// The result is `new`'s document with, from `existing`:
/// - labels and annotations: the union, `new` winning on a shared key (both behaviors);
/// - `metadata.name` and `metadata.namespace`: `existing`'s, so prefixes and namespaces the
///   base applied survive (a `namespace: default` in the overlay entry matches a base object
///   with none, and the result has none);
/// - for `merge` only: `data` and `binaryData` are the union of both, `new` winning; every
///   value becomes a string (a patched `5` turns into `"5"`) and an empty map is removed, so
///   merging two empty Secrets leaves no `data` at all.
///
/// Everything else of `existing` is dropped: `immutable`, a Secret's `type` (merging into a
/// `kubernetes.io/tls` Secret without a `type` gives `Opaque`), other fields of an object
/// from `resources:`. The hash is wanted only if both wanted it: a base with
/// `disableNameSuffixHash` stays unhashed and so does an object from `resources:` (pass false).
/// All of this was checked with kustomize-ref (tests below). The object keeps `existing`'s
/// place and build history (previous ids, for name references): those are the caller's.
///
/// Fails for a `new` whose behavior is not merge or replace.
pub(crate) fn merge_generated(
    existing: &mut Node,
    existing_hash: bool,
    new: &Generated,
) -> Result<bool> {
    if !new.behavior.edits_existing() {
        return Err(Error::new(
            ErrorKind::DuplicateId,
            format!(
                "cannot use behavior '{}' on an existing object: behavior must be merge or replace",
                new.behavior.as_str()
            ),
        ));
    }
    let mut merged = new.node.clone();
    let Some(root) = merged.as_mapping_mut() else {
        return Ok(existing_hash && new.hash);
    };
    let old_meta = existing.get_path(&["metadata"]);
    let old = |key: &str| {
        old_meta
            .and_then(|m| m.as_mapping())
            .and_then(|m| m.get(key))
    };
    let new_meta = new.node.get_path(&["metadata"]).and_then(Node::as_mapping);
    let new_map = |key: &str| new_meta.and_then(|m| m.get(key));

    let mut meta = match root.remove("metadata") {
        Some(Node {
            kind: NodeKind::Mapping(m),
            ..
        }) => m,
        _ => Mapping::new(),
    };
    for key in ["labels", "annotations"] {
        let mut values = string_map_of(old(key));
        values.extend(string_map_of(new_map(key)));
        set_string_map(&mut meta, key, &values);
    }
    let name = old("name").and_then(Node::as_str).unwrap_or("");
    meta.insert("name", Node::string(name));
    match old("namespace").and_then(Node::as_str) {
        Some(ns) if !ns.is_empty() => meta.insert("namespace", Node::string(ns)),
        _ => {
            meta.remove("namespace");
        }
    }
    root.insert("metadata", Node::mapping(meta));

    if new.behavior == Behavior::Merge {
        for key in ["data", "binaryData"] {
            let mut values = string_map_of(existing.get_path(&[key]));
            values.extend(string_map_of(new.node.get_path(&[key])));
            set_string_map(root, key, &values);
        }
    }
    *existing = merged;
    Ok(existing_hash && new.hash)
}

#[cfg(test)]
#[allow(
    clippy::disallowed_methods,
    reason = "the tests read the shared hash examples from disk"
)]
mod tests;
