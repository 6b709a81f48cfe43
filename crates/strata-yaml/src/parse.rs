//! The parser: YAML text to [`Node`] trees via saphyr-parser events.
//!
//! The tree is built with an explicit stack, never by recursion on document depth, and every
//! input-driven quantity has a budget ([`Limits`]): nesting depth, nodes created by alias
//! expansion, and input size. Aliases and `<<` merge keys are expanded here, the way go-yaml v3
//! expands them when kustomize decodes a resource, so later stages never see them.

use std::collections::HashSet;
use std::sync::Arc;

use saphyr_parser::{Event, Parser, ScalarStyle as SaphyrStyle, ScanError, StrInput, Tag};

use crate::comments::{self, EvComments, EvInfo, EvKind};
use crate::error::{Error, ErrorKind, Result};
use crate::lenient::{self, Inserts};
use crate::node::{Comments, Entry, Mapping, Node, NodeKind, Scalar, ScalarStyle};
use crate::source::{SourceFile, Span};

/// Budgets that keep hostile input from exhausting memory, stack or time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Deepest nesting of mappings and sequences allowed.
    pub max_depth: usize,
    /// Most nodes that alias expansion may create in one file.
    pub max_alias_nodes: usize,
    /// Largest input accepted, in bytes.
    pub max_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_depth: 1000,
            max_alias_nodes: 1_000_000,
            max_bytes: 256 * 1024 * 1024,
        }
    }
}

/// What to do when a mapping repeats a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DuplicateKeys {
    /// Fail with go-yaml v3's `mapping key "k" already defined at line N` (resources).
    #[default]
    Error,
    /// Keep the last value (kustomization files).
    KeepLast,
    /// Keep the first value (strategic-merge patch files).
    KeepFirst,
}

/// Options for one parse.
#[derive(Clone, Copy, Debug, Default)]
pub struct ParseOptions {
    /// Budgets.
    pub limits: Limits,
    /// Duplicate key policy.
    pub duplicate_keys: DuplicateKeys,
    /// Keep comments on the nodes, placed as go-yaml v3 places them (for printers that
    /// reproduce the source, `strata patch`). Off by default: `kustomize build` drops them.
    pub keep_comments: bool,
}

/// One document of a YAML stream.
#[derive(Clone, Debug)]
pub struct Document {
    /// The root node.
    pub root: Node,
    /// True if the document is empty or only a null (`---` with nothing after it).
    pub is_empty: bool,
}

/// Converts saphyr's character indices to byte offsets of the original text.
struct Offsets {
    /// Byte offset of each character, present only for non-ASCII text.
    table: Option<Vec<u32>>,
    len: u32,
    /// When saphyr reads a rewritten text ([`lenient`]), the way back to the original.
    map: Option<Inserts>,
}

impl Offsets {
    fn new(text: &str, map: Option<Inserts>) -> Offsets {
        let len = u32::try_from(text.len()).unwrap_or(u32::MAX);
        if text.is_ascii() {
            return Offsets {
                table: None,
                len,
                map,
            };
        }
        let mut table: Vec<u32> = text
            .char_indices()
            .map(|(i, _)| u32::try_from(i).unwrap_or(u32::MAX))
            .collect();
        table.push(len);
        Offsets {
            table: Some(table),
            len,
            map,
        }
    }

    fn byte(&self, char_index: usize) -> u32 {
        let b = match &self.table {
            None => u32::try_from(char_index).unwrap_or(u32::MAX).min(self.len),
            Some(t) => t.get(char_index).copied().unwrap_or(self.len),
        };
        match &self.map {
            None => b,
            Some(m) => m.original(b),
        }
    }

    fn span(&self, s: &saphyr_parser::Span) -> Span {
        Span::new(self.byte(s.start.index()), self.byte(s.end.index()))
    }
}

enum Frame {
    Seq {
        items: Vec<Node>,
        start: u32,
        anchor: usize,
        /// `alias_refs` when the collection started.
        refs_at_start: usize,
        /// The comments of the start event (kept only with [`ParseOptions::keep_comments`]).
        comments: Option<Box<Comments>>,
    },
    Map {
        map: Mapping,
        key: Option<Node>,
        start: u32,
        anchor: usize,
        /// `alias_refs` when the collection started.
        refs_at_start: usize,
        /// Texts of scalar keys, kept once the mapping is too big for a linear scan.
        seen: Option<HashSet<String>>,
        /// `<<` values to merge when the mapping closes, in order.
        merges: Vec<Node>,
        comments: Option<Box<Comments>>,
        /// Written in flow style (`{...}`).
        flow: bool,
    },
}

/// Where the events come from: straight from the parser, or from a buffer when comments
/// are kept (the comment pass needs every event's span first).
#[allow(
    clippy::large_enum_variant,
    reason = "one value on the stack per parse; boxing the parser would cost an allocation each time"
)]
enum Events<'t> {
    Live(Parser<'t, StrInput<'t>>),
    Buffered(std::vec::IntoIter<EventResult<'t>>),
}

type EventResult<'t> = std::result::Result<(Event<'t>, saphyr_parser::Span), ScanError>;

impl<'t> Events<'t> {
    fn next(&mut self) -> Option<EventResult<'t>> {
        match self {
            Events::Live(p) => p.next_event(),
            Events::Buffered(it) => it.next(),
        }
    }
}

/// Parses every document of `file`.
///
/// When saphyr refuses the text for something go-yaml accepts, the text is rewritten as
/// the `yaml::lenient` module describes and parsed again; positions still point into `file`.
/// Line breaks saphyr does not know (U+0085, U+2028, U+2029 outside quotes) are made `\n`
/// first, as go-yaml reads them.
pub fn parse_documents(file: &Arc<SourceFile>, opts: ParseOptions) -> Result<Vec<Document>> {
    let breaks = lenient::unicode_breaks(&file.text);
    let mut docs = match Builder::new(file, opts, breaks, true)?.run() {
        Ok(docs) => docs,
        Err(Failure::Other(e)) => return Err(e),
        Err(Failure::Refused(e)) => match lenient::relax(&file.text) {
            None => return Err(e),
            Some(relaxed) => Builder::new(file, opts, Some(relaxed), false)?
                .run()
                .map_err(Failure::into_error)?,
        },
    };
    drop_unread_documents(&file.text, &mut docs);
    Ok(docs)
}

/// Drops the documents kustomize never reads. It splits a stream at the lines starting with
/// `---` and decodes one document from each piece (kyaml/kio/byteio_reader.go
/// `splitDocuments`, then one `Decode`), so a document that follows a `...` end marker before
/// the next `---` line is skipped. Oracle (`kubectl kustomize`, v5.5): `one` / `...` / `two`
/// / `---` / `three` gives `one` and `three`.
fn drop_unread_documents(text: &str, docs: &mut Vec<Document>) {
    if docs.len() < 2 || !text.contains("\n...") {
        return;
    }
    // Line starts of `---` (false) and `...` (true) lines, in order.
    let mut marks: Vec<(usize, bool)> = Vec::new();
    let mut offset = 0usize;
    for line in text.split_inclusive('\n') {
        if line.starts_with("---") {
            marks.push((offset, false));
        } else if line
            .strip_prefix("...")
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\n', '\r']))
        {
            marks.push((offset, true));
        }
        offset += line.len();
    }
    let mut next = 0usize;
    let mut after_end = false;
    docs.retain(|d| {
        let start = d.root.span.start as usize;
        while let Some(&(at, is_end)) = marks.get(next) {
            if at >= start {
                break;
            }
            after_end = is_end;
            next += 1;
        }
        !after_end
    });
}

/// Complaints of saphyr's scanner about inputs go-yaml may accept ([`lenient`]). saphyr
/// reports scan errors as text only, so this is the one place that reads them.
const LENIENT_COMPLAINTS: [&str; 5] = [
    "invalid indentation",
    "tab cannot be used as indentation",
    "tabs disallowed within this context",
    "comments must be separated from other tokens by whitespace",
    "':' must be followed by a valid YAML whitespace",
];

/// Why a parse failed.
enum Failure {
    /// saphyr refused the text with one of [`LENIENT_COMPLAINTS`].
    Refused(Error),
    Other(Error),
}

impl Failure {
    fn into_error(self) -> Error {
        match self {
            Failure::Refused(e) | Failure::Other(e) => e,
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure::Other(e)
    }
}

/// Parses `file`, which must hold at most one non-empty document, and returns it (or `None`).
pub fn parse_single(file: &Arc<SourceFile>, opts: ParseOptions) -> Result<Option<Node>> {
    let docs = parse_documents(file, opts)?;
    let mut found = None;
    for d in docs {
        if d.is_empty {
            continue;
        }
        if found.is_some() {
            return Err(Error::at(
                ErrorKind::Syntax,
                "expected a single document in the stream, found more",
                file,
                d.root.span,
            ));
        }
        found = Some(d.root);
    }
    Ok(found)
}

struct Builder<'a> {
    file: &'a Arc<SourceFile>,
    opts: ParseOptions,
    offsets: Offsets,
    /// Anchored nodes with their size and the alias references inside them.
    anchors: Vec<Option<Anchored>>,
    alias_budget: usize,
    /// Nodes decoded so far, aliases expanded (go-yaml v3's `decodeCount`).
    decoded: usize,
    /// Alias references decoded so far, nested ones included (v3's `aliasCount`).
    alias_refs: usize,
    /// Each event's comments, when they are kept and the text has any.
    comments: Vec<EvComments>,
    /// The text saphyr reads when it is not the file's ([`lenient`]).
    source: Option<String>,
    /// Whether a [`Failure::Refused`] may be retried on a [`lenient::relax`]ed text.
    retry: bool,
}

/// An anchored node, kept for its aliases.
#[derive(Clone)]
struct Anchored {
    node: Node,
    size: usize,
    refs: usize,
}

/// Returns true if go-yaml's reader takes `c` (readerc.go: `#x9 | #xA | #xD | [#x20-#x7E] |
/// #x85 | [#xA0-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]`).
fn go_yaml_readable(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
        || c >= '\u{10000}'
}

/// Returns the offset of a `\/` escape in the double-quoted scalar `raw` (quotes included):
/// YAML 1.2 has it, go-yaml's scanner does not (scannerc.go `yaml_parser_scan_flow_scalar`:
/// `found unknown escape character`).
fn slash_escape(raw: &str) -> Option<usize> {
    let b = raw.as_bytes();
    let mut i = 0;
    while i + 1 < b.len() {
        if b[i] == b'\\' {
            if b[i + 1] == b'/' {
                return Some(i);
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    None
}

/// Returns true if the block scalar at `span` takes in the last line of `text` and that line
/// has no line break after it. go-yaml then adds no final break, whatever the chomping
/// (scannerc.go `yaml_parser_scan_block_scalar`: the break it would keep is read after the last
/// line, and there is none), so `a: |` over `  x` at the end of a file is `x`, and over `  x`
/// and a last line of spaces `x\n`; saphyr ends both with one more `\n`. A last line of spaces
/// belongs to the scalar when it is as deep as its shallowest line (the indentation an
/// indentation indicator sets is not known here). Oracle (`kubectl kustomize`, v5.5): `a: |`,
/// `a: |+` and `a: >` over lines `x`, `y` and no final break print `a: |-` and `a: x y`.
fn ends_unterminated_block(text: &str, span: Span) -> bool {
    if span.end as usize != text.len() || text.ends_with(['\n', '\r']) {
        return false;
    }
    let Some(last_break) = text.rfind(['\n', '\r']) else {
        return false;
    };
    let last = &text[last_break + 1..];
    if !last.trim_start_matches([' ', '\t']).is_empty() {
        return true;
    }
    let start = text
        .get(..span.start as usize)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let indent = text
        .get(start..last_break)
        .unwrap_or("")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .min();
    indent.is_some_and(|n| last.len() - last.trim_start_matches(' ').len() >= n)
}

/// go-yaml v3's `allowedAliasRatio`: a document may be almost all aliases while small, but
/// the share allowed falls to 10% between 400,000 and 4,000,000 decoded nodes (yaml.v3
/// decode.go), which stops alias bombs after a few thousand nodes.
fn allowed_alias_ratio(decoded: usize) -> f64 {
    const LOW: f64 = 400_000.0;
    const HIGH: f64 = 4_000_000.0;
    let d = decoded as f64;
    if d <= LOW {
        0.99
    } else if d >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((d - LOW) / (HIGH - LOW))
    }
}

impl<'a> Builder<'a> {
    fn new(
        file: &'a Arc<SourceFile>,
        opts: ParseOptions,
        relaxed: Option<lenient::Relaxed>,
        retry: bool,
    ) -> Result<Builder<'a>> {
        if file.text.len() > opts.limits.max_bytes {
            // The whole file is too big: name it, claim no line or column.
            return Err(Error::in_file(
                ErrorKind::Budget,
                format!(
                    "file is {} bytes, over the limit of {} bytes",
                    file.text.len(),
                    opts.limits.max_bytes
                ),
                file,
            ));
        }
        let (source, map) = match relaxed {
            Some(r) => (Some(r.text), Some(r.map)),
            None => (None, None),
        };
        Ok(Builder {
            file,
            opts,
            offsets: Offsets::new(source.as_deref().unwrap_or(&file.text), map),
            source,
            retry,
            anchors: Vec::new(),
            alias_budget: opts.limits.max_alias_nodes,
            decoded: 0,
            alias_refs: 0,
            comments: Vec::new(),
        })
    }

    fn err(&self, kind: ErrorKind, msg: impl Into<String>, span: Span) -> Error {
        Error::at(kind, msg, self.file, span)
    }

    fn line_of(&self, offset: u32) -> u32 {
        self.file.line_col(offset).line
    }

    fn run(mut self) -> std::result::Result<Vec<Document>, Failure> {
        if let Some(offset) = leading_document_end(&self.file.text) {
            // go-yaml rejects a `...` that ends a stream holding nothing but comments
            // (reference output-format-examples/06-errors/comment-then-doc-end); saphyr accepts it.
            return Err(Failure::Other(self.err(
                ErrorKind::Syntax,
                "yaml: did not find expected node content",
                Span::at(offset),
            )));
        }
        if let Some(e) = self.refused_by_go_yaml() {
            return Err(Failure::Other(e));
        }
        let file = Arc::clone(self.file);
        let text: &str = &file.text;
        let source = self.source.take();
        let mut events = self.event_source(source.as_deref().unwrap_or(text), text);
        let mut stack: Vec<Frame> = Vec::new();
        let mut docs = Vec::new();
        let mut doc_root: Option<Node> = None;
        let mut doc_head: Vec<String> = Vec::new();
        let mut ev_index = 0usize;
        loop {
            let (event, span) = match events.next() {
                None => break,
                Some(Ok(ev)) => ev,
                Some(Err(e)) => {
                    let m = e.marker();
                    let offset = self.offsets.byte(m.index());
                    // saphyr caps flow nesting itself; report that as the budget it is.
                    let kind = if e.info().contains("recursion limit") {
                        ErrorKind::Budget
                    } else {
                        ErrorKind::Malformed
                    };
                    // go-yaml's wording, which scripts grep for: `yaml: line N: ...`.
                    let msg = format!("yaml: line {}: {}", m.line(), e.info());
                    let error = self.err(kind, msg, Span::at(offset));
                    let refused = LENIENT_COMPLAINTS.iter().any(|c| e.info().contains(c));
                    return Err(if refused && self.retry {
                        Failure::Refused(error)
                    } else {
                        Failure::Other(error)
                    });
                }
            };
            let ec = self
                .comments
                .get_mut(ev_index)
                .map(std::mem::take)
                .unwrap_or_default();
            ev_index += 1;
            let span = self.offsets.span(&span);
            match event {
                Event::StreamStart | Event::Nothing => {}
                Event::StreamEnd => break,
                Event::DocumentStart(_) => {
                    doc_root = None;
                    doc_head = split_lines(&ec.head);
                    self.anchors.clear();
                }
                Event::DocumentEnd => {
                    if let Some(mut root) = doc_root.take() {
                        let is_empty = root.is_null();
                        let foot = split_lines(&ec.foot);
                        if !doc_head.is_empty() || !foot.is_empty() {
                            let c = root.comments.get_or_insert_with(Box::default);
                            let mut head = std::mem::take(&mut doc_head);
                            head.append(&mut c.head);
                            c.head = head;
                            c.foot.extend(foot);
                        }
                        docs.push(Document { root, is_empty });
                    }
                }
                Event::Alias(id) => {
                    let mut node = self.expand_alias(id, span)?;
                    if self.opts.keep_comments {
                        clear_comments(&mut node);
                        node.comments = node_comments(&ec);
                    }
                    self.push_value(&mut stack, &mut doc_root, node, None)?;
                }
                Event::Scalar(text, style, anchor, tag) => {
                    if style == SaphyrStyle::DoubleQuoted && text.contains('/') {
                        let raw = file.text.get(span.start as usize..span.end as usize);
                        if raw.and_then(slash_escape).is_some() {
                            let line = self.line_of(span.start);
                            let msg = format!("yaml: line {line}: found unknown escape character");
                            return Err(self.err(ErrorKind::Malformed, msg, span).into());
                        }
                    }
                    let mut text = text.into_owned();
                    if matches!(style, SaphyrStyle::Literal | SaphyrStyle::Folded)
                        && text.ends_with('\n')
                        && ends_unterminated_block(&file.text, span)
                    {
                        text.pop();
                    }
                    let mut node = Node::new(
                        NodeKind::Scalar(Scalar {
                            text,
                            style: convert_style(style),
                            tag: tag.map(|t| short_tag(&t)),
                        }),
                        span,
                    );
                    self.decoded = self.decoded.saturating_add(1);
                    node.comments = node_comments(&ec);
                    self.push_value(&mut stack, &mut doc_root, node, Some((anchor, 0)))?;
                }
                Event::SequenceStart(anchor, _tag) => {
                    self.check_depth(&stack, span)?;
                    self.decoded = self.decoded.saturating_add(1);
                    stack.push(Frame::Seq {
                        items: Vec::new(),
                        start: span.start,
                        anchor,
                        refs_at_start: self.alias_refs,
                        comments: node_comments(&ec),
                    });
                }
                Event::MappingStart(anchor, _tag) => {
                    self.check_depth(&stack, span)?;
                    self.decoded = self.decoded.saturating_add(1);
                    let flow = text.as_bytes().get(span.start as usize) == Some(&b'{');
                    stack.push(Frame::Map {
                        map: Mapping::new(),
                        key: None,
                        start: span.start,
                        anchor,
                        refs_at_start: self.alias_refs,
                        seen: None,
                        merges: Vec::new(),
                        comments: node_comments(&ec),
                        flow,
                    });
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    let Some(frame) = stack.pop() else {
                        return Err(self
                            .err(ErrorKind::Syntax, "yaml: unbalanced collection", span)
                            .into());
                    };
                    let (node, anchor, refs_at_start) = match frame {
                        Frame::Seq {
                            mut items,
                            start,
                            anchor,
                            refs_at_start,
                            comments,
                        } => {
                            // A vector grown by pushes keeps room for at least 4 nodes; the
                            // tree lives until the render ends, so give the rest back.
                            items.shrink_to_fit();
                            let mut node =
                                self.collection(NodeKind::Sequence(items), start, span.end);
                            node.comments = comments;
                            end_comments(&mut node, &ec);
                            (node, anchor, refs_at_start)
                        }
                        Frame::Map {
                            mut map,
                            start,
                            anchor,
                            merges,
                            refs_at_start,
                            comments,
                            flow,
                            ..
                        } => {
                            if !merges.is_empty() {
                                self.apply_merges(&mut map, merges)?;
                            }
                            map.entries.shrink_to_fit();
                            let mut node = self.collection(NodeKind::Mapping(map), start, span.end);
                            node.comments = comments;
                            end_comments(&mut node, &ec);
                            if !flow {
                                // go-yaml gives a block mapping's foot to its last key.
                                let foot = take_foot(&mut node);
                                if let Some(last) =
                                    node.as_mapping_mut().and_then(|m| m.entries.last_mut())
                                {
                                    set_foot(&mut last.key, foot);
                                } else {
                                    set_foot(&mut node, foot);
                                }
                            }
                            (node, anchor, refs_at_start)
                        }
                    };
                    let refs = self.alias_refs.saturating_sub(refs_at_start);
                    self.push_value(&mut stack, &mut doc_root, node, Some((anchor, refs)))?;
                }
            }
        }
        Ok(docs)
    }

    /// Returns the error go-yaml gives for input saphyr accepts: a character its reader refuses
    /// (readerc.go `yaml_parser_update_buffer`: only tab, line breaks, printable ASCII, U+0085
    /// and the printable ranges above), a tab where go-yaml expects a token
    /// ([`lenient::refused_tab`]), or a directive first in the file (kustomize splits
    /// the stream at `---` lines before go-yaml reads it, so a directive ends up in a document
    /// of its own; go-yaml also reads only `%YAML 1.1`). Oracle (`kubectl kustomize`, v5.5):
    /// a raw U+0001 fails with `yaml: control characters are not allowed`, `%YAML 1.1` /
    /// `---` with `yaml: line 1: did not find expected <document start>`, `%YAML 1.2` with
    /// `yaml: found incompatible YAML document`.
    fn refused_by_go_yaml(&self) -> Option<Error> {
        let text = &self.file.text;
        if let Some((at, _)) = text.char_indices().find(|&(_, c)| !go_yaml_readable(c)) {
            let at = u32::try_from(at).unwrap_or(u32::MAX);
            return Some(self.err(
                ErrorKind::Syntax,
                "yaml: control characters are not allowed",
                Span::at(at),
            ));
        }
        if let Some(at) = lenient::refused_tab(text) {
            let at = u32::try_from(at).unwrap_or(u32::MAX);
            let line = self.line_of(at);
            let msg = format!("yaml: line {line}: found character that cannot start any token");
            return Some(self.err(ErrorKind::Malformed, msg, Span::at(at)));
        }
        let mut offset = 0usize;
        for (i, line) in text.split_inclusive('\n').enumerate() {
            let at = u32::try_from(offset).unwrap_or(u32::MAX);
            offset += line.len();
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            if !line.starts_with('%') {
                return None;
            }
            let mut words = line.split_whitespace();
            let (kind, msg) = if words.next() == Some("%YAML") && words.next() != Some("1.1") {
                (
                    ErrorKind::Syntax,
                    "yaml: found incompatible YAML document".to_string(),
                )
            } else {
                (
                    ErrorKind::Malformed,
                    format!(
                        "yaml: line {}: did not find expected <document start>",
                        i + 1
                    ),
                )
            };
            return Some(self.err(kind, msg, Span::at(at)));
        }
        None
    }

    /// Returns the events of `source` (the file's `text`, or its rewrite). With comments kept
    /// and a `#` in the text, every event is read first so the comment pass can see them all.
    fn event_source<'t>(&mut self, source: &'t str, text: &str) -> Events<'t> {
        let mut parser = Parser::new_from_str(source);
        if !self.opts.keep_comments || !text.contains('#') {
            return Events::Live(parser);
        }
        let mut buf: Vec<EventResult<'t>> = Vec::new();
        let mut failed = false;
        while let Some(ev) = parser.next_event() {
            failed = ev.is_err();
            buf.push(ev);
            if failed {
                break;
            }
        }
        if !failed {
            let infos: Vec<EvInfo> = buf
                .iter()
                .filter_map(|ev| ev.as_ref().ok())
                .map(|(ev, span)| EvInfo {
                    kind: match ev {
                        Event::StreamStart | Event::Nothing => EvKind::StreamStart,
                        Event::StreamEnd => EvKind::StreamEnd,
                        Event::DocumentStart(_) => EvKind::DocStart,
                        Event::DocumentEnd => EvKind::DocEnd,
                        Event::Alias(_) => EvKind::Alias,
                        Event::Scalar(..) => EvKind::Scalar,
                        Event::SequenceStart(..) => EvKind::SeqStart,
                        Event::SequenceEnd => EvKind::SeqEnd,
                        Event::MappingStart(..) => EvKind::MapStart,
                        Event::MappingEnd => EvKind::MapEnd,
                    },
                    span: self.offsets.span(span),
                    block: matches!(
                        ev,
                        Event::Scalar(_, SaphyrStyle::Literal | SaphyrStyle::Folded, ..)
                    ),
                })
                .collect();
            self.comments = comments::event_comments(text, &infos).unwrap_or_default();
        }
        Events::Buffered(buf.into_iter())
    }

    /// Makes a collection node, noting whether the source wrote it in flow style.
    fn collection(&self, kind: NodeKind, start: u32, end: u32) -> Node {
        let mut node = Node::new(kind, Span::new(start, end));
        node.flow = matches!(
            self.file.text.as_bytes().get(start as usize),
            Some(b'[' | b'{')
        );
        node
    }

    fn check_depth(&self, stack: &[Frame], span: Span) -> Result<()> {
        if stack.len() >= self.opts.limits.max_depth {
            return Err(self.err(
                ErrorKind::Budget,
                format!(
                    "yaml: nesting deeper than {} levels; flatten the document",
                    self.opts.limits.max_depth
                ),
                span,
            ));
        }
        Ok(())
    }

    fn expand_alias(&mut self, id: usize, span: Span) -> Result<Node> {
        let Some(Some(Anchored { node, size, refs })) = self.anchors.get(id) else {
            return Err(self.err(ErrorKind::Syntax, "yaml: unknown anchor", span));
        };
        let size = *size;
        self.decoded = self.decoded.saturating_add(size);
        self.alias_refs = self.alias_refs.saturating_add(1).saturating_add(*refs);
        if self.alias_refs > 100
            && self.decoded > 1000
            && self.alias_refs as f64 / self.decoded as f64 > allowed_alias_ratio(self.decoded)
        {
            return Err(self.err(
                ErrorKind::Budget,
                "yaml: document contains excessive aliasing",
                span,
            ));
        }
        if size > self.alias_budget {
            return Err(self.err(
                ErrorKind::Budget,
                format!(
                    "yaml: document contains excessive aliasing (more than {} nodes from aliases)",
                    self.opts.limits.max_alias_nodes
                ),
                span,
            ));
        }
        self.alias_budget -= size;
        let mut node = node.clone();
        node.span = span;
        Ok(node)
    }

    /// Records an anchor (if any) and places `node` into its parent.
    fn push_value(
        &mut self,
        stack: &mut [Frame],
        doc_root: &mut Option<Node>,
        node: Node,
        anchor: Option<(usize, usize)>,
    ) -> Result<()> {
        if let Some((id, refs)) = anchor.filter(|&(a, _)| a > 0) {
            let size = count_nodes(&node);
            if self.anchors.len() <= id {
                self.anchors.resize(id + 1, None);
            }
            if let Some(slot) = self.anchors.get_mut(id) {
                *slot = Some(Anchored {
                    node: node.clone(),
                    size,
                    refs,
                });
            }
        }
        let Some(top) = stack.last_mut() else {
            *doc_root = Some(node);
            return Ok(());
        };
        match top {
            Frame::Seq { items, .. } => items.push(node),
            Frame::Map {
                map,
                key,
                seen,
                merges,
                flow,
                ..
            } => match key.take() {
                None => {
                    let mut k = node;
                    if !*flow && has_foot(&k) {
                        // A key's foot is the foot of the entry before it, in block style.
                        if let Some(prev) = map.entries.last_mut() {
                            let foot = take_foot(&mut k);
                            set_foot(&mut prev.key, foot);
                        }
                    }
                    *key = Some(k);
                }
                Some(mut k) => {
                    let mut node = node;
                    if !has_foot(&k) && has_foot(&node) {
                        // A value's foot belongs to its key.
                        let foot = take_foot(&mut node);
                        set_foot(&mut k, foot);
                    }
                    let is_merge = matches!(&k.kind, NodeKind::Scalar(s)
                        if s.text == "<<" && s.style == ScalarStyle::Plain
                            && s.tag.as_deref().is_none_or(|t| t == "!!merge"));
                    if let NodeKind::Scalar(s) = &k.kind
                        && is_duplicate(map, seen, &s.text)
                    {
                        match self.opts.duplicate_keys {
                            DuplicateKeys::Error => {
                                let first = map
                                    .entries
                                    .iter()
                                    .find(|e| e.key.as_str() == Some(&s.text))
                                    .map(|e| self.line_of(e.key.span.start))
                                    .unwrap_or(0);
                                return Err(self.err(
                                    ErrorKind::Syntax,
                                    format!(
                                        "mapping key {:?} already defined at line {first}",
                                        s.text
                                    ),
                                    k.span,
                                ));
                            }
                            DuplicateKeys::KeepFirst => return Ok(()),
                            DuplicateKeys::KeepLast => {
                                if let Some(slot) = map.get_mut(&s.text) {
                                    *slot = node;
                                }
                                return Ok(());
                            }
                        }
                    }
                    let quoted_merge = matches!(&k.kind, NodeKind::Scalar(s)
                        if s.text == "<<" && (s.style.is_quoted() || s.tag.as_deref() == Some("!!str")));
                    if is_merge {
                        merges.push(node);
                    } else if quoted_merge {
                        // kustomize drops a quoted `"<<"` key with its value, whatever the
                        // value is (fixture format-anchors-aliases-merge-keys, v5.5 and v5.6).
                    } else {
                        map.entries.push(Entry {
                            key: k,
                            value: node,
                        });
                    }
                }
            },
        }
        Ok(())
    }

    /// Applies `<<` merge keys: keys already in the mapping win, then earlier merge sources.
    fn apply_merges(&self, map: &mut Mapping, merges: Vec<Node>) -> Result<()> {
        let mut present: HashSet<String> = map
            .entries
            .iter()
            .filter_map(|e| e.key.as_str().map(str::to_owned))
            .collect();
        for source in merges {
            let span = source.span;
            let sources = match source.kind {
                NodeKind::Mapping(m) => vec![m],
                NodeKind::Sequence(items) => {
                    let mut out = Vec::new();
                    for item in items {
                        match item.kind {
                            NodeKind::Mapping(m) => out.push(m),
                            _ => {
                                return Err(self.err(
                                    ErrorKind::Syntax,
                                    "yaml: map merge requires map or sequence of maps as the value",
                                    item.span,
                                ));
                            }
                        }
                    }
                    out
                }
                NodeKind::Scalar(_) => {
                    return Err(self.err(
                        ErrorKind::Syntax,
                        "yaml: map merge requires map or sequence of maps as the value",
                        span,
                    ));
                }
            };
            for m in sources {
                for e in m.entries {
                    if let Some(k) = e.key.as_str()
                        && !present.insert(k.to_owned())
                    {
                        continue;
                    }
                    map.entries.push(e);
                }
            }
        }
        Ok(())
    }
}

/// Records `key` and returns true if the mapping already has it. Small mappings are scanned;
/// big ones get a set, so a mapping of n keys costs O(n), not O(n²).
fn is_duplicate(map: &Mapping, seen: &mut Option<HashSet<String>>, key: &str) -> bool {
    const SCAN_LIMIT: usize = 16;
    if let Some(set) = seen {
        return !set.insert(key.to_owned());
    }
    let dup = map.entries.iter().any(|e| e.key.as_str() == Some(key));
    if !dup && map.entries.len() >= SCAN_LIMIT {
        let mut set: HashSet<String> = map
            .entries
            .iter()
            .filter_map(|e| e.key.as_str().map(str::to_owned))
            .collect();
        set.insert(key.to_owned());
        *seen = Some(set);
    }
    dup
}

/// Splits a go-yaml comment text into lines; a trailing line break adds no line.
fn split_lines(text: &str) -> Vec<String> {
    if text.is_empty() {
        return Vec::new();
    }
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    if lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

/// The comments one event gives its node.
fn node_comments(ec: &EvComments) -> Option<Box<Comments>> {
    if ec.is_empty() {
        return None;
    }
    let c = Comments {
        head: split_lines(&ec.head),
        line: (!ec.line.is_empty()).then(|| ec.line.clone()),
        foot: split_lines(&ec.foot),
    };
    (c != Comments::default()).then(|| Box::new(c))
}

/// go-yaml's `sequence()` and `mapping()`: the end event's line and foot comments replace
/// the collection's.
fn end_comments(node: &mut Node, ec: &EvComments) {
    if node.comments.is_none() && ec.line.is_empty() && ec.foot.is_empty() {
        return;
    }
    let c = node.comments.get_or_insert_with(Box::default);
    c.line = (!ec.line.is_empty()).then(|| ec.line.clone());
    c.foot = split_lines(&ec.foot);
    drop_if_empty(node);
}

fn has_foot(node: &Node) -> bool {
    node.comments.as_ref().is_some_and(|c| !c.foot.is_empty())
}

fn take_foot(node: &mut Node) -> Vec<String> {
    let foot = node
        .comments
        .as_mut()
        .map(|c| std::mem::take(&mut c.foot))
        .unwrap_or_default();
    drop_if_empty(node);
    foot
}

/// Sets `node`'s foot comment (replacing it, as go-yaml does) unless `foot` is empty.
fn set_foot(node: &mut Node, foot: Vec<String>) {
    if !foot.is_empty() {
        node.comments.get_or_insert_with(Box::default).foot = foot;
    }
}

fn drop_if_empty(node: &mut Node) {
    if node
        .comments
        .as_deref()
        .is_some_and(|c| *c == Comments::default())
    {
        node.comments = None;
    }
}

/// Removes every comment in a tree (an alias's copy keeps only the alias's own), without
/// recursion.
fn clear_comments(node: &mut Node) {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        n.comments = None;
        match &mut n.kind {
            NodeKind::Scalar(_) => {}
            NodeKind::Sequence(items) => stack.extend(items.iter_mut()),
            NodeKind::Mapping(m) => {
                for e in &mut m.entries {
                    stack.push(&mut e.key);
                    stack.push(&mut e.value);
                }
            }
        }
    }
}

/// Counts the nodes of a tree without recursion.
fn count_nodes(node: &Node) -> usize {
    let mut count = 0usize;
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        count = count.saturating_add(1);
        match &n.kind {
            NodeKind::Scalar(_) => {}
            NodeKind::Sequence(items) => stack.extend(items.iter()),
            NodeKind::Mapping(m) => {
                for e in &m.entries {
                    stack.push(&e.key);
                    stack.push(&e.value);
                }
            }
        }
    }
    count
}

fn convert_style(style: SaphyrStyle) -> ScalarStyle {
    match style {
        SaphyrStyle::Plain => ScalarStyle::Plain,
        SaphyrStyle::SingleQuoted => ScalarStyle::SingleQuoted,
        SaphyrStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
        SaphyrStyle::Literal => ScalarStyle::Literal,
        SaphyrStyle::Folded => ScalarStyle::Folded,
    }
}

/// Writes a tag in short form: `!!str` for the core schema, the verbatim text otherwise.
fn short_tag(tag: &Tag) -> String {
    if tag.handle == "tag:yaml.org,2002:" {
        format!("!!{}", tag.suffix)
    } else if tag.handle == "!" {
        format!("!{}", tag.suffix)
    } else {
        format!("{}{}", tag.handle, tag.suffix)
    }
}

/// Returns the offset of a `...` line that comes before any content (only blank and comment
/// lines precede it).
fn leading_document_end(text: &str) -> Option<u32> {
    let mut offset = 0usize;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_end_matches(['\n', '\r']);
        let t = trimmed.trim_start();
        if t.is_empty() || t.starts_with('#') {
            offset += line.len();
            continue;
        }
        let is_end = trimmed == "..."
            || trimmed
                .strip_prefix("...")
                .is_some_and(|rest| rest.starts_with([' ', '\t']));
        return is_end.then(|| u32::try_from(offset).unwrap_or(u32::MAX));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<Document>> {
        let file = SourceFile::new("t.yaml", text);
        parse_documents(&file, ParseOptions::default())
    }

    fn root(text: &str) -> Node {
        parse(text).unwrap().remove(0).root
    }

    #[test]
    fn builds_ordered_mappings_with_spans() {
        let n = root("b: 1\na:\n  - x\n  - y: z\n");
        let m = n.as_mapping().unwrap();
        let keys: Vec<_> = m.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["b", "a"]);
        let a = m.get("a").unwrap().as_sequence().unwrap();
        assert_eq!(a[0].as_str(), Some("x"));
        assert_eq!(a[1].get_str(&["y"]), Some("z"));
        let b = &m.entries[0].value;
        assert_eq!(b.span, Span::new(3, 4));
    }

    #[test]
    fn keeps_style_and_tag() {
        let n = root("a: !!str 12\nb: '1'\nc: |\n  x\n");
        let s = n.get_path(&["a"]).unwrap().as_scalar().unwrap();
        assert_eq!(s.tag.as_deref(), Some("!!str"));
        let b = n.get_path(&["b"]).unwrap().as_scalar().unwrap();
        assert_eq!(b.style, ScalarStyle::SingleQuoted);
        let c = n.get_path(&["c"]).unwrap().as_scalar().unwrap();
        assert_eq!((c.style, c.text.as_str()), (ScalarStyle::Literal, "x\n"));
    }

    #[test]
    fn records_flow_style() {
        let n = root("a: [x, y]\nb: {c: 1}\nd:\n- z\n");
        let flow = |k: &str| n.get_path(&[k]).unwrap().flow;
        assert!(flow("a") && flow("b") && !flow("d"));
        assert!(!n.flow);
    }

    #[test]
    fn spans_are_bytes_in_non_ascii_text() {
        let n = root("é: ü\nk: v\n");
        let v = n.get_path(&["k"]).unwrap();
        assert_eq!(v.span.start, 10);
    }

    /// Errors go-yaml's scanner or parser raises at a line (`yaml: line N: …`, which kustomize
    /// turns into a MalformedYAMLError) have their own kind; other rejections are `Syntax`.
    #[test]
    fn scanner_errors_are_malformed_and_others_syntax() {
        let cases = [
            ("a: [1\n", ErrorKind::Malformed),
            ("a:\n\tb: 1\n", ErrorKind::Malformed),
            ("a: \"\\/\"\n", ErrorKind::Malformed),
            ("%YAML 1.1\n--- a\n%FOO\n", ErrorKind::Malformed),
            ("a: 1\na: 2\n", ErrorKind::Syntax),
            ("%YAML 1.2\n---\na: 1\n", ErrorKind::Syntax),
        ];
        for (text, kind) in cases {
            let e = parse(text).unwrap_err();
            assert_eq!(e.kind(), kind, "{text:?}: {e}");
            assert_eq!(
                e.to_string().contains("yaml: line"),
                kind == ErrorKind::Malformed,
                "{text:?}: {e}"
            );
        }
    }

    #[test]
    fn duplicate_keys_follow_policy() {
        let e = parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "t.yaml:3:1: mapping key \"a\" already defined at line 1"
        );
        let file = SourceFile::new("k.yaml", "a: 1\na: 2\n");
        let last = parse_single(
            &file,
            ParseOptions {
                duplicate_keys: DuplicateKeys::KeepLast,
                ..ParseOptions::default()
            },
        )
        .unwrap()
        .unwrap();
        assert_eq!(last.get_str(&["a"]), Some("2"));
        let first = parse_single(
            &file,
            ParseOptions {
                duplicate_keys: DuplicateKeys::KeepFirst,
                ..ParseOptions::default()
            },
        )
        .unwrap()
        .unwrap();
        assert_eq!(first.get_str(&["a"]), Some("1"));
    }

    #[test]
    fn expands_aliases_and_merge_keys() {
        let n = root("base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\nlist: [*b]\n");
        let u = n.get_path(&["use"]).unwrap().as_mapping().unwrap();
        assert_eq!(u.get("x").and_then(Node::as_str), Some("1"));
        assert_eq!(u.get("y").and_then(Node::as_str), Some("3"));
        assert_eq!(u.len(), 2);
        let l = n.get_path(&["list"]).unwrap().as_sequence().unwrap();
        assert_eq!(l[0].get_str(&["y"]), Some("2"));
    }

    #[test]
    fn empty_documents_are_marked() {
        let docs = parse("---\n---\na: 1\n---\n# only a comment\n").unwrap();
        let empties: Vec<bool> = docs.iter().map(|d| d.is_empty).collect();
        assert_eq!(empties, [true, false, true]);
    }

    #[test]
    fn syntax_errors_have_positions() {
        let e = parse("a:\n\tb: 1\n").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Malformed);
        assert!(e.to_string().starts_with("t.yaml:2:"), "{e}");
        let e = parse("# only a comment\n...\n---\na: 1\n").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("t.yaml:2:1: yaml: did not find expected node content"),
            "{e}"
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let e = parse(&text).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Budget);
        let mut block = String::new();
        for i in 0..5000 {
            block.push_str(&" ".repeat(i));
            block.push_str("a:\n");
        }
        assert_eq!(parse(&block).unwrap_err().kind(), ErrorKind::Budget);
    }

    #[test]
    fn an_input_over_the_size_budget_names_its_file_without_a_position() {
        let file = SourceFile::new("big.yaml", "a: 1\nb: 2\n");
        let opts = ParseOptions {
            limits: Limits {
                max_bytes: 8,
                ..Limits::default()
            },
            ..ParseOptions::default()
        };
        let e = parse_documents(&file, opts).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Budget);
        assert_eq!(e.span(), None);
        assert_eq!(
            e.to_string(),
            "big.yaml: file is 10 bytes, over the limit of 8 bytes"
        );
        let at_limit = ParseOptions {
            limits: Limits {
                max_bytes: 10,
                ..Limits::default()
            },
            ..ParseOptions::default()
        };
        assert_eq!(parse_documents(&file, at_limit).unwrap().len(), 1);
    }

    #[test]
    fn alias_bombs_hit_the_budget() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        assert!(text.len() < 1024);
        let e = parse(&text).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Budget);
        assert!(e.to_string().contains("excessive aliasing"), "{e}");
    }
}

#[cfg(test)]
mod comment_tests {
    use super::*;

    fn docs(text: &str) -> Vec<Document> {
        let file = SourceFile::new("c.yaml", text);
        let opts = ParseOptions {
            keep_comments: true,
            ..ParseOptions::default()
        };
        parse_documents(&file, opts).expect("parses")
    }

    /// Every comment in the tree as `path kind: text`, in document order.
    fn comments_of(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for d in docs(text) {
            let mut stack: Vec<(String, &Node)> = vec![(String::new(), &d.root)];
            while let Some((path, n)) = stack.pop() {
                if let Some(c) = &n.comments {
                    let at = if path.is_empty() { "." } else { path.as_str() };
                    for h in &c.head {
                        out.push(format!("{at} head: {h}"));
                    }
                    if let Some(l) = &c.line {
                        out.push(format!("{at} line: {l}"));
                    }
                    for f in &c.foot {
                        out.push(format!("{at} foot: {f}"));
                    }
                }
                let mut children: Vec<(String, &Node)> = Vec::new();
                match &n.kind {
                    NodeKind::Scalar(_) => {}
                    NodeKind::Sequence(items) => {
                        for (i, item) in items.iter().enumerate() {
                            children.push((format!("{path}[{i}]"), item));
                        }
                    }
                    NodeKind::Mapping(m) => {
                        for e in &m.entries {
                            let k = e.key.as_str().unwrap_or("?");
                            children.push((format!("{path}/{k}:key"), &e.key));
                            children.push((format!("{path}/{k}"), &e.value));
                        }
                    }
                }
                stack.extend(children.into_iter().rev());
            }
        }
        out
    }

    #[test]
    fn attachment_rules() {
        // (rule, input, every comment as `path kind: text`); `/k:key` is the key node of `k`.
        let cases: &[(&str, &str, &[&str])] = &[
            (
                "line comment after a value",
                "a: 1 # c\n",
                &["/a line: # c"],
            ),
            (
                "line comment after a quoted value",
                "a: \"x # no\" # c\nb: 'y''#' # d\n",
                &["/a line: # c", "/b line: # d"],
            ),
            (
                "line comment after a key whose value is a block",
                "a: # c\n  b: 1\nl: # d\n- x\n",
                &["/a:key line: # c", "/l:key line: # d"],
            ),
            (
                "line comment on a block scalar's header",
                "a: | # c\n  # not a comment\n  x\n",
                &["/a line: # c"],
            ),
            (
                "line comment after a flow collection",
                "a: [x, y] # c\n",
                &["/a line: # c"],
            ),
            (
                "head comment of the first key",
                "# h1\n# h2\na: 1\n",
                &["/a:key head: # h1", "/a:key head: # h2"],
            ),
            (
                "head comment of a nested key",
                "a:\n  # h\n  b: 1\n",
                &["/a/b:key head: # h"],
            ),
            (
                "document head: lines before the last blank line",
                "# d1\n\n# d2\n\n# h\na: 1\n",
                &[
                    ". head: # d1",
                    ". head: ",
                    ". head: # d2",
                    "/a:key head: # h",
                ],
            ),
            (
                "a comment line right after an entry, then content, is the next key's head",
                "a: 1\n# h\nb: 2\n",
                &["/b:key head: # h"],
            ),
            (
                "followed by a blank line it is the entry's foot, on the key",
                "a: 1\n# f\n\nb: 2\n",
                &["/a:key foot: # f"],
            ),
            (
                "after a blank line it is the next key's head, blank lines kept inside",
                "a: 1\n\n# x\n\n# y\nb: 2\n",
                &["/b:key head: # x", "/b:key head: ", "/b:key head: # y"],
            ),
            (
                "foot at the block's indentation before a dedent",
                "a:\n  b: 1\n  # f\nc: 2\n",
                &["/a/b:key foot: # f"],
            ),
            (
                "foot at the end of the text",
                "a:\n  b:\n    c: d\n    # f\n",
                &["/a/b/c:key foot: # f"],
            ),
            (
                "a dedented comment heads the next key",
                "a:\n  b: 1\n# h\nc: 2\n",
                &["/c:key head: # h"],
            ),
            (
                "a dedented comment directly after content is still that content's foot",
                "a:\n  b:\n    c: 1\n  # f\nd: 2\n",
                &["/a/b/c:key foot: # f"],
            ),
            (
                "document foot after a blank line",
                "a: 1\n\n# end\n",
                &[". foot: # end"],
            ),
            (
                "sequence items: head, line and foot",
                "- a # l\n# h\n- b\n# f\n",
                &["[0] line: # l", "[1] head: # h", "[1] foot: # f"],
            ),
            (
                "a comment before `-` goes to a collection item itself (stem)",
                "# h\n- k: v\n",
                &["[0] head: # h"],
            ),
            (
                "a comment after `-` goes to the item's first key",
                "- # h\n  k: v\n",
                &["[0]/k:key head: # h"],
            ),
            (
                "comments before `---` go to the first node",
                "# h\n---\na: 1\n",
                &["/a:key head: # h"],
            ),
            (
                "each document has its own",
                "a: 1\n---\n# h\nb: 2 # l\n",
                &["/b:key head: # h", "/b line: # l"],
            ),
            (
                "a `#` inside a scalar is not a comment",
                "a: x#y\nb: \"#\"\nc: |\n  # text\nd: 'it''s # fine'\n",
                &[],
            ),
            (
                "an alias takes its own comments, not the anchor's",
                "a: &x 1 # one\nb: *x # two\n",
                &["/a line: # one", "/b line: # two"],
            ),
        ];
        for (name, text, want) in cases {
            assert_eq!(comments_of(text), *want, "{name}: {text:?}");
        }
    }

    /// Comments keep their places when the text had to be rewritten ([`lenient`]): the same
    /// as in the well-indented text.
    #[test]
    fn comments_survive_a_rewrite() {
        let low = "# head\nm:\n  a: [\n  1, # one\n  2]\n  b: 'x\n  y' # line\n# foot\n";
        let deep = "# head\nm:\n  a: [\n     1, # one\n     2]\n  b: 'x\n     y' # line\n# foot\n";
        assert!(!comments_of(deep).is_empty());
        assert_eq!(comments_of(low), comments_of(deep));
    }

    #[test]
    fn comments_are_dropped_by_default() {
        let file = SourceFile::new("c.yaml", "# h\na: 1 # l\n# f\n");
        let root = parse_single(&file, ParseOptions::default())
            .unwrap()
            .unwrap();
        let mut stack = vec![&root];
        while let Some(n) = stack.pop() {
            assert!(n.comments.is_none());
            if let Some(m) = n.as_mapping() {
                for e in &m.entries {
                    stack.push(&e.key);
                    stack.push(&e.value);
                }
            }
        }
    }

    #[test]
    fn odd_inputs_parse_without_panics() {
        let parts = [
            "a:", " ", "#", "# c", "\n", "\r\n", "- ", "[", "]", "{", "}", ",", "? ", ": ", "&x ",
            "*x", "!t ", "|", ">-", "'q'", "\"q\"", "---", "...", "\t", "é", "  ",
        ];
        let mut seed: u32 = 7;
        for _ in 0..4000 {
            let mut text = String::new();
            for _ in 0..12 {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                text.push_str(parts[(seed >> 16) as usize % parts.len()]);
            }
            let file = SourceFile::new("f.yaml", text);
            let opts = ParseOptions {
                keep_comments: true,
                ..ParseOptions::default()
            };
            let _ = parse_documents(&file, opts);
        }
    }

    #[test]
    fn deep_documents_with_comments_stay_bounded() {
        let mut text = String::new();
        for i in 0..900 {
            text.push_str(&" ".repeat(i));
            text.push_str("a: # c\n");
        }
        text.push_str("# end\n");
        let file = SourceFile::new("d.yaml", text);
        let opts = ParseOptions {
            keep_comments: true,
            ..ParseOptions::default()
        };
        assert!(parse_documents(&file, opts).is_ok());
    }
}

/// Regression tests for inputs go-yaml reads differently from the YAML spec.
#[cfg(test)]
mod regression_tests {
    use super::*;

    fn root(text: &str) -> Node {
        let file = SourceFile::new("r.yaml", text);
        let mut docs = parse_documents(&file, ParseOptions::default()).expect("parses");
        docs.remove(0).root
    }

    /// A block scalar that ends the file without a line break keeps no final break. Expected
    /// values are what `kubectl kustomize` (v5.5) printed for these lines under `data:`.
    #[test]
    fn block_scalar_without_final_newline() {
        let cases = [
            ("a: |\n  x\n  y", "x\ny"),
            ("a: |+\n  x\n  y", "x\ny"),
            ("a: |-\n  x\n  y", "x\ny"),
            ("a: >\n  x\n  y", "x y"),
            ("a: |\n  x\n  ", "x\n"),
            ("a: |+\n  x\n\n  ", "x\n\n"),
            ("b:\n  a: |\n    x\n  ", "x\n"),
            ("a: |\n  x\n  y\n", "x\ny\n"),
            ("a: |\n  x\n# c", "x\n"),
        ];
        for (text, want) in cases {
            let r = root(text);
            let got = r
                .get_str(&["a"])
                .or_else(|| r.get_str(&["b", "a"]))
                .expect("a");
            assert_eq!(got, want, "{text:?}");
        }
    }

    /// Quoted scalars continued at the key's own indentation or less. Expected values are
    /// what `kubectl kustomize` (v5.5) printed for the same lines under `data:`.
    #[test]
    fn quoted_scalar_continued_at_key_indentation() {
        let r = root("m:\n  a: 'first\n  second'\n  b: \"third\n fourth\"\n  c: \"x\n\ty\"\n");
        assert_eq!(r.get_str(&["m", "a"]), Some("first second"));
        assert_eq!(r.get_str(&["m", "b"]), Some("third fourth"));
        assert_eq!(r.get_str(&["m", "c"]), Some("x y"));
    }

    /// Flow collections whose lines sit at their key's indentation or less; spans still point
    /// into the original text. Oracle (`kubectl kustomize`, v5.5): `command: [` / `"sh",` /
    /// `"-c"` / `]` is the list `sh`, `-c`.
    #[test]
    fn flow_collection_closed_at_parent_indentation() {
        let text = "c:\n  command: [\n  \"sh\",\n\"-c\"\n  ]\n  m: {\nk: v}\n";
        let r = root(text);
        let items = r
            .get_path(&["c", "command"])
            .and_then(Node::as_sequence)
            .expect("list");
        let texts: Vec<_> = items.iter().filter_map(Node::as_str).collect();
        assert_eq!(texts, ["sh", "-c"]);
        let span = items[1].span;
        assert_eq!(&text[span.start as usize..span.end as usize], "\"-c\"");
        assert_eq!(r.get_str(&["c", "m", "k"]), Some("v"));
    }

    /// A tab after a value's `:`, and a comment right after a closing quote. Oracle
    /// (`kubectl kustomize`, v5.5): `a:<tab>value` is `value`, `a: "x"# c` is `x`.
    #[test]
    fn tab_after_colon_and_comment_after_quote() {
        let r = root("a:\tvalue\nb: \"x\"# c\nc: z#not a comment\n");
        assert_eq!(r.get_str(&["a"]), Some("value"));
        assert_eq!(r.get_str(&["b"]), Some("x"));
        assert_eq!(r.get_str(&["c"]), Some("z#not a comment"));
    }

    /// What go-yaml refuses stays refused, at a position in the original text.
    #[test]
    fn errors_after_a_rewrite_point_into_the_original() {
        let file = SourceFile::new("r.yaml", "a: [\nx]\nb: \"open\n---\nc\"\n");
        let e = parse_documents(&file, ParseOptions::default()).expect_err("refused");
        assert!(e.to_string().starts_with("r.yaml:3:4: "), "{e}");
    }

    /// Inputs saphyr reads and go-yaml refuses, refused with go-yaml's words. Expected
    /// messages are `kubectl kustomize`'s (v5.5) for the same files; the positions in front
    /// are Strata's (the offending character, directive or quoted scalar).
    #[test]
    fn go_yaml_refusals() {
        let cases = [
            (
                "a: \"x\u{1}y\"\n",
                "r.yaml:1:6: yaml: control characters are not allowed",
            ),
            (
                "a: \"x\u{7F}\"\n",
                "r.yaml:1:6: yaml: control characters are not allowed",
            ),
            (
                "# c\n%YAML 1.1\n---\na: 1\n",
                "r.yaml:2:1: yaml: line 2: did not find expected <document start>",
            ),
            (
                "%YAML 1.2\n---\na: 1\n",
                "r.yaml:1:1: yaml: found incompatible YAML document",
            ),
            (
                "a: 1\nb: \"http:\\/\\/x\"\n",
                "r.yaml:2:4: yaml: line 2: found unknown escape character",
            ),
            (
                "a:\n- b\n-\tc\n",
                "r.yaml:3:2: yaml: line 3: found character that cannot start any token",
            ),
        ];
        for (text, want) in cases {
            let file = SourceFile::new("r.yaml", text);
            let e = parse_documents(&file, ParseOptions::default()).expect_err(text);
            assert_eq!(e.to_string(), want, "{text:?}");
        }
        // Escaped backslashes before a slash, a tab, NEL and BOM are fine.
        let r = root("\u{FEFF}a: \"\\\\/\tx\u{85}\"\n");
        assert_eq!(r.get_str(&["a"]), Some("\\/\tx\u{85}"));
    }

    /// Texts made of YAML's structural pieces in many orders parse or fail without a panic,
    /// including the ones rewritten by [`lenient`], and the rewrite only adds white space
    /// or turns a tab into a space.
    #[test]
    fn rewrites_of_odd_texts_are_white_space_only() {
        let pieces = [
            "a: ", "'", "\"", "[", "]", "{", "}", "\n", "  ", "\t", "- ", "# c", "x", ",", ":",
            "|", "\n---\n", "\\", "?", "&a ", "*a", "é",
        ];
        let mut seed = 0x2545_f491_u64;
        let mut rewritten = 0;
        for _ in 0..4000 {
            let mut text = String::new();
            for _ in 0..12 {
                seed = seed
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                text.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            let file = SourceFile::new("r.yaml", text.clone());
            let _ = parse_documents(&file, ParseOptions::default());
            if let Some(r) = lenient::relax(&text) {
                rewritten += 1;
                let mut from = r.text.chars().filter(|c| *c != ' ' && *c != '\t');
                let mut to = text.chars().filter(|c| *c != ' ' && *c != '\t');
                assert!(from.by_ref().eq(to.by_ref()), "{text:?} -> {:?}", r.text);
                assert_eq!(r.map.original(0), 0);
            }
        }
        assert!(rewritten > 20, "{rewritten}");
    }

    /// kustomize reads one document per piece between `---` lines: what follows a `...`
    /// before the next `---` is never read. Oracle (`kubectl kustomize`, v5.5): of `one` /
    /// `...` / `two` / `---` / `three` / `...` / `# c` / `---` / `four` / `... # end` /
    /// `five`, it prints `one`, `three` and `four`.
    #[test]
    fn documents_after_an_end_marker_are_not_read() {
        let text =
            "n: one\n...\nn: two\n---\nn: three\n...\n# c\n---\nn: four\n... # end\nn: five\n";
        let file = SourceFile::new("r.yaml", text);
        let docs = parse_documents(&file, ParseOptions::default()).expect("parses");
        let names: Vec<_> = docs.iter().filter_map(|d| d.root.get_str(&["n"])).collect();
        assert_eq!(names, ["one", "three", "four"]);
    }

    /// go-yaml breaks lines on U+0085, U+2028 and U+2029 outside quotes. Oracle (`kubectl
    /// kustomize`, v5.5): `apiVersion: v1<U+2028>kind: ConfigMap` is two keys, a comment ends
    /// at U+0085 (`# c<U+0085>d: e` adds the key `d`), and quoted text keeps the character.
    #[test]
    fn unicode_line_breaks_outside_quotes() {
        let r = root("apiVersion: v1\u{2028}kind: ConfigMap # c\u{85}d: e\nq: \"a\u{2028}b\"\n");
        assert_eq!(r.get_str(&["apiVersion"]), Some("v1"));
        assert_eq!(r.get_str(&["kind"]), Some("ConfigMap"));
        assert_eq!(r.get_str(&["d"]), Some("e"));
        assert_eq!(r.get_str(&["q"]), Some("a\u{2028}b"));
        let file = SourceFile::new("r.yaml", "m:\n  a: |\n    x\u{2028}y\n");
        assert!(parse_documents(&file, ParseOptions::default()).is_err());
    }
}
