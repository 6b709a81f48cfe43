//! The kustomization file: finding it in a directory, and reading it into [`Kustomization`].
//!
//! Fields are read straight from the node tree, so every error names the file, line and
//! column of the offending field. Field names match as kustomize's `encoding/json` decoding
//! matches them: exactly, else ignoring ASCII case; unknown fields are an error
//! (api/types/kustomization.go `Unmarshal` uses `DisallowUnknownFields`).
//! This module may use `yaml`, `source`, `error` and `go`.

use std::sync::Arc;

use crate::error::{Error, ErrorKind, Result};
use crate::go;
use crate::source::{SourceFile, Span};
use crate::warning::{Warning, WarningKind};
use crate::yaml::resolve::{self, Value};
use crate::yaml::{Mapping, Node, NodeKind, Scalar, ScalarStyle};

/// The file names kustomize looks for in a directory, in its order.
pub(crate) const KUSTOMIZATION_FILE_NAMES: [&str; 3] =
    ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// `apiVersion` of a `Kustomization`.
pub(crate) const KUSTOMIZATION_VERSION: &str = "kustomize.config.k8s.io/v1beta1";
/// `apiVersion` of a `Component`.
pub(crate) const COMPONENT_VERSION: &str = "kustomize.config.k8s.io/v1alpha1";

/// Every top-level field of a kustomization (api/types/kustomization.go).
const FIELDS: [&str; 34] = [
    "apiVersion",
    "kind",
    "metadata",
    "openapi",
    "namePrefix",
    "nameSuffix",
    "namespace",
    "commonLabels",
    "labels",
    "commonAnnotations",
    "patchesStrategicMerge",
    "patchesJson6902",
    "patches",
    "images",
    "imageTags",
    "replacements",
    "replicas",
    "vars",
    "sortOptions",
    "resources",
    "components",
    "crds",
    "bases",
    "configMapGenerator",
    "secretGenerator",
    "helmGlobals",
    "helmCharts",
    "helmChartInflationGenerator",
    "generatorOptions",
    "configurations",
    "generators",
    "transformers",
    "validators",
    "buildMetadata",
];

/// Whether a kustomization file is a `Kustomization` or a `Component`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KustomizationKind {
    /// `kind: Kustomization` (or no kind).
    Kustomization,
    /// `kind: Component`.
    Component,
}

/// A string with the span it was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

/// Sort order requested by `sortOptions`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum SortOrder {
    /// Keep the order resources were accumulated in.
    Fifo,
    /// kustomize's legacy order, with optional custom first and last kind lists.
    Legacy {
        /// Kinds to put first, replacing the built-in list, if given.
        order_first: Option<Vec<String>>,
        /// Kinds to put last, replacing the built-in list, if given.
        order_last: Option<Vec<String>>,
    },
}

/// A parsed kustomization file. Fields whose semantics live in later stages keep their node.
#[derive(Clone, Debug)]
pub(crate) struct Kustomization {
    /// The file it was read from.
    pub file: Arc<SourceFile>,
    /// `Kustomization` or `Component`.
    pub kind: KustomizationKind,
    /// `resources` followed by the deprecated `bases`.
    pub resources: Vec<Spanned<String>>,
    /// `components`.
    pub components: Vec<Spanned<String>>,
    /// `crds`.
    pub crds: Vec<Spanned<String>>,
    /// `configurations`.
    pub configurations: Vec<Spanned<String>>,
    /// `generators`.
    pub generators: Vec<Spanned<String>>,
    /// `transformers`.
    pub transformers: Vec<Spanned<String>>,
    /// `validators`.
    pub validators: Vec<Spanned<String>>,
    /// `buildMetadata`.
    pub build_metadata: Vec<Spanned<String>>,
    /// The whole mapping, for fields read by later stages.
    pub root: Mapping,
    /// Deprecation warnings, as kustomize prints them.
    pub warnings: Vec<Warning>,
}

impl Kustomization {
    /// Returns a kustomization holding only the fields of `root`, read from `file` without
    /// checks: how builtin plugin configs (`transformers:` entries) reuse the field code.
    pub(crate) fn synthetic(file: &Arc<SourceFile>, root: Mapping) -> Kustomization {
        Kustomization {
            file: Arc::clone(file),
            kind: KustomizationKind::Kustomization,
            resources: Vec::new(),
            components: Vec::new(),
            crds: Vec::new(),
            configurations: Vec::new(),
            generators: Vec::new(),
            transformers: Vec::new(),
            validators: Vec::new(),
            build_metadata: Vec::new(),
            root,
            warnings: Vec::new(),
        }
    }

    /// Returns the node of a top-level field, matched as kustomize's decoder matches names.
    pub(crate) fn field(&self, name: &str) -> Option<&Node> {
        field(&self.root, name)
    }

    /// Reads `sortOptions` (only the top kustomization's counts, so it is read on demand).
    pub(crate) fn sort_options(&self) -> Result<Option<Spanned<SortOrder>>> {
        sort_options(&self.file, &self.root)
    }

    /// Returns an error located at `span` in this kustomization file.
    pub(crate) fn error_at(
        &self,
        kind: ErrorKind,
        message: impl Into<String>,
        span: Span,
    ) -> Error {
        Error::at(kind, message, &self.file, span)
    }

    /// Returns an error located at the top-level field `name`, or naming only this file when
    /// the field is absent (a synthetic config has no position to give).
    pub(crate) fn error_at_field(
        &self,
        kind: ErrorKind,
        message: impl Into<String>,
        name: &str,
    ) -> Error {
        match self.field(name) {
            Some(n) => Error::at(kind, message, &self.file, n.span),
            None => Error::in_file(kind, message, &self.file),
        }
    }

    /// Returns the items of the list field `name`: none if the field is missing or null, and
    /// kustomize's `invalid Kustomization: 'name' must be a list` (at the field) if it is
    /// something else.
    pub(crate) fn list_field(&self, name: &str) -> Result<&[Node]> {
        let Some(list) = self.field(name).filter(|n| !n.is_null()) else {
            return Ok(&[]);
        };
        match list.as_sequence() {
            Some(items) => Ok(items),
            None => Err(self.error_at(
                ErrorKind::Kustomization,
                format!("invalid Kustomization: '{name}' must be a list"),
                list.span,
            )),
        }
    }
}

/// Returns the name of the kustomization field `key` matches, as kustomize's decoder
/// matches names (exactly, else ignoring ASCII case).
pub(crate) fn field_name(key: &str) -> Option<&'static str> {
    FIELDS
        .iter()
        .find(|f| **f == key)
        .or_else(|| FIELDS.iter().find(|f| f.eq_ignore_ascii_case(key)))
        .copied()
}

/// Finds a field of `m` by exact name, else by ASCII-case-insensitive name.
pub(crate) fn field<'a>(m: &'a Mapping, name: &str) -> Option<&'a Node> {
    m.get(name).or_else(|| {
        m.entries
            .iter()
            .find(|e| e.key.as_str().is_some_and(|k| k.eq_ignore_ascii_case(name)))
            .map(|e| &e.value)
    })
}

/// Reads a kustomization from its parsed root node.
///
/// `dir_display` is the directory shown in kustomize's "Failed to read kustomization file
/// under DIR" message.
pub(crate) fn from_node(
    file: &Arc<SourceFile>,
    root: Option<Node>,
    dir_display: &str,
) -> Result<Kustomization> {
    let err = |msg: String, span: Span| Error::at(ErrorKind::Kustomization, msg, file, span);
    let root = match root {
        None => return Err(err("kustomization.yaml is empty".into(), Span::at(0))),
        Some(n) => n,
    };
    check_tags(file, &root)?;
    let span = root.span;
    let root = match root.kind {
        NodeKind::Mapping(m) => m,
        NodeKind::Scalar(s) if s.is_null() => {
            return Err(err("kustomization.yaml is empty".into(), span));
        }
        _ => {
            return Err(err(
                "invalid Kustomization: json: cannot unmarshal into Go value of type types.Kustomization; the file must be a mapping".into(),
                span,
            ));
        }
    };
    for e in &root.entries {
        let Some(k) = e.key.as_str() else {
            return Err(err(
                "invalid Kustomization: keys must be strings".into(),
                e.key.span,
            ));
        };
        if !FIELDS.iter().any(|f| f.eq_ignore_ascii_case(k)) {
            return Err(err(
                format!(
                    "invalid Kustomization: json: unknown field {}",
                    go::quote(k)
                ),
                e.key.span,
            ));
        }
    }
    // kustomize rejects a kustomization whose fields besides apiVersion and kind are all
    // unset or zero (types/kustomization.go CheckEmpty): `namePrefix: ""` alone is empty,
    // `resources: []` is not.
    let zero = |n: &Node| n.is_null() || n.as_str().is_some_and(str::is_empty);
    let is_type_meta =
        |k: &str| k.eq_ignore_ascii_case("apiVersion") || k.eq_ignore_ascii_case("kind");
    if root
        .entries
        .iter()
        .all(|e| e.key.as_str().is_some_and(is_type_meta) || zero(&e.value))
    {
        return Err(err("kustomization.yaml is empty".into(), span));
    }
    let kind_text = typed_string(file, &root, "kind", "Kustomization.kind")?;
    let api_version = typed_string(file, &root, "apiVersion", "Kustomization.apiVersion")?;
    let kind = match kind_text.as_ref().map(|s| s.value.as_str()) {
        None | Some("") | Some("Kustomization") => KustomizationKind::Kustomization,
        Some("Component") => KustomizationKind::Component,
        Some(_) => {
            let span = kind_text.as_ref().map(|s| s.span).unwrap_or(span);
            return Err(err(
                format!(
                    "Failed to read kustomization file under {dir_display}: kind should be Kustomization or Component"
                ),
                span,
            ));
        }
    };
    let (required, kind_name) = match kind {
        KustomizationKind::Kustomization => (KUSTOMIZATION_VERSION, "Kustomization"),
        KustomizationKind::Component => (COMPONENT_VERSION, "Component"),
    };
    if let Some(v) = &api_version
        && !v.value.is_empty()
        && v.value != required
    {
        return Err(err(
            format!(
                "Failed to read kustomization file under {dir_display}: apiVersion for {kind_name} should be {required}"
            ),
            v.span,
        ));
    }

    let mut warnings = Vec::new();
    const FIX: &str = "Run 'kustomize edit fix' to update your Kustomization automatically.";
    for (name, msg) in [
        (
            "bases",
            format!("'bases' is deprecated. Please use 'resources' instead. {FIX}"),
        ),
        (
            "commonLabels",
            format!("'commonLabels' is deprecated. Please use 'labels' instead. {FIX}"),
        ),
        (
            "imageTags",
            format!("'imageTags' is deprecated. Please use 'images' instead. {FIX}"),
        ),
        (
            "patchesJson6902",
            format!("'patchesJson6902' is deprecated. Please use 'patches' instead. {FIX}"),
        ),
        (
            "patchesStrategicMerge",
            format!("'patchesStrategicMerge' is deprecated. Please use 'patches' instead. {FIX}"),
        ),
        (
            "vars",
            format!(
                "'vars' is deprecated. Please use 'replacements' instead. [EXPERIMENTAL] {FIX}"
            ),
        ),
    ] {
        if field(&root, name).is_some_and(|n| !n.is_null()) {
            warnings.push(Warning::new(WarningKind::Deprecated, msg));
        }
    }

    let mut resources = string_list(file, &root, "resources", "Kustomization.resources")?;
    resources.extend(string_list(file, &root, "bases", "Kustomization.bases")?);
    let k = Kustomization {
        file: Arc::clone(file),
        kind,
        resources,
        components: string_list(file, &root, "components", "Kustomization.components")?,
        crds: string_list(file, &root, "crds", "Kustomization.crds")?,
        configurations: string_list(
            file,
            &root,
            "configurations",
            "Kustomization.configurations",
        )?,
        generators: string_list(file, &root, "generators", "Kustomization.generators")?,
        transformers: string_list(file, &root, "transformers", "Kustomization.transformers")?,
        validators: string_list(file, &root, "validators", "Kustomization.validators")?,
        build_metadata: string_list(file, &root, "buildMetadata", "Kustomization.buildMetadata")?,
        root,
        warnings,
    };
    Ok(k)
}

fn type_error(file: &Arc<SourceFile>, name: &str, want: &str, node: &Node) -> Error {
    let got = match &node.kind {
        NodeKind::Scalar(_) => "a scalar",
        NodeKind::Mapping(_) => "a mapping",
        NodeKind::Sequence(_) => "a list",
    };
    Error::at(
        ErrorKind::Kustomization,
        format!("invalid Kustomization: field '{name}' must be {want}, found {got}"),
        file,
        node.span,
    )
}

/// `encoding/json`'s `UnmarshalTypeError` for `node` decoded into the Go field `go_field`
/// (`Kustomization.resources`, `Patch.patches.path`) of type `go_type`.
fn go_type_error(file: &Arc<SourceFile>, go_field: &str, go_type: &str, node: &Node) -> Error {
    Error::at(
        ErrorKind::Kustomization,
        format!(
            "invalid Kustomization: json: cannot unmarshal {} into Go struct field {go_field} of type {go_type}",
            json_type(node)
        ),
        file,
        node.span,
    )
}

/// Reads an optional scalar field as a string.
pub(crate) fn opt_string(
    file: &Arc<SourceFile>,
    m: &Mapping,
    name: &str,
) -> Result<Option<Spanned<String>>> {
    match field(m, name) {
        None => Ok(None),
        Some(n) if n.is_null() => Ok(None),
        Some(n) => match n.as_str() {
            Some(s) => Ok(Some(Spanned {
                value: s.to_owned(),
                span: n.span,
            })),
            None => Err(type_error(file, name, "a string", n)),
        },
    }
}

/// Reads an optional string field of a kustomization the way kustomize decodes it (YAML 1.1
/// typing into a Go `string`): `namePrefix: 5` or `namespace: yes` fail with Go's message,
/// naming `go_field` (e.g. `Kustomization.namePrefix`, `Image.images.newTag`).
pub(crate) fn typed_string(
    file: &Arc<SourceFile>,
    m: &Mapping,
    name: &str,
    go_field: &str,
) -> Result<Option<Spanned<String>>> {
    let Some(n) = field(m, name) else {
        return Ok(None);
    };
    let value = match &n.kind {
        NodeKind::Scalar(s) => match json_scalar(s) {
            JsonScalar::Null => return Ok(None),
            // A `!!binary` text decodes to its bytes (go-yaml v2 `name: !!binary aGk=` is "hi").
            JsonScalar::String => match resolve::resolve_yaml11(s) {
                Value::Str(text) => Some(text.into_owned()),
                _ => Some(s.text.clone()),
            },
            _ => None,
        },
        _ => None,
    };
    match value {
        Some(value) => Ok(Some(Spanned {
            value,
            span: n.span,
        })),
        None => Err(invalid(
            file,
            unmarshal_message(json_type(n), go_field, "string"),
            n.span,
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// Typing: kustomize turns the file into JSON with `sigs.k8s.io/yaml` `YAMLToJSON` (go-yaml v2,
// YAML 1.1) and decodes that with `encoding/json` (api/types/kustomization.go `Unmarshal`).

/// A scalar as `YAMLToJSON` hands it to `encoding/json`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum JsonScalar {
    /// `null`, `~`, empty.
    Null,
    /// A boolean (YAML 1.1 spellings: `yes`, `On`...).
    Bool(bool),
    /// An integer (kept for map keys, which are stringified).
    Int(i128),
    /// A float.
    Float(f64),
    /// A string; the text is the scalar's.
    String,
}

/// Types a scalar as go-yaml v2 does for `YAMLToJSON`; timestamps and custom tags stay
/// strings (a plain `name: 2024-01-15` works in kustomize).
///
/// The tags are go-yaml v2's, which differ from v3's ([`crate::yaml::resolve::try_resolve_yaml11`]): the bare
/// `!` leaves the text a string (`name: ! 80` is "80"), and so does `!!binary`. A resolvable
/// tag was checked against the text when the file was read (`check_tags`); here the
/// text alone decides.
pub(crate) fn json_scalar(s: &Scalar) -> JsonScalar {
    let tag = short_tag(s);
    if indicated_string(s, tag.as_deref()) {
        return JsonScalar::String;
    }
    if tag.as_deref().is_some_and(|t| !resolvable_tag(t)) {
        return JsonScalar::String;
    }
    match resolve::resolve_yaml11(&Scalar::plain(s.text.as_str())) {
        Value::Null => JsonScalar::Null,
        Value::Bool(b) => JsonScalar::Bool(b),
        Value::Int(i) => JsonScalar::Int(i128::from(i)),
        Value::UInt(u) => JsonScalar::Int(i128::from(u)),
        Value::Float(f) => JsonScalar::Float(f),
        Value::Str(_) => JsonScalar::String,
    }
}

/// Returns the tag of `s` in short form (`tag:yaml.org,2002:int` → `!!int`), if it has one.
fn short_tag(s: &Scalar) -> Option<String> {
    s.tag
        .as_ref()
        .map(|t| match t.strip_prefix("tag:yaml.org,2002:") {
            Some(rest) => format!("!!{rest}"),
            None => t.clone(),
        })
}

/// Returns true if go-yaml treats the scalar as a string without looking at its text: a
/// `!!str` tag, or no tag (or `!`) and a quoted or block style (go-yaml v3 `indicatedString`).
fn indicated_string(s: &Scalar, tag: Option<&str>) -> bool {
    match tag {
        Some("!!str") => true,
        None | Some("!") => s.style != ScalarStyle::Plain,
        Some(_) => false,
    }
}

/// Returns true if `tag` is one go-yaml resolves by looking at the text (`resolvableTag`).
fn resolvable_tag(tag: &str) -> bool {
    matches!(
        tag,
        "!!str" | "!!bool" | "!!int" | "!!float" | "!!null" | "!!timestamp"
    )
}

/// Returns true if `node` is a scalar that becomes JSON `null`.
pub(crate) fn is_json_null(node: &Node) -> bool {
    matches!(&node.kind, NodeKind::Scalar(s) if matches!(json_scalar(s), JsonScalar::Null))
}

/// The JSON type `encoding/json` names in `cannot unmarshal X into …` for a kustomization
/// node, which kustomize types as go-yaml v2 does (sigs.k8s.io/yaml) before decoding: `three`
/// is a string, `true` a bool, `[1]` an array, `{a: 1}` an object ([`json_scalar`]). Every
/// kustomization decoder names types through this.
pub(crate) fn json_type(node: &Node) -> &'static str {
    match &node.kind {
        NodeKind::Mapping(_) => "object",
        NodeKind::Sequence(_) => "array",
        NodeKind::Scalar(s) => match json_scalar(s) {
            JsonScalar::Null => "null",
            JsonScalar::Bool(_) => "bool",
            JsonScalar::Int(_) | JsonScalar::Float(_) => "number",
            JsonScalar::String => "string",
        },
    }
}

/// Fails on the first scalar (in document order, keys included) whose explicit tag its text
/// does not fit, as `YAMLToJSON`'s go-yaml v2 decode does before any field is looked at:
/// `namePrefix: !!int abc` is `yaml: cannot decode !!str `abc` as a !!int`, and a
/// `!!binary` text must be base64. Then, as `YAMLToJSON` marshals what it decoded, a
/// `.nan` or `.inf` anywhere fails with `json: unsupported value: NaN` (oracle: `kubectl
/// kustomize` v5.5).
fn check_tags(file: &Arc<SourceFile>, root: &Node) -> Result<()> {
    let mut stack = vec![root];
    // `YAMLToJSON` then marshals the decoded file: a float JSON cannot hold fails it.
    let mut not_json: Option<(&'static str, Span)> = None;
    while let Some(n) = stack.pop() {
        match &n.kind {
            NodeKind::Scalar(s) => {
                if let (None, JsonScalar::Float(f)) = (not_json, json_scalar(s)) {
                    not_json = go::json_float(f).err().map(|v| (v, n.span));
                }
                let checked = short_tag(s)
                    .is_some_and(|t| t == "!!binary" || (resolvable_tag(&t) && t != "!!str"));
                if checked && let Err(e) = resolve::try_resolve_yaml11(s) {
                    return Err(invalid(file, format!("yaml: {}", e.message()), n.span));
                }
            }
            NodeKind::Mapping(m) => {
                stack.extend(m.entries.iter().rev().flat_map(|e| [&e.value, &e.key]));
            }
            NodeKind::Sequence(items) => stack.extend(items.iter().rev()),
        }
    }
    match not_json {
        Some((v, span)) => Err(invalid(file, format!("json: unsupported value: {v}"), span)),
        None => Ok(()),
    }
}

/// Decodes a node as `encoding/json` decodes it into a Go `bool` field named `go_field`
/// (`Label.labels.includeSelectors`): after `YAMLToJSON`, so YAML 1.1 booleans (`yes`, `On`,
/// `n`) count and `null` leaves the field unset (`None`). Returns `encoding/json`'s message
/// otherwise (`json: cannot unmarshal number into Go struct field … of type bool`).
pub(crate) fn decode_bool(
    node: &Node,
    go_field: &str,
) -> std::result::Result<Option<bool>, String> {
    if let NodeKind::Scalar(s) = &node.kind {
        match json_scalar(s) {
            JsonScalar::Null => return Ok(None),
            JsonScalar::Bool(b) => return Ok(Some(b)),
            _ => {}
        }
    }
    Err(unmarshal_message(json_type(node), go_field, "bool"))
}

/// Decodes a node as `encoding/json` decodes it into a Go `int64` field named `go_field`
/// (`Replica.replicas.count`), after `YAMLToJSON`: YAML 1.1 integers (`010` is 8, `0x10`,
/// `0o10`, `0b10`, `1_0`), floats with an integral value (`1e1`, `10.0`, written by
/// `encoding/json` as `10`), `null` or empty (`None`, the field stays 0). Other numbers fail
/// with their JSON text (`number 1.5`, `number 100000000000000000000`), infinities and NaN
/// with `json: unsupported value: +Inf`; `kubectl kustomize` v5.5 agrees on each (see the
/// fixtures `replicas-count-yaml11-*`).
pub(crate) fn decode_int64(
    node: &Node,
    go_field: &str,
) -> std::result::Result<Option<i64>, String> {
    let NodeKind::Scalar(s) = &node.kind else {
        return Err(unmarshal_message(json_type(node), go_field, "int64"));
    };
    let text = match json_scalar(s) {
        JsonScalar::Null => return Ok(None),
        JsonScalar::Int(i) => i.to_string(),
        JsonScalar::Float(f) => {
            go::json_float(f).map_err(|v| format!("json: unsupported value: {v}"))?
        }
        JsonScalar::Bool(_) | JsonScalar::String => {
            return Err(unmarshal_message(json_type(node), go_field, "int64"));
        }
    };
    text.parse::<i64>()
        .map(Some)
        .map_err(|_| unmarshal_message(&format!("number {text}"), go_field, "int64"))
}

/// `encoding/json`'s `UnmarshalTypeError` text.
pub(crate) fn unmarshal_message(json: &str, go_field: &str, go_type: &str) -> String {
    format!("json: cannot unmarshal {json} into Go struct field {go_field} of type {go_type}")
}

/// Reads an optional `bool` field of a kustomization entry as kustomize decodes it
/// ([`decode_bool`]); absent or `null` is `false`.
pub(crate) fn typed_bool(
    file: &Arc<SourceFile>,
    m: &Mapping,
    name: &str,
    go_field: &str,
) -> Result<bool> {
    match field(m, name) {
        None => Ok(false),
        Some(n) => decode_bool(n, go_field)
            .map(Option::unwrap_or_default)
            .map_err(|e| invalid(file, e, n.span)),
    }
}

/// Reads an optional `int64` field of a kustomization entry as kustomize decodes it
/// ([`decode_int64`]); absent or `null` is 0.
pub(crate) fn typed_int64(
    file: &Arc<SourceFile>,
    m: &Mapping,
    name: &str,
    go_field: &str,
) -> Result<i64> {
    match field(m, name) {
        None => Ok(0),
        Some(n) => decode_int64(n, go_field)
            .map(Option::unwrap_or_default)
            .map_err(|e| invalid(file, e, n.span)),
    }
}

/// An `invalid Kustomization: <message>` error at `span`.
pub(crate) fn invalid(file: &Arc<SourceFile>, message: String, span: Span) -> Error {
    Error::at(
        ErrorKind::Kustomization,
        format!("invalid Kustomization: {message}"),
        file,
        span,
    )
}

/// Reads an optional list-of-strings field as kustomize decodes a Go `[]string` named
/// `go_field` (`Kustomization.resources`): `null` is an empty list, a `null` item the empty
/// string, and a boolean or number item (`yes`, `1`) fails with `encoding/json`'s message.
pub(crate) fn string_list(
    file: &Arc<SourceFile>,
    m: &Mapping,
    name: &str,
    go_field: &str,
) -> Result<Vec<Spanned<String>>> {
    let Some(n) = field(m, name) else {
        return Ok(Vec::new());
    };
    if is_json_null(n) {
        return Ok(Vec::new());
    }
    let Some(items) = n.as_sequence() else {
        return Err(invalid(
            file,
            unmarshal_message(json_type(n), go_field, "[]string"),
            n.span,
        ));
    };
    items
        .iter()
        .map(|item| {
            let value = match &item.kind {
                NodeKind::Scalar(s) => match json_scalar(s) {
                    JsonScalar::String => Some(s.text.clone()),
                    JsonScalar::Null => Some(String::new()),
                    _ => None,
                },
                _ => None,
            };
            match value {
                Some(value) => Ok(Spanned {
                    value,
                    span: item.span,
                }),
                None => Err(invalid(
                    file,
                    unmarshal_message(json_type(item), go_field, "string"),
                    item.span,
                )),
            }
        })
        .collect()
}

fn sort_options(file: &Arc<SourceFile>, root: &Mapping) -> Result<Option<Spanned<SortOrder>>> {
    let Some(node) = field(root, "sortOptions") else {
        return Ok(None);
    };
    if node.is_null() {
        return Ok(None);
    }
    let Some(m) = node.as_mapping() else {
        return Err(go_type_error(
            file,
            "Kustomization.sortOptions",
            "types.SortOptions",
            node,
        ));
    };
    if let Some(o) = field(m, "order") {
        let is_text = matches!(&o.kind, NodeKind::Scalar(s)
            if matches!(json_scalar(s), JsonScalar::String | JsonScalar::Null));
        if !is_text {
            return Err(invalid(
                file,
                unmarshal_message(
                    json_type(o),
                    "SortOptions.sortOptions.order",
                    "types.SortOrder",
                ),
                o.span,
            ));
        }
    }
    let order = opt_string(file, m, "order")?;
    let legacy = field(m, "legacySortOptions").filter(|n| !n.is_null());
    let err = |msg: &str, span: Span| Error::at(ErrorKind::Kustomization, msg, file, span);
    let value = match order.as_ref().map(|o| o.value.as_str()) {
        Some("fifo") => {
            if let Some(l) = legacy {
                return Err(err(
                    "the field 'sortOptions.legacySortOptions' is set but the selected sort order is 'fifo', not 'legacy'",
                    l.span,
                ));
            }
            SortOrder::Fifo
        }
        Some("legacy") => {
            let (order_first, order_last) = match legacy {
                None => (None, None),
                Some(l) => {
                    let Some(lm) = l.as_mapping() else {
                        return Err(type_error(
                            file,
                            "sortOptions.legacySortOptions",
                            "a mapping",
                            l,
                        ));
                    };
                    let first = field(lm, "orderFirst")
                        .map(|_| {
                            string_list(
                                file,
                                lm,
                                "orderFirst",
                                "LegacySortOptions.sortOptions.legacySortOptions.orderFirst",
                            )
                        })
                        .transpose()?
                        .map(|v| v.into_iter().map(|s| s.value).collect());
                    let last = field(lm, "orderLast")
                        .map(|_| {
                            string_list(
                                file,
                                lm,
                                "orderLast",
                                "LegacySortOptions.sortOptions.legacySortOptions.orderLast",
                            )
                        })
                        .transpose()?
                        .map(|v| v.into_iter().map(|s| s.value).collect());
                    // With legacySortOptions given, a missing list is empty, not the default
                    // (SortOrderTransformer.go applyDefaults only fills a nil options struct).
                    (
                        first.or_else(|| Some(Vec::new())),
                        last.or_else(|| Some(Vec::new())),
                    )
                }
            };
            SortOrder::Legacy {
                order_first,
                order_last,
            }
        }
        _ => {
            let span = order.as_ref().map(|o| o.span).unwrap_or(node.span);
            return Err(err(
                "the field 'sortOptions.order' must be one of [fifo, legacy]",
                span,
            ));
        }
    };
    Ok(Some(Spanned {
        value,
        span: node.span,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse::{DuplicateKeys, ParseOptions, parse_single};

    /// Decode errors name the YAML 1.1 type as encoding/json does (oracle:
    /// testdata/build/replicas-error-count-*, name-prefix-error-list-is-array).
    #[test]
    fn decode_errors_name_the_yaml11_json_type() {
        let file = SourceFile::new(
            "/k/kustomization.yaml",
            "a: three\nb: true\nc: [1]\nd: {x: 1}\ne: 0x10\nf: ~\ng: yes\nh: '1'\n",
        );
        let root = parse_single(&file, ParseOptions::default())
            .unwrap()
            .unwrap();
        let m = root.as_mapping().unwrap();
        let types: Vec<&str> = m.entries.iter().map(|e| json_type(&e.value)).collect();
        assert_eq!(
            types,
            [
                "string", "bool", "array", "object", "number", "null", "bool", "string"
            ]
        );
    }

    /// Parses `count: <text>` and returns the value node.
    fn value_of(text: &str) -> Node {
        let file = SourceFile::new("/k/kustomization.yaml", format!("count: {text}\n"));
        let root = parse_single(&file, ParseOptions::default())
            .unwrap()
            .unwrap();
        root.as_mapping().unwrap().get("count").unwrap().clone()
    }

    /// The answers of `kubectl kustomize` v5.5 for `replicas[].count: <text>`.
    #[test]
    fn decode_int64_as_kustomize() {
        let f = "Replica.replicas.count";
        let ok: [(&str, Option<i64>); 14] = [
            ("010", Some(8)),
            ("0x10", Some(16)),
            ("-0x10", Some(-16)),
            ("0o10", Some(8)),
            ("0b1_0", Some(2)),
            ("1_0", Some(10)),
            ("1e1", Some(10)),
            ("10.", Some(10)),
            ("+5", Some(5)),
            ("08", Some(8)),
            ("9223372036854775807", Some(i64::MAX)),
            ("null", None),
            ("~", None),
            ("!!int \"3\"", Some(3)),
        ];
        for (text, want) in ok {
            assert_eq!(decode_int64(&value_of(text), f), Ok(want), "{text}");
        }
        let bad: [(&str, &str); 8] = [
            ("1.5", "number 1.5"),
            (".5", "number 0.5"),
            ("1e20", "number 100000000000000000000"),
            ("9223372036854775808", "number 9223372036854775808"),
            ("yes", "bool"),
            ("'3'", "string"),
            ("1:30", "string"),
            ("[1]", "array"),
        ];
        for (text, json) in bad {
            assert_eq!(
                decode_int64(&value_of(text), f),
                Err(format!(
                    "json: cannot unmarshal {json} into Go struct field {f} of type int64"
                )),
                "{text}"
            );
        }
        assert_eq!(
            decode_int64(&value_of(".inf"), f),
            Err("json: unsupported value: +Inf".to_owned())
        );
    }

    /// The answers of `kubectl kustomize` v5.5 for `labels[].includeSelectors: <text>`.
    #[test]
    fn decode_bool_as_kustomize() {
        let f = "Label.labels.includeSelectors";
        let cases: [(&str, std::result::Result<Option<bool>, &str>); 10] = [
            ("yes", Ok(Some(true))),
            ("On", Ok(Some(true))),
            ("TRUE", Ok(Some(true))),
            ("n", Ok(Some(false))),
            ("~", Ok(None)),
            ("!!bool \"true\"", Ok(Some(true))),
            ("tRUE", Err("string")),
            ("\"true\"", Err("string")),
            ("1", Err("number")),
            ("{}", Err("object")),
        ];
        for (text, want) in cases {
            let want = want.map_err(|json| {
                format!("json: cannot unmarshal {json} into Go struct field {f} of type bool")
            });
            assert_eq!(decode_bool(&value_of(text), f), want, "{text}");
        }
    }

    fn load(text: &str) -> Result<Kustomization> {
        let file = SourceFile::new("/k/kustomization.yaml", text);
        let opts = ParseOptions {
            duplicate_keys: DuplicateKeys::KeepLast,
            ..ParseOptions::default()
        };
        let root = parse_single(&file, opts)?;
        from_node(&file, root, "/k")
    }

    #[test]
    fn reads_lists_and_appends_bases() {
        let k = load("resources:\n- a.yaml\nbases:\n- ../base\n").unwrap();
        let r: Vec<_> = k.resources.iter().map(|s| s.value.as_str()).collect();
        assert_eq!(r, ["a.yaml", "../base"]);
        assert_eq!(k.warnings.len(), 1);
        assert!(
            k.warnings[0]
                .to_string()
                .starts_with("# Warning: 'bases' is deprecated.")
        );
    }

    #[test]
    fn rejects_unknown_fields_with_position() {
        let e = load("resources:\n- a.yaml\nfoo: 1\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "/k/kustomization.yaml:3:1: invalid Kustomization: json: unknown field \"foo\""
        );
    }

    #[test]
    fn field_names_match_case_insensitively() {
        let k = load("Resources:\n- a.yaml\n").unwrap();
        assert_eq!(k.resources.len(), 1);
    }

    #[test]
    fn checks_kind_and_api_version() {
        let e = load("kind: Foo\nnamePrefix: p-\n").unwrap_err();
        assert!(
            e.to_string()
                .contains("kind should be Kustomization or Component"),
            "{e}"
        );
        let e = load("apiVersion: v9\nresources: []\n").unwrap_err();
        assert!(
            e.to_string()
                .contains("apiVersion for Kustomization should be kustomize.config.k8s.io/v1beta1"),
            "{e}"
        );
        let k =
            load("apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: []\n")
                .unwrap();
        assert_eq!(k.kind, KustomizationKind::Component);
        assert!(
            load("")
                .unwrap_err()
                .to_string()
                .contains("kustomization.yaml is empty")
        );
    }

    #[test]
    fn sort_options() {
        let k = load("sortOptions:\n  order: fifo\n").unwrap();
        assert_eq!(k.sort_options().unwrap().unwrap().value, SortOrder::Fifo);
        let k = load(
            "sortOptions:\n  order: legacy\n  legacySortOptions:\n    orderFirst: [Service]\n",
        )
        .unwrap();
        assert_eq!(
            k.sort_options().unwrap().unwrap().value,
            SortOrder::Legacy {
                order_first: Some(vec!["Service".into()]),
                order_last: Some(vec![])
            }
        );
        let e = load("sortOptions:\n  legacySortOptions: {}\n")
            .unwrap()
            .sort_options()
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("'sortOptions.order' must be one of [fifo, legacy]")
        );
        let e = load("sortOptions:\n  order: fifo\n  legacySortOptions: {}\n")
            .unwrap()
            .sort_options()
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("is set but the selected sort order is 'fifo'")
        );
    }
}
