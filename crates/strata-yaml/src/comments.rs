//! Comments, found in the source text and placed on events as go-yaml v3 places them.
//!
//! saphyr-parser's events carry no comments, so this pass re-reads the text. It replays
//! go-yaml v3.0.1's own comment logic (`scannerc.go`, `parserc.go`), which is positional and
//! quirky enough that only a replay gives the same answers:
//!
//! 1. **Scanner.** The text is tokenized as go-yaml's scanner tokenizes it (indentation
//!    stack, simple keys, `BLOCK-END` tokens), except that scalars and aliases are not
//!    re-scanned: their extents are taken from saphyr's events, so a `#` inside a scalar is
//!    never a comment. Between tokens, comment lines are grouped and classified exactly as
//!    `yaml_parser_scan_comments` does: a group right after content (no blank line between)
//!    or dedented below the current indentation is a *foot* of the token before it; a group
//!    that reaches content is a *head* of what follows; a `# text` after content on its line
//!    is a *line* comment (`yaml_parser_scan_line_comment`), of the key for `key: # c`, of the
//!    value for `key: value # c`. A block's end token is moved before trailing comments at
//!    that block's indentation (`yaml_parser_unroll_indent`), so they become its foot.
//! 2. **Parser.** go-yaml's parser state machine is replayed over those tokens: a comment
//!    is handed to the parser when the first token at or after its anchor is peeked (heads
//!    never to a block end), and the pending comments go to the next event that takes
//!    comments (scalars, aliases, flow collection starts and ends, block mapping ends,
//!    document ends); block collections under a `-` get the comment before the `-` (stem);
//!    an implicit document takes the head lines before the last blank line.
//!
//! The result is one [`EvComments`] per saphyr event; [`crate::parse`] then moves them
//! as go-yaml's `decode.go` does when it builds nodes (a value's foot to its key, a block
//! mapping's foot to its last key). If the replay does not line up with saphyr's events (input
//! where go-yaml and saphyr disagree), no comments are returned at all.
//!
//! Cost: one linear pass over the text plus the token list; the only search is go-yaml's
//! backwards look through the comments of one gap per closed block, bounded by the nesting
//! budget. No recursion.
//!
//! Known differences from go-yaml: columns and offsets are in bytes (go-yaml counts
//! characters, which matters only after non-ASCII text on the same line); go-yaml's rewrite of
//! a line comment right after `- ` into a head comment (which depends on how far its parser
//! has read ahead) is not replayed.

use crate::source::Span;

/// The kinds of saphyr events, as far as comment placement cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EvKind {
    StreamStart,
    StreamEnd,
    DocStart,
    DocEnd,
    SeqStart,
    SeqEnd,
    MapStart,
    MapEnd,
    Scalar,
    Alias,
}

/// One saphyr event: its kind and byte span; `block` marks literal and folded scalars.
#[derive(Clone, Copy, Debug)]
pub(crate) struct EvInfo {
    pub kind: EvKind,
    pub span: Span,
    pub block: bool,
}

/// The comments go-yaml's parser gives one event, each as go-yaml keeps it: lines with their
/// `#`, joined by `\n`, a blank line being an empty line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct EvComments {
    pub head: String,
    pub line: String,
    pub foot: String,
}

impl EvComments {
    pub(crate) fn is_empty(&self) -> bool {
        self.head.is_empty() && self.line.is_empty() && self.foot.is_empty()
    }
}

/// Returns the comments of each of `events` (saphyr's events for `text`, in order), or `None`
/// if the text holds no comment or the replay does not match the events.
pub(crate) fn event_comments(text: &str, events: &[EvInfo]) -> Option<Vec<EvComments>> {
    if !text.contains('#') {
        return None;
    }
    let mut sc = Scanner::new(text, events);
    sc.run()?;
    if sc.comments.is_empty() {
        return None;
    }
    let parsed = Replay::new(&sc.toks, &sc.comments).run()?;
    if parsed.len() != events.len() {
        return None;
    }
    let mut out = Vec::with_capacity(events.len());
    for ((kind, c), ev) in parsed.into_iter().zip(events) {
        if kind != ev.kind {
            return None;
        }
        out.push(c);
    }
    Some(out)
}

// ----- the scanner -----

/// A position: byte offset, 0-based line, and a column whose base depends on the use, as in
/// go-yaml (0-based for tokens, 1-based for the starts of comments).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Mark {
    index: isize,
    line: isize,
    column: isize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum T {
    StreamStart,
    StreamEnd,
    Directive,
    DocStart,
    DocEnd,
    BlockSeqStart,
    BlockMapStart,
    BlockEnd,
    FlowSeqStart,
    FlowSeqEnd,
    FlowMapStart,
    FlowMapEnd,
    BlockEntry,
    FlowEntry,
    Key,
    Value,
    Alias,
    Anchor,
    Tag,
    Scalar,
}

#[derive(Clone, Copy, Debug)]
struct Tok {
    t: T,
    start: Mark,
}

/// go-yaml's `yaml_comment_t`.
#[derive(Clone, Debug, Default)]
struct RawComment {
    scan_mark: Mark,
    token_mark: Mark,
    start_mark: Mark,
    end_mark: Mark,
    head: String,
    line: String,
    foot: String,
}

#[derive(Clone, Copy, Debug, Default)]
struct SimpleKey {
    possible: bool,
    tok: usize,
    mark: Mark,
}

/// Most bytes go-yaml looks ahead when scanning comments.
const PEEK_LIMIT: usize = 512;

fn is_blank(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

fn is_break(c: u8) -> bool {
    c == b'\n' || c == b'\r'
}

/// A line break or the end of the text (read as NUL).
fn is_breakz(c: u8) -> bool {
    is_break(c) || c == 0
}

fn is_blankz(c: u8) -> bool {
    is_blank(c) || is_breakz(c)
}

fn is_flow_indicator(c: u8) -> bool {
    matches!(c, b',' | b'[' | b']' | b'{' | b'}')
}

fn idx(n: usize) -> isize {
    isize::try_from(n).unwrap_or(isize::MAX)
}

struct Scanner<'a> {
    text: &'a str,
    b: &'a [u8],
    pos: usize,
    line: isize,
    line_start: usize,
    newlines: usize,
    indent: isize,
    indents: Vec<isize>,
    flow_level: usize,
    simple_key_allowed: bool,
    simple_keys: Vec<SimpleKey>,
    toks: Vec<Tok>,
    comments: Vec<RawComment>,
    /// Scalars and aliases: span, literal/folded, alias.
    content: Vec<(Span, bool, bool)>,
    next_content: usize,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str, events: &[EvInfo]) -> Scanner<'a> {
        let content = events
            .iter()
            .filter(|e| matches!(e.kind, EvKind::Scalar | EvKind::Alias))
            .map(|e| (e.span, e.block, e.kind == EvKind::Alias))
            .collect();
        Scanner {
            text,
            b: text.as_bytes(),
            pos: 0,
            line: 0,
            line_start: 0,
            newlines: 0,
            indent: -1,
            indents: Vec::new(),
            flow_level: 0,
            simple_key_allowed: true,
            simple_keys: vec![SimpleKey::default()],
            toks: Vec::new(),
            comments: Vec::new(),
            content,
            next_content: 0,
        }
    }

    fn at(&self, p: usize) -> u8 {
        self.b.get(p).copied().unwrap_or(0)
    }

    fn cur(&self) -> u8 {
        self.at(self.pos)
    }

    fn column(&self) -> isize {
        idx(self.pos.saturating_sub(self.line_start))
    }

    fn mark(&self) -> Mark {
        Mark {
            index: idx(self.pos),
            line: self.line,
            column: self.column(),
        }
    }

    fn at_end(&self) -> bool {
        self.pos >= self.b.len()
    }

    fn char_width(&self) -> usize {
        match self.cur() {
            0x00..=0x7f => 1,
            0xc0..=0xdf => 2,
            0xe0..=0xef => 3,
            0xf0..=0xff => 4,
            _ => 1,
        }
        .min(self.b.len().saturating_sub(self.pos))
        .max(1)
    }

    /// go-yaml's `skip`: one character that is not a line break.
    fn skip(&mut self) {
        if self.at_end() {
            return;
        }
        if !is_blank(self.cur()) {
            self.newlines = 0;
        }
        self.pos += self.char_width();
    }

    /// go-yaml's `read`: like [`Scanner::skip`], keeping the character.
    fn read(&mut self, into: &mut String) {
        let w = self.char_width();
        if let Some(s) = self.text.get(self.pos..self.pos + w) {
            into.push_str(s);
        }
        self.skip();
    }

    /// go-yaml's `skip_line`: one line break, if there is one.
    fn skip_line(&mut self) {
        match self.cur() {
            b'\r' if self.at(self.pos + 1) == b'\n' => self.pos += 2,
            b'\r' | b'\n' => self.pos += 1,
            _ => return,
        }
        self.line += 1;
        self.line_start = self.pos;
        self.newlines += 1;
    }

    /// Consumes everything up to `target` (a scalar's content, read elsewhere).
    fn advance_to(&mut self, target: usize) {
        let target = target.min(self.b.len());
        while self.pos < target {
            if is_break(self.cur()) {
                self.skip_line();
            } else {
                if !is_blank(self.cur()) {
                    self.newlines = 0;
                }
                self.pos += 1;
            }
        }
    }

    fn push(&mut self, t: T, start: Mark) {
        self.toks.push(Tok { t, start });
    }

    fn last_tok(&self) -> Option<Tok> {
        self.toks.last().copied()
    }

    fn run(&mut self) -> Option<()> {
        // A generous bound on fetches: each one consumes at least one byte, but for the few
        // that do not (stream start and end).
        let mut budget = self.b.len().saturating_mul(2).saturating_add(16);
        self.push(T::StreamStart, self.mark());
        loop {
            budget = budget.checked_sub(1)?;
            let before = (self.pos, self.toks.len());
            if !self.fetch_next_token()? {
                return Some(());
            }
            if (self.pos, self.toks.len()) == before {
                return None;
            }
        }
    }

    /// `yaml_parser_fetch_next_token`; returns false once the stream end is fetched.
    fn fetch_next_token(&mut self) -> Option<bool> {
        let scan_mark = self.mark();
        self.scan_to_next_token();
        self.unroll_indent(self.column(), scan_mark);
        if self.at_end() {
            self.fetch_stream_end();
            return Some(false);
        }
        let c = self.cur();
        if self.column() == 0 && c == b'%' {
            self.fetch_directive();
            return Some(true);
        }
        if self.column() == 0 && is_blankz(self.at(self.pos + 3)) {
            let three = self.b.get(self.pos..self.pos + 3);
            if three == Some(b"---") {
                self.fetch_document_indicator(T::DocStart);
                return Some(true);
            }
            if three == Some(b"...") {
                self.fetch_document_indicator(T::DocEnd);
                return Some(true);
            }
        }
        let mut comment_mark = self.mark();
        if let Some(last) = self.last_tok()
            && ((self.flow_level == 0 && c == b':') || (self.flow_level > 0 && c == b','))
        {
            comment_mark = last.start;
        }
        let next = self.at(self.pos + 1);
        match c {
            b'[' => self.fetch_flow_start(T::FlowSeqStart),
            b'{' => self.fetch_flow_start(T::FlowMapStart),
            b']' => self.fetch_flow_end(T::FlowSeqEnd),
            b'}' => self.fetch_flow_end(T::FlowMapEnd),
            b',' => {
                self.remove_simple_key();
                self.simple_key_allowed = true;
                self.push(T::FlowEntry, self.mark());
                self.skip();
            }
            b'-' if is_blankz(next) => {
                if self.flow_level == 0 {
                    self.roll_indent(self.column(), None, T::BlockSeqStart, self.mark());
                }
                self.remove_simple_key();
                self.simple_key_allowed = true;
                self.push(T::BlockEntry, self.mark());
                self.skip();
            }
            b'?' if self.flow_level > 0 || is_blankz(next) => {
                if self.flow_level == 0 {
                    self.roll_indent(self.column(), None, T::BlockMapStart, self.mark());
                }
                self.remove_simple_key();
                self.simple_key_allowed = self.flow_level == 0;
                self.push(T::Key, self.mark());
                self.skip();
            }
            b':' if self.flow_level > 0 || is_blankz(next) => self.fetch_value(),
            b'*' => {
                self.save_simple_key();
                self.simple_key_allowed = false;
                self.push(T::Alias, self.mark());
                let span = self.take_content(false, true)?;
                self.advance_to(span.end as usize);
            }
            b'&' | b'!' => {
                self.save_simple_key();
                self.simple_key_allowed = false;
                let t = if c == b'&' { T::Anchor } else { T::Tag };
                self.push(t, self.mark());
                self.skip_property();
            }
            b'|' | b'>' if self.flow_level == 0 => self.fetch_block_scalar()?,
            _ => {
                let quoted = c == b'\'' || c == b'"';
                self.save_simple_key();
                self.simple_key_allowed = false;
                self.push(T::Scalar, self.mark());
                let span = self.take_content(false, false)?;
                if quoted {
                    // saphyr's span of a quoted scalar can reach past a comment after it.
                    self.advance_to(self.quoted_end().min(span.end as usize));
                } else {
                    self.advance_to(span.end as usize);
                }
                if !quoted {
                    // A plain scalar's scanner eats the blanks and breaks after it.
                    let mut leading_blanks = false;
                    loop {
                        let c = self.cur();
                        if is_blank(c) {
                            self.skip();
                        } else if is_break(c) {
                            leading_blanks = true;
                            self.skip_line();
                        } else {
                            break;
                        }
                    }
                    if leading_blanks {
                        self.simple_key_allowed = true;
                    }
                }
            }
        }
        if self.last_tok().map(|t| t.t) != Some(T::BlockEntry) {
            self.scan_line_comment(comment_mark);
        }
        Some(true)
    }

    /// Takes the next scalar or alias event, which must cover the current position (a block
    /// scalar's span starts after its header, so it must only not end before it).
    fn take_content(&mut self, block: bool, alias: bool) -> Option<Span> {
        let pos = self.pos;
        while let Some(&(span, is_block, is_alias)) = self.content.get(self.next_content) {
            let (start, end) = (span.start as usize, span.end as usize);
            if block {
                if is_block && end >= pos {
                    self.next_content += 1;
                    return Some(span);
                }
            } else if end > pos {
                if start <= pos && !is_block && is_alias == alias {
                    self.next_content += 1;
                    return Some(span);
                }
                return None;
            }
            if end > pos {
                return None;
            }
            self.next_content += 1;
        }
        None
    }

    /// The offset after the quoted scalar that starts at the current position.
    fn quoted_end(&self) -> usize {
        let q = self.cur();
        let mut p = self.pos + 1;
        while p < self.b.len() {
            let c = self.at(p);
            if c == q {
                if q == b'\'' && self.at(p + 1) == b'\'' {
                    p += 2;
                    continue;
                }
                return p + 1;
            }
            p += if c == b'\\' && q == b'"' { 2 } else { 1 };
        }
        self.b.len()
    }

    /// An anchor's or tag's text.
    fn skip_property(&mut self) {
        if self.cur() == b'!' && self.at(self.pos + 1) == b'<' {
            while !self.at_end() && !is_break(self.cur()) {
                let c = self.cur();
                self.skip();
                if c == b'>' {
                    return;
                }
            }
            return;
        }
        self.skip();
        while !(is_blankz(self.cur()) || self.flow_level > 0 && is_flow_indicator(self.cur())) {
            self.skip();
        }
    }

    fn fetch_flow_start(&mut self, t: T) {
        self.save_simple_key();
        self.simple_keys.push(SimpleKey::default());
        self.flow_level += 1;
        self.simple_key_allowed = true;
        self.push(t, self.mark());
        self.skip();
    }

    fn fetch_flow_end(&mut self, t: T) {
        self.remove_simple_key();
        if self.flow_level > 0 {
            self.flow_level -= 1;
            if self.simple_keys.len() > 1 {
                self.simple_keys.pop();
            }
        }
        self.simple_key_allowed = false;
        self.push(t, self.mark());
        self.skip();
    }

    fn fetch_value(&mut self) {
        let (line, pos) = (self.line, idx(self.pos));
        let sk = self.simple_keys.last().copied().unwrap_or_default();
        let valid = sk.possible && sk.mark.line >= line && sk.mark.index + 1024 >= pos;
        if let Some(last) = self.simple_keys.last_mut() {
            last.possible = false;
        }
        if valid {
            let at = sk.tok.min(self.toks.len());
            self.toks.insert(
                at,
                Tok {
                    t: T::Key,
                    start: sk.mark,
                },
            );
            self.roll_indent(sk.mark.column, Some(at), T::BlockMapStart, sk.mark);
            self.simple_key_allowed = false;
        } else {
            if self.flow_level == 0 {
                self.roll_indent(self.column(), None, T::BlockMapStart, self.mark());
            }
            self.simple_key_allowed = self.flow_level == 0;
        }
        self.push(T::Value, self.mark());
        self.skip();
    }

    fn fetch_block_scalar(&mut self) -> Option<()> {
        self.remove_simple_key();
        self.simple_key_allowed = true;
        let start = self.mark();
        self.push(T::Scalar, start);
        // The indicators, then blanks, then maybe a comment, then the line break.
        self.skip();
        while !is_blankz(self.cur()) {
            self.skip();
        }
        while is_blank(self.cur()) {
            self.skip();
        }
        if self.cur() == b'#' {
            self.scan_line_comment(start);
        }
        let span = self.take_content(true, false)?;
        self.advance_to((span.end as usize).max(self.pos));
        Some(())
    }

    fn fetch_directive(&mut self) {
        self.unroll_indent(-1, self.mark());
        self.remove_simple_key();
        self.simple_key_allowed = false;
        self.push(T::Directive, self.mark());
        // go-yaml drops a comment on a directive's line.
        while !is_breakz(self.cur()) {
            self.skip();
        }
    }

    fn fetch_document_indicator(&mut self, t: T) {
        self.unroll_indent(-1, self.mark());
        self.remove_simple_key();
        self.simple_key_allowed = false;
        self.push(t, self.mark());
        self.skip();
        self.skip();
        self.skip();
    }

    fn fetch_stream_end(&mut self) {
        let mut mark = self.mark();
        if mark.column != 0 {
            mark.column = 0;
            mark.line += 1;
        }
        self.unroll_indent(-1, mark);
        self.remove_simple_key();
        self.simple_key_allowed = false;
        self.push(T::StreamEnd, mark);
    }

    fn save_simple_key(&mut self) {
        if self.simple_key_allowed {
            let key = SimpleKey {
                possible: true,
                tok: self.toks.len(),
                mark: self.mark(),
            };
            if let Some(last) = self.simple_keys.last_mut() {
                *last = key;
            }
        }
    }

    fn remove_simple_key(&mut self) {
        if let Some(last) = self.simple_keys.last_mut() {
            last.possible = false;
        }
    }

    /// `yaml_parser_roll_indent`.
    fn roll_indent(&mut self, column: isize, at: Option<usize>, t: T, mark: Mark) {
        if self.flow_level > 0 || self.indent >= column {
            return;
        }
        self.indents.push(self.indent);
        self.indent = column;
        let tok = Tok { t, start: mark };
        match at {
            Some(i) if i <= self.toks.len() => self.toks.insert(i, tok),
            _ => self.toks.push(tok),
        }
    }

    /// `yaml_parser_unroll_indent`, with go-yaml's move of each block end before the trailing
    /// comments at that block's indentation.
    fn unroll_indent(&mut self, column: isize, scan_mark: Mark) {
        if self.flow_level > 0 {
            return;
        }
        let mut block_mark = scan_mark;
        block_mark.index -= 1;
        while self.indent > column {
            let mut stop_index = block_mark.index;
            for c in self.comments.iter().rev() {
                if c.end_mark.index < stop_index {
                    break;
                }
                if c.start_mark.column == self.indent + 1 {
                    block_mark = c.start_mark;
                }
                stop_index = c.scan_mark.index;
            }
            self.push(T::BlockEnd, block_mark);
            self.indent = self.indents.pop().unwrap_or(-1);
        }
    }

    /// `yaml_parser_scan_to_next_token`.
    fn scan_to_next_token(&mut self) {
        let scan_mark = self.mark();
        loop {
            if self.column() == 0 && self.b.get(self.pos..self.pos + 3) == Some(b"\xEF\xBB\xBF") {
                self.pos += 3;
                self.line_start = self.pos;
            }
            while is_blank(self.cur()) {
                self.skip();
            }
            if self.cur() == b'#' {
                self.scan_comments(scan_mark);
            }
            if is_break(self.cur()) {
                self.skip_line();
                if self.flow_level == 0 {
                    self.simple_key_allowed = true;
                }
            } else {
                break;
            }
        }
    }

    /// `yaml_parser_scan_line_comment`: a comment after content on the same line.
    fn scan_line_comment(&mut self, token_mark: Mark) {
        if self.newlines > 0 {
            return;
        }
        let mut text = String::new();
        let mut start_mark = Mark::default();
        for peek in 0..PEEK_LIMIT {
            let c = self.at(self.pos + peek);
            if is_blank(c) {
                continue;
            }
            if c == b'#' {
                let seen = self.pos + peek;
                loop {
                    if is_breakz(self.cur()) {
                        if self.pos >= seen || self.at_end() {
                            break;
                        }
                        self.skip_line();
                    } else if self.pos >= seen {
                        if text.is_empty() {
                            start_mark = self.mark();
                        }
                        self.read(&mut text);
                    } else {
                        self.skip();
                    }
                }
            }
            break;
        }
        if !text.is_empty() {
            self.comments.push(RawComment {
                token_mark,
                start_mark,
                line: text,
                ..RawComment::default()
            });
        }
    }

    /// `yaml_parser_scan_comments`: the comment lines before the next token, split into the
    /// foot of what came before and the head of what follows.
    fn scan_comments(&mut self, scan_mark: Mark) {
        let Some(mut token) = self.last_tok() else {
            return;
        };
        if token.t == T::FlowEntry
            && self.toks.len() > 1
            && let Some(t) = self.toks.get(self.toks.len() - 2)
        {
            token = *t;
        }
        let mut scan_mark = scan_mark;
        let mut token_mark = token.start;
        let mut start_mark = Mark::default();
        let mut next_indent = self.indent.max(0);
        let mut recent_empty = false;
        let mut first_empty = self.newlines <= 1;
        let mut line = self.line;
        let mut column = self.column();
        let mut text = String::new();

        // The line where a comment must start to still be a foot of the prior content.
        let mut foot_line: isize = -1;
        if scan_mark.line > 0 {
            foot_line = self.line - idx(self.newlines) + 1;
            if self.newlines == 0 && self.column() > 1 {
                foot_line += 1;
            }
        }

        let mut peek = 0usize;
        while peek < PEEK_LIMIT {
            column += 1;
            let p = self.pos + peek;
            let c = self.at(p);
            if is_blank(c) {
                peek += 1;
                continue;
            }
            let close_flow = self.flow_level > 0 && (c == b']' || c == b'}');
            if close_flow || is_breakz(c) {
                if close_flow || !recent_empty {
                    if close_flow
                        || first_empty
                            && ((start_mark.line == foot_line && token.t != T::Value)
                                || start_mark.column - 1 < next_indent)
                    {
                        if !text.is_empty() {
                            if start_mark.column - 1 < next_indent {
                                token_mark = start_mark;
                            }
                            let end = Mark {
                                index: idx(p),
                                line,
                                column,
                            };
                            self.comments.push(RawComment {
                                scan_mark,
                                token_mark,
                                start_mark,
                                end_mark: end,
                                foot: std::mem::take(&mut text),
                                ..RawComment::default()
                            });
                            scan_mark = end;
                            token_mark = scan_mark;
                        }
                    } else if !text.is_empty() && p < self.b.len() {
                        text.push('\n');
                    }
                }
                if !is_break(c) {
                    break;
                }
                first_empty = false;
                recent_empty = true;
                column = 0;
                line += 1;
                peek += 1;
                continue;
            }

            if !text.is_empty()
                && (close_flow || column - 1 < next_indent && column != start_mark.column)
            {
                // A comment at a lower indentation is a foot of what came before.
                let end = Mark {
                    index: idx(p),
                    line,
                    column,
                };
                self.comments.push(RawComment {
                    scan_mark,
                    token_mark,
                    start_mark,
                    end_mark: end,
                    foot: std::mem::take(&mut text),
                    ..RawComment::default()
                });
                scan_mark = end;
                token_mark = scan_mark;
            }

            if c != b'#' {
                break;
            }
            if text.is_empty() {
                start_mark = Mark {
                    index: idx(p),
                    line,
                    column,
                };
            } else {
                text.push('\n');
            }
            recent_empty = false;

            // Consume the comment line.
            let seen = p;
            loop {
                if is_breakz(self.cur()) {
                    if self.pos >= seen || self.at_end() {
                        break;
                    }
                    self.skip_line();
                } else if self.pos >= seen {
                    self.read(&mut text);
                } else {
                    self.skip();
                }
            }

            peek = 1;
            column = 0;
            line = self.line;
            next_indent = self.indent.max(0);
        }

        if !text.is_empty() {
            self.comments.push(RawComment {
                scan_mark,
                token_mark: start_mark,
                start_mark,
                end_mark: Mark {
                    index: idx(self.pos + peek) - 1,
                    line,
                    column,
                },
                head: text,
                ..RawComment::default()
            });
        }
    }
}

// ----- the parser -----

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum St {
    StreamStart,
    ImplicitDocStart,
    DocStart,
    DocContent,
    DocEnd,
    BlockNode,
    BlockSeqFirst,
    BlockSeq,
    IndentlessSeq,
    BlockMapFirstKey,
    BlockMapKey,
    BlockMapValue,
    FlowSeqFirst,
    FlowSeq,
    FlowSeqMapKey,
    FlowSeqMapValue,
    FlowSeqMapEnd,
    FlowMapFirstKey,
    FlowMapKey,
    FlowMapValue,
    FlowMapEmptyValue,
    End,
}

/// go-yaml's parser state machine, reduced to what decides where comments go.
struct Replay<'a> {
    toks: &'a [Tok],
    comments: &'a [RawComment],
    head_tok: usize,
    comments_head: usize,
    head: String,
    line: String,
    foot: String,
    stem: Option<String>,
    state: St,
    states: Vec<St>,
    out: Vec<(EvKind, EvComments)>,
}

fn append(to: &mut String, s: &str) {
    if !to.is_empty() {
        to.push('\n');
    }
    to.push_str(s);
}

impl<'a> Replay<'a> {
    fn new(toks: &'a [Tok], comments: &'a [RawComment]) -> Replay<'a> {
        Replay {
            toks,
            comments,
            head_tok: 0,
            comments_head: 0,
            head: String::new(),
            line: String::new(),
            foot: String::new(),
            stem: None,
            state: St::StreamStart,
            states: Vec::new(),
            out: Vec::new(),
        }
    }

    fn run(mut self) -> Option<Vec<(EvKind, EvComments)>> {
        // Every event consumes a token or changes state; a token can back at most a few
        // events (an empty scalar and the ends around it), so this bounds the loop.
        let mut budget = self.toks.len().saturating_mul(4).saturating_add(16);
        while self.state != St::End {
            budget = budget.checked_sub(1)?;
            self.step()?;
        }
        Some(self.out)
    }

    /// `peek_token`, with `yaml_parser_unfold_comments`.
    fn peek(&mut self) -> Option<T> {
        let tok = *self.toks.get(self.head_tok)?;
        while let Some(c) = self.comments.get(self.comments_head) {
            if tok.start.index < c.token_mark.index {
                break;
            }
            if !c.head.is_empty() {
                if tok.t == T::BlockEnd {
                    break;
                }
                append(&mut self.head, &c.head);
            }
            if !c.foot.is_empty() {
                append(&mut self.foot, &c.foot);
            }
            if !c.line.is_empty() {
                append(&mut self.line, &c.line);
            }
            self.comments_head += 1;
        }
        Some(tok.t)
    }

    fn skip(&mut self) {
        self.head_tok += 1;
    }

    fn pop_state(&mut self) -> Option<()> {
        self.state = self.states.pop()?;
        Some(())
    }

    fn emit(&mut self, kind: EvKind) {
        self.out.push((kind, EvComments::default()));
    }

    /// An event with `yaml_parser_set_event_comments`.
    fn emit_with_comments(&mut self, kind: EvKind) {
        let c = EvComments {
            head: std::mem::take(&mut self.head),
            line: std::mem::take(&mut self.line),
            foot: std::mem::take(&mut self.foot),
        };
        self.stem = None;
        self.out.push((kind, c));
    }

    fn step(&mut self) -> Option<()> {
        match self.state {
            St::StreamStart => {
                if self.peek()? != T::StreamStart {
                    return None;
                }
                self.state = St::ImplicitDocStart;
                self.emit(EvKind::StreamStart);
                self.skip();
            }
            St::ImplicitDocStart => self.document_start(true)?,
            St::DocStart => self.document_start(false)?,
            St::DocContent => {
                let t = self.peek()?;
                if matches!(t, T::Directive | T::DocStart | T::DocEnd | T::StreamEnd) {
                    self.pop_state()?;
                    self.emit(EvKind::Scalar);
                } else {
                    self.node(true, false)?;
                }
            }
            St::DocEnd => {
                if self.peek()? == T::DocEnd {
                    self.skip();
                }
                self.state = St::DocStart;
                self.emit_with_comments(EvKind::DocEnd);
                if let Some((_, c)) = self.out.last_mut()
                    && !c.head.is_empty()
                    && c.foot.is_empty()
                {
                    c.foot = std::mem::take(&mut c.head);
                }
            }
            St::BlockNode => self.node(true, false)?,
            St::BlockSeqFirst | St::BlockSeq => {
                if self.state == St::BlockSeqFirst {
                    self.peek()?;
                    self.skip();
                }
                match self.peek()? {
                    T::BlockEntry => {
                        let prior = self.head.len();
                        self.skip();
                        self.split_stem(prior)?;
                        let t = self.peek()?;
                        if t != T::BlockEntry && t != T::BlockEnd {
                            self.states.push(St::BlockSeq);
                            self.node(true, false)?;
                        } else {
                            self.state = St::BlockSeq;
                            self.emit(EvKind::Scalar);
                        }
                    }
                    T::BlockEnd => {
                        self.pop_state()?;
                        self.emit(EvKind::SeqEnd);
                        self.skip();
                    }
                    _ => return None,
                }
            }
            St::IndentlessSeq => {
                if self.peek()? == T::BlockEntry {
                    let prior = self.head.len();
                    self.skip();
                    self.split_stem(prior)?;
                    let t = self.peek()?;
                    if !matches!(t, T::BlockEntry | T::Key | T::Value | T::BlockEnd) {
                        self.states.push(St::IndentlessSeq);
                        self.node(true, false)?;
                    } else {
                        self.state = St::IndentlessSeq;
                        self.emit(EvKind::Scalar);
                    }
                } else {
                    self.pop_state()?;
                    self.emit(EvKind::SeqEnd);
                }
            }
            St::BlockMapFirstKey | St::BlockMapKey => {
                if self.state == St::BlockMapFirstKey {
                    self.peek()?;
                    self.skip();
                }
                match self.peek()? {
                    T::Key => {
                        self.skip();
                        let t = self.peek()?;
                        if !matches!(t, T::Key | T::Value | T::BlockEnd) {
                            self.states.push(St::BlockMapValue);
                            self.node(true, true)?;
                        } else {
                            self.state = St::BlockMapValue;
                            self.emit(EvKind::Scalar);
                        }
                    }
                    T::BlockEnd => {
                        self.pop_state()?;
                        self.emit_with_comments(EvKind::MapEnd);
                        self.skip();
                    }
                    _ => return None,
                }
            }
            St::BlockMapValue => {
                if self.peek()? == T::Value {
                    self.skip();
                    let t = self.peek()?;
                    if !matches!(t, T::Key | T::Value | T::BlockEnd) {
                        self.states.push(St::BlockMapKey);
                        return self.node(true, true);
                    }
                }
                self.state = St::BlockMapKey;
                self.emit(EvKind::Scalar);
            }
            St::FlowSeqFirst | St::FlowSeq => {
                let first = self.state == St::FlowSeqFirst;
                if first {
                    self.peek()?;
                    self.skip();
                }
                let mut t = self.peek()?;
                if t != T::FlowSeqEnd {
                    if !first {
                        if t != T::FlowEntry {
                            return None;
                        }
                        self.skip();
                        t = self.peek()?;
                    }
                    if t == T::Key {
                        self.state = St::FlowSeqMapKey;
                        self.emit(EvKind::MapStart);
                        self.skip();
                        return Some(());
                    } else if t != T::FlowSeqEnd {
                        self.states.push(St::FlowSeq);
                        return self.node(false, false);
                    }
                }
                self.pop_state()?;
                self.emit_with_comments(EvKind::SeqEnd);
                self.skip();
            }
            St::FlowSeqMapKey => {
                let t = self.peek()?;
                if !matches!(t, T::Value | T::FlowEntry | T::FlowSeqEnd) {
                    self.states.push(St::FlowSeqMapValue);
                    return self.node(false, false);
                }
                self.skip();
                self.state = St::FlowSeqMapValue;
                self.emit(EvKind::Scalar);
            }
            St::FlowSeqMapValue => {
                if self.peek()? == T::Value {
                    self.skip();
                    let t = self.peek()?;
                    if t != T::FlowEntry && t != T::FlowSeqEnd {
                        self.states.push(St::FlowSeqMapEnd);
                        return self.node(false, false);
                    }
                }
                self.state = St::FlowSeqMapEnd;
                self.emit(EvKind::Scalar);
            }
            St::FlowSeqMapEnd => {
                self.peek()?;
                self.state = St::FlowSeq;
                self.emit(EvKind::MapEnd);
            }
            St::FlowMapFirstKey | St::FlowMapKey => {
                let first = self.state == St::FlowMapFirstKey;
                if first {
                    self.peek()?;
                    self.skip();
                }
                let mut t = self.peek()?;
                if t != T::FlowMapEnd {
                    if !first {
                        if t != T::FlowEntry {
                            return None;
                        }
                        self.skip();
                        t = self.peek()?;
                    }
                    if t == T::Key {
                        self.skip();
                        let t = self.peek()?;
                        if !matches!(t, T::Value | T::FlowEntry | T::FlowMapEnd) {
                            self.states.push(St::FlowMapValue);
                            return self.node(false, false);
                        }
                        self.state = St::FlowMapValue;
                        self.emit(EvKind::Scalar);
                        return Some(());
                    } else if t != T::FlowMapEnd {
                        self.states.push(St::FlowMapEmptyValue);
                        return self.node(false, false);
                    }
                }
                self.pop_state()?;
                self.emit_with_comments(EvKind::MapEnd);
                self.skip();
            }
            St::FlowMapValue | St::FlowMapEmptyValue => {
                let empty = self.state == St::FlowMapEmptyValue;
                let t = self.peek()?;
                if !empty && t == T::Value {
                    self.skip();
                    let t = self.peek()?;
                    if t != T::FlowEntry && t != T::FlowMapEnd {
                        self.states.push(St::FlowMapKey);
                        return self.node(false, false);
                    }
                }
                self.state = St::FlowMapKey;
                self.emit(EvKind::Scalar);
            }
            St::End => {}
        }
        Some(())
    }

    /// `yaml_parser_parse_document_start`.
    fn document_start(&mut self, implicit: bool) -> Option<()> {
        let mut t = self.peek()?;
        if !implicit {
            while t == T::DocEnd {
                self.skip();
                t = self.peek()?;
            }
        }
        if implicit && !matches!(t, T::Directive | T::DocStart | T::StreamEnd) {
            self.states.push(St::DocEnd);
            self.state = St::BlockNode;
            // The head lines before the last blank line are the document's.
            let mut doc_head = String::new();
            let bytes = self.head.as_bytes();
            let n = bytes.len();
            let mut i = n.saturating_sub(1);
            while i > 0 {
                if bytes[i] == b'\n' {
                    if i == n - 1 {
                        doc_head = self.head[..i].to_owned();
                        self.head = self.head[i + 1..].to_owned();
                        break;
                    } else if bytes[i - 1] == b'\n' {
                        doc_head = self.head[..i - 1].to_owned();
                        self.head = self.head[i + 1..].to_owned();
                        break;
                    }
                }
                i -= 1;
            }
            self.out.push((
                EvKind::DocStart,
                EvComments {
                    head: doc_head,
                    ..EvComments::default()
                },
            ));
        } else if t != T::StreamEnd {
            while t == T::Directive {
                self.skip();
                t = self.peek()?;
            }
            if t != T::DocStart {
                return None;
            }
            self.states.push(St::DocEnd);
            self.state = St::DocContent;
            self.emit(EvKind::DocStart);
            self.skip();
        } else {
            self.state = St::End;
            self.emit(EvKind::StreamEnd);
            self.skip();
        }
        Some(())
    }

    /// `yaml_parser_split_stem_comment`: the head comment before a `-` goes to a block
    /// collection that is the item, not to the collection's first entry.
    fn split_stem(&mut self, stem_len: usize) -> Option<()> {
        if stem_len == 0 {
            return Some(());
        }
        let t = self.peek()?;
        if t != T::BlockSeqStart && t != T::BlockMapStart {
            return Some(());
        }
        let head = std::mem::take(&mut self.head);
        self.stem = Some(head.get(..stem_len).unwrap_or(&head).to_owned());
        self.head = head.get(stem_len + 1..).unwrap_or("").to_owned();
        Some(())
    }

    /// `yaml_parser_parse_node`.
    fn node(&mut self, block: bool, indentless: bool) -> Option<()> {
        let mut t = self.peek()?;
        if t == T::Alias {
            self.pop_state()?;
            self.emit_with_comments(EvKind::Alias);
            self.skip();
            return Some(());
        }
        let mut props = false;
        if t == T::Anchor || t == T::Tag {
            let first = t;
            props = true;
            self.skip();
            t = self.peek()?;
            let other = if first == T::Anchor {
                T::Tag
            } else {
                T::Anchor
            };
            if t == other {
                self.skip();
                t = self.peek()?;
            }
        }
        match t {
            T::BlockEntry if indentless => {
                self.state = St::IndentlessSeq;
                self.emit(EvKind::SeqStart);
            }
            T::Scalar => {
                self.pop_state()?;
                self.emit_with_comments(EvKind::Scalar);
                self.skip();
            }
            T::FlowSeqStart => {
                self.state = St::FlowSeqFirst;
                self.emit_with_comments(EvKind::SeqStart);
            }
            T::FlowMapStart => {
                self.state = St::FlowMapFirstKey;
                self.emit_with_comments(EvKind::MapStart);
            }
            T::BlockSeqStart | T::BlockMapStart if block => {
                let (state, kind) = if t == T::BlockSeqStart {
                    (St::BlockSeqFirst, EvKind::SeqStart)
                } else {
                    (St::BlockMapFirstKey, EvKind::MapStart)
                };
                self.state = state;
                let head = self.stem.take().unwrap_or_default();
                self.out.push((
                    kind,
                    EvComments {
                        head,
                        ..EvComments::default()
                    },
                ));
            }
            _ if props => {
                self.pop_state()?;
                self.emit(EvKind::Scalar);
            }
            _ => return None,
        }
        Some(())
    }
}
