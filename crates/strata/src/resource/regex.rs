//! Go's `regexp` as kustomize's selectors use it, and which matcher each selector uses.
//!
//! kustomize compiles selector patterns with Go's `regexp.Compile` (RE2 syntax, Perl flags).
//! [`GoRegex`] accepts exactly the patterns Go accepts and reports Go's errors
//! (`error parsing regexp: CODE: `FRAGMENT``): this module parses the pattern with Go's rules
//! (regexp/syntax/parse.go) and hands an equivalent pattern in the `regex` crate's syntax to
//! that crate, which does the matching. The rules that differ between the two syntaxes and
//! that the translation takes care of:
//!
//! - a `{` that does not start a valid repetition (`x{`, `a{,3}`, `{foo}`, `${NAME}`, `a{01}`)
//!   is a literal in Go (parse.go `parseRepeat` fails, so `{` is pushed as a literal); the
//!   `regex` crate rejects it. Counts above 1000, or nested counted repetitions whose product
//!   exceeds 1000 (`repeatIsValid`), are `invalid repeat count`.
//! - `\d \w \s \b \B` and the POSIX classes are ASCII in Go, Unicode in the `regex` crate.
//! - any escaped ASCII punctuation is a literal in Go (`\<` is `<`, not a word boundary), and
//!   octal escapes (`\012`, `\0`) and `\Q…\E` exist; a lone `\1` is an invalid escape.
//! - in a class, `[` is a literal (`[[]`), and `&&`, `--`, `~~` are no set operations.
//! - `(?x)` and the other flags Go does not know are `invalid or unsupported Perl syntax`;
//!   a repetition may follow a flag group and applies to the atom before it (`a(?i)*`).
//! - `\pN`, `\p{Greek}`, `\PL`, `\p{^L}`: Go knows the general categories, `Any` and the
//!   script names; a name outside those is `invalid character class range`. (Strata accepts
//!   the script names and aliases of the `regex` crate's Unicode tables, a small superset.)
//!
//! Go's size budget is applied to the parsed pattern (`calcSize`, 3,355,443 instructions:
//! `expression too large`), as is its nesting limit of 1000 groups (`expression nests too
//! deeply`). One difference remains: the `regex` crate guards its stack with a nesting limit
//! of 250, which repetitions and alternations inside one another count against (groups alone
//! do not), where Go's limit is 1000; Strata reports such patterns as `expression nests too
//! deeply`.
//!
//! # Which matcher each selector uses
//!
//! | Strata site | kustomize | matcher |
//! | --- | --- | --- |
//! | `patches[].target`, `patchesJson6902[].target` group/version/kind/name/namespace (`patch::target::select`) | api/resmap/reswrangler.go `Select` via api/types/selector.go `SelectorRegex` | [`anchored`]: `^(?:p)$`, empty matches any |
//! | `patches[].target` `labelSelector`/`annotationSelector`, replacements `select`/`reject` label and annotation selectors | kyaml/yaml/rnode.go `MatchesLabelSelector` | [`crate::resource::LabelSelector`] |
//! | replacements `source` (`transform::replacements`) | api/filters/replacement/replacement.go `selectSourceNode`, kyaml/resid/resid.go `IsSelectedBy` | equality (effective namespaces) |
//! | replacements `targets[].select`/`reject` id fields | `IsSelectedBy` (v5.5–v5.7, equality) and api/types/replacement.go `TargetSelectorRegex` (v5.8+, anchored regex) | [`IdPattern`]: equal, or the anchored regex matches |
//! | replacements target paths `[name=value]` | kyaml/yaml/match.go `PathMatcher` | [`GoRegex::new`] unanchored |
//! | replacements source paths `[name=value]` | kyaml/yaml/fns.go `ElementMatcher` | equality |
//! | `images[].name` (`transform::images`) | api/internal/image/image.go `IsImageMatched` | [`GoRegex::new`] of `^name(:tag)?(@digest)?$`; a pattern Go rejects matches nothing |
//! | patches without a target, `replicas`, vars `objref`, name references | reswrangler `GetById`/`GetMatchingResourcesByAnyId`, replica filter, `GvknEquals` | equality |
//!
//! A replacement target `select: {name: $(profile-name)}` therefore selects the resource
//! literally named `$(profile-name)` (kubectl kustomize v5.5 compares names for equality), and
//! `name: app-.*` selects `app-web` as current kustomize does.
//!
//! This module may use nothing else in the crate.

use std::fmt::Write as _;

/// Largest repeat count, as Go's parser.
const MAX_REPEAT: u64 = 1000;
/// Deepest group nesting Go accepts (`maxHeight`).
const MAX_NEST: usize = 1000;
/// Go's program size budget (`maxSize`: 128 MiB over 40-byte instructions).
const MAX_SIZE: u64 = (128 << 20) / 40;
/// Compiled size budget handed to the `regex` crate.
const COMPILED_SIZE_LIMIT: usize = 256 << 20;

/// A pattern Go would not compile; the text is Go's message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RegexError(pub String);

impl std::fmt::Display for RegexError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A compiled pattern with Go's `regexp` syntax and meaning.
#[derive(Clone, Debug)]
pub(crate) struct GoRegex {
    inner: ::regex::Regex,
    /// For an anchored pattern without metacharacters, the one text it matches: selecting
    /// patch targets by plain kind or name then compares strings instead of running the
    /// automaton.
    literal: Option<Box<str>>,
}

impl GoRegex {
    /// Compiles `pattern` as Go's `regexp.Compile` does, or returns Go's error.
    pub(crate) fn new(pattern: &str) -> Result<GoRegex, RegexError> {
        let mut p = Parser {
            src: pattern,
            chars: pattern.chars().collect(),
            pos: 0,
            flags: Flags::default(),
        };
        let ast = p.parse()?;
        if size(&ast) > MAX_SIZE {
            return Err(err("expression too large", pattern));
        }
        let mut rust = String::new();
        emit(&ast, &mut rust);
        let inner = ::regex::RegexBuilder::new(&rust)
            .size_limit(COMPILED_SIZE_LIMIT)
            .build()
            .map_err(|e| match e {
                // The translation is valid syntax; what the crate can refuse is its size, or
                // more than 250 nested repetitions and alternations (its stack guard).
                ::regex::Error::CompiledTooBig(_) => err("expression too large", pattern),
                _ => err("expression nests too deeply", pattern),
            })?;
        Ok(GoRegex {
            inner,
            literal: None,
        })
    }

    /// Returns true if the pattern matches anywhere in `text` (Go's `MatchString`).
    pub(crate) fn is_match(&self, text: &str) -> bool {
        if let Some(literal) = &self.literal {
            return text == &**literal;
        }
        self.inner.is_match(text)
    }
}

/// Compiles `pattern` anchored as kustomize's `anchorRegex` does (`^(?:pattern)$`); `None`
/// for an empty pattern, which selects anything.
pub(crate) fn anchored(pattern: &str) -> Result<Option<GoRegex>, RegexError> {
    if pattern.is_empty() {
        return Ok(None);
    }
    let mut re = GoRegex::new(&format!("^(?:{pattern})$"))?;
    // Without metacharacters, `^(?:pattern)$` matches exactly `pattern` (Go's `$` without
    // the `m` flag is the end of the text).
    if !pattern.chars().any(|c| META.contains(c)) {
        re.literal = Some(pattern.into());
    }
    Ok(Some(re))
}

/// Go's regexp metacharacters, as `regexp.QuoteMeta` escapes them.
const META: &str = "\\.+*?()|[]{}^$";

/// Returns `s` with Go's regexp metacharacters escaped (Go's `regexp.QuoteMeta`).
pub(crate) fn quote_meta(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if META.contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A selector id field that matches by equality or by anchored regex: replacement target
/// `select`/`reject` fields, where kubectl kustomize v5.5 compares for equality
/// (`IsSelectedBy`) and current kustomize matches `^(?:p)$` (`TargetSelectorRegex`). Both
/// agree wherever a name is its own regex; the union keeps what each of them selects.
#[derive(Clone, Debug)]
pub(crate) struct IdPattern {
    text: String,
    regex: Option<GoRegex>,
}

impl IdPattern {
    /// Compiles `pattern`; fails with Go's error if it is no valid regex, as current
    /// kustomize does (`error creating target selector: error parsing regexp: …`).
    pub(crate) fn new(pattern: &str) -> Result<IdPattern, RegexError> {
        Ok(IdPattern {
            text: pattern.to_owned(),
            regex: anchored(pattern)?,
        })
    }

    /// Returns true if the pattern is empty, equals `value`, or matches all of it.
    pub(crate) fn matches(&self, value: &str) -> bool {
        match &self.regex {
            None => true,
            Some(re) => self.text == value || re.is_match(value),
        }
    }
}

fn err(code: &str, fragment: &str) -> RegexError {
    RegexError(format!("error parsing regexp: {code}: `{fragment}`"))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Look {
    StartText,
    EndText,
    StartLine,
    EndLine,
    WordBoundary,
    NotWordBoundary,
}

/// A set of characters: ranges, Unicode classes (name, negated), folded under `(?i)`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Class {
    ranges: Vec<(char, char)>,
    unicode: Vec<(String, bool)>,
    negated: bool,
    fold: bool,
}

impl Class {
    fn of(ranges: &[(char, char)], negated: bool) -> Class {
        Class {
            ranges: ranges.to_vec(),
            negated,
            ..Class::default()
        }
    }

    /// Adds another class's characters to this one.
    fn add(&mut self, other: Class) {
        if other.negated {
            self.ranges.extend(negate(&other.ranges));
            self.unicode
                .extend(other.unicode.into_iter().map(|(n, neg)| (n, !neg)));
        } else {
            self.ranges.extend(other.ranges);
            self.unicode.extend(other.unicode);
        }
    }
}

#[derive(Clone, Debug)]
enum Ast {
    Empty,
    Class(Class),
    Look(Look),
    Concat(Vec<Ast>),
    Alt(Vec<Ast>),
    Group {
        capture: bool,
        ast: Box<Ast>,
    },
    Repeat {
        ast: Box<Ast>,
        min: u32,
        max: Option<u32>,
        /// Written as `{n,m}` (Go's `OpRepeat`), not `* + ?`.
        counted: bool,
    },
}

/// Go's `calcSize`: the instruction count the pattern would compile to.
fn size(ast: &Ast) -> u64 {
    let s = match ast {
        Ast::Empty | Ast::Look(_) | Ast::Class(_) => 1,
        Ast::Concat(items) => items.iter().map(size).fold(0u64, u64::saturating_add),
        Ast::Alt(items) => items
            .iter()
            .map(size)
            .fold(0u64, u64::saturating_add)
            .saturating_add(items.len() as u64 - 1),
        Ast::Group { capture, ast } => size(ast).saturating_add(if *capture { 2 } else { 0 }),
        Ast::Repeat { ast, min, max, .. } => {
            let sub = size(ast);
            match max {
                None if *min == 0 => sub.saturating_add(2),
                None => u64::from(*min).saturating_mul(sub).saturating_add(1),
                Some(max) => u64::from(*max)
                    .saturating_mul(sub)
                    .saturating_add(u64::from(max - min)),
            }
        }
    };
    s.max(1)
}

/// Go's `repeatIsValid`: nested counted repetitions multiply to at most `n`.
fn repeat_is_valid(ast: &Ast, mut n: u64) -> bool {
    match ast {
        Ast::Repeat {
            ast,
            min,
            max,
            counted,
        } => {
            if *counted {
                let m = u64::from(max.unwrap_or(*min));
                if *max == Some(0) {
                    return true;
                }
                if m > n {
                    return false;
                }
                n = n.checked_div(m).unwrap_or(n);
            }
            repeat_is_valid(ast, n)
        }
        Ast::Concat(items) | Ast::Alt(items) => items.iter().all(|a| repeat_is_valid(a, n)),
        Ast::Group { ast, .. } => repeat_is_valid(ast, n),
        Ast::Empty | Ast::Class(_) | Ast::Look(_) => true,
    }
}

/// Writes `ast` in the `regex` crate's syntax. Groups add no parentheses of their own
/// (captures do not matter for matching), so only alternations and repetitions nest.
fn emit(ast: &Ast, out: &mut String) {
    match ast {
        Ast::Empty => out.push_str("(?:)"),
        Ast::Class(c) => emit_class(c, out),
        Ast::Look(l) => out.push_str(match l {
            Look::StartText => r"\A",
            Look::EndText => r"\z",
            Look::StartLine => "(?m:^)",
            Look::EndLine => "(?m:$)",
            Look::WordBoundary => r"(?-u:\b)",
            Look::NotWordBoundary => r"(?-u:\B)",
        }),
        Ast::Concat(items) => items.iter().for_each(|a| emit_in_concat(a, out)),
        Ast::Alt(items) => {
            for (i, a) in items.iter().enumerate() {
                if i > 0 {
                    out.push('|');
                }
                emit(a, out);
            }
        }
        Ast::Group { ast, .. } => emit(ast, out),
        Ast::Repeat { ast, min, max, .. } => {
            emit_atom(ast, out);
            let _ = match max {
                Some(max) => write!(out, "{{{min},{max}}}"),
                None => write!(out, "{{{min},}}"),
            };
        }
    }
}

/// Writes one item of a concatenation: an alternation needs parentheses there.
fn emit_in_concat(ast: &Ast, out: &mut String) {
    match ast {
        Ast::Alt(_) => {
            out.push_str("(?:");
            emit(ast, out);
            out.push(')');
        }
        Ast::Group { ast, .. } => emit_in_concat(ast, out),
        _ => emit(ast, out),
    }
}

/// Writes `ast` as one atom, as a repetition operator takes it.
fn emit_atom(ast: &Ast, out: &mut String) {
    match ast {
        Ast::Concat(_) | Ast::Alt(_) | Ast::Repeat { .. } => {
            out.push_str("(?:");
            emit(ast, out);
            out.push(')');
        }
        Ast::Group { ast, .. } => emit_atom(ast, out),
        Ast::Empty | Ast::Class(_) | Ast::Look(_) => emit(ast, out),
    }
}

fn emit_class(c: &Class, out: &mut String) {
    if c.fold {
        out.push_str("(?i:");
    }
    if c.ranges.is_empty() && c.unicode.is_empty() {
        // Nothing (or, negated, anything).
        out.push_str(if c.negated {
            r"[\x{0}-\x{10FFFF}]"
        } else {
            r"[^\x{0}-\x{10FFFF}]"
        });
    } else {
        out.push('[');
        if c.negated {
            out.push('^');
        }
        for &(a, b) in &c.ranges {
            let _ = if a == b {
                write!(out, r"\x{{{:X}}}", a as u32)
            } else {
                write!(out, r"\x{{{:X}}}-\x{{{:X}}}", a as u32, b as u32)
            };
        }
        for (name, negated) in &c.unicode {
            let _ = write!(out, r"\{}{{{name}}}", if *negated { 'P' } else { 'p' });
        }
        out.push(']');
    }
    if c.fold {
        out.push(')');
    }
}

/// An open group while parsing: its finished alternatives, the concatenation being read,
/// where the last repetition operator started (Go's `lastRepeat`), and the flags to restore
/// at its `)`.
struct Frame {
    alts: Vec<Ast>,
    items: Vec<Ast>,
    last_op: Option<usize>,
    saved: Flags,
    capture: bool,
}

impl Frame {
    fn new(saved: Flags, capture: bool) -> Frame {
        Frame {
            alts: Vec::new(),
            items: Vec::new(),
            last_op: None,
            saved,
            capture,
        }
    }

    fn finish(mut self) -> Ast {
        let last = concat(std::mem::take(&mut self.items));
        if self.alts.is_empty() {
            return last;
        }
        self.alts.push(last);
        Ast::Alt(self.alts)
    }
}

fn concat(mut items: Vec<Ast>) -> Ast {
    match items.len() {
        0 => Ast::Empty,
        1 => items.pop().unwrap_or(Ast::Empty),
        _ => Ast::Concat(items),
    }
}

#[derive(Clone, Copy, Debug, Default)]
struct Flags {
    case_insensitive: bool,
    multi_line: bool,
    dot_nl: bool,
}

struct Parser<'a> {
    src: &'a str,
    chars: Vec<char>,
    pos: usize,
    flags: Flags,
}

/// Go's general categories (unicode.Categories); scripts are checked against the `regex`
/// crate's tables.
const CATEGORIES: &[&str] = &[
    "C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn", "N",
    "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk", "Sm", "So",
    "Z", "Zl", "Zp", "Zs",
];

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.chars.get(self.pos + n).copied()
    }

    fn slice(&self, from: usize, to: usize) -> String {
        self.chars
            .get(from.min(self.chars.len())..to.min(self.chars.len()))
            .unwrap_or(&[])
            .iter()
            .collect()
    }

    fn literal(&self, c: char) -> Ast {
        Ast::Class(Class {
            fold: self.flags.case_insensitive,
            ..Class::of(&[(c, c)], false)
        })
    }

    /// Parses the whole pattern with an explicit stack of open groups (as Go's parser keeps
    /// one), so nesting costs heap, not call stack.
    fn parse(&mut self) -> Result<Ast, RegexError> {
        let mut stack: Vec<Frame> = vec![Frame::new(self.flags, false)];
        while let Some(c) = self.peek() {
            let Some(top) = stack.last_mut() else {
                break;
            };
            let mut this_op = None;
            match c {
                '|' => {
                    self.pos += 1;
                    let items = std::mem::take(&mut top.items);
                    top.alts.push(concat(items));
                }
                ')' => {
                    if stack.len() == 1 {
                        return Err(err("unexpected )", self.src));
                    }
                    self.pos += 1;
                    let Some(frame) = stack.pop() else {
                        break;
                    };
                    self.flags = frame.saved;
                    let capture = frame.capture;
                    let group = Ast::Group {
                        capture,
                        ast: Box::new(frame.finish()),
                    };
                    if let Some(parent) = stack.last_mut() {
                        parent.items.push(group);
                        parent.last_op = None;
                    }
                    continue;
                }
                '(' => {
                    self.pos += 1;
                    let saved = self.flags;
                    if let Some(capture) = self.parse_group_open()? {
                        if stack.len() > MAX_NEST {
                            return Err(err("expression nests too deeply", self.src));
                        }
                        stack.push(Frame::new(saved, capture));
                        continue;
                    }
                    // A flag group `(?i)`: it changes flags and leaves the last atom
                    // repeatable (`a(?i)*`).
                }
                '*' | '+' | '?' | '{' => {
                    let op_start = self.pos;
                    let Some((min, max)) = self.parse_repeat_op()? else {
                        // A `{` that is not a repetition is a literal (parse.go).
                        self.pos += 1;
                        let lit = self.literal('{');
                        top.items.push(lit);
                        top.last_op = None;
                        continue;
                    };
                    let counted = c == '{';
                    let op = self.slice(op_start, self.pos);
                    if let Some(prev_op) = top.last_op {
                        return Err(err(
                            "invalid nested repetition operator",
                            &self.slice(prev_op, self.pos),
                        ));
                    }
                    let Some(prev) = top.items.pop() else {
                        return Err(err("missing argument to repetition operator", &op));
                    };
                    let rep = Ast::Repeat {
                        ast: Box::new(prev),
                        min,
                        max,
                        counted,
                    };
                    if counted
                        && (min >= 2 || max.is_some_and(|m| m >= 2))
                        && !repeat_is_valid(&rep, MAX_REPEAT)
                    {
                        return Err(err("invalid repeat count", &op));
                    }
                    top.items.push(rep);
                    this_op = Some(op_start);
                }
                '\\' if self.peek_at(1) == Some('Q') => {
                    // `\Q…\E`: each character a literal of its own.
                    self.pos += 2;
                    while let Some(c) = self.peek() {
                        if c == '\\' && self.peek_at(1) == Some('E') {
                            self.pos += 2;
                            break;
                        }
                        let lit = self.literal(c);
                        top.items.push(lit);
                        self.pos += 1;
                    }
                }
                _ => {
                    let atom = self.parse_atom()?;
                    top.items.push(atom);
                }
            }
            if let Some(top) = stack.last_mut() {
                top.last_op = this_op;
            }
        }
        if stack.len() > 1 {
            return Err(err("missing closing )", self.src));
        }
        Ok(stack.pop().map_or(Ast::Empty, Frame::finish))
    }

    /// Reads `*`, `+`, `?` or `{n}`, `{n,}`, `{n,m}`, and a lazy `?`. Returns `None` for a
    /// `{` that does not start a repetition (Go's `parseRepeat` fails: no digits, a leading
    /// zero, no closing `}`).
    fn parse_repeat_op(&mut self) -> Result<Option<(u32, Option<u32>)>, RegexError> {
        let start = self.pos;
        let r = match self.peek() {
            Some('*') => {
                self.pos += 1;
                (0, None)
            }
            Some('+') => {
                self.pos += 1;
                (1, None)
            }
            Some('?') => {
                self.pos += 1;
                (0, Some(1))
            }
            Some('{') => {
                let mut p = self.pos + 1;
                let num = |p: &mut usize, chars: &[char]| -> Option<u64> {
                    let s = *p;
                    let mut v: u64 = 0;
                    while let Some(d) = chars.get(*p).and_then(|c| c.to_digit(10)) {
                        v = v.saturating_mul(10).saturating_add(u64::from(d));
                        *p += 1;
                    }
                    // Go's parseInt: at least one digit, no leading zero.
                    let leading_zero = *p - s >= 2 && chars.get(s) == Some(&'0');
                    (*p > s && !leading_zero).then_some(v)
                };
                let Some(min) = num(&mut p, &self.chars) else {
                    return Ok(None);
                };
                let max = if self.chars.get(p) == Some(&',') {
                    p += 1;
                    if self.chars.get(p) == Some(&'}') {
                        None
                    } else {
                        match num(&mut p, &self.chars) {
                            Some(m) => Some(m),
                            None => return Ok(None),
                        }
                    }
                } else {
                    Some(min)
                };
                if self.chars.get(p) != Some(&'}') {
                    return Ok(None);
                }
                p += 1;
                self.pos = p;
                let bad = min > MAX_REPEAT || max.is_some_and(|m| m > MAX_REPEAT || m < min);
                if bad {
                    return Err(err("invalid repeat count", &self.slice(start, p)));
                }
                let to32 = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
                (to32(min), max.map(to32))
            }
            _ => return Ok(None),
        };
        if self.peek() == Some('?') {
            self.pos += 1;
        }
        Ok(Some(r))
    }

    /// Parses one atom other than a group.
    fn parse_atom(&mut self) -> Result<Ast, RegexError> {
        let Some(c) = self.peek() else {
            return Ok(Ast::Empty);
        };
        self.pos += 1;
        let ast = match c {
            '[' => Ast::Class(self.parse_class()?),
            '.' => {
                let ranges: &[(char, char)] = if self.flags.dot_nl {
                    &[('\0', char::MAX)]
                } else {
                    &[('\0', '\t'), ('\u{b}', char::MAX)]
                };
                Ast::Class(Class::of(ranges, false))
            }
            '^' => Ast::Look(if self.flags.multi_line {
                Look::StartLine
            } else {
                Look::StartText
            }),
            '$' => Ast::Look(if self.flags.multi_line {
                Look::EndLine
            } else {
                Look::EndText
            }),
            '\\' => self.parse_escape_atom()?,
            c => self.literal(c),
        };
        Ok(ast)
    }

    /// Reads what follows a group's `(`: nothing, `?:`, `?P<name>`, `?<name>`, or flags
    /// (`?i`, `?i-s:`), which it applies. Returns whether the group captures, or `None` for
    /// a flag-only group `(?i)`, which is then complete.
    fn parse_group_open(&mut self) -> Result<Option<bool>, RegexError> {
        let mut capture = true;
        if self.peek() == Some('?') {
            let start = self.pos.saturating_sub(1);
            match (self.peek_at(1), self.peek_at(2)) {
                (Some('P'), Some('<')) | (Some('<'), _) => {
                    let skip = if self.peek_at(1) == Some('P') { 3 } else { 2 };
                    let name_start = self.pos + skip;
                    let mut p = name_start;
                    while self.chars.get(p).is_some_and(|&c| c != '>') {
                        p += 1;
                    }
                    if p >= self.chars.len() {
                        return Err(err("invalid named capture", &self.slice(start, p)));
                    }
                    let name = self.slice(name_start, p);
                    let valid =
                        !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_');
                    if !valid {
                        return Err(err("invalid named capture", &self.slice(start, p + 1)));
                    }
                    self.pos = p + 1;
                }
                _ => {
                    // Go's parsePerlFlags: `i m s U`, one `-`, then `:` or `)`.
                    let mut p = self.pos + 1;
                    let mut negate = false;
                    let mut saw_flag = false;
                    let mut flags = self.flags;
                    let bad = |p: usize| {
                        err(
                            "invalid or unsupported Perl syntax",
                            &self.slice(start, p + 1),
                        )
                    };
                    loop {
                        match self.chars.get(p) {
                            Some('i') => flags.case_insensitive = !negate,
                            Some('m') => flags.multi_line = !negate,
                            Some('s') => flags.dot_nl = !negate,
                            Some('U') => {}
                            Some('-') if !negate => {
                                negate = true;
                                saw_flag = false;
                                p += 1;
                                continue;
                            }
                            Some(')') | Some(':') if negate && !saw_flag => return Err(bad(p)),
                            Some(')') => {
                                self.flags = flags;
                                self.pos = p + 1;
                                return Ok(None);
                            }
                            Some(':') => {
                                self.flags = flags;
                                self.pos = p + 1;
                                capture = false;
                                break;
                            }
                            None => return Err(err("missing closing )", self.src)),
                            Some(_) => return Err(bad(p)),
                        }
                        saw_flag = true;
                        p += 1;
                    }
                }
            }
        }
        Ok(Some(capture))
    }

    /// Parses what follows a `\` outside a class.
    fn parse_escape_atom(&mut self) -> Result<Ast, RegexError> {
        let start = self.pos.saturating_sub(1);
        let look = match self.peek() {
            Some('A') => Some(Look::StartText),
            Some('z') => Some(Look::EndText),
            Some('b') => Some(Look::WordBoundary),
            Some('B') => Some(Look::NotWordBoundary),
            _ => None,
        };
        if let Some(l) = look {
            self.pos += 1;
            return Ok(Ast::Look(l));
        }
        let mut class = self.parse_escape_class(start)?;
        class.fold = self.flags.case_insensitive;
        Ok(Ast::Class(class))
    }

    /// Parses an escape that stands for characters (`\d`, `\.`, `\x41`, `\pL`…); the cursor
    /// is on the character after `\`.
    fn parse_escape_class(&mut self, start: usize) -> Result<Class, RegexError> {
        const DIGIT: &[(char, char)] = &[('0', '9')];
        const SPACE: &[(char, char)] = &[('\t', '\n'), ('\u{c}', '\r'), (' ', ' ')];
        const WORD: &[(char, char)] = &[('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')];
        let Some(c) = self.peek() else {
            return Err(err("trailing backslash at end of expression", ""));
        };
        self.pos += 1;
        let single = |c: char| Ok(Class::of(&[(c, c)], false));
        match c {
            'd' => Ok(Class::of(DIGIT, false)),
            'D' => Ok(Class::of(DIGIT, true)),
            's' => Ok(Class::of(SPACE, false)),
            'S' => Ok(Class::of(SPACE, true)),
            'w' => Ok(Class::of(WORD, false)),
            'W' => Ok(Class::of(WORD, true)),
            'p' | 'P' => self.parse_unicode_class(start, c == 'P'),
            'a' => single('\u{7}'),
            'f' => single('\u{c}'),
            't' => single('\t'),
            'n' => single('\n'),
            'r' => single('\r'),
            'v' => single('\u{b}'),
            'x' => {
                let code = if self.peek() == Some('{') {
                    let s = self.pos + 1;
                    let mut p = s;
                    while self.chars.get(p).is_some_and(char::is_ascii_hexdigit) {
                        p += 1;
                    }
                    if self.chars.get(p) != Some(&'}') || p == s {
                        return Err(err("invalid escape sequence", &self.slice(start, p + 1)));
                    }
                    self.pos = p + 1;
                    u32::from_str_radix(&self.slice(s, p), 16).ok()
                } else {
                    let h = self.slice(self.pos, self.pos + 2);
                    if h.chars().count() != 2 || !h.chars().all(|c| c.is_ascii_hexdigit()) {
                        return Err(err(
                            "invalid escape sequence",
                            &self.slice(start, self.pos + 2),
                        ));
                    }
                    self.pos += 2;
                    u32::from_str_radix(&h, 16).ok()
                };
                match code.and_then(char::from_u32) {
                    Some(c) => single(c),
                    None => Err(err("invalid escape sequence", &self.slice(start, self.pos))),
                }
            }
            '0'..='7' => {
                // Octal: `\0`, `\012`; a lone `\1`-`\7` would be a backreference.
                if c != '0' && !self.peek().is_some_and(|d| ('0'..='7').contains(&d)) {
                    return Err(err("invalid escape sequence", &self.slice(start, self.pos)));
                }
                let mut v = c.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match self.peek().and_then(|d| d.to_digit(8)) {
                        Some(d) => {
                            v = v * 8 + d;
                            self.pos += 1;
                        }
                        None => break,
                    }
                }
                single(char::from_u32(v).unwrap_or('\0'))
            }
            c if c.is_ascii() && !c.is_ascii_alphanumeric() => single(c),
            _ => Err(err("invalid escape sequence", &self.slice(start, self.pos))),
        }
    }

    /// Parses `\pN`, `\p{Name}`, `\p{^Name}` after the `p`/`P` (Go's `parseUnicodeClass`).
    fn parse_unicode_class(
        &mut self,
        start: usize,
        mut negated: bool,
    ) -> Result<Class, RegexError> {
        let name = match self.peek() {
            Some('{') => {
                let s = self.pos + 1;
                let mut p = s;
                while self.chars.get(p).is_some_and(|&c| c != '}') {
                    p += 1;
                }
                if p >= self.chars.len() {
                    return Err(err("invalid character class range", &self.slice(start, p)));
                }
                self.pos = p + 1;
                self.slice(s, p)
            }
            Some(c) => {
                self.pos += 1;
                c.to_string()
            }
            None => {
                return Err(err(
                    "invalid character class range",
                    &self.slice(start, self.pos),
                ));
            }
        };
        let name = match name.strip_prefix('^') {
            Some(n) => {
                negated = !negated;
                n.to_owned()
            }
            None => name,
        };
        let rust = if name == "Any" || CATEGORIES.contains(&name.as_str()) {
            name
        } else if name.starts_with(|c: char| c.is_ascii_uppercase())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && ::regex::Regex::new(&format!(r"\p{{sc={name}}}")).is_ok()
        {
            format!("sc={name}")
        } else {
            return Err(err(
                "invalid character class range",
                &self.slice(start, self.pos),
            ));
        };
        Ok(Class {
            unicode: vec![(rust, negated)],
            ..Class::default()
        })
    }

    /// Parses a bracketed class; the cursor is after `[`.
    fn parse_class(&mut self) -> Result<Class, RegexError> {
        let start = self.pos.saturating_sub(1);
        let mut class = Class {
            fold: self.flags.case_insensitive,
            ..Class::default()
        };
        if self.peek() == Some('^') {
            class.negated = true;
            self.pos += 1;
        }
        let mut first = true;
        loop {
            let Some(c) = self.peek() else {
                return Err(err("missing closing ]", &self.slice(start, self.pos)));
            };
            if c == ']' && !first {
                self.pos += 1;
                break;
            }
            first = false;
            if c == '['
                && self.peek_at(1) == Some(':')
                && let Some(posix) = self.parse_posix()?
            {
                class.add(posix);
                continue;
            }
            let item_start = self.pos;
            let lo = match self.class_char(start)? {
                ClassItem::Set(set) => {
                    class.add(set);
                    continue;
                }
                ClassItem::Char(c) => c,
            };
            if self.peek() == Some('-') && self.peek_at(1).is_some_and(|c| c != ']') {
                self.pos += 1;
                let hi = match self.class_char(start)? {
                    ClassItem::Char(c) => c,
                    ClassItem::Set(_) => {
                        return Err(err(
                            "invalid character class range",
                            &self.slice(item_start, self.pos),
                        ));
                    }
                };
                if hi < lo {
                    return Err(err(
                        "invalid character class range",
                        &self.slice(item_start, self.pos),
                    ));
                }
                class.ranges.push((lo, hi));
            } else {
                class.ranges.push((lo, lo));
            }
        }
        Ok(class)
    }

    /// Parses `[:alpha:]` or `[:^alpha:]`; `None` if no `:]` follows (then `[` is a literal).
    fn parse_posix(&mut self) -> Result<Option<Class>, RegexError> {
        let rest: String = self.slice(self.pos, self.chars.len());
        // `rest` starts with `[:`; the name runs to the next `:]`.
        let Some(end) = rest.get(2..).and_then(|r| r.find(":]")).map(|e| e + 2) else {
            return Ok(None);
        };
        let body = rest.get(2..end).unwrap_or("");
        let (negated, name) = match body.strip_prefix('^') {
            Some(n) => (true, n),
            None => (false, body),
        };
        let ranges: &[(char, char)] = match name {
            "alnum" => &[('0', '9'), ('A', 'Z'), ('a', 'z')],
            "alpha" => &[('A', 'Z'), ('a', 'z')],
            "ascii" => &[('\0', '\u{7f}')],
            "blank" => &[('\t', '\t'), (' ', ' ')],
            "cntrl" => &[('\0', '\u{1f}'), ('\u{7f}', '\u{7f}')],
            "digit" => &[('0', '9')],
            "graph" => &[('!', '~')],
            "lower" => &[('a', 'z')],
            "print" => &[(' ', '~')],
            "punct" => &[('!', '/'), (':', '@'), ('[', '`'), ('{', '~')],
            "space" => &[('\t', '\r'), (' ', ' ')],
            "upper" => &[('A', 'Z')],
            "word" => &[('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')],
            "xdigit" => &[('0', '9'), ('A', 'F'), ('a', 'f')],
            _ => {
                let frag = rest.get(..end + 2).unwrap_or(&rest);
                return Err(err("invalid character class range", frag));
            }
        };
        self.pos += rest.get(..end + 2).unwrap_or(&rest).chars().count();
        Ok(Some(Class::of(ranges, negated)))
    }

    fn class_char(&mut self, start: usize) -> Result<ClassItem, RegexError> {
        let Some(c) = self.peek() else {
            return Err(err("missing closing ]", &self.slice(start, self.pos)));
        };
        self.pos += 1;
        if c != '\\' {
            return Ok(ClassItem::Char(c));
        }
        let class = self.parse_escape_class(self.pos - 1)?;
        if let [(a, b)] = class.ranges.as_slice()
            && !class.negated
            && a == b
            && class.unicode.is_empty()
        {
            return Ok(ClassItem::Char(*a));
        }
        Ok(ClassItem::Set(class))
    }
}

enum ClassItem {
    Char(char),
    Set(Class),
}

fn negate(ranges: &[(char, char)]) -> Vec<(char, char)> {
    let mut sorted = ranges.to_vec();
    sorted.sort_unstable();
    let mut out = Vec::new();
    let mut next: u32 = 0;
    for (a, b) in sorted {
        if (a as u32) > next {
            push_range(&mut out, next, a as u32 - 1);
        }
        next = next.max(b as u32 + 1);
    }
    if next <= char::MAX as u32 {
        push_range(&mut out, next, char::MAX as u32);
    }
    out
}

/// Pushes `lo..=hi`, skipping the surrogate gap that `char` cannot hold.
fn push_range(out: &mut Vec<(char, char)>, lo: u32, hi: u32) {
    let pieces = [(lo, hi.min(0xD7FF)), (lo.max(0xE000), hi)];
    for (a, b) in pieces {
        if a <= b
            && let (Some(a), Some(b)) = (char::from_u32(a), char::from_u32(b))
        {
            out.push((a, b));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Anchored patterns, literal or not, give what the automaton gives for `^(?:p)$`.
    #[test]
    fn anchored_literals_match_like_the_automaton() {
        let cases: &[(&str, &[&str])] = &[
            ("web", &["web", "web2", "xweb", "", "Web"]),
            ("my-app_1 x", &["my-app_1 x", "my-app_1 xx"]),
            ("wéb", &["wéb", "web"]),
            ("a.b", &["a.b", "axb", "a.bc"]),
            ("d.*", &["deploy", "x"]),
        ];
        for (pattern, texts) in cases {
            let fast = anchored(pattern).unwrap().unwrap();
            let slow = GoRegex::new(&format!("^(?:{pattern})$")).unwrap();
            assert_eq!(
                fast.literal.is_some(),
                !pattern.contains(['.', '*']),
                "{pattern}"
            );
            for text in *texts {
                assert_eq!(
                    fast.is_match(text),
                    slow.is_match(text),
                    "{pattern} on {text}"
                );
            }
        }
        assert!(anchored("").unwrap().is_none());
    }

    #[test]
    fn matches_like_go() {
        // (pattern, text, Go's regexp.MatchString)
        let cases: &[(&str, &str, bool)] = &[
            ("abc", "xabcx", true),
            ("^abc$", "abc", true),
            ("^abc$", "abcd", false),
            ("^(?:d.*2)$", "deploy2", true),
            ("^(?:d.*2)$", "deploy3", false),
            ("a|b", "b", true),
            ("^(?:a|bc)$", "bc", true),
            ("^(?:a|bc)$", "ac", false),
            ("colou?r", "color", true),
            ("^a{2,3}$", "aaa", true),
            ("^a{2,3}$", "aaaa", false),
            ("^a{2}$", "aa", true),
            ("^a{2,}$", "aaaaa", true),
            ("^[a-c]+$", "abcab", true),
            ("^[^a-c]+$", "xyz", true),
            ("^[^a-c]+$", "xaz", false),
            ("^[^a]$", "\n", true),
            (r"^\d+\.\d+$", "1.14", true),
            (r"^\d$", "٣", false),
            (r"^\w+$", "a_b9", true),
            (r"^\w$", "é", false),
            (r"\bfoo\b", "a foo b", true),
            (r"\bfoo\b", "afoob", false),
            (r"\Bé", "aé", false),
            (r"a\Bb", "ab", true),
            ("(?i)^abc$", "AbC", true),
            ("^(?i:a)b$", "Ab", true),
            ("^(?i:a)b$", "AB", false),
            ("(?i)^[^a]$", "A", false),
            ("(?i)k", "\u{212a}", true),
            ("^[[:digit:]]+$", "123", true),
            ("^[[:^digit:]]+$", "abc", true),
            ("^.$", "\n", false),
            ("(?s)^.$", "\n", true),
            ("(?m)^b$", "a\nb\nc", true),
            ("^b$", "a\nb\nc", false),
            ("^$", "", true),
            ("", "anything", true),
            ("x*", "", true),
            ("^(a*)*$", "aaaa", true),
            ("^(a|a)*b$", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaac", false),
            ("^é+$", "éé", true),
            (r"\Qa.b\E", "a.b", true),
            (r"\Qa.b\E", "axb", false),
            (r"^\Qab\E+$", "abbb", true),
            ("(?P<n>x)(?P<m>y)", "xy", true),
            ("(?<n>x)", "x", true),
            (r"^\x41\x{42}\101$", "ABA", true),
            (r"^\<a\>$", "<a>", true),
            (r"^\pL+$", "héllo", true),
            (r"^\p{Greek}+$", "αβ", true),
            (r"^\P{Greek}+$", "αβ", false),
            (r"^\p{^Greek}$", "a", true),
            (r"^[\p{Lu}\d]+$", "A1", true),
            // `{` that does not form a repetition is a literal.
            ("a{", "a{", true),
            ("^x{$", "x{", true),
            ("^a{,3}$", "a{,3}", true),
            ("^{foo}$", "{foo}", true),
            (r"^\${NAME}$", "${NAME}", true),
            (r"^\$\{NAME\}$", "${NAME}", true),
            ("^a{01}$", "a{01}", true),
            ("^a{1,2x}$", "a{1,2x}", true),
            ("^{$", "{", true),
            ("^{*$", "{{{", true),
            ("^a{2}{$", "aa{", true),
            // Classes: `[` literal, no set operations.
            ("^[[]$", "[", true),
            ("^[a&&b]+$", "&", true),
            ("^[!--]$", ",", true),
            ("^[]a]$", "]", true),
            ("^[a-]$", "-", true),
            // A repetition after a flag group applies to the atom before it.
            ("^a(?i)*$", "aaa", true),
            // Groups keep precedence though they add no parentheses of their own.
            ("^(a|bc)d$", "bcd", true),
            ("^(a|bc)d$", "ad", true),
            ("^(a|bc)d$", "abcd", false),
            ("^x(a|b)*y$", "xababy", true),
            ("^(ab)+$", "abab", true),
            ("^(ab)+$", "aba", false),
            ("^((a))b{2}$", "abb", true),
            ("^(?:a|(b|c)d)e$", "cde", true),
            ("^(?:a|(b|c)d)e$", "ce", false),
            ("^(a{1000}){0}$", "", true),
        ];
        for (pat, text, want) in cases {
            let re = GoRegex::new(pat).unwrap_or_else(|e| panic!("{pat}: {e:?}"));
            assert_eq!(re.is_match(text), *want, "{pat} on {text:?}");
        }
    }

    #[test]
    fn errors_like_go() {
        // Messages from Go 1.22's regexp.Compile.
        let cases: &[(&str, &str)] = &[
            ("^(?:(d)$", "missing closing ): `^(?:(d)$`"),
            ("a)", "unexpected ): `a)`"),
            ("[a", "missing closing ]: `[a`"),
            ("x[a", "missing closing ]: `[a`"),
            ("[z-a]", "invalid character class range: `z-a`"),
            ("[a--]", "invalid character class range: `a--`"),
            ("[[:foo:]]", "invalid character class range: `[:foo:]`"),
            (r"\p{Foo}", r"invalid character class range: `\p{Foo}`"),
            ("*a", "missing argument to repetition operator: `*`"),
            ("(*a)", "missing argument to repetition operator: `*`"),
            ("a|*", "missing argument to repetition operator: `*`"),
            ("a**", "invalid nested repetition operator: `**`"),
            ("a*?+", "invalid nested repetition operator: `*?+`"),
            ("a{2}{3}", "invalid nested repetition operator: `{2}{3}`"),
            ("a{1001}", "invalid repeat count: `{1001}`"),
            ("a{2,1}", "invalid repeat count: `{2,1}`"),
            ("(a{1000}){1000}", "invalid repeat count: `{1000}`"),
            (r"\q", r"invalid escape sequence: `\q`"),
            (r"\1", r"invalid escape sequence: `\1`"),
            (r"\Z", r"invalid escape sequence: `\Z`"),
            (r"[\b]", r"invalid escape sequence: `\b`"),
            ("a\\", "trailing backslash at end of expression: ``"),
            ("(?x)a", "invalid or unsupported Perl syntax: `(?x`"),
            ("(?i-)a", "invalid or unsupported Perl syntax: `(?i-)`"),
            ("(?P<a-b>x)", "invalid named capture: `(?P<a-b>`"),
        ];
        for (pat, want) in cases {
            let e = GoRegex::new(pat).expect_err(pat);
            assert_eq!(e.0, format!("error parsing regexp: {want}"), "{pat}");
        }
    }

    #[test]
    fn hostile_patterns_fail_cleanly() {
        let deep = "(".repeat(1001) + &")".repeat(1001);
        for pat in [
            "[[:]",
            "[[:",
            "(((((",
            "a{1000}{1000}",
            "[\\",
            deep.as_str(),
        ] {
            // Errors or matches, but never panics.
            let _ = GoRegex::new(pat).map(|re| re.is_match("aaaa"));
        }
        assert!(GoRegex::new(&deep).is_err());
        let ok = "(".repeat(1000) + &")".repeat(1000);
        assert!(GoRegex::new(&ok).is_ok());
        // Nested repetitions compile and match; past the `regex` crate's stack guard they
        // fail cleanly (Go accepts them up to its height limit).
        let stars = |n: usize| "(a*".repeat(n) + &")*".repeat(n);
        assert!(GoRegex::new(&stars(60)).unwrap().is_match("aaa"));
        assert_eq!(
            GoRegex::new(&stars(300)).unwrap_err().0,
            format!(
                "error parsing regexp: expression nests too deeply: `{}`",
                stars(300)
            )
        );
        // Linear time: a classic exponential-backtracking pattern on a long input.
        let long = "a".repeat(5000);
        assert!(!GoRegex::new("^(a|aa)*$b").unwrap().is_match(&long));
    }

    #[test]
    fn id_patterns_match_by_equality_or_anchored_regex() {
        let cases: &[(&str, &str, bool)] = &[
            ("", "anything", true),
            ("web", "web", true),
            ("web", "web2", false),
            ("$(profile-name)", "$(profile-name)", true),
            ("$(profile-name)", "profile-name", false),
            ("app-.*", "app-web", true),
            ("a.c", "abc", true),
        ];
        for (pat, value, want) in cases {
            let p = IdPattern::new(pat).unwrap();
            assert_eq!(p.matches(value), *want, "{pat} on {value}");
        }
        assert!(IdPattern::new("a(").is_err());
    }

    #[test]
    fn quote_meta_escapes_go_metacharacters() {
        let q = quote_meta("a.b[c]{d}$(e)");
        assert_eq!(q, r"a\.b\[c\]\{d\}\$\(e\)");
        assert!(
            GoRegex::new(&format!("^{q}$"))
                .unwrap()
                .is_match("a.b[c]{d}$(e)")
        );
    }
}
