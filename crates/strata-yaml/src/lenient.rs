//! Inputs go-yaml accepts and saphyr refuses, rewritten into text saphyr reads the same way.
//!
//! go-yaml's scanner (scannerc.go) is more lenient than the YAML spec in a few places that real
//! manifests rely on, and saphyr follows the spec there. The parser calls [`relax`] only after
//! saphyr has refused a file with one of those complaints, and parses the rewritten text, with
//! every position mapped back to the original ([`Relaxed::original`]). The rewrites change no
//! value: they only add or replace white space where go-yaml ignores it.
//!
//! - Quoted scalars continued at any indentation: `yaml_parser_scan_flow_scalar` checks
//!   continuation lines for document indicators only, so `a: 'first` / `second'` with
//!   `second'` at the indentation of `a:` (or less) is `first second`. Continuation lines
//!   shallower than the opening quote are indented to its column (leading white space of a
//!   continuation line is folded away either way).
//! - Flow collections at any indentation: go-yaml unrolls block indentation only outside flow
//!   context (`yaml_parser_unroll_indent` returns early when `flow_level` is not 0), so
//!   `command: [` / `"sh",` / `]` with `]` at the indentation of `command:` is accepted. Lines
//!   inside a flow collection shallower than its opening bracket are indented to its column.
//! - A tab after a mapping value's `:` (`a:<tab>v`, `{a:<tab>v}`): go-yaml's `is_blankz`
//!   counts a tab as the white space that ends the indicator; it becomes a space.
//! - A comment right after a closing quote (`a: "x"# c`): go-yaml's
//!   `yaml_parser_scan_to_next_token` starts a comment at any `#` between tokens, so a space
//!   is inserted before the `#`.
//!
//! Lines starting with a document indicator (`---`, `...`) are never indented: go-yaml refuses
//! them inside a quoted scalar or a flow collection too. A region that is not closed before
//! the end of the text (or such a line) is left as it is, so saphyr reports its error.
//!
//! One rewrite runs before the first parse, when the text holds one of the characters:
//! go-yaml breaks lines on U+0085, U+2028 and U+2029 (`is_break`) where saphyr does not, so
//! outside quoted scalars each becomes spaces and a `\n` of the same byte length
//! ([`unicode_breaks`]).
//!
//! The same scan finds the one place where go-yaml is stricter and saphyr would read on
//! silently: a tab after a block entry's `-` ([`refused_tab`], which the parser checks on every
//! text holding a tab).
//!
//! The scan is one pass over the bytes with no recursion (flow nesting is a counter); it
//! knows just enough YAML to find quoted scalars, flow collections, block scalars and
//! comments. It is a scanner of structure only: every decision about values stays saphyr's.
//!
//! Stage: `yaml`; uses nothing else.

/// A rewritten text and how to map its offsets back.
#[derive(Debug)]
pub(crate) struct Relaxed {
    /// The text to parse.
    pub text: String,
    /// Offsets of `text` to offsets of the original.
    pub map: Inserts,
}

/// Insertions, in order: (offset in the rewritten text where the inserted bytes start, offset
/// in the original, bytes inserted).
#[derive(Debug, Default)]
pub(crate) struct Inserts(Vec<(u32, u32, u32)>);

impl Inserts {
    /// Returns the offset in the original text of byte offset `at` of the rewritten text;
    /// inserted bytes map to the place they were inserted at.
    pub(crate) fn original(&self, at: u32) -> u32 {
        let i = self.0.partition_point(|&(start, _, _)| start <= at);
        let Some(&(start, orig, len)) = i.checked_sub(1).and_then(|i| self.0.get(i)) else {
            return at;
        };
        if at < start.saturating_add(len) {
            orig
        } else {
            orig.saturating_add(at - start - len)
        }
    }
}

/// One change to the original text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Edit {
    /// Insert this many spaces at the offset.
    Spaces(u32, u32),
    /// Replace the tab at the offset with a space.
    TabToSpace(u32),
    /// Replace the line break character of this many bytes at the offset (U+0085, U+2028,
    /// U+2029) with spaces and a `\n`, keeping every offset.
    Break(u32, u32),
}

/// What is being scanned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Block,
    /// Inside a flow collection: nesting depth.
    Flow(u32),
    /// Inside a quoted scalar (`'` or `"`), and the flow depth around it (0: block context).
    Quoted(u8, u32),
}

/// Returns `text` rewritten as the module doc says, or `None` when nothing needs rewriting.
pub(crate) fn relax(text: &str) -> Option<Relaxed> {
    let mut edits = scan(text.as_bytes()).edits;
    edits.extend(break_edits(text));
    edits.sort_unstable_by_key(|e| e.offset());
    rewrite(text, edits)
}

/// Returns `text` with go-yaml's other line breaks (U+0085, U+2028 and U+2029) outside quoted
/// scalars made `\n`, or `None` when it has none. go-yaml's scanner breaks lines on them
/// anywhere (`is_break`), saphyr only on `\n` and `\r`; inside quoted scalars both keep the
/// character as it is. Each becomes spaces and a `\n` of the same byte length, so offsets do
/// not move. Oracle (`kubectl kustomize`, v5.5): `a: |` over `x<U+2028>y` fails with `could
/// not find expected ':'`, `a: "x<U+2028>y"` is read.
pub(crate) fn unicode_breaks(text: &str) -> Option<Relaxed> {
    if !text.contains(['\u{85}', '\u{2028}', '\u{2029}']) {
        return None;
    }
    rewrite(text, break_edits(text))
}

/// Returns the [`Edit::Break`]s of `text`, in order.
fn break_edits(text: &str) -> Vec<Edit> {
    if !text.contains(['\u{85}', '\u{2028}', '\u{2029}']) {
        return Vec::new();
    }
    let quoted = scan(text.as_bytes()).quoted;
    let mut q = quoted.iter().peekable();
    let mut edits = Vec::new();
    for (at, c) in text.char_indices() {
        if !matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}') {
            continue;
        }
        while q.next_if(|&&(_, end)| end <= at).is_some() {}
        if q.peek().is_some_and(|&&(start, _)| start <= at) {
            continue;
        }
        if let (Ok(at), Ok(len)) = (u32::try_from(at), u32::try_from(c.len_utf8())) {
            edits.push(Edit::Break(at, len));
        }
    }
    edits
}

impl Edit {
    fn offset(self) -> u32 {
        match self {
            Edit::Spaces(at, _) | Edit::TabToSpace(at) | Edit::Break(at, _) => at,
        }
    }
}

/// Applies `edits` (sorted by offset) to `text`; `None` when there are none.
fn rewrite(text: &str, edits: Vec<Edit>) -> Option<Relaxed> {
    if edits.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 64);
    let mut inserts = Vec::new();
    let mut copied = 0usize;
    for edit in edits {
        let at = edit.offset() as usize;
        out.push_str(text.get(copied..at)?);
        copied = at;
        match edit {
            Edit::Spaces(_, n) => {
                let start = u32::try_from(out.len()).ok()?;
                inserts.push((start, u32::try_from(at).ok()?, n));
                out.extend(std::iter::repeat_n(' ', n as usize));
            }
            Edit::TabToSpace(_) => {
                out.push(' ');
                copied = at + 1;
            }
            Edit::Break(_, len) => {
                out.extend(std::iter::repeat_n(' ', (len as usize).saturating_sub(1)));
                out.push('\n');
                copied = at + len as usize;
            }
        }
    }
    out.push_str(text.get(copied..)?);
    Some(Relaxed {
        text: out,
        map: Inserts(inserts),
    })
}

/// Returns the offset of a tab go-yaml refuses although saphyr reads it: a tab in the white
/// space after a block sequence entry's `-`, a complex key's `?` or a complex value's `:`.
/// go-yaml skips tabs between tokens only in flow context or where no simple key may start
/// (scannerc.go `yaml_parser_scan_to_next_token`), and one may start after those three, so it
/// finds a tab where a token should be: `found character that cannot start any token`.
/// Oracle (`kubectl kustomize`, v5.5): `- b` / `-<tab>c` fails so; `a: x` / `    -<tab>y`
/// (a plain scalar's continuation) and `- b:<tab>c` do not.
pub(crate) fn refused_tab(text: &str) -> Option<usize> {
    if !text.contains('\t') {
        return None;
    }
    scan(text.as_bytes()).refused_tab
}

/// What a scan finds.
struct Scan {
    /// The rewrites, sorted by offset.
    edits: Vec<Edit>,
    /// The first tab go-yaml refuses ([`refused_tab`]).
    refused_tab: Option<usize>,
    /// Byte ranges of quoted scalars (quotes included; an unclosed one runs to the end).
    quoted: Vec<(usize, usize)>,
}

/// Scans `b` for what [`relax`] rewrites and [`refused_tab`] looks for.
fn scan(b: &[u8]) -> Scan {
    let mut edits: Vec<Edit> = Vec::new();
    let mut refused_tab: Option<usize> = None;
    let mut quoted: Vec<(usize, usize)> = Vec::new();
    // Where the open quoted scalar started.
    let mut quote_start = 0usize;
    // Indentation of the last line when it ended in plain text in block context: a line
    // deeper than that may continue the plain scalar.
    let mut plain_indent: Option<usize> = None;
    // Edits of the open quoted scalar or flow collection, kept once it closes.
    let mut pending: Vec<Edit> = Vec::new();
    // Column continuation lines of the open region are indented to.
    let mut target = 0usize;
    let mut mode = Mode::Block;
    // Indentation of the line that opened a block scalar, while in one.
    let mut block_scalar: Option<usize> = None;
    let mut node_start = true;
    let mut i = 0usize;
    let at = |i: usize| b.get(i).copied();
    let blank_or_end = |c: Option<u8>| matches!(c, None | Some(b' ' | b'\t' | b'\n' | b'\r'));
    while i < b.len() {
        // A line starts at `i`.
        let line_start = i;
        let mut indent = 0usize;
        while at(i) == Some(b' ') {
            i += 1;
            indent += 1;
        }
        let blank_line = matches!(at(i), None | Some(b'\n' | b'\r'));
        if indent == 0
            && (b[i..].starts_with(b"---") || b[i..].starts_with(b"..."))
            && blank_or_end(at(i + 3))
        {
            // A document indicator: give up the open region, as go-yaml does.
            pending.clear();
            plain_indent = None;
            mode = Mode::Block;
            block_scalar = None;
            i = skip_line(b, i);
            continue;
        }
        if let Some(parent) = block_scalar {
            if blank_line || indent > parent {
                i = skip_line(b, i);
                continue;
            }
            block_scalar = None;
        }
        if mode != Mode::Block && !blank_line && indent < target {
            let (Ok(at), Ok(n)) = (u32::try_from(line_start), u32::try_from(target - indent))
            else {
                return Scan {
                    edits: Vec::new(),
                    refused_tab: None,
                    quoted: Vec::new(),
                };
            };
            pending.push(Edit::Spaces(at, n));
        }
        // A deeper line after plain text continues it: a quote or bracket there is text.
        let continues_plain = plain_indent.is_some_and(|p| indent > p);
        if mode == Mode::Block {
            node_start = !continues_plain;
        }
        // The rest of the line.
        let mut after_space = true;
        while let Some(c) = at(i) {
            if c == b'\n' {
                i += 1;
                break;
            }
            match mode {
                Mode::Quoted(q, depth) => {
                    i += 1;
                    // An escape (`\x` in double quotes, `''` in single quotes) is skipped
                    // whole; an escaped line break still starts a line.
                    let escaped =
                        (c == b'\\' && q == b'"' && !matches!(at(i), Some(b'\n' | b'\r')))
                            || (c == q && q == b'\'' && at(i) == Some(b'\''));
                    if escaped {
                        i += 1;
                    } else if c == q {
                        quoted.push((quote_start, i));
                        mode = if depth == 0 {
                            edits.append(&mut pending);
                            Mode::Block
                        } else {
                            Mode::Flow(depth)
                        };
                        node_start = false;
                        after_space = false;
                        if at(i) == Some(b'#') {
                            if let Ok(at) = u32::try_from(i) {
                                edits.push(Edit::Spaces(at, 1));
                            }
                            i = skip_line(b, i);
                            break;
                        }
                    }
                    continue;
                }
                Mode::Flow(depth) => {
                    let mut space = false;
                    match c {
                        b' ' | b'\t' | b'\r' => space = true,
                        b'#' if after_space => {
                            i = skip_line(b, i);
                            break;
                        }
                        b'[' | b'{' => {
                            mode = Mode::Flow(depth.saturating_add(1));
                            node_start = true;
                        }
                        b']' | b'}' => {
                            if depth <= 1 {
                                mode = Mode::Block;
                                edits.append(&mut pending);
                            } else {
                                mode = Mode::Flow(depth - 1);
                            }
                            node_start = false;
                        }
                        b':' => {
                            if at(i + 1) == Some(b'\t')
                                && let Ok(at) = u32::try_from(i + 1)
                            {
                                edits.push(Edit::TabToSpace(at));
                            }
                            node_start = true;
                        }
                        b',' | b'?' => node_start = true,
                        b'"' | b'\'' if node_start => {
                            mode = Mode::Quoted(c, depth);
                            quote_start = i;
                        }
                        _ => node_start = false,
                    }
                    after_space = space;
                    i += 1;
                    continue;
                }
                Mode::Block => {}
            }
            // Block context.
            match c {
                b' ' | b'\t' | b'\r' => {
                    after_space = true;
                    i += 1;
                    continue;
                }
                b'#' if after_space => {
                    i = skip_line(b, i);
                    break;
                }
                _ => {}
            }
            let col = i - line_start;
            if node_start {
                match c {
                    b'"' | b'\'' => {
                        mode = Mode::Quoted(c, 0);
                        quote_start = i;
                        target = col;
                        i += 1;
                        continue;
                    }
                    b'[' | b'{' => {
                        mode = Mode::Flow(1);
                        target = col;
                        node_start = true;
                        i += 1;
                        continue;
                    }
                    b'|' | b'>' => {
                        block_scalar = Some(indent);
                        i = skip_line(b, i);
                        break;
                    }
                    b'&' | b'!' => {
                        while !blank_or_end(at(i)) {
                            i += 1;
                        }
                        continue;
                    }
                    b'-' | b'?' | b':' if blank_or_end(at(i + 1)) => {
                        i += 1;
                        let mut j = i;
                        while let Some(w @ (b' ' | b'\t')) = at(j) {
                            if w == b'\t' && !continues_plain && refused_tab.is_none() {
                                refused_tab = Some(j);
                            }
                            j += 1;
                        }
                        continue;
                    }
                    _ => {}
                }
            }
            if c == b':' && blank_or_end(at(i + 1)) {
                if at(i + 1) == Some(b'\t')
                    && let Ok(at) = u32::try_from(i + 1)
                {
                    edits.push(Edit::TabToSpace(at));
                }
                node_start = true;
                after_space = false;
                i += 1;
                continue;
            }
            // Plain text (or an alias): up to the next white space.
            node_start = false;
            after_space = false;
            i += 1;
            while let Some(c) = at(i) {
                if matches!(c, b' ' | b'\t' | b'\r' | b'\n')
                    || (c == b':' && blank_or_end(at(i + 1)))
                {
                    break;
                }
                i += 1;
            }
        }
        if !blank_line {
            plain_indent =
                (mode == Mode::Block && !node_start && block_scalar.is_none()).then_some(indent);
        }
    }
    if let Mode::Quoted(..) = mode {
        quoted.push((quote_start, b.len()));
    }
    edits.sort_unstable_by_key(|e| e.offset());
    Scan {
        edits,
        refused_tab,
        quoted,
    }
}

/// Returns the offset just past the line break ending the line that holds `i`.
fn skip_line(b: &[u8], i: usize) -> usize {
    b.get(i..)
        .and_then(|rest| rest.iter().position(|&c| c == b'\n'))
        .map_or(b.len(), |p| i + p + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relaxed(text: &str) -> Option<String> {
        relax(text).map(|r| r.text)
    }

    #[test]
    fn rewrites_only_what_go_yaml_accepts() {
        let cases: &[(&str, Option<&str>)] = &[
            // Quoted scalars continued at or below the key's indentation.
            (
                "  a: 'first\n  second'\n",
                Some("  a: 'first\n     second'\n"),
            ),
            ("  a: \"x\n\ty\"\n", Some("  a: \"x\n     \ty\"\n")),
            // Flow collections closed at the parent's indentation.
            (
                "  c: [\n  \"sh\",\n  ]\n",
                Some("  c: [\n     \"sh\",\n     ]\n"),
            ),
            ("a: {\nk: v}\n", Some("a: {\n   k: v}\n")),
            // Tab after `:` and a comment right after a closing quote.
            ("a:\tv\n", Some("a: v\n")),
            ("a: {b:\tc}\n", Some("a: {b: c}\n")),
            ("a: \"x\"# c\n", Some("a: \"x\" # c\n")),
            // Nothing to do: well indented, or inside block scalars, comments, plain text.
            ("a: 'x\n   y'\nb: [1,\n   2]\n", None),
            ("a: |\n  'x\n  [\nb: it's [x\n", None),
            ("# 'x\na: b # [\n", None),
            ("a: foo\n  'bar\nb: 1\nc: 'x'\n", None),
            ("- a\n  [b\n- c\n", None),
            // Unclosed regions and document indicators stay as they are.
            ("a: 'x\n", None),
            ("a: 'x\n---\ny'\n", None),
            ("a: [x,\n...\n]\n", None),
        ];
        for (text, want) in cases {
            assert_eq!(relaxed(text).as_deref(), *want, "{text:?}");
        }
    }

    /// Expected answers are `kubectl kustomize`'s (v5.5): the first four fail there; the
    /// rest are read (a block scalar's or quoted scalar's text) or refused by saphyr as well
    /// (`-` in a flow collection).
    #[test]
    fn tabs_go_yaml_refuses() {
        let cases: &[(&str, Option<usize>)] = &[
            ("a:\n- b\n-\tc\n", Some(8)),
            ("a:\n- b\n- \t\n", Some(9)),
            ("? b\n:\tc\n", Some(5)),
            ("a:\n- - \tb\n", Some(7)),
            ("a: x\n  - \ty\n", None),
            ("a:\n- b: \tc\n", None),
            ("a: |\n  -\tx\n", None),
            ("a: [\n-\tx]\n", None),
            ("a: 'x\n-\ty'\n", None),
        ];
        for (text, want) in cases {
            assert_eq!(refused_tab(text), *want, "{text:?}");
        }
    }

    #[test]
    fn unicode_breaks_outside_quotes_become_newlines() {
        let cases: &[(&str, Option<&str>)] = &[
            ("a: b\u{2028}c: d\n", Some("a: b  \nc: d\n")),
            ("a: 1 # c\u{85}d: e\n", Some("a: 1 # c \nd: e\n")),
            ("a: |\n  x\u{2029}y\n", Some("a: |\n  x  \ny\n")),
            ("a: \"x\u{2028}y\"\nb: 'p\u{85}q'\n", None),
            (
                "a: [\"x\u{2028}\", y\u{2028}]\n",
                Some("a: [\"x\u{2028}\", y  \n]\n"),
            ),
            ("a: b\n", None),
        ];
        for (text, want) in cases {
            let got = unicode_breaks(text).map(|r| r.text);
            assert_eq!(got.as_deref(), *want, "{text:?}");
            if let Some(g) = &got {
                assert_eq!(g.len(), text.len(), "offsets keep");
            }
        }
    }

    #[test]
    fn offsets_map_back() {
        let r = relax("a: 'x\ny'\nb: 1\n").expect("rewritten");
        assert_eq!(r.text, "a: 'x\n   y'\nb: 1\n");
        let m = &r.map;
        assert_eq!(m.original(0), 0);
        assert_eq!(m.original(6), 6);
        assert_eq!(m.original(8), 6);
        assert_eq!(m.original(9), 6);
        assert_eq!(m.original(12), 9);
    }
}
