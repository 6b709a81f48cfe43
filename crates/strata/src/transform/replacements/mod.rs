//! The `replacements` transformer: copies one field's value (or a literal `sourceValue`) into
//! fields of other resources, as kustomize's `ReplacementTransformer`
//! (api/filters/replacement/replacement.go at HEAD, v5.8+; plugin config in
//! plugin/builtin/replacementtransformer).
//!
//! Stage: runs once per kustomization, after `images` and before `transformers:`, on that
//! kustomization's resources (names not yet hashed). Paths follow kyaml: source fields are
//! looked up like `yaml.Lookup` (exact `[name=value]` match, `-` for the last element), target
//! fields are walked like `yaml.PathMatcher` (`*` wildcard, `[name=regex]` matched unanchored,
//! `options.create` adds missing fields), and a path may continue into a scalar holding JSON or
//! YAML text (HEAD's "structured data").
//!
//! Values keep kyaml's typing: a scalar target only takes the source's text and keeps its own
//! type, so a plain `1` replaced by `abc` stays an `!!int` (and fails at output, as kustomize
//! does); a created field is untagged and typed by its text.
//!
//! One concern per file: this one holds the transformer; `decode` reads its configuration as
//! kustomize's `encoding/json` does, `path` splits, looks up and walks kyaml paths (the
//! field-spec walker uses its lookup too), `structured` writes into text fields holding JSON
//! or YAML, and `text` prints nodes as kyaml and `encoding/json` do. Selector regexes are
//! `crate::resource::regex`'s.
//!
//! This module may use `yaml`, `source`, `error`, `resource` and the field helpers of
//! `kustomization`.

use std::fmt;
use std::sync::Arc;

use crate::error::{Error, ErrorKind, Result};
use crate::go;
use crate::kustomization::Spanned;
use crate::resource::regex::IdPattern;
use crate::resource::{LabelSelector, ResId, Resource};
use crate::source::{SourceFile, Span};
use crate::yaml::resolve::{self, Tag};
use crate::yaml::{Mapping, Node, NodeKind, Scalar, ScalarStyle};

use self::decode::{Decoder, Mode};

/// The field path a source or target uses when none is given
/// (api/types/replacement.go `DefaultReplacementFieldPath`).
pub(crate) const DEFAULT_FIELD_PATH: &str = "metadata.name";

/// Refines how a field is read or written (api/types/replacement.go `FieldOptions`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct FieldOptions {
    /// Splits the field's text on this string; empty for the whole value.
    pub delimiter: String,
    /// Which part of the split to read or replace. On a target, a negative index prepends
    /// and an index past the end appends.
    pub index: i64,
    /// Declared by kustomize but unused (issue kubernetes-sigs/kustomize#3492).
    pub encoding: String,
    /// Creates missing target fields.
    pub create: bool,
}

impl fmt::Display for FieldOptions {
    /// Formats as kustomize's `FieldOptions.String`: empty unless a delimiter or `create`
    /// is set, else `delim(index), create=bool`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.delimiter.is_empty() && !self.create {
            return Ok(());
        }
        write!(
            f,
            "{}({}), create={}",
            self.delimiter, self.index, self.create
        )
    }
}

/// Where a replacement reads its value (api/types/replacement.go `SourceSelector`).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SourceSelector {
    /// Selects exactly one resource: empty fields match anything, the namespace compares as
    /// kustomize's effective namespace (empty = `default`), names match current and previous
    /// names.
    pub id: ResId,
    /// The field, dotted (`spec.template.spec.containers.[name=app].image`); empty means
    /// [`DEFAULT_FIELD_PATH`].
    pub field_path: String,
    /// Delimiter and index to take part of the value.
    pub options: Option<FieldOptions>,
    /// Where the selector was written.
    pub span: Span,
}

impl fmt::Display for SourceSelector {
    /// Formats as kustomize's `SourceSelector.String`: `id[:fieldPath][:options]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.id)?;
        if !self.field_path.is_empty() {
            write!(f, ":{}", self.field_path)?;
        }
        if let Some(o) = &self.options {
            let o = o.to_string();
            if !o.is_empty() {
                write!(f, ":{o}")?;
            }
        }
        Ok(())
    }
}

/// Selects resources by id, labels and annotations (api/types/selector.go `Selector`).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Selector {
    /// Group, version, kind, name and namespace. In a source, each must equal the resource's
    /// (`IsSelectedBy`); in a target's `select`/`reject`, each is an `IdPattern`: equal, or
    /// a Go regular expression matching the whole field. Empty for any.
    pub id: ResId,
    /// A Kubernetes label selector over annotations.
    pub annotation_selector: String,
    /// A Kubernetes label selector over labels.
    pub label_selector: String,
    /// Where the selector was written.
    pub span: Span,
}

/// Where a replacement writes its value (api/types/replacement.go `TargetSelector`).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct TargetSelector {
    /// The resources to consider; required.
    pub select: Option<Selector>,
    /// Resources to leave alone.
    pub reject: Vec<Selector>,
    /// Dotted field paths; empty means [`DEFAULT_FIELD_PATH`].
    pub field_paths: Vec<Spanned<String>>,
    /// Delimiter, index and `create`.
    pub options: Option<FieldOptions>,
    /// Where the target was written.
    pub span: Span,
}

/// One replacement: a source (a resource field or a literal value) and its targets.
#[derive(Clone, Debug)]
pub(crate) struct Replacement {
    /// Read the value from a resource.
    pub source: Option<SourceSelector>,
    /// Or use this literal (HEAD's `sourceValue`; an untagged scalar typed by its text).
    pub source_value: Option<String>,
    /// Where to write it.
    pub targets: Vec<TargetSelector>,
    /// The file the replacement was read from.
    pub file: Arc<SourceFile>,
    /// Where it was written in that file.
    pub span: Span,
}

/// One entry of a kustomization's `replacements:` list.
#[derive(Clone, Debug)]
pub(crate) enum ReplacementEntry {
    /// A replacement written inline.
    Inline(Box<Replacement>),
    /// `path: file.yaml`: the caller loads the file and reads it with
    /// [`parse_replacement_file`].
    Path(Spanned<String>),
}

/// Reads a kustomization's `replacements:` list.
///
/// Fields are decoded as kustomize decodes the kustomization (YAML 1.1 scalars through
/// `encoding/json` with unknown fields rejected), so `create: yes` is true and `name: 5`
/// fails with Go's message. An entry may not combine `path` with `source` or `targets`.
pub(crate) fn parse_replacements(
    node: &Node,
    file: &Arc<SourceFile>,
) -> Result<Vec<ReplacementEntry>> {
    let d = Decoder::new(file, Mode::Kustomization);
    let Some(items) = d.list(
        node,
        "Kustomization",
        "replacements",
        "[]types.ReplacementField",
    )?
    else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for item in items {
        let Some(m) = d.object(
            item,
            "Kustomization",
            "replacements",
            "types.ReplacementField",
        )?
        else {
            // kustomize keeps a null entry as an empty replacement, which then fails.
            out.push(ReplacementEntry::Inline(Box::new(Replacement {
                source: None,
                source_value: None,
                targets: Vec::new(),
                file: Arc::clone(file),
                span: item.span,
            })));
            continue;
        };
        let mut path: Option<Spanned<String>> = None;
        let mut r = Replacement {
            source: None,
            source_value: None,
            targets: Vec::new(),
            file: Arc::clone(file),
            span: item.span,
        };
        for (key, value) in d.fields(m) {
            match d.known(key, &["path", "source", "targets", "sourceValue"]) {
                Some("path") => {
                    path = d
                        .string(value, "ReplacementField", "replacements.path")?
                        .map(|s| Spanned {
                            value: s,
                            span: value.span,
                        });
                }
                Some(field) => {
                    read_replacement_field(&d, &mut r, field, value, "replacements.Replacement")?
                }
                None => return Err(d.unknown(m, key)),
            }
        }
        match path {
            Some(p) if !p.value.is_empty() => {
                if r.source.is_some() || !r.targets.is_empty() {
                    return Err(Error::at(
                        ErrorKind::Kustomization,
                        "trouble configuring builtin ReplacementTransformer: cannot specify both path and inline replacement",
                        file,
                        item.span,
                    ));
                }
                out.push(ReplacementEntry::Path(p));
            }
            _ => out.push(ReplacementEntry::Inline(Box::new(r))),
        }
    }
    Ok(out)
}

/// Reads a file named by a `replacements: - path:` entry: one replacement (a mapping) or a
/// list of them.
///
/// Pass the file's first document (`None` if it has none): kustomize unmarshals only the first
/// and ignores the rest. Decoding is lenient as kustomize's `yaml.Unmarshal` is: unknown
/// fields are ignored, type errors fail.
pub(crate) fn parse_replacement_file(
    root: Option<&Node>,
    file: &Arc<SourceFile>,
) -> Result<Vec<Replacement>> {
    let d = Decoder::new(file, Mode::File);
    let unsupported = |what: &str, span: Span| {
        Error::at(
            ErrorKind::Kustomization,
            format!(
                "trouble configuring builtin ReplacementTransformer: unsupported replacement type encountered within replacement path: {what}"
            ),
            file,
            span,
        )
    };
    let Some(root) = root else {
        return Err(unsupported("invalid", Span::at(0)));
    };
    let one = |node: &Node| -> Result<Replacement> {
        let mut r = Replacement {
            source: None,
            source_value: None,
            targets: Vec::new(),
            file: Arc::clone(file),
            span: node.span,
        };
        if let Some(m) = d.object(node, "Replacement", "", "types.Replacement")? {
            for (key, value) in d.fields(m) {
                if let Some(field) = d.known(key, &["source", "targets", "sourceValue"]) {
                    read_replacement_field(&d, &mut r, field, value, "")?;
                }
            }
        }
        Ok(r)
    };
    match &root.kind {
        NodeKind::Scalar(s) if s.is_null() => Err(unsupported("invalid", root.span)),
        NodeKind::Scalar(s) => {
            let what = match decode::v2_type(s) {
                decode::V2::Bool(_) => "bool",
                decode::V2::Int(_) => "float64",
                decode::V2::Float(_) => "float64",
                _ => "string",
            };
            Err(unsupported(what, root.span))
        }
        NodeKind::Mapping(_) => Ok(vec![one(root)?]),
        NodeKind::Sequence(items) => items.iter().map(one).collect(),
    }
}

/// Reads one field of a `Replacement` (`source`, `targets` or `sourceValue`); `ctx` is the
/// Go field path of the replacement (`replacements.Replacement` inline, empty in a file).
fn read_replacement_field(
    d: &Decoder<'_>,
    r: &mut Replacement,
    field: &str,
    value: &Node,
    ctx: &str,
) -> Result<()> {
    let strukt = if ctx.is_empty() {
        "Replacement"
    } else {
        "ReplacementField"
    };
    let path = |f: &str| join_path(ctx, f);
    match field {
        "source" => {
            r.source = match d.object(value, strukt, &path("source"), "types.SourceSelector")? {
                None => None,
                Some(m) => Some(read_source(d, m, value.span, &path("source"))?),
            }
        }
        "sourceValue" => r.source_value = d.string(value, strukt, &path("sourceValue"))?,
        "targets" => {
            let items = d
                .list(value, strukt, &path("targets"), "[]*types.TargetSelector")?
                .unwrap_or_default();
            r.targets = Vec::with_capacity(items.len());
            for item in items {
                let t = match d.object(item, strukt, &path("targets"), "types.TargetSelector")? {
                    None => TargetSelector {
                        select: None,
                        reject: Vec::new(),
                        field_paths: Vec::new(),
                        options: None,
                        span: item.span,
                    },
                    Some(m) => read_target(d, m, item.span, &path("targets"))?,
                };
                r.targets.push(t);
            }
        }
        _ => {}
    }
    Ok(())
}

fn join_path(ctx: &str, field: &str) -> String {
    if ctx.is_empty() {
        field.to_owned()
    } else {
        format!("{ctx}.{field}")
    }
}

/// Reads one of the inline `ResId` fields of a selector into `id`; ignores other keys.
fn read_id_field(
    d: &Decoder<'_>,
    id: &mut ResId,
    field: &str,
    value: &Node,
    strukt: &str,
    ctx: &str,
) -> Result<()> {
    let gvk = |f: &str| format!("{ctx}.ResId.Gvk.{f}");
    let text = |p: String| d.string(value, strukt, &p).map(Option::unwrap_or_default);
    match field {
        "group" => id.gvk.group = text(gvk("group"))?,
        "version" => id.gvk.version = text(gvk("version"))?,
        "kind" => id.gvk.kind = text(gvk("kind"))?,
        "name" => id.name = text(format!("{ctx}.ResId.name"))?,
        "namespace" => id.namespace = text(format!("{ctx}.ResId.namespace"))?,
        _ => {}
    }
    Ok(())
}

const ID_FIELDS: [&str; 5] = ["group", "version", "kind", "name", "namespace"];

fn read_source(d: &Decoder<'_>, m: &Mapping, span: Span, ctx: &str) -> Result<SourceSelector> {
    let mut s = SourceSelector {
        id: ResId::default(),
        field_path: String::new(),
        options: None,
        span,
    };
    let known = [
        "group",
        "version",
        "kind",
        "name",
        "namespace",
        "fieldPath",
        "options",
    ];
    for (key, value) in d.fields(m) {
        match d.known(key, &known) {
            Some("fieldPath") => {
                s.field_path = d
                    .string(value, "SourceSelector", &format!("{ctx}.fieldPath"))?
                    .unwrap_or_default()
            }
            Some("options") => s.options = read_options(d, value, "SourceSelector", ctx)?,
            Some(f) => read_id_field(d, &mut s.id, f, value, "SourceSelector", ctx)?,
            None => d.unknown_or_skip(m, key)?,
        }
    }
    Ok(s)
}

fn read_selector(d: &Decoder<'_>, m: &Mapping, span: Span, ctx: &str) -> Result<Selector> {
    let mut s = Selector {
        span,
        ..Selector::default()
    };
    let mut known: Vec<&str> = ID_FIELDS.to_vec();
    known.extend(["annotationSelector", "labelSelector"]);
    for (key, value) in d.fields(m) {
        match d.known(key, &known) {
            Some("annotationSelector") => {
                s.annotation_selector = d
                    .string(value, "Selector", &format!("{ctx}.annotationSelector"))?
                    .unwrap_or_default()
            }
            Some("labelSelector") => {
                s.label_selector = d
                    .string(value, "Selector", &format!("{ctx}.labelSelector"))?
                    .unwrap_or_default()
            }
            Some(f) => read_id_field(d, &mut s.id, f, value, "Selector", ctx)?,
            None => d.unknown_or_skip(m, key)?,
        }
    }
    Ok(s)
}

fn read_target(d: &Decoder<'_>, m: &Mapping, span: Span, ctx: &str) -> Result<TargetSelector> {
    let mut t = TargetSelector {
        select: None,
        reject: Vec::new(),
        field_paths: Vec::new(),
        options: None,
        span,
    };
    let known = ["select", "reject", "fieldPaths", "options"];
    for (key, value) in d.fields(m) {
        match d.known(key, &known) {
            Some("select") => {
                let p = format!("{ctx}.select");
                t.select = match d.object(value, "TargetSelector", &p, "types.Selector")? {
                    None => None,
                    Some(sm) => Some(read_selector(d, sm, value.span, &p)?),
                };
            }
            Some("reject") => {
                let p = format!("{ctx}.reject");
                let items = d
                    .list(value, "TargetSelector", &p, "[]*types.Selector")?
                    .unwrap_or_default();
                t.reject = Vec::with_capacity(items.len());
                for item in items {
                    match d.object(item, "TargetSelector", &p, "types.Selector")? {
                        // A null reject entry selects nothing.
                        None => t.reject.push(Selector {
                            span: item.span,
                            ..Selector::default()
                        }),
                        Some(sm) => t.reject.push(read_selector(d, sm, item.span, &p)?),
                    }
                }
            }
            Some("fieldPaths") => {
                let p = format!("{ctx}.fieldPaths");
                let items = d
                    .list(value, "TargetSelector", &p, "[]string")?
                    .unwrap_or_default();
                t.field_paths = Vec::with_capacity(items.len());
                for item in items {
                    let s = d.string(item, "TargetSelector", &p)?.unwrap_or_default();
                    t.field_paths.push(Spanned {
                        value: s,
                        span: item.span,
                    });
                }
            }
            Some("options") => t.options = read_options(d, value, "TargetSelector", ctx)?,
            _ => d.unknown_or_skip(m, key)?,
        }
    }
    Ok(t)
}

fn read_options(
    d: &Decoder<'_>,
    value: &Node,
    parent: &str,
    ctx: &str,
) -> Result<Option<FieldOptions>> {
    let p = format!("{ctx}.options");
    let Some(m) = d.object(value, parent, &p, "types.FieldOptions")? else {
        return Ok(None);
    };
    let mut o = FieldOptions::default();
    for (key, value) in d.fields(m) {
        let fp = |f: &str| format!("{p}.{f}");
        match d.known(key, &["delimiter", "index", "encoding", "create"]) {
            Some("delimiter") => {
                o.delimiter = d
                    .string(value, "FieldOptions", &fp("delimiter"))?
                    .unwrap_or_default()
            }
            Some("encoding") => {
                o.encoding = d
                    .string(value, "FieldOptions", &fp("encoding"))?
                    .unwrap_or_default()
            }
            Some("index") => {
                o.index = d
                    .int(value, "FieldOptions", &fp("index"))?
                    .unwrap_or_default()
            }
            Some("create") => {
                o.create = d
                    .boolean(value, "FieldOptions", &fp("create"))?
                    .unwrap_or_default()
            }
            _ => d.unknown_or_skip(m, key)?,
        }
    }
    Ok(Some(o))
}

#[cfg(test)]
/// Applies `replacements` in order to `resources`, matching resources by their current ids.
///
/// Each replacement reads its value once, then writes every target; later replacements see
/// earlier ones' changes. Ids of modified resources are refreshed.
pub(crate) fn apply(resources: &mut [Resource], replacements: &[Replacement]) -> Result<()> {
    apply_with_previous_ids(resources, replacements, &|_| Vec::new())
}

#[cfg(test)]
/// Like [`apply`], but a resource also matches selectors by the ids it had before renames
/// (kustomize's `MakeResIds`: current id, then previous ones), which `previous_ids` returns.
pub(crate) fn apply_with_previous_ids(
    resources: &mut [Resource],
    replacements: &[Replacement],
    previous_ids: &dyn Fn(&Resource) -> Vec<ResId>,
) -> Result<()> {
    apply_budgeted(resources, replacements, previous_ids, &mut |_| Ok(()))
}

/// [`apply_with_previous_ids`], calling `charge` with the number of nodes each copy of a
/// value creates before making it, so a build's node budget stops a chain of replacements
/// that each double a document.
pub(crate) fn apply_budgeted(
    resources: &mut [Resource],
    replacements: &[Replacement],
    previous_ids: &dyn Fn(&Resource) -> Vec<ResId>,
    charge: &mut dyn FnMut(u64) -> Result<()>,
) -> Result<()> {
    for r in replacements {
        let fail =
            |msg: String, span: Span| Error::at(ErrorKind::Kustomization, msg, &r.file, span);
        if (r.source.is_none() && r.source_value.is_none()) || r.targets.is_empty() {
            return Err(fail(
                "replacements must specify a source and at least one target".into(),
                r.span,
            ));
        }
        let value = source_value(resources, r, previous_ids).map_err(|(m, s)| fail(m, s))?;
        let size = crate::budget::count_nodes(&value);
        let mut charge_copy = || charge(size);
        for t in &r.targets {
            apply_target(resources, &value, t, previous_ids, &mut charge_copy).map_err(
                |e| match e {
                    TargetError::Failure((m, s)) => fail(m, s),
                    TargetError::Budget(e) => {
                        e.with_location(crate::error::Location::new(&r.file, t.span))
                    }
                },
            )?;
        }
    }
    Ok(())
}

/// An error message and the span of the replacement part it concerns.
type Failure = (String, Span);

/// Why a target could not be written: a failure of the replacement, or the build's budget.
enum TargetError {
    Failure(Failure),
    Budget(Error),
}

impl From<Failure> for TargetError {
    fn from(f: Failure) -> TargetError {
        TargetError::Failure(f)
    }
}

fn all_ids(r: &Resource, previous_ids: &dyn Fn(&Resource) -> Vec<ResId>) -> Vec<ResId> {
    let mut ids = vec![r.id().clone()];
    ids.extend(previous_ids(r));
    ids
}

/// kustomize's `EffectiveNamespace` for ids built from documents and selectors, which never
/// know their scope (kyaml/resid/resid.go; `isClusterScoped` is only set by `NewGvk`).
fn effective_namespace(ns: &str) -> &str {
    if ns.is_empty() { "default" } else { ns }
}

/// kyaml's `ResId.IsSelectedBy`: exact fields, empty selector fields match anything.
fn id_selected_by(id: &ResId, sel: &ResId) -> bool {
    let g = |have: &str, want: &str| want.is_empty() || have == want;
    g(&id.name, &sel.name)
        && (sel.namespace.is_empty()
            || effective_namespace(&id.namespace) == effective_namespace(&sel.namespace))
        && g(&id.gvk.group, &sel.gvk.group)
        && g(&id.gvk.version, &sel.gvk.version)
        && g(&id.gvk.kind, &sel.gvk.kind)
}

fn source_value(
    resources: &[Resource],
    r: &Replacement,
    previous_ids: &dyn Fn(&Resource) -> Vec<ResId>,
) -> Result<Node, Failure> {
    if let Some(v) = &r.source_value {
        if r.source.is_some() {
            return Err((
                "value and resource selectors are mutually exclusive".into(),
                r.span,
            ));
        }
        return Ok(Node::scalar(Scalar::plain(v.clone())));
    }
    let Some(src) = &r.source else {
        return Err((
            "replacements must specify a source and at least one target".into(),
            r.span,
        ));
    };
    let mut found: Option<&Resource> = None;
    for res in resources {
        if all_ids(res, previous_ids)
            .iter()
            .any(|id| id_selected_by(id, &src.id))
        {
            if found.is_some() {
                return Err((format!("multiple matches for selector {src}"), src.span));
            }
            found = Some(res);
        }
    }
    let Some(res) = found else {
        return Err((format!("nothing selected by {src}"), src.span));
    };
    let field_path = if src.field_path.is_empty() {
        DEFAULT_FIELD_PATH
    } else {
        &src.field_path
    };
    let parts = path::smarter_split(field_path);
    let node = path::lookup(res.node(), &parts).map_err(|e| {
        (
            format!("error looking up replacement source: {e}"),
            src.span,
        )
    })?;
    let node = match node {
        Some(n) if !is_nil_or_empty(n) => n,
        _ => {
            return Err((
                format!(
                    "fieldPath `{field_path}` is missing for replacement source {}",
                    src.id
                ),
                src.span,
            ));
        }
    };
    let Some(opts) = src.options.as_ref().filter(|o| !o.delimiter.is_empty()) else {
        return Ok(node.clone());
    };
    let Some(s) = node.as_scalar() else {
        return Err((
            "delimiter option can only be used with scalar nodes".into(),
            src.span,
        ));
    };
    let parts: Vec<&str> = s.text.split(opts.delimiter.as_str()).collect();
    let part = usize::try_from(opts.index)
        .ok()
        .and_then(|i| parts.get(i))
        .ok_or_else(|| {
            (
                format!(
                    "options.index {} is out of bounds for value {}",
                    opts.index, s.text
                ),
                src.span,
            )
        })?;
    let mut out = node.clone();
    if let NodeKind::Scalar(s) = &mut out.kind {
        set_scalar_text(s, (*part).to_owned());
    }
    Ok(out)
}

/// kyaml's `IsNilOrEmpty` on a found node: null, `{}` or `[]`.
fn is_nil_or_empty(n: &Node) -> bool {
    match &n.kind {
        NodeKind::Scalar(s) => resolve::tag(s) == Tag::Null,
        NodeKind::Mapping(m) => m.is_empty(),
        NodeKind::Sequence(s) => s.is_empty(),
    }
}

/// Sets a scalar's text the way kyaml sets `yaml.Node.Value`: the node keeps the tag go-yaml
/// resolved when it was read, so an untagged plain scalar whose new text would type
/// differently gets that tag pinned (`1` → `!!int abc`, `abc` → `!!str 3`).
pub(crate) fn set_scalar_text(s: &mut Scalar, text: String) {
    if s.tag.is_none() && s.style == ScalarStyle::Plain {
        let old = plain_tag(&s.text);
        if old != plain_tag(&text) {
            s.tag = Some(old.to_owned());
        }
    }
    s.text = text;
}

/// A compiled `select` or `reject` entry.
struct CompiledSelector<'a> {
    sel: &'a Selector,
    group: IdPattern,
    version: IdPattern,
    kind: IdPattern,
    name: IdPattern,
    namespace: IdPattern,
}

impl<'a> CompiledSelector<'a> {
    /// Compiles each id field as an [`IdPattern`]: kubectl kustomize v5.5 selects targets by
    /// equality (kyaml/resid/resid.go `IsSelectedBy`), current kustomize by `^(?:pattern)$`
    /// (api/types/replacement.go `TargetSelectorRegex`); a field matches if either does, so
    /// `name: $(profile-name)` selects the resource of that literal name and `name: app-.*`
    /// selects `app-web`. A pattern Go rejects fails as current kustomize fails.
    fn new(sel: &'a Selector) -> Result<CompiledSelector<'a>, Failure> {
        let c = |p: &str| -> Result<IdPattern, Failure> {
            IdPattern::new(p)
                .map_err(|e| (format!("error creating target selector: {}", e.0), sel.span))
        };
        Ok(CompiledSelector {
            sel,
            group: c(&sel.id.gvk.group)?,
            version: c(&sel.id.gvk.version)?,
            kind: c(&sel.id.gvk.kind)?,
            name: c(&sel.id.name)?,
            namespace: c(&sel.id.namespace)?,
        })
    }

    /// Matches the id fields; the namespace is compared as written, so `default` does not
    /// select an object without a namespace (HEAD `SelectorRegex`; v5.6 compared effective
    /// namespaces).
    fn selects(&self, id: &ResId) -> bool {
        self.group.matches(&id.gvk.group)
            && self.version.matches(&id.gvk.version)
            && self.kind.matches(&id.gvk.kind)
            && self.name.matches(&id.name)
            && self.namespace.matches(&id.namespace)
    }

    fn id_is_empty(&self) -> bool {
        self.sel.id == ResId::default()
    }

    fn has_meta_selector(&self) -> bool {
        !self.sel.annotation_selector.is_empty() || !self.sel.label_selector.is_empty()
    }

    /// Matches the annotation and label selectors (kustomize `matchesAnnoAndLabelSelector`).
    fn matches_meta(&self, node: &Node) -> Result<bool, Failure> {
        let parse = |s: &str| LabelSelector::parse(s).map_err(|e| (e, self.sel.span));
        let annos = parse(&self.sel.annotation_selector)?;
        let labels = parse(&self.sel.label_selector)?;
        let getter = |field: &'static str| {
            move |key: &str| -> Option<String> {
                let v = node.get_path(&["metadata", field, key])?;
                if v.is_null() {
                    return Some(String::new());
                }
                v.as_str().map(str::to_owned)
            }
        };
        Ok(annos.matches_with(getter("annotations")) && labels.matches_with(getter("labels")))
    }
}

fn apply_target(
    resources: &mut [Resource],
    value: &Node,
    t: &TargetSelector,
    previous_ids: &dyn Fn(&Resource) -> Vec<ResId>,
    charge: &mut dyn FnMut() -> Result<()>,
) -> Result<(), TargetError> {
    let Some(select) = &t.select else {
        return Err(("target must specify resources to select".to_owned(), t.span).into());
    };
    let default_path = [Spanned {
        value: DEFAULT_FIELD_PATH.to_owned(),
        span: t.span,
    }];
    let field_paths: &[Spanned<String>] = if t.field_paths.is_empty() {
        &default_path
    } else {
        &t.field_paths
    };
    let select = CompiledSelector::new(select)?;
    let rejects = t
        .reject
        .iter()
        .map(CompiledSelector::new)
        .collect::<Result<Vec<_>, _>>()?;
    for res in resources.iter_mut() {
        let ids = all_ids(res, previous_ids);
        if !select.matches_meta(res.node())? {
            continue;
        }
        let mut rejected = false;
        for rej in rejects.iter().filter(|r| r.has_meta_selector()) {
            if rej.matches_meta(res.node())? {
                rejected = true;
                break;
            }
        }
        if rejected {
            continue;
        }
        let rejected_by_id = rejects
            .iter()
            .filter(|r| !r.id_is_empty())
            .any(|r| ids.iter().any(|id| r.selects(id)));
        if rejected_by_id {
            continue;
        }
        if ids.iter().any(|id| select.selects(id)) {
            for fp in field_paths {
                charge().map_err(TargetError::Budget)?;
                copy_to_field(res.node_mut(), value, &fp.value, t.options.as_ref())
                    .map_err(|e| (e, fp.span))?;
            }
            res.refresh_id();
        }
    }
    Ok(())
}

/// The node kind a missing leaf is created with: the value's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Scalar,
    Mapping,
    Sequence,
}

fn kind_of(n: &Node) -> Kind {
    match n.kind {
        NodeKind::Scalar(_) => Kind::Scalar,
        NodeKind::Mapping(_) => Kind::Mapping,
        NodeKind::Sequence(_) => Kind::Sequence,
    }
}

/// kustomize's `copyValueToTarget` for one field path.
fn copy_to_field(
    target: &mut Node,
    value: &Node,
    field_path: &str,
    options: Option<&FieldOptions>,
) -> Result<(), String> {
    let create = options.filter(|o| o.create).map(|_| kind_of(value));
    if structured::set_in_structured_data(target, value, field_path, options, create) {
        return Ok(());
    }
    let parts = path::smarter_split(field_path);
    let retrieval = |detail: Option<String>| {
        let verb = if create.is_some() {
            "unable to find or create field"
        } else {
            "unable to find field"
        };
        match detail {
            Some(d) => format!(
                "{verb} {} in replacement target: {d}",
                go::quote(field_path)
            ),
            None => format!("{verb} {} in replacement target", go::quote(field_path)),
        }
    };
    let mut setter = |node: &mut Node, fresh: bool| set_field_value(options, node, value, fresh);
    let mut m = path::Matcher::new(create, &mut setter);
    match m.filter(target, &parts) {
        Ok(()) => {}
        Err(path::WalkError::Path(e)) => return Err(retrieval(Some(e))),
        Err(path::WalkError::Set(e)) => return Err(e),
    }
    if m.matched == 0 {
        return Err(retrieval(None));
    }
    Ok(())
}

/// kustomize's `setFieldValue`: a scalar target takes only the text (and keeps its type);
/// any other target is replaced by the value.
pub(crate) fn set_field_value(
    options: Option<&FieldOptions>,
    target: &mut Node,
    value: &Node,
    fresh: bool,
) -> Result<(), String> {
    let mut value = value.clone();
    if let Some(o) = options.filter(|o| !o.delimiter.is_empty()) {
        let NodeKind::Scalar(ts) = &target.kind else {
            return Err("delimiter option can only be used with scalar nodes".into());
        };
        let mut parts: Vec<String> = ts
            .text
            .split(o.delimiter.as_str())
            .map(str::to_owned)
            .collect();
        let v = match &value.kind {
            NodeKind::Scalar(s) if !s.is_null() => s.text.clone(),
            _ => String::new(),
        };
        match usize::try_from(o.index) {
            Err(_) => parts.insert(0, v),
            Ok(i) if i >= parts.len() => parts.push(v),
            Ok(i) => {
                if let Some(slot) = parts.get_mut(i) {
                    *slot = v;
                }
            }
        }
        let joined = parts.join(&o.delimiter);
        // kyaml sets `Value` on a collection node too, which then has no effect.
        if let NodeKind::Scalar(s) = &mut value.kind {
            set_scalar_text(s, joined);
        }
    }
    match &mut target.kind {
        NodeKind::Scalar(ts) => {
            // A map or list value has no text: the scalar target gets "".
            let text = match &value.kind {
                NodeKind::Scalar(s) => s.text.clone(),
                _ => String::new(),
            };
            if fresh {
                *ts = Scalar::plain(text);
            } else {
                set_scalar_text(ts, text);
            }
        }
        _ => {
            let span = target.span;
            *target = value;
            target.span = span;
        }
    }
    Ok(())
}

/// Decoding replacement and var configuration the way kustomize does: YAML 1.1 scalars
/// (sigs.k8s.io/yaml uses go-yaml v2) converted to JSON and read by `encoding/json`, whose
/// error messages (`json: cannot unmarshal number into Go struct field … of type string`) are
/// kept. Mapping keys are visited in sorted order because the JSON text has them sorted, so
/// the first error reported is Go's.
pub(crate) mod decode;

/// Returns the tag go-yaml v3's parser gives an untagged plain scalar with this text:
/// [`resolve::plain_tag`], and `!!merge` for `<<`.
fn plain_tag(text: &str) -> &'static str {
    if text == "<<" {
        Tag::Merge.as_str()
    } else {
        resolve::plain_tag(text).as_str()
    }
}

/// kyaml's field paths: splitting (kyaml/utils/pathsplitter.go), reading like `yaml.Lookup`
/// (kyaml/yaml/fns.go `PathGetter`) and walking targets like `yaml.PathMatcher`
/// (kyaml/yaml/match.go, HEAD).
pub(crate) mod path;

/// HEAD's replacement into text fields holding JSON or YAML (kustomize
/// `setValueInStructuredData`, `serializeStructuredData`).
pub(crate) mod structured;

/// Printing nodes as kyaml's `RNode.String()` (go-yaml v3, indent 2, compact sequences) and
/// as Go's `encoding/json` after a v3 decode, for error messages, `[field=value]` matching and
/// structured-data round trips. Comments and flow styles are not kept by the node model, so
/// collections always print in block style.
pub(crate) mod text;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse::{DuplicateKeys, ParseOptions, parse_documents, parse_single};

    /// The resources most cases start from.
    const BASE: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: prod
  labels:
    app: web
  annotations:
    note: hi
spec:
  replicas: 3
  other: 7
  selector:
    matchLabels:
      app: web
  template:
    spec:
      containers:
      - name: app
        image: nginx:1.2
        args: ["--a", "--b=1"]
        env:
        - name: X
          value: x
      - name: side
        image: busybox
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cm
data:
  a.b: dotted
  list: "a,b,c"
  str: "abc"
  plain: abc
  quoted: "5"
  word: hello
  nul: ~
---
apiVersion: v1
kind: Service
metadata:
  name: svc
spec:
  ports:
  - port: 80
    name: http
  - port: 81
    name: x
  - plain
"#;

    /// `BASE` as `kustomize-ref` (v5.6) prints it, one JSON document per line (keys sorted).
    const BASE_JSON: [&str; 3] = [
        r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{"note":"hi"},"labels":{"app":"web"},"name":"web","namespace":"prod"},"spec":{"other":7,"replicas":3,"selector":{"matchLabels":{"app":"web"}},"template":{"spec":{"containers":[{"args":["--a","--b=1"],"env":[{"name":"X","value":"x"}],"image":"nginx:1.2","name":"app"},{"image":"busybox","name":"side"}]}}}}"#,
        r#"{"apiVersion":"v1","data":{"a.b":"dotted","list":"a,b,c","nul":null,"plain":"abc","quoted":"5","str":"abc","word":"hello"},"kind":"ConfigMap","metadata":{"name":"cm"}}"#,
        r#"{"apiVersion":"v1","kind":"Service","metadata":{"name":"svc"},"spec":{"ports":[{"name":"http","port":80},{"name":"x","port":81},"plain"]}}"#,
    ];

    fn load_resources(text: &str) -> Vec<Resource> {
        let file = SourceFile::new("/r/r.yaml", text);
        parse_documents(&file, ParseOptions::default())
            .unwrap()
            .into_iter()
            .filter(|d| !d.is_empty)
            .map(|d| Resource::from_node(d.root, &file).unwrap())
            .collect()
    }

    /// Reads a `replacements:` list as a kustomization holds it.
    fn load_replacements(list: &str) -> Result<Vec<Replacement>> {
        let text = format!("replacements:\n{list}");
        let file = SourceFile::new("/r/kustomization.yaml", text);
        let opts = ParseOptions {
            duplicate_keys: DuplicateKeys::KeepLast,
            ..ParseOptions::default()
        };
        let root = parse_single(&file, opts)?.unwrap();
        let node = root.as_mapping().unwrap().get("replacements").unwrap();
        Ok(parse_replacements(node, &file)?
            .into_iter()
            .map(|e| match e {
                ReplacementEntry::Inline(r) => *r,
                ReplacementEntry::Path(p) => panic!("unexpected path {}", p.value),
            })
            .collect())
    }

    /// Prints each resource as the JSON kustomize's output decodes to (the harness's stand-in
    /// for the emitter: typed values, sorted keys); a node no output can hold fails here as
    /// kustomize's output does.
    fn dump(resources: &[Resource]) -> Result<Vec<String>, String> {
        resources
            .iter()
            .map(|r| text::to_json(r.node(), false))
            .collect()
    }

    enum Want {
        /// Changed documents (index, JSON); the others equal `BASE_JSON`.
        Docs(&'static [(usize, &'static str)]),
        /// The build fails with exactly this message.
        Err(&'static str),
        /// The build fails with a message ending so.
        ErrSuffix(&'static str),
        /// kustomize fails when printing: `yaml: <this>`.
        OutputErr(&'static str),
    }

    struct Case {
        name: &'static str,
        repl: &'static str,
        want: Want,
    }

    fn check(res_text: &str, base_json: &[&str], case: &Case) {
        let mut resources = load_resources(res_text);
        let result = load_replacements(case.repl).and_then(|r| apply(&mut resources, &r));
        let name = case.name;
        match (&case.want, result) {
            // kubectl ends the message with one line break either way, so a message ending
            // in node contents (which end in `\n`) prints the same as without it.
            (Want::Err(want), Err(e)) => assert_eq!(e.message().trim_end(), *want, "{name}"),
            (Want::ErrSuffix(want), Err(e)) => {
                assert!(e.message().ends_with(want), "{name}: {}", e.message())
            }
            (Want::Docs(changed), Ok(())) => {
                let got = dump(&resources).unwrap_or_else(|e| panic!("{name}: {e}"));
                let mut want: Vec<String> = base_json.iter().map(|s| (*s).to_owned()).collect();
                for (i, doc) in *changed {
                    want[*i] = (*doc).to_owned();
                }
                assert_eq!(got, want, "{name}");
            }
            (Want::OutputErr(want), Ok(())) => {
                let e = dump(&resources).expect_err(name);
                assert_eq!(e, *want, "{name}");
            }
            (_, Err(e)) => panic!("{name}: unexpected error {e}"),
            (_, Ok(())) => panic!("{name}: expected an error"),
        }
    }

    /// Every expectation below is `kustomize-ref` (v5.6.0) output on BASE with the
    /// replacements as a kustomization's `replacements:` (and `sortOptions: fifo`); v5.5.0
    /// agrees on each case.
    #[test]
    fn oracle_cases() {
        let cases = [
            Case {
                name: "name_default",
                repl: r#"- source: {kind: Service}
  targets:
  - select: {kind: ConfigMap}
    fieldPaths: [data.svc]
    options: {create: true}
"#,
                want: Want::Docs(&[(
                    1,
                    r#"{"apiVersion":"v1","data":{"a.b":"dotted","list":"a,b,c","nul":null,"plain":"abc","quoted":"5","str":"abc","svc":"svc","word":"hello"},"kind":"ConfigMap","metadata":{"name":"cm"}}"#,
                )]),
            },
            Case {
                name: "int_into_strings",
                repl: r#"- source: {kind: Deployment, fieldPath: spec.replicas}
  targets:
  - select: {kind: ConfigMap}
    fieldPaths: [data.str, data.plain, data.new]
    options: {create: true}
"#,
                want: Want::Docs(&[(
                    1,
                    r#"{"apiVersion":"v1","data":{"a.b":"dotted","list":"a,b,c","new":3,"nul":null,"plain":"3","quoted":"5","str":"3","word":"hello"},"kind":"ConfigMap","metadata":{"name":"cm"}}"#,
                )]),
            },
            Case {
                name: "string_into_int",
                repl: r#"- source: {kind: ConfigMap, fieldPath: data.quoted}
  targets:
  - select: {kind: Deployment}
    fieldPaths: [spec.replicas, spec.newfield, spec.template.metadata.labels.x]
    options: {create: true}
"#,
                want: Want::Docs(&[(
                    0,
                    r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{"note":"hi"},"labels":{"app":"web"},"name":"web","namespace":"prod"},"spec":{"newfield":5,"other":7,"replicas":5,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"x":5}},"spec":{"containers":[{"args":["--a","--b=1"],"env":[{"name":"X","value":"x"}],"image":"nginx:1.2","name":"app"},{"image":"busybox","name":"side"}]}}}}"#,
                )]),
            },
            Case {
                name: "word_into_int",
                repl: r#"- source: {kind: ConfigMap, fieldPath: data.word}
  targets:
  - select: {kind: Deployment}
    fieldPaths: [spec.other]
"#,
                want: Want::OutputErr(r#"cannot decode !!str `hello` as a !!int"#),
            },
            Case {
                name: "word_into_null",
                repl: r#"- source: {kind: ConfigMap, fieldPath: data.word}
  targets:
  - select: {kind: ConfigMap}
    fieldPaths: [data.nul]
"#,
                want: Want::OutputErr(r#"cannot decode !!str `hello` as a !!null"#),
            },
            Case {
                name: "map_into_maps",
                repl: r#"- source: {kind: Deployment, fieldPath: spec.selector}
  targets:
  - select: {kind: Service}
    fieldPaths: [metadata.labels, spec.ports.0, spec.ports.3, spec.x.y]
    options: {create: true}
"#,
                want: Want::Docs(&[(
                    2,
                    r#"{"apiVersion":"v1","kind":"Service","metadata":{"labels":{"matchLabels":{"app":"web"}},"name":"svc"},"spec":{"ports":[{"matchLabels":{"app":"web"}},{"name":"x","port":81},"plain",{"matchLabels":{"app":"web"}}],"x":{"y":{"matchLabels":{"app":"web"}}}}}"#,
                )]),
            },
            Case {
                name: "map_into_scalar",
                repl: r#"- source: {kind: Deployment, fieldPath: spec.selector}
  targets:
  - select: {kind: Service}
    fieldPaths: [spec.ports.0.port]
"#,
                want: Want::OutputErr(r#"cannot decode !!null `` as a !!int"#),
            },
            Case {
                name: "source_field_missing",
                repl: r#"- source: {kind: Deployment, fieldPath: spec.nope}
  targets:
  - select: {kind: Service}
"#,
                want: Want::Err(
                    r#"fieldPath `spec.nope` is missing for replacement source Deployment.[noVer].[noGrp]/[noName].[noNs]"#,
                ),
            },
            Case {
                name: "source_field_null",
                repl: r#"- source: {kind: ConfigMap, fieldPath: data.nul}
  targets:
  - select: {kind: Service}
"#,
                want: Want::Err(
                    r#"fieldPath `data.nul` is missing for replacement source ConfigMap.[noVer].[noGrp]/[noName].[noNs]"#,
                ),
            },
            Case {
                name: "source_field_empty_map",
                repl: r#"- source: {kind: ConfigMap, fieldPath: metadata.labels}
  targets:
  - select: {kind: Service}
"#,
                want: Want::Err(
                    r#"fieldPath `metadata.labels` is missing for replacement source ConfigMap.[noVer].[noGrp]/[noName].[noNs]"#,
                ),
            },
            Case {
                name: "nothing_selected",
                repl: r#"- source:
    kind: Nope
    fieldPath: data.x
    options: {delimiter: ",", index: 2}
  targets:
  - select: {kind: Service}
"#,
                want: Want::Err(
                    r#"nothing selected by Nope.[noVer].[noGrp]/[noName].[noNs]:data.x:,(2), create=false"#,
                ),
            },
            Case {
                name: "nothing_selected_create",
                repl: r#"- source:
    kind: Nope
    options: {create: true}
  targets:
  - select: {kind: Service}
"#,
                want: Want::Err(
                    r#"nothing selected by Nope.[noVer].[noGrp]/[noName].[noNs]:(0), create=true"#,
                ),
            },
            Case {
                name: "multiple_matches",
                repl: r#"- source: {version: v1}
  targets:
  - select: {kind: Service}
"#,
                want: Want::Err(
                    r#"multiple matches for selector [noKind].v1.[noGrp]/[noName].[noNs]"#,
                ),
            },
            Case {
                name: "source_namespace_default",
                repl: r#"- source: {kind: ConfigMap, namespace: default, fieldPath: data.word}
  targets:
  - select: {kind: Service}
    fieldPaths: [metadata.annotations.w]
    options: {create: true}
"#,
                want: Want::Docs(&[(
                    2,
                    r#"{"apiVersion":"v1","kind":"Service","metadata":{"annotations":{"w":"hello"},"name":"svc"},"spec":{"ports":[{"name":"http","port":80},{"name":"x","port":81},"plain"]}}"#,
                )]),
            },
            Case {
                name: "source_previous_name_kind",
                repl: r#"- source: {group: apps, version: v1, kind: Deployment, name: web, namespace: prod}
  targets:
  - select: {kind: Service}
    fieldPaths: [metadata.annotations.w]
    options: {create: true}
"#,
                want: Want::Docs(&[(
                    2,
                    r#"{"apiVersion":"v1","kind":"Service","metadata":{"annotations":{"w":"web"},"name":"svc"},"spec":{"ports":[{"name":"http","port":80},{"name":"x","port":81},"plain"]}}"#,
                )]),
            },
            Case {
                name: "target_field_missing",
                repl: r#"- source: {kind: Service}
  targets:
  - select: {kind: Deployment}
    fieldPaths: [spec.nope.x]
"#,
                want: Want::Err(r#"unable to find field "spec.nope.x" in replacement target"#),
            },
            Case {
                name: "target_create_nested",
                repl: r#"- source: {kind: Service}
  targets:
  - select: {kind: Deployment}
    fieldPaths: [spec.nope.x, metadata.annotations.y]
    options: {create: true}
"#,
                want: Want::Docs(&[(
                    0,
                    r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{"note":"hi","y":"svc"},"labels":{"app":"web"},"name":"web","namespace":"prod"},"spec":{"nope":{"x":"svc"},"other":7,"replicas":3,"selector":{"matchLabels":{"app":"web"}},"template":{"spec":{"containers":[{"args":["--a","--b=1"],"env":[{"name":"X","value":"x"}],"image":"nginx:1.2","name":"app"},{"image":"busybox","name":"side"}]}}}}"#,
                )]),
            },
            Case {
                name: "source_delimiter",
                repl: r#"- source:
    kind: ConfigMap
    fieldPath: data.list
    options: {delimiter: ",", index: 1}
  targets:
  - select: {kind: Service}
    fieldPaths: [metadata.annotations.x]
    options: {create: true}
"#,
                want: Want::Docs(&[(
                    2,
                    r#"{"apiVersion":"v1","kind":"Service","metadata":{"annotations":{"x":"b"},"name":"svc"},"spec":{"ports":[{"name":"http","port":80},{"name":"x","port":81},"plain"]}}"#,
                )]),
            },
            Case {
                name: "source_delimiter_out_of_bounds",
                repl: r#"- source:
    kind: ConfigMap
    fieldPath: data.list
    options: {delimiter: ",", index: 3}
  targets:
  - select: {kind: Service}
"#,
                want: Want::Err(r#"options.index 3 is out of bounds for value a,b,c"#),
            },
            Case {
                name: "source_delimiter_negative",
                repl: r#"- source:
    kind: ConfigMap
    fieldPath: data.list
    options: {delimiter: ",", index: -1}
  targets:
  - select: {kind: Service}
"#,
                want: Want::Err(r#"options.index -1 is out of bounds for value a,b,c"#),
            },
            Case {
                name: "source_delimiter_on_map",
                repl: r#"- source:
    kind: ConfigMap
    fieldPath: data
    options: {delimiter: ","}
  targets:
  - select: {kind: Service}
"#,
                want: Want::Err(r#"delimiter option can only be used with scalar nodes"#),
            },
            Case {
                name: "source_delimiter_keeps_string",
                repl: r#"- source:
    kind: Deployment
    fieldPath: spec.template.spec.containers.0.image
    options: {delimiter: ":", index: 1}
  targets:
  - select: {kind: Service}
    fieldPaths: [metadata.labels]
    options: {create: true}
  - select: {kind: ConfigMap}
    fieldPaths: [data]
"#,
                want: Want::Docs(&[
                    (
                        1,
                        r#"{"apiVersion":"v1","data":"1.2","kind":"ConfigMap","metadata":{"name":"cm"}}"#,
                    ),
                    (
                        2,
                        r#"{"apiVersion":"v1","kind":"Service","metadata":{"labels":1.2,"name":"svc"},"spec":{"ports":[{"name":"http","port":80},{"name":"x","port":81},"plain"]}}"#,
                    ),
                ]),
            },
            Case {
                name: "target_delimiter",
                repl: r#"- source: {kind: ConfigMap}
  targets:
  - select: {kind: Deployment}
    fieldPaths: [spec.template.spec.containers.0.image]
    options: {delimiter: ":", index: 1}
  - select: {kind: Deployment}
    fieldPaths: [spec.template.spec.containers.1.image]
    options: {delimiter: ":", index: -1}
  - select: {kind: ConfigMap}
    fieldPaths: [data.list]
    options: {delimiter: ",", index: 7}
"#,
                want: Want::Docs(&[
                    (
                        0,
                        r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{"note":"hi"},"labels":{"app":"web"},"name":"web","namespace":"prod"},"spec":{"other":7,"replicas":3,"selector":{"matchLabels":{"app":"web"}},"template":{"spec":{"containers":[{"args":["--a","--b=1"],"env":[{"name":"X","value":"x"}],"image":"nginx:cm","name":"app"},{"image":"cm:busybox","name":"side"}]}}}}"#,
                    ),
                    (
                        1,
                        r#"{"apiVersion":"v1","data":{"a.b":"dotted","list":"a,b,c,cm","nul":null,"plain":"abc","quoted":"5","str":"abc","word":"hello"},"kind":"ConfigMap","metadata":{"name":"cm"}}"#,
                    ),
                ]),
            },
            Case {
                name: "target_delimiter_on_map",
                repl: r#"- source: {kind: ConfigMap}
  targets:
  - select: {kind: Deployment}
    fieldPaths: [spec.selector]
    options: {delimiter: ":"}
"#,
                want: Want::Err(r#"delimiter option can only be used with scalar nodes"#),
            },
            Case {
                name: "no_source",
                repl: r#"- targets:
  - select: {kind: Deployment}
"#,
                want: Want::Err(r#"replacements must specify a source and at least one target"#),
            },
            Case {
                name: "no_targets",
                repl: r#"- source: {kind: ConfigMap}
  targets: []
"#,
                want: Want::Err(r#"replacements must specify a source and at least one target"#),
            },
            Case {
                name: "target_without_select",
                repl: r#"- source: {kind: ConfigMap}
  targets:
  - fieldPaths: [a]
"#,
                want: Want::Err(r#"target must specify resources to select"#),
            },
            Case {
                name: "wildcard",
                repl: r#"- source: {kind: ConfigMap}
  targets:
  - select: {kind: Deployment}
    fieldPaths: [spec.template.spec.containers.*.image, spec.template.spec.containers.*.imagePullPolicy]
    options: {create: true}
"#,
                want: Want::Docs(&[(
                    0,
                    r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{"note":"hi"},"labels":{"app":"web"},"name":"web","namespace":"prod"},"spec":{"other":7,"replicas":3,"selector":{"matchLabels":{"app":"web"}},"template":{"spec":{"containers":[{"args":["--a","--b=1"],"env":[{"name":"X","value":"x"}],"image":"cm","imagePullPolicy":"cm","name":"app"},{"image":"cm","imagePullPolicy":"cm","name":"side"}]}}}}"#,
                )]),
            },
            Case {
                name: "wildcard_over_scalar",
                repl: r#"- source: {kind: ConfigMap}
  targets:
  - select: {kind: Service}
    fieldPaths: [spec.ports.*.name]
"#,
                want: Want::Err(
                    r#"unable to find field "spec.ports.*.name" in replacement target: wrong node kind: expected MappingNode but got ScalarNode: node contents:
plain"#,
                ),
            },
            Case {
                name: "list_selectors",
                repl: r#"- source: {kind: ConfigMap}
  targets:
  - select: {kind: Deployment}
    fieldPaths:
    - spec.template.spec.containers.[name=ap].env.[name=X].value
    - spec.template.spec.containers.[name=app].args.[=--a]
    - spec.template.spec.containers.[name=side].env.[name=NEW].value
    options: {create: true}
"#,
                want: Want::Docs(&[(
                    0,
                    r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{"note":"hi"},"labels":{"app":"web"},"name":"web","namespace":"prod"},"spec":{"other":7,"replicas":3,"selector":{"matchLabels":{"app":"web"}},"template":{"spec":{"containers":[{"args":["cm","--b=1"],"env":[{"name":"X","value":"cm"}],"image":"nginx:1.2","name":"app"},{"env":[{"name":"NEW","value":"cm"}],"image":"busybox","name":"side"}]}}}}"#,
                )]),
            },
            Case {
                name: "list_selector_quoted_anchor",
                repl: r#"- source: {kind: ConfigMap}
  targets:
  - select: {kind: Deployment}
    fieldPaths: ["spec.template.spec.containers.[name=app].args.[=^--a$]"]
"#,
                want: Want::Err(
                    r#"unable to find field "spec.template.spec.containers.[name=app].args.[=^--a$]" in replacement target"#,
                ),
            },
            Case {
                name: "list_selector_no_match",
                repl: r#"- source: {kind: ConfigMap}
  targets:
  - select: {kind: Deployment}
    fieldPaths: ["spec.template.spec.containers.[name=nope].image"]
"#,
                want: Want::Err(
                    r#"unable to find field "spec.template.spec.containers.[name=nope].image" in replacement target"#,
                ),
            },
            Case {
                name: "list_selector_without_equals",
                repl: r#"- source: {kind: ConfigMap}
  targets:
  - select: {kind: Deployment}
    fieldPaths: ["spec.template.spec.containers.[app].image"]
"#,
                want: Want::Err(
                    r#"unable to find field "spec.template.spec.containers.[app].image" in replacement target: list path element must contain fieldName=fieldValue for element to match"#,
                ),
            },
            Case {
                name: "index_paths",
                repl: r#"- source: {kind: ConfigMap}
  targets:
  - select: {kind: Deployment}
    fieldPaths: [spec.template.spec.containers.1.name, spec.template.spec.containers.0.args.2]
    options: {create: true}
"#,
                want: Want::Docs(&[(
                    0,
                    r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{"note":"hi"},"labels":{"app":"web"},"name":"web","namespace":"prod"},"spec":{"other":7,"replicas":3,"selector":{"matchLabels":{"app":"web"}},"template":{"spec":{"containers":[{"args":["--a","--b=1","cm"],"env":[{"name":"X","value":"x"}],"image":"nginx:1.2","name":"app"},{"image":"busybox","name":"cm"}]}}}}"#,
                )]),
            },
            Case {
                name: "index_out_of_range",
                repl: r#"- source: {kind: ConfigMap}
  targets:
  - select: {kind: Deployment}
    fieldPaths: [spec.template.spec.containers.0.args.5]
    options: {create: true}
"#,
                want: Want::Err(
                    r#"unable to find or create field "spec.template.spec.containers.0.args.5" in replacement target: index 5 specified but only 2 elements found"#,
                ),
            },
            Case {
                name: "dotted_keys",
                repl: r#"- source: {kind: ConfigMap, fieldPath: "data.[a.b]"}
  targets:
  - select: {kind: Deployment}
    fieldPaths: ["metadata.annotations.[x.y/z]", 'metadata.annotations.a\.b']
    options: {create: true}
- source: {kind: ConfigMap, fieldPath: 'data.a\.b'}
  targets:
  - select: {kind: Service}
    fieldPaths: ["spec.ports.[name=ht.p].protocol"]
    options: {create: true}
"#,
                want: Want::Docs(&[
                    (
                        0,
                        r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{"a.b":"dotted","note":"hi","x.y/z":"dotted"},"labels":{"app":"web"},"name":"web","namespace":"prod"},"spec":{"other":7,"replicas":3,"selector":{"matchLabels":{"app":"web"}},"template":{"spec":{"containers":[{"args":["--a","--b=1"],"env":[{"name":"X","value":"x"}],"image":"nginx:1.2","name":"app"},{"image":"busybox","name":"side"}]}}}}"#,
                    ),
                    (
                        2,
                        r#"{"apiVersion":"v1","kind":"Service","metadata":{"name":"svc"},"spec":{"ports":[{"name":"http","port":80,"protocol":"dotted"},{"name":"x","port":81},"plain"]}}"#,
                    ),
                ]),
            },
            Case {
                name: "source_list_paths",
                repl: r#"- source: {kind: Deployment, fieldPath: "spec.template.spec.containers.[name=side].image"}
  targets:
  - select: {kind: ConfigMap}
    fieldPaths: [data.a]
    options: {create: true}
- source: {kind: Deployment, fieldPath: "spec.template.spec.containers.-.name"}
  targets:
  - select: {kind: ConfigMap}
    fieldPaths: [data.b]
    options: {create: true}
- source: {kind: Deployment, fieldPath: "spec.template.spec.containers.0.args.[=--b=1]"}
  targets:
  - select: {kind: ConfigMap}
    fieldPaths: [data.c]
    options: {create: true}
"#,
                want: Want::Docs(&[(
                    1,
                    r#"{"apiVersion":"v1","data":{"a":"busybox","a.b":"dotted","b":"side","c":"--b=1","list":"a,b,c","nul":null,"plain":"abc","quoted":"5","str":"abc","word":"hello"},"kind":"ConfigMap","metadata":{"name":"cm"}}"#,
                )]),
            },
            Case {
                name: "source_list_selector_is_exact",
                repl: r#"- source: {kind: Deployment, fieldPath: "spec.template.spec.containers.[name=sid].image"}
  targets:
  - select: {kind: ConfigMap}
"#,
                want: Want::Err(
                    r#"fieldPath `spec.template.spec.containers.[name=sid].image` is missing for replacement source Deployment.[noVer].[noGrp]/[noName].[noNs]"#,
                ),
            },
            Case {
                name: "source_wildcard",
                repl: r#"- source: {kind: Deployment, fieldPath: "spec.template.spec.containers.*.image"}
  targets:
  - select: {kind: ConfigMap}
"#,
                want: Want::Err(
                    r#"error looking up replacement source: wildcard is not supported in PathGetter"#,
                ),
            },
            Case {
                name: "select_by_labels",
                repl: r#"- source: {kind: ConfigMap}
  targets:
  - select: {labelSelector: app=web}
    fieldPaths: [metadata.annotations.l]
    options: {create: true}
  - select: {annotationSelector: note}
    reject: [{labelSelector: "app in (web)"}]
    fieldPaths: [metadata.annotations.l2]
    options: {create: true}
  - select: {}
    reject: [{kind: Deployment}, {name: svc}]
    fieldPaths: [metadata.annotations.z]
    options: {create: true}
"#,
                want: Want::Docs(&[
                    (
                        0,
                        r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{"l":"cm","note":"hi"},"labels":{"app":"web"},"name":"web","namespace":"prod"},"spec":{"other":7,"replicas":3,"selector":{"matchLabels":{"app":"web"}},"template":{"spec":{"containers":[{"args":["--a","--b=1"],"env":[{"name":"X","value":"x"}],"image":"nginx:1.2","name":"app"},{"image":"busybox","name":"side"}]}}}}"#,
                    ),
                    (
                        1,
                        r#"{"apiVersion":"v1","data":{"a.b":"dotted","list":"a,b,c","nul":null,"plain":"abc","quoted":"5","str":"abc","word":"hello"},"kind":"ConfigMap","metadata":{"annotations":{"z":"cm"},"name":"cm"}}"#,
                    ),
                ]),
            },
            Case {
                name: "bad_label_selector",
                repl: r#"- source: {kind: ConfigMap}
  targets:
  - select: {labelSelector: "app in web"}
"#,
                want: Want::Err(r#"unable to parse requirement: found 'web' expected: '('"#),
            },
            Case {
                name: "rename_then_select",
                repl: r#"- source: {kind: Deployment, fieldPath: spec.template.spec.containers.1.name}
  targets:
  - select: {kind: ConfigMap}
    fieldPaths: [metadata.name]
- source: {name: side}
  targets:
  - select: {kind: Service}
    fieldPaths: [metadata.annotations.renamed]
    options: {create: true}
"#,
                want: Want::Docs(&[
                    (
                        1,
                        r#"{"apiVersion":"v1","data":{"a.b":"dotted","list":"a,b,c","nul":null,"plain":"abc","quoted":"5","str":"abc","word":"hello"},"kind":"ConfigMap","metadata":{"name":"side"}}"#,
                    ),
                    (
                        2,
                        r#"{"apiVersion":"v1","kind":"Service","metadata":{"annotations":{"renamed":"side"},"name":"svc"},"spec":{"ports":[{"name":"http","port":80},{"name":"x","port":81},"plain"]}}"#,
                    ),
                ]),
            },
            Case {
                name: "scalar_mid_path",
                repl: r#"- source: {kind: ConfigMap}
  targets:
  - select: {kind: Service}
    fieldPaths: [metadata.name.x]
"#,
                want: Want::Err(
                    r#"unable to find field "metadata.name.x" in replacement target: wrong node kind: expected MappingNode but got ScalarNode: node contents:
svc"#,
                ),
            },
            Case {
                name: "create_under_null_is_lost",
                repl: r#"- source: {kind: Service}
  targets:
  - select: {kind: ConfigMap}
    fieldPaths: [data.nul.x]
    options: {create: true}
  - select: {kind: ConfigMap}
    fieldPaths: [data.nul.0]
    options: {create: true}
  - select: {kind: ConfigMap}
    fieldPaths: ["data.nul.[name=a].b"]
    options: {create: true}
  - select: {kind: ConfigMap}
    fieldPaths: [data.nul.x.y]
    options: {create: true}
"#,
                // Each target alone was checked: no change, no error. (With several paths in
                // one target kustomize keeps the lost children on the null node and a later
                // `*` trips over them; Strata does not model that.)
                want: Want::Docs(&[]),
            },
            Case {
                name: "index_on_null_without_create",
                repl: r#"- source: {kind: Service}
  targets:
  - select: {kind: ConfigMap}
    fieldPaths: [data.nul.0]
"#,
                want: Want::Err(
                    r#"unable to find field "data.nul.0" in replacement target: index 0 specified but only 0 elements found"#,
                ),
            },
            Case {
                name: "field_on_list",
                repl: r#"- source: {kind: Service}
  targets:
  - select: {kind: Service}
    fieldPaths: [spec.ports.name]
"#,
                want: Want::Err(
                    r#"unable to find field "spec.ports.name" in replacement target: wrong node kind: expected MappingNode but got SequenceNode: node contents:
- port: 80
  name: http
- port: 81
  name: x
- plain"#,
                ),
            },
            Case {
                name: "index_on_map",
                repl: r#"- source: {kind: Service}
  targets:
  - select: {kind: Service}
    fieldPaths: [spec.0]
"#,
                want: Want::Err(
                    r#"unable to find field "spec.0" in replacement target: wrong node kind: expected SequenceNode but got MappingNode: node contents:
ports:
- port: 80
  name: http
- port: 81
  name: x
- plain"#,
                ),
            },
            Case {
                name: "wildcard_on_null",
                repl: r#"- source: {kind: Service}
  targets:
  - select: {kind: ConfigMap}
    fieldPaths: [data.nul.*.c]
"#,
                want: Want::Err(r#"unable to find field "data.nul.*.c" in replacement target"#),
            },
            Case {
                name: "reject_by_id_keeps_others",
                repl: r#"- source: {kind: ConfigMap, fieldPath: data.word}
  targets:
  - select: {version: v1}
    reject: [{kind: Service}]
    fieldPaths: [metadata.labels.w]
    options: {create: true}
"#,
                want: Want::Docs(&[
                    (
                        0,
                        r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{"note":"hi"},"labels":{"app":"web","w":"hello"},"name":"web","namespace":"prod"},"spec":{"other":7,"replicas":3,"selector":{"matchLabels":{"app":"web"}},"template":{"spec":{"containers":[{"args":["--a","--b=1"],"env":[{"name":"X","value":"x"}],"image":"nginx:1.2","name":"app"},{"image":"busybox","name":"side"}]}}}}"#,
                    ),
                    (
                        1,
                        r#"{"apiVersion":"v1","data":{"a.b":"dotted","list":"a,b,c","nul":null,"plain":"abc","quoted":"5","str":"abc","word":"hello"},"kind":"ConfigMap","metadata":{"labels":{"w":"hello"},"name":"cm"}}"#,
                    ),
                ]),
            },
            Case {
                name: "anchored_list_selectors",
                repl: r#"- source: {kind: ConfigMap}
  targets:
  - select: {kind: Deployment}
    fieldPaths: ["spec.template.spec.containers.[name=^app$].image"]
  - select: {kind: Service}
    fieldPaths: ["spec.ports.[port=^80$].name", "spec.ports.[=^plain$]"]
"#,
                // A plain value matches an anchored pattern (a quoted one does not:
                // list_selector_quoted_anchor).
                want: Want::Docs(&[
                    (
                        0,
                        r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{"note":"hi"},"labels":{"app":"web"},"name":"web","namespace":"prod"},"spec":{"other":7,"replicas":3,"selector":{"matchLabels":{"app":"web"}},"template":{"spec":{"containers":[{"args":["--a","--b=1"],"env":[{"name":"X","value":"x"}],"image":"cm","name":"app"},{"image":"busybox","name":"side"}]}}}}"#,
                    ),
                    (
                        2,
                        r#"{"apiVersion":"v1","kind":"Service","metadata":{"name":"svc"},"spec":{"ports":[{"name":"cm","port":80},{"name":"x","port":81},"cm"]}}"#,
                    ),
                ]),
            },
        ];
        for case in &cases {
            check(BASE, &BASE_JSON, case);
        }
    }

    /// Issue 14 item 5: a target `select: {name: $(profile-name)}` selects the resource of
    /// that literal name, as kubectl kustomize v5.5 compares names for equality
    /// (`IsSelectedBy`); as a regex it could match nothing (oracle:
    /// testdata/build/replacements-target-literal-name).
    #[test]
    fn replacement_target_selects_literal_name() {
        let mut resources = load_resources(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  p: alice\n---\napiVersion: v1\nkind: Profile\nmetadata:\n  name: $(profile-name)\n---\napiVersion: v1\nkind: Profile\nmetadata:\n  name: other\n",
        );
        let repl = load_replacements(
            "- source: {kind: ConfigMap, name: settings, fieldPath: data.p}\n  targets:\n  - select: {kind: Profile, name: $(profile-name)}\n",
        )
        .unwrap();
        apply(&mut resources, &repl).unwrap();
        let names: Vec<&str> = resources.iter().map(|r| r.id().name.as_str()).collect();
        assert_eq!(names, ["settings", "alice", "other"]);
    }

    const CONFIG_RES: &str =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  list: a,b,c\n";
    const CONFIG_JSON: [&str; 1] = [
        r#"{"apiVersion":"v1","data":{"list":"a,b,c"},"kind":"ConfigMap","metadata":{"name":"cm"}}"#,
    ];

    /// Decoding errors in a kustomization's `replacements:`, from `kustomize-ref` (v5.6.0).
    #[test]
    fn oracle_config_cases() {
        let cases = [
            Case {
                name: "cfg_unknown_field",
                repl: r#"- source: {kind: ConfigMap, foo: bar}
  targets:
  - select: {kind: ConfigMap}
"#,
                want: Want::Err(r#"invalid Kustomization: json: unknown field "foo""#),
            },
            Case {
                name: "cfg_number_name",
                repl: r#"- source: {kind: ConfigMap, name: 5}
  targets:
  - select: {kind: ConfigMap}
"#,
                want: Want::Err(
                    r#"invalid Kustomization: json: cannot unmarshal number into Go struct field SourceSelector.replacements.Replacement.source.ResId.name of type string"#,
                ),
            },
            Case {
                name: "cfg_bool_kind",
                repl: r#"- source: {kind: yes}
  targets:
  - select: {kind: ConfigMap}
"#,
                want: Want::Err(
                    r#"invalid Kustomization: json: cannot unmarshal bool into Go struct field SourceSelector.replacements.Replacement.source.ResId.Gvk.kind of type string"#,
                ),
            },
            Case {
                name: "cfg_index_string",
                repl: r#"- source: {kind: ConfigMap, options: {index: x}}
  targets:
  - select: {kind: ConfigMap}
"#,
                want: Want::Err(
                    r#"invalid Kustomization: json: cannot unmarshal string into Go struct field FieldOptions.replacements.Replacement.source.options.index of type int"#,
                ),
            },
            Case {
                name: "cfg_index_float",
                repl: r#"- source: {kind: ConfigMap, options: {index: 1.5}}
  targets:
  - select: {kind: ConfigMap}
"#,
                want: Want::Err(
                    r#"invalid Kustomization: json: cannot unmarshal number 1.5 into Go struct field FieldOptions.replacements.Replacement.source.options.index of type int"#,
                ),
            },
            Case {
                name: "cfg_create_number",
                repl: r#"- source: {kind: ConfigMap}
  targets:
  - select: {kind: ConfigMap}
    options: {create: 1}
"#,
                want: Want::Err(
                    r#"invalid Kustomization: json: cannot unmarshal number into Go struct field FieldOptions.replacements.Replacement.targets.options.create of type bool"#,
                ),
            },
            Case {
                name: "cfg_field_paths_string",
                repl: r#"- source: {kind: ConfigMap}
  targets:
  - select: {kind: ConfigMap}
    fieldPaths: data.x
"#,
                want: Want::Err(
                    r#"invalid Kustomization: json: cannot unmarshal string into Go struct field TargetSelector.replacements.Replacement.targets.fieldPaths of type []string"#,
                ),
            },
            Case {
                name: "cfg_sorted_first_error",
                repl: r#"- source: {kind: ConfigMap}
  targets:
  - select: {kind: ConfigMap, name: 1}
    fieldPaths: data.x
"#,
                want: Want::Err(
                    r#"invalid Kustomization: json: cannot unmarshal string into Go struct field TargetSelector.replacements.Replacement.targets.fieldPaths of type []string"#,
                ),
            },
            Case {
                name: "cfg_select_list",
                repl: r#"- source: {kind: ConfigMap}
  targets:
  - select: [a]
"#,
                want: Want::Err(
                    r#"invalid Kustomization: json: cannot unmarshal array into Go struct field TargetSelector.replacements.Replacement.targets.select of type types.Selector"#,
                ),
            },
            Case {
                name: "cfg_reject_map",
                repl: r#"- source: {kind: ConfigMap}
  targets:
  - select: {kind: ConfigMap}
    reject: {kind: x}
"#,
                want: Want::Err(
                    r#"invalid Kustomization: json: cannot unmarshal object into Go struct field TargetSelector.replacements.Replacement.targets.reject of type []*types.Selector"#,
                ),
            },
            Case {
                name: "cfg_targets_scalar",
                repl: r#"- source: {kind: ConfigMap}
  targets: 5
"#,
                want: Want::Err(
                    r#"invalid Kustomization: json: cannot unmarshal number into Go struct field ReplacementField.replacements.Replacement.targets of type []*types.TargetSelector"#,
                ),
            },
            Case {
                name: "cfg_target_scalar",
                repl: r#"- source: {kind: ConfigMap}
  targets: [5]
"#,
                want: Want::Err(
                    r#"invalid Kustomization: json: cannot unmarshal number into Go struct field ReplacementField.replacements.Replacement.targets of type types.TargetSelector"#,
                ),
            },
            Case {
                name: "cfg_entry_scalar",
                repl: r#"- 5
"#,
                want: Want::Err(
                    r#"invalid Kustomization: json: cannot unmarshal number into Go struct field Kustomization.replacements of type types.ReplacementField"#,
                ),
            },
            Case {
                name: "cfg_path_number",
                repl: r#"- path: 5
"#,
                want: Want::Err(
                    r#"invalid Kustomization: json: cannot unmarshal number into Go struct field ReplacementField.replacements.path of type string"#,
                ),
            },
            Case {
                name: "cfg_source_list",
                repl: r#"- source: [a]
  targets:
  - select: {kind: ConfigMap}
"#,
                want: Want::Err(
                    r#"invalid Kustomization: json: cannot unmarshal array into Go struct field ReplacementField.replacements.Replacement.source of type types.SourceSelector"#,
                ),
            },
            Case {
                name: "cfg_yaml11",
                repl: r#"- source: {kind: ConfigMap, fieldPath: data.list, options: {delimiter: ",", index: 01}}
  targets:
  - select: {Kind: ConfigMap}
    FieldPaths: [data.x]
    Options: {create: yes}
"#,
                want: Want::Docs(&[(
                    0,
                    r#"{"apiVersion":"v1","data":{"list":"a,b,c","x":"b"},"kind":"ConfigMap","metadata":{"name":"cm"}}"#,
                )]),
            },
            Case {
                name: "cfg_path_and_inline",
                repl: r#"- path: r.yaml
  targets:
  - select: {kind: ConfigMap}
"#,
                want: Want::ErrSuffix("cannot specify both path and inline replacement"),
            },
            Case {
                name: "cfg_big_index",
                repl: r#"- source: {kind: ConfigMap, options: {index: 99999999999999999999}}
  targets:
  - select: {kind: ConfigMap}
"#,
                want: Want::Err(
                    r#"invalid Kustomization: json: cannot unmarshal number 100000000000000000000 into Go struct field FieldOptions.replacements.Replacement.source.options.index of type int"#,
                ),
            },
        ];
        for case in &cases {
            check(CONFIG_RES, &CONFIG_JSON, case);
        }
    }

    /// Runs `repl` on `res` and returns the first field at `path` of resource `index`.
    fn run_get(res: &str, repl: &str, index: usize, path: &[&str]) -> Result<Node> {
        let mut resources = load_resources(res);
        apply(&mut resources, &load_replacements(repl)?)?;
        Ok(resources[index].node().get_path(path).unwrap().clone())
    }

    /// kustomize HEAD only (v5.7+): `sourceValue`; expectations from
    /// api/filters/replacement/replacement_test.go "replace with static value" and "source
    /// value and selector error".
    #[test]
    fn source_value() {
        let res = "apiVersion: v1\nkind: Deployment\nmetadata:\n  name: deploy\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n      - image: nginx:1.7.9\n        name: nginx-tagged\n      - image: postgres:1.8.0\n        name: postgresdb\n";
        let repl = "- sourceValue: custom/postgres:1.9.0\n  targets:\n  - select:\n      kind: Deployment\n      name: deploy\n    fieldPaths:\n    - spec.template.spec.containers.[name=postgresdb].image\n";
        let node = run_get(res, repl, 0, &["spec", "template", "spec", "containers"]).unwrap();
        let images: Vec<&str> = node
            .as_sequence()
            .unwrap()
            .iter()
            .map(|c| c.get_str(&["image"]).unwrap())
            .collect();
        assert_eq!(images, ["nginx:1.7.9", "custom/postgres:1.9.0"]);

        let both = "- source:\n    kind: Deployment\n    name: deploy\n  sourceValue: \"2\"\n  targets:\n  - select:\n      kind: Deployment\n    fieldPaths:\n    - spec.replicas\n";
        let e = run_get(res, both, 0, &["spec"]).unwrap_err();
        assert_eq!(
            e.message(),
            "value and resource selectors are mutually exclusive"
        );

        // A created field takes the literal untagged: typed by its text on output.
        let create = "- sourceValue: \"7\"\n  targets:\n  - select: {kind: Deployment}\n    fieldPaths: [spec.n]\n    options: {create: true}\n";
        let n = run_get(res, create, 0, &["spec", "n"]).unwrap();
        assert_eq!(n.as_scalar(), Some(&Scalar::plain("7")));
    }

    fn regex_resources() -> &'static str {
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  PORT: 8080\n---\nkind: Deployment\nmetadata:\n  name: deploy1\nspec:\n  template:\n    spec:\n      containers:\n      - image: nginx:1\n        name: nginx1\n        args:\n        - PORT\n---\nkind: Deployment\nmetadata:\n  name: deploy2\nspec:\n  template:\n    spec:\n      containers:\n      - image: nginx:2\n        name: nginx1\n        args:\n        - PORT\n---\nkind: Deployment\nmetadata:\n  name: deploy3\n  namespace: default\nspec:\n  template:\n    spec:\n      containers:\n      - image: nginx:3\n        name: nginx1\n        args:\n        - PORT\n"
    }

    /// kustomize HEAD only (v5.8+): select and reject fields are regular expressions matched
    /// against the whole field. Expectations from replacement_test.go "select 1 from many using
    /// regex" and "reject 1 with regex".
    #[test]
    fn regex_selectors() {
        let arg = |repl: &str| -> Vec<String> {
            let mut resources = load_resources(regex_resources());
            apply(&mut resources, &load_replacements(repl).unwrap()).unwrap();
            dump(&resources[1..]).unwrap()
        };
        let repl = "- source: {kind: ConfigMap, name: cm, fieldPath: data.PORT}\n  targets:\n  - select:\n      name: d.*2\n    fieldPaths:\n    - spec.template.spec.containers.0.args.0\n";
        let got = arg(repl);
        // The int 8080 lands in a string: the target keeps its type (`"8080"`).
        assert!(got[0].contains(r#""args":["PORT"]"#), "{}", got[0]);
        assert!(got[1].contains(r#""args":["8080"]"#), "{}", got[1]);
        assert!(got[2].contains(r#""args":["PORT"]"#), "{}", got[2]);

        let reject = "- source: {kind: ConfigMap, name: cm, fieldPath: data.PORT}\n  targets:\n  - select:\n      kind: Deploy.*\n    reject:\n    - name: .*[13]\n    fieldPaths:\n    - spec.template.spec.containers.0.args.0\n";
        let got = arg(reject);
        assert!(got[1].contains(r#""args":["8080"]"#), "{}", got[1]);
        assert!(got[0].contains("PORT") && got[2].contains("PORT"));

        // HEAD compares the namespace as written: `default` selects deploy3 only, not the
        // objects without a namespace (v5.6's `IsSelectedBy` selected all three, oracle-checked).
        let ns = "- source: {kind: ConfigMap, name: cm, fieldPath: data.PORT}\n  targets:\n  - select:\n      namespace: default\n    fieldPaths:\n    - spec.template.spec.containers.0.args.0\n";
        let got = arg(ns);
        assert!(got[0].contains("PORT") && got[1].contains("PORT"));
        assert!(got[2].contains(r#""args":["8080"]"#), "{}", got[2]);

        let bad = "- source: {kind: ConfigMap, name: cm, fieldPath: data.PORT}\n  targets:\n  - select:\n      name: (d\n";
        let mut resources = load_resources(regex_resources());
        let e = apply(&mut resources, &load_replacements(bad).unwrap()).unwrap_err();
        assert_eq!(
            e.message(),
            "error creating target selector: error parsing regexp: missing closing ): `^(?:(d)$`"
        );
    }

    /// A source and a target selected by names they had before a rename (kustomize's
    /// `MakeResIds` adds previous ids; krusty TestReplacementTransformerWithOriginalName).
    #[test]
    fn previous_ids_select() {
        let res = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: p2-p1-target\nspec:\n  template:\n    spec:\n      containers:\n      - image: nginx:oldtag\n        name: nginx\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: p2-p1-source\nspec:\n  template:\n    spec:\n      containers:\n      - image: nginx:newtag\n        name: nginx\n";
        let repl = "- source:\n    name: source\n    fieldPath: spec.template.spec.containers.0.image\n  targets:\n  - select:\n      name: p1-target\n    fieldPaths:\n    - spec.template.spec.containers.[name=nginx].image\n";
        let mut resources = load_resources(res);
        let previous = |r: &Resource| -> Vec<ResId> {
            let name = r.id().name.clone();
            let mut ids = Vec::new();
            for old in [
                name.trim_start_matches("p2-"),
                name.trim_start_matches("p2-p1-"),
            ] {
                let mut id = r.id().clone();
                id.name = old.to_owned();
                ids.push(id);
            }
            ids
        };
        let r = load_replacements(repl).unwrap();
        apply_with_previous_ids(&mut resources, &r, &previous).unwrap();
        let image = resources[0]
            .node()
            .get_path(&["spec", "template", "spec", "containers"])
            .and_then(|c| c.as_sequence())
            .and_then(|c| c[0].get_str(&["image"]))
            .unwrap();
        assert_eq!(image, "nginx:newtag");
        // Without the history the old names select nothing.
        let mut resources = load_resources(res);
        let e = apply(&mut resources, &r).unwrap_err();
        assert_eq!(
            e.message(),
            "nothing selected by [noKind].[noVer].[noGrp]/source.[noNs]:spec.template.spec.containers.0.image"
        );
    }

    /// kustomize hangs when `create` appends an element its own pattern does not match
    /// (match.go `doSeq` retries forever; the oracle was killed after 20 s); Strata retries
    /// once and reports the field as not created.
    #[test]
    fn create_with_unmatchable_pattern_ends() {
        let repl = "- source: {kind: ConfigMap}\n  targets:\n  - select: {kind: Service}\n    fieldPaths: [\"spec.ports.[port=^8$].name\"]\n    options: {create: true}\n";
        let mut resources = load_resources(BASE);
        let e = apply(&mut resources, &load_replacements(repl).unwrap()).unwrap_err();
        assert_eq!(
            e.message(),
            "unable to find or create field \"spec.ports.[port=^8$].name\" in replacement target"
        );
    }

    const JSON_CM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: target-configmap\n  annotations:\n    hostname: www.example.com\n    cloud.google.com/backend-config: '{\"ports\": {\"appA\":\"gke-default-backend-config\"}}'\ndata:\n  config.json: |-\n    {\n      \"config\": {\n        \"id\": \"42\",\n        \"port\": 3306,\n        \"hostname\": \"REPLACE_TARGET_HOSTNAME\"\n      }\n    }\n  deployment.yaml: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: my-app\n    spec:\n      replicas: 1\n      template:\n        spec:\n          containers:\n          - name: app\n            image: nginx:latest\n  url.yaml: |-\n    prefix:\n      url: https://example.com/api\n  replicas: \"3\"\n";

    /// kustomize HEAD only (after v5.8.1): a path continuing into a scalar edits the JSON or
    /// YAML text it holds. Expectations from replacement_test.go `TestValueInlineStructuredData`
    /// ("replacement contain jsonfield", "json field in annotations", "yaml nested value",
    /// "json complex nested structure", "yaml substring options prefix").
    #[test]
    fn structured_data() {
        let one = |field_path: &str, source_path: &str, options: &str| -> String {
            let repl = format!(
                "- source:\n    kind: ConfigMap\n    fieldPath: {source_path}\n  targets:\n  - select:\n      kind: ConfigMap\n    fieldPaths:\n    - '{field_path}'\n    options: {options}\n"
            );
            let mut resources = load_resources(JSON_CM);
            apply(&mut resources, &load_replacements(&repl).unwrap()).unwrap();
            let parts = path::smarter_split(field_path);
            let mut at = resources[0].node();
            for p in &parts {
                match at.as_mapping().and_then(|m| m.get(p)) {
                    Some(n) => at = n,
                    None => break,
                }
            }
            at.as_str().unwrap().to_owned()
        };
        // Pretty JSON stays pretty, with keys sorted; the int field keeps its type.
        assert_eq!(
            one(
                r"data.config\.json.config.hostname",
                "metadata.annotations.hostname",
                "{}"
            ),
            "{\n  \"config\": {\n    \"hostname\": \"www.example.com\",\n    \"id\": \"42\",\n    \"port\": 3306\n  }\n}"
        );
        assert_eq!(
            one(r"data.config\.json.config.port", "data.replicas", "{}"),
            "{\n  \"config\": {\n    \"hostname\": \"REPLACE_TARGET_HOSTNAME\",\n    \"id\": \"42\",\n    \"port\": 3\n  }\n}"
        );
        // Compact JSON stays compact.
        assert_eq!(
            one(
                r"metadata.annotations.cloud\.google\.com/backend-config.ports.appA",
                "metadata.name",
                "{}"
            ),
            r#"{"ports":{"appA":"target-configmap"}}"#
        );
        // YAML text is re-encoded in kyaml's style.
        assert_eq!(
            one(
                r"data.deployment\.yaml.spec.replicas",
                "data.replicas",
                "{}"
            ),
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: my-app\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n      - name: app\n        image: nginx:latest"
        );
        assert_eq!(
            one(
                r"data.url\.yaml.prefix.url",
                "metadata.annotations.hostname",
                "{delimiter: /, index: -1}"
            ),
            "prefix:\n  url: www.example.com/https://example.com/api"
        );
    }

    /// A replacement file holds one replacement or a list; only its first document counts and
    /// unknown fields are ignored (plugin/builtin/replacementtransformer Config, checked with
    /// `kustomize-ref`: a file whose second document is `- x` builds, `bogus: 1` is ignored,
    /// `hello` fails with "unsupported replacement type … string", an empty file with
    /// "… invalid", `name: 1` with "… SourceSelector.source.ResId.name of type string").
    #[test]
    fn replacement_files() {
        let file = |text: &str| -> Result<Vec<Replacement>> {
            let f = SourceFile::new("/r/rep.yaml", text);
            let docs = parse_documents(&f, ParseOptions::default())?;
            let first = docs.iter().find(|d| !d.is_empty).map(|d| &d.root);
            parse_replacement_file(first, &f)
        };
        let single = file(
            "source:\n  kind: ConfigMap\n  bogus: 1\ntargets:\n- select:\n    kind: Service\n",
        )
        .unwrap();
        assert_eq!(single.len(), 1);
        assert_eq!(single[0].source.as_ref().unwrap().id.gvk.kind, "ConfigMap");
        let list = file("- source: {kind: A}\n  targets: [{select: {kind: B}}]\n- source: {kind: C}\n  targets: [{select: {kind: D}}]\n").unwrap();
        assert_eq!(list.len(), 2);
        let e = file("hello\n").unwrap_err();
        assert!(
            e.message().ends_with(
                "unsupported replacement type encountered within replacement path: string"
            ),
            "{e}"
        );
        let e = file("").unwrap_err();
        assert!(
            e.message().ends_with("within replacement path: invalid"),
            "{e}"
        );
        let e = file("source:\n  kind: ConfigMap\n  name: 1\n").unwrap_err();
        assert!(
            e.message().ends_with(
                "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal number into Go struct field SourceSelector.source.ResId.name of type string"
            ),
            "{e}"
        );
    }

    #[test]
    fn path_entries_are_returned() {
        let text = "replacements:\n- path: rep.yaml\n- source: {kind: A}\n  targets: [{select: {kind: B}}]\n";
        let f = SourceFile::new("/r/kustomization.yaml", text);
        let root = parse_single(&f, ParseOptions::default()).unwrap().unwrap();
        let node = root.as_mapping().unwrap().get("replacements").unwrap();
        let entries = parse_replacements(node, &f).unwrap();
        assert!(matches!(&entries[0], ReplacementEntry::Path(p) if p.value == "rep.yaml"));
        assert!(matches!(&entries[1], ReplacementEntry::Inline(_)));
        // Errors carry the position of the offending replacement.
        let mut resources = load_resources(BASE);
        let list = load_replacements("- source: {kind: Nope}\n  targets:\n  - select: {kind: A}\n")
            .unwrap();
        let e = apply(&mut resources, &list).unwrap_err();
        assert_eq!(
            e.to_string(),
            "/r/kustomization.yaml:2:11: nothing selected by Nope.[noVer].[noGrp]/[noName].[noNs]"
        );
    }

    #[test]
    fn path_splitting() {
        let cases: &[(&str, &[&str])] = &[
            ("a.b.c", &["a", "b", "c"]),
            (".a.b", &["a", "b"]),
            (r"a\.b.c", &["a.b", "c"]),
            ("a.[b.c].d", &["a", "b.c", "d"]),
            ("a.[name=x.y].d", &["a", "[name=x.y]", "d"]),
            ("a.[b]", &["a", "[b]"]),
            (
                "metadata.annotations.[x.y/z]",
                &["metadata", "annotations", "x.y/z"],
            ),
        ];
        for (input, want) in cases {
            assert_eq!(path::smarter_split(input), *want, "{input}");
        }
    }
}
