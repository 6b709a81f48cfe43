use std::sync::Arc;

use crate::error::{Error, ErrorKind, Result};
use crate::go;
use crate::source::SourceFile;
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

/// A YAML 1.1 scalar as go-yaml v2 types it when decoding into `interface{}` (the one
/// typing of kustomization values, [`crate::kustomization::json_scalar`]).
pub(crate) use crate::kustomization::JsonScalar as V2;

/// Types a scalar as go-yaml v2 does ([`crate::kustomization::json_scalar`]).
pub(crate) fn v2_type(s: &Scalar) -> V2 {
    crate::kustomization::json_scalar(s)
}

/// Reads typed fields and reports errors as kustomize does.
pub(crate) struct Decoder<'a> {
    file: &'a Arc<SourceFile>,
    mode: Mode,
}

/// What a JSON value is called in `encoding/json` errors.
fn json_kind(n: &Node) -> String {
    crate::kustomization::json_type(n).to_owned()
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
                V2::String => Ok(Some(s.text.clone())),
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
