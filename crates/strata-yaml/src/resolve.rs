//! Scalar typing: what a scalar's text means, as go-yaml v3 (input) reads it.
//!
//! kustomize reads resources with go-yaml v3 and, when it prints them, decodes every scalar
//! into a Go value (`map[string]interface{}` via kyaml's `RNode.MarshalJSON`). [`resolve`] and
//! [`try_resolve`] reproduce that decoding: plain scalars are typed by their text, quoted and
//! block scalars are strings unless tagged, and the tags `!!str` `!!int` `!!float` `!!bool`
//! `!!null` `!!binary` `!!timestamp` are honoured (any other tag leaves the text a string).
//! Unquoted timestamps come out as the RFC 3339 text Go's `time.Time` marshals to JSON.
//!
//! JSON 6902 patch bodies are read by go-yaml v2 (YAML 1.1) instead: [`resolve_yaml11`] types
//! `yes`/`on`/`y` as booleans and leaves timestamps as their text. The same YAML 1.1 rules decide
//! how the printer quotes a string ([`is_plain_string_yaml11`]).
//!
//! Every rule here mirrors go-yaml's `resolve.go` (v3.0.1 and the v2 fork in
//! `sigs.k8s.io/yaml` v1.4.0) and Go's `time.Parse`; Go's `strconv` comes from `crate::go`.
//! The tests at the bottom hold the oracle's answers (kustomize v5.5 and v5.6).
//!
//! This module knows only the node model ([`super::node`]) and `crate::go`.

use std::borrow::Cow;
use std::fmt;

use crate::go;
use crate::node::Scalar;

/// The Go value go-yaml decodes a scalar into (what `encoding/json` later sees).
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    /// `null`, `~`, empty, or anything tagged `!!null` that resolves to null.
    Null,
    /// `true` / `false` (YAML 1.2 spellings only under v3).
    Bool(bool),
    /// An integer that fits `int64`.
    Int(i64),
    /// An integer above `i64::MAX` that fits `uint64`.
    UInt(u64),
    /// A float, including integers too large for `uint64`; may be infinite or NaN.
    Float(f64),
    /// A string: the text itself, a decoded `!!binary`, or a timestamp's RFC 3339 form.
    Str(Cow<'a, str>),
}

/// Why a scalar cannot be turned into a value kustomize can print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResolveError {
    /// go-yaml refuses to decode it, e.g. `` cannot decode !!str `abc` as a !!int `` or
    /// `!!binary value contains invalid base64 data`.
    Decode(String),
    /// It decodes, but `encoding/json` refuses to marshal the result: a timestamp whose zone
    /// offset is 24 hours or more.
    Marshal(String),
}

impl ResolveError {
    /// Returns the message, worded as Go words it.
    pub fn message(&self) -> &str {
        match self {
            ResolveError::Decode(m) | ResolveError::Marshal(m) => m,
        }
    }
}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for ResolveError {}

/// The type go-yaml v3 assigns to a scalar node (its `Node.ShortTag()`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tag<'a> {
    /// `!!str`.
    Str,
    /// `!!int`.
    Int,
    /// `!!float`.
    Float,
    /// `!!bool`.
    Bool,
    /// `!!null`.
    Null,
    /// `!!timestamp`.
    Timestamp,
    /// `!!binary`.
    Binary,
    /// `!!merge` (the plain key `<<`).
    Merge,
    /// Any other tag, as written (`!foo`, `!!set`).
    Other(&'a str),
}

impl<'a> Tag<'a> {
    /// Returns the tag in short form, as go-yaml prints it in messages (`!!int`).
    pub const fn as_str(&self) -> &'a str {
        match self {
            Tag::Str => "!!str",
            Tag::Int => "!!int",
            Tag::Float => "!!float",
            Tag::Bool => "!!bool",
            Tag::Null => "!!null",
            Tag::Timestamp => "!!timestamp",
            Tag::Binary => "!!binary",
            Tag::Merge => "!!merge",
            Tag::Other(t) => t,
        }
    }
}

/// Returns the value go-yaml v3 decodes `s` into, as kustomize reads resources.
///
/// A scalar go-yaml refuses (see [`try_resolve`]) is returned as its text, a string.
pub fn resolve(s: &Scalar) -> Value<'_> {
    try_resolve(s).unwrap_or(Value::Str(Cow::Borrowed(&s.text)))
}

/// Returns the value go-yaml v3 decodes `s` into, or why it cannot.
///
/// Fails for tagged scalars whose text does not fit the tag (`!!int abc`, `!!bool yes`,
/// `!!null x`, `!!int 1.5`, `!!float 18446744073709551615`), for `!!binary` text that is not
/// padded standard base64 (line breaks are skipped), and for timestamps whose zone offset
/// `encoding/json` cannot write (`+24:00`).
pub fn try_resolve(s: &Scalar) -> Result<Value<'_>, ResolveError> {
    resolve_as(s, Spec::V3)
}

/// Returns the value go-yaml v2 (YAML 1.1) decodes `s` into, as kustomize reads JSON 6902
/// patch bodies: `yes` `on` `y` (and `no` `off` `n`, in three casings) are booleans and
/// timestamps stay their text (`2024-01-15` is the string `"2024-01-15"`).
///
/// A scalar go-yaml refuses (see [`try_resolve_yaml11`]) is returned as its text.
pub fn resolve_yaml11(s: &Scalar) -> Value<'_> {
    try_resolve_yaml11(s).unwrap_or(Value::Str(Cow::Borrowed(&s.text)))
}

/// Returns the value go-yaml v2 decodes `s` into, or why it cannot (same failures as
/// [`try_resolve`], but no timestamp is ever converted).
pub fn try_resolve_yaml11(s: &Scalar) -> Result<Value<'_>, ResolveError> {
    resolve_as(s, Spec::V2)
}

/// Returns the type go-yaml v3 gives `s` (`Node.ShortTag()`): the tag if one was written, else
/// `!!str` for quoted and block scalars, else the type of the plain text.
///
/// kustomize decodes a mapping into `map[string]interface{}` only if every key's tag is
/// `!!str` (or `!!merge`); a mapping with any other key cannot be printed.
pub fn tag(s: &Scalar) -> Tag<'_> {
    match s.tag.as_deref() {
        Some(t) if t != "!" => classify_tag(t),
        _ if s.style.is_quoted() => Tag::Str,
        // go-yaml v3's parser tags a plain `<<` as a merge key (parserc.go `scalar`).
        _ if s.text == "<<" => Tag::Merge,
        _ => plain_tag(&s.text),
    }
}

/// Returns the type go-yaml v3 gives plain, untagged `text` (its `resolve("", text)`): never
/// [`Tag::Merge`] or [`Tag::Other`], since only the parser, not `resolve`, tags a plain `<<`
/// `!!merge` (see [`tag`]).
pub fn plain_tag(text: &str) -> Tag<'static> {
    match resolve_plain(text, Spec::V3, None) {
        Plain::Null => Tag::Null,
        Plain::Bool(_) => Tag::Bool,
        Plain::Int(_) | Plain::UInt(_) => Tag::Int,
        Plain::Float(_) => Tag::Float,
        Plain::Timestamp(_) => Tag::Timestamp,
        Plain::Str => Tag::Str,
    }
}

/// Returns true if go-yaml v3 types `s` as a string (its tag is `!!str`): quoted and block
/// scalars, `!!str`-tagged ones, and plain text that is no null, bool, number or timestamp.
///
/// A scalar with a local tag (`!foo 80`) is not a string by this test, although it decodes to
/// one; a timestamp is not one either, although it prints as one.
pub fn is_string(s: &Scalar) -> bool {
    tag(s) == Tag::Str
}

/// Returns true if go-yaml v2 would read `text`, written unquoted, back as a string and it is
/// not a YAML 1.1 base-60 number (`1:20`): the test yaml.v2's encoder applies before it lets a
/// string be plain (`encode.go` `stringv`). `"yes"`, `"1.0"`, `"2024-01-15"`, `""` and `"~"`
/// fail it and are printed double-quoted.
pub fn is_plain_string_yaml11(text: &str) -> bool {
    resolve_plain(text, Spec::V2, None) == Plain::Str && !is_base60_float(text)
}

/// Returns true if `text` is one of the YAML 1.1 booleans go-yaml v2 knows and v3 reads as a
/// string: `y` `yes` `on` `n` `no` `off` (in three casings; one letter in two). kyaml's
/// `IsYaml1_1NonString` (kyaml/yaml/compatibility.go) quotes such strings when a
/// `FieldSetter` writes them.
pub fn is_yaml11_only_bool(text: &str) -> bool {
    matches!(lookup_map(text, Spec::V2), Some(Plain::Bool(_)))
        && lookup_map(text, Spec::V3).is_none()
}

/// Which go-yaml's rules apply.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Spec {
    /// go-yaml v3 (YAML 1.2 core schema with 1.1 leftovers such as `017`).
    V3,
    /// go-yaml v2 (YAML 1.1 booleans, timestamps kept as text).
    V2,
}

/// What `resolve("", text)` found in plain text.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Plain {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Timestamp(Timestamp),
    Str,
}

impl Plain {
    /// The short tag go-yaml reports for this result.
    fn tag(&self) -> &'static str {
        match self {
            Plain::Null => "!!null",
            Plain::Bool(_) => "!!bool",
            Plain::Int(_) | Plain::UInt(_) => "!!int",
            Plain::Float(_) => "!!float",
            Plain::Timestamp(_) => "!!timestamp",
            Plain::Str => "!!str",
        }
    }
}

/// The tags `resolve` can check text against (go-yaml's `resolvableTag`, plus `!!null`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    Int,
    Float,
    Bool,
    Null,
    Timestamp,
}

/// Classifies a written tag: `!!x`, `tag:yaml.org,2002:x` and `!<tag:yaml.org,2002:x>` name
/// the same core type.
fn classify_tag(t: &str) -> Tag<'_> {
    let name = t
        .strip_prefix("!!")
        .or_else(|| t.strip_prefix("tag:yaml.org,2002:"))
        .or_else(|| {
            t.strip_prefix("!<tag:yaml.org,2002:")
                .and_then(|r| r.strip_suffix('>'))
        });
    match name {
        Some("str") => Tag::Str,
        Some("int") => Tag::Int,
        Some("float") => Tag::Float,
        Some("bool") => Tag::Bool,
        Some("null") => Tag::Null,
        Some("timestamp") => Tag::Timestamp,
        Some("binary") => Tag::Binary,
        Some("merge") => Tag::Merge,
        _ => Tag::Other(t),
    }
}

/// The shared body of [`try_resolve`] and [`try_resolve_yaml11`]: go-yaml's `decoder.scalar`
/// for a scalar decoded into `interface{}`.
fn resolve_as(s: &Scalar, spec: Spec) -> Result<Value<'_>, ResolveError> {
    let text = s.text.as_str();
    // go-yaml v2 reads the non-specific tag `!` as "string" (a JSON 6902 value `! 80` is
    // "80" in kustomize); v3 treats it as no tag at all.
    if s.tag.as_deref() == Some("!") && matches!(spec, Spec::V2) {
        return Ok(Value::Str(Cow::Borrowed(text)));
    }
    let written = match s.tag.as_deref() {
        Some(t) if t != "!" => Some(classify_tag(t)),
        _ => None,
    };
    let want = match written {
        None if s.style.is_quoted() => return Ok(Value::Str(Cow::Borrowed(text))),
        None => None,
        Some(Tag::Str) => return Ok(Value::Str(Cow::Borrowed(text))),
        Some(Tag::Binary) => return decode_binary(text).map(|s| Value::Str(Cow::Owned(s))),
        Some(Tag::Int) => Some(Want::Int),
        Some(Tag::Float) => Some(Want::Float),
        Some(Tag::Bool) => Some(Want::Bool),
        Some(Tag::Null) => Some(Want::Null),
        Some(Tag::Timestamp) => Some(Want::Timestamp),
        // Tags go-yaml cannot resolve leave the text a string (`!foo 80` is "80").
        Some(Tag::Merge | Tag::Other(_)) => return Ok(Value::Str(Cow::Borrowed(text))),
    };
    let found = resolve_plain(text, spec, want);
    // go-yaml's deferred check in `resolve`: the text must resolve to the tag asked for,
    // except that an int is accepted (and converted) as a float.
    let found = match (want, found) {
        (None, f) => f,
        (Some(Want::Int), f @ (Plain::Int(_) | Plain::UInt(_))) => f,
        (Some(Want::Float), f @ Plain::Float(_)) => f,
        // Only `int`-sized values convert; a uint64 does not (the oracle refuses
        // `!!float 18446744073709551615`).
        (Some(Want::Float), Plain::Int(i)) => Plain::Float(i as f64),
        (Some(Want::Bool), f @ Plain::Bool(_)) => f,
        (Some(Want::Null), f @ Plain::Null) => f,
        (Some(Want::Timestamp), f @ Plain::Timestamp(_)) => f,
        (Some(w), f) => {
            let want_tag = match w {
                Want::Int => "!!int",
                Want::Float => "!!float",
                Want::Bool => "!!bool",
                Want::Null => "!!null",
                Want::Timestamp => "!!timestamp",
            };
            return Err(ResolveError::Decode(format!(
                "cannot decode {} `{}` as a {}",
                f.tag(),
                text,
                want_tag
            )));
        }
    };
    Ok(match found {
        Plain::Null => Value::Null,
        Plain::Bool(b) => Value::Bool(b),
        Plain::Int(i) => Value::Int(i),
        Plain::UInt(u) => Value::UInt(u),
        Plain::Float(f) => Value::Float(f),
        Plain::Timestamp(t) => match spec {
            Spec::V3 => Value::Str(Cow::Owned(t.to_rfc3339()?)),
            // v2 keeps timestamps decoded into interface{} as their text (decode.go: "for
            // backward compatibility reasons we set it as a string").
            Spec::V2 => Value::Str(Cow::Borrowed(text)),
        },
        Plain::Str => Value::Str(Cow::Borrowed(text)),
    })
}

/// go-yaml's `resolve(tag, in)` for plain text: the first byte picks what to try.
///
/// `want` is the tag written on the scalar, if any; timestamps are only tried without a tag or
/// with `!!timestamp`.
fn resolve_plain(text: &str, spec: Spec, want: Option<Want>) -> Plain {
    let bytes = text.as_bytes();
    let Some(&first) = bytes.first() else {
        return Plain::Null;
    };
    // go-yaml's `resolveTable`: 'S' sign, 'D' digit, 'M' in the map, '.' float; 0 = string.
    let hint = match first {
        b'+' | b'-' => b'S',
        b'0'..=b'9' => b'D',
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => b'M',
        b'.' => b'.',
        _ => return Plain::Str,
    };
    if let Some(p) = lookup_map(text, spec) {
        return p;
    }
    match hint {
        b'.' => match go::parse_float(text) {
            Some(f) => Plain::Float(f),
            None => Plain::Str,
        },
        b'D' | b'S' => resolve_number(text, spec, want),
        _ => Plain::Str,
    }
}

/// go-yaml's `resolveMap`: exact spellings of nulls, booleans, infinities and NaN.
fn lookup_map(text: &str, spec: Spec) -> Option<Plain> {
    let p = match text {
        "~" | "null" | "Null" | "NULL" => Plain::Null,
        "true" | "True" | "TRUE" => Plain::Bool(true),
        "false" | "False" | "FALSE" => Plain::Bool(false),
        ".nan" | ".NaN" | ".NAN" => Plain::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Plain::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Plain::Float(f64::NEG_INFINITY),
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" if spec == Spec::V2 => {
            Plain::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" if spec == Spec::V2 => {
            Plain::Bool(false)
        }
        _ => return None,
    };
    Some(p)
}

/// The digit/sign branch of go-yaml's `resolve`: timestamp, then Go base-0 integers with `_`
/// removed (`017` octal, `0o17`, `0x1F`, `0b101`), then uint64, then YAML-style floats, then
/// the `0b`/`-0b` (and, in v3 only, `0o`/`-0o`) fallbacks that accept a sign after the prefix.
fn resolve_number(text: &str, spec: Spec, want: Option<Want>) -> Plain {
    if matches!(want, None | Some(Want::Timestamp))
        && let Some(t) = parse_timestamp(text)
    {
        return Plain::Timestamp(t);
    }
    let plain: Cow<'_, str> = if text.contains('_') {
        Cow::Owned(text.replace('_', ""))
    } else {
        Cow::Borrowed(text)
    };
    let plain = plain.as_ref();
    if let Some(i) = go::parse_int(plain, 0) {
        return Plain::Int(i);
    }
    if let Some(u) = go::parse_uint(plain, 0) {
        return Plain::UInt(u);
    }
    if is_yaml_style_float(plain)
        && let Some(f) = go::parse_float(plain)
    {
        return Plain::Float(f);
    }
    let prefixed = |prefix: &str, base: u32| -> Option<Plain> {
        if let Some(rest) = plain.strip_prefix(prefix) {
            if let Some(i) = go::parse_int(rest, base) {
                return Some(Plain::Int(i));
            }
            if let Some(u) = go::parse_uint(rest, base) {
                return Some(Plain::UInt(u));
            }
        } else if let Some(rest) = plain.strip_prefix('-').and_then(|r| r.strip_prefix(prefix)) {
            let neg = format!("-{rest}");
            if let Some(i) = go::parse_int(&neg, base) {
                return Some(Plain::Int(i));
            }
        }
        None
    };
    if let Some(p) = prefixed("0b", 2) {
        return p;
    }
    if spec == Spec::V3
        && let Some(p) = prefixed("0o", 8)
    {
        return p;
    }
    Plain::Str
}

/// go-yaml's `yamlStyleFloat`: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// go-yaml v2's `isBase60Float`: `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    if !b.contains(&b':') {
        return false;
    }
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    i += 1;
    while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        // `[0-5]?[0-9]`: one digit, or two with the first in 0-5 (backtracking picks the
        // longer match only when it can continue, which two digits always can here).
        let d1 = b.get(i + 1).copied().filter(u8::is_ascii_digit);
        let d2 = b.get(i + 2).copied().filter(u8::is_ascii_digit);
        match (d1, d2) {
            (Some(a), Some(_)) if a <= b'5' => i += 3,
            (Some(_), _) => i += 2,
            (None, _) => return false,
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// A timestamp as Go's `time.Parse` read it: wall-clock fields and the zone offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Timestamp {
    year: u32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    nanos: u32,
    /// Seconds east of UTC (0 for `Z` and for the zone-less layouts).
    offset: i32,
}

impl Timestamp {
    /// Formats the timestamp as `time.Time.MarshalJSON` does (RFC 3339 with nanoseconds,
    /// trailing zeros trimmed, `Z` for a zero offset), failing like it does for an offset of
    /// 24 hours or more.
    fn to_rfc3339(self) -> Result<String, ResolveError> {
        let mut s = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        );
        if self.nanos != 0 {
            let frac = format!("{:09}", self.nanos);
            s.push('.');
            s.push_str(frac.trim_end_matches('0'));
        }
        if self.offset == 0 {
            s.push('Z');
        } else {
            let minutes = self.offset.unsigned_abs() / 60;
            if minutes / 60 >= 24 {
                return Err(ResolveError::Marshal(
                    "json: error calling MarshalJSON for type time.Time: Time.MarshalJSON: \
                     timezone hour outside of range [0,23]"
                        .to_string(),
                ));
            }
            s.push(if self.offset < 0 { '-' } else { '+' });
            s.push_str(&format!("{:02}:{:02}", minutes / 60, minutes % 60));
        }
        Ok(s)
    }
}

/// go-yaml's `parseTimestamp`: text starting `YYYY-` parsed with Go's `time.Parse` against
/// `2006-1-2T15:4:5.999999999Z07:00`, the same with `t`, `2006-1-2 15:4:5.999999999` and
/// `2006-1-2`, in that order.
fn parse_timestamp(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    let lead = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if lead != 4 || b.get(4) != Some(&b'-') {
        return None;
    }
    let (year, month, day, rest) = parse_date(b)?;
    let ts = if rest.is_empty() {
        Timestamp {
            year,
            month,
            day,
            hour: 0,
            minute: 0,
            second: 0,
            nanos: 0,
            offset: 0,
        }
    } else {
        let (zoned, rest) = match rest[0] {
            b'T' | b't' => (true, &rest[1..]),
            // Go's layout space matches one or more spaces.
            b' ' => (false, trim_spaces(rest)),
            _ => return None,
        };
        let (hour, minute, second, nanos, rest) = parse_clock(rest)?;
        let (offset, rest) = if zoned { parse_zone(rest)? } else { (0, rest) };
        if !rest.is_empty() {
            return None;
        }
        Timestamp {
            year,
            month,
            day,
            hour,
            minute,
            second,
            nanos,
            offset,
        }
    };
    let leap = ts.year % 4 == 0 && (ts.year % 100 != 0 || ts.year % 400 == 0);
    let days = match ts.month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    (ts.day >= 1 && ts.day <= days).then_some(ts)
}

/// Skips leading spaces.
fn trim_spaces(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|&&c| c == b' ').count();
    &b[n..]
}

/// Go's `getnum(s, false)`: one or two digits.
fn get_num(b: &[u8]) -> Option<(u32, &[u8])> {
    let d0 = b.first().filter(|c| c.is_ascii_digit())?;
    match b.get(1).filter(|c| c.is_ascii_digit()) {
        Some(d1) => Some((u32::from(d0 - b'0') * 10 + u32::from(d1 - b'0'), &b[2..])),
        None => Some((u32::from(d0 - b'0'), &b[1..])),
    }
}

/// Parses `YYYY-M-D` (month and day one or two digits, month 1–12).
fn parse_date(b: &[u8]) -> Option<(u32, u32, u32, &[u8])> {
    let year = b
        .get(..4)?
        .iter()
        .fold(0u32, |n, c| n * 10 + u32::from(c.wrapping_sub(b'0')));
    let rest = b.get(4..)?.strip_prefix(b"-")?;
    let (month, rest) = get_num(rest)?;
    let rest = rest.strip_prefix(b"-")?;
    let (day, rest) = get_num(rest)?;
    (1..=12)
        .contains(&month)
        .then_some((year, month, day, rest))
}

/// Parses `h:m:s` (one or two digits each, in range) and an optional fraction (`.` or `,`
/// then digits; Go keeps the first nine).
fn parse_clock(b: &[u8]) -> Option<(u32, u32, u32, u32, &[u8])> {
    let (hour, rest) = get_num(b)?;
    let rest = rest.strip_prefix(b":")?;
    let (minute, rest) = get_num(rest)?;
    let rest = rest.strip_prefix(b":")?;
    let (second, mut rest) = get_num(rest)?;
    if hour >= 24 || minute >= 60 || second >= 60 {
        return None;
    }
    let mut nanos = 0;
    if matches!(rest.first(), Some(b'.' | b',')) && rest.get(1).is_some_and(u8::is_ascii_digit) {
        let n = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        let mut scale = 100_000_000;
        for &c in rest[1..].iter().take(n.min(9)) {
            nanos += u32::from(c - b'0') * scale;
            scale /= 10;
        }
        rest = &rest[1 + n..];
    }
    Some((hour, minute, second, nanos, rest))
}

/// Parses Go's `Z07:00`: `Z`, or `±hh:mm` (hours up to 24, minutes up to 60, as Go allows).
fn parse_zone(b: &[u8]) -> Option<(i32, &[u8])> {
    if let Some(rest) = b.strip_prefix(b"Z") {
        return Some((0, rest));
    }
    let z = b.get(..6)?;
    let sign = match z[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    if z[3] != b':' || !z[1..3].iter().chain(&z[4..6]).all(u8::is_ascii_digit) {
        return None;
    }
    let hh = i32::from(z[1] - b'0') * 10 + i32::from(z[2] - b'0');
    let mm = i32::from(z[4] - b'0') * 10 + i32::from(z[5] - b'0');
    if hh > 24 || mm > 60 {
        return None;
    }
    Some((sign * (hh * 60 + mm) * 60, &b[6..]))
}

/// Decodes `!!binary` text as go-yaml does: Go's `base64.StdEncoding.DecodeString` (padding
/// required, `\r` and `\n` skipped), then the bytes as a Go string, which `encoding/json`
/// writes with each byte of invalid UTF-8 replaced by U+FFFD.
fn decode_binary(text: &str) -> Result<String, ResolveError> {
    let bytes = decode_base64(text).ok_or_else(|| {
        ResolveError::Decode("!!binary value contains invalid base64 data".to_string())
    })?;
    Ok(go::lossy(&bytes))
}

/// Go's `base64.StdEncoding.DecodeString`: padding required, `\r` and `\n` skipped, and (not
/// being `Strict`) unused trailing bits may be set.
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const GO_STD: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
    );
    let chars: Vec<u8> = text.bytes().filter(|&c| c != b'\r' && c != b'\n').collect();
    GO_STD.decode(chars).ok()
}

#[cfg(test)]
mod tests {
    //! Expected values were produced by the oracles, kustomize v5.5 (`kubectl kustomize`) and
    //! v5.6 (`kustomize-ref`), on one-resource builds: a resource with `k: <input>` printed
    //! what the table says (v3 typing), and a JSON 6902 `add` of `value: <input>` printed the
    //! YAML 1.1 column.

    use super::*;
    use crate::ScalarStyle;

    fn plain(text: &str) -> Scalar {
        Scalar::plain(text)
    }

    fn tagged(tag: &str, text: &str, style: ScalarStyle) -> Scalar {
        Scalar {
            text: text.to_string(),
            style,
            tag: Some(tag.to_string()),
        }
    }

    fn s(text: &str) -> Value<'static> {
        Value::Str(Cow::Owned(text.to_string()))
    }

    /// (input, v3 value, v2 value) for plain scalars.
    #[test]
    fn plain_typing_v3_and_yaml11() {
        use Value::*;
        let cases: &[(&str, Value<'static>, Value<'static>)] = &[
            ("", Null, Null),
            ("~", Null, Null),
            ("null", Null, Null),
            ("Null", Null, Null),
            ("NULL", Null, Null),
            ("nULL", s("nULL"), s("nULL")),
            ("true", Bool(true), Bool(true)),
            ("True", Bool(true), Bool(true)),
            ("TRUE", Bool(true), Bool(true)),
            ("tRUE", s("tRUE"), s("tRUE")),
            ("False", Bool(false), Bool(false)),
            ("yes", s("yes"), Bool(true)),
            ("on", s("on"), Bool(true)),
            ("y", s("y"), Bool(true)),
            ("Y", s("Y"), Bool(true)),
            ("off", s("off"), Bool(false)),
            ("n", s("n"), Bool(false)),
            ("NO", s("NO"), Bool(false)),
            ("yES", s("yES"), s("yES")),
            ("1", Int(1), Int(1)),
            ("-0", Int(0), Int(0)),
            ("+1", Int(1), Int(1)),
            ("017", Int(15), Int(15)),
            ("-017", Int(-15), Int(-15)),
            ("0o17", Int(15), Int(15)),
            ("0O17", Int(15), Int(15)),
            ("0x1F", Int(31), Int(31)),
            ("0X1f", Int(31), Int(31)),
            ("-0x1F", Int(-31), Int(-31)),
            ("0b101", Int(5), Int(5)),
            ("0B101", Int(5), Int(5)),
            ("-0b11", Int(-3), Int(-3)),
            ("0b-101", Int(-5), Int(-5)),
            ("0b+1", Int(1), Int(1)),
            ("0o-17", Int(-15), s("0o-17")),
            ("0o+7", Int(7), s("0o+7")),
            ("-0b+1", s("-0b+1"), s("-0b+1")),
            ("0x-1", s("0x-1"), s("0x-1")),
            ("0b", s("0b"), s("0b")),
            ("0x", s("0x"), s("0x")),
            ("08", Float(8.0), Float(8.0)),
            ("09.5", Float(9.5), Float(9.5)),
            ("1_000", Int(1000), Int(1000)),
            ("1__0", Int(10), Int(10)),
            ("1_", Int(1), Int(1)),
            ("-_1", Int(-1), Int(-1)),
            ("+_1", Int(1), Int(1)),
            ("_1", s("_1"), s("_1")),
            ("0x_1F", Int(31), Int(31)),
            ("0b_1", Int(1), Int(1)),
            ("9223372036854775807", Int(i64::MAX), Int(i64::MAX)),
            ("-9223372036854775808", Int(i64::MIN), Int(i64::MIN)),
            ("9223372036854775808", UInt(1 << 63), UInt(1 << 63)),
            ("0xFFFFFFFFFFFFFFFF", UInt(u64::MAX), UInt(u64::MAX)),
            (
                "0x1FFFFFFFFFFFFFFFF",
                s("0x1FFFFFFFFFFFFFFFF"),
                s("0x1FFFFFFFFFFFFFFFF"),
            ),
            (
                "18446744073709551616",
                Float(18446744073709551616.0),
                Float(18446744073709551616.0),
            ),
            (
                "-9223372036854775809",
                Float(-9223372036854775808.0),
                Float(-9223372036854775808.0),
            ),
            ("1.0", Float(1.0), Float(1.0)),
            ("1.", Float(1.0), Float(1.0)),
            (".5", Float(0.5), Float(0.5)),
            ("+.5", Float(0.5), Float(0.5)),
            ("-.5", Float(-0.5), Float(-0.5)),
            (".5_5", Float(0.55), Float(0.55)),
            ("._5", s("._5"), s("._5")),
            ("-0.0", Float(-0.0), Float(-0.0)),
            (
                "+9223372036854775808",
                Float(9223372036854775808.0),
                Float(9223372036854775808.0),
            ),
            ("18446744073709551615", UInt(u64::MAX), UInt(u64::MAX)),
            ("1a", s("1a"), s("1a")),
            (".", s("."), s(".")),
            ("1e3", Float(1000.0), Float(1000.0)),
            ("1E3", Float(1000.0), Float(1000.0)),
            ("1.e3", Float(1000.0), Float(1000.0)),
            (".1e-10", Float(1e-11), Float(1e-11)),
            ("1e400", s("1e400"), s("1e400")),
            ("1e-400", Float(0.0), Float(0.0)),
            ("12e", s("12e"), s("12e")),
            ("1.2.3", s("1.2.3"), s("1.2.3")),
            ("0x1.8p1", s("0x1.8p1"), s("0x1.8p1")),
            ("++1", s("++1"), s("++1")),
            ("1:20", s("1:20"), s("1:20")),
            ("Inf", s("Inf"), s("Inf")),
            (".InF", s(".InF"), s(".InF")),
            ("<<", s("<<"), s("<<")),
            ("2024-01-15", s("2024-01-15T00:00:00Z"), s("2024-01-15")),
            (
                "2024-01-15T10:00:00Z",
                s("2024-01-15T10:00:00Z"),
                s("2024-01-15T10:00:00Z"),
            ),
        ];
        for (input, v3, v2) in cases {
            assert_eq!(&resolve(&plain(input)), v3, "v3 {input:?}");
            assert_eq!(&resolve_yaml11(&plain(input)), v2, "v2 {input:?}");
        }
        assert!(matches!(resolve(&plain(".nan")), Float(f) if f.is_nan()));
        assert_eq!(resolve(&plain("-.Inf")), Float(f64::NEG_INFINITY));
        assert_eq!(resolve(&plain("+.INF")), Float(f64::INFINITY));
    }

    /// Unquoted timestamps, as v3 decodes them and `time.Time` marshals them.
    #[test]
    fn timestamps() {
        let cases: &[(&str, &str)] = &[
            ("2024-01-15", "2024-01-15T00:00:00Z"),
            ("2024-1-5", "2024-01-05T00:00:00Z"),
            ("2024-01-15T10:00:00Z", "2024-01-15T10:00:00Z"),
            ("2024-01-15t10:00:00Z", "2024-01-15T10:00:00Z"),
            ("2024-01-15T10:00:00.5Z", "2024-01-15T10:00:00.5Z"),
            (
                "2024-01-15T10:00:00.123456789123Z",
                "2024-01-15T10:00:00.123456789Z",
            ),
            ("2024-01-15T10:00:00,5Z", "2024-01-15T10:00:00.5Z"),
            ("2024-01-15T10:00:00.000Z", "2024-01-15T10:00:00Z"),
            ("2024-01-15T10:00:00+05:30", "2024-01-15T10:00:00+05:30"),
            ("2024-01-15T10:00:00-00:00", "2024-01-15T10:00:00Z"),
            ("2024-01-15T10:00:00+00:00", "2024-01-15T10:00:00Z"),
            ("2024-01-15T10:00:00+23:59", "2024-01-15T10:00:00+23:59"),
            ("2024-01-15T1:2:3Z", "2024-01-15T01:02:03Z"),
            ("2024-01-15 10:00:00", "2024-01-15T10:00:00Z"),
            ("2024-01-15   10:00:00", "2024-01-15T10:00:00Z"),
            ("2024-01-15 10:00:00.25", "2024-01-15T10:00:00.25Z"),
            ("2001-12-14 21:59:43.10", "2001-12-14T21:59:43.1Z"),
            ("2024-01-15T10:00:00.500Z", "2024-01-15T10:00:00.5Z"),
            ("2024-01-15t10:00:00-00:00", "2024-01-15T10:00:00Z"),
            (
                "2024-01-15T10:00:00,1234567891Z",
                "2024-01-15T10:00:00.123456789Z",
            ),
            ("2024-02-29", "2024-02-29T00:00:00Z"),
            ("0000-01-01", "0000-01-01T00:00:00Z"),
            ("9999-12-31T23:59:59-05:00", "9999-12-31T23:59:59-05:00"),
        ];
        for (input, want) in cases {
            assert_eq!(resolve(&plain(input)), s(want), "{input:?}");
        }
        // Not timestamps: they stay plain strings.
        for input in [
            "2024-01-15T10:00:00",
            "2024-01-15 10:00:00Z",
            "2024-02-30",
            "2023-02-29",
            "2024-13-01",
            "2024-01-15T24:00:00Z",
            "2024-01-15T10:60:00Z",
            "2024-01-15T10:00:60Z",
            "2024-01-15T10:00:00+05",
            "2024-01-15T10:00:00+0530",
            "2024-001-15",
            "2024-01-015",
            "2024-1-5T1:2:3.Z",
            "2024-01-15T10:00:00.Z",
            "2024-01-15x",
            "2024-01-15T10:00Z",
            "02024-01-15",
            "20240-01-15",
        ] {
            assert_eq!(resolve(&plain(input)), s(input), "{input:?}");
        }
        let err = try_resolve(&plain("2024-01-15T10:00:00+24:00")).unwrap_err();
        assert!(matches!(err, ResolveError::Marshal(_)));
        assert!(
            err.message()
                .contains("timezone hour outside of range [0,23]")
        );
    }

    /// Tags and quoting.
    #[test]
    fn tags_and_styles() {
        use ScalarStyle::*;
        use Value::*;
        let ok: &[(&str, &str, ScalarStyle, Value<'static>)] = &[
            ("!!str", "123", Plain, s("123")),
            ("!!str", "~", Plain, s("~")),
            ("!!str", "", Plain, s("")),
            ("!!str", "0x1F", Plain, s("0x1F")),
            ("tag:yaml.org,2002:str", "12", Plain, s("12")),
            ("!<tag:yaml.org,2002:int>", "12", DoubleQuoted, Int(12)),
            ("!!int", "42", DoubleQuoted, Int(42)),
            ("!!int", "0x1F", DoubleQuoted, Int(31)),
            ("!!int", "017", SingleQuoted, Int(15)),
            ("!!int", "-0b11", DoubleQuoted, Int(-3)),
            ("!!int", "+1", DoubleQuoted, Int(1)),
            ("!!int", "18446744073709551615", Plain, UInt(u64::MAX)),
            ("!!float", "1", Plain, Float(1.0)),
            ("!!float", "1e3", DoubleQuoted, Float(1000.0)),
            ("!!float", "99999999999999999999", Plain, Float(1e20)),
            (
                "!!float",
                "9223372036854775807",
                Plain,
                Float(i64::MAX as f64),
            ),
            ("!!bool", "true", DoubleQuoted, Bool(true)),
            ("!!bool", "TRUE", Plain, Bool(true)),
            ("!!null", "", DoubleQuoted, Null),
            ("!!null", "", Plain, Null),
            ("!!null", "NULL", Plain, Null),
            ("!!null", "~", DoubleQuoted, Null),
            (
                "!!timestamp",
                "2024-01-15",
                DoubleQuoted,
                s("2024-01-15T00:00:00Z"),
            ),
            (
                "!!timestamp",
                "2024-01-15 10:00:00",
                Plain,
                s("2024-01-15T10:00:00Z"),
            ),
            ("!!binary", "aGVsbG8=", Plain, s("hello")),
            ("!!binary", "aGVs\nbG8=\n", Literal, s("hello")),
            ("!!binary", "/w==", DoubleQuoted, s("\u{FFFD}")),
            ("!!binary", "4oI=", DoubleQuoted, s("\u{FFFD}\u{FFFD}")),
            ("!!binary", "", DoubleQuoted, s("")),
            ("!foo", "80", Plain, s("80")),
            ("!foo", "yes", Plain, s("yes")),
            ("!foo", "", Plain, s("")),
            ("!!merge", "x", Plain, s("x")),
            ("!!set", "x", Plain, s("x")),
            ("!", "80", Plain, Int(80)),
            ("!", "80", DoubleQuoted, s("80")),
        ];
        for (tag, text, style, want) in ok {
            let sc = tagged(tag, text, *style);
            assert_eq!(&try_resolve(&sc).unwrap(), want, "{tag} {text:?}");
        }
        let quoted = [SingleQuoted, DoubleQuoted, Literal, Folded];
        for style in quoted {
            let sc = Scalar {
                text: "123".into(),
                style,
                tag: None,
            };
            assert_eq!(resolve(&sc), s("123"));
        }
        let bad: &[(&str, &str, &str)] = &[
            ("!!null", "x", "cannot decode !!str `x` as a !!null"),
            ("!!int", "abc", "cannot decode !!str `abc` as a !!int"),
            ("!!int", "1.5", "cannot decode !!float `1.5` as a !!int"),
            (
                "!!int",
                "99999999999999999999",
                "cannot decode !!float `99999999999999999999` as a !!int",
            ),
            (
                "!!int",
                "2024-01-15",
                "cannot decode !!str `2024-01-15` as a !!int",
            ),
            ("!!bool", "yes", "cannot decode !!str `yes` as a !!bool"),
            ("!!float", "abc", "cannot decode !!str `abc` as a !!float"),
            (
                "!!float",
                "18446744073709551615",
                "cannot decode !!int `18446744073709551615` as a !!float",
            ),
            (
                "!!timestamp",
                "abc",
                "cannot decode !!str `abc` as a !!timestamp",
            ),
            (
                "!!binary",
                "aGVs bG8=",
                "!!binary value contains invalid base64 data",
            ),
            (
                "!!binary",
                "aGVsbG8",
                "!!binary value contains invalid base64 data",
            ),
            (
                "!!binary",
                "12",
                "!!binary value contains invalid base64 data",
            ),
            (
                "!!binary",
                "a===",
                "!!binary value contains invalid base64 data",
            ),
            (
                "!!binary",
                "aG==aGVs",
                "!!binary value contains invalid base64 data",
            ),
        ];
        for (tag, text, msg) in bad {
            let sc = tagged(tag, text, ScalarStyle::Plain);
            assert_eq!(
                try_resolve(&sc),
                Err(ResolveError::Decode(msg.to_string())),
                "{tag} {text:?}"
            );
            // The infallible form falls back to the text.
            assert_eq!(resolve(&sc), s(text));
        }
        // YAML 1.1: `!!bool yes` is fine, `!!timestamp` stays text.
        assert_eq!(resolve_yaml11(&tagged("!!bool", "yes", Plain)), Bool(true));
        assert_eq!(
            resolve_yaml11(&tagged("!!timestamp", "2024-01-15", Plain)),
            s("2024-01-15")
        );
    }

    #[test]
    fn tags_and_is_string() {
        use ScalarStyle::*;
        let cases: &[(Option<&str>, &str, ScalarStyle, Tag<'static>)] = &[
            (None, "a", Plain, Tag::Str),
            (None, "80", Plain, Tag::Int),
            (None, "80", DoubleQuoted, Tag::Str),
            (None, "1.5", Plain, Tag::Float),
            (None, "true", Plain, Tag::Bool),
            (None, "yes", Plain, Tag::Str),
            (None, "~", Plain, Tag::Null),
            (None, "", Plain, Tag::Null),
            (None, "2024-01-15", Plain, Tag::Timestamp),
            (None, "<<", Plain, Tag::Merge),
            (Some("!!str"), "80", Plain, Tag::Str),
            (Some("!!int"), "80", DoubleQuoted, Tag::Int),
            (Some("!foo"), "80", Plain, Tag::Other("!foo")),
            (Some("!"), "80", Plain, Tag::Int),
            (Some("!"), "80", SingleQuoted, Tag::Str),
        ];
        for (t, text, style, want) in cases {
            let sc = Scalar {
                text: text.to_string(),
                style: *style,
                tag: t.map(str::to_string),
            };
            assert_eq!(tag(&sc), *want, "{t:?} {text:?}");
            assert_eq!(is_string(&sc), *want == Tag::Str);
        }
    }

    /// Each row: text, the tag go-yaml v3.0.1's `resolve("", text)` gives it.
    #[test]
    fn plain_tags_follow_go_yaml_v3() {
        use Tag::*;
        let cases: &[(&str, Tag<'static>)] = &[
            ("", Null),
            ("~", Null),
            ("null", Null),
            ("NULL", Null),
            ("nULL", Str),
            ("true", Bool),
            ("True", Bool),
            ("yes", Str),
            ("on", Str),
            ("y", Str),
            ("1", Int),
            ("+1", Int),
            ("-1", Int),
            ("017", Int),
            ("08", Float),
            ("0x1F", Int),
            ("0o17", Int),
            ("0b101", Int),
            ("-0b11", Int),
            ("0b-101", Int),
            ("0o+7", Int),
            ("1_000", Int),
            ("9223372036854775808", Int),
            ("18446744073709551616", Float),
            ("1.5", Float),
            ("1.", Float),
            (".5", Float),
            (".5_5", Float),
            ("1e3", Float),
            ("1e400", Str),
            (".inf", Float),
            ("-.Inf", Float),
            (".nan", Float),
            (".", Str),
            ("2024-01-15", Timestamp),
            ("2024-1-5", Timestamp),
            ("2024-02-30", Str),
            ("2024-01-15T10:00:00Z", Timestamp),
            ("2024-01-15t10:00:00.5+01:00", Timestamp),
            ("2024-01-15T10:00:00+25:00", Str),
            ("2024-01-15T10:00:00", Str),
            ("2024-01-15 10:00:00", Timestamp),
            ("2024-01-15  10:00:00", Timestamp),
            ("1:20", Str),
            ("<<", Str),
            ("abc", Str),
            ("-", Str),
            ("-a", Str),
            ("+", Str),
            ("0x", Str),
        ];
        for (text, want) in cases {
            assert_eq!(plain_tag(text), *want, "{text:?}");
        }
    }

    #[test]
    fn yaml11_only_booleans() {
        for text in [
            "y", "Y", "yes", "Yes", "YES", "on", "ON", "n", "no", "NO", "off", "Off",
        ] {
            assert!(is_yaml11_only_bool(text), "{text:?}");
        }
        for text in ["yEs", "oN", "true", "False", "1", "", "~"] {
            assert!(!is_yaml11_only_bool(text), "{text:?}");
        }
    }

    /// Strings the v2 encoder must quote (from `02-string-quoting` and the oracle): those it
    /// would read back as something else, and base-60 numbers.
    #[test]
    fn yaml11_plain_strings() {
        let quoted = [
            "",
            "~",
            "null",
            "Null",
            "NULL",
            "y",
            "Y",
            "yes",
            "Yes",
            "YES",
            "n",
            "N",
            "no",
            "NO",
            "on",
            "On",
            "ON",
            "off",
            "Off",
            "OFF",
            "true",
            "True",
            "TRUE",
            "false",
            "1",
            "1.0",
            "-1",
            "+1",
            "0x1F",
            "0o17",
            "017",
            "08",
            "1_000",
            "1e3",
            ".5",
            "1.",
            "0b101",
            "-0b11",
            ".inf",
            "-.inf",
            ".nan",
            "+.inf",
            ".NaN",
            "2024-01-15",
            "2024-1-5",
            "2024-01-15T10:00:00Z",
            "2024-01-15t10:00:00Z",
            "2024-01-15 10:00:00",
            "2024-01-15T10:00:00+24:00",
            "12:30",
            "1:20",
            "190:20:30",
            "+12:30",
            "-1:30",
            "1:30.5",
            "1_0:30",
            "1:3:5",
            "190:20:30.25",
            "1:30.",
            "1:30._",
            "1e-400",
            ".5_5",
            "1__0",
            "-_1",
            "0x_1F",
            "0b_1",
            "0b+1",
            "0b-101",
            "1_000.5",
            "1_000e3",
            "1.5e+3",
            "00",
            "0",
            "-0",
        ];
        for q in quoted {
            assert!(!is_plain_string_yaml11(q), "{q:?} must be quoted");
        }
        let plain = [
            "plain",
            ".",
            "<<",
            "=",
            "yES",
            "oN",
            "nO",
            "tRUE",
            "1e400",
            "._5",
            "_1",
            "0x1FFFFFFFFFFFFFFFF",
            "1:60",
            "1:020",
            "1:_30",
            "1:3_0",
            "1.5:30",
            "1.:30",
            "+",
            "-",
            "0b",
            "Inf",
            ".InF",
            "2024-01-15T10:00:00",
            "2024-01-15 10:00:00Z",
            "2024-02-30",
            "0x1.8p1",
            "1.2.3",
            "0o-17",
            "0o+7",
            "-0b+1",
            "a:b",
            "-a",
            "0x-1",
        ];
        for p in plain {
            assert!(is_plain_string_yaml11(p), "{p:?} may be plain");
        }
    }

    #[test]
    fn decodes_base64_like_go() {
        assert_eq!(decode_base64("aGk=").unwrap(), b"hi");
        // Go's StdEncoding is not Strict: set trailing bits are ignored.
        assert_eq!(decode_base64("aGl=").unwrap(), b"hi");
        assert_eq!(decode_base64("aGVsbG9=").unwrap(), b"hello");
        assert_eq!(decode_base64("aGVs\nbG8=\n").unwrap(), b"hello");
        assert_eq!(decode_base64("").unwrap(), b"");
        assert!(decode_base64("aGk").is_none());
        assert!(decode_base64("aG==aGk=").is_none());
        assert!(decode_base64("a===").is_none());
        assert!(decode_base64("a b=").is_none());
    }

    #[test]
    fn yaml_number_helpers() {
        assert!(is_yaml_style_float("-1.5e+3"));
        assert!(!is_yaml_style_float("1.5e"));
        assert!(!is_yaml_style_float(""));
        assert!(is_base60_float("-1:20:30.5_"));
        assert!(!is_base60_float("1:60"));
        assert!(!is_base60_float("1:"));
    }
}
