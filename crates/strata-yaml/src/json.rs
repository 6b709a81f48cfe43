//! A node tree as a `serde_json::Value`, for embedders that want data rather than YAML text.
//!
//! Scalars are typed as go-yaml v3 types them ([`resolve::resolve`]), as kustomize does when
//! it turns a document into JSON; a float that JSON cannot hold (`.inf`, `.nan`) stays a
//! string. Mapping keys are the keys' text (a non-scalar key, which no Kubernetes object has,
//! becomes its JSON text); a repeated key (only
//! possible when the parser was told to keep duplicates) keeps its last value.

use serde_json::{Map, Number, Value as Json};

use crate::node::{Node, NodeKind};
use crate::resolve::{self, Value};

/// Returns `node` as JSON. Nesting depth is bounded by the parser's budget, which every node
/// tree here went through.
pub fn to_json(node: &Node) -> Json {
    match &node.kind {
        NodeKind::Scalar(s) => match resolve::resolve(s) {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(b),
            Value::Int(i) => Json::Number(i.into()),
            Value::UInt(u) => Json::Number(u.into()),
            Value::Float(f) => {
                Number::from_f64(f).map_or_else(|| Json::String(s.text.clone()), Json::Number)
            }
            Value::Str(t) => Json::String(t.into_owned()),
        },
        NodeKind::Sequence(items) => Json::Array(items.iter().map(to_json).collect()),
        NodeKind::Mapping(m) => {
            let mut object = Map::new();
            for e in &m.entries {
                let key = match &e.key.kind {
                    NodeKind::Scalar(k) => k.text.clone(),
                    _ => to_json(&e.key).to_string(),
                };
                object.insert(key, to_json(&e.value));
            }
            Json::Object(object)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{ParseOptions, parse_single};
    use crate::source::SourceFile;

    #[test]
    fn types_scalars_as_go_yaml_v3() {
        let cases = [
            ("a: 1", r#"{"a":1}"#),
            ("a: \"1\"", r#"{"a":"1"}"#),
            ("a: 1.5", r#"{"a":1.5}"#),
            ("a: true", r#"{"a":true}"#),
            // YAML 1.1 booleans are strings to go-yaml v3.
            ("a: yes", r#"{"a":"yes"}"#),
            ("a: ~", r#"{"a":null}"#),
            ("a: .inf", r#"{"a":".inf"}"#),
            ("a: 18446744073709551615", r#"{"a":18446744073709551615}"#),
            ("a: [x, {b: 2}]", r#"{"a":["x",{"b":2}]}"#),
            ("? [k]\n: v", r#"{"[\"k\"]":"v"}"#),
        ];
        for (yaml, want) in cases {
            let file = SourceFile::new("t.yaml", yaml);
            let node = parse_single(&file, ParseOptions::default())
                .unwrap()
                .unwrap();
            assert_eq!(to_json(&node).to_string(), want, "{yaml}");
        }
    }
}
