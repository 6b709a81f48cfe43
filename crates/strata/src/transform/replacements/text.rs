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
