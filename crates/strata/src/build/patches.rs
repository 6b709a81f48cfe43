//! `patchesStrategicMerge`, `patches` and `patchesJson6902`: loading patches, choosing their
//! targets and applying them to an accumulator.
//!
//! kustomize's api/internal/builtins/PatchStrategicMergeTransformer.go, PatchTransformer.go
//! and PatchJson6902Transformer.go, with api/resmap/reswrangler.go `ApplySmPatch` and
//! api/resource/resource.go `ApplySmPatch` for what a patch may not change.

use std::path::Path;
use std::sync::Arc;

use crate::error::{Error, ErrorKind, Location, Result};
use crate::go;
use crate::kustomization::{
    Kustomization, decode_bool, field, invalid, is_json_null, json_type, typed_string,
    unmarshal_message,
};
use crate::patch::json6902::{self, Operation};
use crate::patch::strategic_merge::{kustomize_patch_with, may_hold_comment_schema};
use crate::patch::target::{self, Selector};
use crate::resource::{BUILD_ANNOTATIONS, Resource, ResourceMap};
use crate::schema::SchemaState;
use crate::source::{SourceFile, Span};
use crate::warning::{Warning, WarningKind};
use crate::yaml::parse::{DuplicateKeys, ParseOptions};
use crate::yaml::{Node, NodeKind};

use super::loader::Loader;
use crate::budget::{Budget, count_nodes};

/// What a strategic-merge patch may change about its target.
#[derive(Clone, Copy, Debug, Default)]
struct Allow {
    name: bool,
    kind: bool,
}

/// Where a patch's text came from: kustomize's `[path: "..."]` / `[patch: "..."]`.
fn source_label(path: Option<&str>, text: &str) -> String {
    match path {
        Some(p) => format!("[path: {}]", go::quote(p)),
        None => format!("[patch: {}]", go::quote(text)),
    }
}

/// Parses `file` as strategic-merge patches: resources, empty documents skipped
/// (SliceFromBytes). Duplicate keys keep the first, as kustomize reads patch files.
fn sm_patches(file: &Arc<SourceFile>, loader: &Loader<'_>) -> Result<Vec<Resource>> {
    let docs = loader.parse(
        file,
        ParseOptions {
            duplicate_keys: DuplicateKeys::KeepFirst,
            keep_comments: may_hold_comment_schema(&file.text),
            ..ParseOptions::default()
        },
    )?;
    let mut out = Vec::new();
    for d in docs.into_iter().filter(|d| !d.is_empty) {
        if crate::resource::is_empty_document(&d.root) {
            continue;
        }
        out.push(Resource::from_node(d.root, file)?);
    }
    Ok(out)
}

/// Applies strategic-merge `patch` to the resources at `indices` of `acc`, in place, with the
/// build's schema as it is now: the first merge after an `openapi:` field is where kyaml
/// parses the schema that field selected (see [`SchemaState`]).
fn apply_sm(
    acc: &mut ResourceMap,
    indices: &[usize],
    patch: &Resource,
    allow: Allow,
    adopt_gvk: bool,
    openapi: &mut SchemaState,
) -> Result<()> {
    if indices.is_empty() {
        return Ok(());
    }
    let schemas = openapi.schemas();
    let mut deleted = Vec::new();
    for &i in indices {
        let applied = acc.modify(i, |r| -> Result<bool> {
            let mut p = patch.node().clone();
            if adopt_gvk {
                // The patch takes the target's apiVersion but keeps its own kind
                // (reswrangler.go ApplySmPatch: SetGvk then SetKind).
                if let Some(m) = p.as_mapping_mut() {
                    m.insert("apiVersion", Node::string(r.id().gvk.api_version()));
                }
            }
            let (name, ns, kind) = (
                r.id().name.clone(),
                r.id().namespace.clone(),
                r.id().gvk.kind.clone(),
            );
            if allow.name || allow.kind {
                r.store_previous_id();
            }
            let merged = kustomize_patch_with(r.node(), &p, schemas)
                .map_err(|e| e.to_error(r.origin(), patch.origin()))?;
            let Some(merged) = merged.filter(|m| !crate::resource::is_empty_document(m)) else {
                return Ok(false);
            };
            *r.node_mut() = merged;
            if adopt_gvk && r.id().gvk.api_version().is_empty() {
                // kyaml's SetGvk writes an untagged empty scalar, which the merge copies into
                // the target and which prints as null (oracle: a target without apiVersion
                // comes out as `apiVersion: null`).
                if let Some(m) = r.node_mut().as_mapping_mut() {
                    m.insert("apiVersion", Node::scalar(crate::yaml::Scalar::plain("")));
                }
            }
            restore_identity(
                r.node_mut(),
                (!allow.kind).then_some(&kind),
                (!allow.name).then_some(&name),
                &ns,
            );
            r.refresh_id();
            Ok(true)
        });
        match applied {
            Ok(Some(Ok(true))) | Ok(None) => {}
            Ok(Some(Ok(false))) => deleted.push(i),
            Ok(Some(Err(e))) => return Err(e),
            Err(id) => return Err(duplicate(&id, patch.origin(), patch.node().span)),
        }
    }
    acc.remove_at(&deleted);
    Ok(())
}

fn duplicate(id: &crate::resource::ResId, file: &Arc<SourceFile>, span: Span) -> Error {
    Error::at(
        ErrorKind::DuplicateId,
        format!("may not add resource with an already registered id: {id}"),
        file,
        span,
    )
}

/// Puts back the kind, name and namespace a patch may not change (resource.go ApplySmPatch).
fn restore_identity(node: &mut Node, kind: Option<&String>, name: Option<&String>, ns: &str) {
    let Some(m) = node.as_mapping_mut() else {
        return;
    };
    if let Some(k) = kind {
        m.insert("kind", Node::string(k.as_str()));
    }
    if m.get("metadata").is_none_or(|x| x.as_mapping().is_none()) {
        m.insert("metadata", Node::mapping(crate::yaml::Mapping::new()));
    }
    let Some(meta) = m.get_mut("metadata").and_then(Node::as_mapping_mut) else {
        return;
    };
    if let Some(n) = name {
        meta.insert("name", Node::string(n.as_str()));
    }
    if ns.is_empty() {
        meta.remove("namespace");
    } else {
        meta.insert("namespace", Node::string(ns));
    }
}

/// Puts the build annotations kustomize would hold into the document's
/// `metadata.annotations`, creating the map when absent or null; returns whether it did.
///
/// kustomize keeps its build state in annotations and its JSON 6902 filter patches the
/// whole document (api/filters/patchjson6902), so a patch sees them: `add
/// /metadata/annotations/x` works on an object written without annotations once any build
/// step stored state (`patches:` always does, through `StorePreviousId`), while json-patch
/// v4 fails on every other missing parent. The origin and transformer annotations kustomize
/// keeps while it tracks origins are there too. `kubectl kustomize` v5.5 agrees; see the
/// fixtures `patches-json6902-*annotation*` and `patches-json6902-build-state-visible*`.
fn with_build_annotations(node: &mut Node, state: &[(&'static str, String)]) -> bool {
    if state.is_empty() {
        return false;
    }
    let Some(meta) = node
        .as_mapping_mut()
        .and_then(|m| m.get_mut("metadata"))
        .and_then(Node::as_mapping_mut)
    else {
        return false;
    };
    if meta.get("annotations").is_none_or(Node::is_null) {
        meta.insert("annotations", Node::mapping(crate::yaml::Mapping::new()));
    }
    let Some(ann) = meta.get_mut("annotations").and_then(Node::as_mapping_mut) else {
        return false;
    };
    for (k, v) in state {
        ann.insert(k, Node::string(v.as_str()));
    }
    true
}

/// Takes the build annotations out again. kustomize restores the ones it held before the
/// patch (PatchTransformer.go `transformJson6902`) and removes them all before printing
/// (resource.go `RemoveBuildAnnotations`, which drops a map left empty), so whatever the
/// patch did to them, none reaches the output. The origin annotations put in (`state`) go
/// too: the build writes them at the end, as `buildMetadata` asks.
fn without_build_annotations(node: &mut Node, state: &[(&'static str, String)]) {
    let Some(meta) = node
        .as_mapping_mut()
        .and_then(|m| m.get_mut("metadata"))
        .and_then(Node::as_mapping_mut)
    else {
        return;
    };
    let Some(ann) = meta.get_mut("annotations").and_then(Node::as_mapping_mut) else {
        return;
    };
    for key in BUILD_ANNOTATIONS.iter().chain(state.iter().map(|(k, _)| k)) {
        ann.remove(key);
    }
    if ann.is_empty() {
        meta.remove("annotations");
    }
}

/// Applies JSON 6902 `ops` to the resources at `indices`, in place.
fn apply_json(
    acc: &mut ResourceMap,
    indices: &[usize],
    ops: &[Operation],
    file: &Arc<SourceFile>,
    store_previous: bool,
) -> Result<()> {
    for &i in indices {
        let applied = acc.modify(i, |r| -> Result<()> {
            if store_previous {
                r.store_previous_id();
            }
            let mut state = r.history().build_annotations();
            state.extend(r.history().origin_annotations());
            let injected = with_build_annotations(r.node_mut(), &state);
            let result = json6902::apply(r.node_mut(), ops);
            if injected {
                without_build_annotations(r.node_mut(), &state);
            }
            result.map_err(|e| match e.op_index.and_then(|k| ops.get(k)) {
                Some(op) => Error::at(ErrorKind::Resource, e.message, file, op.span),
                None => Error::in_file(ErrorKind::Resource, e.message, file),
            })?;
            r.refresh_id();
            Ok(())
        });
        match applied {
            Ok(Some(Err(e))) => return Err(e),
            Ok(_) => {}
            Err(id) => {
                return Err(Error::in_file(
                    ErrorKind::DuplicateId,
                    format!("may not add resource with an already registered id: {id}"),
                    file,
                ));
            }
        }
    }
    Ok(())
}

/// Selects targets; a selector that matches nothing is no error in kustomize, so it only
/// produces a warning with Strata's hint.
fn select(
    acc: &ResourceMap,
    sel: &Selector,
    warnings: &mut Vec<Warning>,
    what: &str,
) -> Result<Vec<usize>> {
    let found = target::select(acc.resources(), sel)?;
    if found.is_empty() {
        let hint = target::explain_miss(acc.resources(), sel);
        let mut message = format!("{what} target matches no resource");
        if !hint.is_empty() {
            message.push('\n');
            message.push_str(&hint);
        }
        let mut w = Warning::new(WarningKind::TargetMatchesNothing, message);
        if let Some(f) = &sel.file {
            w = w.at(Location::new(f, sel.span));
        }
        warnings.push(w);
    }
    Ok(found)
}

/// Counts a strategic-merge patch applied to `targets` resources against the build's node
/// budget: a merge creates at most the patch's nodes in each target.
fn charge_patch(
    loader: &Loader<'_>,
    patch: &Resource,
    targets: usize,
    k: &Kustomization,
    span: Span,
) -> Result<()> {
    let n = count_nodes(patch.node()).saturating_mul(targets as u64);
    loader
        .charge(Budget::Nodes, n)
        .map_err(|e| e.with_location(Location::new(&k.file, span)))
}

/// Applies an untargeted strategic-merge patch to the one resource with its id.
fn apply_by_id(
    acc: &mut ResourceMap,
    patch: &Resource,
    allow: Allow,
    adopt_gvk: bool,
    prefix: &str,
    openapi: &mut SchemaState,
) -> Result<()> {
    let i = target::get_by_id(acc.resources(), patch.org_id()).map_err(|e| {
        let hint = target::explain_id_miss(acc.resources(), patch.org_id(), &e);
        let mut msg = format!("{prefix}{}", e.message());
        if !hint.is_empty() {
            msg.push_str(" (");
            msg.push_str(&hint.replace('\n', "; "));
            msg.push(')');
        }
        Error::at(ErrorKind::Resource, msg, patch.origin(), patch.node().span)
    })?;
    apply_sm(acc, &[i], patch, allow, adopt_gvk, openapi)
}

/// Runs `patchesStrategicMerge` of `k` (one transformer for all entries).
pub(super) fn strategic_merge_field(
    loader: &Loader<'_>,
    dir: &Path,
    k: &Kustomization,
    acc: &mut ResourceMap,
    openapi: &mut SchemaState,
) -> Result<()> {
    let Some(list) = field(&k.root, "patchesStrategicMerge").filter(|n| !n.is_null()) else {
        return Ok(());
    };
    let Some(items) = list.as_sequence() else {
        return Err(k.error_at(
            ErrorKind::Kustomization,
            "invalid Kustomization: 'patchesStrategicMerge' must be a list of strings",
            list.span,
        ));
    };
    let mut patches = Vec::new();
    let mut names = Vec::new();
    for item in items {
        let Some(text) = item.as_str() else {
            return Err(k.error_at(
                ErrorKind::Kustomization,
                "invalid Kustomization: 'patchesStrategicMerge' must be a list of strings",
                item.span,
            ));
        };
        names.push(text.to_owned());
        // An entry is inline YAML if it reads as resources, else a file path
        // (PatchStrategicMergeTransformer.go loadFromPaths).
        let inline = SourceFile::new(inline_name(k, item.span), text);
        if let Some(found) = sm_patches(&inline, loader).ok().filter(|f| !f.is_empty()) {
            patches.extend(found);
            continue;
        }
        let path = crate::fs::clean(&dir.join(text));
        let file = loader
            .load_restricted(dir, &path)
            .map_err(|e| e.with_location(Location::new(&k.file, item.span)))?;
        patches.extend(sm_patches(&file, loader)?);
    }
    if patches.is_empty() {
        return Err(k.error_at(
            ErrorKind::Kustomization,
            format!(
                "patch appears to be empty; files=[{}], Patch=",
                names.join(" ")
            ),
            list.span,
        ));
    }
    for p in &patches {
        charge_patch(loader, p, 1, k, list.span)?;
        apply_by_id(acc, p, Allow::default(), true, "", openapi)?;
    }
    Ok(())
}

fn inline_name(k: &Kustomization, span: Span) -> String {
    format!(
        "{} (inline patch at line {})",
        k.file.path,
        k.file.line_col(span.start).line
    )
}

/// One `patches:` entry, read.
struct PatchEntry {
    text: String,
    file: Arc<SourceFile>,
    path: Option<String>,
    target: Option<Selector>,
    allow: Allow,
    span: Span,
}

fn read_entry(
    loader: &Loader<'_>,
    dir: &Path,
    k: &Kustomization,
    item: &Node,
    field_name: &str,
) -> Result<PatchEntry> {
    let file = &k.file;
    let Some(m) = item.as_mapping() else {
        return Err(k.error_at(
            ErrorKind::Kustomization,
            format!("invalid Kustomization: each '{field_name}' entry must be a mapping"),
            item.span,
        ));
    };
    let known: &[&str] = if field_name == "patches" {
        &["path", "patch", "target", "options"]
    } else {
        &["path", "patch", "target", "jsonOp"]
    };
    for e in &m.entries {
        let key = e.key.as_str().unwrap_or("");
        if !known.iter().any(|f| f.eq_ignore_ascii_case(key)) {
            return Err(k.error_at(
                ErrorKind::Kustomization,
                format!(
                    "invalid Kustomization: json: unknown field {}",
                    go::quote(key)
                ),
                e.key.span,
            ));
        }
    }
    let path = typed_string(file, m, "path", &format!("Patch.{field_name}.path"))?
        .filter(|p| !p.value.is_empty());
    let patch = typed_string(file, m, "patch", &format!("Patch.{field_name}.patch"))?
        .filter(|p| !p.value.trim().is_empty());
    let target = match field(m, "target").filter(|n| !n.is_null()) {
        Some(t) => Selector::from_node(t, file, field_name)?,
        None => None,
    };
    let mut allow = Allow::default();
    if let Some(o) = field(m, "options").filter(|n| !is_json_null(n)) {
        // `options` is a Go `map[string]bool`: every value must decode as a bool, whatever
        // its key, and only the two known keys mean anything.
        let go_field = format!("Patch.{field_name}.options");
        let Some(om) = o.as_mapping() else {
            return Err(invalid(
                file,
                unmarshal_message(json_type(o), &go_field, "map[string]bool"),
                o.span,
            ));
        };
        for e in &om.entries {
            let on = decode_bool(&e.value, &go_field)
                .map_err(|msg| invalid(file, msg, e.value.span))?
                .unwrap_or_default();
            match e.key.as_str() {
                Some("allowNameChange") => allow.name = on,
                Some("allowKindChange") => allow.kind = on,
                _ => {}
            }
        }
    }
    match (path, patch) {
        (None, None) => Err(k.error_at(
            ErrorKind::Kustomization,
            "must specify one of patch and path",
            item.span,
        )),
        (Some(_), Some(p)) => Err(k.error_at(
            ErrorKind::Kustomization,
            "patch and path can't be set at the same time",
            p.span,
        )),
        (None, Some(p)) => {
            let text = p.value.trim().to_owned();
            Ok(PatchEntry {
                file: SourceFile::new(inline_name(k, p.span), text.clone()),
                text,
                path: None,
                target,
                allow,
                span: item.span,
            })
        }
        (Some(p), None) => {
            let full = crate::fs::clean(&dir.join(&p.value));
            let loaded = loader.load_restricted(dir, &full).map_err(|e| {
                e.with_prefix(&format!(
                    "failed to get the patch file from path({}): ",
                    p.value
                ))
                .with_location(Location::new(file, p.span))
            })?;
            Ok(PatchEntry {
                text: loaded.text.clone(),
                file: loaded,
                path: Some(p.value),
                target,
                allow,
                span: item.span,
            })
        }
    }
}

/// Runs `patches:` of `k`, one entry at a time.
pub(super) fn patches_field(
    loader: &Loader<'_>,
    dir: &Path,
    k: &Kustomization,
    acc: &mut ResourceMap,
    warnings: &mut Vec<Warning>,
    openapi: &mut SchemaState,
) -> Result<()> {
    for item in k.list_field("patches")? {
        let e = read_entry(loader, dir, k, item, "patches")?;
        let source = source_label(e.path.as_deref(), &e.text);
        let sm = sm_patches(&e.file, loader);
        let json = json6902::parse_operations(&e.file);
        let sm_len = sm.as_ref().map_or(0, Vec::len);
        let json_len = json.as_ref().map_or(0, Vec::len);
        if sm_len > 0 && json_len > 0 {
            return Err(k.error_at(
                ErrorKind::Kustomization,
                format!("illegally qualifies as both an SM and JSON patch: {source}"),
                e.span,
            ));
        }
        match (sm, json) {
            (Err(_), Err(_)) => {
                return Err(k.error_at(
                    ErrorKind::Kustomization,
                    format!("unable to parse SM or JSON patch from {source}"),
                    e.span,
                ));
            }
            (Ok(patches), _) => {
                if patches.is_empty() {
                    continue;
                }
                match &e.target {
                    Some(sel) => {
                        if patches.len() > 1 {
                            return Err(k.error_at(
                                ErrorKind::Kustomization,
                                format!(
                                    "Multiple Strategic-Merge Patches in one `patches` entry is not allowed to set `patches.target` field: {source}"
                                ),
                                e.span,
                            ));
                        }
                        let found = select(acc, sel, warnings, "patch")?;
                        if let Some(p) = patches.first() {
                            charge_patch(loader, p, found.len(), k, e.span)?;
                            apply_sm(acc, &found, p, e.allow, true, openapi)?;
                        }
                    }
                    None => {
                        for p in &patches {
                            let prefix = format!(
                                "no resource matches strategic merge patch \"{}\": ",
                                p.org_id()
                            );
                            charge_patch(loader, p, 1, k, e.span)?;
                            apply_by_id(acc, p, e.allow, false, &prefix, openapi)?;
                        }
                    }
                }
            }
            (Err(_), Ok(ops)) => {
                let Some(sel) = &e.target else {
                    return Err(k.error_at(
                        ErrorKind::Kustomization,
                        format!("must specify a target for JSON patch {source}"),
                        e.span,
                    ));
                };
                let found = select(acc, sel, warnings, "patch")?;
                apply_json(acc, &found, &ops, &e.file, true)?;
            }
        }
    }
    Ok(())
}

/// Runs `patchesJson6902:` of `k`.
pub(super) fn json6902_field(
    loader: &Loader<'_>,
    dir: &Path,
    k: &Kustomization,
    acc: &mut ResourceMap,
    warnings: &mut Vec<Warning>,
) -> Result<()> {
    for item in k.list_field("patchesJson6902")? {
        let e = read_entry(loader, dir, k, item, "patchesJson6902")?;
        let Some(sel) = &e.target else {
            return Err(k.error_at(
                ErrorKind::Kustomization,
                "must specify a target for patch",
                e.span,
            ));
        };
        if sel.name.is_empty() {
            return Err(k.error_at(
                ErrorKind::Kustomization,
                "must specify the target name",
                e.span,
            ));
        }
        if e.text.is_empty() {
            return Err(k.error_at(
                ErrorKind::Kustomization,
                format!(
                    "patch file '{}' empty seems to be empty",
                    e.path.unwrap_or_default()
                ),
                e.span,
            ));
        }
        let ops = json6902::parse_operations(&e.file)
            .map_err(|err| err.with_prefix(&format!("decoding {}: ", e.text.trim())))?;
        if ops.is_empty() {
            return Err(k.error_at(
                ErrorKind::Kustomization,
                format!(
                    "patch appears to be empty; file={}, JsonOp={}",
                    e.path.unwrap_or_default(),
                    e.text.trim()
                ),
                e.span,
            ));
        }
        let found = select(acc, sel, warnings, "patchesJson6902")?;
        apply_json(acc, &found, &ops, &e.file, false)?;
    }
    Ok(())
}

/// Returns the inline node form of a plugin's `patch`/`path`/`target`/`options` as a
/// kustomization with one `patches:` (or `patchesJson6902:`) entry, so the same code runs it.
pub(super) fn plugin_as_kustomization(config: &Resource) -> Option<Node> {
    let m = config.node().as_mapping()?;
    let kind = config.id().gvk.kind.as_str();
    let mut entry = crate::yaml::Mapping::new();
    let mut root = crate::yaml::Mapping::new();
    match kind {
        "PatchTransformer" => {
            for k in ["path", "patch", "target", "options"] {
                if let Some(v) = m.get(k) {
                    entry.insert(k, v.clone());
                }
            }
            root.insert("patches", Node::sequence(vec![Node::mapping(entry)]));
        }
        "PatchJson6902Transformer" => {
            for (from, to) in [("path", "path"), ("jsonOp", "patch"), ("target", "target")] {
                if let Some(v) = m.get(from) {
                    entry.insert(to, v.clone());
                }
            }
            root.insert(
                "patchesJson6902",
                Node::sequence(vec![Node::mapping(entry)]),
            );
        }
        _ => {
            let mut items = Vec::new();
            if let Some(NodeKind::Sequence(paths)) = m.get("paths").map(|n| &n.kind) {
                items.extend(paths.iter().cloned());
            }
            if let Some(p) = m.get("patches") {
                items.push(p.clone());
            }
            root.insert("patchesStrategicMerge", Node::sequence(items));
        }
    }
    Some(Node::mapping(root))
}
