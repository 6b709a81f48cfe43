//! The editable text: a kustomization file parsed with spans, changed by splicing bytes.
//!
//! Every primitive here replaces, inserts or deletes the bytes of exactly one node (or one
//! mapping entry, or one sequence item) and re-parses, so everything else in the file (comments,
//! blank lines, key order, quoting, indentation) stays byte-for-byte. New nodes are written by
//! [`super::style`] in the file's own indentation.
//!
//! kustomize's edit (kustomize/commands/internal/kustfile/kustomizationfile.go) instead
//! unmarshals the file, changes the struct and marshals it again, keeping only comments that sit
//! above top-level keys (kustomize issues #2310, #4481).

use std::sync::Arc;

use crate::error::{Error, ErrorKind, Result};
use crate::source::{SourceFile, Span};
use crate::yaml::node::{Mapping, Node, NodeKind, ScalarStyle};
use crate::yaml::parse::{DuplicateKeys, ParseOptions, parse_single};

use super::order;
use super::style::{Style, render_entry, render_item, render_scalar_value, render_value};

/// One step from a mapping to a child: a key, or an index into a sequence.
#[derive(Clone, Debug)]
pub(crate) enum Step {
    /// The value under this key.
    Key(String),
    /// The sequence item at this index.
    Index(usize),
}

/// A kustomization file being edited.
pub(crate) struct Doc {
    file: Arc<SourceFile>,
    root: Node,
    /// Indentation of the file, detected once from the original text.
    style: Style,
}

impl Doc {
    /// Parses `text`; the root must be a mapping (or the file empty).
    pub(crate) fn parse(path: &str, text: &str) -> Result<Doc> {
        let file = SourceFile::new(path, text);
        let root = Self::parse_root(&file)?;
        let style = Style::detect(&file.text, &root);
        Ok(Doc { file, root, style })
    }

    fn parse_root(file: &Arc<SourceFile>) -> Result<Node> {
        let opts = ParseOptions {
            duplicate_keys: DuplicateKeys::KeepLast,
            ..ParseOptions::default()
        };
        match parse_single(file, opts)? {
            None => Ok(Node::new(
                NodeKind::Mapping(Mapping::new()),
                Span::at(u32::try_from(file.text.len()).unwrap_or(u32::MAX)),
            )),
            Some(root) if root.as_mapping().is_some() && !root.flow => Ok(root),
            Some(root) => Err(Error::at(
                ErrorKind::Kustomization,
                "a kustomization must be a block mapping of fields to edit it",
                file,
                root.span,
            )),
        }
    }

    /// Returns the current text.
    pub(crate) fn text(&self) -> &str {
        &self.file.text
    }

    /// Returns the current root mapping.
    pub(crate) fn root(&self) -> &Mapping {
        // The root is checked to be a mapping by `parse_root` on every (re)parse.
        self.root.as_mapping().unwrap_or(&EMPTY)
    }

    /// Returns the node at `path`, if there is one.
    pub(crate) fn get(&self, path: &[Step]) -> Option<&Node> {
        let mut cur = &self.root;
        for step in path {
            cur = match step {
                Step::Key(k) => cur.as_mapping()?.get(k)?,
                Step::Index(i) => cur.as_sequence()?.get(*i)?,
            };
        }
        Some(cur)
    }

    /// Returns the byte range of the top-level field `key`: from the start of its key's line
    /// to the end of its value's last line (comments after that belong to what follows).
    #[cfg(test)]
    pub(crate) fn field_extent(&self, key: &str) -> Option<(usize, usize)> {
        let e = self.root().get_entry(key)?;
        let start = self.line_start(e.key.span.start as usize);
        let end = self.line_end(self.last_end(&e.value).max(self.scalar_end(&e.key)));
        Some((start, end))
    }

    /// Fails when the node at `path` or one above it came from a YAML alias (`*x`) or a merge
    /// key (`<<: *x`): the parser expands those, so their bytes are the anchored node's, and
    /// splicing them would change the anchor instead.
    fn check_own_bytes(&self, path: &[Step]) -> Result<()> {
        let text = self.text().as_bytes();
        let mut cur = &self.root;
        let mut walked: Vec<Step> = Vec::new();
        for step in std::iter::once(None).chain(path.iter().map(Some)) {
            if let Some(step) = step {
                let next = match step {
                    Step::Key(k) => cur.as_mapping().and_then(|m| m.get(k)),
                    Step::Index(i) => cur.as_sequence().and_then(|v| v.get(*i)),
                };
                let Some(next) = next else { break };
                walked.push(step.clone());
                cur = next;
            }
            let alias = text.get(cur.span.start as usize) == Some(&b'*') && !walked.is_empty();
            let merged = cur.as_mapping().is_some_and(|m| {
                m.entries
                    .iter()
                    .any(|e| e.key.span.start < cur.span.start || e.key.span.start >= cur.span.end)
            }) && !cur.flow
                && !walked.is_empty();
            if alias || merged {
                return Err(self.error_at(
                    &walked,
                    "this node comes from a YAML alias or merge key; edit the anchored node, \
                     or write the content out in place of the alias",
                ));
            }
        }
        Ok(())
    }

    /// Returns an error located at the node at `path` (or the file when there is none).
    pub(crate) fn error_at(&self, path: &[Step], message: impl Into<String>) -> Error {
        match self.get(path) {
            Some(n) => Error::at(ErrorKind::Kustomization, message, &self.file, n.span),
            None => Error::new(ErrorKind::Kustomization, message).with_path(self.file.path.clone()),
        }
    }

    /// Replaces `start..end` with `with` (its line breaks written as the file writes them)
    /// and re-parses.
    fn splice(&mut self, start: usize, end: usize, with: &str) -> Result<()> {
        let crlf;
        let with = if self.file.text.contains("\r\n") && with.contains('\n') {
            crlf = with.replace("\r\n", "\n").replace('\n', "\r\n");
            crlf.as_str()
        } else {
            with
        };
        let text = &self.file.text;
        let mut out = String::with_capacity(text.len() + with.len());
        out.push_str(text.get(..start).unwrap_or(text));
        out.push_str(with);
        out.push_str(text.get(end..).unwrap_or(""));
        let file = SourceFile::new(self.file.path.clone(), out);
        let root = Self::parse_root(&file).map_err(|e| {
            // A splice that does not parse is a bug here, not in the user's file; say so.
            Error::new(
                ErrorKind::Kustomization,
                format!("{}: edit produced invalid YAML ({e})", self.file.path),
            )
        })?;
        self.file = file;
        self.root = root;
        Ok(())
    }

    fn line_start(&self, off: usize) -> usize {
        let text = self.text();
        text.get(..off)
            .and_then(|t| t.rfind('\n'))
            .map_or(0, |i| i + 1)
    }

    /// Returns the offset just past the newline ending the line that holds `off` (or the end
    /// of the text).
    fn line_end(&self, off: usize) -> usize {
        let text = self.text();
        text.get(off..)
            .and_then(|t| t.find('\n'))
            .map_or(text.len(), |i| off + i + 1)
    }

    fn column(&self, off: usize) -> usize {
        off - self.line_start(off)
    }

    /// Returns where the last byte of `node` that is part of the source ends.
    fn last_end(&self, node: &Node) -> usize {
        if node.flow {
            return self.flow_end(node);
        }
        match &node.kind {
            NodeKind::Scalar(_) => self.scalar_end(node),
            NodeKind::Mapping(m) => m
                .entries
                .iter()
                .map(|e| self.last_end(&e.value).max(self.scalar_end(&e.key)))
                .max()
                .unwrap_or(node.span.end as usize),
            NodeKind::Sequence(items) => items
                .iter()
                .map(|i| self.last_end(i))
                .max()
                .unwrap_or(node.span.end as usize),
        }
    }

    /// Returns where the scalar `node` ends. saphyr's span of a quoted scalar runs on over a
    /// comment that follows it on its line, so the closing quote is found here.
    fn scalar_end(&self, node: &Node) -> usize {
        let start = node.span.start as usize;
        let end = node.span.end as usize;
        let style = node.as_scalar().map(|s| s.style);
        let bytes = self.text().as_bytes();
        let quote = match style {
            Some(ScalarStyle::DoubleQuoted) => b'"',
            Some(ScalarStyle::SingleQuoted) => b'\'',
            Some(ScalarStyle::Literal | ScalarStyle::Folded) => {
                // A block scalar's span ends after its last line break: end on that line.
                let mut e = end.min(bytes.len());
                while e > start && matches!(bytes[e - 1], b'\n' | b'\r' | b' ') {
                    e -= 1;
                }
                return e;
            }
            _ => return end,
        };
        if bytes.get(start) != Some(&quote) {
            return end;
        }
        let mut i = start + 1;
        while i < end.min(bytes.len()) {
            match bytes[i] {
                b'\\' if quote == b'"' => i += 2,
                b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
                b if b == quote => return i + 1,
                _ => i += 1,
            }
        }
        end
    }

    /// Returns where the flow collection `node` ends: just past its closing bracket (saphyr's
    /// span, like a quoted scalar's, can run on over a comment after it).
    fn flow_end(&self, node: &Node) -> usize {
        let start = node.span.start as usize;
        let bytes = self.text().as_bytes();
        let mut depth = 0usize;
        let mut i = start;
        // The last byte that was not a space: a quote opens a quoted scalar only where a
        // scalar can start (`don't` is plain).
        let mut prev = b'[';
        while let Some(&b) = bytes.get(i) {
            match b {
                b'[' | b'{' => depth += 1,
                b']' | b'}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return i + 1;
                    }
                }
                b'"' | b'\'' if matches!(prev, b'[' | b'{' | b',' | b':') => {
                    // Skip the quoted scalar (a `""` or `''` pair inside is handled by
                    // re-entering this arm).
                    i += 1;
                    while let Some(&c) = bytes.get(i) {
                        if c == b'\\' && b == b'"' {
                            i += 1;
                        } else if c == b {
                            break;
                        }
                        i += 1;
                    }
                }
                _ => {}
            }
            if !matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                prev = b;
            }
            i += 1;
        }
        node.span.end as usize
    }

    /// Returns where `node` starts: its span's start, except for a block scalar, whose span
    /// starts at its content, below the `|` or `>` header.
    fn node_start(&self, node: &Node) -> usize {
        let start = node.span.start as usize;
        match node.as_scalar().map(|s| s.style) {
            Some(ScalarStyle::Literal | ScalarStyle::Folded) => self
                .text()
                .get(..start)
                .and_then(|t| t.rfind(['|', '>']))
                .unwrap_or(start),
            _ => start,
        }
    }

    /// Returns the offset just past the `:` that follows `key`.
    fn after_colon(&self, key: &Node) -> usize {
        let text = self.text();
        let from = self.scalar_end(key);
        text.get(from..)
            .and_then(|t| t.find(':'))
            .map_or(from, |i| from + i + 1)
    }

    /// Sets the scalar under `key` in the mapping at `map`, creating the entry when missing
    /// (after the last key that precedes it in kustomize's order when `ordered`). `as_string`
    /// writes a string even if the text looks like a number; otherwise the text is written
    /// as it is (an integer the caller checked).
    pub(crate) fn set_scalar(
        &mut self,
        map: &[Step],
        key: &str,
        value: &str,
        as_string: bool,
        ordered: bool,
    ) -> Result<()> {
        self.check_own_bytes(map)?;
        let mut path = map.to_vec();
        path.push(Step::Key(key.to_owned()));
        if let Some(existing) = self.get(&path) {
            // Continuation lines of a block scalar go deeper than the key.
            let col = self
                .get(map)
                .and_then(Node::as_mapping)
                .and_then(|m| m.get_entry(key))
                .map_or(0, |e| self.column(e.key.span.start as usize));
            if let NodeKind::Scalar(s) = &existing.kind {
                if s.text == value && (!as_string || s.style.is_quoted() || !looks_typed(value)) {
                    return Ok(());
                }
                let written = match s.style {
                    ScalarStyle::DoubleQuoted if as_string && simple_quotable(value, '"') => {
                        format!("\"{value}\"")
                    }
                    ScalarStyle::SingleQuoted if as_string && simple_quotable(value, '\'') => {
                        format!("'{value}'")
                    }
                    _ => render_scalar_value(value, as_string, col),
                };
                return self.replace_value(&path, &written);
            }
            let written = render_scalar_value(value, as_string, col);
            return self.replace_value(&path, &written);
        }
        let scalar = if as_string {
            Node::string(value)
        } else {
            Node::scalar(crate::yaml::Scalar::plain(value))
        };
        self.insert_entry(map, key, &scalar, ordered)
    }

    /// Replaces the value at `path` (a mapping entry's value) with `written`, a scalar's text.
    fn replace_value(&mut self, path: &[Step], written: &str) -> Result<()> {
        let Some((Step::Key(_), parent)) = path.split_last() else {
            return Err(self.error_at(path, "internal: value path must end in a key"));
        };
        let Some(Step::Key(key)) = path.last() else {
            return Err(self.error_at(path, "internal: value path must end in a key"));
        };
        let Some(entry) = self
            .get(parent)
            .and_then(Node::as_mapping)
            .and_then(|m| m.get_entry(key))
        else {
            return Err(self.error_at(path, "internal: no such entry"));
        };
        let colon = self.after_colon(&entry.key);
        let value = &entry.value;
        let empty_null = value.is_null() && value.span.start == value.span.end;
        let block = matches!(
            value.as_scalar().map(|s| s.style),
            Some(ScalarStyle::Literal | ScalarStyle::Folded)
        );
        let (start, end) = if empty_null || block || !matches!(value.kind, NodeKind::Scalar(_)) {
            // Everything after `key:` up to the end of the value's last line (not its newline).
            let end = if empty_null {
                colon
            } else {
                let e = self.line_end(self.last_end(value));
                if self.text().as_bytes().get(e.wrapping_sub(1)) == Some(&b'\n') {
                    e - 1
                } else {
                    e
                }
            };
            (colon, end)
        } else {
            (value.span.start as usize, self.scalar_end(value))
        };
        let mut with = if start == colon {
            format!(" {written}")
        } else {
            written.to_owned()
        };
        // Keep a comment that followed the old value on its line.
        if start == colon
            && end > colon
            && let Some(comment) = self.tail_comment(self.last_end(value), end)
        {
            with.push_str(&comment);
        }
        self.splice(start, end, &with)
    }

    /// Replaces the whole value at `path` (a mapping entry's value) with `node`, written in the
    /// file's style.
    pub(crate) fn replace_with_node(&mut self, path: &[Step], node: &Node) -> Result<()> {
        self.check_own_bytes(path)?;
        if let Some((Step::Index(i), parent)) = path.split_last() {
            return self.replace_item(parent, *i, node);
        }
        let Some((Step::Key(key), parent)) = path.split_last() else {
            return Err(self.error_at(path, "internal: value path must end in a key"));
        };
        if let Some(p) = self.get(parent).filter(|p| p.flow) {
            // Block text cannot go inside `{...}`: the enclosing mapping turns block.
            let mut whole = p.clone();
            if let Some(m) = whole.as_mapping_mut() {
                m.insert(key, node.clone());
            }
            whole.flow = false;
            return self.replace_with_node(parent, &whole);
        }
        let Some(entry) = self
            .get(parent)
            .and_then(Node::as_mapping)
            .and_then(|m| m.get_entry(key))
        else {
            return Err(self.error_at(path, "internal: no such entry"));
        };
        let col = self.column(entry.key.span.start as usize);
        let colon = self.after_colon(&entry.key);
        let value = &entry.value;
        let empty_null = value.is_null() && value.span.start == value.span.end;
        let end = if empty_null {
            colon
        } else {
            let e = self.line_end(self.last_end(value));
            if self.text().as_bytes().get(e.wrapping_sub(1)) == Some(&b'\n') {
                e - 1
            } else {
                e
            }
        };
        let mut rendered = render_value(node, col, &self.style);
        if !empty_null {
            // A comment after the old value stays on the key's line.
            if let Some(comment) = self.tail_comment(self.last_end(value), end) {
                rendered = match rendered.strip_prefix('\n') {
                    Some(block) => format!("{comment}\n{block}"),
                    None => format!("{rendered}{comment}"),
                };
            }
        }
        self.splice(colon, end, &rendered)
    }

    /// Returns the comment (with the spaces before it) between the end of a value and `end`,
    /// when that stretch is one line holding only a comment.
    fn tail_comment(&self, value_end: usize, end: usize) -> Option<String> {
        let tail = self.text().get(value_end..end)?;
        (!tail.contains('\n') && tail.trim_start().starts_with('#')).then(|| tail.to_owned())
    }

    /// Replaces item `at` of the sequence at `seq` with `node`, written in block style (a flow
    /// sequence becomes a block one).
    fn replace_item(&mut self, seq: &[Step], at: usize, node: &Node) -> Result<()> {
        let Some(target) = self.get(seq) else {
            return Err(self.error_at(seq, "internal: no sequence"));
        };
        let Some(items) = target.as_sequence() else {
            return Err(self.error_at(seq, "expected a sequence"));
        };
        if at >= items.len() {
            return Err(self.error_at(seq, "internal: no such item"));
        }
        if target.flow {
            let mut whole = target.clone();
            if let Some(v) = whole.as_sequence_mut() {
                v[at] = node.clone();
            }
            whole.flow = false;
            return self.replace_with_node(seq, &whole);
        }
        let item = &items[at];
        let dash = self.dash_before(self.node_start(item));
        let col = self.column(dash);
        let start = self.line_start(dash);
        let end = self.line_end(self.last_end(item).max(self.node_start(item)));
        let mut written = render_item(node, col, &self.style);
        if self.text().as_bytes().get(end.wrapping_sub(1)) != Some(&b'\n') {
            written.pop();
        }
        self.splice(start, end, &written)
    }

    /// Inserts `key: node` into the mapping at `map` (creating the mapping's parents is the
    /// caller's job). With `ordered`, the key goes after the last key that precedes it in
    /// kustomize's field order ([`order`]); otherwise it goes last.
    pub(crate) fn insert_entry(
        &mut self,
        map: &[Step],
        key: &str,
        node: &Node,
        ordered: bool,
    ) -> Result<()> {
        self.check_own_bytes(map)?;
        let Some(target) = self.get(map) else {
            return Err(self.error_at(map, "internal: no mapping to insert into"));
        };
        let Some(m) = target.as_mapping() else {
            return Err(self.error_at(map, format!("expected a mapping to add '{key}' to")));
        };
        if target.flow || m.is_empty() {
            if map.is_empty() {
                // An empty file: append.
                let text = self.text();
                let sep = if text.is_empty() || text.ends_with('\n') {
                    ""
                } else {
                    "\n"
                };
                let entry = render_entry(&key_text(key), node, 0, &self.style);
                let at = text.len();
                return self.splice(at, at, &format!("{sep}{entry}"));
            }
            // `{}` or `{a: b}` in flow style: rewrite that node in block style.
            let mut merged = target.clone();
            if let Some(mm) = merged.as_mapping_mut() {
                mm.insert(key, node.clone());
            }
            merged.flow = false;
            return self.replace_with_node(map, &merged);
        }
        let col = self.column(m.entries[0].key.span.start as usize);
        let rank = if ordered { order::rank(key) } else { None };
        let after = match rank {
            Some(r) => m
                .entries
                .iter()
                .enumerate()
                .filter(|(_, e)| {
                    e.key
                        .as_str()
                        .and_then(order::rank)
                        .is_some_and(|kr| kr < r)
                })
                .map(|(i, _)| i)
                .max(),
            None => Some(m.entries.len() - 1),
        };
        let entry = render_entry(&key_text(key), node, col, &self.style);
        match after {
            Some(i) => {
                let e = &m.entries[i];
                let at = self.line_end(self.last_end(&e.value).max(self.scalar_end(&e.key)));
                let sep = if self.text().as_bytes().get(at.wrapping_sub(1)) == Some(&b'\n') {
                    ""
                } else {
                    "\n"
                };
                self.splice(at, at, &format!("{sep}{entry}"))
            }
            None => {
                let at = self.line_start(m.entries[0].key.span.start as usize);
                self.splice(at, at, &entry)
            }
        }
    }

    /// Removes the entry `key` from the mapping at `map`; returns false if there was none.
    pub(crate) fn remove_entry(&mut self, map: &[Step], key: &str) -> Result<bool> {
        self.check_own_bytes(map)?;
        let Some(target) = self.get(map) else {
            return Ok(false);
        };
        let Some(m) = target.as_mapping() else {
            return Ok(false);
        };
        let Some(pos) = m.position(key) else {
            return Ok(false);
        };
        if target.flow || (m.len() == 1 && !map.is_empty()) {
            let mut rest = target.clone();
            if let Some(mm) = rest.as_mapping_mut() {
                mm.remove(key);
            }
            self.replace_with_node(map, &rest)?;
            return Ok(true);
        }
        let e = &m.entries[pos];
        let key_start = e.key.span.start as usize;
        let ls = self.line_start(key_start);
        let only_space_before = self
            .text()
            .get(ls..key_start)
            .is_some_and(|p| p.chars().all(|c| c == ' '));
        let end = self.line_end(self.last_end(&e.value).max(self.scalar_end(&e.key)));
        if only_space_before {
            self.splice(ls, end, "")?;
        } else {
            // The first key of a sequence item (`- name: x`): keep the dash, pull the next key
            // up onto its line.
            let next = m.entries.get(pos + 1).map(|n| n.key.span.start as usize);
            match next {
                Some(n) => self.splice(key_start, n, "")?,
                None => self.splice(key_start, end, "{}\n")?,
            }
        }
        Ok(true)
    }

    /// Inserts `node` into the sequence at `seq` before index `at` (at the end when `at` is
    /// the length).
    pub(crate) fn insert_item(&mut self, seq: &[Step], at: usize, node: &Node) -> Result<()> {
        self.check_own_bytes(seq)?;
        let Some(target) = self.get(seq) else {
            return Err(self.error_at(seq, "internal: no sequence to insert into"));
        };
        let Some(items) = target.as_sequence() else {
            return Err(self.error_at(seq, "expected a sequence"));
        };
        if target.flow || items.is_empty() {
            if target.flow
                && !items.is_empty()
                && at == items.len()
                && items.iter().all(|i| matches!(i.kind, NodeKind::Scalar(_)))
                && matches!(node.kind, NodeKind::Scalar(_))
            {
                // `[a, b]` stays a flow sequence: `[a, b, c]`.
                if let Some(written) = flow_scalar(node.as_str().unwrap_or("")) {
                    let last = self.last_end(&items[items.len() - 1]);
                    return self.splice(last, last, &format!(", {written}"));
                }
            }
            let mut merged = target.clone();
            if let Some(v) = merged.as_sequence_mut() {
                v.insert(at.min(v.len()), node.clone());
            }
            merged.flow = false;
            return self.replace_with_node(seq, &merged);
        }
        let dash = self.dash_before(self.node_start(&items[0]));
        let col = self.column(dash);
        let item = render_item(node, col, &self.style);
        if at == 0 {
            // Above the first item and the comment lines written at its dash's column, which
            // describe it.
            let mut ls = self.line_start(self.dash_before(self.node_start(&items[0])));
            while ls > 0 {
                let prev = self.line_start(ls - 1);
                let line = self.text().get(prev..ls).unwrap_or("");
                let trimmed = line.trim_start_matches(' ');
                if trimmed.starts_with('#') && line.len() - trimmed.len() == col {
                    ls = prev;
                } else {
                    break;
                }
            }
            self.splice(ls, ls, &item)
        } else {
            // Right after the previous item, so comments above the next one stay with it.
            let last = &items[at.min(items.len()) - 1];
            let pos = self.line_end(self.last_end(last).max(self.node_start(last)));
            let sep = if self.text().as_bytes().get(pos.wrapping_sub(1)) == Some(&b'\n') {
                ""
            } else {
                "\n"
            };
            self.splice(pos, pos, &format!("{sep}{item}"))
        }
    }

    /// Removes item `at` from the sequence at `seq`; removing the last item removes the
    /// sequence's key too, as kustomize's `omitempty` does.
    pub(crate) fn remove_item(&mut self, seq: &[Step], at: usize) -> Result<()> {
        self.check_own_bytes(seq)?;
        if let (Some((Step::Key(key), parent)), Some(1)) = (
            seq.split_last(),
            self.get(seq).and_then(Node::as_sequence).map(Vec::len),
        ) && at == 0
        {
            let (key, parent) = (key.clone(), parent.to_vec());
            self.remove_entry(&parent, &key)?;
            return Ok(());
        }
        let Some(target) = self.get(seq) else {
            return Ok(());
        };
        let Some(items) = target.as_sequence() else {
            return Ok(());
        };
        let Some(item) = items.get(at) else {
            return Ok(());
        };
        if target.flow {
            let mut rest = target.clone();
            if let Some(v) = rest.as_sequence_mut() {
                v.remove(at);
            }
            rest.flow = true;
            let written = flow_scalars(&rest);
            let start = target.span.start as usize;
            let end = self.flow_end(target);
            return match written {
                Some(w) => self.splice(start, end, &w),
                None => {
                    rest.flow = false;
                    self.replace_with_node(seq, &rest)
                }
            };
        }
        let dash = self.dash_before(self.node_start(item));
        let start = self.line_start(dash);
        let end = self.line_end(self.last_end(item).max(self.node_start(item)));
        self.splice(start, end, "")
    }

    /// Replaces the scalar item `at` of the sequence at `seq` with the string `value`.
    pub(crate) fn set_item_scalar(&mut self, seq: &[Step], at: usize, value: &str) -> Result<()> {
        self.check_own_bytes(seq)?;
        let mut path = seq.to_vec();
        path.push(Step::Index(at));
        let Some(item) = self.get(&path) else {
            return Err(self.error_at(seq, "internal: no such item"));
        };
        if item.as_scalar().is_none() {
            return Err(self.error_at(&path, "expected a string"));
        }
        let (start, end) = (self.node_start(item), self.scalar_end(item));
        let col = self.column(start);
        let written = render_scalar_value(value, true, col);
        self.splice(start, end, &written)
    }

    /// Returns the offset of the `-` that introduces the block sequence item starting at
    /// `item_start` (the item's own start when there is none on its line).
    fn dash_before(&self, item_start: usize) -> usize {
        let ls = self.line_start(item_start);
        self.text()
            .get(ls..item_start)
            .and_then(|p| p.rfind('-'))
            .map_or(item_start, |i| ls + i)
    }
}

static EMPTY: Mapping = Mapping {
    entries: Vec::new(),
};

/// Returns `[a, b]` for a flow sequence of scalars, or `None` when an item needs more.
fn flow_scalars(seq: &Node) -> Option<String> {
    let items = seq.as_sequence()?;
    let mut parts = Vec::with_capacity(items.len());
    for i in items {
        parts.push(flow_scalar(i.as_str()?)?);
    }
    Some(format!("[{}]", parts.join(", ")))
}

/// Returns `key` as a mapping key: quoted only when yaml.v2 would quote it.
fn key_text(key: &str) -> String {
    render_scalar_value(key, true, 0)
}

/// Returns `text` written for a flow sequence (quoted when plain style would misread a flow
/// indicator), or `None` when only the block form can hold it.
fn flow_scalar(text: &str) -> Option<String> {
    let w = render_scalar_value(text, true, 0);
    let quoted = w.starts_with('"') || w.starts_with('\'');
    if w.contains('\n') {
        return None;
    }
    if !quoted && w.contains([',', '[', ']', '{', '}']) {
        return simple_quotable(text, '"').then(|| format!("\"{text}\""));
    }
    Some(w)
}

/// Returns true if `value` can go between two `quote`s with no escaping.
fn simple_quotable(value: &str, quote: char) -> bool {
    !value.contains(quote) && !value.contains('\\') && !value.chars().any(char::is_control)
}

/// Returns true if plain `value` would be typed as something other than a string.
fn looks_typed(value: &str) -> bool {
    !crate::yaml::resolve::is_string(&crate::yaml::Scalar::plain(value))
}

#[cfg(test)]
mod tests {
    use crate::edit::testutil::run;
    use crate::edit::{Edit, ListField, parse_image};

    fn add(items: &[&str]) -> Edit {
        Edit::AddToList(
            ListField::Resources,
            items.iter().map(|s| (*s).to_owned()).collect(),
        )
    }

    fn remove(items: &[&str]) -> Edit {
        Edit::RemoveFromList(
            ListField::Resources,
            items.iter().map(|s| (*s).to_owned()).collect(),
        )
    }

    /// An edit that would have to splice bytes the parser copied from an anchor fails instead
    /// of changing the anchored node.
    #[test]
    fn aliases_and_merge_keys_are_not_edited_through() {
        let cases = [
            (
                "x: &imgs\n- name: app\n  newTag: v1\nimages: *imgs\n",
                "app:v2",
            ),
            (
                "base: &b\n  name: app\n  newTag: v1\nimages:\n- <<: *b\n  digest: sha256:1\n",
                "app:v2",
            ),
        ];
        for (file, arg) in cases {
            let err = crate::edit::apply(
                "kustomization.yaml",
                file,
                &Edit::SetImages(vec![parse_image(arg).unwrap()]),
            )
            .unwrap_err();
            assert!(err.to_string().contains("YAML alias or merge key"), "{err}");
        }
        // Replacing nothing under an alias is fine.
        let file = "x: &p pre-\nnamePrefix: *p\nresources: []\n";
        assert_eq!(
            run(file, &add(&["a.yaml"])),
            "x: &p pre-\nnamePrefix: *p\nresources:\n- a.yaml\n"
        );
    }

    /// (file, edit, exact result): the bytes around each edited node stay as they were.
    #[test]
    fn splices_keep_the_surrounding_bytes() {
        let cases: Vec<(&str, Edit, &str)> = vec![
            // A flow list stays a flow list, and its line comment stays.
            (
                "resources: [a.yaml, b.yaml] # flow\n",
                add(&["c.yaml"]),
                "resources: [a.yaml, b.yaml, c.yaml] # flow\n",
            ),
            (
                "resources: [a.yaml, \"b]\"] # flow\nx: 1\n",
                remove(&["a.yaml"]),
                "resources: [\"b]\"] # flow\nx: 1\n",
            ),
            // A flow indicator in the new item is quoted.
            (
                "resources: [a.yaml]\n",
                add(&["x,y"]),
                "resources: [a.yaml, \"x,y\"]\n",
            ),
            // CRLF files get CRLF lines.
            (
                "resources:\r\n- a.yaml\r\nnamespace: x\r\n",
                add(&["c.yaml"]),
                "resources:\r\n- a.yaml\r\n- c.yaml\r\nnamespace: x\r\n",
            ),
            // A last line without a newline.
            (
                "resources:\n- a.yaml",
                add(&["b.yaml"]),
                "resources:\n- a.yaml\n- b.yaml\n",
            ),
            // A quoted scalar followed by a comment: the comment stays.
            (
                "images:\n- name: app\n  newTag: \"1\" # pinned\n",
                Edit::SetImages(vec![parse_image("app:2").unwrap()]),
                "images:\n- name: app\n  newTag: \"2\" # pinned\n",
            ),
            // Removing a sequence item's first key keeps the dash.
            (
                "images:\n- newTag: v1\n  name: a\n",
                Edit::SetImages(vec![parse_image("a@sha256:x").unwrap()]),
                "images:\n- name: a\n  digest: sha256:x\n",
            ),
            // A null value is filled in after its key, keeping the comment.
            (
                "namespace: # where\nresources: []\n",
                Edit::SetNamespace("prod".into()),
                "namespace: prod # where\nresources: []\n",
            ),
            // Removing the last item removes the field.
            (
                "resources:\n- a.yaml # only\nnamespace: x\n",
                remove(&["a.yaml"]),
                "namespace: x\n",
            ),
            // Block scalars: their span starts below the header and ends on the next line.
            (
                "resources:\n- |-\n  odd\n- b.yaml\nx: 1\n",
                remove(&["odd"]),
                "resources:\n- b.yaml\nx: 1\n",
            ),
            (
                "resources:\n- |-\n  odd\nx: 1\n",
                add(&["c.yaml"]),
                "resources:\n- |-\n  odd\n- c.yaml\nx: 1\n",
            ),
            (
                "namePrefix: |-\n  p-\nx: 1\n",
                Edit::SetNamePrefix("q-".into()),
                "namePrefix: q-\nx: 1\n",
            ),
            // A multi-line value replacing a scalar is indented past its key.
            (
                "commonAnnotations:\n    note: old\n",
                Edit::SetMetadata {
                    kind: crate::edit::MetadataKind::Annotation,
                    pairs: vec![("note".into(), "two\nlines".into())],
                },
                "commonAnnotations:\n    note: |-\n      two\n      lines\n",
            ),
            // An apostrophe inside a plain flow item is not a quote.
            (
                "resources: [don't.yaml, b.yaml] # c\n",
                remove(&["b.yaml"]),
                "resources: [don't.yaml] # c\n",
            ),
            // A flow value turned block keeps its line comment on the key's line.
            (
                "components: [../a]   # TLS\nx: 1\n",
                Edit::AddToList(ListField::Components, vec!["b,c".into(), "{d}".into()]),
                "components: [../a, \"b,c\", '{d}']   # TLS\nx: 1\n",
            ),
            (
                "images: [] # none\nx: 1\n",
                Edit::SetImages(vec![parse_image("a:1").unwrap()]),
                "images: # none\n- name: a\n  newTag: \"1\"\nx: 1\n",
            ),
            (
                "commonLabels: {a: \"b #c\"} # real\n",
                Edit::SetMetadata {
                    kind: crate::edit::MetadataKind::Label,
                    pairs: vec![("d".into(), "e".into())],
                },
                "commonLabels: # real\n  a: 'b #c'\n  d: e\n",
            ),
            // An empty file gets the field.
            ("", add(&["a.yaml"]), "resources:\n- a.yaml\n"),
            // Indented sequences are detected.
            (
                "resources:\n    - a.yaml\n",
                Edit::SetReplicas(vec![("web".into(), 2)]),
                "resources:\n    - a.yaml\nreplicas:\n    - name: web\n      count: 2\n",
            ),
        ];
        for (file, edit, want) in cases {
            assert_eq!(run(file, &edit), want, "{edit:?} on {file:?}");
        }
    }
}
