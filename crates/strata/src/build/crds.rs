//! `crds:`: OpenAPI definitions of custom types whose `x-kubernetes-*` extensions add field
//! specs (annotations, label selectors, name prefixes, name references).
//!
//! kustomize's api/internal/accumulator/loadconfigfromcrds.go: the file maps type names to
//! `{Schema, Dependencies}`; a type with `kind`, `apiVersion` and `metadata` properties is a
//! resource whose kind is the last `.`-separated part of its name, and `$ref`s are followed.

use crate::error::Result;
use crate::resource::Gvk;
use crate::transform::config::{NameBackRef, TransformerConfig};
use crate::transform::field_spec::FieldSpec;
use crate::yaml::{Mapping, Node};

/// How deep `$ref`s are followed; kustomize has no bound and loops on a cyclic schema.
const MAX_REF_DEPTH: usize = 64;

/// Reads the field specs a CRD definitions file implies.
pub(super) fn config_from_crds(root: Option<&Node>) -> Result<TransformerConfig> {
    let mut tc = TransformerConfig::default();
    let Some(types) = root.and_then(Node::as_mapping) else {
        return Ok(tc);
    };
    for (name, def) in types.iter() {
        let Some(props) = properties(def) else {
            continue;
        };
        if !["kind", "apiVersion", "metadata"]
            .iter()
            .all(|k| props.get(k).is_some())
        {
            continue;
        }
        let gvk = Gvk {
            kind: name.rsplit('.').next().unwrap_or(name).to_owned(),
            ..Gvk::default()
        };
        let mut one = TransformerConfig::default();
        load(&mut one, &gvk, types, name, &mut Vec::new(), 0);
        if let Ok(merged) = tc.merged(&one) {
            tc = merged;
        }
    }
    Ok(tc)
}

fn properties(def: &Node) -> Option<&Mapping> {
    def.get_path(&["Schema", "properties"])?.as_mapping()
}

/// Returns the string value of extension `key`, matched ignoring case as kube-openapi does.
fn extension<'a>(prop: &'a Node, key: &str) -> Option<&'a str> {
    let m = prop.as_mapping()?;
    m.entries
        .iter()
        .find(|e| e.key.as_str().is_some_and(|k| k.eq_ignore_ascii_case(key)))
        .and_then(|e| e.value.as_scalar())
        .filter(|s| !s.style.is_quoted() || !s.text.is_empty() || s.style.is_quoted())
        .map(|s| s.text.as_str())
}

fn spec(gvk: &Gvk, path: &[String]) -> FieldSpec {
    FieldSpec {
        group: gvk.group.clone(),
        version: gvk.version.clone(),
        kind: gvk.kind.clone(),
        path: path.join("/"),
        create: false,
    }
}

fn load(
    tc: &mut TransformerConfig,
    gvk: &Gvk,
    types: &Mapping,
    name: &str,
    path: &mut Vec<String>,
    depth: usize,
) {
    if depth > MAX_REF_DEPTH {
        return;
    }
    let Some(props) = types.get(name).and_then(properties) else {
        return;
    };
    for (prop_name, prop) in props.iter() {
        path.push(prop_name.to_owned());
        if extension(prop, "x-kubernetes-annotation").is_some() {
            push(&mut tc.common_annotations, spec(gvk, path));
        }
        if extension(prop, "x-kubernetes-label-selector").is_some() {
            push(&mut tc.common_labels, spec(gvk, path));
        }
        if extension(prop, "x-kubernetes-identity").is_some() {
            push(&mut tc.name_prefix, spec(gvk, path));
        }
        if let (Some(version), Some(kind)) = (
            extension(prop, "x-kubernetes-object-ref-api-version"),
            extension(prop, "x-kubernetes-object-ref-kind"),
        ) {
            let key = extension(prop, "x-kubernetes-object-ref-name-key").unwrap_or("name");
            let mut p = path.clone();
            p.push(key.to_owned());
            let target = Gvk {
                group: String::new(),
                version: version.to_owned(),
                kind: kind.to_owned(),
            };
            match tc.name_reference.iter_mut().find(|b| b.gvk == target) {
                Some(b) => push(&mut b.referrers, spec(gvk, &p)),
                None => tc.name_reference.push(NameBackRef {
                    gvk: target,
                    referrers: vec![spec(gvk, &p)],
                }),
            }
        }
        if let Some(r) = prop.get_str(&["$ref"]) {
            let r = r.to_owned();
            load(tc, gvk, types, &r, path, depth + 1);
        }
        path.pop();
    }
}

fn push(list: &mut Vec<FieldSpec>, s: FieldSpec) {
    if !list.contains(&s) {
        list.push(s);
    }
}
