use super::path::{Matcher, lookup, lookup_mut, parse_embedded, smarter_split};
use super::{FieldOptions, Kind, set_field_value, set_scalar_text, text};
use crate::yaml::{Node, NodeKind};

/// Tries to write `value` inside the first scalar on `field_path` whose text parses as
/// YAML; returns false (and changes nothing visible) if there is none or the rest of the
/// path does not resolve there, so the caller walks the path normally.
pub(crate) fn set_in_structured_data(
    target: &mut Node,
    value: &Node,
    field_path: &str,
    options: Option<&FieldOptions>,
    create: Option<Kind>,
) -> bool {
    let parts = smarter_split(field_path);
    if parts.len() < 2 {
        return false;
    }
    let mut found = None;
    for i in 1..parts.len() {
        let Ok(Some(n)) = lookup(target, &parts[..i]) else {
            continue;
        };
        if let NodeKind::Scalar(s) = &n.kind {
            match parse_embedded(&s.text) {
                Ok(Some(doc)) => {
                    found = Some((i, s.text.clone(), doc));
                    break;
                }
                // go-yaml parses an empty text to a zero node, on which every path step
                // fails: kustomize falls back to the plain walk.
                Ok(None) => return false,
                Err(_) => {}
            }
        }
    }
    let Some((i, original, mut doc)) = found else {
        return false;
    };
    let mut setter = |n: &mut Node, fresh: bool| set_field_value(options, n, value, fresh);
    let mut m = Matcher::new(create, &mut setter);
    if m.filter(&mut doc, &parts[i..]).is_err() || m.matched == 0 {
        return false;
    }
    let first = original.trim_start().chars().next();
    let serialized = if matches!(first, Some('{' | '[')) {
        let pretty = original.contains('\n') && original.contains("  ");
        match text::to_json(&doc, pretty) {
            Ok(s) => s,
            Err(_) => return false,
        }
    } else {
        text::to_yaml(&doc).trim().to_owned()
    };
    if let Some(NodeKind::Scalar(s)) = lookup_mut(target, &parts[..i]).map(|n| &mut n.kind) {
        set_scalar_text(s, serialized);
    }
    true
}
