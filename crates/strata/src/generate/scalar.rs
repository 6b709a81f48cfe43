//! What a YAML scalar means to the two go-yaml versions kustomize reads generator input with.
//!
//! Two readers matter here. A kustomization file goes through `sigs.k8s.io/yaml`'s
//! `YAMLToJSON`, which resolves plain scalars with go-yaml **v2** (YAML 1.1 booleans: `yes`,
//! `on`, `y`...). A finished ConfigMap or Secret is hashed after a go-yaml **v3** decode
//! (api/hasher/hasher.go via kyaml `RNode.MarshalJSON`), where only `true`/`false` are booleans
//! and unquoted timestamps become `time.Time`. Both resolvers are the same routine
//! (`resolve` in go-yaml's resolve.go) apart from the boolean table, so one function serves
//! both. This overlaps with what `yaml::resolve` is meant to provide; it stays private here so
//! the generator stage does not wait on it.

use crate::yaml::{Scalar, ScalarStyle};

/// Which go-yaml resolves the scalar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Schema {
    /// go-yaml v2 (YAML 1.1 booleans), as `sigs.k8s.io/yaml` uses for kustomization files.
    V2,
    /// go-yaml v3, as kyaml uses for resources.
    V3,
}

/// A plain scalar's resolved value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Resolved {
    /// `~`, `null`, empty...
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer (Go `int`/`int64`/`uint64`).
    Int(i128),
    /// A float, including the `.inf`/`.nan` spellings.
    Float(f64),
    /// A timestamp in one of the four layouts go-yaml accepts.
    Timestamp(Timestamp),
    /// Anything else: the text is a string.
    Str,
}

impl Resolved {
    /// Returns go-yaml's short tag for the resolved kind.
    pub(crate) fn tag(&self) -> &'static str {
        match self {
            Resolved::Null => "!!null",
            Resolved::Bool(_) => "!!bool",
            Resolved::Int(_) => "!!int",
            Resolved::Float(_) => "!!float",
            Resolved::Timestamp(_) => "!!timestamp",
            Resolved::Str => "!!str",
        }
    }
}

/// Returns the tag of `s` in short form (`tag:yaml.org,2002:int` → `!!int`), if it has one.
pub(crate) fn short_tag(s: &Scalar) -> Option<String> {
    s.tag
        .as_ref()
        .map(|t| match t.strip_prefix("tag:yaml.org,2002:") {
            Some(rest) => format!("!!{rest}"),
            None => t.clone(),
        })
}

/// Returns true if go-yaml treats the scalar as a string without looking at its text: a
/// `!!str` tag, or no tag (or `!`) and a quoted or block style (go-yaml v3 `indicatedString`).
pub(crate) fn indicated_string(s: &Scalar, tag: Option<&str>) -> bool {
    match tag {
        Some("!!str") => true,
        None | Some("!") => s.style != ScalarStyle::Plain,
        Some(_) => false,
    }
}

/// Returns true if `tag` is one go-yaml resolves by looking at the text (`resolvableTag`).
pub(crate) fn resolvable_tag(tag: &str) -> bool {
    matches!(
        tag,
        "!!str" | "!!bool" | "!!int" | "!!float" | "!!null" | "!!timestamp"
    )
}

/// Resolves the text of an untagged (or resolvably tagged) plain scalar as go-yaml's `resolve`
/// does. `try_timestamp` is false when an explicit tag other than `!!timestamp` was written.
pub(crate) fn resolve_plain(text: &str, schema: Schema, try_timestamp: bool) -> Resolved {
    // go-yaml picks a strategy from the first byte (its `resolveTable`); an empty text takes
    // the map lookup, where it is null.
    let Some(&first) = text.as_bytes().first() else {
        return Resolved::Null;
    };
    enum Hint {
        Map,
        Dot,
        Number,
    }
    let hint = match first {
        b'+' | b'-' | b'0'..=b'9' => Hint::Number,
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => Hint::Map,
        b'.' => Hint::Dot,
        _ => return Resolved::Str,
    };
    if let Some(r) = lookup_map(text, schema) {
        return r;
    }
    match hint {
        Hint::Map => Resolved::Str,
        Hint::Dot => {
            if is_dot_float(text) {
                go_parse_float(text).map_or(Resolved::Str, Resolved::Float)
            } else {
                Resolved::Str
            }
        }
        Hint::Number => {
            if try_timestamp {
                if let Some(t) = Timestamp::parse(text) {
                    return Resolved::Timestamp(t);
                }
            }
            let plain: String = text.chars().filter(|&c| c != '_').collect();
            if let Some(i) = go_parse_int(&plain) {
                return Resolved::Int(i);
            }
            if is_yaml_float(&plain) {
                if let Some(f) = go_parse_float(&plain) {
                    return Resolved::Float(f);
                }
            }
            Resolved::Str
        }
    }
}

fn lookup_map(text: &str, schema: Schema) -> Option<Resolved> {
    let r = match text {
        "true" | "True" | "TRUE" => Resolved::Bool(true),
        "false" | "False" | "FALSE" => Resolved::Bool(false),
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" if schema == Schema::V2 => {
            Resolved::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" if schema == Schema::V2 => {
            Resolved::Bool(false)
        }
        "~" | "null" | "Null" | "NULL" => Resolved::Null,
        ".nan" | ".NaN" | ".NAN" => Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Resolved::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Resolved::Float(f64::NEG_INFINITY),
        _ => return None,
    };
    Some(r)
}

/// `^\.[0-9]+([eE][-+]?[0-9]+)?$`: what Go's `strconv.ParseFloat` accepts from a text that
/// starts with `.` (no underscores without a base prefix, no `inf`).
fn is_dot_float(text: &str) -> bool {
    let Some(rest) = text.strip_prefix('.') else {
        return false;
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && is_exponent_or_empty(&rest[digits..])
}

/// go-yaml's `yamlStyleFloat`: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_float(text: &str) -> bool {
    let s = text.strip_prefix(['+', '-']).unwrap_or(text);
    let int_digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &s[int_digits..];
    let rest = if int_digits > 0 {
        match rest.strip_prefix('.') {
            Some(frac) => &frac[frac.bytes().take_while(u8::is_ascii_digit).count()..],
            None => rest,
        }
    } else {
        let Some(frac) = rest.strip_prefix('.') else {
            return false;
        };
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        &frac[n..]
    };
    is_exponent_or_empty(rest)
}

fn is_exponent_or_empty(s: &str) -> bool {
    if s.is_empty() {
        return true;
    }
    let Some(exp) = s.strip_prefix(['e', 'E']) else {
        return false;
    };
    let exp = exp.strip_prefix(['+', '-']).unwrap_or(exp);
    !exp.is_empty() && exp.bytes().all(|b| b.is_ascii_digit())
}

/// Parses a text already checked to be a decimal float. Go's `ParseFloat` reports an error on
/// overflow to ±Inf, and go-yaml then keeps the text as a string.
fn go_parse_float(text: &str) -> Option<f64> {
    text.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// Go `strconv.ParseInt(s, 0, 64)`, then `strconv.ParseUint(s, 0, 64)`: an optional sign,
/// then `0x`/`0o`/`0b` or a leading `0` (octal) selects the base.
fn go_parse_int(s: &str) -> Option<i128> {
    let (negative, signed, rest) = match s.as_bytes().first() {
        Some(b'+') => (false, true, &s[1..]),
        Some(b'-') => (true, true, &s[1..]),
        _ => (false, false, s),
    };
    let lower = rest.get(..2).map(str::to_ascii_lowercase);
    let (radix, digits) = match lower.as_deref() {
        Some("0x") => (16, &rest[2..]),
        Some("0o") => (8, &rest[2..]),
        Some("0b") => (2, &rest[2..]),
        _ if rest.len() > 1 && rest.starts_with('0') => (8, &rest[1..]),
        _ => (10, rest),
    };
    if digits.is_empty() {
        return None;
    }
    let mut magnitude: u128 = 0;
    for c in digits.chars() {
        let d = c.to_digit(radix)?;
        magnitude = magnitude
            .checked_mul(u128::from(radix))?
            .checked_add(u128::from(d))?;
        if magnitude > u128::from(u64::MAX) {
            return None;
        }
    }
    let value = i128::try_from(magnitude).ok()?;
    match (signed, negative) {
        // ParseInt only; ParseUint rejects a sign.
        (true, true) if value <= 1i128 << 63 => Some(-value),
        (true, false) if value <= i128::from(i64::MAX) => Some(value),
        (true, _) => None,
        // ParseInt, else ParseUint: anything up to u64::MAX.
        (false, _) => Some(value),
    }
}

/// A timestamp as Go's `time.Parse` reads it with go-yaml's layouts, kept in its written
/// zone so it prints back the way `time.Time.MarshalJSON` prints it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Timestamp {
    year: u32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    nanos: u32,
    /// Offset east of UTC in seconds; 0 for `Z` and for layouts without a zone.
    offset: i32,
}

impl Timestamp {
    /// Parses `s` with go-yaml's `allowedTimestampFormats`, in order:
    /// `2006-1-2T15:4:5.999999999Z07:00`, the same with `t`, `2006-1-2 15:4:5.999999999` and
    /// `2006-1-2` (api: go-yaml resolve.go `parseTimestamp`).
    pub(crate) fn parse(s: &str) -> Option<Timestamp> {
        // go-yaml's quick check: exactly four digits, then '-'.
        let b = s.as_bytes();
        let lead = b.iter().take_while(|c| c.is_ascii_digit()).count();
        if lead != 4 || b.get(4) != Some(&b'-') {
            return None;
        }
        [Some(b'T'), Some(b't'), Some(b' '), None]
            .into_iter()
            .find_map(|sep| Timestamp::parse_layout(b, sep))
    }

    /// One layout: date, then (if `sep` is set) `sep` + time; a zone only for `T`/`t`.
    fn parse_layout(b: &[u8], sep: Option<u8>) -> Option<Timestamp> {
        let mut p = Cursor { b, i: 0 };
        let year = p.fixed_digits(4)?;
        p.lit(b'-')?;
        let month = p.num()?;
        p.lit(b'-')?;
        let day = p.num()?;
        let mut t = Timestamp {
            year,
            month,
            day,
            hour: 0,
            minute: 0,
            second: 0,
            nanos: 0,
            offset: 0,
        };
        if !(1..=12).contains(&month) {
            return None;
        }
        if let Some(sep) = sep {
            p.lit(sep)?;
            t.hour = p.num()?;
            p.lit(b':')?;
            t.minute = p.num()?;
            p.lit(b':')?;
            t.second = p.num()?;
            if t.hour >= 24 || t.minute >= 60 || t.second >= 60 {
                return None;
            }
            t.nanos = p.fraction();
            if sep != b' ' {
                t.offset = p.zone()?;
            }
        }
        if p.i != b.len() || day < 1 || day > days_in_month(month, year) {
            return None;
        }
        Some(t)
    }

    /// Formats as Go's `time.RFC3339Nano`, which `time.Time.MarshalJSON` uses: fraction without
    /// trailing zeros, `Z` for a zero offset. Returns `None` where `MarshalJSON` fails (an offset
    /// of 24 hours or more).
    pub(crate) fn rfc3339_nano(&self) -> Option<String> {
        let mut out = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        );
        if self.nanos != 0 {
            let frac = format!("{:09}", self.nanos);
            out.push('.');
            out.push_str(frac.trim_end_matches('0'));
        }
        if self.offset == 0 {
            out.push('Z');
        } else {
            let minutes = self.offset.unsigned_abs() / 60;
            let (hh, mm) = (minutes / 60, minutes % 60);
            if hh >= 24 {
                return None;
            }
            let sign = if self.offset < 0 { '-' } else { '+' };
            out.push_str(&format!("{sign}{hh:02}:{mm:02}"));
        }
        Some(out)
    }
}

fn days_in_month(month: u32, year: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A position in the text being parsed as a timestamp.
struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn digit(&self, at: usize) -> Option<u32> {
        self.b
            .get(at)
            .filter(|c| c.is_ascii_digit())
            .map(|c| u32::from(c - b'0'))
    }

    fn lit(&mut self, c: u8) -> Option<()> {
        (self.b.get(self.i) == Some(&c)).then(|| self.i += 1)
    }

    fn fixed_digits(&mut self, n: usize) -> Option<u32> {
        let mut v = 0;
        for _ in 0..n {
            v = v * 10 + self.digit(self.i)?;
            self.i += 1;
        }
        Some(v)
    }

    /// Go `getnum(s, false)`: one digit, or two if a second follows.
    fn num(&mut self) -> Option<u32> {
        let first = self.digit(self.i)?;
        self.i += 1;
        match self.digit(self.i) {
            Some(second) => {
                self.i += 1;
                Some(first * 10 + second)
            }
            None => Some(first),
        }
    }

    /// Go's `stdFracSecond9`: `.` or `,` and at least one digit, then every digit; nanoseconds
    /// come from the first nine.
    fn fraction(&mut self) -> u32 {
        let has_fraction =
            matches!(self.b.get(self.i), Some(b'.' | b',')) && self.digit(self.i + 1).is_some();
        if !has_fraction {
            return 0;
        }
        self.i += 1;
        let mut nanos = 0;
        let mut n = 0;
        while let Some(d) = self.digit(self.i) {
            if n < 9 {
                nanos = nanos * 10 + d;
                n += 1;
            }
            self.i += 1;
        }
        nanos * 10u32.pow(9 - n)
    }

    /// Go's `Z07:00`: `Z`, or a sign and `hh:mm` (hours up to 24, minutes up to 60 accepted).
    fn zone(&mut self) -> Option<i32> {
        if self.lit(b'Z').is_some() {
            return Some(0);
        }
        let sign = match self.b.get(self.i)? {
            b'+' => 1,
            b'-' => -1,
            _ => return None,
        };
        self.i += 1;
        let hh = self.fixed_digits(2)?;
        self.lit(b':')?;
        let mm = self.fixed_digits(2)?;
        if hh > 24 || mm > 60 {
            return None;
        }
        let secs = i32::try_from((hh * 60 + mm) * 60).ok()?;
        Some(sign * secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_plain_scalars_like_go_yaml() {
        use Resolved::*;
        // (text, v2, v3); v3 expectations checked against kustomize-ref hashes (case h6 in
        // hash.rs), v2 against kustomization decode errors (args.rs).
        let cases: &[(&str, Resolved, Resolved)] = &[
            ("", Null, Null),
            ("~", Null, Null),
            ("NULL", Null, Null),
            ("nULL", Str, Str),
            ("true", Bool(true), Bool(true)),
            ("yes", Bool(true), Str),
            ("Y", Bool(true), Str),
            ("off", Bool(false), Str),
            ("yES", Str, Str),
            ("5", Int(5), Int(5)),
            ("+1", Int(1), Int(1)),
            ("-0", Int(0), Int(0)),
            ("0x1F", Int(31), Int(31)),
            ("017", Int(15), Int(15)),
            ("0o17", Int(15), Int(15)),
            ("0b101", Int(5), Int(5)),
            ("-0b11", Int(-3), Int(-3)),
            ("1_000", Int(1000), Int(1000)),
            ("08", Float(8.0), Float(8.0)),
            ("1.", Float(1.0), Float(1.0)),
            (".5", Float(0.5), Float(0.5)),
            ("1e3", Float(1000.0), Float(1000.0)),
            ("-0.0", Float(-0.0), Float(-0.0)),
            ("1e400", Str, Str),
            (
                "18446744073709551615",
                Int(18446744073709551615),
                Int(18446744073709551615),
            ),
            (
                "-9223372036854775808",
                Int(-9223372036854775808),
                Int(-9223372036854775808),
            ),
            (
                "+9223372036854775808",
                Float(9223372036854775808.0),
                Float(9223372036854775808.0),
            ),
            ("0x", Str, Str),
            ("1:20", Str, Str),
            ("<<", Str, Str),
            ("1a", Str, Str),
            ("._5", Str, Str),
        ];
        for (text, v2, v3) in cases {
            assert_eq!(&resolve_plain(text, Schema::V2, true), v2, "v2 {text:?}");
            assert_eq!(&resolve_plain(text, Schema::V3, true), v3, "v3 {text:?}");
        }
        assert!(matches!(resolve_plain(".inf", Schema::V3, true), Float(f) if f.is_infinite()));
        assert!(matches!(resolve_plain(".NaN", Schema::V3, true), Float(f) if f.is_nan()));
    }

    #[test]
    fn timestamps_print_as_go_marshals_them() {
        // From kustomize-ref: a ConfigMap data value patched to each text, printed back.
        let cases = [
            ("2024-01-15", Some("2024-01-15T00:00:00Z")),
            ("2024-1-5", Some("2024-01-05T00:00:00Z")),
            (
                "2024-01-15T10:00:00+01:00",
                Some("2024-01-15T10:00:00+01:00"),
            ),
            ("2001-12-14 21:59:43.10", Some("2001-12-14T21:59:43.1Z")),
            ("2024-01-15T10:00:00.500Z", Some("2024-01-15T10:00:00.5Z")),
            ("2024-01-15t10:00:00-00:00", Some("2024-01-15T10:00:00Z")),
            (
                "2024-01-15T10:00:00,1234567891Z",
                Some("2024-01-15T10:00:00.123456789Z"),
            ),
            ("2024-01-15T10:00:00", None),
            ("2024-02-30", None),
            ("2024-02-29", Some("2024-02-29T00:00:00Z")),
            ("2023-02-29", None),
            ("2024-13-01", None),
            ("2024-01-15T24:00:00Z", None),
            ("2024-01-15 10:00:00Z", None),
            ("20240-01-15", None),
            ("2024-01-15x", None),
        ];
        for (text, want) in cases {
            let got = Timestamp::parse(text).and_then(|t| t.rfc3339_nano());
            assert_eq!(got.as_deref(), want, "{text:?}");
        }
        // Parses, but MarshalJSON refuses a 24-hour offset.
        let t = Timestamp::parse("2024-01-15T10:00:00+24:00").unwrap();
        assert_eq!(t.rfc3339_nano(), None);
    }
}
