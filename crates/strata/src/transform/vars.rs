//! The deprecated `vars` stage: `$(NAME)` in var-reference fields replaced by a value read
//! from a resource field, as kustomize's `ResAccumulator.MergeVars` / `ResolveVars`
//! (api/internal/accumulator/resaccumulator.go, refvartransformer.go) and the refvar filter
//! (api/filters/refvar/refvar.go, expand.go).
//!
//! Stage: in two steps. Each kustomization, at the end of its own build (after its
//! transformers and validators), merges its `vars:` with [`VarSet::merge_vars`], which binds
//! every var to the one resource its `objref` names at that moment (by current or previous
//! id); the caller records the binding on the resource, as kustomize records
//! `refVarNames`, so it survives renames and moves between accumulators. At the top level,
//! after hash suffixes and the name-reference fix-up, [`resolve_vars`] reads each var's field
//! from its bound resource (so values see final, hashed names) and [`substitute`] rewrites the
//! var-reference fields.
//!
//! This module may use `yaml`, `source`, `error`, `resource` and the path and typing helpers
//! of [`super::replacements`].

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use super::replacements::decode::{Decoder, Mode};
use super::replacements::path;
use crate::error::{Error, ErrorKind, Result};
use crate::go;
use crate::resource::{Gvk, ResId, Resource};
use crate::source::{SourceFile, Span};
use crate::transform::field_spec::{Create, FieldSpec, WalkError, walk};
use crate::yaml::resolve::{self, Tag};
use crate::yaml::{Mapping, Node, NodeKind, Scalar, ScalarStyle};

/// The field a var reads when its `fieldref` names none.
pub(crate) const DEFAULT_FIELD_PATH: &str = "metadata.name";

/// The object a var reads from (api/types/var.go `Target`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ObjRef {
    /// `apiVersion`; when set it overrides `group`/`version` (`Target.GVK`).
    pub api_version: String,
    /// `group`.
    pub group: String,
    /// `version`.
    pub version: String,
    /// `kind`.
    pub kind: String,
    /// `name`: the object's name as written in its base, before prefixes or suffixes.
    pub name: String,
    /// `namespace`; when set, the namespace must match too.
    pub namespace: String,
}

impl ObjRef {
    /// The group, version and kind written inline, ignoring `apiVersion`.
    fn inline_gvk(&self) -> Gvk {
        Gvk {
            group: self.group.clone(),
            version: self.version.clone(),
            kind: self.kind.clone(),
        }
    }

    /// Returns the group, version and kind to match: `apiVersion` split at `/` replaces the
    /// inline group and version (a value without `/` replaces only the version).
    pub(crate) fn gvk(&self) -> Gvk {
        let mut g = self.inline_gvk();
        if self.api_version.is_empty() {
            return g;
        }
        let parts: Vec<&str> = self.api_version.split('/').collect();
        match parts.as_slice() {
            [group, version] => {
                g.group = (*group).to_owned();
                g.version = (*version).to_owned();
            }
            [version] => g.version = (*version).to_owned(),
            _ => {}
        }
        g
    }
}

/// One entry of a kustomization's `vars:` (api/types/var.go `Var`).
#[derive(Clone, Debug)]
pub(crate) struct Var {
    /// The name used as `$(NAME)`.
    pub name: String,
    /// The object to read.
    pub obj_ref: ObjRef,
    /// The field to read, dotted; empty means [`DEFAULT_FIELD_PATH`]. `ports[0]` is read as
    /// `ports.0`.
    pub field_path: String,
    /// The kustomization file the var was written in.
    pub file: Arc<SourceFile>,
    /// Where it was written.
    pub span: Span,
}

impl PartialEq for Var {
    fn eq(&self, other: &Var) -> bool {
        self.name == other.name
            && self.obj_ref == other.obj_ref
            && self.field_path == other.field_path
    }
}

impl Var {
    /// Returns the field path to read, defaulted.
    pub(crate) fn field_path(&self) -> &str {
        if self.field_path.is_empty() {
            DEFAULT_FIELD_PATH
        } else {
            &self.field_path
        }
    }

    /// Formats as Go's `%v` of the struct: `{NAME Kind.version.group {fieldPath}}` (the
    /// `Target` prints as its embedded `Gvk`, name and namespace are not shown). `resolved`
    /// applies `apiVersion`, `defaulted` the default field path, as kustomize has by then.
    fn go_display(&self, resolved: bool, defaulted: bool) -> String {
        let gvk = if resolved {
            self.obj_ref.gvk()
        } else {
            self.obj_ref.inline_gvk()
        };
        let fp = if defaulted {
            self.field_path()
        } else {
            &self.field_path
        };
        format!("{{{} {gvk} {{{fp}}}}}", self.name)
    }

    fn error(&self, msg: String) -> Error {
        Error::at(ErrorKind::Kustomization, msg, &self.file, self.span)
    }
}

impl fmt::Display for Var {
    /// Formats as kustomize prints a resolved var in errors.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.go_display(true, true))
    }
}

/// Reads a kustomization's `vars:` list, decoded as kustomize decodes the kustomization
/// (YAML 1.1 scalars, so `name: N` is the bool `false` and fails; unknown fields rejected).
pub(crate) fn parse_vars(node: &Node, file: &Arc<SourceFile>) -> Result<Vec<Var>> {
    let d = Decoder::new(file, Mode::Kustomization);
    let Some(items) = d.list(node, "Kustomization", "vars", "[]types.Var")? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let mut v = Var {
            name: String::new(),
            obj_ref: ObjRef::default(),
            field_path: String::new(),
            file: Arc::clone(file),
            span: item.span,
        };
        if let Some(m) = d.object(item, "Kustomization", "vars", "types.Var")? {
            read_var(&d, m, &mut v)?;
        }
        out.push(v);
    }
    Ok(out)
}

fn read_var(d: &Decoder<'_>, m: &Mapping, v: &mut Var) -> Result<()> {
    for (key, value) in d.fields(m) {
        match d.known(key, &["name", "objref", "fieldref"]) {
            Some("name") => v.name = d.string(value, "Var", "vars.name")?.unwrap_or_default(),
            Some("objref") => {
                let Some(om) = d.object(value, "Var", "vars.objref", "types.Target")? else {
                    continue;
                };
                let known = [
                    "apiVersion",
                    "group",
                    "version",
                    "kind",
                    "name",
                    "namespace",
                ];
                for (k, val) in d.fields(om) {
                    let Some(f) = d.known(k, &known) else {
                        return Err(d.unknown(om, k));
                    };
                    let path = match f {
                        "group" | "version" | "kind" => format!("vars.objref.Gvk.{f}"),
                        _ => format!("vars.objref.{f}"),
                    };
                    let s = d.string(val, "Target", &path)?.unwrap_or_default();
                    let o = &mut v.obj_ref;
                    match f {
                        "apiVersion" => o.api_version = s,
                        "group" => o.group = s,
                        "version" => o.version = s,
                        "kind" => o.kind = s,
                        "name" => o.name = s,
                        _ => o.namespace = s,
                    }
                }
            }
            Some(_) => {
                let Some(fm) = d.object(value, "Var", "vars.fieldref", "types.FieldSelector")?
                else {
                    continue;
                };
                for (k, val) in d.fields(fm) {
                    if d.known(k, &["fieldPath"]).is_none() {
                        return Err(d.unknown(fm, k));
                    }
                    v.field_path = d
                        .string(val, "FieldSelector", "vars.fieldref.fieldPath")?
                        .unwrap_or_default();
                }
            }
            None => return Err(d.unknown(m, key)),
        }
    }
    Ok(())
}

/// A var bound to a resource by [`VarSet::merge_vars`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct VarBinding {
    /// Index of the resource in the slice given to `merge_vars`.
    pub resource: usize,
    /// The var's name, to record on that resource (kustomize's `AppendRefVarName`).
    pub var: String,
}

/// The vars of a build, by name (kustomize's `VarSet`).
#[derive(Clone, Debug, Default)]
pub(crate) struct VarSet {
    vars: BTreeMap<String, Var>,
}

impl VarSet {
    /// Returns an empty set.
    pub(crate) fn new() -> VarSet {
        VarSet::default()
    }

    /// Merges a kustomization's `vars:` at the end of its build (kustomize's `MergeVars`).
    ///
    /// Each var is bound to the one resource whose current or previous id (`previous_ids`)
    /// has the objref's exact group, version, kind and name, and its namespace if the objref
    /// sets one; none is fine (resolving fails later), two or more fail ("unable to
    /// disambiguate"). A name already in the set fails ("already encountered"). Returns the
    /// bindings for the caller to record on the resources.
    pub(crate) fn merge_vars(
        &mut self,
        incoming: &[Var],
        resources: &[Resource],
        previous_ids: &dyn Fn(&Resource) -> Vec<ResId>,
    ) -> Result<Vec<VarBinding>> {
        let wrap = |v: &Var, msg: String| {
            let list: Vec<String> = incoming
                .iter()
                .map(|v| v.go_display(false, false))
                .collect();
            v.error(format!("merging vars [{}]: {msg}", list.join(" ")))
        };
        let mut bindings = Vec::new();
        for v in incoming {
            let want = ResId {
                gvk: v.obj_ref.gvk(),
                name: v.obj_ref.name.clone(),
                namespace: v.obj_ref.namespace.clone(),
            };
            let mut matched = Vec::new();
            for (i, r) in resources.iter().enumerate() {
                let mut ids = previous_ids(r);
                ids.push(r.id().clone());
                if ids.iter().any(|id| var_matches(&want, id)) {
                    matched.push(i);
                }
            }
            match matched.as_slice() {
                [] => {}
                [one] => bindings.push(VarBinding {
                    resource: *one,
                    var: v.name.clone(),
                }),
                many => {
                    return Err(wrap(
                        v,
                        format!(
                            "found {} resId matches for var {} (unable to disambiguate)",
                            many.len(),
                            v.go_display(true, false)
                        ),
                    ));
                }
            }
        }
        for v in incoming {
            if self.vars.contains_key(&v.name) {
                return Err(wrap(v, format!("var '{}' already encountered", v.name)));
            }
            self.vars.insert(v.name.clone(), v.clone());
        }
        Ok(bindings)
    }

    /// Absorbs the vars of a base built in its own accumulator (kustomize's
    /// `MergeAccumulator`); a name in both fails ("var 'X' already encountered").
    pub(crate) fn merge_set(&mut self, other: VarSet) -> Result<()> {
        for (name, v) in other.vars {
            if self.vars.contains_key(&name) {
                return Err(v.error(format!("var '{name}' already encountered")));
            }
            self.vars.insert(name, v);
        }
        Ok(())
    }

    /// Iterates over the vars in name order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Var> {
        self.vars.values()
    }

    #[cfg(test)]
    /// Returns the number of vars.
    pub(crate) fn len(&self) -> usize {
        self.vars.len()
    }

    /// Returns true if there are no vars.
    pub(crate) fn is_empty(&self) -> bool {
        self.vars.is_empty()
    }
}

/// kustomize's matcher in `MergeVars`: `GvknEquals`, or `Equals` (with effective namespaces)
/// when the objref has a namespace. The objref never knows its scope (its `Gvk` is not made
/// by `NewGvk`), the resource does: a cluster-scoped resource never matches an objref with a
/// namespace.
fn var_matches(want: &ResId, id: &ResId) -> bool {
    if want.gvk != id.gvk || want.name != id.name {
        return false;
    }
    if want.namespace.is_empty() {
        return true;
    }
    let ns = |s: &str| if s.is_empty() { "default" } else { s }.to_owned();
    match id.effective_namespace() {
        None => false,
        Some(_) => ns(&want.namespace) == ns(&id.namespace),
    }
}

/// A var's value, typed as kyaml's `GetFieldValue` returns it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum VarValue {
    /// A string (also any scalar tagged other than int, float or bool: null reads as `""`
    /// or `~`, a timestamp as written).
    String(String),
    /// An `!!int`, read with Go's `strconv.Atoi` (`017` is 17).
    Int(i64),
    /// A `!!float`.
    Float(f64),
    /// A `!!bool`.
    Bool(bool),
    /// A mapping or sequence: never substituted (kustomize logs "bad replacement type") and
    /// reported as unused.
    Unsupported,
}

impl VarValue {
    /// The text `%v` gives when the var is part of a longer string.
    fn to_go_string(&self) -> Option<String> {
        Some(match self {
            VarValue::String(s) => s.clone(),
            VarValue::Int(i) => i.to_string(),
            VarValue::Float(f) => go::format_g(*f),
            VarValue::Bool(b) => b.to_string(),
            VarValue::Unsupported => return None,
        })
    }
}

/// The values of a build's vars, by name.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct VarValues {
    values: BTreeMap<String, VarValue>,
}

impl VarValues {
    /// Returns the value of `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&VarValue> {
        self.values.get(name)
    }

    /// Iterates over `(name, value)` in name order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &VarValue)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Returns true if there are no values.
    pub(crate) fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

/// Reads every var's field from the first resource bound to it (`ref_var_names` returns the
/// var names recorded on a resource), in name order (kustomize's `makeVarReplacementMap`).
pub(crate) fn resolve_vars(
    resources: &[Resource],
    vars: &VarSet,
    ref_var_names: &dyn Fn(&Resource) -> Vec<String>,
) -> Result<VarValues> {
    let mut values = BTreeMap::new();
    for v in vars.iter() {
        let Some(r) = resources
            .iter()
            .find(|r| ref_var_names(r).contains(&v.name))
        else {
            return Err(v.error(format!(
                "var '{v}' cannot be mapped to a field in the set of known resources"
            )));
        };
        let value = field_value(r.node(), v.field_path()).ok_or_else(|| {
            v.error(format!(
                "field specified in var '{v}' not found in corresponding resource"
            ))
        })?;
        values.insert(v.name.clone(), value);
    }
    Ok(VarValues { values })
}

/// kyaml's `convertSliceIndex`: `ports[0]` becomes `ports`, `0`.
fn convert_slice_index(parts: Vec<String>) -> Vec<String> {
    let mut out = Vec::new();
    for p in parts {
        let split = p
            .strip_suffix(']')
            .and_then(|s| s.rsplit_once('['))
            .filter(|(_, digits)| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()));
        match split {
            Some((head, digits)) => {
                if !head.is_empty() {
                    out.push(head.to_owned());
                }
                out.push(digits.to_owned());
            }
            None => out.push(p),
        }
    }
    out
}

/// kyaml's `RNode.GetFieldValue`; `None` where kustomize reports the field as not found
/// (missing, or an `!!int`/`!!float`/`!!bool` Go cannot parse, such as `0x1F`).
fn field_value(node: &Node, field_path: &str) -> Option<VarValue> {
    let parts = convert_slice_index(path::smarter_split(field_path));
    let n = path::lookup(node, &parts).ok()??;
    let s = match &n.kind {
        NodeKind::Mapping(_) | NodeKind::Sequence(_) => return Some(VarValue::Unsupported),
        NodeKind::Scalar(s) => s,
    };
    let t = s.text.as_str();
    Some(match resolve::tag(s) {
        Tag::Int => VarValue::Int(go::atoi(t).ok()?),
        Tag::Float => VarValue::Float(go::parse_float(t)?),
        Tag::Bool => VarValue::Bool(match t {
            "1" | "t" | "T" | "TRUE" | "true" | "True" => true,
            "0" | "f" | "F" | "FALSE" | "false" | "False" => false,
            _ => return None,
        }),
        _ => VarValue::String(t.to_owned()),
    })
}

/// One place `$(VAR)` is expanded (a `varReference` field spec).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct VarRefSpec {
    /// Only objects of this API group, if set.
    pub group: String,
    /// Only objects of this version, if set.
    pub version: String,
    /// Only objects of this kind, if set.
    pub kind: String,
    /// The field, `/`-separated (`\/` for a literal `/`); lists along the way are walked
    /// with or without a `[]` suffix.
    pub path: String,
}

#[cfg(test)]
/// Reads var-reference field specs: a mapping with a `varReference:` list (as
/// shared/reference/fieldspecs/varreference.yaml and `configurations:` files), or the list
/// itself, of `{path, group?, version?, kind?}`.
pub(crate) fn parse_var_reference_specs(
    node: &Node,
    file: &Arc<SourceFile>,
) -> Result<Vec<VarRefSpec>> {
    let bad = |msg: &str, n: &Node| {
        Error::at(
            ErrorKind::Kustomization,
            format!("invalid varReference field spec: {msg}"),
            file,
            n.span,
        )
    };
    let list = match &node.kind {
        NodeKind::Mapping(m) => match m.get("varReference") {
            Some(l) if l.is_null() => return Ok(Vec::new()),
            Some(l) => l,
            None => return Ok(Vec::new()),
        },
        _ => node,
    };
    let Some(items) = list.as_sequence() else {
        return Err(bad("expected a list", list));
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let Some(m) = item.as_mapping() else {
            return Err(bad("expected a mapping", item));
        };
        let mut spec = VarRefSpec::default();
        for (k, v) in m.iter() {
            let Some(text) = v.as_str() else {
                return Err(bad(&format!("'{k}' must be a string"), v));
            };
            match k {
                "path" => spec.path = text.to_owned(),
                "group" => spec.group = text.to_owned(),
                "version" => spec.version = text.to_owned(),
                "kind" => spec.kind = text.to_owned(),
                // `create` and `behavior` mean nothing for var references.
                _ => {}
            }
        }
        out.push(spec);
    }
    Ok(out)
}

/// Expands `$(VAR)` in every var-reference field of every resource and returns the names of
/// vars never substituted (kustomize logs them as "well-defined vars that were never
/// replaced"), in name order. Does nothing when `values` is empty, as kustomize.
///
/// A field that is exactly `$(VAR)` takes the var's type (`replicas: $(N)` becomes an int);
/// elsewhere the value is formatted as Go's `%v`. `$$` is a literal `$`; an unknown `$(X)` is
/// left as written. Only string scalars are expanded: in a list every item must be a string,
/// in a map the string values are.
#[cfg(test)]
pub(crate) fn substitute(
    resources: &mut [Resource],
    values: &VarValues,
    specs: &[VarRefSpec],
) -> Result<Vec<String>> {
    substitute_budgeted(resources, values, specs, &mut |_| Ok(()))
}

/// Bytes of substituted text that count as one node against the build's budget (a node
/// costs about 80 bytes with its share of strings).
pub(crate) const BYTES_PER_NODE: usize = 64;

/// [`substitute`], calling `charge` for each field it rewrites with one node plus one per
/// [`BYTES_PER_NODE`] bytes of the new text: `$(A)` is 4 bytes of input that may stand for
/// a whole ConfigMap's worth of text, so a field of many references multiplies the input.
pub(crate) fn substitute_budgeted(
    resources: &mut [Resource],
    values: &VarValues,
    specs: &[VarRefSpec],
    charge: &mut dyn FnMut(u64) -> Result<()>,
) -> Result<Vec<String>> {
    if values.is_empty() {
        return Ok(Vec::new());
    }
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut result = Ok(());
    'outer: for r in resources.iter_mut() {
        for spec in specs {
            if !spec_matches(spec, r.id()) {
                continue;
            }
            let mut x = Expander {
                values,
                counts: &mut counts,
                charge: &mut *charge,
                over_budget: None,
            };
            let field = FieldSpec::any(&spec.path, false);
            let walked = walk(r.node_mut(), &field, Create::Nothing, &mut |n| x.set(n));
            if let Some(e) = x.over_budget {
                result = Err(e);
                break 'outer;
            }
            if let Err(e) = walked {
                result = Err(Error::at(
                    ErrorKind::Resource,
                    e.0,
                    r.origin(),
                    r.node().span,
                ));
                break 'outer;
            }
        }
    }
    result?;
    Ok(values
        .iter()
        .filter(|(name, _)| !counts.contains_key(*name))
        .map(|(name, _)| name.to_owned())
        .collect())
}

/// kustomize's `isMatchGVK`: each set field must equal the object's.
fn spec_matches(spec: &VarRefSpec, id: &ResId) -> bool {
    (spec.kind.is_empty() || spec.kind == id.gvk.kind)
        && (spec.group.is_empty() || spec.group == id.gvk.group)
        && (spec.version.is_empty() || spec.version == id.gvk.version)
}

struct Expander<'a> {
    values: &'a VarValues,
    counts: &'a mut BTreeMap<String, usize>,
    charge: &'a mut dyn FnMut(u64) -> Result<()>,
    /// The budget error that stopped the walk.
    over_budget: Option<Error>,
}

impl Expander<'_> {
    /// kustomize refvar `Filter.set`.
    fn set(&mut self, node: &mut Node) -> Result<(), WalkError> {
        if node.is_null() {
            return Ok(());
        }
        match &mut node.kind {
            NodeKind::Scalar(s) => {
                if is_string(s) {
                    self.expand_scalar(s)?;
                }
                Ok(())
            }
            NodeKind::Mapping(m) => {
                for e in &mut m.entries {
                    match e.key.as_scalar() {
                        Some(k) if is_string(k) => {}
                        Some(k) => {
                            return Err(WalkError(format!(
                                "invalid map key: value='{}', tag='{}'",
                                k.text,
                                resolve::tag(k).as_str()
                            )));
                        }
                        None => {
                            return Err(WalkError("invalid map key: value='', tag=''".into()));
                        }
                    }
                    if let NodeKind::Scalar(v) = &mut e.value.kind
                        && is_string(v)
                    {
                        self.expand_scalar(v)?;
                    }
                }
                Ok(())
            }
            NodeKind::Sequence(items) => {
                for item in items {
                    match &mut item.kind {
                        NodeKind::Scalar(s) if is_string(s) => self.expand_scalar(s)?,
                        _ => {
                            return Err(WalkError("invalid value type expect a string".into()));
                        }
                    }
                }
                Ok(())
            }
        }
    }

    fn expand_scalar(&mut self, s: &mut Scalar) -> Result<(), WalkError> {
        let expanded =
            expand(&s.text, self.values, self.counts, &mut *self.charge).and_then(|e| match e {
                Expanded::Typed(v) => {
                    let t = typed_scalar(&v);
                    (self.charge)(1 + (t.text.len() / BYTES_PER_NODE) as u64)?;
                    Ok(Some(t))
                }
                Expanded::Text(t) => Ok(Some(string_scalar(t))),
                Expanded::Same => Ok(None),
            });
        match expanded {
            Ok(Some(new)) => *s = new,
            Ok(None) => {}
            Err(e) => {
                self.over_budget = Some(e);
                return Err(WalkError("over budget".into()));
            }
        }
        Ok(())
    }
}

/// kyaml's `IsYNodeString`: a scalar whose tag is `!!str` (written or resolved).
fn is_string(s: &Scalar) -> bool {
    resolve::is_string(s)
}

/// A string as refvar's `updateNodeValue` leaves it: tagged `!!str`, plain style.
fn string_scalar(text: String) -> Scalar {
    Scalar {
        text,
        style: ScalarStyle::Plain,
        tag: Some("!!str".to_owned()),
    }
}

/// A whole-field var value as `updateNodeValue` writes it: ints in decimal, floats with
/// `strconv.FormatFloat(f, 'f', -1, 64)`, each with its tag.
fn typed_scalar(v: &VarValue) -> Scalar {
    let (text, tag) = match v {
        VarValue::Int(i) => (i.to_string(), "!!int"),
        VarValue::Float(f) => (go::format_f(*f), "!!float"),
        VarValue::Bool(b) => (b.to_string(), "!!bool"),
        VarValue::String(s) => return string_scalar(s.clone()),
        VarValue::Unsupported => (String::new(), "!!str"),
    };
    Scalar {
        text,
        style: ScalarStyle::Plain,
        tag: Some(tag.to_owned()),
    }
}

enum Expanded {
    /// Nothing was replaced (the node is left as written).
    Same,
    /// The new text.
    Text(String),
    /// The field was exactly `$(VAR)`: the var's value with its type.
    Typed(VarValue),
}

/// kustomize's `DoReplacements` (api/filters/refvar/expand.go), which works on bytes.
///
/// Text is charged as it grows, a chunk at a time, so a field of many references to a long
/// value stops at the budget instead of first building the whole string; the finished field
/// is charged as one node plus the text not charged yet (a whole-field `$(VAR)` is left to
/// the caller).
fn expand(
    input: &str,
    values: &VarValues,
    counts: &mut BTreeMap<String, usize>,
    charge: &mut dyn FnMut(u64) -> Result<()>,
) -> Result<Expanded> {
    /// Bytes of new text between two charges.
    const CHUNK: usize = 64 * 1024;
    let b = input.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut charged = 0usize;
    let mut checkpoint = 0;
    let mut cursor = 0;
    let mut changed = false;
    // Looks a name up as `MakePrimitiveReplacer` does: primitive values count as used;
    // anything else is a miss and keeps `$(NAME)`.
    let mut mapping = |name: &str| -> Option<VarValue> {
        match values.get(name) {
            Some(VarValue::Unsupported) | None => None,
            Some(v) => {
                *counts.entry(name.to_owned()).or_default() += 1;
                Some(v.clone())
            }
        }
    };
    while cursor < b.len() {
        if b[cursor] == b'$' && cursor + 1 < b.len() {
            out.extend_from_slice(&b[checkpoint..cursor]);
            let rest = &b[cursor + 1..];
            let advance;
            // `rest` is non-empty: the loop only gets here with a byte after the `$`.
            match rest.first().copied().unwrap_or(b'$') {
                b'$' => {
                    // `$$` is an escaped `$`.
                    out.push(b'$');
                    changed = true;
                    advance = 1;
                }
                b'(' => match rest.iter().position(|&c| c == b')') {
                    Some(close) => {
                        let name = String::from_utf8_lossy(&rest[1..close]).into_owned();
                        let mapped = mapping(&name);
                        if input.len() == name.len() + 3 {
                            // The whole field is `$(NAME)`: keep the value's type.
                            return Ok(match mapped {
                                Some(v) => Expanded::Typed(v),
                                None => Expanded::Same,
                            });
                        }
                        match mapped.as_ref().and_then(VarValue::to_go_string) {
                            Some(s) => {
                                out.extend_from_slice(s.as_bytes());
                                changed = true;
                                if out.len() - charged >= CHUNK {
                                    let n = (out.len() - charged) / BYTES_PER_NODE;
                                    charge(n as u64)?;
                                    charged += n * BYTES_PER_NODE;
                                }
                            }
                            None => {
                                out.extend_from_slice(b"$(");
                                out.extend_from_slice(name.as_bytes());
                                out.push(b')');
                            }
                        }
                        advance = close + 1;
                    }
                    None => {
                        // An unclosed `$(`: both bytes kept, scanning goes on after `$`.
                        out.extend_from_slice(b"$(");
                        advance = 1;
                    }
                },
                c => {
                    // Go writes `string(input[0])`: a byte above 0x7F becomes the character
                    // U+0080..U+00FF, breaking the UTF-8 sequence it started.
                    out.push(b'$');
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(char::from(c).encode_utf8(&mut buf).as_bytes());
                    if !c.is_ascii() {
                        changed = true;
                    }
                    advance = 1;
                }
            }
            cursor += advance;
            checkpoint = cursor + 1;
        }
        cursor += 1;
    }
    if !changed {
        return Ok(Expanded::Same);
    }
    out.extend_from_slice(&b[checkpoint.min(b.len())..]);
    let text = match String::from_utf8(out) {
        Ok(s) => s,
        // go-yaml writes invalid UTF-8 as `!!binary`, which kustomize prints as its base64.
        Err(e) => base64::Engine::encode(&base64::engine::general_purpose::STANDARD, e.as_bytes()),
    };
    // The rewritten field is one node, plus its text beyond what was charged on the way.
    let rest = text.len().saturating_sub(charged) / BYTES_PER_NODE;
    charge(1 + rest as u64)?;
    Ok(Expanded::Text(text))
}

#[cfg(test)]
mod tests {
    use super::super::replacements::text;
    use super::*;
    use crate::yaml::parse::{DuplicateKeys, ParseOptions, parse_documents, parse_single};

    const VRES: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  template:
    spec:
      containers:
      - name: app
        image: $(SVC)
        command: ["$(SVC)", "x$(SVC)y", "$(REPL)", "$$(SVC)", "$(NOPE)", "$(", "a$", "$x", "$()", "$(REPL)$(REPL)", "$(FLT)", "$(BOOL)", "m$(FLT)", "$((SVC))", "$$$(SVC)", "$é", "$(BIG)", "b$(BIG)"]
        args: ["$(REPL)"]
        env:
        - name: A
          value: "$(REPL)"
        - name: B
          value: $(MAP)
        - name: C
          value: 5
---
apiVersion: v1
kind: Service
metadata:
  name: svc
  labels:
    l: $(SVC)
  annotations:
    a: $(REPL)
spec:
  ports:
  - port: 80
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cm
data:
  f: "x"
  flt: 1.50
  big: 1e7
  bool: True
  hex: 0x1F
  oct: 017
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ing
spec:
  rules:
  - host: $(SVC).example
  tls:
  - hosts: ["$(SVC)", "b"]
    secretName: "$(BIG)"
"#;

    /// `VRES` plus a second `svc` in another namespace.
    fn vres_extra() -> String {
        format!(
            "{VRES}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc\n  namespace: other\n"
        )
    }

    /// The var-reference specs of kustomize's default config (varreference.go) that the
    /// cases touch, in its shape.
    const SPECS: &str = "varReference:\n- path: spec/template/spec/containers/args\n  kind: Deployment\n- path: spec/template/spec/containers/command\n  kind: Deployment\n- path: spec/template/spec/containers/env/value\n  kind: Deployment\n- path: spec/containers/args\n  kind: Pod\n- path: spec/containers/command\n  kind: Pod\n- path: spec/containers/env/value\n  kind: Pod\n- path: spec/rules/host\n  kind: Ingress\n- path: spec/tls/hosts\n  kind: Ingress\n- path: spec/tls/secretName\n  kind: Ingress\n- path: metadata/labels\n- path: metadata/annotations\n";

    fn specs() -> Vec<VarRefSpec> {
        let file = SourceFile::new("/specs.yaml", SPECS);
        let root = parse_single(&file, ParseOptions::default())
            .unwrap()
            .unwrap();
        parse_var_reference_specs(&root, &file).unwrap()
    }

    fn load_resources(text: &str) -> Vec<Resource> {
        let file = SourceFile::new("/v/r.yaml", text);
        parse_documents(&file, ParseOptions::default())
            .unwrap()
            .into_iter()
            .filter(|d| !d.is_empty)
            .map(|d| Resource::from_node(d.root, &file).unwrap())
            .collect()
    }

    fn load_vars(list: &str) -> Result<Vec<Var>> {
        let file = SourceFile::new("/v/kustomization.yaml", format!("vars:\n{list}"));
        let opts = ParseOptions {
            duplicate_keys: DuplicateKeys::KeepLast,
            ..ParseOptions::default()
        };
        let root = parse_single(&file, opts)?.unwrap();
        parse_vars(root.as_mapping().unwrap().get("vars").unwrap(), &file)
    }

    /// kustomize stringifies every annotation value when it strips its build annotations at
    /// the end (checked: `a: 5` prints `a: "5"`); that stage is not this module's, so the
    /// harness does it before comparing.
    fn stringify_annotations(r: &mut Resource) {
        let Some(m) = r
            .node_mut()
            .as_mapping_mut()
            .and_then(|m| m.get_mut("metadata"))
            .and_then(|m| m.as_mapping_mut())
            .and_then(|m| m.get_mut("annotations"))
            .and_then(|m| m.as_mapping_mut())
        else {
            return;
        };
        for e in &mut m.entries {
            if let Some(t) = e.value.as_str() {
                e.value = Node::string(t);
            }
        }
    }

    /// One kustomization's vars through every step; returns the resources as JSON and the
    /// unused var names.
    fn build(res: &str, vars: &str) -> Result<(Vec<String>, Vec<String>)> {
        let mut resources = load_resources(res);
        let vars = load_vars(vars)?;
        let mut set = VarSet::new();
        let bindings = set.merge_vars(&vars, &resources, &|_| Vec::new())?;
        let mut refs: Vec<Vec<String>> = vec![Vec::new(); resources.len()];
        for b in bindings {
            refs[b.resource].push(b.var);
        }
        let index = |r: &Resource| resources.iter().position(|x| std::ptr::eq(x, r));
        let names = |r: &Resource| index(r).map(|i| refs[i].clone()).unwrap_or_default();
        let values = resolve_vars(&resources, &set, &names)?;
        let unused = substitute(&mut resources, &values, &specs())?;
        for r in &mut resources {
            stringify_annotations(r);
        }
        let docs = resources
            .iter()
            .map(|r| text::to_json(r.node(), false).unwrap())
            .collect();
        Ok((docs, unused))
    }

    enum VarWant {
        /// Every document as JSON, and the vars kustomize logs as never replaced.
        Docs(&'static [&'static str], &'static [&'static str]),
        /// The build fails with this message.
        Err(&'static str),
    }

    struct VarCase {
        name: &'static str,
        res: &'static str,
        vars: &'static str,
        want: VarWant,
    }

    const VRES_EXTRA: &str = "";

    /// Expectations are `kustomize-ref` (v5.6.0) output for `vars:` over these resources
    /// (with `sortOptions: fifo`), v5.5.0 agreeing; unused names are from its log line.
    #[test]
    fn oracle_cases() {
        let cases = [
            VarCase {
                name: "forms",
                res: VRES,
                vars: r#"  - name: SVC
    objref: {kind: Service, name: svc, apiVersion: v1}
  - name: REPL
    objref: {kind: Deployment, name: web, apiVersion: apps/v1}
    fieldref: {fieldPath: spec.replicas}
  - name: FLT
    objref: {kind: ConfigMap, name: cm, version: v1}
    fieldref: {fieldPath: data.flt}
  - name: BIG
    objref: {kind: ConfigMap, name: cm, apiVersion: v1}
    fieldref: {fieldPath: data.big}
  - name: BOOL
    objref: {kind: ConfigMap, name: cm, apiVersion: v1, namespace: default}
    fieldref: {fieldPath: data.bool}
  - name: MAP
    objref: {kind: ConfigMap, name: cm, apiVersion: v1}
    fieldref: {fieldPath: data}
"#,
                want: VarWant::Docs(
                    &[
                        r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":3,"template":{"spec":{"containers":[{"args":[3],"command":["svc","xsvcy",3,"$(SVC)","$(NOPE)","$(","a$","$x","$()","33",1.5,true,"m1.5","$((SVC))","$svc","JMODqQ==",10000000,"b1e+07"],"env":[{"name":"A","value":3},{"name":"B","value":"$(MAP)"},{"name":"C","value":5}],"image":"$(SVC)","name":"app"}]}}}}"#,
                        r#"{"apiVersion":"v1","kind":"Service","metadata":{"annotations":{"a":"3"},"labels":{"l":"svc"},"name":"svc"},"spec":{"ports":[{"port":80}]}}"#,
                        r#"{"apiVersion":"v1","data":{"big":10000000,"bool":true,"f":"x","flt":1.5,"hex":31,"oct":15},"kind":"ConfigMap","metadata":{"name":"cm"}}"#,
                        r#"{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"ing"},"spec":{"rules":[{"host":"svc.example"}],"tls":[{"hosts":["svc","b"],"secretName":10000000}]}}"#,
                    ],
                    &["MAP"],
                ),
            },
            VarCase {
                name: "oct_is_atoi",
                res: VRES,
                vars: r#"  - name: SVC
    objref: {kind: ConfigMap, name: cm, apiVersion: v1}
    fieldref: {fieldPath: data.oct}
"#,
                want: VarWant::Docs(
                    &[
                        r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":3,"template":{"spec":{"containers":[{"args":["$(REPL)"],"command":[17,"x17y","$(REPL)","$(SVC)","$(NOPE)","$(","a$","$x","$()","$(REPL)$(REPL)","$(FLT)","$(BOOL)","m$(FLT)","$((SVC))","$17","JMODqQ==","$(BIG)","b$(BIG)"],"env":[{"name":"A","value":"$(REPL)"},{"name":"B","value":"$(MAP)"},{"name":"C","value":5}],"image":"$(SVC)","name":"app"}]}}}}"#,
                        r#"{"apiVersion":"v1","kind":"Service","metadata":{"annotations":{"a":"$(REPL)"},"labels":{"l":17},"name":"svc"},"spec":{"ports":[{"port":80}]}}"#,
                        r#"{"apiVersion":"v1","data":{"big":10000000,"bool":true,"f":"x","flt":1.5,"hex":31,"oct":15},"kind":"ConfigMap","metadata":{"name":"cm"}}"#,
                        r#"{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"ing"},"spec":{"rules":[{"host":"17.example"}],"tls":[{"hosts":[17,"b"],"secretName":"$(BIG)"}]}}"#,
                    ],
                    &[],
                ),
            },
            VarCase {
                name: "hex_int_not_found",
                res: VRES,
                vars: r#"  - name: SVC
    objref: {kind: ConfigMap, name: cm, apiVersion: v1}
    fieldref: {fieldPath: data.hex}
"#,
                want: VarWant::Err(
                    r#"field specified in var '{SVC ConfigMap.v1.[noGrp] {data.hex}}' not found in corresponding resource"#,
                ),
            },
            VarCase {
                name: "objref_needs_version",
                res: VRES,
                vars: r#"  - name: SVC
    objref: {kind: Service, name: svc}
"#,
                want: VarWant::Err(
                    r#"var '{SVC Service.[noVer].[noGrp] {metadata.name}}' cannot be mapped to a field in the set of known resources"#,
                ),
            },
            VarCase {
                name: "objref_namespace_mismatch",
                res: VRES,
                vars: r#"  - name: SVC
    objref: {kind: Service, name: svc, apiVersion: v1, namespace: other}
"#,
                want: VarWant::Err(
                    r#"var '{SVC Service.v1.[noGrp] {metadata.name}}' cannot be mapped to a field in the set of known resources"#,
                ),
            },
            VarCase {
                name: "field_not_found",
                res: VRES,
                vars: r#"  - name: SVC
    objref: {kind: Service, name: svc, apiVersion: v1}
    fieldref: {fieldPath: spec.nope}
"#,
                want: VarWant::Err(
                    r#"field specified in var '{SVC Service.v1.[noGrp] {spec.nope}}' not found in corresponding resource"#,
                ),
            },
            VarCase {
                name: "slice_index",
                res: VRES,
                vars: r#"  - name: SVC
    objref: {kind: Service, name: svc, apiVersion: v1}
    fieldref: {fieldPath: "spec.ports[0].port"}
"#,
                want: VarWant::Docs(
                    &[
                        r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":3,"template":{"spec":{"containers":[{"args":["$(REPL)"],"command":[80,"x80y","$(REPL)","$(SVC)","$(NOPE)","$(","a$","$x","$()","$(REPL)$(REPL)","$(FLT)","$(BOOL)","m$(FLT)","$((SVC))","$80","JMODqQ==","$(BIG)","b$(BIG)"],"env":[{"name":"A","value":"$(REPL)"},{"name":"B","value":"$(MAP)"},{"name":"C","value":5}],"image":"$(SVC)","name":"app"}]}}}}"#,
                        r#"{"apiVersion":"v1","kind":"Service","metadata":{"annotations":{"a":"$(REPL)"},"labels":{"l":80},"name":"svc"},"spec":{"ports":[{"port":80}]}}"#,
                        r#"{"apiVersion":"v1","data":{"big":10000000,"bool":true,"f":"x","flt":1.5,"hex":31,"oct":15},"kind":"ConfigMap","metadata":{"name":"cm"}}"#,
                        r#"{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"ing"},"spec":{"rules":[{"host":"80.example"}],"tls":[{"hosts":[80,"b"],"secretName":"$(BIG)"}]}}"#,
                    ],
                    &[],
                ),
            },
            VarCase {
                name: "duplicate",
                res: VRES,
                vars: r#"  - name: SVC
    objref: {kind: Service, name: svc, apiVersion: v1}
  - name: SVC
    objref: {kind: Service, name: svc}
    fieldref: {fieldPath: metadata.name}
"#,
                want: VarWant::Err(
                    r#"merging vars [{SVC Service.[noVer].[noGrp] {}} {SVC Service.[noVer].[noGrp] {metadata.name}}]: var 'SVC' already encountered"#,
                ),
            },
            VarCase {
                name: "disambiguate",
                res: VRES_EXTRA,
                vars: r#"  - name: SVC
    objref: {kind: Service, name: svc, apiVersion: v1}
"#,
                want: VarWant::Err(
                    r#"merging vars [{SVC Service.[noVer].[noGrp] {}}]: found 2 resId matches for var {SVC Service.v1.[noGrp] {}} (unable to disambiguate)"#,
                ),
            },
            VarCase {
                name: "disambiguated_by_namespace",
                res: VRES_EXTRA,
                vars: r#"  - name: SVC
    objref: {kind: Service, name: svc, apiVersion: v1, namespace: other}
    fieldref: {fieldPath: metadata.namespace}
"#,
                want: VarWant::Docs(
                    &[
                        r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":3,"template":{"spec":{"containers":[{"args":["$(REPL)"],"command":["other","xothery","$(REPL)","$(SVC)","$(NOPE)","$(","a$","$x","$()","$(REPL)$(REPL)","$(FLT)","$(BOOL)","m$(FLT)","$((SVC))","$other","JMODqQ==","$(BIG)","b$(BIG)"],"env":[{"name":"A","value":"$(REPL)"},{"name":"B","value":"$(MAP)"},{"name":"C","value":5}],"image":"$(SVC)","name":"app"}]}}}}"#,
                        r#"{"apiVersion":"v1","kind":"Service","metadata":{"annotations":{"a":"$(REPL)"},"labels":{"l":"other"},"name":"svc"},"spec":{"ports":[{"port":80}]}}"#,
                        r#"{"apiVersion":"v1","data":{"big":10000000,"bool":true,"f":"x","flt":1.5,"hex":31,"oct":15},"kind":"ConfigMap","metadata":{"name":"cm"}}"#,
                        r#"{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"ing"},"spec":{"rules":[{"host":"other.example"}],"tls":[{"hosts":["other","b"],"secretName":"$(BIG)"}]}}"#,
                        r#"{"apiVersion":"v1","kind":"Service","metadata":{"name":"svc","namespace":"other"}}"#,
                    ],
                    &[],
                ),
            },
            VarCase {
                name: "non_string_item",
                res: r#"apiVersion: v1
kind: Pod
metadata:
  name: pod
spec:
  containers:
  - name: c
    image: x
    args: [1, "$(V)"]
"#,
                vars: r#"  - name: V
    objref: {kind: Pod, name: pod, apiVersion: v1}
"#,
                want: VarWant::Err(
                    r#"considering field 'spec/containers/args' of object Pod.v1.[noGrp]/pod.[noNs]: visit traversal on path: [args]: invalid value type expect a string"#,
                ),
            },
            VarCase {
                name: "cfg_bool_name",
                res: VRES,
                vars: r#"  - name: N
    objref: {kind: Pod, name: pod}
"#,
                want: VarWant::Err(
                    r#"invalid Kustomization: json: cannot unmarshal bool into Go struct field Var.vars.name of type string"#,
                ),
            },
            VarCase {
                name: "cfg_number_api_version",
                res: VRES,
                vars: r#"  - name: V
    objref: {kind: Pod, name: pod, apiVersion: 1}
"#,
                want: VarWant::Err(
                    r#"invalid Kustomization: json: cannot unmarshal number into Go struct field Target.vars.objref.apiVersion of type string"#,
                ),
            },
            VarCase {
                name: "cfg_unknown",
                res: VRES,
                vars: r#"  - name: V
    objref: {kind: Pod, name: pod, foo: 1}
"#,
                want: VarWant::Err(r#"invalid Kustomization: json: unknown field "foo""#),
            },
            VarCase {
                name: "cfg_fieldref_string",
                res: VRES,
                vars: r#"  - name: V
    fieldref: a
"#,
                want: VarWant::Err(
                    r#"invalid Kustomization: json: cannot unmarshal string into Go struct field Var.vars.fieldref of type types.FieldSelector"#,
                ),
            },
        ];
        for case in &cases {
            let res = if case.res.is_empty() {
                vres_extra()
            } else {
                case.res.to_owned()
            };
            let name = case.name;
            match (&case.want, build(&res, case.vars)) {
                (VarWant::Docs(docs, unused), Ok((got, got_unused))) => {
                    assert_eq!(got, *docs, "{name}");
                    assert_eq!(got_unused, *unused, "{name}");
                }
                (VarWant::Err(want), Err(e)) => assert_eq!(e.message(), *want, "{name}"),
                (_, Err(e)) => panic!("{name}: unexpected error {e}"),
                (_, Ok(_)) => panic!("{name}: expected an error"),
            }
        }
    }

    /// kustomize's own table for `DoReplacements` (api/filters/refvar/expand_test.go
    /// `TestMapping`), with its vars.
    #[test]
    fn expands_like_kustomize() {
        let values = VarValues {
            values: [
                ("VAR_A", "A"),
                ("VAR_B", "B"),
                ("VAR_C", "C"),
                ("VAR_REF", "$(VAR_A)"),
                ("VAR_EMPTY", ""),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), VarValue::String(v.to_owned())))
            .collect(),
        };
        let cases: &[(&str, &str)] = &[
            ("$(VAR_A)", "A"),
            ("$(VAR_A)-$(VAR_A)", "A-A"),
            ("$(VAR_A)-$(VAR_B)-$(VAR_B)-$(VAR_B)-$(VAR_A)", "A-B-B-B-A"),
            ("___$(VAR_B)___", "___B___"),
            ("$$(VAR_B)_$(VAR_A)", "$(VAR_B)_A"),
            ("$$(VAR_A)_$$(VAR_B)", "$(VAR_A)_$(VAR_B)"),
            ("f000-$$VAR_A", "f000-$VAR_A"),
            (r"foo\$(VAR_C)bar", r"foo\Cbar"),
            ("$(VAR_A$(VAR_B))", "$(VAR_A$(VAR_B))"),
            ("$(VAR_A$(VAR_B)", "$(VAR_A$(VAR_B)"),
            ("$(VAR_REF)", "$(VAR_A)"),
            ("%%$(VAR_REF)--$(VAR_REF)%%", "%%$(VAR_A)--$(VAR_A)%%"),
            ("foo$(VAR_EMPTY)bar", "foobar"),
            ("foo$(VAR_Awhoops!", "foo$(VAR_Awhoops!"),
            ("$?_boo_$!", "$?_boo_$!"),
            ("$(VAR_DNE)", "$(VAR_DNE)"),
            ("$$$$$$(BIG_MONEY)", "$$$(BIG_MONEY)"),
            ("$$$$$$$(VAR_A)", "$$$A"),
            ("${VAR_A}", "${VAR_A}"),
            ("$(VAR_B)_______$(A", "B_______$(A"),
            ("$(VAR_C)_______$(", "C_______$("),
            ("$(VAR_A)foobarzab$", "Afoobarzab$"),
            ("--$($($($($--", "--$($($($($--"),
            ("$(foo$$var)", "$(foo$$var)"),
            ("\n", "\n"),
        ];
        for (input, want) in cases {
            let mut counts = BTreeMap::new();
            let got = match expand(input, &values, &mut counts, &mut |_| Ok(())).unwrap() {
                Expanded::Same => (*input).to_owned(),
                Expanded::Text(t) => t,
                Expanded::Typed(VarValue::String(t)) => t,
                Expanded::Typed(v) => panic!("{input}: typed {v:?}"),
            };
            assert_eq!(got, *want, "{input}");
        }
    }

    /// A var binds at merge time by any id, so an objref naming the object before a prefix
    /// still finds it, and the value read later is the final name (oracle: a base var
    /// `CM2` over `cm` with `namePrefix: p-` in the overlay gives `p-cm`).
    #[test]
    fn binds_by_previous_id_and_reads_final_value() {
        let mut resources = load_resources(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: p-cm\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p-pod\nspec:\n  containers:\n  - name: c\n    command: [$(CM2)]\n",
        );
        let vars =
            load_vars("- name: CM2\n  objref: {kind: ConfigMap, name: cm, apiVersion: v1}\n")
                .unwrap();
        let previous = |r: &Resource| -> Vec<ResId> {
            let mut id = r.id().clone();
            id.name = id.name.trim_start_matches("p-").to_owned();
            vec![id]
        };
        let mut set = VarSet::new();
        let bindings = set.merge_vars(&vars, &resources, &previous).unwrap();
        assert_eq!(
            bindings,
            [VarBinding {
                resource: 0,
                var: "CM2".into()
            }]
        );
        let names = |r: &Resource| {
            if r.id().gvk.kind == "ConfigMap" {
                vec!["CM2".to_owned()]
            } else {
                Vec::new()
            }
        };
        let values = resolve_vars(&resources, &set, &names).unwrap();
        assert_eq!(values.get("CM2"), Some(&VarValue::String("p-cm".into())));
        let unused = substitute(&mut resources, &values, &specs()).unwrap();
        assert!(unused.is_empty());
        let cmd = resources[1]
            .node()
            .get_path(&["spec", "containers"])
            .and_then(|c| c.as_sequence())
            .and_then(|c| c[0].get_path(&["command"]))
            .and_then(|c| c.as_sequence())
            .and_then(|c| c[0].as_str())
            .unwrap();
        assert_eq!(cmd, "p-cm");
    }

    /// An objref with a namespace never matches a cluster-scoped object (its id's effective
    /// namespace is none; resid.go `EffectiveNamespace`).
    #[test]
    fn namespaced_objref_skips_cluster_scoped() {
        let resources = load_resources(
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: r\n",
        );
        let with_ns = load_vars(
            "- name: R\n  objref: {kind: ClusterRole, name: r, apiVersion: rbac.authorization.k8s.io/v1, namespace: default}\n",
        )
        .unwrap();
        let without = load_vars(
            "- name: R\n  objref: {kind: ClusterRole, name: r, apiVersion: rbac.authorization.k8s.io/v1}\n",
        )
        .unwrap();
        let none = |_: &Resource| Vec::new();
        assert!(
            VarSet::new()
                .merge_vars(&with_ns, &resources, &none)
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            VarSet::new()
                .merge_vars(&without, &resources, &none)
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn merge_set_rejects_a_name_twice() {
        let vars = load_vars("- name: A\n  objref: {kind: X, name: x}\n").unwrap();
        let none = |_: &Resource| Vec::new();
        let mut a = VarSet::new();
        a.merge_vars(&vars, &[], &none).unwrap();
        let mut b = VarSet::new();
        b.merge_vars(&vars, &[], &none).unwrap();
        let e = a.merge_set(b).unwrap_err();
        assert_eq!(e.message(), "var 'A' already encountered");
        assert_eq!(a.len(), 1);
    }

    /// A scalar where the spec wants a list or map. kustomize's name-reference step reports
    /// this first on the oracle, so the text is from refvar's field-spec walk
    /// (api/filters/fieldspec/fieldspec.go) and `handleSequence`'s prefix.
    #[test]
    fn scalar_on_the_path_fails() {
        let e = build(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: pod\nspec:\n  containers:\n  - name: c\n    env: foo\n",
            "- name: V\n  objref: {kind: Pod, name: pod, apiVersion: v1}\n",
        )
        .unwrap_err();
        assert_eq!(
            e.message(),
            "considering field 'spec/containers/env/value' of object Pod.v1.[noGrp]/pod.[noNs]: visit traversal on path: [env value]: expected sequence or mapping node"
        );
    }

    #[test]
    fn reads_spec_lists_in_both_shapes() {
        let file = SourceFile::new(
            "/c.yaml",
            "- path: a/b\n  kind: K\n  group: g\n  version: v\n  create: true\n",
        );
        let root = parse_single(&file, ParseOptions::default())
            .unwrap()
            .unwrap();
        assert_eq!(
            parse_var_reference_specs(&root, &file).unwrap(),
            [VarRefSpec {
                group: "g".into(),
                version: "v".into(),
                kind: "K".into(),
                path: "a/b".into()
            }]
        );
        assert_eq!(specs().len(), 11);
    }

    #[test]
    fn objref_api_version_overrides_inline_fields() {
        let o = ObjRef {
            api_version: "apps/v1".into(),
            group: "x".into(),
            version: "v9".into(),
            kind: "Deployment".into(),
            ..ObjRef::default()
        };
        assert_eq!(o.gvk(), Gvk::from_api_version("apps/v1", "Deployment"));
        let core = ObjRef {
            api_version: "v1".into(),
            group: "g".into(),
            ..ObjRef::default()
        };
        assert_eq!(
            (core.gvk().group.as_str(), core.gvk().version.as_str()),
            ("g", "v1")
        );
    }
}
