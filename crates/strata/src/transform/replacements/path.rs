use super::{Kind, text};
use crate::go;
use crate::resource::regex::GoRegex;
use crate::source::SourceFile;
use crate::yaml::parse::{DuplicateKeys, ParseOptions, parse_documents};
use crate::yaml::{Mapping, Node, NodeKind, Scalar};

/// Splits on `delim`, joining a part that ends in `\` with the next (`a\.b` is one key);
/// a leading delimiter is dropped (`PathSplitter`).
pub(crate) fn split(path: &str, delim: &str) -> Vec<String> {
    let mut ps: Vec<&str> = path.split(delim).collect();
    if ps.len() > 1 && ps.first() == Some(&"") {
        ps.remove(0);
    }
    let mut res: Vec<String> = Vec::new();
    for p in ps {
        match res.last_mut() {
            Some(last) if last.ends_with('\\') => {
                last.pop();
                last.push_str(delim);
                last.push_str(p);
            }
            _ => res.push(p.to_owned()),
        }
    }
    res
}

/// `SmarterPathSplitter` on `.`: a bracketed part spanning dots stays one part, with its
/// brackets if it holds `=` (a list selector, `[name=a.b]`) and without them otherwise (a
/// key, `[a.b/c]` → `a.b/c`).
pub(crate) fn smarter_split(path: &str) -> Vec<String> {
    let parts = split(path, ".");
    let mut out = Vec::new();
    let mut i = 0;
    while i < parts.len() {
        let elem = &parts[i];
        if elem.starts_with('[') && !elem.ends_with(']') {
            let mut bracketed = vec![elem.clone()];
            while i + 1 < parts.len() {
                i += 1;
                bracketed.push(parts[i].clone());
                if parts[i].ends_with(']') {
                    break;
                }
            }
            let joined = bracketed.join(".");
            if joined.contains('=') {
                out.push(joined);
            } else {
                out.push(joined.trim_matches(|c| c == '[' || c == ']').to_owned());
            }
        } else {
            out.push(elem.clone());
        }
        i += 1;
    }
    out
}

fn is_list_index(p: &str) -> bool {
    p.starts_with('[') && p.ends_with(']')
}

fn idx_number(p: &str) -> Option<usize> {
    go::atoi(p).ok().and_then(|i| usize::try_from(i).ok())
}

/// Splits `[name=value]` into `(name, value)` (`SplitIndexNameValue`).
fn split_index_name_value(p: &str) -> Result<(String, String), String> {
    let elem = p.strip_suffix(']').unwrap_or(p);
    let elem = elem.strip_prefix('[').unwrap_or(elem);
    match elem.split_once('=') {
        Some((k, v)) => Ok((k.to_owned(), v.to_owned())),
        None => {
            Err("list path element must contain fieldName=fieldValue for element to match".into())
        }
    }
}

fn kind_name(n: &Node) -> &'static str {
    match n.kind {
        NodeKind::Scalar(_) => "ScalarNode",
        NodeKind::Mapping(_) => "MappingNode",
        NodeKind::Sequence(_) => "SequenceNode",
    }
}

/// kyaml's `InvalidNodeKindError` text.
pub(crate) fn wrong_kind(expected: &str, n: &Node) -> String {
    format!(
        "wrong node kind: expected {expected} but got {}: node contents:\n{}",
        kind_name(n),
        text::to_yaml(n)
    )
}

/// The elements of a sequence; a null node has none; anything else is an error
/// (`RNode.Elements`).
fn elements(n: &Node) -> Result<&[Node], String> {
    match &n.kind {
        NodeKind::Sequence(items) => Ok(items),
        _ if n.is_null() => Ok(&[]),
        _ => Err(wrong_kind("SequenceNode", n)),
    }
}

/// The text kyaml compares against `[field=value]`: the node's YAML, trimmed
/// (`String()` keeps quotes, so `"b"` does not match `^b$`).
fn match_text(n: &Node) -> String {
    text::to_yaml(n).trim().to_owned()
}

/// A value's text as kyaml's `Node.Value`: the scalar's text, empty for collections.
fn value_text(n: &Node) -> &str {
    n.as_str().unwrap_or("")
}

/// Reads the node at `parts` like `yaml.Lookup`: numbers index lists, `-` is the last
/// element, `[k=v]` selects the first element whose `k` is exactly `v`, `*` is an error.
pub(crate) fn lookup<'a>(node: &'a Node, parts: &[String]) -> Result<Option<&'a Node>, String> {
    let mut cur = node;
    for part in parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        let next = if let Ok(i) = go::atoi(part) {
            let Ok(i) = usize::try_from(i) else {
                return Err(format!("array index {i} cannot be negative"));
            };
            elements(cur)?.get(i)
        } else if part == "-" {
            elements(cur)?.last()
        } else if part == "*" {
            return Err("wildcard is not supported in PathGetter".into());
        } else if is_list_index(part) {
            let (name, value) = split_index_name_value(part)?;
            let items = elements(cur)?;
            if name.is_empty() {
                items.iter().find(|i| value_text(i) == value)
            } else {
                items.iter().find(|i| {
                    i.as_mapping()
                        .and_then(|m| m.get(&name))
                        .is_some_and(|v| value_text(v) == value)
                })
            }
        } else {
            match &cur.kind {
                _ if cur.is_null() => None,
                NodeKind::Mapping(m) => m.get(part),
                _ => return Err(wrong_kind("MappingNode", cur)),
            }
        };
        match next {
            Some(n) => cur = n,
            None => return Ok(None),
        }
    }
    Ok(Some(cur))
}

/// Like [`lookup`], mutably, for a path [`lookup`] has already resolved.
pub(crate) fn lookup_mut<'a>(node: &'a mut Node, parts: &[String]) -> Option<&'a mut Node> {
    let mut cur = node;
    for part in parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        let next = if let Ok(i) = go::atoi(part) {
            cur.as_sequence_mut()?.get_mut(usize::try_from(i).ok()?)
        } else if part == "-" {
            cur.as_sequence_mut()?.last_mut()
        } else if is_list_index(part) {
            let (name, value) = split_index_name_value(part).ok()?;
            let items = cur.as_sequence_mut()?;
            if name.is_empty() {
                items.iter_mut().find(|i| value_text(i) == value)
            } else {
                items.iter_mut().find(|i| {
                    i.as_mapping()
                        .and_then(|m| m.get(&name))
                        .is_some_and(|v| value_text(v) == value)
                })
            }
        } else {
            cur.as_mapping_mut()?.get_mut(part)
        };
        cur = next?;
    }
    Some(cur)
}

/// Parses scalar text as kyaml's `yaml.Unmarshal` into a node does: the first document,
/// or `None` for a text without one (go-yaml leaves the node zero: no kind at all).
pub(crate) fn parse_embedded(text: &str) -> Result<Option<Node>, String> {
    let file = SourceFile::new("<structured data>", text);
    let opts = ParseOptions {
        duplicate_keys: DuplicateKeys::KeepLast,
        ..ParseOptions::default()
    };
    let docs = parse_documents(&file, opts).map_err(|e| e.message().to_owned())?;
    Ok(docs.into_iter().next().map(|d| d.root))
}

/// The error a path step gives on go-yaml's zero node: `nodeKindString(0)` is empty and
/// the node cannot be printed, so the message ends after "got ".
fn zero_node_error(step: &str) -> String {
    let expected = if idx_number(step).is_some() || is_list_index(step) || step == "*" {
        "SequenceNode"
    } else {
        "MappingNode"
    };
    format!("wrong node kind: expected {expected} but got ")
}

/// Why a walk failed: the path (reported after "unable to find field …") or the value
/// setter (reported as is).
#[derive(Debug)]
pub(crate) enum WalkError {
    Path(String),
    Set(String),
}

type Setter<'f> = dyn FnMut(&mut Node, bool) -> Result<(), String> + 'f;

/// Walks a target path and calls the setter on every match, creating missing parts when
/// `create` is set (kyaml `PathMatcher`). The setter's flag is true for a scalar the walk
/// just created.
pub(crate) struct Matcher<'s, 'f> {
    create: Option<Kind>,
    set: &'s mut Setter<'f>,
    /// How many fields were matched (or created).
    pub(crate) matched: usize,
}

/// The kind a missing part is created with (`getPathPartKind`).
fn part_kind(next: Option<&String>, create: Kind) -> Kind {
    match next {
        None => create,
        Some(n) if is_list_index(n) || idx_number(n).is_some() => Kind::Sequence,
        Some(_) => Kind::Mapping,
    }
}

fn new_node(kind: Kind) -> Node {
    match kind {
        Kind::Scalar => Node::scalar(Scalar::plain("")),
        Kind::Mapping => Node::mapping(Mapping::new()),
        Kind::Sequence => Node::sequence(Vec::new()),
    }
}

/// The element `[field=value]` creates: `{field: value}`, or `value` for `[=value]`, an
/// untagged scalar typed by its text.
fn new_element(field: &str, value: &str) -> Node {
    let value = Node::scalar(Scalar::plain(value));
    if field.is_empty() {
        return value;
    }
    let mut m = Mapping::new();
    m.insert(field, value);
    Node::mapping(m)
}

impl<'s, 'f> Matcher<'s, 'f> {
    pub(crate) fn new(create: Option<Kind>, set: &'s mut Setter<'f>) -> Matcher<'s, 'f> {
        Matcher {
            create,
            set,
            matched: 0,
        }
    }

    /// Walks `path` from `node`.
    pub(crate) fn filter(&mut self, node: &mut Node, path: &[String]) -> Result<(), WalkError> {
        self.walk(node, path, false)
    }

    fn walk(&mut self, node: &mut Node, path: &[String], fresh: bool) -> Result<(), WalkError> {
        let Some(p0) = path.first() else {
            self.matched += 1;
            return (self.set)(node, fresh).map_err(WalkError::Set);
        };
        if let Some(idx) = idx_number(p0) {
            self.index(node, idx, path)
        } else if is_list_index(p0) {
            self.seq(node, p0, path)
        } else if p0 == "*" {
            if node.is_null() {
                return Ok(());
            }
            let NodeKind::Sequence(items) = &mut node.kind else {
                return Err(WalkError::Path(wrong_kind("SequenceNode", node)));
            };
            for item in items.iter_mut() {
                self.walk(item, &path[1..], false)?;
            }
            Ok(())
        } else {
            self.field(node, p0, path)
        }
    }

    /// Descends into a node the walk created: leaf scalars are fresh.
    fn descend_new(&mut self, node: &mut Node, rest: &[String]) -> Result<(), WalkError> {
        let fresh = rest.is_empty() && matches!(node.kind, NodeKind::Scalar(_));
        self.walk(node, rest, fresh)
    }

    fn index(&mut self, node: &mut Node, idx: usize, path: &[String]) -> Result<(), WalkError> {
        let rest = &path[1..];
        if node.is_null() {
            // kyaml appends to the null node's content, which is never printed: the value
            // lands nowhere, but the field counts as found.
            if idx == 0
                && let Some(create) = self.create
            {
                let mut lost = new_node(part_kind(rest.first(), create));
                return self.descend_new(&mut lost, rest);
            }
            return Err(WalkError::Path(format!(
                "index {idx} specified but only 0 elements found"
            )));
        }
        let NodeKind::Sequence(items) = &mut node.kind else {
            return Err(WalkError::Path(wrong_kind("SequenceNode", node)));
        };
        if items.len() == idx
            && let Some(create) = self.create
        {
            items.push(new_node(part_kind(rest.first(), create)));
            let last = items.len() - 1;
            return self.descend_new(&mut items[last], rest);
        }
        let len = items.len();
        match items.get_mut(idx) {
            Some(item) => self.walk(item, rest, false),
            None => Err(WalkError::Path(format!(
                "index {idx} specified but only {len} elements found"
            ))),
        }
    }

    /// `[field=regex]` / `[=regex]`: every element whose field (or own text) matches the
    /// unanchored pattern. A primitive match is itself the target; the rest of the path is
    /// not walked (kyaml `visitPrimitiveElem`).
    fn seq(&mut self, node: &mut Node, p0: &str, path: &[String]) -> Result<(), WalkError> {
        let (field, pattern) = split_index_name_value(p0).map_err(WalkError::Path)?;
        if !node.is_null() && node.as_sequence().is_none() {
            return Err(WalkError::Path(wrong_kind("SequenceNode", node)));
        }
        if node.is_null() {
            // kyaml appends the created element to the null node's content, which is never
            // printed, and then finds it there: the value lands nowhere.
            if self.create.is_none() {
                return Ok(());
            }
            let mut lost = Node::sequence(vec![new_element(&field, &pattern)]);
            return self.visit_seq(&mut lost, &field, &pattern, path);
        }
        let before = self.matched;
        self.visit_seq(node, &field, &pattern, path)?;
        if self.matched > before {
            return Ok(());
        }
        let Some(_) = self.create else {
            return Ok(());
        };
        if let NodeKind::Sequence(items) = &mut node.kind {
            items.push(new_element(&field, &pattern));
        }
        // Search again; kyaml loops until the new element matches (forever if the pattern
        // does not match its own text); one retry is enough to find it if it can.
        self.visit_seq(node, &field, &pattern, path)
    }

    fn visit_seq(
        &mut self,
        node: &mut Node,
        field: &str,
        pattern: &str,
        path: &[String],
    ) -> Result<(), WalkError> {
        let NodeKind::Sequence(items) = &mut node.kind else {
            return Ok(());
        };
        if items.is_empty() {
            return Ok(());
        }
        let re = GoRegex::new(pattern).map_err(|e| WalkError::Path(e.0))?;
        for item in items.iter_mut() {
            if field.is_empty() {
                if re.is_match(&match_text(item)) {
                    self.walk(item, &[], false)?;
                }
                continue;
            }
            let hit = match item.as_mapping().and_then(|m| m.get(field)) {
                Some(v) => re.is_match(&match_text(v)),
                None => false,
            };
            if hit {
                self.walk(item, &path[1..], false)?;
            }
        }
        Ok(())
    }

    fn field(&mut self, node: &mut Node, name: &str, path: &[String]) -> Result<(), WalkError> {
        let rest = &path[1..];
        if node.is_null() {
            // Nothing to match; a created field is set on the null node and lost.
            if let Some(create) = self.create {
                let mut lost = new_node(part_kind(rest.first(), create));
                return self.descend_new(&mut lost, rest);
            }
            return Ok(());
        }
        if name.is_empty() {
            // kyaml's FieldMatcher with no name wants a scalar.
            if !matches!(node.kind, NodeKind::Scalar(_)) {
                return Err(WalkError::Path(wrong_kind("ScalarNode", node)));
            }
        }
        let NodeKind::Mapping(m) = &mut node.kind else {
            return Err(WalkError::Path(wrong_kind("MappingNode", node)));
        };
        if m.get(name).is_none() {
            let Some(create) = self.create else {
                return Ok(());
            };
            m.insert(name, new_node(part_kind(rest.first(), create)));
            let Some(created) = m.get_mut(name) else {
                return Ok(());
            };
            return self.descend_new(created, rest);
        }
        let Some(field) = m.get_mut(name) else {
            return Ok(());
        };
        if let (NodeKind::Scalar(s), Some(next)) = (&field.kind, rest.first()) {
            // HEAD: the rest of the path is walked inside the scalar's parsed text, on a
            // copy that is then dropped (kyaml `handleStructuredDataInScalar`); only
            // `set_in_structured_data` writes such values back.
            let Some(mut copy) = parse_embedded(&s.text).map_err(WalkError::Path)? else {
                return Err(WalkError::Path(zero_node_error(next)));
            };
            return self.walk(&mut copy, rest, false);
        }
        self.walk(field, rest, false)
    }
}
