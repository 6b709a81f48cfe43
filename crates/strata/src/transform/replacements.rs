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
//! This module may use `yaml`, `source`, `error`, `resource` and the field helpers of
//! `kustomization`.

use std::fmt;
use std::sync::Arc;

use crate::error::{Error, ErrorKind, Result};
use crate::go;
use crate::kustomization::Spanned;
use crate::resource::{LabelSelector, ResId, Resource};
use crate::source::{SourceFile, Span};
use crate::yaml::resolve::{self, Tag};
use crate::yaml::{Mapping, Node, NodeKind, Scalar, ScalarStyle};

use self::decode::{Decoder, Mode};
use self::regex::Regex;

/// The field path a source or target uses when none is given
/// (api/types/replacement.go `DefaultReplacementFieldPath`).
pub const DEFAULT_FIELD_PATH: &str = "metadata.name";

/// Refines how a field is read or written (api/types/replacement.go `FieldOptions`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldOptions {
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
pub struct SourceSelector {
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
pub struct Selector {
    /// Group, version, kind, name and namespace; each a Go regular expression matched against
    /// the whole field (HEAD's `SelectorRegex`), empty for any.
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
pub struct TargetSelector {
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
pub struct Replacement {
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
pub enum ReplacementEntry {
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
pub fn parse_replacements(node: &Node, file: &Arc<SourceFile>) -> Result<Vec<ReplacementEntry>> {
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
pub fn parse_replacement_file(
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

/// Applies `replacements` in order to `resources`, matching resources by their current ids.
///
/// Each replacement reads its value once, then writes every target; later replacements see
/// earlier ones' changes. Ids of modified resources are refreshed.
pub fn apply(resources: &mut [Resource], replacements: &[Replacement]) -> Result<()> {
    apply_with_previous_ids(resources, replacements, &|_| Vec::new())
}

/// Like [`apply`], but a resource also matches selectors by the ids it had before renames
/// (kustomize's `MakeResIds`: current id, then previous ones), which `previous_ids` returns.
pub fn apply_with_previous_ids(
    resources: &mut [Resource],
    replacements: &[Replacement],
    previous_ids: &dyn Fn(&Resource) -> Vec<ResId>,
) -> Result<()> {
    apply_budgeted(resources, replacements, previous_ids, &mut |_| Ok(()))
}

/// [`apply_with_previous_ids`], calling `charge` with the number of nodes each copy of a
/// value creates before making it, so a build's node budget stops a chain of replacements
/// that each double a document.
pub fn apply_budgeted(
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
    group: Option<Regex>,
    version: Option<Regex>,
    kind: Option<Regex>,
    name: Option<Regex>,
    namespace: Option<Regex>,
}

impl<'a> CompiledSelector<'a> {
    /// Compiles each non-empty id field as `^(?:pattern)$` (api/types/selector.go
    /// `anchorRegex`).
    fn new(sel: &'a Selector) -> Result<CompiledSelector<'a>, Failure> {
        let c = |p: &str| -> Result<Option<Regex>, Failure> {
            if p.is_empty() {
                return Ok(None);
            }
            Regex::new(&format!("^(?:{p})$"))
                .map(Some)
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

    /// Matches id fields by regular expression; the namespace is compared as written, so
    /// `default` does not select an object without a namespace (HEAD `SelectorRegex`;
    /// v5.6 compared effective namespaces).
    fn selects(&self, id: &ResId) -> bool {
        let m = |re: &Option<Regex>, s: &str| re.as_ref().is_none_or(|re| re.is_match(s));
        m(&self.group, &id.gvk.group)
            && m(&self.version, &id.gvk.version)
            && m(&self.kind, &id.gvk.kind)
            && m(&self.name, &id.name)
            && m(&self.namespace, &id.namespace)
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
pub(crate) mod decode {
    use std::sync::Arc;

    use crate::error::{Error, ErrorKind, Result};
    use crate::go;
    use crate::source::SourceFile;
    use crate::yaml::resolve::{self, Value};
    use crate::yaml::{Mapping, Node, NodeKind, Scalar};

    /// How strictly a document is read.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub(crate) enum Mode {
        /// Part of a kustomization file: unknown fields are errors (api/types/kustomization.go
        /// `Unmarshal` uses `DisallowUnknownFields`).
        Kustomization,
        /// A file loaded by a plugin: unknown fields are ignored.
        File,
    }

    /// A YAML 1.1 scalar as go-yaml v2 types it when decoding into `interface{}`.
    #[derive(Clone, Debug, PartialEq)]
    pub(crate) enum V2 {
        Null,
        Bool(bool),
        Int(i128),
        Float(f64),
        Str,
    }

    /// Types a scalar as go-yaml v2 does (timestamps stay strings when decoded into
    /// `interface{}`; base-60 numbers are strings): `!!str` and `!` make a string, `!!null` a
    /// null, a quoted untagged scalar a string; otherwise the text decides
    /// ([`resolve::resolve_yaml11`]), whatever the tag.
    pub(crate) fn v2_type(s: &Scalar) -> V2 {
        match s.tag.as_deref() {
            Some("!!str") | Some("!") => return V2::Str,
            Some("!!null") => return V2::Null,
            _ => {}
        }
        if s.style.is_quoted() && s.tag.is_none() {
            return V2::Str;
        }
        match resolve::resolve_yaml11(&Scalar::plain(s.text.as_str())) {
            Value::Null => V2::Null,
            Value::Bool(b) => V2::Bool(b),
            Value::Int(i) => V2::Int(i128::from(i)),
            Value::UInt(u) => V2::Int(i128::from(u)),
            Value::Float(f) => V2::Float(f),
            Value::Str(_) => V2::Str,
        }
    }

    /// Reads typed fields and reports errors as kustomize does.
    pub(crate) struct Decoder<'a> {
        file: &'a Arc<SourceFile>,
        mode: Mode,
    }

    /// What a JSON value is called in `encoding/json` errors.
    fn json_kind(n: &Node) -> String {
        match &n.kind {
            NodeKind::Mapping(_) => "object".into(),
            NodeKind::Sequence(_) => "array".into(),
            NodeKind::Scalar(s) => match v2_type(s) {
                V2::Null => "null".into(),
                V2::Bool(_) => "bool".into(),
                V2::Int(_) | V2::Float(_) => "number".into(),
                V2::Str => "string".into(),
            },
        }
    }

    /// Marker for the expected Go type (only used in messages).
    pub(crate) type Want = &'static str;

    impl<'a> Decoder<'a> {
        pub(crate) fn new(file: &'a Arc<SourceFile>, mode: Mode) -> Decoder<'a> {
            Decoder { file, mode }
        }

        fn prefix(&self) -> &'static str {
            match self.mode {
                Mode::Kustomization => "invalid Kustomization: json: ",
                Mode::File => {
                    "trouble configuring builtin ReplacementTransformer: error unmarshaling JSON: while decoding JSON: json: "
                }
            }
        }

        /// Returns an error located at `node`.
        pub(crate) fn error_at(&self, msg: String, node: &Node) -> Error {
            Error::at(ErrorKind::Kustomization, msg, self.file, node.span)
        }

        /// `json: cannot unmarshal <kind> into Go struct field <strukt>.<path> of type <ty>`.
        pub(crate) fn type_error(&self, node: &Node, strukt: &str, path: &str, ty: &str) -> Error {
            let what = match &node.kind {
                NodeKind::Scalar(s) if ty == "int" => match v2_type(s) {
                    V2::Float(f) => format!(
                        "number {}",
                        go::json_float(f).unwrap_or_else(|shown| shown.to_owned())
                    ),
                    V2::Int(i) => format!("number {i}"),
                    _ => json_kind(node),
                },
                _ => json_kind(node),
            };
            let field = if path.is_empty() {
                strukt.to_owned()
            } else {
                format!("{strukt}.{path}")
            };
            self.error_at(
                format!(
                    "{}cannot unmarshal {what} into Go struct field {field} of type {ty}",
                    self.prefix()
                ),
                node,
            )
        }

        /// The entries of a mapping in the order `encoding/json` sees them (sorted keys).
        pub(crate) fn fields<'m>(&self, m: &'m Mapping) -> Vec<(&'m str, &'m Node)> {
            let mut v: Vec<(&str, &Node)> = m
                .entries
                .iter()
                .map(|e| (e.key.as_str().unwrap_or(""), &e.value))
                .collect();
            v.sort_by(|a, b| a.0.cmp(b.0));
            v
        }

        /// Matches a JSON key against field names: exactly, else ignoring ASCII case.
        pub(crate) fn known(&self, key: &str, names: &[&'static str]) -> Option<&'static str> {
            names
                .iter()
                .find(|n| **n == key)
                .or_else(|| names.iter().find(|n| n.eq_ignore_ascii_case(key)))
                .copied()
        }

        /// The error for an unknown field `key` of `m` (kustomization files only), located at
        /// the key.
        pub(crate) fn unknown(&self, m: &Mapping, key: &str) -> Error {
            let span = m
                .entries
                .iter()
                .find(|e| e.key.as_str() == Some(key))
                .map(|e| e.key.span)
                .unwrap_or_default();
            Error::at(
                ErrorKind::Kustomization,
                format!(
                    "invalid Kustomization: json: unknown field {}",
                    go::quote(key)
                ),
                self.file,
                span,
            )
        }

        /// Fails on an unknown field in a kustomization; ignores it in a file.
        pub(crate) fn unknown_or_skip(&self, m: &Mapping, key: &str) -> Result<()> {
            match self.mode {
                Mode::Kustomization => Err(self.unknown(m, key)),
                Mode::File => Ok(()),
            }
        }

        /// Reads an optional string.
        pub(crate) fn string(&self, n: &Node, strukt: &str, path: &str) -> Result<Option<String>> {
            match &n.kind {
                NodeKind::Scalar(s) => match v2_type(s) {
                    V2::Null => Ok(None),
                    V2::Str => Ok(Some(s.text.clone())),
                    _ => Err(self.type_error(n, strukt, path, "string")),
                },
                _ => Err(self.type_error(n, strukt, path, "string")),
            }
        }

        /// Reads an optional Go `int`.
        pub(crate) fn int(&self, n: &Node, strukt: &str, path: &str) -> Result<Option<i64>> {
            match &n.kind {
                NodeKind::Scalar(s) => match v2_type(s) {
                    V2::Null => Ok(None),
                    V2::Int(i) => i64::try_from(i)
                        .map(Some)
                        .map_err(|_| self.type_error(n, strukt, path, "int")),
                    V2::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Ok(Some(f as i64)),
                    _ => Err(self.type_error(n, strukt, path, "int")),
                },
                _ => Err(self.type_error(n, strukt, path, "int")),
            }
        }

        /// Reads an optional bool.
        pub(crate) fn boolean(&self, n: &Node, strukt: &str, path: &str) -> Result<Option<bool>> {
            match &n.kind {
                NodeKind::Scalar(s) => match v2_type(s) {
                    V2::Null => Ok(None),
                    V2::Bool(b) => Ok(Some(b)),
                    _ => Err(self.type_error(n, strukt, path, "bool")),
                },
                _ => Err(self.type_error(n, strukt, path, "bool")),
            }
        }

        /// Reads an optional object (`None` for null).
        pub(crate) fn object<'n>(
            &self,
            n: &'n Node,
            strukt: &str,
            path: &str,
            ty: Want,
        ) -> Result<Option<&'n Mapping>> {
            match &n.kind {
                NodeKind::Mapping(m) => Ok(Some(m)),
                NodeKind::Scalar(s) if matches!(v2_type(s), V2::Null) => Ok(None),
                _ => Err(self.type_error(n, strukt, path, ty)),
            }
        }

        /// Reads an optional list (`None` for null).
        pub(crate) fn list<'n>(
            &self,
            n: &'n Node,
            strukt: &str,
            path: &str,
            ty: Want,
        ) -> Result<Option<&'n [Node]>> {
            match &n.kind {
                NodeKind::Sequence(items) => Ok(Some(items)),
                NodeKind::Scalar(s) if matches!(v2_type(s), V2::Null) => Ok(None),
                _ => Err(self.type_error(n, strukt, path, ty)),
            }
        }
    }
}

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
pub(crate) mod path {
    use super::regex::Regex;
    use super::{Kind, text};
    use crate::go;
    use crate::source::SourceFile;
    use crate::yaml::parse::{DuplicateKeys, ParseOptions, parse_documents};
    use crate::yaml::{Mapping, Node, NodeKind, Scalar};

    /// Splits on `delim`, joining a part that ends in `\` with the next (`a\.b` is one key);
    /// a leading delimiter is dropped (`PathSplitter`).
    pub(crate) fn split(path: &str, delim: &str) -> Vec<String> {
        let mut ps: Vec<&str> = path.split(delim).collect();
        if ps.len() > 1 && ps.first() == Some(&"") {
            ps.remove(0);
        }
        let mut res: Vec<String> = Vec::new();
        for p in ps {
            match res.last_mut() {
                Some(last) if last.ends_with('\\') => {
                    last.pop();
                    last.push_str(delim);
                    last.push_str(p);
                }
                _ => res.push(p.to_owned()),
            }
        }
        res
    }

    /// `SmarterPathSplitter` on `.`: a bracketed part spanning dots stays one part, with its
    /// brackets if it holds `=` (a list selector, `[name=a.b]`) and without them otherwise (a
    /// key, `[a.b/c]` → `a.b/c`).
    pub(crate) fn smarter_split(path: &str) -> Vec<String> {
        let parts = split(path, ".");
        let mut out = Vec::new();
        let mut i = 0;
        while i < parts.len() {
            let elem = &parts[i];
            if elem.starts_with('[') && !elem.ends_with(']') {
                let mut bracketed = vec![elem.clone()];
                while i + 1 < parts.len() {
                    i += 1;
                    bracketed.push(parts[i].clone());
                    if parts[i].ends_with(']') {
                        break;
                    }
                }
                let joined = bracketed.join(".");
                if joined.contains('=') {
                    out.push(joined);
                } else {
                    out.push(joined.trim_matches(|c| c == '[' || c == ']').to_owned());
                }
            } else {
                out.push(elem.clone());
            }
            i += 1;
        }
        out
    }

    fn is_list_index(p: &str) -> bool {
        p.starts_with('[') && p.ends_with(']')
    }

    fn idx_number(p: &str) -> Option<usize> {
        go::atoi(p).ok().and_then(|i| usize::try_from(i).ok())
    }

    /// Splits `[name=value]` into `(name, value)` (`SplitIndexNameValue`).
    fn split_index_name_value(p: &str) -> Result<(String, String), String> {
        let elem = p.strip_suffix(']').unwrap_or(p);
        let elem = elem.strip_prefix('[').unwrap_or(elem);
        match elem.split_once('=') {
            Some((k, v)) => Ok((k.to_owned(), v.to_owned())),
            None => Err(
                "list path element must contain fieldName=fieldValue for element to match".into(),
            ),
        }
    }

    fn kind_name(n: &Node) -> &'static str {
        match n.kind {
            NodeKind::Scalar(_) => "ScalarNode",
            NodeKind::Mapping(_) => "MappingNode",
            NodeKind::Sequence(_) => "SequenceNode",
        }
    }

    /// kyaml's `InvalidNodeKindError` text.
    pub(crate) fn wrong_kind(expected: &str, n: &Node) -> String {
        format!(
            "wrong node kind: expected {expected} but got {}: node contents:\n{}",
            kind_name(n),
            text::to_yaml(n)
        )
    }

    /// The elements of a sequence; a null node has none; anything else is an error
    /// (`RNode.Elements`).
    fn elements(n: &Node) -> Result<&[Node], String> {
        match &n.kind {
            NodeKind::Sequence(items) => Ok(items),
            _ if n.is_null() => Ok(&[]),
            _ => Err(wrong_kind("SequenceNode", n)),
        }
    }

    /// The text kyaml compares against `[field=value]`: the node's YAML, trimmed
    /// (`String()` keeps quotes, so `"b"` does not match `^b$`).
    fn match_text(n: &Node) -> String {
        text::to_yaml(n).trim().to_owned()
    }

    /// A value's text as kyaml's `Node.Value`: the scalar's text, empty for collections.
    fn value_text(n: &Node) -> &str {
        n.as_str().unwrap_or("")
    }

    /// Reads the node at `parts` like `yaml.Lookup`: numbers index lists, `-` is the last
    /// element, `[k=v]` selects the first element whose `k` is exactly `v`, `*` is an error.
    pub(crate) fn lookup<'a>(node: &'a Node, parts: &[String]) -> Result<Option<&'a Node>, String> {
        let mut cur = node;
        for part in parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
            let next = if let Ok(i) = go::atoi(part) {
                let Ok(i) = usize::try_from(i) else {
                    return Err(format!("array index {i} cannot be negative"));
                };
                elements(cur)?.get(i)
            } else if part == "-" {
                elements(cur)?.last()
            } else if part == "*" {
                return Err("wildcard is not supported in PathGetter".into());
            } else if is_list_index(part) {
                let (name, value) = split_index_name_value(part)?;
                let items = elements(cur)?;
                if name.is_empty() {
                    items.iter().find(|i| value_text(i) == value)
                } else {
                    items.iter().find(|i| {
                        i.as_mapping()
                            .and_then(|m| m.get(&name))
                            .is_some_and(|v| value_text(v) == value)
                    })
                }
            } else {
                match &cur.kind {
                    _ if cur.is_null() => None,
                    NodeKind::Mapping(m) => m.get(part),
                    _ => return Err(wrong_kind("MappingNode", cur)),
                }
            };
            match next {
                Some(n) => cur = n,
                None => return Ok(None),
            }
        }
        Ok(Some(cur))
    }

    /// Like [`lookup`], mutably, for a path [`lookup`] has already resolved.
    pub(crate) fn lookup_mut<'a>(node: &'a mut Node, parts: &[String]) -> Option<&'a mut Node> {
        let mut cur = node;
        for part in parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
            let next = if let Ok(i) = go::atoi(part) {
                cur.as_sequence_mut()?.get_mut(usize::try_from(i).ok()?)
            } else if part == "-" {
                cur.as_sequence_mut()?.last_mut()
            } else if is_list_index(part) {
                let (name, value) = split_index_name_value(part).ok()?;
                let items = cur.as_sequence_mut()?;
                if name.is_empty() {
                    items.iter_mut().find(|i| value_text(i) == value)
                } else {
                    items.iter_mut().find(|i| {
                        i.as_mapping()
                            .and_then(|m| m.get(&name))
                            .is_some_and(|v| value_text(v) == value)
                    })
                }
            } else {
                cur.as_mapping_mut()?.get_mut(part)
            };
            cur = next?;
        }
        Some(cur)
    }

    /// Parses scalar text as kyaml's `yaml.Unmarshal` into a node does: the first document,
    /// or `None` for a text without one (go-yaml leaves the node zero: no kind at all).
    pub(crate) fn parse_embedded(text: &str) -> Result<Option<Node>, String> {
        let file = SourceFile::new("<structured data>", text);
        let opts = ParseOptions {
            duplicate_keys: DuplicateKeys::KeepLast,
            ..ParseOptions::default()
        };
        let docs = parse_documents(&file, opts).map_err(|e| e.message().to_owned())?;
        Ok(docs.into_iter().next().map(|d| d.root))
    }

    /// The error a path step gives on go-yaml's zero node: `nodeKindString(0)` is empty and
    /// the node cannot be printed, so the message ends after "got ".
    fn zero_node_error(step: &str) -> String {
        let expected = if idx_number(step).is_some() || is_list_index(step) || step == "*" {
            "SequenceNode"
        } else {
            "MappingNode"
        };
        format!("wrong node kind: expected {expected} but got ")
    }

    /// Why a walk failed: the path (reported after "unable to find field …") or the value
    /// setter (reported as is).
    #[derive(Debug)]
    pub(crate) enum WalkError {
        Path(String),
        Set(String),
    }

    type Setter<'f> = dyn FnMut(&mut Node, bool) -> Result<(), String> + 'f;

    /// Walks a target path and calls the setter on every match, creating missing parts when
    /// `create` is set (kyaml `PathMatcher`). The setter's flag is true for a scalar the walk
    /// just created.
    pub(crate) struct Matcher<'s, 'f> {
        create: Option<Kind>,
        set: &'s mut Setter<'f>,
        /// How many fields were matched (or created).
        pub(crate) matched: usize,
    }

    /// The kind a missing part is created with (`getPathPartKind`).
    fn part_kind(next: Option<&String>, create: Kind) -> Kind {
        match next {
            None => create,
            Some(n) if is_list_index(n) || idx_number(n).is_some() => Kind::Sequence,
            Some(_) => Kind::Mapping,
        }
    }

    fn new_node(kind: Kind) -> Node {
        match kind {
            Kind::Scalar => Node::scalar(Scalar::plain("")),
            Kind::Mapping => Node::mapping(Mapping::new()),
            Kind::Sequence => Node::sequence(Vec::new()),
        }
    }

    /// The element `[field=value]` creates: `{field: value}`, or `value` for `[=value]`, an
    /// untagged scalar typed by its text.
    fn new_element(field: &str, value: &str) -> Node {
        let value = Node::scalar(Scalar::plain(value));
        if field.is_empty() {
            return value;
        }
        let mut m = Mapping::new();
        m.insert(field, value);
        Node::mapping(m)
    }

    impl<'s, 'f> Matcher<'s, 'f> {
        pub(crate) fn new(create: Option<Kind>, set: &'s mut Setter<'f>) -> Matcher<'s, 'f> {
            Matcher {
                create,
                set,
                matched: 0,
            }
        }

        /// Walks `path` from `node`.
        pub(crate) fn filter(&mut self, node: &mut Node, path: &[String]) -> Result<(), WalkError> {
            self.walk(node, path, false)
        }

        fn walk(&mut self, node: &mut Node, path: &[String], fresh: bool) -> Result<(), WalkError> {
            let Some(p0) = path.first() else {
                self.matched += 1;
                return (self.set)(node, fresh).map_err(WalkError::Set);
            };
            if let Some(idx) = idx_number(p0) {
                self.index(node, idx, path)
            } else if is_list_index(p0) {
                self.seq(node, p0, path)
            } else if p0 == "*" {
                if node.is_null() {
                    return Ok(());
                }
                let NodeKind::Sequence(items) = &mut node.kind else {
                    return Err(WalkError::Path(wrong_kind("SequenceNode", node)));
                };
                for item in items.iter_mut() {
                    self.walk(item, &path[1..], false)?;
                }
                Ok(())
            } else {
                self.field(node, p0, path)
            }
        }

        /// Descends into a node the walk created: leaf scalars are fresh.
        fn descend_new(&mut self, node: &mut Node, rest: &[String]) -> Result<(), WalkError> {
            let fresh = rest.is_empty() && matches!(node.kind, NodeKind::Scalar(_));
            self.walk(node, rest, fresh)
        }

        fn index(&mut self, node: &mut Node, idx: usize, path: &[String]) -> Result<(), WalkError> {
            let rest = &path[1..];
            if node.is_null() {
                // kyaml appends to the null node's content, which is never printed: the value
                // lands nowhere, but the field counts as found.
                if idx == 0 {
                    if let Some(create) = self.create {
                        let mut lost = new_node(part_kind(rest.first(), create));
                        return self.descend_new(&mut lost, rest);
                    }
                }
                return Err(WalkError::Path(format!(
                    "index {idx} specified but only 0 elements found"
                )));
            }
            let NodeKind::Sequence(items) = &mut node.kind else {
                return Err(WalkError::Path(wrong_kind("SequenceNode", node)));
            };
            if items.len() == idx {
                if let Some(create) = self.create {
                    items.push(new_node(part_kind(rest.first(), create)));
                    let last = items.len() - 1;
                    return self.descend_new(&mut items[last], rest);
                }
            }
            let len = items.len();
            match items.get_mut(idx) {
                Some(item) => self.walk(item, rest, false),
                None => Err(WalkError::Path(format!(
                    "index {idx} specified but only {len} elements found"
                ))),
            }
        }

        /// `[field=regex]` / `[=regex]`: every element whose field (or own text) matches the
        /// unanchored pattern. A primitive match is itself the target; the rest of the path is
        /// not walked (kyaml `visitPrimitiveElem`).
        fn seq(&mut self, node: &mut Node, p0: &str, path: &[String]) -> Result<(), WalkError> {
            let (field, pattern) = split_index_name_value(p0).map_err(WalkError::Path)?;
            if !node.is_null() && node.as_sequence().is_none() {
                return Err(WalkError::Path(wrong_kind("SequenceNode", node)));
            }
            if node.is_null() {
                // kyaml appends the created element to the null node's content, which is never
                // printed, and then finds it there: the value lands nowhere.
                if self.create.is_none() {
                    return Ok(());
                }
                let mut lost = Node::sequence(vec![new_element(&field, &pattern)]);
                return self.visit_seq(&mut lost, &field, &pattern, path);
            }
            let before = self.matched;
            self.visit_seq(node, &field, &pattern, path)?;
            if self.matched > before {
                return Ok(());
            }
            let Some(_) = self.create else {
                return Ok(());
            };
            if let NodeKind::Sequence(items) = &mut node.kind {
                items.push(new_element(&field, &pattern));
            }
            // Search again; kyaml loops until the new element matches (forever if the pattern
            // does not match its own text); one retry is enough to find it if it can.
            self.visit_seq(node, &field, &pattern, path)
        }

        fn visit_seq(
            &mut self,
            node: &mut Node,
            field: &str,
            pattern: &str,
            path: &[String],
        ) -> Result<(), WalkError> {
            let NodeKind::Sequence(items) = &mut node.kind else {
                return Ok(());
            };
            if items.is_empty() {
                return Ok(());
            }
            let re = Regex::new(pattern).map_err(|e| WalkError::Path(e.0))?;
            for item in items.iter_mut() {
                if field.is_empty() {
                    if re.is_match(&match_text(item)) {
                        self.walk(item, &[], false)?;
                    }
                    continue;
                }
                let hit = match item.as_mapping().and_then(|m| m.get(field)) {
                    Some(v) => re.is_match(&match_text(v)),
                    None => false,
                };
                if hit {
                    self.walk(item, &path[1..], false)?;
                }
            }
            Ok(())
        }

        fn field(&mut self, node: &mut Node, name: &str, path: &[String]) -> Result<(), WalkError> {
            let rest = &path[1..];
            if node.is_null() {
                // Nothing to match; a created field is set on the null node and lost.
                if let Some(create) = self.create {
                    let mut lost = new_node(part_kind(rest.first(), create));
                    return self.descend_new(&mut lost, rest);
                }
                return Ok(());
            }
            if name.is_empty() {
                // kyaml's FieldMatcher with no name wants a scalar.
                if !matches!(node.kind, NodeKind::Scalar(_)) {
                    return Err(WalkError::Path(wrong_kind("ScalarNode", node)));
                }
            }
            let NodeKind::Mapping(m) = &mut node.kind else {
                return Err(WalkError::Path(wrong_kind("MappingNode", node)));
            };
            if m.get(name).is_none() {
                let Some(create) = self.create else {
                    return Ok(());
                };
                m.insert(name, new_node(part_kind(rest.first(), create)));
                let Some(created) = m.get_mut(name) else {
                    return Ok(());
                };
                return self.descend_new(created, rest);
            }
            let Some(field) = m.get_mut(name) else {
                return Ok(());
            };
            if let (NodeKind::Scalar(s), Some(next)) = (&field.kind, rest.first()) {
                // HEAD: the rest of the path is walked inside the scalar's parsed text, on a
                // copy that is then dropped (kyaml `handleStructuredDataInScalar`); only
                // `set_in_structured_data` writes such values back.
                let Some(mut copy) = parse_embedded(&s.text).map_err(WalkError::Path)? else {
                    return Err(WalkError::Path(zero_node_error(next)));
                };
                return self.walk(&mut copy, rest, false);
            }
            self.walk(field, rest, false)
        }
    }
}

/// HEAD's replacement into text fields holding JSON or YAML (kustomize
/// `setValueInStructuredData`, `serializeStructuredData`).
pub(crate) mod structured {
    use super::path::{Matcher, lookup, lookup_mut, parse_embedded, smarter_split};
    use super::{FieldOptions, Kind, set_field_value, set_scalar_text, text};
    use crate::yaml::{Node, NodeKind};

    /// Tries to write `value` inside the first scalar on `field_path` whose text parses as
    /// YAML; returns false (and changes nothing visible) if there is none or the rest of the
    /// path does not resolve there, so the caller walks the path normally.
    pub(crate) fn set_in_structured_data(
        target: &mut Node,
        value: &Node,
        field_path: &str,
        options: Option<&FieldOptions>,
        create: Option<Kind>,
    ) -> bool {
        let parts = smarter_split(field_path);
        if parts.len() < 2 {
            return false;
        }
        let mut found = None;
        for i in 1..parts.len() {
            let Ok(Some(n)) = lookup(target, &parts[..i]) else {
                continue;
            };
            if let NodeKind::Scalar(s) = &n.kind {
                match parse_embedded(&s.text) {
                    Ok(Some(doc)) => {
                        found = Some((i, s.text.clone(), doc));
                        break;
                    }
                    // go-yaml parses an empty text to a zero node, on which every path step
                    // fails: kustomize falls back to the plain walk.
                    Ok(None) => return false,
                    Err(_) => {}
                }
            }
        }
        let Some((i, original, mut doc)) = found else {
            return false;
        };
        let mut setter = |n: &mut Node, fresh: bool| set_field_value(options, n, value, fresh);
        let mut m = Matcher::new(create, &mut setter);
        if m.filter(&mut doc, &parts[i..]).is_err() || m.matched == 0 {
            return false;
        }
        let first = original.trim_start().chars().next();
        let serialized = if matches!(first, Some('{' | '[')) {
            let pretty = original.contains('\n') && original.contains("  ");
            match text::to_json(&doc, pretty) {
                Ok(s) => s,
                Err(_) => return false,
            }
        } else {
            text::to_yaml(&doc).trim().to_owned()
        };
        if let Some(NodeKind::Scalar(s)) = lookup_mut(target, &parts[..i]).map(|n| &mut n.kind) {
            set_scalar_text(s, serialized);
        }
        true
    }
}

/// Printing nodes as kyaml's `RNode.String()` (go-yaml v3, indent 2, compact sequences) and
/// as Go's `encoding/json` after a v3 decode, for error messages, `[field=value]` matching and
/// structured-data round trips. Comments and flow styles are not kept by the node model, so
/// collections always print in block style.
pub(crate) mod text {
    use super::plain_tag;
    use crate::go;
    use crate::yaml::escape::{escape, is_printable, needs_escape};
    use crate::yaml::resolve::{self, Tag, Value};
    use crate::yaml::{Node, NodeKind, Scalar, ScalarStyle};

    fn plain_allowed(t: &str) -> bool {
        let Some(first) = t.chars().next() else {
            return false;
        };
        let second = t.chars().nth(1);
        if t.starts_with(' ')
            || t.ends_with(' ')
            || t.contains('\n')
            || t.starts_with("---")
            || t.starts_with("...")
            || t.contains(": ")
            || t.contains(" #")
            || t.ends_with(':')
            || t.chars().any(|c| !is_printable(c) || c == '\t')
        {
            return false;
        }
        if "#,[]{}&*!|>'\"%@`".contains(first) {
            return false;
        }
        if "-?:".contains(first) && second.is_none_or(|c| c == ' ') {
            return false;
        }
        true
    }

    fn double_quoted(t: &str) -> String {
        let mut out = String::from("\"");
        for c in t.chars() {
            if needs_escape(c) {
                out.push('\\');
                out.push_str(&escape(c));
            } else {
                out.push(c);
            }
        }
        out.push('"');
        out
    }

    fn literal(t: &str, indent: usize) -> String {
        if t.chars().any(|c| !is_printable(c) && c != '\t') {
            return double_quoted(t);
        }
        let mut out = String::from("|");
        if t.starts_with(' ') || t.starts_with('\n') {
            out.push('2');
        }
        let trailing = t.len() - t.trim_end_matches('\n').len();
        match trailing {
            0 => out.push('-'),
            1 => {}
            _ => out.push('+'),
        }
        let body = t.strip_suffix('\n').unwrap_or(t);
        let pad = " ".repeat(indent + 2);
        for line in body.split('\n') {
            out.push('\n');
            if !line.is_empty() {
                out.push_str(&pad);
                out.push_str(line);
            }
        }
        out
    }

    /// One scalar as go-yaml v3's encoder writes a node: tag only when it is not implied,
    /// written style kept where the text allows it.
    fn scalar(s: &Scalar, indent: usize) -> String {
        let mut force_quote = false;
        let mut tag: Option<&str> = s.tag.as_deref().filter(|t| *t != "!");
        if let Some(t) = tag {
            if (t == "!!str" && s.style.is_quoted()) || plain_tag(&s.text) == t {
                tag = None;
            } else if t == "!!str" {
                tag = None;
                force_quote = true;
            }
        }
        let t = s.text.as_str();
        let body = match s.style {
            ScalarStyle::DoubleQuoted => double_quoted(t),
            ScalarStyle::SingleQuoted if !t.contains('\n') && t.chars().all(is_printable) => {
                format!("'{}'", t.replace('\'', "''"))
            }
            ScalarStyle::SingleQuoted => double_quoted(t),
            ScalarStyle::Literal | ScalarStyle::Folded => literal(t, indent),
            ScalarStyle::Plain if t.contains('\n') => literal(t, indent),
            ScalarStyle::Plain if force_quote => double_quoted(t),
            ScalarStyle::Plain if plain_allowed(t) || t.is_empty() => t.to_owned(),
            ScalarStyle::Plain if !t.contains('\n') && t.chars().all(is_printable) => {
                format!("'{}'", t.replace('\'', "''"))
            }
            ScalarStyle::Plain => double_quoted(t),
        };
        match tag {
            Some(tag) => format!("{tag} {body}"),
            None => body,
        }
    }

    fn write(n: &Node, indent: usize, out: &mut String) {
        let pad = " ".repeat(indent);
        match &n.kind {
            NodeKind::Scalar(s) => {
                out.push_str(&scalar(s, indent.saturating_sub(2)));
                out.push('\n');
            }
            NodeKind::Mapping(m) if m.is_empty() => out.push_str("{}\n"),
            NodeKind::Sequence(items) if items.is_empty() => out.push_str("[]\n"),
            NodeKind::Mapping(m) => {
                for (i, e) in m.entries.iter().enumerate() {
                    if i > 0 {
                        out.push_str(&pad);
                    }
                    match &e.key.kind {
                        NodeKind::Scalar(k) => out.push_str(&scalar(k, indent)),
                        _ => out.push_str("? "),
                    }
                    out.push(':');
                    match &e.value.kind {
                        NodeKind::Mapping(m) if !m.is_empty() => {
                            out.push('\n');
                            out.push_str(&" ".repeat(indent + 2));
                            write(&e.value, indent + 2, out);
                        }
                        NodeKind::Sequence(items) if !items.is_empty() => {
                            out.push('\n');
                            out.push_str(&pad);
                            write(&e.value, indent, out);
                        }
                        NodeKind::Scalar(s) => {
                            let body = scalar(s, indent);
                            if body.is_empty() {
                                out.push('\n');
                            } else {
                                out.push(' ');
                                out.push_str(&body);
                                out.push('\n');
                            }
                        }
                        _ => {
                            out.push(' ');
                            write(&e.value, indent + 2, out);
                        }
                    }
                }
            }
            NodeKind::Sequence(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(&pad);
                    }
                    out.push_str("- ");
                    write(item, indent + 2, out);
                }
            }
        }
    }

    /// The node as a YAML document (ends with a line break).
    pub(crate) fn to_yaml(n: &Node) -> String {
        let mut out = String::new();
        write(n, 0, &mut out);
        out
    }

    /// Writes a scalar as `encoding/json` writes what go-yaml v3 decodes it into
    /// ([`resolve::try_resolve`]) where JSON has a type for it; any other scalar (timestamps,
    /// `!!binary`, custom tags) is its text as a string.
    fn json_scalar(s: &Scalar, out: &mut String) -> Result<(), String> {
        if !matches!(
            resolve::tag(s),
            Tag::Null | Tag::Bool | Tag::Int | Tag::Float
        ) {
            go::json_string(&s.text, out);
            return Ok(());
        }
        match resolve::try_resolve(s).map_err(|e| e.message().to_owned())? {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if b { "true" } else { "false" }),
            Value::Int(i) => out.push_str(&i.to_string()),
            Value::UInt(u) => out.push_str(&u.to_string()),
            Value::Float(f) => match go::json_float(f) {
                Ok(text) => out.push_str(&text),
                Err(shown) => return Err(format!("json: unsupported value: {shown}")),
            },
            Value::Str(t) => go::json_string(&t, out),
        }
        Ok(())
    }

    fn json(n: &Node, pretty: bool, depth: usize, out: &mut String) -> Result<(), String> {
        let nl = |out: &mut String, d: usize| {
            if pretty {
                out.push('\n');
                out.push_str(&"  ".repeat(d));
            }
        };
        match &n.kind {
            NodeKind::Scalar(s) => json_scalar(s, out)?,
            NodeKind::Sequence(items) if items.is_empty() => out.push_str("[]"),
            NodeKind::Sequence(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    nl(out, depth + 1);
                    json(item, pretty, depth + 1, out)?;
                }
                nl(out, depth);
                out.push(']');
            }
            NodeKind::Mapping(m) if m.is_empty() => out.push_str("{}"),
            NodeKind::Mapping(m) => {
                let mut entries: Vec<(&str, &Node)> = Vec::new();
                for e in &m.entries {
                    let Some(k) = e.key.as_scalar() else {
                        return Err("json: unsupported type: map[interface {}]interface {}".into());
                    };
                    if !resolve::is_string(k) {
                        return Err("json: unsupported type: map[interface {}]interface {}".into());
                    }
                    entries.push((&k.text, &e.value));
                }
                entries.sort_by(|a, b| a.0.cmp(b.0));
                out.push('{');
                for (i, (k, v)) in entries.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    nl(out, depth + 1);
                    go::json_string(k, out);
                    out.push(':');
                    if pretty {
                        out.push(' ');
                    }
                    json(v, pretty, depth + 1, out)?;
                }
                nl(out, depth);
                out.push('}');
            }
        }
        Ok(())
    }

    /// The node as `json.Marshal` (or `json.MarshalIndent(v, "", "  ")`) prints what go-yaml
    /// v3 decodes from it: keys sorted, `<>&` escaped.
    pub(crate) fn to_json(n: &Node, pretty: bool) -> Result<String, String> {
        let mut out = String::new();
        json(n, pretty, 0, &mut out)?;
        Ok(out)
    }
}

/// Regular expressions in Go's RE2 syntax, matched in linear time (a Pike VM).
///
/// kustomize matches replacement selectors (HEAD, api/types/selector.go `SelectorRegex`) and
/// `[field=value]` list steps of target paths (kyaml/yaml/match.go `visitElem`) with Go's
/// `regexp`; this is the subset of it those patterns use: literals, `.`, classes (`[a-z]`,
/// `[^…]`, `[[:alpha:]]`, `\d \w \s` and negations), groups (`(…)`, `(?:…)`, `(?P<n>…)`),
/// flags `i m s U`, alternation, `* + ? {n} {n,} {n,m}` (lazy forms too), `^ $ \A \z \b \B`.
/// Unicode classes (`\pL`) are not supported and are reported as errors. Messages follow Go's
/// `error parsing regexp: CODE: FRAGMENT`.
pub(crate) mod regex {
    /// Deepest group nesting accepted (RE2 allows 1000; ours keeps the parser's recursion
    /// well inside a thread's stack).
    const MAX_NEST: usize = 100;
    /// Largest repeat count, as RE2.
    const MAX_REPEAT: u32 = 1000;
    /// Largest compiled program.
    const MAX_INSTS: usize = 100_000;

    /// A pattern that failed to compile; the text is Go's message.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub(crate) struct RegexError(pub(crate) String);

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Look {
        StartText,
        EndText,
        StartLine,
        EndLine,
        WordBoundary,
        NotWordBoundary,
    }

    #[derive(Clone, Debug, PartialEq, Eq)]
    struct Class {
        ranges: Vec<(char, char)>,
        negated: bool,
    }

    impl Class {
        fn matches(&self, c: char) -> bool {
            self.ranges.iter().any(|&(a, b)| a <= c && c <= b) != self.negated
        }

        fn single(c: char) -> Class {
            Class {
                ranges: vec![(c, c)],
                negated: false,
            }
        }
    }

    #[derive(Clone, Debug)]
    enum Ast {
        Empty,
        Class(Class),
        Look(Look),
        Concat(Vec<Ast>),
        Alt(Vec<Ast>),
        Repeat {
            ast: Box<Ast>,
            min: u32,
            max: Option<u32>,
        },
    }

    #[derive(Clone, Copy, Debug, Default)]
    struct Flags {
        case_insensitive: bool,
        multi_line: bool,
        dot_nl: bool,
    }

    struct Parser<'a> {
        src: &'a str,
        chars: Vec<char>,
        pos: usize,
        flags: Flags,
    }

    fn err(code: &str, fragment: &str) -> RegexError {
        RegexError(format!("error parsing regexp: {code}: `{fragment}`"))
    }

    impl Parser<'_> {
        fn peek(&self) -> Option<char> {
            self.chars.get(self.pos).copied()
        }

        fn peek_at(&self, n: usize) -> Option<char> {
            self.chars.get(self.pos + n).copied()
        }

        fn rest(&self) -> String {
            self.chars.get(self.pos..).unwrap_or(&[]).iter().collect()
        }

        fn slice(&self, from: usize, to: usize) -> String {
            self.chars
                .get(from..to.min(self.chars.len()))
                .unwrap_or(&[])
                .iter()
                .collect()
        }

        fn parse_alt(&mut self, depth: usize) -> Result<Ast, RegexError> {
            if depth > MAX_NEST {
                return Err(err("expression nests too deeply", self.src));
            }
            let mut alts = vec![self.parse_concat(depth)?];
            while self.peek() == Some('|') {
                self.pos += 1;
                alts.push(self.parse_concat(depth)?);
            }
            Ok(if alts.len() == 1 {
                alts.pop().unwrap_or(Ast::Empty)
            } else {
                Ast::Alt(alts)
            })
        }

        fn parse_concat(&mut self, depth: usize) -> Result<Ast, RegexError> {
            let mut items: Vec<Ast> = Vec::new();
            // Whether the last item may take a repetition operator, and where it started.
            let mut last_start: Option<usize> = None;
            // Where the previous repetition operator started, if the last item is one.
            let mut last_op: Option<usize> = None;
            while let Some(c) = self.peek() {
                match c {
                    '|' | ')' => break,
                    '*' | '+' | '?' | '{' => {
                        let op_start = self.pos;
                        let Some((min, max)) = self.parse_repeat_op()? else {
                            // `{` that is not a repeat is a literal.
                            self.pos += 1;
                            items.push(self.literal('{'));
                            last_start = Some(op_start);
                            last_op = None;
                            continue;
                        };
                        let op = self.slice(op_start, self.pos);
                        if last_start.is_none() {
                            return Err(err("missing argument to repetition operator", &op));
                        }
                        if let Some(prev_op) = last_op {
                            return Err(err(
                                "invalid nested repetition operator",
                                &self.slice(prev_op, self.pos),
                            ));
                        }
                        let Some(prev) = items.pop() else {
                            return Err(err("missing argument to repetition operator", &op));
                        };
                        items.push(Ast::Repeat {
                            ast: Box::new(prev),
                            min,
                            max,
                        });
                        last_op = Some(op_start);
                    }
                    _ => {
                        let start = self.pos;
                        match self.parse_atom(depth)? {
                            Some(a) => {
                                items.push(a);
                                last_start = Some(start);
                            }
                            // A flag group `(?i)` changes flags and matches nothing.
                            None => last_start = None,
                        }
                        last_op = None;
                    }
                }
            }
            Ok(match items.len() {
                0 => Ast::Empty,
                1 => items.pop().unwrap_or(Ast::Empty),
                _ => Ast::Concat(items),
            })
        }

        /// Reads `*`, `+`, `?` or `{n,m}` (and a lazy `?`). Returns `None` for a `{` that does
        /// not start a valid repeat (Go reads it as a literal).
        fn parse_repeat_op(&mut self) -> Result<Option<(u32, Option<u32>)>, RegexError> {
            let start = self.pos;
            let r = match self.peek() {
                Some('*') => {
                    self.pos += 1;
                    (0, None)
                }
                Some('+') => {
                    self.pos += 1;
                    (1, None)
                }
                Some('?') => {
                    self.pos += 1;
                    (0, Some(1))
                }
                Some('{') => {
                    let mut p = self.pos + 1;
                    let num = |p: &mut usize, chars: &[char]| -> Option<u64> {
                        let s = *p;
                        let mut v: u64 = 0;
                        while let Some(d) = chars.get(*p).and_then(|c| c.to_digit(10)) {
                            v = v.saturating_mul(10).saturating_add(u64::from(d));
                            *p += 1;
                        }
                        (*p > s).then_some(v)
                    };
                    let Some(min) = num(&mut p, &self.chars) else {
                        return Ok(None);
                    };
                    let max = if self.chars.get(p) == Some(&',') {
                        p += 1;
                        if self.chars.get(p) == Some(&'}') {
                            None
                        } else {
                            match num(&mut p, &self.chars) {
                                Some(m) => Some(m),
                                None => return Ok(None),
                            }
                        }
                    } else {
                        Some(min)
                    };
                    if self.chars.get(p) != Some(&'}') {
                        return Ok(None);
                    }
                    p += 1;
                    self.pos = p;
                    let bad = min > u64::from(MAX_REPEAT)
                        || max.is_some_and(|m| m > u64::from(MAX_REPEAT) || m < min);
                    if bad {
                        return Err(err("invalid repeat count", &self.slice(start, p)));
                    }
                    let to32 = |v: u64| u32::try_from(v).unwrap_or(MAX_REPEAT);
                    (to32(min), max.map(to32))
                }
                _ => return Ok(None),
            };
            if self.peek() == Some('?') {
                self.pos += 1;
            }
            Ok(Some(r))
        }

        fn literal(&self, c: char) -> Ast {
            Ast::Class(self.fold(Class::single(c)))
        }

        /// Adds the other cases of every letter in `class` when `(?i)` is on.
        fn fold(&self, mut class: Class) -> Class {
            if !self.flags.case_insensitive {
                return class;
            }
            let mut extra = Vec::new();
            for &(a, b) in &class.ranges {
                if (b as u32).saturating_sub(a as u32) <= 512 {
                    for c in a..=b {
                        for o in c.to_lowercase().chain(c.to_uppercase()) {
                            if o != c {
                                extra.push((o, o));
                            }
                        }
                    }
                } else {
                    for (lo, hi, delta) in [('a', 'z', -32i32), ('A', 'Z', 32)] {
                        let (s, e) = (a.max(lo), b.min(hi));
                        if s <= e {
                            let shift =
                                |c: char| char::from_u32((c as i32 + delta) as u32).unwrap_or(c);
                            extra.push((shift(s), shift(e)));
                        }
                    }
                }
            }
            class.ranges.extend(extra);
            class
        }

        /// Parses one atom; `None` for a flag-only group.
        fn parse_atom(&mut self, depth: usize) -> Result<Option<Ast>, RegexError> {
            let Some(c) = self.peek() else {
                return Ok(Some(Ast::Empty));
            };
            self.pos += 1;
            let ast = match c {
                '(' => return self.parse_group(depth),
                '[' => Ast::Class(self.parse_class()?),
                '.' => {
                    let mut ranges = vec![('\0', '\t'), ('\u{b}', char::MAX)];
                    if self.flags.dot_nl {
                        ranges = vec![('\0', char::MAX)];
                    }
                    Ast::Class(Class {
                        ranges,
                        negated: false,
                    })
                }
                '^' => Ast::Look(if self.flags.multi_line {
                    Look::StartLine
                } else {
                    Look::StartText
                }),
                '$' => Ast::Look(if self.flags.multi_line {
                    Look::EndLine
                } else {
                    Look::EndText
                }),
                '\\' => self.parse_escape_atom()?,
                c => self.literal(c),
            };
            Ok(Some(ast))
        }

        fn parse_group(&mut self, depth: usize) -> Result<Option<Ast>, RegexError> {
            let saved = self.flags;
            if self.peek() == Some('?') {
                let start = self.pos.saturating_sub(1);
                match (self.peek_at(1), self.peek_at(2)) {
                    (Some('P'), Some('<')) | (Some('<'), _) => {
                        let skip = if self.peek_at(1) == Some('P') { 3 } else { 2 };
                        let name_start = self.pos + skip;
                        let mut p = name_start;
                        while self.chars.get(p).is_some_and(|&c| c != '>') {
                            p += 1;
                        }
                        let name = self.slice(name_start, p);
                        let valid = !name.is_empty()
                            && name.chars().all(|c| c.is_alphanumeric() || c == '_');
                        if p >= self.chars.len() || !valid {
                            return Err(err(
                                "invalid named capture",
                                &self.slice(start, (p + 1).min(self.chars.len())),
                            ));
                        }
                        self.pos = p + 1;
                    }
                    _ => {
                        // Flags: (?i) (?-i) (?i:…)
                        let mut p = self.pos + 1;
                        let mut negate = false;
                        let mut flags = self.flags;
                        loop {
                            match self.chars.get(p) {
                                Some('i') => flags.case_insensitive = !negate,
                                Some('m') => flags.multi_line = !negate,
                                Some('s') => flags.dot_nl = !negate,
                                Some('U') => {}
                                Some('-') if !negate => negate = true,
                                Some(')') => {
                                    self.flags = flags;
                                    self.pos = p + 1;
                                    return Ok(None);
                                }
                                Some(':') => {
                                    self.flags = flags;
                                    self.pos = p + 1;
                                    break;
                                }
                                _ => {
                                    return Err(err(
                                        "invalid or unsupported Perl syntax",
                                        &self.slice(start, (p + 1).min(self.chars.len())),
                                    ));
                                }
                            }
                            p += 1;
                        }
                    }
                }
            }
            let inner = self.parse_alt(depth + 1)?;
            if self.peek() != Some(')') {
                return Err(err("missing closing )", self.src));
            }
            self.pos += 1;
            self.flags = saved;
            Ok(Some(inner))
        }

        /// Parses what follows a `\` outside a class.
        fn parse_escape_atom(&mut self) -> Result<Ast, RegexError> {
            let start = self.pos.saturating_sub(1);
            let Some(c) = self.peek() else {
                return Err(err("trailing backslash at end of expression", ""));
            };
            match c {
                'A' => {
                    self.pos += 1;
                    Ok(Ast::Look(Look::StartText))
                }
                'z' => {
                    self.pos += 1;
                    Ok(Ast::Look(Look::EndText))
                }
                'b' => {
                    self.pos += 1;
                    Ok(Ast::Look(Look::WordBoundary))
                }
                'B' => {
                    self.pos += 1;
                    Ok(Ast::Look(Look::NotWordBoundary))
                }
                'Q' => {
                    self.pos += 1;
                    let mut lits = Vec::new();
                    while let Some(c) = self.peek() {
                        if c == '\\' && self.peek_at(1) == Some('E') {
                            self.pos += 2;
                            break;
                        }
                        lits.push(self.literal(c));
                        self.pos += 1;
                    }
                    Ok(Ast::Concat(lits))
                }
                _ => {
                    let class = self.parse_escape_class(start)?;
                    Ok(Ast::Class(self.fold(class)))
                }
            }
        }

        /// Parses an escape that stands for a set of characters (`\d`, `\.`, `\x41`…); the
        /// cursor is on the character after `\`.
        fn parse_escape_class(&mut self, start: usize) -> Result<Class, RegexError> {
            let Some(c) = self.peek() else {
                return Err(err("trailing backslash at end of expression", ""));
            };
            self.pos += 1;
            let perl = |ranges: &[(char, char)], negated: bool| Class {
                ranges: ranges.to_vec(),
                negated,
            };
            const DIGIT: &[(char, char)] = &[('0', '9')];
            const SPACE: &[(char, char)] = &[('\t', '\n'), ('\u{c}', '\r'), (' ', ' ')];
            const WORD: &[(char, char)] = &[('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')];
            let single = |c: char| Ok(Class::single(c));
            match c {
                'd' => Ok(perl(DIGIT, false)),
                'D' => Ok(perl(DIGIT, true)),
                's' => Ok(perl(SPACE, false)),
                'S' => Ok(perl(SPACE, true)),
                'w' => Ok(perl(WORD, false)),
                'W' => Ok(perl(WORD, true)),
                'a' => single('\u{7}'),
                'f' => single('\u{c}'),
                't' => single('\t'),
                'n' => single('\n'),
                'r' => single('\r'),
                'v' => single('\u{b}'),
                'x' => {
                    let code = if self.peek() == Some('{') {
                        let s = self.pos + 1;
                        let mut p = s;
                        while self.chars.get(p).is_some_and(char::is_ascii_hexdigit) {
                            p += 1;
                        }
                        if self.chars.get(p) != Some(&'}') || p == s {
                            return Err(err(
                                "invalid escape sequence",
                                &self.slice(start, (p + 1).min(self.chars.len())),
                            ));
                        }
                        self.pos = p + 1;
                        u32::from_str_radix(&self.slice(s, p), 16).ok()
                    } else {
                        let h = self.slice(self.pos, self.pos + 2);
                        if h.chars().count() != 2 || !h.chars().all(|c| c.is_ascii_hexdigit()) {
                            return Err(err(
                                "invalid escape sequence",
                                &self.slice(start, self.pos + 2),
                            ));
                        }
                        self.pos += 2;
                        u32::from_str_radix(&h, 16).ok()
                    };
                    match code.and_then(char::from_u32) {
                        Some(c) => single(c),
                        None => Err(err("invalid escape sequence", &self.slice(start, self.pos))),
                    }
                }
                '0'..='7' => {
                    // Octal: `\0`, `\012`; a lone `\1`-`\7` would be a backreference.
                    if c != '0' && !self.peek().is_some_and(|d| ('0'..='7').contains(&d)) {
                        return Err(err("invalid escape sequence", &self.slice(start, self.pos)));
                    }
                    let mut v = c.to_digit(8).unwrap_or(0);
                    for _ in 0..2 {
                        match self.peek().and_then(|d| d.to_digit(8)) {
                            Some(d) => {
                                v = v * 8 + d;
                                self.pos += 1;
                            }
                            None => break,
                        }
                    }
                    single(char::from_u32(v).unwrap_or('\0'))
                }
                c if c.is_ascii() && !c.is_ascii_alphanumeric() => single(c),
                _ => Err(err("invalid escape sequence", &self.slice(start, self.pos))),
            }
        }

        /// Parses a bracketed class; the cursor is after `[`.
        fn parse_class(&mut self) -> Result<Class, RegexError> {
            let start = self.pos.saturating_sub(1);
            let mut negated = false;
            if self.peek() == Some('^') {
                negated = true;
                self.pos += 1;
            }
            let mut ranges: Vec<(char, char)> = Vec::new();
            let mut first = true;
            loop {
                let Some(c) = self.peek() else {
                    return Err(err("missing closing ]", &self.slice(start, self.pos)));
                };
                if c == ']' && !first {
                    self.pos += 1;
                    break;
                }
                first = false;
                if c == '[' && self.peek_at(1) == Some(':') {
                    if let Some(class) = self.parse_posix()? {
                        if class.negated {
                            ranges.extend(negate(&class.ranges));
                        } else {
                            ranges.extend(class.ranges);
                        }
                        continue;
                    }
                }
                let item_start = self.pos;
                let lo = self.class_char(start)?;
                let lo = match lo {
                    ClassItem::Set(class) => {
                        if class.negated {
                            ranges.extend(negate(&class.ranges));
                        } else {
                            ranges.extend(class.ranges);
                        }
                        continue;
                    }
                    ClassItem::Char(c) => c,
                };
                if self.peek() == Some('-') && self.peek_at(1).is_some_and(|c| c != ']') {
                    self.pos += 1;
                    let hi = match self.class_char(start)? {
                        ClassItem::Char(c) => c,
                        ClassItem::Set(_) => {
                            return Err(err(
                                "invalid character class range",
                                &self.slice(item_start, self.pos),
                            ));
                        }
                    };
                    if hi < lo {
                        return Err(err(
                            "invalid character class range",
                            &self.slice(item_start, self.pos),
                        ));
                    }
                    ranges.push((lo, hi));
                } else {
                    ranges.push((lo, lo));
                }
            }
            Ok(self.fold(Class { ranges, negated }))
        }

        fn parse_posix(&mut self) -> Result<Option<Class>, RegexError> {
            let rest = self.rest();
            // `rest` starts with `[:`; the name runs to the next `:]`.
            let Some(end) = rest.get(2..).and_then(|r| r.find(":]")).map(|e| e + 2) else {
                return Ok(None);
            };
            let body = rest.get(2..end).unwrap_or("");
            let (negated, name) = match body.strip_prefix('^') {
                Some(n) => (true, n),
                None => (false, body),
            };
            let ranges: &[(char, char)] = match name {
                "alnum" => &[('0', '9'), ('A', 'Z'), ('a', 'z')],
                "alpha" => &[('A', 'Z'), ('a', 'z')],
                "ascii" => &[('\0', '\u{7f}')],
                "blank" => &[('\t', '\t'), (' ', ' ')],
                "cntrl" => &[('\0', '\u{1f}'), ('\u{7f}', '\u{7f}')],
                "digit" => &[('0', '9')],
                "graph" => &[('!', '~')],
                "lower" => &[('a', 'z')],
                "print" => &[(' ', '~')],
                "punct" => &[('!', '/'), (':', '@'), ('[', '`'), ('{', '~')],
                "space" => &[('\t', '\r'), (' ', ' ')],
                "upper" => &[('A', 'Z')],
                "word" => &[('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')],
                "xdigit" => &[('0', '9'), ('A', 'F'), ('a', 'f')],
                _ => {
                    let frag = rest.get(..end + 2).unwrap_or(&rest);
                    return Err(err("invalid character class range", frag));
                }
            };
            self.pos += rest.get(..end + 2).unwrap_or(&rest).chars().count();
            Ok(Some(Class {
                ranges: ranges.to_vec(),
                negated,
            }))
        }

        fn class_char(&mut self, start: usize) -> Result<ClassItem, RegexError> {
            let Some(c) = self.peek() else {
                return Err(err("missing closing ]", &self.slice(start, self.pos)));
            };
            self.pos += 1;
            if c != '\\' {
                return Ok(ClassItem::Char(c));
            }
            let esc_start = self.pos - 1;
            let class = self.parse_escape_class(esc_start)?;
            if let [(a, b)] = class.ranges.as_slice() {
                if !class.negated && a == b {
                    return Ok(ClassItem::Char(*a));
                }
            }
            Ok(ClassItem::Set(class))
        }
    }

    enum ClassItem {
        Char(char),
        Set(Class),
    }

    fn negate(ranges: &[(char, char)]) -> Vec<(char, char)> {
        let mut sorted = ranges.to_vec();
        sorted.sort_unstable();
        let mut out = Vec::new();
        let mut next: u32 = 0;
        for (a, b) in sorted {
            if (a as u32) > next {
                push_range(&mut out, next, a as u32 - 1);
            }
            next = next.max(b as u32 + 1);
        }
        if next <= char::MAX as u32 {
            push_range(&mut out, next, char::MAX as u32);
        }
        out
    }

    /// Pushes `lo..=hi`, skipping the surrogate gap that `char` cannot hold.
    fn push_range(out: &mut Vec<(char, char)>, lo: u32, hi: u32) {
        let pieces = [(lo, hi.min(0xD7FF)), (lo.max(0xE000), hi)];
        for (a, b) in pieces {
            if a <= b {
                if let (Some(a), Some(b)) = (char::from_u32(a), char::from_u32(b)) {
                    out.push((a, b));
                }
            }
        }
    }

    #[derive(Clone, Debug)]
    enum Inst {
        Class(Class),
        Split(usize, usize),
        Jmp(usize),
        Look(Look),
        Match,
    }

    struct Compiler {
        prog: Vec<Inst>,
    }

    impl Compiler {
        fn push(&mut self, i: Inst) -> Result<usize, RegexError> {
            if self.prog.len() >= MAX_INSTS {
                return Err(RegexError(
                    "error parsing regexp: expression too large".to_owned(),
                ));
            }
            self.prog.push(i);
            Ok(self.prog.len() - 1)
        }

        fn set(&mut self, at: usize, i: Inst) {
            if let Some(slot) = self.prog.get_mut(at) {
                *slot = i;
            }
        }

        fn compile(&mut self, ast: &Ast) -> Result<(), RegexError> {
            match ast {
                Ast::Empty => Ok(()),
                Ast::Class(c) => self.push(Inst::Class(c.clone())).map(|_| ()),
                Ast::Look(l) => self.push(Inst::Look(*l)).map(|_| ()),
                Ast::Concat(items) => items.iter().try_for_each(|a| self.compile(a)),
                Ast::Alt(alts) => {
                    let mut jumps = Vec::new();
                    for (i, a) in alts.iter().enumerate() {
                        if i + 1 < alts.len() {
                            let split = self.push(Inst::Split(0, 0))?;
                            self.compile(a)?;
                            jumps.push(self.push(Inst::Jmp(0))?);
                            let next = self.prog.len();
                            self.set(split, Inst::Split(split + 1, next));
                        } else {
                            self.compile(a)?;
                        }
                    }
                    let end = self.prog.len();
                    for j in jumps {
                        self.set(j, Inst::Jmp(end));
                    }
                    Ok(())
                }
                Ast::Repeat { ast, min, max } => {
                    for _ in 0..*min {
                        self.compile(ast)?;
                    }
                    match max {
                        None => {
                            let split = self.push(Inst::Split(0, 0))?;
                            self.compile(ast)?;
                            self.push(Inst::Jmp(split))?;
                            let end = self.prog.len();
                            self.set(split, Inst::Split(split + 1, end));
                        }
                        Some(max) => {
                            let mut splits = Vec::new();
                            for _ in *min..*max {
                                splits.push(self.push(Inst::Split(0, 0))?);
                                self.compile(ast)?;
                            }
                            let end = self.prog.len();
                            for s in splits {
                                self.set(s, Inst::Split(s + 1, end));
                            }
                        }
                    }
                    Ok(())
                }
            }
        }
    }

    /// A compiled pattern.
    #[derive(Clone, Debug)]
    pub(crate) struct Regex {
        prog: Vec<Inst>,
    }

    fn is_word(c: Option<char>) -> bool {
        c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
    }

    impl Regex {
        /// Compiles `pattern` (Go's `regexp.Compile`).
        pub(crate) fn new(pattern: &str) -> Result<Regex, RegexError> {
            let mut p = Parser {
                src: pattern,
                chars: pattern.chars().collect(),
                pos: 0,
                flags: Flags::default(),
            };
            let ast = p.parse_alt(0)?;
            if p.peek() == Some(')') {
                return Err(err("unexpected )", pattern));
            }
            let mut c = Compiler { prog: Vec::new() };
            c.compile(&ast)?;
            c.push(Inst::Match)?;
            Ok(Regex { prog: c.prog })
        }

        /// Returns true if the pattern matches anywhere in `text` (Go's `MatchString`).
        pub(crate) fn is_match(&self, text: &str) -> bool {
            let chars: Vec<char> = text.chars().collect();
            let n = self.prog.len();
            let mut clist: Vec<usize> = Vec::new();
            let mut nlist: Vec<usize> = Vec::new();
            let mut mark = vec![usize::MAX; n];
            let mut stack: Vec<usize> = Vec::new();
            for i in 0..=chars.len() {
                let prev = i.checked_sub(1).and_then(|j| chars.get(j).copied());
                let cur = chars.get(i).copied();
                // Every position may start a match (unanchored search).
                if self.add(&mut clist, &mut mark, &mut stack, 0, i, prev, cur) {
                    return true;
                }
                let Some(c) = cur else {
                    break;
                };
                nlist.clear();
                let next = chars.get(i + 1).copied();
                for &pc in &clist {
                    if let Some(Inst::Class(cl)) = self.prog.get(pc) {
                        if cl.matches(c)
                            && self.add(
                                &mut nlist,
                                &mut mark,
                                &mut stack,
                                pc + 1,
                                i + 1,
                                Some(c),
                                next,
                            )
                        {
                            return true;
                        }
                    }
                }
                std::mem::swap(&mut clist, &mut nlist);
            }
            false
        }

        /// Adds `pc` and everything reachable from it without consuming a character to
        /// `list`; returns true if that reaches `Match`.
        #[allow(clippy::too_many_arguments)]
        fn add(
            &self,
            list: &mut Vec<usize>,
            mark: &mut [usize],
            stack: &mut Vec<usize>,
            pc: usize,
            pos: usize,
            prev: Option<char>,
            cur: Option<char>,
        ) -> bool {
            stack.clear();
            stack.push(pc);
            while let Some(pc) = stack.pop() {
                let Some(slot) = mark.get_mut(pc) else {
                    continue;
                };
                if *slot == pos {
                    continue;
                }
                *slot = pos;
                match self.prog.get(pc) {
                    Some(Inst::Match) => return true,
                    Some(Inst::Class(_)) => list.push(pc),
                    Some(Inst::Jmp(t)) => stack.push(*t),
                    Some(Inst::Split(a, b)) => {
                        stack.push(*b);
                        stack.push(*a);
                    }
                    Some(Inst::Look(l)) => {
                        let ok = match l {
                            Look::StartText => prev.is_none(),
                            Look::EndText => cur.is_none(),
                            Look::StartLine => prev.is_none() || prev == Some('\n'),
                            Look::EndLine => cur.is_none() || cur == Some('\n'),
                            Look::WordBoundary => is_word(prev) != is_word(cur),
                            Look::NotWordBoundary => is_word(prev) == is_word(cur),
                        };
                        if ok {
                            stack.push(pc + 1);
                        }
                    }
                    None => {}
                }
            }
            false
        }
    }

    #[cfg(test)]
    mod tests {
        use super::Regex;

        #[test]
        fn matches_like_go() {
            // (pattern, text, Go's regexp.MatchString)
            let cases: &[(&str, &str, bool)] = &[
                ("abc", "xabcx", true),
                ("^abc$", "abc", true),
                ("^abc$", "abcd", false),
                ("^(?:d.*2)$", "deploy2", true),
                ("^(?:d.*2)$", "deploy3", false),
                ("a|b", "b", true),
                ("^(?:a|bc)$", "bc", true),
                ("^(?:a|bc)$", "ac", false),
                ("colou?r", "color", true),
                ("^a{2,3}$", "aaa", true),
                ("^a{2,3}$", "aaaa", false),
                ("^a{2}$", "aa", true),
                ("^a{2,}$", "aaaaa", true),
                ("a{", "a{", true),
                ("^[a-c]+$", "abcab", true),
                ("^[^a-c]+$", "xyz", true),
                ("^[^a-c]+$", "xaz", false),
                (r"^\d+\.\d+$", "1.14", true),
                (r"^\w+$", "a_b9", true),
                (r"\bfoo\b", "a foo b", true),
                (r"\bfoo\b", "afoob", false),
                ("(?i)^abc$", "AbC", true),
                ("^(?i:a)b$", "Ab", true),
                ("^(?i:a)b$", "AB", false),
                ("^[[:digit:]]+$", "123", true),
                ("^.$", "\n", false),
                ("(?s)^.$", "\n", true),
                ("^$", "", true),
                ("", "anything", true),
                ("x*", "", true),
                ("^(a*)*$", "aaaa", true),
                ("^(a|a)*b$", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaac", false),
                (r"^1\.14.*", "1.14.2", true),
                ("^é+$", "éé", true),
                (r"\Qa.b\E", "a.b", true),
                (r"\Qa.b\E", "axb", false),
                ("(?P<n>x)", "x", true),
                (r"^\x41$", "A", true),
            ];
            for (pat, text, want) in cases {
                let re = Regex::new(pat).unwrap_or_else(|e| panic!("{pat}: {e:?}"));
                assert_eq!(re.is_match(text), *want, "{pat} on {text:?}");
            }
        }

        #[test]
        fn hostile_patterns_fail_cleanly() {
            let deep = "(".repeat(200) + &")".repeat(200);
            for pat in [
                "[[:]",
                "[[:",
                "(((((",
                "a{1000}{1000}{1000}",
                "[\\",
                deep.as_str(),
            ] {
                // Errors or matches, but never panics or runs away.
                let _ = Regex::new(pat).map(|re| re.is_match("aaaa"));
            }
            assert!(Regex::new(&deep).is_err());
            assert!(Regex::new("(a{1000}){1000}").is_err());
            // Linear time: a classic exponential-backtracking pattern on a long input.
            let long = "a".repeat(5000);
            assert!(!Regex::new("^(a|aa)*$b").unwrap().is_match(&long));
        }

        #[test]
        fn errors_like_go() {
            // Messages from Go 1.22 regexp.Compile.
            let cases: &[(&str, &str)] = &[
                (
                    "^(?:(d)$",
                    "error parsing regexp: missing closing ): `^(?:(d)$`",
                ),
                ("a)", "error parsing regexp: unexpected ): `a)`"),
                ("[a", "error parsing regexp: missing closing ]: `[a`"),
                (
                    "[z-a]",
                    "error parsing regexp: invalid character class range: `z-a`",
                ),
                (
                    "*a",
                    "error parsing regexp: missing argument to repetition operator: `*`",
                ),
                (
                    "a**",
                    "error parsing regexp: invalid nested repetition operator: `**`",
                ),
                (
                    "a{1001}",
                    "error parsing regexp: invalid repeat count: `{1001}`",
                ),
                (
                    r"\q",
                    "error parsing regexp: invalid escape sequence: `\\q`",
                ),
                (
                    "a\\",
                    "error parsing regexp: trailing backslash at end of expression: ``",
                ),
            ];
            for (pat, want) in cases {
                let e = Regex::new(pat).expect_err(pat);
                assert_eq!(e.0, *want, "{pat}");
            }
        }
    }
}

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
