//! The YAML node tree every later stage works on.
//!
//! Mappings keep their keys in input order, scalars keep the text, style and tag they were
//! written with, and every node carries the byte span it came from. Typing (is `017` an int?)
//! is not decided here but by [`crate::resolve`], so a tree can be re-emitted faithfully.

use crate::source::Span;

/// How a scalar was written in the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScalarStyle {
    /// Unquoted.
    Plain,
    /// `'single quoted'`.
    SingleQuoted,
    /// `"double quoted"`.
    DoubleQuoted,
    /// A `|` block.
    Literal,
    /// A `>` block.
    Folded,
}

impl ScalarStyle {
    /// Returns true for every style but [`ScalarStyle::Plain`]: quoted and block scalars are
    /// always strings unless tagged otherwise.
    pub fn is_quoted(self) -> bool {
        !matches!(self, ScalarStyle::Plain)
    }
}

/// A scalar: its text after unescaping, the style it was written in and its tag, if any.
#[derive(Clone, Debug, PartialEq)]
pub struct Scalar {
    /// The scalar's content (escapes and folding already applied).
    pub text: String,
    /// The style it was written in.
    pub style: ScalarStyle,
    /// The tag in short form (`!!str`, `!!int`, `!local`), if one was written.
    pub tag: Option<String>,
}

impl Scalar {
    /// Returns a plain, untagged scalar with `text` (typed on output like unquoted YAML).
    pub fn plain(text: impl Into<String>) -> Scalar {
        Scalar {
            text: text.into(),
            style: ScalarStyle::Plain,
            tag: None,
        }
    }

    /// Returns a scalar that is the string `text` whatever it looks like.
    pub fn string(text: impl Into<String>) -> Scalar {
        Scalar {
            text: text.into(),
            style: ScalarStyle::DoubleQuoted,
            tag: None,
        }
    }

    /// Returns true if the scalar is the YAML null (`~`, `null`, empty, untagged and plain).
    pub fn is_null(&self) -> bool {
        match &self.tag {
            Some(t) => t == "!!null",
            None => {
                self.style == ScalarStyle::Plain
                    && matches!(self.text.as_str(), "" | "~" | "null" | "Null" | "NULL")
            }
        }
    }
}

/// One `key: value` pair of a mapping.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The key node (a scalar in every Kubernetes document).
    pub key: Node,
    /// The value node.
    pub value: Node,
}

/// A mapping with its entries in source order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Mapping {
    /// The entries, in order.
    pub entries: Vec<Entry>,
}

impl Mapping {
    /// Returns an empty mapping.
    pub fn new() -> Mapping {
        Mapping::default()
    }

    /// Returns the number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Returns true if the mapping has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Returns the position of the entry whose key is the scalar `key`.
    pub fn position(&self, key: &str) -> Option<usize> {
        self.entries
            .iter()
            .position(|e| e.key.as_str() == Some(key))
    }

    /// Returns the entry whose key is the scalar `key`.
    pub fn get_entry(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key.as_str() == Some(key))
    }

    /// Returns the value under the scalar key `key`.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.get_entry(key).map(|e| &e.value)
    }

    /// Returns the value under the scalar key `key`, mutably.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        self.entries
            .iter_mut()
            .find(|e| e.key.as_str() == Some(key))
            .map(|e| &mut e.value)
    }

    /// Sets `key` to `value`, replacing an existing value in place or appending a new entry.
    pub fn insert(&mut self, key: &str, value: Node) {
        match self.get_mut(key) {
            Some(slot) => *slot = value,
            None => self.entries.push(Entry {
                key: Node::scalar(Scalar::plain(key)),
                value,
            }),
        }
    }

    /// Removes the entry under `key` and returns its value.
    pub fn remove(&mut self, key: &str) -> Option<Node> {
        let i = self.position(key)?;
        Some(self.entries.remove(i).value)
    }

    /// Iterates over `(key text, value)` for scalar keys.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Node)> {
        self.entries
            .iter()
            .filter_map(|e| e.key.as_str().map(|k| (k, &e.value)))
    }
}

/// The three shapes a node can have.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    /// A scalar.
    Scalar(Scalar),
    /// A mapping.
    Mapping(Mapping),
    /// A sequence.
    Sequence(Vec<Node>),
}

/// Comments attached to a node, kept for printers that preserve the source's look
/// (`strata patch`); `kustomize build` output has none.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Comments {
    /// Comment lines before the node, without `#`.
    pub head: Vec<String>,
    /// The comment after the node on its line.
    pub line: Option<String>,
    /// Comment lines after the node.
    pub foot: Vec<String>,
}

/// A YAML node with the span of source text it was read from.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// What the node holds.
    pub kind: NodeKind,
    /// Where it was read from (empty for nodes Strata made).
    pub span: Span,
    /// True for a mapping or sequence written in flow style (`[a, b]`, `{a: 1}`).
    pub flow: bool,
    /// Comments around the node, if any were kept.
    pub comments: Option<Box<Comments>>,
}

impl Node {
    /// Returns a node of `kind` read from `span`, in block style, without comments.
    pub fn new(kind: NodeKind, span: Span) -> Node {
        Node {
            kind,
            span,
            flow: false,
            comments: None,
        }
    }

    /// Returns a node holding a scalar, with an empty span.
    pub fn scalar(s: Scalar) -> Node {
        Node::new(NodeKind::Scalar(s), Span::default())
    }

    /// Returns a node holding the string `text` (always typed as a string).
    pub fn string(text: impl Into<String>) -> Node {
        Node::scalar(Scalar::string(text))
    }

    /// Returns a node holding a mapping, with an empty span.
    pub fn mapping(m: Mapping) -> Node {
        Node::new(NodeKind::Mapping(m), Span::default())
    }

    /// Returns a node holding a sequence, with an empty span.
    pub fn sequence(items: Vec<Node>) -> Node {
        Node::new(NodeKind::Sequence(items), Span::default())
    }

    /// Returns the scalar's text if this is a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(&s.text),
            _ => None,
        }
    }

    /// Returns the scalar if this is one.
    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// Returns the mapping if this is one.
    pub fn as_mapping(&self) -> Option<&Mapping> {
        match &self.kind {
            NodeKind::Mapping(m) => Some(m),
            _ => None,
        }
    }

    /// Returns the mapping mutably if this is one.
    pub fn as_mapping_mut(&mut self) -> Option<&mut Mapping> {
        match &mut self.kind {
            NodeKind::Mapping(m) => Some(m),
            _ => None,
        }
    }

    /// Returns the sequence if this is one.
    pub fn as_sequence(&self) -> Option<&Vec<Node>> {
        match &self.kind {
            NodeKind::Sequence(s) => Some(s),
            _ => None,
        }
    }

    /// Returns the sequence mutably if this is one.
    pub fn as_sequence_mut(&mut self) -> Option<&mut Vec<Node>> {
        match &mut self.kind {
            NodeKind::Sequence(s) => Some(s),
            _ => None,
        }
    }

    /// Returns true if this is a null scalar.
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar(s) if s.is_null())
    }

    /// Follows a path of mapping keys and returns the node at its end.
    pub fn get_path(&self, path: &[&str]) -> Option<&Node> {
        let mut cur = self;
        for key in path {
            cur = cur.as_mapping()?.get(key)?;
        }
        Some(cur)
    }

    /// Returns the string at a path of mapping keys, if it is a scalar.
    pub fn get_str(&self, path: &[&str]) -> Option<&str> {
        self.get_path(path)?.as_str()
    }
}
