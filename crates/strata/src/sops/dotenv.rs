//! SOPS' dotenv store (stores/dotenv/store.go): `KEY=VALUE` lines, `\n` escapes newlines,
//! `#` starts a comment line, and the metadata is flattened into `sops_*` lines
//! (stores/flatten.go: `sops_age__list_0__map_enc`).

use crate::yaml::{Mapping, Node, NodeKind};

/// Most nesting a flattened metadata key may spell.
const MAX_SEGMENTS: usize = 16;

/// Returns the tree SOPS loads from dotenv `text`: the values as strings in line order and
/// the unflattened `sops` block, or `None` when it has no `sops_mac` line (not encrypted).
pub(super) fn parse(text: &str) -> Option<Node> {
    let mut values = Mapping::new();
    let mut meta = Node::mapping(Mapping::new());
    let mut has_mac = false;
    for line in text.split('\n') {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line.split_once('=')?;
        let value = value.replace("\\n", "\n");
        match key.strip_prefix("sops_") {
            Some(flat) => {
                has_mac |= flat == "mac";
                insert_flat(&mut meta, flat, value)?;
            }
            None => values.entries.push(crate::yaml::Entry {
                key: Node::string(key),
                value: Node::string(value),
            }),
        }
    }
    if !has_mac {
        return None;
    }
    values.entries.push(crate::yaml::Entry {
        key: Node::string("sops"),
        value: meta,
    });
    Some(Node::mapping(values))
}

/// Places `value` at flattened path `flat` (`age__list_0__map_enc`) under `node`.
fn insert_flat(node: &mut Node, flat: &str, value: String) -> Option<()> {
    let mut segments: Vec<&str> = flat.split("__").collect();
    if segments.len() > MAX_SEGMENTS {
        return None;
    }
    // The first segment is a plain key; later ones say `map_KEY` or `list_INDEX`.
    let first = segments.remove(0);
    let mut at = node;
    let mut step = Step::Key(first);
    for seg in segments {
        at = descend(at, step, seg.starts_with("list_"))?;
        step = if let Some(i) = seg.strip_prefix("list_") {
            Step::Index(i.parse().ok()?)
        } else {
            Step::Key(seg.strip_prefix("map_")?)
        };
    }
    *descend(at, step, false)? = Node::string(value);
    Some(())
}

#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// Returns the child of `node` at `step`, creating it (a sequence if `list`, else a mapping,
/// or a null leaf) when absent.
fn descend<'n>(node: &'n mut Node, step: Step<'_>, list: bool) -> Option<&'n mut Node> {
    let fresh = || {
        if list {
            Node::sequence(Vec::new())
        } else {
            Node::mapping(Mapping::new())
        }
    };
    match (step, &mut node.kind) {
        (Step::Key(k), NodeKind::Mapping(m)) => {
            if m.get(k).is_none() {
                m.insert(k, fresh());
            }
            m.get_mut(k)
        }
        (Step::Index(i), NodeKind::Sequence(items)) => {
            // Indices come in order; a gap would be a malformed file.
            if i == items.len() {
                items.push(fresh());
            }
            items.get_mut(i)
        }
        _ => None,
    }
}

/// Writes decrypted tree `plain` back as dotenv text, as SOPS' `EmitPlainFile` does.
pub(super) fn emit(plain: &Node) -> String {
    let mut out = String::new();
    if let Some(m) = plain.as_mapping() {
        for (k, v) in m.iter() {
            let value = v.as_scalar().map(|s| s.text.as_str()).unwrap_or_default();
            out.push_str(k);
            out.push('=');
            out.push_str(&value.replace('\n', "\\n"));
            out.push('\n');
        }
    }
    out
}
