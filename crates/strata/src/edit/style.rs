//! How new nodes are written: in the file's own indentation, scalars quoted as kustomize's
//! yaml.v2 marshaller quotes them.
//!
//! Only nodes that an edit creates go through here; existing bytes are never re-printed.

use crate::yaml::emit::emit_document;
use crate::yaml::node::{Entry, Mapping, Node, NodeKind, Scalar};
use crate::yaml::resolve;

/// The indentation a file uses, detected from its first nested block collections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Style {
    /// Columns a nested mapping's keys sit right of their parent key.
    pub(crate) map_indent: usize,
    /// Columns a block sequence's `-` sits right of its parent key: 0 for kustomize's own
    /// `key:\n- item`, 2 for `key:\n  - item`.
    pub(crate) seq_indent: usize,
}

impl Default for Style {
    /// kustomize's (yaml.v2's) output: two-space mappings, sequences at the key's column.
    fn default() -> Style {
        Style {
            map_indent: 2,
            seq_indent: 0,
        }
    }
}

impl Style {
    /// Returns the style of `text`, whose parsed root is `root`: the first block mapping
    /// nested in a top-level value gives the mapping indent, the first block sequence the
    /// sequence indent; kustomize's defaults fill in whatever the file does not show.
    pub(crate) fn detect(text: &str, root: &Node) -> Style {
        let mut style = Style::default();
        let (mut map_seen, mut seq_seen) = (false, false);
        let Some(m) = root.as_mapping() else {
            return style;
        };
        for e in &m.entries {
            if e.value.flow {
                continue;
            }
            let key_col = column(text, e.key.span.start as usize);
            match &e.value.kind {
                NodeKind::Mapping(child) if !map_seen => {
                    if let Some(first) = child.entries.first() {
                        let c = column(text, first.key.span.start as usize);
                        if c > key_col {
                            style.map_indent = c - key_col;
                            map_seen = true;
                        }
                    }
                }
                NodeKind::Sequence(items) if !seq_seen => {
                    if let Some(first) = items.first() {
                        let start = first.span.start as usize;
                        let ls = line_start(text, start);
                        if let Some(d) = text.get(ls..start).and_then(|p| p.rfind('-')) {
                            style.seq_indent = d.saturating_sub(key_col);
                            seq_seen = true;
                        }
                    }
                }
                _ => {}
            }
            if map_seen && seq_seen {
                break;
            }
        }
        style
    }
}

fn line_start(text: &str, off: usize) -> usize {
    text.get(..off)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1)
}

fn column(text: &str, off: usize) -> usize {
    off - line_start(text, off)
}

/// Returns `text` as a scalar: a string quoted as yaml.v2 quotes it when `as_string`, else
/// verbatim (an integer). Continuation lines of a block scalar are indented past `col`.
pub(crate) fn render_scalar_value(text: &str, as_string: bool, col: usize) -> String {
    if !as_string {
        return text.to_owned();
    }
    // A plain scalar that reads back as this string is written plain (yaml.v2 still quotes it
    // when plain is not allowed, `- x` or `a: b`); anything else is a quoted string.
    let plain = Scalar::plain(text);
    let node = if resolve::is_string(&plain) && resolve::is_plain_string_yaml11(text) {
        Node::scalar(plain)
    } else {
        Node::string(text)
    };
    // The printer writes mappings, not bare scalars: print `k: value` and keep the value.
    let holder = Node::mapping(Mapping {
        entries: vec![Entry {
            key: Node::scalar(Scalar::plain("k")),
            value: node,
        }],
    });
    let mut printed = String::new();
    if emit_document(&holder, &mut printed).is_err() {
        // Only control characters fail to print; JSON-style escaping reads back the same.
        return format!("{text:?}");
    }
    let mut out = printed
        .strip_prefix("k:")
        .unwrap_or(&printed)
        .trim_start_matches(' ')
        .to_owned();
    if out.ends_with('\n') {
        out.pop();
    }
    if !out.contains('\n') {
        return out;
    }
    let pad = " ".repeat(col);
    out.lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 || l.is_empty() {
                l.to_owned()
            } else {
                format!("{pad}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn render_node_scalar(node: &Node, col: usize) -> String {
    match node.as_scalar() {
        // Plain scalars Strata makes are integers or booleans the caller checked.
        Some(s) if s.style == crate::yaml::ScalarStyle::Plain => s.text.clone(),
        Some(s) => render_scalar_value(&s.text, true, col),
        None => String::new(),
    }
}

/// Returns what follows `key:` for `node` when the key sits at column `col`: ` value`, or a
/// newline and the nested block (without a final newline).
pub(crate) fn render_value(node: &Node, col: usize, style: &Style) -> String {
    match &node.kind {
        NodeKind::Scalar(_) => format!(" {}", render_node_scalar(node, col)),
        NodeKind::Mapping(m) if m.is_empty() => " {}".to_owned(),
        NodeKind::Sequence(v) if v.is_empty() => " []".to_owned(),
        NodeKind::Mapping(m) => {
            let mut out = String::from("\n");
            for e in &m.entries {
                let key = render_node_scalar(&e.key, 0);
                out.push_str(&render_entry(&key, &e.value, col + style.map_indent, style));
            }
            out.pop();
            out
        }
        NodeKind::Sequence(items) => {
            let mut out = String::from("\n");
            for i in items {
                out.push_str(&render_item(i, col + style.seq_indent, style));
            }
            out.pop();
            out
        }
    }
}

/// Returns `key: value\n` with the key at column `col`. `key` is written as given.
pub(crate) fn render_entry(key: &str, node: &Node, col: usize, style: &Style) -> String {
    format!(
        "{}{key}:{}\n",
        " ".repeat(col),
        render_value(node, col, style)
    )
}

/// Returns `- item\n` with the dash at column `dash`.
pub(crate) fn render_item(node: &Node, dash: usize, style: &Style) -> String {
    let pad = " ".repeat(dash);
    let inner = dash + 2;
    match &node.kind {
        NodeKind::Mapping(m) if !m.is_empty() => {
            let mut out = String::new();
            for (i, e) in m.entries.iter().enumerate() {
                let key = render_node_scalar(&e.key, 0);
                if i == 0 {
                    out.push_str(&format!(
                        "{pad}- {key}:{}\n",
                        render_value(&e.value, inner, style)
                    ));
                } else {
                    out.push_str(&render_entry(&key, &e.value, inner, style));
                }
            }
            out
        }
        NodeKind::Sequence(items) if !items.is_empty() => {
            let mut out = format!("{pad}-\n");
            for i in items {
                out.push_str(&render_item(i, inner, style));
            }
            out
        }
        _ => {
            let v = render_value(node, inner, style);
            format!("{pad}-{v}\n")
        }
    }
}
