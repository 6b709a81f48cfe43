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
use crate::yaml::{Mapping, Node, NodeKind, Scalar, ScalarStyle};

/// The file names kustomize looks for in a directory, in its order.
pub const KUSTOMIZATION_FILE_NAMES: [&str; 3] =
    ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// `apiVersion` of a `Kustomization`.
pub const KUSTOMIZATION_VERSION: &str = "kustomize.config.k8s.io/v1beta1";
/// `apiVersion` of a `Component`.
pub const COMPONENT_VERSION: &str = "kustomize.config.k8s.io/v1alpha1";

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
pub enum KustomizationKind {
    /// `kind: Kustomization` (or no kind).
    Kustomization,
    /// `kind: Component`.
    Component,
}

/// A string with the span it was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

/// Sort order requested by `sortOptions`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SortOrder {
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
pub struct Kustomization {
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
    pub warnings: Vec<String>,
}

impl Kustomization {
    /// Returns a kustomization holding only the fields of `root`, read from `file` without
    /// checks: how builtin plugin configs (`transformers:` entries) reuse the field code.
    pub fn synthetic(file: &Arc<SourceFile>, root: Mapping) -> Kustomization {
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
    pub fn field(&self, name: &str) -> Option<&Node> {
        field(&self.root, name)
    }

    /// Reads `sortOptions` (only the top kustomization's counts, so it is read on demand).
    pub fn sort_options(&self) -> Result<Option<Spanned<SortOrder>>> {
        sort_options(&self.file, &self.root)
    }

    /// Returns an error located at `span` in this kustomization file.
    pub fn error_at(&self, kind: ErrorKind, message: impl Into<String>, span: Span) -> Error {
        Error::at(kind, message, &self.file, span)
    }

    /// Returns an error located at the top-level field `name`, or naming only this file when
    /// the field is absent (a synthetic config has no position to give).
    pub fn error_at_field(&self, kind: ErrorKind, message: impl Into<String>, name: &str) -> Error {
        match self.field(name) {
            Some(n) => Error::at(kind, message, &self.file, n.span),
            None => Error::in_file(kind, message, &self.file),
        }
    }

    /// Returns the items of the list field `name`: none if the field is missing or null, and
    /// kustomize's `invalid Kustomization: 'name' must be a list` (at the field) if it is
    /// something else.
    pub fn list_field(&self, name: &str) -> Result<&[Node]> {
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

/// Finds a field of `m` by exact name, else by ASCII-case-insensitive name.
pub fn field<'a>(m: &'a Mapping, name: &str) -> Option<&'a Node> {
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
pub fn from_node(
    file: &Arc<SourceFile>,
    root: Option<Node>,
    dir_display: &str,
) -> Result<Kustomization> {
    let err = |msg: String, span: Span| Error::at(ErrorKind::Kustomization, msg, file, span);
    let root = match root {
        None => return Err(err("kustomization.yaml is empty".into(), Span::at(0))),
        Some(n) => n,
    };
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
    if let Some(v) = &api_version {
        if !v.value.is_empty() && v.value != required {
            return Err(err(
                format!(
                    "Failed to read kustomization file under {dir_display}: apiVersion for {kind_name} should be {required}"
                ),
                v.span,
            ));
        }
    }

    let mut warnings = Vec::new();
    const FIX: &str = "Run 'kustomize edit fix' to update your Kustomization automatically.";
    for (name, msg) in [
        (
            "bases",
            format!("# Warning: 'bases' is deprecated. Please use 'resources' instead. {FIX}"),
        ),
        (
            "commonLabels",
            format!("# Warning: 'commonLabels' is deprecated. Please use 'labels' instead. {FIX}"),
        ),
        (
            "imageTags",
            format!("# Warning: 'imageTags' is deprecated. Please use 'images' instead. {FIX}"),
        ),
        (
            "patchesJson6902",
            format!(
                "# Warning: 'patchesJson6902' is deprecated. Please use 'patches' instead. {FIX}"
            ),
        ),
        (
            "patchesStrategicMerge",
            format!(
                "# Warning: 'patchesStrategicMerge' is deprecated. Please use 'patches' instead. {FIX}"
            ),
        ),
        (
            "vars",
            format!(
                "# Warning: 'vars' is deprecated. Please use 'replacements' instead. [EXPERIMENTAL] {FIX}"
            ),
        ),
    ] {
        if field(&root, name).is_some_and(|n| !n.is_null()) {
            warnings.push(msg);
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
pub fn opt_string(
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

/// The JSON type `encoding/json` names in `cannot unmarshal X into …` for a kustomization
/// node, which kustomize types as go-yaml v2 does (sigs.k8s.io/yaml) before decoding: `three`
/// is a string, `true` a bool, `[1]` an array, `{a: 1}` an object ([`json_scalar`]). Every
/// kustomization decoder names types through this.
pub(crate) fn json_type(n: &Node) -> &'static str {
    match &n.kind {
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

/// A scalar as `YAMLToJSON` hands it to `encoding/json`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum JsonScalar {
    Null,
    Bool(bool),
    /// An integer (kept for map keys, which are stringified).
    Int(i128),
    /// A float.
    Float(f64),
    String,
}

/// Types a scalar as go-yaml v2 does for `YAMLToJSON`; timestamps and custom tags stay
/// strings (a plain `name: 2024-01-15` works in kustomize).
///
/// The tags are go-yaml v2's, which differ from v3's ([`crate::yaml::resolve::try_resolve_yaml11`]): the bare
/// `!` leaves the text a string (`name: ! 80` is "80"), and so does `!!binary`. A resolvable
/// tag is not checked against the text, which alone decides.
pub(crate) fn json_scalar(s: &Scalar) -> JsonScalar {
    let tag = short_tag(s);
    if indicated_string(s, tag.as_deref()) {
        return JsonScalar::String;
    }
    if tag.as_deref().is_some_and(|t| !resolvable_tag(t)) {
        return JsonScalar::String;
    }
    match crate::yaml::resolve::resolve_yaml11(&Scalar::plain(s.text.as_str())) {
        crate::yaml::resolve::Value::Null => JsonScalar::Null,
        crate::yaml::resolve::Value::Bool(b) => JsonScalar::Bool(b),
        crate::yaml::resolve::Value::Int(i) => JsonScalar::Int(i128::from(i)),
        crate::yaml::resolve::Value::UInt(u) => JsonScalar::Int(i128::from(u)),
        crate::yaml::resolve::Value::Float(f) => JsonScalar::Float(f),
        crate::yaml::resolve::Value::Str(_) => JsonScalar::String,
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

/// Reads an optional string field of a kustomization the way kustomize decodes it (YAML 1.1
/// typing into a Go `string`): `namePrefix: 5` or `namespace: yes` fail with Go's message,
/// naming `go_field` (e.g. `Kustomization.namePrefix`, `Image.images.newTag`).
pub fn typed_string(
    file: &Arc<SourceFile>,
    m: &Mapping,
    name: &str,
    go_field: &str,
) -> Result<Option<Spanned<String>>> {
    if let Some(n) = field(m, name) {
        if !n.is_null() {
            let ty = json_type(n);
            if ty != "string" {
                return Err(Error::at(
                    ErrorKind::Kustomization,
                    format!(
                        "invalid Kustomization: json: cannot unmarshal {ty} into Go struct field {go_field} of type string"
                    ),
                    file,
                    n.span,
                ));
            }
        }
    }
    opt_string(file, m, name)
}

/// Reads an optional list-of-strings field.
///
/// Values are typed as kustomize decodes them into a Go `[]string` at `go_field`: a value
/// that is no list, or an item that is a number, bool, list or map, fails with
/// `encoding/json`'s message (`cannot unmarshal bool into Go struct field
/// Kustomization.resources of type string`).
pub fn string_list(
    file: &Arc<SourceFile>,
    m: &Mapping,
    name: &str,
    go_field: &str,
) -> Result<Vec<Spanned<String>>> {
    let Some(n) = field(m, name) else {
        return Ok(Vec::new());
    };
    if n.is_null() {
        return Ok(Vec::new());
    }
    let Some(items) = n.as_sequence() else {
        return Err(go_type_error(file, go_field, "[]string", n));
    };
    items
        .iter()
        .map(|item| match (json_type(item), item.as_str()) {
            ("string" | "null", Some(s)) => Ok(Spanned {
                value: s.to_owned(),
                span: item.span,
            }),
            _ => Err(go_type_error(file, go_field, "string", item)),
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
    if let Some(o) = field(m, "order").filter(|o| !matches!(json_type(o), "string" | "null")) {
        return Err(go_type_error(
            file,
            "SortOptions.sortOptions.order",
            "types.SortOrder",
            o,
        ));
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

    /// Issue 14 item 10: decode errors name the YAML 1.1 type as encoding/json does (oracle:
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

    /// Issue 14 item 10: list fields are decoded as kustomize decodes a Go `[]string`
    /// (oracle: testdata/build/resources-error-not-a-list, resources-error-item-yes-is-bool).
    #[test]
    fn list_fields_fail_with_encoding_json_types() {
        let msg = |text: &str| load(text).err().map(|e| e.message().to_owned());
        assert_eq!(
            msg("resources: cm.yaml\n").as_deref(),
            Some(
                "invalid Kustomization: json: cannot unmarshal string into Go struct field Kustomization.resources of type []string"
            )
        );
        assert_eq!(
            msg("resources:\n- a.yaml\n- yes\n").as_deref(),
            Some(
                "invalid Kustomization: json: cannot unmarshal bool into Go struct field Kustomization.resources of type string"
            )
        );
        assert_eq!(msg("resources:\n- '5'\n- a.yaml\n"), None);
    }

    /// Issue 14 item 10: an error about a field points at it, or names only the file when
    /// the field is absent (never a fake `1:1`).
    #[test]
    fn field_errors_point_at_the_field_or_only_the_file() {
        let k = load("namePrefix: p-\ncommonLabels:\n  a: b\n").unwrap();
        let e = k.error_at_field(ErrorKind::DuplicateId, "dup", "commonLabels");
        assert_eq!(e.to_string(), "/k/kustomization.yaml:3:3: dup");
        let e = k.error_at_field(ErrorKind::DuplicateId, "dup", "vars");
        assert_eq!(e.to_string(), "/k/kustomization.yaml: dup");
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
        assert!(k.warnings[0].starts_with("# Warning: 'bases' is deprecated."));
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
