//! The name hash suffix of a generated ConfigMap or Secret (api/hasher/hasher.go).
//!
//! kustomize hashes the Go `json.Marshal` text of a small object built from the final
//! resource: `{"data":D,"kind":"ConfigMap","name":""}` plus `"binaryData":B` when that field
//! is a map or list, or `{"data":D,"kind":"Secret","name":"","type":T}` plus `"stringData":S`.
//! The SHA-256 of that text, first 10 hex digits with `0→g 1→h 3→k a→m e→t`, is the suffix.
//!
//! Quirks reproduced, each checked against kustomize-ref (see the tests):
//! - `name` is always `""`: the hasher looks up one field literally named `metadata/name`.
//! - A missing field is `""`; a scalar field is its text as a string (`data: null` hashes as
//!   `"null"`); a list field is `null` (its JSON array fails to decode into a map, silently).
//! - A map field goes through a go-yaml v3 decode and `encoding/json` twice, so every number
//!   becomes a `float64` (`12345678901234567890` → `12345678901234567000`), timestamps become
//!   RFC 3339 strings, `!!binary` is decoded, custom tags are dropped, and `.inf` fails.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use crate::error::{Error, ErrorKind, Result};
use crate::go;
use crate::yaml::resolve::{self, ResolveError, Value};
use crate::yaml::{Mapping, Node, NodeKind, Scalar};

/// A JSON value as `encoding/json` holds it after `Unmarshal` into `interface{}`.
#[derive(Clone, Debug, PartialEq)]
enum Json {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Json>),
    /// Keys sort bytewise, as `json.Marshal` sorts map keys.
    Object(BTreeMap<String, Json>),
}

/// Returns the exact text kustomize hashes for a ConfigMap or Secret (the `hashed_json`
/// column of `shared/reference/hash-examples/INDEX.tsv`).
///
/// Fails for other kinds (kustomize hashes those as a Go struct dump of the YAML node, which
/// Strata does not reproduce), for values JSON cannot hold (`.inf`, `.nan`: kustomize's
/// `json: unsupported value: +Inf`) and for scalars whose tag contradicts their text.
pub(crate) fn hashed_json(node: &Node) -> Result<String> {
    let Some(m) = node.as_mapping() else {
        return Err(Error::new(
            ErrorKind::Unsupported,
            "cannot hash a resource that is not a mapping",
        ));
    };
    let kind = m.get("kind").and_then(Node::as_str).unwrap_or("");
    let mut object = BTreeMap::new();
    let text = |s: &str| Json::String(s.to_owned());
    match kind {
        "ConfigMap" => {
            object.insert("kind".to_owned(), text("ConfigMap"));
            object.insert("name".to_owned(), text(""));
            object.insert("data".to_owned(), field_value(m, "data")?);
            if let Some(b) = optional_map_field(m, "binaryData")? {
                object.insert("binaryData".to_owned(), b);
            }
        }
        "Secret" => {
            object.insert("kind".to_owned(), text("Secret"));
            object.insert("type".to_owned(), field_value(m, "type")?);
            object.insert("name".to_owned(), text(""));
            object.insert("data".to_owned(), field_value(m, "data")?);
            if let Some(s) = optional_map_field(m, "stringData")? {
                object.insert("stringData".to_owned(), s);
            }
        }
        _ => {
            return Err(Error::new(
                ErrorKind::Unsupported,
                format!(
                    "cannot compute a name hash for kind {}: only ConfigMap and Secret are supported",
                    go::quote(kind)
                ),
            ));
        }
    }
    let mut out = String::new();
    write_json(&Json::Object(object), &mut out)?;
    Ok(out)
}

/// Returns the 10-character name suffix kustomize appends (as `-<suffix>`) to a generated
/// ConfigMap or Secret: [`hashed_json`], SHA-256, first 10 hex digits with `0→g 1→h 3→k a→m
/// e→t` (api/hasher/hasher.go `encode`, copied by kustomize from kubectl).
pub(crate) fn hash_suffix(node: &Node) -> Result<String> {
    Ok(suffix_of_hex(&sha256_hex(&hashed_json(node)?)))
}

/// Returns the lower-case hex SHA-256 of `text`.
pub(crate) fn sha256_hex(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let mut hex = String::with_capacity(64);
    for b in digest {
        hex.push(char::from(HEX[usize::from(b >> 4)]));
        hex.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    hex
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn suffix_of_hex(hex: &str) -> String {
    hex.chars()
        .take(10)
        .map(|c| match c {
            '0' => 'g',
            '1' => 'h',
            '3' => 'k',
            'a' => 'm',
            'e' => 't',
            c => c,
        })
        .collect()
}

/// The hasher's `getNodeValues` for one field: missing → `""`, scalar → its text, map → the
/// decoded map, list → `null`.
fn field_value(m: &Mapping, key: &str) -> Result<Json> {
    match last_value(m, key) {
        None => Ok(Json::String(String::new())),
        Some(n) => match &n.kind {
            NodeKind::Scalar(s) => Ok(Json::String(s.text.clone())),
            NodeKind::Mapping(_) => to_json(n),
            NodeKind::Sequence(_) => {
                // kyaml's MarshalJSON of the list must still succeed; hasher.go then decodes
                // the array into a map, ignores the error and keeps a nil map.
                write_json(&to_json(n)?, &mut String::new())?;
                Ok(Json::Null)
            }
        },
    }
}

/// `binaryData` / `stringData`: included only when the value is "a map" to Go, which a nil
/// map from a list also is.
fn optional_map_field(m: &Mapping, key: &str) -> Result<Option<Json>> {
    match last_value(m, key) {
        Some(n) if !matches!(n.kind, NodeKind::Scalar(_)) => field_value(m, key).map(Some),
        _ => Ok(None),
    }
}

/// kyaml's field lookup visits every entry and keeps the last match.
fn last_value<'a>(m: &'a Mapping, key: &str) -> Option<&'a Node> {
    m.entries
        .iter()
        .rev()
        .find(|e| e.key.as_str() == Some(key))
        .map(|e| &e.value)
}

/// Converts a node as go-yaml v3 decodes it into `interface{}`.
fn to_json(node: &Node) -> Result<Json> {
    match &node.kind {
        NodeKind::Scalar(s) => scalar_json(s),
        NodeKind::Sequence(items) => items
            .iter()
            .map(to_json)
            .collect::<Result<_>>()
            .map(Json::Array),
        NodeKind::Mapping(m) => {
            let mut object = BTreeMap::new();
            for e in &m.entries {
                let Some(key) = e.key.as_str() else {
                    return Err(Error::new(
                        ErrorKind::Emit,
                        "json: unsupported type: map[interface {}]interface {}",
                    ));
                };
                object.insert(key.to_owned(), to_json(&e.value)?);
            }
            Ok(Json::Object(object))
        }
    }
}

/// Decodes one scalar as go-yaml v3 `decoder.scalar` does into `interface{}`
/// ([`resolve::try_resolve`]).
fn scalar_json(s: &Scalar) -> Result<Json> {
    Ok(match resolve::try_resolve(s) {
        Ok(Value::Null) => Json::Null,
        Ok(Value::Bool(b)) => Json::Bool(b),
        // The JSON integer text is parsed back as a float64, correctly rounded, as Rust's `as`
        // rounds.
        Ok(Value::Int(i)) => Json::Number(i as f64),
        Ok(Value::UInt(u)) => Json::Number(u as f64),
        Ok(Value::Float(f)) => Json::Number(f),
        Ok(Value::Str(t)) => Json::String(t.into_owned()),
        Err(ResolveError::Decode(m)) => {
            return Err(Error::new(ErrorKind::Yaml, format!("yaml: {m}")));
        }
        Err(ResolveError::Marshal(m)) => return Err(Error::new(ErrorKind::Emit, m)),
    })
}

fn write_json(v: &Json, out: &mut String) -> Result<()> {
    match v {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(f) => match go::json_float(*f) {
            Ok(text) => out.push_str(&text),
            Err(shown) => {
                return Err(Error::new(
                    ErrorKind::Emit,
                    format!("json: unsupported value: {shown}"),
                ));
            }
        },
        Json::String(s) => go::json_string(s, out),
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out)?;
            }
            out.push(']');
        }
        Json::Object(map) => {
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                go::json_string(k, out);
                out.push(':');
                write_json(item, out)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;
    use crate::yaml::parse::{ParseOptions, parse_single};

    fn node(yaml: &str) -> Node {
        let file = SourceFile::new("r.yaml", yaml);
        parse_single(&file, ParseOptions::default())
            .unwrap()
            .unwrap()
    }

    /// Each YAML is the final object kustomize-ref printed for a tiny build (a generator plus a
    /// patch, run 2026-12-01); the suffix is the one it appended. The JSON is ours, confirmed
    /// by the suffix.
    #[test]
    fn hashes_patched_objects_like_kustomize() {
        let cases = [
            // data replaced by a list (JSON patch): null.
            (
                "kind: ConfigMap\ndata: [a, b]\n",
                r#"{"data":null,"kind":"ConfigMap","name":""}"#,
                "dk855m5d49",
            ),
            // a scalar binaryData is left out; a list one is null.
            (
                "kind: ConfigMap\nbinaryData: x\ndata: {A: \"1\"}\n",
                r#"{"data":{"A":"1"},"kind":"ConfigMap","name":""}"#,
                "89g4tffbfk",
            ),
            (
                "kind: ConfigMap\nbinaryData: [1]\ndata: {A: \"1\"}\n",
                r#"{"binaryData":null,"data":{"A":"1"},"kind":"ConfigMap","name":""}"#,
                "bf94dbk6b4",
            ),
            // data: null is the scalar text.
            (
                "kind: ConfigMap\ndata: null\n",
                r#"{"data":"null","kind":"ConfigMap","name":""}"#,
                "g886t7dd28",
            ),
            // nested values through float64.
            (
                "kind: ConfigMap\ndata:\n  A: \"1\"\n  n: {z: 1.0, a: [1e3, 12345678901234567890, 1e-7, 1e21, true, null, 0.1]}\n",
                r#"{"data":{"A":"1","n":{"a":[1000,12345678901234567000,1e-7,1e+21,true,null,0.1],"z":1}},"kind":"ConfigMap","name":""}"#,
                "75cg49f2g5",
            ),
            // a missing type, a stringData map with HTML characters.
            (
                "kind: Secret\ndata: {A: MQ==}\nstringData: {k: \"<&>\"}\n",
                r#"{"data":{"A":"MQ=="},"kind":"Secret","name":"","stringData":{"k":"\u003c\u0026\u003e"},"type":""}"#,
                "9fk69mc5f9",
            ),
            // a non-string type is its text.
            (
                "kind: Secret\ndata: {A: MQ==}\ntype: 5\n",
                r#"{"data":{"A":"MQ=="},"kind":"Secret","name":"","type":"5"}"#,
                "b669697tg8",
            ),
            // !!binary is decoded.
            (
                "kind: ConfigMap\ndata:\n  bin: !!binary aGk=\n",
                r#"{"data":{"bin":"hi"},"kind":"ConfigMap","name":""}"#,
                "t2th7kkc8f",
            ),
            // renames never matter: the name is always "".
            (
                "kind: ConfigMap\nmetadata: {name: other, namespace: x}\n",
                r#"{"data":"","kind":"ConfigMap","name":""}"#,
                "6ct58987ht",
            ),
        ];
        for (yaml, json, suffix) in cases {
            let n = node(yaml);
            assert_eq!(hashed_json(&n).unwrap(), json, "{yaml}");
            assert_eq!(hash_suffix(&n).unwrap(), suffix, "{yaml}");
        }
    }

    /// Case h6: a strategic-merge patch sets one data value of each YAML type (kustomize-ref,
    /// suffix hkbm2h498t).
    #[test]
    fn types_scalars_as_go_yaml_v3() {
        let yaml = "kind: ConfigMap\ndata:\n  a: 0x1F\n  b: 017\n  c: 0o17\n  d: 08\n  e: 1_000\n  f: .5\n  g: +1\n  h: 2024-01-15\n  i: 2024-01-15T10:00:00+01:00\n  j: 2001-12-14 21:59:43.10\n  k: !!str 5\n  l: !!int \"42\"\n  m: !!float 1\n  n: yes\n  o: 1e3\n  p: -0.0\n  q: !custom x\n  r: \"quoted\"\n  s: 2024-1-5\n  t: 2024-01-15T10:00:00.500Z\n  u: 1:20\n  v: 12345678901234567890123\n  w: -0b11\n  x: 0b101\n  y: 2024-01-15T10:00:00\n  z: 2024-02-30\n";
        let want = r#"{"data":{"a":31,"b":15,"c":15,"d":8,"e":1000,"f":0.5,"g":1,"h":"2024-01-15T00:00:00Z","i":"2024-01-15T10:00:00+01:00","j":"2001-12-14T21:59:43.1Z","k":"5","l":42,"m":1,"n":"yes","o":1000,"p":-0,"q":"x","r":"quoted","s":"2024-01-05T00:00:00Z","t":"2024-01-15T10:00:00.5Z","u":"1:20","v":1.2345678901234568e+22,"w":-3,"x":5,"y":"2024-01-15T10:00:00","z":"2024-02-30"},"kind":"ConfigMap","name":""}"#;
        let n = node(yaml);
        assert_eq!(hashed_json(&n).unwrap(), want);
        assert_eq!(hash_suffix(&n).unwrap(), "hkbm2h498t");
    }

    #[test]
    fn fails_where_kustomize_fails() {
        // kustomize-ref: "json: unsupported value: +Inf" (case h8).
        let e = hashed_json(&node("kind: ConfigMap\ndata: {inf: .inf}\n")).unwrap_err();
        assert_eq!(e.message(), "json: unsupported value: +Inf");
        assert_eq!(e.kind(), ErrorKind::Emit);
        // Still an error inside a list that is then hashed as null.
        assert!(hashed_json(&node("kind: ConfigMap\ndata: [.nan]\n")).is_err());
        let e = hashed_json(&node("kind: ConfigMap\ndata: {a: !!int x}\n")).unwrap_err();
        assert_eq!(e.message(), "yaml: cannot decode !!str `x` as a !!int");
        let e = hash_suffix(&node("kind: Deployment\n")).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Unsupported);
    }
}
