//! The node graph the strategic merge works on: go-yaml v3's `yaml.Node` as kyaml uses it, and
//! kyaml's field and element primitives (kyaml/yaml/fns.go) over it.
//!
//! kyaml's merge leans on Go pointer semantics: the walk returns the very node it was given,
//! mutates dest nodes in place, and `FieldSetter` overwrites a field's node struct with another
//! (`RNode.SetYNode`: `*rn.value = *node`), after which both share children. The ordering and
//! deletion quirks of associative lists follow from that (a prepend merge puts dest's own
//! element back over a `$patch: replace` element). To reproduce them, nodes live in an arena
//! and are named by index: an index is a pointer, copying a node's struct into another slot
//! is `SetYNode`. The trees go in with [`Graph::import`] and come out with [`Graph::export`],
//! which also makes go-yaml's encoder decisions about tags and forced quoting.
//!
//! Stage: part of `patch`; uses the node model and scalar typing ([`crate::yaml`]).

use std::borrow::Cow;

use crate::source::Span;
use crate::yaml::node::{Comments, Entry, Mapping, Node, NodeKind, Scalar, ScalarStyle};
use crate::yaml::resolve::{self, Tag};

/// The go-yaml v3 short tags the merge looks at (kyaml's `NodeTag*` constants).
mod tags {
    use super::Tag;

    pub(super) const NULL: &str = Tag::Null.as_str();
    pub(super) const STR: &str = Tag::Str.as_str();
    pub(super) const MERGE: &str = Tag::Merge.as_str();
    pub(super) const MAP: &str = "!!map";
    pub(super) const SEQ: &str = "!!seq";
}

/// Index of a node in the [`Graph`].
pub(super) type Id = usize;

/// go-yaml v3 `Style` bits.
pub(super) mod style {
    pub(crate) const TAGGED: u8 = 1;
    pub(crate) const DOUBLE: u8 = 2;
    pub(crate) const SINGLE: u8 = 4;
    pub(crate) const LITERAL: u8 = 8;
    pub(crate) const FOLDED: u8 = 16;
    pub(crate) const FLOW: u8 = 32;
    /// Any quoted or block style.
    pub(crate) const QUOTED: u8 = DOUBLE | SINGLE | LITERAL | FOLDED;
}

/// go-yaml v3 `Kind` (documents and aliases never reach the merge).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Scalar,
    Mapping,
    Sequence,
}

impl Kind {
    /// kyaml's `nodeKindString`.
    pub(super) fn name(self) -> &'static str {
        match self {
            Kind::Scalar => "ScalarNode",
            Kind::Mapping => "MappingNode",
            Kind::Sequence => "SequenceNode",
        }
    }
}

/// Which input a node was read from, for error locations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The document being patched.
    Dest,
    /// The patch.
    Patch,
    /// Made by the merge.
    New,
}

/// One node: a `yaml.Node` without anchors, aliases and positions.
#[derive(Clone, Debug)]
pub(super) struct GNode {
    pub kind: Kind,
    /// The v3 short tag (`!!str`, `!!null`, `!!map`...); empty for nodes kyaml makes bare.
    pub tag: Cow<'static, str>,
    /// The scalar text; empty for collections.
    pub value: String,
    /// [`style`] bits.
    pub style: u8,
    /// A sequence's items, or a mapping's keys and values alternating.
    pub content: Vec<Id>,
    pub comments: Option<Box<Comments>>,
    pub span: Span,
    pub side: Side,
}

/// A failed primitive: message and the node it is about.
#[derive(Clone, Debug)]
pub(super) struct Fault {
    pub message: String,
    pub node: Option<Id>,
}

pub(super) type Res<T> = Result<T, Fault>;

/// Deepest nesting import and export accept (the parser's default budget).
pub(super) const MAX_DEPTH: usize = 1000;

/// The arena.
#[derive(Default)]
pub(super) struct Graph {
    nodes: Vec<GNode>,
}

impl Graph {
    pub(super) fn new() -> Graph {
        Graph::default()
    }

    fn push(&mut self, n: GNode) -> Id {
        self.nodes.push(n);
        self.nodes.len() - 1
    }

    /// Iterates over the comments of every node.
    pub(super) fn all_comments(&self) -> impl Iterator<Item = &Comments> {
        self.nodes.iter().filter_map(|n| n.comments.as_deref())
    }

    /// Returns the node `id` names. Ids are only made by this graph, so they are in bounds.
    pub(super) fn node(&self, id: Id) -> &GNode {
        &self.nodes[id]
    }

    pub(super) fn node_mut(&mut self, id: Id) -> &mut GNode {
        &mut self.nodes[id]
    }

    // ----- conversion -----

    /// Copies `root` into the graph, as go-yaml v3's parser would have built it.
    ///
    /// Iterative, like the parser: depth is bounded by [`MAX_DEPTH`], not by the stack.
    pub(super) fn import(&mut self, root: &Node, side: Side) -> Res<Id> {
        let root_id = self.push(shallow(root, side));
        let mut stack: Vec<(&Node, Id, usize)> = vec![(root, root_id, 0)];
        while let Some((n, id, depth)) = stack.pop() {
            let children: Vec<&Node> = match &n.kind {
                NodeKind::Scalar(_) => continue,
                NodeKind::Mapping(m) => m.entries.iter().flat_map(|e| [&e.key, &e.value]).collect(),
                NodeKind::Sequence(items) => items.iter().collect(),
            };
            if depth >= MAX_DEPTH {
                return Err(Fault {
                    message: format!("nesting deeper than {MAX_DEPTH} levels"),
                    node: Some(id),
                });
            }
            let mut content = Vec::with_capacity(children.len());
            for c in children {
                let cid = self.push(shallow(c, side));
                content.push(cid);
                stack.push((c, cid, depth + 1));
            }
            self.node_mut(id).content = content;
        }
        Ok(root_id)
    }

    /// Builds the tree under `id`, deciding tags and quoting as go-yaml v3's encoder does
    /// (encode.go `node`): a tag is printed if it was written (TaggedStyle) or if the text would
    /// not resolve back to it; a `!!str` whose text would resolve to something else is
    /// double-quoted. Spans are kept for nodes read from dest only.
    pub(super) fn export(&self, id: Id) -> Res<Node> {
        // Children may be shared (see the module doc); a budget keeps a pathological graph
        // from multiplying on the way out, and the depth limit from looping.
        let mut budget = self.nodes.len().saturating_mul(4).saturating_add(1024);
        let too_big = |id| Fault {
            message: "strategic merge result too large or too deep".to_owned(),
            node: Some(id),
        };
        struct Frame {
            id: Id,
            node: Node,
            /// Children built so far.
            next: usize,
            /// A mapping's key waiting for its value.
            key: Option<Node>,
        }
        let frame = |id| Frame {
            id,
            node: self.shallow_export(id),
            next: 0,
            key: None,
        };
        let mut stack = vec![frame(id)];
        while let Some(top) = stack.last_mut() {
            let n = self.node(top.id);
            if n.kind != Kind::Scalar && top.next < n.content.len() {
                let child = n.content[top.next];
                top.next += 1;
                if stack.len() > MAX_DEPTH || budget == 0 {
                    return Err(too_big(child));
                }
                budget -= 1;
                stack.push(frame(child));
                continue;
            }
            let Some(done) = stack.pop() else { break };
            let Some(parent) = stack.last_mut() else {
                return Ok(done.node);
            };
            match &mut parent.node.kind {
                NodeKind::Mapping(m) => match parent.key.take() {
                    None => parent.key = Some(done.node),
                    Some(key) => m.entries.push(Entry {
                        key,
                        value: done.node,
                    }),
                },
                NodeKind::Sequence(items) => items.push(done.node),
                NodeKind::Scalar(_) => {}
            }
        }
        Err(too_big(id))
    }

    /// The node `id` without its children.
    fn shallow_export(&self, id: Id) -> Node {
        let n = self.node(id);
        let kind = match n.kind {
            Kind::Scalar => NodeKind::Scalar(export_scalar(n)),
            Kind::Mapping => NodeKind::Mapping(Mapping::new()),
            Kind::Sequence => NodeKind::Sequence(Vec::with_capacity(n.content.len())),
        };
        let span = if n.side == Side::Dest {
            n.span
        } else {
            Span::default()
        };
        let mut out = Node::new(kind, span);
        out.flow = n.kind != Kind::Scalar && n.style & style::FLOW != 0;
        out.comments = n.comments.clone();
        out
    }

    // ----- node predicates (kyaml/yaml/rnode.go, types.go) -----

    /// `IsMissingOrNull`: absent, or tagged `!!null`.
    pub(super) fn is_missing_or_null(&self, id: Option<Id>) -> bool {
        id.is_none_or(|i| self.is_tagged_null(i))
    }

    /// `IsTaggedNull`.
    pub(super) fn is_tagged_null(&self, id: Id) -> bool {
        self.node(id).tag == tags::NULL
    }

    /// `IsEmptyMap`: missing, null, or a mapping without entries.
    pub(super) fn is_empty_map(&self, id: Option<Id>) -> bool {
        match id {
            None => true,
            Some(i) => {
                let n = self.node(i);
                self.is_tagged_null(i) || (n.kind == Kind::Mapping && n.content.is_empty())
            }
        }
    }

    /// `IsNilOrEmpty`: null, or an empty mapping or sequence.
    fn is_nil_or_empty(&self, id: Id) -> bool {
        let n = self.node(id);
        self.is_tagged_null(id) || (n.kind != Kind::Scalar && n.content.is_empty())
    }

    /// `IsStringValue`: a scalar tagged `!!str` or not tagged at all.
    pub(super) fn is_string_value(&self, id: Id) -> bool {
        let n = self.node(id);
        n.kind == Kind::Scalar && (n.tag == tags::STR || n.tag.is_empty())
    }

    /// `ErrorIfInvalid`: null passes any kind.
    pub(super) fn check_kind(&self, id: Id, kind: Kind) -> Res<()> {
        let n = self.node(id);
        if self.is_tagged_null(id) || n.kind == kind {
            return Ok(());
        }
        Err(Fault {
            message: format!(
                "wrong node kind: expected {} but got {}",
                kind.name(),
                n.kind.name()
            ),
            node: Some(id),
        })
    }

    // ----- constructors -----

    /// `NewScalarRNode`: a bare scalar without tag.
    pub(super) fn new_scalar(&mut self, value: &str) -> Id {
        self.push(GNode {
            kind: Kind::Scalar,
            tag: Cow::Borrowed(""),
            value: value.to_owned(),
            style: 0,
            content: Vec::new(),
            comments: None,
            span: Span::default(),
            side: Side::New,
        })
    }

    /// `NewListRNode()`: an empty block sequence without tag.
    pub(super) fn new_list(&mut self) -> Id {
        self.push(GNode {
            kind: Kind::Sequence,
            tag: Cow::Borrowed(""),
            value: String::new(),
            style: 0,
            content: Vec::new(),
            comments: None,
            span: Span::default(),
            side: Side::New,
        })
    }

    /// `MakePersistentNullNode(value)`: a `!!null` scalar written `value`.
    pub(super) fn new_null(&mut self, value: &str) -> Id {
        let id = self.new_scalar(value);
        self.node_mut(id).tag = Cow::Borrowed(tags::NULL);
        id
    }

    // ----- mapping fields -----

    /// `RNode.Field`: the first entry named `name` as (key, value); `None` for non-mappings.
    pub(super) fn field(&self, map: Id, name: &str) -> Option<(Id, Id)> {
        let n = self.node(map);
        if n.kind != Kind::Mapping {
            return None;
        }
        n.content
            .chunks_exact(2)
            .find(|p| self.node(p[0]).value == name)
            .map(|p| (p[0], p[1]))
    }

    /// `RNode.Fields`: the key texts of a mapping, in order (none for anything else).
    pub(super) fn field_names(&self, map: Id) -> Vec<&str> {
        let n = self.node(map);
        if n.kind != Kind::Mapping {
            return Vec::new();
        }
        n.content
            .chunks_exact(2)
            .map(|p| self.node(p[0]).value.as_str())
            .collect()
    }

    /// `FieldClearer`: removes the first entry named `name`.
    pub(super) fn clear_field(&mut self, map: Id, name: &str) -> Res<()> {
        self.check_kind(map, Kind::Mapping)?;
        let pos = self
            .node(map)
            .content
            .chunks_exact(2)
            .position(|p| self.node(p[0]).value == name);
        if let Some(i) = pos {
            self.node_mut(map).content.drain(2 * i..2 * i + 2);
        }
        Ok(())
    }

    /// `FieldMatcher{Name, StringValue}` on `rn`: the value of the first field `name`, if
    /// `string_value` is empty or equals it; with an empty `name`, `rn` itself if it is a
    /// scalar of that text. Never matches a null `rn`.
    pub(super) fn field_matcher(&self, rn: Id, name: &str, string_value: &str) -> Res<Option<Id>> {
        if self.is_tagged_null(rn) {
            return Ok(None);
        }
        if name.is_empty() {
            self.check_kind(rn, Kind::Scalar)?;
            return Ok((self.node(rn).value == string_value).then_some(rn));
        }
        self.check_kind(rn, Kind::Mapping)?;
        Ok(self.field(rn, name).and_then(|(_, v)| {
            (string_value.is_empty() || self.node(v).value == string_value).then_some(v)
        }))
    }

    /// `FieldSetter{Name, Value}` on `rn` (kyaml/yaml/fns.go), as `walkMap` and
    /// `setAssociativeSequenceElements` use it.
    ///
    /// - A bare string (`!!str` or untagged, plain) that YAML 1.1 reads as a boolean is
    ///   double-quoted first.
    /// - An empty `name` replaces the scalar `rn` itself (and fails on a mapping).
    /// - No value, or a `!!null` one not marked `keep`, removes the field.
    /// - An existing field keeps its node but takes the value's struct, with the old style
    ///   (`SetYNode`); a new one is appended with a bare key in `key_style`.
    pub(super) fn set_field(
        &mut self,
        rn: Id,
        name: &str,
        value: Option<Id>,
        keep: bool,
        key_style: u8,
    ) -> Res<()> {
        if let Some(v) = value {
            let quote = self.is_string_value(v) && self.node(v).style == 0 && {
                let text = &self.node(v).value;
                !text.contains('\n') && resolve::is_yaml11_only_bool(text)
            };
            if quote {
                self.node_mut(v).style = style::DOUBLE;
            }
        }
        if name.is_empty() {
            self.check_kind(rn, Kind::Scalar)?;
            let Some(v) = value.filter(|&v| !self.is_tagged_null(v)) else {
                return Ok(());
            };
            self.node_mut(v).style = self.node(rn).style;
            self.copy_into(rn, v);
            return Ok(());
        }
        let Some(v) = value.filter(|&v| keep || !self.is_tagged_null(v)) else {
            return self.clear_field(rn, name);
        };
        self.check_kind(rn, Kind::Mapping)?;
        if let Some((_, existing)) = self.field(rn, name) {
            self.node_mut(v).style = self.node(existing).style;
            self.copy_into(existing, v);
            return Ok(());
        }
        let key = self.new_scalar(name);
        self.node_mut(key).style = key_style;
        let content = &mut self.node_mut(rn).content;
        content.push(key);
        content.push(v);
        Ok(())
    }

    /// `RNode.SetYNode`: overwrites the node `dst` with a copy of `src`'s struct (children
    /// shared).
    fn copy_into(&mut self, dst: Id, src: Id) {
        if dst != src {
            let copy = self.node(src).clone();
            *self.node_mut(dst) = copy;
        }
    }

    // ----- sequence elements -----

    /// `ElementAppender` with one element.
    pub(super) fn append(&mut self, seq: Id, elem: Id) -> Res<()> {
        self.check_kind(seq, Kind::Sequence)?;
        self.node_mut(seq).content.push(elem);
        Ok(())
    }

    /// `ElementSetter` (kyaml/yaml/fns.go): rebuilds `seq`, dropping null and empty-map
    /// elements, replacing (or, without `element`, deleting) every element whose fields
    /// `keys` match `values`, and appending `element` if none matched.
    ///
    /// Quirks kept: with fewer values than keys, the missing keys count as matched; with no
    /// values at all every mapping element is dropped; a mapping setter (first key and value
    /// non-empty) keeps non-mapping elements untouched.
    pub(super) fn element_setter(
        &mut self,
        seq: Id,
        element: Option<Id>,
        keys: &[String],
        values: &[String],
    ) -> Res<()> {
        let empty = [String::new()];
        let keys = if keys.is_empty() { &empty[..] } else { keys };
        self.check_kind(seq, Kind::Sequence)?;
        let mapping_setter = keys.first().is_some_and(|k| !k.is_empty())
            && values.first().is_some_and(|v| !v.is_empty());
        let old = self.node(seq).content.clone();
        let mut new = Vec::with_capacity(old.len() + 1);
        let mut matched_any = false;
        for elem in old {
            if self.is_empty_map(Some(elem)) {
                continue;
            }
            let is_map = self.node(elem).kind == Kind::Mapping;
            if !is_map && mapping_setter {
                new.push(elem);
                continue;
            }
            let mut found = true;
            let mut val = None;
            for (j, key) in keys.iter().enumerate() {
                if let Some(v) = values.get(j) {
                    val = self.field_matcher(elem, key, v)?;
                }
                if val.is_none() {
                    found = false;
                    break;
                }
            }
            if !found {
                if !values.is_empty() {
                    new.push(elem);
                }
                continue;
            }
            matched_any = true;
            if let Some(e) = element {
                new.push(e);
            }
        }
        let append = element.filter(|&e| !matched_any && !self.is_tagged_null(e));
        if let Some(e) = append {
            new.push(e);
        }
        self.node_mut(seq).content = new;
        Ok(())
    }

    /// `RNode.ElementList` (an `ElementMatcher`): the first element whose fields `keys` have
    /// exactly the texts `values`; with an empty first key, the first element whose text is
    /// `values[0]`. Misuse (unequal lengths) finds nothing, as kyaml swallows the error.
    pub(super) fn element_list(&self, seq: Id, keys: &[String], values: &[String]) -> Option<Id> {
        let n = self.node(seq);
        if n.kind != Kind::Sequence {
            return None;
        }
        let empty = [String::new()];
        let keys = if keys.is_empty() { &empty[..] } else { keys };
        let values = if values.is_empty() {
            &empty[..]
        } else {
            values
        };
        if keys[0].is_empty() {
            return n
                .content
                .iter()
                .copied()
                .find(|&e| self.node(e).value == values[0]);
        }
        for &elem in &n.content {
            let null = self.is_tagged_null(elem);
            if self.node(elem).kind != Kind::Mapping && !null {
                continue;
            }
            if keys.len() != values.len() {
                return None;
            }
            if null {
                continue;
            }
            let all = keys.iter().zip(values).all(|(k, v)| {
                self.field(elem, k)
                    .is_some_and(|(_, fv)| self.node(fv).value == *v)
            });
            if all {
                return Some(elem);
            }
        }
        None
    }

    /// `RNode.ElementValuesList`: per element, the text of each key's field (empty when the
    /// field is missing, null or an empty collection).
    pub(super) fn element_values_list(&self, seq: Id, keys: &[String]) -> Vec<Vec<String>> {
        let n = self.node(seq);
        if n.kind != Kind::Sequence {
            return Vec::new();
        }
        n.content
            .iter()
            .map(|&e| {
                keys.iter()
                    .map(|k| match self.field(e, k) {
                        Some((_, v)) if !self.is_nil_or_empty(v) => self.node(v).value.clone(),
                        _ => String::new(),
                    })
                    .collect()
            })
            .collect()
    }

    /// `RNode.GetAssociativeKey`: `name` if every element has a `name` field (so also for an
    /// empty list), else `None`. kyaml infers no other key.
    pub(super) fn associative_key(&self, seq: Id) -> Option<&'static str> {
        const KEYS: [&str; 1] = ["name"];
        let content = &self.node(seq).content;
        KEYS.into_iter()
            .find(|k| content.iter().all(|&e| self.field(e, k).is_some()))
    }
}

/// A node of `n`'s kind, tag and style, without children, as go-yaml v3's parser makes it
/// (parserc.go `node`/`scalar`): an explicit tag sets TaggedStyle; quoted and block scalars
/// default to `!!str`; a plain `<<` is `!!merge`; other plain text is resolved.
fn shallow(n: &Node, side: Side) -> GNode {
    let (kind, tag, value, mut st) = match &n.kind {
        NodeKind::Scalar(s) => {
            let explicit = s.tag.as_deref().filter(|t| *t != "!");
            let mut st = match s.style {
                ScalarStyle::Plain => 0,
                ScalarStyle::SingleQuoted => style::SINGLE,
                ScalarStyle::DoubleQuoted => style::DOUBLE,
                ScalarStyle::Literal => style::LITERAL,
                ScalarStyle::Folded => style::FOLDED,
            };
            let tag = match explicit {
                Some(t) => {
                    st |= style::TAGGED;
                    Cow::Owned(t.to_owned())
                }
                None if s.style.is_quoted() => Cow::Borrowed(tags::STR),
                None if s.text == "<<" => Cow::Borrowed(tags::MERGE),
                None => Cow::Borrowed(resolve::plain_tag(&s.text).as_str()),
            };
            (Kind::Scalar, tag, s.text.clone(), st)
        }
        NodeKind::Mapping(_) => (Kind::Mapping, Cow::Borrowed(tags::MAP), String::new(), 0),
        NodeKind::Sequence(_) => (Kind::Sequence, Cow::Borrowed(tags::SEQ), String::new(), 0),
    };
    if n.flow && kind != Kind::Scalar {
        st |= style::FLOW;
    }
    GNode {
        kind,
        tag,
        value,
        style: st,
        content: Vec::new(),
        comments: n.comments.clone(),
        span: n.span,
        side,
    }
}

/// go-yaml v3's encoder decisions for one scalar (encode.go `node`, `ScalarNode` case).
fn export_scalar(n: &GNode) -> Scalar {
    let st = n.style;
    let mut tag = None;
    let mut force_quote = false;
    if !n.tag.is_empty() {
        if st & style::TAGGED != 0 {
            tag = Some(n.tag.to_string());
        } else if n.tag == tags::STR && st & style::QUOTED != 0 {
            // The style already says "string".
        } else {
            let resolved = resolve::plain_tag(&n.value).as_str();
            if resolved == n.tag {
                // Implicit.
            } else if n.tag == tags::STR {
                force_quote = true;
            } else {
                tag = Some(n.tag.to_string());
            }
        }
    }
    let style = if st & style::DOUBLE != 0 {
        ScalarStyle::DoubleQuoted
    } else if st & style::SINGLE != 0 {
        ScalarStyle::SingleQuoted
    } else if st & style::LITERAL != 0 {
        ScalarStyle::Literal
    } else if st & style::FOLDED != 0 {
        ScalarStyle::Folded
    } else if n.value.contains('\n') {
        ScalarStyle::Literal
    } else if force_quote {
        ScalarStyle::DoubleQuoted
    } else {
        ScalarStyle::Plain
    };
    Scalar {
        text: n.value.clone(),
        style,
        tag,
    }
}
