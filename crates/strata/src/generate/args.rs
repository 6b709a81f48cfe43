//! Generator arguments: one `configMapGenerator` or `secretGenerator` entry, and a
//! kustomization's `generatorOptions`, read the way kustomize reads them.
//!
//! kustomize turns the kustomization into JSON with `sigs.k8s.io/yaml` `YAMLToJSON` (go-yaml
//! v2 typing, keys sorted) and decodes it with `encoding/json` and `DisallowUnknownFields`
//! (api/types/kustomization.go `Unmarshal`). What follows, each checked with kustomize-ref:
//! - a field name matches exactly or ignoring ASCII case; of two keys naming one field the one
//!   that sorts last wins, except that maps and options merge (`labels` + `Labels`);
//! - an unknown field anywhere is `json: unknown field "foo"`;
//! - types are strict and YAML 1.1: `name: 123` and `literals: [yes]` fail, while
//!   `immutable: yes` is true; map keys are stringified (`yes:` becomes `"true"`);
//! - `null` leaves a string or boolean unchanged and empties a list, map or `options`;
//! - of several problems, the first in sorted key order is reported.
//!
//! Messages are v5.6's; v5.5 (an older Go) leaves the embedded struct names out of the field
//! path (`SecretArgs.secretGenerator.name` rather than `…secretGenerator.GeneratorArgs.name`).

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::error::{Error, ErrorKind, Result};
use crate::go;
use crate::kustomization::{JsonScalar, is_json_null, json_scalar, json_type};
use crate::source::{SourceFile, Span};
use crate::yaml::{Mapping, Node, NodeKind};

/// Which generator an entry belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum GeneratorKind {
    /// A `configMapGenerator` entry.
    ConfigMap,
    /// A `secretGenerator` entry.
    Secret,
}

impl GeneratorKind {
    /// Returns the kind of the generated object: `ConfigMap` or `Secret`.
    pub(crate) fn kind(self) -> &'static str {
        match self {
            GeneratorKind::ConfigMap => "ConfigMap",
            GeneratorKind::Secret => "Secret",
        }
    }

    /// Returns the kustomization field that lists generators of this kind.
    pub(crate) fn field(self) -> &'static str {
        match self {
            GeneratorKind::ConfigMap => "configMapGenerator",
            GeneratorKind::Secret => "secretGenerator",
        }
    }

    /// The Go type of one entry, as `encoding/json` names it in messages.
    fn go_args(self) -> &'static str {
        match self {
            GeneratorKind::ConfigMap => "ConfigMapArgs",
            GeneratorKind::Secret => "SecretArgs",
        }
    }
}

/// What a generated object does to an existing object with the same id
/// (api/types/generationbehavior.go).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) enum Behavior {
    /// No `behavior`, or one kustomize does not know (matching is exact: `Merge` is unknown).
    /// kustomize accepts it without complaint and treats it exactly like [`Behavior::Create`].
    #[default]
    Unspecified,
    /// `create`: add the object; an existing object with its id is an error.
    Create,
    /// `replace`: replace the existing object's content, keeping some of its metadata.
    Replace,
    /// `merge`: merge into the existing object.
    Merge,
}

impl Behavior {
    /// Reads a `behavior` value as kustomize's `NewGenerationBehavior` does.
    pub(crate) fn parse(text: &str) -> Behavior {
        match text {
            "create" => Behavior::Create,
            "replace" => Behavior::Replace,
            "merge" => Behavior::Merge,
            _ => Behavior::Unspecified,
        }
    }

    /// Returns kustomize's name for the behavior (`unspecified` for [`Behavior::Unspecified`]).
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Behavior::Unspecified => "unspecified",
            Behavior::Create => "create",
            Behavior::Replace => "replace",
            Behavior::Merge => "merge",
        }
    }

    /// Returns true for `merge` and `replace`, which need an existing object to edit.
    pub(crate) fn edits_existing(self) -> bool {
        matches!(self, Behavior::Replace | Behavior::Merge)
    }
}

/// One entry of `literals`, `files` or `envs`, with where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct KvSource {
    /// The text as written (`K=V`, `[key=]path`, or an env file path).
    pub text: String,
    /// Its span in the kustomization file.
    pub span: Span,
}

/// `generatorOptions`, or a generator entry's `options` (api/types/generatoroptions.go).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct GeneratorOptions {
    /// Labels added to the generated object.
    pub labels: BTreeMap<String, String>,
    /// Annotations added to the generated object.
    pub annotations: BTreeMap<String, String>,
    /// When true, no content hash is appended to the name.
    pub disable_name_suffix_hash: bool,
    /// When true, `immutable: true` is set on the object.
    pub immutable: bool,
}

impl GeneratorOptions {
    /// Reads a kustomization's top-level `generatorOptions` from its node, if present and not
    /// null. `file` is the kustomization file, for error locations.
    pub(crate) fn from_kustomization(
        file: &Arc<SourceFile>,
        node: Option<&Node>,
    ) -> Result<Option<GeneratorOptions>> {
        let Some(node) = node.filter(|n| !is_json_null(n)) else {
            return Ok(None);
        };
        let mut options = GeneratorOptions::default();
        Decoder { file }.options(
            node,
            "Kustomization",
            "generatorOptions",
            "generatorOptions",
            &mut options,
        )?;
        Ok(Some(options))
    }

    /// Returns these (per-entry) options combined with the kustomization's `generatorOptions`
    /// as kustomize's `MergeGlobalOptionsIntoLocal` does: a local label or annotation beats a
    /// global one with the same key, and a boolean is true if either is (a local `false`
    /// cannot override a global `true`).
    pub(crate) fn with_global(&self, global: Option<&GeneratorOptions>) -> GeneratorOptions {
        let mut merged = self.clone();
        if let Some(g) = global {
            for (k, v) in &g.labels {
                merged.labels.entry(k.clone()).or_insert_with(|| v.clone());
            }
            for (k, v) in &g.annotations {
                merged
                    .annotations
                    .entry(k.clone())
                    .or_insert_with(|| v.clone());
            }
            merged.disable_name_suffix_hash |= g.disable_name_suffix_hash;
            merged.immutable |= g.immutable;
        }
        merged
    }
}

/// One `configMapGenerator` or `secretGenerator` entry (api/types/generatorargs.go,
/// kvpairsources.go, secretargs.go).
#[derive(Clone, Debug)]
pub(crate) struct GeneratorArgs {
    /// Which generator the entry came from.
    pub kind: GeneratorKind,
    /// `name`: the object's name before prefixes, suffixes and the hash ("" if unset; an
    /// error only when generating).
    pub name: String,
    /// `namespace` ("" if unset).
    pub namespace: String,
    /// `behavior`.
    pub behavior: Behavior,
    /// `literals`: `K=V` pairs.
    pub literals: Vec<KvSource>,
    /// `files`: `path` or `key=path`.
    pub files: Vec<KvSource>,
    /// `envs`, followed by the deprecated singular `env` if set (kustomize's
    /// `FixKustomization` appends it).
    pub envs: Vec<KvSource>,
    /// `options`, not yet combined with `generatorOptions`.
    pub options: GeneratorOptions,
    /// `type` of a Secret ("" if unset, which generates `Opaque`); always "" for a ConfigMap.
    pub secret_type: String,
    /// The span of the whole entry.
    pub span: Span,
    /// The kustomization file the entry was read from.
    pub file: Arc<SourceFile>,
}

impl GeneratorArgs {
    /// Reads one entry of `configMapGenerator` or `secretGenerator` (as `kind` says) from its
    /// node in `file`.
    pub(crate) fn from_node(
        file: &Arc<SourceFile>,
        kind: GeneratorKind,
        node: &Node,
    ) -> Result<Self> {
        let mut args = GeneratorArgs {
            kind,
            name: String::new(),
            namespace: String::new(),
            behavior: Behavior::Unspecified,
            literals: Vec::new(),
            files: Vec::new(),
            envs: Vec::new(),
            options: GeneratorOptions::default(),
            secret_type: String::new(),
            span: node.span,
            file: Arc::clone(file),
        };
        let d = Decoder { file };
        let st = kind.go_args();
        let m = match &node.kind {
            NodeKind::Mapping(m) => m,
            _ if is_json_null(node) => return Ok(args),
            _ => {
                let ty = format!("types.{st}");
                return Err(d.type_error(node, "Kustomization", kind.field(), &ty));
            }
        };
        let gen_args = format!("{}.GeneratorArgs", kind.field());
        let kv = format!("{gen_args}.KvPairSources");
        let mut behavior = String::new();
        let mut env = None;
        let known: &[&str] = match kind {
            GeneratorKind::ConfigMap => &FIELDS[..FIELDS.len() - 1],
            GeneratorKind::Secret => &FIELDS,
        };
        d.object(m, known, |name, value| match name {
            "name" => d.string(value, st, &format!("{gen_args}.name"), &mut args.name),
            "namespace" => d.string(
                value,
                st,
                &format!("{gen_args}.namespace"),
                &mut args.namespace,
            ),
            "behavior" => d.string(value, st, &format!("{gen_args}.behavior"), &mut behavior),
            "literals" => d.list(value, st, &format!("{kv}.literals"), &mut args.literals),
            "files" => d.list(value, st, &format!("{kv}.files"), &mut args.files),
            "envs" => d.list(value, st, &format!("{kv}.envs"), &mut args.envs),
            "env" => {
                let mut text = env
                    .as_ref()
                    .map_or_else(String::new, |e: &KvSource| e.text.clone());
                d.string(value, st, &format!("{kv}.env"), &mut text)?;
                env = Some(KvSource {
                    text,
                    span: value.span,
                });
                Ok(())
            }
            "options" => {
                let inner = format!("{gen_args}.options");
                d.options(value, st, &inner, &inner, &mut args.options)
            }
            _ => d.string(
                value,
                st,
                &format!("{}.type", kind.field()),
                &mut args.secret_type,
            ),
        })?;
        args.behavior = Behavior::parse(&behavior);
        if let Some(env) = env.filter(|e| !e.text.is_empty()) {
            args.envs.push(env);
        }
        Ok(args)
    }

    /// Returns an error located at `span` of the kustomization file this entry came from.
    pub(crate) fn error_at(
        &self,
        kind: ErrorKind,
        message: impl Into<String>,
        span: Span,
    ) -> Error {
        Error::at(kind, message, &self.file, span)
    }
}

/// Every field of an entry; `type` (last) only for a Secret.
pub(crate) const FIELDS: [&str; 9] = [
    "name",
    "namespace",
    "behavior",
    "literals",
    "files",
    "envs",
    "env",
    "options",
    "type",
];

/// Reads every entry of a `configMapGenerator` or `secretGenerator` field, given the field's
/// node (`None` or null: no entries).
pub(crate) fn read_generators(
    file: &Arc<SourceFile>,
    kind: GeneratorKind,
    field: Option<&Node>,
) -> Result<Vec<GeneratorArgs>> {
    let Some(node) = field.filter(|n| !is_json_null(n)) else {
        return Ok(Vec::new());
    };
    let Some(items) = node.as_sequence() else {
        let ty = format!("[]types.{}", kind.go_args());
        return Err(Decoder { file }.type_error(node, "Kustomization", kind.field(), &ty));
    };
    items
        .iter()
        .map(|item| GeneratorArgs::from_node(file, kind, item))
        .collect()
}

/// Decodes parts of one kustomization file.
struct Decoder<'a> {
    file: &'a Arc<SourceFile>,
}

impl Decoder<'_> {
    fn error(&self, message: String, span: Span) -> Error {
        Error::at(
            ErrorKind::Kustomization,
            format!("invalid Kustomization: {message}"),
            self.file,
            span,
        )
    }

    /// `encoding/json`'s `UnmarshalTypeError` text for `node` landing in a field of Go type
    /// `go_type`, at `go_struct.path`.
    fn type_error(&self, node: &Node, go_struct: &str, path: &str, go_type: &str) -> Error {
        self.error(
            format!(
                "json: cannot unmarshal {} into Go struct field {go_struct}.{path} of type {go_type}",
                json_type(node)
            ),
            node.span,
        )
    }

    /// The JSON text of a mapping key: sigs.k8s.io/yaml stringifies v2-typed keys (`yes` →
    /// `true`, `0x10` → `16`, floats as [`go::yaml_float_key`]); a null key fails.
    fn key(&self, key: &Node, value: &Node) -> Result<String> {
        let NodeKind::Scalar(s) = &key.kind else {
            return Err(self.error(
                "unsupported map key: a mapping or list cannot be a key".into(),
                key.span,
            ));
        };
        match json_scalar(s) {
            JsonScalar::String => Ok(s.text.clone()),
            JsonScalar::Bool(b) => Ok(b.to_string()),
            JsonScalar::Int(i) => Ok(i.to_string()),
            JsonScalar::Float(f) => Ok(go::yaml_float_key(f)),
            JsonScalar::Null => {
                let shown = match value.as_str() {
                    Some(v) => go::quote(v),
                    None => "...".to_owned(),
                };
                Err(self.error(
                    format!("unsupported map key of type: %!s(<nil>), key: <nil>, value: {shown}"),
                    key.span,
                ))
            }
        }
    }

    /// Walks an object's entries in the order `encoding/json` sees them (keys sorted bytewise),
    /// handing each known field (by its canonical name) and value to `f`; the first unknown
    /// field or error from `f` ends the walk.
    fn object<'n>(
        &self,
        m: &'n Mapping,
        known: &[&'static str],
        mut f: impl FnMut(&'static str, &'n Node) -> Result<()>,
    ) -> Result<()> {
        let mut entries = Vec::with_capacity(m.len());
        for e in &m.entries {
            entries.push((self.key(&e.key, &e.value)?, e));
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        for (key, e) in entries {
            match known.iter().find(|k| k.eq_ignore_ascii_case(&key)) {
                Some(name) => f(name, &e.value)?,
                None => {
                    return Err(self.error(
                        format!("json: unknown field {}", go::quote(&key)),
                        e.key.span,
                    ));
                }
            }
        }
        Ok(())
    }

    /// A `string` field: null leaves it unchanged.
    fn string(&self, node: &Node, st: &str, path: &str, slot: &mut String) -> Result<()> {
        match &node.kind {
            NodeKind::Scalar(s) => match json_scalar(s) {
                JsonScalar::Null => Ok(()),
                JsonScalar::String => {
                    slot.clone_from(&s.text);
                    Ok(())
                }
                _ => Err(self.type_error(node, st, path, "string")),
            },
            _ => Err(self.type_error(node, st, path, "string")),
        }
    }

    /// A `bool` field: null leaves it unchanged.
    fn bool(&self, node: &Node, st: &str, path: &str, slot: &mut bool) -> Result<()> {
        match &node.kind {
            NodeKind::Scalar(s) => match json_scalar(s) {
                JsonScalar::Null => Ok(()),
                JsonScalar::Bool(b) => {
                    *slot = b;
                    Ok(())
                }
                _ => Err(self.type_error(node, st, path, "bool")),
            },
            _ => Err(self.type_error(node, st, path, "bool")),
        }
    }

    /// A `[]string` field: an array replaces it, null empties it, a null item is "".
    fn list(&self, node: &Node, st: &str, path: &str, slot: &mut Vec<KvSource>) -> Result<()> {
        if is_json_null(node) {
            slot.clear();
            return Ok(());
        }
        let Some(items) = node.as_sequence() else {
            return Err(self.type_error(node, st, path, "[]string"));
        };
        slot.clear();
        for item in items {
            let mut text = String::new();
            self.string(item, st, path, &mut text)?;
            slot.push(KvSource {
                text,
                span: item.span,
            });
        }
        Ok(())
    }

    /// A `map[string]string` field: an object adds to it (a Go map is reused), null empties
    /// it, a null value is "".
    fn map(
        &self,
        node: &Node,
        st: &str,
        path: &str,
        slot: &mut BTreeMap<String, String>,
    ) -> Result<()> {
        if is_json_null(node) {
            slot.clear();
            return Ok(());
        }
        let NodeKind::Mapping(m) = &node.kind else {
            return Err(self.type_error(node, st, path, "map[string]string"));
        };
        let mut entries = Vec::with_capacity(m.len());
        for e in &m.entries {
            entries.push((self.key(&e.key, &e.value)?, &e.value));
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        for (key, value) in entries {
            let mut text = String::new();
            self.string(value, st, path, &mut text)?;
            slot.insert(key, text);
        }
        Ok(())
    }

    /// A `*GeneratorOptions` field at `outer_struct.outer_path`; its own fields are reported
    /// as `GeneratorOptions.<inner>.<field>`. An object decodes into the existing options, null
    /// resets them.
    fn options(
        &self,
        node: &Node,
        outer_struct: &str,
        outer_path: &str,
        inner: &str,
        slot: &mut GeneratorOptions,
    ) -> Result<()> {
        if is_json_null(node) {
            *slot = GeneratorOptions::default();
            return Ok(());
        }
        let NodeKind::Mapping(m) = &node.kind else {
            return Err(self.type_error(node, outer_struct, outer_path, "types.GeneratorOptions"));
        };
        const OPTIONS: [&str; 4] = [
            "labels",
            "annotations",
            "disableNameSuffixHash",
            "immutable",
        ];
        let st = "GeneratorOptions";
        self.object(m, &OPTIONS, |name, value| {
            let path = format!("{inner}.{name}");
            match name {
                "labels" => self.map(value, st, &path, &mut slot.labels),
                "annotations" => self.map(value, st, &path, &mut slot.annotations),
                "disableNameSuffixHash" => {
                    self.bool(value, st, &path, &mut slot.disable_name_suffix_hash)
                }
                _ => self.bool(value, st, &path, &mut slot.immutable),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse::{DuplicateKeys, ParseOptions, parse_single};

    fn parse(text: &str) -> (Arc<SourceFile>, Node) {
        let file = SourceFile::new("/k/kustomization.yaml", text);
        let opts = ParseOptions {
            duplicate_keys: DuplicateKeys::KeepLast,
            ..ParseOptions::default()
        };
        let root = parse_single(&file, opts).unwrap().unwrap();
        (file, root)
    }

    /// Reads the kustomization's generators of both kinds and its generatorOptions.
    fn read(text: &str) -> Result<(Vec<GeneratorArgs>, Option<GeneratorOptions>)> {
        let (file, root) = parse(text);
        let m = root.as_mapping().unwrap();
        let global = GeneratorOptions::from_kustomization(&file, m.get("generatorOptions"))?;
        let mut all =
            read_generators(&file, GeneratorKind::ConfigMap, m.get("configMapGenerator"))?;
        all.extend(read_generators(
            &file,
            GeneratorKind::Secret,
            m.get("secretGenerator"),
        )?);
        Ok((all, global))
    }

    fn texts(sources: &[KvSource]) -> Vec<&str> {
        sources.iter().map(|s| s.text.as_str()).collect()
    }

    #[test]
    fn reads_every_field() {
        let (args, global) = read(
            "generatorOptions:\n  labels: {team: web}\n  disableNameSuffixHash: true\n\
             configMapGenerator:\n- name: a\n  namespace: ns\n  behavior: merge\n  literals: [A=1, 'B=2']\n  files: [f.txt, k=g.txt]\n  envs: [a.env]\n  env: b.env\n  options:\n    labels: {x: z}\n    annotations: {note: v}\n    immutable: yes\n\
             secretGenerator:\n- name: s\n  type: kubernetes.io/tls\n",
        )
        .unwrap();
        let a = &args[0];
        assert_eq!(a.kind, GeneratorKind::ConfigMap);
        assert_eq!((a.name.as_str(), a.namespace.as_str()), ("a", "ns"));
        assert_eq!(a.behavior, Behavior::Merge);
        assert_eq!(texts(&a.literals), ["A=1", "B=2"]);
        assert_eq!(texts(&a.files), ["f.txt", "k=g.txt"]);
        // `env` goes after `envs` (kustomize's FixKustomization).
        assert_eq!(texts(&a.envs), ["a.env", "b.env"]);
        assert_eq!(a.options.labels["x"], "z");
        assert_eq!(a.options.annotations["note"], "v");
        // `yes` is a YAML 1.1 boolean to sigs.k8s.io/yaml (kustomize-ref case typ3).
        assert!(a.options.immutable);
        assert!(!a.options.disable_name_suffix_hash);
        let s = &args[1];
        assert_eq!(s.kind, GeneratorKind::Secret);
        assert_eq!(s.secret_type, "kubernetes.io/tls");
        assert_eq!(s.behavior, Behavior::Unspecified);
        let g = global.unwrap();
        assert!(g.disable_name_suffix_hash);
        assert_eq!(g.labels["team"], "web");
        // Spans point at the items.
        let (file, _) = parse("configMapGenerator:\n- name: a\n  literals:\n  - A=1\n");
        let (args, _) = read(&file.text).unwrap();
        let span = args[0].literals[0].span;
        assert_eq!(file.line_col(span.start).to_string(), "4:5");
    }

    #[test]
    fn decodes_like_encoding_json() {
        // kustomize-ref cases g8/g9 (name vs Name: the last in sorted order wins), kc4 (maps
        // merge), kc5 (lists replace), kc6/kc7 (options merge; null resets), p4 (nulls),
        // t7 (a timestamp is a string), p1/p3 (null items and values are "").
        let (args, _) = read(
            "configMapGenerator:\n\
             - name: a\n  Name: b\n  literals: [A=1]\n  Literals: [B=1]\n  options:\n    labels: {a: x1, A: y1}\n    Labels: {b: z1, l: ~}\n\
             - Options: {labels: {a: x1}}\n  options: null\n  name: 2024-01-15\n  behavior: Merge\n\
             - name: c\n  literals: [null]\n  namespace: ~\n  files: ~\n  env: ~\n",
        )
        .unwrap();
        assert_eq!(args[0].name, "a");
        assert_eq!(texts(&args[0].literals), ["A=1"]);
        let labels: Vec<_> = args[0]
            .options
            .labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        assert_eq!(labels, ["A=y1", "a=x1", "b=z1", "l="]);
        assert_eq!(args[1].options, GeneratorOptions::default());
        assert_eq!(args[1].name, "2024-01-15");
        assert_eq!(args[1].behavior, Behavior::Unspecified);
        assert_eq!(texts(&args[2].literals), [""]);
        assert!(args[2].envs.is_empty());
        // Null entries and null fields are empty.
        let (args, g) =
            read("configMapGenerator: [~]\ngeneratorOptions: ~\nsecretGenerator: ~\n").unwrap();
        assert_eq!(args.len(), 1);
        assert_eq!(args[0].name, "");
        assert!(g.is_none());
    }

    #[test]
    fn errors_match_kustomize() {
        // Every message from kustomize-ref (v5.6) on the same kustomization (2026-12-01).
        let cases = [
            (
                "configMapGenerator:\n- name: a\n  foo: 1\n",
                "3:3",
                r#"json: unknown field "foo""#,
            ),
            (
                "configMapGenerator:\n- name: a\n  options:\n    foo: 1\n",
                "4:5",
                r#"json: unknown field "foo""#,
            ),
            (
                "generatorOptions:\n  foo: 1\n",
                "2:3",
                r#"json: unknown field "foo""#,
            ),
            (
                "configMapGenerator:\n- name: a\n  type: Opaque\n",
                "3:3",
                r#"json: unknown field "type""#,
            ),
            (
                "configMapGenerator:\n- name: c\n  yes: 1\n",
                "3:3",
                r#"json: unknown field "true""#,
            ),
            (
                "configMapGenerator:\n- name: 123\n",
                "2:9",
                "json: cannot unmarshal number into Go struct field ConfigMapArgs.configMapGenerator.GeneratorArgs.name of type string",
            ),
            (
                "configMapGenerator:\n- name: yes\n",
                "2:9",
                "json: cannot unmarshal bool into Go struct field ConfigMapArgs.configMapGenerator.GeneratorArgs.name of type string",
            ),
            (
                "secretGenerator:\n- name: 1.5\n",
                "2:9",
                "json: cannot unmarshal number into Go struct field SecretArgs.secretGenerator.GeneratorArgs.name of type string",
            ),
            (
                "secretGenerator:\n- name: a\n  type: 5\n",
                "3:9",
                "json: cannot unmarshal number into Go struct field SecretArgs.secretGenerator.type of type string",
            ),
            (
                "configMapGenerator:\n- name: a\n  literals: [yes]\n",
                "3:14",
                "json: cannot unmarshal bool into Go struct field ConfigMapArgs.configMapGenerator.GeneratorArgs.KvPairSources.literals of type string",
            ),
            (
                "configMapGenerator:\n- name: a\n  literals: A=1\n",
                "3:13",
                "json: cannot unmarshal string into Go struct field ConfigMapArgs.configMapGenerator.GeneratorArgs.KvPairSources.literals of type []string",
            ),
            (
                "configMapGenerator:\n- name: a\n  literals: [A=1, {x: 1}]\n",
                "3:19",
                "json: cannot unmarshal object into Go struct field ConfigMapArgs.configMapGenerator.GeneratorArgs.KvPairSources.literals of type string",
            ),
            (
                "secretGenerator:\n- name: a\n  envs: a.env\n",
                "3:9",
                "json: cannot unmarshal string into Go struct field SecretArgs.secretGenerator.GeneratorArgs.KvPairSources.envs of type []string",
            ),
            (
                "configMapGenerator:\n- name: a\n  env: 5\n",
                "3:8",
                "json: cannot unmarshal number into Go struct field ConfigMapArgs.configMapGenerator.GeneratorArgs.KvPairSources.env of type string",
            ),
            (
                "configMapGenerator:\n- name: a\n  behavior: 1\n",
                "3:13",
                "json: cannot unmarshal number into Go struct field ConfigMapArgs.configMapGenerator.GeneratorArgs.behavior of type string",
            ),
            (
                "configMapGenerator:\n- name: a\n  options: [1]\n",
                "3:12",
                "json: cannot unmarshal array into Go struct field ConfigMapArgs.configMapGenerator.GeneratorArgs.options of type types.GeneratorOptions",
            ),
            (
                "configMapGenerator:\n- name: a\n  options:\n    labels: {x: 1}\n",
                "4:17",
                "json: cannot unmarshal number into Go struct field GeneratorOptions.configMapGenerator.GeneratorArgs.options.labels of type string",
            ),
            (
                "configMapGenerator:\n- name: a\n  options:\n    labels: [x]\n",
                "4:13",
                "json: cannot unmarshal array into Go struct field GeneratorOptions.configMapGenerator.GeneratorArgs.options.labels of type map[string]string",
            ),
            (
                "configMapGenerator:\n- name: a\n  options:\n    disableNameSuffixHash: \"true\"\n",
                "4:28",
                "json: cannot unmarshal string into Go struct field GeneratorOptions.configMapGenerator.GeneratorArgs.options.disableNameSuffixHash of type bool",
            ),
            (
                "secretGenerator:\n- name: a\n  options: {labels: 5}\n",
                "3:21",
                "json: cannot unmarshal number into Go struct field GeneratorOptions.secretGenerator.GeneratorArgs.options.labels of type map[string]string",
            ),
            (
                "generatorOptions:\n  labels: {a: 1}\n",
                "2:15",
                "json: cannot unmarshal number into Go struct field GeneratorOptions.generatorOptions.labels of type string",
            ),
            (
                "generatorOptions:\n  immutable: 1\n",
                "2:14",
                "json: cannot unmarshal number into Go struct field GeneratorOptions.generatorOptions.immutable of type bool",
            ),
            (
                "generatorOptions: [1]\n",
                "1:19",
                "json: cannot unmarshal array into Go struct field Kustomization.generatorOptions of type types.GeneratorOptions",
            ),
            (
                "configMapGenerator:\n  name: a\n",
                "2:3",
                "json: cannot unmarshal object into Go struct field Kustomization.configMapGenerator of type []types.ConfigMapArgs",
            ),
            (
                "configMapGenerator:\n- a\n",
                "2:3",
                "json: cannot unmarshal string into Go struct field Kustomization.configMapGenerator of type types.ConfigMapArgs",
            ),
            // The first problem in sorted key order wins (g6, g7).
            (
                "configMapGenerator:\n- name: 5\n  foo: 1\n",
                "3:3",
                r#"json: unknown field "foo""#,
            ),
            (
                "configMapGenerator:\n- zoo: 1\n  name: 5\n",
                "3:9",
                "json: cannot unmarshal number into Go struct field ConfigMapArgs.configMapGenerator.GeneratorArgs.name of type string",
            ),
            (
                "configMapGenerator:\n- name: c\n  options:\n    labels: {~: a}\n",
                "4:14",
                r#"unsupported map key of type: %!s(<nil>), key: <nil>, value: "a""#,
            ),
        ];
        for (text, at, message) in cases {
            let e = read(text).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Kustomization, "{text}");
            assert_eq!(
                e.to_string(),
                format!("/k/kustomization.yaml:{at}: invalid Kustomization: {message}"),
                "{text}"
            );
        }
    }

    #[test]
    fn merges_global_options_like_kustomize() {
        // kustomize-ref case p1: local labels win, a global `true` wins.
        let (args, global) = read(
            "generatorOptions:\n  disableNameSuffixHash: true\n  labels: {a: global, g: g}\n  annotations: {x: gx}\n\
             configMapGenerator:\n- name: c\n  options:\n    disableNameSuffixHash: false\n    labels: {a: local, l: ~}\n    annotations: null\n",
        )
        .unwrap();
        let o = args[0].options.with_global(global.as_ref());
        let labels: Vec<_> = o.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(labels, ["a=local", "g=g", "l="]);
        assert_eq!(o.annotations["x"], "gx");
        assert!(o.disable_name_suffix_hash);
        assert!(!o.immutable);
        assert_eq!(args[0].options.with_global(None), args[0].options);
    }

    #[test]
    fn stringifies_map_keys_like_sigs_yaml() {
        // kustomize-ref case kc1 printed these keys in its error.
        let (args, _) = read(
            "configMapGenerator:\n- name: c\n  options:\n    labels: {yes: a, 1.5: b, 0x10: c, 1e3: d, 0.1: e, 12345678901: f, 1e21: g, 017: h, \"x\": i, 16777217.0: j}\n",
        )
        .unwrap();
        let keys: Vec<_> = args[0].options.labels.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "0.1",
                "1.5",
                "1.6777216e+07",
                "1000",
                "12345678901",
                "15",
                "16",
                "1e+21",
                "true",
                "x"
            ]
        );
    }

    #[test]
    fn behavior_names() {
        for (text, b) in [
            ("create", Behavior::Create),
            ("merge", Behavior::Merge),
            ("replace", Behavior::Replace),
            ("", Behavior::Unspecified),
            ("Merge", Behavior::Unspecified),
        ] {
            assert_eq!(Behavior::parse(text), b);
        }
        assert_eq!(Behavior::Unspecified.as_str(), "unspecified");
        assert!(Behavior::Merge.edits_existing() && !Behavior::Create.edits_existing());
    }
}
