//! A decrypted JSON source written back as `sops decrypt` writes it, so that a generator
//! hashes the bytes KSOPS and Flux would put in the Secret: keys in file order, values as
//! `encoding/json` marshals them (`<>&` escaped, floats `1e+21`), then `json.Indent` with a
//! tab and a final newline (stores/json/store.go `EmitPlainFile`, `reindentJSON`; checked
//! against sops 3.11 in testdata/sops/json-source).

use crate::go;
use crate::yaml::resolve::{self, Value};
use crate::yaml::{Node, NodeKind};

/// Returns `node` as sops' JSON store writes a plain file.
pub(super) fn emit(node: &Node) -> Result<String, String> {
    let mut out = String::new();
    value(node, 0, &mut out)?;
    out.push('\n');
    Ok(out)
}

fn newline(depth: usize, out: &mut String) {
    out.push('\n');
    out.extend(std::iter::repeat_n('\t', depth));
}

/// Writes one value; depth is bounded by the parser's nesting limit.
fn value(node: &Node, depth: usize, out: &mut String) -> Result<(), String> {
    match &node.kind {
        NodeKind::Mapping(m) if m.entries.is_empty() => out.push_str("{}"),
        NodeKind::Mapping(m) => {
            out.push('{');
            for (i, entry) in m.entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(depth + 1, out);
                let key = entry
                    .key
                    .as_str()
                    .ok_or_else(|| "SOPS JSON keys are strings".to_string())?;
                go::json_string(key, out);
                out.push_str(": ");
                value(&entry.value, depth + 1, out)?;
            }
            newline(depth, out);
            out.push('}');
        }
        NodeKind::Sequence(items) if items.is_empty() => out.push_str("[]"),
        NodeKind::Sequence(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(depth + 1, out);
                value(item, depth + 1, out)?;
            }
            newline(depth, out);
            out.push(']');
        }
        NodeKind::Scalar(s) => match resolve::resolve(s) {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if b { "true" } else { "false" }),
            Value::Int(i) => out.push_str(&i.to_string()),
            Value::UInt(u) => out.push_str(&u.to_string()),
            Value::Float(f) => out.push_str(&go::json_float(f).map_err(|e| e.to_string())?),
            Value::Str(t) => go::json_string(&t, out),
        },
    }
    Ok(())
}
